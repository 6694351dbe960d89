/*
 * timefmt.h: calendar arithmetic and timestamp formatting without the
 * C library's time zone state (gmtime/localtime are banned). The caller
 * supplies the UTC offset it got from localtime_r().
 */
#ifndef EG_TIMEFMT_H
#define EG_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
int64_t eg_days_from_civil(int64_t y, unsigned m, unsigned d);

/* The civil date of a day count since 1970-01-01. */
void eg_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/*
 * "2026-11-23T00:35:28.123Z" (iso, always UTC) or
 * "2026-11-23 01:35:28 +0100" (human, at the given offset in minutes).
 */
void eg_format_iso(int64_t ms, char *out, size_t n);
void eg_format_human(int64_t ms, int offset_min, char *out, size_t n);

/*
 * Parse "2026-11-23T00:35:28.123Z" (what eg_format_iso writes; the
 * fraction may have 0 to 9 digits, and "+01:00"-style offsets are accepted
 * instead of "Z") into *ms (OUT: UTC milliseconds). The whole string must
 * be consumed. Returns 0, or 1 when text is not such a timestamp or names
 * an impossible date or time.
 */
int eg_parse_iso(const char *text, size_t len, int64_t *ms);

#endif
