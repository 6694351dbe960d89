/* JSON output must stay valid whatever bytes a device sends. */
#include "unit.h"

#include "json.h"

static void test_json_escapes_hostile_strings(void **state)
{
	struct eg_buf b = EG_BUF_INIT(4096);

	(void)state;
	assert_int_equal(eg_json_quote(&b, S("<script>\"\\\n\x01\xff\xc3\xa9")), EG_OK);
	assert_string_equal(b.buf, "\"<script>\\\"\\\\\\n\\u0001\\ufffd\xc3\xa9\"");
	eg_buf_release(&b);
	/* a truncated UTF-8 sequence and an overlong encoding */
	assert_int_equal(eg_json_quote(&b, S("\xe2\x82" "a" "\xc0\xaf")), EG_OK);
	assert_string_equal(b.buf, "\"\\ufffd\\ufffda\\ufffd\\ufffd\"");
	eg_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_escapes_hostile_strings),
	};
	RUN(tests);
}
