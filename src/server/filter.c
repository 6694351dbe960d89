#include "filter.h"

#include <stdio.h>
#include <string.h>

#include "fleetstate.h"
#include "scan.h"
#include "banned.h"

/* A number in [min, max], checked as digits before it is converted. */
static bool number(const char *v, int64_t min, int64_t max, int64_t *out)
{
	struct eg_scan s;

	if (!v || !v[0] || strlen(v) > 19)
		return false;
	eg_scan_init(&s, v, strlen(v));
	return !eg_scan_int(&s, out, min, max) && eg_scan_eof(&s);
}

static void state_names(char *out, size_t n)
{
	size_t off = 0;
	int i, k;

	out[0] = '\0';
	for (i = 0; i < EG_FS_COUNT && off < n; i++) {
		k = snprintf(out + off, n - off, "%s%s", i ? ", " : "",
			     eg_fleet_state_name((enum eg_fleet_state)i));
		if (k < 0)
			break;
		off += (size_t)k;
	}
}

bool filter_parse(filter_lookup lookup, void *ctx, int64_t default_limit,
		  struct store_filter *f, char *why, size_t n)
{
	const char *state = lookup(ctx, "state"), *limit = lookup(ctx, "limit");
	const char *offset = lookup(ctx, "offset");
	char names[160];

	f->state = -1;
	f->q = lookup(ctx, "q");
	f->limit = default_limit;
	f->offset = 0;
	if (state && state[0] && (f->state = eg_fleet_state_from_name(state)) < 0) {
		state_names(names, sizeof(names));
		snprintf(why, n, "state: must be one of %s", names);
		return false;
	}
	if (f->q && strlen(f->q) > FILTER_Q_MAX) {
		snprintf(why, n, "q: must be at most %d bytes long", FILTER_Q_MAX);
		return false;
	}
	if (limit && !number(limit, 1, FILTER_LIMIT_MAX, &f->limit)) {
		snprintf(why, n, "limit: must be between 1 and %d inclusive", FILTER_LIMIT_MAX);
		return false;
	}
	if (offset && !number(offset, 0, FILTER_OFFSET_MAX, &f->offset)) {
		snprintf(why, n, "offset: must be between 0 and %d inclusive", FILTER_OFFSET_MAX);
		return false;
	}
	return true;
}
