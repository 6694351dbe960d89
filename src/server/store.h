/*
 * store.h: the server's SQLite database (WAL mode, synchronous=FULL, so a
 * committed transaction survives a kill -9 or a power cut).
 *
 * Two tables: events, keyed by (serial, run_id, seq) so a resent event is
 * ignored, and devices, one row per Mac with its folded state
 * (devstate.h). One writer connection does all writing, from one thread;
 * readers open their own read-only connections.
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

enum store_mode { STORE_WRITER, STORE_READER };

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

struct store_put_result {
	size_t added;           /* events new to the database */
	size_t duplicates;      /* events it already had */
	bool device_changed;    /* the device's row changed (dev is filled) */
	struct device dev;      /* OUT: the row after the batch */
};

/*
 * Store the events of b (one Mac) that are new, and fold them into the
 * Mac's device row. now_ms is the time received. Returns EG_OK or
 * EG_ERR_IO (the caller rolls back to its savepoint).
 */
enum eg_err store_put_batch(struct store *s, const struct batch *b, int64_t now_ms,
			    struct store_put_result *res);

struct store_filter {
	int state;              /* enum devstate, or -1 for any */
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
};

typedef int (*store_event_cb)(const struct store_event_row *e, void *ctx);

/* The newest limit events of serial, newest first. EG_OK or EG_ERR_IO. */
enum eg_err store_device_events(struct store *s, const char *serial, int64_t limit,
				store_event_cb cb, void *ctx);

/* Devices per state (OUT: counts[DS_COUNT]) and events stored (OUT). */
enum eg_err store_counts(struct store *s, int64_t counts[DS_COUNT], int64_t *events);

#endif
