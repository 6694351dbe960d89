/*
 * cmd-check.c: `enrollguard check`, a preflight of this Mac: one line per
 * item with ok / warn / fail, a verdict, JSON, and a Jamf extension
 * attribute mode that prints exactly one <result>VALUE</result> line.
 *
 * Items (their keys are stable; --jamf-ea takes them):
 *   os, model, thermal, setup_assistant, enrollment, configuration,
 *   push_cert, log, last_run, verdict.
 * The log item runs the last hour of the unified log through explain's
 * diagnosis (core/diagnose.h).
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "certsrc.h"
#include "diagnose.h"
#include "cmd.h"
#include "enrollfacts.h"
#include "json.h"
#include "mac.h"
#include "preflight.h"
#include "profiles.h"
#include "recorder.h"
#include "reenroll.h"
#include "usage.h"
#include "banned.h"

struct check_opts {
	bool json;
	char *jamf_ea;
	uint64_t warn_days;
};

static const struct eg_opt check_table[] = {
	{ "json", "-", EG_OPT_BOOL, 0, 0, "false", NULL, "", "print JSON",
	  offsetof(struct check_opts, json) },
	{ "jamf-ea", "-", EG_OPT_STRING, 0, 0, NULL, NULL, "KEY",
	  "print one <result>VALUE</result> line for item KEY (a Jamf extension attribute)",
	  offsetof(struct check_opts, jamf_ea) },
	FACTS_WARN_DAYS_OPT(offsetof(struct check_opts, warn_days)),
};

struct check {
	const struct eg_global *g;
	struct check_opts o;
	struct preflight pf;
	char mdm_url[512];
};

static void check_system(struct check *c)
{
	struct eg_sysinfo si;
	char v[160];

	facts_sysinfo(c->g, 60000, NULL, &si);
	snprintf(v, sizeof(v), "%s %s", si.os_version, si.build);
	pf_add(&c->pf, "os", "os", si.os_version[0] ? PF_OK : PF_WARN,
	       si.os_version[0] ? v : "unknown", "%s %s (%s)",
	       si.product[0] ? si.product : "macOS",
	       si.os_version[0] ? si.os_version : "unknown", si.build[0] ? si.build : "?");
	pf_add(&c->pf, "model", "model", si.model[0] ? PF_OK : PF_WARN,
	       si.model[0] ? si.model : "unknown", "%s, %s, %s, serial %s",
	       si.model[0] ? si.model : "unknown model", si.arch[0] ? si.arch : "?",
	       si.chip[0] ? si.chip : "?", si.serial[0] ? si.serial : "unknown");
}

static void check_setup(struct check *c)
{
	int running = facts_setup_running(c->g, 30000, NULL);

	pf_add(&c->pf, "setup_assistant", "Setup Assistant", PF_OK,
	       running == 1 ? "running" : running == 0 ? "not-running" : "unknown",
	       "%s", running == 1 ? "running" : running == 0 ? "not running" :
	       "cannot tell (pgrep failed)");
}

static void check_enrollment(struct check *c)
{
	struct eg_enroll_status st;
	char text[512];

	if (facts_status(c->g, NULL, &st, text, sizeof(text)) != EG_OK) {
		pf_add(&c->pf, "enrollment", "DEP/MDM status", PF_WARN, "unknown",
		       "profiles status: %s", text);
		return;
	}
	facts_status_text(&st, text, sizeof(text));
	pf_add(&c->pf, "enrollment", "DEP/MDM status", st.dep == 1 && st.mdm == 1 ? PF_OK : PF_WARN,
	       st.dep == 1 && st.mdm == 1 ? "dep+mdm" : st.mdm == 1 ? "mdm" : "none",
	       "%s", text);
}

static void check_configuration(struct check *c)
{
	struct eg_enroll_config cfg;
	struct eg_profiles_error perr;
	enum facts_source src;
	const char *k = "configuration", *l = "enrollment configuration";
	char why[512], v[32];

	src = facts_config(c->g, NULL, &cfg, &perr, why, sizeof(why));
	if (src != FACTS_NONE) {
		pf_add(&c->pf, k, l, PF_OK, "available", "%s\"%s\", MDM %s",
		       src == FACTS_CACHED ? "cached record: " : "", cfg.org_name, cfg.mdm_url);
		snprintf(c->mdm_url, sizeof(c->mdm_url), "%s", cfg.mdm_url);
	} else if (perr.kind == EG_PROFILES_FAIL_NOT_DEP) {
		pf_add(&c->pf, k, l, PF_FAIL, "not-dep", "Apple has no ADE record for this "
		       "serial: assign it in Apple Business Manager or Apple School Manager");
	} else if (perr.kind == EG_PROFILES_FAIL_TOO_SOON) {
		pf_add(&c->pf, k, l, PF_WARN, "rate-limited", "profiles show is rate limited "
		       "(\"Request too soon\", once a day since macOS 12.3)");
	} else if (perr.code) {
		snprintf(v, sizeof(v), "error %ld", perr.code);
		pf_add(&c->pf, k, l, PF_FAIL, v, "(%ld) %s", perr.code,
		       eg_cloudcfg_describe(perr.code) ? eg_cloudcfg_describe(perr.code) : perr.text);
	} else {
		pf_add(&c->pf, k, l, PF_WARN, "unknown", "%s", perr.text[0] ? perr.text : why);
	}
}

static void check_push_cert(struct check *c)
{
	static struct facts_push p;
	char val[64];

	facts_push_identity(c->g, (int)c->o.warn_days, &p);
	if (!p.cert) {
		pf_add(&c->pf, "push_cert", "push certificate", PF_WARN, "none", "%s",
		       p.src.error[0] ? p.src.error :
		       "no certificate from Apple iPhone Device CA in the apsd keychain");
		return;
	}
	snprintf(val, sizeof(val), "%s %ld", eg_cert_verdict_name(p.verdict), p.days);
	/* expired is a failure only where it is known to cost a 403 */
	if (p.verdict == EG_CERT_EXPIRED)
		pf_add(&c->pf, "push_cert", "push certificate",
		       eg_mdm_rejects_expired(c->mdm_url) ? PF_FAIL : PF_WARN, val,
		       "expired %ld days ago: %s", -p.days, certsrc_consequence(p.cert, p.verdict));
	else
		pf_add(&c->pf, "push_cert", "push certificate",
		       p.verdict == EG_CERT_OK ? PF_OK : PF_WARN, val, "%s, %ld days left",
		       eg_cert_verdict_name(p.verdict), p.days);
}

/* The worst finding of the diagnosis as the log item. */
static void log_item(struct check *c, struct eg_diagnosis *d)
{
	char summary[768], next[512];
	int i, worst = -1;

	for (i = 0; i < d->nfindings; i++)
		if (d->findings[i].seen && d->findings[i].severity >= EG_SEV_WARNING &&
		    (worst < 0 || d->findings[i].severity > d->findings[worst].severity))
			worst = i;
	if (worst < 0) {
		pf_add(&c->pf, "log", "log", PF_OK, d->findings[EG_F_UCRT_ACQUIRED].seen ?
		       "ucrt.acquired" : "none", "last hour: %s",
		       d->findings[EG_F_UCRT_ACQUIRED].seen ? "the UCRT was acquired" :
		       "nothing about the enrollment");
		return;
	}
	eg_finding_explain(d, worst, summary, sizeof(summary),
			   next, sizeof(next));
	pf_add(&c->pf, "log", "log", d->findings[worst].severity == EG_SEV_FAILURE ? PF_FAIL :
	       PF_WARN, eg_diagnose_finding_name(d, worst), "last hour: %s: %s",
	       eg_diagnose_finding_name(d, worst), summary);
}

/* The last hour of the unified log, through explain's diagnosis. */
static void check_log(struct check *c)
{
	struct eg_child ch = EG_CHILD_INIT;
	struct eg_diag dg = EG_DIAG_INIT;
	struct eg_diagnosis *d;
	const char *p, *end;
	struct eg_str line;

	ch.out_cap = 32 * 1024 * 1024;
	if (mac_run(c->g, EG_PATH_LOG, (const char *[]){ "show", "--last", "1h", "--style",
		    "default", "--predicate",
		    "process == \"dasd\" OR process == \"mobileactivationd\" OR "
		    "process == \"teslad\" OR process == \"cloudconfigurationd\" OR "
		    "process == \"mdmclient\"", NULL }, 120000, NULL, &ch, &dg) != EG_OK ||
	    ch.exit_code != 0) {
		pf_add(&c->pf, "log", "log", PF_WARN, "unknown", "cannot read the unified log: %s",
		       dg.msg[0] ? dg.msg : ch.err.buf);
		eg_child_release(&ch);
		return;
	}
	d = eg_diagnose_new();
	for (p = ch.out.buf, end = ch.out.buf + ch.out.len; eg_next_line(&p, end, &line);)
		eg_diagnose_line(d, line);
	eg_diagnose_finish(d);
	eg_child_release(&ch);
	log_item(c, d);
	eg_diagnose_free(d);
}

static void check_last_run(struct check *c)
{
	struct eg_runstate st;
	struct eg_diag d = EG_DIAG_INIT;
	char dir[PATH_MAX];

	mac_path(c->g, EG_PATH_STATE_DIR, dir, sizeof(dir));
	if (recorder_load_state(dir, "state", &st, &d) != EG_OK) {
		pf_add(&c->pf, "last_run", "last run", PF_OK, "none",
		       "enrollguard run has not run here");
		return;
	}
	pf_add(&c->pf, "last_run", "last run", st.phase == EG_PHASE_GAVE_UP ? PF_WARN : PF_OK,
	       eg_phase_name(st.phase), "%s%s%s", eg_phase_name(st.phase),
	       st.result[0] ? ": " : "", st.result);
}

static void print_json(const struct check *c, enum pf_level v)
{
	struct eg_buf b = EG_BUF_INIT(256 * 1024);
	struct eg_jw w;

	eg_jw_begin(&w, &b);
	pf_json(&c->pf, &w, "items");
	eg_jw_str(&w, "verdict", pf_level_name(v));
	eg_jw_end(&w);
	printf("%s\n", b.buf);
	eg_buf_release(&b);
}

static int jamf_ea(const struct check *c, const char *key, enum pf_level v)
{
	int i;

	if (!strcmp(key, "verdict")) {
		printf("<result>%s</result>\n", pf_level_name(v));
		return EG_EXIT_OK;
	}
	for (i = 0; i < c->pf.n; i++)
		if (!strcmp(c->pf.items[i].key, key)) {
			printf("<result>%s</result>\n", c->pf.items[i].value);
			return EG_EXIT_OK;
		}
	return EG_EXIT_USAGE;   /* checked before the run; not reached */
}

static const char *const ea_keys[] = { "os", "model", "thermal", "setup_assistant",
	"enrollment", "configuration", "push_cert", "log", "last_run", "verdict", NULL };

static int cmd_check_exec(void *state, const struct eg_cmd_ctx *ctx)
{
	struct check *c = state;
	enum pf_level v;
	int i, rc;

	c->g = ctx->g;
	c->pf = (struct preflight)PREFLIGHT_INIT;
	if (c->o.jamf_ea) {
		for (i = 0; ea_keys[i] && strcmp(ea_keys[i], c->o.jamf_ea); i++)
			;
		if (!ea_keys[i])
			die(EG_EXIT_USAGE, "option '--jamf-ea': unknown item '%s' (one of os, "
			    "model, thermal, setup_assistant, enrollment, configuration, "
			    "push_cert, log, last_run, verdict)", c->o.jamf_ea);
	}
	check_system(c);
	pf_thermal(&c->pf, c->g, 30000, NULL);
	check_setup(c);
	check_enrollment(c);
	check_configuration(c);
	check_push_cert(c);
	check_log(c);
	check_last_run(c);
	v = pf_verdict(&c->pf);
	rc = v == PF_FAIL ? 1 : EG_EXIT_OK;
	if (c->o.jamf_ea) {
		/* an extension attribute always exits 0: Jamf reads the value */
		rc = jamf_ea(c, c->o.jamf_ea, v);
	} else if (c->o.json) {
		print_json(c, v);
	} else {
		pf_print(&c->pf, PF_BY_KEY);
		printf("verdict: %s\n", pf_level_name(v));
	}
	return rc;
}

const struct eg_cmd eg_cmd_check = {
	.name = "check",
	.usage = "check [--json | --jamf-ea KEY] [--warn-days N]",
	.summary = "check this Mac: OS, thermal, DEP/MDM, configuration, push certificate",
	.about = "Check this Mac: OS, model, thermal state, Setup Assistant, DEP and MDM\n"
		 "enrollment, whether an enrollment configuration is available, the push\n"
		 "certificate, the last hour of the unified log, and the last enrollguard\n"
		 "run. Items: os, model, thermal, setup_assistant, enrollment,\n"
		 "configuration, push_cert, log, last_run, verdict.",
	.opts = check_table,
	.nopts = EG_NROWS(check_table),
	.state_size = sizeof(struct check),
	.opts_offset = offsetof(struct check, o),
	.exec = cmd_check_exec,
};
