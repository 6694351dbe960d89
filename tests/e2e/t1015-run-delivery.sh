#!/bin/sh
# The outcome always reaches the server. After success or giving up the
# run's daemon stays in a flush-only mode (LaunchDaemon kept) until the
# server has every event, across kills, for --report-flush at most; a
# full spool drops old high-rate events first and says so, never the
# outcome; a launch killed before it knew the serial still reports.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/server.sh"
# a fresh server (its own database: each Mac registers its key once) that
# is down when the Mac finishes; the port and tokens stay for server_up
server_down() {
	DB=$TMP/server$1.db
	start_server
	stop_server
	REPORT="--report-url $URL --report-token-file /etc/enrollguard/report.token"
}
token() { mkdir -p "$ROOT/etc/enrollguard"; cp "$DB.enroll-token" "$ROOT/etc/enrollguard/report.token"; }
server_up() {
	rm -f "$TMP/server.out"
	"$EGSERVER" --listen "127.0.0.1:$PORT" --db "$DB" --enroll-token-file "$DB.enroll-token" \
		--admin-token-file "$DB.admin-token" >"$TMP/server.out" 2>&1 &
	SRV_PID=$!; BG_PIDS="$BG_PIDS $SRV_PID"
	wait_for 10 grep -q listening "$TMP/server.out"
}
device() { admin_get "/api/v1/devices/$1"; }
# on_server: the events of this root's run that the server has (the last device body)
on_server() {
	python3 -c 'import json,sys
print(sum(e["run_id"]==sys.argv[2] for e in json.load(open(sys.argv[1]))["events"]))' \
		"$TMP/body" "$(state run_id)"
}
renews() { grep -c 'profiles renew' "$ROOT/var/fakemac/calls"; }

# 1. the server is down as the Mac enrolls, then comes back
server_down 1
mac cool 20
token
"$ENROLLGUARD" --root "$ROOT" run --retry-delay 100ms $REPORT >"$TMP/o1" 2>&1 &
AGENT=$!; BG_PIDS="$BG_PIDS $AGENT"
wait_for 20 has "$LOG" "run.enrolled"
sleep 1
check "enrolled with the server down: the daemon stays to deliver" kill -0 "$AGENT"
check "its LaunchDaemon is kept meanwhile" [ -e "$PLIST" ]
check "and says so" has "$LOG" "launchdaemon.kept: '/Library/LaunchDaemons/com.enrollguard.run.plist' is kept until the [0-9]* events waiting reach $URL"
eg status >"$TMP/st1"
check "status: the run is over, its daemon sends until a date a week away" \
	grep -q "delivery:      the run is over; its daemon sends what waits until .* (pid $AGENT, running)" "$TMP/st1"
server_up
wait "$AGENT"; rc=$?
check "once the server is back, the daemon exits 0" exits_with 0
device C02ZK0AAMD6M
check "the server shows the Mac enrolled" test "$(jq_py 'j["device"]["state"]')" = enrolled
check "with every event" test "$(on_server)" = "$(wc -l < "$JSONL")"
check "and then the LaunchDaemon is removed" [ ! -e "$PLIST" ]
check "its removal is the last event" sh -c 'tail -1 "$1" | grep -q launchdaemon.removed' sh "$LOG"
stop_server

# 2. killed while it delivers: the relaunch only sends, never renews again
server_down 2
mac cool 20
token
"$ENROLLGUARD" --root "$ROOT" run --retry-delay 100ms $REPORT >"$TMP/o2" 2>&1 &
AGENT=$!; BG_PIDS="$BG_PIDS $AGENT"
wait_for 20 has "$LOG" "launchdaemon.kept"
kill -9 "$AGENT"; wait "$AGENT" 2>/dev/null
renews_before=$(renews)
run_id=$(state run_id)
"$ENROLLGUARD" --root "$ROOT" run --retry-delay 100ms $REPORT >"$TMP/o2b" 2>&1 &
AGENT=$!; BG_PIDS="$BG_PIDS $AGENT"
wait_for 10 has "$LOG" "report.pending: run $run_id is over (enrolled): only sending the"
check "the relaunch says it only sends what waits" has "$LOG" "report.pending: run $run_id is over (enrolled)"
server_up
wait "$AGENT"; rc=$?
check "and exits 0 once the server has it all" exits_with 0
check "profiles renew was not called again" [ "$(renews)" -eq "$renews_before" ]
check "one run_id, one run.start" python3 -c '
import json,sys
ev=[json.loads(l) for l in open(sys.argv[1])]
assert len(set(e["run_id"] for e in ev))==1 and [e["type"] for e in ev].count("run.start")==1' "$JSONL"
device C02ZK0AAMD6M
check "the server has every event of both launches" test "$(on_server)" = "$(wc -l < "$JSONL")"
check "the LaunchDaemon is gone" [ ! -e "$PLIST" ]
stop_server

# 3. a server that never comes back: the delivery ends at --report-flush
server_down 3
mac cool 20
token
run_eg "$TMP/o3" run --retry-delay 100ms $REPORT --report-flush 2s
check "after --report-flush it exits with the run's outcome (0)" exits_with 0
check "it says what is left and where" has "$TMP/o3" "events are still waiting for $URL"
check "an event says the delivery gave up" has "$LOG" "report.dropped: [0-9]* events could not be sent to $URL within 2s of the run's end"
check "the LaunchDaemon goes: a later boot would not send them either" [ ! -e "$PLIST" ]

# 4. a full spool keeps the outcome: old high-rate events go first
server_down 4
mac seed-hot-cools 20
sed -i 's/^dasd_every.*/dasd_every = 0.4/; s/^hot_until.*/hot_until = 100/' "$ROOT/etc/fakemac/scenario"
token
run_eg "$TMP/o4" run --retry-delay 100ms --thermal-interval 100ms $REPORT \
	--report-spool-max 64 --report-flush 1s
check "a hot Mac enrolls with the server down and a small spool" exits_with 0
check "the spool never went over its 64 KiB" \
	[ "$(wc -c < "$ROOT/var/db/enrollguard/spool/events.jsonl")" -le 65536 ]
check "what it dropped is an event" has "$LOG" "report.dropped: the spool for the server is full (64 KiB): [0-9]* events dropped so far"
run_id=$(state run_id)
server_up
"$ENROLLGUARD" --root "$ROOT" run $REPORT >"$TMP/o4b" 2>&1
device FVFXC2ABJ1WK
# what the server has of the run that filled the spool, by type
python3 -c 'import json,sys
print(" ".join(sorted(set(e["type"] for e in json.load(open(sys.argv[1]))["events"]
                         if e["run_id"]==sys.argv[2]))))' "$TMP/body" "$run_id" >"$TMP/types4"
check "once the server is back the relaunch sends the run's outcome: the Mac shows enrolled" \
	sh -c 'grep -qw run.enrolled "$1" && [ "$2" = enrolled ]' sh "$TMP/types4" \
	"$(jq_py 'j["device"]["state"]')"
check "with the drop count among its events" grep -qw report.dropped "$TMP/types4"
check "and the last dasd verdict" grep -qw dasd.verdict "$TMP/types4"
stop_server

# 5. a launch killed before it knew the serial still reports
server_down 5
mac cool 20
echo "sw_vers_takes = 20" >> "$ROOT/etc/fakemac/scenario"
token
server_up
"$ENROLLGUARD" --root "$ROOT" run --retry-delay 100ms $REPORT >"$TMP/o5" 2>&1 &
AGENT=$!; BG_PIDS="$BG_PIDS $AGENT"
wait_for 10 has "$LOG" "run.start"
kill -9 "$AGENT"; wait "$AGENT" 2>/dev/null
check "killed before system.info" lacks "$LOG" "system.info"
sed -i 's/^sw_vers_takes.*//' "$ROOT/etc/fakemac/scenario"
run_eg "$TMP/o5b" run --retry-delay 100ms $REPORT
check "the relaunch enrolls" exits_with 0
device C02ZK0AAMD6M
check "the killed launch's run.start reached the server, with the serial" \
	python3 -c '
import json,sys
ev=[e for e in json.load(open(sys.argv[1]))["events"] if e["run_id"]==sys.argv[2]]
assert [e["type"] for e in ev].count("run.start")==1, [e["type"] for e in ev]' "$TMP/body" \
	"$(state run_id)"
check "every event did" test "$(on_server)" = "$(wc -l < "$JSONL")"
done_testing
