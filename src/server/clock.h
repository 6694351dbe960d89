/*
 * clock.h: the server's one clock, injected, so a test can set the time
 * a rate limit, a session, an event's "received" or a header deadline
 * sees (CONVENTIONS.md item 17).
 *
 * Wall time (UTC ms) is what the database stores and what sessions and
 * limits count in; the monotonic reading only measures how long a
 * request took, so a clock step cannot make a latency negative.
 *
 *     struct srv_clock c = SRV_CLOCK_SYSTEM;     the real one
 *     clock_wall_ms(&c); clock_mono_us(&c);
 */
#ifndef EG_SERVER_CLOCK_H
#define EG_SERVER_CLOCK_H

#include <stdint.h>

struct srv_clock {
	int64_t (*wall_ms)(void *ctx);    /* UTC milliseconds */
	uint64_t (*mono_us)(void *ctx);   /* monotonic microseconds */
	void *ctx;
};

int64_t clock_system_wall_ms(void *ctx);
uint64_t clock_system_mono_us(void *ctx);

#define SRV_CLOCK_SYSTEM { clock_system_wall_ms, clock_system_mono_us, NULL }

static inline int64_t clock_wall_ms(const struct srv_clock *c)
{
	return c->wall_ms(c->ctx);
}

static inline uint64_t clock_mono_us(const struct srv_clock *c)
{
	return c->mono_us(c->ctx);
}

#endif
