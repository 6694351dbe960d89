/*
 * enrollguard-server: the fleet view (enrollguard-server(8)).
 *
 * main() parses the options, brings the server up (server.c), then waits
 * for SIGINT or SIGTERM with the signals blocked in every thread
 * (sigtimedwait, so no handler runs and every thread inherits the mask),
 * ticking once a second: keep-alives, the enroll token file, header
 * deadlines.
 *
 * Exit status: 0 after a signal (or --help, --version, a rotation),
 * 2 usage, 3 environment (database, port, token files, TLS files).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "options.h"
#include "server.h"
#include "banned.h"

enum { EXIT_OK = 0, EXIT_USAGE = 2, EXIT_ENV = 3 };

static void wait_for_signal(struct server *srv, const sigset_t *set)
{
	struct timespec ts = { 1, 0 };
	int sig;

	for (;;) {
		sig = sigtimedwait(set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM) {
			srv_log("%s: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
			return;
		}
		if (sig < 0 && errno != EAGAIN && errno != EINTR)
			return;
		server_tick(srv);
	}
}

/* --rotate-enroll-token: a new token in the file, the old one kept a while. */
static int rotate(const struct server_opts *o)
{
	struct srv_clock clock = SRV_CLOCK_SYSTEM;
	struct eg_diag d = EG_DIAG_INIT;
	char path[4096], tok[AUTH_TOKEN_MAX + 1];

	if (o->enroll_token_file)
		snprintf(path, sizeof(path), "%s", o->enroll_token_file);
	else
		snprintf(path, sizeof(path), "%s.enroll-token",
			 strncmp(o->db, "postgres", 8) == 0 ? "enrollguard" : o->db);
	if (enroll_tokens_rotate(path, clock_wall_ms(&clock), o->enroll_grace_ms, tok, &d)) {
		srv_log("%s", d.msg);
		return EXIT_ENV;
	}
	printf("%s\n", tok);
	srv_log("wrote a new enroll token to '%s'; the old one registers Macs for %llu s "
		"more (running servers read the file within a second)", path,
		(unsigned long long)(o->enroll_grace_ms / 1000));
	return EXIT_OK;
}

static void print_listening(const struct server *srv)
{
	const char *h = srv->opts.listen_host;
	bool v6 = strchr(h, ':') != NULL;

	printf("enrollguard-server: listening on %s://%s%s%s:%u/ (database %s)\n",
	       srv->opts.tls_cert ? "https" : "http", v6 ? "[" : "", h, v6 ? "]" : "",
	       srv->opts.port,
	       strncmp(srv->opts.db, "postgres", 8) == 0 ? "PostgreSQL" : srv->opts.db);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static struct server srv;
	struct srv_clock clock = SRV_CLOCK_SYSTEM;
	struct eg_diag d = EG_DIAG_INIT;
	struct server_opts opts;
	sigset_t set;
	int rc = EXIT_OK;

	/* the database, its WAL and the token files hold secrets: 0600 */
	umask(077);
	switch (server_opts_parse(&opts, argc, argv, &d)) {
	case OPTS_DONE:
		server_opts_release(&opts);
		return EXIT_OK;
	case OPTS_USAGE:
		srv_log("%s", d.msg);
		fputs("see 'enrollguard-server --help'\n", stderr);
		server_opts_release(&opts);
		return EXIT_USAGE;
	case OPTS_OK:
		break;
	}
	if (opts.rotate_enroll_token) {
		rc = rotate(&opts);
		server_opts_release(&opts);
		return rc;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (server_init(&srv, &opts, &clock, &d) != EG_OK ||
	    server_start(&srv, 0, &d) != EG_OK) {
		srv_log("%s", d.msg);
		rc = EXIT_ENV;
	} else {
		print_listening(&srv);
		wait_for_signal(&srv, &set);
		server_stop(&srv);
	}
	server_release(&srv);
	return rc;
}
