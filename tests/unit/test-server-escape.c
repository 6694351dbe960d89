/* enrollguard-server: what a device sent, made safe for a page or a URL. */
#include "unit.h"

#include <stdio.h>

#include "escape.h"

static void test_html_escaping_leaves_no_markup(void **state)
{
	struct eg_buf b = EG_BUF_INIT(1024);

	(void)state;
	assert_int_equal(html_escape(&b, "<script>alert('x')</script> & \"q\""), EG_OK);
	assert_string_equal(b.buf,
		"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	eg_buf_release(&b);
}

static void test_url_escaping_round_trips_through_decoding(void **state)
{
	struct eg_buf b = EG_BUF_INIT(1024);
	char s[128];

	(void)state;
	assert_int_equal(url_escape(&b, "C02 X/<y>?&#"), EG_OK);
	assert_string_equal(b.buf, "C02%20X%2F%3Cy%3E%3F%26%23");
	snprintf(s, sizeof(s), "%s", b.buf);
	assert_true(url_decode(s));
	assert_string_equal(s, "C02 X/<y>?&#");
	eg_buf_release(&b);
}

static void test_malformed_or_nul_escapes_are_refused(void **state)
{
	char a[] = "abc%", b[] = "%zz", c[] = "x%00y", d[] = "a+b%41";

	(void)state;
	assert_false(url_decode(a));
	assert_false(url_decode(b));
	assert_false(url_decode(c));
	assert_true(url_decode(d));
	assert_string_equal(d, "a bA");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_escaping_leaves_no_markup),
		cmocka_unit_test(test_url_escaping_round_trips_through_decoding),
		cmocka_unit_test(test_malformed_or_nul_escapes_are_refused),
	};
	RUN(tests);
}
