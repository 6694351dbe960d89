/*
 * enrollguard-server: the fleet view (enrollguard-server(8)).
 *
 * main() parses the options, loads or creates the two tokens, opens the
 * database, starts the writer thread and the HTTP daemon, then waits for
 * SIGINT or SIGTERM with the signals blocked in every thread (sigtimedwait,
 * so no handler runs and every thread inherits the mask). Every 15 s it
 * sends the dashboards a keep-alive, which also finds dead streams.
 *
 * Exit status: 0 after a signal, 2 usage, 3 environment (database, port,
 * token files, TLS files).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "http.h"
#include "scan.h"
#include "server.h"
#include "store.h"
#include "banned.h"

enum { EXIT_OK = 0, EXIT_USAGE = 2, EXIT_ENV = 3 };

#define KEEPALIVE_S 15

static const char usage_text[] =
	"usage: enrollguard-server --db FILE [--listen ADDR:PORT]\n"
	"                          [--tls-cert FILE --tls-key FILE]\n"
	"                          [--enroll-token-file FILE] [--admin-token-file FILE]\n"
	"                          [--threads N] [--rate-limit N] [--rate-burst N]\n"
	"       enrollguard-server -h | --help | --version\n";

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("enrollguard-server: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int64_t server_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct store *server_reader(struct server *srv)
{
	struct store *s = NULL;
	struct eg_diag d = EG_DIAG_INIT;

	pthread_mutex_lock(&srv->readers_lock);
	if (srv->nreaders)
		s = srv->readers[--srv->nreaders];
	pthread_mutex_unlock(&srv->readers_lock);
	if (!s && store_open(srv->cfg.db_path, STORE_READER, &s, &d) != EG_OK)
		say("%s", d.msg);
	return s;
}

void server_reader_done(struct server *srv, struct store *s)
{
	pthread_mutex_lock(&srv->readers_lock);
	if (srv->nreaders < READERS_MAX) {
		srv->readers[srv->nreaders++] = s;
		s = NULL;
	}
	pthread_mutex_unlock(&srv->readers_lock);
	store_close(s);
}

/* "127.0.0.1:8700", "[::1]:8700" */
static int parse_listen(const char *v, struct server_config *c)
{
	const char *colon = strrchr(v, ':'), *host = v;
	size_t hlen;
	struct eg_scan s;
	uint64_t port;

	if (!colon)
		return -1;
	hlen = (size_t)(colon - v);
	if (hlen >= 2 && v[0] == '[' && v[hlen - 1] == ']') {
		host = v + 1;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= sizeof(c->listen_host))
		return -1;
	memcpy(c->listen_host, host, hlen);
	c->listen_host[hlen] = '\0';
	eg_scan_init(&s, colon + 1, strlen(colon + 1));
	if (eg_scan_uint(&s, &port, 65535) || !eg_scan_eof(&s) || port == 0)
		return -1;
	c->port = (unsigned)port;
	return 0;
}

static int parse_uint(const char *name, const char *v, uint64_t min, uint64_t max,
		      uint64_t *out)
{
	struct eg_scan s;

	eg_scan_init(&s, v, strlen(v));
	if (eg_scan_uint(&s, out, UINT64_MAX / 2) || !eg_scan_eof(&s) ||
	    *out < min || *out > max) {
		say("%s: '%s' must be between %llu and %llu inclusive", name, v,
		    (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	return 0;
}

/* One option with its value; returns 0, or the exit code to stop with. */
static int take_option(struct server_config *c, const char *opt, const char *v)
{
	uint64_t n;

	if (strcmp(opt, "--listen") == 0) {
		if (parse_listen(v, c)) {
			say("--listen: '%s' must be ADDR:PORT, e.g. 127.0.0.1:8700 or [::1]:8700", v);
			return EXIT_USAGE;
		}
	} else if (strcmp(opt, "--db") == 0) {
		c->db_path = v;
	} else if (strcmp(opt, "--tls-cert") == 0) {
		c->tls_cert = v;
	} else if (strcmp(opt, "--tls-key") == 0) {
		c->tls_key = v;
	} else if (strcmp(opt, "--enroll-token-file") == 0) {
		c->enroll_token_file = v;
	} else if (strcmp(opt, "--admin-token-file") == 0) {
		c->admin_token_file = v;
	} else if (strcmp(opt, "--threads") == 0) {
		if (parse_uint(opt, v, 1, 64, &n))
			return EXIT_USAGE;
		c->threads = (unsigned)n;
	} else if (strcmp(opt, "--rate-limit") == 0) {
		if (parse_uint(opt, v, 0, 100000, &n))
			return EXIT_USAGE;
		c->rate = (double)n;
	} else if (strcmp(opt, "--rate-burst") == 0) {
		if (parse_uint(opt, v, 1, 1000000, &n))
			return EXIT_USAGE;
		c->burst = (double)n;
	} else {
		say("unknown option '%s'", opt);
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct server_config *c)
{
	int i, rc;

	snprintf(c->listen_host, sizeof(c->listen_host), "127.0.0.1");
	c->port = 8700;
	c->threads = 4;
	c->rate = 5;
	c->burst = 20;
	for (i = 1; i < argc; i += 2) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage_text, stdout);
			return -1;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("enrollguard-server %s\n", EG_VERSION);
			return -1;
		}
		if (i + 1 >= argc) {
			say("option '%s' needs a value", argv[i]);
			return EXIT_USAGE;
		}
		if ((rc = take_option(c, argv[i], argv[i + 1])))
			return rc;
	}
	if (!c->db_path) {
		say("--db FILE is required");
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (!c->tls_cert != !c->tls_key) {
		say("--tls-cert and --tls-key go together");
		return EXIT_USAGE;
	}
	return 0;
}

static int load_token(const char *given, const char *db, const char *suffix,
		      const char *what, char tok[AUTH_TOKEN_MAX + 1])
{
	struct eg_diag d = EG_DIAG_INIT;
	char path[4096];
	bool created;

	if (given)
		snprintf(path, sizeof(path), "%s", given);
	else if ((size_t)snprintf(path, sizeof(path), "%s%s", db, suffix) >= sizeof(path))
		return say("the database path is too long"), EXIT_ENV;
	if (auth_token_load(path, tok, &created, &d) != EG_OK) {
		say("%s token: %s", what, d.msg);
		return EXIT_ENV;
	}
	if (created)
		say("created the %s token in '%s' (mode 0600)", what, path);
	return 0;
}

static void wait_for_signal(struct server *srv, const sigset_t *set)
{
	struct timespec ts = { KEEPALIVE_S, 0 };
	int sig;

	for (;;) {
		sig = sigtimedwait(set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM) {
			say("%s: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
			return;
		}
		if (sig < 0 && errno == EAGAIN)
			sse_keepalive(&srv->hub);
	}
}

static int serve(struct server *srv, const sigset_t *set)
{
	struct eg_diag d = EG_DIAG_INIT;
	struct MHD_Daemon *daemon = NULL;
	struct store *writer = NULL;
	struct timespec settle = { 0, 200 * 1000 * 1000 };

	if (store_open(srv->cfg.db_path, STORE_WRITER, &writer, &d) != EG_OK) {
		say("%s", d.msg);
		return EXIT_ENV;
	}
	if (ingest_start(&srv->ingest, writer, &srv->hub, &srv->metrics) != EG_OK) {
		say("cannot start the writer thread");
		store_close(writer);
		return EXIT_ENV;
	}
	if (http_start(srv, &daemon, &d) != EG_OK) {
		say("%s", d.msg);
		ingest_stop(&srv->ingest);
		store_close(writer);
		return d.msg[0] && strstr(d.msg, "--listen") ? EXIT_USAGE : EXIT_ENV;
	}
	printf("enrollguard-server: listening on %s://%s%s%s:%u/ (database %s)\n",
	       srv->cfg.tls_cert ? "https" : "http",
	       strchr(srv->cfg.listen_host, ':') ? "[" : "", srv->cfg.listen_host,
	       strchr(srv->cfg.listen_host, ':') ? "]" : "", srv->cfg.port, srv->cfg.db_path);
	fflush(stdout);
	wait_for_signal(srv, set);
	MHD_quiesce_daemon(daemon);
	sse_hub_shutdown(&srv->hub);
	ingest_stop(&srv->ingest);
	nanosleep(&settle, NULL);   /* let the daemon process the last resumes */
	MHD_stop_daemon(daemon);
	store_close(writer);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static struct server srv;
	sigset_t set;
	int rc;

	if ((rc = parse_args(argc, argv, &srv.cfg)))
		return rc < 0 ? EXIT_OK : rc;
	if ((rc = load_token(srv.cfg.enroll_token_file, srv.cfg.db_path, ".enroll-token",
			     "enroll", srv.enroll_token)) ||
	    (rc = load_token(srv.cfg.admin_token_file, srv.cfg.db_path, ".admin-token",
			     "admin", srv.admin_token)))
		return rc;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	srv.started_ms = server_now_ms();
	metrics_init(&srv.metrics);
	sse_hub_init(&srv.hub);
	ratelimit_init(&srv.rl, srv.cfg.rate, srv.cfg.burst, 65536);
	sessions_init(&srv.sessions, 12 * 3600 * 1000LL);
	pthread_mutex_init(&srv.readers_lock, NULL);
	rc = serve(&srv, &set);
	while (srv.nreaders)
		store_close(srv.readers[--srv.nreaders]);
	pthread_mutex_destroy(&srv.readers_lock);
	sessions_release(&srv.sessions);
	ratelimit_release(&srv.rl);
	sse_hub_release(&srv.hub);
	free(srv.tls_cert_pem);
	free(srv.tls_key_pem);
	return rc;
}
