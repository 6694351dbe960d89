#include "simmodel.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t sim_rng_next(struct sim_rng *r)
{
	uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double sim_rng_uniform(struct sim_rng *r)
{
	return (double)(sim_rng_next(r) >> 11) * 0x1.0p-53;
}

double sim_rng_normal(struct sim_rng *r, double mean, double sd)
{
	double u1, u2;

	if (sd <= 0)
		return mean;
	do {
		u1 = sim_rng_uniform(r);
	} while (u1 <= 0);
	u2 = sim_rng_uniform(r);
	return mean + sd * sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* The table of keys: one row each, so defaults, parsing and docs agree. */
static const struct key {
	const char *name;
	size_t off;
	double def;
} keys[] = {
#define K(n, d) { #n, offsetof(struct sim_params, n), d }
	K(seed, 2020), K(apple_silicon_frac, 0.3),
	K(start_temp_mean, 100), K(start_temp_sd, 3),
	K(ambient_mean, 21.1), K(ambient_sd, 1), K(idle_rise, 27),
	K(tau_mean, 170), K(tau_sd_frac, 0.2), K(sample_noise_sd, 1.5),
	K(intel_level1_c, 70), K(intel_level2_c, 85),
	K(apple_level1_c, 75), K(apple_level2_c, 90),
	K(dasd_interval_mean, 20), K(dasd_interval_jitter, 0.5),
	K(threshold, 0.66),
	K(w_thermal, 5), K(w_memory, 5), K(w_network, 8.4), K(w_battery, 1),
	K(w_other, 19.51), K(memory_score, 0.5), K(other_score, 0.98975),
	K(network_bad_prob, 0), K(score_noise_sd, 0),
	K(ucrt_acquire_mean, 3.5), K(ucrt_acquire_sd, 0.5), K(log_delay, 0.05),
	K(renew_checks, 3), K(renew_check_gap, 2), K(renew_ok_mean, 1.5),
	K(renew_ok_sd, 0.5), K(renew_fail_tail, 1),
	K(renew_other_error_prob, 0.02), K(renew_hang_prob, 0.002),
	K(child_timeout, 60),
	K(setup_mean, 45), K(setup_sd, 15),
	K(deadline, 1200), K(retries, 3), K(retry_delay, 5), K(cooldown, 60),
	K(cycles, 10), K(fallback, 60), K(cooled_within, 1800),
#undef K
};

void sim_params_default(struct sim_params *p)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	p->macs = 100000;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		*(double *)((char *)p + keys[i].off) = keys[i].def;
	p->seed = 2020;
}

int sim_params_parse(struct sim_params *p, const char *text, char *err,
		     int errlen)
{
	const char *line = text;
	int lineno = 0;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[256], key[64], *eq, *end;
		double v;
		size_t i;
		int found = 0;

		lineno++;
		if (len >= sizeof(buf)) {
			snprintf(err, (size_t)errlen, "line %d: longer than 255 bytes", lineno);
			return -1;
		}
		memcpy(buf, line, len);
		buf[len] = '\0';
		line = nl ? nl + 1 : line + len;
		if ((eq = strchr(buf, '#')))
			*eq = '\0';
		if (!(eq = strchr(buf, '='))) {
			if (strspn(buf, " \t\r") != strlen(buf)) {
				snprintf(err, (size_t)errlen, "line %d: expected 'key = value'", lineno);
				return -1;
			}
			continue;
		}
		*eq = '\0';
		if (sscanf(buf, "%63s", key) != 1) {
			snprintf(err, (size_t)errlen, "line %d: no key before '='", lineno);
			return -1;
		}
		v = strtod(eq + 1, &end);
		if (end == eq + 1 || strspn(end, " \t\r") != strlen(end) || !isfinite(v)) {
			snprintf(err, (size_t)errlen, "line %d: '%s' needs a number", lineno, key);
			return -1;
		}
		if (!strcmp(key, "macs")) {
			if (v < 1 || v > 1e8) {
				snprintf(err, (size_t)errlen, "line %d: macs must be 1..100000000", lineno);
				return -1;
			}
			p->macs = (uint64_t)v;
			continue;
		}
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			if (strcmp(key, keys[i].name))
				continue;
			if (v < 0) {
				snprintf(err, (size_t)errlen, "line %d: '%s' must not be negative", lineno, key);
				return -1;
			}
			if (!strcmp(key, "seed"))
				p->seed = (uint64_t)v;
			else
				*(double *)((char *)p + keys[i].off) = v;
			found = 1;
		}
		if (!found) {
			snprintf(err, (size_t)errlen, "line %d: unknown key '%s'", lineno, key);
			return -1;
		}
	}
	return 0;
}

void sim_mac_draw(const struct sim_params *p, struct sim_rng *pop,
		  struct sim_mac *m)
{
	double ambient;

	m->apple = sim_rng_uniform(pop) < p->apple_silicon_frac;
	m->start_temp = sim_rng_normal(pop, p->start_temp_mean, p->start_temp_sd);
	ambient = sim_rng_normal(pop, p->ambient_mean, p->ambient_sd);
	m->eq_temp = ambient + p->idle_rise;
	if (m->start_temp < m->eq_temp)
		m->start_temp = m->eq_temp;
	/* log-normal around tau_mean: a time constant is never negative */
	m->tau = p->tau_mean * exp(sim_rng_normal(pop, 0, p->tau_sd_frac));
	m->setup_at = sim_rng_normal(pop, p->setup_mean, p->setup_sd);
	if (m->setup_at < 5)
		m->setup_at = 5;
	sim_rng_seed(&m->rng, sim_rng_next(pop));
}

double sim_temp(const struct sim_mac *m, double t)
{
	return m->eq_temp + (m->start_temp - m->eq_temp) * exp(-t / m->tau);
}

int sim_thermal_level(const struct sim_params *p, bool apple, double temp)
{
	double l1 = apple ? p->apple_level1_c : p->intel_level1_c;
	double l2 = apple ? p->apple_level2_c : p->intel_level2_c;

	return temp >= l2 ? 2 : temp >= l1 ? 1 : 0;
}

static double clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

void sim_dasd_score(const struct sim_params *p, int thermal_level,
		    bool network_bad, double noise, struct sim_verdict *v)
{
	/*
	 * ThermalPolicy: thermalLevel >= 2 is Absolutely Must Not Proceed
	 * (seed 000's blocked line); level 1 scores 0.20 (its allowed line);
	 * level 0 scores 1.0 and is not printed (field-guide.md 6.2: only
	 * policies scoring under 0.9 are listed).
	 */
	double thermal = thermal_level >= 2 ? 0 : thermal_level == 1 ? 0.2 : 1.0;
	double network = network_bad ? 0 : 1.0;

	v->thermal_level = thermal_level;
	v->absolutely_blocked = thermal_level >= 2;
	v->sum_scores = p->w_thermal * thermal +
			p->w_memory * clamp01(p->memory_score + noise) +
			p->w_network * network + p->w_battery * 1.0 +
			p->w_other * clamp01(p->other_score + noise);
	v->denominator = p->w_thermal + p->w_memory + p->w_network +
			 p->w_battery + p->w_other;
	v->final_score = v->sum_scores / v->denominator;
	v->proceed = !v->absolutely_blocked && v->final_score >= p->threshold;
}
