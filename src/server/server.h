/*
 * server.h: enrollguard-server as one object. struct server holds what
 * the HTTP threads, the writer thread and the main loop share; server.c
 * brings it up and down in one place.
 *
 * Dependencies run one way:
 *     main -> server -> http -> routes -> api, pages -> store, devstate, ...
 * The handlers read this struct's fields (the pool, the hub, the clock)
 * but call nothing in server.c.
 *
 * Calling sequence:
 *     struct server srv;
 *     server_init(&srv, &opts, &clock, &diag);   tokens, limits; no I/O on the store
 *     server_start(&srv, 0, &diag);              the store, the writer, HTTP
 *     server_tick(&srv);                         about once a second
 *     server_stop(&srv);                         drain, close
 *     server_release(&srv);
 */
#ifndef EG_SERVER_SERVER_H
#define EG_SERVER_SERVER_H

#include <stdint.h>

#include "auth.h"
#include "clock.h"
#include "guard.h"
#include "ingest.h"
#include "metrics.h"
#include "options.h"
#include "pool.h"
#include "ratelimit.h"
#include "sse.h"

struct MHD_Daemon;
struct store;
struct store_watch;

struct server {
	struct server_opts opts;        /* owned */
	struct srv_clock clock;
	char admin_token[AUTH_TOKEN_MAX + 1];
	struct enroll_tokens enroll;
	struct ingest ingest;
	struct sse_hub hub;
	struct metrics metrics;
	struct ratelimit rl;            /* batches per serial */
	struct ratelimit reg_all;       /* new Macs, whole server */
	struct ratelimit reg_addr;      /* new Macs per client address */
	struct sessions sessions;
	struct store_pool pool;
	struct guard guard;             /* connections per address, header deadline */
	int64_t started_ms;
	int64_t last_keepalive_ms;
	char *tls_cert_pem, *tls_key_pem;   /* owned: MHD reads them while it runs */
	struct MHD_Daemon *daemon;
	struct store *writer;           /* owned by the writer thread once started */
	struct store_watch *watch;      /* PostgreSQL: changes from every process */
	bool started;
};

enum server_start_flags {
	SERVER_NO_HTTP = 1 << 0,        /* unit tests: store and writer only */
};

/*
 * Take opts (ownership moves into srv, and *opts is cleared) and clock,
 * load or create the two tokens, set up the limits. Returns EG_OK or an
 * error with diag (a token file that is unsafe, unreadable or malformed).
 */
enum eg_err server_init(struct server *srv, struct server_opts *opts,
			const struct srv_clock *clock, struct eg_diag *diag);

/*
 * Open the store, start the writer thread and (unless SERVER_NO_HTTP)
 * listen. EG_OK or EG_ERR_IO with diag (the database, the port, the TLS
 * files); on failure nothing is left running.
 */
enum eg_err server_start(struct server *srv, unsigned flags, struct eg_diag *diag);

/* Periodic work: keep-alives, the enroll token file, header deadlines. */
void server_tick(struct server *srv);

/* Stop listening, end the streams, drain the writer, close the store. */
void server_stop(struct server *srv);

void server_release(struct server *srv);

#endif
