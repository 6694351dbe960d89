#include "guard.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "alloc.h"
#include "banned.h"

struct guard_conn {
	struct MHD_Connection *conn;
	int64_t deadline_ms;
	bool waiting;                /* for a request's headers or body */
	struct guard_conn *prev, *next;
};

void guard_init(struct guard *g, uint64_t header_ms, uint64_t body_ms)
{
	pthread_mutex_init(&g->lock, NULL);
	g->head = NULL;
	g->header_ms = header_ms;
	g->body_ms = body_ms;
	g->cut = 0;
}

void guard_release(struct guard *g)
{
	struct guard_conn *c, *next;

	for (c = g->head; c; c = next) {
		next = c->next;
		free(c);
	}
	g->head = NULL;
	pthread_mutex_destroy(&g->lock);
}

void guard_open(struct guard *g, struct MHD_Connection *conn, void **socket_ctx,
		int64_t now_ms)
{
	struct guard_conn *c = eg_xcalloc(1, sizeof(*c));

	c->conn = conn;
	c->waiting = true;
	c->deadline_ms = now_ms + (int64_t)g->header_ms;
	pthread_mutex_lock(&g->lock);
	c->next = g->head;
	if (g->head)
		g->head->prev = c;
	g->head = c;
	pthread_mutex_unlock(&g->lock);
	*socket_ctx = c;
}

/* Start (WAITING) or stop timing SOCKET_CTX, until DEADLINE_MS. */
static void arm(struct guard *g, void *socket_ctx, bool waiting, int64_t deadline_ms)
{
	struct guard_conn *c = socket_ctx;

	if (!c)
		return;
	pthread_mutex_lock(&g->lock);
	c->waiting = waiting;
	c->deadline_ms = deadline_ms;
	pthread_mutex_unlock(&g->lock);
}

void guard_headers_in(struct guard *g, void *socket_ctx, int64_t now_ms, bool has_body)
{
	arm(g, socket_ctx, has_body, now_ms + (int64_t)g->body_ms);
}

void guard_body_in(struct guard *g, void *socket_ctx)
{
	arm(g, socket_ctx, false, 0);
}

void guard_idle(struct guard *g, void *socket_ctx, int64_t now_ms)
{
	arm(g, socket_ctx, true, now_ms + (int64_t)g->header_ms);
}

void guard_close(struct guard *g, void *socket_ctx)
{
	struct guard_conn *c = socket_ctx;

	if (!c)
		return;
	pthread_mutex_lock(&g->lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		g->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&g->lock);
	free(c);
}

unsigned guard_sweep(struct guard *g, int64_t now_ms)
{
	const union MHD_ConnectionInfo *info;
	struct guard_conn *c;
	unsigned n = 0;

	pthread_mutex_lock(&g->lock);
	for (c = g->head; c; c = c->next) {
		if (!c->waiting || now_ms < c->deadline_ms)
			continue;
		/*
		 * libmicrohttpd sees the socket end and closes the connection
		 * itself (and tells guard_close()); the fd stays valid until
		 * then because the close notice takes this lock.
		 */
		info = MHD_get_connection_info(c->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (info)
			(void)shutdown(info->connect_fd, SHUT_RDWR);
		c->waiting = false;
		n++;
	}
	g->cut += n;
	pthread_mutex_unlock(&g->lock);
	return n;
}

uint64_t guard_cut(struct guard *g)
{
	uint64_t n;

	pthread_mutex_lock(&g->lock);
	n = g->cut;
	pthread_mutex_unlock(&g->lock);
	return n;
}
