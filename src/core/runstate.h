/*
 * runstate.h: the state file of a run, read by `enrollguard status` and
 * by a relaunched agent that continues the same run.
 *
 * Format: "key=value" lines, one per field, UTF-8 text with control
 * characters removed; unknown keys are ignored so newer agents can add
 * fields. The file is replaced atomically (file.h): at every change of
 * phase or counter, and at most once a second for the rest.
 */
#ifndef EG_RUNSTATE_H
#define EG_RUNSTATE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define EG_RUNSTATE_VERSION 1

/*
 * The phases of a run, as the state file names them: X(ID, "name",
 * finished), finished being 1 for a phase after which the run does not
 * continue. `status` prints the name; scripts compare it (enrollguard(8),
 * status --json), so a name never changes.
 *
 * To add a phase: 1. add its row here; 2. set it where the run enters it
 * (r->rec.st.phase = EG_PHASE_X); 3. list it under status in
 * docs/enrollguard.8. Tests that check it: tests/unit/test-runstate.c
 * (names round-trip, enrollguard(8) lists exactly these).
 */
#define EG_PHASES(X)                                                         \
	X(STARTING,      "starting",                0)                       \
	X(WAITING_SETUP, "waiting-setup-assistant", 0)                       \
	X(WAITING,       "waiting",                 0)                       \
	X(RENEWING,      "renewing",                0)                       \
	X(ENROLLED,      "enrolled",                1)                       \
	X(GAVE_UP,       "gave-up",                 1)                       \
	X(INTERRUPTED,   "interrupted",             0)                       \
	X(RENEW,         "renew",                   0)  /* renew's own state file */

/*
 * EG_PHASE_NONE (name "") is a state file without a phase, or with one
 * this version does not know.
 */
enum eg_phase {
	EG_PHASE_NONE = 0,
#define EG_PHASE_ENUM(id, name, finished) EG_PHASE_##id,
	EG_PHASES(EG_PHASE_ENUM)
#undef EG_PHASE_ENUM
	EG_PHASE_COUNT
};

/* The phase's name ("gave-up"); "" for EG_PHASE_NONE and out of range. */
const char *eg_phase_name(enum eg_phase p);

/* The phase named by the len bytes at name, or EG_PHASE_NONE. */
enum eg_phase eg_phase_lookup(const char *name, size_t len);

struct eg_runstate {
	char run_id[40];
	uint64_t seq;              /* last event sequence number written */
	long pid;                  /* the agent that wrote it */
	char strategy[8];          /* "event" / "fixed" */
	enum eg_phase phase;
	unsigned attempts;
	unsigned cycle;
	unsigned try_in_cycle;
	uint64_t elapsed_ms;       /* run time so far (for the deadline) */
	int64_t started_ms;        /* wall clock, UTC ms */
	int64_t updated_ms;
	int64_t deadline_ms;       /* wall clock estimate of the deadline */
	int64_t next_attempt_ms;   /* 0 when none is scheduled */
	char waiting_for[256];
	char thermal[192];
	char last_result[256];
	char result[256];
	char recommendation[512];
	char serial[64];
	char model[64];
	char os[32];
	char build[32];
	char org_name[256];
	char mdm_url[512];
	uint64_t spooled;          /* events not yet sent to a server */
	char log_file[1024];       /* the human log, for `status --follow` */
	char degraded[256];        /* why the records are incomplete, "" when whole */
	long log_pid;              /* the running `log stream`'s process group, 0 */
	int64_t finished_ms;       /* wall clock of the outcome, 0 before it */
	int64_t deliver_until_ms;  /* sending the spool after the outcome until then */
	int64_t uptime_ms;         /* the writer's monotonic clock (time since boot):
				      less now means the Mac restarted since */
};

/* Zero all fields. */
void eg_runstate_init(struct eg_runstate *st);

/* Append the file form of st to out. */
enum eg_err eg_runstate_format(const struct eg_runstate *st,
			       struct eg_buf *out);

/*
 * Parse the file form. Returns EG_OK, or EG_ERR_INVALID when there is no
 * "run_id=" line (diag says so). Malformed lines are skipped.
 */
enum eg_err eg_runstate_parse(const char *buf, size_t len,
			      struct eg_runstate *st, struct eg_diag *diag);

/* True for phases after which the run will not continue (enrolled, gave-up). */
int eg_runstate_finished(const struct eg_runstate *st);

#endif
