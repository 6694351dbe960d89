/* A `log stream` in default style, assembled from field-guide.md 5.2 and 6. */
#include "unit.h"

#include "logwatch.h"

static int feed_all(struct eg_logwatch *w, const char *text, struct eg_obs *out, int max)
{
	const char *p = text, *end = text + strlen(text);
	struct eg_str line;
	int n = 0;

	while (eg_next_line(&p, end, &line))
		if (n < max && eg_logwatch_feed(w, line, &out[n]))
			n++;
	return n;
}

static const char stream[] =
	"Filtering the log data using \"composedMessage CONTAINS \\\"UCRT\\\"\"\n"
	"Timestamp                       Thread     Type        Activity             PID    TTL  \n"
	"2026-03-15 17:07:02.030759-0500 0x2b8df    Default     0x0                  120    8    dasd: [com.apple.duetactivityscheduler:scoring] 0:com.apple.XProtect.PluginService.daemon.fast.scan:3B1C50:[\n"
	"\t{name: PowerNapPolicy, policyWeight: 5.000, response: {Decision: Must Not Proceed, Score: 0.00, Rationale: [{x}]}}\n"
	" ], FinalDecision: Must Not Proceed}\n"
	"2026-03-15 17:07:03.000000-0500 0x3f7e0    Default     0x0                  120    8    dasd: [com.apple.duetactivityscheduler:scoring] 0:com.apple.mobileactivationd.UCRT.OOB:D65047:[\n"
	"\t{name: ThermalPolicy, policyWeight: 5.000, response: {Decision: Absolutely Must Not Proceed, Score: 0.00, Rationale: [{thermalLevel >= 2}]}}\n"
	" ], FinalDecision: Absolutely Must Not Proceed}\n"
	"2020-08-06 09:58:35.445081-0700 0x2f3a     Default     0x0                  412    0    teslad: [com.apple.CloudConfigurationDaemon:Default] Retrying the request\n"
	"2026-03-15 17:08:03.000000-0500 0x3f7e0    Default     0x0                  120    8    dasd: [com.apple.duetactivityscheduler:scoring] 0:com.apple.mobileactivationd.UCRT.OOB:D24905:[\n"
	"\t{name: ThermalPolicy, policyWeight: 5.000, response: {Decision: Can Proceed, Score: 0.20, Rationale: }}\n"
	" ] sumScores:32.210000, denominator:38.910000, FinalDecision: Can Proceed FinalScore: 0.827808}\n"
	"2026-03-15 17:08:03.300000-0500 0x2f3a     Default     0x0                  99     0    mobileactivationd: Performing UCRT OOB.\n"
	"2026-03-15 17:08:06.800000-0500 0x2f3a     Default     0x0                  99     0    mobileactivationd: Successfully performed UCRT OOB.\n";

static void test_logwatch_follows_the_ucrt_story(void **state)
{
	struct eg_logwatch w = EG_LOGWATCH_INIT;
	struct eg_obs obs[8];
	int n;

	(void)state;
	n = feed_all(&w, stream, obs, 8);
	/* the XProtect scoring is not about the UCRT and is ignored */
	assert_int_equal(n, 5);
	assert_int_equal(obs[0].kind, EG_OBS_DASD_UCRT);
	assert_int_equal(obs[0].dasd.final_decision, EG_DASD_ABSOLUTELY_MUST_NOT_PROCEED);
	assert_true(obs[0].has_ts);
	assert_int_equal(obs[1].kind, EG_OBS_CLOUD_RETRY);
	assert_int_equal(obs[2].kind, EG_OBS_DASD_UCRT);
	assert_int_equal(obs[2].dasd.final_decision, EG_DASD_CAN_PROCEED);
	assert_int_equal(obs[3].kind, EG_OBS_UCRT_PERFORMING);
	assert_int_equal(obs[4].kind, EG_OBS_UCRT_ACQUIRED);
	assert_int_equal(obs[4].ts_ms - obs[3].ts_ms, 3500);
	assert_int_equal(w.dropped, 0);
	eg_logwatch_release(&w);
}

static void test_logwatch_drops_an_unclosed_scoring(void **state)
{
	struct eg_logwatch w = EG_LOGWATCH_INIT;
	struct eg_obs obs[4];
	int n;

	(void)state;
	n = feed_all(&w,
		     "2026-03-15 17:07:03.000000-0500 0x3f7e0    Default     0x0                  120    8    dasd: [com.apple.duetactivityscheduler:scoring] 0:com.apple.mobileactivationd.UCRT.OOB:D65047:[\n"
		     "\t{name: ThermalPolicy, policyWeight: 5.000, response: {Decision: Absolutely Must Not Proceed, Score: 0.00, Rationale: [{thermalLevel >= 2}]}}\n"
		     "2026-03-15 17:08:06.800000-0500 0x2f3a     Default     0x0                  99     0    mobileactivationd: Successfully performed UCRT OOB.\n",
		     obs, 4);
	assert_int_equal(n, 1);
	assert_int_equal(obs[0].kind, EG_OBS_UCRT_ACQUIRED);
	assert_int_equal(w.dropped, 1);
	eg_logwatch_release(&w);
}

static void test_logwatch_caps_a_runaway_scoring(void **state)
{
	struct eg_logwatch w = EG_LOGWATCH_INIT;
	struct eg_obs obs;
	char line[200];
	int i, n = 0;

	(void)state;
	eg_logwatch_feed(&w, eg_str_from("0:com.apple.mobileactivationd.UCRT.OOB:D65047:["), &obs);
	memset(line, 'x', sizeof(line) - 1);
	line[0] = '\t';
	line[sizeof(line) - 1] = '\0';
	for (i = 0; i < 1000; i++)
		n += eg_logwatch_feed(&w, eg_str_from(line), &obs);
	assert_int_equal(n, 0);
	assert_true(w.block.len <= EG_LOGWATCH_BLOCK_MAX);
	assert_int_equal(w.dropped, 1);
	eg_logwatch_release(&w);
}

static void test_logwatch_vm_without_sep(void **state)
{
	struct eg_logwatch w = EG_LOGWATCH_INIT;
	struct eg_obs obs;

	(void)state;
	/* 6.6, khronokernel 2023 (VERIFIED), process-prefixed paste */
	assert_true(eg_logwatch_feed(&w, eg_str_from("mdmclient: [com.apple.ManagedClient:MDMDaemon] [0:MDMDaemon:<0x540>] UCRTsmb5: DEP registered according to UCRT: UCRTDEPStateUnavailable"), &obs));
	assert_int_equal(obs.kind, EG_OBS_UCRT_UNAVAILABLE);
	assert_false(obs.has_ts);
	eg_logwatch_release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logwatch_follows_the_ucrt_story),
		cmocka_unit_test(test_logwatch_drops_an_unclosed_scoring),
		cmocka_unit_test(test_logwatch_caps_a_runaway_scoring),
		cmocka_unit_test(test_logwatch_vm_without_sep),
	};
	RUN(tests);
}
