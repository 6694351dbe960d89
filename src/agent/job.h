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
 * A root process trusts no inherited state (CONVENTIONS 13): the state
 * directory and the logs' directories must belong to the user we run as
 * (root on a Mac) and be writable by nobody else, and are made so when
 * they are missing; anything else is refused with exit 3 naming the
 * path. Every file in them is opened relative to the directory without
 * following a link (file.h's struct eg_dir), the state file included.
 *
 * A handler only sets job_signal (CONVENTIONS 14); the loop notices it,
 * records the interruption and exits. A second signal exits at once.
 */
#ifndef EG_JOB_H
#define EG_JOB_H

#include <signal.h>

#include "cmd.h"
#include "file.h"
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
	char state_name[32];     /* "state" (run) or "<name>-state" */
	struct eg_dir dir;       /* the state directory, under --root */
	struct eg_lock lock;
	struct recorder rec;
};

#define JOB_INIT { NULL, { 0 }, EG_DIR_INIT, EG_LOCK_INIT, RECORDER_INIT }

/* The signal that asked us to stop, or 0. */
extern volatile sig_atomic_t job_signal;

/*
 * Install the handlers (SIGTERM, SIGINT, SIGHUP); ignore SIGPIPE, and
 * SIGXFSZ so that a file size limit is a write error like a full disk.
 */
void job_signals(void);

/*
 * Open the state directory (made 0755 if missing), take "<name>.lock"
 * in it and open the logs. Exits with EG_EXIT_ENV naming what failed or
 * what is unsafe, or EG_EXIT_RUNNING naming the holder.
 */
void job_open(struct job *j, const struct eg_global *g,
	      const struct job_where *where, const char *name);

/*
 * The job's last state into *st (OUT). Returns EG_OK, EG_ERR_NOT_FOUND,
 * EG_ERR_UNSAFE (a state file someone else could have written) or
 * another error with diag (a damaged file).
 */
enum eg_err job_load_state(const struct job *j, struct eg_runstate *st,
			   struct eg_diag *diag);

/* A fresh run id from 16 random bytes into j->rec.st.run_id. */
void job_new_run_id(struct job *j);

/*
 * Stop what a killed agent left running: the process group pgid of its
 * `log stream` (the state's log_pid), if it is still there. Safe when
 * the group is gone (pids are not reused as group ids while the group
 * lives; the lock says the agent that made it is dead).
 */
void job_stop_orphan(long pgid);

/*
 * Stop the `log stream` a killed launch of this job left running (its
 * pid, saved in the state before it ran: prev->log_pid), unless the Mac
 * restarted since (its pids are new then).
 */
void job_stop_left_log_stream(const struct eg_runstate *prev);

/* Close the logs, release the lock and the directory. Accepts a job never opened. */
void job_close(struct job *j);

#endif
