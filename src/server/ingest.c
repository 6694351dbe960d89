#include "ingest.h"

#include <string.h>
#include <time.h>

#include "buf.h"
#include "clock.h"
#include "devstate.h"
#include "log.h"
#include "metrics.h"
#include "ratelimit.h"
#include "sse.h"
#include "banned.h"

#define GROUP_MAX 1024         /* batches in one transaction at most */
#define PRUNE_ROWS 500         /* events per retention transaction */
#define PRUNE_EVERY_MS 1000    /* when there was nothing left to prune */

struct create_ctx {
	struct ingest *ing;
	struct ingest_job *job;
	int64_t now;
};

/* The registration limits: a new Mac takes a token from both buckets. */
static bool may_create(void *arg)
{
	struct create_ctx *c = arg;
	const struct ingest_config *cfg = &c->ing->cfg;
	unsigned wait_all = 0, wait_addr = 0;

	if (!ratelimit_take(cfg->reg_addr, c->job->addr, c->now, &wait_addr) ||
	    !ratelimit_take(cfg->reg_all, "", c->now, &wait_all)) {
		c->job->retry_after = wait_all > wait_addr ? wait_all : wait_addr;
		return false;
	}
	return true;
}

static int put_status(enum store_put_status s)
{
	switch (s) {
	case PUT_OK: return 200;
	case PUT_UNREGISTERED: return 401;
	case PUT_WRONG_KEY: return 403;
	case PUT_LIMITED: return 429;
	}
	return 503;
}

/* Store one job inside the open transaction; its status is set later. */
static void store_job(struct ingest *ing, struct ingest_job *job, int64_t now)
{
	struct create_ctx cc = { ing, job, now };
	struct store_put_args a = {
		.b = &job->batch, .now_ms = now, .enroll = job->enroll,
		.key_hash = job->has_key ? job->key_hash : NULL,
		.max_events = ing->cfg.max_events, .may_create = may_create, .ctx = &cc,
	};
	struct store *st = ing->cfg.store;

	if (store_savepoint(st) != EG_OK) {
		job->status = 503;
		return;
	}
	if (store_put_batch(st, &a, &job->res) != EG_OK) {
		store_rollback_savepoint(st);
		job->status = 503;
		return;
	}
	if (store_release(st) != EG_OK) {
		store_rollback_savepoint(st);
		job->status = 503;
		return;
	}
	if (job->res.status != PUT_OK)
		job->status = put_status(job->res.status);
}

static void count(struct ingest *ing, const struct ingest_job *job)
{
	struct metrics *m = ing->cfg.metrics;

	atomic_fetch_add(&m->events_ingested, job->res.added);
	atomic_fetch_add(&m->events_duplicate, job->res.duplicates);
	atomic_fetch_add(&m->events_dropped, job->res.dropped);
	atomic_fetch_add(&m->events_unknown, job->batch.unknown);
	atomic_fetch_add(&m->batches, 1);
	if (job->res.created)
		atomic_fetch_add(&m->devices_created, 1);
	if (job->res.registered)
		atomic_fetch_add(&m->keys_registered, 1);
}

static void finish(struct ingest *ing, struct ingest_job *group, bool committed)
{
	struct ingest_job *job, *next;

	for (job = group; job; job = next) {
		next = job->next;
		if (committed && job->status == 0) {
			count(ing, job);
			if (ing->cfg.publish && (job->res.device_changed || job->res.registered))
				sse_device_changed(ing->cfg.hub, &job->res.dev);
		}
		/* read by the request thread after done(), never before */
		atomic_store(&job->status, !committed ? 503 : job->status ? job->status : 200);
		job->done(job);
	}
}

/* Say once when storage starts failing, and once when it works again. */
static void note_storage(struct ingest *ing, bool ok, int64_t now)
{
	if (!ok && !ing->failing_since_ms) {
		ing->failing_since_ms = now;
		srv_log("storage failing: %s; batches are answered 503 until it recovers",
			store_errmsg(ing->cfg.store));
	} else if (ok && ing->failing_since_ms) {
		srv_log("storage recovered after %lld ms",
			(long long)(now - ing->failing_since_ms));
		ing->failing_since_ms = 0;
	}
	atomic_store(&ing->storage_ok, ok);
}

static void write_group(struct ingest *ing, struct ingest_job *group)
{
	struct store *st = ing->cfg.store;
	struct ingest_job *job;
	int64_t now = clock_wall_ms(ing->cfg.clock);
	bool committed = false;

	if (store_begin(st) == EG_OK) {
		for (job = group; job; job = job->next)
			store_job(ing, job, now);
		committed = store_commit(st) == EG_OK;
		if (!committed)
			store_rollback(st);
	}
	note_storage(ing, committed, now);
	if (committed)
		atomic_fetch_add(&ing->cfg.metrics->commits, 1);
	finish(ing, group, committed);
}

/* Retention: one small transaction at a time, between groups. */
static void prune(struct ingest *ing)
{
	int64_t now = clock_wall_ms(ing->cfg.clock), deleted = 0;

	if (!ing->cfg.retain_ms || now < ing->next_prune_ms)
		return;
	if (store_prune(ing->cfg.store, now - ing->cfg.retain_ms, PRUNE_ROWS, &deleted) != EG_OK) {
		ing->prune_more = false;
		note_storage(ing, false, now);
		ing->next_prune_ms = now + PRUNE_EVERY_MS;
		return;
	}
	atomic_fetch_add(&ing->cfg.metrics->events_pruned, (uint64_t)deleted);
	/* more to do: go on after the next group, without waiting for one
	 * (a backlog drains as fast as the store deletes); else rest a while */
	ing->prune_more = deleted == PRUNE_ROWS;
	ing->next_prune_ms = ing->prune_more ? now : now + PRUNE_EVERY_MS;
}

static struct ingest_job *take_group(struct ingest *ing)
{
	struct ingest_job *group, *last;
	size_t n;

	group = last = ing->head;
	for (n = 1; n < GROUP_MAX && last->next; n++)
		last = last->next;
	ing->head = last->next;
	if (!ing->head)
		ing->tail = NULL;
	last->next = NULL;
	ing->queued -= n;
	return group;
}

static void wait_for_work(struct ingest *ing)
{
	struct timespec ts;

	if (!ing->cfg.retain_ms) {
		pthread_cond_wait(&ing->wake, &ing->lock);
		return;
	}
	if (ing->prune_more)
		return;   /* a retention backlog: prune again now */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 1;
	(void)pthread_cond_timedwait(&ing->wake, &ing->lock, &ts);
}

static void *writer(void *arg)
{
	struct ingest *ing = arg;
	struct ingest_job *group;

	for (;;) {
		pthread_mutex_lock(&ing->lock);
		if (!ing->head && !ing->stopping)
			wait_for_work(ing);
		if (!ing->head && ing->stopping) {
			pthread_mutex_unlock(&ing->lock);
			return NULL;
		}
		group = ing->head ? take_group(ing) : NULL;
		pthread_mutex_unlock(&ing->lock);
		if (group)
			write_group(ing, group);
		prune(ing);
	}
}

enum eg_err ingest_start(struct ingest *ing, const struct ingest_config *cfg)
{
	memset(ing, 0, sizeof(*ing));
	pthread_mutex_init(&ing->lock, NULL);
	pthread_cond_init(&ing->wake, NULL);
	ing->cfg = *cfg;
	atomic_init(&ing->storage_ok, true);
	if (pthread_create(&ing->thread, NULL, writer, ing) != 0) {
		pthread_cond_destroy(&ing->wake);
		pthread_mutex_destroy(&ing->lock);
		return EG_ERR_IO;
	}
	return EG_OK;
}

bool ingest_submit(struct ingest *ing, struct ingest_job *job)
{
	bool ok;

	atomic_store(&job->status, 0);
	job->next = NULL;
	pthread_mutex_lock(&ing->lock);
	ok = !ing->stopping && ing->queued < INGEST_QUEUE_MAX;
	if (ok) {
		if (ing->tail)
			ing->tail->next = job;
		else
			ing->head = job;
		ing->tail = job;
		ing->queued++;
		pthread_cond_signal(&ing->wake);
	}
	pthread_mutex_unlock(&ing->lock);
	return ok;
}

void ingest_stop(struct ingest *ing)
{
	pthread_mutex_lock(&ing->lock);
	ing->stopping = true;
	pthread_cond_signal(&ing->wake);
	pthread_mutex_unlock(&ing->lock);
	pthread_join(ing->thread, NULL);
	pthread_cond_destroy(&ing->wake);
	pthread_mutex_destroy(&ing->lock);
}
