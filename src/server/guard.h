/*
 * guard.h: a deadline for each request's headers, so a client that
 * opens connections and trickles bytes (slowloris) cannot hold them.
 * libmicrohttpd's own per-address connection limit caps how many one
 * address may open; this module cuts those that stay in their headers
 * past the deadline, on a keep-alive connection too.
 *
 * Calling sequence (http.c, from libmicrohttpd's callbacks):
 *     guard_init(&g, timeout_ms);
 *     guard_open(&g, conn, &socket_ctx, now)     a connection started
 *     guard_headers_in(&g, socket_ctx)            a request's headers are in
 *     guard_idle(&g, socket_ctx, now)             its answer went; wait again
 *     guard_close(&g, socket_ctx)                 the connection closed
 *     guard_sweep(&g, now)                        about once a second
 *     guard_release(&g);
 */
#ifndef EG_SERVER_GUARD_H
#define EG_SERVER_GUARD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct MHD_Connection;
struct guard_conn;

struct guard {
	pthread_mutex_t lock;
	struct guard_conn *head;
	uint64_t timeout_ms;
	uint64_t cut;                  /* connections cut for slow headers */
};

void guard_init(struct guard *g, uint64_t timeout_ms);
void guard_release(struct guard *g);
void guard_open(struct guard *g, struct MHD_Connection *conn, void **socket_ctx,
		int64_t now_ms);
void guard_headers_in(struct guard *g, void *socket_ctx);
void guard_idle(struct guard *g, void *socket_ctx, int64_t now_ms);
void guard_close(struct guard *g, void *socket_ctx);

/* Connections cut so far (for /metrics). */
uint64_t guard_cut(struct guard *g);

/* Shut down every connection past its header deadline; returns how many. */
unsigned guard_sweep(struct guard *g, int64_t now_ms);

#endif
