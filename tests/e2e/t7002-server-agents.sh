#!/bin/sh
# Agents report to a real server: every event arrives, the fleet view
# shows the outcome, and a server that comes up late loses nothing (the
# spool); status counts what waits; bad report settings are refused.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/server.sh"

start_server
mac cool 20
mkdir -p "$ROOT/etc/enrollguard"
cp "$DB.enroll-token" "$ROOT/etc/enrollguard/report.token"
run_eg "$TMP/out" run --retry-delay 100ms --thermal-interval 1s \
	--report-url "$URL" --report-token-file /etc/enrollguard/report.token
check "a reporting run still enrolls (exit 0)" exits_with 0
admin_get /api/v1/devices/C02ZK0AAMD6M
check "the server shows the Mac enrolled" test "$(jq_py 'j["device"]["state"]')" = enrolled
check "every event of the JSON-lines log reached the server" \
	test "$(jq_py 'j["device"]["events"]')" = "$(wc -l < "$JSONL")"
check "with the same seq numbers" sh -c '
	python3 -c "import json,sys; print(sorted(e[\"seq\"] for e in json.load(open(sys.argv[1]))[\"events\"]))" "$1" >"$3"
	python3 -c "import json,sys; print(sorted(json.loads(l)[\"seq\"] for l in open(sys.argv[1])))" "$2" >"$4"
	cmp -s "$3" "$4"' sh "$TMP/body" "$JSONL" "$TMP/s1" "$TMP/s2"
eg status --json >"$TMP/st"
check "status: nothing waits to be sent" grep -q '"events_waiting_to_send":0' "$TMP/st"
check "the agent keeps its device key in the state dir, mode 0600" \
	test "$(stat -c %a "$ROOT/var/db/enrollguard/device-key")" = 600
admin_get /api/v1/devices/C02ZK0AAMD6M
check "the server registered the Mac's key with its first batch" test "$(jq_py 'j["device"]["has_key"]')" = True
events C02ZK0AAMD6M forged 1 1 run.gave_up >"$TMP/forged.json"; post_events "$TMP/forged.json"
check "the enroll token alone cannot write for that Mac any more (403)" \
	sh -c '[ "$1" = 403 ] && grep -q wrong_device_key "$2"' sh "$status" "$TMP/body"

# a spool holding one event the server refuses (dated past its clock)
# between two good ones: only that one is dropped, and the log says so
SPOOL=$ROOT/var/db/enrollguard/spool
python3 - "$SPOOL/events.jsonl" <<'PY'
import json, sys
def ev(seq, ts):
    return json.dumps({"v": 1, "ts": ts, "host": {"serial": "C02ZK0AAMD6M"}, "run_id": "old1",
                       "seq": seq, "type": "wait", "data": {}, "text": "from an older run"})
with open(sys.argv[1], "a") as f:
    f.write(ev(1, "2026-11-23T08:00:00.000Z") + "\n" + ev(2, "9999-12-31T00:00:00.000Z") + "\n" +
            ev(3, "2026-11-23T08:00:02.000Z") + "\n")
PY
# (--again: the run above is over, and a relaunch of a finished run only
# sends what waits; a new run, as before issue 16, also sends the spool)
run_eg "$TMP/out6" run --again --retry-delay 100ms --thermal-interval 1s \
	--report-url "$URL" --report-token-file /etc/enrollguard/report.token
admin_get /api/v1/devices/C02ZK0AAMD6M
check "a 400 drops only the event the server named: the two good ones arrive" \
	test "$(jq_py 'sorted(e["seq"] for e in j["events"] if e["run_id"] == "old1")')" = "[1, 3]"
check "and the agent's log says what it dropped and why" \
	has "$TMP/out6" "the server refused 1 of .* events as malformed (events\[.*\].ts"

# the server is down when the Mac boots and comes up a few seconds later
stop_server
mac seed-hot-cools 20
mkdir -p "$ROOT/etc/enrollguard"
cp "$DB.enroll-token" "$ROOT/etc/enrollguard/report.token"
"$ENROLLGUARD" --root "$ROOT" run --retry-delay 100ms --thermal-interval 1s \
	--report-url "http://127.0.0.1:$PORT/" --report-token-file /etc/enrollguard/report.token \
	>"$TMP/out2" 2>&1 &
AGENT=$!
BG_PIDS="$BG_PIDS $AGENT"
sleep 3
"$ENROLLGUARD" --root "$ROOT" status >"$TMP/st2h" 2>&1
check "while the server is down, status says events wait to be sent" has "$TMP/st2h" "events waiting to be sent"
SAVED_PORT=$PORT
"$EGSERVER" --listen "127.0.0.1:$SAVED_PORT" --db "$DB" >"$TMP/server2.out" 2>&1 &
BG_PIDS="$BG_PIDS $!"
wait "$AGENT"; rc=$?
check "the Mac enrolled while its events waited (exit 0)" exits_with 0
admin_get /api/v1/devices/FVFXC2ABJ1WK
check "once the server is up, all of them arrive: none lost" \
	test "$(jq_py 'j["device"]["events"]')" = "$(wc -l < "$JSONL")"
check "and the server says what happened: enrolled, on the agent's last attempt (after dasd let go)" \
	test "$(jq_py 'j["device"]["state"], j["device"]["attempt"]')" = "('enrolled', $(state attempts))"
check "with dasd's ThermalPolicy verdict among its events" \
	grep -q '"type":"dasd.verdict","data":{[^}]*"blocking_policy":"ThermalPolicy"' "$TMP/body"
req POST /login --data-urlencode "token=$AT" -c "$TMP/jar"
req GET / -b "$TMP/jar"
check "the dashboard shows both Macs' final state" python3 -c '
import re, sys
html = open(sys.argv[1]).read()
rows = dict(re.findall(r"<tr class=\"s-([a-z_]+)\" data-serial=\"([A-Z0-9]+)\"", html)[i][::-1] for i in range(2))
assert rows == {"C02ZK0AAMD6M": "enrolled", "FVFXC2ABJ1WK": "enrolled"}, rows' "$TMP/body"
check "the spool is empty" test "$(cat "$ROOT/var/db/enrollguard/spool/events.jsonl" | wc -c)" = 0

mac cool 20
run_eg "$TMP/out3" run --report-url ftp://example.invalid --report-token-file /etc/x
check "a report URL that is not http(s): exit 2" exits_with 2
check "naming ReportURL" has "$TMP/out3" "ReportURL"
run_eg "$TMP/out4" run --report-url "$URL"
check "a report URL without a token file: exit 2" exits_with 2
check "naming ReportTokenFile" has "$TMP/out4" "ReportTokenFile"
run_eg "$TMP/out5" run --report-url "$URL" --report-token-file /etc/missing.token
check "a missing token file: exit 2" exits_with 2
check "naming the file" has "$TMP/out5" "missing.token"
done_testing
