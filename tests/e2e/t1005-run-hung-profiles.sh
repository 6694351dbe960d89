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

# The deadline holds whatever a child does: a child's timeout is the
# smaller of its own and the time left (it took 60.5 s with the default
# 60 s --child-timeout); hang-hard ignores SIGTERM, so SIGKILL must come.
for how in hang hang-hard; do
	mac hung-profiles 1
	sed -i "s/^renew_before_ucrt.*/renew_before_ucrt = $how/; s/^renew_after_ucrt.*/renew_after_ucrt = $how/" \
		"$ROOT/etc/fakemac/scenario"
	start=$(date +%s%N)
	run_eg "$TMP/out" run --deadline 5s --no-wait-setup-assistant
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	check "$how: --deadline 5s with the default child timeout gives up (exit 1)" exits_with 1
	check "$how: ... within a second of the deadline ($ms ms)" [ "$ms" -lt 6000 ]
	check "$how: the attempt cut short says why" has "$LOG" \
		"renew.result: attempt 1 failed: profiles was stopped at the run's deadline"
	check "$how: and the end counts it, in the singular" has "$LOG" \
		"run.gave_up: no enrollment configuration after 1 attempt (5s)"
	check "$how: no fake profiles left behind" sh -c "! pgrep -f '^$ROOT/usr/bin/profiles' >/dev/null"
done
done_testing
