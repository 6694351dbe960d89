/*
 * delivery.h: how a run's events reach enrollguard-server, from its start
 * to well after its end (issue 16: the outcome always reaches the
 * server).
 *
 * During the run every event goes to the spool and a thread sends it
 * (reporter.h). When the run is over (enrolled or gave up), its daemon
 * stays up in a flush-only mode, LaunchDaemon kept, until the server has
 * every event, and then removes the LaunchDaemon of a run that enrolled;
 * for at most --report-flush after the outcome (state finished_ms,
 * deliver_until_ms), across relaunches: a relaunch of a run that is over
 * only sends (delivery_flush_only). Without --report-url a run's end just
 * removes the LaunchDaemon of an enrolled run.
 *
 * Calling sequence (cmd-run.c):
 *     struct delivery dl = { g, &opts, &job, REPORTER_INIT };
 *     delivery_start(&dl);                 before the run's first event
 *     ... the run ...
 *     rc = delivery_end(&dl, rc);          after its outcome
 *   or, for a relaunch of a run that is over:
 *     rc = delivery_flush_only(&dl, &prev);
 *     delivery_stop(&dl);                  what is left stays in the spool
 */
#ifndef EG_DELIVERY_H
#define EG_DELIVERY_H

#include "cmd.h"
#include "job.h"
#include "reporter.h"
#include "run-opts.h"

struct delivery {
	const struct eg_global *g;
	const struct run_opts *o;   /* borrowed: report_*, launchdaemon */
	struct job *job;            /* borrowed: its recorder and state directory */
	struct reporter rp;
};

/*
 * With ReportURL set, start sending (the spool in the job's state
 * directory); a relaunch that knows the Mac sends what a killed launch
 * spooled too. Exits 2 on a bad URL, token or CA file, 3 when the spool
 * cannot be opened.
 */
void delivery_start(struct delivery *dl);

/* Whether events go to a server. */
#define delivery_reporting(dl) ((dl)->rp.running)

/* Remove the run's LaunchDaemon and record it (removed, gone, or kept: why). */
void delivery_remove_launchdaemon(struct delivery *dl);

/*
 * After the run's outcome (st.phase enrolled or gave-up, finished_ms
 * set): the flush-only mode above. Returns rc (the outcome's exit code),
 * or 128 + the signal that stopped it (the next launch goes on).
 */
int delivery_end(struct delivery *dl, int rc);

/*
 * A relaunch of a run that is over (prev): continue it as its state
 * says, send what waits and nothing else (report.pending), or say there
 * is nothing to do. Returns the run's exit code (0 enrolled, 1 gave up).
 */
int delivery_flush_only(struct delivery *dl, const struct eg_runstate *prev);

/* Stop sending; what is left stays in the spool (said on stderr). */
void delivery_stop(struct delivery *dl);

#endif
