/*
 * pool.h: idle read connections to the store, shared by the request
 * threads, so a request does not open the database each time.
 *
 * Calling sequence:
 *     struct store_pool p; store_pool_init(&p, db);
 *     s = store_pool_get(&p, &diag);  ...read...  store_pool_put(&p, s);
 *     store_pool_release(&p);         closes what is idle
 */
#ifndef EG_SERVER_POOL_H
#define EG_SERVER_POOL_H

#include <pthread.h>

#include "err.h"

#define POOL_MAX 16

struct store;

struct store_pool {
	pthread_mutex_t lock;
	const char *db;                 /* borrowed: path or postgresql:// URL */
	struct store *idle[POOL_MAX];
	unsigned nidle;
};

void store_pool_init(struct store_pool *p, const char *db);
void store_pool_release(struct store_pool *p);

/* An idle connection, or a new one. NULL (with diag) when the store fails. */
struct store *store_pool_get(struct store_pool *p, struct eg_diag *diag);

/* Give s back (or close it when the pool is full). s may be NULL. */
void store_pool_put(struct store_pool *p, struct store *s);

/* Close s instead of keeping it: it failed and may be broken. */
void store_pool_discard(struct store_pool *p, struct store *s);

#endif
