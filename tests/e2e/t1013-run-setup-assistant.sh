#!/bin/sh
# run waits for Setup Assistant, bounded; --no-wait-setup-assistant skips.
. "$SRCDIR/tests/e2e/lib.sh"
mac cool 1            # Setup Assistant appears 2 s after boot

start=$(date +%s%N)
run_eg "$TMP/out" run
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "exits 0" exits_with 0
check "waited (${ms} ms) for Setup Assistant" [ "$ms" -ge 1500 ]
check "said it was waiting" has "$LOG" "setup.waiting: waiting up to 30m for Setup Assistant"
check "then found it" has "$LOG" "setup.found"
check "renewed only after" python3 -c '
import json,sys
t=[json.loads(l)["type"] for l in open(sys.argv[1])]
assert t.index("setup.found") < t.index("renew.attempt"), t' "$JSONL"

mac cool 1
sed -i 's/^setup_assistant_at.*/setup_assistant_at = never/' "$ROOT/etc/fakemac/scenario"
run_eg "$TMP/out" run --wait-setup-assistant 700ms
check "bounded wait: exits 0" exits_with 0
check "recorded the timeout and went on" has "$LOG" "setup.timeout: Setup Assistant did not appear within 700ms: going on without it"

mac cool 1
run_eg "$TMP/out" run --no-wait-setup-assistant
check "--no-wait-setup-assistant exits 0" exits_with 0
check "did not ask pgrep" lacks "$ROOT/var/fakemac/calls" "pgrep"
done_testing
