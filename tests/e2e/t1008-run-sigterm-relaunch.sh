#!/bin/sh
# SIGTERM mid-run: state saved; the relaunch continues the same run
# (same run_id, sequence and attempt counters go on).
. "$SRCDIR/tests/e2e/lib.sh"
mac hot-forever 100

"$ENROLLGUARD" --root "$ROOT" run --deadline 1m --fallback-interval 300ms --thermal-interval 10s >"$TMP/first" 2>&1 &
pid=$!
BG_PIDS=$pid
wait_for 10 sh -c "[ \$(grep -c renew.attempt '$LOG') -ge 2 ]"
kill -TERM $pid
wait $pid; rc=$?
check "SIGTERM exits 128+15" [ "$rc" -eq 143 ]
check "recorded the interruption" has "$LOG" "run.interrupted: stopped by signal 15"
check "state says interrupted" [ "$(state phase)" = interrupted ]
run_id=$(state run_id)
seq=$(state seq)
attempts=$(state attempts)
check "status says the agent is not running" sh -c "'$ENROLLGUARD' --root '$ROOT' status | grep -q '^run $run_id (event strategy), pid $pid (not running)'"
check "no log stream left running" sh -c "! pgrep -f '^$ROOT/usr/bin/log' >/dev/null"

run_eg "$TMP/second" run --deadline 5s --fallback-interval 300ms --thermal-interval 10s
check "the relaunch gives up at its deadline" exits_with 1
check "same run_id" [ "$(state run_id)" = "$run_id" ]
check "recorded the resume" has "$LOG" "run.resume: continuing run $run_id after $attempts attempts"
check "sequence continues" python3 -c '
import json,sys
ev=[json.loads(l) for l in open(sys.argv[1])]
assert all(e["run_id"]==sys.argv[2] for e in ev)
seqs=[e["seq"] for e in ev]
assert seqs==list(range(1,len(seqs)+1)), seqs
r=[e for e in ev if e["type"]=="run.resume"][0]
assert r["seq"]==int(sys.argv[3])+1, (r["seq"], sys.argv[3])' "$JSONL" "$run_id" "$seq"
check "attempt numbers continue" has "$LOG" "renew.attempt: attempt $((attempts + 1)) "
check "only one run.start" [ "$(grep -c 'run.start' "$LOG")" -eq 1 ]
done_testing
