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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_dates_round_trip),
	};
	RUN(tests);
}
