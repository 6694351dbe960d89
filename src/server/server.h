/*
 * server.h: the state enrollguard-server shares between its HTTP threads,
 * the writer thread and main().
 *
 * To add an endpoint: 1. a route in http.c's route table, 2. its handler
 * (JSON in api.c, HTML in pages.c), 3. a line in enrollguard-server(8),
 * ENDPOINTS, 4. a case in tests/e2e/t7001-server-api.sh.
 */
#ifndef EG_SERVER_SERVER_H
#define EG_SERVER_SERVER_H

#include <pthread.h>
#include <stdint.h>

#include "auth.h"
#include "ingest.h"
#include "metrics.h"
#include "ratelimit.h"
#include "sse.h"

#define READERS_MAX 16

struct server_config {
	char listen_host[256];
	unsigned port;
	const char *db_path;
	const char *tls_cert;
	const char *tls_key;
	const char *enroll_token_file;
	const char *admin_token_file;
	unsigned threads;          /* HTTP threads */
	double rate;               /* batches per second per serial; 0 = off */
	double burst;
};

struct server {
	struct server_config cfg;
	char enroll_token[AUTH_TOKEN_MAX + 1];
	char admin_token[AUTH_TOKEN_MAX + 1];
	struct ingest ingest;
	struct sse_hub hub;
	struct metrics metrics;
	struct ratelimit rl;
	struct sessions sessions;
	pthread_mutex_t readers_lock;
	struct store *readers[READERS_MAX];   /* idle read connections */
	unsigned nreaders;
	int64_t started_ms;
	char *tls_cert_pem;        /* owned: kept while the daemon runs */
	char *tls_key_pem;
};

/* A read connection (from the pool, or new). NULL when the database fails. */
struct store *server_reader(struct server *srv);
/* Give it back (or close it when the pool is full). */
void server_reader_done(struct server *srv, struct store *s);

int64_t server_now_ms(void);

#endif
