/*
 * cmd-renew.c: `enrollguard renew`, re-enrolling a Mac in use into ADE
 * (seed 002) without the 403.
 *
 * 1. Preflight: DEP/MDM status, the enrollment configuration (the cached
 *    record, else `profiles show`), the push identity in the apsd
 *    keychain (as `cert`), a TCP connect to Apple's push service, thermal.
 * 2. Decision: an expired push identity and an MDM known to reject it
 *    stops here, before anyone is prompted (exit 5), with the options.
 *    --fix-push-cert moves the keychain aside (never deletes it), and
 *    --undo-push-cert-fix puts it back.
 * 3. Otherwise `profiles renew -type enrollment`, then the log and
 *    `profiles status` are followed for the outcome.
 * Every step is an event in the logs run writes to.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "enrollfacts.h"
#include "job.h"
#include "json.h"
#include "logstream.h"
#include "mac.h"
#include "netprobe.h"
#include "preflight.h"
#include "profiles.h"
#include "pushfix.h"
#include "reenroll.h"
#include "sampler.h"
#include "scan.h"
#include "ulog.h"
#include "usage.h"
#include "banned.h"

#define EXIT_WOULD_403 EG_EXIT_WOULD_403

struct renew_opts {
	char *mdm_rejects;
	char *apns;
	uint64_t connect_timeout;
	uint64_t outcome_timeout;
	bool dry_run;
	bool json;
	bool fix;
	bool undo;
	uint64_t warn_days;
};

static const char *const yes_no_auto[] = { "auto", "yes", "no", NULL };

#define RO(f) offsetof(struct renew_opts, f)
static const struct eg_opt renew_table[] = {
	{ "mdm-rejects-expired-device-certs", "MdmRejectsExpiredDeviceCerts", EG_OPT_ENUM,
	  0, 0, "auto", yes_no_auto, "WHEN",
	  "whether the MDM answers 403 to an expired push identity; auto: Jamf Pro URLs",
	  RO(mdm_rejects) },
	/*
	 * UNVERIFIED in field-guide.md: Apple's enterprise-network guidance
	 * has Macs reach the push service on TCP 5223, falling back to 443,
	 * at *.push.apple.com hosts. Configurable so tests use loopback.
	 */
	{ "apns", "ApnsHosts", EG_OPT_STRING, 0, 0,
	  "courier.push.apple.com:5223,courier.push.apple.com:443", NULL, "LIST",
	  "HOST:PORT,... of Apple's push service to try a TCP connect to", RO(apns) },
	{ "connect-timeout", "ApnsConnectTimeout", EG_OPT_DURATION, 100, 60000, "3s",
	  NULL, "DUR", "give up a connect after this long", RO(connect_timeout) },
	{ "outcome-timeout", "RenewOutcomeTimeout", EG_OPT_DURATION, 1000, 3600000, "5m",
	  NULL, "DUR", "follow the outcome this long after renewing", RO(outcome_timeout) },
	{ "dry-run", "-", EG_OPT_BOOL, 0, 0, "false", NULL, "",
	  "preflight and decision only: prompt nobody, change nothing", RO(dry_run) },
	{ "json", "-", EG_OPT_BOOL, 0, 0, "false", NULL, "", "print JSON", RO(json) },
	{ "fix-push-cert", "-", EG_OPT_BOOL, 0, 0, "false", NULL, "",
	  "move the apsd keychain aside (unsupported workaround; restart needed)", RO(fix) },
	{ "undo-push-cert-fix", "-", EG_OPT_BOOL, 0, 0, "false", NULL, "",
	  "put back the keychain --fix-push-cert moved aside", RO(undo) },
	FACTS_WARN_DAYS_OPT(RO(warn_days)),
};

struct renew {
	const struct eg_global *g;
	struct renew_opts o;
	struct job job;
	struct preflight pf;
	struct eg_enroll_config cfg;
	bool have_cfg;
	bool not_dep;
	struct facts_push push;
	bool push_expired;
	int push_days;
	bool apns_ok;
	bool rejects;
	char rejects_why[160];
};

/* ---- preflight: decide ------------------------------------------------ */

static void check_status(struct renew *r)
{
	struct eg_enroll_status st;
	char text[600];

	if (facts_status(r->g, &job_signal, &st, text, sizeof(text)) != EG_OK) {
		pf_add(&r->pf, "enrollment", "DEP/MDM status", PF_WARN, "unknown",
		       "profiles status printed no status: %s", text);
		return;
	}
	facts_status_text(&st, text, sizeof(text));
	pf_add(&r->pf, "enrollment", "DEP/MDM status", PF_OK,
	       st.dep == 1 && st.mdm == 1 ? "dep+mdm" : st.mdm == 1 ? "mdm" : "none",
	       "%s", text);
}

static void check_config(struct renew *r)
{
	struct eg_profiles_error perr;
	const char *k = "configuration", *l = "enrollment configuration";
	char why[512];

	switch (facts_config(r->g, &job_signal, &r->cfg, &perr, why, sizeof(why))) {
	case FACTS_CACHED:
		r->have_cfg = true;
		pf_add(&r->pf, k, l, PF_OK, "available", "cached record: \"%s\", MDM %s",
		       r->cfg.org_name, r->cfg.mdm_url);
		return;
	case FACTS_SHOWN:
		r->have_cfg = true;
		pf_add(&r->pf, k, l, PF_OK, "available", "\"%s\", MDM %s", r->cfg.org_name,
		       r->cfg.mdm_url);
		return;
	case FACTS_NONE:
		break;
	}
	if (perr.kind == EG_PROFILES_FAIL_NOT_DEP) {
		r->not_dep = true;
		pf_add(&r->pf, k, l, PF_FAIL, "not-dep", "Apple has no ADE record for this "
		       "serial (\"Client is not DEP enabled.\"): assign it to your MDM in Apple "
		       "Business Manager or Apple School Manager first");
	} else if (perr.kind == EG_PROFILES_FAIL_TOO_SOON) {
		pf_add(&r->pf, k, l, PF_WARN, "rate-limited", "profiles show is rate limited "
		       "(\"Request too soon\", once a day since macOS 12.3); the MDM is unknown");
	} else if (perr.code && eg_cloudcfg_describe(perr.code)) {
		pf_add(&r->pf, k, l, PF_WARN, "error", "(%ld) %s", perr.code,
		       eg_cloudcfg_describe(perr.code));
	} else {
		pf_add(&r->pf, k, l, PF_WARN, "unknown", "%s", perr.text[0] ? perr.text : why);
	}
}

static void check_push_cert(struct renew *r)
{
	const struct eg_cert *c;
	char v[64];

	facts_push_identity(r->g, (int)r->o.warn_days, &r->push);
	c = r->push.cert;
	if (r->push.src.error[0] || !c) {
		pf_add(&r->pf, "push_cert", "push certificate", PF_WARN, "none", "%s",
		       r->push.src.error[0] ? r->push.src.error : "no certificate from "
		       "Apple iPhone Device CA in the apsd keychain");
		return;
	}
	r->push_days = (int)r->push.days;
	r->push_expired = r->push.verdict == EG_CERT_EXPIRED;
	snprintf(v, sizeof(v), "%s %ld", eg_cert_verdict_name(r->push.verdict), r->push.days);
	if (r->push_expired)
		pf_add(&r->pf, "push_cert", "push certificate", PF_WARN, v,
		       "%s expired %ld days ago", c->subject, -r->push.days);
	else
		pf_add(&r->pf, "push_cert", "push certificate",
		       r->push.verdict == EG_CERT_OK ? PF_OK : PF_WARN, v, "%s: %s, %ld days left",
		       c->subject, eg_cert_verdict_name(r->push.verdict), r->push.days);
}

static void check_apns(struct renew *r)
{
	char list[1024], *p, *next, detail[256], all[900] = "";
	size_t off = 0;

	snprintf(list, sizeof(list), "%s", r->o.apns);
	for (p = list; p && *p; p = next) {
		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		if (net_probe(p, r->o.connect_timeout, mac_mono_ms, detail, sizeof(detail)) == 0) {
			r->apns_ok = true;
			pf_add(&r->pf, "apns", "Apple push service", PF_OK, "reachable", "%s: %s",
			       p, detail);
			return;
		}
		off += (size_t)snprintf(all + off, sizeof(all) - off, "%s%s: %s",
					off ? "; " : "", p, detail);
		if (off >= sizeof(all))
			off = sizeof(all) - 1;
	}
	pf_add(&r->pf, "apns", "Apple push service", PF_FAIL, "unreachable", "no connection "
	       "(%s): the Mac cannot reach Apple's push service, so neither enrollment nor "
	       "the MDM can work; check the network and firewall (TCP 5223 and 443 to "
	       "*.push.apple.com)", all);
}

static void decide_rejects(struct renew *r)
{
	if (!strcmp(r->o.mdm_rejects, "yes")) {
		r->rejects = true;
		snprintf(r->rejects_why, sizeof(r->rejects_why), "as configured");
	} else if (!strcmp(r->o.mdm_rejects, "no")) {
		snprintf(r->rejects_why, sizeof(r->rejects_why), "as configured");
	} else if (r->have_cfg && eg_mdm_rejects_expired(r->cfg.mdm_url)) {
		r->rejects = true;
		snprintf(r->rejects_why, sizeof(r->rejects_why),
			 "its URL %.100s is Jamf Pro's", r->cfg.mdm_url);
	} else {
		snprintf(r->rejects_why, sizeof(r->rejects_why), "%s",
			 r->have_cfg ? "not a server known to reject" : "the MDM is unknown");
	}
}

static void print_json(const struct renew *r, const char *decision,
		       const char *outcome, int status)
{
	struct eg_buf b = EG_BUF_INIT(256 * 1024);
	struct eg_jw w;

	eg_jw_begin(&w, &b);
	pf_json(&r->pf, &w, "preflight");
	eg_jw_str(&w, "mdm_url", r->cfg.mdm_url);
	eg_jw_bool(&w, "push_cert_expired", r->push_expired);
	eg_jw_bool(&w, "mdm_rejects_expired", r->rejects);
	eg_jw_str(&w, "decision", decision);
	eg_jw_str(&w, "outcome", outcome);
	eg_jw_int(&w, "http_status", status);
	eg_jw_end(&w);
	printf("%s\n", b.buf);
	eg_buf_release(&b);
}

static int stop_would_403(struct renew *r)
{
	recorder_emit(&r->job.rec, NULL, EG_TEXT_RENEW_STOPPED_403,
		      -r->push_days, r->rejects_why);
	if (r->o.json) {
		print_json(r, "stopped: MDM would answer 403", "", 0);
		return EXIT_WOULD_403;
	}
	pf_print(&r->pf, 0);
	printf("\nnot renewing: this Mac's push certificate expired %d days ago, and the MDM "
	       "rejects devices whose Apple iPhone Device CA certificate has expired (%s): "
	       "re-enrollment would fail with \"unexpected status (403)\" after the user "
	       "clicked through the prompt.\n\noptions:\n"
	       "  1. supported: erase the Mac and enroll it through Setup Assistant.\n"
	       "  2. unsupported workaround: enrollguard renew --fix-push-cert moves\n"
	       "     /Library/Keychains/apsd.keychain aside (never deletes it); after a restart\n"
	       "     apsd makes a new push identity and renew can go on. Apple does not\n"
	       "     recommend it: it can break iCloud services. Undo: --undo-push-cert-fix.\n"
	       "  3. ask your MDM vendor to ignore the validity dates of Apple iPhone Device CA\n"
	       "     certificates, as Apple says servers must.\n",
	       -r->push_days, r->rejects_why);
	return EXIT_WOULD_403;
}

static int preflight_and_decide(struct renew *r)
{
	check_status(r);
	check_config(r);
	check_push_cert(r);
	check_apns(r);
	pf_thermal(&r->pf, r->g, 30000, &job_signal);
	decide_rejects(r);
	if (r->not_dep || !r->apns_ok) {
		recorder_emit(&r->job.rec, NULL, EG_TEXT_RENEW_STOPPED,
			      r->not_dep ? "Apple has no ADE record for this serial" :
			      "no connection to Apple's push service");
		if (r->o.json)
			print_json(r, "stopped: preflight failed", "", 0);
		else
			pf_print(&r->pf, 0), printf("\nnot renewing: fix the failed item first\n");
		return 1;
	}
	if (r->push_expired && r->rejects && !r->o.fix)
		return stop_would_403(r);
	if (r->o.dry_run) {
		if (r->o.json)
			print_json(r, "would renew", "", 0);
		else
			pf_print(&r->pf, 0), printf("\nwould renew%s (dry run: nothing done)\n",
						    r->push_expired ? ", though the push certificate "
						    "has expired: this MDM is not known to reject it" : "");
		return EG_EXIT_OK;
	}
	if (!r->o.json)
		pf_print(&r->pf, 0);
	return -1;   /* go on */
}

/* ---- renewing and its outcome ------------------------------------------ */

static bool dep_enrolled_now(struct renew *r)
{
	struct eg_enroll_status st;
	char raw[256];

	return facts_status(r->g, &job_signal, &st, raw, sizeof(raw)) == EG_OK &&
	       st.dep == 1;
}

struct watch {
	int outcome;
	int status;
};

static void outcome_line(void *ctx, struct eg_str line)
{
	struct watch *w = ctx;

	if (w->outcome == EG_OUTCOME_NONE)
		w->outcome = eg_outcome_line(line, &w->status);
}

/* Watch `log stream` and profiles status until an outcome or the timeout. */
static int follow_outcome(struct renew *r, struct logstream *log, int *status)
{
	int64_t until = mac_mono_ms() + (int64_t)r->o.outcome_timeout;
	int64_t next_status = mac_mono_ms() + 1000;
	struct watch w = { EG_OUTCOME_NONE, 0 };

	while (w.outcome == EG_OUTCOME_NONE && !job_signal && mac_mono_ms() < until) {
		logstream_wait(log, 200, outcome_line, &w);
		if (w.outcome == EG_OUTCOME_NONE && mac_mono_ms() >= next_status) {
			if (dep_enrolled_now(r))
				w.outcome = EG_OUTCOME_ENROLLED;
			next_status = mac_mono_ms() + 2000;
		}
	}
	*status = w.status;
	return w.outcome;
}

static int report_outcome(struct renew *r, int outcome, int status)
{
	char t[32];

	if (outcome == EG_OUTCOME_ENROLLED) {
		recorder_emit(&r->job.rec, NULL, EG_TEXT_RENEW_ENROLLED);
		if (!r->o.json)
			printf("enrolled: profiles status says Enrolled via DEP: Yes\n");
		return EG_EXIT_OK;
	}
	if (outcome == EG_OUTCOME_HTTP_STATUS) {
		const char *cause = status != 403 ? "the MDM refused the enrollment" :
			r->push_expired ?
			"the MDM rejected this Mac's expired push certificate (issued by "
			"Apple iPhone Device CA, whose dates Apple says servers must ignore); "
			"see 'enrollguard renew --dry-run' for the options" :
			"the push certificate is valid, so the cause is elsewhere: since "
			"macOS 14 Apple defines 403 answers for 'software update required' "
			"and 'unrecognized device'; check the MDM's log";

		recorder_emit(&r->job.rec, NULL, EG_TEXT_RENEW_HTTP,
			      status, cause);
		if (!r->o.json)
			printf("failed: the MDM answered HTTP %d: %s\n", status, cause);
		return 1;
	}
	eg_format_duration(r->o.outcome_timeout, t, sizeof(t));
	recorder_emit(&r->job.rec, NULL, EG_TEXT_RENEW_NO_OUTCOME, t);
	if (!r->o.json)
		printf("no outcome within %s: the user may not have approved the enrollment "
		       "yet (the Device Enrollment notification, or System Settings)\n", t);
	return 1;
}

static int do_renew(struct renew *r)
{
	struct logstream log = LOGSTREAM_INIT;
	struct eg_buf b = EG_BUF_INIT(64 * 1024);
	struct eg_profiles_error perr;
	int code, outcome, status = 0, rc;

	logstream_start(&log, r->g, &r->job.rec,
			"process == \"mdmclient\" OR process == \"teslad\" OR "
			"process == \"cloudconfigurationd\" OR eventMessage CONTAINS "
			"\"unexpected status\"",
			"for the enrollment's outcome",
			"the outcome comes from profiles status only");
	recorder_emit(&r->job.rec, NULL, EG_TEXT_RENEW_CALLED);
	code = facts_profiles(r->g, (const char *[]){ "renew", "-type", "enrollment", NULL },
			      &job_signal, &b);
	if (code != 0) {
		eg_profiles_parse_error(b.buf, b.len, &perr);
		recorder_emit(&r->job.rec, NULL, EG_TEXT_RENEW_EXITED, code,
			      perr.text[0] ? perr.text : "no message");
		if (!r->o.json)
			printf("failed: profiles renew -type enrollment exited %d: %s\n", code,
			       perr.text[0] ? perr.text : "no message");
		rc = 1;
		goto out;
	}
	/* field-guide.md 1.3: success posts the "Device Enrollment" notification */
	recorder_emit(&r->job.rec, NULL, EG_TEXT_RENEW_PROMPTED);
	if (!r->o.json)
		printf("renewed: the user sees the Device Enrollment notification; waiting for "
		       "the outcome\n");
	outcome = follow_outcome(r, &log, &status);
	rc = report_outcome(r, outcome, status);
	if (r->o.json)
		print_json(r, "renewed", outcome == EG_OUTCOME_ENROLLED ? "enrolled" :
			   outcome == EG_OUTCOME_HTTP_STATUS ? "http_error" : "no_outcome",
			   status);
out:
	logstream_stop(&log);
	eg_buf_release(&b);
	return rc;
}

/* ---- the command ----------------------------------------------------------- */

static int cmd_renew_exec(void *state, const struct eg_cmd_ctx *c)
{
	struct renew *r = state;
	struct eg_runstate prev;
	struct eg_diag d = EG_DIAG_INIT;
	const struct job_where where = { eg_path_default(EG_PATH_STATE_DIR),
		eg_path_default(EG_PATH_LOG_FILE), eg_path_default(EG_PATH_EVENT_LOG) };
	int rc;

	r->g = c->g;
	r->job = (struct job)JOB_INIT;
	r->pf = (struct preflight)PREFLIGHT_INIT;
	if (r->o.fix && r->o.undo)
		die(EG_EXIT_USAGE, "give --fix-push-cert or --undo-push-cert-fix, not both");
	prefs_load(c->g, c->table, c->ntable, &r->o, c->set,
		   eg_path_default(EG_PATH_MANAGED_PREFS), false);
	job_signals();
	job_open(&r->job, c->g, &where, "renew");
	if (job_load_state(&r->job, &prev, &d) == EG_OK)
		job_stop_left_log_stream(&prev);   /* a killed renew's */
	job_new_run_id(&r->job);
	r->job.rec.st.phase = EG_PHASE_RENEW;
	r->pf.rec = &r->job.rec;
	recorder_emit(&r->job.rec, NULL, EG_TEXT_RENEW_START, EG_VERSION,
		      r->o.dry_run ? " (dry run)" : "");
	if (r->o.undo) {
		rc = pushfix_undo(c->g, &r->job.rec);
		goto out;
	}
	rc = preflight_and_decide(r);
	if (rc >= 0)
		goto out;
	rc = r->o.fix ? pushfix_apply(c->g, &r->job.rec) : do_renew(r);
out:
	job_close(&r->job);
	return rc;
}

const struct eg_cmd eg_cmd_renew = {
	.name = "renew",
	.usage = "renew [--mdm-rejects-expired-device-certs WHEN] [--dry-run] [--json] "
		 "[--fix-push-cert | --undo-push-cert-fix] [options]",
	.summary = "re-enroll a Mac in use into ADE, without the 403 (root)",
	.about = "Re-enroll this Mac into Automated Device Enrollment without the 403: check\n"
		 "first, stop before prompting anyone when the MDM would reject the expired\n"
		 "push certificate, otherwise renew and report the outcome with its cause.",
	.flags = EG_CMD_NEEDS_ROOT,
	.opts = renew_table,
	.nopts = EG_NROWS(renew_table),
	.state_size = sizeof(struct renew),
	.opts_offset = offsetof(struct renew, o),
	.exec = cmd_renew_exec,
};
