/*
 * diagnose.h: read log lines, keep a folded timeline of what matters to
 * an enrollment, and name the causes as findings with stable ids.
 *
 * Streaming and bounded: lines are fed one at a time; the timeline keeps
 * at most EG_TIMELINE_MAX entries (repeats fold into one), findings are a
 * fixed catalogue. Records come from eg_ulog_parse_line() (text styles)
 * or from the caller (JSON styles) through eg_diagnose_record().
 *
 * Calling sequence:
 *     struct eg_diagnosis *d = eg_diagnose_new();
 *     for each line: eg_diagnose_line(d, line);
 *     eg_diagnose_finish(d);
 *     ...d->timeline, d->findings...
 *     eg_diagnose_free(d);
 */
#ifndef EG_DIAGNOSE_H
#define EG_DIAGNOSE_H

#include <stdbool.h>
#include <stdint.h>

#include "logwatch.h"
#include "scan.h"

#define EG_TIMELINE_MAX 2000

/* The catalogue. Ids are a contract (enrollguard(8), FINDINGS). Append only. */
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
	EG_F__COUNT
};

enum eg_severity {
	EG_SEV_INFO = 0,
	EG_SEV_WARNING = 1,
	EG_SEV_FAILURE = 2,
};

struct eg_finding {
	bool seen;
	enum eg_severity severity;
	int64_t first_ms, last_ms;    /* 0 when the lines had no time */
	unsigned long count;
	char detail[256];             /* policy and rationale, error code... */
	long code;                    /* error code or HTTP status, 0 if none */
};

struct eg_timeline_entry {
	int64_t first_ms, last_ms;
	unsigned long count;
	char key[96];                 /* what folds: same key, consecutive */
	char text[256];
};

struct eg_diagnosis {
	struct eg_logwatch watch;
	struct eg_finding findings[EG_F__COUNT];
	struct eg_timeline_entry *timeline;
	int ntimeline;
	unsigned long dropped_timeline;   /* entries past EG_TIMELINE_MAX */
	unsigned long lines, records;
	int64_t last_ts;                  /* of the last record with a time */
	bool config_fetched;              /* the agent's config.fetched, and */
	int64_t config_ms;                /* when (the last one) */
	unsigned retries_since_error;
	int last_obs;                     /* enum eg_obs_kind, and the record it */
	unsigned long last_obs_record;    /* came from: one message, one count */
	unsigned char gram[8192];         /* hashed first four bytes of the anchors */
};

/* Allocate an empty diagnosis; free it with eg_diagnose_free(). */
struct eg_diagnosis *eg_diagnose_new(void);
void eg_diagnose_free(struct eg_diagnosis *d);

/*
 * Whether a line can matter: it carries one of the catalogue's anchors
 * ("UCRT", "Retrying the request", "MCCloudConfiguration", ...) or
 * continues a dasd scoring in progress. Lines that cannot matter need not
 * be parsed at all; eg_diagnose_line() gives the same findings either way.
 */
bool eg_diagnose_wants(const struct eg_diagnosis *d, struct eg_str line);

/* Feed one line of a text-style log (any style eg_ulog_parse_line reads). */
void eg_diagnose_line(struct eg_diagnosis *d, struct eg_str line);

/* Feed one record the caller parsed (JSON styles). ts_ms 0: unknown. */
void eg_diagnose_record(struct eg_diagnosis *d, int64_t ts_ms,
			struct eg_str process, struct eg_str message);

/*
 * Feed one event of enrollguard's own JSON-lines log (src/core/event.h):
 * its type and, where the type has them, the blocking policy and
 * rationale of a dasd verdict or the error code of a renewal.
 */
void eg_diagnose_agent_event(struct eg_diagnosis *d, int64_t ts_ms,
			     const char *type, const char *policy,
			     const char *rationale, long code, const char *text);

/* Settle severities that depend on what came later (blocked, then cleared). */
void eg_diagnose_finish(struct eg_diagnosis *d);

const char *eg_finding_name(enum eg_finding_id id);
const char *eg_severity_name(enum eg_severity s);

/* Plain-language cause and next step for a finding that was seen. */
void eg_finding_explain(const struct eg_diagnosis *d, enum eg_finding_id id,
			char *summary, size_t ns, char *next, size_t nn);

#endif
