/*
 * cmd-run.c: `enrollguard run`, the agent's main job.
 *
 * Run as root by a LaunchDaemon at first boot, it gets the Mac its
 * enrollment configuration during Setup Assistant: waits for Setup
 * Assistant, records the system and its thermal state, follows the
 * unified log for dasd's verdicts on the UCRT task and for the UCRT
 * itself, calls `profiles renew -type enrollment` when the strategy
 * (core/strategy.h) says so, and on success records the configuration,
 * removes its LaunchDaemon and exits 0. It never gives up silently: at
 * the deadline it records why and what to do, and exits 1.
 *
 * The file reads top down as the run goes: begin (configuration, the
 * job, who the Mac is, Setup Assistant), the loop (the strategy and each
 * attempt), the wait (the log, thermal samples, Setup Assistant), and the
 * end (enrolled, gave up, interrupted). What it shares with other
 * commands lives beside it: job.c (state directory, lock, records,
 * signals), logstream.c, enrollfacts.c, sampler.c, advice.c; and
 * delivery.c, which gets the run's events to the server, after its end
 * too.
 */
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advice.h"
#include "catalog.h"
#include "cmd.h"
#include "config.h"
#include "delivery.h"
#include "enrollfacts.h"
#include "job.h"
#include "json.h"
#include "logstream.h"
#include "logwatch.h"
#include "mac.h"
#include "profiles.h"
#include "recorder.h"
#include "run-opts.h"
#include "sampler.h"
#include "setupwatch.h"
#include "strategy.h"
#include "sysinfo.h"
#include "thermal.h"
#include "usage.h"
#include "banned.h"

#define NOPTS RUN_OPTS_N

/*
 * The unified log the run follows, default style (field-guide.md 5.2):
 * dasd's lines about the UCRT activity and the daemons that fetch and use
 * the UCRT; both process names of the cloud configuration daemon (6.7).
 */
static const char log_predicate[] =
	"(process == \"dasd\" AND eventMessage CONTAINS \"" EG_UCRT_ACTIVITY "\")"
	" OR process == \"mobileactivationd\" OR process == \"teslad\""
	" OR process == \"cloudconfigurationd\" OR process == \"mdmclient\"";

struct run {
	const struct eg_global *g;
	struct run_opts o;
	struct job job;
	struct eg_strategy strat;
	struct eg_logwatch watch;
	struct logstream log;
	struct eg_thermal thermal;
	struct sampler sampler;
	struct eg_setupwatch setup;
	int64_t next_thermal;
	char why[256];
	char last_error[256];
	long last_code;
	unsigned renew_timeouts;
	struct delivery dl;
};

/* An unchanged wait is saved this often (what a kill can cost the deadline). */
#define HEARTBEAT_MS 30000

#define REC(r) (&(r)->job.rec)
#define ST(r) (&(r)->job.rec.st)

/* ---- begin ------------------------------------------------------------ */

static void strategy_params(const struct run_opts *o, struct eg_strategy_params *p)
{
	eg_strategy_params_default(p);
	p->kind = strcmp(o->strategy, "fixed") ? EG_STRATEGY_EVENT : EG_STRATEGY_FIXED;
	p->retries = (unsigned)o->retries;
	p->retry_delay_ms = o->retry_delay;
	p->cooldown_ms = o->cooldown;
	p->cycles = (unsigned)o->cycles;
	p->deadline_ms = o->deadline;
	p->fallback_ms = o->fallback;
}

static void fmt_in(int64_t ms, char *out, size_t n)
{
	if (ms < 0)
		ms = 0;
	if (ms < 10000 && ms % 1000)
		snprintf(out, n, "%lld.%lld s", (long long)(ms / 1000),
			 (long long)(ms % 1000 / 100));
	else if (ms < 120000)
		snprintf(out, n, "%lld s", (long long)((ms + 500) / 1000));
	else
		snprintf(out, n, "%lld min %lld s", (long long)(ms / 60000),
			 (long long)(ms % 60000 / 1000));
}

static void set(char *field, size_t n, const char *text)
{
	snprintf(field, n, "%s", text);
}

#define SET(field, text) set((field), sizeof(field), (text))

static void save_progress(struct run *r)
{
	struct eg_runstate *st = ST(r);
	int64_t now = mac_mono_ms();

	st->attempts = r->strat.attempts;
	st->cycle = r->strat.cycle;
	st->try_in_cycle = r->strat.try_in_cycle;
	st->elapsed_ms = (uint64_t)(now - r->strat.start_ms);
	st->deadline_ms = mac_wall_ms() + (r->strat.start_ms +
					  (int64_t)r->o.deadline - now);
}

static void begin(struct run *r, const struct eg_runstate *prev, bool resume)
{
	struct eg_strategy_params p;

	strategy_params(&r->o, &p);
	if (resume) {
		uint64_t seq, attempt;

		*ST(r) = *prev;
		/*
		 * The log may be ahead of the state (a high-rate event's save
		 * waits up to a second; a kill comes when it likes): the higher
		 * wins, so no seq and no attempt number is used twice.
		 */
		recorder_resume(REC(r), prev->run_id, &seq, &attempt);
		if (seq > ST(r)->seq)
			ST(r)->seq = seq;
		if (attempt > ST(r)->attempts)
			ST(r)->attempts = (unsigned)attempt;
		eg_strategy_resume(&r->strat, &p, mac_mono_ms(), prev->elapsed_ms,
				   ST(r)->attempts, prev->cycle, prev->try_in_cycle);
		/* who the Mac is, before system.info says it again */
		SET(REC(r)->host.serial, prev->serial);
		SET(REC(r)->host.model, prev->model);
		SET(REC(r)->host.os, prev->os);
		SET(REC(r)->host.build, prev->build);
	} else {
		eg_runstate_init(ST(r));
		job_new_run_id(&r->job);
		ST(r)->started_ms = mac_wall_ms();
		eg_strategy_init(&r->strat, &p, mac_mono_ms());
	}
	eg_setupwatch_init(&r->setup, r->o.wait_setup, r->o.setup_stuck_after, mac_mono_ms());
	/* no child outlives the deadline (mac.h), whatever it does */
	mac_set_deadline(r->strat.start_ms + (int64_t)r->o.deadline);
	ST(r)->pid = (long)getpid();
	ST(r)->log_pid = 0;
	ST(r)->finished_ms = ST(r)->deliver_until_ms = 0;
	SET(ST(r)->strategy, r->o.strategy);
	ST(r)->phase = EG_PHASE_STARTING;
	SET(ST(r)->log_file, r->o.log_file);
	ST(r)->result[0] = ST(r)->recommendation[0] = '\0';
	save_progress(r);
}

static void record_sysinfo(struct run *r)
{
	struct eg_buf data = EG_BUF_INIT(4096);
	struct eg_host *h = &REC(r)->host;
	struct eg_sysinfo si;
	struct eg_jw w;

	facts_sysinfo(r->g, r->o.child_timeout, &job_signal, &si);
	if (!si.serial[0] && h->serial[0])
		/* sw_vers or system_profiler failed this time: a relaunch knows it */
		SET(si.serial, h->serial);
	SET(h->serial, si.serial);
	SET(h->model, si.model);
	SET(h->os, si.os_version);
	SET(h->build, si.build);
	SET(h->arch, si.arch);
	SET(ST(r)->serial, si.serial);
	SET(ST(r)->model, si.model);
	SET(ST(r)->os, si.os_version);
	SET(ST(r)->build, si.build);

	eg_jw_begin(&w, &data);
	eg_jw_str(&w, "product", si.product);
	eg_jw_str(&w, "os", si.os_version);
	eg_jw_str(&w, "build", si.build);
	eg_jw_str(&w, "model", si.model);
	eg_jw_str(&w, "model_name", si.model_name);
	eg_jw_str(&w, "serial", si.serial);
	eg_jw_str(&w, "chip", si.chip);
	eg_jw_str(&w, "arch", si.arch);
	eg_jw_end(&w);
	recorder_emit(REC(r), w.rc == EG_OK ? data.buf : NULL, EG_TEXT_SYSTEM_INFO,
		      si.product[0] ? si.product : "macOS",
		      si.os_version[0] ? si.os_version : "unknown version",
		      si.build[0] ? si.build : "unknown build",
		      si.model[0] ? si.model : "unknown model",
		      si.arch[0] ? si.arch : "unknown architecture",
		      si.serial[0] ? si.serial : "unknown",
		      si.chip[0] ? si.chip : "unknown chip");
	eg_buf_release(&data);
}

/* Sleep until deadline_ms (monotonic) unless a signal arrives. */
static void nap_until(int64_t deadline_ms)
{
	int64_t left = deadline_ms - mac_mono_ms();

	if (left > 0 && !job_signal)
		poll(NULL, 0, left > 1000 ? 1000 : (int)left);
}

static void wait_setup_assistant(struct run *r)
{
	char dur[32];

	eg_format_duration(r->o.wait_setup, dur, sizeof(dur));
	ST(r)->phase = EG_PHASE_WAITING_SETUP;
	while (!job_signal && mac_mono_ms() < r->strat.start_ms + (int64_t)r->o.deadline) {
		int running = facts_setup_running(r->g, r->o.child_timeout, &job_signal);

		switch (eg_setupwatch_wait(&r->setup, mac_mono_ms(), running)) {
		case EG_SETUP_FOUND:
			recorder_emit(REC(r), NULL, EG_TEXT_SETUP_FOUND);
			return;
		case EG_SETUP_TIMEOUT:
			recorder_emit(REC(r), NULL, EG_TEXT_SETUP_TIMEOUT, dur);
			return;
		case EG_SETUP_UNKNOWN:
			recorder_emit(REC(r), NULL, EG_TEXT_SETUP_UNKNOWN, dur);
			continue;
		case EG_SETUP_WAITING:
			snprintf(ST(r)->waiting_for, sizeof(ST(r)->waiting_for),
				 "Setup Assistant to start (up to %s)", dur);
			recorder_emit(REC(r), NULL, EG_TEXT_SETUP_WAITING, dur);
			continue;
		default:
			break;
		}
		nap_until(mac_mono_ms() + 500 < r->setup.wait_until_ms ?
			  mac_mono_ms() + 500 : r->setup.wait_until_ms);
	}
}

/* ---- the loop: attempts -------------------------------------------------- */

static void record_config(struct run *r)
{
	struct eg_child c = EG_CHILD_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	struct eg_enroll_config cfg;
	struct eg_profiles_error perr;
	struct eg_buf data = EG_BUF_INIT(8192), both = EG_BUF_INIT(256 * 1024);
	struct eg_jw w;

	if (mac_run(r->g, EG_PATH_PROFILES,
		    (const char *[]){ "show", "-type", "enrollment", NULL },
		    r->o.child_timeout, &job_signal, &c, &d) != EG_OK) {
		recorder_emit(REC(r), NULL, EG_TEXT_CONFIG_NO_PROFILES, d.msg);
		goto out;
	}
	(void)(eg_buf_add(&both, c.out.buf, c.out.len) ||
	       eg_buf_add(&both, c.err.buf, c.err.len));
	if (eg_profiles_parse_show(both.buf, both.len, &cfg, &perr, &d) != EG_OK) {
		recorder_emit(REC(r), NULL, EG_TEXT_CONFIG_EMPTY,
			      perr.text[0] ? perr.text : d.msg);
		if (perr.kind == EG_PROFILES_FAIL_NOT_DEP)
			eg_strategy_abandon(&r->strat);
		goto out;
	}
	snprintf(ST(r)->org_name, sizeof(ST(r)->org_name), "%s", cfg.org_name);
	snprintf(ST(r)->mdm_url, sizeof(ST(r)->mdm_url), "%s", cfg.mdm_url);
	eg_jw_begin(&w, &data);
	eg_jw_str(&w, "organization", cfg.org_name);
	eg_jw_str(&w, "department", cfg.org_department);
	eg_jw_str(&w, "email", cfg.org_email);
	eg_jw_str(&w, "phone", cfg.org_phone);
	eg_jw_str(&w, "mdm_url", cfg.mdm_url);
	eg_jw_int(&w, "mandatory", cfg.is_mandatory);
	eg_jw_int(&w, "supervised", cfg.is_supervised);
	eg_jw_int(&w, "mdm_unremovable", cfg.is_mdm_unremovable);
	eg_jw_end(&w);
	recorder_emit(REC(r), data.buf, EG_TEXT_CONFIG_FETCHED, cfg.org_name[0] ? cfg.org_name : "(no name)",
		      cfg.mdm_url[0] ? cfg.mdm_url : "(no URL)",
		      cfg.is_mandatory == 1 ? "yes" : cfg.is_mandatory == 0 ? "no" : "unknown",
		      cfg.is_supervised == 1 ? "yes" : cfg.is_supervised == 0 ? "no" : "unknown");
out:
	eg_buf_release(&both);
	eg_buf_release(&data);
	eg_child_release(&c);
}

static bool renew_once(struct run *r)
{
	struct eg_child c = EG_CHILD_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	struct eg_profiles_error perr;
	struct eg_buf data = EG_BUF_INIT(4096), both = EG_BUF_INIT(256 * 1024);
	struct eg_jw w;
	char how[128], why[96];
	bool ok = false;
	unsigned n = r->strat.attempts;

	eg_strategy_describe_attempt(&r->strat, why, sizeof(why));
	ST(r)->phase = EG_PHASE_RENEWING;
	snprintf(ST(r)->waiting_for, sizeof(ST(r)->waiting_for),
		 "profiles renew -type enrollment to finish (attempt %u)", n);
	ST(r)->next_attempt_ms = 0;
	eg_jw_begin(&w, &data);
	eg_jw_int(&w, "attempt", n);
	eg_jw_end(&w);
	recorder_emit(REC(r), w.rc == EG_OK ? data.buf : NULL, EG_TEXT_RENEW_ATTEMPT, n, why);
	eg_buf_reset(&data);
	if (mac_run(r->g, EG_PATH_PROFILES,
		    (const char *[]){ "renew", "-type", "enrollment", NULL },
		    r->o.child_timeout, &job_signal, &c, &d) != EG_OK) {
		snprintf(r->last_error, sizeof(r->last_error), "%s", d.msg);
		recorder_emit(REC(r), NULL, EG_TEXT_RENEW_NOT_RUN, n, d.msg);
		goto out;
	}
	eg_child_describe(&c, how, sizeof(how));
	if (c.timed_out && c.timeout_ms < r->o.child_timeout)
		snprintf(how, sizeof(how), "was stopped at the run's deadline");
	(void)(eg_buf_add(&both, c.out.buf, c.out.len) ||
	       eg_buf_add(&both, c.err.buf, c.err.len));
	eg_profiles_parse_error(both.buf, both.len, &perr);
	ok = c.exit_code == 0 && !c.timed_out && !c.cancelled;
	eg_jw_begin(&w, &data);
	eg_jw_int(&w, "attempt", n);
	eg_jw_bool(&w, "ok", ok);
	eg_jw_int(&w, "exit_code", c.exit_code);
	eg_jw_bool(&w, "timed_out", c.timed_out);
	eg_jw_int(&w, "signal", c.term_signal);
	eg_jw_int(&w, "error_code", perr.code);
	eg_jw_str(&w, "error", perr.text);
	eg_jw_int(&w, "elapsed_ms", (int64_t)c.elapsed_ms);
	eg_jw_end(&w);
	if (ok) {
		recorder_emit(REC(r), data.buf, EG_TEXT_RENEW_SUCCEEDED, n,
			      (unsigned long long)c.elapsed_ms);
	} else if (c.timed_out || c.term_signal || c.cancelled) {
		r->renew_timeouts += c.timed_out;
		snprintf(r->last_error, sizeof(r->last_error), "profiles %s", how);
		recorder_emit(REC(r), data.buf, EG_TEXT_RENEW_KILLED, n, how);
	} else {
		const char *meaning = eg_cloudcfg_describe(perr.code);

		r->last_code = perr.code;
		snprintf(r->last_error, sizeof(r->last_error), "%s",
			 perr.text[0] ? perr.text : how);
		if (perr.code && meaning)
			recorder_emit(REC(r), data.buf, EG_TEXT_RENEW_FAILED_CODE, n, perr.code, meaning);
		else
			recorder_emit(REC(r), data.buf, EG_TEXT_RENEW_FAILED, n,
				      perr.text[0] ? perr.text : "no message", how);
	}
	snprintf(ST(r)->last_result, sizeof(ST(r)->last_result), "attempt %u %s%s%s",
		 n, ok ? "succeeded" : "failed", ok ? "" : ": ", ok ? "" : r->last_error);
out:
	eg_buf_release(&both);
	eg_buf_release(&data);
	eg_child_release(&c);
	return ok;
}



/* ---- the wait: the log, thermal samples, Setup Assistant ------------------ */

static void record_obs(struct run *r, const struct eg_obs *obs)
{
	struct eg_buf data = EG_BUF_INIT(8192);
	struct eg_jw w;
	const struct eg_dasd_policy *b;

	switch (obs->kind) {
	case EG_OBS_DASD_UCRT:
		b = eg_dasd_blocker(&obs->dasd);
		eg_jw_begin(&w, &data);
		eg_jw_str(&w, "activity", obs->dasd.activity);
		eg_jw_str(&w, "decision", eg_dasd_decision_name(obs->dasd.final_decision));
		eg_jw_str(&w, "blocking_policy", b ? b->name : "");
		eg_jw_str(&w, "rationale", b ? b->rationale : "");
		if (obs->dasd.has_final_score)
			eg_jw_int(&w, "final_score_micro", obs->dasd.final_score_micro);
		eg_jw_int(&w, "policies", obs->dasd.npolicies);
		eg_jw_end(&w);
		if (b)
			recorder_emit(REC(r), data.buf, EG_TEXT_DASD_BLOCKED, b->name,
				      eg_dasd_decision_name(b->decision),
				      b->rationale[0] ? b->rationale : "no rationale",
				      obs->dasd.activity);
		else
			recorder_emit(REC(r), data.buf, EG_TEXT_DASD_VERDICT, eg_dasd_decision_name(
					      obs->dasd.final_decision),
				      obs->dasd.activity);
		break;
	case EG_OBS_UCRT_PERFORMING:
		recorder_emit(REC(r), NULL, EG_TEXT_UCRT_PERFORMING);
		break;
	case EG_OBS_UCRT_ACQUIRED:
		recorder_emit(REC(r), NULL, EG_TEXT_UCRT_ACQUIRED);
		break;
	case EG_OBS_UCRT_UNAVAILABLE:
		recorder_emit(REC(r), NULL, EG_TEXT_UCRT_UNAVAILABLE);
		break;
	case EG_OBS_CLOUD_RETRY:
		recorder_emit(REC(r), NULL, EG_TEXT_CLOUDCONFIG_RETRY);
		break;
	case EG_OBS_NONE:
		break;
	}
	eg_buf_release(&data);
}

static void on_log_line(void *ctx, struct eg_str line)
{
	struct run *r = ctx;
	struct eg_obs obs;

	if (eg_logwatch_feed(&r->watch, line, &obs)) {
		record_obs(r, &obs);
		eg_strategy_observe(&r->strat, mac_mono_ms(), &obs);
	}
}

static void sample_thermal(struct run *r)
{
	struct eg_thermal t;
	struct eg_buf data = EG_BUF_INIT(4096);
	char text[192];

	sampler_thermal(r->g, r->o.child_timeout, &job_signal, &r->sampler, &t);
	if (r->sampler.missing[0])
		recorder_emit(REC(r), NULL, EG_TEXT_THERMAL_UNAVAILABLE, r->sampler.missing);
	r->thermal = t;
	eg_thermal_format(&t, text, sizeof(text));
	SET(ST(r)->thermal, text);
	sampler_json(&t, &data);
	recorder_emit(REC(r), data.buf, EG_TEXT_THERMAL_SAMPLE, text,
		      eg_thermal_is_hot(&t) ? " (hot)" : "");
	eg_buf_release(&data);
	r->next_thermal = mac_mono_ms() + (int64_t)r->o.thermal_interval;
}

/*
 * Setup Assistant while the run goes on (core/setupwatch.h): it may
 * finish without the configuration, or wait for it for ever; enrollguard
 * explain turns both events into setup.* findings.
 */
static void say_ended(struct run *r)
{
	SET(ST(r)->recommendation, advice_setup_ended());
	recorder_emit(REC(r), NULL, EG_TEXT_SETUP_ENDED,
		      eg_path_default(EG_PATH_SETUP_DONE));
}

/* waited < 0: Setup Assistant was first seen running as the run ends */
static void say_stuck(struct run *r, int64_t waited)
{
	struct eg_buf data = EG_BUF_INIT(256);
	struct eg_jw w;
	char dur[48];

	if (waited < 0) {
		snprintf(dur, sizeof(dur), "the whole run");
	} else {
		fmt_in(waited, dur, sizeof(dur));
		eg_jw_begin(&w, &data);
		eg_jw_int(&w, "waited_ms", waited);
		eg_jw_end(&w);
	}
	advice_setup_stuck(dur, ST(r)->recommendation, sizeof(ST(r)->recommendation));
	recorder_emit(REC(r), waited >= 0 && w.rc == EG_OK ? data.buf : NULL, EG_TEXT_SETUP_STUCK, dur);
	eg_buf_release(&data);
}

/* At the thermal sampling pace, and once more when the run ends. */
static void watch_setup(struct run *r, bool last)
{
	int64_t waited;

	if (eg_setupwatch_done(&r->setup, facts_setup_done(r->g)) == EG_SETUP_ENDED) {
		say_ended(r);
		return;
	}
	if (!eg_setupwatch_wants_probe(&r->setup))
		return;
	if (eg_setupwatch_look(&r->setup, mac_mono_ms(),
			       facts_setup_running(r->g, r->o.child_timeout, &job_signal),
			       last, &waited) == EG_SETUP_STUCK)
		say_stuck(r, waited);
}

static void say_why(struct run *r, int64_t wake)
{
	char why[256], in[32], line[512];
	bool changed;
	int64_t now = mac_mono_ms();

	eg_strategy_why(&r->strat, why, sizeof(why));
	fmt_in(wake - now, in, sizeof(in));
	snprintf(line, sizeof(line), "%s", why);
	if (r->thermal.has & EG_THERMAL_HAS_CPU_DIE)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 ", CPU die %lld C", (long long)((r->thermal.cpu_die_milli + 500) / 1000));
	else if (r->thermal.has & EG_THERMAL_HAS_PRESSURE)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 ", thermal pressure %s", eg_pressure_name(r->thermal.pressure));
	changed = ST(r)->phase != EG_PHASE_WAITING || strcmp(ST(r)->waiting_for, line);
	ST(r)->phase = EG_PHASE_WAITING;
	SET(ST(r)->waiting_for, line);
	ST(r)->next_attempt_ms = mac_wall_ms() + (wake - now);
	save_progress(r);
	if (!strcmp(why, r->why)) {
		/*
		 * The same wait: saved within a second when what status shows
		 * changed, else every half minute (the time spent, for a
		 * relaunch's deadline, and "updated").
		 */
		if (changed || mac_mono_ms() - REC(r)->saved_ms >= HEARTBEAT_MS)
			recorder_touch(REC(r));
		return;
	}
	SET(r->why, why);
	if (r->last_error[0])
		recorder_emit(REC(r), NULL, EG_TEXT_WAIT_AFTER,
			      line, in, r->last_error);
	else
		recorder_emit(REC(r), NULL, EG_TEXT_WAIT, line, in);
}

static void wait_for(struct run *r, int64_t wake)
{
	int64_t now = mac_mono_ms(), until = wake;

	if (r->next_thermal < until)
		until = r->next_thermal;
	if (until > now && !job_signal)
		logstream_wait(&r->log, until - now > 1000 ? 1000 : (int)(until - now),
			       on_log_line, r);
	recorder_tick(REC(r));
	if (mac_mono_ms() >= r->next_thermal && !job_signal) {
		sample_thermal(r);
		watch_setup(r, false);
	}
}

/* ---- the end -------------------------------------------------------------- */

static void finish(struct run *r, enum eg_phase phase)
{
	save_progress(r);
	/* no child of the outcome is cut short by the deadline */
	mac_set_deadline(0);
	ST(r)->phase = phase;
	ST(r)->finished_ms = mac_wall_ms();
	ST(r)->waiting_for[0] = '\0';
	ST(r)->next_attempt_ms = 0;
}

static int give_up(struct run *r)
{
	struct advice_end e = { &r->strat, (r->thermal.has & EG_THERMAL_HAS_CPU_DIE) != 0,
				r->last_code, r->renew_timeouts, r->last_error };
	char rec[768], el[32];
	unsigned n = r->strat.attempts;

	/* the last look at Setup Assistant gets half a second, not more */
	mac_set_deadline(mac_mono_ms() + 500);
	watch_setup(r, true);
	advice_gave_up(&e, rec, sizeof(rec));
	if (r->strat.state == EG_STATE_GAVE_UP && r->strat.par.kind == EG_STRATEGY_FIXED &&
	    r->strat.cycle > r->strat.par.cycles)
		snprintf(el, sizeof(el), "%u cycles", r->strat.par.cycles);
	else
		eg_format_duration(r->o.deadline, el, sizeof(el));
	finish(r, EG_PHASE_GAVE_UP);
	snprintf(ST(r)->result, sizeof(ST(r)->result), "gave up after %u attempt%s (%s)",
		 n, n == 1 ? "" : "s", el);
	SET(ST(r)->recommendation, rec);
	recorder_drops(REC(r), true);
	recorder_emit(REC(r), NULL, EG_TEXT_RUN_GAVE_UP, n, n == 1 ? "" : "s", el, rec);
	return EG_EXIT_GAVE_UP;
}

/* The renewal went through but Apple has no ADE record for this serial. */
static int not_dep(struct run *r)
{
	SET(r->last_error, "Apple has no Automated Device Enrollment record for this serial");
	finish(r, EG_PHASE_GAVE_UP);
	SET(ST(r)->result, "renewed, but this Mac has no ADE record");
	advice_not_dep(REC(r)->host.serial, ST(r)->recommendation,
		       sizeof(ST(r)->recommendation));
	recorder_emit(REC(r), NULL, EG_TEXT_RUN_GAVE_UP_NO_ADE, ST(r)->result,
		      ST(r)->recommendation);
	return EG_EXIT_GAVE_UP;
}

static int enrolled(struct run *r)
{
	unsigned n = r->strat.attempts;
	bool after_setup;

	if (eg_setupwatch_done(&r->setup, facts_setup_done(r->g)) == EG_SETUP_ENDED)
		say_ended(r);
	after_setup = r->setup.ended;
	record_config(r);
	if (r->strat.state == EG_STATE_GAVE_UP)
		return not_dep(r);
	/* reporting: kept until the server has the outcome (deliver()) */
	if (!delivery_reporting(&r->dl))
		delivery_remove_launchdaemon(&r->dl);
	finish(r, EG_PHASE_ENROLLED);
	snprintf(ST(r)->result, sizeof(ST(r)->result),
		 "enrollment configuration received on attempt %u", n);
	recorder_drops(REC(r), true);
	if (after_setup) {
		SET(ST(r)->recommendation, advice_enrolled_after_setup());
		recorder_emit(REC(r), NULL, EG_TEXT_RUN_ENROLLED_LATE, n, n == 1 ? "" : "s");
	} else {
		ST(r)->recommendation[0] = '\0';    /* a stuck Setup Assistant has it now */
		recorder_emit(REC(r), NULL, EG_TEXT_RUN_ENROLLED,
			      n, n == 1 ? "" : "s");
	}
	return EG_EXIT_OK;
}

static int interrupted(struct run *r)
{
	int sig = (int)job_signal;

	save_progress(r);
	ST(r)->phase = EG_PHASE_INTERRUPTED;
	recorder_emit(REC(r), NULL, EG_TEXT_RUN_INTERRUPTED, sig, r->strat.attempts, r->strat.attempts == 1 ? "" : "s");
	return 128 + sig;
}

/* ---- the loop ------------------------------------------------------------- */

static int strategy_loop(struct run *r)
{
	for (;;) {
		int64_t wake;

		if (job_signal)
			return interrupted(r);
		switch (eg_strategy_next(&r->strat, mac_mono_ms(), &wake)) {
		case EG_ACT_DONE:
			return enrolled(r);
		case EG_ACT_GIVE_UP:
			return give_up(r);
		case EG_ACT_RENEW: {
			bool ok = renew_once(r);

			eg_strategy_renew_done(&r->strat, mac_mono_ms(), ok);
			save_progress(r);
			r->why[0] = '\0';
			break;
		}
		case EG_ACT_WAIT:
			say_why(r, wake);
			wait_for(r, wake);
			break;
		}
	}
}

/* ---- the command ------------------------------------------------------------ */

static void run_release(struct run *r)
{
	eg_catalog_shared_release();   /* advice and code texts read it */
	logstream_stop(&r->log);
	eg_logwatch_release(&r->watch);
	delivery_stop(&r->dl);
	job_close(&r->job);
}

/* What a launch does, given the state the last one left. */
enum launch { LAUNCH_NEW, LAUNCH_RESUME, LAUNCH_FLUSH };

static enum launch choose(struct run *r, const struct eg_runstate *prev, enum eg_err lrc)
{
	/* the Mac restarted since: the monotonic clock started again */
	bool rebooted = lrc == EG_OK && prev->uptime_ms > mac_mono_ms();

	if (lrc != EG_OK)
		return LAUNCH_NEW;
	job_stop_left_log_stream(prev);
	if (!eg_runstate_finished(prev))
		return LAUNCH_RESUME;
	/*
	 * A run that is over stays over: a relaunch only sends what waits.
	 * Unless asked (--again), or the run gave up and the Mac restarted
	 * since, as its advice said to do.
	 */
	if (r->o.again || (prev->phase == EG_PHASE_GAVE_UP && rebooted))
		return LAUNCH_NEW;
	return LAUNCH_FLUSH;
}

static int cmd_run_exec(void *state, const struct eg_cmd_ctx *c)
{
	struct run *r = state;
	const struct eg_global *g = c->g;
	struct eg_runstate prev;
	struct eg_diag d = EG_DIAG_INIT;
	struct job_where where;
	enum eg_err lrc;
	enum launch launch;
	int rc;
	char dl[32];

	r->g = g;
	r->job = (struct job)JOB_INIT;
	r->watch = (struct eg_logwatch)EG_LOGWATCH_INIT;
	r->log = (struct logstream)LOGSTREAM_INIT;
	r->dl = (struct delivery){ g, &r->o, &r->job, REPORTER_INIT };
	/* flags, then managed preferences, then local ones, then defaults */
	prefs_load(g, run_table, NOPTS - RUN_OPTS_LOCAL, &r->o, c->set, r->o.config,
		   c->set[NOPTS - 1]);
	job_signals();
	where = (struct job_where){ r->o.state_dir, r->o.log_file, r->o.event_log };
	job_open(&r->job, g, &where, "run");
	lrc = job_load_state(&r->job, &prev, &d);
	if (lrc == EG_ERR_UNSAFE)
		die(EG_EXIT_ENV, "%s", d.msg);
	if (lrc != EG_OK && lrc != EG_ERR_NOT_FOUND)
		warning("starting a new run: %s", d.msg);
	launch = choose(r, &prev, lrc);
	if (launch == LAUNCH_FLUSH) {
		rc = delivery_flush_only(&r->dl, &prev);
		goto out;
	}
	/*
	 * A Mac past Setup Assistant has nothing for `run` to do, and renewing
	 * there would prompt its user to enroll: re-enrolling existing Macs is
	 * `enrollguard renew`'s job. A run that was interrupted still finishes.
	 */
	if (launch == LAUNCH_NEW && facts_setup_done(g)) {
		/* no run state is written: nothing ran */
		printf("Setup Assistant has already finished on this Mac (%s exists): "
		       "nothing to do (run works during Setup Assistant only).\n",
		       eg_path_default(EG_PATH_SETUP_DONE));
		run_release(r);
		return EG_EXIT_OK;
	}
	begin(r, &prev, launch == LAUNCH_RESUME);
	delivery_start(&r->dl);
	eg_format_duration(r->o.deadline, dl, sizeof(dl));
	if (launch == LAUNCH_RESUME)
		recorder_emit(REC(r), NULL, EG_TEXT_RUN_RESUME,
			      ST(r)->run_id, r->strat.attempts, r->strat.attempts == 1 ? "" : "s",
			      r->o.strategy, dl);
	else
		recorder_emit(REC(r), NULL, EG_TEXT_RUN_START,
			      EG_VERSION, (long)getpid(), r->o.strategy, dl);

	/* who the Mac is first, so `status` can say it during the wait */
	record_sysinfo(r);
	recorder_host_known(REC(r));
	if (!r->o.no_wait_setup && launch == LAUNCH_NEW)
		wait_setup_assistant(r);
	sample_thermal(r);
	if (r->strat.par.kind == EG_STRATEGY_EVENT)
		logstream_start(&r->log, g, REC(r), log_predicate, "for dasd and the UCRT",
				"attempts follow the fallback schedule only");
	rc = job_signal ? interrupted(r) : strategy_loop(r);
	logstream_stop(&r->log);
	if (eg_runstate_finished(ST(r)))
		rc = delivery_end(&r->dl, rc);
out:
	run_release(r);
	/* write failures are failures (enrollguard(8), EXIT STATUS) */
	if (recorder_degraded(REC(r)) && (rc == EG_EXIT_OK || rc == EG_EXIT_GAVE_UP)) {
		error("the run's records are incomplete: %s", ST(r)->degraded);
		rc = EG_EXIT_ENV;
	}
	return rc;
}

const struct eg_cmd eg_cmd_run = {
	.name = "run",
	.usage = "run [options]",
	.summary = "get this Mac its enrollment configuration (LaunchDaemon job)",
	.about = "Get this Mac its enrollment configuration during Setup Assistant:\n"
		 "follow dasd's verdicts on the UCRT task, call 'profiles renew -type\n"
		 "enrollment' at the right moments, record every step, and remove the\n"
		 "LaunchDaemon on success. Durations take ms, s, m or h (250ms, 5s, 2m).",
	.flags = EG_CMD_NEEDS_ROOT,
	.opts = run_table,
	.nopts = RUN_OPTS_N,
	.state_size = sizeof(struct run),
	.opts_offset = offsetof(struct run, o),
	.exec = cmd_run_exec,
};
