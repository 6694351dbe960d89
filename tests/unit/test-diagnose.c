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
	assert_string_equal(eg_diagnose_finding_name(d, EG_F_UCRT_BLOCKED_THERMAL), "ucrt.blocked.thermal");
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
	/* UCRTDEPStateUnavailable is a virtual machine's evidence, and only that names one */
	assert_true(d->findings[EG_F_UCRT_VIRTUAL_MACHINE].seen);
	assert_int_equal(d->findings[EG_F_UCRT_VIRTUAL_MACHINE].severity, EG_SEV_FAILURE);
	eg_diagnose_free(d);
}

static void test_jamf_pro_signatures(void **state)
{
	static const struct {
		const char *line;
		enum eg_finding_id id;
		long code;
		const char *detail, *next;
	} cases[] = {
		/* dataJAR/JAMFSoftwareServer.log-Messages (VERIFIED) */
		{ "[llmentProgramDeviceHelper] - 403 The organization has not accepted latest Terms and Conditions of the program",
		  EG_F_DEP_API_ERROR, 403, "the organization has not accepted the latest terms and conditions", "accept the new terms" },
		{ "[ntInstanceSyncCommService] - DeviceEnrollmentProgramException[responseCode=403, responseBody='T_C_NOT_SIGNED', message='An error occurred during oauth token refresh']",
		  EG_F_DEP_API_ERROR, 403, "terms and conditions not accepted (T_C_NOT_SIGNED)", "accept the new terms" },
		{ "[llmentProgramDeviceHelper] - 403: token_expiredForbidden",
		  EG_F_DEP_API_ERROR, 403, "the MDM's server token has expired (token_expired)", "download a new server token" },
		{ "[ntInstanceSyncCommService] - DeviceEnrollmentProgramException[message='Cannot create a connection for an expired token']",
		  EG_F_DEP_API_ERROR, 0, "the MDM's server token has expired", "download a new server token" },
		{ "[llmentProgramDeviceHelper] - 403: SERVER_INACTIVE",
		  EG_F_DEP_API_ERROR, 403, "the token's MDM server no longer exists in Apple Business Manager (SERVER_INACTIVE)", "remove the PreStage" },
		{ "[llmentProgramDeviceHelper] - 400 response from Device Enrollment Program indicating one of the following:",
		  EG_F_DEP_API_ERROR, 400, "Apple answered 400: a server token was downloaded but never uploaded to the MDM", "upload it to the MDM" },
		{ "DeviceEnrollmentProgramException[responseCode=500, message='The DEP service reported an error.']",
		  EG_F_DEP_API_ERROR, 500, "Apple's device-enrollment service reported an error", "download a new server token" },
		{ "[llmentProfileSynchronizer] - com.jamfsoftware.jss.objects.streamlinedenrollment.service.DeviceEnrollmentProgramException: The DEP service reported that invalid options were submitted.",
		  EG_F_DEP_API_ERROR, 0, "Apple refused the options a PreStage enrollment submitted", "PreStage enrollment's settings" },
		{ "APNs Certificate is expired.", EG_F_MDM_APNS_CERT_EXPIRED, 0, "APNs Certificate is expired.", "Push Certificates Portal" },
		/* Jamf's logParse.sh (2015): the server refusing a Mac's request */
		{ "Error processing mdm request, returning 400. Device: 1234, CommandUUID: 6F0C1D64",
		  EG_F_MDM_HTTP_STATUS, 400, "the MDM server's log: it answered the Mac's request with an error", "name the device" },
		{ "Error processing request for action: x, CmdUUID: y SigVerified: true. Returning 500",
		  EG_F_MDM_HTTP_STATUS, 500, "the MDM server's log: it answered the Mac's request with an error", "name the device" },
	};
	char s[768], n[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct eg_diagnosis *d = eg_diagnose_new();
		const struct eg_finding *f = &d->findings[cases[i].id];

		eg_diagnose_record(d, 1709539205480LL, eg_str_from("JAMFSoftwareServer"),
				   eg_str_from(cases[i].line));
		eg_diagnose_finish(d);
		assert_true(f->seen);
		assert_int_equal(f->severity, EG_SEV_FAILURE);
		assert_int_equal(f->code, cases[i].code);
		if (strcmp(f->detail, cases[i].detail))
			fail_msg("case %zu: detail '%s', not '%s'", i, f->detail, cases[i].detail);
		eg_finding_explain(d, cases[i].id, s, sizeof(s), n, sizeof(n));
		if (!strstr(n, cases[i].next))
			fail_msg("case %zu: next step '%s' lacks '%s'", i, n, cases[i].next);
		eg_diagnose_free(d);
	}
	/* noise Jamf logs at ERROR is no finding (dataJAR: "No issue") */
	{
		struct eg_diagnosis *d = eg_diagnose_new();
		int k;

		eg_diagnose_record(d, 1, eg_str_from("JAMFSoftwareServer"),
				   eg_str_from("Incorrect result size: expected 1, actual 0"));
		eg_diagnose_record(d, 1, eg_str_from("JAMFSoftwareServer"), eg_str_from("Comm Device null."));
		for (k = 0; k < d->nfindings; k++)
			assert_false(d->findings[k].seen);
		assert_string_equal(eg_diagnose_finding_name(d, EG_F_MDM_APNS_CERT_EXPIRED), "mdm.apns_cert_expired");
		eg_diagnose_free(d);
	}
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
		/* Jamf Pro (dataJAR's list, VERIFIED), messages without their logger */
		"403 The organization has not accepted latest Terms and Conditions of the program",
		"403: token_expiredForbidden",
		"403: token_rejectedForbidden",
		"403: SERVER_INACTIVE",
		"DeviceEnrollmentProgramException[message='Cannot create a connection for an expired token']",
		"The DEP service reported that invalid options were submitted.",
		"400 response from Device Enrollment Program indicating one of the following:",
		"DeviceEnrollmentProgramException[responseCode=500, message='The DEP service reported an error.']",
		"APNs Certificate is expired.",
		"Error processing mdm request, returning 400",
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

/* run's events (cmd-run.c): Setup Assistant seen from outside */
static void test_setup_assistant_findings_from_runs_events(void **state)
{
	struct eg_diagnosis *d = eg_diagnose_new();
	char s[768], n[512];

	(void)state;
	/* waited, then went on without us: both failures */
	eg_diagnose_agent_event(d, 1000, "setup.found", "", "", 0, "Setup Assistant is running");
	eg_diagnose_agent_event(d, 301000, "setup.stuck", "", "", 0,
				"Setup Assistant has waited 5 min 0 s for the enrollment configuration: "
				"it is probably stuck at \"Retrieving activation record.\"");
	eg_diagnose_agent_event(d, 400000, "setup.ended", "", "", 0, "Setup Assistant finished ...");
	eg_diagnose_finish(d);
	assert_int_equal(d->findings[EG_F_SETUP_ACTIVATION_RECORD_STUCK].severity, EG_SEV_FAILURE);
	assert_non_null(strstr(d->findings[EG_F_SETUP_ACTIVATION_RECORD_STUCK].detail,
			       "waited 5 min 0 s"));
	assert_int_equal(d->findings[EG_F_SETUP_NO_REMOTE_MANAGEMENT].severity, EG_SEV_FAILURE);
	assert_string_equal(eg_diagnose_finding_name(d, EG_F_SETUP_NO_REMOTE_MANAGEMENT),
			    "setup.no_remote_management");
	assert_string_equal(eg_diagnose_finding_name(d, EG_F_SETUP_ACTIVATION_RECORD_STUCK),
			    "setup.activation_record_stuck");
	eg_finding_explain(d, EG_F_SETUP_NO_REMOTE_MANAGEMENT, s, sizeof(s), n, sizeof(n));
	assert_non_null(strstr(s, "no Remote Management screen"));
	assert_null(strstr(s, "came afterwards"));
	assert_non_null(strstr(n, "sudo profiles renew -type enrollment"));
	eg_finding_explain(d, EG_F_SETUP_ACTIVATION_RECORD_STUCK, s, sizeof(s), n, sizeof(n));
	assert_non_null(strstr(s, "\"Retrieving activation record.\""));
	assert_non_null(strstr(s, "waited 5 min 0 s"));
	assert_non_null(strstr(n, "shut the Mac down for 10 minutes"));
	eg_diagnose_free(d);

	/* the configuration came later: the wait is over, the user must act */
	d = eg_diagnose_new();
	eg_diagnose_agent_event(d, 301000, "setup.stuck", "", "", 0, "Setup Assistant has waited 5 min 0 s for ...");
	eg_diagnose_agent_event(d, 400000, "setup.ended", "", "", 0, "Setup Assistant finished ...");
	eg_diagnose_agent_event(d, 500000, "config.fetched", "", "", 0, "enrollment configuration from \"X\"");
	eg_diagnose_finish(d);
	assert_int_equal(d->findings[EG_F_SETUP_ACTIVATION_RECORD_STUCK].severity, EG_SEV_WARNING);
	assert_int_equal(d->findings[EG_F_SETUP_NO_REMOTE_MANAGEMENT].severity, EG_SEV_FAILURE);
	eg_finding_explain(d, EG_F_SETUP_NO_REMOTE_MANAGEMENT, s, sizeof(s), n, sizeof(n));
	assert_non_null(strstr(s, "came afterwards"));
	assert_non_null(strstr(n, "accept the Device Enrollment notification"));
	eg_diagnose_free(d);

	/* a configuration before the wait does not clear it */
	d = eg_diagnose_new();
	eg_diagnose_agent_event(d, 100000, "config.fetched", "", "", 0, "enrollment configuration");
	eg_diagnose_agent_event(d, 301000, "setup.stuck", "", "", 0, "Setup Assistant has waited 5 min 0 s for ...");
	eg_diagnose_finish(d);
	assert_int_equal(d->findings[EG_F_SETUP_ACTIVATION_RECORD_STUCK].severity, EG_SEV_FAILURE);
	eg_diagnose_free(d);
}

/* the configuration needs the UCRT: fetched after the blocks, they only delayed it */
static void test_the_configuration_clears_what_came_before(void **state)
{
	struct eg_diagnosis *d = eg_diagnose_new();
	char s[768], n[512];

	(void)state;
	eg_diagnose_agent_event(d, 1000, "dasd.verdict", "ThermalPolicy", "thermalLevel >= 2", 0, "dasd: ...");
	eg_diagnose_agent_event(d, 2000, "renew.result", "", "", 34006, "attempt 1 failed: (34006) ...");
	eg_diagnose_agent_event(d, 9000, "dasd.verdict", "ThermalPolicy", "thermalLevel >= 2", 0, "dasd: ...");
	eg_diagnose_agent_event(d, 9500, "config.fetched", "", "", 0, "enrollment configuration");
	eg_diagnose_finish(d);
	assert_int_equal(d->findings[EG_F_UCRT_BLOCKED_THERMAL].severity, EG_SEV_WARNING);
	assert_int_equal(d->findings[EG_F_CLOUDCONFIG_ERROR].severity, EG_SEV_WARNING);
	eg_finding_explain(d, EG_F_CLOUDCONFIG_ERROR, s, sizeof(s), n, sizeof(n));
	assert_non_null(strstr(s, "(before the configuration was fetched)"));
	eg_diagnose_free(d);

	/* a block after the configuration is news */
	d = eg_diagnose_new();
	eg_diagnose_agent_event(d, 1000, "config.fetched", "", "", 0, "enrollment configuration");
	eg_diagnose_agent_event(d, 2000, "dasd.verdict", "ThermalPolicy", "thermalLevel >= 2", 0, "dasd: ...");
	eg_diagnose_agent_event(d, 3000, "renew.result", "", "", 34000, "attempt 2 failed: (34000) ...");
	eg_diagnose_finish(d);
	assert_int_equal(d->findings[EG_F_UCRT_BLOCKED_THERMAL].severity, EG_SEV_FAILURE);
	assert_int_equal(d->findings[EG_F_CLOUDCONFIG_ERROR].severity, EG_SEV_FAILURE);
	eg_diagnose_free(d);
}

/* a wait repeats the last renewal's error: it must not count again */
static void test_a_wait_does_not_count_the_error_again(void **state)
{
	struct eg_diagnosis *d = eg_diagnose_new();

	(void)state;
	eg_diagnose_agent_event(d, 1000, "renew.result", "", "", 34006,
				"attempt 1 failed: (34006) The cloud configuration server is unavailable.");
	eg_diagnose_agent_event(d, 1001, "wait", "", "", 0,
				"waiting for the UCRT, next attempt in 60 s (last: Error fetching Device "
				"Enrollment configuration: (34006) Error Domain=MCCloudConfigurationErrorDomain "
				"Code=34006 \"The cloud configuration server is unavailable.\")");
	eg_diagnose_finish(d);
	assert_int_equal(d->findings[EG_F_CLOUDCONFIG_ERROR].count, 1);
	eg_diagnose_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thermal_block_that_never_cleared_is_a_failure),
		cmocka_unit_test(test_numeric_format_and_other_policies),
		cmocka_unit_test(test_error_signatures),
		cmocka_unit_test(test_jamf_pro_signatures),
		cmocka_unit_test(test_repeats_fold_and_the_timeline_is_capped),
		cmocka_unit_test(test_the_prefilter_keeps_every_signature),
		cmocka_unit_test(test_a_json_record_holding_a_whole_scoring),
		cmocka_unit_test(test_setup_assistant_findings_from_runs_events),
		cmocka_unit_test(test_a_wait_does_not_count_the_error_again),
		cmocka_unit_test(test_the_configuration_clears_what_came_before),
	};
	RUN(tests);
}
