#!/bin/sh
# profiles renew hangs: every call is killed at --child-timeout and
# recorded; the run is not stuck and gives up at the deadline.
. "$SRCDIR/tests/e2e/lib.sh"
mac hung-profiles 1

run_eg "$TMP/out" run --child-timeout 300ms --deadline 2s --fallback-interval 400ms --thermal-interval 5s
check "exits 1" exits_with 1
check "each hung call was killed and recorded" has "$LOG" "renew.result: attempt 1 failed: profiles timed out after 300ms and was killed"
check "several attempts" [ "$(grep -c 'timed out after 300ms' "$LOG")" -ge 2 ]
check "recommendation names the hang" has "$LOG" "'profiles renew' hung on every attempt"
check "no hung fake left behind" sh -c "! pgrep -f '^$ROOT/usr/bin/profiles' >/dev/null"
check "JSON says timed_out" [ "$(jfield renew.result data.timed_out)" = True ]
done_testing
