/*
 * ingest.h: the one writer thread, which commits batches in groups.
 *
 * A request thread never waits on the disk. It parses and checks its
 * batch, suspends its connection and hands the job over; the writer takes
 * every job queued, stores each in its own savepoint inside one
 * transaction, commits (one fsync for the whole group), publishes the
 * device rows that changed, and resumes the connections, which then
 * answer 200, or 503 when storage failed. Under load a commit carries many
 * batches; when idle it carries one, without waiting for company.
 *
 * Calling sequence:
 *     ingest_start(&ing, store, hub, metrics);
 *     MHD_suspend_connection(conn); ingest_submit(&ing, job);  per batch
 *     ...when resumed: job->status is the HTTP status
 *     ingest_stop(&ing);         drains the queue, then joins the thread
 */
#ifndef EG_SERVER_INGEST_H
#define EG_SERVER_INGEST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "batch.h"

struct MHD_Connection;
struct store;
struct sse_hub;
struct metrics;

struct ingest_job {
	struct batch batch;            /* owned by the job's request */
	struct MHD_Connection *conn;   /* resumed when done */
	atomic_int status;             /* 0 while queued; then 200 or 503 */
	size_t added, duplicates;
	struct ingest_job *next;
};

#define INGEST_QUEUE_MAX 4096      /* jobs waiting; past it, 503 at once */

struct ingest {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct ingest_job *head, *tail;
	size_t queued;
	bool stopping;
	pthread_t thread;
	struct store *store;
	struct sse_hub *hub;
	struct metrics *metrics;
	atomic_bool storage_ok;        /* the last commit worked (for /healthz) */
};

/* Start the writer thread (which owns store from now on). EG_OK or EG_ERR_IO. */
enum eg_err ingest_start(struct ingest *ing, struct store *store, struct sse_hub *hub,
			 struct metrics *metrics);

/*
 * Queue job (its connection already suspended). Returns true, or false
 * when the queue is full or stopping (the caller resumes and answers 503).
 */
bool ingest_submit(struct ingest *ing, struct ingest_job *job);

/* Finish every queued job, stop the thread. */
void ingest_stop(struct ingest *ing);

#endif
