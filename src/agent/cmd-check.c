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
#include "file.h"
#include "json.h"
#include "mac.h"
#include "profiles.h"
#include "recorder.h"
#include "reenroll.h"
#include "sampler.h"
#include "sysinfo.h"
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
	{ "warn-days", "-", EG_OPT_UINT, 0, 3650, "30", NULL, "N",
	  "warn when the push certificate expires within N days",
	  offsetof(struct check_opts, warn_days) },
};

#define NITEMS 10

enum level { OK = 0, WARN = 1, FAIL = 2 };

struct item {
	const char *key;
	enum level level;
	char detail[512];
	char value[160];      /* the --jamf-ea value */
};

struct check {
	const struct eg_global *g;
	struct check_opts o;
	struct item items[NITEMS];
	int n;
	char mdm_url[512];
};

static struct item *item(struct check *c, const char *key, enum level lv,
			 const char *value)
{
	struct item *it = &c->items[c->n++];

	it->key = key;
	it->level = lv;
	snprintf(it->value, sizeof(it->value), "%s", value);
	return it;
}

static void check_system(struct check *c)
{
	struct eg_child ch = EG_CHILD_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	struct eg_sysinfo si;
	struct item *it;
	char v[160];

	memset(&si, 0, sizeof(si));
	if (mac_run(c->g, EG_PATH_SW_VERS, NULL, 30000, NULL, &ch, &d) == EG_OK)
		eg_sysinfo_parse_sw_vers(ch.out.buf, ch.out.len, &si, &d);
	eg_child_release(&ch);
	ch = (struct eg_child)EG_CHILD_INIT;
	if (mac_run(c->g, EG_PATH_SYSTEM_PROFILER, (const char *[]){ "SPHardwareDataType", NULL },
		    60000, NULL, &ch, &d) == EG_OK)
		eg_sysinfo_parse_hardware(ch.out.buf, ch.out.len, &si, &d);
	eg_child_release(&ch);
	snprintf(v, sizeof(v), "%s %s", si.os_version, si.build);
	it = item(c, "os", si.os_version[0] ? OK : WARN, si.os_version[0] ? v : "unknown");
	snprintf(it->detail, sizeof(it->detail), "%s %s (%s)",
		 si.product[0] ? si.product : "macOS",
		 si.os_version[0] ? si.os_version : "unknown", si.build[0] ? si.build : "?");
	it = item(c, "model", si.model[0] ? OK : WARN, si.model[0] ? si.model : "unknown");
	snprintf(it->detail, sizeof(it->detail), "%s, %s, %s, serial %s",
		 si.model[0] ? si.model : "unknown model", si.arch[0] ? si.arch : "?",
		 si.chip[0] ? si.chip : "?", si.serial[0] ? si.serial : "unknown");
}

static void check_thermal_and_setup(struct check *c)
{
	struct sampler s = SAMPLER_INIT;
	struct eg_thermal t;
	struct eg_child ch = EG_CHILD_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	struct item *it;
	int running = -1;

	sampler_thermal(c->g, 30000, NULL, &s, &t);
	it = item(c, "thermal", eg_thermal_is_hot(&t) ? WARN : OK,
		  (t.has & EG_THERMAL_HAS_PRESSURE) ? eg_pressure_name(t.pressure) : "unknown");
	eg_thermal_format(&t, it->detail, sizeof(it->detail));
	if (eg_thermal_is_hot(&t))
		snprintf(it->detail + strlen(it->detail), sizeof(it->detail) - strlen(it->detail),
			 " (hot: dasd may hold back the UCRT)");
	/* UNVERIFIED: the process name, as in run */
	if (mac_run(c->g, EG_PATH_PGREP, (const char *[]){ "-x", "Setup Assistant", NULL },
		    30000, NULL, &ch, &d) == EG_OK)
		running = ch.exit_code == 0 ? 1 : ch.exit_code == 1 ? 0 : -1;
	eg_child_release(&ch);
	it = item(c, "setup_assistant", OK, running == 1 ? "running" :
		  running == 0 ? "not-running" : "unknown");
	snprintf(it->detail, sizeof(it->detail), "%s", running == 1 ? "running" :
		 running == 0 ? "not running" : "cannot tell (pgrep failed)");
}

static void check_enrollment(struct check *c)
{
	struct eg_enroll_status st;
	struct item *it;
	char text[512];

	if (facts_status(c->g, NULL, &st, text, sizeof(text)) != EG_OK) {
		it = item(c, "enrollment", WARN, "unknown");
		snprintf(it->detail, sizeof(it->detail), "profiles status: %s", text);
		return;
	}
	it = item(c, "enrollment", st.dep == 1 && st.mdm == 1 ? OK : WARN,
		  st.dep == 1 && st.mdm == 1 ? "dep+mdm" : st.mdm == 1 ? "mdm" : "none");
	facts_status_text(&st, it->detail, sizeof(it->detail));
}

static void check_configuration(struct check *c)
{
	struct eg_enroll_config cfg;
	struct eg_profiles_error perr;
	enum facts_source src;
	struct item *it;
	char why[512], v[32];

	src = facts_config(c->g, NULL, &cfg, &perr, why, sizeof(why));
	if (src != FACTS_NONE) {
		it = item(c, "configuration", OK, "available");
		snprintf(it->detail, sizeof(it->detail), "%s\"%s\", MDM %s",
			 src == FACTS_CACHED ? "cached record: " : "", cfg.org_name, cfg.mdm_url);
		snprintf(c->mdm_url, sizeof(c->mdm_url), "%s", cfg.mdm_url);
	} else if (perr.kind == EG_PROFILES_FAIL_NOT_DEP) {
		it = item(c, "configuration", FAIL, "not-dep");
		snprintf(it->detail, sizeof(it->detail), "Apple has no ADE record for this "
			 "serial: assign it in Apple Business Manager or Apple School Manager");
	} else if (perr.kind == EG_PROFILES_FAIL_TOO_SOON) {
		it = item(c, "configuration", WARN, "rate-limited");
		snprintf(it->detail, sizeof(it->detail), "profiles show is rate limited "
			 "(\"Request too soon\", once a day since macOS 12.3)");
	} else if (perr.code) {
		snprintf(v, sizeof(v), "error %ld", perr.code);
		it = item(c, "configuration", FAIL, v);
		snprintf(it->detail, sizeof(it->detail), "(%ld) %s", perr.code,
			 eg_cloudcfg_describe(perr.code) ? eg_cloudcfg_describe(perr.code) : perr.text);
	} else {
		it = item(c, "configuration", WARN, "unknown");
		snprintf(it->detail, sizeof(it->detail), "%s", perr.text[0] ? perr.text : why);
	}
}

static void check_push_cert(struct check *c)
{
	static struct certsrc src;
	const struct eg_cert *pc = NULL;
	enum eg_cert_verdict v;
	struct item *it;
	char val[64];
	long days;
	int i;

	certsrc_keychain(c->g, eg_path_default(EG_PATH_APSD_KEYCHAIN), &src);
	for (i = 0; i < src.n && !pc; i++)
		if (src.certs[i].apple_device_ca)
			pc = &src.certs[i];
	if (!pc) {
		it = item(c, "push_cert", WARN, "none");
		snprintf(it->detail, sizeof(it->detail), "%s", src.error[0] ? src.error :
			 "no certificate from Apple iPhone Device CA in the apsd keychain");
		return;
	}
	v = eg_cert_verdict(pc, mac_wall_ms(), (int)c->o.warn_days, &days);
	snprintf(val, sizeof(val), "%s %ld", eg_cert_verdict_name(v), days);
	/* expired is a failure only where it is known to cost a 403 */
	it = item(c, "push_cert", v == EG_CERT_OK ? OK :
		  v == EG_CERT_EXPIRED && eg_mdm_rejects_expired(c->mdm_url) ? FAIL : WARN, val);
	if (v == EG_CERT_EXPIRED)
		snprintf(it->detail, sizeof(it->detail), "expired %ld days ago: %s", -days,
			 certsrc_consequence(pc, v));
	else
		snprintf(it->detail, sizeof(it->detail), "%s, %ld days left", eg_cert_verdict_name(v),
			 days);
}

/* The last hour of the unified log, through explain's diagnosis. */
static void check_log(struct check *c)
{
	struct eg_child ch = EG_CHILD_INIT;
	struct eg_diag dg = EG_DIAG_INIT;
	struct eg_diagnosis *d;
	struct item *it;
	const char *p, *end;
	struct eg_str line;
	int i, worst = -1;
	char summary[768], next[512];

	ch.out_cap = 32 * 1024 * 1024;
	if (mac_run(c->g, EG_PATH_LOG, (const char *[]){ "show", "--last", "1h", "--style",
		    "default", "--predicate",
		    "process == \"dasd\" OR process == \"mobileactivationd\" OR "
		    "process == \"teslad\" OR process == \"cloudconfigurationd\" OR "
		    "process == \"mdmclient\"", NULL }, 120000, NULL, &ch, &dg) != EG_OK ||
	    ch.exit_code != 0) {
		it = item(c, "log", WARN, "unknown");
		snprintf(it->detail, sizeof(it->detail), "cannot read the unified log: %s",
			 dg.msg[0] ? dg.msg : ch.err.buf);
		eg_child_release(&ch);
		return;
	}
	d = eg_diagnose_new();
	for (p = ch.out.buf, end = ch.out.buf + ch.out.len; eg_next_line(&p, end, &line);)
		eg_diagnose_line(d, line);
	eg_diagnose_finish(d);
	eg_child_release(&ch);
	for (i = 0; i < EG_F__COUNT; i++)
		if (d->findings[i].seen && d->findings[i].severity >= EG_SEV_WARNING &&
		    (worst < 0 || d->findings[i].severity > d->findings[worst].severity))
			worst = i;
	if (worst < 0) {
		it = item(c, "log", OK, d->findings[EG_F_UCRT_ACQUIRED].seen ?
			  "ucrt.acquired" : "none");
		snprintf(it->detail, sizeof(it->detail), "last hour: %s",
			 d->findings[EG_F_UCRT_ACQUIRED].seen ? "the UCRT was acquired" :
			 "nothing about the enrollment");
	} else {
		eg_finding_explain(d, (enum eg_finding_id)worst, summary, sizeof(summary),
				   next, sizeof(next));
		it = item(c, "log", d->findings[worst].severity == EG_SEV_FAILURE ? FAIL : WARN,
			  eg_finding_name((enum eg_finding_id)worst));
		snprintf(it->detail, sizeof(it->detail), "last hour: %s: %s",
			 eg_finding_name((enum eg_finding_id)worst), summary);
	}
	eg_diagnose_free(d);
}

static void check_last_run(struct check *c)
{
	struct eg_runstate st;
	struct eg_diag d = EG_DIAG_INIT;
	char dir[PATH_MAX];
	struct item *it;

	mac_path(c->g, EG_PATH_STATE_DIR, dir, sizeof(dir));
	if (recorder_load_state(dir, "state", &st, &d) != EG_OK) {
		it = item(c, "last_run", OK, "none");
		snprintf(it->detail, sizeof(it->detail), "enrollguard run has not run here");
		return;
	}
	it = item(c, "last_run", st.phase == EG_PHASE_GAVE_UP ? WARN : OK,
		  eg_phase_name(st.phase));
	snprintf(it->detail, sizeof(it->detail), "%s%s%s", eg_phase_name(st.phase),
		 st.result[0] ? ": " : "", st.result);
}

static enum level verdict(const struct check *c)
{
	enum level worst = OK;
	int i;

	for (i = 0; i < c->n; i++)
		if (c->items[i].level > worst)
			worst = c->items[i].level;
	return worst;
}

static const char *level_name(enum level l)
{
	return l == OK ? "ok" : l == WARN ? "warn" : "fail";
}

static void print_json(const struct check *c, enum level v)
{
	struct eg_buf b = EG_BUF_INIT(256 * 1024);
	struct eg_jw w;
	int i;

	eg_jw_begin(&w, &b);
	eg_jw_array(&w, "items");
	for (i = 0; i < c->n; i++) {
		eg_jw_elem(&w);
		eg_jw_str(&w, "key", c->items[i].key);
		eg_jw_str(&w, "level", level_name(c->items[i].level));
		eg_jw_str(&w, "value", c->items[i].value);
		eg_jw_str(&w, "detail", c->items[i].detail);
		eg_jw_end(&w);
	}
	eg_jw_end(&w);
	eg_jw_str(&w, "verdict", level_name(v));
	eg_jw_end(&w);
	printf("%s\n", b.buf);
	eg_buf_release(&b);
}

static int jamf_ea(const struct check *c, const char *key, enum level v)
{
	int i;

	if (!strcmp(key, "verdict")) {
		printf("<result>%s</result>\n", level_name(v));
		return EG_EXIT_OK;
	}
	for (i = 0; i < c->n; i++)
		if (!strcmp(c->items[i].key, key)) {
			printf("<result>%s</result>\n", c->items[i].value);
			return EG_EXIT_OK;
		}
	return EG_EXIT_USAGE;   /* checked before the run; not reached */
}

static const char *const ea_keys[] = { "os", "model", "thermal", "setup_assistant",
	"enrollment", "configuration", "push_cert", "log", "last_run", "verdict", NULL };

static int cmd_check_exec(void *state, const struct eg_cmd_ctx *ctx)
{
	struct check *c = state;
	enum level v;
	int i, rc;

	c->g = ctx->g;
	if (c->o.jamf_ea) {
		for (i = 0; ea_keys[i] && strcmp(ea_keys[i], c->o.jamf_ea); i++)
			;
		if (!ea_keys[i])
			die(EG_EXIT_USAGE, "option '--jamf-ea': unknown item '%s' (one of os, "
			    "model, thermal, setup_assistant, enrollment, configuration, "
			    "push_cert, log, last_run, verdict)", c->o.jamf_ea);
	}
	check_system(c);
	check_thermal_and_setup(c);
	check_enrollment(c);
	check_configuration(c);
	check_push_cert(c);
	check_log(c);
	check_last_run(c);
	v = verdict(c);
	rc = v == FAIL ? 1 : EG_EXIT_OK;
	if (c->o.jamf_ea) {
		/* an extension attribute always exits 0: Jamf reads the value */
		rc = jamf_ea(c, c->o.jamf_ea, v);
	} else if (c->o.json) {
		print_json(c, v);
	} else {
		for (i = 0; i < c->n; i++)
			printf("%-4s %-16s %s\n", c->items[i].level == OK ? "ok" :
			       c->items[i].level == WARN ? "warn" : "FAIL", c->items[i].key,
			       c->items[i].detail);
		printf("verdict: %s\n", level_name(v));
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
