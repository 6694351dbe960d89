#!/bin/sh
# The event strategy renews within 1 s of the UCRT appearing in the log,
# without waiting for its slow fallback schedule.
. "$SRCDIR/tests/e2e/lib.sh"
mac seed-hot-cools 20

run_eg "$TMP/out" run --fallback-interval 10m --thermal-interval 1s
check "exits 0" exits_with 0
check "saw dasd block the UCRT for ThermalPolicy" has "$LOG" "dasd.verdict: dasd: ThermalPolicy Absolutely Must Not Proceed (thermalLevel >= 2) for 0:com.apple.mobileactivationd.UCRT.OOB:"
check "said why it waits, with the temperature" has "$LOG" "wait: dasd: ThermalPolicy Absolutely Must Not Proceed (thermalLevel >= 2), CPU die [0-9]* C, next attempt in"
check "saw dasd let it run" has "$LOG" "dasd.verdict: dasd: Can Proceed"
check "saw the UCRT" has "$LOG" "ucrt.acquired"
check "the second attempt says why" has "$LOG" "renew.attempt: attempt 2 (the UCRT was just acquired)"
check "two attempts: at start, and at the UCRT" [ "$(grep -c 'renew.attempt' "$LOG")" -eq 2 ]
check "renewed within 1 s of the UCRT" python3 -c '
import json,sys,datetime
ev=[json.loads(l) for l in open(sys.argv[1])]
ts=lambda e: datetime.datetime.strptime(e["ts"],"%Y-%m-%dT%H:%M:%S.%fZ")
u=[e for e in ev if e["type"]=="ucrt.acquired"][0]
r=[e for e in ev if e["type"]=="renew.attempt" and e["seq"]>u["seq"]][0]
gap=(ts(r)-ts(u)).total_seconds()
print("# UCRT to renew:", gap, "s")
assert 0<=gap<1, gap' "$JSONL"
done_testing
