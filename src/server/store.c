#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

#include "store-backend.h"
#include "banned.h"

static bool is_pg(const char *db)
{
	return strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0;
}

bool store_is_shared(const char *db)
{
	return is_pg(db);
}

enum eg_err store_watch_start(struct store_watch **out, const char *db, store_watch_cb cb,
			      void *ctx, struct eg_diag *diag)
{
	*out = NULL;
	return is_pg(db) ? store_pg_watch_start(out, db, cb, ctx, diag) : EG_OK;
}

enum eg_err store_open(const char *db, enum store_mode mode, struct store **out,
		       struct eg_diag *diag)
{
	*out = NULL;
	if (is_pg(db))
		return store_pg_ops.open(db, mode, out, diag);
	return store_sqlite_ops.open(db, mode, out, diag);
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

const char *store_errmsg(struct store *s)
{
	return s ? s->ops->errmsg(s) : "no database connection";
}

enum eg_err store_begin(struct store *s) { return s->ops->exec(s, "BEGIN"); }
enum eg_err store_commit(struct store *s) { return s->ops->exec(s, "COMMIT"); }
void store_rollback(struct store *s) { (void)s->ops->exec(s, "ROLLBACK"); }
enum eg_err store_savepoint(struct store *s) { return s->ops->exec(s, "SAVEPOINT"); }
enum eg_err store_release(struct store *s) { return s->ops->exec(s, "RELEASE"); }

void store_rollback_savepoint(struct store *s)
{
	(void)s->ops->exec(s, "ROLLBACK TO");
	(void)s->ops->exec(s, "RELEASE");
}

/*
 * The device key model (enrollguard-server(8), DEVICE KEYS): a Mac
 * without a key may be written with the enroll token, and the first
 * batch that carries a key as well registers it; a Mac with a key
 * accepts nothing without that key, whatever token comes with it.
 */
static enum store_put_status authorize(const struct store_put_args *a, struct device *d,
				       bool found, bool *registered)
{
	*registered = false;
	if (found && d->key_hash[0])
		return a->key_hash && strcmp(a->key_hash, d->key_hash) == 0 ? PUT_OK
									     : PUT_WRONG_KEY;
	if (!a->enroll)
		return PUT_UNREGISTERED;
	if (!found && a->may_create && !a->may_create(a->ctx))
		return PUT_LIMITED;
	if (a->key_hash) {
		memcpy(d->key_hash, a->key_hash, sizeof(d->key_hash));
		d->key_hash[sizeof(d->key_hash) - 1] = '\0';
		*registered = true;
	}
	return PUT_OK;
}

/* Insert the new events and fold them in; runs are ordered by first sight. */
static enum eg_err put_events(struct store *s, const struct store_put_args *a,
			      struct store_put_result *res)
{
	const struct batch *b = a->b;
	const struct srv_event *prev = NULL;   /* the last event whose run was looked up */
	struct srv_event *e;
	enum eg_err rc = EG_OK;
	bool *added = eg_xcalloc(b->n, sizeof(*added));
	size_t i;

	if (s->ops->insert_events)
		rc = s->ops->insert_events(s, b, a->now_ms, added);
	for (i = 0; i < b->n && !s->ops->insert_events && rc == EG_OK; i++)
		rc = s->ops->insert_event(s, &b->ev[i], a->now_ms, &added[i]);
	for (i = 0; i < b->n && rc == EG_OK; i++) {
		e = &b->ev[i];
		if (!added[i]) {
			res->duplicates++;
			continue;
		}
		res->added++;
		/*
		 * A run never seen gets a time after the current run's, even
		 * within one millisecond, so two runs never tie. A batch is
		 * mostly one run: it is looked up once.
		 */
		if (prev && strcmp(prev->run_id, e->run_id) == 0)
			e->run_seen_ms = prev->run_seen_ms;
		else if ((rc = s->ops->run_seen(s, e->serial, e->run_id,
						a->now_ms > res->dev.run_seen ? a->now_ms
									      : res->dev.run_seen + 1,
						&e->run_seen_ms)) != EG_OK)
			break;
		prev = e;
		res->device_changed |= devstate_apply(&res->dev, e);
	}
	free(added);
	return rc;
}

enum eg_err store_put_batch(struct store *s, const struct store_put_args *a,
			    struct store_put_result *res)
{
	const struct batch *b = a->b;
	bool found = false;
	enum eg_err rc;

	memset(res, 0, sizeof(*res));
	if (b->n == 0)
		return EG_OK;
	if ((rc = s->ops->get_device(s, b->ev[0].serial, &res->dev, &found, true)) != EG_OK)
		return rc;
	if (!found)
		devstate_init(&res->dev, b->ev[0].serial);
	res->created = !found;
	res->status = authorize(a, &res->dev, found, &res->registered);
	if (res->status != PUT_OK)
		return EG_OK;
	if ((rc = put_events(s, a, res)) != EG_OK)
		return rc;
	if (res->dev.events > a->max_events && a->max_events > 0) {
		res->dropped = (size_t)(res->dev.events - a->max_events);
		if ((rc = s->ops->drop_oldest(s, res->dev.serial, (int64_t)res->dropped)))
			return rc;
		res->dev.events = a->max_events;
		res->dev.dropped += (int64_t)res->dropped;
	}
	if (res->added == 0 && !res->registered && found)
		return EG_OK;
	if ((rc = s->ops->put_device(s, &res->dev, a->now_ms)) != EG_OK)
		return rc;
	if (res->device_changed || res->registered)
		rc = s->ops->notify(s, res->dev.serial);
	return rc;
}

enum eg_err store_reset_key(struct store *s, const char *serial)
{
	return s->ops->reset_key(s, serial);
}

enum eg_err store_reset_key_in(const char *db, const char *serial)
{
	struct eg_diag d = EG_DIAG_INIT;
	struct store *s = NULL;
	enum eg_err rc;

	if ((rc = store_open(db, STORE_ADMIN, &s, &d)) != EG_OK)
		return EG_ERR_IO;
	rc = store_reset_key(s, serial);
	store_close(s);
	return rc;
}

enum eg_err store_prune(struct store *s, int64_t before_ms, int64_t max, int64_t *deleted)
{
	return s->ops->prune(s, before_ms, max, deleted);
}

enum eg_err store_list_devices(struct store *s, const struct store_filter *f,
			       store_device_cb cb, void *ctx, int64_t *total)
{
	return s->ops->list_devices(s, f, cb, ctx, total);
}

enum eg_err store_get_device(struct store *s, const char *serial, struct device *d)
{
	bool found = false;
	enum eg_err rc = s->ops->get_device(s, serial, d, &found, false);

	return rc != EG_OK ? rc : found ? EG_OK : EG_ERR_NOT_FOUND;
}

enum eg_err store_device_events(struct store *s, const char *serial, int64_t limit,
				store_event_cb cb, void *ctx)
{
	return s->ops->device_events(s, serial, limit, cb, ctx);
}

enum eg_err store_counts(struct store *s, int64_t counts[EG_FS_COUNT], int64_t *events)
{
	return s->ops->counts(s, counts, events);
}
