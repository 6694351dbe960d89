/* Fixtures: field-guide.md 6.2 (VERIFIED) and 6.4 (INFERRED). */
#include "unit.h"

#include "dasd.h"

/* seed 000 / 6.2: blocked by thermal, Console copy */
static const char blocked[] =
	"0:com.apple.mobileactivationd.UCRT.OOB:D65047:[\n"
	"{name: BatteryLevelPolicy, policyWeight: 1.000, response: {Decision: Must Not Proceed, Score: 0.00, Rationale: [{batteryLevel == 1}]}}\n"
	"{name: NetworkQualityPolicy, policyWeight: 8.400, response: {Decision: Must Not Proceed, Score: 0.00, Rationale: [{[wiredQuality]: Required:20.00, Observed:0.00},{[wifiQuality]: Required:50.00, Observed:0.00},{[networkPathAvailability]: Required:1.00, Observed:1.00},]}}\n"
	"{name: ThermalPolicy, policyWeight: 5.000, response: {Decision: Absolutely Must Not Proceed, Score: 0.00, Rationale: [{thermalLevel >= 2}]}}\n"
	"], FinalDecision: Absolutely Must Not Proceed}\n";

/* 6.2: allowed, with the final score */
static const char allowed[] =
	"dasd com.apple.duetactivityscheduler scoring 0:com.apple.mobileactivationd.UCRT.OOB:D24905:[\n"
	"{name: MemoryPressurePolicy, policyWeight: 5.000, response: {Decision: Can Proceed, Score: 0.50, Rationale: [{[memoryPressure]: Required:2.00, Observed:1.00},]}}\n"
	"{name: ThermalPolicy, policyWeight: 5.000, response: {Decision: Can Proceed, Score: 0.20, Rationale: }}\n"
	"] sumScores:32.210000, denominator:38.910000, FinalDecision: Can Proceed FinalScore: 0.827808}\n";

static void test_dasd_blocked_names_thermal_policy(void **state)
{
	struct eg_dasd_verdict v;
	struct eg_diag d = EG_DIAG_INIT;
	const struct eg_dasd_policy *b;

	(void)state;
	assert_int_equal(eg_dasd_parse(S(blocked), &v, &d), EG_OK);
	assert_string_equal(v.activity, "0:com.apple.mobileactivationd.UCRT.OOB:D65047");
	assert_int_equal(v.final_decision, EG_DASD_ABSOLUTELY_MUST_NOT_PROCEED);
	assert_int_equal(v.npolicies, 3);
	assert_int_equal(v.policies[1].weight_milli, 8400);
	b = eg_dasd_blocker(&v);
	assert_non_null(b);
	assert_string_equal(b->name, "ThermalPolicy");
	assert_string_equal(b->rationale, "thermalLevel >= 2");
	assert_string_equal(eg_dasd_decision_name(b->decision), "Absolutely Must Not Proceed");
	assert_false(eg_dasd_proceeds(v.final_decision));
}

static void test_dasd_allowed_keeps_final_score(void **state)
{
	struct eg_dasd_verdict v;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	assert_int_equal(eg_dasd_parse(S(allowed), &v, &d), EG_OK);
	assert_int_equal(v.final_decision, EG_DASD_CAN_PROCEED);
	assert_true(v.has_final_score);
	assert_int_equal(v.final_score_micro, 827808);
	assert_int_equal(v.sum_scores_micro, 32210000);
	assert_int_equal(v.denominator_micro, 38910000);
	/* the final score is sumScores / denominator, as in the seed's line */
	assert_int_equal(v.sum_scores_micro * 1000000 / v.denominator_micro, 827807);
	assert_null(eg_dasd_blocker(&v));
	assert_string_equal(v.policies[0].rationale, "[memoryPressure]: Required:2.00, Observed:1.00");
}

static void test_dasd_numeric_format(void **state)
{
	struct eg_dasd_verdict v;
	struct eg_diag d = EG_DIAG_INIT;
	const struct eg_dasd_policy *b;

	(void)state;
	/* 6.4, INFERRED newer form */
	assert_int_equal(eg_dasd_parse(S("0:com.apple.mobileactivationd.UCRT.OOB:A1B2C3:[\n"
					 "\t{name: ThermalPolicy, policyWeight: 5.000, response: {100, 0.00, [{thermalLevel >= 2}]}}\n"
					 " ], Decision: AMNP}\n"), &v, &d), EG_OK);
	assert_int_equal(v.final_decision, EG_DASD_ABSOLUTELY_MUST_NOT_PROCEED);
	b = eg_dasd_blocker(&v);
	assert_non_null(b);
	assert_int_equal(b->decision, 100);
	assert_string_equal(b->rationale, "thermalLevel >= 2");
	assert_int_equal(eg_dasd_parse(S("0:x:A:[\n ], Decision: CP Score: 0.9}\n"), &v, &d), EG_OK);
	assert_int_equal(v.final_decision, EG_DASD_CAN_PROCEED);
}

static void test_dasd_broken_messages_are_refused(void **state)
{
	struct eg_dasd_verdict v;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	assert_int_equal(eg_dasd_parse(S("0:com.apple.mobileactivationd.UCRT.OOB:D65047:[\n{name: ThermalPolicy, policyWeight: 5.000, response: {Decision: Can Proceed, Score: 0.20, Rationale: }}\n"), &v, &d),
			 EG_ERR_INVALID);
	assert_non_null(strstr(d.msg, "not closed"));
	assert_int_equal(eg_dasd_parse(S("no header here\n"), &v, &d), EG_ERR_INVALID);
	assert_int_equal(eg_dasd_parse(S(""), &v, &d), EG_ERR_INVALID);
	assert_int_equal(eg_dasd_parse(S("x:[\n ], FinalDecision: Maybe}\n"), &v, &d), EG_ERR_INVALID);
	/* N/A policies and the PowerNapPolicy rationale with quotes (6.2) */
	assert_int_equal(eg_dasd_parse(S("0:x:3B1C50:[\n\t{name: P, response: N/A}\n"
					 "        {name: PowerNapPolicy, policyWeight: 5.000, response: {Decision: Must Not Proceed, Score: 0.00, Rationale: [{(inADarkWake == 0 AND darkWakeEligible == 1) AND wakeState == \"Sleep:<off> \"}]}}\n"
					 " ], FinalDecision: Must Not Proceed}\n"), &v, &d), EG_OK);
	assert_int_equal(v.npolicies, 2);
	assert_int_equal(v.policies[0].decision, EG_DASD_UNKNOWN);
	assert_string_equal(eg_dasd_blocker(&v)->name, "PowerNapPolicy");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dasd_blocked_names_thermal_policy),
		cmocka_unit_test(test_dasd_allowed_keeps_final_score),
		cmocka_unit_test(test_dasd_numeric_format),
		cmocka_unit_test(test_dasd_broken_messages_are_refused),
	};
	RUN(tests);
}
