/*
 * setupwatch.h: when `run` should say what Setup Assistant is doing, as a
 * pure state machine beside the strategy (strategy.h). It never reads a
 * clock, a file or a process list: the caller passes the time and what
 * it saw, and gets back what to record.
 *
 * Two stages:
 *  1. Waiting for Setup Assistant to appear, up to wait_ms: FOUND once it
 *     runs, TIMEOUT when the wait is over; WAITING or UNKNOWN (the caller
 *     cannot tell) is said once, at the first look.
 *  2. Watching it while the run goes on. It may finish without the
 *     configuration: the caller saw /var/db/.AppleSetupDone, ENDED (seed
 *     000, field-guide.md 7, failure 1). Or it may wait for the
 *     configuration for ever, the hang at "Retrieving activation record."
 *     (7, failure 2): STUCK once it has run stuck_after_ms since first
 *     seen, or when the run ends while it still runs (waited_ms -1 when
 *     it was first seen only then). Each is said once; after ENDED there
 *     is nothing more to say.
 *
 * Calling sequence:
 *     eg_setupwatch_init(&w, wait_ms, stuck_after_ms, now);
 *     while ((news = eg_setupwatch_wait(&w, now, pgrep())) != FOUND && news != TIMEOUT)
 *             sleep a little;
 *     at each thermal sample, and with last = true as the run ends:
 *             news = eg_setupwatch_done(&w, file_exists(SETUP_DONE));
 *             if (news == EG_SETUP_NONE && eg_setupwatch_wants_probe(&w))
 *                     news = eg_setupwatch_look(&w, now, pgrep(), last, &waited);
 */
#ifndef EG_SETUPWATCH_H
#define EG_SETUPWATCH_H

#include <stdbool.h>
#include <stdint.h>

enum eg_setup_news {
	EG_SETUP_NONE = 0,      /* nothing new to say */
	EG_SETUP_FOUND = 1,     /* it runs: the wait is over */
	EG_SETUP_WAITING = 2,   /* not yet running: waiting up to wait_ms */
	EG_SETUP_UNKNOWN = 3,   /* the caller cannot tell: waiting anyway */
	EG_SETUP_TIMEOUT = 4,   /* it did not appear in time: go on without */
	EG_SETUP_ENDED = 5,     /* it finished without the configuration */
	EG_SETUP_STUCK = 6,     /* it has waited too long for the configuration */
};

struct eg_setupwatch {
	uint64_t stuck_after_ms;
	int64_t wait_until_ms;  /* end of stage 1 on the caller's clock */
	bool said_waiting;      /* WAITING or UNKNOWN was said */
	bool seen;              /* seen running; since_ms is valid */
	int64_t since_ms;       /* when it was first seen running */
	bool ended;             /* ENDED was said */
	bool stuck;             /* STUCK was said */
};

/* Start at now_ms: wait up to wait_ms for it, stuck after stuck_after_ms. */
void eg_setupwatch_init(struct eg_setupwatch *w, uint64_t wait_ms,
			uint64_t stuck_after_ms, int64_t now_ms);

/*
 * Stage 1, one look: running is 1 (it runs), 0 (it does not) or -1 (the
 * caller cannot tell). Returns FOUND, TIMEOUT, WAITING or UNKNOWN (once,
 * at the first look that does not find it), or NONE: look again later.
 */
enum eg_setup_news eg_setupwatch_wait(struct eg_setupwatch *w, int64_t now_ms,
				      int running);

/* Stage 2: whether Setup Assistant's done file exists. ENDED or NONE. */
enum eg_setup_news eg_setupwatch_done(struct eg_setupwatch *w, bool done);

/* Stage 2: whether looking at the process list can still tell anything. */
bool eg_setupwatch_wants_probe(const struct eg_setupwatch *w);

/*
 * Stage 2, one look at the process list (running as in stage 1); last
 * when the run is ending. Returns STUCK with *waited_ms (OUT; -1 when
 * first seen as the run ends) or NONE.
 */
enum eg_setup_news eg_setupwatch_look(struct eg_setupwatch *w, int64_t now_ms,
				      int running, bool last,
				      int64_t *waited_ms /* OUT */);

#endif
