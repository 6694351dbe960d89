#include "catalog.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "event.h"
#include "banned.h"

const char *eg_severity_name(enum eg_severity s)
{
	return s == EG_SEV_FAILURE ? "failure" : s == EG_SEV_WARNING ? "warning" : "info";
}

struct eg_catalog *eg_catalog_new(void)
{
	return eg_xcalloc(1, sizeof(struct eg_catalog));
}

void eg_catalog_free(struct eg_catalog *c)
{
	int i;

	if (!c)
		return;
	for (i = 0; i < c->ntexts; i++)
		free(c->texts[i]);
	free(c->texts);
	free(c->findings);
	free(c->sigs);
	free(c->codes);
	free(c->lits);
	free(c);
}

int eg_catalog_finding(const struct eg_catalog *c, const char *id)
{
	int i;

	for (i = 0; i < c->nfindings; i++)
		if (!strcmp(c->findings[i].id, id))
			return i;
	return -1;
}

const char *eg_catalog_code_text(const struct eg_catalog *c, long code)
{
	int i;

	/* the last row wins: a site's file may reword a built-in code */
	for (i = c->ncodes - 1; i >= 0; i--)
		if (c->codes[i].code == code)
			return c->codes[i].text;
	return NULL;
}

/* ---- reading rows ------------------------------------------------------ */

struct loader {
	struct eg_catalog *c;
	const char *name;
	long line;
	struct eg_diag *diag;
	enum { ROW_NONE, ROW_FINDING, ROW_SIG, ROW_CODE } row;
};

static enum eg_err bad(struct loader *l, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum eg_err bad(struct loader *l, const char *field, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (l->diag)
		l->diag->line = l->line;
	return eg_diag_set(l->diag, EG_ERR_INVALID, "%s:%ld: field '%s': %s", l->name, l->line,
			   field, what);
}

/*
 * The value in place: a quoted value loses its quotes and its escapes
 * (\" and \\); returns NULL when a quote is not closed.
 */
static char *unquote(char *v)
{
	char *o, *p;

	if (v[0] != '"')
		return v;
	for (o = v, p = v + 1; *p && *p != '"'; p++) {
		if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		*o++ = *p;
	}
	if (*p != '"' || p[1])
		return NULL;
	*o = '\0';
	return v;
}

/* Placeholders a text may use; another {name} is a mistake in the row. */
static const char *check_text(const char *t)
{
	static const char *const known[] = {
		"{times}", "{count}", "{detail}", "{code}", "{desc}", "{msg}", "{process}",
		"{policy}", "{decision}", "{rationale}", "{quotes}", "{score}", NULL
	};
	const char *p = t;
	int i;

	while ((p = strchr(p, '{')) != NULL) {
		for (i = 0; known[i]; i++)
			if (!strncmp(p, known[i], strlen(known[i])))
				break;
		if (!known[i])
			return p;
		p++;
	}
	return NULL;
}

static enum eg_err text_field(struct loader *l, const char *field, const char *v, const char **out)
{
	const char *p = check_text(v);

	if (!v[0])
		return bad(l, field, "%s", "is empty");
	if (p)
		return bad(l, field, "'%.40s' is not a placeholder ({times} {count} {detail} {code} {desc} {msg} {process} {policy} {decision} {rationale} {quotes} {score})", p);
	*out = v;
	return EG_OK;
}

static enum eg_err list_add(struct loader *l, const char *field, const char **arr, int *n, int max,
			    const char *v)
{
	if (*n >= max)
		return bad(l, field, "more than %s values", max == EG_CAT_MAX_LIT ? "6" : "8");
	arr[(*n)++] = v;
	return EG_OK;
}

/* Words separated by blanks, in place: "teslad cloudconfigurationd". */
static enum eg_err words(struct loader *l, const char *field, char *v, const char **arr, int *n, int max)
{
	char *p = v;
	enum eg_err rc;

	while (*p) {
		char *w;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		w = p;
		if (*p == '"') {
			/* "Thermal Policy": one word with a blank in it */
			w = ++p;
			while (*p && *p != '"')
				p++;
			if (!*p)
				return bad(l, field, "%s", "a quote is not closed");
		} else {
			while (*p && *p != ' ' && *p != '\t')
				p++;
		}
		if (*p)
			*p++ = '\0';
		if ((rc = list_add(l, field, arr, n, max, w)) != EG_OK)
			return rc;
	}
	if (!*n)
		return bad(l, field, "%s", "is empty");
	return EG_OK;
}

static int severity_of(const char *v)
{
	return !strcmp(v, "info") ? EG_SEV_INFO : !strcmp(v, "warning") ? EG_SEV_WARNING :
	       !strcmp(v, "failure") ? EG_SEV_FAILURE : -1;
}

/* "CODE TEXT" or "FINDING TEXT" of a variant, split in place. */
static enum eg_err variant(struct loader *l, const char *field, char *v, bool by_code,
			   struct eg_cat_variant *arr, const char **names, int *n)
{
	char *sp = strchr(v, ' ');
	struct eg_scan s;
	int64_t code;
	enum eg_err rc;

	if (*n >= EG_CAT_MAX_VARIANTS)
		return bad(l, field, "%s", "more than 8 variants");
	if (!sp)
		return bad(l, field, "'%.60s' is not 'KEY TEXT'", v);
	*sp = '\0';
	arr[*n].finding = -1;
	arr[*n].code = 0;
	names[*n] = NULL;
	if (by_code) {
		eg_scan_init(&s, v, strlen(v));
		if (eg_scan_int(&s, &code, -999999, 999999) || !eg_scan_eof(&s))
			return bad(l, field, "'%.40s' is not a code", v);
		arr[*n].code = (long)code;
	} else {
		names[*n] = v;
	}
	if ((rc = text_field(l, field, sp + 1, &arr[*n].text)) != EG_OK)
		return rc;
	(*n)++;
	return EG_OK;
}

static enum eg_err finding_field(struct loader *l, struct eg_cat_finding *f, const char *k, char *v)
{
	if (!strcmp(k, "severity")) {
		int s = severity_of(v);

		if (s < 0)
			return bad(l, k, "'%.40s' is not info, warning or failure", v);
		f->severity = (enum eg_severity)s;
		return EG_OK;
	}
	if (!strcmp(k, "cause"))
		return text_field(l, k, v, &f->cause);
	if (!strcmp(k, "next"))
		return text_field(l, k, v, &f->next);
	if (!strcmp(k, "cleared"))
		return text_field(l, k, v, &f->cleared);
	if (!strcmp(k, "next-cleared"))
		return text_field(l, k, v, &f->next_cleared);
	if (!strcmp(k, "cleared-by"))
		return words(l, k, v, f->clears_names, &f->nclears, EG_CAT_MAX_LIST);
	if (!strcmp(k, "cause-if"))
		return variant(l, k, v, false, f->causes, f->cause_names, &f->ncauses);
	if (!strcmp(k, "cause-code"))
		return variant(l, k, v, true, f->causes, f->cause_names, &f->ncauses);
	if (!strcmp(k, "next-if"))
		return variant(l, k, v, false, f->nexts, f->next_names, &f->nnexts);
	if (!strcmp(k, "next-code"))
		return variant(l, k, v, true, f->nexts, f->next_names, &f->nnexts);
	return bad(l, k, "%s", "is not a field of a finding row (severity, cause, cause-if, "
		   "cause-code, cleared, cleared-by, next, next-if, next-code, next-cleared)");
}

static enum eg_err extract_field(struct loader *l, struct eg_cat_sig *s, const char *k, char *v)
{
	struct eg_cat_extract *e;

	if (s->nex >= 3)
		return bad(l, k, "%s", "more than 3 extractions");
	e = &s->ex[s->nex];
	if (!strcmp(v, "cloudconfig")) {
		e->kind = EG_EX_CLOUDCONFIG;
	} else if ((v[0] >= '0' && v[0] <= '9') || v[0] == '-') {
		struct eg_scan sc;
		int64_t n;

		eg_scan_init(&sc, v, strlen(v));
		if (eg_scan_int(&sc, &n, -999999, 999999) || !eg_scan_eof(&sc))
			return bad(l, k, "'%.60s' is not a number", v);
		e->kind = EG_EX_FIXED;
		e->value = (long)n;
	} else if (!strncmp(v, "after ", 6) && v[6]) {
		char *lit = unquote(v + 6);

		if (!lit || !lit[0])
			return bad(l, k, "'%.60s' is not 'after LITERAL'", v);
		e->kind = !strcmp(k, "status") ? EG_EX_STATUS_AFTER : EG_EX_CODE_AFTER;
		e->lit = lit;
	} else {
		return bad(l, k, "'%.60s' is not 'after LITERAL', 'cloudconfig' or a number", v);
	}
	s->nex++;
	return EG_OK;
}

static enum eg_err sig_literal(struct loader *l, struct eg_cat_sig *s, const char *k, char *v,
			       const char **arr, int *n)
{
	char *u = unquote(v);

	if (!u)
		return bad(l, k, "%s", "a quote is not closed");
	if (arr == s->lit && strlen(u) < 4)
		return bad(l, k, "'%.40s' is shorter than 4 bytes (the prefilter reads 4)", u);
	if (!u[0])
		return bad(l, k, "%s", "is empty");
	return list_add(l, k, arr, n, EG_CAT_MAX_LIT, u);
}

/* The fields that are one string, checked as text when they are shown. */
static const char **sig_string(struct eg_cat_sig *s, const char *k, bool *text)
{
	static const struct {
		const char *name;
		size_t off;
		bool text;
	} f[] = {
		{ "subsystem", offsetof(struct eg_cat_sig, subsystem), false },
		{ "finding", offsetof(struct eg_cat_sig, finding_name), false },
		{ "example", offsetof(struct eg_cat_sig, example), false },
		{ "source", offsetof(struct eg_cat_sig, source), false },
		{ "detail", offsetof(struct eg_cat_sig, detail), true },
		{ "timeline", offsetof(struct eg_cat_sig, timeline), true },
		{ "next", offsetof(struct eg_cat_sig, next), true },
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(k, f[i].name)) {
			*text = f[i].text;
			return (const char **)(void *)((char *)s + f[i].off);
		}
	return NULL;
}

static enum eg_err sig_format(struct loader *l, struct eg_cat_sig *s, const char *k, const char *v)
{
	s->format = !strcmp(v, "unified") ? EG_SRC_MAC : !strcmp(v, "server") ? EG_SRC_SERVER :
		    !strcmp(v, "agent") ? EG_SRC_AGENT : !strcmp(v, "client") ? EG_SRC_CLIENT :
		    !strcmp(v, "any") ? -1 : -2;
	if (s->format == -2)
		return bad(l, k, "'%.40s' is not unified, server, client, agent or any", v);
	return EG_OK;
}

static enum eg_err sig_dasd(struct loader *l, struct eg_cat_sig *s, const char *k, char *v)
{
	s->kind = EG_SIG_DASD;
	if (!strcmp(v, "allowed")) {
		s->dasd_allowed = true;
		return EG_OK;
	}
	if (strncmp(v, "blocked", 7) || (v[7] && v[7] != ' '))
		return bad(l, k, "'%.40s' is not 'allowed' or 'blocked [POLICY...]'", v);
	return v[7] ? words(l, k, v + 8, s->policies, &s->npolicies, EG_CAT_MAX_LIST) : EG_OK;
}

static enum eg_err sig_marks(struct loader *l, struct eg_cat_sig *s, const char *k, char *v)
{
	const char *m[EG_CAT_MAX_LIST];
	int n = 0, i;
	enum eg_err rc = words(l, k, v, m, &n, EG_CAT_MAX_LIST);

	for (i = 0; rc == EG_OK && i < n; i++) {
		if (!strcmp(m[i], "retry"))
			s->marks |= EG_MARK_RETRY;
		else if (!strcmp(m[i], "success"))
			s->marks |= EG_MARK_SUCCESS;
		else
			rc = bad(l, k, "'%.40s' is not retry or success", m[i]);
	}
	return rc;
}

static enum eg_err sig_field(struct loader *l, struct eg_cat_sig *s, const char *k, char *v)
{
	bool text;
	const char **str = sig_string(s, k, &text);

	if (str)
		return text ? text_field(l, k, v, str) : (*str = v, EG_OK);
	if (!strcmp(k, "literal"))
		return sig_literal(l, s, k, v, s->lit, &s->nlit);
	if (!strcmp(k, "also"))
		return sig_literal(l, s, k, v, s->also, &s->nalso);
	if (!strcmp(k, "unless"))
		return sig_literal(l, s, k, v, s->unless, &s->nunless);
	if (!strcmp(k, "process"))
		return words(l, k, v, s->process, &s->nprocess, EG_CAT_MAX_LIST);
	if (!strcmp(k, "format"))
		return sig_format(l, s, k, v);
	if (!strcmp(k, "event")) {
		s->kind = EG_SIG_EVENT;
		s->event = v;
		return EG_OK;
	}
	if (!strcmp(k, "dasd"))
		return sig_dasd(l, s, k, v);
	if (!strcmp(k, "severity")) {
		s->severity = severity_of(v);
		return s->severity < 0 ? bad(l, k, "'%.40s' is not info, warning or failure", v) : EG_OK;
	}
	if (!strcmp(k, "code") || !strcmp(k, "status"))
		return extract_field(l, s, k, v);
	if (!strcmp(k, "marks"))
		return sig_marks(l, s, k, v);
	return bad(l, k, "%s", "is not a field of a signature row (literal, also, unless, process, "
		   "subsystem, format, event, dasd, finding, severity, code, status, detail, "
		   "timeline, next, marks, example, source)");
}

static enum eg_err code_field(struct loader *l, struct eg_cat_code *c, const char *k, char *v)
{
	if (!strcmp(k, "text"))
		return text_field(l, k, v, &c->text);
	if (!strcmp(k, "source")) {
		c->source = v;
		return EG_OK;
	}
	return bad(l, k, "%s", "is not a field of a code row (text, source)");
}

/* A row's header line: "finding ID", "signature NAME" or "code N". */
static enum eg_err header(struct loader *l, const char *k, char *v)
{
	struct eg_catalog *c = l->c;
	struct eg_scan s;
	int64_t code;

	if (!v[0] || strchr(v, ' ') || strchr(v, '\t'))
		return bad(l, k, "'%.60s' is not one word", v);
	if (!strcmp(k, "finding")) {
		struct eg_cat_finding *f;

		if (eg_catalog_finding(c, v) >= 0)
			return bad(l, k, "'%.60s' is already a finding", v);
		c->findings = eg_xrealloc(c->findings, (size_t)(c->nfindings + 1) * sizeof(*f));
		f = &c->findings[c->nfindings++];
		memset(f, 0, sizeof(*f));
		f->id = v;
		f->severity = EG_SEV_FAILURE;
		f->file = l->name;
		f->line = l->line;
		l->row = ROW_FINDING;
	} else if (!strcmp(k, "signature")) {
		struct eg_cat_sig *g;

		c->sigs = eg_xrealloc(c->sigs, (size_t)(c->nsigs + 1) * sizeof(*g));
		g = &c->sigs[c->nsigs++];
		memset(g, 0, sizeof(*g));
		g->name = v;
		g->format = -1;
		g->severity = -1;
		g->finding = -1;
		g->file = l->name;
		g->line = l->line;
		l->row = ROW_SIG;
	} else {
		struct eg_cat_code *cc;

		eg_scan_init(&s, v, strlen(v));
		if (eg_scan_int(&s, &code, -999999, 999999) || !eg_scan_eof(&s))
			return bad(l, k, "'%.40s' is not a number", v);
		c->codes = eg_xrealloc(c->codes, (size_t)(c->ncodes + 1) * sizeof(*cc));
		cc = &c->codes[c->ncodes++];
		memset(cc, 0, sizeof(*cc));
		cc->code = (long)code;
		cc->file = l->name;
		cc->line = l->line;
		l->row = ROW_CODE;
	}
	return EG_OK;
}

/* What each row must have, checked when the next row starts. */
static enum eg_err row_done(struct loader *l)
{
	struct eg_catalog *c = l->c;
	long line = l->line;
	enum eg_err rc = EG_OK;

	if (l->row == ROW_FINDING) {
		const struct eg_cat_finding *f = &c->findings[c->nfindings - 1];

		l->line = f->line;
		if (!f->cause)
			rc = bad(l, "cause", "%s", "is missing");
		else if (!f->next)
			rc = bad(l, "next", "%s", "is missing");
	} else if (l->row == ROW_SIG) {
		const struct eg_cat_sig *s = &c->sigs[c->nsigs - 1];

		l->line = s->line;
		if (!s->finding_name)
			rc = bad(l, "finding", "%s", "is missing (a finding id, or '-' for a known harmless line)");
		else if (s->kind == EG_SIG_LINE && !s->nlit)
			rc = bad(l, "literal", "%s", "is missing (or 'event', or 'dasd')");
		else if (strcmp(s->finding_name, "-") && !s->timeline)
			rc = bad(l, "timeline", "%s", "is missing");
		else if (s->kind != EG_SIG_EVENT && !s->example)
			rc = bad(l, "example", "%s", "is missing (a real line this row recognises)");
		else if (s->example && !s->source)
			rc = bad(l, "source", "%s", "is missing (where the example comes from)");
	} else if (l->row == ROW_CODE) {
		const struct eg_cat_code *cc = &c->codes[c->ncodes - 1];

		l->line = cc->line;
		if (!cc->text)
			rc = bad(l, "text", "%s", "is missing");
	}
	l->line = line;
	l->row = ROW_NONE;
	return rc;
}

/*
 * One line. A row is a paragraph: its first line names it ("finding ID",
 * "signature NAME", "code N"), its fields follow, a blank line ends it.
 */
static enum eg_err load_line(struct loader *l, char *t)
{
	char *k = t, *v;
	size_t n = strlen(t);

	while (n && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\r'))
		t[--n] = '\0';
	while (*k == ' ' || *k == '\t')
		k++;
	if (!*k)
		return row_done(l);
	if (*k == '#')
		return EG_OK;
	for (v = k; *v && *v != ' ' && *v != '\t'; v++)
		;
	if (*v)
		*v++ = '\0';
	while (*v == ' ' || *v == '\t')
		v++;
	if (l->row == ROW_NONE) {
		if (strcmp(k, "finding") && strcmp(k, "signature") && strcmp(k, "code"))
			return bad(l, k, "%s", "does not start a row (a row starts with 'finding ID', "
				   "'signature NAME' or 'code N', and ends at a blank line)");
		return header(l, k, v);
	}
	if (!v[0])
		return bad(l, k, "%s", "has no value");
	switch (l->row) {
	case ROW_FINDING:
		return finding_field(l, &l->c->findings[l->c->nfindings - 1], k, v);
	case ROW_SIG:
		return sig_field(l, &l->c->sigs[l->c->nsigs - 1], k, v);
	case ROW_CODE:
		return code_field(l, &l->c->codes[l->c->ncodes - 1], k, v);
	case ROW_NONE:
		break;
	}
	return EG_OK;
}

enum eg_err eg_catalog_load(struct eg_catalog *c, const char *name, const char *text,
			    size_t len, struct eg_diag *diag)
{
	struct loader l = { c, name, 0, diag, ROW_NONE };
	char *copy, *p, *end;
	enum eg_err rc = EG_OK;

	if (c->finished)
		return eg_diag_set(diag, EG_ERR_INVALID, "%s: the catalogue is already finished", name);
	if (memchr(text, '\0', len)) {
		l.line = 1;
		for (p = (char *)text; *p; p++)
			l.line += *p == '\n';
		return bad(&l, "-", "%s", "a NUL byte: not a text file");
	}
	copy = eg_xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	c->texts = eg_xrealloc(c->texts, (size_t)(c->ntexts + 1) * sizeof(char *));
	c->texts[c->ntexts++] = copy;
	/* the name too: rows point at it for their errors */
	p = eg_xstrdup(name);
	c->texts = eg_xrealloc(c->texts, (size_t)(c->ntexts + 1) * sizeof(char *));
	c->texts[c->ntexts++] = p;
	l.name = p;
	for (p = copy, end = copy + len; p < end && rc == EG_OK;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl)
			*nl = '\0';
		l.line++;
		rc = load_line(&l, p);
		p = nl ? nl + 1 : end;
	}
	if (rc == EG_OK)
		rc = row_done(&l);
	return rc;
}

/* ---- finishing: references, examples, the prefilter -------------------- */

static unsigned gram(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return (unsigned)((v * 2654435761u) >> 16);
}

/*
 * Words that say a line reports a failure, for lines no signature knows
 * (diagnose.c, unrecognized.error): the prefilter must let them through.
 * Each is four bytes at least; "rror" stands for error, Error and ERROR.
 */
static const char *const failure_words[] = {
	"rror", "RROR", "fail", "Fail", "FAIL", "enied", "efused", "ejected",
	"tatus", "Code=", "err=", NULL
};

static void add_lit(struct eg_catalog *c, const char *s, size_t n)
{
	unsigned g = gram((const unsigned char *)s);
	int i;

	for (i = 0; i < c->nlits; i++)
		if (c->lits[i].n == n && !memcmp(c->lits[i].s, s, n))
			return;
	if (c->nlits >= 65535)
		return;
	c->lits = eg_xrealloc(c->lits, (size_t)(c->nlits + 1) * sizeof(*c->lits));
	c->lits[c->nlits].s = s;
	c->lits[c->nlits].n = n;
	c->lits[c->nlits].next = c->bucket[g & 4095];
	c->bucket[g & 4095] = (uint16_t)(c->nlits + 1);
	c->nlits++;
	c->gram[g >> 3] |= (unsigned char)(1u << (g & 7));
}

static enum eg_err resolve(struct eg_catalog *c, struct eg_diag *diag)
{
	int i, k;

	for (i = 0; i < c->nfindings; i++) {
		struct eg_cat_finding *f = &c->findings[i];
		struct loader l = { c, f->file, f->line, diag, ROW_NONE };

		for (k = 0; k < f->nclears; k++)
			if ((f->clears[k] = eg_catalog_finding(c, f->clears_names[k])) < 0)
				return bad(&l, "cleared-by", "'%.60s' is no finding", f->clears_names[k]);
		for (k = 0; k < f->ncauses; k++)
			if (f->cause_names[k] &&
			    (f->causes[k].finding = eg_catalog_finding(c, f->cause_names[k])) < 0)
				return bad(&l, "cause-if", "'%.60s' is no finding", f->cause_names[k]);
		for (k = 0; k < f->nnexts; k++)
			if (f->next_names[k] &&
			    (f->nexts[k].finding = eg_catalog_finding(c, f->next_names[k])) < 0)
				return bad(&l, "next-if", "'%.60s' is no finding", f->next_names[k]);
	}
	for (i = 0; i < c->nsigs; i++) {
		struct eg_cat_sig *s = &c->sigs[i];
		struct loader l = { c, s->file, s->line, diag, ROW_NONE };

		if (strcmp(s->finding_name, "-") &&
		    (s->finding = eg_catalog_finding(c, s->finding_name)) < 0)
			return bad(&l, "finding", "'%.60s' is no finding row", s->finding_name);
		if (s->event && eg_event_type_lookup(s->event, strlen(s->event)) == EG_EV_UNKNOWN)
			return bad(&l, "event", "'%.60s' is no event type (enrollguard(8), EVENTS)", s->event);
		for (k = 0; k < s->nlit; k++)
			s->lit_len[k] = strlen(s->lit[k]);
	}
	return EG_OK;
}

enum eg_err eg_catalog_finish(struct eg_catalog *c, struct eg_diag *diag)
{
	enum eg_err rc;
	int i, k;

	if (c->finished)
		return EG_OK;
	if ((rc = resolve(c, diag)) != EG_OK)
		return rc;
	for (i = 0; i < c->nsigs; i++)
		for (k = 0; k < c->sigs[i].nlit; k++)
			add_lit(c, c->sigs[i].lit[k], c->sigs[i].lit_len[k]);
	for (i = 0; failure_words[i]; i++)
		add_lit(c, failure_words[i], strlen(failure_words[i]));
	c->finished = true;
	return EG_OK;
}

struct eg_catalog *eg_catalog_builtin(struct eg_diag *diag)
{
	struct eg_catalog *c = eg_catalog_new();

	if (eg_catalog_load(c, "built-in", eg_catalog_builtin_text,
			    strlen(eg_catalog_builtin_text), diag) != EG_OK ||
	    eg_catalog_finish(c, diag) != EG_OK) {
		eg_catalog_free(c);
		return NULL;
	}
	return c;
}

static struct eg_catalog *shared;

const struct eg_catalog *eg_catalog_shared(void)
{
	struct eg_diag dg = EG_DIAG_INIT;

	if (!shared)
		shared = eg_catalog_builtin(&dg);
	if (!shared) {
		fprintf(stderr, "BUG: the built-in catalogue: %s\n", dg.msg);
		abort();
	}
	return shared;
}

void eg_catalog_shared_release(void)
{
	eg_catalog_free(shared);
	shared = NULL;
}

bool eg_catalog_wants(const struct eg_catalog *c, struct eg_str line)
{
	const unsigned char *p = (const unsigned char *)line.p;
	size_t i;

	/* one pass: only where a literal's first four bytes may stand, compare */
	for (i = 0; i + 4 <= line.len; i++) {
		unsigned b;
		uint16_t k;

		/* four positions a round, one branch: noise rarely hits any */
		while (i + 7 <= line.len) {
			unsigned b0 = gram(p + i), b1 = gram(p + i + 1);
			unsigned b2 = gram(p + i + 2), b3 = gram(p + i + 3);

			if ((c->gram[b0 >> 3] & (1u << (b0 & 7))) |
			    (c->gram[b1 >> 3] & (1u << (b1 & 7))) |
			    (c->gram[b2 >> 3] & (1u << (b2 & 7))) |
			    (c->gram[b3 >> 3] & (1u << (b3 & 7))))
				break;
			i += 4;
		}
		if (i + 4 > line.len)
			break;
		b = gram(p + i);
		if (!(c->gram[b >> 3] & (1u << (b & 7))))
			continue;
		for (k = c->bucket[b & 4095]; k; k = c->lits[k - 1].next) {
			const struct eg_cat_lit *l = &c->lits[k - 1];

			if (l->n <= line.len - i && !memcmp(p + i, l->s, l->n))
				return true;
		}
	}
	return false;
}
