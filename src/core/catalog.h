/*
 * catalog.h: explain's knowledge as data. One row per finding (what it
 * means, what clears it, what to do) and one row per signature (the
 * literals that recognise a line, what the line means, one real example
 * and where it comes from). The built-in catalogue (catalog.txt, compiled
 * in) and an admin's `--signatures FILE` are the same text format; the
 * diagnosis (diagnose.h), the prefilter, the timeline, the man page's
 * catalogue and the unit tests all read these rows.
 *
 * The format: a row is a paragraph ('#' lines are skipped, a blank line
 * ends it); its first line names it, its fields follow, one "name value"
 * a line:
 *
 *     finding dep.not_assigned
 *     severity failure
 *     cause Apple has no ADE record ...
 *     next assign the serial ...
 *
 *     signature profiles.not_dep
 *     literal Client is not DEP enabled
 *     finding dep.not_assigned
 *     timeline Apple has no ADE record for this serial
 *     example Error fetching Device Enrollment configuration: Client is not DEP enabled.
 *     source field-guide.md 1.2
 *
 * A value that must keep blanks at its ends is written in double quotes
 * ("returning "); inside them \" and \\ stand for themselves. Every field
 * is described in enrollguard(8), CATALOGUE FORMAT.
 *
 * Calling sequence:
 *     struct eg_catalog *c = eg_catalog_new();
 *     eg_catalog_load(c, "built-in", eg_catalog_builtin_text, len, &diag);
 *     eg_catalog_load(c, path, text, len, &diag);   (optional, site rows)
 *     eg_catalog_finish(c, &diag);                  (resolves, builds the prefilter)
 *     ...eg_diagnose_new_with(c)...
 *     eg_catalog_free(c);
 *
 * To add a signature: add a row to catalog.txt with a real example line
 * and its source; test-catalog checks that the example gives the finding,
 * and t0002 that enrollguard(8) lists the finding. To add a finding: add
 * a finding row here and to enum eg_finding_id (diagnose.h) when code
 * refers to it, in the same order.
 */
#ifndef EG_CATALOG_H
#define EG_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "scan.h"

enum eg_severity {
	EG_SEV_INFO = 0,
	EG_SEV_WARNING = 1,
	EG_SEV_FAILURE = 2,
};

/* Where a line came from, for a signature's `format` field. */
enum eg_logsrc {
	EG_SRC_MAC = 0,       /* the unified log (any log show style, Console) */
	EG_SRC_SERVER = 1,    /* an MDM server's log (Jamf Pro, logfmt, JSON) */
	EG_SRC_AGENT = 2,     /* enrollguard's own logs */
	EG_SRC_CLIENT = 3,    /* an MDM vendor's agent on the Mac (jamf.log) */
};

#define EG_CAT_MAX_LIT 6
#define EG_CAT_MAX_LIST 8
#define EG_CAT_MAX_VARIANTS 8

/* Row kinds of a signature, beside plain literal matching. */
enum eg_sig_kind {
	EG_SIG_LINE = 0,       /* literals on a line */
	EG_SIG_DASD = 1,       /* dasd's verdict on the UCRT task (logwatch) */
	EG_SIG_EVENT = 2,      /* an enrollguard event type */
};

/* What a matched line does beside its finding (the `marks` field). */
enum eg_sig_marks {
	EG_MARK_RETRY = 1 << 0,    /* teslad retried: counts toward "gave up" */
	EG_MARK_SUCCESS = 1 << 1,  /* a request succeeded: the retries did not fail */
};

/* How to take a number from a matched line (the `code`/`status` fields). */
enum eg_extract {
	EG_EX_NONE = 0,
	EG_EX_CODE_AFTER,      /* an integer right after a literal */
	EG_EX_STATUS_AFTER,    /* an HTTP status (100-599) right after a literal */
	EG_EX_CLOUDCONFIG,     /* "(34006)" or "Code=34006" */
	EG_EX_FIXED,           /* the row's own number */
};

struct eg_cat_extract {
	enum eg_extract kind;
	const char *lit;
	long value;            /* EG_EX_FIXED */
};

/* A variant text: used when another finding was seen, or for a code. */
struct eg_cat_variant {
	int finding;           /* index, or -1 */
	long code;             /* or 0 */
	const char *text;
};

struct eg_cat_finding {
	const char *id;
	enum eg_severity severity;
	const char *cause, *next;
	const char *cleared;         /* the cause once something later cleared it */
	const char *next_cleared;    /* the next step when cleared */
	const char *clears_names[EG_CAT_MAX_LIST];
	int clears[EG_CAT_MAX_LIST]; /* findings that, seen later, clear it */
	int nclears;
	struct eg_cat_variant causes[EG_CAT_MAX_VARIANTS], nexts[EG_CAT_MAX_VARIANTS];
	const char *cause_names[EG_CAT_MAX_VARIANTS], *next_names[EG_CAT_MAX_VARIANTS];
	int ncauses, nnexts;
	const char *file;
	long line;
};

struct eg_cat_sig {
	const char *name;
	enum eg_sig_kind kind;
	const char *lit[EG_CAT_MAX_LIT];        /* any of them */
	size_t lit_len[EG_CAT_MAX_LIT];
	int nlit;
	const char *also[EG_CAT_MAX_LIT];       /* all of them too */
	int nalso;
	const char *unless[EG_CAT_MAX_LIT];     /* none of them */
	int nunless;
	const char *process[EG_CAT_MAX_LIST];   /* one of them, when set */
	int nprocess;
	const char *subsystem;                  /* a prefix, when set */
	int format;                             /* enum eg_logsrc, or -1: any */
	const char *event;                      /* EG_SIG_EVENT: the type */
	bool dasd_allowed;                      /* EG_SIG_DASD: "allowed" */
	const char *policies[EG_CAT_MAX_LIST];  /* EG_SIG_DASD blocked: the policies; none: any */
	int npolicies;
	const char *finding_name;
	int finding;                            /* index, or -1: known, no finding */
	int severity;                           /* enum eg_severity, or -1: the finding's */
	struct eg_cat_extract ex[3];
	int nex;
	const char *detail, *timeline;
	const char *next;                       /* this evidence's own next step */
	unsigned marks;
	const char *example, *source;
	const char *file;
	long line;
};

struct eg_cat_code {
	long code;
	const char *text, *source;
	const char *file;
	long line;
};

struct eg_catalog {
	struct eg_cat_finding *findings;
	int nfindings;
	struct eg_cat_sig *sigs;
	int nsigs;
	struct eg_cat_code *codes;
	int ncodes;
	char **texts;               /* the loaded texts, owned: rows point in */
	int ntexts;
	bool finished;
	/* the prefilter, built by eg_catalog_finish() */
	unsigned char gram[8192];   /* a bit per 16-bit hash of four bytes */
	uint16_t bucket[4096];      /* gram & 4095 -> first literal + 1 */
	struct eg_cat_lit {
		const char *s;
		size_t n;
		uint16_t next;          /* + 1, 0: end */
	} *lits;
	int nlits;
};

/* The built-in catalogue's text (catalog.txt), NUL-terminated. */
extern const char eg_catalog_builtin_text[];

/* An empty catalogue; free it with eg_catalog_free(). */
struct eg_catalog *eg_catalog_new(void);
void eg_catalog_free(struct eg_catalog *c);

/*
 * Append the rows of text (len bytes, a copy is kept) named name ("built-in"
 * or a path). Returns EG_OK, or EG_ERR_INVALID with diag saying
 * "NAME:LINE: field 'F': what is wrong" (diag->line set); the rows before
 * the bad one are kept, the catalogue must then be freed. Each row is
 * checked alone here; references between rows are checked by finish.
 */
enum eg_err eg_catalog_load(struct eg_catalog *c, const char *name,
			    const char *text, size_t len, struct eg_diag *diag);

/*
 * Resolve the rows' references (finding ids, clearers, variants, event
 * types) and build the prefilter (eg_logread_check_examples() then reads
 * each example against its own row). Returns
 * EG_OK or EG_ERR_INVALID (diag names file, line and field). Call once,
 * after the last load.
 */
enum eg_err eg_catalog_finish(struct eg_catalog *c, struct eg_diag *diag);

/* The built-in catalogue, loaded and finished; NULL only on a bug (diag says). */
struct eg_catalog *eg_catalog_builtin(struct eg_diag *diag);

/*
 * The built-in catalogue, loaded on the first call and kept for the
 * process: for readers of its tables (a code's text, a finding's next
 * step) that have no catalogue of their own. The first call is not
 * thread-safe; the agent is single-threaded. Aborts on a bug in the
 * built-in text (a unit test loads it).
 */
const struct eg_catalog *eg_catalog_shared(void);

/* Free the shared catalogue (a later eg_catalog_shared() loads it again). */
void eg_catalog_shared_release(void);

/* The finding's index by id, or -1. */
int eg_catalog_finding(const struct eg_catalog *c, const char *id);

/*
 * Whether line holds one of the prefilter's literals: a signature's, or
 * one of the words that say a failure (error, failed, denied, a status).
 * A line without one cannot change a diagnosis.
 */
bool eg_catalog_wants(const struct eg_catalog *c, struct eg_str line);

/* The text of a cloud-configuration error code, or NULL. */
const char *eg_catalog_code_text(const struct eg_catalog *c, long code);

const char *eg_severity_name(enum eg_severity s);

#endif
