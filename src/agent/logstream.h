/*
 * logstream.h: `log stream` as a source of lines, shared by every command
 * that follows the unified log as it happens (run, renew).
 *
 * One child (/usr/bin/log stream under --root, default style), its pipe
 * read without blocking, a capped buffer for the partial last line, and a
 * restart when the child ends: 1 s after the first end, doubling to 60 s,
 * back to 1 s once a child has run for a minute. The child's start, end
 * and failures are events (log.started, log.ended, log.unavailable) in
 * the caller's recorder; between an end and the restart the caller keeps
 * working without the log (`without` says how, in the events).
 *
 * Calling sequence:
 *     struct logstream ls = LOGSTREAM_INIT;
 *     logstream_start(&ls, g, &rec, predicate, "for dasd and the UCRT",
 *                     "attempts follow the fallback schedule only");
 *     for (;;)
 *             logstream_wait(&ls, 1000, on_line, ctx);  never spins
 *     logstream_stop(&ls);
 */
#ifndef EG_LOGSTREAM_H
#define EG_LOGSTREAM_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "child.h"
#include "cmd.h"
#include "recorder.h"
#include "scan.h"

#define LOGSTREAM_BACKOFF_MIN_MS 1000
#define LOGSTREAM_BACKOFF_MAX_MS 60000

struct logstream {
	const struct eg_global *g;
	struct recorder *rec;        /* borrowed: where log.* events go */
	const char *what;            /* "for dasd and the UCRT" */
	const char *without;         /* what the caller does without the log */
	struct eg_child child;
	bool wanted;                 /* started once: restart it when it ends */
	bool running;
	struct eg_buf partial;       /* the last line, until its '\n' comes */
	int64_t started_ms;          /* monotonic, of the running child */
	int64_t restart_ms;          /* monotonic; when to start it again */
	int64_t backoff_ms;          /* the next pause after an end */
	unsigned starts;             /* children started so far */
	char path[PATH_MAX];
	const char *argv[8];
};

#define LOGSTREAM_INIT { .child = EG_CHILD_INIT, .partial = EG_BUF_INIT(64 * 1024) }

/*
 * Start `log stream --style default --predicate predicate` (the strings
 * are borrowed for the life of ls). Records log.started, or
 * log.unavailable when it cannot run (then it is tried again later).
 */
void logstream_start(struct logstream *ls, const struct eg_global *g,
		     struct recorder *rec, const char *predicate,
		     const char *what, const char *without);

/*
 * Wait up to timeout_ms for lines and hand each complete one (without
 * its newline) to on_line; returns as soon as lines were handled or the
 * time passed (or a signal came). When the child has ended it sleeps
 * instead, and starts a new one once the backoff has passed.
 */
void logstream_wait(struct logstream *ls, int timeout_ms,
		    void (*on_line)(void *ctx, struct eg_str line), void *ctx);

/* The running child's pid (its process group), or 0. */
pid_t logstream_pid(const struct logstream *ls);

/* Stop the child (SIGTERM to its group, then SIGKILL) and free ls. */
void logstream_stop(struct logstream *ls);

#endif
