/*
 * job.h: what `run` and `renew` share to be a job on the Mac: the state
 * directory, the lock that keeps one instance at a time, the recorder
 * (both logs and the state file), the run id and the signal flag.
 *
 * Calling sequence:
 *     struct job j = JOB_INIT;
 *     job_signals();                    SIGTERM/SIGINT/SIGHUP set job_signal
 *     job_open(&j, g, &where, "run");   exits 3 (environment) or 4 (locked)
 *     if (job_load_state(&j, &prev, &diag) != EG_OK) job_new_run_id(&j);
 *     recorder_emit(&j.rec, ...);       every step
 *     job_close(&j);
 *
 * A handler only sets job_signal (CONVENTIONS 14); the loop notices it,
 * records the interruption and exits. A second signal exits at once.
 */
#ifndef EG_JOB_H
#define EG_JOB_H

#include <limits.h>
#include <signal.h>

#include "cmd.h"
#include "lock.h"
#include "recorder.h"

/* Where a job keeps its records: Mac paths, before --root is applied. */
struct job_where {
	const char *state_dir;   /* the state file and the lock */
	const char *log_file;    /* the human log */
	const char *event_log;   /* the JSON-lines log */
};

struct job {
	const char *name;        /* "run" or "renew" */
	char dir[PATH_MAX];      /* the state directory, under --root */
	struct eg_lock lock;
	struct recorder rec;
};

#define JOB_INIT { NULL, { 0 }, EG_LOCK_INIT, RECORDER_INIT }

/* The signal that asked us to stop, or 0. */
extern volatile sig_atomic_t job_signal;

/* Install the handlers (SIGTERM, SIGINT, SIGHUP); ignore SIGPIPE. */
void job_signals(void);

/*
 * Make the state directory, take "<name>.lock" in it and open the logs,
 * with the state file "state" (run) or "<name>-state". Exits with
 * EG_EXIT_ENV naming what failed, or EG_EXIT_RUNNING naming the holder.
 */
void job_open(struct job *j, const struct eg_global *g,
	      const struct job_where *where, const char *name);

/*
 * The job's last state into *st (OUT). Returns EG_OK, EG_ERR_NOT_FOUND,
 * or another error with diag (a damaged file).
 */
enum eg_err job_load_state(const struct job *j, struct eg_runstate *st,
			   struct eg_diag *diag);

/* A fresh run id from 16 random bytes into j->rec.st.run_id. */
void job_new_run_id(struct job *j);

/* Close the logs and release the lock. Accepts a job never opened. */
void job_close(struct job *j);

#endif
