#!/bin/sh
# A Mac that never cools: enrollguard gives up at its deadline with exit
# 1, records the cause and what to do, and keeps its LaunchDaemon.
. "$SRCDIR/tests/e2e/lib.sh"
mac hot-forever 100

start=$(date +%s%N)
run_eg "$TMP/out" run --deadline 3s --fallback-interval 500ms --retry-delay 50ms --thermal-interval 1s
secs=$(( ($(date +%s%N) - start) / 1000000 ))
check "exits 1" exits_with 1
check "within the deadline (${secs} ms)" [ "$secs" -lt 6000 ]
check "not before it" [ "$secs" -ge 3000 ]
check "recorded giving up" has "$LOG" "run.gave_up: no enrollment configuration after"
check "names the cause" has "$LOG" "dasd held back the UCRT task [0-9]* times (last: ThermalPolicy Absolutely Must Not Proceed, thermalLevel >= 2"
check "recommends the 10-minute shutdown (the finding table's next step)" has "$LOG" "Let the Mac cool: shut it down for 10 minutes"
check "state has the recommendation" sh -c "grep -q '^recommendation=dasd held back' '$STATE'"
check "state says gave-up" [ "$(state phase)" = gave-up ]
check "kept the LaunchDaemon" [ -e "$PLIST" ]
check "said so" has "$LOG" "the LaunchDaemon is kept"
check "status shows what to do" sh -c "'$ENROLLGUARD' --root '$ROOT' status | grep -q 'what to do:    dasd held back'"
done_testing
