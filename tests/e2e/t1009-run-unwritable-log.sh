#!/bin/sh
# An unwritable log: a clear error naming the file, exit 3, nothing run.
. "$SRCDIR/tests/e2e/lib.sh"
mac cool 20

rm -rf "$ROOT/var/log"
: > "$ROOT/var/log"          # a file where the directory should be
run_eg "$TMP/out" run
check "exits 3" exits_with 3
check "names the log" has "$TMP/out" "cannot open '$ROOT/var/log/enrollguard.log'"
check "profiles was never called" lacks "$ROOT/var/fakemac/calls" "profiles"

mac cool 20
ln -s /tmp/elsewhere-$$ "$LOG"
run_eg "$TMP/out" run
check "a symlinked log is refused with exit 3" exits_with 3
check "and says why" has "$TMP/out" "is a symbolic link"
check "nothing was created through the link" [ ! -e /tmp/elsewhere-$$ ]
check "the LaunchDaemon is kept" [ -e "$PLIST" ]
done_testing
