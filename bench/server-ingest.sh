#!/bin/sh
# bench/server-ingest.sh [BUILD_DIR] [SECONDS]
#
# enrollguard-server's ingest on loopback with keep-alive, side by side
# in the same run with Debian's nginx answering `return 204` to the same
# requests (the ceiling of this machine for an HTTP answer that does no
# work). wrk (bench/ingest.lua) sends a fresh batch each request, so every
# event is new and committed (WAL, synchronous=FULL) before the answer.
# The same runs with 2,000 dashboard streams open (that never read), and
# against PostgreSQL (a private server started here, as in tests/e2e/pg.sh).
# Then 100,000 Macs report once each and the server's RSS is read.
# Needs: apt-get install nginx-light wrk postgresql
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
secs=${2:-10}
server=${EG_BENCH_SERVER:-$(pwd)/$build/src/server/enrollguard-server}
for t in wrk nginx; do
	command -v $t >/dev/null 2>&1 || [ -x /usr/sbin/$t ] ||
		{ echo "server-ingest: needs $t (apt-get install nginx-light wrk)" >&2; exit 3; }
done
dir=$(mktemp -d /tmp/eg-bench.XXXXXX)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SP=$(port); NP=$(port)
free_port() { port; }
. ./tests/e2e/pg.sh
cleanup() {
	set +e
	kill "$spid" 2>/dev/null; [ -n "${hold:-}" ] && kill "$hold" 2>/dev/null
	[ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null
	pg_cleanup; rm -rf "$dir"
}
trap cleanup EXIT INT TERM

cat >"$dir/nginx.conf" <<NGX
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_buffer_size 1m;
  server { listen 127.0.0.1:$NP; location / { return 204; } }
}
NGX
/usr/sbin/nginx -c "$dir/nginx.conf"

# start_eg DB: the server on SP with no limits in the way of a benchmark
start_eg() {
	[ -n "${spid:-}" ] && { kill "$spid"; wait "$spid" 2>/dev/null || true; }
	SP=$(port)
	# an older server (EG_BENCH_SERVER=...) has no limits to lift
	new=
	"$server" --help 2>&1 | grep -q register-limit &&
		new="--register-limit 0 --register-limit-per-address 0 --max-streams 3000 --events-per-device 100000000"
	# shellcheck disable=SC2086
	"$server" --listen "127.0.0.1:$SP" --db "$1" --rate-limit 0 $new \
		--enroll-token-file "$dir/et" --admin-token-file "$dir/at" \
		${EG_BENCH_SERVER_ARGS:-} >"$dir/server.out" 2>&1 &
	spid=$!
	sleep 1
	export EG_TOKEN="$(head -1 "$dir/et")"
}

# streams N: hold N dashboard streams open from 127.0.1.x (50 per address)
streams() {
	python3 - "$SP" "$(cat "$dir/at")" "$1" <<'PY' &
import socket, sys, time, resource
port, token, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 256), hard))
socks = []
for i in range(n):
    s = socket.socket(); s.bind(("127.0.1.%d" % (i // 50 + 1), 0)); s.connect(("127.0.0.1", port))
    s.sendall(("GET /api/v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n" % token).encode())
    socks.append(s)
time.sleep(3600)
PY
	hold=$!
	sleep 3
}

# run NAME PORT BATCH CONNECTIONS: one wrk run, one result line
run() {
	EG_BATCH=$3 wrk -t2 -c"$4" -d"${secs}s" --latency -s bench/ingest.lua "http://127.0.0.1:$2/" >"$dir/wrk.out" 2>&1
	python3 - "$1" "$3" "$dir/wrk.out" <<'PY'
import re, sys
name, batch, out = sys.argv[1], int(sys.argv[2]), open(sys.argv[3]).read()
def ms(label):
    m = re.search(r"\s%s%%\s+([\d.]+)(us|ms|s)\b" % label, out)
    if not m: return float("nan")
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == "us" else v * 1000 if u == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
errs = re.search(r"Socket errors: (.*)", out)
print(f"| {name} | {batch} | {rps:,.0f} | {rps * batch:,.0f} | {ms('50'):.2f} | {ms('99'):.2f} |"
      f" {non2xx.group(1) if non2xx else 0} |" + (f" {errs.group(1)}" if errs else ""))
PY
}

echo "enrollguard-server ingest, ${secs} s per run, wrk -t2, keep-alive, $(nproc) cores"
echo
echo "| target | events/request | requests/s | events/s | p50 ms | p99 ms | non-2xx |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
start_eg "$dir/bench.db"
run "enrollguard-server, SQLite" "$SP" 50 16
run "enrollguard-server, SQLite" "$SP" 1 64
streams 2000
run "enrollguard-server, SQLite, 2,000 streams" "$SP" 50 16
run "enrollguard-server, SQLite, 2,000 streams" "$SP" 1 64
kill "$hold"; wait "$hold" 2>/dev/null || true; hold=
stored=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from events").fetchone()[0])' "$dir/bench.db")
if "$server" --help 2>&1 | grep -q postgresql && start_pg >/dev/null 2>&1; then
	start_eg "$PGDB"
	run "enrollguard-server, PostgreSQL" "$SP" 50 16
	run "enrollguard-server, PostgreSQL" "$SP" 1 64
	pgstored=$($PGSQL -c "SELECT count(*) FROM events")
else
	echo "| enrollguard-server, PostgreSQL | (postgresql is not installed) | | | | | |"
	pgstored=-
fi
run "nginx return 204" "$NP" 50 16
run "nginx return 204" "$NP" 1 64
echo
echo "events in the databases after the runs: SQLite $stored, PostgreSQL $pgstored"
start_eg "$dir/bench.db"

# 100,000 Macs report once each (one event per request, a new serial each)
EG_BATCH=1 EG_DEVICES=1 wrk -t2 -c32 -d60s -s bench/ingest.lua "http://127.0.0.1:$SP/" >/dev/null 2>&1 &
wpid=$!
while :; do
	n=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from devices").fetchone()[0])' "$dir/bench.db")
	[ "$n" -ge 100000 ] && break
	kill -0 "$wpid" 2>/dev/null || break
	sleep 1
done
kill "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null || true
sleep 1
echo "devices: $n; server RSS $(sed -n 's/^VmRSS:\s*//p' /proc/$spid/status), peak $(sed -n 's/^VmHWM:\s*//p' /proc/$spid/status); database $(du -h "$dir/bench.db" | cut -f1) (+ WAL $(du -h "$dir/bench.db-wal" 2>/dev/null | cut -f1))"
