/*
 * One input's lines to the diagnosis: style detection and each reader.
 * Lines are field-guide.md's (sections named), Jamf Pro's are quoted in
 * dataJAR/JAMFSoftwareServer.log-Messages (VERIFIED, times INFERRED).
 */
#include "unit.h"

#include <stdio.h>

#include "logread.h"

static const struct eg_logwindow open_window = { 0, 0, NULL };

static void feed(struct eg_logread *r, const char *text)
{
	const char *p = text, *end = text + strlen(text);
	struct eg_str line;

	while (eg_next_line(&p, end, &line))
		eg_logread_line(r, line);
}

/* n lines of another process's chatter: pre, the seconds, post. */
static void noise(struct eg_logread *r, const char *pre, const char *post, int n)
{
	char line[512];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "%s%02d%s", pre, i % 60, post);
		eg_logread_line(r, eg_str_from(line));
	}
}

static void test_default_style_past_the_prefilter(void **state)
{
	struct eg_diagnosis *d = eg_diagnose_new();
	struct eg_logread r;

	(void)state;
	eg_logread_init(&r, d, &open_window);
	noise(&r, "2020-08-06 09:58:", ".000000-0700 0x1f0      Default     0x0                  88     0    kernel: [com.apple.kernel:default] state changed to idle", 200);
	/* 5.8, the default style (INFERRED there) */
	feed(&r, "2020-08-06 09:58:35.445081-0700 0x2f3a     Default     0x0                  412    0    teslad: [com.apple.CloudConfigurationDaemon:Default] Retrying the request\n");
	eg_logread_end(&r);
	eg_diagnose_finish(d);
	assert_string_equal(eg_logread_style(&r), "default");
	assert_int_equal(r.lines, 201);
	assert_int_equal(d->ntimeline, 1);
	assert_string_equal(d->timeline[0].text, "teslad retried its request");
	eg_logread_release(&r);
	eg_diagnose_free(d);
}

static void test_ndjson_counts_every_record_and_reads_the_ones_that_matter(void **state)
{
	struct eg_diagnosis *d = eg_diagnose_new();
	struct eg_logread r;

	(void)state;
	eg_logread_init(&r, d, &open_window);
	noise(&r, "{\"timestamp\":\"2020-08-06 09:58:", ".000000-0700\",\"processImagePath\":\"\\/usr\\/libexec\\/trustd\",\"eventMessage\":\"resolving host\"}", 100);
	/* 5.8's ndjson record, keys abbreviated there */
	feed(&r, "{\"timestamp\":\"2020-08-06 09:58:35.445081-0700\",\"machTimestamp\":1234567890,\"messageType\":\"Default\",\"eventType\":\"logEvent\",\"processImagePath\":\"\\/usr\\/libexec\\/teslad\",\"processID\":412,\"threadID\":12090,\"subsystem\":\"com.apple.CloudConfigurationDaemon\",\"category\":\"Default\",\"senderImagePath\":\"\\/usr\\/libexec\\/teslad\",\"eventMessage\":\"Retrying the request\",\"formatString\":\"Retrying the request\",\"traceID\":0,\"activityIdentifier\":0,\"parentActivityIdentifier\":0,\"timezoneName\":\"\"}\n");
	eg_logread_end(&r);
	assert_string_equal(eg_logread_style(&r), "ndjson");
	assert_int_equal(r.records[EG_LR_NDJSON], 101);
	assert_int_equal(d->ntimeline, 1);
	/* 09:58:35.445 -0700 */
	assert_true(d->timeline[0].first_ms == 1596733115445LL);
	eg_logread_release(&r);
	eg_diagnose_free(d);
}

static void test_pretty_json_records_end_at_their_own_brace(void **state)
{
	struct eg_diagnosis *d = eg_diagnose_new();
	struct eg_logread r;

	(void)state;
	eg_logread_init(&r, d, &open_window);
	/*
	 * 5.5: the message before a nested object and the time after it
	 * (the 2023 key order); the nested object's "  }," must not end
	 * the record.
	 */
	feed(&r,
	     "Skipping info and debug messages, pass --info and/or --debug to include.\n"
	     "[{\n"
	     "  \"traceID\" : 604357733253124,\n"
	     "  \"eventMessage\" : \"Successfully performed UCRT OOB.\",\n"
	     "  \"backtrace\" : {\n"
	     "    \"frames\" : [\n"
	     "      {\n"
	     "        \"imageOffset\" : 51920,\n"
	     "        \"imageUUID\" : \"4C078188-0FEC-3D40-879C-662E369AE81A\"\n"
	     "      }\n"
	     "    ]\n"
	     "  },\n"
	     "  \"timestamp\" : \"2020-08-06 10:03:11.122994-0700\",\n"
	     "  \"processImagePath\" : \"\\/usr\\/libexec\\/mobileactivationd\"\n"
	     "},{\n"
	     "  \"processImagePath\" : \"\\/usr\\/libexec\\/teslad\",\n"
	     "  \"timestamp\" : \"2020-08-06 09:58:35.445081-0700\",\n"
	     "  \"eventMessage\" : \"Retrying the request\"\n"
	     "}]\n");
	eg_logread_end(&r);
	eg_diagnose_finish(d);
	assert_string_equal(eg_logread_style(&r), "json");
	assert_int_equal(r.records[EG_LR_JSON], 2);
	assert_true(d->findings[EG_F_UCRT_ACQUIRED].seen);
	assert_true(d->findings[EG_F_UCRT_ACQUIRED].first_ms == 1596733391122LL);
	assert_int_equal(d->ntimeline, 2);
	assert_string_equal(d->timeline[1].text, "teslad retried its request");
	eg_logread_release(&r);
	eg_diagnose_free(d);
}

static void test_dasd_policy_lines_are_not_json(void **state)
{
	struct eg_diagnosis *d = eg_diagnose_new();
	struct eg_logread r;

	(void)state;
	eg_logread_init(&r, d, &open_window);
	/* 6.2, Console copy (OBSERVED): brace-wrapped, but text */
	feed(&r,
	     "2020-08-06 09:58:02.000000 -0700 dasd com.apple.duetactivityscheduler scoring 0:com.apple.mobileactivationd.UCRT.OOB:D65047:[\n"
	     "{name: ThermalPolicy, policyWeight: 5.000, response: {Decision: Absolutely Must Not Proceed, Score: 0.00, Rationale: [{thermalLevel >= 2}]}}\n"
	     "], FinalDecision: Absolutely Must Not Proceed}\n");
	eg_logread_end(&r);
	eg_diagnose_finish(d);
	assert_false(r.json);
	assert_string_equal(eg_logread_style(&r), "Console copy");
	assert_true(d->findings[EG_F_UCRT_BLOCKED_THERMAL].seen);
	eg_logread_release(&r);
	eg_diagnose_free(d);
}

static void test_agent_events_one_mac_of_many(void **state)
{
	struct eg_diagnosis *d = eg_diagnose_new();
	struct eg_logwindow w = { 0, 0, "C02OTHERMAC1" };
	struct eg_logread r;

	(void)state;
	eg_logread_init(&r, d, &w);
	feed(&r,
	     "{\"v\":1,\"ts\":\"2026-11-23T00:35:28.123Z\",\"host\":{\"serial\":\"FVFXC2HOT001\"},\"run_id\":\"r1\",\"seq\":3,\"type\":\"ucrt.acquired\",\"data\":{},\"text\":\"UCRT acquired\"}\n"
	     "{\"v\":1,\"ts\":\"2026-11-23T00:36:00.000Z\",\"host\":{\"serial\":\"C02OTHERMAC1\"},\"run_id\":\"r2\",\"seq\":4,\"type\":\"ucrt.unavailable\",\"data\":{},\"text\":\"UCRT is unavailable\"}\n");
	eg_logread_end(&r);
	eg_diagnose_finish(d);
	assert_string_equal(eg_logread_style(&r), "enrollguard events");
	assert_false(d->findings[EG_F_UCRT_ACQUIRED].seen);
	assert_true(d->findings[EG_F_UCRT_UNAVAILABLE].seen);
	assert_true(d->findings[EG_F_UCRT_UNAVAILABLE].first_ms == 1795394160000LL);
	eg_logread_release(&r);
	eg_diagnose_free(d);
}

static void test_jamf_lines_their_time_and_no_stack_traces(void **state)
{
	struct eg_diagnosis *d = eg_diagnose_new();
	struct eg_logwindow w = { 1709539200000LL, 0, NULL };   /* from 08:00:00 UTC */
	struct eg_logread r;

	(void)state;
	eg_logread_init(&r, d, &w);
	feed(&r,
	     "2024-03-04 07:59:59,000 [WARN ] [duledPool-8] [llmentProgramDeviceHelper] - 403: SERVER_INACTIVE\n"
	     "2024-03-04 08:00:05,480 [ERROR] [duledPool-8] [ntInstanceSyncCommService] - DeviceEnrollmentProgramException[responseCode=403, responseBody='token_rejectedForbidden', message='An error occurred during oauth token refresh']\n"
	     "Caused by: com.jamfsoftware.jss.objects.streamlinedenrollment.service.DeviceEnrollmentProgramException: An error occurred during oauth token refresh\n"
	     "\tat com.jamfsoftware.jss.objects.streamlinedenrollment.service.DeviceEnrollmentProgramException.<init>(DeviceEnrollmentProgramException.java)\n");
	eg_logread_end(&r);
	eg_diagnose_finish(d);
	assert_string_equal(eg_logread_style(&r), "Jamf Pro server log");
	assert_int_equal(r.records[EG_LR_JAMF], 2);
	assert_int_equal(d->findings[EG_F_DEP_API_ERROR].count, 1);    /* not the trace, not 07:59 */
	assert_int_equal(d->findings[EG_F_DEP_API_ERROR].code, 403);
	assert_string_equal(d->findings[EG_F_DEP_API_ERROR].detail,
			    "Apple rejected the MDM's server token (token_rejected)");
	assert_true(d->findings[EG_F_DEP_API_ERROR].first_ms == 1709539205480LL);
	eg_logread_release(&r);
	eg_diagnose_free(d);
}

/* run's human log (core/event.c eg_event_human), as t1014 writes it */
static void test_the_agents_human_log(void **state)
{
	struct eg_diagnosis *d = eg_diagnose_new();
	struct eg_logread r;

	(void)state;
	eg_logread_init(&r, d, &open_window);
	noise(&r, "2026-11-23 07:58:", " +0000 thermal.sample: CPU die 98.8 C, CPU level 52 (hot)", 100);
	feed(&r,
	     "2026-11-23 07:58:41 +0000 renew.result: attempt 2 failed: (34006) The cloud configuration server is unavailable.\n"
	     "2026-11-23 07:58:41 +0000 wait: waiting for the UCRT, next attempt in 0.5 s (last: Error fetching Device Enrollment configuration: (34006) Error Domain=MCCloudConfigurationErrorDomain Code=34006 \"The cloud configuration server is unavailable.\")\n"
	     "2026-11-23 08:58:41 +0100 dasd.verdict: dasd: Thermal Policy Absolutely Must Not Proceed (thermalLevel >= 2) for 0:com.apple.mobileactivationd.UCRT.OOB:D65048\n"
	     "2026-11-23 07:58:42 +0000 dasd.verdict: dasd: BatteryLevelPolicy Must Not Proceed (no rationale) for 0:com.apple.mobileactivationd.UCRT.OOB:D65049\n"
	     "2026-11-23 07:58:43 +0000 setup.ended: Setup Assistant finished before the enrollment configuration arrived\n"
	     "2026-11-23 07:58:44 +0000 dasd.verdict: dasd: Can Proceed for 0:com.apple.mobileactivationd.UCRT.OOB:D24905\n"
	     /* 5.x Console copy (VERIFIED): a space before its offset too */
	     "2020-08-06 09:58:35.445081 -0700 teslad com.apple.CloudConfigurationDaemon Default Retrying the request\n"
	     /* the same without the fraction: a process, not an event type */
	     "2020-08-06 09:58:36 -0700 teslad: Retrying the request\n");
	eg_logread_end(&r);
	eg_diagnose_finish(d);
	assert_string_equal(eg_logread_style(&r), "enrollguard log");
	assert_int_equal(r.records[EG_LR_AGENT_LOG], 106);
	assert_int_equal(r.records[EG_LR_CONSOLE], 2);     /* the last two lines */
	assert_int_equal(d->findings[EG_F_CLOUDCONFIG_ERROR].count, 1);
	assert_int_equal(d->findings[EG_F_CLOUDCONFIG_ERROR].code, 34006);
	assert_true(d->findings[EG_F_UCRT_BLOCKED_THERMAL].first_ms == 1795420721000LL);
	assert_string_equal(d->findings[EG_F_UCRT_BLOCKED_THERMAL].detail,
			    "Thermal Policy Absolutely Must Not Proceed (thermalLevel >= 2)");
	/* the policy without "(no rationale)" */
	assert_true(!strncmp(d->findings[EG_F_UCRT_BLOCKED_BATTERY].detail, "BatteryLevelPolicy ", 19));
	assert_null(strstr(d->findings[EG_F_UCRT_BLOCKED_BATTERY].detail, "rationale"));
	assert_true(d->findings[EG_F_SETUP_NO_REMOTE_MANAGEMENT].seen);
	assert_int_equal(d->timeline[d->ntimeline - 1].count, 1);
	eg_logread_release(&r);
	eg_diagnose_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_style_past_the_prefilter),
		cmocka_unit_test(test_ndjson_counts_every_record_and_reads_the_ones_that_matter),
		cmocka_unit_test(test_pretty_json_records_end_at_their_own_brace),
		cmocka_unit_test(test_dasd_policy_lines_are_not_json),
		cmocka_unit_test(test_agent_events_one_mac_of_many),
		cmocka_unit_test(test_jamf_lines_their_time_and_no_stack_traces),
		cmocka_unit_test(test_the_agents_human_log),
	};
	RUN(tests);
}
