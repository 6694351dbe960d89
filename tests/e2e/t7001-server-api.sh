#!/bin/sh
# enrollguard-server's API against the real process on loopback: ingest,
# idempotent resend, every error status, auth, paging, SSE, metrics,
# login, and a hostile serial shown as text.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/server.sh"
# t7007 runs this same suite against PostgreSQL
if [ "${EG_TEST_STORE:-}" = pg ]; then
	. "$SRCDIR/tests/e2e/pg.sh"
	trap 'pg_cleanup; cleanup' EXIT INT TERM
	start_pg || exit 1
fi

start_server --rate-limit 1 --rate-burst 10
check "first start creates both tokens, mode 0600, and says where" \
	sh -c '[ "$(stat -c %a "$1.enroll-token")" = 600 ] && [ "$(stat -c %a "$1.admin-token")" = 600 ] &&
	       grep -q "created the enroll token in" "$2"' sh "$TOK" "$TMP/server.err"

events C02AAAAAAAA1 run1 1 3 >"$TMP/b1.json"
post_events "$TMP/b1.json"
check "a valid batch is stored: 200 with 3 accepted" \
	sh -c '[ "$1" = 200 ] && grep -q "\"accepted\":3,\"duplicates\":0" "$2"' sh "$status" "$TMP/body"
post_events "$TMP/b1.json"
check "the same batch again changes nothing and still answers 200" \
	sh -c '[ "$1" = 200 ] && grep -q "\"accepted\":0,\"duplicates\":3" "$2"' sh "$status" "$TMP/body"
admin_get /api/v1/devices/C02AAAAAAAA1
check "the device has its 3 events, newest first, and is hot" \
	test "$(jq_py 'len(j["events"]), j["events"][0]["seq"], j["device"]["state"], j["device"]["cpu_die_c"]')" = "(3, 3, 'hot', 96.5)"

events C02BBBBBBBB2 run1 1 1 run.enrolled >"$TMP/b2.json"; post_events "$TMP/b2.json"
events C02CCCCCCCC3 run1 1 1 setup.waiting >"$TMP/b3.json"; post_events "$TMP/b3.json"
admin_get '/api/v1/devices?limit=2&offset=1'
check "paging: limit 2 from offset 1 of 3, ordered by serial" \
	test "$(jq_py '[d["serial"] for d in j["devices"]], j["total"]')" = "(['C02BBBBBBBB2', 'C02CCCCCCCC3'], 3)"
admin_get '/api/v1/devices?state=waiting'
check "filter by state" test "$(jq_py '[d["serial"] for d in j["devices"]], j["counts"]["waiting"]')" = "(['C02CCCCCCCC3'], 1)"
admin_get '/api/v1/devices?q=bbbb'
check "search by serial, case-insensitive" test "$(jq_py '[d["serial"] for d in j["devices"]]')" = "['C02BBBBBBBB2']"
admin_get '/api/v1/devices?state=melting'
check "an unknown state is 400 naming the field" sh -c '[ "$1" = 400 ] && grep -q "state: must be one of" "$2"' sh "$status" "$TMP/body"
admin_get '/api/v1/devices?limit=5000'
check "a page past 1000 is 400" sh -c '[ "$1" = 400 ] && grep -q "limit: must be between 1 and 1000" "$2"' sh "$status" "$TMP/body"

req GET /api/v1/devices
check "no credential: 401 with WWW-Authenticate" sh -c '[ "$1" = 401 ] && grep -qi "^WWW-Authenticate: Bearer" "$2"' sh "$status" "$TMP/headers"
req GET /api/v1/devices -H 'Authorization: Bearer not-the-token-at-all'
check "a wrong token: 401" test "$status" = 401
req GET /api/v1/devices -H "Authorization: Bearer $ET"
check "the enroll token cannot read: 403" sh -c '[ "$1" = 403 ] && grep -q "\"error\":\"forbidden\"" "$2"' sh "$status" "$TMP/body"
post_events "$TMP/b1.json" "$AT"
check "the admin token does not send events: 403" test "$status" = 403
post_events "$TMP/b1.json" wrong-token-wrong-token
check "a wrong enroll token: 401" test "$status" = 401

printf '[{"v":1,"ts":"2026-11-23T08:00:00Z","host":{"serial":"C02DDDDDDDD4"},"run_id":"r","seq":1,"type":"Not A Type"}]' >"$TMP/bad.json"
post_events "$TMP/bad.json"
check "a malformed event type is 400 naming events[0].type and listing the event" \
	sh -c '[ "$1" = 400 ] && grep -q "events\[0\].type" "$2" && grep -q "\"invalid_events\":\[0\]" "$2"' sh "$status" "$TMP/body"
python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); e[2]["seq"]="x"; print(json.dumps(e))' "$TMP/b1.json" >"$TMP/bad2.json"
sed -i 's/C02AAAAAAAA1/C02EEEEEEEE5/g' "$TMP/bad2.json"
post_events "$TMP/bad2.json"
admin_get /api/v1/devices/C02EEEEEEEE5
check "one bad event refuses the whole batch: nothing of it is stored" test "$status" = 404
printf '[{"v":1,' >"$TMP/trunc.json"; post_events "$TMP/trunc.json"
check "malformed JSON is 400" sh -c '[ "$1" = 400 ] && grep -q "not JSON" "$2"' sh "$status" "$TMP/body"

head -c 1100000 /dev/zero | tr '\0' ' ' >"$TMP/big.json"
post_events "$TMP/big.json"
check "a body past 1 MiB is 413" sh -c '[ "$1" = 413 ] && grep -q too_large "$2"' sh "$status" "$TMP/body"
req POST /api/v1/events -H "Authorization: Bearer $ET" -H 'Content-Type: application/json' \
	-H 'Transfer-Encoding: chunked' --data-binary @"$TMP/big.json"
check "a chunked body past 1 MiB is 413 too" test "$status" = 413
events C02FFFFFFFF6 run1 1 1001 wait >"$TMP/many.json"; post_events "$TMP/many.json"
check "1001 events is 413 naming the limit" sh -c '[ "$1" = 413 ] && grep -q "at most 1000" "$2"' sh "$status" "$TMP/body"
req POST /api/v1/events -H "Authorization: Bearer $ET" -H 'Content-Type: text/plain' --data-binary @"$TMP/b1.json"
check "a body that is not application/json is 415" test "$status" = 415
req GET /nowhere
check "an unknown path is 404 in JSON" sh -c '[ "$1" = 404 ] && grep -q "\"error\":\"not_found\"" "$2"' sh "$status" "$TMP/body"
admin_get /api/v1/devices/NOSUCHSERIAL
check "an unknown serial is 404" test "$status" = 404
req POST /api/v1/devices -H 'Content-Type: application/json' --data-binary '[]'
check "a POST on a read endpoint is 405, not taken for an events post" \
	sh -c '[ "$1" = 405 ] && grep -qi "^Allow: GET" "$2"' sh "$status" "$TMP/headers"
req POST /nowhere --data-binary 'x'
check "a POST on an unknown path is 404" test "$status" = 404
req GET /api/v1/events -H "Authorization: Bearer $ET"
check "GET on the events endpoint is 405 with Allow: POST" \
	sh -c '[ "$1" = 405 ] && grep -qi "^Allow: POST" "$2"' sh "$status" "$TMP/headers"

# burst 10 and 1 per second: a Mac posting 30 batches at once is slowed
# (one process posts them all: 30 curl processes on a loaded machine can
# take longer than the bucket needs to refill)
for i in $(seq 10 39); do events C02FLOOD0007 run1 "$i" "$i" wait >"$TMP/f$i.json"; done
python3 - "$URL" "$ET" "$TMP" >"$TMP/flood" <<'PY'
import sys, urllib.request, urllib.error
url, token, tmp = sys.argv[1:4]
for i in range(10, 40):
    req = urllib.request.Request(url + "/api/v1/events", data=open(f"{tmp}/f{i}.json", "rb").read(),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        r = urllib.request.urlopen(req, timeout=10); print(r.status, r.headers.get("Retry-After", ""))
    except urllib.error.HTTPError as e:
        print(e.code, e.headers.get("Retry-After", ""))
PY
check "a flooding Mac gets 429 with Retry-After once its burst is spent" \
	sh -c '[ "$(grep -c "^200" "$1")" -ge 10 ] && grep -q "^429 [0-9]" "$1"' sh "$TMP/flood"
events C02GGGGGGGG8 run1 1 1 >"$TMP/calm.json"; post_events "$TMP/calm.json"
check "another Mac is not slowed by it" test "$status" = 200

# SSE: a device change reaches an open stream
curl -sN -H "Authorization: Bearer $AT" "$URL/api/v1/stream" >"$TMP/sse" 2>/dev/null &
BG_PIDS="$BG_PIDS $!"
wait_for 5 grep -q keepalive "$TMP/sse"
events C02HHHHHHHH9 run1 1 1 run.gave_up >"$TMP/sse.json"; post_events "$TMP/sse.json"
check "the stream delivers the device change as an SSE 'device' event" \
	wait_for 5 sh -c 'grep -q "^event: device" "$1" && grep -q "^data: {\"serial\":\"C02HHHHHHHH9\".*\"state\":\"gave_up\"" "$1"' sh "$TMP/sse"

req GET /healthz
check "healthz needs no credential and says ok" sh -c '[ "$1" = 200 ] && grep -q "\"ok\"" "$2"' sh "$status" "$TMP/body"
req GET /metrics
check "metrics need the admin token" test "$status" = 401
admin_get /metrics
check "metrics: events ingested, rejections by reason, devices by state, latency histogram" \
	sh -c 'grep -q "^enrollguard_events_ingested_total [1-9]" "$1" &&
	       grep -q "^enrollguard_requests_rejected_total{reason=\"rate_limited\"} [1-9]" "$1" &&
	       grep -q "^enrollguard_requests_rejected_total{reason=\"too_large\"} 3" "$1" &&
	       grep -q "^enrollguard_devices{state=\"waiting\"} 1" "$1" &&
	       grep -q "^enrollguard_http_request_duration_seconds_bucket{le=\"+Inf\"} [1-9]" "$1"' sh "$TMP/body"

# the dashboard: login, cookie, escaping
req GET /
check "the dashboard without a session sends the browser to /login" \
	sh -c '[ "$1" = 303 ] && grep -qi "^Location: /login" "$2"' sh "$status" "$TMP/headers"
req POST /login --data-urlencode "token=wrong"
check "a wrong admin token at /login is 401" test "$status" = 401
req POST /login --data-urlencode "token=$AT" -c "$TMP/jar"
check "the right token sets an HttpOnly SameSite=Strict cookie" \
	sh -c '[ "$1" = 303 ] && grep -qi "^Set-Cookie: eg_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict" "$2"' sh "$status" "$TMP/headers"
printf '[{"v":1,"ts":"2026-11-23T08:00:00Z","host":{"serial":"<script>alert(1)</script>","model":"<img src=x onerror=alert(2)>"},"run_id":"r","seq":1,"type":"run.gave_up","text":"<b>bold</b>"}]' >"$TMP/evil.json"
post_events "$TMP/evil.json"
check "a hostile serial is accepted as data" test "$status" = 200
req GET '/?q=script' -b "$TMP/jar"
check "the dashboard shows the hostile serial as text, escaped, with a strict CSP" \
	sh -c '[ "$1" = 200 ] && grep -q "&lt;script&gt;alert(1)&lt;/script&gt;" "$2" && ! grep -q "<script>alert" "$2" &&
	       ! grep -q "<img src=x" "$2" && grep -qi "^Content-Security-Policy: default-src .none.; script-src .self." "$3"' \
	sh "$status" "$TMP/body" "$TMP/headers"
req GET "/devices/%3Cscript%3Ealert(1)%3C%2Fscript%3E" -b "$TMP/jar"
check "its timeline page escapes it too" \
	sh -c '[ "$1" = 200 ] && grep -q "&lt;b&gt;bold&lt;/b&gt;" "$2" && ! grep -q "<b>bold" "$2"' sh "$status" "$TMP/body"

# storage failure: SQLite: another process holds the database's write
# lock; PostgreSQL: the database server goes away and comes back
if [ -n "${PGDB:-}" ]; then
	stop_pg
else
	python3 - "$DB" "$TMP/locked" <<'PY' &
import sqlite3, sys, time, os
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=1)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(8)
c.execute("ROLLBACK")
PY
	LOCKER=$!
	wait_for 5 test -e "$TMP/locked"
fi
events C02IIIIIIII0 run1 1 2 >"$TMP/b503.json"; post_events "$TMP/b503.json"
check "when the database cannot be written: 503, and nothing claimed stored" \
	sh -c '[ "$1" = 503 ] && grep -q storage_unavailable "$2"' sh "$status" "$TMP/body"
req GET /healthz
check "healthz says storage is failing" test "$status" = 503
check "and the log says so, with the database's words" grep -q "storage failing: ." "$TMP/server.err"
if [ -n "${PGDB:-}" ]; then restart_pg; else wait "$LOCKER"; fi
post_events "$TMP/b503.json"
check "once the lock is gone the same batch is stored" \
	sh -c '[ "$1" = 200 ] && grep -q "\"accepted\":2" "$2"' sh "$status" "$TMP/body"
check "and the log says storage recovered" grep -q "storage recovered after" "$TMP/server.err"

# the enroll token rotates; the old one works for --enroll-grace, then not
OLD_ET=$ET
"$EGSERVER" --db "$DBARG" --enroll-token-file "$TOK.enroll-token" --rotate-enroll-token \
	--enroll-grace 3s >"$TMP/newtok" 2>"$TMP/rot.err"; rc=$?
NEW_ET=$(cat "$TMP/newtok")
check "--rotate-enroll-token prints a new token and keeps the old one (exit 0)" \
	sh -c '[ "$1" = 0 ] && [ "${#2}" = 64 ] && [ "$2" != "$3" ] && [ "$(stat -c %a "$4")" = 600 ] &&
	       sed -n 2p "$4" | grep -q "^$3 until 20"' sh "$rc" "$NEW_ET" "$OLD_ET" "$TOK.enroll-token"
check "the running server reads the rotated file by itself" \
	wait_for 5 grep -q "enroll token file changed" "$TMP/server.err"
events C02ROTATE001 run1 1 1 >"$TMP/rot1.json"; post_events "$TMP/rot1.json" "$NEW_ET"
check "the new token registers Macs" test "$status" = 200
events C02ROTATE002 run1 1 1 >"$TMP/rot2.json"; post_events "$TMP/rot2.json" "$OLD_ET"
check "the old one too, during its grace period" test "$status" = 200
sleep 3
events C02ROTATE003 run1 1 1 >"$TMP/rot3.json"; post_events "$TMP/rot3.json" "$OLD_ET"
check "and not after it" test "$status" = 401

stop_server
check "SIGTERM stops the server cleanly (exit 0)" sh -c '[ "$1" = 0 ] && grep -q "SIGTERM: shutting down" "$2"' sh "$srv_rc" "$TMP/server.err"

# bad starts
"$EGSERVER" --listen 127.0.0.1:1 >"$TMP/o" 2>&1; rc=$?
check "no --db: exit 2 with the usage" sh -c '[ "$1" = 2 ] && grep -q "\-\-db FILE is required" "$2"' sh "$rc" "$TMP/o"
"$EGSERVER" --db "$DBARG" --listen nowhere >"$TMP/o" 2>&1; rc=$?
check "a bad --listen: exit 2 naming it" sh -c '[ "$1" = 2 ] && grep -q "\-\-listen" "$2"' sh "$rc" "$TMP/o"
chmod 644 "$TOK.admin-token"
"$EGSERVER" --db "$DBARG" --admin-token-file "$TOK.admin-token" --listen "127.0.0.1:$PORT" >"$TMP/o" 2>&1; rc=$?
check "a token file others can read: exit 3, saying chmod 600" sh -c '[ "$1" = 3 ] && grep -q "chmod 600" "$2"' sh "$rc" "$TMP/o"
chmod 600 "$TOK.admin-token"
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
open(sys.argv[2], "w").close(); time.sleep(10)' "$PORT" "$TMP/taken" &
BG_PIDS="$BG_PIDS $!"
wait_for 5 test -e "$TMP/taken"
timeout 5 "$EGSERVER" --db "$DBARG" --enroll-token-file "$TOK.enroll-token" \
	--admin-token-file "$TOK.admin-token" --listen "127.0.0.1:$PORT" >"$TMP/o" 2>&1; rc=$?
check "a port already taken: exit 3 naming it" sh -c '[ "$1" = 3 ] && grep -q "cannot listen on 127.0.0.1 port" "$2"' sh "$rc" "$TMP/o"
"$EGSERVER" --help >"$TMP/help"
check "every option in --help has its entry in enrollguard-server(8), OPTIONS" sh -c '
	sed -n "s/^  \(--[a-z-]*\).*/\1/p" "$1" | grep -v -- "--help" >"$3"
	[ "$(wc -l <"$3")" -ge 20 ] || exit 1
	while read -r o; do grep -q "^\.It .*Fl -${o#--}\b" "$2" || { echo "# $o" >&2; exit 1; }; done <"$3"' \
	sh "$TMP/help" "$SRCDIR/docs/enrollguard-server.8" "$TMP/opts"
"$EGSERVER" --db x --retain 3w >"$TMP/o" 2>&1; rc=$?
check "a bad duration: exit 2 naming the option and the units" \
	sh -c '[ "$1" = 2 ] && grep -q "\-\-retain: .3w. is not a duration" "$2"' sh "$rc" "$TMP/o"
done_testing
