#include "metrics.h"

#include "banned.h"

/* upper bounds of the latency buckets, in microseconds */
static const uint64_t bucket_us[METRICS_BUCKETS] = {
	500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 5000000,
};

static const char *const reason_names[RJ_COUNT] = {
	[RJ_MALFORMED] = "malformed", [RJ_UNAUTHORIZED] = "unauthorized",
	[RJ_TOO_LARGE] = "too_large", [RJ_CONTENT_TYPE] = "content_type",
	[RJ_RATE_LIMITED] = "rate_limited", [RJ_STORAGE] = "storage",
	[RJ_DEVICE_KEY] = "device_key", [RJ_REGISTRATION] = "registration_limited",
	[RJ_CROSS_SITE] = "cross_site", [RJ_STREAMS] = "too_many_streams",
	[RJ_HTTP] = "http",
};

void metrics_init(struct metrics *m)
{
	int i;

	atomic_init(&m->events_ingested, 0);
	atomic_init(&m->events_duplicate, 0);
	atomic_init(&m->batches, 0);
	atomic_init(&m->events_unknown, 0);
	atomic_init(&m->events_dropped, 0);
	atomic_init(&m->events_pruned, 0);
	atomic_init(&m->devices_created, 0);
	atomic_init(&m->keys_registered, 0);
	atomic_init(&m->latency_sum_us, 0);
	atomic_init(&m->requests, 0);
	atomic_init(&m->commits, 0);
	for (i = 0; i < RJ_COUNT; i++)
		atomic_init(&m->rejected[i], 0);
	for (i = 0; i <= METRICS_BUCKETS; i++)
		atomic_init(&m->latency[i], 0);
}

void metrics_reject(struct metrics *m, enum reject_reason r)
{
	atomic_fetch_add(&m->rejected[r], 1);
}

void metrics_observe(struct metrics *m, uint64_t us)
{
	int i;

	for (i = 0; i < METRICS_BUCKETS && us > bucket_us[i]; i++)
		;
	atomic_fetch_add(&m->latency[i], 1);
	atomic_fetch_add(&m->latency_sum_us, us);
	atomic_fetch_add(&m->requests, 1);
}

static unsigned long long ld(atomic_uint_fast64_t *v)
{
	return (unsigned long long)atomic_load(v);
}

static enum eg_err format_latency(struct metrics *m, struct eg_buf *out)
{
	unsigned long long cum = 0;
	enum eg_err rc;
	int i;

	rc = eg_buf_addstr(out,
		"# HELP enrollguard_http_request_duration_seconds Time from a request's first byte to its answer.\n"
		"# TYPE enrollguard_http_request_duration_seconds histogram\n");
	for (i = 0; rc == EG_OK && i < METRICS_BUCKETS; i++) {
		cum += ld(&m->latency[i]);
		rc = eg_buf_addf(out, "enrollguard_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
				 (double)bucket_us[i] / 1e6, cum);
	}
	cum += ld(&m->latency[METRICS_BUCKETS]);
	if (rc == EG_OK)
		rc = eg_buf_addf(out,
			"enrollguard_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
			"enrollguard_http_request_duration_seconds_sum %.6f\n"
			"enrollguard_http_request_duration_seconds_count %llu\n",
			cum, (double)ld(&m->latency_sum_us) / 1e6, ld(&m->requests));
	return rc;
}

static enum eg_err format_counters(struct metrics *m, const struct metrics_gauges *g,
				   struct eg_buf *out)
{
	return eg_buf_addf(out,
		"# HELP enrollguard_events_unknown_total Events of a type this server does not know (stored, no state).\n"
		"# TYPE enrollguard_events_unknown_total counter\n"
		"enrollguard_events_unknown_total %llu\n"
		"# HELP enrollguard_events_dropped_total Oldest events dropped past --events-per-device.\n"
		"# TYPE enrollguard_events_dropped_total counter\n"
		"enrollguard_events_dropped_total %llu\n"
		"# HELP enrollguard_events_pruned_total Events deleted past --retain.\n"
		"# TYPE enrollguard_events_pruned_total counter\n"
		"enrollguard_events_pruned_total %llu\n"
		"# HELP enrollguard_devices_created_total Macs new to the database.\n"
		"# TYPE enrollguard_devices_created_total counter\n"
		"enrollguard_devices_created_total %llu\n"
		"# HELP enrollguard_device_keys_registered_total Device keys registered.\n"
		"# TYPE enrollguard_device_keys_registered_total counter\n"
		"enrollguard_device_keys_registered_total %llu\n"
		"# HELP enrollguard_sse_dropped_total Dashboard streams ended because they fell behind.\n"
		"# TYPE enrollguard_sse_dropped_total counter\n"
		"enrollguard_sse_dropped_total %llu\n"
		"# HELP enrollguard_connections_cut_total Connections cut for headers or a body slower than --header-timeout or --body-timeout.\n"
		"# TYPE enrollguard_connections_cut_total counter\n"
		"enrollguard_connections_cut_total %llu\n",
		ld(&m->events_unknown), ld(&m->events_dropped), ld(&m->events_pruned),
		ld(&m->devices_created), ld(&m->keys_registered),
		(unsigned long long)g->sse_dropped, (unsigned long long)g->connections_cut);
}

enum eg_err metrics_format(struct metrics *m, const struct metrics_gauges *g,
			   struct eg_buf *out)
{
	enum eg_err rc;
	int i;

	rc = eg_buf_addf(out,
		"# HELP enrollguard_events_ingested_total Events stored (new to the database).\n"
		"# TYPE enrollguard_events_ingested_total counter\n"
		"enrollguard_events_ingested_total %llu\n"
		"# HELP enrollguard_events_duplicate_total Events received again and ignored.\n"
		"# TYPE enrollguard_events_duplicate_total counter\n"
		"enrollguard_events_duplicate_total %llu\n"
		"# HELP enrollguard_batches_total Batches accepted.\n"
		"# TYPE enrollguard_batches_total counter\n"
		"enrollguard_batches_total %llu\n"
		"# HELP enrollguard_commits_total Database transactions committed (one per group of batches).\n"
		"# TYPE enrollguard_commits_total counter\n"
		"enrollguard_commits_total %llu\n"
		"# HELP enrollguard_requests_rejected_total Requests refused, by reason.\n"
		"# TYPE enrollguard_requests_rejected_total counter\n",
		ld(&m->events_ingested), ld(&m->events_duplicate), ld(&m->batches),
		ld(&m->commits));
	for (i = 0; rc == EG_OK && i < RJ_COUNT; i++)
		rc = eg_buf_addf(out, "enrollguard_requests_rejected_total{reason=\"%s\"} %llu\n",
				 reason_names[i], ld(&m->rejected[i]));
	if (rc == EG_OK)
		rc = eg_buf_addstr(out,
			"# HELP enrollguard_devices Macs by state.\n"
			"# TYPE enrollguard_devices gauge\n");
	for (i = 0; rc == EG_OK && i < EG_FS_COUNT; i++)
		rc = eg_buf_addf(out, "enrollguard_devices{state=\"%s\"} %lld\n",
				 eg_fleet_state_name((enum eg_fleet_state)i), (long long)g->counts[i]);
	if (rc == EG_OK)
		rc = eg_buf_addf(out,
			"# HELP enrollguard_events_stored Events in the database.\n"
			"# TYPE enrollguard_events_stored gauge\n"
			"enrollguard_events_stored %lld\n"
			"# HELP enrollguard_sse_clients Open dashboard streams.\n"
			"# TYPE enrollguard_sse_clients gauge\n"
			"enrollguard_sse_clients %u\n",
			(long long)g->events_stored, g->sse_clients);
	if (rc == EG_OK)
		rc = format_counters(m, g, out);
	if (rc == EG_OK)
		rc = format_latency(m, out);
	return rc;
}
