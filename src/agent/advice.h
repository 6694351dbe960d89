/*
 * advice.h: what the agent tells the admin to do. The next step of each
 * cause comes from the finding table (core/catalog.txt, the rows explain
 * reads: `next`, `next-code`), so run, status and explain say the same;
 * what is here is the run's own account of what happened, put before
 * it ("dasd held back the UCRT task 41 times (last: ...). Let the Mac
 * cool: ...").
 *
 * A next step for a situation no finding has: add a `next` to the
 * finding's row in catalog.txt (or a finding), not a sentence here.
 */
#ifndef EG_ADVICE_H
#define EG_ADVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "strategy.h"

/* What a run knew when it gave up at its deadline or out of cycles. */
struct advice_end {
	const struct eg_strategy *strat;
	bool hot;                 /* the last sample had a CPU die temperature */
	long last_code;           /* the last cloud configuration error code, 0 */
	unsigned renew_timeouts;  /* attempts killed at the child timeout */
	const char *last_error;   /* the last attempt's error, "" */
};

/* Why the run gave up and what to do, one paragraph, into out. */
void advice_gave_up(const struct advice_end *e, char *out, size_t n);

/* The Mac has no ADE record: assign the serial, then erase. */
void advice_not_dep(const char *serial, char *out, size_t n);

/* Setup Assistant finished before the configuration came. */
const char *advice_setup_ended(void);

/* Setup Assistant has waited `dur` ("6 min 0 s", "the whole run"). */
void advice_setup_stuck(const char *dur, char *out, size_t n);

/* The run enrolled after Setup Assistant had finished. */
const char *advice_enrolled_after_setup(void);

#endif
