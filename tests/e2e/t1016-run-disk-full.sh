#!/bin/sh
# Write failures are failures: a full disk ends the run with exit 3 (it
# exited 0), whole lines only (it left half a JSON line), the run marked
# degraded in state and status; a relaunch goes on from the highest seq
# of state and log and never writes into the middle of a line.
. "$SRCDIR/tests/e2e/lib.sh"
: "${ENROLLGUARD_FAULT:?}"

whole_jsonl() {
	python3 -c '
import json,sys
d=open(sys.argv[1],"rb").read()
assert not d or d.endswith(b"\n"), "ends in half a line"
seen=set()
for l in d.splitlines():
    e=json.loads(l)
    k=(e["run_id"],e["seq"]); assert k not in seen, ("seq twice", k); seen.add(k)' "$JSONL"
}

# 1. a real full disk: var/ on a small tmpfs (needs root and a kernel that allows it)
mac cool 20
if mkdir -p "$TMP/var" && cp -a "$ROOT/var/." "$TMP/var/" &&
   mount -t tmpfs -o size=200k tmpfs "$ROOT/var" 2>/dev/null; then
	cp -a "$TMP/var/." "$ROOT/var/"
	# leave a few KiB: enough to start, not to finish
	dd if=/dev/zero of="$ROOT/var/filler" bs=1k count=200 2>/dev/null
	rm -f "$ROOT/var/filler"
	dd if=/dev/zero of="$ROOT/var/filler" bs=1k count=$(( $(df -k "$ROOT/var" | awk 'NR==2{print $4}') - 12 )) 2>/dev/null
	run_eg "$TMP/o1" run --retry-delay 100ms --no-wait-setup-assistant
	check "a full disk: exit 3, not 0" exits_with 3
	check "naming what could not be written" has "$TMP/o1" "No space left on device"
	check "the JSON-lines log holds whole lines only" whole_jsonl
	rm -f "$ROOT/var/filler"
	run_eg "$TMP/o1b" run --retry-delay 100ms --no-wait-setup-assistant
	check "once there is room the relaunch ends the run (exit 0)" exits_with 0
	check "and the log is still whole, no seq twice" whole_jsonl
	umount "$ROOT/var"
else
	for t in "a full disk: exit 3" "naming what could not be written" "whole lines" \
		 "the relaunch ends the run" "the log is still whole"; do
		n=$((n + 1)); echo "ok $n - $t # SKIP cannot mount a tmpfs here (not root?)"
	done
fi

# 2. the same with the fault-injection binary: its 6th write stops half way
mac cool 20
EG_FAULT=write:6 "$ENROLLGUARD_FAULT" --root "$ROOT" run --retry-delay 100ms \
	--no-wait-setup-assistant >"$TMP/o2" 2>&1; rc=$?
check "a write cut short: the run still enrolls but exits 3" exits_with 3
check "it says which file and why" has "$TMP/o2" "cannot write '$ROOT/var/\(log/enrollguard\|db/enrollguard/state\).*': No space left on device"
check "the line was cut back: whole lines only" whole_jsonl
check "the state says the records are incomplete" grep -q "^degraded=cannot " "$STATE"
eg status >"$TMP/st2"
check "status says so" has "$TMP/st2" "degraded:      cannot write"
eg status --json >"$TMP/st2j"
check "status --json too" python3 -c '
import json,sys; assert json.load(open(sys.argv[1]))["degraded"].startswith("cannot ")' "$TMP/st2j"
check "the enrollment itself went through" [ "$(state phase)" = enrolled ]

# 3. a relaunch takes the higher seq of state and log, and cuts a torn line
mac hot-forever 100
"$ENROLLGUARD" --root "$ROOT" run --deadline 1m --fallback-interval 300ms >"$TMP/o3" 2>&1 &
AGENT=$!; BG_PIDS="$BG_PIDS $AGENT"
wait_for 10 sh -c "[ \$(grep -c renew.attempt '$LOG') -ge 2 ]"
kill -9 "$AGENT"; wait "$AGENT" 2>/dev/null
logseq=$(tail -1 "$JSONL" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seq"])')
# the state is behind the log (a high-rate event's save waits up to a second)
sed -i "s/^seq=.*/seq=$((logseq - 3))/" "$STATE"
printf '{"v":1,"ts":"2026-11-23T00:35:28.5' >> "$JSONL"     # torn by the kill
printf '2026-11-23 00:35:28 +0000 wait: dasd: Therm' >> "$LOG"
run_eg "$TMP/o3b" run --deadline 3s --fallback-interval 300ms
check "the relaunch goes on (gives up at its deadline: exit 1)" exits_with 1
check "it says it cut the torn line" has "$TMP/o3b" "ended in a line cut short"
check "no seq used twice, no half line left in the middle" whole_jsonl
check "its run.resume continues after the log's last seq" python3 -c '
import json,sys
ev=[json.loads(l) for l in open(sys.argv[1])]
r=[e for e in ev if e["type"]=="run.resume"][0]
assert r["seq"]==int(sys.argv[2])+1, (r["seq"], sys.argv[2])' "$JSONL" "$logseq"
check "the human log's torn line is gone too" sh -c '! grep -q "dasd: Therm[^a]" "$1"' sh "$LOG"
done_testing
