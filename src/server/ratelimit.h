/*
 * ratelimit.h: a token bucket per serial number, so one flooding agent
 * (a bug, a loop, a hostile script with a stolen enroll token) is answered
 * 429 and cannot starve the others.
 *
 * Each serial gets `burst` requests at once and `rate` more per second.
 * The table has a fixed number of slots; when it is full, the slot idle
 * longest is reused (a forgotten serial starts with a full bucket, which
 * errs on the side of accepting). Slots are chosen by SipHash under a key
 * drawn at start, so nobody outside can choose keys that share slots and
 * evict a flooding Mac's bucket.
 *
 * Calling sequence:
 *     struct ratelimit rl;
 *     ratelimit_init(&rl, rate, burst, slots);   rate 0 turns it off
 *     if (!ratelimit_take(&rl, serial, now_ms, &retry_after_s)) -> 429
 *     ratelimit_release(&rl);
 */
#ifndef EG_SERVER_RATELIMIT_H
#define EG_SERVER_RATELIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rl_slot;

struct ratelimit {
	pthread_mutex_t lock;
	double rate;            /* requests per second; 0 = no limit */
	double burst;
	struct rl_slot *slots;  /* owned, open addressing */
	size_t nslots;
	uint64_t key[2];        /* SipHash key, random per table */
};

void ratelimit_init(struct ratelimit *rl, double rate, double burst, size_t nslots);
void ratelimit_release(struct ratelimit *rl);

/*
 * Take one token for serial at now_ms. Returns true when the request may
 * go on; false when the bucket is empty, with *retry_after_s (OUT) the
 * whole seconds until a token is back (at least 1).
 */
bool ratelimit_take(struct ratelimit *rl, const char *serial, int64_t now_ms,
		    unsigned *retry_after_s);

#endif
