/* Fixtures: field-guide.md 5.2 (default style) and 5.7 (Console copy). */
#include "unit.h"

#include "timefmt.h"
#include "ulog.h"

static void test_default_style_record(void **state)
{
	struct eg_ulog_rec r;
	/* 5.2, real 2026 line (VERIFIED) */
	struct eg_str line = eg_str_from(
		"2026-03-15 14:14:18.429540-0500 0x18538    Default     0x0                  120    8    dasd: [com.apple.duetactivityscheduler:scoring] '501:com.apple.XProtect.PluginService.agent.fast.scan:BB0E3B' CurrentScore: 0.888734, ThresholdScore: 0.694377 DecisionToRun:1");

	(void)state;
	assert_true(eg_ulog_parse_line(line, &r));
	assert_int_equal(r.style, EG_ULOG_DEFAULT);
	assert_true(eg_str_eq(r.process, "dasd"));
	assert_int_equal(r.pid, 120);
	assert_true(eg_str_eq(r.subsystem, "com.apple.duetactivityscheduler"));
	assert_true(eg_str_eq(r.category, "scoring"));
	assert_true(eg_str_starts(r.message, "'501:com.apple.XProtect"));
	assert_true(r.has_offset);
	/* 14:14:18.429 at -0500 is 19:14:18.429 UTC */
	assert_int_equal(r.ts_ms, (eg_days_from_civil(2026, 3, 15) * 86400 +
				   19 * 3600 + 14 * 60 + 18) * 1000 + 429);
}

static void test_default_style_with_library(void **state)
{
	struct eg_ulog_rec r;
	struct eg_str line = eg_str_from(
		"2026-03-15 14:14:18.432571-0500 0x18697    Default     0x0                  360    8    UserEventAgent: (DuetActivityScheduler) [com.apple.duetactivityscheduler:client] REQUESTING START: 501:com.apple.XProtect.PluginService.agent.fast.scan:BB0E3B");

	(void)state;
	assert_true(eg_ulog_parse_line(line, &r));
	assert_true(eg_str_eq(r.process, "UserEventAgent"));
	assert_true(eg_str_eq(r.category, "client"));
	assert_true(eg_str_starts(r.message, "REQUESTING START:"));
}

static void test_console_copy_with_space_before_offset(void **state)
{
	struct eg_ulog_rec r;
	/* 5.7, N. Strauss (OBSERVED) */
	struct eg_str line = eg_str_from(
		"2020-08-06 10:03:11.122994 -0700 mobileactivationd <Unknown> Successfully performed UCRT OOB.");

	(void)state;
	assert_true(eg_ulog_parse_line(line, &r));
	assert_int_equal(r.style, EG_ULOG_CONSOLE);
	assert_true(eg_str_eq(r.process, "mobileactivationd"));
	assert_true(eg_str_eq(r.message, "<Unknown> Successfully performed UCRT OOB."));
	assert_int_equal(r.ts_ms % 1000, 122);
}

static void test_headers_and_continuations_are_not_records(void **state)
{
	struct eg_ulog_rec r;

	(void)state;
	assert_false(eg_ulog_parse_line(eg_str_from("Timestamp                       Thread     Type        Activity             PID    TTL  "), &r));
	assert_false(eg_ulog_parse_line(eg_str_from("\t{name: ThermalPolicy, policyWeight: 5.000, response: {Decision: Can Proceed, Score: 0.20, Rationale: }}"), &r));
	assert_false(eg_ulog_parse_line(eg_str_from("Filtering the log data using \"composedMessage CONTAINS \"x\"\""), &r));
	assert_false(eg_ulog_parse_line(eg_str_from("2026-13-15 14:14:18.4-0500 x"), &r));
	assert_false(eg_ulog_parse_line(eg_str_from(""), &r));
}

static void test_compact_and_syslog_styles(void **state)
{
	struct eg_ulog_rec r;

	(void)state;
	/* 5.3 (VERIFIED, beeware/briefcase tests) */
	assert_true(eg_ulog_parse_line(eg_str_from("2022-11-14 13:21:15.341 Df My App[59972:780a15] (libffi.dylib) Hello World!"), &r));
	assert_int_equal(r.style, EG_ULOG_COMPACT);
	assert_true(eg_str_eq(r.process, "My App"));
	assert_int_equal(r.pid, 59972);
	assert_false(r.has_offset);
	assert_true(eg_str_eq(r.message, "Hello World!"));
	/* 5.8 (INFERRED from the format rules) */
	assert_true(eg_ulog_parse_line(eg_str_from("2020-08-06 09:58:35.445 Df teslad[412:2f3a] [com.apple.CloudConfigurationDaemon:Default] Retrying the request"), &r));
	assert_true(eg_str_eq(r.subsystem, "com.apple.CloudConfigurationDaemon"));
	assert_true(eg_str_eq(r.message, "Retrying the request"));
	/* 5.4 (VERIFIED, HackTricks and Microsoft's Intune doc) */
	assert_true(eg_ulog_parse_line(eg_str_from("2023-09-27 22:55:39.622369+0200  localhost legacyScreenSaver[41737]: (ScreenSaverExample) hello_screensaver void custom(int, const char **)"), &r));
	assert_int_equal(r.style, EG_ULOG_SYSLOG);
	assert_true(eg_str_eq(r.process, "legacyScreenSaver"));
	assert_int_equal(r.pid, 41737);
	assert_true(r.has_offset);
	assert_true(eg_str_starts(r.message, "hello_screensaver"));
	assert_true(eg_ulog_parse_line(eg_str_from("2020-08-06 09:58:35.445081-0700  localhost teslad[412]: [com.apple.CloudConfigurationDaemon:Default] Retrying the request"), &r));
	assert_true(eg_str_eq(r.category, "Default"));
	assert_true(eg_str_eq(r.message, "Retrying the request"));
	/* a Console line is still a Console line */
	assert_true(eg_ulog_parse_line(eg_str_from("2020-08-06 10:03:07.621823 -0700 mobileactivationd <Unknown> Performing UCRT OOB."), &r));
	assert_int_equal(r.style, EG_ULOG_CONSOLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_style_record),
		cmocka_unit_test(test_default_style_with_library),
		cmocka_unit_test(test_console_copy_with_space_before_offset),
		cmocka_unit_test(test_headers_and_continuations_are_not_records),
		cmocka_unit_test(test_compact_and_syslog_styles),
	};
	RUN(tests);
}
