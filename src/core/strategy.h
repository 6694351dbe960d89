/*
 * strategy.h: when to call `profiles renew -type enrollment`, as a pure
 * state machine. It never sleeps, never reads a clock and never runs
 * anything: the caller passes the time (milliseconds on any monotonic
 * clock) and reports what happened; the strategy says what to do next.
 *
 * Two strategies:
 *  - EG_STRATEGY_FIXED, seed 000's schedule: `retries` attempts
 *    `retry_delay` apart make a cycle; `cooldown` between cycles; give up
 *    after `cycles` cycles (or at the deadline, whichever comes first).
 *  - EG_STRATEGY_EVENT (default): one attempt at once (the UCRT may already
 *    exist), then wait for the log to say the UCRT was acquired and attempt
 *    immediately, with `retries` quick retries `retry_delay` apart; while
 *    the log says nothing, attempt every `fallback` (other macOS versions
 *    word things differently). Give up only at the deadline.
 *
 * Calling sequence:
 *     eg_strategy_init(&s, &params, now);
 *     for (;;) {
 *             switch (eg_strategy_next(&s, now, &wake)) {
 *             case EG_ACT_RENEW: run profiles; eg_strategy_renew_done(&s, now, ok); break;
 *             case EG_ACT_WAIT: wait for a log line or `wake`; on a line,
 *                               eg_strategy_observe(&s, now, &obs); break;
 *             case EG_ACT_DONE: enrolled; case EG_ACT_GIVE_UP: gave up;
 *             }
 *     }
 */
#ifndef EG_STRATEGY_H
#define EG_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "logwatch.h"

enum eg_strategy_kind {
	EG_STRATEGY_EVENT = 0,
	EG_STRATEGY_FIXED = 1,
};

struct eg_strategy_params {
	enum eg_strategy_kind kind;
	unsigned retries;          /* attempts per cycle / per UCRT burst, >= 1 */
	uint64_t retry_delay_ms;   /* between attempts of one cycle or burst */
	uint64_t cooldown_ms;      /* fixed: between cycles */
	unsigned cycles;           /* fixed: cycles before giving up, >= 1 */
	uint64_t deadline_ms;      /* both: give up this long after the start */
	uint64_t fallback_ms;      /* event: attempt this often while the log is quiet */
};

enum eg_action {
	EG_ACT_WAIT = 0,     /* nothing to do before *wake */
	EG_ACT_RENEW = 1,    /* call profiles renew now, then eg_strategy_renew_done() */
	EG_ACT_DONE = 2,     /* enrolled */
	EG_ACT_GIVE_UP = 3,  /* out of cycles or past the deadline */
};

/* Why the current (or next) attempt happens. Append only. */
enum eg_renew_reason {
	EG_REASON_FIRST = 0,        /* the run's first attempt */
	EG_REASON_RETRY = 1,        /* fixed: next try of the cycle */
	EG_REASON_NEW_CYCLE = 2,    /* fixed: first try after the cool-down */
	EG_REASON_UCRT = 3,         /* event: the log said the UCRT exists */
	EG_REASON_UCRT_RETRY = 4,   /* event: quick retry after the UCRT */
	EG_REASON_DASD_ALLOWED = 5, /* event: dasd let the UCRT task run */
	EG_REASON_FALLBACK = 6,     /* event: the slow schedule */
	EG_REASON_RESUME = 7,       /* first attempt after a relaunch */
};

enum eg_strategy_state {
	EG_STATE_WAITING = 0,
	EG_STATE_RENEWING = 1,
	EG_STATE_ENROLLED = 2,
	EG_STATE_GAVE_UP = 3,
};

struct eg_strategy {
	struct eg_strategy_params par;
	enum eg_strategy_state state;
	int64_t start_ms;        /* the run's start on the caller's clock */
	int64_t next_ms;         /* when the next attempt is due */
	unsigned attempts;       /* renew attempts made, all cycles */
	unsigned cycle;          /* 1-based cycle (fixed) or UCRT burst (event) */
	unsigned try_in_cycle;   /* attempts made in the current cycle/burst */
	bool ucrt;               /* the log said the UCRT was acquired */
	bool ucrt_during_renew;  /* ...while an attempt was running */
	bool ucrt_unavailable;   /* the log said the UCRT is unavailable */
	int dasd_decision;       /* last dasd final decision, -1 none seen */
	unsigned dasd_blocks;    /* scorings that blocked the UCRT */
	char blocker[48];        /* blocking policy of the last verdict, "" */
	char blocker_decision[40];
	char rationale[160];
	enum eg_renew_reason reason;  /* of the next or current attempt */
};

/* Default parameters: event strategy, seed 000's fixed-schedule numbers. */
void eg_strategy_params_default(struct eg_strategy_params *p);

/* Start a run at now_ms. The first attempt is due at once. */
void eg_strategy_init(struct eg_strategy *s,
		      const struct eg_strategy_params *p, int64_t now_ms);

/*
 * Continue a run that was interrupted: elapsed_ms of it had passed,
 * `attempts` attempts were made, the last in cycle `cycle` as try
 * `try_in_cycle`. The next attempt is due at once.
 */
void eg_strategy_resume(struct eg_strategy *s,
			const struct eg_strategy_params *p, int64_t now_ms,
			uint64_t elapsed_ms, unsigned attempts, unsigned cycle,
			unsigned try_in_cycle);

/*
 * What to do at now_ms. For EG_ACT_WAIT, *wake_ms is when to ask again
 * (earlier if a log observation arrives). EG_ACT_RENEW marks an attempt
 * as started: report its end with eg_strategy_renew_done().
 */
enum eg_action eg_strategy_next(struct eg_strategy *s, int64_t now_ms,
				int64_t *wake_ms /* OUT */);

/* The attempt started by the last EG_ACT_RENEW ended, successfully or not. */
void eg_strategy_renew_done(struct eg_strategy *s, int64_t now_ms, bool ok);

/* Something in the log: a dasd verdict on the UCRT, the UCRT acquired... */
void eg_strategy_observe(struct eg_strategy *s, int64_t now_ms,
			 const struct eg_obs *obs);

/* Stop for good (e.g. the Mac has no ADE record); next() says GIVE_UP. */
void eg_strategy_abandon(struct eg_strategy *s);

/*
 * Why the strategy is waiting, in words for the log and `status`:
 * "dasd: ThermalPolicy Absolutely Must Not Proceed (thermalLevel >= 2)",
 * "cycle 1 of 10: retry 2 of 3", "UCRT acquired; retry 2 of 3"...
 */
void eg_strategy_why(const struct eg_strategy *s, char *out, size_t n);

const char *eg_strategy_kind_name(enum eg_strategy_kind k);

/*
 * The current attempt in words: "cycle 2, try 1", "the UCRT was just
 * acquired", "UCRT retry 2 of 3", "fallback schedule"...
 */
void eg_strategy_describe_attempt(const struct eg_strategy *s, char *out,
				  size_t n);

#endif
