#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "banned.h"

#define SCHEMA_VERSION 1

/* The writer's statements, prepared once. */
enum stmt {
	ST_INSERT_EVENT,
	ST_GET_DEVICE,
	ST_PUT_DEVICE,
	ST_BEGIN,
	ST_COMMIT,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_INSERT_EVENT] =
		"INSERT OR IGNORE INTO events(serial, run_id, seq, ts, type, data, text, received)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_GET_DEVICE] =
		"SELECT serial, name, model, os, build, arch, run_id, last_seq, last_ts, state,"
		" detail, state_since, attempt, temp_milli, pressure, finding, events"
		" FROM devices WHERE serial = ?1",
	[ST_PUT_DEVICE] =
		"INSERT OR REPLACE INTO devices(serial, name, model, os, build, arch, run_id,"
		" last_seq, last_ts, state, detail, state_since, attempt, temp_milli, pressure,"
		" finding, events, updated)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
	/* prepared once too: the writer runs them for every batch */
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_SAVEPOINT] = "SAVEPOINT batch",
	[ST_RELEASE] = "RELEASE batch",
	[ST_ROLLBACK_TO] = "ROLLBACK TO batch",
};

static const char schema[] =
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

struct store {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
};

static enum eg_err sql_fail(struct store *s, struct eg_diag *diag, const char *what)
{
	return eg_diag_set(diag, EG_ERR_IO, "%s: %s", what, sqlite3_errmsg(s->db));
}

static enum eg_err exec(struct store *s, const char *sql, struct eg_diag *diag)
{
	char *msg = NULL;
	enum eg_err rc = EG_OK;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK)
		rc = eg_diag_set(diag, EG_ERR_IO, "%s", msg ? msg : "sqlite error");
	sqlite3_free(msg);
	return rc;
}

static enum eg_err setup_writer(struct store *s, struct eg_diag *diag)
{
	char sql[64];
	enum eg_err rc;
	int i;

	/* WAL + FULL: each commit is fsync'd to the WAL before we answer */
	if ((rc = exec(s, "PRAGMA journal_mode=WAL", diag)) ||
	    (rc = exec(s, "PRAGMA synchronous=FULL", diag)) ||
	    (rc = exec(s, schema, diag)))
		return rc;
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", SCHEMA_VERSION);
	if ((rc = exec(s, sql, diag)))
		return rc;
	for (i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v2(s->db, stmt_sql[i], -1, &s->st[i], NULL) != SQLITE_OK)
			return sql_fail(s, diag, "prepare");
	return EG_OK;
}

static enum eg_err check_version(struct store *s, struct eg_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v > SCHEMA_VERSION)
		return eg_diag_set(diag, EG_ERR_INVALID,
				   "the database has schema version %d; this server knows up to %d",
				   v, SCHEMA_VERSION);
	return EG_OK;
}

enum eg_err store_open(const char *path, enum store_mode mode,
		       struct store **out, struct eg_diag *diag)
{
	struct store *s = eg_xcalloc(1, sizeof(*s));
	int flags = SQLITE_OPEN_NOMUTEX | (mode == STORE_WRITER ?
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY);
	enum eg_err rc;

	*out = NULL;
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		rc = eg_diag_set(diag, EG_ERR_IO, "cannot open database '%s': %s", path,
				 s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	rc = check_version(s, diag);
	if (rc == EG_OK && mode == STORE_WRITER)
		rc = setup_writer(s, diag);
	if (rc != EG_OK)
		goto fail;
	*out = s;
	return EG_OK;
fail:
	store_close(s);
	return rc;
}

void store_close(struct store *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s);
}

static enum eg_err step(struct store *s, enum stmt which)
{
	int r = sqlite3_step(s->st[which]);

	sqlite3_reset(s->st[which]);
	return r == SQLITE_DONE ? EG_OK : EG_ERR_IO;
}

enum eg_err store_begin(struct store *s)
{
	return step(s, ST_BEGIN);
}

enum eg_err store_commit(struct store *s)
{
	return step(s, ST_COMMIT);
}

void store_rollback(struct store *s)
{
	(void)exec(s, "ROLLBACK", NULL);
}

enum eg_err store_savepoint(struct store *s)
{
	return step(s, ST_SAVEPOINT);
}

enum eg_err store_release(struct store *s)
{
	return step(s, ST_RELEASE);
}

void store_rollback_savepoint(struct store *s)
{
	(void)step(s, ST_ROLLBACK_TO);
	(void)step(s, ST_RELEASE);
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
	d->last_seq = sqlite3_column_int64(st, 7);
	d->last_ts = sqlite3_column_int64(st, 8);
	col_text(st, 9, state, sizeof(state));
	s = devstate_from_name(state);
	d->state = s < 0 ? DS_RUNNING : (enum devstate)s;
	col_text(st, 10, d->detail, sizeof(d->detail));
	d->state_since = sqlite3_column_int64(st, 11);
	d->attempt = sqlite3_column_int64(st, 12);
	d->has_temp = sqlite3_column_type(st, 13) != SQLITE_NULL;
	d->temp_milli = sqlite3_column_int64(st, 13);
	col_text(st, 14, d->pressure, sizeof(d->pressure));
	col_text(st, 15, d->finding, sizeof(d->finding));
	d->events = sqlite3_column_int64(st, 16);
}

static enum eg_err get_device(struct store *s, const char *serial, struct device *d)
{
	sqlite3_stmt *st = s->st[ST_GET_DEVICE];
	enum eg_err rc = EG_OK;
	int r;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		row_to_device(st, d);
	else if (r == SQLITE_DONE)
		devstate_init(d, serial);
	else
		rc = EG_ERR_IO;
	sqlite3_reset(st);
	return rc;
}

static enum eg_err put_device(struct store *s, const struct device *d, int64_t now)
{
	sqlite3_stmt *st = s->st[ST_PUT_DEVICE];
	int r;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, d->serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->model, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d->os, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, d->build, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, d->arch, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, d->run_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, d->last_seq);
	sqlite3_bind_int64(st, 9, d->last_ts);
	sqlite3_bind_text(st, 10, devstate_name(d->state), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, d->detail, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 12, d->state_since);
	sqlite3_bind_int64(st, 13, d->attempt);
	if (d->has_temp)
		sqlite3_bind_int64(st, 14, d->temp_milli);
	else
		sqlite3_bind_null(st, 14);
	sqlite3_bind_text(st, 15, d->pressure, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 16, d->finding, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 17, d->events);
	sqlite3_bind_int64(st, 18, now);
	r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE ? EG_OK : EG_ERR_IO;
}

static enum eg_err insert_event(struct store *s, const struct srv_event *e,
				int64_t now, bool *added)
{
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

enum eg_err store_put_batch(struct store *s, const struct batch *b, int64_t now_ms,
			    struct store_put_result *res)
{
	enum eg_err rc;
	bool added;
	size_t i;

	memset(res, 0, sizeof(*res));
	if (b->n == 0)
		return EG_OK;
	if ((rc = get_device(s, b->ev[0].serial, &res->dev)) != EG_OK)
		return rc;
	for (i = 0; i < b->n; i++) {
		if ((rc = insert_event(s, &b->ev[i], now_ms, &added)) != EG_OK)
			return rc;
		if (!added) {
			res->duplicates++;
			continue;
		}
		res->added++;
		res->device_changed |= devstate_apply(&res->dev, &b->ev[i]);
	}
	if (res->added == 0)
		return EG_OK;
	return put_device(s, &res->dev, now_ms);
}

static enum eg_err prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v2(s->db, sql, -1, st, NULL) == SQLITE_OK ? EG_OK : EG_ERR_IO;
}

/* Bind f's state (?1) and search (?2) the way both list queries use them. */
static void bind_filter(sqlite3_stmt *st, const struct store_filter *f)
{
	if (f->state >= 0)
		sqlite3_bind_text(st, 1, devstate_name((enum devstate)f->state), -1,
				  SQLITE_STATIC);
	if (f->q && f->q[0])
		sqlite3_bind_text(st, 2, f->q, -1, SQLITE_STATIC);
}

#define FILTER_WHERE \
	" WHERE (?1 IS NULL OR state = ?1)" \
	" AND (?2 IS NULL OR instr(lower(serial), lower(?2)) > 0" \
	" OR instr(lower(name), lower(?2)) > 0)"

enum eg_err store_list_devices(struct store *s, const struct store_filter *f,
			       store_device_cb cb, void *ctx, int64_t *total)
{
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
	if ((rc = prepare(s, "SELECT serial, name, model, os, build, arch, run_id, last_seq,"
			  " last_ts, state, detail, state_since, attempt, temp_milli, pressure,"
			  " finding, events FROM devices" FILTER_WHERE
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

enum eg_err store_get_device(struct store *s, const char *serial, struct device *d)
{
	sqlite3_stmt *st = NULL;
	enum eg_err rc;
	int r;

	if ((rc = prepare(s, stmt_sql[ST_GET_DEVICE], &st)))
		return rc;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		row_to_device(st, d);
	sqlite3_finalize(st);
	return r == SQLITE_ROW ? EG_OK : r == SQLITE_DONE ? EG_ERR_NOT_FOUND : EG_ERR_IO;
}

enum eg_err store_device_events(struct store *s, const char *serial, int64_t limit,
				store_event_cb cb, void *ctx)
{
	sqlite3_stmt *st = NULL;
	struct store_event_row row;
	enum eg_err rc;
	int r;

	if ((rc = prepare(s, "SELECT run_id, seq, ts, type, data, text FROM events"
			  " WHERE serial = ?1 ORDER BY ts DESC, seq DESC LIMIT ?2", &st)))
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
		if (cb(&row, ctx))
			break;
	}
	sqlite3_finalize(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? EG_OK : EG_ERR_IO;
}

enum eg_err store_counts(struct store *s, int64_t counts[DS_COUNT], int64_t *events)
{
	sqlite3_stmt *st = NULL;
	enum eg_err rc;
	int r, i;

	for (i = 0; i < DS_COUNT; i++)
		counts[i] = 0;
	*events = 0;
	if ((rc = prepare(s, "SELECT state, count(*) FROM devices GROUP BY state", &st)))
		return rc;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		i = devstate_from_name((const char *)sqlite3_column_text(st, 0));
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
