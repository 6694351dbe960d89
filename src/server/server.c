#include "server.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "log.h"
#include "store.h"
#include "banned.h"

#define KEEPALIVE_MS 15000
#define SESSION_TTL_MS (12 * 3600 * 1000LL)
#define RATE_SLOTS 65536

static enum eg_err token_path(const char *given, const char *db, const char *suffix,
			      char *out, size_t n, struct eg_diag *diag)
{
	if (given)
		snprintf(out, n, "%s", given);
	else if ((size_t)snprintf(out, n, "%s%s", db, suffix) >= n)
		return eg_diag_set(diag, EG_ERR_INVALID, "the database path is too long");
	return EG_OK;
}

/*
 * Where the token files go when no option names them: beside a SQLite
 * file; for PostgreSQL, in the working directory, named after nothing
 * secret (the URL may hold a password).
 */
static const char *token_base(const char *db)
{
	return strncmp(db, "postgres", 8) == 0 ? "enrollguard" : db;
}

static enum eg_err load_tokens(struct server *srv, struct eg_diag *diag)
{
	char path[4096];
	enum eg_err rc;
	bool created;

	if ((rc = token_path(srv->opts.admin_token_file, token_base(srv->opts.db),
			     ".admin-token", path, sizeof(path), diag)) ||
	    (rc = auth_token_load(path, srv->admin_token, &created, diag)))
		return eg_diag_set(diag, rc, "admin token: %s", diag->msg);
	if (created)
		srv_log("created the admin token in '%s' (mode 0600)", path);
	if ((rc = token_path(srv->opts.enroll_token_file, token_base(srv->opts.db),
			     ".enroll-token", path, sizeof(path), diag)) ||
	    (rc = enroll_tokens_load(&srv->enroll, path, &created, diag)))
		return eg_diag_set(diag, rc, "enroll token: %s", diag->msg);
	if (created)
		srv_log("created the enroll token in '%s' (mode 0600)", path);
	return EG_OK;
}

enum eg_err server_init(struct server *srv, struct server_opts *opts,
			const struct srv_clock *clock, struct eg_diag *diag)
{
	double per_min;
	enum eg_err rc;

	memset(srv, 0, sizeof(*srv));
	srv->opts = *opts;
	memset(opts, 0, sizeof(*opts));
	srv->clock = *clock;
	srv->started_ms = clock_wall_ms(clock);
	metrics_init(&srv->metrics);
	sse_hub_init(&srv->hub, (unsigned)srv->opts.sse_max);
	ratelimit_init(&srv->rl, (double)srv->opts.rate, (double)srv->opts.burst, RATE_SLOTS);
	per_min = (double)srv->opts.register_per_min;
	ratelimit_init(&srv->reg_all, per_min / 60.0, per_min, 16);
	per_min = (double)srv->opts.register_per_addr;
	ratelimit_init(&srv->reg_addr, per_min / 60.0, per_min, RATE_SLOTS);
	sessions_init(&srv->sessions, SESSION_TTL_MS);
	store_pool_init(&srv->pool, srv->opts.db);
	guard_init(&srv->guard, srv->opts.header_timeout_ms, srv->opts.body_timeout_ms);
	if ((rc = load_tokens(srv, diag)) != EG_OK)
		return rc;
	return EG_OK;
}

/* A Mac changed in some process (PostgreSQL): send its row to our streams. */
static void changed_elsewhere(void *ctx, const char *serial)
{
	struct server *srv = ctx;
	struct eg_diag d = EG_DIAG_INIT;
	struct store *st;
	struct device dev;

	if (!serial) {
		sse_publish(&srv->hub, "reload", "{}");
		return;
	}
	if (!(st = store_pool_get(&srv->pool, &d)))
		return;
	if (store_get_device(st, serial, &dev) == EG_OK)
		sse_device_changed(&srv->hub, &dev);
	store_pool_put(&srv->pool, st);
}

enum eg_err server_start(struct server *srv, unsigned flags, struct eg_diag *diag)
{
	struct ingest_config ic;
	enum eg_err rc;

	if ((rc = store_open(srv->opts.db, STORE_WRITER, &srv->writer, diag)) != EG_OK)
		return rc;
	if (sse_hub_start(&srv->hub) != EG_OK) {
		store_close(srv->writer);
		srv->writer = NULL;
		return eg_diag_set(diag, EG_ERR_IO, "cannot start the stream thread");
	}
	ic = (struct ingest_config){
		.store = srv->writer, .hub = &srv->hub, .metrics = &srv->metrics,
		.clock = &srv->clock, .reg_all = &srv->reg_all, .reg_addr = &srv->reg_addr,
		.max_events = (int64_t)srv->opts.events_per_device,
		.retain_ms = (int64_t)srv->opts.retain_ms,
		/* with PostgreSQL every change, ours too, comes back through the watch */
		.publish = !store_is_shared(srv->opts.db),
	};
	if ((rc = store_watch_start(&srv->watch, srv->opts.db, changed_elsewhere, srv,
				    diag)) != EG_OK) {
		store_close(srv->writer);
		srv->writer = NULL;
		return rc;
	}
	if (ingest_start(&srv->ingest, &ic) != EG_OK) {
		store_close(srv->writer);
		srv->writer = NULL;
		return eg_diag_set(diag, EG_ERR_IO, "cannot start the writer thread");
	}
	srv->started = true;
	if (!(flags & SERVER_NO_HTTP) && (rc = http_start(srv, &srv->daemon, diag)) != EG_OK) {
		server_stop(srv);
		return rc;
	}
	return EG_OK;
}

void server_tick(struct server *srv)
{
	int64_t now = clock_wall_ms(&srv->clock);
	struct eg_diag d = EG_DIAG_INIT;
	bool changed = false;

	if (now - srv->last_keepalive_ms >= KEEPALIVE_MS) {
		srv->last_keepalive_ms = now;
		sse_keepalive(&srv->hub);
	}
	if (enroll_tokens_reload(&srv->enroll, &changed, &d) != EG_OK)
		srv_log("enroll token: %s (keeping the tokens read before)", d.msg);
	else if (changed)
		srv_log("enroll token file changed: read the new token%s",
			srv->enroll.previous[0] ? " and the one it replaces" : "");
	(void)guard_sweep(&srv->guard, now);
}

void server_stop(struct server *srv)
{
	struct timespec settle = { 0, 200 * 1000 * 1000 };

	if (srv->daemon)
		MHD_quiesce_daemon(srv->daemon);
	sse_hub_shutdown(&srv->hub);
	if (srv->started)
		ingest_stop(&srv->ingest);
	srv->started = false;
	store_watch_stop(srv->watch);
	srv->watch = NULL;
	if (srv->daemon) {
		nanosleep(&settle, NULL);   /* let the daemon process the last resumes */
		MHD_stop_daemon(srv->daemon);
		srv->daemon = NULL;
	}
	store_close(srv->writer);
	srv->writer = NULL;
}

void server_release(struct server *srv)
{
	store_pool_release(&srv->pool);
	sessions_release(&srv->sessions);
	ratelimit_release(&srv->rl);
	ratelimit_release(&srv->reg_all);
	ratelimit_release(&srv->reg_addr);
	sse_hub_release(&srv->hub);
	enroll_tokens_release(&srv->enroll);
	guard_release(&srv->guard);
	free(srv->tls_cert_pem);
	free(srv->tls_key_pem);
	server_opts_release(&srv->opts);
}
