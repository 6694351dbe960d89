#include "options.h"

#include <netdb.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "scan.h"
#include "banned.h"

#define O(field) offsetof(struct server_opts, field)
#define DAY_MS (86400000ULL)

/* Flags only: the server has no managed-preferences plist, so key is "-". */
static const struct eg_opt table[] = {
	{ "db", "-", EG_OPT_STRING, 0, 0, NULL, NULL, "FILE|URL",
	  "SQLite database file, or postgresql://... (required)", O(db) },
	{ "listen", "-", EG_OPT_STRING, 0, 0, "127.0.0.1:8700", NULL, "ADDR:PORT",
	  "numeric address and port to listen on", O(listen) },
	{ "tls-cert", "-", EG_OPT_STRING, 0, 0, NULL, NULL, "FILE",
	  "PEM certificate chain: serve HTTPS (with --tls-key)", O(tls_cert) },
	{ "tls-key", "-", EG_OPT_STRING, 0, 0, NULL, NULL, "FILE",
	  "PEM private key of --tls-cert", O(tls_key) },
	{ "enroll-token-file", "-", EG_OPT_STRING, 0, 0, NULL, NULL, "FILE",
	  "the enroll token (default: DB.enroll-token)", O(enroll_token_file) },
	{ "admin-token-file", "-", EG_OPT_STRING, 0, 0, NULL, NULL, "FILE",
	  "the admin token (default: DB.admin-token)", O(admin_token_file) },
	{ "threads", "-", EG_OPT_UINT, 1, 64, "4", NULL, "N",
	  "HTTP threads", O(threads) },
	{ "rate-limit", "-", EG_OPT_UINT, 0, 100000, "5", NULL, "N",
	  "batches per second one Mac may send; 0 turns the limit off", O(rate) },
	{ "rate-burst", "-", EG_OPT_UINT, 1, 1000000, "20", NULL, "N",
	  "batches one Mac may send at once", O(burst) },
	{ "register-limit", "-", EG_OPT_UINT, 0, 10000000, "600", NULL, "N",
	  "new Macs per minute, all addresses together; 0 = no limit", O(register_per_min) },
	{ "register-limit-per-address", "-", EG_OPT_UINT, 0, 10000000, "120", NULL, "N",
	  "new Macs per minute from one client address; 0 = no limit", O(register_per_addr) },
	{ "max-clock-skew", "-", EG_OPT_DURATION, 0, DAY_MS, "10m", NULL, "DUR",
	  "how far past the server's clock an event's time may be", O(max_skew_ms) },
	{ "events-per-device", "-", EG_OPT_UINT, 100, 100000000, "20000", NULL, "N",
	  "events kept per Mac; the oldest are dropped past it", O(events_per_device) },
	{ "retain", "-", EG_OPT_DURATION, 0, 36500 * DAY_MS, "0", NULL, "DUR",
	  "prune events older than this (e.g. 90d); 0 keeps them", O(retain_ms) },
	{ "max-connections-per-address", "-", EG_OPT_UINT, 1, 100000, "64", NULL, "N",
	  "open connections one client address may hold", O(conn_per_addr) },
	{ "header-timeout", "-", EG_OPT_DURATION, 1000, 600000, "10s", NULL, "DUR",
	  "a request's headers must arrive within this", O(header_timeout_ms) },
	{ "body-timeout", "-", EG_OPT_DURATION, 1000, 600000, "30s", NULL, "DUR",
	  "a request's body must arrive within this after its headers", O(body_timeout_ms) },
	{ "max-streams", "-", EG_OPT_UINT, 0, 100000, "1000", NULL, "N",
	  "open dashboard streams (/api/v1/stream) at most", O(sse_max) },
	{ "rotate-enroll-token", "-", EG_OPT_BOOL, 0, 0, NULL, NULL, "",
	  "write a new enroll token, keep the old one for --enroll-grace, exit",
	  O(rotate_enroll_token) },
	{ "enroll-grace", "-", EG_OPT_DURATION, 0, 365 * DAY_MS, "168h", NULL, "DUR",
	  "how long the old enroll token still registers Macs after a rotation",
	  O(enroll_grace_ms) },
	{ "version", "-", EG_OPT_BOOL, 0, 0, NULL, NULL, "",
	  "print the version and exit", O(version) },
};

#define NOPTS (sizeof(table) / sizeof(*table))

static const char usage_text[] =
	"usage: enrollguard-server --db FILE|URL [--listen ADDR:PORT] [options]\n"
	"       enrollguard-server --db FILE|URL --rotate-enroll-token [--enroll-grace DUR]\n"
	"       enrollguard-server -h | --help | --version\n";

void server_opts_help(FILE *f)
{
	char left[64], range[128];
	size_t i;

	fputs(usage_text, f);
	fputs("\noptions:\n", f);
	for (i = 0; i < NOPTS; i++) {
		const struct eg_opt *o = &table[i];

		if (o->type == EG_OPT_BOOL)
			snprintf(left, sizeof(left), "--%s", o->name);
		else
			snprintf(left, sizeof(left), "--%s %s", o->name, o->arg);
		fprintf(f, "  %-36s %s", left, o->help);
		if (o->type == EG_OPT_UINT || o->type == EG_OPT_DURATION) {
			eg_config_describe_range(o, range, sizeof(range));
			fprintf(f, " [%s%s%s]", range, o->def ? ", default " : "",
				o->def ? o->def : "");
		} else if (o->def && o->type != EG_OPT_BOOL) {
			fprintf(f, " [default %s]", o->def);
		}
		fputc('\n', f);
	}
	fprintf(f, "  %-36s %s\n", "-h, --help", "show this help");
}

bool server_opts_split_listen(const char *v, char *host, size_t hostlen, unsigned *port)
{
	const char *colon = strrchr(v, ':'), *h = v;
	size_t hlen;
	struct eg_scan s;
	uint64_t p;

	if (!colon)
		return false;
	hlen = (size_t)(colon - v);
	if (hlen >= 2 && v[0] == '[' && v[hlen - 1] == ']') {
		h = v + 1;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= hostlen)
		return false;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	eg_scan_init(&s, colon + 1, strlen(colon + 1));
	if (eg_scan_uint(&s, &p, 65535) || !eg_scan_eof(&s) || p == 0)
		return false;
	*port = (unsigned)p;
	return true;
}

/* The host must be a numeric address: we never resolve names to listen. */
static bool numeric_host(const char *host)
{
	struct addrinfo hints, *res = NULL;
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	e = getaddrinfo(host, "1", &hints, &res);
	if (res)
		freeaddrinfo(res);
	return e == 0;
}

static enum server_opts_result check(struct server_opts *o, struct eg_diag *diag)
{
	if (!o->db || !o->db[0]) {
		eg_diag_set(diag, EG_ERR_INVALID, "--db FILE is required");
		return OPTS_USAGE;
	}
	if (!o->tls_cert != !o->tls_key) {
		eg_diag_set(diag, EG_ERR_INVALID, "--tls-cert and --tls-key go together");
		return OPTS_USAGE;
	}
	if (!server_opts_split_listen(o->listen, o->listen_host, sizeof(o->listen_host),
				      &o->port) || !numeric_host(o->listen_host)) {
		eg_diag_set(diag, EG_ERR_INVALID,
			    "--listen: '%.64s' must be ADDR:PORT with a numeric address, "
			    "e.g. 127.0.0.1:8700 or [::1]:8700", o->listen);
		return OPTS_USAGE;
	}
	return OPTS_OK;
}

/*
 * Retention is counted in days: "90d" is read as "2160h" (the core's
 * durations stop at hours; the agent's options have no use for days).
 */
static const char *days_to_hours(const char *v, char *buf, size_t n)
{
	struct eg_scan s;
	uint64_t days;
	size_t len = strlen(v);

	if (len < 2 || v[len - 1] != 'd')
		return v;
	eg_scan_init(&s, v, len - 1);
	if (eg_scan_uint(&s, &days, 1000000) || !eg_scan_eof(&s))
		return v;
	snprintf(buf, n, "%lluh", (unsigned long long)days * 24);
	return buf;
}

/* One argument (and maybe its value); returns how many argv slots it used, or 0. */
static int take(struct server_opts *o, int argc, char **argv, int i, struct eg_diag *diag)
{
	const char *a = argv[i], *eq = strchr(a, '='), *val;
	const struct eg_opt *row;
	char what[96], hours[32];

	if (strncmp(a, "--", 2) != 0) {
		eg_diag_set(diag, EG_ERR_INVALID, "unexpected argument '%.64s'", a);
		return 0;
	}
	row = eg_config_find(table, NOPTS, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
	if (!row) {
		eg_diag_set(diag, EG_ERR_INVALID, "unknown option '%.*s'",
			    eq ? (int)(eq - a) : (int)strlen(a) > 64 ? 64 : (int)strlen(a), a);
		return 0;
	}
	snprintf(what, sizeof(what), "--%s", row->name);
	if (row->type == EG_OPT_BOOL && !eq)
		val = "true";
	else if (eq)
		val = eq + 1;
	else if (i + 1 < argc)
		val = argv[i + 1];
	else {
		eg_diag_set(diag, EG_ERR_INVALID, "option '%s' needs a value (%s)", what, row->arg);
		return 0;
	}
	if (row->type == EG_OPT_DURATION)
		val = days_to_hours(val, hours, sizeof(hours));
	if (eg_config_set(row, o, val, what, diag) != EG_OK)
		return 0;
	return row->type == EG_OPT_BOOL || eq ? 1 : 2;
}

enum server_opts_result server_opts_parse(struct server_opts *o, int argc, char **argv,
					  struct eg_diag *diag)
{
	int i, used;

	memset(o, 0, sizeof(*o));
	eg_config_defaults(table, NOPTS, o);
	for (i = 1; i < argc; i += used) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			server_opts_help(stdout);
			return OPTS_DONE;
		}
		if (!(used = take(o, argc, argv, i, diag)))
			return OPTS_USAGE;
	}
	if (o->version) {
		printf("enrollguard-server %s\n", EG_VERSION);
		return OPTS_DONE;
	}
	return check(o, diag);
}

void server_opts_release(struct server_opts *o)
{
	eg_config_release(table, NOPTS, o);
}
