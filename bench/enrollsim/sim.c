/*
 * enrollsim: how fast and how surely each strategy gets a fleet enrolled.
 *
 * A discrete-event simulation over a virtual clock. Each simulated Mac
 * boots hot and cools; dasd scores the UCRT task every so often and lets
 * it run once the weighted score passes; mobileactivationd then gets the
 * UCRT; `profiles renew` fails (34006) until the UCRT exists. The agent's
 * side is the real strategy state machine from src/core/strategy.h, fed
 * with the observations `log stream` would give it.
 *
 * The world of a Mac (when dasd scores, what it decides, when the UCRT
 * arrives) is drawn once from the Mac's own random stream and is the same
 * for both strategies; only profiles' outcomes depend on when it is called.
 *
 * usage: enrollsim [--macs N] [--csv FILE] [--set KEY=VALUE]...
 *                  [--sweep KEY=V1,V2,...] SCENARIO.sim
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "simmodel.h"
#include "simrun.h"
#include "strategy.h"

struct stats {
	double *boot_to_enroll, *reaction, *ucrt_to_config, *calls;
	size_t n_enrolled, n_reaction, n_ucrt;
	size_t gave_up_cooled_deadline, gave_up_cooled_30, never_cooled_30;
	size_t cooled_deadline;
	double calls_max;
	size_t macs;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double pct(double *v, size_t n, double q)
{
	size_t i;

	if (n == 0)
		return NAN;
	i = (size_t)ceil(q * (double)n) - 1;
	return v[i >= n ? n - 1 : i];
}

static void stats_init(struct stats *st, size_t macs)
{
	memset(st, 0, sizeof(*st));
	st->macs = macs;
	st->boot_to_enroll = calloc(macs, sizeof(double));
	st->reaction = calloc(macs, sizeof(double));
	st->ucrt_to_config = calloc(macs, sizeof(double));
	st->calls = calloc(macs, sizeof(double));
	if (!st->boot_to_enroll || !st->reaction || !st->ucrt_to_config || !st->calls) {
		fprintf(stderr, "enrollsim: out of memory for %zu Macs\n", macs);
		exit(3);
	}
}

static void stats_free(struct stats *st)
{
	free(st->boot_to_enroll);
	free(st->reaction);
	free(st->ucrt_to_config);
	free(st->calls);
}

static void stats_add(struct stats *st, const struct sim_params *p,
		      const struct world *w, double setup_at, const struct result *r,
		      size_t i)
{
	bool cooled_deadline = w->ucrt >= 0 && w->ucrt <= setup_at + p->deadline;
	bool cooled_30 = w->ucrt >= 0 && w->ucrt <= p->cooled_within;

	st->calls[i] = r->calls;
	if (r->calls > st->calls_max)
		st->calls_max = r->calls;
	st->cooled_deadline += cooled_deadline;
	st->never_cooled_30 += !cooled_30;
	if (r->enrolled) {
		st->boot_to_enroll[st->n_enrolled++] = r->enroll_at;
		if (w->ucrt >= 0) {
			/*
			 * From the UCRT, or from the agent's start when the UCRT
			 * was already there: no strategy can act before it runs.
			 * 0 when a call already running picked the UCRT up.
			 */
			double from = fmax(w->ucrt, setup_at);

			st->reaction[st->n_reaction++] = fmax(0, r->call_at - from);
			st->ucrt_to_config[st->n_ucrt++] = r->enroll_at - from;
		}
	} else {
		st->gave_up_cooled_deadline += cooled_deadline;
		st->gave_up_cooled_30 += cooled_30;
	}
}

static double mean(const double *v, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += v[i];
	return n ? s / (double)n : NAN;
}

static void stats_print(struct stats *st, const char *name)
{
	qsort(st->boot_to_enroll, st->n_enrolled, sizeof(double), cmp_double);
	qsort(st->reaction, st->n_reaction, sizeof(double), cmp_double);
	qsort(st->ucrt_to_config, st->n_ucrt, sizeof(double), cmp_double);
	printf("| %-6s | %6.2f %% | %5.2f / %5.2f / %6.2f s | %5.2f / %5.2f s | %5.1f / %5.1f min | %5.2f (max %3.0f) | %6zu | %6zu |\n",
	       name, 100.0 * (double)st->n_enrolled / (double)st->macs,
	       pct(st->reaction, st->n_reaction, 0.5), pct(st->reaction, st->n_reaction, 0.95),
	       st->n_reaction ? st->reaction[st->n_reaction - 1] : NAN,
	       pct(st->ucrt_to_config, st->n_ucrt, 0.5), pct(st->ucrt_to_config, st->n_ucrt, 0.95),
	       pct(st->boot_to_enroll, st->n_enrolled, 0.5) / 60,
	       pct(st->boot_to_enroll, st->n_enrolled, 0.95) / 60,
	       mean(st->calls, st->macs), st->calls_max,
	       st->gave_up_cooled_deadline, st->gave_up_cooled_30);
}

static void header(void)
{
	printf("| strategy | enrolled | UCRT -> renew call p50 / p95 / max | UCRT -> config p50 / p95 | boot -> enrolled p50 / p95 | profiles calls / Mac | gave up, cooled by deadline | gave up, cooled in 30 min |\n");
	printf("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
}

static void strategy_params(const struct sim_params *p, enum eg_strategy_kind k,
			    struct eg_strategy_params *sp)
{
	eg_strategy_params_default(sp);
	sp->kind = k;
	sp->retries = (unsigned)p->retries;
	sp->retry_delay_ms = (uint64_t)sim_ms(p->retry_delay);
	sp->cooldown_ms = (uint64_t)sim_ms(p->cooldown);
	sp->cycles = (unsigned)p->cycles;
	sp->deadline_ms = (uint64_t)sim_ms(p->deadline);
	sp->fallback_ms = (uint64_t)sim_ms(p->fallback);
}

/* Run the population through both strategies; returns the event stats. */
static void run(const struct sim_params *p, struct stats st[2], FILE *csv,
		const char *label)
{
	struct eg_strategy_params sp[2];
	struct sim_rng pop;
	struct world *w = malloc(sizeof(*w));
	size_t i;
	int k;

	if (!w)
		exit(3);
	strategy_params(p, EG_STRATEGY_FIXED, &sp[0]);
	strategy_params(p, EG_STRATEGY_EVENT, &sp[1]);
	stats_init(&st[0], p->macs);
	stats_init(&st[1], p->macs);
	sim_rng_seed(&pop, p->seed);
	for (i = 0; i < p->macs; i++) {
		struct sim_mac m;
		uint64_t renew_seed;

		sim_mac_draw(p, &pop, &m);
		renew_seed = sim_rng_next(&pop);
		sim_build_world(p, &m, w);
		for (k = 0; k < 2; k++) {
			struct result r;

			sim_simulate(p, w, m.setup_at, renew_seed, &sp[k], &r);
			stats_add(&st[k], p, w, m.setup_at, &r, i);
		}
	}
	free(w);
	if (csv) {
		/* the CDF of boot -> enrolled, 200 points per strategy */
		for (k = 0; k < 2; k++) {
			size_t n = st[k].n_enrolled, j;

			qsort(st[k].boot_to_enroll, n, sizeof(double), cmp_double);
			for (j = 0; j < 200 && n; j++) {
				size_t idx = (n - 1) * j / 199;

				fprintf(csv, "%s,%s,%.4f,%.6f\n", label, k ? "event" : "fixed",
					st[k].boot_to_enroll[idx] / 60,
					(double)(idx + 1) / (double)p->macs);
			}
		}
	}
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int set_kv(struct sim_params *p, const char *kv)
{
	char err[160];

	/* "key=value" is a scenario line of its own */
	if (sim_params_parse(p, kv, err, sizeof(err))) {
		fprintf(stderr, "enrollsim: --set %s: %s\n", kv, err);
		return -1;
	}
	return 0;
}

static void targets(const struct sim_params *p, struct stats st[2])
{
	double p95 = pct(st[1].reaction, st[1].n_reaction, 0.95);

	printf("\ntargets (event strategy):\n");
	printf("  p95 UCRT -> renew call <= 1 s:                 %s (%.3f s)\n",
	       p95 <= 1 ? "met" : "MISSED", p95);
	printf("  no Mac given up that cooled by the deadline:   %s (%zu of %zu)\n",
	       st[1].gave_up_cooled_deadline == 0 ? "met" : "MISSED",
	       st[1].gave_up_cooled_deadline, st[1].cooled_deadline);
	printf("  no more profiles calls per Mac than fixed:     %s (%.2f vs %.2f)\n",
	       mean(st[1].calls, p->macs) <= mean(st[0].calls, p->macs) ? "met" : "MISSED",
	       mean(st[1].calls, p->macs), mean(st[0].calls, p->macs));
}

int main(int argc, char **argv)
{
	struct sim_params p;
	struct stats st[2];
	const char *scenario = NULL, *csv_path = NULL, *sweep = NULL;
	char err[160], *text;
	FILE *csv = NULL;
	struct timespec t0, t1;
	int i;

	sim_params_default(&p);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--csv") && i + 1 < argc)
			csv_path = argv[++i];
		else if (!strcmp(argv[i], "--sweep") && i + 1 < argc)
			sweep = argv[++i];
		else if ((!strcmp(argv[i], "--set") || !strcmp(argv[i], "--macs")) &&
			 i + 1 < argc)
			i++;  /* applied after the scenario file */
		else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: enrollsim [--macs N] [--csv FILE] [--set KEY=VALUE]... "
				"[--sweep KEY=V1,V2,...] SCENARIO.sim\n");
			return 2;
		} else
			scenario = argv[i];
	}
	if (scenario) {
		if (!(text = slurp(scenario))) {
			fprintf(stderr, "enrollsim: cannot read '%s'\n", scenario);
			return 3;
		}
		if (sim_params_parse(&p, text, err, sizeof(err))) {
			fprintf(stderr, "enrollsim: %s: %s\n", scenario, err);
			return 2;
		}
		free(text);
	}
	for (i = 1; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "--set") && set_kv(&p, argv[i + 1]))
			return 2;
		if (!strcmp(argv[i], "--macs")) {
			char kv[64];

			snprintf(kv, sizeof(kv), "macs=%s", argv[i + 1]);
			if (set_kv(&p, kv))
				return 2;
		}
	}
	if (csv_path && !(csv = fopen(csv_path, "a"))) {
		fprintf(stderr, "enrollsim: cannot write '%s'\n", csv_path);
		return 3;
	}
	if (sweep) {
		char key[64], *vals, *v, *next;
		const char *eq = strchr(sweep, '=');

		if (!eq || (size_t)(eq - sweep) >= sizeof(key)) {
			fprintf(stderr, "enrollsim: --sweep KEY=V1,V2,...\n");
			return 2;
		}
		snprintf(key, sizeof(key), "%.*s", (int)(eq - sweep), sweep);
		vals = strdup(eq + 1);
		printf("| %s | fixed enrolled | event enrolled | event gave up, cooled by deadline | fixed gave up, cooled by deadline | calls fixed / event |\n| --- | --- | --- | --- | --- | --- |\n", key);
		for (v = vals; v; v = next) {
			char kv[128];

			next = strchr(v, ',');
			if (next)
				*next++ = '\0';

			snprintf(kv, sizeof(kv), "%s=%s", key, v);
			if (set_kv(&p, kv))
				return 2;
			run(&p, st, NULL, NULL);
			printf("| %s | %.2f %% | %.2f %% | %zu | %zu | %.2f / %.2f |\n", v,
			       100.0 * (double)st[0].n_enrolled / (double)p.macs,
			       100.0 * (double)st[1].n_enrolled / (double)p.macs,
			       st[1].gave_up_cooled_deadline, st[0].gave_up_cooled_deadline,
			       mean(st[0].calls, p.macs), mean(st[1].calls, p.macs));
			stats_free(&st[0]);
			stats_free(&st[1]);
		}
		free(vals);
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run(&p, st, csv, scenario ? scenario : "default");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("scenario %s: %llu Macs, seed %llu, deadline %.0f min\n\n",
	       scenario ? scenario : "(defaults)", (unsigned long long)p.macs,
	       (unsigned long long)p.seed, p.deadline / 60);
	header();
	stats_print(&st[0], "fixed");
	stats_print(&st[1], "event");
	printf("\nMacs whose UCRT came by the deadline: %zu; never within 30 min: %zu\n",
	       st[1].cooled_deadline, st[1].never_cooled_30);
	targets(&p, st);
	printf("\nwall time: %.2f s for %llu Macs x 2 strategies\n",
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       (unsigned long long)p.macs);
	stats_free(&st[0]);
	stats_free(&st[1]);
	if (csv)
		fclose(csv);
	return 0;
}
