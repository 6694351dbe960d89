/*
 * filter.h: the one reading of a device list's query (state, q, limit,
 * offset) for the JSON API and the dashboard alike, so both accept and
 * refuse the same things with the same words.
 *
 *     struct store_filter f;
 *     if (!filter_parse(lookup, ctx, default_limit, &f, why, sizeof(why)))
 *         -> 400 with why ("limit: must be between 1 and 1000 inclusive")
 */
#ifndef EG_SERVER_FILTER_H
#define EG_SERVER_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define FILTER_Q_MAX 64
#define FILTER_LIMIT_MAX 1000
#define FILTER_OFFSET_MAX 1000000000

/* A query argument by name, or NULL. */
typedef const char *(*filter_lookup)(void *ctx, const char *name);

/*
 * Read the filter from lookup. Absent arguments take their defaults
 * (any state, no search, default_limit rows, offset 0). Returns true,
 * or false with why (n bytes) naming the argument and what it must be.
 * f->q is borrowed from lookup.
 */
bool filter_parse(filter_lookup lookup, void *ctx, int64_t default_limit,
		  struct store_filter *f, char *why, size_t n);

#endif
