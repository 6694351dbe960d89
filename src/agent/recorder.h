/*
 * recorder.h: where a run's events go: the human log, the JSON-lines log
 * and the state file (DESIGN.md, "Records").
 *
 * Calling sequence:
 *     struct recorder r = RECORDER_INIT;
 *     if (recorder_open(&r, log, jsonl, state_dir, "state", &diag)) -> exit 3
 *     recorder_emit(&r, data_json, EG_TEXT_RENEW_NOT_RUN, n, why);
 *     recorder_save(&r);      after changing r.st directly
 *     recorder_close(&r);
 *
 * Every emit assigns the next sequence number, writes both logs and
 * replaces the state file atomically, so `status` and a relaunched agent
 * always see the latest event.
 */
#ifndef EG_RECORDER_H
#define EG_RECORDER_H

#include <limits.h>

#include "err.h"
#include "event.h"
#include "reporter.h"
#include "runstate.h"

#define RECORDER_HELD_MAX 16

struct recorder {
	int human_fd;
	int json_fd;
	char state_path[PATH_MAX];
	struct eg_runstate st;
	struct eg_host host;
	int write_failed;      /* a log write failed (warned once) */
	struct reporter *reporter;  /* borrowed; NULL when not reporting */
	/*
	 * Events recorded before the Mac's serial number was known (run.start
	 * comes before system.info): the server files events by serial, so
	 * they are spooled once it is known, with the full host.
	 */
	struct held_event {
		struct eg_event ev;          /* data_json, text owned */
	} held[RECORDER_HELD_MAX];
	unsigned nheld;
};

#define RECORDER_INIT { .human_fd = -1, .json_fd = -1 }

/*
 * Open (create, mode 0644, no symlinks) both logs and make the state
 * directory (0755); the state goes to state_dir/state_name ("state" for
 * run, "renew-state" for renew). Returns EG_OK or EG_ERR_IO with diag naming the file.
 */
enum eg_err recorder_open(struct recorder *r, const char *human_log,
			  const char *json_log, const char *state_dir,
			  const char *state_name, struct eg_diag *diag);

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

/* Persist r->st. Returns EG_OK or the error from eg_file_replace(). */
enum eg_err recorder_save(struct recorder *r);

/*
 * Spool the held events even though the serial is still unknown (as
 * "unknown"), so a run that never learns it still reports. Call before
 * stopping the reporter.
 */
void recorder_flush_held(struct recorder *r);

void recorder_close(struct recorder *r);

/*
 * Read the state file of state_dir into st. Returns EG_OK,
 * EG_ERR_NOT_FOUND, or EG_ERR_INVALID/EG_ERR_IO with diag.
 */
enum eg_err recorder_load_state(const char *state_dir, const char *state_name,
				struct eg_runstate *st, struct eg_diag *diag);

#endif
