/* enrollguard-server: one flooding Mac is slowed, the others are not. */
#include "unit.h"

#include <stdio.h>

#include "ratelimit.h"

static void test_a_flooding_serial_gets_retry_after_and_others_do_not(void **state)
{
	struct ratelimit rl;
	unsigned retry = 0;
	int i;

	(void)state;
	ratelimit_init(&rl, 2, 5, 1024);
	for (i = 0; i < 5; i++)
		assert_true(ratelimit_take(&rl, "C02FLOOD", 1000, &retry));
	assert_false(ratelimit_take(&rl, "C02FLOOD", 1000, &retry));
	assert_int_equal(retry, 1);
	assert_true(ratelimit_take(&rl, "C02CALM", 1000, &retry));
	/* half a second later at 2 per second: one more token */
	assert_true(ratelimit_take(&rl, "C02FLOOD", 1500, &retry));
	assert_false(ratelimit_take(&rl, "C02FLOOD", 1500, &retry));
	ratelimit_release(&rl);
}

static void test_rate_zero_turns_the_limit_off(void **state)
{
	struct ratelimit rl;
	unsigned retry;
	int i;

	(void)state;
	ratelimit_init(&rl, 0, 1, 16);
	for (i = 0; i < 10000; i++)
		assert_true(ratelimit_take(&rl, "C02", 0, &retry));
	ratelimit_release(&rl);
}

static void test_a_full_table_reuses_the_idlest_slot(void **state)
{
	struct ratelimit rl;
	unsigned retry;
	char serial[16];
	int i;

	(void)state;
	ratelimit_init(&rl, 1, 1, 16);
	for (i = 0; i < 1000; i++) {
		snprintf(serial, sizeof(serial), "S%d", i);
		assert_true(ratelimit_take(&rl, serial, i, &retry));
	}
	ratelimit_release(&rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_flooding_serial_gets_retry_after_and_others_do_not),
		cmocka_unit_test(test_rate_zero_turns_the_limit_off),
		cmocka_unit_test(test_a_full_table_reuses_the_idlest_slot),
	};
	RUN(tests);
}
