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
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certsrc.h"
#include "cmd.h"
#include "enrollfacts.h"
#include "file.h"
#include "json.h"
#include "lock.h"
#include "mac.h"
#include "netprobe.h"
#include "profiles.h"
#include "recorder.h"
#include "reenroll.h"
#include "sampler.h"
#include "scan.h"
#include "timefmt.h"
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
};

#define MAX_ITEMS 8

enum level { OK = 0, WARN = 1, FAIL = 2 };

struct item {
	const char *name;
	enum level level;
	char detail[600];
};

struct renew {
	const struct eg_global *g;
	struct renew_opts o;
	struct recorder rec;
	struct item items[MAX_ITEMS];
	int nitems;
	struct eg_enroll_config cfg;
	bool have_cfg;
	bool not_dep;
	bool dep_enrolled;
	struct certsrc push;
	bool push_expired;
	int push_days;
	bool apns_ok;
	bool rejects;
	char rejects_why[160];
};

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static struct item *add(struct renew *r, const char *name, enum level lv,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static struct item *add(struct renew *r, const char *name, enum level lv,
			const char *fmt, ...)
{
	struct item *it = &r->items[r->nitems < MAX_ITEMS - 1 ? r->nitems++ : r->nitems];
	va_list ap;

	it->name = name;
	it->level = lv;
	va_start(ap, fmt);
	vsnprintf(it->detail, sizeof(it->detail), fmt, ap);
	va_end(ap);
	recorder_emit(&r->rec, NULL, EG_TEXT_RENEW_PREFLIGHT, name,
		      lv == OK ? "ok" : lv == WARN ? "warn" : "fail", it->detail);
	return it;
}

static int tool(struct renew *r, const char *const *args, struct eg_buf *out)
{
	return facts_profiles(r->g, args, &got_signal, out);
}

/* ---- preflight ------------------------------------------------------- */

static void check_status(struct renew *r)
{
	struct eg_enroll_status st;
	char text[600];

	if (facts_status(r->g, &got_signal, &st, text, sizeof(text)) != EG_OK) {
		add(r, "DEP/MDM status", WARN, "profiles status printed no status: %s", text);
		return;
	}
	r->dep_enrolled = st.dep == 1;
	facts_status_text(&st, text, sizeof(text));
	add(r, "DEP/MDM status", OK, "%s", text);
}

static void check_config(struct renew *r)
{
	struct eg_profiles_error perr;
	char why[512];

	switch (facts_config(r->g, &got_signal, &r->cfg, &perr, why, sizeof(why))) {
	case FACTS_CACHED:
		r->have_cfg = true;
		add(r, "enrollment configuration", OK, "cached record: \"%s\", MDM %s",
		    r->cfg.org_name, r->cfg.mdm_url);
		return;
	case FACTS_SHOWN:
		r->have_cfg = true;
		add(r, "enrollment configuration", OK, "\"%s\", MDM %s", r->cfg.org_name,
		    r->cfg.mdm_url);
		return;
	case FACTS_NONE:
		break;
	}
	if (perr.kind == EG_PROFILES_FAIL_NOT_DEP) {
		r->not_dep = true;
		add(r, "enrollment configuration", FAIL, "Apple has no ADE record for this "
		    "serial (\"Client is not DEP enabled.\"): assign it to your MDM in Apple "
		    "Business Manager or Apple School Manager first");
	} else if (perr.kind == EG_PROFILES_FAIL_TOO_SOON) {
		add(r, "enrollment configuration", WARN, "profiles show is rate limited "
		    "(\"Request too soon\", once a day since macOS 12.3); the MDM is unknown");
	} else if (perr.code && eg_cloudcfg_describe(perr.code)) {
		add(r, "enrollment configuration", WARN, "(%ld) %s", perr.code,
		    eg_cloudcfg_describe(perr.code));
	} else {
		add(r, "enrollment configuration", WARN, "%s", perr.text[0] ? perr.text : why);
	}
}

static void check_push_cert(struct renew *r)
{
	long days;
	int i;
	const struct eg_cert *c = NULL;
	enum eg_cert_verdict v;

	certsrc_keychain(r->g, eg_path_default(EG_PATH_APSD_KEYCHAIN), &r->push);
	if (r->push.error[0]) {
		add(r, "push certificate", WARN, "%s", r->push.error);
		return;
	}
	for (i = 0; i < r->push.n && !c; i++)
		if (r->push.certs[i].apple_device_ca)
			c = &r->push.certs[i];
	if (!c) {
		add(r, "push certificate", WARN, "no certificate from Apple iPhone Device CA "
		    "in %s", r->push.name);
		return;
	}
	v = eg_cert_verdict(c, mac_wall_ms(), 30, &days);
	r->push_days = (int)days;
	r->push_expired = v == EG_CERT_EXPIRED;
	if (v == EG_CERT_EXPIRED)
		add(r, "push certificate", WARN, "%s expired %ld days ago", c->subject, -days);
	else
		add(r, "push certificate", v == EG_CERT_OK ? OK : WARN, "%s: %s, %ld days left",
		    c->subject, eg_cert_verdict_name(v), days);
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
			add(r, "Apple push service", OK, "%s: %s", p, detail);
			return;
		}
		off += (size_t)snprintf(all + off, sizeof(all) - off, "%s%s: %s",
					off ? "; " : "", p, detail);
		if (off >= sizeof(all))
			off = sizeof(all) - 1;
	}
	add(r, "Apple push service", FAIL, "no connection (%s): the Mac cannot reach "
	    "Apple's push service, so neither enrollment nor the MDM can work; check "
	    "the network and firewall (TCP 5223 and 443 to *.push.apple.com)", all);
}

static void check_thermal(struct renew *r)
{
	struct sampler s = SAMPLER_INIT;
	struct eg_thermal t;
	char text[192];

	sampler_thermal(r->g, 30000, &got_signal, &s, &t);
	eg_thermal_format(&t, text, sizeof(text));
	add(r, "thermal", eg_thermal_is_hot(&t) ? WARN : OK, "%s%s", text,
	    eg_thermal_is_hot(&t) ? " (hot: dasd may hold back the UCRT)" : "");
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

/* ---- the push-certificate workaround ---------------------------------- */

static int fix_record_path(struct renew *r, char *out, size_t n)
{
	char dir[PATH_MAX];
	struct eg_diag d = EG_DIAG_INIT;

	mac_path(r->g, EG_PATH_STATE_DIR, dir, sizeof(dir));
	if (eg_file_mkdirs(dir, 0755, &d) != EG_OK)
		return error("%s", d.msg);
	snprintf(out, n, "%s/push-cert-fix", dir);
	return 0;
}

static void stamp(char *out, size_t n)
{
	char iso[40];
	size_t i, o = 0;

	eg_format_iso(mac_wall_ms(), iso, sizeof(iso));
	for (i = 0; iso[i] && iso[i] != '.' && o + 1 < n; i++)
		if (iso[i] != '-' && iso[i] != ':')
			out[o++] = iso[i];
	out[o] = '\0';
}

static int fix_push_cert(struct renew *r)
{
	char kc[PATH_MAX], moved[PATH_MAX + 64], rec[PATH_MAX + 16], ts[32];
	struct eg_buf b = EG_BUF_INIT(8192);
	struct eg_diag d = EG_DIAG_INIT;

	mac_path(r->g, EG_PATH_APSD_KEYCHAIN, kc, sizeof(kc));
	if (fix_record_path(r, rec, sizeof(rec)))
		return EG_EXIT_ENV;
	if (access(rec, F_OK) == 0)
		die(EG_EXIT_ENV, "a keychain was already moved aside (see '%s'); "
		    "undo it first with --undo-push-cert-fix", rec);
	stamp(ts, sizeof(ts));
	snprintf(moved, sizeof(moved), "%s.enrollguard-%s", kc, ts);
	if (rename(kc, moved))
		die(EG_EXIT_ENV, "cannot move '%s' aside: %s", kc, strerror(errno));
	eg_buf_addf(&b, "original=%s\nmoved=%s\n", eg_path_default(EG_PATH_APSD_KEYCHAIN),
		    moved + strlen(kc) - strlen(eg_path_default(EG_PATH_APSD_KEYCHAIN)));
	if (eg_file_replace(rec, b.buf, b.len, 0600, 1, &d) != EG_OK) {
		rename(moved, kc);
		die(EG_EXIT_ENV, "%s (the keychain was put back)", d.msg);
	}
	recorder_emit(&r->rec, NULL, EG_TEXT_PUSH_CERT_MOVED,
		      eg_path_default(EG_PATH_APSD_KEYCHAIN),
		      moved + strlen(kc) - strlen(eg_path_default(EG_PATH_APSD_KEYCHAIN)));
	printf("moved %s aside to %s\nrestart the Mac: apsd makes a new push identity at "
	       "boot; then run 'enrollguard renew' again\nundo: enrollguard renew "
	       "--undo-push-cert-fix\n", eg_path_default(EG_PATH_APSD_KEYCHAIN),
	       moved + strlen(kc) - strlen(eg_path_default(EG_PATH_APSD_KEYCHAIN)));
	eg_buf_release(&b);
	return EG_EXIT_OK;
}

static int undo_push_cert_fix(struct renew *r)
{
	char rec[PATH_MAX + 16], kc[PATH_MAX], moved[PATH_MAX], aside[PATH_MAX + 64], ts[32];
	struct eg_buf b = EG_BUF_INIT(8192);
	struct eg_diag d = EG_DIAG_INIT;
	const char *p, *end;
	struct eg_str line;

	if (fix_record_path(r, rec, sizeof(rec)))
		return EG_EXIT_ENV;
	if (eg_file_read(rec, &b, &d) != EG_OK)
		die(EG_EXIT_ENV, "nothing to undo: no record of a moved keychain (%s)", d.msg);
	moved[0] = '\0';
	for (p = b.buf, end = b.buf + b.len; eg_next_line(&p, end, &line);)
		if (eg_str_starts(line, "moved=/") && line.len - 6 < sizeof(moved))
			snprintf(moved, sizeof(moved), "%.*s", (int)line.len - 6, line.p + 6);
	eg_buf_release(&b);
	if (!moved[0] || strstr(moved, ".."))
		die(EG_EXIT_ENV, "'%s' names no moved keychain", rec);
	mac_path(r->g, EG_PATH_APSD_KEYCHAIN, kc, sizeof(kc));
	mac_join(r->g, moved, aside, sizeof(aside));
	snprintf(moved, sizeof(moved), "%s", aside);
	if (access(kc, F_OK) == 0) {
		/* apsd made a new one since: keep it too, never delete */
		stamp(ts, sizeof(ts));
		snprintf(aside, sizeof(aside), "%s.enrollguard-new-%s", kc, ts);
		if (rename(kc, aside))
			die(EG_EXIT_ENV, "cannot move the new '%s' aside: %s", kc, strerror(errno));
		printf("moved the keychain apsd made since to %s\n", aside);
	}
	if (rename(moved, kc))
		die(EG_EXIT_ENV, "cannot restore '%s': %s", moved, strerror(errno));
	unlink(rec);
	recorder_emit(&r->rec, NULL, EG_TEXT_PUSH_CERT_RESTORED,
		      eg_path_default(EG_PATH_APSD_KEYCHAIN));
	printf("restored %s; restart the Mac so apsd uses it\n",
	       eg_path_default(EG_PATH_APSD_KEYCHAIN));
	return EG_EXIT_OK;
}

/* ---- output -------------------------------------------------------------- */

static void print_items(const struct renew *r)
{
	int i;

	for (i = 0; i < r->nitems; i++)
		printf("%-4s %-25s %s\n", r->items[i].level == OK ? "ok" :
		       r->items[i].level == WARN ? "warn" : "FAIL",
		       r->items[i].name, r->items[i].detail);
}

static void print_json(const struct renew *r, const char *decision,
		       const char *outcome, int status)
{
	struct eg_buf b = EG_BUF_INIT(256 * 1024);
	struct eg_jw w;
	int i;

	eg_jw_begin(&w, &b);
	eg_jw_array(&w, "preflight");
	for (i = 0; i < r->nitems; i++) {
		eg_jw_elem(&w);
		eg_jw_str(&w, "item", r->items[i].name);
		eg_jw_str(&w, "level", r->items[i].level == OK ? "ok" :
			  r->items[i].level == WARN ? "warn" : "fail");
		eg_jw_str(&w, "detail", r->items[i].detail);
		eg_jw_end(&w);
	}
	eg_jw_end(&w);
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
	recorder_emit(&r->rec, NULL, EG_TEXT_RENEW_STOPPED_403,
		      -r->push_days, r->rejects_why);
	if (r->o.json) {
		print_json(r, "stopped: MDM would answer 403", "", 0);
		return EXIT_WOULD_403;
	}
	print_items(r);
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

/* ---- renewing and its outcome ------------------------------------------ */

static bool dep_enrolled_now(struct renew *r)
{
	struct eg_enroll_status st;
	char raw[256];

	return facts_status(r->g, &got_signal, &st, raw, sizeof(raw)) == EG_OK &&
	       st.dep == 1;
}

/* Watch `log stream` and profiles status until an outcome or the timeout. */
static int follow_outcome(struct renew *r, struct eg_child *log, int *status)
{
	struct eg_buf buf = EG_BUF_INIT(64 * 1024);
	int64_t until = mac_mono_ms() + (int64_t)r->o.outcome_timeout;
	int64_t next_status = mac_mono_ms() + 1000;
	int outcome = EG_OUTCOME_NONE;

	while (outcome == EG_OUTCOME_NONE && !got_signal && mac_mono_ms() < until) {
		struct pollfd p = { log->out_fd, POLLIN, 0 };
		char chunk[8192];
		ssize_t n;

		if (log->out_fd >= 0 && poll(&p, 1, 200) > 0 &&
		    (n = read(log->out_fd, chunk, sizeof(chunk))) > 0 &&
		    eg_buf_add(&buf, chunk, (size_t)n) == EG_OK) {
			const char *s = buf.buf, *nl;

			while ((nl = memchr(s, '\n', buf.len - (size_t)(s - buf.buf)))) {
				struct eg_str line = { s, (size_t)(nl - s) };

				if (outcome == EG_OUTCOME_NONE)
					outcome = eg_outcome_line(line, status);
				s = nl + 1;
			}
			eg_buf_consume(&buf, (size_t)(s - buf.buf));
		} else if (log->out_fd < 0) {
			poll(NULL, 0, 200);
		}
		if (outcome == EG_OUTCOME_NONE && mac_mono_ms() >= next_status) {
			if (dep_enrolled_now(r))
				outcome = EG_OUTCOME_ENROLLED;
			next_status = mac_mono_ms() + 2000;
		}
	}
	eg_buf_release(&buf);
	return outcome;
}

static int report_outcome(struct renew *r, int outcome, int status)
{
	char t[32];

	if (outcome == EG_OUTCOME_ENROLLED) {
		recorder_emit(&r->rec, NULL, EG_TEXT_RENEW_ENROLLED);
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

		recorder_emit(&r->rec, NULL, EG_TEXT_RENEW_HTTP,
			      status, cause);
		if (!r->o.json)
			printf("failed: the MDM answered HTTP %d: %s\n", status, cause);
		return 1;
	}
	eg_format_duration(r->o.outcome_timeout, t, sizeof(t));
	recorder_emit(&r->rec, NULL, EG_TEXT_RENEW_NO_OUTCOME, t);
	if (!r->o.json)
		printf("no outcome within %s: the user may not have approved the enrollment "
		       "yet (the Device Enrollment notification, or System Settings)\n", t);
	return 1;
}

static void start_log(struct renew *r, struct eg_child *log)
{
	static char path[PATH_MAX];
	static const char *argv[] = { path, "stream", "--style", "default", "--predicate",
		"process == \"mdmclient\" OR process == \"teslad\" OR "
		"process == \"cloudconfigurationd\" OR eventMessage CONTAINS \"unexpected status\"",
		NULL };
	struct eg_diag d = EG_DIAG_INIT;

	mac_path(r->g, EG_PATH_LOG, path, sizeof(path));
	log->path = path;
	log->argv = argv;
	log->env = mac_child_env();
	log->now_ms = mac_mono_ms;
	log->stream = true;
	if (eg_child_start(log, &d) != EG_OK)
		recorder_emit(&r->rec, NULL, EG_TEXT_LOG_UNAVAILABLE_RENEW, d.msg);
}

static int do_renew(struct renew *r)
{
	struct eg_child log = EG_CHILD_INIT;
	struct eg_buf b = EG_BUF_INIT(64 * 1024);
	struct eg_profiles_error perr;
	int code, outcome, status = 0, rc;

	start_log(r, &log);
	recorder_emit(&r->rec, NULL, EG_TEXT_RENEW_CALLED);
	code = tool(r, (const char *[]){ "renew", "-type", "enrollment", NULL }, &b);
	if (code != 0) {
		eg_profiles_parse_error(b.buf, b.len, &perr);
		recorder_emit(&r->rec, NULL, EG_TEXT_RENEW_EXITED,
			      code, perr.text[0] ? perr.text : "no message");
		if (!r->o.json)
			printf("failed: profiles renew -type enrollment exited %d: %s\n", code,
			       perr.text[0] ? perr.text : "no message");
		rc = 1;
		goto out;
	}
	/* field-guide.md 1.3: success posts the "Device Enrollment" notification */
	recorder_emit(&r->rec, NULL, EG_TEXT_RENEW_PROMPTED);
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
	if (log.pid > 0)
		eg_child_stop(&log);
	eg_child_release(&log);
	eg_buf_release(&b);
	return rc;
}

/* ---- the command ----------------------------------------------------------- */

static void open_records(struct renew *r, struct eg_lock *lock)
{
	char log[PATH_MAX], jsonl[PATH_MAX], dir[PATH_MAX], lockpath[PATH_MAX + 16];
	struct eg_diag d = EG_DIAG_INIT;
	unsigned char rnd[16] = { 0 };
	int64_t t = mac_wall_ms();
	pid_t holder;

	mac_path(r->g, EG_PATH_LOG_FILE, log, sizeof(log));
	mac_path(r->g, EG_PATH_EVENT_LOG, jsonl, sizeof(jsonl));
	mac_path(r->g, EG_PATH_STATE_DIR, dir, sizeof(dir));
	if (eg_file_mkdirs(dir, 0755, &d) != EG_OK)
		die(EG_EXIT_ENV, "%s", d.msg);
	snprintf(lockpath, sizeof(lockpath), "%s/renew.lock", dir);
	if (eg_lock_take(lock, lockpath, getpid(), &holder, &d) == EG_ERR_BUSY)
		die(EG_EXIT_RUNNING, "another 'enrollguard renew' is running (pid %ld)",
		    (long)holder);
	if (recorder_open(&r->rec, log, jsonl, dir, "renew-state", &d) != EG_OK)
		die(EG_EXIT_ENV, "%s", d.msg);
	memcpy(rnd, &t, sizeof(t));
	rnd[8] = (unsigned char)getpid();
	rnd[9] = (unsigned char)(getpid() >> 8);
	rnd[10] = 0x72;   /* 'r': a renew, not a run */
	eg_event_run_id(rnd, r->rec.st.run_id);
	r->rec.st.phase = EG_PHASE_RENEW;
}

static int preflight_and_decide(struct renew *r)
{
	check_status(r);
	check_config(r);
	check_push_cert(r);
	check_apns(r);
	check_thermal(r);
	decide_rejects(r);
	if (r->not_dep || !r->apns_ok) {
		recorder_emit(&r->rec, NULL, EG_TEXT_RENEW_STOPPED,
			      r->not_dep ? "Apple has no ADE record for this serial" :
			      "no connection to Apple's push service");
		if (r->o.json)
			print_json(r, "stopped: preflight failed", "", 0);
		else
			print_items(r), printf("\nnot renewing: fix the failed item first\n");
		return 1;
	}
	if (r->push_expired && r->rejects && !r->o.fix)
		return stop_would_403(r);
	if (r->o.dry_run) {
		if (r->o.json)
			print_json(r, "would renew", "", 0);
		else
			print_items(r), printf("\nwould renew%s (dry run: nothing done)\n",
					       r->push_expired ? ", though the push certificate "
					       "has expired: this MDM is not known to reject it" : "");
		return EG_EXIT_OK;
	}
	if (!r->o.json)
		print_items(r);
	return -1;   /* go on */
}

static int cmd_renew_exec(void *state, const struct eg_cmd_ctx *c)
{
	struct renew *r = state;
	struct eg_lock lock = EG_LOCK_INIT;
	struct sigaction sa;
	int rc;

	r->g = c->g;
	r->rec = (struct recorder)RECORDER_INIT;
	if (r->o.fix && r->o.undo)
		die(EG_EXIT_USAGE, "give --fix-push-cert or --undo-push-cert-fix, not both");
	prefs_load(c->g, c->table, c->ntable, &r->o, c->set,
		   eg_path_default(EG_PATH_MANAGED_PREFS), false);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	open_records(r, &lock);
	recorder_emit(&r->rec, NULL, EG_TEXT_RENEW_START, EG_VERSION,
		      r->o.dry_run ? " (dry run)" : "");
	if (r->o.undo) {
		rc = undo_push_cert_fix(r);
		goto out;
	}
	rc = preflight_and_decide(r);
	if (rc >= 0)
		goto out;
	rc = r->o.fix ? fix_push_cert(r) : do_renew(r);
out:
	recorder_close(&r->rec);
	eg_lock_release(&lock);
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
