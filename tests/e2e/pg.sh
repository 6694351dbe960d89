# pg.sh: sourced by the tests that need PostgreSQL. start_pg starts a
# private PostgreSQL (Debian's postgresql package) for this test only:
# its own data directory and Unix socket directory under /tmp, a free
# port, no TCP listener, as the unprivileged "postgres" user when the
# test runs as root (CI does; PostgreSQL refuses to run as root).
# Sets PGDB (a postgresql:// URL for --db), PGSQL (psql against it) and
# stops the server from the test's cleanup.

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

# as_pg CMD...: run CMD as the PostgreSQL user
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# start_pg: initdb, start, create database "eg"
start_pg() {
	if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/postgres" ]; then
		echo "not ok 1 - PostgreSQL is installed (run ./scripts/bootstrap test)"
		echo "1..1"
		exit 1
	fi
	PGDIR=$(mktemp -d /tmp/eg-pg.XXXXXX)
	[ "$(id -u)" -eq 0 ] && chown postgres "$PGDIR"
	PGPORT=$(free_port)
	as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U eg -A trust --no-sync -E UTF8 \
		>"$PGDIR/initdb.log" 2>&1 ||
		{ echo "# initdb failed:" >&2; sed 's/^/#   /' "$PGDIR/initdb.log" >&2; return 1; }
	as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/pg.log" -w -t 30 \
		-o "-k $PGDIR -p $PGPORT -c listen_addresses= -c max_connections=200 -c fsync=on" \
		start >/dev/null ||
		{ echo "# postgres did not start:" >&2; sed 's/^/#   /' "$PGDIR/pg.log" >&2; return 1; }
	PG_STARTED=1
	PGSQL="psql -X -q -A -t -h $PGDIR -p $PGPORT -U eg"
	$PGSQL -d postgres -c "CREATE DATABASE eg" >/dev/null
	PGDB="postgresql://eg@/eg?host=$PGDIR&port=$PGPORT"
	PGSQL="$PGSQL -d eg"
}

stop_pg() {
	[ -n "${PG_STARTED:-}" ] &&
		as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1
	PG_STARTED=
}

restart_pg() {
	as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/pg.log" -w -t 30 \
		-o "-k $PGDIR -p $PGPORT -c listen_addresses= -c max_connections=200" \
		start >/dev/null && PG_STARTED=1
}

pg_cleanup() {
	stop_pg
	[ -n "${PGDIR:-}" ] && rm -rf "$PGDIR"
}
