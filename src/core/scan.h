/*
 * scan.h: bounded cursors over bytes, the primitives every parser uses.
 *
 * A struct eg_scan is a window [p, end) over input that need not be
 * NUL-terminated. Each eg_scan_* function returns 0 and advances the cursor
 * on success, or returns non-zero and leaves the cursor where it was, so
 * steps chain with ||:
 *
 *     if (eg_scan_lit(&s, "Fan: ") || eg_scan_milli(&s, &rpm) ||
 *         eg_scan_lit(&s, " rpm"))
 *             return EG_ERR_INVALID;
 *
 * No atoi/strtol/sscanf: numbers go through bounded converters.
 */
#ifndef EG_SCAN_H
#define EG_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct eg_scan {
	const char *p;    /* next byte to read */
	const char *end;  /* one past the last byte */
};

/* A borrowed slice of someone else's bytes. */
struct eg_str {
	const char *p;
	size_t len;
};

#define EG_STR_NULL { NULL, 0 }

void eg_scan_init(struct eg_scan *s, const char *buf, size_t len);
bool eg_scan_eof(const struct eg_scan *s);

/* Consume the exact bytes of lit. */
int eg_scan_lit(struct eg_scan *s, const char *lit);
/* Consume one byte equal to c. */
int eg_scan_ch(struct eg_scan *s, char c);
/* Skip spaces and tabs; always succeeds. */
int eg_scan_blanks(struct eg_scan *s);
/* Unsigned decimal, at least one digit, value <= max. */
int eg_scan_uint(struct eg_scan *s, uint64_t *v, uint64_t max);
/* Optionally signed decimal within [min, max]. */
int eg_scan_int(struct eg_scan *s, int64_t *v, int64_t min, int64_t max);
/*
 * A decimal number with up to 6 fraction digits (more are read and
 * ignored), returned in thousandths: "46.96" gives 46960, "-1" gives
 * -1000. The magnitude must be below 1e12.
 */
int eg_scan_milli(struct eg_scan *s, int64_t *v);
/* The value of one hexadecimal digit (either case), or -1. */
int eg_hex_digit(char c);
/* Hexadecimal digits, optional "0x" prefix, value <= max. */
int eg_scan_hex(struct eg_scan *s, uint64_t *v, uint64_t max);
/* A run of 1..max bytes that are not space, tab, CR or LF. */
int eg_scan_word(struct eg_scan *s, struct eg_str *out, size_t max);
/* Bytes up to (not including) c; fails when c is absent or the run > max. */
int eg_scan_until(struct eg_scan *s, char c, struct eg_str *out, size_t max);
/* Everything left; always succeeds. */
int eg_scan_rest(struct eg_scan *s, struct eg_str *out);

/*
 * Split off the next line from [*p, end): sets line (without LF or a CR
 * before it) and advances *p past the LF. Returns false at end of input.
 * A last line without LF is still returned.
 */
bool eg_next_line(const char **p, const char *end, struct eg_str *line);

bool eg_str_eq(struct eg_str a, const char *lit);
bool eg_str_starts(struct eg_str a, const char *lit);
/* First occurrence of lit in a, or NULL. */
const char *eg_str_find(struct eg_str a, const char *lit);
/* Trim spaces, tabs, CR and LF at both ends. */
struct eg_str eg_str_trim(struct eg_str a);
struct eg_str eg_str_from(const char *cstr);

/*
 * Parse a duration: a non-negative integer followed by a unit, "ms", "s",
 * "m" or "h" ("250ms", "5s", "2m"); a bare "0" is accepted. Stores
 * milliseconds in *ms. Returns EG_OK, EG_ERR_INVALID for a bad form, or
 * EG_ERR_RANGE when past max_ms.
 */
enum eg_err eg_parse_duration(const char *text, uint64_t *ms, uint64_t max_ms);

/* Format ms back into the shortest exact unit form ("90s", "250ms", "2m"). */
void eg_format_duration(uint64_t ms, char *out, size_t outlen);

#endif
