/* The diagnosis engine on field-guide.md lines (sources in each comment). */
#include "unit.h"

#include <stdio.h>

#include "diagnose.h"

static void feed(struct eg_diagnosis *d, const char *text)
{
	const char *p = text, *end = text + strlen(text);
	struct eg_str line;

	while (eg_next_line(&p, end, &line))
		eg_diagnose_line(d, line);
	eg_diagnose_finish(d);
}

static void test_thermal_block_that_never_cleared_is_a_failure(void **state)
{
	struct eg_diagnosis *d = eg_diagnose_new();
	char s[768], n[512];

	(void)state;
	/* seed 000 / 6.2, blocked (VERIFIED) */
	feed(d, "dasd com.apple.duetactivityscheduler scoring 0:com.apple.mobileactivationd.UCRT.OOB:D65047:[\n"
		"{name: ThermalPolicy, policyWeight: 5.000, response: {Decision: Absolutely Must Not Proceed, Score: 0.00, Rationale: [{thermalLevel >= 2}]}}\n"
		"], FinalDecision: Absolutely Must Not Proceed}\n");
	assert_true(d->findings[EG_F_UCRT_BLOCKED_THERMAL].seen);
	assert_int_equal(d->findings[EG_F_UCRT_BLOCKED_THERMAL].severity, EG_SEV_FAILURE);
	assert_string_equal(d->findings[EG_F_UCRT_BLOCKED_THERMAL].detail,
			    "ThermalPolicy Absolutely Must Not Proceed (thermalLevel >= 2)");
	eg_finding_explain(d, EG_F_UCRT_BLOCKED_THERMAL, s, sizeof(s), n, sizeof(n));
	assert_non_null(strstr(n, "shut it down for 10 minutes"));
	assert_string_equal(eg_finding_name(EG_F_UCRT_BLOCKED_THERMAL), "ucrt.blocked.thermal");
	eg_diagnose_free(d);
}

static void test_numeric_format_and_other_policies(void **state)
{
	struct eg_diagnosis *d = eg_diagnose_new();

	(void)state;
	/* 6.4, numeric form (INFERRED); battery and an unknown policy */
	feed(d, "0:com.apple.mobileactivationd.UCRT.OOB:A1B2C3:[\n"
		"\t{name: BatteryLevelPolicy, policyWeight: 1.000, response: {100, 0.00, [{batteryLevel == 1}]}}\n"
		" ], Decision: AMNP}\n"
		"0:com.apple.mobileactivationd.UCRT.OOB:A1B2C4:[\n"
		"\t{name: PowerNapPolicy, policyWeight: 5.000, response: {33, 0.00, [{x}]}}\n"
		" ], Decision: MNP}\n");
	assert_true(d->findings[EG_F_UCRT_BLOCKED_BATTERY].seen);
	assert_true(d->findings[EG_F_UCRT_BLOCKED_OTHER].seen);
	assert_false(d->findings[EG_F_UCRT_BLOCKED_THERMAL].seen);
	eg_diagnose_free(d);
}

static void test_error_signatures(void **state)
{
	struct eg_diagnosis *d = eg_diagnose_new();

	(void)state;
	feed(d,
	     /* 1.2 VERIFIED */
	     "Error fetching Device Enrollment configuration: Client is not DEP enabled.\n"
	     "Error fetching Device Enrollment configuration - Request too soon.  Try again later.\n"
	     "Bad response from apsd: Connection interrupted\n"
	     "Error fetching Device Enrollment configuration: (34000) Error Domain=MCCloudConfigurationErrorDomain Code=34000 \"The device failed to request configuration from the cloud.\" UserInfo={}\n"
	     /* 2.5 VERIFIED: fleet #8431 and #46550 */
	     "403 Forbidden: T_C_NOT_SIGNED\n"
	     "ErrorChain: ErrorCode 101 ErrorDomain MDMDeviceEnrollment LocalizedDescription Device is not AwaitingConfiguration\n"
	     /* 6.6 VERIFIED (khronokernel) */
	     "mdmclient: [com.apple.ManagedClient:MDMDaemon] [0:MDMDaemon:<0x540>] UCRTsmb5: DEP registered according to UCRT: UCRTDEPStateUnavailable\n");
	assert_true(d->findings[EG_F_DEP_NOT_ASSIGNED].seen);
	assert_true(d->findings[EG_F_CLOUDCONFIG_RATE_LIMITED].seen);
	assert_int_equal(d->findings[EG_F_CLOUDCONFIG_RATE_LIMITED].severity, EG_SEV_WARNING);
	assert_true(d->findings[EG_F_APNS_UNREACHABLE].seen);
	assert_int_equal(d->findings[EG_F_CLOUDCONFIG_ERROR].code, 34000);
	assert_false(d->findings[EG_F_CLOUDCONFIG_RETRIES_EXHAUSTED].seen);
	assert_true(d->findings[EG_F_DEP_API_ERROR].seen);
	assert_int_equal(d->findings[EG_F_MDM_COMMAND_REJECTED].code, 101);
	assert_true(d->findings[EG_F_UCRT_UNAVAILABLE].seen);
	assert_int_equal(d->findings[EG_F_UCRT_UNAVAILABLE].severity, EG_SEV_FAILURE);
	eg_diagnose_free(d);
}

static void test_repeats_fold_and_the_timeline_is_capped(void **state)
{
	struct eg_diagnosis *d = eg_diagnose_new();
	char line[160];
	int i;

	(void)state;
	for (i = 0; i < 50; i++)
		eg_diagnose_line(d, eg_str_from("2020-08-06 09:58:35.445081-0700 0x2f3a     Default     0x0                  412    0    teslad: [com.apple.CloudConfigurationDaemon:Default] Retrying the request"));
	assert_int_equal(d->ntimeline, 1);
	assert_int_equal(d->timeline[0].count, 50);
	for (i = 0; i < 3 * EG_TIMELINE_MAX; i++) {
		snprintf(line, sizeof(line), "CloudConfig: Error returning activation profile. Error = %d; Datasize = 0",
			 400 + i % 2);
		eg_diagnose_line(d, eg_str_from(line));
	}
	assert_int_equal(d->ntimeline, EG_TIMELINE_MAX);
	assert_true(d->dropped_timeline > 0);
	eg_diagnose_free(d);
}

static void test_the_prefilter_keeps_every_signature(void **state)
{
	struct eg_diagnosis *d = eg_diagnose_new();
	static const char *const lines[] = {
		"dasd: [x] 0:com.apple.mobileactivationd.UCRT.OOB:D65047:[",
		"mobileactivationd: Successfully performed UCRT OOB.",
		"teslad: Retrying the request",
		"Error fetching Device Enrollment configuration: Client is not DEP enabled.",
		"Error fetching Device Enrollment configuration - Request too soon.  Try again later.",
		"Bad response from apsd: Connection interrupted",
		"(34006) Error Domain=MCCloudConfigurationErrorDomain Code=34006",
		"403 Forbidden: T_C_NOT_SIGNED",
		"Device is not AwaitingConfiguration",
		"signing time is outside of certificate validity",
		"Processing device rejection: FAILED_SIGNATURE_CHECK",
		"[dEnrollmentIssuerVerifier] - Unable to validate issuer",
		"CloudConfig: Error returning activation profile. Error = 403; Datasize = 0",
		"returned an unexpected status (403).",
		"Error Domain=DMCHTTPTransactionErrorDomain Code=23004",
		NULL
	};
	int i;

	(void)state;
	for (i = 0; lines[i]; i++)
		assert_true(eg_diagnose_wants(d, eg_str_from(lines[i])));
	assert_false(eg_diagnose_wants(d, eg_str_from("kernel: [com.apple.kernel:default] state changed to idle")));
	assert_false(eg_diagnose_wants(d, eg_str_from("")));
	eg_diagnose_free(d);
}

static void test_a_json_record_holding_a_whole_scoring(void **state)
{
	struct eg_diagnosis *d = eg_diagnose_new();

	(void)state;
	/* 5.5/5.6: eventMessage keeps the scoring's newlines */
	eg_diagnose_record(d, 1596733082000LL, eg_str_from("dasd"), eg_str_from(
		"0:com.apple.mobileactivationd.UCRT.OOB:D65047:[\n"
		"\t{name: ThermalPolicy, policyWeight: 5.000, response: {Decision: Absolutely Must Not Proceed, Score: 0.00, Rationale: [{thermalLevel >= 2}]}}\n"
		" ], FinalDecision: Absolutely Must Not Proceed}"));
	eg_diagnose_finish(d);
	assert_true(d->findings[EG_F_UCRT_BLOCKED_THERMAL].seen);
	assert_true(d->findings[EG_F_UCRT_BLOCKED_THERMAL].first_ms == 1596733082000LL);
	eg_diagnose_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thermal_block_that_never_cleared_is_a_failure),
		cmocka_unit_test(test_numeric_format_and_other_policies),
		cmocka_unit_test(test_error_signatures),
		cmocka_unit_test(test_repeats_fold_and_the_timeline_is_capped),
		cmocka_unit_test(test_the_prefilter_keeps_every_signature),
		cmocka_unit_test(test_a_json_record_holding_a_whole_scoring),
	};
	RUN(tests);
}
