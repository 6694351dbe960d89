/*
 * store-pg.c: the store in PostgreSQL, for several server processes on
 * one fleet (behind any load balancer). The same tables as SQLite's.
 *
 * Writers in different processes serialise on each Mac with a
 * transaction-scoped advisory lock on its serial, so two batches of one
 * Mac never fold into its row at the same time; events are unique on
 * (serial, run_id, seq) as in SQLite. After a commit that changed a
 * Mac, NOTIFY enrollguard_device tells every process (store_watch_*),
 * whose dashboards then read the row: SSE on every process sees every
 * change. A broken connection is reset before the next transaction,
 * so the server recovers by itself when PostgreSQL comes back.
 */
#include "store-backend.h"

#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "json.h"
#include "log.h"
#include "scan.h"
#include "banned.h"

#define SCHEMA_VERSION "2"
#define NOTIFY_CHANNEL "enrollguard_device"
#define MIGRATE_LOCK 815627001   /* pg_advisory_lock key for the schema */

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS eg_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS events("
	" serial TEXT NOT NULL, run_id TEXT NOT NULL, seq BIGINT NOT NULL,"
	" ts BIGINT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL,"
	" text TEXT NOT NULL, received BIGINT NOT NULL,"
	" PRIMARY KEY (serial, run_id, seq));"
	"CREATE INDEX IF NOT EXISTS events_by_received ON events(serial, received);"
	"CREATE INDEX IF NOT EXISTS events_received ON events(received);"
	"CREATE TABLE IF NOT EXISTS runs(serial TEXT NOT NULL, run_id TEXT NOT NULL,"
	" first_seen BIGINT NOT NULL, PRIMARY KEY (serial, run_id));"
	"CREATE TABLE IF NOT EXISTS devices("
	" serial TEXT PRIMARY KEY, name TEXT NOT NULL, model TEXT NOT NULL,"
	" os TEXT NOT NULL, build TEXT NOT NULL, arch TEXT NOT NULL,"
	" run_id TEXT NOT NULL, run_seen BIGINT NOT NULL, last_seq BIGINT NOT NULL,"
	" last_ts BIGINT NOT NULL, state TEXT NOT NULL, detail TEXT NOT NULL,"
	" state_since BIGINT NOT NULL, attempt BIGINT NOT NULL, temp_milli BIGINT,"
	" pressure TEXT NOT NULL, finding TEXT NOT NULL, events BIGINT NOT NULL,"
	" dropped BIGINT NOT NULL, key_hash TEXT NOT NULL, updated BIGINT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS devices_by_state ON devices(state, serial);"
	"INSERT INTO eg_meta VALUES ('schema_version', '" SCHEMA_VERSION "')"
	" ON CONFLICT (key) DO NOTHING;";

/* The writer's statements, prepared once per connection. */
static const struct {
	const char *name, *sql;
	int nparams;
} prepared[] = {
	{ "lock", "SELECT pg_advisory_xact_lock(hashtext($1))", 1 },
	{ "get_device", "SELECT " STORE_DEVICE_COLUMNS " FROM devices WHERE serial = $1", 1 },
	{ "put_device",
	  "INSERT INTO devices(" STORE_DEVICE_COLUMNS ", updated) VALUES ($1, $2, $3, $4, $5,"
	  " $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
	  " ON CONFLICT (serial) DO UPDATE SET name = EXCLUDED.name, model = EXCLUDED.model,"
	  " os = EXCLUDED.os, build = EXCLUDED.build, arch = EXCLUDED.arch,"
	  " run_id = EXCLUDED.run_id, run_seen = EXCLUDED.run_seen,"
	  " last_seq = EXCLUDED.last_seq, last_ts = EXCLUDED.last_ts, state = EXCLUDED.state,"
	  " detail = EXCLUDED.detail, state_since = EXCLUDED.state_since,"
	  " attempt = EXCLUDED.attempt, temp_milli = EXCLUDED.temp_milli,"
	  " pressure = EXCLUDED.pressure, finding = EXCLUDED.finding,"
	  " events = EXCLUDED.events, dropped = EXCLUDED.dropped,"
	  " key_hash = EXCLUDED.key_hash, updated = EXCLUDED.updated", 21 },
	{ "insert_event",
	  "INSERT INTO events(serial, run_id, seq, ts, type, data, text, received)"
	  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING", 8 },
	{ "insert_events",
	  "INSERT INTO events(serial, run_id, seq, ts, type, data, text, received)"
	  " SELECT serial, run_id, seq, ts, type, data, text, $2 FROM json_to_recordset($1::json)"
	  " AS x(serial text, run_id text, seq bigint, ts bigint, type text, data text, text text)"
	  " ON CONFLICT DO NOTHING RETURNING run_id, seq", 2 },
	{ "run_seen",
	  "INSERT INTO runs(serial, run_id, first_seen) VALUES ($1, $2, $3)"
	  " ON CONFLICT (serial, run_id) DO UPDATE SET first_seen = runs.first_seen"
	  " RETURNING first_seen", 3 },
	{ "drop_oldest",
	  "DELETE FROM events WHERE (serial, run_id, seq) IN (SELECT serial, run_id, seq"
	  " FROM events WHERE serial = $1 ORDER BY received, run_id, seq LIMIT $2)", 2 },
	{ "notify", "SELECT pg_notify('" NOTIFY_CHANNEL "', $1)", 1 },
};

#define NPREPARED (sizeof(prepared) / sizeof(*prepared))

struct pg {
	struct store base;
	PGconn *conn;
	enum store_mode mode;
	bool prepared;
	char err[256];
};

static struct pg *PG(struct store *s)
{
	return (struct pg *)s;
}

/* Keep the last error, one line, for store_errmsg(). */
static void note(struct pg *p, const PGresult *r)
{
	const char *m = r ? PQresultErrorMessage(r) : "";

	if (!m || !m[0])
		m = PQerrorMessage(p->conn);
	snprintf(p->err, sizeof(p->err), "%.*s", (int)strcspn(m, "\n"), m);
}

/* Run a command; EG_OK when it succeeded. */
static enum eg_err cmd(struct pg *p, const char *sql)
{
	PGresult *r = PQexec(p->conn, sql);
	enum eg_err rc = PQresultStatus(r) == PGRES_COMMAND_OK ||
			 PQresultStatus(r) == PGRES_TUPLES_OK ? EG_OK : EG_ERR_IO;

	if (rc != EG_OK)
		note(p, r);
	PQclear(r);
	return rc;
}

static enum eg_err prepare_all(struct pg *p)
{
	PGresult *r;
	size_t i;

	for (i = 0; i < NPREPARED; i++) {
		r = PQprepare(p->conn, prepared[i].name, prepared[i].sql, prepared[i].nparams, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			note(p, r);
			PQclear(r);
			return EG_ERR_IO;
		}
		PQclear(r);
	}
	p->prepared = true;
	return EG_OK;
}

/* A whole number from PostgreSQL's text, or 0. */
static int64_t num(const char *s)
{
	struct eg_scan sc;
	int64_t v = 0;

	eg_scan_init(&sc, s, strlen(s));
	if (eg_scan_int(&sc, &v, INT64_MIN / 2, INT64_MAX / 2) || !eg_scan_eof(&sc))
		return 0;
	return v;
}

static enum eg_err migrate(struct pg *p, struct eg_diag *diag)
{
	enum eg_err rc;
	PGresult *r;

	/* one process creates the schema at a time; the others wait here */
	if ((rc = cmd(p, "SELECT pg_advisory_lock(815627001)")) != EG_OK)
		return eg_diag_set(diag, rc, "database: %s", p->err);
	rc = cmd(p, "SET client_min_messages = warning");
	if (rc == EG_OK)
		rc = cmd(p, schema);
	if (rc == EG_OK) {
		r = PQexec(p->conn, "SELECT value FROM eg_meta WHERE key = 'schema_version'");
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
		    num(PQgetvalue(r, 0, 0)) > num(SCHEMA_VERSION))
			rc = eg_diag_set(diag, EG_ERR_INVALID,
					 "the database has schema version %s; this server knows up to %s",
					 PQgetvalue(r, 0, 0), SCHEMA_VERSION);
		PQclear(r);
	}
	(void)cmd(p, "SELECT pg_advisory_unlock(815627001)");
	if (rc == EG_ERR_IO)
		return eg_diag_set(diag, rc, "database: %s", p->err);
	return rc;
}

/* PostgreSQL's notices ("terminating connection...") are not ours to print. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static void pg_close(struct store *base)
{
	struct pg *p = PG(base);

	PQfinish(p->conn);
	free(p);
}

static enum eg_err pg_open(const char *db, enum store_mode mode, struct store **out,
			   struct eg_diag *diag)
{
	struct pg *p = eg_xcalloc(1, sizeof(*p));
	enum eg_err rc = EG_OK;

	p->base.ops = &store_pg_ops;
	p->mode = mode;
	p->conn = PQconnectdb(db);
	if (p->conn)
		PQsetNoticeProcessor(p->conn, quiet, NULL);
	if (!p->conn || PQstatus(p->conn) != CONNECTION_OK) {
		/* the URL may hold a password: name the server by its message only */
		rc = eg_diag_set(diag, EG_ERR_IO, "cannot connect to PostgreSQL: %.*s",
				 p->conn ? (int)strcspn(PQerrorMessage(p->conn), "\n") : 13,
				 p->conn ? PQerrorMessage(p->conn) : "out of memory");
		goto fail;
	}
	if (mode == STORE_WRITER && (rc = migrate(p, diag)) != EG_OK)
		goto fail;
	if (mode == STORE_READER && cmd(p, "SET default_transaction_read_only = on") != EG_OK) {
		rc = eg_diag_set(diag, EG_ERR_IO, "database: %s", p->err);
		goto fail;
	}
	*out = &p->base;
	return EG_OK;
fail:
	pg_close(&p->base);
	return rc;
}

static const char *pg_errmsg(struct store *s)
{
	return PG(s)->err[0] ? PG(s)->err : "no error";
}

/*
 * BEGIN also mends a connection PostgreSQL dropped (a restart, a
 * failover): the statements are prepared again on the new session.
 */
static enum eg_err mend(struct pg *p)
{
	if (PQstatus(p->conn) != CONNECTION_OK) {
		PQreset(p->conn);
		p->prepared = false;
		if (PQstatus(p->conn) != CONNECTION_OK) {
			note(p, NULL);
			return EG_ERR_IO;
		}
	}
	if (!p->prepared && prepare_all(p) != EG_OK)
		return EG_ERR_IO;
	return EG_OK;
}

static enum eg_err pg_exec(struct store *base, const char *what)
{
	struct pg *p = PG(base);

	if (strcmp(what, "BEGIN") == 0) {
		if (mend(p) == EG_OK && cmd(p, "BEGIN") == EG_OK)
			return EG_OK;
		/* a session the server ended is only noticed when used: once more */
		if (PQstatus(p->conn) == CONNECTION_OK)
			return EG_ERR_IO;
		return mend(p) == EG_OK ? cmd(p, "BEGIN") : EG_ERR_IO;
	}
	if (strcmp(what, "SAVEPOINT") == 0)
		return cmd(p, "SAVEPOINT batch");
	if (strcmp(what, "RELEASE") == 0)
		return cmd(p, "RELEASE SAVEPOINT batch");
	if (strcmp(what, "ROLLBACK TO") == 0)
		return cmd(p, "ROLLBACK TO SAVEPOINT batch");
	return cmd(p, what);   /* COMMIT, ROLLBACK */
}

/* Run prepared statement name with n text parameters. */
static PGresult *run(struct pg *p, const char *name, int n, const char *const *v)
{
	PGresult *r = PQexecPrepared(p->conn, name, n, v, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		note(p, r);
	return r;
}

static bool ok(const PGresult *r)
{
	return PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
}

/*
 * A reader's query, outside any transaction: a session PostgreSQL ended
 * (a restart) is reset and the query tried once more, so a pooled
 * connection mends itself.
 */
static PGresult *query(struct pg *p, const char *sql, int n, const char *const *v)
{
	PGresult *r;

	if (PQstatus(p->conn) != CONNECTION_OK)
		PQreset(p->conn);
	r = PQexecParams(p->conn, sql, n, NULL, v, NULL, NULL, 0);
	if (!ok(r) && PQstatus(p->conn) != CONNECTION_OK) {
		PQclear(r);
		PQreset(p->conn);
		r = PQexecParams(p->conn, sql, n, NULL, v, NULL, NULL, 0);
	}
	if (!ok(r))
		note(p, r);
	return r;
}

static void col(const PGresult *r, int row, int c, char *out, size_t n)
{
	snprintf(out, n, "%s", PQgetisnull(r, row, c) ? "" : PQgetvalue(r, row, c));
}

static void row_to_device(const PGresult *r, int i, struct device *d)
{
	char state[16];
	int s;

	memset(d, 0, sizeof(*d));
	col(r, i, 0, d->serial, sizeof(d->serial));
	col(r, i, 1, d->name, sizeof(d->name));
	col(r, i, 2, d->model, sizeof(d->model));
	col(r, i, 3, d->os, sizeof(d->os));
	col(r, i, 4, d->build, sizeof(d->build));
	col(r, i, 5, d->arch, sizeof(d->arch));
	col(r, i, 6, d->run_id, sizeof(d->run_id));
	d->run_seen = num(PQgetvalue(r, i, 7));
	d->last_seq = num(PQgetvalue(r, i, 8));
	d->last_ts = num(PQgetvalue(r, i, 9));
	col(r, i, 10, state, sizeof(state));
	s = eg_fleet_state_from_name(state);
	d->state = s < 0 ? EG_FS_RUNNING : (enum eg_fleet_state)s;
	col(r, i, 11, d->detail, sizeof(d->detail));
	d->state_since = num(PQgetvalue(r, i, 12));
	d->attempt = num(PQgetvalue(r, i, 13));
	d->has_temp = !PQgetisnull(r, i, 14);
	d->temp_milli = num(PQgetvalue(r, i, 14));
	col(r, i, 15, d->pressure, sizeof(d->pressure));
	col(r, i, 16, d->finding, sizeof(d->finding));
	d->events = num(PQgetvalue(r, i, 17));
	d->dropped = num(PQgetvalue(r, i, 18));
	col(r, i, 19, d->key_hash, sizeof(d->key_hash));
}

static enum eg_err pg_get_device(struct store *base, const char *serial, struct device *d,
				 bool *found, bool for_update)
{
	struct pg *p = PG(base);
	const char *v[1] = { serial };
	PGresult *r;
	enum eg_err rc;

	*found = false;
	if (for_update) {
		/* one writer per Mac at a time, across every server process */
		r = run(p, "lock", 1, v);
		rc = ok(r) ? EG_OK : EG_ERR_IO;
		PQclear(r);
		if (rc != EG_OK)
			return rc;
		r = run(p, "get_device", 1, v);
	} else {
		r = query(p, "SELECT " STORE_DEVICE_COLUMNS " FROM devices WHERE serial = $1", 1, v);
	}
	rc = ok(r) ? EG_OK : EG_ERR_IO;
	if (rc == EG_OK && PQntuples(r) == 1) {
		row_to_device(r, 0, d);
		*found = true;
	}
	PQclear(r);
	return rc;
}

static enum eg_err pg_put_device(struct store *base, const struct device *d, int64_t now)
{
	char n[9][24];
	const char *v[21] = {
		d->serial, d->name, d->model, d->os, d->build, d->arch, d->run_id,
		n[0], n[1], n[2], eg_fleet_state_name(d->state), d->detail, n[3], n[4],
		d->has_temp ? n[5] : NULL, d->pressure, d->finding, n[6], n[7], d->key_hash, n[8],
	};
	PGresult *r;
	enum eg_err rc;

	snprintf(n[0], sizeof(n[0]), "%lld", (long long)d->run_seen);
	snprintf(n[1], sizeof(n[1]), "%lld", (long long)d->last_seq);
	snprintf(n[2], sizeof(n[2]), "%lld", (long long)d->last_ts);
	snprintf(n[3], sizeof(n[3]), "%lld", (long long)d->state_since);
	snprintf(n[4], sizeof(n[4]), "%lld", (long long)d->attempt);
	snprintf(n[5], sizeof(n[5]), "%lld", (long long)d->temp_milli);
	snprintf(n[6], sizeof(n[6]), "%lld", (long long)d->events);
	snprintf(n[7], sizeof(n[7]), "%lld", (long long)d->dropped);
	snprintf(n[8], sizeof(n[8]), "%lld", (long long)now);
	r = run(PG(base), "put_device", 21, v);
	rc = ok(r) ? EG_OK : EG_ERR_IO;
	PQclear(r);
	return rc;
}

static enum eg_err pg_insert_event(struct store *base, const struct srv_event *e,
				   int64_t now, bool *added)
{
	char seq[24], ts[24], rcv[24];
	const char *v[8] = { e->serial, e->run_id, seq, ts, e->type, e->data_json, e->text, rcv };
	PGresult *r;
	enum eg_err rc;

	snprintf(seq, sizeof(seq), "%lld", (long long)e->seq);
	snprintf(ts, sizeof(ts), "%lld", (long long)e->ts_ms);
	snprintf(rcv, sizeof(rcv), "%lld", (long long)now);
	r = run(PG(base), "insert_event", 8, v);
	rc = ok(r) ? EG_OK : EG_ERR_IO;
	*added = rc == EG_OK && strcmp(PQcmdTuples(r), "1") == 0;
	PQclear(r);
	return rc;
}

/*
 * A whole batch in one round trip: its events as a JSON array of records,
 * and back the (run_id, seq) of those that were new.
 */
static enum eg_err pg_insert_events(struct store *base, const struct batch *b, int64_t now,
				    bool *added)
{
	struct eg_buf json = EG_BUF_INIT(8 * BATCH_MAX_BYTES);
	char rcv[24];
	const char *v[2] = { NULL, rcv };
	enum eg_err rc = eg_buf_addch(&json, '[');
	struct eg_jw w;
	PGresult *r;
	size_t i, k = 0, tried;
	int row;

	for (i = 0; i < b->n && rc == EG_OK; i++) {
		if (i)
			(void)eg_buf_addch(&json, ',');
		eg_jw_begin(&w, &json);
		eg_jw_str(&w, "serial", b->ev[i].serial);
		eg_jw_str(&w, "run_id", b->ev[i].run_id);
		eg_jw_int(&w, "seq", b->ev[i].seq);
		eg_jw_int(&w, "ts", b->ev[i].ts_ms);
		eg_jw_str(&w, "type", b->ev[i].type);
		eg_jw_str(&w, "data", b->ev[i].data_json);
		eg_jw_str(&w, "text", b->ev[i].text);
		eg_jw_end(&w);
		rc = w.rc;
		added[i] = false;
	}
	if (rc == EG_OK)
		rc = eg_buf_addch(&json, ']');
	if (rc != EG_OK) {
		eg_buf_release(&json);
		return rc;
	}
	v[0] = json.buf;
	snprintf(rcv, sizeof(rcv), "%lld", (long long)now);
	r = run(PG(base), "insert_events", 2, v);
	rc = ok(r) ? EG_OK : EG_ERR_IO;
	/* the rows come back mostly in order: look from where the last was found */
	for (row = 0; rc == EG_OK && row < PQntuples(r); row++) {
		int64_t seq = num(PQgetvalue(r, row, 1));

		for (tried = 0; tried < b->n; tried++, k = (k + 1) % b->n)
			if (!added[k] && b->ev[k].seq == seq &&
			    strcmp(b->ev[k].run_id, PQgetvalue(r, row, 0)) == 0) {
				added[k] = true;
				break;
			}
	}
	PQclear(r);
	eg_buf_release(&json);
	return rc;
}

static enum eg_err pg_run_seen(struct store *base, const char *serial, const char *run_id,
			       int64_t now, int64_t *first_seen)
{
	char t[24];
	const char *v[3] = { serial, run_id, t };
	PGresult *r;
	enum eg_err rc;

	snprintf(t, sizeof(t), "%lld", (long long)now);
	r = run(PG(base), "run_seen", 3, v);
	rc = ok(r) && PQntuples(r) == 1 ? EG_OK : EG_ERR_IO;
	if (rc == EG_OK)
		*first_seen = num(PQgetvalue(r, 0, 0));
	PQclear(r);
	return rc;
}

static enum eg_err pg_drop_oldest(struct store *base, const char *serial, int64_t n)
{
	char c[24];
	const char *v[2] = { serial, c };
	PGresult *r;
	enum eg_err rc;

	snprintf(c, sizeof(c), "%lld", (long long)n);
	r = run(PG(base), "drop_oldest", 2, v);
	rc = ok(r) ? EG_OK : EG_ERR_IO;
	PQclear(r);
	return rc;
}

#define FILTER_WHERE \
	" WHERE ($1::text IS NULL OR state = $1)" \
	" AND ($2::text IS NULL OR strpos(lower(serial), lower($2)) > 0" \
	" OR strpos(lower(name), lower($2)) > 0)"

static enum eg_err pg_list_devices(struct store *base, const struct store_filter *f,
				   store_device_cb cb, void *ctx, int64_t *total)
{
	struct pg *p = PG(base);
	char lim[24], off[24];
	const char *v[4] = {
		f->state >= 0 ? eg_fleet_state_name((enum eg_fleet_state)f->state) : NULL,
		f->q && f->q[0] ? f->q : NULL, lim, off,
	};
	struct device d;
	PGresult *r;
	int i;

	*total = 0;
	snprintf(lim, sizeof(lim), "%lld", (long long)f->limit);
	snprintf(off, sizeof(off), "%lld", (long long)f->offset);
	r = query(p, "SELECT count(*) FROM devices" FILTER_WHERE, 2, v);
	if (!ok(r)) {
		PQclear(r);
		return EG_ERR_IO;
	}
	*total = num(PQgetvalue(r, 0, 0));
	PQclear(r);
	r = query(p, "SELECT " STORE_DEVICE_COLUMNS " FROM devices" FILTER_WHERE
		  " ORDER BY serial COLLATE \"C\" LIMIT $3 OFFSET $4", 4, v);
	if (!ok(r)) {
		PQclear(r);
		return EG_ERR_IO;
	}
	for (i = 0; i < PQntuples(r); i++) {
		row_to_device(r, i, &d);
		if (cb(&d, ctx))
			break;
	}
	PQclear(r);
	return EG_OK;
}

static enum eg_err pg_device_events(struct store *base, const char *serial, int64_t limit,
				    store_event_cb cb, void *ctx)
{
	struct pg *p = PG(base);
	struct store_event_row row;
	char lim[24];
	const char *v[2] = { serial, lim };
	PGresult *r;
	int i;

	snprintf(lim, sizeof(lim), "%lld", (long long)limit);
	r = query(p, "SELECT e.run_id, e.seq, e.ts, e.type, e.data, e.text,"
		  " e.received FROM events e LEFT JOIN runs r"
		  " ON r.serial = e.serial AND r.run_id = e.run_id WHERE e.serial = $1"
		  " ORDER BY coalesce(r.first_seen, e.received) DESC,"
		  " e.run_id COLLATE \"C\" DESC, e.seq DESC LIMIT $2", 2, v);
	if (!ok(r)) {
		PQclear(r);
		return EG_ERR_IO;
	}
	for (i = 0; i < PQntuples(r); i++) {
		row.run_id = PQgetvalue(r, i, 0);
		row.seq = num(PQgetvalue(r, i, 1));
		row.ts_ms = num(PQgetvalue(r, i, 2));
		row.type = PQgetvalue(r, i, 3);
		row.data_json = PQgetvalue(r, i, 4);
		row.text = PQgetvalue(r, i, 5);
		row.received_ms = num(PQgetvalue(r, i, 6));
		if (cb(&row, ctx))
			break;
	}
	PQclear(r);
	return EG_OK;
}

static enum eg_err pg_counts(struct store *base, int64_t counts[EG_FS_COUNT], int64_t *events)
{
	struct pg *p = PG(base);
	PGresult *r;
	int i, s;

	for (i = 0; i < EG_FS_COUNT; i++)
		counts[i] = 0;
	*events = 0;
	r = query(p, "SELECT state, count(*), coalesce(sum(events), 0) FROM devices"
		  " GROUP BY state", 0, NULL);
	if (!ok(r)) {
		PQclear(r);
		return EG_ERR_IO;
	}
	for (i = 0; i < PQntuples(r); i++) {
		if ((s = eg_fleet_state_from_name(PQgetvalue(r, i, 0))) >= 0)
			counts[s] = num(PQgetvalue(r, i, 1));
		*events += num(PQgetvalue(r, i, 2));
	}
	PQclear(r);
	return EG_OK;
}

static enum eg_err pg_reset_key(struct store *base, const char *serial)
{
	struct pg *p = PG(base);
	const char *v[1] = { serial };
	PGresult *r = query(p, "UPDATE devices SET key_hash = '' WHERE serial = $1", 1, v);
	enum eg_err rc = !ok(r) ? EG_ERR_IO :
			 strcmp(PQcmdTuples(r), "0") == 0 ? EG_ERR_NOT_FOUND : EG_OK;

	PQclear(r);
	return rc;
}

/* One statement, so one small transaction: delete, then fix each Mac's count. */
static enum eg_err pg_prune(struct store *base, int64_t before_ms, int64_t max,
			    int64_t *deleted)
{
	struct pg *p = PG(base);
	char b[24], m[24];
	const char *v[2] = { b, m };
	PGresult *r;

	*deleted = 0;
	snprintf(b, sizeof(b), "%lld", (long long)before_ms);
	snprintf(m, sizeof(m), "%lld", (long long)max);
	if (PQstatus(p->conn) != CONNECTION_OK)
		return EG_ERR_IO;   /* the next BEGIN mends it */
	r = PQexecParams(p->conn,
		"WITH del AS (DELETE FROM events WHERE (serial, run_id, seq) IN"
		" (SELECT serial, run_id, seq FROM events WHERE received < $1"
		" ORDER BY received LIMIT $2) RETURNING serial),"
		" c AS (SELECT serial, count(*) AS n FROM del GROUP BY serial),"
		" up AS (UPDATE devices d SET events = greatest(0, d.events - c.n) FROM c"
		" WHERE d.serial = c.serial RETURNING 1)"
		" SELECT coalesce(sum(n), 0) FROM c", 2, NULL, v, NULL, NULL, 0);
	if (!ok(r)) {
		note(p, r);
		PQclear(r);
		return EG_ERR_IO;
	}
	*deleted = num(PQgetvalue(r, 0, 0));
	PQclear(r);
	return EG_OK;
}

static enum eg_err pg_notify(struct store *base, const char *serial)
{
	char payload[128];
	const char *v[1] = { payload };
	PGresult *r;
	enum eg_err rc;

	/* delivered at COMMIT, to every process listening (ours too) */
	snprintf(payload, sizeof(payload), "%s", serial);
	r = run(PG(base), "notify", 1, v);
	rc = ok(r) ? EG_OK : EG_ERR_IO;
	PQclear(r);
	return rc;
}

/* LISTEN on its own connection and thread (store.h, store_watch_start). */
struct store_watch {
	char *db;
	PGconn *conn;
	store_watch_cb cb;
	void *ctx;
	pthread_t thread;
	pthread_mutex_t lock;
	bool stopping;
};

static bool watch_stopping(struct store_watch *w)
{
	bool s;

	pthread_mutex_lock(&w->lock);
	s = w->stopping;
	pthread_mutex_unlock(&w->lock);
	return s;
}

static bool listen_on(struct store_watch *w)
{
	PGresult *r;
	bool good;

	if (!w->conn) {
		w->conn = PQconnectdb(w->db);
		if (w->conn)
			PQsetNoticeProcessor(w->conn, quiet, NULL);
	} else {
		PQreset(w->conn);
	}
	if (PQstatus(w->conn) != CONNECTION_OK)
		return false;
	r = PQexec(w->conn, "LISTEN " NOTIFY_CHANNEL);
	good = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	return good;
}

static void *watch_thread(void *arg)
{
	struct store_watch *w = arg;
	struct timespec pause = { 1, 0 };
	struct pollfd pfd;
	PGnotify *n;
	bool up = true;

	while (!watch_stopping(w)) {
		if (!up) {
			nanosleep(&pause, NULL);
			if ((up = listen_on(w))) {
				srv_log("PostgreSQL: listening for changes again");
				w->cb(w->ctx, NULL);   /* changes may have been missed */
			}
			continue;
		}
		pfd.fd = PQsocket(w->conn);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (pfd.fd < 0 || poll(&pfd, 1, 500) < 0 || !PQconsumeInput(w->conn)) {
			srv_log("PostgreSQL: the change notices stopped (%.*s); reconnecting",
				(int)strcspn(PQerrorMessage(w->conn), "\n"), PQerrorMessage(w->conn));
			up = false;
			continue;
		}
		while ((n = PQnotifies(w->conn)) != NULL) {
			w->cb(w->ctx, n->extra);
			PQfreemem(n);
		}
	}
	return NULL;
}

enum eg_err store_pg_watch_start(struct store_watch **out, const char *db, store_watch_cb cb,
				 void *ctx, struct eg_diag *diag)
{
	struct store_watch *w = eg_xcalloc(1, sizeof(*w));

	w->db = eg_xstrdup(db);
	w->cb = cb;
	w->ctx = ctx;
	pthread_mutex_init(&w->lock, NULL);
	if (!listen_on(w)) {
		eg_diag_set(diag, EG_ERR_IO, "cannot LISTEN for changes: %.*s",
			    (int)strcspn(PQerrorMessage(w->conn), "\n"), PQerrorMessage(w->conn));
		store_watch_stop(w);
		return EG_ERR_IO;
	}
	if (pthread_create(&w->thread, NULL, watch_thread, w) != 0) {
		PQfinish(w->conn);
		free(w->db);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return eg_diag_set(diag, EG_ERR_IO, "cannot start the change listener");
	}
	*out = w;
	return EG_OK;
}

void store_watch_stop(struct store_watch *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_mutex_unlock(&w->lock);
	if (w->thread)
		pthread_join(w->thread, NULL);
	PQfinish(w->conn);
	free(w->db);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

const struct store_ops store_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.errmsg = pg_errmsg,
	.exec = pg_exec,
	.get_device = pg_get_device,
	.put_device = pg_put_device,
	.insert_event = pg_insert_event,
	.insert_events = pg_insert_events,
	.run_seen = pg_run_seen,
	.drop_oldest = pg_drop_oldest,
	.list_devices = pg_list_devices,
	.device_events = pg_device_events,
	.counts = pg_counts,
	.reset_key = pg_reset_key,
	.prune = pg_prune,
	.notify = pg_notify,
};
