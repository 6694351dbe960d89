/*
 * The renew strategy, driven with a hand-held clock: no test sleeps.
 * Times are in milliseconds since the run started.
 */
#include "unit.h"

#include "strategy.h"

static struct eg_obs dasd_obs(int decision)
{
	struct eg_obs o;

	memset(&o, 0, sizeof(o));
	o.kind = EG_OBS_DASD_UCRT;
	o.dasd.final_decision = decision;
	if (decision != EG_DASD_CAN_PROCEED) {
		o.dasd.npolicies = 1;
		strcpy(o.dasd.policies[0].name, "ThermalPolicy");
		o.dasd.policies[0].decision = decision;
		strcpy(o.dasd.policies[0].rationale, "thermalLevel >= 2");
	}
	return o;
}

static struct eg_obs kind_obs(enum eg_obs_kind k)
{
	struct eg_obs o;

	memset(&o, 0, sizeof(o));
	o.kind = k;
	return o;
}

/* Run attempts that all fail until `ok_from`, recording attempt times. */
static int drive(struct eg_strategy *s, int64_t ok_from, int64_t *times, int max,
		 enum eg_action *last)
{
	int64_t now = 0, wake;
	int n = 0;

	for (;;) {
		enum eg_action a = eg_strategy_next(s, now, &wake);

		if (a == EG_ACT_DONE || a == EG_ACT_GIVE_UP) {
			*last = a;
			return n;
		}
		if (a == EG_ACT_WAIT) {
			assert_true(wake > now);
			now = wake;
			continue;
		}
		if (n < max)
			times[n] = now;
		n++;
		eg_strategy_renew_done(s, now, now >= ok_from);
	}
}

static void test_fixed_succeeds_on_cycle_2_retry_1_like_the_seed(void **state)
{
	struct eg_strategy_params p;
	struct eg_strategy s;
	int64_t t[16];
	enum eg_action last;
	int n;

	(void)state;
	eg_strategy_params_default(&p);
	p.kind = EG_STRATEGY_FIXED;
	eg_strategy_init(&s, &p, 0);
	/* the UCRT exists 63.8 s after boot (seed-hot-cools.scenario) */
	n = drive(&s, 63800, t, 16, &last);
	assert_int_equal(last, EG_ACT_DONE);
	assert_int_equal(n, 4);
	assert_int_equal(t[0], 0);
	assert_int_equal(t[1], 5000);
	assert_int_equal(t[2], 10000);
	assert_int_equal(t[3], 70000);   /* after the 60 s cool-down */
	assert_int_equal(s.cycle, 2);
	assert_int_equal(s.try_in_cycle, 1);
}

static void test_fixed_gives_up_after_its_cycles(void **state)
{
	struct eg_strategy_params p;
	struct eg_strategy s;
	int64_t t[64];
	enum eg_action last;
	int n;

	(void)state;
	eg_strategy_params_default(&p);
	p.kind = EG_STRATEGY_FIXED;
	p.deadline_ms = 24 * 3600 * 1000LL;
	eg_strategy_init(&s, &p, 0);
	n = drive(&s, INT64_MAX, t, 64, &last);
	assert_int_equal(last, EG_ACT_GIVE_UP);
	assert_int_equal(n, 30);
	assert_int_equal(t[29], 9 * 70000 + 10000);
}

static void test_event_renews_the_moment_the_ucrt_appears(void **state)
{
	struct eg_strategy_params p;
	struct eg_strategy s;
	struct eg_obs o;
	int64_t wake;
	char why[96];

	(void)state;
	eg_strategy_params_default(&p);
	eg_strategy_init(&s, &p, 0);
	assert_int_equal(eg_strategy_next(&s, 0, &wake), EG_ACT_RENEW);
	eg_strategy_renew_done(&s, 300, false);
	assert_int_equal(eg_strategy_next(&s, 300, &wake), EG_ACT_WAIT);
	assert_int_equal(wake, 60300);   /* the slow fallback */
	eg_strategy_describe_attempt(&s, why, sizeof(why));
	assert_string_equal(why, "fallback schedule, every 60 s");
	o = kind_obs(EG_OBS_UCRT_ACQUIRED);
	eg_strategy_observe(&s, 43800, &o);
	assert_int_equal(eg_strategy_next(&s, 43800, &wake), EG_ACT_RENEW);
	eg_strategy_describe_attempt(&s, why, sizeof(why));
	assert_string_equal(why, "the UCRT was just acquired");
	eg_strategy_renew_done(&s, 44100, true);
	assert_int_equal(eg_strategy_next(&s, 44100, &wake), EG_ACT_DONE);
	assert_int_equal(s.attempts, 2);
}

static void test_event_waits_while_dasd_blocks_the_ucrt(void **state)
{
	struct eg_strategy_params p;
	struct eg_strategy s;
	struct eg_obs o = dasd_obs(EG_DASD_ABSOLUTELY_MUST_NOT_PROCEED);
	int64_t wake, now;
	char why[256];

	(void)state;
	eg_strategy_params_default(&p);
	eg_strategy_init(&s, &p, 0);
	assert_int_equal(eg_strategy_next(&s, 0, &wake), EG_ACT_RENEW);
	eg_strategy_renew_done(&s, 0, false);
	/* a blocking verdict every 10 s does not cause attempts */
	for (now = 10000; now < 60000; now += 10000) {
		eg_strategy_observe(&s, now, &o);
		assert_int_equal(eg_strategy_next(&s, now, &wake), EG_ACT_WAIT);
		assert_int_equal(wake, 60000);
	}
	assert_int_equal(s.dasd_blocks, 5);
	eg_strategy_why(&s, why, sizeof(why));
	assert_string_equal(why, "dasd: ThermalPolicy Absolutely Must Not Proceed (thermalLevel >= 2)");
	/* dasd lets it run: the next attempt comes forward to retry_delay */
	o = dasd_obs(EG_DASD_CAN_PROCEED);
	eg_strategy_observe(&s, 50000, &o);
	assert_int_equal(eg_strategy_next(&s, 50000, &wake), EG_ACT_WAIT);
	assert_int_equal(wake, 55000);
	eg_strategy_why(&s, why, sizeof(why));
	assert_string_equal(why, "dasd let the UCRT task run: waiting for the UCRT");
}

static void test_event_retries_quickly_after_the_ucrt_then_slowly(void **state)
{
	struct eg_strategy_params p;
	struct eg_strategy s;
	struct eg_obs o = kind_obs(EG_OBS_UCRT_ACQUIRED);
	int64_t wake;

	(void)state;
	eg_strategy_params_default(&p);
	eg_strategy_init(&s, &p, 0);
	eg_strategy_observe(&s, 0, &o);
	assert_int_equal(eg_strategy_next(&s, 0, &wake), EG_ACT_RENEW);
	eg_strategy_renew_done(&s, 0, false);
	assert_int_equal(eg_strategy_next(&s, 0, &wake), EG_ACT_WAIT);
	assert_int_equal(wake, 5000);
	assert_int_equal(eg_strategy_next(&s, 5000, &wake), EG_ACT_RENEW);
	eg_strategy_renew_done(&s, 5000, false);
	assert_int_equal(eg_strategy_next(&s, 10000, &wake), EG_ACT_RENEW);
	eg_strategy_renew_done(&s, 10000, false);
	/* three tries used: back to the fallback */
	assert_int_equal(eg_strategy_next(&s, 10000, &wake), EG_ACT_WAIT);
	assert_int_equal(wake, 70000);
}

static void test_event_ucrt_during_an_attempt_goes_again_at_once(void **state)
{
	struct eg_strategy_params p;
	struct eg_strategy s;
	struct eg_obs o = kind_obs(EG_OBS_UCRT_ACQUIRED);
	int64_t wake;

	(void)state;
	eg_strategy_params_default(&p);
	eg_strategy_init(&s, &p, 0);
	assert_int_equal(eg_strategy_next(&s, 0, &wake), EG_ACT_RENEW);
	eg_strategy_observe(&s, 200, &o);
	eg_strategy_renew_done(&s, 400, false);
	assert_int_equal(eg_strategy_next(&s, 400, &wake), EG_ACT_RENEW);
}

static void test_event_gives_up_at_the_deadline_not_before(void **state)
{
	struct eg_strategy_params p;
	struct eg_strategy s;
	int64_t t[64];
	enum eg_action last;
	int n;

	(void)state;
	eg_strategy_params_default(&p);
	eg_strategy_init(&s, &p, 0);
	n = drive(&s, INT64_MAX, t, 64, &last);
	assert_int_equal(last, EG_ACT_GIVE_UP);
	/* one attempt at once, then one a minute until 20 minutes */
	assert_int_equal(n, 20);
	assert_int_equal(t[19], 19 * 60000);
	/* a Mac that cools at 19:59 still gets its attempt */
	eg_strategy_init(&s, &p, 0);
	n = drive(&s, 19 * 60000, t, 64, &last);
	assert_int_equal(last, EG_ACT_DONE);
}

static void test_resume_continues_counters_and_deadline(void **state)
{
	struct eg_strategy_params p;
	struct eg_strategy s;
	int64_t wake;

	(void)state;
	eg_strategy_params_default(&p);
	p.kind = EG_STRATEGY_FIXED;
	eg_strategy_resume(&s, &p, 1000000, 70000, 3, 1, 3);
	/* the first cycle was used up: the relaunch starts cycle 2 */
	assert_int_equal(s.cycle, 2);
	assert_int_equal(eg_strategy_next(&s, 1000000, &wake), EG_ACT_RENEW);
	assert_int_equal(s.attempts, 4);
	assert_int_equal(s.try_in_cycle, 1);
	/* the deadline counts the time before the interruption */
	p.kind = EG_STRATEGY_EVENT;
	eg_strategy_resume(&s, &p, 0, p.deadline_ms - 1, 10, 1, 1);
	assert_int_equal(eg_strategy_next(&s, 0, &wake), EG_ACT_RENEW);
	eg_strategy_renew_done(&s, 1, false);
	assert_int_equal(eg_strategy_next(&s, 1, &wake), EG_ACT_GIVE_UP);
}

static void test_abandon_stops_the_run(void **state)
{
	struct eg_strategy_params p;
	struct eg_strategy s;
	int64_t wake;
	char why[128];

	(void)state;
	eg_strategy_params_default(&p);
	eg_strategy_init(&s, &p, 0);
	eg_strategy_why(&s, why, sizeof(why));
	assert_string_equal(why, "waiting for the UCRT (no dasd verdict seen yet)");
	eg_strategy_abandon(&s);
	assert_int_equal(eg_strategy_next(&s, 0, &wake), EG_ACT_GIVE_UP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_succeeds_on_cycle_2_retry_1_like_the_seed),
		cmocka_unit_test(test_fixed_gives_up_after_its_cycles),
		cmocka_unit_test(test_event_renews_the_moment_the_ucrt_appears),
		cmocka_unit_test(test_event_waits_while_dasd_blocks_the_ucrt),
		cmocka_unit_test(test_event_retries_quickly_after_the_ucrt_then_slowly),
		cmocka_unit_test(test_event_ucrt_during_an_attempt_goes_again_at_once),
		cmocka_unit_test(test_event_gives_up_at_the_deadline_not_before),
		cmocka_unit_test(test_resume_continues_counters_and_deadline),
		cmocka_unit_test(test_abandon_stops_the_run),
	};
	RUN(tests);
}
