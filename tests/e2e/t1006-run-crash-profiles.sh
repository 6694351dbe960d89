#!/bin/sh
# profiles renew crashes until the UCRT exists: the crash is recorded as
# a signal (not a timeout), and the run goes on to enroll.
. "$SRCDIR/tests/e2e/lib.sh"
mac crash-profiles 20

run_eg "$TMP/out" run --fallback-interval 5m --thermal-interval 1s
check "exits 0" exits_with 0
check "the crash is recorded as a signal" has "$LOG" "renew.result: attempt 1 failed: profiles killed by signal 11"
check "then enrolled" has "$LOG" "run.enrolled"
check "JSON has the signal" [ "$(jfield renew.result data.signal)" = 11 ]
done_testing
