/*
 * child.h: run a program by absolute path, without a shell, under a
 * timeout, with its output captured into capped buffers.
 *
 * Calling sequence (captured output):
 *     struct eg_child c = EG_CHILD_INIT;
 *     c.path = "/usr/bin/profiles";  (absolute, already under --root)
 *     c.argv = (const char *[]){ "/usr/bin/profiles", "renew", "-type",
 *                                "enrollment", NULL };
 *     c.env = env; c.now_ms = clock; c.timeout_ms = 60000;
 *     rc = eg_child_run(&c, &diag);      start + finish
 *     ...c.out, c.err, c.exit_code, c.timed_out...
 *     eg_child_release(&c);
 *
 * Streaming (`log stream`): set c.stream, eg_child_start(), read
 * c.out_fd (non-blocking) in your own poll loop, then eg_child_stop().
 *
 * Held start: set c.hold, and eg_child_start() returns once the child
 * exists but before it runs the program; record c.pid where a relaunch
 * finds it, then eg_child_go(). A child whose parent dies before that
 * exits without running it: no process is left that nobody knows of.
 *
 * The child runs in its own process group with stdin from /dev/null,
 * default signal dispositions, an empty signal mask and no fds above 2.
 * On timeout the group gets SIGTERM, then SIGKILL after grace_ms.
 */
#ifndef EG_CHILD_H
#define EG_CHILD_H

#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"

struct eg_child {
	/* set by the caller */
	const char *path;             /* absolute path given to execve() */
	const char *const *argv;      /* NULL-terminated, argv[0] included */
	const char *const *env;       /* NULL-terminated allow-listed environment */
	int64_t (*now_ms)(void);      /* monotonic clock, required */
	uint64_t timeout_ms;          /* 0: no timeout */
	uint64_t grace_ms;            /* SIGTERM to SIGKILL */
	size_t out_cap;               /* cap of captured stdout and of stderr */
	bool stream;                  /* leave stdout to the caller (out_fd) */
	const volatile sig_atomic_t *cancel; /* when it becomes non-zero, kill and return */
	bool hold;                    /* wait for eg_child_go() before exec */

	/* results */
	pid_t pid;
	int out_fd;                   /* the child's stdout (read end) */
	int err_fd;                   /* the child's stderr, capture mode */
	struct eg_buf out;            /* captured stdout */
	struct eg_buf err;            /* captured stderr */
	bool out_truncated;           /* output passed out_cap and was cut */
	bool timed_out;               /* we killed it at timeout_ms */
	bool cancelled;               /* we killed it because *cancel was set */
	int exit_code;                /* 0..255, 128 + signal, or -1 */
	int term_signal;              /* the signal that ended it, or 0 */
	uint64_t elapsed_ms;
	int go_fd;                    /* held start: write end of the go pipe */
	int notify_fd;                /* held start: read end of the exec report */
};

#define EG_CHILD_INIT { NULL, NULL, NULL, NULL, 0, 2000, 64 * 1024, false, NULL, false, \
			-1, -1, -1, EG_BUF_INIT(64 * 1024), EG_BUF_INIT(64 * 1024), \
			false, false, false, -1, 0, 0, -1, -1 }

/*
 * Start the child. Returns EG_OK, EG_ERR_INVALID (no path, relative path
 * or no clock), or EG_ERR_SPAWN when fork or exec failed (diag names the
 * path and errno text). Nothing is left running on failure.
 */
enum eg_err eg_child_start(struct eg_child *c, struct eg_diag *diag);

/*
 * Capture output until the child exits or the timeout passes, then reap
 * it. Fills exit_code (exit status, 128 + signal when killed by a signal,
 * our timeout included, which also sets timed_out). Returns EG_OK once
 * the child is reaped.
 */
enum eg_err eg_child_finish(struct eg_child *c, struct eg_diag *diag);

/*
 * Held start (c.hold): let the child run its program. Returns EG_OK, or
 * EG_ERR_SPAWN when exec failed (the child is then reaped).
 */
enum eg_err eg_child_go(struct eg_child *c, struct eg_diag *diag);

/* eg_child_start() then eg_child_finish(). */
enum eg_err eg_child_run(struct eg_child *c, struct eg_diag *diag);

/* Stream mode: SIGTERM the group, SIGKILL after grace_ms, reap. */
void eg_child_stop(struct eg_child *c);

/* Free the captured output and close fds. Accepts NULL. */
void eg_child_release(struct eg_child *c);

/* "exited with 1", "killed by signal 11", "timed out after 60 s". */
void eg_child_describe(const struct eg_child *c, char *out, size_t n);

#endif
