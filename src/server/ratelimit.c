#include "ratelimit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "banned.h"

#define PROBE 16   /* slots looked at before the idlest one is reused */

struct rl_slot {
	char serial[65];
	double tokens;
	int64_t last_ms;
};

static void new_key(uint64_t k[2]);

void ratelimit_init(struct ratelimit *rl, double rate, double burst, size_t nslots)
{
	pthread_mutex_init(&rl->lock, NULL);
	rl->rate = rate;
	rl->burst = burst < 1 ? 1 : burst;
	rl->nslots = nslots < PROBE ? PROBE : nslots;
	rl->slots = rate > 0 ? eg_xcalloc(rl->nslots, sizeof(*rl->slots)) : NULL;
	new_key(rl->key);
}

void ratelimit_release(struct ratelimit *rl)
{
	free(rl->slots);
	rl->slots = NULL;
	pthread_mutex_destroy(&rl->lock);
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                         \
	do {                                                             \
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                   \
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                   \
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
	} while (0)

/*
 * SipHash-2-4 of s under the table's random key (Aumasson and Bernstein,
 * "SipHash: a fast short-input PRF", 2012): whoever picks the serials
 * cannot know which slot they land in, so they cannot crowd one slot
 * until it forgets a flooding Mac.
 */
static uint64_t siphash(const uint64_t k[2], const char *s)
{
	uint64_t v0 = 0x736f6d6570736575ULL ^ k[0], v1 = 0x646f72616e646f6dULL ^ k[1];
	uint64_t v2 = 0x6c7967656e657261ULL ^ k[0], v3 = 0x7465646279746573ULL ^ k[1];
	size_t len = strlen(s), i, j;
	uint64_t m;

	for (i = 0; i + 8 <= len; i += 8) {
		for (m = 0, j = 0; j < 8; j++)
			m |= (uint64_t)(unsigned char)s[i + j] << (8 * j);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (m = (uint64_t)len << 56, j = 0; i + j < len; j++)
		m |= (uint64_t)(unsigned char)s[i + j] << (8 * j);
	v3 ^= m;
	SIPROUND;
	SIPROUND;
	v0 ^= m;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* The table's key: random at start; a clock mix only if /dev/urandom fails. */
static void new_key(uint64_t k[2])
{
	struct timespec ts;
	ssize_t got = -1;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		got = read(fd, k, 2 * sizeof(*k));
		close(fd);
	}
	if (got != (ssize_t)(2 * sizeof(*k))) {
		clock_gettime(CLOCK_REALTIME, &ts);
		k[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
		k[1] = (uint64_t)ts.tv_sec * 0xbf58476d1ce4e5b9ULL ^ (uint64_t)(uintptr_t)k;
	}
}

static struct rl_slot *find(struct ratelimit *rl, const char *serial, int64_t now)
{
	size_t start = (size_t)(siphash(rl->key, serial) % rl->nslots), i;
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
