/*
 * store-sqlite.c: the store in one SQLite file (the default). WAL mode
 * and synchronous=FULL: a commit is on disk before the answer. The files
 * are created 0600 (the server's umask), they hold device key hashes.
 */
#include "store-backend.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "banned.h"

#define SCHEMA_VERSION 2

enum stmt {
	ST_INSERT_EVENT,
	ST_GET_DEVICE,
	ST_PUT_DEVICE,
	ST_GET_RUN,
	ST_PUT_RUN,
	ST_DROP_OLDEST,
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_INSERT_EVENT] =
		"INSERT OR IGNORE INTO events(serial, run_id, seq, ts, type, data, text, received)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_GET_DEVICE] = "SELECT " STORE_DEVICE_COLUMNS " FROM devices WHERE serial = ?1",
	[ST_PUT_DEVICE] =
		"INSERT OR REPLACE INTO devices(" STORE_DEVICE_COLUMNS ", updated)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
		" ?16, ?17, ?18, ?19, ?20, ?21)",
	[ST_GET_RUN] = "SELECT first_seen FROM runs WHERE serial = ?1 AND run_id = ?2",
	[ST_PUT_RUN] = "INSERT INTO runs(serial, run_id, first_seen) VALUES (?1, ?2, ?3)",
	[ST_DROP_OLDEST] =
		"DELETE FROM events WHERE (serial, run_id, seq) IN (SELECT serial, run_id, seq"
		" FROM events WHERE serial = ?1 ORDER BY received, run_id, seq LIMIT ?2)",
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT batch",
	[ST_RELEASE] = "RELEASE batch",
	[ST_ROLLBACK_TO] = "ROLLBACK TO batch",
};

static const char schema_v1[] =
	"CREATE TABLE IF NOT EXISTS events("
	" serial TEXT NOT NULL, run_id TEXT NOT NULL, seq INTEGER NOT NULL,"
	" ts INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL,"
	" text TEXT NOT NULL, received INTEGER NOT NULL,"
	" PRIMARY KEY (serial, run_id, seq)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS events_by_time ON events(serial, ts);"
	"CREATE TABLE IF NOT EXISTS devices("
	" serial TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, model TEXT NOT NULL,"
	" os TEXT NOT NULL, build TEXT NOT NULL, arch TEXT NOT NULL,"
	" run_id TEXT NOT NULL, last_seq INTEGER NOT NULL, last_ts INTEGER NOT NULL,"
	" state TEXT NOT NULL, detail TEXT NOT NULL, state_since INTEGER NOT NULL,"
	" attempt INTEGER NOT NULL, temp_milli INTEGER, pressure TEXT NOT NULL,"
	" finding TEXT NOT NULL, events INTEGER NOT NULL, updated INTEGER NOT NULL)"
	" WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS devices_by_state ON devices(state, serial);";

/* Version 2: runs by first sight, device keys, the per-Mac cap, retention. */
static const char schema_v2[] =
	"ALTER TABLE devices ADD COLUMN run_seen INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE devices ADD COLUMN dropped INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE devices ADD COLUMN key_hash TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE runs(serial TEXT NOT NULL, run_id TEXT NOT NULL,"
	" first_seen INTEGER NOT NULL, PRIMARY KEY (serial, run_id)) WITHOUT ROWID;"
	"INSERT INTO runs SELECT serial, run_id, min(received) FROM events"
	" GROUP BY serial, run_id;"
	"UPDATE devices SET run_seen = coalesce((SELECT first_seen FROM runs"
	" WHERE runs.serial = devices.serial AND runs.run_id = devices.run_id), 0);"
	"DROP INDEX IF EXISTS events_by_time;"
	"CREATE INDEX events_by_received ON events(serial, received);"
	"CREATE INDEX events_received ON events(received);";

struct sq {
	struct store base;
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
};

static struct sq *SQ(struct store *s)
{
	return (struct sq *)s;
}

static enum eg_err exec(struct sq *s, const char *sql, struct eg_diag *diag)
{
	char *msg = NULL;
	enum eg_err rc = EG_OK;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK)
		rc = eg_diag_set(diag, EG_ERR_IO, "database: %s", msg ? msg : "sqlite error");
	sqlite3_free(msg);
	return rc;
}

static int user_version(struct sq *s)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Create or upgrade the schema in one transaction. */
static enum eg_err migrate(struct sq *s, struct eg_diag *diag)
{
	enum eg_err rc;
	char sql[64];
	int v;

	if ((rc = exec(s, "BEGIN IMMEDIATE", diag)))
		return rc;
	v = user_version(s);
	if (v == 0 && (rc = exec(s, schema_v1, diag)) == EG_OK)
		v = 1;
	if (rc == EG_OK && v == 1)
		rc = exec(s, schema_v2, diag);
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", SCHEMA_VERSION);
	if (rc == EG_OK)
		rc = exec(s, sql, diag);
	if (rc == EG_OK)
		rc = exec(s, "COMMIT", diag);
	else
		(void)exec(s, "ROLLBACK", NULL);
	return rc;
}

static enum eg_err setup_writer(struct sq *s, struct eg_diag *diag)
{
	enum eg_err rc;
	int i;

	/* WAL + FULL: each commit is fsync'd to the WAL before we answer */
	if ((rc = exec(s, "PRAGMA journal_mode=WAL", diag)) ||
	    (rc = exec(s, "PRAGMA synchronous=FULL", diag)) ||
	    (rc = migrate(s, diag)))
		return rc;
	for (i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v2(s->db, stmt_sql[i], -1, &s->st[i], NULL) != SQLITE_OK)
			return eg_diag_set(diag, EG_ERR_IO, "database: prepare: %s",
					   sqlite3_errmsg(s->db));
	return EG_OK;
}

static void sq_close(struct store *base)
{
	struct sq *s = SQ(base);
	int i;

	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s);
}

static enum eg_err sq_open(const char *path, enum store_mode mode, struct store **out,
			   struct eg_diag *diag)
{
	struct sq *s = eg_xcalloc(1, sizeof(*s));
	int flags = SQLITE_OPEN_NOMUTEX | (mode == STORE_READER ? SQLITE_OPEN_READONLY :
		mode == STORE_WRITER ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE :
		SQLITE_OPEN_READWRITE);
	enum eg_err rc = EG_OK;
	int v, fd;

	s->base.ops = &store_sqlite_ops;
	/*
	 * Create the file 0600 before SQLite does: its WAL and shared-memory
	 * files take the database's mode, and they hold device key hashes.
	 */
	if (mode == STORE_WRITER && (fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
					       0600)) >= 0)
		close(fd);
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		rc = eg_diag_set(diag, EG_ERR_IO, "cannot open database '%s': %s", path,
				 s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	v = user_version(s);
	if (v > SCHEMA_VERSION) {
		rc = eg_diag_set(diag, EG_ERR_INVALID,
				 "the database has schema version %d; this server knows up to %d",
				 v, SCHEMA_VERSION);
		goto fail;
	}
	if (mode == STORE_WRITER && (rc = setup_writer(s, diag)) != EG_OK)
		goto fail;
	*out = &s->base;
	return EG_OK;
fail:
	sq_close(&s->base);
	return rc;
}

static const char *sq_errmsg(struct store *s)
{
	return sqlite3_errmsg(SQ(s)->db);
}

static enum eg_err step(struct sq *s, enum stmt which)
{
	int r = sqlite3_step(s->st[which]);

	sqlite3_reset(s->st[which]);
	return r == SQLITE_DONE ? EG_OK : EG_ERR_IO;
}

static enum eg_err sq_exec(struct store *base, const char *what)
{
	struct sq *s = SQ(base);

	if (strcmp(what, "BEGIN") == 0)
		return step(s, ST_BEGIN);
	if (strcmp(what, "COMMIT") == 0)
		return step(s, ST_COMMIT);
	if (strcmp(what, "ROLLBACK") == 0)
		return step(s, ST_ROLLBACK);
	if (strcmp(what, "SAVEPOINT") == 0)
		return step(s, ST_SAVEPOINT);
	if (strcmp(what, "RELEASE") == 0)
		return step(s, ST_RELEASE);
	return step(s, ST_ROLLBACK_TO);
}

static void col_text(sqlite3_stmt *st, int col, char *out, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(out, n, "%s", t ? (const char *)t : "");
}

static void row_to_device(sqlite3_stmt *st, struct device *d)
{
	char state[16];
	int s;

	memset(d, 0, sizeof(*d));
	col_text(st, 0, d->serial, sizeof(d->serial));
	col_text(st, 1, d->name, sizeof(d->name));
	col_text(st, 2, d->model, sizeof(d->model));
	col_text(st, 3, d->os, sizeof(d->os));
	col_text(st, 4, d->build, sizeof(d->build));
	col_text(st, 5, d->arch, sizeof(d->arch));
	col_text(st, 6, d->run_id, sizeof(d->run_id));
	d->run_seen = sqlite3_column_int64(st, 7);
	d->last_seq = sqlite3_column_int64(st, 8);
	d->last_ts = sqlite3_column_int64(st, 9);
	col_text(st, 10, state, sizeof(state));
	s = eg_fleet_state_from_name(state);
	d->state = s < 0 ? EG_FS_RUNNING : (enum eg_fleet_state)s;
	col_text(st, 11, d->detail, sizeof(d->detail));
	d->state_since = sqlite3_column_int64(st, 12);
	d->attempt = sqlite3_column_int64(st, 13);
	d->has_temp = sqlite3_column_type(st, 14) != SQLITE_NULL;
	d->temp_milli = sqlite3_column_int64(st, 14);
	col_text(st, 15, d->pressure, sizeof(d->pressure));
	col_text(st, 16, d->finding, sizeof(d->finding));
	d->events = sqlite3_column_int64(st, 17);
	d->dropped = sqlite3_column_int64(st, 18);
	col_text(st, 19, d->key_hash, sizeof(d->key_hash));
}

static enum eg_err prepare(struct sq *s, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v2(s->db, sql, -1, st, NULL) == SQLITE_OK ? EG_OK : EG_ERR_IO;
}

static enum eg_err sq_get_device(struct store *base, const char *serial, struct device *d,
				 bool *found, bool for_update)
{
	struct sq *s = SQ(base);
	sqlite3_stmt *st = s->st[ST_GET_DEVICE];
	bool own = false;
	int r;

	(void)for_update;   /* the writer's BEGIN IMMEDIATE already excludes others */
	*found = false;
	if (!st) {
		if (prepare(s, stmt_sql[ST_GET_DEVICE], &st) != EG_OK)
			return EG_ERR_IO;
		own = true;
	}
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		row_to_device(st, d);
		*found = true;
	}
	if (own)
		sqlite3_finalize(st);
	else
		sqlite3_reset(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? EG_OK : EG_ERR_IO;
}

static enum eg_err sq_put_device(struct store *base, const struct device *d, int64_t now)
{
	sqlite3_stmt *st = SQ(base)->st[ST_PUT_DEVICE];
	int r;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, d->serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->model, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d->os, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, d->build, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, d->arch, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, d->run_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, d->run_seen);
	sqlite3_bind_int64(st, 9, d->last_seq);
	sqlite3_bind_int64(st, 10, d->last_ts);
	sqlite3_bind_text(st, 11, eg_fleet_state_name(d->state), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, d->detail, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, d->state_since);
	sqlite3_bind_int64(st, 14, d->attempt);
	if (d->has_temp)
		sqlite3_bind_int64(st, 15, d->temp_milli);
	else
		sqlite3_bind_null(st, 15);
	sqlite3_bind_text(st, 16, d->pressure, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 17, d->finding, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 18, d->events);
	sqlite3_bind_int64(st, 19, d->dropped);
	sqlite3_bind_text(st, 20, d->key_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 21, now);
	r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE ? EG_OK : EG_ERR_IO;
}

static enum eg_err sq_insert_event(struct store *base, const struct srv_event *e,
				   int64_t now, bool *added)
{
	struct sq *s = SQ(base);
	sqlite3_stmt *st = s->st[ST_INSERT_EVENT];
	int r;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, e->serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->run_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, e->seq);
	sqlite3_bind_int64(st, 4, e->ts_ms);
	sqlite3_bind_text(st, 5, e->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, e->data_json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, e->text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, now);
	r = sqlite3_step(st);
	*added = r == SQLITE_DONE && sqlite3_changes(s->db) > 0;
	sqlite3_reset(st);
	return r == SQLITE_DONE ? EG_OK : EG_ERR_IO;
}

static enum eg_err sq_run_seen(struct store *base, const char *serial, const char *run_id,
			       int64_t now, int64_t *first_seen)
{
	struct sq *s = SQ(base);
	sqlite3_stmt *st = s->st[ST_GET_RUN];
	int r;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, run_id, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*first_seen = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (r == SQLITE_ROW)
		return EG_OK;
	if (r != SQLITE_DONE)
		return EG_ERR_IO;
	st = s->st[ST_PUT_RUN];
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, run_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	*first_seen = now;
	return step(s, ST_PUT_RUN);
}

static enum eg_err sq_drop_oldest(struct store *base, const char *serial, int64_t n)
{
	struct sq *s = SQ(base);
	sqlite3_stmt *st = s->st[ST_DROP_OLDEST];

	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, n);
	return step(s, ST_DROP_OLDEST);
}

/* Bind f's state (?1) and search (?2) the way both list queries use them. */
static void bind_filter(sqlite3_stmt *st, const struct store_filter *f)
{
	if (f->state >= 0)
		sqlite3_bind_text(st, 1, eg_fleet_state_name((enum eg_fleet_state)f->state), -1,
				  SQLITE_STATIC);
	if (f->q && f->q[0])
		sqlite3_bind_text(st, 2, f->q, -1, SQLITE_STATIC);
}

#define FILTER_WHERE \
	" WHERE (?1 IS NULL OR state = ?1)" \
	" AND (?2 IS NULL OR instr(lower(serial), lower(?2)) > 0" \
	" OR instr(lower(name), lower(?2)) > 0)"

static enum eg_err sq_list_devices(struct store *base, const struct store_filter *f,
				   store_device_cb cb, void *ctx, int64_t *total)
{
	struct sq *s = SQ(base);
	sqlite3_stmt *st = NULL;
	struct device d;
	enum eg_err rc;
	int r;

	*total = 0;
	if ((rc = prepare(s, "SELECT count(*) FROM devices" FILTER_WHERE, &st)))
		return rc;
	bind_filter(st, f);
	if (sqlite3_step(st) == SQLITE_ROW)
		*total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if ((rc = prepare(s, "SELECT " STORE_DEVICE_COLUMNS " FROM devices" FILTER_WHERE
			  " ORDER BY serial LIMIT ?3 OFFSET ?4", &st)))
		return rc;
	bind_filter(st, f);
	sqlite3_bind_int64(st, 3, f->limit);
	sqlite3_bind_int64(st, 4, f->offset);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		row_to_device(st, &d);
		if (cb(&d, ctx))
			break;
	}
	sqlite3_finalize(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? EG_OK : EG_ERR_IO;
}

static enum eg_err sq_device_events(struct store *base, const char *serial, int64_t limit,
				    store_event_cb cb, void *ctx)
{
	struct sq *s = SQ(base);
	sqlite3_stmt *st = NULL;
	struct store_event_row row;
	enum eg_err rc;
	int r;

	if ((rc = prepare(s, "SELECT e.run_id, e.seq, e.ts, e.type, e.data, e.text, e.received"
			  " FROM events e LEFT JOIN runs r"
			  " ON r.serial = e.serial AND r.run_id = e.run_id WHERE e.serial = ?1"
			  " ORDER BY coalesce(r.first_seen, e.received) DESC, e.run_id DESC,"
			  " e.seq DESC LIMIT ?2", &st)))
		return rc;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, limit);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		row.run_id = (const char *)sqlite3_column_text(st, 0);
		row.seq = sqlite3_column_int64(st, 1);
		row.ts_ms = sqlite3_column_int64(st, 2);
		row.type = (const char *)sqlite3_column_text(st, 3);
		row.data_json = (const char *)sqlite3_column_text(st, 4);
		row.text = (const char *)sqlite3_column_text(st, 5);
		row.received_ms = sqlite3_column_int64(st, 6);
		if (cb(&row, ctx))
			break;
	}
	sqlite3_finalize(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? EG_OK : EG_ERR_IO;
}

static enum eg_err sq_counts(struct store *base, int64_t counts[EG_FS_COUNT], int64_t *events)
{
	struct sq *s = SQ(base);
	sqlite3_stmt *st = NULL;
	enum eg_err rc;
	int r, i;

	for (i = 0; i < EG_FS_COUNT; i++)
		counts[i] = 0;
	*events = 0;
	if ((rc = prepare(s, "SELECT state, count(*) FROM devices GROUP BY state", &st)))
		return rc;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		i = eg_fleet_state_from_name((const char *)sqlite3_column_text(st, 0));
		if (i >= 0)
			counts[i] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return EG_ERR_IO;
	/* the sum kept in devices: count(*) over events would scan them all */
	if ((rc = prepare(s, "SELECT coalesce(sum(events), 0) FROM devices", &st)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*events = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return EG_OK;
}

static enum eg_err sq_reset_key(struct store *base, const char *serial)
{
	struct sq *s = SQ(base);
	sqlite3_stmt *st = NULL;
	int r, changed;

	if (prepare(s, "UPDATE devices SET key_hash = '' WHERE serial = ?1", &st) != EG_OK)
		return EG_ERR_IO;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	changed = sqlite3_changes(s->db);
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return EG_ERR_IO;
	return changed ? EG_OK : EG_ERR_NOT_FOUND;
}

/*
 * One small transaction: the events go, and each Mac's count of events
 * follows, so the fleet view's totals stay true.
 */
static enum eg_err sq_prune(struct store *base, int64_t before_ms, int64_t max,
			    int64_t *deleted)
{
	struct sq *s = SQ(base);
	sqlite3_stmt *st = NULL;
	enum eg_err rc;
	int r;

	*deleted = 0;
	if ((rc = exec(s, "BEGIN IMMEDIATE", NULL)) != EG_OK)
		return rc;
	rc = exec(s, "CREATE TEMP TABLE IF NOT EXISTS pruned(serial TEXT, n INTEGER);"
		  "DELETE FROM pruned", NULL);
	if (rc == EG_OK && (rc = prepare(s,
		"INSERT INTO pruned SELECT serial, count(*) FROM (SELECT serial FROM events"
		" WHERE received < ?1 ORDER BY received LIMIT ?2) GROUP BY serial", &st)) == EG_OK) {
		sqlite3_bind_int64(st, 1, before_ms);
		sqlite3_bind_int64(st, 2, max);
		r = sqlite3_step(st);
		sqlite3_finalize(st);
		rc = r == SQLITE_DONE ? EG_OK : EG_ERR_IO;
	}
	if (rc == EG_OK && (rc = prepare(s,
		"DELETE FROM events WHERE (serial, run_id, seq) IN (SELECT serial, run_id, seq"
		" FROM events WHERE received < ?1 ORDER BY received LIMIT ?2)", &st)) == EG_OK) {
		sqlite3_bind_int64(st, 1, before_ms);
		sqlite3_bind_int64(st, 2, max);
		r = sqlite3_step(st);
		*deleted = sqlite3_changes(s->db);
		sqlite3_finalize(st);
		rc = r == SQLITE_DONE ? EG_OK : EG_ERR_IO;
	}
	if (rc == EG_OK)
		rc = exec(s, "UPDATE devices SET events = max(0, events - (SELECT n FROM pruned"
			  " WHERE pruned.serial = devices.serial))"
			  " WHERE serial IN (SELECT serial FROM pruned)", NULL);
	if (rc == EG_OK)
		rc = exec(s, "COMMIT", NULL);
	if (rc != EG_OK) {
		(void)exec(s, "ROLLBACK", NULL);
		*deleted = 0;
	}
	return rc;
}

static enum eg_err sq_notify(struct store *s, const char *serial)
{
	(void)s;
	(void)serial;   /* one process: the writer publishes to its own streams */
	return EG_OK;
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.errmsg = sq_errmsg,
	.exec = sq_exec,
	.get_device = sq_get_device,
	.put_device = sq_put_device,
	.insert_event = sq_insert_event,
	.run_seen = sq_run_seen,
	.drop_oldest = sq_drop_oldest,
	.list_devices = sq_list_devices,
	.device_events = sq_device_events,
	.counts = sq_counts,
	.reset_key = sq_reset_key,
	.prune = sq_prune,
	.notify = sq_notify,
};
