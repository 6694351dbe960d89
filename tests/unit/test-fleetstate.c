/* core/fleetstate: the one table of the fleet view's states. */
#include "unit.h"

#include "fleetstate.h"

static void test_names_and_labels_round_trip(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < EG_FS_COUNT; i++) {
		assert_non_null(eg_fleet_state_label((enum eg_fleet_state)i));
		assert_int_equal(eg_fleet_state_from_name(eg_fleet_state_name((enum eg_fleet_state)i)), i);
	}
	assert_string_equal(eg_fleet_state_name(EG_FS_GAVE_UP), "gave_up");
	assert_string_equal(eg_fleet_state_label(EG_FS_BLOCKED), "blocked by dasd");
	assert_int_equal(eg_fleet_state_from_name("melting"), -1);
	assert_int_equal(eg_fleet_state_from_name(NULL), -1);
	assert_null(eg_fleet_state_name(EG_FS_COUNT));
}

static void test_the_table_as_json_is_what_the_dashboard_reads(void **state)
{
	struct eg_buf b = EG_BUF_INIT(16384);

	(void)state;
	assert_int_equal(eg_fleet_state_json(&b), EG_OK);
	assert_int_equal(b.buf[0], '[');
	assert_non_null(strstr(b.buf, "{\"name\":\"waiting\",\"label\":\"waiting for Setup Assistant\","));
	assert_int_equal(b.buf[b.len - 1], ']');
	eg_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_labels_round_trip),
		cmocka_unit_test(test_the_table_as_json_is_what_the_dashboard_reads),
	};
	RUN(tests);
}
