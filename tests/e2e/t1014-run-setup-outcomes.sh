#!/bin/sh
# What Setup Assistant did while run worked (seed 000's first two
# failures): its user finished it before the configuration came (no
# Remote Management screen), or it waited for the configuration for ever
# ("Retrieving activation record."). run records both; explain names them
# from either of run's logs; the fleet server takes the new events.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/server.sh"

FAST="--fallback-interval 500ms --retry-delay 50ms --thermal-interval 500ms"

# types in the JSON-lines log, in order, one per line
types() { python3 -c 'import json,sys
for l in open(sys.argv[1]): print(json.loads(l)["type"])' "$JSONL"; }
# finding ID SEVERITY from explain --json in $TMP/ej
finding() { python3 -c 'import json,sys
f=[x for x in json.load(open(sys.argv[1]))["findings"] if x["id"]==sys.argv[2]]
assert len(f)==1 and f[0]["severity"]==sys.argv[3], f' "$TMP/ej" "$1" "$2"; }
ids() { python3 -c 'import json,sys
print(" ".join(f["id"]+"/"+f["severity"]+"/"+str(f["count"]) for f in json.load(open(sys.argv[1]))["findings"]))' "$1"; }

# 1. The user clicks through Setup Assistant while the Mac is hot (at 3 s),
# the UCRT comes later (6.2 s): a reporting run.
start_server
mac clicked-through 20
mkdir -p "$ROOT/etc/enrollguard"
cp "$DB.enroll-token" "$ROOT/etc/enrollguard/report.token"
run_eg "$TMP/out" run $FAST --report-url "$URL" \
	--report-token-file /etc/enrollguard/report.token
check "clicked through: the run still gets the configuration (exit 0)" exits_with 0
types >"$TMP/t1"
cp "$JSONL" "$TMP/run1.jsonl"
check "setup.ended recorded once" [ "$(grep -c '^setup.ended$' "$TMP/t1")" -eq 1 ]
check "after setup.found and before config.fetched" python3 -c '
import sys; t=open(sys.argv[1]).read().split()
assert t.index("setup.found") < t.index("setup.ended") < t.index("config.fetched"), t' "$TMP/t1"
check "it says the Mac went on as a personal Mac" has "$LOG" \
	"setup.ended: Setup Assistant finished before the enrollment configuration arrived (/var/db/.AppleSetupDone exists): this Mac went on without the Remote Management screen"
check "no setup.stuck: Setup Assistant was over" lacks "$LOG" "setup.stuck"
check "the end tells who must act: the user's notification" has "$LOG" \
	"run.enrolled: done after [0-9]* attempts*, but after Setup Assistant: the Mac's user must accept the Device Enrollment notification"
eg status >"$TMP/st"
check "status says what to do" has "$TMP/st" "what to do: *Setup Assistant had finished: the Mac's user must accept"
admin_get /api/v1/devices/FVFXC2CLICK1
check "the server took every event, setup.ended included" \
	test "$(jq_py 'j["device"]["events"]')" = "$(wc -l < "$JSONL")"
stop_server

rc=0; eg explain --json "$JSONL" >"$TMP/ej" || rc=$?
check "explain: exit 1 (a failure)" [ "$rc" -eq 1 ]
check "explain: setup.no_remote_management is a failure" finding setup.no_remote_management failure
check "explain: the blocks were cleared by the UCRT" finding ucrt.blocked.thermal warning
check "explain: the next step is the user's notification" python3 -c '
import json,sys
f=[x for x in json.load(open(sys.argv[1]))["findings"] if x["id"]=="setup.no_remote_management"][0]
assert "the configuration came afterwards" in f["summary"], f
assert f["next_step"].startswith("have the Mac'"'"'s user accept the Device Enrollment notification"), f' "$TMP/ej"
eg explain --json "$LOG" >"$TMP/eh"
check "the human log gives the same findings" [ "$(ids "$TMP/eh")" = "$(ids "$TMP/ej")" ]
check "and is named as such" grep -q '"style":"enrollguard log"' "$TMP/eh"
check "the renewals count once each, not again in the waits" python3 -c '
import json,sys
f=[x for x in json.load(open(sys.argv[1]))["findings"] if x["id"]=="cloudconfig.error"][0]
n=sum(1 for l in open(sys.argv[2]) if "\"renew.result\"" in l and "\"ok\":false" in l)
assert f["count"]==n, (f["count"], n)' "$TMP/ej" "$JSONL"

# 2. A Mac that never cools: Setup Assistant waits on; told once, mid-run.
mac hot-forever 100
run_eg "$TMP/out" run $FAST --deadline 4s --setup-stuck-after 1500ms
check "stuck: gives up (exit 1)" exits_with 1
types >"$TMP/t2"
cp "$JSONL" "$TMP/run2.jsonl"
check "setup.stuck recorded once" [ "$(grep -c '^setup.stuck$' "$TMP/t2")" -eq 1 ]
check "during the run, not at its end" python3 -c '
import json,sys
e=[json.loads(l) for l in open(sys.argv[1])]
i=[x["type"] for x in e].index("setup.stuck")
assert e[i+1]["type"] != "run.gave_up", e[i+1]
w=e[i]["data"]["waited_ms"]
assert 1500 <= w < 4000, w' "$JSONL"
check "it names the screen" has "$LOG" \
	'setup.stuck: Setup Assistant has waited [0-9.]* s for the enrollment configuration: it is probably stuck at "Retrieving activation record."'
check "no setup.ended" lacks "$LOG" "setup.ended"
rc=0; eg explain --json "$LOG" >"$TMP/ej" || rc=$?
check "explain: exit 1" [ "$rc" -eq 1 ]
check "explain: setup.activation_record_stuck is a failure" finding setup.activation_record_stuck failure
check "explain: with dasd's thermal block as the cause beside it" finding ucrt.blocked.thermal failure

# status says it while the run goes on
mac hot-forever 100
"$ENROLLGUARD" --root "$ROOT" run $FAST --deadline 20s --setup-stuck-after 1s >"$TMP/out" 2>&1 &
AGENT=$!
BG_PIDS="$BG_PIDS $AGENT"
wait_for 10 grep -q "setup.stuck" "$LOG"
eg status >"$TMP/st"
kill "$AGENT"; wait "$AGENT" 2>/dev/null
check "status, mid-run: what to do names the stuck Setup Assistant" has "$TMP/st" \
	'what to do: *Setup Assistant has waited [0-9.]* s for the enrollment configuration ("Retrieving activation record."): enrollguard renews as soon as the UCRT is there'

# 3. The run ends before --setup-stuck-after: said at the end, once.
mac hot-forever 100
run_eg "$TMP/out" run $FAST --deadline 2s
types >"$TMP/t3"
cp "$JSONL" "$TMP/run3.jsonl"
check "short run: setup.stuck right before run.gave_up" python3 -c '
import sys; t=open(sys.argv[1]).read().split()
assert t.count("setup.stuck") == 1 and t[-2:] == ["setup.stuck", "run.gave_up"], t' "$TMP/t3"

# 4. Setup Assistant waits, then the configuration comes: no longer stuck.
mac seed-hot-cools 10
run_eg "$TMP/out" run $FAST --setup-stuck-after 2s
cp "$JSONL" "$TMP/run4.jsonl"
check "cools: exit 0" exits_with 0
rc=0; eg explain --json "$JSONL" >"$TMP/ej" || rc=$?
check "explain: a run that got the configuration is no failure (exit 0)" [ "$rc" -eq 0 ]
check "explain: the 34006 renewals before it are a warning" finding cloudconfig.error warning
check "explain: the stuck Setup Assistant is a warning once it got the configuration" \
	finding setup.activation_record_stuck warning
check "explain: nothing says it went on without Remote Management" \
	sh -c '! grep -q setup.no_remote_management "$1"' sh "$TMP/ej"
eg status >"$TMP/st"
check "status after it enrolled: no stale advice" lacks "$TMP/st" "what to do"

# 5. The plain case: no setup.* event, no setup.* finding.
mac cool 20
run_eg "$TMP/out" run $FAST
cp "$JSONL" "$TMP/run5.jsonl"
check "cool: exit 0" exits_with 0
check "cool: no setup.ended or setup.stuck" sh -c '! grep -q "setup\.\(ended\|stuck\)" "$1"' sh "$LOG"
rc=0; eg explain "$JSONL" >"$TMP/e5" || rc=$?
check "cool: explain exits 0 with no setup finding" sh -c '[ "$1" -eq 0 ] && ! grep -q "setup\." "$2"' sh "$rc" "$TMP/e5"

# 6. The server takes every type enrollguard-server(8) lists (test-event
# checks that both man pages list exactly core/event.h's table, the only
# types the agent can record), and the runs above recorded no data member
# that the man page does not list for its type.
sed -n '/^\.Sh EVENT TYPES/,/^\.Sh/p' "$SRCDIR/docs/enrollguard-server.8" |
	sed -n 's/^\.It Li \([a-z_.]*\)$/\1/p' | sort -u >"$TMP/emitted"
check "enrollguard-server(8) lists many types (the sed works)" [ "$(wc -l < "$TMP/emitted")" -gt 30 ]
check "every data member the runs recorded is documented for its type" python3 -c '
import json, sys
members, cur = {}, None
sec = open(sys.argv[1]).read().split("\n.Sh EVENT TYPES\n")[1].split("\n.Sh ")[0]
for l in sec.split("\n"):
    if l.startswith(".It Li "):
        cur = l[7:]; members[cur] = set()
    elif l.startswith(".Li ") and cur:
        members[cur] = set(l[4:].replace(" ,", "").split()); cur = None
seen = 0
for f in sys.argv[2:]:
    for l in open(f):
        e = json.loads(l)
        extra = set(e["data"]) - members[e["type"]]
        assert not extra, (e["type"], extra)
        seen += len(e["data"])
assert seen > 100, seen' "$SRCDIR/docs/enrollguard-server.8" "$TMP"/run*.jsonl
start_server
python3 - "$TMP/emitted" >"$TMP/batch" <<'PY'
import json, sys
types = open(sys.argv[1]).read().split()
print(json.dumps([{"v": 1, "ts": "2026-11-23T08:00:%02d.000Z" % i,
                   "host": {"serial": "C02TYPESMD6M", "model": "MacBookAir10,1",
                            "os": "14.6.1", "build": "23G93", "arch": "arm64"},
                   "run_id": "0123456789abcdef0123456789abcdef", "seq": i + 1,
                   "type": t, "data": {}, "text": t} for i, t in enumerate(types)]))
PY
post_events "$TMP/batch"
check "the server takes every one of them in one batch" \
	sh -c '[ "$1" = 200 ] || { sed "s/^/# /" "$2" >&2; false; }' sh "$status" "$TMP/body"
stop_server
done_testing
