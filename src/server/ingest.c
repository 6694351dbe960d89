#include "ingest.h"

#include <microhttpd.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "devstate.h"
#include "metrics.h"
#include "sse.h"
#include "store.h"
#include "banned.h"

#define GROUP_MAX 1024   /* batches in one transaction at most */

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void publish(struct ingest *ing, const struct device *d)
{
	struct eg_buf json = EG_BUF_INIT(16 * 1024);

	if (devstate_json(d, &json) == EG_OK)
		sse_publish(ing->hub, "device", json.buf);
	eg_buf_release(&json);
}

/* Store one job inside the open transaction; its status is set later. */
static void store_job(struct ingest *ing, struct ingest_job *job, int64_t now,
		      struct store_put_result *res)
{
	if (store_savepoint(ing->store) != EG_OK) {
		job->status = 503;
		return;
	}
	if (store_put_batch(ing->store, &job->batch, now, res) != EG_OK) {
		store_rollback_savepoint(ing->store);
		job->status = 503;
		return;
	}
	if (store_release(ing->store) != EG_OK) {
		store_rollback_savepoint(ing->store);
		job->status = 503;
		return;
	}
	job->added = res->added;
	job->duplicates = res->duplicates;
}

static void finish(struct ingest *ing, struct ingest_job *group, bool committed,
		   struct store_put_result *res)
{
	struct ingest_job *job, *next;
	size_t i = 0;

	for (job = group; job; job = next, i++) {
		next = job->next;
		if (committed && job->status == 0) {
			atomic_fetch_add(&ing->metrics->events_ingested, job->added);
			atomic_fetch_add(&ing->metrics->events_duplicate, job->duplicates);
			atomic_fetch_add(&ing->metrics->batches, 1);
			if (res[i].device_changed)
				publish(ing, &res[i].dev);
		}
		/* read by the request thread after the resume, never before */
		atomic_store(&job->status, committed && job->status == 0 ? 200 : 503);
		MHD_resume_connection(job->conn);
	}
}

static void write_group(struct ingest *ing, struct ingest_job *group,
			struct store_put_result *res)
{
	struct ingest_job *job;
	int64_t now = wall_ms();
	bool committed = false;
	size_t i = 0;

	if (store_begin(ing->store) == EG_OK) {
		for (job = group; job; job = job->next, i++)
			store_job(ing, job, now, &res[i]);
		committed = store_commit(ing->store) == EG_OK;
		if (!committed)
			store_rollback(ing->store);
	}
	atomic_store(&ing->storage_ok, committed);
	if (committed)
		atomic_fetch_add(&ing->metrics->commits, 1);
	finish(ing, group, committed, res);
}

static void *writer(void *arg)
{
	static struct store_put_result res[GROUP_MAX];
	struct ingest *ing = arg;
	struct ingest_job *group, *last;
	size_t n;

	for (;;) {
		pthread_mutex_lock(&ing->lock);
		while (!ing->head && !ing->stopping)
			pthread_cond_wait(&ing->wake, &ing->lock);
		if (!ing->head) {
			pthread_mutex_unlock(&ing->lock);
			return NULL;
		}
		/* take up to GROUP_MAX jobs off the head of the queue */
		group = last = ing->head;
		for (n = 1; n < GROUP_MAX && last->next; n++)
			last = last->next;
		ing->head = last->next;
		if (!ing->head)
			ing->tail = NULL;
		last->next = NULL;
		ing->queued -= n;
		pthread_mutex_unlock(&ing->lock);
		write_group(ing, group, res);
	}
}

enum eg_err ingest_start(struct ingest *ing, struct store *store, struct sse_hub *hub,
			 struct metrics *metrics)
{
	memset(ing, 0, sizeof(*ing));
	pthread_mutex_init(&ing->lock, NULL);
	pthread_cond_init(&ing->wake, NULL);
	ing->store = store;
	ing->hub = hub;
	ing->metrics = metrics;
	atomic_init(&ing->storage_ok, true);
	if (pthread_create(&ing->thread, NULL, writer, ing) != 0)
		return EG_ERR_IO;
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
