#!/bin/sh
# Every command answers -h; usage errors exit 2 with a pointer; unknown
# commands get "did you mean".
. "$SRCDIR/tests/e2e/lib.sh"

"$ENROLLGUARD" --help >"$TMP/help" 2>&1; rc=$?
check "--help exits 0" exits_with 0
check "--help lists run" has "$TMP/help" "  run "
check "--help lists status" has "$TMP/help" "  status "
check "--help documents exit codes" has "$TMP/help" "4 already running"
for c in cert check explain install pkg pkgroot renew run status uninstall; do
	"$ENROLLGUARD" $c --help >"$TMP/h-$c" 2>&1; rc=$?
	check "$c --help exits 0" exits_with 0
	check "$c --help shows its usage" has "$TMP/h-$c" "usage: enrollguard \[--root DIR\] $c"
done
check "run --help names every key" has "$TMP/h-run" "\[FallbackInterval\]"
check "run --help shows ranges and defaults" has "$TMP/h-run" "\[Retries\] 1..100, default 3"

"$ENROLLGUARD" rnu >"$TMP/o" 2>&1; rc=$?
check "unknown command exits 2" exits_with 2
check "unknown command suggests run" has "$TMP/o" "The most similar command is"
"$ENROLLGUARD" >"$TMP/o" 2>&1; rc=$?
check "no command exits 2" exits_with 2
"$ENROLLGUARD" --version >"$TMP/o" 2>&1; rc=$?
check "--version" has "$TMP/o" "^enrollguard [0-9]"
"$ENROLLGUARD" --root relative status >"$TMP/o" 2>&1; rc=$?
check "--root must be absolute" exits_with 2
check "--root error names the value" has "$TMP/o" "'relative' must be an absolute path"
"$ENROLLGUARD" --root /nonexistent/x status >"$TMP/o" 2>&1; rc=$?
check "--root must exist" exits_with 2
done_testing
