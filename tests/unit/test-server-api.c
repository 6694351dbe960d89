/*
 * enrollguard-server's handlers, through the route table, without a
 * socket: each request is a struct request with fake headers whose
 * answer lands in a capture (request.h). The store is a real SQLite
 * file and the writer thread runs; the clock is a hand clock.
 */
#define UNIT_TMPDIR
#include "unit.h"

#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "api.h"
#include "request.h"
#include "routes.h"
#include "server.h"

static struct server srv;
static int64_t now_ms = 1795394400000LL;   /* 2026-11-23T00:40:00Z */
static char db[128];

static int64_t hand_wall(void *ctx) { (void)ctx; return now_ms; }
static uint64_t hand_mono(void *ctx) { (void)ctx; return 1; }

static const char KEY_A[] = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
static const char KEY_B[] = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

static int start(void **state, const char *extra1, const char *extra2)
{
	struct srv_clock clock = { hand_wall, hand_mono, NULL };
	struct eg_diag d = EG_DIAG_INIT;
	struct server_opts o;
	char *argv[] = { "enrollguard-server", "--db", db, "--rate-limit", "0",
			 (char *)extra1, (char *)extra2, NULL };
	int argc = extra1 ? 7 : 5;

	if (unit_tmpdir_setup(state))
		return -1;
	snprintf(db, sizeof(db), "%s/fleet.db", dir);
	if (server_opts_parse(&o, argc, argv, &d) != OPTS_OK ||
	    server_init(&srv, &o, &clock, &d) != EG_OK ||
	    server_start(&srv, SERVER_NO_HTTP, &d) != EG_OK) {
		print_error("%s\n", d.msg);
		return -1;
	}
	return 0;
}

static int setup(void **state) { return start(state, NULL, NULL); }
static int setup_small(void **state) { return start(state, "--events-per-device", "100"); }
static int setup_reg(void **state) { return start(state, "--register-limit-per-address", "2"); }
static int setup_retain(void **state) { return start(state, "--retain", "1d"); }

static int teardown(void **state)
{
	server_stop(&srv);
	server_release(&srv);
	return unit_tmpdir_teardown(state);
}

struct answer {
	struct request_capture cap;
	const char *body;
};

/*
 * One request: method, raw path, headers (name, value pairs, NULL-ended),
 * and a body for a POST. Waits for the writer when the handler queued a
 * batch. The answer's body stays valid until the next call.
 */
static struct answer *call(const char *method, const char *path,
			   const char *const *headers, const char *body)
{
	static struct answer a;
	static struct request req;
	static char query[512];
	static const char *args[33];
	struct timespec pause = { 0, 1000000 };
	char *q, *amp;
	int n = 0;

	eg_buf_release(&a.cap.body);
	batch_release(&req.job.batch);
	eg_buf_release(&req.body);
	memset(&req, 0, sizeof(req));
	memset(&a.cap, 0, sizeof(a.cap));
	eg_buf_init(&a.cap.body, 1 << 24);
	req.srv = &srv;
	req.method = method;
	snprintf(req.raw_path, sizeof(req.raw_path), "%.*s", (int)strcspn(path, "?"), path);
	/* the query, split as libmicrohttpd would (without decoding) */
	snprintf(query, sizeof(query), "%s", strchr(path, '?') ? strchr(path, '?') + 1 : "");
	for (q = query; *q && n < 32; q = amp) {
		amp = q + strcspn(q, "&");
		if (*amp)
			*amp++ = '\0';
		args[n++] = q;
		q = strchr(q, '=');
		if (q)
			*q++ = '\0';
		args[n++] = q ? q : "";
	}
	args[n] = NULL;
	req.fake_args = args;
	snprintf(req.addr, sizeof(req.addr), "192.0.2.7");
	req.fake_headers = headers;
	req.capture = &a.cap;
	route_begin(&req);
	if (!a.cap.status && req.route) {
		if (body)
			assert_int_equal(eg_buf_addstr(&req.body, body), EG_OK);
		route_finish(&req);
		while (!a.cap.status && req.submitted && !atomic_load(&req.job.status))
			nanosleep(&pause, NULL);
		if (!a.cap.status)
			route_finish(&req);
	}
	a.body = a.cap.body.buf;
	return &a;
}

static char admin[256], enroll[256];

static const char *const *as_admin(void)
{
	static const char *h[3];

	snprintf(admin, sizeof(admin), "Bearer %s", srv.admin_token);
	h[0] = "Authorization";
	h[1] = admin;
	h[2] = NULL;
	return h;
}

/* Enroll token, JSON, and (when key is not NULL) the device key. */
static const char *const *as_agent(const char *key, bool with_token)
{
	static const char *h[7];
	int i = 0;

	snprintf(enroll, sizeof(enroll), "Bearer %s", with_token ? srv.enroll.current : "x");
	h[i++] = "Authorization";
	h[i++] = enroll;
	h[i++] = "Content-Type";
	h[i++] = "application/json";
	if (key) {
		h[i++] = "X-Enrollguard-Device-Key";
		h[i++] = key;
	}
	h[i] = NULL;
	return h;
}

static char batch_buf[1 << 20];

/* A batch of n events of type from serial, run, seqs first.., at the hand clock. */
static const char *events(const char *serial, const char *run, int first, int n,
			  const char *type)
{
	size_t off = 0;
	int i;

	off += (size_t)snprintf(batch_buf + off, sizeof(batch_buf) - off, "[");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(batch_buf + off, sizeof(batch_buf) - off,
			"%s{\"v\":1,\"ts\":\"2026-11-23T00:39:00Z\",\"host\":{\"serial\":\"%s\"},"
			"\"run_id\":\"%s\",\"seq\":%d,\"type\":\"%s\",\"text\":\"%s\"}",
			i ? "," : "", serial, run, first + i, type, type);
	snprintf(batch_buf + off, sizeof(batch_buf) - off, "]");
	return batch_buf;
}

#define HAS(a, s) do { if (!strstr((a)->body, (s))) \
	fail_msg("'%s' not in %u %s", (s), (a)->cap.status, (a)->body); } while (0)

static void test_the_route_table_answers_404_405_and_allow(void **state)
{
	struct answer *a;

	(void)state;
	a = call("GET", "/nowhere", as_admin(), NULL);
	assert_int_equal(a->cap.status, 404);
	HAS(a, "\"error\":\"not_found\"");
	a = call("POST", "/api/v1/devices", as_admin(), "[]");
	assert_int_equal(a->cap.status, 405);
	assert_string_equal(a->cap.allow, "GET, HEAD");
	a = call("GET", "/api/v1/events", as_agent(NULL, true), NULL);
	assert_int_equal(a->cap.status, 405);
	assert_string_equal(a->cap.allow, "POST");
	a = call("GET", "/login", NULL, NULL);
	assert_int_equal(a->cap.status, 200);
	a = call("PUT", "/login", NULL, NULL);
	assert_string_equal(a->cap.allow, "GET, HEAD, POST");
	a = call("GET", "/api/v1/devices/X/key", as_admin(), NULL);
	assert_string_equal(a->cap.allow, "DELETE");
}

static void test_the_path_is_decoded_once(void **state)
{
	struct answer *a;

	(void)state;
	a = call("POST", "/api/v1/events", as_agent(NULL, true), events("C02%44", "r1", 1, 1, "wait"));
	assert_int_equal(a->cap.status, 200);
	a = call("POST", "/api/v1/events", as_agent(NULL, true), events("C02D", "r1", 1, 1, "wait"));
	a = call("POST", "/api/v1/events", as_agent(NULL, true), events("A+B", "r1", 1, 1, "wait"));
	/* %2544 is "%44", not "D" */
	a = call("GET", "/api/v1/devices/C02%2544", as_admin(), NULL);
	assert_int_equal(a->cap.status, 200);
	HAS(a, "\"serial\":\"C02%44\"");
	a = call("GET", "/api/v1/devices/A+B", as_admin(), NULL);
	assert_int_equal(a->cap.status, 200);
	HAS(a, "\"serial\":\"A+B\"");
	a = call("GET", "/api/v1/devices/C02%00D", as_admin(), NULL);
	assert_int_equal(a->cap.status, 400);
	a = call("GET", "/api/v1/devices/C02%4", as_admin(), NULL);
	assert_int_equal(a->cap.status, 400);
}

static void test_a_device_key_is_registered_once_and_then_required(void **state)
{
	struct answer *a;

	(void)state;
	a = call("POST", "/api/v1/events", as_agent(KEY_A, true), events("C02KEY", "r1", 1, 2, "wait"));
	assert_int_equal(a->cap.status, 200);
	HAS(a, "\"key\":\"registered\"");
	/* the same key again: fine, and the enroll token is not needed any more */
	a = call("POST", "/api/v1/events", as_agent(KEY_A, false), events("C02KEY", "r1", 3, 1, "wait"));
	assert_int_equal(a->cap.status, 200);
	HAS(a, "\"key\":\"ok\"");
	/* the enroll token alone, or another key: refused, nothing stored */
	a = call("POST", "/api/v1/events", as_agent(NULL, true),
		 events("C02KEY", "forged", 1, 1, "run.enrolled"));
	assert_int_equal(a->cap.status, 403);
	HAS(a, "wrong_device_key");
	a = call("POST", "/api/v1/events", as_agent(KEY_B, true),
		 events("C02KEY", "forged", 1, 1, "run.enrolled"));
	assert_int_equal(a->cap.status, 403);
	a = call("GET", "/api/v1/devices/C02KEY", as_admin(), NULL);
	HAS(a, "\"state\":\"running\"");
	HAS(a, "\"events\":3");
	HAS(a, "\"has_key\":true");
	/* a key without the enroll token cannot register a new Mac */
	a = call("POST", "/api/v1/events", as_agent(KEY_B, false), events("C02NEW", "r1", 1, 1, "wait"));
	assert_int_equal(a->cap.status, 401);
	/* an admin resets the key: the next batch with the enroll token registers another */
	a = call("DELETE", "/api/v1/devices/C02KEY/key", as_agent(NULL, true), NULL);
	assert_int_equal(a->cap.status, 403);
	a = call("DELETE", "/api/v1/devices/C02KEY/key", as_admin(), NULL);
	assert_int_equal(a->cap.status, 200);
	a = call("POST", "/api/v1/events", as_agent(KEY_B, true), events("C02KEY", "r2", 1, 1, "wait"));
	assert_int_equal(a->cap.status, 200);
	HAS(a, "\"key\":\"registered\"");
	a = call("POST", "/api/v1/events", as_agent(KEY_A, true), events("C02KEY", "r2", 2, 1, "wait"));
	assert_int_equal(a->cap.status, 403);
	a = call("DELETE", "/api/v1/devices/NOSUCH/key", as_admin(), NULL);
	assert_int_equal(a->cap.status, 404);
}

static void test_a_malformed_key_header_is_400(void **state)
{
	struct answer *a;

	(void)state;
	a = call("POST", "/api/v1/events", as_agent("short", true), events("C02", "r1", 1, 1, "wait"));
	assert_int_equal(a->cap.status, 400);
	HAS(a, "X-Enrollguard-Device-Key");
}

static void test_events_past_the_clock_are_refused_and_named(void **state)
{
	struct answer *a;
	char body[512];

	(void)state;
	snprintf(body, sizeof(body), "[{\"v\":1,\"ts\":\"2026-11-23T00:39:00Z\",\"host\":{\"serial\":\"S\"},"
		 "\"run_id\":\"r\",\"seq\":1,\"type\":\"wait\"},{\"v\":1,\"ts\":\"9999-12-31T23:59:59Z\","
		 "\"host\":{\"serial\":\"S\"},\"run_id\":\"r\",\"seq\":2,\"type\":\"run.enrolled\"}]");
	a = call("POST", "/api/v1/events", as_agent(NULL, true), body);
	assert_int_equal(a->cap.status, 400);
	HAS(a, "events[1].ts: is ");
	HAS(a, "\"invalid_events\":[1]");
	a = call("GET", "/api/v1/devices/S", as_admin(), NULL);
	assert_int_equal(a->cap.status, 404);
}

static void test_unknown_types_are_stored_shown_and_change_no_state(void **state)
{
	struct answer *a;

	(void)state;
	a = call("POST", "/api/v1/events", as_agent(NULL, true),
		 events("C02NEWER", "r1", 1, 1, "setup.waiting"));
	a = call("POST", "/api/v1/events", as_agent(NULL, true),
		 events("C02NEWER", "r1", 2, 1, "future.thing"));
	assert_int_equal(a->cap.status, 200);
	HAS(a, "\"unknown_types\":1");
	a = call("GET", "/api/v1/devices/C02NEWER", as_admin(), NULL);
	HAS(a, "\"state\":\"waiting\"");
	HAS(a, "\"type\":\"future.thing\"");
	HAS(a, "\"known_type\":false");
	a = call("GET", "/metrics", as_admin(), NULL);
	HAS(a, "enrollguard_events_unknown_total 1\n");
}

static void test_runs_are_ordered_by_when_the_server_first_saw_them(void **state)
{
	struct answer *a;

	(void)state;
	/* run "zzz" is seen first and gives up; then run "aaa" starts and waits */
	a = call("POST", "/api/v1/events", as_agent(NULL, true), events("C02RUNS", "zzz", 1, 1, "run.gave_up"));
	now_ms += 1000;
	a = call("POST", "/api/v1/events", as_agent(NULL, true), events("C02RUNS", "aaa", 1, 1, "setup.waiting"));
	/* a late event of the old run changes nothing */
	now_ms += 1000;
	a = call("POST", "/api/v1/events", as_agent(NULL, true), events("C02RUNS", "zzz", 2, 1, "run.gave_up"));
	a = call("GET", "/api/v1/devices/C02RUNS", as_admin(), NULL);
	HAS(a, "\"state\":\"waiting\"");
	HAS(a, "\"run_id\":\"aaa\"");
	/* the timeline shows the newest run first */
	assert_true(strstr(a->body, "\"run_id\":\"aaa\",\"seq\":1") <
		    strstr(a->body, "\"run_id\":\"zzz\",\"seq\":2"));
}

static void test_a_mac_keeps_at_most_its_cap_of_events(void **state)
{
	struct answer *a;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		a = call("POST", "/api/v1/events", as_agent(NULL, true),
			 events("C02CAP", "r1", 1 + 50 * i, 50, "wait"));
		assert_int_equal(a->cap.status, 200);
		now_ms += 10;
	}
	HAS(a, "\"dropped\":50");
	a = call("GET", "/api/v1/devices/C02CAP", as_admin(), NULL);
	HAS(a, "\"events\":100,\"events_dropped\":50");
	/* the newest are kept */
	HAS(a, "\"seq\":150");
	assert_null(strstr(a->body, "\"seq\":50,"));
}

static void test_new_macs_from_one_address_are_limited(void **state)
{
	struct answer *a;

	(void)state;
	a = call("POST", "/api/v1/events", as_agent(NULL, true), events("NEW1", "r", 1, 1, "wait"));
	assert_int_equal(a->cap.status, 200);
	a = call("POST", "/api/v1/events", as_agent(NULL, true), events("NEW2", "r", 1, 1, "wait"));
	assert_int_equal(a->cap.status, 200);
	a = call("POST", "/api/v1/events", as_agent(NULL, true), events("NEW3", "r", 1, 1, "wait"));
	assert_int_equal(a->cap.status, 429);
	HAS(a, "registration_limited");
	assert_string_not_equal(a->cap.retry_after, "");
	/* a Mac the server knows is not slowed */
	a = call("POST", "/api/v1/events", as_agent(NULL, true), events("NEW1", "r", 2, 1, "wait"));
	assert_int_equal(a->cap.status, 200);
	/* a minute later the bucket has refilled */
	now_ms += 60000;
	a = call("POST", "/api/v1/events", as_agent(NULL, true), events("NEW3", "r", 1, 1, "wait"));
	assert_int_equal(a->cap.status, 200);
}

static void test_filters_are_read_alike_by_the_api_and_the_dashboard(void **state)
{
	static const char *const bad[][2] = {
		{ "limit=0", "limit: must be between 1 and 1000 inclusive" },
		{ "state=melting", "state: must be one of running, waiting, hot, blocked" },
		{ "offset=1e300", "offset: must be between 0 and" },
		{ "offset=99999999999999999999999", "offset: must be between 0 and" },
		{ "q=0123456789012345678901234567890123456789012345678901234567890123456789",
		  "q: must be at most 64 bytes" },
	};
	static const char *const base[] = { "/api/v1/devices?", "/?" };
	struct answer *a;
	char path[256];
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		for (j = 0; j < 2; j++) {
			snprintf(path, sizeof(path), "%s%s", base[j], bad[i][0]);
			a = call("GET", path, as_admin(), NULL);
			assert_int_equal(a->cap.status, 400);
			HAS(a, bad[i][1]);
		}
	}
	a = call("GET", "/api/v1/devices?state=hot&limit=5&offset=0&q=C02", as_admin(), NULL);
	assert_int_equal(a->cap.status, 200);
	HAS(a, "\"limit\":5");
	a = call("GET", "/?state=hot&offset=100", as_admin(), NULL);
	assert_int_equal(a->cap.status, 200);
	HAS(a, "data-states=");
}

static void test_a_cross_site_login_post_is_refused(void **state)
{
	static const char *const cross[] = { "Host", "eg.example:8700",
		"Origin", "https://evil.example", NULL };
	static const char *const same[] = { "Host", "eg.example:8700",
		"Origin", "http://eg.example:8700", NULL };
	static const char *const tls[] = { "Host", "eg.example:8700",
		"Origin", "https://eg.example:8700", NULL };
	static const char *const null_origin[] = { "Host", "eg.example:8700",
		"Origin", "null", NULL };
	static const char *const evil_referer[] = { "Host", "eg.example:8700",
		"Referer", "https://eg.example:8700.evil.example/login", NULL };
	static const char *const our_referer[] = { "Host", "eg.example:8700",
		"Referer", "https://eg.example:8700/login", NULL };
	struct answer *a;
	char body[256];

	(void)state;
	snprintf(body, sizeof(body), "token=%s", srv.admin_token);
	a = call("POST", "/login", cross, body);
	assert_int_equal(a->cap.status, 403);
	HAS(a, "cross_site");
	a = call("POST", "/logout", cross, "");
	assert_int_equal(a->cap.status, 403);
	a = call("POST", "/login", same, body);
	assert_int_equal(a->cap.status, 303);
	assert_non_null(strstr(a->cap.set_cookie, "eg_session="));
	/* behind a proxy that ends TLS the browser says https: same host, fine */
	a = call("POST", "/login", tls, body);
	assert_int_equal(a->cap.status, 303);
	a = call("POST", "/login", null_origin, body);
	assert_int_equal(a->cap.status, 403);
	a = call("POST", "/login", evil_referer, body);
	assert_int_equal(a->cap.status, 403);
	a = call("POST", "/login", our_referer, body);
	assert_int_equal(a->cap.status, 303);
}

static void test_retain_prunes_old_events_during_ingest_and_keeps_the_mac(void **state)
{
	struct answer *a;
	struct timespec pause = { 0, 20000000 };
	int i;

	(void)state;
	a = call("POST", "/api/v1/events", as_agent(NULL, true), events("C02OLD", "r1", 1, 30, "wait"));
	assert_int_equal(a->cap.status, 200);
	/* two days later another Mac reports; the writer prunes between groups */
	now_ms += 2 * 86400000LL;
	a = call("POST", "/api/v1/events", as_agent(NULL, true), events("C02NEW", "r1", 1, 5, "wait"));
	assert_int_equal(a->cap.status, 200);
	for (i = 0; i < 200; i++) {
		a = call("GET", "/metrics", as_admin(), NULL);
		if (strstr(a->body, "enrollguard_events_pruned_total 30\n"))
			break;
		nanosleep(&pause, NULL);
	}
	HAS(a, "enrollguard_events_pruned_total 30\n");
	a = call("GET", "/api/v1/devices/C02OLD", as_admin(), NULL);
	assert_int_equal(a->cap.status, 200);
	HAS(a, "\"events\":0,");
	HAS(a, "\"events\":[]");
	a = call("GET", "/api/v1/devices/C02NEW", as_admin(), NULL);
	HAS(a, "\"events\":5,");
}

static void test_the_dashboard_resets_a_key_from_its_own_page_only(void **state)
{
	static const char *h[7];
	char auth[256];
	struct answer *a;

	(void)state;
	a = call("POST", "/api/v1/events", as_agent(KEY_A, true), events("C02PAGE", "r1", 1, 1, "wait"));
	assert_int_equal(a->cap.status, 200);
	snprintf(auth, sizeof(auth), "Bearer %s", srv.admin_token);
	h[0] = "Authorization"; h[1] = auth; h[2] = "Host"; h[3] = "eg.example:8700";
	h[4] = "Origin"; h[5] = "https://evil.example"; h[6] = NULL;
	a = call("POST", "/devices/C02PAGE/reset-key", h, "");
	assert_int_equal(a->cap.status, 403);
	h[5] = "http://eg.example:8700";
	a = call("POST", "/devices/C02PAGE/reset-key", h, "");
	assert_int_equal(a->cap.status, 303);
	assert_string_equal(a->cap.location, "/devices/C02PAGE");
	a = call("GET", "/api/v1/devices/C02PAGE", as_admin(), NULL);
	HAS(a, "\"has_key\":false");
	a = call("GET", "/devices/C02PAGE", as_admin(), NULL);
	HAS(a, "none (the next batch with the enroll token registers one)");
}

static void test_the_database_files_are_private(void **state)
{
	struct stat st;
	char wal[160];

	(void)state;
	assert_int_equal(stat(db, &st), 0);
	assert_int_equal(st.st_mode & 077, 0);
	snprintf(wal, sizeof(wal), "%s-wal", db);
	if (stat(wal, &st) == 0)
		assert_int_equal(st.st_mode & 077, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_the_route_table_answers_404_405_and_allow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_the_path_is_decoded_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_device_key_is_registered_once_and_then_required, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_malformed_key_header_is_400, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_past_the_clock_are_refused_and_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_types_are_stored_shown_and_change_no_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runs_are_ordered_by_when_the_server_first_saw_them, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_mac_keeps_at_most_its_cap_of_events, setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_new_macs_from_one_address_are_limited, setup_reg, teardown),
		cmocka_unit_test_setup_teardown(test_filters_are_read_alike_by_the_api_and_the_dashboard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_cross_site_login_post_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retain_prunes_old_events_during_ingest_and_keeps_the_mac, setup_retain, teardown),
		cmocka_unit_test_setup_teardown(test_the_dashboard_resets_a_key_from_its_own_page_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_the_database_files_are_private, setup, teardown),
	};
	RUN(tests);
}
