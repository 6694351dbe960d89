#include "unit.h"

#include "timefmt.h"

static void test_civil_dates_round_trip(void **state)
{
	int64_t y;
	unsigned m, d;
	char out[40];

	(void)state;
	eg_civil_from_days(eg_days_from_civil(2024, 2, 29), &y, &m, &d);
	assert_int_equal(y, 2024);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	eg_format_iso(0, out, sizeof(out));
	assert_string_equal(out, "1970-01-01T00:00:00.000Z");
	eg_format_human(1596733387321LL, -420, out, sizeof(out));
	assert_string_equal(out, "2020-08-06 10:03:07 -0700");
}

static int64_t iso(const char *s)
{
	int64_t ms = -1;

	if (eg_parse_iso(s, strlen(s), &ms))
		return -1;
	return ms;
}

static void test_iso_timestamps_round_trip_through_the_event_format(void **state)
{
	char out[40];
	int64_t ms = 1795394128123LL;

	(void)state;
	eg_format_iso(ms, out, sizeof(out));
	assert_int_equal(iso(out), ms);
	assert_int_equal(iso("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(iso("1970-01-01T00:00:01.5Z"), 1500);
	assert_int_equal(iso("1970-01-01T00:00:01.123456789Z"), 1123);
	assert_int_equal(iso("1970-01-01T01:00:00+01:00"), 0);
	assert_int_equal(iso("1969-12-31T17:00:00-07:00"), 0);
	assert_int_equal(iso("2024-02-29T00:00:00Z"), 1709164800000LL);
}

static void test_iso_parser_refuses_what_is_not_a_timestamp(void **state)
{
	(void)state;
	assert_int_equal(iso(""), -1);
	assert_int_equal(iso("2026-11-23"), -1);
	assert_int_equal(iso("2026-11-23T00:35:28"), -1);       /* no zone */
	assert_int_equal(iso("2026-11-23 00:35:28Z"), -1);
	assert_int_equal(iso("2026-13-01T00:00:00Z"), -1);
	assert_int_equal(iso("2026-02-29T00:00:00Z"), -1);      /* not a leap year */
	assert_int_equal(iso("2026-11-31T00:00:00Z"), -1);
	assert_int_equal(iso("2026-11-23T24:00:00Z"), -1);
	assert_int_equal(iso("2026-11-23T00:00:00.Z"), -1);
	assert_int_equal(iso("2026-11-23T00:00:00Zjunk"), -1);
	assert_int_equal(iso("2026-11-23T00:00:00+1:00"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_dates_round_trip),
		cmocka_unit_test(test_iso_timestamps_round_trip_through_the_event_format),
		cmocka_unit_test(test_iso_parser_refuses_what_is_not_a_timestamp),
	};
	RUN(tests);
}
