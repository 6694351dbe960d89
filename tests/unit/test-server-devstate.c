/* enrollguard-server: what the fleet view says about a Mac, from its events. */
#include "unit.h"

#include <stdio.h>

#include "devstate.h"

static struct srv_event ev(const char *run, int64_t seq, int64_t ts, const char *type,
			   const char *data, const char *text)
{
	struct srv_event e;

	memset(&e, 0, sizeof(e));
	snprintf(e.serial, sizeof(e.serial), "FVFXC2ABJ1WK");
	snprintf(e.model, sizeof(e.model), "MacBookAir10,1");
	snprintf(e.run_id, sizeof(e.run_id), "%s", run);
	snprintf(e.type, sizeof(e.type), "%s", type);
	e.seq = seq;
	e.ts_ms = ts;
	e.etype = eg_event_type_lookup(type, strlen(type));
	e.run_seen_ms = ts;   /* the server saw each run first when it began */
	e.data_json = (char *)data;
	e.text = (char *)text;
	return e;
}

#define APPLY(d, ...) do { struct srv_event e_ = ev(__VA_ARGS__); devstate_apply((d), &e_); } while (0)

static void test_seed_000_goes_hot_blocked_then_enrolled(void **state)
{
	struct device d;

	(void)state;
	devstate_init(&d, "FVFXC2ABJ1WK");
	APPLY(&d, "r1", 1, 1000, "run.start", "{}", "enrollguard 0.1.0");
	assert_string_equal(eg_fleet_state_name(d.state), "running");
	APPLY(&d, "r1", 2, 2000, "thermal.sample",
	      "{\"cpu_die_c\":96.250,\"thermal_pressure\":\"Heavy\",\"hot\":true}", "CPU die 96 C");
	assert_int_equal(d.state, EG_FS_HOT);
	assert_true(d.has_temp);
	assert_int_equal(d.temp_milli, 96250);
	assert_string_equal(d.pressure, "Heavy");
	APPLY(&d, "r1", 3, 3000, "dasd.verdict",
	      "{\"decision\":\"Absolutely Must Not Proceed\",\"blocking_policy\":\"ThermalPolicy\","
	      "\"rationale\":\"thermalLevel >= 2\"}", "dasd: ThermalPolicy ...");
	assert_int_equal(d.state, EG_FS_BLOCKED);
	assert_string_equal(d.detail, "ThermalPolicy: thermalLevel >= 2");
	assert_int_equal(d.state_since, 3000);
	APPLY(&d, "r1", 4, 4000, "renew.attempt", "{\"attempt\":2}", "attempt 2");
	assert_int_equal(d.attempt, 2);
	assert_int_equal(d.state, EG_FS_BLOCKED);   /* still blocked while dasd says so */
	APPLY(&d, "r1", 5, 5000, "dasd.verdict",
	      "{\"decision\":\"Can Proceed\",\"blocking_policy\":\"\"}", "dasd: Can Proceed");
	assert_int_equal(d.state, EG_FS_RUNNING);
	APPLY(&d, "r1", 6, 6000, "run.enrolled", "{}", "enrolled on attempt 2");
	assert_int_equal(d.state, EG_FS_ENROLLED);
	/* the gave_up of an older tail must not hide that it enrolled */
	APPLY(&d, "r1", 7, 7000, "run.gave_up", "{}", "x");
	assert_int_equal(d.state, EG_FS_ENROLLED);
}

static void test_late_and_repeated_events_do_not_move_the_state_back(void **state)
{
	struct device d;
	struct srv_event e;

	(void)state;
	devstate_init(&d, "FVFXC2ABJ1WK");
	APPLY(&d, "r1", 5, 5000, "run.gave_up", "{}", "no configuration after 20 attempts");
	assert_int_equal(d.state, EG_FS_GAVE_UP);
	e = ev("r1", 3, 3000, "setup.waiting", "{}", "waiting");
	assert_false(devstate_apply(&d, &e));
	assert_int_equal(d.state, EG_FS_GAVE_UP);
	assert_string_equal(d.finding, "no configuration after 20 attempts");
	/* an older run arriving late changes nothing either */
	e = ev("r0", 9, 1000, "run.enrolled", "{}", "old");
	assert_false(devstate_apply(&d, &e));
	assert_int_equal(d.state, EG_FS_GAVE_UP);
	assert_int_equal(d.events, 3);
	/* a new run starts over */
	APPLY(&d, "r2", 1, 9000, "run.start", "{}", "again");
	assert_int_equal(d.state, EG_FS_RUNNING);
	assert_string_equal(d.run_id, "r2");
}

static void test_failed_attempts_make_it_retrying_with_the_reason(void **state)
{
	struct device d;

	(void)state;
	devstate_init(&d, "C02HUNG0MD6M");
	APPLY(&d, "r", 1, 1, "setup.waiting", "{}", "waiting for Setup Assistant");
	assert_int_equal(d.state, EG_FS_WAITING);
	APPLY(&d, "r", 2, 2, "setup.found", "{}", "Setup Assistant runs");
	APPLY(&d, "r", 3, 3, "renew.attempt", "{\"attempt\":1}", "attempt 1");
	assert_int_equal(d.state, EG_FS_RUNNING);
	APPLY(&d, "r", 4, 4, "renew.result", "{\"attempt\":1,\"ok\":false}",
	      "attempt 1 failed: profiles timed out after 60s and was killed");
	assert_int_equal(d.state, EG_FS_RETRYING);
	assert_string_equal(d.finding, "attempt 1 failed: profiles timed out after 60s and was killed");
}

static void test_the_json_of_a_device_escapes_what_it_sent(void **state)
{
	struct eg_buf b = EG_BUF_INIT(4096);
	struct device d;

	(void)state;
	devstate_init(&d, "<b>\"x\"</b>");
	APPLY(&d, "r", 1, 0, "thermal.sample", "{\"cpu_die_c\":46.96,\"hot\":false}", "t");
	assert_int_equal(devstate_json(&d, &b), EG_OK);
	assert_non_null(strstr(b.buf, "\"serial\":\"<b>\\\"x\\\"</b>\""));
	assert_non_null(strstr(b.buf, "\"cpu_die_c\":46.960"));
	assert_non_null(strstr(b.buf, "\"state\":\"running\""));
	eg_buf_release(&b);
}

/* cmd-run.c's setup.ended: the row keeps saying it while dasd goes on */
static void test_setup_assistant_findings_outrank_the_retries(void **state)
{
	struct device d;

	(void)state;
	devstate_init(&d, "FVFXC2CLICK1");
	APPLY(&d, "r", 1, 1, "setup.found", "{}", "Setup Assistant is running");
	APPLY(&d, "r", 2, 2, "setup.ended", "{}",
	      "Setup Assistant finished before the enrollment configuration arrived");
	APPLY(&d, "r", 3, 3, "dasd.verdict",
	      "{\"decision\":\"Absolutely Must Not Proceed\",\"blocking_policy\":\"ThermalPolicy\","
	      "\"rationale\":\"thermalLevel >= 2\"}", "dasd: ThermalPolicy Absolutely Must Not Proceed");
	assert_int_equal(d.state, EG_FS_BLOCKED);
	assert_string_equal(d.detail, "ThermalPolicy: thermalLevel >= 2");
	assert_string_equal(d.finding,
			    "Setup Assistant finished before the enrollment configuration arrived");
	APPLY(&d, "r", 4, 4, "renew.result", "{\"attempt\":2,\"ok\":false}", "attempt 2 failed: (34006)");
	assert_string_equal(d.finding,
			    "Setup Assistant finished before the enrollment configuration arrived");
	/* the end of the run says what to do now */
	APPLY(&d, "r", 5, 5, "run.enrolled", "{}",
	      "done after 3 attempts, but after Setup Assistant: the Mac's user must accept");
	assert_int_equal(d.state, EG_FS_ENROLLED);
	assert_string_equal(d.finding,
			    "done after 3 attempts, but after Setup Assistant: the Mac's user must accept");

	/* a stuck Setup Assistant, then a new run: the old words go */
	APPLY(&d, "r2", 1, 10, "setup.stuck", "{\"waited_ms\":300000}",
	      "Setup Assistant has waited 5 min 0 s for the enrollment configuration");
	APPLY(&d, "r2", 2, 11, "renew.result", "{\"attempt\":1,\"ok\":false}", "attempt 1 failed");
	assert_string_equal(d.finding,
			    "Setup Assistant has waited 5 min 0 s for the enrollment configuration");
	APPLY(&d, "r3", 1, 20, "run.start", "{}", "again");
	assert_string_equal(d.finding, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_000_goes_hot_blocked_then_enrolled),
		cmocka_unit_test(test_late_and_repeated_events_do_not_move_the_state_back),
		cmocka_unit_test(test_failed_attempts_make_it_retrying_with_the_reason),
		cmocka_unit_test(test_the_json_of_a_device_escapes_what_it_sent),
		cmocka_unit_test(test_setup_assistant_findings_outrank_the_retries),
	};
	RUN(tests);
}
