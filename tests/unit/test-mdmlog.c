/*
 * Jamf Pro's JAMFSoftwareServer.log record lines. The bracketed part of
 * each line is quoted in dataJAR/JAMFSoftwareServer.log-Messages
 * (VERIFIED); the time in front of it is INFERRED (src/core/mdmlog.h).
 */
#include "unit.h"

#include "mdmlog.h"

static void test_a_record_line(void **state)
{
	struct eg_mdmlog_rec r;

	(void)state;
	assert_true(eg_mdmlog_parse_line(eg_str_from(
		"2024-03-04 08:00:05,480 [ERROR] [duledPool-8] [ntInstanceSyncCommService] - "
		"com.jamfsoftware.jss.objects.streamlinedenrollment.service.DeviceEnrollmentProgramException: "
		"The DEP service reported an error."), &r));
	/* 2024-03-04 08:00:05 UTC = 1709539205 */
	assert_true(r.ts_ms == 1709539205480LL);
	assert_true(eg_str_eq(r.level, "ERROR"));
	assert_true(eg_str_eq(r.thread, "duledPool-8"));
	assert_true(eg_str_eq(r.logger, "ntInstanceSyncCommService"));
	assert_true(eg_str_starts(r.message, "com.jamfsoftware.jss."));
}

static void test_padding_is_trimmed_and_milliseconds_are_optional(void **state)
{
	struct eg_mdmlog_rec r;

	(void)state;
	assert_true(eg_mdmlog_parse_line(eg_str_from(
		"2024-03-04 08:40:00 [WARN ] [erverThread] [AdvancedSearchHelper     ] - "
		"Unable to match recon field Enrolled via DEP"), &r));
	assert_true(r.ts_ms == 1709541600000LL);
	assert_true(eg_str_eq(r.level, "WARN"));
	assert_true(eg_str_eq(r.logger, "AdvancedSearchHelper"));
	assert_true(eg_str_eq(r.message, "Unable to match recon field Enrolled via DEP"));
	/* a '.' before the milliseconds reads the same */
	assert_true(eg_mdmlog_parse_line(eg_str_from(
		"2024-03-04 08:40:00.250 [INFO ] [duledPool-3] [VppEmailMonitor          ] - x"), &r));
	assert_true(r.ts_ms == 1709541600250LL);
}

static void test_other_lines_are_not_records(void **state)
{
	static const char *const lines[] = {
		/* Java's stack trace lines under an ERROR */
		"\tat com.jamfsoftware.jss.objects.streamlinedenrollment.service.DeviceEnrollmentProgramException.<init>(DeviceEnrollmentProgramException.java)",
		"Caused by: java.net.SocketException: Connection reset",
		/* log show lines: an offset, or no bracketed level */
		"2020-08-06 09:58:35.445081-0700 0x2f3a     Default     0x0                  412    0    teslad: Retrying the request",
		"2020-08-06 09:58:35.445081 -0700 teslad com.apple.CloudConfigurationDaemon Default Retrying the request",
		"2024-03-04 08:00:05,480 [NOTALEVEL] [t] [c] - m",
		"2024-03-04 08:00:05, [ERROR] [t] [c] - m",
		"2024-03-04 08:00:05,480 [ERROR] [unclosed",
		"2024-03-04 08:00:05,480 [ERROR] [t]",
		"[JSSACCESSLOG] 2021-09-09T08:44:00,679 - username=jssadmin, status=Successful Login",
		"",
		NULL
	};
	struct eg_mdmlog_rec r;
	int i;

	(void)state;
	for (i = 0; lines[i]; i++)
		assert_false(eg_mdmlog_parse_line(eg_str_from(lines[i]), &r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_record_line),
		cmocka_unit_test(test_padding_is_trimmed_and_milliseconds_are_optional),
		cmocka_unit_test(test_other_lines_are_not_records),
	};
	RUN(tests);
}
