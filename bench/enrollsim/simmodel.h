/*
 * simmodel.h: the models of the enrollment simulator (bench/enrollsim):
 * a Mac's thermal curve, dasd's scoring of the UCRT task, mobileactivationd
 * getting the UCRT, and `profiles renew`. Every number comes from a
 * scenario file (scenarios/default.sim documents each one and how the
 * defaults follow from seed 000's figures).
 *
 * The models are pure functions of the parameters and a seeded random
 * generator, so a population is the same for every strategy it is run
 * through. The strategy itself is the real one, from src/core/strategy.h.
 */
#ifndef EG_SIMMODEL_H
#define EG_SIMMODEL_H

#include <stdbool.h>
#include <stdint.h>

struct sim_params {
	/* population */
	uint64_t macs;
	uint64_t seed;
	double apple_silicon_frac;
	/* thermal curve: T(t) = eq + (start - eq) * exp(-t / tau) + noise */
	double start_temp_mean, start_temp_sd;   /* C at boot */
	double ambient_mean, ambient_sd;         /* C, the room */
	double idle_rise;                        /* C above ambient when idle */
	double tau_mean, tau_sd_frac;            /* s, cooling time constant */
	double sample_noise_sd;                  /* C, per reading */
	/* dasd's thermalLevel from the die temperature */
	double intel_level1_c, intel_level2_c;
	double apple_level1_c, apple_level2_c;
	/* dasd scoring of com.apple.mobileactivationd.UCRT.OOB */
	double dasd_interval_mean, dasd_interval_jitter;   /* s, fraction */
	double threshold;                                  /* final score to run */
	double w_thermal, w_memory, w_network, w_battery, w_other;
	double memory_score, other_score;
	double network_bad_prob;                 /* per scoring: Must Not Proceed */
	double score_noise_sd;                   /* added to each score */
	/* mobileactivationd */
	double ucrt_acquire_mean, ucrt_acquire_sd;   /* s */
	double log_delay;                            /* s, log stream latency */
	/* profiles renew -type enrollment (through teslad) */
	double renew_checks;             /* times teslad looks for the UCRT */
	double renew_check_gap;          /* s between those looks */
	double renew_ok_mean, renew_ok_sd;   /* s, once the UCRT is found */
	double renew_fail_tail;          /* s, from the last look to 34006 */
	double renew_other_error_prob;   /* e.g. 34000, even with the UCRT */
	double renew_hang_prob;          /* hangs until the child timeout */
	double child_timeout;            /* s */
	/* Setup Assistant */
	double setup_mean, setup_sd;     /* s after boot */
	/* the strategies (seconds) */
	double deadline;
	double retries, retry_delay, cooldown, cycles;
	double fallback;
	double cooled_within;            /* s after boot: "would have cooled" */
};

/* splitmix64-seeded xoshiro256**: small, fast, and the same everywhere. */
struct sim_rng {
	uint64_t s[4];
};

void sim_rng_seed(struct sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(struct sim_rng *r);
double sim_rng_uniform(struct sim_rng *r);              /* [0, 1) */
double sim_rng_normal(struct sim_rng *r, double mean, double sd);

/* Set every parameter to the documented default (scenarios/default.sim). */
void sim_params_default(struct sim_params *p);

/*
 * Read "key = value  # comment" lines over p. Returns 0, or -1 with a
 * message such as "line 12: unknown key 'tau'" in err.
 */
int sim_params_parse(struct sim_params *p, const char *text, char *err,
		     int errlen);

/* One Mac, drawn from the population. */
struct sim_mac {
	bool apple;
	double start_temp, eq_temp, tau;
	double setup_at;       /* s after boot */
	struct sim_rng rng;    /* its own stream: same draws for every strategy */
};

void sim_mac_draw(const struct sim_params *p, struct sim_rng *pop,
		  struct sim_mac *m);

/* Die temperature at t s after boot, without noise. */
double sim_temp(const struct sim_mac *m, double t);

/* dasd's thermalLevel for a die temperature. */
int sim_thermal_level(const struct sim_params *p, bool apple, double temp);

/* The result of one dasd scoring, in the terms of its log line. */
struct sim_verdict {
	bool absolutely_blocked;   /* a policy said Absolutely Must Not Proceed */
	double sum_scores;
	double denominator;
	double final_score;        /* sum_scores / denominator */
	bool proceed;              /* the task may run */
	int thermal_level;
};

/*
 * Score the UCRT task as dasd does: any Absolutely Must Not Proceed
 * policy blocks; otherwise the weighted scores are summed and divided by
 * the sum of the weights, and the task runs when that reaches the
 * threshold. network_bad marks NetworkQualityPolicy Must Not Proceed.
 */
void sim_dasd_score(const struct sim_params *p, int thermal_level,
		    bool network_bad, double noise, struct sim_verdict *v);

#endif
