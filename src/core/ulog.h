/*
 * ulog.h: one record line of the unified log, as `log show` / `log stream`
 * print it (field-guide.md section 5).
 *
 * Styles handled here: default (5.2), compact (5.3), syslog (5.4) and the
 * Console.app copy (5.7). NEEDSWORK: the json and ndjson styles (5.5,
 * 5.6) are objects, not lines; explain reads them elsewhere.
 *
 * A message may span several lines; eg_ulog_parse_line() recognises only
 * the first line of a record and returns false for continuation lines,
 * headers and footers, which the caller then treats as such.
 */
#ifndef EG_ULOG_H
#define EG_ULOG_H

#include <stdbool.h>
#include <stdint.h>

#include "scan.h"

enum eg_ulog_style {
	EG_ULOG_DEFAULT = 0,
	EG_ULOG_CONSOLE = 1,
	EG_ULOG_COMPACT = 2,
	EG_ULOG_SYSLOG = 3,
};

struct eg_ulog_rec {
	enum eg_ulog_style style;
	int64_t ts_ms;           /* milliseconds since the epoch, UTC */
	bool has_offset;         /* false: ts_ms is local time, offset unknown */
	long pid;                /* -1 when the style has none */
	struct eg_str process;   /* "dasd" */
	struct eg_str subsystem; /* may be empty */
	struct eg_str category;  /* may be empty */
	struct eg_str message;   /* the rest of the first line */
};

/*
 * Parse "yyyy-MM-dd HH:mm:ss[.ffffff][ ]±ZZZZ" at the cursor into
 * milliseconds since the epoch, UTC. Returns 0 and advances, or non-zero.
 */
int eg_scan_log_time(struct eg_scan *s, int64_t *ms, bool *has_offset);

/* Recognise a record's first line. Borrowed slices point into line. */
bool eg_ulog_parse_line(struct eg_str line, struct eg_ulog_rec *rec /* OUT */);

#endif
