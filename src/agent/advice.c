#include "advice.h"

#include <stdio.h>

#include "banned.h"

/*
 * The one fix for a Mac too hot for dasd, and how enrollguard goes on;
 * s is "S" or "s", as it starts a sentence or not.
 */
#define COOL_DOWN(s) s "hut this Mac down for 10 minutes to let it cool, then " \
		     "power it on: enrollguard runs again at boot"

void advice_gave_up(const struct advice_end *e, char *out, size_t n)
{
	const struct eg_strategy *s = e->strat;

	if (s->dasd_blocks)
		snprintf(out, n, "dasd held back the UCRT task %u times (last: %s %s%s%s%s). "
			 COOL_DOWN("S"), s->dasd_blocks, s->blocker, s->blocker_decision,
			 s->rationale[0] ? ", " : "", s->rationale,
			 e->hot ? ", the Mac was hot" : "");
	else if (s->ucrt_unavailable)
		snprintf(out, n, "the UCRT stayed unavailable. A virtual machine without a "
			 "Secure Enclave can never get one; on a real Mac, " COOL_DOWN("s"));
	else if (e->last_code == 34000)
		snprintf(out, n, "the Mac could not reach Apple's cloud configuration "
			 "service (34000): check that the network lets it reach Apple "
			 "(iprofiles.apple.com, the push service), then restart it");
	else if (e->renew_timeouts && e->renew_timeouts == s->attempts)
		snprintf(out, n, "'profiles renew' hung on every attempt: restart the Mac; "
			 "if it hangs again, collect a sysdiagnose");
	else
		snprintf(out, n, "'profiles renew -type enrollment' never succeeded (last: %s). "
			 COOL_DOWN("S"), e->last_error[0] ? e->last_error : "no error text");
}

void advice_not_dep(const char *serial, char *out, size_t n)
{
	snprintf(out, n, "assign serial %s to an MDM server in Apple Business Manager "
		 "or Apple School Manager, then erase and reinstall",
		 serial[0] ? serial : "(unknown)");
}

const char *advice_setup_ended(void)
{
	return "Setup Assistant finished without the enrollment configuration: "
	       "enrollguard keeps renewing, and the Mac's user will get a Device "
	       "Enrollment notification to accept";
}

void advice_setup_stuck(const char *dur, char *out, size_t n)
{
	snprintf(out, n, "Setup Assistant has waited %s for the enrollment configuration "
		 "(\"Retrieving activation record.\"): enrollguard renews as soon as the "
		 "UCRT is there. If this Mac is hot, " COOL_DOWN("s"), dur);
}

const char *advice_enrolled_after_setup(void)
{
	return "Setup Assistant had finished: the Mac's user must accept the Device "
	       "Enrollment notification";
}
