#include "logread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "event.h"
#include "mdmlog.h"
#include "ulog.h"
#include "banned.h"

/* A pretty json record (5.5) being read, field line by field line. */
struct eg_logread_json {
	char ts[64], msg[8192], proc[256];
	char srv[4096];              /* a server's pretty object, its lines joined */
	size_t nsrv;
	bool logshow;                /* the object has log show's keys */
	bool have_msg;
	bool wanted;                 /* the message holds an anchor */
	int depth;                   /* open { and [ so far */
	int msg_depth;               /* the depth eventMessage stood at */
};

void eg_logread_init(struct eg_logread *r, struct eg_diagnosis *d,
		     const struct eg_logwindow *w)
{
	memset(r, 0, sizeof(*r));
	r->d = d;
	r->w = *w;
	r->j = eg_xcalloc(1, sizeof(*r->j));
	eg_diagnose_begin_input(d);     /* a new input: no record yet */
}

void eg_logread_release(struct eg_logread *r)
{
	free(r->j);
	r->j = NULL;
}

static bool outside(const struct eg_logread *r, int64_t ms)
{
	return ms && ((r->w.since && ms < r->w.since) || (r->w.until && ms > r->w.until));
}

/*
 * The JSON string at q (after blanks and a colon), unescaped enough for
 * matching: \n and \t become the characters, \X becomes X.
 */
static bool json_string_at(const char *q, const char *end, char *out, size_t n)
{
	size_t o = 0;

	while (q < end && (*q == ' ' || *q == ':'))
		q++;
	if (q >= end || *q != '"')
		return false;
	for (q++; q < end && *q != '"' && o + 1 < n; q++) {
		if (*q == '\\' && q + 1 < end) {
			q++;
			out[o++] = *q == 'n' ? '\n' : *q == 't' ? '\t' : *q;
			continue;
		}
		out[o++] = *q;
	}
	out[o] = '\0';
	return true;
}

/* The string value of "key" anywhere in line. */
static bool json_field(struct eg_str line, const char *key, char *out, size_t n)
{
	char pat[64];
	const char *q;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	q = eg_str_find(line, pat);
	return q && json_string_at(q + strlen(pat), line.p + line.len, out, n);
}

/* Whether t starts with the literal "key" (quotes included) of length n. */
#define KEY_IS(t, lit) ((t).len > sizeof(lit) - 1 && !memcmp((t).p, lit, sizeof(lit) - 1))

/* "2026-11-23T00:35:28.123Z" or log show's "2020-08-06 09:58:35.445081-0700". */
static int64_t json_time(char *ts)
{
	struct eg_scan s;
	int64_t ms;
	bool off;

	if (strlen(ts) > 10 && ts[10] == 'T')
		ts[10] = ' ';
	eg_scan_init(&s, ts, strlen(ts));
	return eg_scan_log_time(&s, &ms, &off) ? 0 : ms;
}

/*
 * One line of enrollguard's own event log (src/core/event.h):
 * {"v":1,"ts":"...Z","host":{...},"run_id":...,"seq":N,"type":...,"data":{...},"text":...}
 */
static bool agent_event(struct eg_logread *r, struct eg_str t)
{
	char type[64], ts[64], policy[64], rationale[200], text[2048], code[32];
	struct eg_scan s;
	int64_t ms = 0, c = 0;

	if (!json_field(t, "run_id", code, sizeof(code)) ||
	    !json_field(t, "type", type, sizeof(type)))
		return false;
	policy[0] = rationale[0] = '\0';
	r->records[EG_LR_AGENT]++;
	if (json_field(t, "ts", ts, sizeof(ts)))
		ms = json_time(ts);
	if (outside(r, ms))
		return true;
	if (r->w.serial && (!json_field(t, "serial", text, sizeof(text)) ||
			    strcmp(text, r->w.serial)))
		return true;   /* another Mac's event */
	text[0] = '\0';
	json_field(t, "blocking_policy", policy, sizeof(policy));
	json_field(t, "rationale", rationale, sizeof(rationale));
	json_field(t, "text", text, sizeof(text));
	{
		const char *q = eg_str_find(t, "\"error_code\":");

		if (q) {
			eg_scan_init(&s, q + 13, (size_t)(t.p + t.len - q - 13));
			if (eg_scan_int(&s, &c, 0, 999999))
				c = 0;
		}
	}
	eg_diagnose_agent_event(r->d, ms, type, policy, rationale, (long)c, text);
	return true;
}

/*
 * A dasd verdict as the human log says it (cmd-run.c record_obs):
 * "dasd: ThermalPolicy Absolutely Must Not Proceed (thermalLevel >= 2) for
 * 0:com.apple...". A verdict that lets the task run names no policy.
 */
static void human_verdict(const char *t, char *policy, size_t np, char *rationale, size_t nr)
{
	static const char *const refusals[] = {
		" Absolutely Must Not Proceed (", " Must Not Proceed (", NULL
	};
	const char *d = NULL, *open, *close, *p;
	size_t i;

	if (strncmp(t, "dasd: ", 6))
		return;
	for (i = 0; refusals[i] && !d; i++)
		d = strstr(t + 6, refusals[i]);
	if (!d)
		return;
	snprintf(policy, np, "%.*s", (int)(d - t - 6), t + 6);
	open = strchr(d, '(') + 1;
	for (close = NULL, p = open; (p = strstr(p, ") for ")); p++)
		close = p;
	if (close && strncmp(open, "no rationale)", 13))
		snprintf(rationale, nr, "%.*s", (int)(close - open), open);
}

/*
 * The shape of a line of enrollguard's human log (src/core/event.c,
 * eg_event_human): "2026-11-23 07:58:40 +0000 setup.found: Setup ...".
 * No log show style has a space before the offset and no fraction.
 * Returns the length of the type at offset 26, or 0.
 */
static size_t agent_type_len(struct eg_str line)
{
	size_t i;

	if (line.len < 29 || line.p[19] != ' ' || (line.p[20] != '+' && line.p[20] != '-') ||
	    line.p[25] != ' ')
		return 0;
	for (i = 26; i < line.len && i - 26 < 63 &&
	     ((line.p[i] >= 'a' && line.p[i] <= 'z') || line.p[i] == '.' || line.p[i] == '_'); i++)
		;
	if (i == 26 || i + 1 >= line.len || line.p[i] != ':' || line.p[i + 1] != ' ')
		return 0;
	/* a type of the event table (core/event.h), not a process's name */
	if (eg_event_type_lookup(line.p + 26, i - 26) == EG_EV_UNKNOWN)
		return 0;
	return i - 26;
}

/* One line of the human log, read like its JSON-lines twin. */
static bool agent_text(struct eg_logread *r, struct eg_str line)
{
	char type[64], policy[64] = "", rationale[200] = "", text[2048];
	size_t n = agent_type_len(line);
	struct eg_scan s;
	int64_t ms, code = 0;
	const char *q;
	bool off;

	if (!n)
		return false;
	eg_scan_init(&s, line.p, 25);
	if (eg_scan_log_time(&s, &ms, &off) || !off)
		return false;
	r->records[EG_LR_AGENT_LOG]++;
	if (outside(r, ms))
		return true;
	snprintf(type, sizeof(type), "%.*s", (int)n, line.p + 26);
	snprintf(text, sizeof(text), "%.*s", (int)(line.len - n - 28), line.p + n + 28);
	if (!strcmp(type, "dasd.verdict"))
		human_verdict(text, policy, sizeof(policy), rationale, sizeof(rationale));
	if (!strcmp(type, "renew.result") && (q = strstr(text, "failed: ("))) {
		eg_scan_init(&s, q + 9, strlen(q + 9));
		if (eg_scan_int(&s, &code, 0, 999999))
			code = 0;
	}
	eg_diagnose_agent_event(r->d, ms, type, policy, rationale, (long)code, text);
	return true;
}

static void emit(struct eg_logread *r, enum eg_logread_kind kind)
{
	struct eg_logread_json *j = r->j;
	const char *base = strrchr(j->proc, '/');
	int64_t ts;

	if (j->have_msg) {
		r->records[kind]++;
		if (j->wanted && !outside(r, ts = json_time(j->ts)))
			eg_diagnose_record(r->d, ts, eg_str_from(base ? base + 1 : j->proc),
					   eg_str_from(j->msg));
	} else if (j->nsrv && !j->logshow) {
		/* an MDM server's object printed over several lines (Fleet) */
		struct eg_logrec rec = { 0, EG_STR_NULL, EG_STR_NULL, { j->srv, j->nsrv }, EG_SRC_SERVER };

		r->records[EG_LR_SERVER]++;
		rec.ts_ms = json_time(j->ts);
		if (!outside(r, rec.ts_ms) && eg_diagnose_wants(r->d, rec.message))
			eg_diagnose_rec(r->d, &rec);
	}
	j->ts[0] = j->msg[0] = j->proc[0] = '\0';
	j->nsrv = 0;
	j->have_msg = j->wanted = j->logshow = false;
}

/*
 * ndjson (5.6): one object per line. Most records are noise: a line with
 * no anchor anywhere is counted and left unparsed.
 */
static void ndjson_line(struct eg_logread *r, struct eg_str t)
{
	struct eg_logread_json *j = r->j;

	if (!eg_diagnose_wants(r->d, t)) {
		r->records[EG_LR_NDJSON]++;
		return;
	}
	j->have_msg = json_field(t, "eventMessage", j->msg, sizeof(j->msg));
	if (!j->have_msg) {
		/* not log show's: an MDM server's JSON line (Fleet, SCEP) */
		struct eg_logrec rec = { 0, EG_STR_NULL, EG_STR_NULL, t, EG_SRC_SERVER };

		r->records[EG_LR_SERVER]++;
		if (json_field(t, "ts", j->ts, sizeof(j->ts)))
			rec.ts_ms = json_time(j->ts);
		if (json_field(t, "component", j->proc, sizeof(j->proc)))
			rec.process = eg_str_from(j->proc);
		if (!outside(r, rec.ts_ms))
			eg_diagnose_rec(r->d, &rec);
		j->ts[0] = j->proc[0] = '\0';
		return;
	}
	j->wanted = eg_diagnose_wants(r->d, eg_str_from(j->msg));
	if (!json_field(t, "timestamp", j->ts, sizeof(j->ts)))
		j->ts[0] = '\0';
	if (!json_field(t, "processImagePath", j->proc, sizeof(j->proc)))
		j->proc[0] = '\0';
	emit(r, EG_LR_NDJSON);
}

/* Only brackets, braces, commas and blanks: the frame of pretty JSON. */
static bool structural(struct eg_str t)
{
	size_t i;

	if (!t.len)
		return false;
	for (i = 0; i < t.len; i++)
		if (!strchr("{}[], \t", t.p[i]))
			return false;
	return true;
}

/*
 * Pretty json (5.5): "[{", then a "key" : value per line, "},{" between
 * records, "}]" at the end; nested objects (backtrace) are indented. The
 * depth of braces tells a record's end from a nested object's, whatever
 * the indentation and the order of the keys.
 */
/* Whether the key is one of log show's own (then the object is a record). */
static bool logshow_key(struct eg_str t)
{
	static const char *const keys[] = {
		"\"traceID\"", "\"eventMessage\"", "\"timestamp\"", "\"machTimestamp\"",
		"\"messageType\"", "\"formatString\"", "\"processImagePath\"", "\"eventType\"", NULL
	};
	int i;

	for (i = 0; keys[i]; i++)
		if (t.len > strlen(keys[i]) && !memcmp(t.p, keys[i], strlen(keys[i])))
			return true;
	return false;
}

/* A line of a server's pretty object (Fleet): kept, joined, for the record. */
static void server_key(struct eg_logread_json *j, struct eg_str t)
{
	if (!j->nsrv)
		j->msg_depth = j->depth;
	if (j->nsrv + t.len + 2 < sizeof(j->srv)) {
		if (j->nsrv)
			j->srv[j->nsrv++] = ' ';
		memcpy(j->srv + j->nsrv, t.p, t.len);
		j->nsrv += t.len;
	}
	if (KEY_IS(t, "\"ts\"") && !json_string_at(t.p + 4, t.p + t.len, j->ts, sizeof(j->ts)))
		j->ts[0] = '\0';
}

/* A "key" : value line of a pretty record: the three keys that matter. */
static void pretty_key(struct eg_logread_json *j, struct eg_diagnosis *d, struct eg_str t)
{
	const char *end = t.p + t.len;
	char last = t.p[t.len - 1] == ',' ? t.p[t.len - 2] : t.p[t.len - 1];

	if (!j->logshow && logshow_key(t)) {
		j->logshow = true;
		j->nsrv = 0;
	}
	if (!j->logshow && !j->have_msg)
		server_key(j, t);
	if (t.p[1] == 'e' && KEY_IS(t, "\"eventMessage\"")) {
		/*
		 * The anchors hold nothing JSON escapes: a raw value without
		 * one cannot matter, and is not copied.
		 */
		struct eg_str raw = { t.p + 14, t.len - 14 };

		j->have_msg = true;
		j->wanted = eg_diagnose_wants(d, raw) &&
			    json_string_at(raw.p, end, j->msg, sizeof(j->msg));
		j->msg_depth = j->depth;
	} else if (t.p[1] == 't' && KEY_IS(t, "\"timestamp\"")) {
		if (!json_string_at(t.p + 11, end, j->ts, sizeof(j->ts)))
			j->ts[0] = '\0';
	} else if (t.p[1] == 'p' && KEY_IS(t, "\"processImagePath\"")) {
		if (!json_string_at(t.p + 18, end, j->proc, sizeof(j->proc)))
			j->proc[0] = '\0';
	} else if (last == '{' || last == '[') {
		j->depth++;      /* "backtrace" : { */
	}
}

static void pretty_line(struct eg_logread *r, struct eg_str t)
{
	struct eg_logread_json *j = r->j;
	size_t i;

	if (t.p[0] == '"') {
		if (t.len >= 2)
			pretty_key(j, r->d, t);
		return;
	}
	for (i = 0; i < t.len; i++) {
		if (t.p[i] == '{' || t.p[i] == '[') {
			j->depth++;
		} else if (t.p[i] == '}' || t.p[i] == ']') {
			j->depth--;
			if ((j->have_msg || (j->nsrv && !j->logshow)) && j->depth < j->msg_depth)
				emit(r, EG_LR_JSON);
		}
	}
}

/* Whether the line is JSON (and was taken). */
static bool json_line(struct eg_logread *r, struct eg_str line)
{
	struct eg_str t = line;

	/* trimmed by hand: this runs for every line of a JSON input */
	while (t.len && (t.p[0] == ' ' || t.p[0] == '\t'))
		t.p++, t.len--;
	while (t.len && (t.p[t.len - 1] == ' ' || t.p[t.len - 1] == '\t'))
		t.len--;
	if (t.len < 2) {
		if (!structural(t))
			return false;
		pretty_line(r, t);
		return true;
	}
	if (t.p[0] == '"') {
		if (!r->json)
			return false;
		pretty_line(r, t);
		return true;
	}
	/*
	 * JSON's own shape only: dasd's policy lines ("{name: ...}}") are
	 * brace-wrapped too, and belong to the text styles.
	 */
	if (t.p[0] == '{' && t.p[1] == '"' && t.p[t.len - 1] == '}') {
		/* agent_event's buffers are large: the prefix first */
		if (t.len > 5 && !memcmp(t.p, "{\"v\":", 5) && agent_event(r, t))
			return true;
		ndjson_line(r, t);
		return true;
	}
	if (!structural(t))
		return false;
	pretty_line(r, t);
	return true;
}

/* A record of an MDM server, an MDM agent or a BSD syslog device log. */
static void other_rec(struct eg_logread *r, enum eg_logread_kind kind, enum eg_logsrc src,
		      const struct eg_mdmlog_rec *m)
{
	struct eg_logrec rec = { m->ts_ms, m->logger, EG_STR_NULL, m->message, src };

	r->records[kind]++;
	r->in_jamf = false;
	r->skipping = outside(r, m->ts_ms);
	if (!r->skipping)
		eg_diagnose_rec(r->d, &rec);
}

void eg_logread_line(struct eg_logread *r, struct eg_str line)
{
	struct eg_ulog_rec rec;
	struct eg_mdmlog_rec m, f;

	r->lines++;
	if (r->json && json_line(r, line))
		return;
	/* before the filter: the human log's lines need not name an anchor */
	if (agent_text(r, line))
		return;
	/*
	 * Most lines are noise: skip them unparsed. Not with a time window
	 * (a continuation line needs its record's time) and not among the
	 * first lines, which tell the style.
	 */
	if (!r->w.since && !r->w.until && r->lines > 64 && !eg_diagnose_wants(r->d, line))
		return;
	if (eg_mdmlog_parse_line(line, &m)) {
		struct eg_logrec lr = { m.ts_ms, m.logger, EG_STR_NULL, m.message, EG_SRC_SERVER };

		r->records[EG_LR_JAMF]++;
		r->in_jamf = true;
		r->skipping = outside(r, m.ts_ms);
		if (!r->skipping)
			eg_diagnose_rec(r->d, &lr);
		return;
	}
	if (eg_ulog_parse_line(line, &rec)) {
		r->records[rec.style]++;
		r->in_jamf = false;
		r->skipping = outside(r, rec.ts_ms);
	} else if (eg_mdmlog_parse_syslog(line, &m)) {
		if (eg_str_eq(m.logger, "jamf"))
			other_rec(r, EG_LR_CLIENT, EG_SRC_CLIENT, &m);
		else if (eg_mdmlog_parse_logfmt(m.message, &f))
			other_rec(r, EG_LR_SERVER, EG_SRC_SERVER, &(struct eg_mdmlog_rec){
				  f.ts_ms, EG_STR_NULL, EG_STR_NULL, m.logger, f.message });
		else
			other_rec(r, EG_LR_BSD, EG_SRC_MAC, &m);
		return;
	} else if (eg_mdmlog_parse_logfmt(line, &m)) {
		other_rec(r, EG_LR_SERVER, EG_SRC_SERVER, &m);
		return;
	} else if (!r->json && json_line(r, line)) {
		r->json = true;
		return;
	} else if (r->in_jamf) {
		return;          /* a Java stack trace: the record line said it */
	}
	if (!r->skipping)
		eg_diagnose_line(r->d, line);
}

void eg_logread_end(struct eg_logread *r)
{
	if (r->j && r->j->have_msg)
		emit(r, EG_LR_JSON);
}

/* The example of row i read into a fresh diagnosis (the caller frees it). */
static struct eg_diagnosis *read_example(const struct eg_catalog *c, const char *ex)
{
	static const struct eg_logwindow all = { 0, 0, NULL };
	struct eg_diagnosis *d = eg_diagnose_new_with(c);
	size_t n = strlen(ex), o = 0;
	char *buf = eg_xmalloc(n + 1);
	const char *p, *end;
	struct eg_logread r;
	struct eg_str line;

	for (p = ex; *p; p++) {
		if (p[0] == '\\' && p[1] == 'n') {
			buf[o++] = '\n';
			p++;
		} else {
			buf[o++] = *p;
		}
	}
	eg_logread_init(&r, d, &all);
	for (p = buf, end = buf + o; eg_next_line(&p, end, &line);)
		eg_logread_line(&r, line);
	eg_logread_end(&r);
	eg_logread_release(&r);
	eg_diagnose_finish(d);
	free(buf);
	return d;
}

enum eg_err eg_logread_check_examples(const struct eg_catalog *c, int first_sig,
				      struct eg_diag *diag)
{
	int i;

	for (i = first_sig; i < c->nsigs; i++) {
		const struct eg_cat_sig *s = &c->sigs[i];
		struct eg_diagnosis *d;
		int by;

		if (!s->example || s->finding < 0)
			continue;
		d = read_example(c, s->example);
		by = d->findings[s->finding].seen ? d->findings[s->finding].sig : -2;
		eg_diagnose_free(d);
		if (by == -2 || (by != i && s->kind != EG_SIG_DASD)) {
			if (diag)
				diag->line = s->line;
			return eg_diag_set(diag, EG_ERR_INVALID, "%s:%ld: field 'example': it gives %s %s "
					   "(%s%s)", s->file, s->line, by == -2 ? "no" : "its",
					   c->findings[s->finding].id, by == -2 ? "the row does not match it" :
					   "but through signature ", by >= 0 ? c->sigs[by].name : "");
		}
	}
	return EG_OK;
}

const char *eg_logread_style(const struct eg_logread *r)
{
	static const char *const names[EG_LR__COUNT] = {
		[EG_LR_DEFAULT] = "default", [EG_LR_CONSOLE] = "Console copy",
		[EG_LR_COMPACT] = "compact", [EG_LR_SYSLOG] = "syslog",
		[EG_LR_JSON] = "json", [EG_LR_NDJSON] = "ndjson",
		[EG_LR_AGENT] = "enrollguard events", [EG_LR_JAMF] = "Jamf Pro server log",
		[EG_LR_AGENT_LOG] = "enrollguard log", [EG_LR_SERVER] = "MDM server log",
		[EG_LR_CLIENT] = "MDM agent log", [EG_LR_BSD] = "syslog (device)",
	};
	unsigned long best = 0;
	int i, k = -1;

	for (i = 0; i < EG_LR__COUNT; i++)
		if (r->records[i] > best)
			best = r->records[i], k = i;
	return k < 0 ? "no records" : names[k];
}
