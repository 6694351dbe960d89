/*
 * metrics.h: counters for GET /metrics (Prometheus text format 0.0.4).
 *
 * Counters are atomics, so request threads update them without a lock;
 * the exposition reads them once per scrape. Device counts per state come
 * from the database at scrape time (metrics_format's caller passes them).
 */
#ifndef EG_SERVER_METRICS_H
#define EG_SERVER_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

#include "buf.h"
#include "fleetstate.h"

enum reject_reason {
	RJ_MALFORMED,       /* 400: not JSON, wrong field */
	RJ_UNAUTHORIZED,    /* 401/403 */
	RJ_TOO_LARGE,       /* 413 */
	RJ_CONTENT_TYPE,    /* 415 */
	RJ_RATE_LIMITED,    /* 429 */
	RJ_STORAGE,         /* 503 */
	RJ_DEVICE_KEY,      /* 401/403: a Mac's key missing or wrong */
	RJ_REGISTRATION,    /* 429: new Macs past the registration limits */
	RJ_CROSS_SITE,      /* 403: a form posted from another site */
	RJ_STREAMS,         /* 503: too many dashboard streams */
	RJ_HTTP,            /* 400/413/414/431/505/500 libmicrohttpd answered itself */
	RJ_COUNT
};

#define METRICS_BUCKETS 12

struct metrics {
	atomic_uint_fast64_t events_ingested;
	atomic_uint_fast64_t events_duplicate;
	atomic_uint_fast64_t batches;
	atomic_uint_fast64_t events_unknown;           /* of a type we do not know */
	atomic_uint_fast64_t events_dropped;           /* past the per-Mac cap */
	atomic_uint_fast64_t events_pruned;            /* past --retain */
	atomic_uint_fast64_t devices_created;
	atomic_uint_fast64_t keys_registered;
	atomic_uint_fast64_t rejected[RJ_COUNT];       /* requests, by reason */
	atomic_uint_fast64_t latency[METRICS_BUCKETS + 1]; /* last is +Inf */
	atomic_uint_fast64_t latency_sum_us;
	atomic_uint_fast64_t requests;
	atomic_uint_fast64_t commits;                  /* group commits */
};

void metrics_init(struct metrics *m);
void metrics_reject(struct metrics *m, enum reject_reason r);
/* One request's time, from its first byte to its response queued. */
void metrics_observe(struct metrics *m, uint64_t us);

/* Gauges read from elsewhere at scrape time. */
struct metrics_gauges {
	int64_t counts[EG_FS_COUNT];   /* devices per state */
	int64_t events_stored;
	unsigned sse_clients;
	uint64_t sse_dropped;          /* slow streams ended (a counter) */
	uint64_t connections_cut;      /* slow headers cut (a counter) */
};

/* Append the exposition to out. Returns EG_OK or EG_ERR_TOO_LARGE. */
enum eg_err metrics_format(struct metrics *m, const struct metrics_gauges *g,
			   struct eg_buf *out);

#endif
