/*
 * runstate.h: the state file of a run, read by `enrollguard status` and
 * by a relaunched agent that continues the same run.
 *
 * Format: "key=value" lines, one per field, UTF-8 text with control
 * characters removed; unknown keys are ignored so newer agents can add
 * fields. The file is replaced atomically (file.h) on every change.
 */
#ifndef EG_RUNSTATE_H
#define EG_RUNSTATE_H

#include <stdint.h>

#include "buf.h"
#include "err.h"

#define EG_RUNSTATE_VERSION 1

struct eg_runstate {
	char run_id[40];
	uint64_t seq;              /* last event sequence number written */
	long pid;                  /* the agent that wrote it */
	char strategy[8];          /* "event" / "fixed" */
	char phase[32];            /* starting, waiting-setup-assistant, waiting,
				      renewing, enrolled, gave-up, interrupted */
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

/* True for phases after which the run will not continue. */
int eg_runstate_finished(const struct eg_runstate *st);

#endif
