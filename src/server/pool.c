#include "pool.h"

#include <string.h>

#include "store.h"
#include "banned.h"

void store_pool_init(struct store_pool *p, const char *db)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	p->db = db;
}

void store_pool_release(struct store_pool *p)
{
	while (p->nidle)
		store_close(p->idle[--p->nidle]);
	pthread_mutex_destroy(&p->lock);
}

struct store *store_pool_get(struct store_pool *p, struct eg_diag *diag)
{
	struct store *s = NULL;

	pthread_mutex_lock(&p->lock);
	if (p->nidle)
		s = p->idle[--p->nidle];
	pthread_mutex_unlock(&p->lock);
	if (!s && store_open(p->db, STORE_READER, &s, diag) != EG_OK)
		s = NULL;
	return s;
}

void store_pool_put(struct store_pool *p, struct store *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&p->lock);
	if (p->nidle < POOL_MAX) {
		p->idle[p->nidle++] = s;
		s = NULL;
	}
	pthread_mutex_unlock(&p->lock);
	store_close(s);
}

void store_pool_discard(struct store_pool *p, struct store *s)
{
	(void)p;
	store_close(s);
}
