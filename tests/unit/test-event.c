#define UNIT_MAN
#include "unit.h"

#include "event.h"
#include "json.h"

static void test_event_json_line_has_every_field(void **state)
{
	struct eg_buf b = EG_BUF_INIT(4096);
	struct eg_host h = { "FVFXC2ABJ1WK", "MacBookAir9,1", "10.15.6", "19G2021", "x86_64" };
	struct eg_event ev = { 1596733387321LL, &h, "0123456789abcdef0123456789abcdef", 7,
			       EG_EV_RENEW_RESULT, "{\"ok\":false}", "attempt 3 failed" };

	(void)state;
	assert_int_equal(eg_event_json(&ev, &b), EG_OK);
	assert_string_equal(b.buf,
			    "{\"v\":1,\"ts\":\"2020-08-06T17:03:07.321Z\",\"host\":{\"serial\":\"FVFXC2ABJ1WK\","
			    "\"model\":\"MacBookAir9,1\",\"os\":\"10.15.6\",\"build\":\"19G2021\",\"arch\":\"x86_64\"},"
			    "\"run_id\":\"0123456789abcdef0123456789abcdef\",\"seq\":7,\"type\":\"renew.result\","
			    "\"data\":{\"ok\":false},\"text\":\"attempt 3 failed\"}\n");
	eg_buf_release(&b);
}

static void test_event_human_line_is_one_line(void **state)
{
	struct eg_buf b = EG_BUF_INIT(4096);
	struct eg_host h = { "", "", "", "", "" };
	struct eg_event ev = { 1596733387321LL, &h, "x", 1, EG_EV_WAIT, NULL,
			       "dasd said\nno\r" };

	(void)state;
	assert_int_equal(eg_event_human(&ev, -420, &b), EG_OK);
	assert_string_equal(b.buf, "2020-08-06 10:03:07 -0700 wait: dasd said no \n");
	eg_buf_release(&b);
}

static void test_run_id_is_hex(void **state)
{
	unsigned char r[16] = { 0xde, 0xad, 0xbe, 0xef };
	char out[33];

	(void)state;
	eg_event_run_id(r, out);
	assert_string_equal(out, "deadbeef000000000000000000000000");
}

static void test_unknown_type_is_refused_not_written(void **state)
{
	struct eg_buf b = EG_BUF_INIT(4096);
	struct eg_host h = { "", "", "", "", "" };
	struct eg_event ev = { 0, &h, "x", 1, EG_EV_UNKNOWN, NULL, "t" };

	(void)state;
	assert_int_equal(eg_event_json(&ev, &b), EG_ERR_INVALID);
	ev.type = EG_EV_COUNT;
	assert_int_equal(eg_event_human(&ev, 0, &b), EG_ERR_INVALID);
	assert_int_equal(b.len, 0);
	eg_buf_release(&b);
}

static void test_type_rows_are_sorted_unique_and_well_formed(void **state)
{
	int t;

	(void)state;
	assert_null(eg_event_type_name(EG_EV_UNKNOWN));
	assert_null(eg_event_type_keys(EG_EV_UNKNOWN));
	assert_null(eg_event_type_name(EG_EV_COUNT));
	assert_null(eg_event_type_name((enum eg_event_type)-1));
	for (t = 1; t < EG_EV_COUNT; t++) {
		const char *n = eg_event_type_name((enum eg_event_type)t);
		const char *k = eg_event_type_keys((enum eg_event_type)t);

		assert_non_null(n);
		assert_non_null(k);
		assert_true(n[0] && strspn(n, "abcdefghijklmnopqrstuvwxyz._") == strlen(n));
		if (t > 1)
			assert_true(strcmp(eg_event_type_name((enum eg_event_type)(t - 1)), n) < 0);
		/* members: [a-z_]+ separated by single spaces */
		assert_true(strspn(k, "abcdefghijklmnopqrstuvwxyz_ ") == strlen(k));
		assert_null(strstr(k, "  "));
		if (k[0])
			assert_true(k[0] != ' ' && k[strlen(k) - 1] != ' ');
	}
	assert_true(EG_EV_COUNT > 30);
}

static void test_lookup_finds_each_name_and_only_whole_names(void **state)
{
	int t;

	(void)state;
	for (t = 1; t < EG_EV_COUNT; t++) {
		const char *n = eg_event_type_name((enum eg_event_type)t);

		assert_int_equal(eg_event_type_lookup(n, strlen(n)), t);
		assert_int_equal(eg_event_type_lookup(n, strlen(n) - 1), EG_EV_UNKNOWN);
	}
	/* the length bounds the name: no NUL needed */
	assert_int_equal(eg_event_type_lookup("run.startXYZ", 9), EG_EV_RUN_START);
	assert_int_equal(eg_event_type_lookup(S("dasd.verdict")), EG_EV_DASD_VERDICT);
	assert_int_equal(eg_event_type_lookup(S("dasd.verdicts")), EG_EV_UNKNOWN);
	assert_int_equal(eg_event_type_lookup(S("Wait")), EG_EV_UNKNOWN);
	assert_int_equal(eg_event_type_lookup(S("run.")), EG_EV_UNKNOWN);
	assert_int_equal(eg_event_type_lookup(S("zzz")), EG_EV_UNKNOWN);
	assert_int_equal(eg_event_type_lookup(S("a")), EG_EV_UNKNOWN);
	assert_int_equal(eg_event_type_lookup("", 0), EG_EV_UNKNOWN);
	assert_int_equal(eg_event_type_lookup(S("wait\0x")), EG_EV_UNKNOWN);
}

static void test_has_key_matches_whole_members_of_its_type(void **state)
{
	(void)state;
	assert_true(eg_event_type_has_key(EG_EV_DASD_VERDICT, S("blocking_policy")));
	assert_true(eg_event_type_has_key(EG_EV_DASD_VERDICT, S("activity")));
	assert_true(eg_event_type_has_key(EG_EV_DASD_VERDICT, S("policies")));
	assert_false(eg_event_type_has_key(EG_EV_DASD_VERDICT, S("blocking")));
	assert_false(eg_event_type_has_key(EG_EV_DASD_VERDICT, S("policie")));
	assert_false(eg_event_type_has_key(EG_EV_DASD_VERDICT, S("activity decision")));
	assert_false(eg_event_type_has_key(EG_EV_DASD_VERDICT, "", 0));
	assert_true(eg_event_type_has_key(EG_EV_SETUP_STUCK, S("waited_ms")));
	assert_false(eg_event_type_has_key(EG_EV_RENEW_ATTEMPT, S("ok")));
	assert_false(eg_event_type_has_key(EG_EV_WAIT, S("attempt")));
	assert_false(eg_event_type_has_key(EG_EV_UNKNOWN, S("attempt")));
}

/* the one wording macro a caller passes expands to its type and format */
static void test_text_macros_carry_their_type(void **state)
{
	struct { enum eg_event_type t; const char *fmt; } blocked = { EG_TEXT_DASD_BLOCKED },
		stuck = { EG_TEXT_SETUP_STUCK }, failed = { EG_TEXT_RENEW_FAILED_CODE };

	(void)state;
	assert_int_equal(blocked.t, EG_EV_DASD_VERDICT);
	assert_string_equal(blocked.fmt, "dasd: %s %s (%s) for %s");
	assert_int_equal(stuck.t, EG_EV_SETUP_STUCK);
	assert_int_equal(failed.t, EG_EV_RENEW_RESULT);
	assert_string_equal(failed.fmt, "attempt %u failed: (%ld) %s");
}

static void test_server_man_page_lists_each_type_with_its_members(void **state)
{
	struct eg_buf sec = EG_BUF_INIT(64 * 1024);
	bool seen[EG_EV_COUNT] = { false };
	enum eg_event_type cur = EG_EV_UNKNOWN;
	const char *p, *nl;
	char w[32][64];
	int t;

	(void)state;
	unit_man_between("enrollguard-server.8", ".Sh EVENT TYPES", ".Sh ", &sec);
	for (p = sec.buf; (nl = strchr(p, '\n')); p = nl + 1) {
		size_t len = (size_t)(nl - p), n, i;
		char keys[512] = "";

		if (len > 7 && !memcmp(p, ".It Li ", 7)) {
			n = unit_man_words(p + 4, len - 4, w, 32);
			assert_int_equal(n, 1);
			cur = eg_event_type_lookup(w[0], strlen(w[0]));
			if (cur == EG_EV_UNKNOWN)
				fail_msg("enrollguard-server(8) lists '%s', which is no event type", w[0]);
			assert_false(seen[cur]);
			seen[cur] = true;
			/* the members, if any, are the next line */
			if (!(nl[1] == '.' && nl[2] == 'L' && nl[3] == 'i' && nl[4] == ' ')) {
				if (eg_event_type_keys(cur)[0])
					fail_msg("enrollguard-server(8) lists no members for %s",
						 eg_event_type_name(cur));
			}
		} else if (len > 4 && !memcmp(p, ".Li ", 4) && cur != EG_EV_UNKNOWN) {
			n = unit_man_words(p, len, w, 32);
			for (i = 0; i < n; i++)
				snprintf(keys + strlen(keys), sizeof(keys) - strlen(keys), "%s%s",
					 i ? " " : "", w[i]);
			if (strcmp(keys, eg_event_type_keys(cur)))
				fail_msg("enrollguard-server(8) gives %s the members '%s'; the table, '%s'",
					 eg_event_type_name(cur), keys, eg_event_type_keys(cur));
			cur = EG_EV_UNKNOWN;
		}
	}
	for (t = 1; t < EG_EV_COUNT; t++)
		if (!seen[t])
			fail_msg("enrollguard-server(8) EVENT TYPES lacks %s",
				 eg_event_type_name((enum eg_event_type)t));
	eg_buf_release(&sec);
}

static void test_agent_man_page_names_each_type_once(void **state)
{
	struct eg_buf sec = EG_BUF_INIT(64 * 1024);
	bool seen[EG_EV_COUNT] = { false };
	const char *p, *nl;
	char w[32][64];
	int t;

	(void)state;
	unit_man_between("enrollguard.8", ".Sh EVENTS", ".Sh ", &sec);
	for (p = sec.buf; (nl = strchr(p, '\n')); p = nl + 1) {
		size_t len = (size_t)(nl - p), n, i;

		if (len <= 7 || memcmp(p, ".It Li ", 7))
			continue;
		n = unit_man_words(p + 4, len - 4, w, 32);
		for (i = 0; i < n; i++) {
			enum eg_event_type e = eg_event_type_lookup(w[i], strlen(w[i]));

			if (e == EG_EV_UNKNOWN)
				fail_msg("enrollguard(8) EVENTS lists '%s', which is no event type", w[i]);
			if (seen[e])
				fail_msg("enrollguard(8) EVENTS lists %s twice", w[i]);
			seen[e] = true;
		}
	}
	for (t = 1; t < EG_EV_COUNT; t++)
		if (!seen[t])
			fail_msg("enrollguard(8) EVENTS lacks %s",
				 eg_event_type_name((enum eg_event_type)t));
	eg_buf_release(&sec);
}

/* A relaunch reads the JSON-lines log for its run's last seq and attempt. */
static void test_scan_run_finds_the_runs_highest_seq_and_attempt(void **state)
{
	struct eg_host h = { "FVFXC2ABJ1WK", "", "", "", "" };
	struct eg_event ev = { 0, &h, "aaaa", 0, EG_EV_RENEW_ATTEMPT, NULL, "x" };
	struct eg_buf b = EG_BUF_INIT(1 << 16);
	uint64_t seq, attempt;

	(void)state;
	ev.seq = 4, ev.data_json = "{\"attempt\":2}";
	assert_int_equal(eg_event_json(&ev, &b), EG_OK);
	ev.seq = 5, ev.type = EG_EV_WAIT, ev.data_json = NULL;
	ev.text = "\"run_id\":\"aaaa\",\"seq\":99 in a text is no event";
	assert_int_equal(eg_event_json(&ev, &b), EG_OK);
	ev.run_id = "bbbb", ev.seq = 50, ev.type = EG_EV_RENEW_ATTEMPT;
	ev.data_json = "{\"attempt\":9}";
	assert_int_equal(eg_event_json(&ev, &b), EG_OK);   /* renew's, or another run */
	assert_int_equal(eg_buf_addstr(&b, "{\"v\":1,\"ts\":\"2026-11-23T00:35:28.5"), EG_OK);
	eg_event_scan_run(b.buf, b.len, "aaaa", &seq, &attempt);
	assert_int_equal(seq, 5);
	assert_int_equal(attempt, 2);
	eg_event_scan_run(b.buf, b.len, "cccc", &seq, &attempt);
	assert_int_equal(seq, 0);
	assert_int_equal(attempt, 0);
	eg_buf_release(&b);
}

static void test_line_priority_follows_the_type(void **state)
{
	struct eg_host h = { "", "", "", "", "" };
	struct eg_event ev = { 0, &h, "aaaa", 1, EG_EV_DASD_VERDICT, NULL, "type\":\"run.enrolled" };
	struct eg_buf b = EG_BUF_INIT(4096);
	unsigned kind;

	(void)state;
	assert_int_equal(eg_event_json(&ev, &b), EG_OK);
	assert_int_equal(eg_event_line_prio(b.buf, b.len, &kind), EG_SPOOL_LOW);
	assert_int_equal(kind, EG_EV_DASD_VERDICT);
	eg_buf_reset(&b);
	ev.type = EG_EV_RUN_ENROLLED;
	assert_int_equal(eg_event_json(&ev, &b), EG_OK);
	assert_int_equal(eg_event_line_prio(b.buf, b.len, &kind), EG_SPOOL_OUTCOME);
	assert_int_equal(eg_event_line_prio(S("{\"type\":\"from.the.future\"}"), &kind),
			 EG_SPOOL_NORMAL);
	assert_int_equal(kind, EG_EV_UNKNOWN);
	assert_int_equal(eg_event_line_prio(S("not json"), &kind), EG_SPOOL_NORMAL);
	assert_int_equal(eg_event_spool_prio(EG_EV_THERMAL_SAMPLE), EG_SPOOL_LOW);
	assert_int_equal(eg_event_spool_prio(EG_EV_RUN_START), EG_SPOOL_OUTCOME);
	assert_int_equal(eg_event_spool_prio(EG_EV_RENEW_RESULT), EG_SPOOL_NORMAL);
	eg_buf_release(&b);
}

/* The empty host is one exact string the reporter can find and replace. */
static void test_the_empty_host_is_what_an_early_event_carries(void **state)
{
	struct eg_host h = { "", "", "", "", "" };
	struct eg_event ev = { 0, &h, "aaaa", 1, EG_EV_RUN_START, NULL, "x" };
	struct eg_buf line = EG_BUF_INIT(4096), host = EG_BUF_INIT(512);

	(void)state;
	assert_int_equal(eg_event_json(&ev, &line), EG_OK);
	assert_int_equal(eg_event_host_json(&h, &host), EG_OK);
	assert_string_equal(host.buf,
			    "{\"serial\":\"\",\"model\":\"\",\"os\":\"\",\"build\":\"\",\"arch\":\"\"}");
	assert_non_null(strstr(line.buf, host.buf));
	eg_buf_release(&line);
	eg_buf_release(&host);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_json_line_has_every_field),
		cmocka_unit_test(test_event_human_line_is_one_line),
		cmocka_unit_test(test_run_id_is_hex),
		cmocka_unit_test(test_unknown_type_is_refused_not_written),
		cmocka_unit_test(test_type_rows_are_sorted_unique_and_well_formed),
		cmocka_unit_test(test_lookup_finds_each_name_and_only_whole_names),
		cmocka_unit_test(test_has_key_matches_whole_members_of_its_type),
		cmocka_unit_test(test_text_macros_carry_their_type),
		cmocka_unit_test(test_server_man_page_lists_each_type_with_its_members),
		cmocka_unit_test(test_agent_man_page_names_each_type_once),
		cmocka_unit_test(test_scan_run_finds_the_runs_highest_seq_and_attempt),
		cmocka_unit_test(test_line_priority_follows_the_type),
		cmocka_unit_test(test_the_empty_host_is_what_an_early_event_carries),
	};
	RUN(tests);
}
