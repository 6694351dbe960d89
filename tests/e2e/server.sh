# server.sh: sourced by the server tests (family 7). Starts a real
# enrollguard-server on a free loopback port with its own database, and
# helpers to call it with curl. Environment: EGSERVER (set by meson).
: "${EGSERVER:?}"

# free_port: a TCP port nobody listens on right now
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server [ARGS...]: sets PORT, URL, DB, TOK (the token files' prefix),
# ET (enroll token), AT (admin token), SRV_PID. With PGDB set (pg.sh's
# start_pg) the store is that PostgreSQL database, else the SQLite file DB.
start_server() {
	PORT=$(free_port)
	URL=http://127.0.0.1:$PORT
	if [ -n "${PGDB:-}" ]; then
		DBARG=$PGDB TOK=$TMP/pg
	else
		DB=${DB:-$TMP/server.db}
		DBARG=$DB TOK=$DB
	fi
	# the last server's "listening" must not be read as this one's
	rm -f "$TMP/server.out"
	"$EGSERVER" --listen "127.0.0.1:$PORT" --db "$DBARG" --enroll-token-file "$TOK.enroll-token" \
		--admin-token-file "$TOK.admin-token" "$@" >"$TMP/server.out" 2>"$TMP/server.err" &
	SRV_PID=$!
	BG_PIDS="$BG_PIDS $SRV_PID"
	wait_for 10 grep -q listening "$TMP/server.out" ||
		{ echo "# server did not start:" >&2; sed 's/^/#   /' "$TMP/server.err" >&2; return 1; }
	ET=$(head -1 "$TOK.enroll-token")
	AT=$(cat "$TOK.admin-token")
}

stop_server() {
	kill "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	srv_rc=$?
}

# req METHOD PATH [CURL ARGS...]: sets $status; the body is in $TMP/body,
# the headers in $TMP/headers
req() {
	m=$1 p=$2; shift 2
	status=$(curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X "$m" "$@" "$URL$p")
}

# post_events FILE [TOKEN]: POST a batch with the enroll token
post_events() {
	req POST /api/v1/events -H "Authorization: Bearer ${2:-$ET}" \
		-H 'Content-Type: application/json' --data-binary @"$1"
}

admin_get() { req GET "$1" -H "Authorization: Bearer $AT"; }

# jq_py EXPR: evaluate a Python expression on the JSON body as `j`
jq_py() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(($1))" "$TMP/body"; }

# events SERIAL RUN FIRST LAST [TYPE]: a batch of events seq FIRST..LAST
events() {
	python3 - "$@" <<'PY'
import json, sys
serial, run, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
typ = sys.argv[5] if len(sys.argv) > 5 else "thermal.sample"
evs = []
for s in range(first, last + 1):
    evs.append({"v": 1, "ts": "2026-11-23T08:%02d:%02d.000Z" % (s // 60 % 60, s % 60),
                "host": {"serial": serial, "model": "MacBookAir10,1", "os": "14.6.1",
                         "build": "23G93", "arch": "arm64"},
                "run_id": run, "seq": s, "type": typ,
                "data": {"cpu_die_c": 96.5, "thermal_pressure": "Heavy", "hot": True},
                "text": "CPU die 96.5 C (hot)"})
print(json.dumps(evs))
PY
}
