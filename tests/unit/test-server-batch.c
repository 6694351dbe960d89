/* enrollguard-server: the event schema a batch is checked against. */
#include "unit.h"

#include "batch.h"
#include "buf.h"

#define EVENT(serial, seq, type) \
	"{\"v\":1,\"ts\":\"2026-11-23T00:35:28.123Z\",\"host\":{\"serial\":\"" serial "\"," \
	"\"model\":\"MacBookAir10,1\",\"os\":\"14.6.1\",\"build\":\"23G93\",\"arch\":\"arm64\"}," \
	"\"run_id\":\"5f0c2b\",\"seq\":" #seq ",\"type\":\"" type "\",\"data\":{\"hot\":true}," \
	"\"text\":\"CPU die 96 C\"}"

/* The server's clock: 2026-11-23T00:40:00Z, five minutes after EVENT's time. */
#define NOW_MS 1795394400000LL
#define SKEW_MS (10 * 60 * 1000LL)

static enum eg_err parse(const char *body, struct batch *b, struct eg_diag *d)
{
	return batch_parse(body, strlen(body), NOW_MS, SKEW_MS, b, d);
}

static void test_a_batch_from_the_agent_is_accepted_field_by_field(void **state)
{
	struct batch b = BATCH_INIT;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	assert_int_equal(parse("[" EVENT("C02ZK0AAMD6M", 1, "run.start") ","
			       EVENT("C02ZK0AAMD6M", 2, "thermal.sample") "]", &b, &d), EG_OK);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.ev[1].serial, "C02ZK0AAMD6M");
	assert_string_equal(b.ev[1].model, "MacBookAir10,1");
	assert_string_equal(b.ev[1].type, "thermal.sample");
	assert_int_equal(b.ev[1].seq, 2);
	assert_int_equal(b.ev[1].ts_ms, 1795394128123LL);
	assert_string_equal(b.ev[1].data_json, "{\"hot\":true}");
	assert_string_equal(b.ev[1].text, "CPU die 96 C");
	batch_release(&b);
}

static void test_unknown_members_are_ignored_for_newer_agents(void **state)
{
	struct batch b = BATCH_INIT;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	assert_int_equal(parse("[{\"v\":1,\"ts\":\"2026-11-23T00:35:28Z\",\"future\":[1,2],"
			       "\"host\":{\"serial\":\"X1\",\"gpu\":\"M9\"},\"run_id\":\"r\","
			       "\"seq\":3,\"type\":\"wait\"}]", &b, &d), EG_OK);
	assert_string_equal(b.ev[0].data_json, "{}");
	assert_string_equal(b.ev[0].text, "");
	batch_release(&b);
}

/* Each refusal names the field, as the API promises. */
static void check_refused(const char *body, const char *expect)
{
	struct batch b = BATCH_INIT;
	struct eg_diag d = EG_DIAG_INIT;

	assert_int_not_equal(parse(body, &b, &d), EG_OK);
	assert_int_equal(b.n, 0);
	batch_release(&b);   /* the list of malformed events */
	if (!strstr(d.msg, expect))
		fail_msg("'%s' does not name '%s'", d.msg, expect);
}

static void test_wrong_fields_are_refused_naming_the_field(void **state)
{
	(void)state;
	check_refused("", "not JSON");
	check_refused("{}", "must be a JSON array");
	check_refused("[]", "no events");
	check_refused("[1]", "events[0]: must be an object");
	check_refused("[{\"ts\":\"2026-11-23T00:35:28Z\"}]", "events[0].v");
	check_refused("[{\"v\":2}]", "events[0].v");
	check_refused("[{\"v\":1,\"seq\":0}]", "events[0].seq");
	check_refused("[{\"v\":1,\"seq\":1.5}]", "events[0].seq");
	check_refused("[{\"v\":1,\"seq\":1,\"ts\":\"yesterday\"}]", "events[0].ts");
	check_refused("[" EVENT("C02", 1, "Bogus Type!") "]", "events[0].type");
	check_refused("[" EVENT("", 1, "wait") "]", "events[0].host.serial");
	check_refused("[" EVENT("A\\u0007B", 1, "wait") "]", "control characters");
	check_refused("[" EVENT("C02A", 1, "wait") "," EVENT("C02B", 2, "wait") "]",
		      "events[1].host.serial");
	check_refused("[{\"v\":1,\"seq\":1,\"ts\":\"2026-11-23T00:35:28Z\",\"host\":{\"serial\":\"S\"},"
		      "\"run_id\":\"a b\",\"type\":\"wait\"}]", "events[0].run_id");
	check_refused("[{\"v\":1,\"seq\":1,\"ts\":\"2026-11-23T00:35:28Z\",\"host\":{\"serial\":\"S\"},"
		      "\"run_id\":\"r\",\"type\":\"wait\",\"data\":[1]}]", "events[0].data");
	check_refused("[{\"v\":1,\"v\":1}]", "not JSON");   /* duplicate keys */
}

static void test_a_batch_of_more_than_1000_events_is_too_large(void **state)
{
	struct eg_buf body = EG_BUF_INIT(4 << 20);
	struct batch b = BATCH_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	int i;

	(void)state;
	assert_int_equal(eg_buf_addch(&body, '['), EG_OK);
	for (i = 0; i < 1001; i++)
		assert_int_equal(eg_buf_addstr(&body, i ? ",{}" : "{}"), EG_OK);
	assert_int_equal(eg_buf_addch(&body, ']'), EG_OK);
	assert_int_equal(batch_parse(body.buf, body.len, NOW_MS, SKEW_MS, &b, &d), EG_ERR_TOO_LARGE);
	assert_non_null(strstr(d.msg, "at most 1000"));
	eg_buf_release(&body);
}

static void test_hostile_text_is_kept_as_text(void **state)
{
	struct batch b = BATCH_INIT;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	assert_int_equal(parse("[" EVENT("<script>alert(1)</script>", 1, "wait") "]", &b, &d),
			 EG_OK);
	assert_string_equal(b.ev[0].serial, "<script>alert(1)</script>");
	batch_release(&b);
}

static void test_an_unknown_type_from_a_newer_agent_is_kept_and_marked(void **state)
{
	struct batch b = BATCH_INIT;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	assert_int_equal(parse("[" EVENT("C02ZK0AAMD6M", 1, "run.start") ","
			       EVENT("C02ZK0AAMD6M", 2, "bluetooth.paired") "]", &b, &d), EG_OK);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.ev[0].etype, EG_EV_RUN_START);
	assert_int_equal(b.ev[1].etype, EG_EV_UNKNOWN);
	assert_string_equal(b.ev[1].type, "bluetooth.paired");
	assert_int_equal(b.unknown, 1);
	batch_release(&b);
}

#define AT(ts, seq) \
	"{\"v\":1,\"ts\":\"" ts "\",\"host\":{\"serial\":\"C02\"},\"run_id\":\"r\"," \
	"\"seq\":" #seq ",\"type\":\"wait\"}"

static void test_an_event_past_the_clock_skew_is_refused_naming_ts(void **state)
{
	struct batch b = BATCH_INIT;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	/* 9 minutes ahead of the server: within the 10 allowed */
	assert_int_equal(parse("[" AT("2026-11-23T00:49:00Z", 1) "]", &b, &d), EG_OK);
	batch_release(&b);
	assert_int_equal(parse("[" AT("2026-11-23T00:51:00Z", 1) "]", &b, &d), EG_ERR_INVALID);
	assert_non_null(strstr(d.msg, "events[0].ts: is 660 s past the server's clock"));
	batch_release(&b);
	assert_int_equal(parse("[" AT("9999-12-31T23:59:59Z", 1) "]", &b, &d), EG_ERR_INVALID);
	assert_non_null(strstr(d.msg, "events[0].ts"));
	batch_release(&b);
}

static void test_a_400_names_every_malformed_event_and_only_those(void **state)
{
	struct batch b = BATCH_INIT;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	assert_int_equal(parse("[" AT("2026-11-23T00:35:00Z", 1) ","
			       AT("9999-12-31T00:00:00Z", 2) ","
			       AT("2026-11-23T00:35:01Z", 3) ","
			       "{\"v\":1,\"seq\":\"x\"}]", &b, &d), EG_ERR_INVALID);
	assert_int_equal(b.n, 0);
	assert_int_equal(b.nbad, 2);
	assert_int_equal(b.bad[0], 1);
	assert_int_equal(b.bad[1], 3);
	assert_non_null(strstr(d.msg, "events[1].ts"));
	assert_non_null(strstr(d.msg, "and 1 more"));
	batch_release(&b);
}

static void test_numbers_the_fleet_view_reads_are_range_checked_before_conversion(void **state)
{
	struct batch b = BATCH_INIT;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	assert_int_equal(parse("[{\"v\":1,\"ts\":\"2026-11-23T00:35:00Z\",\"host\":{\"serial\":\"C\"},"
			       "\"run_id\":\"r\",\"seq\":1,\"type\":\"thermal.sample\","
			       "\"data\":{\"cpu_die_c\":1e300,\"hot\":true}}]", &b, &d),
			 EG_ERR_INVALID);
	assert_non_null(strstr(d.msg, "events[0].data.cpu_die_c: must be a number between -100 and 200"));
	batch_release(&b);
	assert_int_equal(parse("[{\"v\":1,\"ts\":\"2026-11-23T00:35:00Z\",\"host\":{\"serial\":\"C\"},"
			       "\"run_id\":\"r\",\"seq\":1,\"type\":\"renew.attempt\","
			       "\"data\":{\"attempt\":-3}}]", &b, &d), EG_ERR_INVALID);
	assert_non_null(strstr(d.msg, "events[0].data.attempt"));
	batch_release(&b);
	assert_int_equal(parse("[{\"v\":1,\"ts\":\"2026-11-23T00:35:00Z\",\"host\":{\"serial\":\"C\"},"
			       "\"run_id\":\"r\",\"seq\":1,\"type\":\"thermal.sample\","
			       "\"data\":{\"cpu_die_c\":-4.5}}]", &b, &d), EG_OK);
	batch_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_batch_from_the_agent_is_accepted_field_by_field),
		cmocka_unit_test(test_unknown_members_are_ignored_for_newer_agents),
		cmocka_unit_test(test_wrong_fields_are_refused_naming_the_field),
		cmocka_unit_test(test_a_batch_of_more_than_1000_events_is_too_large),
		cmocka_unit_test(test_hostile_text_is_kept_as_text),
		cmocka_unit_test(test_an_unknown_type_from_a_newer_agent_is_kept_and_marked),
		cmocka_unit_test(test_an_event_past_the_clock_skew_is_refused_naming_ts),
		cmocka_unit_test(test_a_400_names_every_malformed_event_and_only_those),
		cmocka_unit_test(test_numbers_the_fleet_view_reads_are_range_checked_before_conversion),
	};
	RUN(tests);
}
