#include "mac.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "banned.h"

int64_t mac_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t mac_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int mac_utc_offset_min(int64_t wall_ms)
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm lt, ut;
	long diff;

	if (!localtime_r(&t, &lt) || !gmtime_r(&t, &ut))
		return 0;
	diff = (long)(lt.tm_hour - ut.tm_hour) * 60 + (lt.tm_min - ut.tm_min);
	if (lt.tm_yday != ut.tm_yday)
		diff += (lt.tm_year > ut.tm_year ||
			 (lt.tm_year == ut.tm_year && lt.tm_yday > ut.tm_yday)) ?
			1440 : -1440;
	return (int)diff;
}

const char *const *mac_child_env(void)
{
	static const char *const keep[] = { "TZ", "LANG", "LC_ALL", "LC_CTYPE",
					    "LC_MESSAGES", NULL };
	static char *env[8];
	static int built;
	int i, n = 0;

	if (built)
		return (const char *const *)env;
	env[n++] = "PATH=/usr/bin:/bin:/usr/sbin:/sbin";
	for (i = 0; keep[i]; i++) {
		const char *v = getenv(keep[i]);
		char *e;
		size_t len;

		if (!v || strlen(v) > 256)
			continue;
		len = strlen(keep[i]) + strlen(v) + 2;
		e = malloc(len);
		if (!e)
			continue;
		snprintf(e, len, "%s=%s", keep[i], v);
		env[n++] = e;
	}
	env[n] = NULL;
	built = 1;
	return (const char *const *)env;
}

void mac_join(const struct eg_global *g, const char *path, char *out, size_t n)
{
	if (eg_path_join(g->root, path, out, n) != EG_OK)
		out[0] = '\0';
}

void mac_path(const struct eg_global *g, enum eg_path p, char *out, size_t n)
{
	mac_join(g, eg_path_default(p), out, n);
}

static int64_t deadline;

void mac_set_deadline(int64_t deadline_ms)
{
	deadline = deadline_ms;
}

enum eg_err mac_run(const struct eg_global *g, enum eg_path p,
		    const char *const *args, uint64_t timeout_ms,
		    const volatile sig_atomic_t *cancel, struct eg_child *c,
		    struct eg_diag *diag)
{
	static char path[PATH_MAX];
	const char *argv[16];
	int n = 0;

	mac_path(g, p, path, sizeof(path));
	argv[n++] = path;
	while (args && *args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	c->path = path;
	c->argv = argv;
	c->env = mac_child_env();
	c->now_ms = mac_mono_ms;
	c->timeout_ms = timeout_ms;
	if (deadline) {
		int64_t left = deadline - mac_mono_ms();

		if (left < 1)
			left = 1;
		if (!timeout_ms || (uint64_t)left < timeout_ms) {
			c->timeout_ms = (uint64_t)left;
			if (c->grace_ms > 300)
				c->grace_ms = 300;
		}
	}
	c->cancel = cancel;
	return eg_child_run(c, diag);
}
