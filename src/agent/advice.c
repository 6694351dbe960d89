#include "advice.h"

#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "banned.h"

/* The finding table's next step for finding id (for code, if it has one). */
static const char *next_step(const char *id, long code)
{
	const struct eg_catalog *cat = eg_catalog_shared();
	const struct eg_cat_finding *f;
	int i, k;

	if ((i = eg_catalog_finding(cat, id)) < 0)
		return "";
	f = &cat->findings[i];
	for (k = 0; code && k < f->nnexts; k++)
		if (f->nexts[k].code == code && f->nexts[k].text)
			return f->nexts[k].text;
	return f->next ? f->next : "";
}

/* The finding the table gives a dasd verdict blocked by policy. */
static const char *dasd_finding(const char *policy)
{
	const struct eg_catalog *cat = eg_catalog_shared();
	int i, k;

	for (i = 0; i < cat->nsigs; i++) {
		const struct eg_cat_sig *s = &cat->sigs[i];

		if (s->kind != EG_SIG_DASD || s->dasd_allowed || s->finding < 0)
			continue;
		for (k = 0; k < s->npolicies && strcmp(s->policies[k], policy); k++)
			;
		if (!s->npolicies || k < s->npolicies)
			return cat->findings[s->finding].id;
	}
	return "ucrt.blocked.other";
}

/* "account. Next step." with the next step's first letter in capitals. */
static void sentence(char *out, size_t n, const char *account, const char *next)
{
	char first = next[0] >= 'a' && next[0] <= 'z' ? (char)(next[0] - 'a' + 'A') : next[0];

	if (!next[0])
		snprintf(out, n, "%s", account);
	else
		snprintf(out, n, "%s. %c%s", account, first, next + 1);
}

void advice_gave_up(const struct advice_end *e, char *out, size_t n)
{
	const struct eg_strategy *s = e->strat;
	char account[512];

	if (s->dasd_blocks) {
		snprintf(account, sizeof(account), "dasd held back the UCRT task %u times "
			 "(last: %s %s%s%s%s)", s->dasd_blocks, s->blocker, s->blocker_decision,
			 s->rationale[0] ? ", " : "", s->rationale,
			 e->hot ? ", the Mac was hot" : "");
		sentence(out, n, account, next_step(dasd_finding(s->blocker), 0));
	} else if (s->ucrt_unavailable) {
		sentence(out, n, "the UCRT stayed unavailable", next_step("ucrt.unavailable", 0));
	} else if (e->renew_timeouts && e->renew_timeouts == s->attempts) {
		/* no finding: a hang is the run's to tell */
		snprintf(out, n, "'profiles renew' hung on every attempt: restart the Mac; "
			 "if it hangs again, collect a sysdiagnose");
	} else if (e->last_code) {
		snprintf(account, sizeof(account), "'profiles renew -type enrollment' never "
			 "succeeded (last: %s)", e->last_error[0] ? e->last_error : "no error text");
		sentence(out, n, account, next_step("cloudconfig.error", e->last_code));
	} else {
		snprintf(account, sizeof(account), "'profiles renew -type enrollment' never "
			 "succeeded (last: %s)", e->last_error[0] ? e->last_error : "no error text");
		/* the common cause: a Mac too hot for dasd */
		sentence(out, n, account, next_step("ucrt.blocked.thermal", 0));
	}
}

void advice_not_dep(const char *serial, char *out, size_t n)
{
	char account[128];

	snprintf(account, sizeof(account), "Apple has no ADE record for serial %s",
		 serial[0] ? serial : "(unknown)");
	sentence(out, n, account, next_step("dep.not_assigned", 0));
}

const char *advice_setup_ended(void)
{
	/* what the run does about it, not a next step */
	return "Setup Assistant finished without the enrollment configuration: "
	       "enrollguard keeps renewing, and the Mac's user will get a Device "
	       "Enrollment notification to accept";
}

void advice_setup_stuck(const char *dur, char *out, size_t n)
{
	char account[256];

	snprintf(account, sizeof(account), "Setup Assistant has waited %s for the enrollment "
		 "configuration (\"Retrieving activation record.\"): enrollguard renews as "
		 "soon as the UCRT is there", dur);
	sentence(out, n, account, next_step("setup.activation_record_stuck", 0));
}

const char *advice_enrolled_after_setup(void)
{
	return "Setup Assistant had finished: the Mac's user must accept the Device "
	       "Enrollment notification";
}
