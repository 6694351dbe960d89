#!/bin/sh
# pkg runs pkgbuild then productbuild (fakes under --root record them).
. "$SRCDIR/tests/e2e/lib.sh"
mac cool 20
CALLS=$ROOT/var/fakemac/calls

run_eg "$TMP/o" pkg --out "$TMP/enrollguard.pkg" --identifier org.example.eg --version 2.0 --deadline 25m
check "exits 0" exits_with 0
check "the package exists" [ -s "$TMP/enrollguard.pkg" ]
check "pkgbuild got the payload, scripts, identifier, version, ownership" \
	grep -q "pkgbuild --root /tmp/enrollguard-pkg.*/payload --scripts /tmp/enrollguard-pkg.*/scripts --identifier org.example.eg --version 2.0 --install-location / --ownership recommended /tmp/enrollguard-pkg.*/component.pkg" "$CALLS"
check "productbuild made the distribution package" grep -q "productbuild --package /tmp/enrollguard-pkg.*/component.pkg $TMP/enrollguard.pkg" "$CALLS"
check "unsigned says so" has "$TMP/o" "(unsigned)"
# this run's own pkgroot, from what pkgbuild was given (other tests running
# at the same time may have theirs in /tmp)
pkgtmp=$(sed -n 's|^[0-9.]* pkgbuild --root \(/tmp/enrollguard-pkg\.[^/ ]*\)/payload .*|\1|p' "$CALLS" | head -n 1)
check "the temporary pkgroot is named in the pkgbuild call" [ -n "$pkgtmp" ]
check "the temporary pkgroot is gone" [ ! -e "${pkgtmp:-/nonexistent}" ]
run_eg "$TMP/o" pkg --out "$TMP/signed.pkg" --sign "Developer ID Installer: Example (ABCDE12345)"
check "signed: exits 0" exits_with 0
check "productbuild got --sign" has "$CALLS" "productbuild --package .* --sign Developer ID Installer: Example (ABCDE12345) $TMP/signed.pkg"
rm "$ROOT/usr/bin/pkgbuild"
run_eg "$TMP/o" pkg --out "$TMP/x.pkg"
check "without pkgbuild: exits 3" exits_with 3
check "and says to build on a Mac" has "$TMP/o" "elsewhere run 'enrollguard pkgroot' and build on a Mac"
done_testing
