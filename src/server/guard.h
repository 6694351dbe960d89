/*
 * guard.h: a deadline for each request's headers and one for its body,
 * so a client that opens connections and trickles bytes cannot hold
 * them: not in the headers (slowloris), nor in a POST's body after quick
 * headers (slow body). libmicrohttpd's own per-address connection limit
 * caps how many one address may open; this module cuts those that stay
 * in their headers or body past the deadline, on a keep-alive connection
 * too. Once the body is in, nothing is timed here: a batch waiting for
 * its commit, or a dashboard stream, is not a slow client.
 *
 * Calling sequence (http.c, from libmicrohttpd's callbacks):
 *     guard_init(&g, header_ms, body_ms);
 *     guard_open(&g, conn, &socket_ctx, now)     a connection started
 *     guard_headers_in(&g, socket_ctx, now, body) a request's headers are in
 *     guard_body_in(&g, socket_ctx)               and its body (none for a GET)
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
	uint64_t header_ms;            /* from the connection or the last answer */
	uint64_t body_ms;              /* from the headers */
	uint64_t cut;                  /* connections cut for slow headers or body */
};

void guard_init(struct guard *g, uint64_t header_ms, uint64_t body_ms);
void guard_release(struct guard *g);
void guard_open(struct guard *g, struct MHD_Connection *conn, void **socket_ctx,
		int64_t now_ms);
/* The body deadline runs only if HAS_BODY: a GET answered at once, or a
 * dashboard stream, has nothing more to receive. */
void guard_headers_in(struct guard *g, void *socket_ctx, int64_t now_ms, bool has_body);
void guard_body_in(struct guard *g, void *socket_ctx);
void guard_idle(struct guard *g, void *socket_ctx, int64_t now_ms);
void guard_close(struct guard *g, void *socket_ctx);

/* Connections cut so far (for /metrics). */
uint64_t guard_cut(struct guard *g);

/* Shut down every connection past its deadline; returns how many. */
unsigned guard_sweep(struct guard *g, int64_t now_ms);

#endif
