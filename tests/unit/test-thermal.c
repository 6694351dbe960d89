/* Fixtures: field-guide.md sections 3 and 4, sources named there. */
#include "unit.h"

#include "thermal.h"

/* 3.2, real Intel smc block (OBSERVED) with the AS header */
static const char intel[] =
	"Machine model: MacBookAir9,1\nOS version: 19G2021\nBoot arguments:\n"
	"Boot time: Mon Jul 13 16:11:25 2026\n\n\n\n"
	"*** Sampled system activity (Thu Jul 16 19:35:57 2026 +0530) (301.07ms elapsed) ***\n\n\n\n"
	"**** SMC sensors ****\n\n"
	"CPU Thermal level: 52\nGPU Thermal level: 0\nIO Thermal level: 2\n"
	"Fan: 1486 rpm\nCPU die temperature: 63.44 C\nGPU die temperature: 35.00 C\n"
	"CPU Plimit: 0.00\nGPU Plimit (Int): 0.00 \nNumber of prochots: 0\n\n"
	"**** Thermal pressure ****\n\nCurrent pressure level: Moderate\n";

static void test_powermetrics_intel_smc_and_pressure(void **state)
{
	struct eg_thermal t = EG_THERMAL_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	char line[192];

	(void)state;
	assert_int_equal(eg_thermal_parse_powermetrics(S(intel), &t, &d), EG_OK);
	assert_int_equal(t.cpu_level, 52);
	assert_int_equal(t.io_level, 2);
	assert_int_equal(t.fan_milli, 1486000);
	assert_int_equal(t.cpu_die_milli, 63440);
	assert_int_equal(t.pressure, EG_PRESSURE_MODERATE);
	assert_true(eg_thermal_is_hot(&t));  /* IO level 2 */
	eg_thermal_format(&t, line, sizeof(line));
	assert_string_equal(line, "CPU die 63.4 C, CPU level 52, IO level 2, fan 1486 rpm, pressure Moderate");
}

static void test_powermetrics_apple_silicon_has_no_smc(void **state)
{
	struct eg_thermal t = EG_THERMAL_INIT;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	/* 3.1 (OBSERVED twice), and the 2020 write-up's typo */
	assert_int_equal(eg_thermal_parse_powermetrics(S("unrecognized sampler: smc\n"), &t, &d),
			 EG_ERR_NOT_FOUND);
	assert_non_null(strstr(d.msg, "unrecognized sampler"));
	assert_int_equal(eg_thermal_parse_powermetrics(S("unrecongnized sampler: smc\n"), &t, &d),
			 EG_ERR_NOT_FOUND);
	/* the thermal sampler alone, 3.2 */
	assert_int_equal(eg_thermal_parse_powermetrics(S("**** Thermal pressure ****\n\nCurrent pressure level: Nominal\n"), &t, &d),
			 EG_OK);
	assert_int_equal(t.has, EG_THERMAL_HAS_PRESSURE);
	assert_int_equal(t.pressure, EG_PRESSURE_NOMINAL);
	assert_false(eg_thermal_is_hot(&t));
}

static void test_powermetrics_wrong_in_the_wild_pressure_is_unknown(void **state)
{
	struct eg_thermal t = EG_THERMAL_INIT;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	/* 3.3: "Serious" is NSProcessInfo's name, not powermetrics' */
	assert_int_equal(eg_thermal_parse_powermetrics(S("Current pressure level: Serious\n"), &t, &d), EG_OK);
	assert_int_equal(t.pressure, EG_PRESSURE_UNKNOWN);
	assert_int_equal(eg_thermal_parse_powermetrics(S("nothing here\n"), &t, &d), EG_ERR_NOT_FOUND);
}

static void test_pmset_therm_source_form(void **state)
{
	struct eg_thermal t = EG_THERMAL_INIT;

	(void)state;
	/* 4.1, VERIFIED from pmset.c: TAB key SPACE TAB "= " value */
	assert_int_equal(eg_thermal_parse_pmset(S("2020-08-06 10:03:07 -0700 Thermal Warning Level = 2\n"
						  "2020-08-06 10:03:07 -0700 Performance Warning Level = 1\n"
						  "2020-08-06 10:03:07 -0700 CPU Power notify\n"
						  "\tCPU_Scheduler_Limit \t= 100\n\tCPU_Available_CPUs \t= 8\n"
						  "\tCPU_Speed_Limit \t= 70\n"), &t), EG_OK);
	assert_int_equal(t.warning_level, 2);
	assert_int_equal(t.perf_warning_level, 1);
	assert_int_equal(t.speed_limit, 70);
	assert_true(eg_thermal_is_hot(&t));
	t = (struct eg_thermal)EG_THERMAL_INIT;
	assert_int_equal(eg_thermal_parse_pmset(S("Note: No thermal warning level has been recorded\n"
						  "Note: No performance warning level has been recorded\n"
						  "Note: No CPU power status has been recorded\n"), &t), EG_OK);
	assert_int_equal(t.has, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_powermetrics_intel_smc_and_pressure),
		cmocka_unit_test(test_powermetrics_apple_silicon_has_no_smc),
		cmocka_unit_test(test_powermetrics_wrong_in_the_wild_pressure_is_unknown),
		cmocka_unit_test(test_pmset_therm_source_form),
	};
	RUN(tests);
}
