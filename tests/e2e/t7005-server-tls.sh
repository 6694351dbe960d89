#!/bin/sh
# enrollguard-server over HTTPS (--tls-cert/--tls-key) with a private CA:
# the agent reports when given the CA (--report-ca-file), and without it
# the enrollment still succeeds and the events wait in the spool.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/server.sh"

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" \
	-days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
PORT=$(free_port)
DB=$TMP/tls.db
"$EGSERVER" --listen "127.0.0.1:$PORT" --db "$DB" --tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem" \
	>"$TMP/server.out" 2>"$TMP/server.err" &
SRV_PID=$!
BG_PIDS="$BG_PIDS $SRV_PID"
check "the server says it listens on https" wait_for 10 grep -q "listening on https://127.0.0.1:$PORT/" "$TMP/server.out"
URL=https://127.0.0.1:$PORT
ET=$(cat "$DB.enroll-token"); AT=$(cat "$DB.admin-token")
req GET /healthz --cacert "$TMP/cert.pem"
check "healthz answers over TLS" test "$status" = 200
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")
check "plain HTTP gets no answer on the TLS port" test "$code" = 000
req POST /login --cacert "$TMP/cert.pem" --data-urlencode "token=$AT"
check "the session cookie is Secure under TLS" grep -qi '^Set-Cookie: eg_session=.*; Secure' "$TMP/headers"

mac cool 20
mkdir -p "$ROOT/etc/enrollguard"
cp "$DB.enroll-token" "$ROOT/etc/enrollguard/report.token"
cp "$TMP/cert.pem" "$ROOT/etc/enrollguard/ca.pem"
run_eg "$TMP/out" run --retry-delay 100ms --thermal-interval 1s --report-url "$URL" \
	--report-token-file /etc/enrollguard/report.token --report-ca-file /etc/enrollguard/ca.pem
check "with the CA file the Mac enrolls" exits_with 0
req GET /api/v1/devices/C02ZK0AAMD6M --cacert "$TMP/cert.pem" -H "Authorization: Bearer $AT"
check "and its events reached the server over TLS" \
	test "$(jq_py 'j["device"]["events"]')" = "$(wc -l < "$JSONL")"

mac cool 20
mkdir -p "$ROOT/etc/enrollguard"
cp "$DB.enroll-token" "$ROOT/etc/enrollguard/report.token"
run_eg "$TMP/out2" run --retry-delay 100ms --thermal-interval 1s --report-url "$URL" \
	--report-token-file /etc/enrollguard/report.token --report-flush 1s
check "without the CA the Mac still enrolls (reporting never blocks it)" exits_with 0
check "it says the events still wait, and why" has "$TMP/out2" "events are still waiting for $URL"
eg status >"$TMP/st"
check "status counts them" has "$TMP/st" "events waiting to be sent"
run_eg "$TMP/out3" run --report-url "$URL" --report-token-file /etc/enrollguard/report.token \
	--report-ca-file /etc/enrollguard/nope.pem
check "an unreadable CA file: exit 2 naming ReportCAFile" exits_with 2
check "naming ReportCAFile" has "$TMP/out3" "ReportCAFile"
done_testing
