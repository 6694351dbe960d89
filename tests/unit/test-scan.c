#include "unit.h"

#include "scan.h"

static void test_scan_chain_advances_only_on_success(void **state)
{
	struct eg_scan s;
	int64_t m = 0;

	(void)state;
	eg_scan_init(&s, S("Fan: 1836.76 rpm"));
	assert_int_equal(eg_scan_lit(&s, "Fan: ") || eg_scan_milli(&s, &m) ||
			 eg_scan_lit(&s, " rpm"), 0);
	assert_int_equal(m, 1836760);
	assert_true(eg_scan_eof(&s));
	eg_scan_init(&s, S("Fan: x"));
	assert_int_not_equal(eg_scan_lit(&s, "Fan: ") || eg_scan_milli(&s, &m), 0);
}

static void test_scan_uint_refuses_overflow_and_range(void **state)
{
	struct eg_scan s;
	uint64_t v;

	(void)state;
	eg_scan_init(&s, S("18446744073709551616"));
	assert_int_not_equal(eg_scan_uint(&s, &v, UINT64_MAX), 0);
	eg_scan_init(&s, S("101"));
	assert_int_not_equal(eg_scan_uint(&s, &v, 100), 0);
	assert_int_equal(eg_scan_uint(&s, &v, 101), 0);
	assert_int_equal(v, 101);
}

static void test_scan_milli_reads_negative_and_fraction(void **state)
{
	struct eg_scan s;
	int64_t m;

	(void)state;
	eg_scan_init(&s, S("-1"));
	assert_int_equal(eg_scan_milli(&s, &m), 0);
	assert_int_equal(m, -1000);
	eg_scan_init(&s, S("63.44"));
	assert_int_equal(eg_scan_milli(&s, &m), 0);
	assert_int_equal(m, 63440);
	eg_scan_init(&s, S("0.827808"));
	assert_int_equal(eg_scan_milli(&s, &m), 0);
	assert_int_equal(m, 827);
}

static void test_next_line_handles_crlf_and_missing_newline(void **state)
{
	const char text[] = "a\r\nb\nlast";
	const char *p = text, *end = text + sizeof(text) - 1;
	struct eg_str l;

	(void)state;
	assert_true(eg_next_line(&p, end, &l));
	assert_true(eg_str_eq(l, "a"));
	assert_true(eg_next_line(&p, end, &l));
	assert_true(eg_str_eq(l, "b"));
	assert_true(eg_next_line(&p, end, &l));
	assert_true(eg_str_eq(l, "last"));
	assert_false(eg_next_line(&p, end, &l));
}

static void test_durations_accept_units_and_refuse_junk(void **state)
{
	uint64_t ms;
	char out[16];

	(void)state;
	assert_int_equal(eg_parse_duration("250ms", &ms, 1000000), EG_OK);
	assert_int_equal(ms, 250);
	assert_int_equal(eg_parse_duration("5s", &ms, 1000000), EG_OK);
	assert_int_equal(ms, 5000);
	assert_int_equal(eg_parse_duration("2m", &ms, 1000000), EG_OK);
	assert_int_equal(ms, 120000);
	assert_int_equal(eg_parse_duration("1h", &ms, 1000000), EG_ERR_RANGE);
	assert_int_equal(eg_parse_duration("0", &ms, 1000000), EG_OK);
	assert_int_equal(eg_parse_duration("5", &ms, 1000000), EG_ERR_INVALID);
	assert_int_equal(eg_parse_duration("5 s", &ms, 1000000), EG_ERR_INVALID);
	assert_int_equal(eg_parse_duration("-5s", &ms, 1000000), EG_ERR_INVALID);
	assert_int_equal(eg_parse_duration("5sec", &ms, 1000000), EG_ERR_INVALID);
	assert_int_equal(eg_parse_duration("", &ms, 1000000), EG_ERR_INVALID);
	eg_format_duration(120000, out, sizeof(out));
	assert_string_equal(out, "2m");
	eg_format_duration(1500, out, sizeof(out));
	assert_string_equal(out, "1500ms");
}

static void test_str_find_and_trim(void **state)
{
	struct eg_str a = eg_str_from("  UCRT is unavailable.\r\n");

	(void)state;
	assert_non_null(eg_str_find(a, "unavailable"));
	assert_null(eg_str_find(a, "available!"));
	assert_true(eg_str_eq(eg_str_trim(a), "UCRT is unavailable."));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_chain_advances_only_on_success),
		cmocka_unit_test(test_scan_uint_refuses_overflow_and_range),
		cmocka_unit_test(test_scan_milli_reads_negative_and_fraction),
		cmocka_unit_test(test_next_line_handles_crlf_and_missing_newline),
		cmocka_unit_test(test_durations_accept_units_and_refuse_junk),
		cmocka_unit_test(test_str_find_and_trim),
	};
	RUN(tests);
}
