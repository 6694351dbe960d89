/*
 * ingest.h: the one writer thread, which commits batches in groups.
 *
 * A request thread never waits on the disk. It parses and checks its
 * batch, suspends its connection and hands the job over; the writer takes
 * every job queued, stores each in its own savepoint inside one
 * transaction, commits (one fsync for the whole group), hands the device
 * rows that changed to the dashboard streams (which send them later, on
 * their own thread), and calls each job's done(), which resumes its
 * connection to answer. Under load a commit carries many batches; when
 * idle it carries one, without waiting for company. Between groups it
 * prunes old events (--retain) in small transactions.
 *
 * Storage failures and recoveries are logged once each, with the
 * database's message.
 *
 * Calling sequence:
 *     ingest_start(&ing, &cfg);
 *     ingest_submit(&ing, job);  per batch (its done() runs on the writer thread)
 *     ingest_stop(&ing);         drains the queue, then joins the thread
 */
#ifndef EG_SERVER_INGEST_H
#define EG_SERVER_INGEST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "store.h"

struct sse_hub;
struct metrics;
struct ratelimit;
struct srv_clock;

struct ingest_job {
	struct batch batch;            /* owned by the job's request */
	char addr[64];                 /* the client's address */
	bool enroll;                   /* it carried a valid enroll token */
	bool has_key;
	char key_hash[65];             /* SHA-256 hex of its device key */
	void (*done)(struct ingest_job *job);   /* status is set; on the writer thread */
	void *done_ctx;
	atomic_int status;             /* 0 while queued; then 200, 401, 403, 429 or 503 */
	unsigned retry_after;          /* for a 429 */
	struct store_put_result res;   /* OUT: what was stored */
	struct ingest_job *next;
};

#define INGEST_QUEUE_MAX 4096      /* jobs waiting; past it, 503 at once */

struct ingest_config {
	struct store *store;           /* the writer connection; the thread owns it */
	struct sse_hub *hub;
	struct metrics *metrics;
	const struct srv_clock *clock;
	struct ratelimit *reg_all;     /* new Macs, whole server */
	struct ratelimit *reg_addr;    /* new Macs, per address */
	int64_t max_events;            /* per Mac */
	int64_t retain_ms;             /* 0: keep events */
	bool publish;                  /* tell hub of changed rows (else a store watch does) */
};

struct ingest {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct ingest_job *head, *tail;
	size_t queued;
	bool stopping;
	pthread_t thread;
	struct ingest_config cfg;
	atomic_bool storage_ok;        /* the last commit worked (for /healthz) */
	int64_t failing_since_ms;      /* when storage started failing; 0 when fine */
	int64_t next_prune_ms;
	bool prune_more;               /* the last prune was full: more is due now */
};

/* Start the writer thread (which owns cfg->store from now on). EG_OK or EG_ERR_IO. */
enum eg_err ingest_start(struct ingest *ing, const struct ingest_config *cfg);

/*
 * Queue job. Returns true, or false when the queue is full or stopping
 * (the caller answers 503 itself; done() is not called).
 */
bool ingest_submit(struct ingest *ing, struct ingest_job *job);

/* Finish every queued job, stop the thread. */
void ingest_stop(struct ingest *ing);

#endif
