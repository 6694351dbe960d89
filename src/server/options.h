/*
 * options.h: enrollguard-server's options, from one declarative table
 * (core/config.h, the same machinery as the agent's), so the parser,
 * --help and the checks on each value cannot drift apart; the man page's
 * OPTIONS section lists the same rows (tests/e2e/t7006 compares them).
 *
 * To add an option: 1. a field in struct server_opts, 2. a row in
 * options.c's table (name, type, range, default, help), 3. its use in
 * server.c, 4. its entry in enrollguard-server(8), OPTIONS.
 *
 * Calling sequence:
 *     struct server_opts o;
 *     switch (server_opts_parse(&o, argc, argv, &diag)) ...
 *     server_opts_release(&o);
 */
#ifndef EG_SERVER_OPTIONS_H
#define EG_SERVER_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

struct server_opts {
	char *db;                    /* a file, or a postgresql:// URL */
	char *listen;                /* "ADDR:PORT" as given */
	char *tls_cert, *tls_key;
	char *enroll_token_file, *admin_token_file;
	uint64_t threads;
	uint64_t rate, burst;        /* batches per second per Mac; 0 = off */
	uint64_t register_per_min;   /* new Macs per minute, whole server */
	uint64_t register_per_addr;  /* new Macs per minute, one address */
	uint64_t max_skew_ms;        /* how far past our clock an event may be */
	uint64_t events_per_device;  /* events kept per Mac; older dropped */
	uint64_t retain_ms;          /* events older than this are pruned; 0 keeps */
	uint64_t conn_per_addr;      /* open connections per client address */
	uint64_t header_timeout_ms;  /* a request's headers must be in by then */
	uint64_t body_timeout_ms;    /* and its body, counted from the headers */
	uint64_t sse_max;            /* open dashboard streams */
	uint64_t enroll_grace_ms;    /* --rotate-enroll-token: old token's life */
	bool rotate_enroll_token;    /* rotate, print the new token, exit */
	bool version;
	/* derived from listen by server_opts_parse() */
	char listen_host[256];
	unsigned port;
};

enum server_opts_result {
	OPTS_OK,          /* serve */
	OPTS_DONE,        /* --help or --version printed: exit 0 */
	OPTS_USAGE,       /* diag says what was wrong: exit 2 */
};

/* Parse argv into o (defaults first). Prints --help and --version itself. */
enum server_opts_result server_opts_parse(struct server_opts *o, int argc, char **argv,
					  struct eg_diag *diag);

/* The usage lines and one line per option, from the table. */
void server_opts_help(FILE *f);

/* Free the strings o owns. */
void server_opts_release(struct server_opts *o);

/* "127.0.0.1:8700", "[::1]:8700" into host and port; false when malformed. */
bool server_opts_split_listen(const char *v, char *host, size_t hostlen, unsigned *port);

#endif
