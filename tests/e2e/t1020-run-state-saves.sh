#!/bin/sh
# The state file is saved at every change of phase or counter, but at
# most about once a second for high-rate events: a hot Mac's dasd
# verdicts (ten a second here) and thermal samples used to rewrite and
# fsync it each time (912 times in 3 minutes on a hot Mac).
. "$SRCDIR/tests/e2e/lib.sh"
mac hot-forever 100
mkdir -p "$ROOT/var/db/enrollguard"
"$ENROLLGUARD" --root "$ROOT" run --no-wait-setup-assistant --deadline 8s \
	--fallback-interval 1h --thermal-interval 200ms >"$TMP/out" 2>&1 &
AGENT=$!; BG_PIDS="$BG_PIDS $AGENT"
sleep 2                                  # past the start and the first attempt
python3 "$SRCDIR/tests/tools/statesaves.py" "$ROOT/var/db/enrollguard" state 4 >"$TMP/saves"
events=$(wc -l < "$JSONL")
wait "$AGENT"
saves=$(cat "$TMP/saves")
echo "# $saves saves of the state in 4 s; $events events by then"
check "ten dasd verdicts a second came in" [ "$(grep -c dasd.verdict "$LOG")" -ge 40 ]
check "the state was saved at most about once a second ($saves in 4 s)" [ "$saves" -le 6 ]
check "and at least once a second: status stays current" [ "$saves" -ge 3 ]
check "the end is saved at once" [ "$(state phase)" = gave-up ]
done_testing
