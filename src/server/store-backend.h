/*
 * store-backend.h: what a database backend gives store.c (internal to
 * the store; nothing else includes it). store.c holds the logic that is
 * the same for every database (who may write for a Mac, runs, the
 * per-Mac cap); a backend only runs SQL.
 *
 * To add a backend: 1. a file store-NAME.c defining a const struct
 * store_ops, 2. its prefix in store.c's store_open(), 3. the API suite
 * run against it (tests/e2e/t7001 with EG_TEST_DB).
 */
#ifndef EG_SERVER_STORE_BACKEND_H
#define EG_SERVER_STORE_BACKEND_H

#include "store.h"

struct store_ops {
	const char *name;
	enum eg_err (*open)(const char *db, enum store_mode mode, struct store **out,
			    struct eg_diag *diag);
	void (*close)(struct store *s);
	const char *(*errmsg)(struct store *s);
	enum eg_err (*exec)(struct store *s, const char *what);   /* BEGIN, COMMIT... */
	/* *found OUT; the row is locked until the transaction ends where that matters */
	enum eg_err (*get_device)(struct store *s, const char *serial, struct device *d,
				  bool *found, bool for_update);
	enum eg_err (*put_device)(struct store *s, const struct device *d, int64_t now);
	enum eg_err (*insert_event)(struct store *s, const struct srv_event *e, int64_t now,
				    bool *added);
	/* all of a batch in one statement (OUT added[i]); NULL: insert_event each */
	enum eg_err (*insert_events)(struct store *s, const struct batch *b, int64_t now,
				     bool *added);
	/* when the server first saw (serial, run_id); records now when never */
	enum eg_err (*run_seen)(struct store *s, const char *serial, const char *run_id,
				int64_t now, int64_t *first_seen);
	enum eg_err (*drop_oldest)(struct store *s, const char *serial, int64_t n);
	enum eg_err (*list_devices)(struct store *s, const struct store_filter *f,
				    store_device_cb cb, void *ctx, int64_t *total);
	enum eg_err (*device_events)(struct store *s, const char *serial, int64_t limit,
				     store_event_cb cb, void *ctx);
	enum eg_err (*counts)(struct store *s, int64_t counts[EG_FS_COUNT], int64_t *events);
	enum eg_err (*reset_key)(struct store *s, const char *serial);
	enum eg_err (*prune)(struct store *s, int64_t before_ms, int64_t max, int64_t *deleted);
	/* after a commit that changed devices: tell the other processes (or nothing) */
	enum eg_err (*notify)(struct store *s, const char *serial);
};

/* Every backend's struct store begins with this. */
struct store {
	const struct store_ops *ops;
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

enum eg_err store_pg_watch_start(struct store_watch **out, const char *db, store_watch_cb cb,
				 void *ctx, struct eg_diag *diag);

/* The columns of a device row, in the order every backend selects them. */
#define STORE_DEVICE_COLUMNS \
	"serial, name, model, os, build, arch, run_id, run_seen, last_seq, last_ts," \
	" state, detail, state_since, attempt, temp_milli, pressure, finding, events," \
	" dropped, key_hash"

#endif
