/*
 * diagnose.h: read log records, keep a folded timeline of what matters to
 * an enrollment, and name the causes as findings, all from the catalogue
 * (catalog.h): its signature rows recognise the lines, its finding rows
 * say what they mean and what to do.
 *
 * Streaming and bounded: records are fed one at a time; the timeline keeps
 * at most EG_TIMELINE_MAX entries (repeats fold into one), findings are
 * the catalogue's. Text lines go through eg_diagnose_line() (any style
 * eg_ulog_parse_line reads), records parsed elsewhere (JSON styles, MDM
 * server logs) through eg_diagnose_rec().
 *
 * A line from a source that takes part in enrollment (mdmclient, teslad,
 * mobileactivationd, apsd, ..., an MDM server's log) that reports a
 * failure no signature knows becomes unrecognized.error, quoted once with
 * its count: explain is never silent on an explicit failure.
 *
 * Calling sequence:
 *     struct eg_diagnosis *d = eg_diagnose_new();    (the built-in catalogue)
 *     for each line: eg_diagnose_line(d, line);
 *     eg_diagnose_finish(d);
 *     ...d->timeline, d->findings[0 .. d->nfindings)...
 *     eg_diagnose_free(d);
 */
#ifndef EG_DIAGNOSE_H
#define EG_DIAGNOSE_H

#include <stdbool.h>
#include <stdint.h>

#include "catalog.h"
#include "logwatch.h"
#include "scan.h"

#define EG_TIMELINE_MAX 2000
#define EG_QUOTES_MAX 8

/*
 * The built-in findings code refers to, in catalog.txt's order (test-catalog
 * checks it). Ids are a contract (enrollguard(8)). Append only. A site's
 * catalogue may add findings after these.
 */
enum eg_finding_id {
	EG_F_UCRT_BLOCKED_THERMAL = 0,
	EG_F_UCRT_BLOCKED_BATTERY,
	EG_F_UCRT_BLOCKED_NETWORK,
	EG_F_UCRT_BLOCKED_OTHER,
	EG_F_UCRT_ACQUIRED,
	EG_F_UCRT_UNAVAILABLE,
	EG_F_CLOUDCONFIG_RETRIES_EXHAUSTED,
	EG_F_CLOUDCONFIG_ERROR,
	EG_F_CLOUDCONFIG_RATE_LIMITED,
	EG_F_DEP_NOT_ASSIGNED,
	EG_F_DEP_API_ERROR,
	EG_F_APNS_UNREACHABLE,
	EG_F_MDM_HTTP_STATUS,
	EG_F_MDM_DEVICE_CERT_REJECTED,
	EG_F_MDM_COMMAND_REJECTED,
	EG_F_MDM_APNS_CERT_EXPIRED,
	EG_F_SETUP_NO_REMOTE_MANAGEMENT,
	EG_F_SETUP_ACTIVATION_RECORD_STUCK,
	EG_F_UNRECOGNIZED_ERROR,
	EG_F_UCRT_VIRTUAL_MACHINE,
	EG_F_UCRT_REFUSED,
	EG_F_CLOUDCONFIG_FETCHED,
	EG_F__COUNT
};

struct eg_finding {
	bool seen;
	enum eg_severity severity;
	int64_t first_ms, last_ms;    /* 0 when the lines had no time */
	unsigned long count;          /* records, a multi-line message once */
	char detail[256];             /* what the evidence said */
	long code;                    /* error code or HTTP status, 0 if none */
	int sig;                      /* the last signature row that gave it, -1 */
	unsigned long last_record;    /* the record that last counted it, + 1 */
	bool cleared;                 /* a later finding cleared it (eg_diagnose_finish) */
};

struct eg_timeline_entry {
	int64_t first_ms, last_ms;
	unsigned long count;
	unsigned long last_record;    /* + 1: a message of several lines counts once */
	char key[96];                 /* what folds: same key, consecutive */
	char text[256];
};

/* A line no signature knows, quoted once with its count. */
struct eg_quote {
	char text[200];
	unsigned long count;
	unsigned long last_record;
};

/* One record, whatever the input it came from. */
struct eg_logrec {
	int64_t ts_ms;               /* 0: unknown */
	struct eg_str process;       /* "teslad"; empty when unknown */
	struct eg_str subsystem;     /* may be empty */
	struct eg_str message;       /* may hold several lines */
	enum eg_logsrc src;
};

struct eg_diagnosis {
	const struct eg_catalog *cat;
	struct eg_catalog *own_cat;       /* freed with the diagnosis */
	struct eg_logwatch watch;
	struct eg_finding *findings;      /* cat->nfindings of them */
	int nfindings;
	struct eg_timeline_entry *timeline;
	int ntimeline;
	unsigned long dropped_timeline;   /* entries past EG_TIMELINE_MAX */
	struct eg_quote quotes[EG_QUOTES_MAX];
	int nquotes;
	unsigned long dropped_quotes;     /* further distinct lines */
	unsigned long lines, records;
	int64_t last_ts;                  /* of the last record with a time */
	int64_t input_first_record;       /* records when the input began */
	int bare_depth;                   /* brackets a recordless line left open */
	unsigned retries;                 /* teslad retries since its last answer */
	int64_t retry_first_ms, retry_last_ms;
	unsigned long retry_record;       /* the record of the last retry */
	struct eg_str cur_process;        /* the record being continued */
	char cur_proc_buf[64];
	enum eg_logsrc cur_src;
};

/* A diagnosis with the built-in catalogue; free it with eg_diagnose_free(). */
struct eg_diagnosis *eg_diagnose_new(void);
/* A diagnosis with a finished catalogue cat (borrowed: it must outlive d). */
struct eg_diagnosis *eg_diagnose_new_with(const struct eg_catalog *cat);
void eg_diagnose_free(struct eg_diagnosis *d);

/*
 * Whether a line can matter: it holds one of the catalogue's literals or a
 * failure word, or continues a dasd scoring in progress. Lines that
 * cannot matter need not be parsed at all; the findings are the same.
 */
bool eg_diagnose_wants(const struct eg_diagnosis *d, struct eg_str line);

/* A new input begins: a line without a record is its own record until one comes. */
void eg_diagnose_begin_input(struct eg_diagnosis *d);

/* Feed one line of a text-style log (any style eg_ulog_parse_line reads). */
void eg_diagnose_line(struct eg_diagnosis *d, struct eg_str line);

/* Feed one record the caller parsed. */
void eg_diagnose_rec(struct eg_diagnosis *d, const struct eg_logrec *rec);

/* eg_diagnose_rec() of a unified-log record (JSON styles). ts_ms 0: unknown. */
void eg_diagnose_record(struct eg_diagnosis *d, int64_t ts_ms,
			struct eg_str process, struct eg_str message);

/*
 * Feed one event of enrollguard's own logs (src/core/event.h): its type
 * and, where the type has them, the blocking policy and rationale of a
 * dasd verdict or the error code of a renewal, and its text.
 */
void eg_diagnose_agent_event(struct eg_diagnosis *d, int64_t ts_ms,
			     const char *type, const char *policy,
			     const char *rationale, long code, const char *text);

/* Settle what depends on what came later (blocked, then cleared; retries). */
void eg_diagnose_finish(struct eg_diagnosis *d);

/* The finding's id ("ucrt.blocked.thermal"), or "unknown". */
const char *eg_diagnose_finding_name(const struct eg_diagnosis *d, int id);

/*
 * The cause in plain words and the next step for a finding that was seen,
 * from its finding row (and the row of the evidence that gave it).
 */
void eg_finding_explain(const struct eg_diagnosis *d, int id,
			char *summary, size_t ns, char *next, size_t nn);

/* A count in words: "once", "twice", "5 times". */
void eg_times_text(unsigned long n, char *out, size_t len);

#endif
