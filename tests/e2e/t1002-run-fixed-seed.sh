#!/bin/sh
# Seed 000's observed case under --strategy fixed with the seed's
# schedule (3 tries 5 s apart, 60 s cool-down), played 20 times faster:
# the 4th attempt, cycle 2 retry 1, about 70 s after the first, succeeds.
. "$SRCDIR/tests/e2e/lib.sh"
mac seed-hot-cools 20

# the seed's schedule divided by the scenario's speed
run_eg "$TMP/out" run --strategy fixed --retries 3 --retry-delay 250ms --cooldown 3s --cycles 10 \
	--thermal-interval 250ms --no-wait-setup-assistant
check "exits 0" exits_with 0
check "four attempts" [ "$(grep -c 'renew.attempt' "$LOG")" -eq 4 ]
check "attempts 1-3 failed with 34006" [ "$(grep -c 'failed: (34006) The cloud configuration server is unavailable.' "$LOG")" -eq 3 ]
check "attempt 4 is cycle 2, try 1" has "$LOG" "renew.attempt: attempt 4 (cycle 2, try 1)"
check "attempt 4 succeeded" has "$LOG" "renew.result: attempt 4 succeeded"
check "schedule: tries 5 s apart, then the 60 s cool-down (scaled 1/20)" python3 -c '
import json,sys,datetime
ts=lambda e: datetime.datetime.strptime(e["ts"],"%Y-%m-%dT%H:%M:%S.%fZ")
ev=[json.loads(l) for l in open(sys.argv[1])]
res=[e for e in ev if e["type"]=="renew.result"]
att=[e for e in ev if e["type"]=="renew.attempt"]
# the pause from the end of one attempt to the start of the next
gaps=[(ts(a)-ts(r)).total_seconds()*1000 for r,a in zip(res,att[1:])]
print("# pauses (ms):", [round(g) for g in gaps])
assert 245<=gaps[0]<900 and 245<=gaps[1]<900, gaps
assert 2990<=gaps[2]<3800, gaps' "$JSONL"
check "the thermal samples show the Mac cooling" python3 -c '
import json,sys
t=[json.loads(l)["data"]["cpu_die_c"] for l in open(sys.argv[1]) if "\"thermal.sample\"" in l]
print("# CPU die:", t)
assert len(t)>=3 and t[0]>t[-1]+10 and t[-1]<=70, t' "$JSONL"
check "the fixed strategy does not follow the log" lacks "$LOG" "log.started"
done_testing
