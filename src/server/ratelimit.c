#include "ratelimit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "banned.h"

#define PROBE 16   /* slots looked at before the idlest one is reused */

struct rl_slot {
	char serial[65];
	double tokens;
	int64_t last_ms;
};

void ratelimit_init(struct ratelimit *rl, double rate, double burst, size_t nslots)
{
	pthread_mutex_init(&rl->lock, NULL);
	rl->rate = rate;
	rl->burst = burst < 1 ? 1 : burst;
	rl->nslots = nslots < PROBE ? PROBE : nslots;
	rl->slots = rate > 0 ? eg_xcalloc(rl->nslots, sizeof(*rl->slots)) : NULL;
}

void ratelimit_release(struct ratelimit *rl)
{
	free(rl->slots);
	rl->slots = NULL;
	pthread_mutex_destroy(&rl->lock);
}

/* FNV-1a: serials are short and not chosen to collide on purpose */
static size_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static struct rl_slot *find(struct ratelimit *rl, const char *serial, int64_t now)
{
	size_t start = hash(serial) % rl->nslots, i;
	struct rl_slot *s, *idlest = NULL;

	for (i = 0; i < PROBE; i++) {
		s = &rl->slots[(start + i) % rl->nslots];
		if (strcmp(s->serial, serial) == 0)
			return s;
		if (!idlest || s->last_ms < idlest->last_ms)
			idlest = s;
	}
	snprintf(idlest->serial, sizeof(idlest->serial), "%s", serial);
	idlest->tokens = rl->burst;
	idlest->last_ms = now;
	return idlest;
}

bool ratelimit_take(struct ratelimit *rl, const char *serial, int64_t now_ms,
		    unsigned *retry_after_s)
{
	struct rl_slot *s;
	bool ok;

	*retry_after_s = 0;
	if (rl->rate <= 0)
		return true;
	pthread_mutex_lock(&rl->lock);
	s = find(rl, serial, now_ms);
	if (now_ms > s->last_ms)
		s->tokens += (double)(now_ms - s->last_ms) / 1000.0 * rl->rate;
	if (s->tokens > rl->burst)
		s->tokens = rl->burst;
	s->last_ms = now_ms > s->last_ms ? now_ms : s->last_ms;
	ok = s->tokens >= 1.0;
	if (ok)
		s->tokens -= 1.0;
	else
		*retry_after_s = (unsigned)((1.0 - s->tokens) / rl->rate) + 1;
	pthread_mutex_unlock(&rl->lock);
	return ok;
}
