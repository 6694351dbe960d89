/*
 * simrun.h: one simulated Mac through one strategy.
 *
 * sim_build_world() draws what happens on the Mac whatever the agent does
 * (dasd's scorings and verdicts, the UCRT); sim_simulate() runs the real
 * strategy state machine (src/core/strategy.h) against that world on a
 * virtual clock, feeding it what `log stream` would show and answering its
 * `profiles renew` calls.
 */
#ifndef EG_SIMRUN_H
#define EG_SIMRUN_H

#include <stdbool.h>
#include <stdint.h>

#include "simmodel.h"
#include "strategy.h"

#define MAX_SCORINGS 8192

struct world {
	int n;                           /* scorings within the horizon */
	double at[MAX_SCORINGS];         /* s after boot */
	bool proceed[MAX_SCORINGS];
	double ucrt;                     /* s after boot, or -1: never */
};

struct result {
	bool enrolled;
	bool gave_up;
	double enroll_at;       /* s after boot: configuration received */
	double call_at;         /* s after boot: start of the call that succeeded */
	unsigned calls;
	unsigned cycle, try_in_cycle;   /* the strategy's counters at the end */
};

int64_t sim_ms(double s);

/* Draw the world of Mac m (uses m->rng). */
void sim_build_world(const struct sim_params *p, struct sim_mac *m,
		     struct world *w);

/* Run one strategy from setup_at (the agent's start) against w. */
void sim_simulate(const struct sim_params *p, const struct world *w,
		  double setup_at, uint64_t rng_seed,
		  const struct eg_strategy_params *sp, struct result *r);

#endif
