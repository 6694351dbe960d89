/*
 * recorder.h: where a run's events go: the human log, the JSON-lines log,
 * the state file and, when reporting, the spool (DESIGN.md, "Records").
 *
 * Calling sequence:
 *     struct recorder r = RECORDER_INIT;
 *     if (recorder_open(&r, &state_dir, "state", log, jsonl, &diag)) -> exit 3
 *     recorder_emit(&r, data_json, EG_TEXT_RENEW_NOT_RUN, n, why);
 *     recorder_save(&r);      after changing r.st directly (a phase, a counter)
 *     recorder_touch(&r);     after changing what only status shows
 *     recorder_tick(&r);      now and then: saves what touch left
 *     recorder_close(&r);
 *
 * Every emit assigns the next sequence number. The state is saved before
 * the event that uses a new number is written (so a kill cannot make a
 * relaunch use it again), except for the high-rate events (dasd verdicts,
 * thermal samples: EG_SPOOL_LOW), after which it is saved at most once a
 * second. A relaunch also reads the JSON-lines log for the highest seq
 * and attempt of its run (recorder_resume), whichever is higher wins.
 *
 * Write failures are failures: a log line that could not be written
 * whole is cut back to the last whole line, and the first failure marks
 * the run degraded (st.degraded, shown by status; run exits 3). The logs
 * are opened relative to their directories, never through a link, and a
 * line torn by a crash is cut when a log is opened.
 */
#ifndef EG_RECORDER_H
#define EG_RECORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "event.h"
#include "file.h"
#include "reporter.h"
#include "runstate.h"

struct recorder {
	const struct eg_dir *state_dir;  /* borrowed: the job's */
	const char *state_name;
	int human_fd;
	int json_fd;
	char human_path[1024];
	char json_path[1024];
	struct eg_runstate st;
	struct eg_host host;
	struct reporter *reporter;  /* borrowed; NULL when not reporting */
	bool failed;                /* a write of this launch failed */
	bool dirty;                 /* st changed since the last save */
	int64_t saved_ms;           /* monotonic, of the last save */
	enum eg_phase saved_phase;  /* st.phase as last saved: a change is saved at once */
	uint64_t drops_said;        /* spool drops the last report.dropped counted */
	int64_t drops_said_ms;
};

#define RECORDER_INIT { .human_fd = -1, .json_fd = -1 }

/*
 * Open both logs (created 0644; their directories must be the owner's
 * and writable by nobody else, file.h), cutting a torn last line; the
 * state goes to state_name in state_dir ("state" for run, "renew-state"
 * for renew). Returns EG_OK, or EG_ERR_IO / EG_ERR_UNSAFE with diag
 * naming the file.
 */
enum eg_err recorder_open(struct recorder *r, const struct eg_dir *state_dir,
			  const char *state_name, const char *human_log,
			  const char *json_log, struct eg_diag *diag);

/*
 * Record one event of the given type, its text printf-style from fmt.
 * data_json (a JSON object with the members core/event.h lists for the
 * type) may be NULL. Callers pass an EG_TEXT_ macro of core/event.h for
 * type and fmt together, so every wording of the human log is written
 * there.
 */
void recorder_emit(struct recorder *r, const char *data_json,
		   enum eg_event_type type, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Persist r->st now. Returns EG_OK or the error (the run is then degraded). */
enum eg_err recorder_save(struct recorder *r);

/* r->st changed in what only status shows: saved within a second. */
void recorder_touch(struct recorder *r);

/* Save what recorder_touch() or a high-rate event left, if a second passed. */
void recorder_tick(struct recorder *r);

/*
 * The highest seq and renew.attempt number the JSON-lines log holds for
 * run run_id (its last MiB), into *seq and *attempt (OUT; 0 when none).
 */
void recorder_resume(struct recorder *r, const char *run_id, uint64_t *seq,
		     uint64_t *attempt);

/*
 * Tell the reporter who the Mac is (r->host), so events spooled before
 * the serial was known go with it; with serial still unknown, as
 * "unknown", so a run that never learns it still reports.
 */
void recorder_host_known(struct recorder *r);

/*
 * Record report.dropped if the spool dropped events since the last one
 * said so: now when `now`, else at most once a minute.
 */
void recorder_drops(struct recorder *r, bool now);

/*
 * Whether a write of this launch failed (st.degraded says the first of
 * the run's, which a relaunch keeps: the records stay incomplete).
 */
bool recorder_degraded(const struct recorder *r);

/* Save what is left unsaved and close the logs. */
void recorder_close(struct recorder *r);

/*
 * Read the state file of state_dir into st (any user: status, check).
 * Returns EG_OK, EG_ERR_NOT_FOUND, or EG_ERR_INVALID/EG_ERR_IO with diag.
 */
enum eg_err recorder_load_state(const char *state_dir, const char *state_name,
				struct eg_runstate *st, struct eg_diag *diag);

#endif
