/*
 * logread.h: one input's lines to a diagnosis, whatever the input is.
 *
 * The style is detected per input from its lines: log show's text styles
 * (eg_ulog_parse_line), log show json (pretty objects in an array) and
 * ndjson (an object per line), enrollguard's own JSON-lines events and
 * human log, MDM server logs (Jamf Pro's, logfmt and JSON lines of Go
 * servers: mdmlog.h) and the jamf binary's jamf.log. Lines that cannot
 * matter are skipped unparsed (eg_diagnose_wants); the findings are the
 * same.
 *
 *     struct eg_logread r;
 *     eg_logread_init(&r, d, &window);
 *     for each line: eg_logread_line(&r, line);
 *     eg_logread_end(&r);
 *     ...eg_logread_style(&r), r.lines...
 *     eg_logread_release(&r);
 */
#ifndef EG_LOGREAD_H
#define EG_LOGREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "diagnose.h"
#include "scan.h"

struct eg_logwindow {
	int64_t since, until;        /* ms since the epoch; 0: open */
	const char *serial;          /* enrollguard events: one Mac; NULL: all */
};

enum eg_logread_kind {
	EG_LR_DEFAULT = 0,           /* the first four are enum eg_ulog_style */
	EG_LR_CONSOLE,
	EG_LR_COMPACT,
	EG_LR_SYSLOG,
	EG_LR_JSON,                  /* pretty objects */
	EG_LR_NDJSON,                /* an object per line */
	EG_LR_AGENT,                 /* enrollguard's events */
	EG_LR_JAMF,                  /* JAMFSoftwareServer.log */
	EG_LR_AGENT_LOG,             /* enrollguard's human log */
	EG_LR_SERVER,                /* an MDM server's logfmt or JSON lines */
	EG_LR_CLIENT,                /* an MDM agent's log on the Mac (jamf.log) */
	EG_LR_BSD,                   /* a BSD syslog device log (iOS, old macOS) */
	EG_LR__COUNT
};

struct eg_logread_json;          /* the pretty object being read */

struct eg_logread {
	struct eg_diagnosis *d;
	struct eg_logwindow w;
	unsigned long lines;
	unsigned long records[EG_LR__COUNT];
	bool json;                   /* the input is JSON: objects, not lines */
	bool skipping;               /* the current record is outside the window */
	bool in_jamf;                /* the last record was an MDM server line */
	struct eg_logread_json *j;
};

void eg_logread_init(struct eg_logread *r, struct eg_diagnosis *d,
		     const struct eg_logwindow *w);
void eg_logread_line(struct eg_logread *r, struct eg_str line);
/* The end of the input: a pretty object left open is still read. */
void eg_logread_end(struct eg_logread *r);
void eg_logread_release(struct eg_logread *r);

/*
 * Read each signature's example (rows from first_sig on) as explain reads
 * a file ("\n" in it stands for a line break) and check that it gives the
 * row's own finding. Returns EG_OK, or EG_ERR_INVALID with diag naming the
 * row's file, line and the field 'example'.
 */
enum eg_err eg_logread_check_examples(const struct eg_catalog *c, int first_sig,
				      struct eg_diag *diag);

/* "default", "Console copy", ..., "no records": the kind most records had. */
const char *eg_logread_style(const struct eg_logread *r);

#endif
