#include "delivery.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "json.h"
#include "mac.h"
#include "scan.h"
#include "timefmt.h"
#include "usage.h"
#include "banned.h"

#define REC(dl) (&(dl)->job->rec)
#define ST(dl) (&(dl)->job->rec.st)
#define SET(field, text) snprintf((field), sizeof(field), "%s", (text))

void delivery_remove_launchdaemon(struct delivery *dl)
{
	char path[PATH_MAX];

	mac_join(dl->g, dl->o->launchdaemon, path, sizeof(path));
	if (unlink(path) == 0)
		recorder_emit(REC(dl), NULL, EG_TEXT_LAUNCHDAEMON_REMOVED,
			      dl->o->launchdaemon);
	else if (errno == ENOENT)
		recorder_emit(REC(dl), NULL, EG_TEXT_LAUNCHDAEMON_GONE, dl->o->launchdaemon);
	else
		recorder_emit(REC(dl), NULL, EG_TEXT_LAUNCHDAEMON_KEPT, dl->o->launchdaemon, strerror(errno));
}

/* With ReportURL set, events also go to the server through the spool. */
void delivery_start(struct delivery *dl)
{
	char token[PATH_MAX], ca[PATH_MAX];
	struct eg_diag d = EG_DIAG_INIT;
	enum eg_err rc;

	if (!dl->o->report_url || !dl->o->report_url[0])
		return;
	token[0] = '\0';
	if (dl->o->report_token_file && dl->o->report_token_file[0]) {
		mac_join(dl->g, dl->o->report_token_file, token, sizeof(token));
		/* the token is a credential: only root may have written it */
		if (geteuid() == 0 && (rc = eg_file_check_safe(token, 0, &d)) != EG_OK &&
		    rc != EG_ERR_NOT_FOUND)
			die(EG_EXIT_USAGE, "refusing report token: %s", d.msg);
	}
	ca[0] = '\0';
	if (dl->o->report_ca_file && dl->o->report_ca_file[0])
		mac_join(dl->g, dl->o->report_ca_file, ca, sizeof(ca));
	rc = reporter_start(&dl->rp, dl->o->report_url, token, ca, &dl->job->dir,
			    dl->o->report_spool_max * 1024, &d);
	if (rc == EG_ERR_INVALID || rc == EG_ERR_NOT_FOUND)
		die(EG_EXIT_USAGE, "%s", d.msg);
	if (rc != EG_OK)
		die(EG_EXIT_ENV, "%s", d.msg);
	REC(dl)->reporter = &dl->rp;
	/* a relaunch knows the Mac already: what a killed launch spooled goes too */
	if (REC(dl)->host.serial[0])
		recorder_host_known(REC(dl));
}

/* What is left after the run's delivery: said, then the thread stops. */
void delivery_stop(struct delivery *dl)
{
	if (!dl->rp.running)
		return;
	recorder_host_known(REC(dl));
	REC(dl)->reporter = NULL;
	reporter_stop(&dl->rp, 1000);
	ST(dl)->spooled = dl->rp.spool.pending;
	recorder_touch(REC(dl));
	if (dl->rp.spool.pending)
		warning("%llu events are still waiting for %s (%s); they stay in the spool "
			"and the JSON-lines log", (unsigned long long)dl->rp.spool.pending,
			dl->o->report_url, dl->rp.last_error[0] ? dl->rp.last_error : "no answer yet");
}

/* The LaunchDaemon is there still (kept for the delivery, or a kill came first). */
static bool launchdaemon_there(struct delivery *dl)
{
	char path[PATH_MAX];

	mac_join(dl->g, dl->o->launchdaemon, path, sizeof(path));
	return access(path, F_OK) == 0;
}

/*
 * Wait for the server to have everything (then remove the LaunchDaemon
 * of a run that enrolled: an event too, so it is waited for as well), a
 * signal, or the end of the delivery. Returns what still waits.
 */
/* When the delivery ends: --report-flush after the outcome (or from now). */
static int64_t flush_deadline(const struct delivery *dl, int64_t finished_ms)
{
	return (finished_ms ? finished_ms : mac_wall_ms()) + (int64_t)dl->o->report_flush;
}

static uint64_t send_all(struct delivery *dl, bool enrolled)
{
	bool removed = false;
	uint64_t pending;

	for (;;) {
		pending = reporter_pending(&dl->rp);
		if (pending != ST(dl)->spooled) {
			ST(dl)->spooled = pending;
			recorder_touch(REC(dl));
		}
		if (!pending && enrolled && !removed && launchdaemon_there(dl)) {
			removed = true;
			delivery_remove_launchdaemon(dl);
			continue;
		}
		if (!pending || job_signal || mac_wall_ms() >= ST(dl)->deliver_until_ms)
			return pending;
		poll(NULL, 0, 250);
		recorder_tick(REC(dl));
	}
}

/* The delivery's time is over with events left: say so, let them go. */
static void stop_sending(struct delivery *dl, uint64_t pending, bool enrolled)
{
	struct eg_buf data = EG_BUF_INIT(128);
	char lifetime[32];
	struct eg_jw w;

	eg_format_duration(dl->o->report_flush, lifetime, sizeof(lifetime));
	eg_jw_begin(&w, &data);
	eg_jw_int(&w, "dropped", (int64_t)pending);
	eg_jw_bool(&w, "expired", true);
	eg_jw_end(&w);
	recorder_emit(REC(dl), w.rc == EG_OK ? data.buf : NULL, EG_TEXT_REPORT_EXPIRED,
		      (unsigned long long)pending, dl->o->report_url, lifetime,
		      dl->rp.last_error[0] ? dl->rp.last_error : "no answer");
	eg_buf_release(&data);
	/* a later boot would not send them either */
	if (enrolled && launchdaemon_there(dl))
		delivery_remove_launchdaemon(dl);
}

int delivery_end(struct delivery *dl, int rc)
{
	bool enrolled = ST(dl)->phase == EG_PHASE_ENROLLED;
	uint64_t pending;
	char until[48];

	if (!dl->rp.running) {
		if (enrolled && launchdaemon_there(dl))
			delivery_remove_launchdaemon(dl);
		return rc;
	}
	recorder_host_known(REC(dl));
	if (!ST(dl)->deliver_until_ms)
		ST(dl)->deliver_until_ms = flush_deadline(dl, ST(dl)->finished_ms);
	eg_format_human(ST(dl)->deliver_until_ms, mac_utc_offset_min(mac_wall_ms()), until,
			sizeof(until));
	pending = reporter_pending(&dl->rp);
	if (pending && enrolled && launchdaemon_there(dl) && dl->o->report_flush)
		recorder_emit(REC(dl), NULL, EG_TEXT_LAUNCHDAEMON_KEPT_TO_SEND, dl->o->launchdaemon,
			      (unsigned long long)pending, dl->o->report_url, until);
	pending = send_all(dl, enrolled);
	if (job_signal) {
		/* the next launch goes on until deliver_until_ms */
		recorder_save(REC(dl));
		return 128 + (int)job_signal;
	}
	if (pending)
		stop_sending(dl, pending, enrolled);
	ST(dl)->deliver_until_ms = 0;
	recorder_save(REC(dl));
	return rc;
}

/* A run that is over: send what waits for the server, and nothing else. */
int delivery_flush_only(struct delivery *dl, const struct eg_runstate *prev)
{
	int rc = prev->phase == EG_PHASE_ENROLLED ? EG_EXIT_OK : EG_EXIT_GAVE_UP;
	struct eg_buf data = EG_BUF_INIT(64);
	struct eg_jw w;
	uint64_t seq, attempt, pending;
	char until[48];

	*ST(dl) = *prev;
	ST(dl)->pid = (long)getpid();
	ST(dl)->log_pid = 0;
	recorder_resume(REC(dl), ST(dl)->run_id, &seq, &attempt);
	if (seq > ST(dl)->seq)
		ST(dl)->seq = seq;
	SET(REC(dl)->host.serial, prev->serial);
	SET(REC(dl)->host.model, prev->model);
	SET(REC(dl)->host.os, prev->os);
	SET(REC(dl)->host.build, prev->build);
	delivery_start(dl);
	/* nothing waits, or the delivery's time is over (delivery_end() said so) */
	if (!dl->rp.running || !reporter_pending(&dl->rp) ||
	    (prev->deliver_until_ms == 0 && prev->finished_ms &&
	     mac_wall_ms() >= flush_deadline(dl, prev->finished_ms))) {
		printf("run %s is over (%s): nothing to do; 'enrollguard run --again' starts "
		       "a new run\n", ST(dl)->run_id, eg_phase_name(ST(dl)->phase));
		if (ST(dl)->phase == EG_PHASE_ENROLLED && launchdaemon_there(dl))
			delivery_remove_launchdaemon(dl);
		recorder_save(REC(dl));
		return rc;
	}
	if (!ST(dl)->deliver_until_ms)
		ST(dl)->deliver_until_ms = flush_deadline(dl, ST(dl)->finished_ms);
	eg_format_human(ST(dl)->deliver_until_ms, mac_utc_offset_min(mac_wall_ms()), until,
			sizeof(until));
	pending = reporter_pending(&dl->rp);
	eg_jw_begin(&w, &data);
	eg_jw_int(&w, "pending", (int64_t)pending);
	eg_jw_end(&w);
	/* not run.resume: the fleet view must not see the run going again */
	recorder_emit(REC(dl), w.rc == EG_OK ? data.buf : NULL, EG_TEXT_REPORT_PENDING,
		      ST(dl)->run_id, eg_phase_name(ST(dl)->phase),
		      (unsigned long long)pending, until);
	eg_buf_release(&data);
	return delivery_end(dl, rc);
}
