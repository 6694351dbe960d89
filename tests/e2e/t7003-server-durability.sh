#!/bin/sh
# A 2xx means the events are on disk: a load generator posts batches
# while the server is killed with SIGKILL twice and restarted; every
# event that was answered 2xx is in the database afterwards.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/server.sh"

start_server --rate-limit 0 --events-per-device 100000000
python3 "$SRCDIR/tests/tools/egload.py" 127.0.0.1 "$PORT" "$DB.enroll-token" 6 8 50 \
	"$TMP/acked" >"$TMP/load.out" 2>&1 &
LOAD=$!
BG_PIDS="$BG_PIDS $LOAD"
restart() {
	sleep 1.5
	kill -9 "$SRV_PID"
	wait "$SRV_PID" 2>/dev/null
	sleep 0.3
	"$EGSERVER" --listen "127.0.0.1:$PORT" --db "$DB" --rate-limit 0 --events-per-device 100000000 >"$TMP/server.out" 2>>"$TMP/server.err" &
	SRV_PID=$!
	BG_PIDS="$BG_PIDS $SRV_PID"
}
restart
restart
wait "$LOAD"
echo "# $(cat "$TMP/load.out")"
stop_server
check "the load generator got answers before, between and after the kills" \
	test "$(wc -l < "$TMP/acked")" -gt 1000
python3 - "$DB" "$TMP/acked" >"$TMP/verify" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
have = set(db.execute("SELECT serial, run_id, seq FROM events"))
acked = [tuple(l.split()) for l in open(sys.argv[2])]
missing = [a for a in acked if (a[0], a[1], int(a[2])) not in have]
print("%d events answered 2xx, %d in the database, %d missing" % (len(acked), len(have), len(missing)))
sys.exit(1 if missing else 0)
PY
verified=$?
echo "# $(cat "$TMP/verify")"
check "every event answered 2xx survived two kill -9" test "$verified" = 0
check "the database passes SQLite's integrity check" \
	test "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$DB")" = ok
done_testing
