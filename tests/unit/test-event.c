#include "unit.h"

#include "event.h"
#include "json.h"

static void test_event_json_line_has_every_field(void **state)
{
	struct eg_buf b = EG_BUF_INIT(4096);
	struct eg_host h = { "FVFXC2ABJ1WK", "MacBookAir9,1", "10.15.6", "19G2021", "x86_64" };
	struct eg_event ev = { 1596733387321LL, &h, "0123456789abcdef0123456789abcdef", 7,
			       "renew.result", "{\"ok\":false}", "attempt 3 failed" };

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
	struct eg_event ev = { 1596733387321LL, &h, "x", 1, "wait", NULL,
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_json_line_has_every_field),
		cmocka_unit_test(test_event_human_line_is_one_line),
		cmocka_unit_test(test_run_id_is_hex),
	};
	RUN(tests);
}
