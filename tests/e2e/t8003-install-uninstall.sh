#!/bin/sh
# install and uninstall by hand: idempotent, launchctl through the fake,
# run's options baked into the preferences, refused without root.
. "$SRCDIR/tests/e2e/lib.sh"
mac cool 20
rm -f "$PLIST"

run_eg "$TMP/o" install --deadline 45m --strategy fixed
check "install exits 0" exits_with 0
check "installed the binary" cmp -s "$ENROLLGUARD" "$ROOT/usr/local/sbin/enrollguard"
check "installed the daemon" [ "$("$PLISTGET" "$PLIST" Label)" = com.enrollguard.run ]
check "baked the options" [ "$("$PLISTGET" "$ROOT/Library/Preferences/com.enrollguard.plist" Deadline)" = 45m ]
check "loaded it" [ -e "$ROOT/var/fakemac/launchd/com.enrollguard.run" ]
check "said so" has "$TMP/o" "loaded com.enrollguard.run"
run_eg "$TMP/o" install --deadline 45m --strategy fixed
check "install again exits 0" exits_with 0
check "and changes nothing" [ "$(grep -c '^unchanged' "$TMP/o")" -eq 3 ]
check "still loaded" [ -e "$ROOT/var/fakemac/launchd/com.enrollguard.run" ]
check "the run it loads reads the baked options" sh -c "'$ENROLLGUARD' --root '$ROOT' run --no-wait-setup-assistant >/dev/null 2>&1; grep -q 'fixed strategy, deadline 45m' '$LOG'"

run_eg "$TMP/o" uninstall
check "uninstall exits 0" exits_with 0
check "unloaded" [ ! -e "$ROOT/var/fakemac/launchd/com.enrollguard.run" ]
check "removed the files" [ ! -e "$PLIST" ] && [ ! -e "$ROOT/usr/local/sbin/enrollguard" ] && [ ! -e "$ROOT/Library/Preferences/com.enrollguard.plist" ]
check "kept the logs" [ -s "$LOG" ]
run_eg "$TMP/o" uninstall
check "uninstall again exits 0" exits_with 0
check "and says there is nothing to do" has "$TMP/o" "not installed: nothing to do"

if id nobody >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	cp "$ENROLLGUARD" "$TMP/eg"; chmod 755 "$TMP" "$TMP/eg"
	su nobody -s /bin/sh -c "'$TMP/eg' install" >"$TMP/o" 2>&1; rc=$?
	check "install without root exits 3" exits_with 3
	check "and says root is needed" has "$TMP/o" "'install' must run as root"
	su nobody -s /bin/sh -c "'$TMP/eg' uninstall" >"$TMP/o" 2>&1; rc=$?
	check "uninstall without root exits 3" exits_with 3
fi
done_testing
