#!/bin/sh
# A serial Apple has no ADE record for: stop at once, say to assign it.
. "$SRCDIR/tests/e2e/lib.sh"
mac not-dep 20

run_eg "$TMP/out" run
check "exits 1" exits_with 1
check "quotes profiles" has "$LOG" "Client is not DEP enabled."
check "says what to do" has "$LOG" "no ADE record for serial C02NODEPMD6M. Assign the serial to your MDM server in Apple Business Manager"
check "did not retry" [ "$(grep -c renew.attempt "$LOG")" -eq 1 ]
check "kept the LaunchDaemon" [ -e "$PLIST" ]
done_testing
