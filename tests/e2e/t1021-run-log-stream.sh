#!/bin/sh
# `log stream` is the run's eyes: when it ends the run starts it again
# with a backoff (it used to go on blind, on the fallback schedule), and
# a relaunch after kill -9 stops the one the killed launch left running
# (it was orphaned).
. "$SRCDIR/tests/e2e/lib.sh"

# the first one ends 2 s (real) after it started; the UCRT comes about 6 s after boot
mac seed-hot-cools 10
echo "log_stream_ends = 20" >> "$ROOT/etc/fakemac/scenario"
start=$(date +%s)
run_eg "$TMP/o1" run --retry-delay 100ms --thermal-interval 1s
took=$(( $(date +%s) - start ))
check "the Mac enrolls (exit 0)" exits_with 0
check "the end of log stream is recorded, with the restart" \
	has "$LOG" "log.ended: log stream exited with 0: starting it again in 1s; until then attempts follow the fallback schedule only"
check "and it is started again" has "$LOG" "log.started: following the unified log for dasd and the UCRT again (pid [0-9]*, start 2)"
check "so the UCRT was still seen and acted on ($took s, not the 60 s fallback)" \
	sh -c '[ "$1" -lt 20 ] && grep -q "attempt [0-9]* (the UCRT was just acquired)" "$2"' sh "$took" "$LOG"

mac hot-forever 100
"$ENROLLGUARD" --root "$ROOT" run --deadline 1m >"$TMP/o2" 2>&1 &
AGENT=$!; BG_PIDS="$BG_PIDS $AGENT"
wait_for 10 has "$LOG" "log.started"
logpid=$(sed -n 's/.*log.started: following the unified log for dasd and the UCRT (pid \([0-9]*\)).*/\1/p' "$LOG" | tail -1)
wait_for 5 sh -c "grep -q '^log_pid=$logpid\$' '$STATE'"
kill -9 "$AGENT"; wait "$AGENT" 2>/dev/null
check "kill -9 leaves the agent's log stream behind" kill -0 "$logpid"
run_eg "$TMP/o2b" run --deadline 2s
check "the relaunch ends the run at its deadline (exit 1)" exits_with 1
check "and stopped the log stream the killed launch left" sh -c "! kill -0 $logpid 2>/dev/null"
check "no log stream of this Mac is left at all" sh -c "! pgrep -f '^$ROOT/usr/bin/log' >/dev/null"
done_testing
