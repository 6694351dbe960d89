#include "simrun.h"

#include <math.h>
#include <string.h>




void sim_build_world(const struct sim_params *p, struct sim_mac *m,
			struct world *w)
{
	double horizon = fmax(p->cooled_within, m->setup_at + p->deadline) + 300;
	double t = sim_rng_uniform(&m->rng) * p->dasd_interval_mean;

	w->n = 0;
	w->ucrt = -1;
	while (t < horizon && w->n < MAX_SCORINGS) {
		double temp = sim_temp(m, t) + sim_rng_normal(&m->rng, 0, p->sample_noise_sd);
		bool net_bad = sim_rng_uniform(&m->rng) < p->network_bad_prob;
		double noise = sim_rng_normal(&m->rng, 0, p->score_noise_sd);
		struct sim_verdict v;

		sim_dasd_score(p, sim_thermal_level(p, m->apple, temp), net_bad, noise, &v);
		w->at[w->n] = t;
		w->proceed[w->n] = v.proceed;
		w->n++;
		if (v.proceed) {
			double acq = sim_rng_normal(&m->rng, p->ucrt_acquire_mean, p->ucrt_acquire_sd);

			/* "Performing UCRT OOB." 0.3 s after the verdict (seed 000) */
			w->ucrt = t + 0.3 + fmax(acq, 0.5);
			return;
		}
		t += p->dasd_interval_mean *
		     (1 + p->dasd_interval_jitter * (2 * sim_rng_uniform(&m->rng) - 1));
	}
}

int64_t sim_ms(double s)
{
	return (int64_t)llround(s * 1000);
}

/* One profiles renew started at t: returns when it ends, sets *ok. */
static double renew(const struct sim_params *p, const struct world *w,
		    struct sim_rng *rng, double t, bool *ok)
{
	int j;

	*ok = false;
	if (sim_rng_uniform(rng) < p->renew_hang_prob)
		return t + p->child_timeout;   /* killed at the timeout */
	for (j = 0; j < (int)p->renew_checks; j++) {
		double look = t + j * p->renew_check_gap;

		if (w->ucrt >= 0 && look >= w->ucrt) {
			double lat = fmax(sim_rng_normal(rng, p->renew_ok_mean, p->renew_ok_sd), 0.2);

			*ok = sim_rng_uniform(rng) >= p->renew_other_error_prob;
			return look + lat;
		}
	}
	return t + (p->renew_checks - 1) * p->renew_check_gap + p->renew_fail_tail;
}

/* What `log stream` shows next after index *k (scorings) and the UCRT. */
static double next_obs(const struct sim_params *p, const struct world *w,
		       int k, bool ucrt_pending)
{
	double t = k < w->n ? w->at[k] + p->log_delay : INFINITY;

	if (ucrt_pending && w->ucrt + p->log_delay < t)
		t = w->ucrt + p->log_delay;
	return t;
}

static void deliver(struct eg_strategy *s, const struct sim_params *p,
		    const struct world *w, int *k, bool *ucrt_pending, double t)
{
	struct eg_obs obs;

	memset(&obs, 0, sizeof(obs));
	if (*ucrt_pending && w->ucrt + p->log_delay <= t &&
	    (*k >= w->n || w->ucrt <= w->at[*k])) {
		obs.kind = EG_OBS_UCRT_ACQUIRED;
		*ucrt_pending = false;
	} else {
		obs.kind = EG_OBS_DASD_UCRT;
		obs.dasd.final_decision = w->proceed[*k] ? EG_DASD_CAN_PROCEED :
					  EG_DASD_ABSOLUTELY_MUST_NOT_PROCEED;
		(*k)++;
	}
	eg_strategy_observe(s, sim_ms(t), &obs);
}

void sim_simulate(const struct sim_params *p, const struct world *w,
		     double setup_at, uint64_t rng_seed,
		     const struct eg_strategy_params *sp, struct result *r)
{
	struct eg_strategy s;
	struct sim_rng rng;
	double t = setup_at;
	bool event = sp->kind == EG_STRATEGY_EVENT;
	bool ucrt_pending = event && w->ucrt >= t;
	int k = 0, guard;

	memset(r, 0, sizeof(*r));
	sim_rng_seed(&rng, rng_seed);
	while (k < w->n && w->at[k] < t)
		k++;   /* log stream only shows what comes after it starts */
	if (!event)
		k = w->n;
	eg_strategy_init(&s, sp, sim_ms(t));
	for (guard = 0; guard < 100000; guard++) {
		int64_t wake;
		bool ok;
		double end;

		switch (eg_strategy_next(&s, sim_ms(t), &wake)) {
		case EG_ACT_DONE:
			r->enrolled = true;
			r->cycle = s.cycle;
			r->try_in_cycle = s.try_in_cycle;
			return;
		case EG_ACT_GIVE_UP:
			r->gave_up = true;
			return;
		case EG_ACT_RENEW:
			r->calls++;
			end = renew(p, w, &rng, t, &ok);
			while (next_obs(p, w, k, ucrt_pending) < end)
				deliver(&s, p, w, &k, &ucrt_pending,
					next_obs(p, w, k, ucrt_pending));
			if (ok) {
				r->call_at = t;
				r->enroll_at = end;
			}
			t = end;
			eg_strategy_renew_done(&s, sim_ms(t), ok);
			break;
		case EG_ACT_WAIT: {
			double nxt = (double)wake / 1000, ev = next_obs(p, w, k, ucrt_pending);

			if (ev < nxt) {
				t = ev;
				deliver(&s, p, w, &k, &ucrt_pending, t);
			} else {
				t = nxt;
			}
			break;
		}
		}
	}
	r->gave_up = true;
}

