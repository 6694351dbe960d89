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
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "file.h"
#include "json.h"
#include "lock.h"
#include "logwatch.h"
#include "mac.h"
#include "profiles.h"
#include "recorder.h"
#include "reporter.h"
#include "run-opts.h"
#include "sampler.h"
#include "strategy.h"
#include "sysinfo.h"
#include "thermal.h"
#include "usage.h"
#include "banned.h"

#define NOPTS RUN_OPTS_N

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	if (got_signal)
		_exit(128 + sig);  /* a second signal means now */
	got_signal = sig;
}

struct run {
	const struct eg_global *g;
	struct run_opts o;
	struct recorder rec;
	struct eg_strategy strat;
	struct eg_logwatch watch;
	struct eg_child log;
	bool log_running;
	struct eg_buf logbuf;
	struct eg_thermal thermal;
	struct sampler sampler;
	int64_t next_thermal;
	int64_t mono_start;
	int64_t setup_since;      /* when Setup Assistant was seen running; 0: not */
	bool setup_ended;         /* setup.ended said: it finished without us */
	bool setup_stuck;         /* setup.stuck said */
	char why[256];
	char last_error[256];
	long last_code;
	unsigned renew_timeouts;
	struct reporter rp;
};

/* ---- configuration ---------------------------------------------------- */

/*
 * Precedence: flags, then managed preferences (an MDM's profile), then
 * the local preferences a package installed, then defaults. The last row
 * (--config) has no key.
 */
static int load_config(struct run *r, const bool *set_by_flag)
{
	prefs_load(r->g, run_table, NOPTS - 1, &r->o, set_by_flag, r->o.config,
		   set_by_flag[NOPTS - 1]);
	return 0;
}

/*
 * A Mac past Setup Assistant has nothing for `run` to do, and renewing
 * there would prompt its user to enroll: re-enrolling existing Macs is
 * `enrollguard renew`'s job. A run that was interrupted still finishes.
 */
static bool setup_already_done(struct run *r)
{
	char path[PATH_MAX];

	mac_path(r->g, EG_PATH_SETUP_DONE, path, sizeof(path));
	return access(path, F_OK) == 0;
}

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

/* ---- small helpers ---------------------------------------------------- */

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

/* Sleep until deadline_ms (monotonic) unless a signal arrives. */
static void nap_until(int64_t deadline_ms)
{
	int64_t left = deadline_ms - mac_mono_ms();

	if (left > 0 && !got_signal)
		poll(NULL, 0, left > 1000 ? 1000 : (int)left);
}

static void save_progress(struct run *r)
{
	struct eg_runstate *st = &r->rec.st;
	int64_t now = mac_mono_ms();

	st->attempts = r->strat.attempts;
	st->cycle = r->strat.cycle;
	st->try_in_cycle = r->strat.try_in_cycle;
	st->elapsed_ms = (uint64_t)(now - r->strat.start_ms);
	st->deadline_ms = mac_wall_ms() + (r->strat.start_ms +
					  (int64_t)r->o.deadline - now);
}

/* ---- facts about the Mac ---------------------------------------------- */

static void record_sysinfo(struct run *r)
{
	struct eg_child c = EG_CHILD_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	struct eg_sysinfo si;
	struct eg_buf data = EG_BUF_INIT(4096);
	struct eg_jw w;

	memset(&si, 0, sizeof(si));
	if (mac_run(r->g, EG_PATH_SW_VERS, NULL, r->o.child_timeout, &got_signal,
		    &c, &d) == EG_OK)
		eg_sysinfo_parse_sw_vers(c.out.buf, c.out.len, &si, &d);
	eg_child_release(&c);
	c = (struct eg_child)EG_CHILD_INIT;
	if (mac_run(r->g, EG_PATH_SYSTEM_PROFILER,
		    (const char *[]){ "SPHardwareDataType", NULL },
		    r->o.child_timeout, &got_signal, &c, &d) == EG_OK)
		eg_sysinfo_parse_hardware(c.out.buf, c.out.len, &si, &d);
	eg_child_release(&c);

	snprintf(r->rec.host.serial, sizeof(r->rec.host.serial), "%s", si.serial);
	snprintf(r->rec.host.model, sizeof(r->rec.host.model), "%s", si.model);
	snprintf(r->rec.host.os, sizeof(r->rec.host.os), "%s", si.os_version);
	snprintf(r->rec.host.build, sizeof(r->rec.host.build), "%s", si.build);
	snprintf(r->rec.host.arch, sizeof(r->rec.host.arch), "%s", si.arch);
	snprintf(r->rec.st.serial, sizeof(r->rec.st.serial), "%s", si.serial);
	snprintf(r->rec.st.model, sizeof(r->rec.st.model), "%s", si.model);
	snprintf(r->rec.st.os, sizeof(r->rec.st.os), "%s", si.os_version);
	snprintf(r->rec.st.build, sizeof(r->rec.st.build), "%s", si.build);

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
	recorder_emit(&r->rec, w.rc == EG_OK ? data.buf : NULL, EG_TEXT_SYSTEM_INFO,
		      si.product[0] ? si.product : "macOS",
		      si.os_version[0] ? si.os_version : "unknown version",
		      si.build[0] ? si.build : "unknown build",
		      si.model[0] ? si.model : "unknown model",
		      si.arch[0] ? si.arch : "unknown architecture",
		      si.serial[0] ? si.serial : "unknown",
		      si.chip[0] ? si.chip : "unknown chip");
	eg_buf_release(&data);
}

static void thermal_json(const struct eg_thermal *t, struct eg_buf *out)
{
	struct eg_jw w;
	char num[32];

	eg_jw_begin(&w, out);
	if (t->has & EG_THERMAL_HAS_CPU_DIE) {
		snprintf(num, sizeof(num), "%lld.%03lld",
			 (long long)(t->cpu_die_milli / 1000),
			 (long long)(t->cpu_die_milli % 1000));
		eg_jw_raw(&w, "cpu_die_c", num);
	}
	if (t->has & EG_THERMAL_HAS_CPU_LEVEL)
		eg_jw_int(&w, "cpu_thermal_level", t->cpu_level);
	if (t->has & EG_THERMAL_HAS_IO_LEVEL)
		eg_jw_int(&w, "io_thermal_level", t->io_level);
	if (t->has & EG_THERMAL_HAS_FAN)
		eg_jw_int(&w, "fan_rpm", t->fan_milli / 1000);
	if (t->has & EG_THERMAL_HAS_PRESSURE)
		eg_jw_str(&w, "thermal_pressure", eg_pressure_name(t->pressure));
	if (t->has & EG_THERMAL_HAS_WARNING)
		eg_jw_int(&w, "thermal_warning_level", t->warning_level);
	if (t->has & EG_THERMAL_HAS_SPEED_LIMIT)
		eg_jw_int(&w, "cpu_speed_limit", t->speed_limit);
	eg_jw_bool(&w, "hot", eg_thermal_is_hot(t));
	eg_jw_end(&w);
}

static void sample_thermal(struct run *r)
{
	struct eg_thermal t;
	struct eg_buf data = EG_BUF_INIT(4096);
	char text[192];

	sampler_thermal(r->g, r->o.child_timeout, &got_signal, &r->sampler, &t);
	if (r->sampler.missing[0])
		recorder_emit(&r->rec, NULL, EG_TEXT_THERMAL_UNAVAILABLE,
			      r->sampler.missing);
	r->thermal = t;
	eg_thermal_format(&t, text, sizeof(text));
	snprintf(r->rec.st.thermal, sizeof(r->rec.st.thermal), "%s", text);
	thermal_json(&t, &data);
	recorder_emit(&r->rec, data.buf, EG_TEXT_THERMAL_SAMPLE, text,
		      eg_thermal_is_hot(&t) ? " (hot)" : "");
	eg_buf_release(&data);
	r->next_thermal = mac_mono_ms() + (int64_t)r->o.thermal_interval;
}

/* ---- Setup Assistant ---------------------------------------------------- */

static int setup_assistant_running(struct run *r)
{
	struct eg_child c = EG_CHILD_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	int running = -1;

	/*
	 * UNVERIFIED: the process name "Setup Assistant" (the executable in
	 * /System/Library/CoreServices/Setup Assistant.app) is not in
	 * field-guide.md. pgrep exits 0 when a process matches, 1 when none.
	 */
	if (mac_run(r->g, EG_PATH_PGREP,
		    (const char *[]){ "-x", "Setup Assistant", NULL },
		    r->o.child_timeout, &got_signal, &c, &d) == EG_OK)
		running = c.exit_code == 0 ? 1 : c.exit_code == 1 ? 0 : -1;
	eg_child_release(&c);
	return running;
}

static void wait_setup_assistant(struct run *r)
{
	int64_t until = mac_mono_ms() + (int64_t)r->o.wait_setup;
	char dur[32];
	int said = 0;

	eg_format_duration(r->o.wait_setup, dur, sizeof(dur));
	r->rec.st.phase = EG_PHASE_WAITING_SETUP;
	while (!got_signal) {
		int running = setup_assistant_running(r);

		if (running == 1) {
			r->setup_since = mac_mono_ms();
			recorder_emit(&r->rec, NULL, EG_TEXT_SETUP_FOUND);
			return;
		}
		if (running < 0 && !said) {
			recorder_emit(&r->rec, NULL, EG_TEXT_SETUP_UNKNOWN, dur);
			said = 1;
		} else if (!said) {
			snprintf(r->rec.st.waiting_for, sizeof(r->rec.st.waiting_for),
				 "Setup Assistant to start (up to %s)", dur);
			recorder_emit(&r->rec, NULL, EG_TEXT_SETUP_WAITING, dur);
			said = 1;
		}
		if (mac_mono_ms() >= until) {
			recorder_emit(&r->rec, NULL, EG_TEXT_SETUP_TIMEOUT, dur);
			return;
		}
		nap_until(mac_mono_ms() + 500 < until ? mac_mono_ms() + 500 : until);
	}
}

/*
 * Setup Assistant while the run goes on. It may finish without the
 * configuration: Setup Assistant writes .AppleSetupDone and the Mac
 * goes on as a personal Mac, with no Remote Management screen (seed 000,
 * field-guide.md 7, failure 1); renewing still helps then, as the
 * configuration reaches the user as a Device Enrollment notification
 * (1.3). Or it may wait for the configuration for ever, which on screen
 * is the hang at "Retrieving activation record." (7, failure 2).
 * enrollguard explain turns both events into setup.* findings.
 */
static void say_ended(struct run *r)
{
	r->setup_ended = true;
	snprintf(r->rec.st.recommendation, sizeof(r->rec.st.recommendation),
		 "Setup Assistant finished without the enrollment configuration: "
		 "enrollguard keeps renewing, and the Mac's user will get a Device "
		 "Enrollment notification to accept");
	recorder_emit(&r->rec, NULL, EG_TEXT_SETUP_ENDED,
		      eg_path_default(EG_PATH_SETUP_DONE));
}

/* waited < 0: Setup Assistant was first seen running as the run ends */
static void say_stuck(struct run *r, int64_t waited)
{
	struct eg_buf data = EG_BUF_INIT(256);
	struct eg_jw w;
	char dur[48];

	r->setup_stuck = true;
	if (waited < 0) {
		snprintf(dur, sizeof(dur), "the whole run");
	} else {
		fmt_in(waited, dur, sizeof(dur));
		eg_jw_begin(&w, &data);
		eg_jw_int(&w, "waited_ms", waited);
		eg_jw_end(&w);
	}
	snprintf(r->rec.st.recommendation, sizeof(r->rec.st.recommendation),
		 "Setup Assistant has waited %s for the enrollment configuration "
		 "(\"Retrieving activation record.\"): enrollguard renews as soon as "
		 "the UCRT is there; a hot Mac gets there sooner if shut down for 10 "
		 "minutes (enrollguard runs again at boot)", dur);
	recorder_emit(&r->rec, waited >= 0 && w.rc == EG_OK ? data.buf : NULL,
		      EG_TEXT_SETUP_STUCK, dur);
	eg_buf_release(&data);
}

/* At the thermal sampling pace, and once more when the run ends. */
static void watch_setup(struct run *r, bool last)
{
	int64_t now = mac_mono_ms();
	int running;

	if (r->setup_ended)
		return;
	if (setup_already_done(r)) {
		say_ended(r);
		return;
	}
	if (r->setup_stuck)
		return;
	running = setup_assistant_running(r);
	if (running != 1)
		return;
	if (!r->setup_since && last)
		say_stuck(r, -1);
	else if (!r->setup_since)
		r->setup_since = now;
	else if (last || now - r->setup_since >= (int64_t)r->o.setup_stuck_after)
		say_stuck(r, now - r->setup_since);
}

/* ---- the unified log ---------------------------------------------------- */

static void start_log_stream(struct run *r)
{
	struct eg_diag d = EG_DIAG_INIT;
	static char path[PATH_MAX];
	/*
	 * Default style (field-guide.md 5.2). The predicate keeps dasd's
	 * lines about the UCRT activity and the daemons that fetch and use
	 * the UCRT; both process names of the cloud configuration daemon are
	 * kept (6.7).
	 */
	static const char *argv[] = {
		path, "stream", "--style", "default", "--predicate",
		"(process == \"dasd\" AND eventMessage CONTAINS \"" EG_UCRT_ACTIVITY "\")"
		" OR process == \"mobileactivationd\" OR process == \"teslad\""
		" OR process == \"cloudconfigurationd\" OR process == \"mdmclient\"",
		NULL
	};

	mac_path(r->g, EG_PATH_LOG, path, sizeof(path));
	r->log = (struct eg_child)EG_CHILD_INIT;
	r->log.path = path;
	r->log.argv = argv;
	r->log.env = mac_child_env();
	r->log.now_ms = mac_mono_ms;
	r->log.stream = true;
	if (eg_child_start(&r->log, &d) != EG_OK) {
		recorder_emit(&r->rec, NULL, EG_TEXT_LOG_UNAVAILABLE, d.msg);
		return;
	}
	r->log_running = true;
	recorder_emit(&r->rec, NULL, EG_TEXT_LOG_STARTED,
		      (long)r->log.pid);
}

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
			recorder_emit(&r->rec, data.buf, EG_TEXT_DASD_BLOCKED, b->name,
				      eg_dasd_decision_name(b->decision),
				      b->rationale[0] ? b->rationale : "no rationale",
				      obs->dasd.activity);
		else
			recorder_emit(&r->rec, data.buf, EG_TEXT_DASD_VERDICT,
				      eg_dasd_decision_name(obs->dasd.final_decision),
				      obs->dasd.activity);
		break;
	case EG_OBS_UCRT_PERFORMING:
		recorder_emit(&r->rec, NULL, EG_TEXT_UCRT_PERFORMING);
		break;
	case EG_OBS_UCRT_ACQUIRED:
		recorder_emit(&r->rec, NULL, EG_TEXT_UCRT_ACQUIRED);
		break;
	case EG_OBS_UCRT_UNAVAILABLE:
		recorder_emit(&r->rec, NULL, EG_TEXT_UCRT_UNAVAILABLE);
		break;
	case EG_OBS_CLOUD_RETRY:
		recorder_emit(&r->rec, NULL, EG_TEXT_CLOUDCONFIG_RETRY);
		break;
	case EG_OBS_NONE:
		break;
	}
	eg_buf_release(&data);
}

/* Read what `log stream` printed and feed it, line by line. */
static void read_log(struct run *r)
{
	char chunk[8192];

	for (;;) {
		ssize_t n = read(r->log.out_fd, chunk, sizeof(chunk));
		const char *p, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		if (n == 0) {
			char how[128];

			eg_child_stop(&r->log);
			r->log_running = false;
			eg_child_describe(&r->log, how, sizeof(how));
			recorder_emit(&r->rec, NULL, EG_TEXT_LOG_ENDED, how);
			return;
		}
		if (eg_buf_add(&r->logbuf, chunk, (size_t)n) != EG_OK)
			/* a line longer than the cap: drop it, keep going */
			eg_buf_init(&r->logbuf, r->logbuf.cap);
		p = r->logbuf.buf;
		while ((nl = memchr(p, '\n', r->logbuf.len - (size_t)(p - r->logbuf.buf)))) {
			struct eg_str line = { p, (size_t)(nl - p) };
			struct eg_obs obs;

			if (line.len && line.p[line.len - 1] == '\r')
				line.len--;
			if (eg_logwatch_feed(&r->watch, line, &obs)) {
				record_obs(r, &obs);
				eg_strategy_observe(&r->strat, mac_mono_ms(), &obs);
			}
			p = nl + 1;
		}
		eg_buf_consume(&r->logbuf, (size_t)(p - r->logbuf.buf));
	}
}

/* ---- renewing ----------------------------------------------------------- */

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
		    r->o.child_timeout, &got_signal, &c, &d) != EG_OK) {
		recorder_emit(&r->rec, NULL, EG_TEXT_CONFIG_NO_PROFILES, d.msg);
		goto out;
	}
	(void)(eg_buf_add(&both, c.out.buf, c.out.len) ||
	       eg_buf_add(&both, c.err.buf, c.err.len));
	if (eg_profiles_parse_show(both.buf, both.len, &cfg, &perr, &d) != EG_OK) {
		recorder_emit(&r->rec, NULL, EG_TEXT_CONFIG_EMPTY,
			      perr.text[0] ? perr.text : d.msg);
		if (perr.kind == EG_PROFILES_FAIL_NOT_DEP)
			eg_strategy_abandon(&r->strat);
		goto out;
	}
	snprintf(r->rec.st.org_name, sizeof(r->rec.st.org_name), "%s", cfg.org_name);
	snprintf(r->rec.st.mdm_url, sizeof(r->rec.st.mdm_url), "%s", cfg.mdm_url);
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
	recorder_emit(&r->rec, data.buf, EG_TEXT_CONFIG_FETCHED,
		      cfg.org_name[0] ? cfg.org_name : "(no name)",
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
	r->rec.st.phase = EG_PHASE_RENEWING;
	snprintf(r->rec.st.waiting_for, sizeof(r->rec.st.waiting_for),
		 "profiles renew -type enrollment to finish (attempt %u)", n);
	r->rec.st.next_attempt_ms = 0;
	eg_jw_begin(&w, &data);
	eg_jw_int(&w, "attempt", n);
	eg_jw_end(&w);
	recorder_emit(&r->rec, w.rc == EG_OK ? data.buf : NULL, EG_TEXT_RENEW_ATTEMPT, n, why);
	eg_buf_reset(&data);
	if (mac_run(r->g, EG_PATH_PROFILES,
		    (const char *[]){ "renew", "-type", "enrollment", NULL },
		    r->o.child_timeout, &got_signal, &c, &d) != EG_OK) {
		snprintf(r->last_error, sizeof(r->last_error), "%s", d.msg);
		recorder_emit(&r->rec, NULL, EG_TEXT_RENEW_NOT_RUN, n, d.msg);
		goto out;
	}
	eg_child_describe(&c, how, sizeof(how));
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
		recorder_emit(&r->rec, data.buf, EG_TEXT_RENEW_SUCCEEDED, n,
			      (unsigned long long)c.elapsed_ms);
	} else if (c.timed_out || c.term_signal || c.cancelled) {
		r->renew_timeouts += c.timed_out;
		snprintf(r->last_error, sizeof(r->last_error), "profiles %s", how);
		recorder_emit(&r->rec, data.buf, EG_TEXT_RENEW_KILLED, n, how);
	} else {
		const char *meaning = eg_cloudcfg_describe(perr.code);

		r->last_code = perr.code;
		snprintf(r->last_error, sizeof(r->last_error), "%s",
			 perr.text[0] ? perr.text : how);
		if (perr.code && meaning)
			recorder_emit(&r->rec, data.buf, EG_TEXT_RENEW_FAILED_CODE, n,
				      perr.code, meaning);
		else
			recorder_emit(&r->rec, data.buf, EG_TEXT_RENEW_FAILED, n,
				      perr.text[0] ? perr.text : "no message", how);
	}
	snprintf(r->rec.st.last_result, sizeof(r->rec.st.last_result), "attempt %u %s%s%s",
		 n, ok ? "succeeded" : "failed", ok ? "" : ": ", ok ? "" : r->last_error);
out:
	eg_buf_release(&both);
	eg_buf_release(&data);
	eg_child_release(&c);
	return ok;
}

/* ---- waiting ------------------------------------------------------------ */

static void say_why(struct run *r, int64_t wake)
{
	char why[256], in[32], line[512];
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
	r->rec.st.phase = EG_PHASE_WAITING;
	snprintf(r->rec.st.waiting_for, sizeof(r->rec.st.waiting_for), "%s", line);
	r->rec.st.next_attempt_ms = mac_wall_ms() + (wake - now);
	save_progress(r);
	if (!strcmp(why, r->why)) {
		recorder_save(&r->rec);
		return;
	}
	snprintf(r->why, sizeof(r->why), "%s", why);
	if (r->last_error[0])
		recorder_emit(&r->rec, NULL, EG_TEXT_WAIT_AFTER,
			      line, in, r->last_error);
	else
		recorder_emit(&r->rec, NULL, EG_TEXT_WAIT, line, in);
}

static void wait_for(struct run *r, int64_t wake)
{
	int64_t now = mac_mono_ms(), until = wake;
	struct pollfd pfd;

	if (r->next_thermal < until)
		until = r->next_thermal;
	if (until > now) {
		int ms = until - now > 1000 ? 1000 : (int)(until - now);

		if (r->log_running) {
			pfd.fd = r->log.out_fd;
			pfd.events = POLLIN;
			pfd.revents = 0;
			if (poll(&pfd, 1, ms) > 0)
				read_log(r);
		} else {
			poll(NULL, 0, ms);
		}
	}
	if (mac_mono_ms() >= r->next_thermal && !got_signal) {
		sample_thermal(r);
		watch_setup(r, false);
	}
}

/* ---- the end ------------------------------------------------------------ */

static void recommend(struct run *r, char *out, size_t n)
{
	const struct eg_strategy *s = &r->strat;

	if (s->dasd_blocks)
		snprintf(out, n, "dasd held back the UCRT task %u times (last: %s %s%s%s%s). "
			 "Shut this Mac down for 10 minutes to let it cool, then power "
			 "it on: enrollguard runs again at boot",
			 s->dasd_blocks, s->blocker, s->blocker_decision,
			 s->rationale[0] ? ", " : "", s->rationale,
			 (r->thermal.has & EG_THERMAL_HAS_CPU_DIE) ? ", the Mac was hot" : "");
	else if (s->ucrt_unavailable)
		snprintf(out, n, "the UCRT stayed unavailable. A virtual machine without a "
			 "Secure Enclave can never get one; on a real Mac shut it down "
			 "for 10 minutes, then power it on");
	else if (r->last_code == 34000)
		snprintf(out, n, "the Mac could not reach Apple's cloud configuration "
			 "service (34000): check that the network lets it reach Apple "
			 "(iprofiles.apple.com, the push service), then restart it");
	else if (r->renew_timeouts && r->renew_timeouts == s->attempts)
		snprintf(out, n, "'profiles renew' hung on every attempt: restart the Mac; "
			 "if it hangs again, collect a sysdiagnose");
	else
		snprintf(out, n, "'profiles renew -type enrollment' never succeeded (last: %s). "
			 "Shut this Mac down for 10 minutes, then power it on: enrollguard "
			 "runs again at boot", r->last_error[0] ? r->last_error : "no error text");
}

static int give_up(struct run *r)
{
	char rec[768], el[32];

	watch_setup(r, true);
	recommend(r, rec, sizeof(rec));
	if (r->strat.state == EG_STATE_GAVE_UP && r->strat.par.kind == EG_STRATEGY_FIXED &&
	    r->strat.cycle > r->strat.par.cycles)
		snprintf(el, sizeof(el), "%u cycles", r->strat.par.cycles);
	else
		eg_format_duration(r->o.deadline, el, sizeof(el));
	save_progress(r);
	r->rec.st.phase = EG_PHASE_GAVE_UP;
	snprintf(r->rec.st.result, sizeof(r->rec.st.result),
		 "gave up after %u attempts (%s)", r->strat.attempts, el);
	snprintf(r->rec.st.recommendation, sizeof(r->rec.st.recommendation), "%s", rec);
	r->rec.st.waiting_for[0] = '\0';
	r->rec.st.next_attempt_ms = 0;
	recorder_emit(&r->rec, NULL, EG_TEXT_RUN_GAVE_UP, r->strat.attempts, el, rec);
	return EG_EXIT_GAVE_UP;
}

static int enrolled(struct run *r)
{
	char path[PATH_MAX];

	if (!r->setup_ended && setup_already_done(r))
		say_ended(r);
	record_config(r);
	if (r->strat.state == EG_STATE_GAVE_UP) {
		snprintf(r->last_error, sizeof(r->last_error),
			 "Apple has no Automated Device Enrollment record for this serial");
		save_progress(r);
		r->rec.st.phase = EG_PHASE_GAVE_UP;
		snprintf(r->rec.st.result, sizeof(r->rec.st.result),
			 "renewed, but this Mac has no ADE record");
		snprintf(r->rec.st.recommendation, sizeof(r->rec.st.recommendation),
			 "assign serial %s to an MDM server in Apple Business Manager "
			 "or Apple School Manager, then erase and reinstall",
			 r->rec.host.serial[0] ? r->rec.host.serial : "(unknown)");
		recorder_emit(&r->rec, NULL, EG_TEXT_RUN_GAVE_UP_NO_ADE,
			      r->rec.st.result, r->rec.st.recommendation);
		return EG_EXIT_GAVE_UP;
	}
	mac_join(r->g, r->o.launchdaemon, path, sizeof(path));
	if (unlink(path) == 0)
		recorder_emit(&r->rec, NULL, EG_TEXT_LAUNCHDAEMON_REMOVED,
			      r->o.launchdaemon);
	else if (errno == ENOENT)
		recorder_emit(&r->rec, NULL, EG_TEXT_LAUNCHDAEMON_GONE, r->o.launchdaemon);
	else
		recorder_emit(&r->rec, NULL, EG_TEXT_LAUNCHDAEMON_KEPT, r->o.launchdaemon,
			      strerror(errno));
	save_progress(r);
	r->rec.st.phase = EG_PHASE_ENROLLED;
	snprintf(r->rec.st.result, sizeof(r->rec.st.result),
		 "enrollment configuration received on attempt %u", r->strat.attempts);
	r->rec.st.waiting_for[0] = '\0';
	r->rec.st.next_attempt_ms = 0;
	if (r->setup_ended) {
		snprintf(r->rec.st.recommendation, sizeof(r->rec.st.recommendation),
			 "Setup Assistant had finished: the Mac's user must accept the "
			 "Device Enrollment notification");
		recorder_emit(&r->rec, NULL, EG_TEXT_RUN_ENROLLED_LATE, r->strat.attempts,
			      r->strat.attempts == 1 ? "" : "s");
	} else {
		r->rec.st.recommendation[0] = '\0';    /* a stuck Setup Assistant has it now */
		recorder_emit(&r->rec, NULL, EG_TEXT_RUN_ENROLLED,
			      r->strat.attempts, r->strat.attempts == 1 ? "" : "s");
	}
	return EG_EXIT_OK;
}

static int interrupted(struct run *r)
{
	int sig = (int)got_signal;

	save_progress(r);
	r->rec.st.phase = EG_PHASE_INTERRUPTED;
	recorder_emit(&r->rec, NULL, EG_TEXT_RUN_INTERRUPTED, sig, r->strat.attempts);
	return 128 + sig;
}

/* ---- the loop ----------------------------------------------------------- */

static int strategy_loop(struct run *r)
{
	for (;;) {
		int64_t wake;

		if (got_signal)
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

static void begin(struct run *r, const struct eg_runstate *prev, bool resume)
{
	struct eg_strategy_params p;
	unsigned char rnd[16];
	int fd;

	strategy_params(&r->o, &p);
	if (resume) {
		r->rec.st = *prev;
		eg_strategy_resume(&r->strat, &p, mac_mono_ms(), prev->elapsed_ms,
				   prev->attempts, prev->cycle, prev->try_in_cycle);
	} else {
		eg_runstate_init(&r->rec.st);
		memset(rnd, 0, sizeof(rnd));
		fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || read(fd, rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd)) {
			int64_t t = mac_wall_ms();

			/* no urandom: time and pid still make clashes unlikely */
			memcpy(rnd, &t, sizeof(t));
			rnd[8] = (unsigned char)getpid();
			rnd[9] = (unsigned char)(getpid() >> 8);
		}
		if (fd >= 0)
			close(fd);
		eg_event_run_id(rnd, r->rec.st.run_id);
		r->rec.st.started_ms = mac_wall_ms();
		eg_strategy_init(&r->strat, &p, mac_mono_ms());
	}
	r->rec.st.pid = (long)getpid();
	snprintf(r->rec.st.strategy, sizeof(r->rec.st.strategy), "%s", r->o.strategy);
	r->rec.st.phase = EG_PHASE_STARTING;
	r->rec.st.result[0] = r->rec.st.recommendation[0] = '\0';
	save_progress(r);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static int open_records(struct run *r, struct eg_lock *lock, struct eg_runstate *prev,
			bool *resume)
{
	char log[PATH_MAX], jsonl[PATH_MAX], dir[PATH_MAX], lockpath[PATH_MAX + 16];
	struct eg_diag d = EG_DIAG_INIT;
	enum eg_err rc;
	pid_t holder;

	mac_join(r->g, r->o.log_file, log, sizeof(log));
	mac_join(r->g, r->o.event_log, jsonl, sizeof(jsonl));
	mac_join(r->g, r->o.state_dir, dir, sizeof(dir));
	if (eg_file_mkdirs(dir, 0755, &d) != EG_OK)
		die(EG_EXIT_ENV, "%s", d.msg);
	snprintf(lockpath, sizeof(lockpath), "%s/run.lock", dir);
	rc = eg_lock_take(lock, lockpath, getpid(), &holder, &d);
	if (rc == EG_ERR_BUSY)
		die(EG_EXIT_RUNNING, "another 'enrollguard run' is already running (pid %ld)",
		    (long)holder);
	if (rc != EG_OK)
		die(EG_EXIT_ENV, "%s", d.msg);
	if (recorder_open(&r->rec, log, jsonl, dir, "state", &d) != EG_OK)
		die(EG_EXIT_ENV, "%s", d.msg);
	rc = recorder_load_state(dir, "state", prev, &d);
	if (rc != EG_OK && rc != EG_ERR_NOT_FOUND)
		warning("starting a new run: %s", d.msg);
	*resume = rc == EG_OK && !eg_runstate_finished(prev);
	snprintf(r->rec.st.log_file, sizeof(r->rec.st.log_file), "%s", r->o.log_file);
	return 0;
}

/* With ReportURL set, events also go to the server through the spool. */
static void start_reporter(struct run *r)
{
	char dir[PATH_MAX], spool[PATH_MAX + 8], token[PATH_MAX], ca[PATH_MAX];
	struct eg_diag d = EG_DIAG_INIT;
	enum eg_err rc;

	if (!r->o.report_url || !r->o.report_url[0])
		return;
	mac_join(r->g, r->o.state_dir, dir, sizeof(dir));
	snprintf(spool, sizeof(spool), "%s/spool", dir);
	token[0] = '\0';
	if (r->o.report_token_file && r->o.report_token_file[0]) {
		mac_join(r->g, r->o.report_token_file, token, sizeof(token));
		/* the token is a credential: only root may have written it */
		if (geteuid() == 0 && (rc = eg_file_check_safe(token, 0, &d)) != EG_OK &&
		    rc != EG_ERR_NOT_FOUND)
			die(EG_EXIT_USAGE, "refusing report token: %s", d.msg);
	}
	ca[0] = '\0';
	if (r->o.report_ca_file && r->o.report_ca_file[0])
		mac_join(r->g, r->o.report_ca_file, ca, sizeof(ca));
	rc = reporter_start(&r->rp, r->o.report_url, token, ca, spool,
			    r->o.report_spool_max * 1024, &d);
	if (rc == EG_ERR_INVALID || rc == EG_ERR_NOT_FOUND)
		die(EG_EXIT_USAGE, "%s", d.msg);
	if (rc != EG_OK)
		die(EG_EXIT_ENV, "%s", d.msg);
	r->rec.reporter = &r->rp;
}

/* Give the reporter report_flush to empty the spool; record what is left. */
static void stop_reporter(struct run *r)
{
	if (!r->rp.running)
		return;
	recorder_flush_held(&r->rec);
	r->rec.reporter = NULL;
	reporter_stop(&r->rp, r->o.report_flush);
	r->rec.st.spooled = r->rp.spool.pending;
	recorder_save(&r->rec);
	if (r->rp.spool.pending)
		warning("%llu events are still waiting for %s (%s); the next run sends them",
			(unsigned long long)r->rp.spool.pending, r->o.report_url,
			r->rp.last_error[0] ? r->rp.last_error : "no answer yet");
}

static int cmd_run_exec(void *state, const struct eg_cmd_ctx *c)
{
	struct run *r = state;
	struct eg_lock lock = EG_LOCK_INIT;
	struct eg_runstate prev;
	bool resume = false;
	int rc;
	char dl[32];

	r->g = c->g;
	r->rec = (struct recorder)RECORDER_INIT;
	r->watch = (struct eg_logwatch)EG_LOGWATCH_INIT;
	r->log = (struct eg_child)EG_CHILD_INIT;
	r->rp = (struct reporter)REPORTER_INIT;
	eg_buf_init(&r->logbuf, 64 * 1024);
	load_config(r, c->set);
	install_signals();
	open_records(r, &lock, &prev, &resume);
	if (!resume && setup_already_done(r)) {
		/* no run state is written: nothing ran */
		printf("Setup Assistant has already finished on this Mac (%s exists): "
		       "nothing to do (run works during Setup Assistant only).\n",
		       eg_path_default(EG_PATH_SETUP_DONE));
		recorder_close(&r->rec);
		eg_lock_release(&lock);
		return EG_EXIT_OK;
	}
	start_reporter(r);
	begin(r, &prev, resume);
	snprintf(r->rec.st.log_file, sizeof(r->rec.st.log_file), "%s", r->o.log_file);
	eg_format_duration(r->o.deadline, dl, sizeof(dl));
	if (resume)
		recorder_emit(&r->rec, NULL, EG_TEXT_RUN_RESUME,
			      r->rec.st.run_id, r->strat.attempts, r->o.strategy, dl);
	else
		recorder_emit(&r->rec, NULL, EG_TEXT_RUN_START,
			      EG_VERSION, (long)getpid(), r->o.strategy, dl);

	/* who the Mac is first, so `status` can say it during the wait */
	record_sysinfo(r);
	if (!r->o.no_wait_setup && !resume)
		wait_setup_assistant(r);
	sample_thermal(r);
	if (r->strat.par.kind == EG_STRATEGY_EVENT)
		start_log_stream(r);
	rc = got_signal ? interrupted(r) : strategy_loop(r);

	if (r->log_running)
		eg_child_stop(&r->log);
	eg_child_release(&r->log);
	eg_logwatch_release(&r->watch);
	eg_buf_release(&r->logbuf);
	stop_reporter(r);
	recorder_close(&r->rec);
	eg_lock_release(&lock);
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
