/*
 * Setup Assistant's timing, driven with a hand-held clock: no test
 * sleeps. Times are in milliseconds on the caller's clock.
 */
#include "unit.h"

#include "setupwatch.h"

#define MIN 60000

static void test_found_at_the_first_look_ends_the_wait(void **state)
{
	struct eg_setupwatch w;

	(void)state;
	eg_setupwatch_init(&w, 30 * MIN, 5 * MIN, 1000);
	assert_int_equal(eg_setupwatch_wait(&w, 1000, 1), EG_SETUP_FOUND);
}

static void test_waiting_is_said_once_then_found(void **state)
{
	struct eg_setupwatch w;

	(void)state;
	eg_setupwatch_init(&w, 30 * MIN, 5 * MIN, 0);
	assert_int_equal(eg_setupwatch_wait(&w, 0, 0), EG_SETUP_WAITING);
	assert_int_equal(eg_setupwatch_wait(&w, 500, 0), EG_SETUP_NONE);
	assert_int_equal(eg_setupwatch_wait(&w, 1000, 0), EG_SETUP_NONE);
	assert_int_equal(eg_setupwatch_wait(&w, 1500, 1), EG_SETUP_FOUND);
}

static void test_pgrep_failing_says_unknown_and_times_out(void **state)
{
	struct eg_setupwatch w;

	(void)state;
	eg_setupwatch_init(&w, 2000, 5 * MIN, 0);
	assert_int_equal(eg_setupwatch_wait(&w, 0, -1), EG_SETUP_UNKNOWN);
	assert_int_equal(eg_setupwatch_wait(&w, 1999, -1), EG_SETUP_NONE);
	assert_int_equal(eg_setupwatch_wait(&w, 2000, -1), EG_SETUP_TIMEOUT);
}

static void test_no_wait_times_out_at_the_second_look(void **state)
{
	struct eg_setupwatch w;

	(void)state;
	eg_setupwatch_init(&w, 0, 5 * MIN, 0);
	assert_int_equal(eg_setupwatch_wait(&w, 0, 0), EG_SETUP_WAITING);
	assert_int_equal(eg_setupwatch_wait(&w, 0, 0), EG_SETUP_TIMEOUT);
}

static void test_stuck_after_five_minutes_since_found_said_once(void **state)
{
	struct eg_setupwatch w;
	int64_t waited;

	(void)state;
	eg_setupwatch_init(&w, 30 * MIN, 5 * MIN, 0);
	assert_int_equal(eg_setupwatch_wait(&w, 10000, 1), EG_SETUP_FOUND);
	assert_int_equal(eg_setupwatch_done(&w, false), EG_SETUP_NONE);
	assert_int_equal(eg_setupwatch_look(&w, 10000 + 5 * MIN - 1, 1, false, &waited),
			 EG_SETUP_NONE);
	assert_int_equal(eg_setupwatch_look(&w, 10000 + 5 * MIN, 1, false, &waited),
			 EG_SETUP_STUCK);
	assert_int_equal(waited, 5 * MIN);
	assert_false(eg_setupwatch_wants_probe(&w));
	assert_int_equal(eg_setupwatch_look(&w, 10000 + 9 * MIN, 1, false, &waited),
			 EG_SETUP_NONE);
}

static void test_a_relaunch_starts_counting_at_the_first_look(void **state)
{
	struct eg_setupwatch w;
	int64_t waited;

	(void)state;
	/* a resumed run skips stage 1 */
	eg_setupwatch_init(&w, 30 * MIN, 5 * MIN, 0);
	assert_int_equal(eg_setupwatch_look(&w, 3 * MIN, 1, false, &waited), EG_SETUP_NONE);
	assert_int_equal(eg_setupwatch_look(&w, 7 * MIN, 1, false, &waited), EG_SETUP_NONE);
	assert_int_equal(eg_setupwatch_look(&w, 8 * MIN, 1, false, &waited), EG_SETUP_STUCK);
	assert_int_equal(waited, 5 * MIN);
}

static void test_running_at_the_end_is_stuck_for_the_whole_run(void **state)
{
	struct eg_setupwatch w;
	int64_t waited;

	(void)state;
	eg_setupwatch_init(&w, 30 * MIN, 5 * MIN, 0);
	assert_int_equal(eg_setupwatch_look(&w, 20 * MIN, 1, true, &waited), EG_SETUP_STUCK);
	assert_int_equal(waited, -1);
}

static void test_the_run_ending_early_says_how_long_it_waited(void **state)
{
	struct eg_setupwatch w;
	int64_t waited;

	(void)state;
	eg_setupwatch_init(&w, 30 * MIN, 5 * MIN, 0);
	assert_int_equal(eg_setupwatch_wait(&w, 0, 1), EG_SETUP_FOUND);
	assert_int_equal(eg_setupwatch_look(&w, 2 * MIN, 1, true, &waited), EG_SETUP_STUCK);
	assert_int_equal(waited, 2 * MIN);
}

static void test_not_running_is_never_stuck(void **state)
{
	struct eg_setupwatch w;
	int64_t waited;

	(void)state;
	eg_setupwatch_init(&w, 30 * MIN, 5 * MIN, 0);
	assert_int_equal(eg_setupwatch_wait(&w, 0, 1), EG_SETUP_FOUND);
	assert_int_equal(eg_setupwatch_look(&w, 60 * MIN, 0, false, &waited), EG_SETUP_NONE);
	assert_int_equal(eg_setupwatch_look(&w, 60 * MIN, -1, true, &waited), EG_SETUP_NONE);
}

static void test_ended_is_said_once_and_stops_the_stuck_check(void **state)
{
	struct eg_setupwatch w;
	int64_t waited;

	(void)state;
	eg_setupwatch_init(&w, 30 * MIN, 5 * MIN, 0);
	assert_int_equal(eg_setupwatch_wait(&w, 0, 1), EG_SETUP_FOUND);
	assert_int_equal(eg_setupwatch_done(&w, true), EG_SETUP_ENDED);
	assert_int_equal(eg_setupwatch_done(&w, true), EG_SETUP_NONE);
	assert_false(eg_setupwatch_wants_probe(&w));
	assert_int_equal(eg_setupwatch_look(&w, 60 * MIN, 1, true, &waited), EG_SETUP_NONE);
}

static void test_ended_after_stuck_is_still_said(void **state)
{
	struct eg_setupwatch w;
	int64_t waited;

	(void)state;
	eg_setupwatch_init(&w, 30 * MIN, 5 * MIN, 0);
	assert_int_equal(eg_setupwatch_wait(&w, 0, 1), EG_SETUP_FOUND);
	assert_int_equal(eg_setupwatch_look(&w, 6 * MIN, 1, false, &waited), EG_SETUP_STUCK);
	assert_int_equal(eg_setupwatch_done(&w, true), EG_SETUP_ENDED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found_at_the_first_look_ends_the_wait),
		cmocka_unit_test(test_waiting_is_said_once_then_found),
		cmocka_unit_test(test_pgrep_failing_says_unknown_and_times_out),
		cmocka_unit_test(test_no_wait_times_out_at_the_second_look),
		cmocka_unit_test(test_stuck_after_five_minutes_since_found_said_once),
		cmocka_unit_test(test_a_relaunch_starts_counting_at_the_first_look),
		cmocka_unit_test(test_running_at_the_end_is_stuck_for_the_whole_run),
		cmocka_unit_test(test_the_run_ending_early_says_how_long_it_waited),
		cmocka_unit_test(test_not_running_is_never_stuck),
		cmocka_unit_test(test_ended_is_said_once_and_stops_the_stuck_check),
		cmocka_unit_test(test_ended_after_stuck_is_still_said),
	};

	RUN(tests);
}
