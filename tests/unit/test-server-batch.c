/* enrollguard-server: the event schema a batch is checked against. */
#include "unit.h"

#include "batch.h"
#include "buf.h"

#define EVENT(serial, seq, type) \
	"{\"v\":1,\"ts\":\"2026-11-23T00:35:28.123Z\",\"host\":{\"serial\":\"" serial "\"," \
	"\"model\":\"MacBookAir10,1\",\"os\":\"14.6.1\",\"build\":\"23G93\",\"arch\":\"arm64\"}," \
	"\"run_id\":\"5f0c2b\",\"seq\":" #seq ",\"type\":\"" type "\",\"data\":{\"hot\":true}," \
	"\"text\":\"CPU die 96 C\"}"

static enum eg_err parse(const char *body, struct batch *b, struct eg_diag *d)
{
	return batch_parse(body, strlen(body), b, d);
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
	check_refused("[" EVENT("C02", 1, "bogus.type") "]", "events[0].type");
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
	assert_int_equal(batch_parse(body.buf, body.len, &b, &d), EG_ERR_TOO_LARGE);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_batch_from_the_agent_is_accepted_field_by_field),
		cmocka_unit_test(test_unknown_members_are_ignored_for_newer_agents),
		cmocka_unit_test(test_wrong_fields_are_refused_naming_the_field),
		cmocka_unit_test(test_a_batch_of_more_than_1000_events_is_too_large),
		cmocka_unit_test(test_hostile_text_is_kept_as_text),
	};
	RUN(tests);
}
