#!/bin/sh
# Two server processes on one PostgreSQL, as behind a load balancer: a
# dashboard stream on one sees a change posted to the other; then a load
# generator spreads batches over both, one is killed with SIGKILL, and
# every event either process answered 2xx for is in the database.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/server.sh"
. "$SRCDIR/tests/e2e/pg.sh"
trap 'pg_cleanup; cleanup' EXIT INT TERM

start_pg || exit 1
start_server --rate-limit 0
PORT_A=$PORT PID_A=$SRV_PID URL_A=$URL
cp "$TMP/server.err" "$TMP/a.err"
start_server --rate-limit 0
PORT_B=$PORT URL_B=$URL
check "two processes share one database (and one pair of tokens)" \
	test "$(cat "$TMP/pg.enroll-token")" = "$ET"

curl -sN -H "Authorization: Bearer $AT" "$URL_B/api/v1/stream" >"$TMP/sse" 2>/dev/null &
BG_PIDS="$BG_PIDS $!"
wait_for 5 grep -q keepalive "$TMP/sse"
events C02SEENONB01 run1 1 1 run.gave_up >"$TMP/a.json"
URL=$URL_A; post_events "$TMP/a.json"
check "a batch posted to process A is stored" test "$status" = 200
check "process B's dashboard stream sees it (LISTEN/NOTIFY)" \
	wait_for 5 grep -q '^data: {"serial":"C02SEENONB01".*"state":"gave_up"' "$TMP/sse"
URL=$URL_B; admin_get /api/v1/devices/C02SEENONB01
check "and process B reads it" test "$(jq_py 'j["device"]["state"]')" = gave_up

python3 "$SRCDIR/tests/tools/egload.py" 127.0.0.1 "$PORT_A,$PORT_B" "$TMP/pg.enroll-token" \
	6 8 50 "$TMP/acked" >"$TMP/load.out" 2>&1 &
LOAD=$!
BG_PIDS="$BG_PIDS $LOAD"
sleep 2
kill -9 "$PID_A"
wait "$PID_A" 2>/dev/null
wait "$LOAD"
echo "# $(cat "$TMP/load.out")"
check "the load generator got answers from both, before and after the kill" \
	test "$(wc -l < "$TMP/acked")" -gt 2000
$PGSQL -c "COPY (SELECT serial || ' ' || run_id || ' ' || seq FROM events) TO STDOUT" >"$TMP/have"
python3 - "$TMP/have" "$TMP/acked" >"$TMP/verify" <<'PY'
import sys
have = set(l.strip() for l in open(sys.argv[1]))
acked = [l.strip() for l in open(sys.argv[2])]
missing = [a for a in acked if a not in have]
print("%d events answered 2xx by two processes (one killed with SIGKILL), %d in PostgreSQL, %d missing"
      % (len(acked), len(have), len(missing)))
sys.exit(1 if missing else 0)
PY
verified=$?
echo "# $(cat "$TMP/verify")"
check "every event answered 2xx is in PostgreSQL: none lost to the kill" test "$verified" = 0
check "each Mac's count of events matches its rows" test "$($PGSQL -c \
	"SELECT count(*) FROM devices d WHERE d.events <> (SELECT count(*) FROM events e WHERE e.serial = d.serial)")" = 0
URL=$URL_B; req GET /healthz
check "process B is still healthy" test "$status" = 200
stop_server

# retention on PostgreSQL: make one Mac's events look two days old, and a
# process with --retain 1d prunes them while the others stay
$PGSQL -c "UPDATE events SET received = received - 172800000 WHERE serial = 'LOAD-0000'" >/dev/null
before=$($PGSQL -c "SELECT count(*) FROM events")
old=$($PGSQL -c "SELECT count(*) FROM events WHERE serial = 'LOAD-0000'")
t0=$(date +%s.%N)
start_server --rate-limit 0 --retain 1d
check "--retain prunes the old events on PostgreSQL, in small transactions" \
	wait_for 20 sh -c '[ "$($1 -c "SELECT count(*) FROM events WHERE serial = '"'LOAD-0000'"'")" = 0 ]' sh "$PGSQL"
echo "# $old old events pruned in $(python3 -c "import sys,time; print(round(time.time() - float(sys.argv[1]), 1))" "$t0") s (start included)"
check "and only those, with each Mac's count kept true" sh -c '
	[ "$($1 -c "SELECT count(*) FROM events")" = "$(($2 - $3))" ] &&
	[ "$($1 -c "SELECT events FROM devices WHERE serial = '"'LOAD-0000'"'")" = 0 ] &&
	[ "$($1 -c "SELECT count(*) FROM devices WHERE serial = '"'LOAD-0000'"'")" = 1 ]' sh "$PGSQL" "$before" "$old"
admin_get /metrics
check "and /metrics counts them" grep -q "^enrollguard_events_pruned_total $old\$" "$TMP/body"
stop_server
done_testing
