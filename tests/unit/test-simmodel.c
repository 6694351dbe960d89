/*
 * The enrollment simulator's models (bench/enrollsim) against seed 000's
 * figures, and its glue to the real strategy.
 */
#include "unit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "simmodel.h"
#include "simrun.h"

static struct sim_mac mean_mac(const struct sim_params *p)
{
	struct sim_mac m;

	memset(&m, 0, sizeof(m));
	m.start_temp = p->start_temp_mean;
	m.eq_temp = p->ambient_mean + p->idle_rise;
	m.tau = p->tau_mean;
	m.setup_at = p->setup_mean;
	return m;
}

static void test_a_mac_cools_from_100_to_66_in_about_three_minutes(void **state)
{
	struct sim_params p;
	struct sim_mac m;

	(void)state;
	sim_params_default(&p);
	m = mean_mac(&p);
	/* seed 000: ~100 C right after the install, ~66 C "a few minutes later" */
	assert_true(fabs(sim_temp(&m, 0) - 100) < 0.01);
	assert_true(fabs(sim_temp(&m, 180) - 66) < 1.0);
	assert_true(sim_temp(&m, 120) > 70);      /* not yet at two minutes */
	assert_true(sim_temp(&m, 300) < 60);      /* well below by five */
	/* hot enough for thermalLevel 2 at boot, level 1 or less at 66 C */
	assert_int_equal(sim_thermal_level(&p, false, sim_temp(&m, 0)), 2);
	assert_true(sim_thermal_level(&p, false, 66) < 2);
}

static void test_dasd_final_score_is_weighted_sum_over_denominator(void **state)
{
	struct sim_params p;
	struct sim_verdict v;

	(void)state;
	sim_params_default(&p);
	/* seed 000's allowed line: sumScores:32.210000, denominator:38.910000,
	 * FinalDecision: Can Proceed FinalScore: 0.827808 (ThermalPolicy 0.20
	 * is thermalLevel 1) */
	sim_dasd_score(&p, 1, false, 0, &v);
	assert_true(fabs(v.sum_scores - 32.21) < 1e-4);
	assert_true(fabs(v.denominator - 38.91) < 1e-9);
	assert_true(fabs(v.final_score - 0.827808) < 1e-5);
	assert_true(fabs(v.final_score - v.sum_scores / v.denominator) < 1e-12);
	assert_true(v.proceed);
	/* the blocked line: ThermalPolicy Absolutely Must Not Proceed */
	sim_dasd_score(&p, 2, false, 0, &v);
	assert_true(v.absolutely_blocked);
	assert_false(v.proceed);
	/* NetworkQualityPolicy Must Not Proceed is not a veto, but it drags
	 * the score under the threshold */
	sim_dasd_score(&p, 1, true, 0, &v);
	assert_false(v.absolutely_blocked);
	assert_true(fabs(v.final_score - (32.21 - 8.4) / 38.91) < 1e-4);
	assert_false(v.proceed);
}

static void test_intel_and_apple_silicon_levels_differ(void **state)
{
	struct sim_params p;

	(void)state;
	sim_params_default(&p);
	assert_int_equal(sim_thermal_level(&p, false, 86), 2);
	assert_int_equal(sim_thermal_level(&p, true, 86), 1);
	assert_int_equal(sim_thermal_level(&p, true, 60), 0);
}

static void test_the_seeds_case_cycle_2_retry_1_two_minutes_after_boot(void **state)
{
	struct sim_params p;
	struct eg_strategy_params sp;
	struct world *w = calloc(1, sizeof(*w));
	struct result r;

	(void)state;
	sim_params_default(&p);
	p.renew_other_error_prob = 0;
	p.renew_hang_prob = 0;
	p.renew_ok_sd = 0;
	/* the agent starts at 45 s; dasd lets the task run at 96 s */
	w->n = 1;
	w->at[0] = 96;
	w->proceed[0] = true;
	w->ucrt = 96 + 0.3 + 3.5;
	eg_strategy_params_default(&sp);
	sp.kind = EG_STRATEGY_FIXED;
	sim_simulate(&p, w, 45, 1, &sp, &r);
	assert_true(r.enrolled);
	assert_int_equal(r.calls, 4);           /* the 4th attempt */
	assert_int_equal(r.cycle, 2);           /* cycle 2, retry 1 */
	assert_int_equal(r.try_in_cycle, 1);
	assert_true(r.enroll_at > 120 && r.enroll_at < 180);   /* 2-3 min */
	/* the event strategy calls as soon as the log shows the UCRT */
	sp.kind = EG_STRATEGY_EVENT;
	sim_simulate(&p, w, 45, 1, &sp, &r);
	assert_true(r.enrolled);
	assert_int_equal(r.calls, 2);
	assert_true(fabs(r.call_at - (w->ucrt + p.log_delay)) < 0.002);
	free(w);
}

static void test_default_sim_documents_exactly_the_built_in_defaults(void **state)
{
	struct sim_params a, b;
	char err[160], *text;
	FILE *f = fopen(SRCDIR "/bench/enrollsim/scenarios/default.sim", "r");
	long n;

	(void)state;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, f), n);
	fclose(f);
	sim_params_default(&a);
	memset(&b, 0xff, sizeof(b));
	sim_params_default(&b);
	assert_int_equal(sim_params_parse(&b, text, err, sizeof(err)), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	free(text);
}

static void test_scenario_errors_name_the_line(void **state)
{
	struct sim_params p;
	char err[160];

	(void)state;
	sim_params_default(&p);
	assert_int_equal(sim_params_parse(&p, "tau_mean = 300\n", err, sizeof(err)), 0);
	assert_true(p.tau_mean == 300);
	assert_int_equal(sim_params_parse(&p, "# ok\n\ntau = 3\n", err, sizeof(err)), -1);
	assert_string_equal(err, "line 3: unknown key 'tau'");
	assert_int_equal(sim_params_parse(&p, "tau_mean = hot\n", err, sizeof(err)), -1);
	assert_string_equal(err, "line 1: 'tau_mean' needs a number");
	assert_int_equal(sim_params_parse(&p, "tau_mean = -1\n", err, sizeof(err)), -1);
	assert_int_equal(sim_params_parse(&p, "just words\n", err, sizeof(err)), -1);
}

static void test_rng_is_deterministic_and_normal(void **state)
{
	struct sim_rng a, b;
	double sum = 0, sq = 0;
	int i;

	(void)state;
	sim_rng_seed(&a, 2020);
	sim_rng_seed(&b, 2020);
	for (i = 0; i < 1000; i++)
		assert_true(sim_rng_next(&a) == sim_rng_next(&b));
	for (i = 0; i < 100000; i++) {
		double x = sim_rng_normal(&a, 10, 2);

		sum += x;
		sq += x * x;
	}
	assert_true(fabs(sum / 100000 - 10) < 0.05);
	assert_true(fabs(sqrt(sq / 100000 - (sum / 100000) * (sum / 100000)) - 2) < 0.05);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_mac_cools_from_100_to_66_in_about_three_minutes),
		cmocka_unit_test(test_dasd_final_score_is_weighted_sum_over_denominator),
		cmocka_unit_test(test_intel_and_apple_silicon_levels_differ),
		cmocka_unit_test(test_the_seeds_case_cycle_2_retry_1_two_minutes_after_boot),
		cmocka_unit_test(test_default_sim_documents_exactly_the_built_in_defaults),
		cmocka_unit_test(test_scenario_errors_name_the_line),
		cmocka_unit_test(test_rng_is_deterministic_and_normal),
	};
	RUN(tests);
}
