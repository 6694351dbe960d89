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

static void test_writer_nests_objects_and_arrays_with_commas(void **state)
{
	struct eg_buf b = EG_BUF_INIT(4096);
	struct eg_jw w;
	int i;

	(void)state;
	eg_jw_begin(&w, &b);
	eg_jw_str(&w, "verdict", "warn");
	eg_jw_array(&w, "items");
	for (i = 0; i < 3; i++) {
		eg_jw_elem(&w);
		eg_jw_int(&w, "n", i);
		eg_jw_object(&w, "data");
		eg_jw_bool(&w, "odd", i & 1);
		eg_jw_end(&w);
		eg_jw_end(&w);
	}
	eg_jw_end(&w);
	eg_jw_array(&w, "empty");
	eg_jw_end(&w);
	eg_jw_array(&w, "values");
	eg_jw_str(&w, NULL, "a");
	eg_jw_int(&w, NULL, -1);
	eg_jw_null(&w, NULL);
	eg_jw_raw(&w, NULL, "{}");
	eg_jw_array(&w, NULL);
	eg_jw_bool(&w, NULL, true);
	eg_jw_end(&w);
	eg_jw_end(&w);
	eg_jw_object(&w, "last");
	eg_jw_end(&w);
	eg_jw_end(&w);
	assert_int_equal(w.rc, EG_OK);
	assert_int_equal(w.depth, 0);
	assert_string_equal(b.buf,
		"{\"verdict\":\"warn\",\"items\":[{\"n\":0,\"data\":{\"odd\":false}},"
		"{\"n\":1,\"data\":{\"odd\":true}},{\"n\":2,\"data\":{\"odd\":false}}],"
		"\"empty\":[],\"values\":[\"a\",-1,null,{},[true]],\"last\":{}}");
	eg_buf_release(&b);
}

/* Each misuse stops the writer with EG_ERR_INVALID and writes nothing more. */
static void test_writer_misuse_is_a_sticky_error(void **state)
{
	struct eg_buf b = EG_BUF_INIT(4096);
	struct eg_jw w;
	size_t len;
	int i;

	(void)state;
	/* a key inside an array */
	eg_jw_begin(&w, &b);
	eg_jw_array(&w, "a");
	len = b.len;
	eg_jw_str(&w, "k", "v");
	assert_int_equal(w.rc, EG_ERR_INVALID);
	eg_jw_end(&w);
	eg_jw_end(&w);
	assert_int_equal(b.len, len);
	assert_string_equal(b.buf, "{\"a\":[");
	/* a value without a key inside an object */
	eg_buf_reset(&b);
	eg_jw_begin(&w, &b);
	eg_jw_int(&w, NULL, 1);
	assert_int_equal(w.rc, EG_ERR_INVALID);
	/* an element outside an array */
	eg_buf_reset(&b);
	eg_jw_begin(&w, &b);
	eg_jw_elem(&w);
	assert_int_equal(w.rc, EG_ERR_INVALID);
	/* one end too many, and a member after the document closed */
	eg_buf_reset(&b);
	eg_jw_begin(&w, &b);
	eg_jw_end(&w);
	assert_int_equal(w.rc, EG_OK);
	eg_jw_str(&w, "late", "x");
	assert_int_equal(w.rc, EG_ERR_INVALID);
	assert_string_equal(b.buf, "{}");
	eg_buf_reset(&b);
	eg_jw_begin(&w, &b);
	eg_jw_end(&w);
	eg_jw_end(&w);
	assert_int_equal(w.rc, EG_ERR_INVALID);
	/* nesting deeper than EG_JW_DEPTH */
	eg_buf_reset(&b);
	eg_jw_begin(&w, &b);
	for (i = 1; i < EG_JW_DEPTH; i++)
		eg_jw_array(&w, i == 1 ? "deep" : NULL);
	assert_int_equal(w.rc, EG_OK);
	assert_int_equal(w.depth, EG_JW_DEPTH);
	eg_jw_array(&w, NULL);
	assert_int_equal(w.rc, EG_ERR_INVALID);
	eg_buf_release(&b);
}

/* A buffer that fills up stops the writer too, and frees what it held. */
static void test_writer_keeps_the_buffers_error(void **state)
{
	struct eg_buf b = EG_BUF_INIT(24);
	struct eg_jw w;

	(void)state;
	eg_jw_begin(&w, &b);
	eg_jw_array(&w, "items");
	eg_jw_elem(&w);
	eg_jw_str(&w, "key", "a value longer than the cap");
	assert_int_equal(w.rc, EG_ERR_TOO_LARGE);
	eg_jw_end(&w);
	eg_jw_elem(&w);
	eg_jw_end(&w);
	eg_jw_end(&w);
	eg_jw_end(&w);
	assert_int_equal(w.rc, EG_ERR_TOO_LARGE);
	assert_int_equal(b.len, 0);
	eg_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_escapes_hostile_strings),
		cmocka_unit_test(test_writer_nests_objects_and_arrays_with_commas),
		cmocka_unit_test(test_writer_misuse_is_a_sticky_error),
		cmocka_unit_test(test_writer_keeps_the_buffers_error),
	};
	RUN(tests);
}
