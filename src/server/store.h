/*
 * store.h: the server's database, SQLite (store-sqlite.c; WAL mode,
 * synchronous=FULL, so a committed transaction survives a kill -9 or a
 * power cut) or PostgreSQL (store-pg.c, for several server processes on
 * one fleet), chosen by the --db argument: "postgresql://..." or
 * "postgres://..." is PostgreSQL, anything else a SQLite file.
 *
 * The same tables in both: events, keyed by (serial, run_id, seq) so a
 * resent event is ignored; runs, when the server first saw each run of
 * each Mac; devices, one row per Mac with its folded state (devstate.h)
 * and the hash of its device key. In each process one writer connection
 * does all writing, from one thread; readers use their own connections.
 *
 * Calling sequence (writer):
 *     struct store *w;
 *     store_open(path, STORE_WRITER, &w, &diag);
 *     store_begin(w);
 *     store_put_batch(w, &batch, now_ms, &result);  once per batch
 *     store_commit(w);                               or store_rollback(w)
 *     store_close(w);
 */
#ifndef EG_SERVER_STORE_H
#define EG_SERVER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "devstate.h"
#include "err.h"

struct store;

enum store_mode {
	STORE_WRITER,   /* creates and upgrades the schema; the writer thread */
	STORE_READER,   /* read-only */
	STORE_ADMIN,    /* reads and the rare admin write (a key reset) */
};

/*
 * Open (the writer also creates and upgrades) the database at path.
 * Returns EG_OK with *out set (free with store_close()), or EG_ERR_IO with
 * diag naming the file and SQLite's message.
 */
enum eg_err store_open(const char *path, enum store_mode mode,
		       struct store **out, struct eg_diag *diag);
void store_close(struct store *s);

/* Transactions of the writer. Each returns EG_OK or EG_ERR_IO. */
enum eg_err store_begin(struct store *s);
enum eg_err store_commit(struct store *s);
void store_rollback(struct store *s);
/* A savepoint around one batch, so one bad batch does not undo the others. */
enum eg_err store_savepoint(struct store *s);
enum eg_err store_release(struct store *s);
void store_rollback_savepoint(struct store *s);

/* Who sent a batch, and what the store may do for it. */
struct store_put_args {
	const struct batch *b;
	int64_t now_ms;             /* the time received */
	bool enroll;                /* it carried a valid enroll token */
	const char *key_hash;       /* SHA-256 (hex) of the device key it carried, or NULL */
	int64_t max_events;         /* events kept per Mac */
	/* a new Mac is about to be created: may it? (the registration limits) */
	bool (*may_create)(void *ctx);
	void *ctx;
};

enum store_put_status {
	PUT_OK,
	PUT_UNREGISTERED,       /* a Mac without a key, and no enroll token: 401 */
	PUT_WRONG_KEY,          /* the Mac has a key and the batch did not carry it: 403 */
	PUT_LIMITED,            /* a new Mac past the registration limits: 429 */
};

struct store_put_result {
	enum store_put_status status;
	size_t added;           /* events new to the database */
	size_t duplicates;      /* events it already had */
	size_t dropped;         /* old events dropped past max_events */
	bool registered;        /* the batch registered the Mac's device key */
	bool created;           /* the Mac is new to the database */
	bool device_changed;    /* the device's row changed (dev is filled) */
	struct device dev;      /* OUT: the row after the batch */
};

/*
 * Check who may write for the Mac of a->b, store its events that are
 * new, fold them into its device row, and drop its oldest events past
 * a->max_events. res->status says whether it was allowed (nothing is
 * written unless PUT_OK). Returns EG_OK or EG_ERR_IO (the caller rolls
 * back to its savepoint).
 */
enum eg_err store_put_batch(struct store *s, const struct store_put_args *a,
			    struct store_put_result *res);

/*
 * Forget serial's device key (an admin's reset), so the next batch with
 * the enroll token registers a new one. EG_OK, EG_ERR_NOT_FOUND or
 * EG_ERR_IO.
 */
enum eg_err store_reset_key(struct store *s, const char *serial);

/*
 * The same on a connection of its own (opened STORE_ADMIN on db and
 * closed), for a request thread: a reset is rare and must not wait for
 * the writer's queue. Same returns.
 */
enum eg_err store_reset_key_in(const char *db, const char *serial);

/*
 * Delete at most max events received before before_ms (retention), in
 * its own transaction; *deleted (OUT) says how many. EG_OK or EG_ERR_IO.
 */
enum eg_err store_prune(struct store *s, int64_t before_ms, int64_t max,
			int64_t *deleted);

/* The database's last error message, for the log ("database is locked"). */
const char *store_errmsg(struct store *s);

/*
 * Watching for changes other processes made (PostgreSQL's LISTEN/NOTIFY,
 * on a thread of its own): cb(ctx, serial) for each Mac whose row
 * changed, in any process, and cb(ctx, NULL) when changes may have been
 * missed (the connection was lost and is back). For a SQLite file there
 * is one process and nothing to watch: *out is NULL and the writer tells
 * the streams itself. Returns EG_OK or EG_ERR_IO with diag.
 */
struct store_watch;
typedef void (*store_watch_cb)(void *ctx, const char *serial);
enum eg_err store_watch_start(struct store_watch **out, const char *db, store_watch_cb cb,
			      void *ctx, struct eg_diag *diag);
/* Stop the thread and close its connection; w may be NULL. */
void store_watch_stop(struct store_watch *w);

/* Whether db names a PostgreSQL database (its changes come through a watch). */
bool store_is_shared(const char *db);

struct store_filter {
	int state;              /* enum eg_fleet_state, or -1 for any */
	const char *q;          /* substring of serial or name, or NULL */
	int64_t limit;          /* rows per page, 1 .. 1000 */
	int64_t offset;
};

typedef int (*store_device_cb)(const struct device *d, void *ctx);

/*
 * Call cb for each device matching f, ordered by serial, and set *total
 * (OUT) to how many match overall. cb returning non-zero stops the walk.
 * Returns EG_OK or EG_ERR_IO.
 */
enum eg_err store_list_devices(struct store *s, const struct store_filter *f,
			       store_device_cb cb, void *ctx, int64_t *total);

/* The device row of serial: EG_OK, EG_ERR_NOT_FOUND or EG_ERR_IO. */
enum eg_err store_get_device(struct store *s, const char *serial, struct device *d);

struct store_event_row {
	const char *run_id;
	int64_t seq;
	int64_t ts_ms;
	const char *type;
	const char *data_json;
	const char *text;
	int64_t received_ms;
};

typedef int (*store_event_cb)(const struct store_event_row *e, void *ctx);

/*
 * The newest limit events of serial, newest first: runs by when the
 * server first saw them, events by seq within a run. EG_OK or EG_ERR_IO.
 */
enum eg_err store_device_events(struct store *s, const char *serial, int64_t limit,
				store_event_cb cb, void *ctx);

/* Devices per state (OUT: counts[EG_FS_COUNT]) and events stored (OUT). */
enum eg_err store_counts(struct store *s, int64_t counts[EG_FS_COUNT], int64_t *events);

#endif
