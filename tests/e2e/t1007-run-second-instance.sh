#!/bin/sh
# A second `enrollguard run` exits at once with 4 and names the holder.
. "$SRCDIR/tests/e2e/lib.sh"
mac hot-forever 1

"$ENROLLGUARD" --root "$ROOT" run --deadline 1m --thermal-interval 10s >"$TMP/first" 2>&1 &
first=$!
BG_PIDS=$first
wait_for 10 grep -q '^phase=waiting' "$STATE"
start=$(date +%s%N)
run_eg "$TMP/second" run
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "second instance exits 4" exits_with 4
check "at once (${ms} ms)" [ "$ms" -lt 2000 ]
check "names the holder's pid" has "$TMP/second" "another 'enrollguard run' is already running (pid $first)"
check "the first run is untouched" kill -0 "$first"
check "the log has no second run.start" [ "$(grep -c run.start "$LOG")" -eq 1 ]
kill -TERM "$first"; wait "$first"
done_testing
