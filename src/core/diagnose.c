#include "diagnose.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "profiles.h"
#include "ulog.h"
#include "banned.h"

/* ---- lifecycle ----------------------------------------------------------- */

struct eg_diagnosis *eg_diagnose_new_with(const struct eg_catalog *cat)
{
	struct eg_diagnosis *d = eg_xcalloc(1, sizeof(*d));
	int i;

	d->cat = cat;
	d->watch = (struct eg_logwatch)EG_LOGWATCH_INIT;
	d->timeline = eg_xcalloc(EG_TIMELINE_MAX, sizeof(*d->timeline));
	d->nfindings = cat->nfindings;
	d->findings = eg_xcalloc((size_t)(cat->nfindings ? cat->nfindings : 1), sizeof(*d->findings));
	for (i = 0; i < d->nfindings; i++)
		d->findings[i].sig = -1;
	return d;
}

struct eg_diagnosis *eg_diagnose_new(void)
{
	struct eg_diag dg = EG_DIAG_INIT;
	struct eg_catalog *c = eg_catalog_builtin(&dg);
	struct eg_diagnosis *d;

	if (!c) {
		/* the built-in catalogue is tested: this is a bug */
		fprintf(stderr, "BUG: the built-in catalogue: %s\n", dg.msg);
		abort();
	}
	d = eg_diagnose_new_with(c);
	d->own_cat = c;
	return d;
}

void eg_diagnose_free(struct eg_diagnosis *d)
{
	if (!d)
		return;
	eg_logwatch_release(&d->watch);
	free(d->timeline);
	free(d->findings);
	eg_catalog_free(d->own_cat);
	free(d);
}

const char *eg_diagnose_finding_name(const struct eg_diagnosis *d, int id)
{
	return id >= 0 && id < d->nfindings ? d->cat->findings[id].id : "unknown";
}

/* ---- texts ----------------------------------------------------------------- */

/* What a row's text may say, {name} by {name}. */
struct ctx {
	long code;
	const char *desc, *msg, *process, *policy, *decision, *rationale, *detail, *score;
	unsigned long count;
	const struct eg_diagnosis *d;     /* for {quotes} */
};

void eg_times_text(unsigned long n, char *out, size_t len)
{
	if (n == 1)
		snprintf(out, len, "once");
	else if (n == 2)
		snprintf(out, len, "twice");
	else
		snprintf(out, len, "%lu times", n);
}

static void quotes(const struct eg_diagnosis *d, char *out, size_t n)
{
	size_t o = 0;
	char t[32];
	int i;

	out[0] = '\0';
	for (i = 0; i < d->nquotes && o + 1 < n; i++) {
		eg_times_text(d->quotes[i].count, t, sizeof(t));
		o += (size_t)snprintf(out + o, n - o, "%s\"%s\" (%s)", i ? "; " : "",
				      d->quotes[i].text, t);
	}
	if (d->dropped_quotes && o + 1 < n)
		snprintf(out + o, n - o, "; and %lu more lines", d->dropped_quotes);
}

/* Expand tmpl's placeholders into out (always NUL-terminated). */
static void expand(const char *tmpl, const struct ctx *c, char *out, size_t n)
{
	size_t o = 0;
	const char *p;

	if (!n)
		return;
	for (p = tmpl; *p && o + 1 < n; p++) {
		char buf[700];
		const char *v = NULL;
		const char *e;
		size_t k;

		if (*p != '{' || !(e = strchr(p, '}'))) {
			out[o++] = *p;
			continue;
		}
		k = (size_t)(e - p + 1);
		buf[0] = '\0';
		if (!strncmp(p, "{times}", k)) {
			eg_times_text(c->count, buf, sizeof(buf));
			v = buf;
		} else if (!strncmp(p, "{count}", k)) {
			snprintf(buf, sizeof(buf), "%lu", c->count);
			v = buf;
		} else if (!strncmp(p, "{code}", k)) {
			snprintf(buf, sizeof(buf), "%ld", c->code);
			v = buf;
		} else if (!strncmp(p, "{quotes}", k)) {
			if (c->d)
				quotes(c->d, buf, sizeof(buf));
			v = buf;
		} else if (!strncmp(p, "{rationale}", k)) {
			if (c->rationale && c->rationale[0])
				snprintf(buf, sizeof(buf), " (%s)", c->rationale);
			v = buf;
		} else {
			v = !strncmp(p, "{desc}", k) ? c->desc : !strncmp(p, "{msg}", k) ? c->msg :
			    !strncmp(p, "{process}", k) ? c->process : !strncmp(p, "{policy}", k) ? c->policy :
			    !strncmp(p, "{decision}", k) ? c->decision : !strncmp(p, "{detail}", k) ? c->detail :
			    !strncmp(p, "{score}", k) ? c->score : NULL;
		}
		o += (size_t)snprintf(out + o, n - o, "%s", v ? v : "");
		if (o >= n)
			o = n - 1;
		p = e;
	}
	out[o < n ? o : n - 1] = '\0';
}

/* ---- the timeline and the findings ---------------------------------------- */

/* Add to the timeline, folding a repeat of the previous entry. */
static void note(struct eg_diagnosis *d, int64_t ts, const char *key, const char *text)
{
	struct eg_timeline_entry *e;

	if (d->ntimeline && !strcmp(d->timeline[d->ntimeline - 1].key, key)) {
		e = &d->timeline[d->ntimeline - 1];
		if (e->last_record != d->records + 1)
			e->count++;
		e->last_record = d->records + 1;
		if (ts)
			e->last_ms = ts;
		if (!e->first_ms)
			e->first_ms = ts;
		return;
	}
	if (d->ntimeline == EG_TIMELINE_MAX) {
		d->dropped_timeline++;
		return;
	}
	e = &d->timeline[d->ntimeline++];
	e->first_ms = e->last_ms = ts;
	e->count = 1;
	e->last_record = d->records + 1;
	snprintf(e->key, sizeof(e->key), "%s", key);
	snprintf(e->text, sizeof(e->text), "%s", text);
}

/* Count a finding: once per record, however many lines say it. */
static void find(struct eg_diagnosis *d, int id, enum eg_severity sev, int64_t ts,
		 long code, const char *detail, int sig)
{
	struct eg_finding *f;

	if (id < 0 || id >= d->nfindings)
		return;
	f = &d->findings[id];
	if (!f->seen) {
		f->seen = true;
		f->first_ms = ts;
		f->severity = sev;
	}
	if (sev > f->severity)
		f->severity = sev;
	if (ts) {
		f->last_ms = ts;
		if (!f->first_ms)
			f->first_ms = ts;
	}
	if (f->last_record != d->records + 1)
		f->count++;
	f->last_record = d->records + 1;
	if (code)
		f->code = code;
	if (detail && detail[0])
		snprintf(f->detail, sizeof(f->detail), "%s", detail);
	if (sig >= 0)
		f->sig = sig;
}

static enum eg_severity sig_severity(const struct eg_diagnosis *d, const struct eg_cat_sig *s)
{
	return s->severity >= 0 ? (enum eg_severity)s->severity :
	       d->cat->findings[s->finding].severity;
}

/* ---- reading a line -------------------------------------------------------- */

/* A printable, trimmed copy of a line for quoting (control bytes become '?'). */
static void printable(struct eg_str line, char *out, size_t n)
{
	struct eg_str t = eg_str_trim(line);

	eg_copy_printable(out, n, t.p, t.len);
}

/* The HTTP status (100-599) or code right after lit in m, or 0. */
static long number_after(struct eg_str m, const char *lit, bool status)
{
	const char *q = eg_str_find(m, lit);
	size_t n = strlen(lit);
	struct eg_scan s;
	int64_t v;

	if (!q)
		return 0;
	eg_scan_init(&s, q + n, (size_t)(m.p + m.len - q - n));
	eg_scan_blanks(&s);
	if (status)
		return eg_scan_int(&s, &v, 100, 599) ? 0 : (long)v;
	return eg_scan_int(&s, &v, -999999, 999999) ? 0 : (long)v;
}

/* The line's own words for an error: the quoted text after Code=N, or the line. */
static void own_words(struct eg_str m, char *out, size_t n)
{
	const char *q = eg_str_find(m, "Code=");
	const char *end = m.p + m.len, *a, *b;

	if (q) {
		for (a = q; a < end && *a != '"'; a++)
			;
		if (a < end) {
			for (b = a + 1; b < end && *b != '"'; b++)
				;
			if (b < end && b > a + 1) {
				eg_copy_printable(out, n, a + 1, (size_t)(b - a - 1));
				return;
			}
		}
	}
	printable(m, out, n > 161 ? 161 : n);
}

static long extract(const struct eg_cat_sig *s, struct eg_str m)
{
	long code = 0;
	int i;

	for (i = 0; i < s->nex && !code; i++) {
		const struct eg_cat_extract *e = &s->ex[i];

		if (e->kind == EG_EX_FIXED) {
			code = e->value;
		} else if (e->kind == EG_EX_CLOUDCONFIG) {
			struct eg_profiles_error pe;

			eg_profiles_parse_error(m.p, m.len, &pe);
			code = pe.code;
		} else if (e->kind != EG_EX_NONE) {
			code = number_after(m, e->lit, e->kind == EG_EX_STATUS_AFTER);
		}
	}
	return code;
}

static bool in_list(struct eg_str v, const char *const *list, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (eg_str_eq(v, list[i]))
			return true;
	return false;
}

static bool sig_matches(const struct eg_cat_sig *s, const struct eg_logrec *r, struct eg_str m)
{
	int i;
	bool any = false;

	if (s->kind != EG_SIG_LINE || (s->format >= 0 && s->format != (int)r->src))
		return false;
	if (s->nprocess && !in_list(r->process, s->process, s->nprocess))
		return false;
	if (s->subsystem && !eg_str_starts(r->subsystem, s->subsystem))
		return false;
	for (i = 0; i < s->nlit && !any; i++)
		any = eg_str_find(m, s->lit[i]) != NULL;
	if (!any)
		return false;
	for (i = 0; i < s->nalso; i++)
		if (!eg_str_find(m, s->also[i]))
			return false;
	for (i = 0; i < s->nunless; i++)
		if (eg_str_find(m, s->unless[i]))
			return false;
	return true;
}

/* What a matched row does: its finding, its timeline entry, its marks. */
static void apply(struct eg_diagnosis *d, int si, int64_t ts, long code, struct eg_str m,
		  const char *process, const char *event_text)
{
	const struct eg_cat_sig *s = &d->cat->sigs[si];
	char msg[200], desc[200], detail[256], text[300], key[96];
	struct ctx c;

	memset(&c, 0, sizeof(c));
	if (event_text)
		snprintf(msg, sizeof(msg), "%s", event_text);
	else
		printable(m, msg, sizeof(msg));
	desc[0] = '\0';
	if (code && eg_catalog_code_text(d->cat, code))
		snprintf(desc, sizeof(desc), "%s", eg_catalog_code_text(d->cat, code));
	else if (code)
		own_words(event_text ? eg_str_from(event_text) : m, desc, sizeof(desc));
	c.code = code;
	c.desc = desc;
	c.msg = msg;
	c.process = process;
	detail[0] = '\0';
	if (s->detail)
		expand(s->detail, &c, detail, sizeof(detail));
	else if (code && s->nex && s->ex[0].kind == EG_EX_CLOUDCONFIG)
		snprintf(detail, sizeof(detail), "%s", desc);
	c.detail = detail;
	if (s->marks & EG_MARK_RETRY) {
		if (!d->retries)
			d->retry_first_ms = ts;
		if (d->retry_record != d->records + 1)
			d->retries++;
		d->retry_record = d->records + 1;
		d->retry_last_ms = ts;
	}
	if (s->marks & EG_MARK_SUCCESS)
		d->retries = 0;
	if (s->finding == EG_F_CLOUDCONFIG_ERROR && code) {
		/* teslad's retries ended in this answer: they were not silent */
		if (code == 34006 && d->retries >= 3) {
			char why[64];

			snprintf(why, sizeof(why), "%u times", d->retries);
			find(d, EG_F_CLOUDCONFIG_RETRIES_EXHAUSTED, EG_SEV_FAILURE, ts, 34006, why, -1);
		}
		d->retries = 0;
	}
	if (s->finding >= 0)
		find(d, s->finding, sig_severity(d, s), ts, code, detail, si);
	if (s->timeline) {
		expand(s->timeline, &c, text, sizeof(text));
		snprintf(key, sizeof(key), "%s %ld", s->name, code);
		note(d, ts, key, text);
	}
}

/* ---- never silent on a failure --------------------------------------------- */

/* Processes and subsystems that take part in enrollment. */
static const char *const enroll_processes[] = {
	"mdmclient", "cloudconfigurationd", "teslad", "mobileactivationd", "apsd",
	"ManagedClient", "jamf", "profiles", "mdmd", "profiled", "dmd", NULL
};
static const char *const enroll_subsystems[] = {
	"com.apple.ManagedClient", "com.apple.devicemanagementclient", "com.apple.mobileactivationd",
	"com.apple.apsd", "com.apple.CloudConfigurationDaemon", "com.apple.ManagedConfiguration", NULL
};
/* Error domains only enrollment uses: a line naming one is enrollment's. */
static const char *const enroll_domains[] = {
	"MCCloudConfigurationErrorDomain", "MCCloudConfigErrorDomain", "MCMDMErrorDomain",
	"DMCHTTPTransactionErrorDomain", "MCHTTPTransactionErrorDomain", "MCInstallationErrorDomain",
	"com.apple.MobileActivation.ErrorDomain", "MDMDeviceEnrollment", NULL
};

static bool enrollment_source(const struct eg_logrec *r, struct eg_str m)
{
	int i;

	if (r->src == EG_SRC_SERVER || r->src == EG_SRC_CLIENT)
		return true;
	if (r->src == EG_SRC_AGENT)
		return false;     /* enrollguard's events were read by type */
	for (i = 0; enroll_processes[i]; i++)
		if (eg_str_eq(r->process, enroll_processes[i]))
			return true;
	for (i = 0; enroll_subsystems[i]; i++)
		if (r->subsystem.len && eg_str_starts(r->subsystem, enroll_subsystems[i]))
			return true;
	for (i = 0; enroll_domains[i]; i++)
		if (eg_str_find(m, enroll_domains[i]))
			return true;
	return false;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive search of lit (lowercase) in m, from *from; returns the offset or -1. */
static long find_ci(struct eg_str m, const char *lit, size_t from)
{
	size_t n = strlen(lit), i, k;

	for (i = from; i + n <= m.len; i++) {
		for (k = 0; k < n && lower(m.p[i + k]) == lit[k]; k++)
			;
		if (k == n)
			return (long)i;
	}
	return -1;
}

/* "error=null", "err=<nil>", "errs=0", "error: (null)", "no error": not a failure. */
static bool benign_after(struct eg_str m, size_t at, size_t n)
{
	static const char *const ok[] = { "=null", "=nil", "=<nil>", "=0", "=\"\"", ": (null)",
					  "=none", "s=0", "_count=0", "Domain", NULL };
	struct eg_str rest = { m.p + at + n, m.len - at - n };
	int i;

	static const char *const after_eq[] = { "null", "nil", "<nil>", "0 ", "\"\"", "none", NULL };

	for (i = 0; ok[i]; i++)
		if (eg_str_starts(rest, ok[i]))
			return true;
	for (i = 0; m.p[at + n - 1] == '=' && after_eq[i]; i++)
		if (eg_str_starts(rest, after_eq[i]))
			return true;
	return at >= 3 && !memcmp(m.p + at - 3, "no ", 3);
}

/* An HTTP status 400-599 after "status", "HTTP" or "Error = ". */
static bool says_status(struct eg_str m)
{
	static const char *const keys[] = { "status", "http", NULL };
	int i;

	for (i = 0; keys[i]; i++) {
		long at = -1;

		while ((at = find_ci(m, keys[i], (size_t)(at + 1))) >= 0) {
			struct eg_scan s;
			int64_t v;
			const char *p = m.p + at + strlen(keys[i]);

			eg_scan_init(&s, p, (size_t)(m.p + m.len - p));
			/* status=500 "status":500 status 500 HTTP/1.1 500 HTTP 500 status: 403 */
			while (s.p < s.end && (*s.p == '=' || *s.p == ':' || *s.p == ' ' || *s.p == '"' ||
					       *s.p == '/' || *s.p == '.' || (*s.p >= '0' && *s.p <= '9' &&
					       s.p + 1 < s.end && s.p[1] == '.')))
				s.p++;
			if (!eg_scan_int(&s, &v, 400, 599) &&
			    (s.p == s.end || !(*s.p >= '0' && *s.p <= '9')))
				return true;
		}
	}
	return false;
}

static bool says_failure(struct eg_str m)
{
	static const char *const words[] = { "error", "err=", "fail", "denied", "refused", "rejected", NULL };
	int i;

	for (i = 0; words[i]; i++) {
		long at = -1;

		while ((at = find_ci(m, words[i], (size_t)(at + 1))) >= 0)
			if (!benign_after(m, (size_t)at, strlen(words[i])))
				return true;
	}
	return says_status(m);
}

static void unrecognized(struct eg_diagnosis *d, const struct eg_logrec *r, struct eg_str m, int64_t ts)
{
	struct eg_finding *f = &d->findings[EG_F_UNRECOGNIZED_ERROR];
	char text[200], line[300], key[96];
	int i;

	if (!enrollment_source(r, m) || !says_failure(m))
		return;
	if (f->seen && f->last_record == d->records + 1)
		return;          /* one message, several lines: quoted once */
	printable(m, text, sizeof(text));
	for (i = 0; i < d->nquotes; i++)
		if (!strcmp(d->quotes[i].text, text))
			break;
	if (i < d->nquotes) {
		d->quotes[i].count++;
	} else if (d->nquotes < EG_QUOTES_MAX) {
		snprintf(d->quotes[d->nquotes].text, sizeof(d->quotes[0].text), "%s", text);
		d->quotes[d->nquotes++].count = 1;
	} else {
		d->dropped_quotes++;
	}
	find(d, EG_F_UNRECOGNIZED_ERROR, EG_SEV_FAILURE, ts, 0, NULL, -1);
	snprintf(key, sizeof(key), "unrecognized %.80s", text);
	snprintf(line, sizeof(line), "%.*s%s%s", (int)(r->process.len > 60 ? 60 : r->process.len),
		 r->process.p ? r->process.p : "", r->process.len ? ": " : "", text);
	note(d, ts, key, line);
}

/* ---- dasd's verdicts ------------------------------------------------------- */

static int dasd_row(const struct eg_diagnosis *d, bool allowed, const char *policy)
{
	int i, any = -1;

	for (i = 0; i < d->cat->nsigs; i++) {
		const struct eg_cat_sig *s = &d->cat->sigs[i];
		int k;

		if (s->kind != EG_SIG_DASD || s->dasd_allowed != allowed)
			continue;
		if (allowed || !s->npolicies) {
			if (any < 0)
				any = i;
			if (allowed)
				return i;
			continue;
		}
		for (k = 0; k < s->npolicies; k++)
			if (!strcmp(s->policies[k], policy))
				return i;
	}
	return any;
}

static void dasd_verdict(struct eg_diagnosis *d, int64_t ts, bool allowed, const char *policy,
			 const char *decision, const char *rationale, const char *score)
{
	int si = dasd_row(d, allowed, policy);
	const struct eg_cat_sig *s;
	char detail[256], text[300], key[96];
	struct ctx c;

	if (si < 0)
		return;
	s = &d->cat->sigs[si];
	memset(&c, 0, sizeof(c));
	c.policy = policy;
	c.decision = decision;
	c.rationale = rationale;
	c.score = score;
	detail[0] = '\0';
	if (s->detail)
		expand(s->detail, &c, detail, sizeof(detail));
	c.detail = detail;
	if (s->finding >= 0)
		find(d, s->finding, sig_severity(d, s), ts, 0, detail, si);
	if (s->timeline) {
		expand(s->timeline, &c, text, sizeof(text));
		snprintf(key, sizeof(key), "%s %s", s->name, allowed ? "" : policy);
		note(d, ts, key, text);
	}
}

static void dasd_obs(struct eg_diagnosis *d, const struct eg_obs *o)
{
	int64_t ts = o->has_ts ? o->ts_ms : d->last_ts;
	const struct eg_dasd_policy *b = eg_dasd_blocker(&o->dasd);
	char score[64] = "";

	if (eg_dasd_proceeds(o->dasd.final_decision)) {
		if (o->dasd.has_final_score)
			snprintf(score, sizeof(score), " (final score %lld.%06lld)",
				 (long long)(o->dasd.final_score_micro / 1000000),
				 (long long)(o->dasd.final_score_micro % 1000000));
		dasd_verdict(d, ts, true, "", "Can Proceed", "", score);
		return;
	}
	dasd_verdict(d, ts, false, b ? b->name : "dasd",
		     eg_dasd_decision_name(b ? b->decision : o->dasd.final_decision),
		     b ? b->rationale : "", "");
}

/* ---- records ----------------------------------------------------------------- */

static void proc_copy(struct eg_diagnosis *d, const struct eg_logrec *r)
{
	size_t n = r->process.len < sizeof(d->cur_proc_buf) - 1 ? r->process.len :
		   sizeof(d->cur_proc_buf) - 1;

	memcpy(d->cur_proc_buf, r->process.p ? r->process.p : "", n);
	d->cur_proc_buf[n] = '\0';
	d->cur_process = (struct eg_str){ d->cur_proc_buf, n };
	d->cur_src = r->src;
}

/* One line of a record's message (a continuation line too). */
static void message_line(struct eg_diagnosis *d, const struct eg_logrec *r, struct eg_str m,
			 int64_t ts)
{
	int i;

	for (i = 0; i < d->cat->nsigs; i++) {
		const struct eg_cat_sig *s = &d->cat->sigs[i];
		char proc[64];
		long code;

		if (!sig_matches(s, r, m))
			continue;
		code = extract(s, m);
		if (!code && s->nex && s->ex[0].kind == EG_EX_CLOUDCONFIG)
			continue;        /* a row about a code, and the line has none */
		eg_copy_printable(proc, sizeof(proc), r->process.p ? r->process.p : "", r->process.len);
		apply(d, i, ts, code, m, proc, NULL);
		return;
	}
	unrecognized(d, r, m, ts);
}

void eg_diagnose_begin_input(struct eg_diagnosis *d)
{
	d->input_first_record = (int64_t)d->records;
	d->last_ts = 0;
	d->cur_process = (struct eg_str)EG_STR_NULL;
	d->cur_src = EG_SRC_MAC;
	d->bare_depth = 0;
}

void eg_diagnose_rec(struct eg_diagnosis *d, const struct eg_logrec *r)
{
	const char *p = r->message.p, *end = r->message.p + r->message.len;
	struct eg_str line;
	struct eg_obs obs;

	d->records++;
	if (r->ts_ms)
		d->last_ts = r->ts_ms;
	proc_copy(d, r);
	/*
	 * A JSON record's message may hold a whole dasd scoring, lines and
	 * all: its lines go through the same watcher as text lines, with
	 * the record's time.
	 */
	while (eg_next_line(&p, end, &line)) {
		if (eg_logwatch_feed(&d->watch, line, &obs)) {
			if (obs.kind == EG_OBS_DASD_UCRT) {
				if (!obs.has_ts && r->ts_ms) {
					obs.has_ts = true;
					obs.ts_ms = r->ts_ms;
				}
				dasd_obs(d, &obs);
				continue;
			}
		}
		if (!d->watch.in_block)
			message_line(d, r, line, r->ts_ms);
	}
}

void eg_diagnose_record(struct eg_diagnosis *d, int64_t ts_ms, struct eg_str process,
			struct eg_str message)
{
	struct eg_logrec r = { ts_ms, process, EG_STR_NULL, message, EG_SRC_MAC };

	eg_diagnose_rec(d, &r);
}

bool eg_diagnose_wants(const struct eg_diagnosis *d, struct eg_str line)
{
	return d->watch.in_block || eg_catalog_wants(d->cat, line);
}

void eg_diagnose_line(struct eg_diagnosis *d, struct eg_str line)
{
	struct eg_ulog_rec rec;
	struct eg_logrec r;
	struct eg_obs obs;
	bool is_rec = eg_ulog_parse_line(line, &rec);

	d->lines++;
	if (is_rec) {
		d->records++;
		d->last_ts = rec.ts_ms;
		r = (struct eg_logrec){ rec.ts_ms, rec.process, rec.subsystem, rec.message, EG_SRC_MAC };
		proc_copy(d, &r);
	} else {
		/*
		 * Before any record a line stands alone, unless the line before
		 * left a bracket open (an NSError's description spans lines);
		 * after a record, it continues that record.
		 */
		if ((int64_t)d->records == d->input_first_record) {
			size_t i;

			if (d->bare_depth <= 0) {
				d->records++;
				d->input_first_record = (int64_t)d->records;
				d->bare_depth = 0;
			}
			for (i = 0; i < line.len; i++)
				d->bare_depth += (line.p[i] == '(' || line.p[i] == '{' || line.p[i] == '[') -
						 (line.p[i] == ')' || line.p[i] == '}' || line.p[i] == ']');
			if (d->bare_depth > 64)
				d->bare_depth = 64;
		}
		r = (struct eg_logrec){ d->last_ts, d->cur_process, EG_STR_NULL, line, d->cur_src };
	}
	if (eg_logwatch_feed(&d->watch, line, &obs)) {
		if (obs.kind == EG_OBS_DASD_UCRT) {
			dasd_obs(d, &obs);
			return;
		}
	}
	if (d->watch.in_block)
		return;
	message_line(d, &r, is_rec ? rec.message : line, is_rec ? rec.ts_ms : d->last_ts);
}

/* ---- enrollguard's own events --------------------------------------------- */

void eg_diagnose_agent_event(struct eg_diagnosis *d, int64_t ts_ms, const char *type,
			     const char *policy, const char *rationale, long code, const char *text)
{
	struct eg_logrec r = { ts_ms, EG_STR_NULL, EG_STR_NULL, EG_STR_NULL, EG_SRC_AGENT };
	int i;

	d->records++;
	if (ts_ms)
		d->last_ts = ts_ms;
	if (!strcmp(type, "dasd.verdict")) {
		/* run records the blocking policy; an empty one let the task run */
		dasd_verdict(d, ts_ms, !policy[0], policy, "Absolutely Must Not Proceed", rationale, "");
		return;
	}
	for (i = 0; i < d->cat->nsigs; i++) {
		const struct eg_cat_sig *s = &d->cat->sigs[i];

		if (s->kind != EG_SIG_EVENT || strcmp(s->event, type))
			continue;
		if (s->nex && !code)
			continue;        /* a row about the code: this event has none */
		apply(d, i, ts_ms, code, eg_str_from(text), "enrollguard", text);
		return;
	}
	/* a wait only repeats the last renewal's error, already counted */
	if (strcmp(type, "wait") != 0) {
		const char *p = text, *end = text + strlen(text);
		struct eg_str line;

		r.message = eg_str_from(text);
		while (eg_next_line(&p, end, &line))
			for (i = 0; i < d->cat->nsigs; i++)
				if (sig_matches(&d->cat->sigs[i], &r, line)) {
					apply(d, i, ts_ms, extract(&d->cat->sigs[i], line), line,
					      "enrollguard", NULL);
					break;
				}
	}
}

/* ---- the end ---------------------------------------------------------------- */

void eg_diagnose_finish(struct eg_diagnosis *d)
{
	int i, k;

	/* class 6: teslad's retries with nothing after them: it gave up */
	if (d->retries >= 3) {
		char why[64];

		snprintf(why, sizeof(why), "%u times with no answer after", d->retries);
		find(d, EG_F_CLOUDCONFIG_RETRIES_EXHAUSTED, EG_SEV_FAILURE, d->retry_last_ms, 0, why, -1);
		d->retries = 0;
	}
	for (i = 0; i < d->nfindings; i++) {
		struct eg_finding *f = &d->findings[i];
		const struct eg_cat_finding *row = &d->cat->findings[i];

		if (!f->seen)
			continue;
		for (k = 0; k < row->nclears; k++) {
			const struct eg_finding *c = &d->findings[row->clears[k]];

			if (c->seen && (!f->last_ms || !c->last_ms || c->last_ms >= f->last_ms)) {
				f->cleared = true;
				if (f->severity > EG_SEV_WARNING)
					f->severity = EG_SEV_WARNING;
			}
		}
	}
}

static const char *variant(const struct eg_diagnosis *d, const struct eg_cat_variant *v, int n,
			   long code)
{
	int i;

	for (i = 0; i < n; i++) {
		if (v[i].finding >= 0 ? d->findings[v[i].finding].seen : (v[i].code && v[i].code == code))
			return v[i].text;
	}
	return NULL;
}

void eg_finding_explain(const struct eg_diagnosis *d, int id, char *summary, size_t ns,
			char *next, size_t nn)
{
	const struct eg_finding *f;
	const struct eg_cat_finding *row;
	const char *cause, *step;
	char desc[300];
	struct ctx c;

	summary[0] = next[0] = '\0';
	if (id < 0 || id >= d->nfindings)
		return;
	f = &d->findings[id];
	row = &d->cat->findings[id];
	cause = f->cleared && row->cleared ? row->cleared :
		variant(d, row->causes, row->ncauses, f->code);
	if (!cause)
		cause = row->cause;
	step = f->cleared && row->next_cleared ? row->next_cleared : NULL;
	if (!step && f->sig >= 0)
		step = d->cat->sigs[f->sig].next;
	if (!step)
		step = variant(d, row->nexts, row->nnexts, f->code);
	if (!step)
		step = row->next;
	snprintf(desc, sizeof(desc), "%s", f->code && eg_catalog_code_text(d->cat, f->code) ?
		 eg_catalog_code_text(d->cat, f->code) : f->detail[0] ? f->detail :
		 "(code not in the table)");
	memset(&c, 0, sizeof(c));
	c.code = f->code;
	c.count = f->count;
	c.detail = f->detail;
	c.desc = desc;
	c.d = d;
	expand(cause, &c, summary, ns);
	expand(step, &c, next, nn);
}
