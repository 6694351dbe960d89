/*
 * cmd-explain.c: `enrollguard explain`: read logs, print a timeline of
 * what matters to an enrollment and the causes, with the next step.
 *
 * Inputs stream line by line through a capped reader (memory does not
 * grow with the input) into core/logread.c, which detects each input's
 * style and feeds the diagnosis. gzip input is inflated on the fly
 * (zlib), whatever the file's name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "alloc.h"
#include "buf.h"
#include "cmd.h"
#include "catalog.h"
#include "diagnose.h"
#include "file.h"
#include "json.h"
#include "logread.h"
#include "mac.h"
#include "scan.h"
#include "timefmt.h"
#include "ulog.h"
#include "usage.h"
#include "banned.h"

struct explain_opts {
	bool json;
	char *since;
	char *until;
	char *serial;
	char *signatures;
};

static const struct eg_opt explain_table[] = {
	{ "json", "-", EG_OPT_BOOL, 0, 0, "false", NULL, "", "print JSON",
	  offsetof(struct explain_opts, json) },
	{ "since", "-", EG_OPT_STRING, 0, 0, NULL, NULL, "TIME",
	  "ignore records before TIME (yyyy-mm-dd hh:mm:ss[+zzzz], UTC without)",
	  offsetof(struct explain_opts, since) },
	{ "until", "-", EG_OPT_STRING, 0, 0, NULL, NULL, "TIME",
	  "ignore records after TIME", offsetof(struct explain_opts, until) },
	{ "serial", "-", EG_OPT_STRING, 0, 0, NULL, NULL, "S",
	  "in enrollguard event logs, only the events of the Mac with serial S",
	  offsetof(struct explain_opts, serial) },
	{ "signatures", "-", EG_OPT_STRING, 0, 0, NULL, NULL, "FILE",
	  "also the finding and signature rows of FILE (the catalogue's format)",
	  offsetof(struct explain_opts, signatures) },
};

#define MAXIN 64
#define LINE_MAX_BYTES (256 * 1024)

struct input {
	const char *name;
	char error[256];
	unsigned long long_lines;
	struct eg_logread lr;
};

static int parse_time(const char *text, int64_t *ms)
{
	struct eg_scan s;
	bool off;

	eg_scan_init(&s, text, strlen(text));
	if (eg_scan_log_time(&s, ms, &off) || !eg_scan_eof(&s))
		return -1;
	return 0;
}

struct reader {
	int fd;
	struct eg_buf buf;
	size_t pos;              /* start of the unread part of buf */
	bool eof;
	bool gz;                 /* the input is gzip: inflate it */
	bool cutting;            /* dropping the rest of a line past the cap */
	z_stream z;
	unsigned char in[65536];
};

/* Up to n bytes of the (inflated) input; 0 at the end, -1 on error. */
static ssize_t pull(struct reader *r, char *out, size_t n, struct input *in)
{
	int zr;

	if (!r->gz)
		return read(r->fd, out, n);
	r->z.next_out = (unsigned char *)out;
	r->z.avail_out = (uInt)n;
	while (r->z.avail_out == n) {
		if (r->z.avail_in == 0) {
			ssize_t k = read(r->fd, r->in, sizeof(r->in));

			if (k < 0)
				return -1;
			if (k == 0)
				return 0;
			r->z.next_in = r->in;
			r->z.avail_in = (uInt)k;
		}
		zr = inflate(&r->z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END) {
			/* concatenated members (gzip -c a b >> c) go on */
			size_t got = n - r->z.avail_out;

			inflateReset(&r->z);
			if (got)
				return (ssize_t)got;
			continue;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			snprintf(in->error, sizeof(in->error), "'%s': broken gzip data (%s)",
				 in->name, r->z.msg ? r->z.msg : "inflate failed");
			return -1;
		}
	}
	return (ssize_t)(n - r->z.avail_out);
}

/* Look at the first bytes: gzip's magic 1f 8b switches to inflating. */
static void sniff(struct reader *r)
{
	ssize_t k = read(r->fd, r->in, 2);

	if (k == 2 && r->in[0] == 0x1f && r->in[1] == 0x8b) {
		r->gz = true;
		memset(&r->z, 0, sizeof(r->z));
		inflateInit2(&r->z, 15 + 32);   /* gzip or zlib header */
		r->z.next_in = r->in;
		r->z.avail_in = 2;
	} else if (k > 0) {
		(void)eg_buf_add(&r->buf, r->in, (size_t)k);
	}
}

/*
 * The next line (without newline) into *line. A line longer than the
 * buffer (LINE_MAX_BYTES and up to one read more) is skipped whole and
 * counted in in->long_lines: memory stays bounded whatever the input. Lines
 * are handed out in place: the buffer is compacted only when it refills,
 * not once per line.
 */
static bool next_line(struct reader *r, struct eg_str *line, struct input *in)
{
	for (;;) {
		const char *start = r->buf.buf + r->pos;
		size_t avail = r->buf.len - r->pos;
		const char *nl = memchr(start, '\n', avail);
		char chunk[65536];
		ssize_t n;

		if (nl || (r->eof && avail)) {
			line->p = start;
			line->len = nl ? (size_t)(nl - start) : avail;
			r->pos += line->len + (nl ? 1 : 0);
			if (r->cutting) {
				/* the tail of a cut line is no record: skip it too */
				r->cutting = false;
				continue;
			}
			if (line->len && line->p[line->len - 1] == '\r')
				line->len--;
			return true;
		}
		if (r->eof)
			return false;
		if (r->pos) {
			eg_buf_consume(&r->buf, r->pos);
			r->pos = 0;
		}
		if (r->buf.len >= LINE_MAX_BYTES) {
			in->long_lines += !r->cutting;
			r->cutting = true;
			eg_buf_reset(&r->buf);   /* a line past the cap: dropped */
		}
		n = pull(r, chunk, sizeof(chunk), in);
		if (n < 0 && errno == EINTR && !r->gz)
			continue;
		if (n <= 0) {
			if (n < 0 && !in->error[0])
				snprintf(in->error, sizeof(in->error), "cannot read '%s': %s",
					 in->name, strerror(errno));
			r->eof = true;
			continue;
		}
		if (eg_buf_add(&r->buf, chunk, (size_t)n) != EG_OK)
			eg_buf_init(&r->buf, r->buf.cap);
	}
}

static void read_input(struct eg_diagnosis *d, struct input *in, const struct eg_logwindow *w)
{
	struct reader r;
	struct eg_str line;

	eg_logread_init(&in->lr, d, w);
	memset(&r, 0, sizeof(r));
	eg_buf_init(&r.buf, LINE_MAX_BYTES + 65536);
	r.fd = strcmp(in->name, "-") ? open(in->name, O_RDONLY | O_CLOEXEC) : 0;
	if (r.fd < 0) {
		snprintf(in->error, sizeof(in->error), "cannot open '%s': %s", in->name,
			 strerror(errno));
		eg_buf_release(&r.buf);
		return;
	}
	sniff(&r);
	while (next_line(&r, &line, in))
		eg_logread_line(&in->lr, line);
	eg_logread_end(&in->lr);
	if (r.fd > 0)
		close(r.fd);
	if (r.gz)
		inflateEnd(&r.z);
	eg_buf_release(&r.buf);
}

static void when(int64_t ms, char *out, size_t n)
{
	if (ms)
		eg_format_human(ms, 0, out, n);
	else
		snprintf(out, n, "(no time)");
}

/* "T1 .. T2", "T1" when they are one, "" when neither is known. */
static void span(int64_t first, int64_t last, char *out, size_t n)
{
	char a[40], b[40];

	if (!first && !last) {
		out[0] = '\0';
		return;
	}
	when(first ? first : last, a, sizeof(a));
	if (!last || last == first || !first) {
		snprintf(out, n, "%s", a);
		return;
	}
	when(last, b, sizeof(b));
	/* the same day: the second time without its date */
	snprintf(out, n, "%s .. %s", a, strncmp(a, b, 11) ? b : b + 11);
}

static void print_human(const struct eg_diagnosis *d, const struct input *in, int nin)
{
	char sp[100], t[32], summary[1536], next[768];
	int i;

	printf("inputs:\n");
	for (i = 0; i < nin; i++) {
		printf("  %s: %s%s (%lu line%s", in[i].name, in[i].error[0] ? "unreadable: " : "",
		       in[i].error[0] ? in[i].error : eg_logread_style(&in[i].lr), in[i].lr.lines,
		       in[i].lr.lines == 1 ? "" : "s");
		if (in[i].long_lines)
			printf(", %lu longer than %d KiB skipped", in[i].long_lines,
			       LINE_MAX_BYTES / 1024);
		printf(")\n");
	}
	printf("\ntimeline (UTC):\n");
	for (i = 0; i < d->ntimeline; i++) {
		const struct eg_timeline_entry *e = &d->timeline[i];

		span(e->first_ms, e->last_ms, sp, sizeof(sp));
		printf("  %s%s%s", sp[0] ? sp : "(no time)", sp[0] ? "  " : " ", e->text);
		if (e->count > 1) {
			eg_times_text(e->count, t, sizeof(t));
			printf(" (%s)", t);
		}
		printf("\n");
	}
	if (d->dropped_timeline)
		printf("  (%lu more entries not shown)\n", d->dropped_timeline);
	printf("\nfindings:\n");
	for (i = 0; i < d->nfindings; i++) {
		const struct eg_finding *f = &d->findings[i];

		if (!f->seen)
			continue;
		eg_finding_explain(d, i, summary, sizeof(summary), next, sizeof(next));
		span(f->first_ms, f->last_ms, sp, sizeof(sp));
		printf("  %-7s %s (%lu%s%s)\n    %s\n    next: %s\n",
		       eg_severity_name(f->severity), eg_diagnose_finding_name(d, i),
		       f->count, sp[0] ? ", " : "", sp, summary, next);
	}
}

static void print_json(const struct eg_diagnosis *d, const struct input *in, int nin)
{
	struct eg_buf out = EG_BUF_INIT(64 * 1024 * 1024);
	struct eg_jw w;
	char a[40], b[40], summary[1536], next[768];
	int i;

	eg_jw_begin(&w, &out);
	eg_jw_array(&w, "inputs");
	for (i = 0; i < nin; i++) {
		eg_jw_elem(&w);
		eg_jw_str(&w, "name", in[i].name);
		eg_jw_str(&w, "style", in[i].error[0] ? "" : eg_logread_style(&in[i].lr));
		eg_jw_int(&w, "lines", (int64_t)in[i].lr.lines);
		eg_jw_int(&w, "long_lines", (int64_t)in[i].long_lines);
		eg_jw_str(&w, "error", in[i].error);
		eg_jw_end(&w);
	}
	eg_jw_end(&w);
	eg_jw_array(&w, "timeline");
	for (i = 0; i < d->ntimeline; i++) {
		const struct eg_timeline_entry *e = &d->timeline[i];

		eg_format_iso(e->first_ms, a, sizeof(a));
		eg_format_iso(e->last_ms, b, sizeof(b));
		eg_jw_elem(&w);
		if (e->first_ms) {
			eg_jw_str(&w, "first", a);
			eg_jw_str(&w, "last", b);
		}
		eg_jw_int(&w, "count", (int64_t)e->count);
		eg_jw_str(&w, "text", e->text);
		eg_jw_end(&w);
	}
	eg_jw_end(&w);
	eg_jw_array(&w, "findings");
	for (i = 0; i < d->nfindings; i++) {
		const struct eg_finding *f = &d->findings[i];

		if (!f->seen)
			continue;
		eg_finding_explain(d, i, summary, sizeof(summary), next, sizeof(next));
		eg_format_iso(f->first_ms, a, sizeof(a));
		eg_format_iso(f->last_ms, b, sizeof(b));
		eg_jw_elem(&w);
		eg_jw_str(&w, "id", eg_diagnose_finding_name(d, i));
		eg_jw_str(&w, "severity", eg_severity_name(f->severity));
		if (f->first_ms)
			eg_jw_str(&w, "first", a);
		if (f->last_ms)
			eg_jw_str(&w, "last", b);
		eg_jw_int(&w, "count", (int64_t)f->count);
		eg_jw_str(&w, "summary", summary);
		eg_jw_str(&w, "next_step", next);
		eg_jw_object(&w, "data");
		eg_jw_str(&w, "detail", f->detail);
		eg_jw_int(&w, "code", f->code);
		eg_jw_end(&w);
		eg_jw_end(&w);
	}
	eg_jw_end(&w);
	eg_jw_end(&w);
	printf("%s\n", out.buf);
	eg_buf_release(&out);
}

/*
 * The built-in catalogue and, with --signatures, a site's rows after it.
 * A bad row is a usage error: its message names the file, line and field.
 */
static struct eg_catalog *load_catalog(const char *path)
{
	struct eg_buf text = EG_BUF_INIT(16 * 1024 * 1024);
	struct eg_diag dg = EG_DIAG_INIT;
	struct eg_catalog *c = eg_catalog_new();
	int builtin_sigs;

	if (eg_catalog_load(c, "built-in", eg_catalog_builtin_text,
			    strlen(eg_catalog_builtin_text), &dg) != EG_OK)
		BUG("the built-in catalogue: %s", dg.msg);
	builtin_sigs = c->nsigs;
	if (path) {
		if (eg_file_read(path, &text, &dg) != EG_OK)
			die(EG_EXIT_USAGE, "option '--signatures': %s", dg.msg);
		if (eg_catalog_load(c, path, text.buf, text.len, &dg) != EG_OK)
			die(EG_EXIT_USAGE, "%s", dg.msg);
		eg_buf_release(&text);
	}
	if (eg_catalog_finish(c, &dg) != EG_OK)
		die(EG_EXIT_USAGE, "%s", dg.msg);
	/* a site's example must give its own row's finding, as the built-in ones do */
	if (eg_logread_check_examples(c, builtin_sigs, &dg) != EG_OK)
		die(EG_EXIT_USAGE, "%s", dg.msg);
	return c;
}

static int cmd_explain_exec(void *state, const struct eg_cmd_ctx *c)
{
	static struct input in[MAXIN];
	static char *standard_input[] = { "-" };
	const struct explain_opts *o = state;
	struct eg_diagnosis *d = NULL;
	struct eg_catalog *cat = NULL;
	struct eg_logwindow w = { 0, 0, NULL };
	char **files = c->nargs ? c->args : standard_input;
	int nfiles = c->nargs ? c->nargs : 1, i, rc = EG_EXIT_OK;

	if (o->since && parse_time(o->since, &w.since))
		die(EG_EXIT_USAGE, "option '--since': '%s' is not yyyy-mm-dd hh:mm:ss[+zzzz]", o->since);
	if (o->until && parse_time(o->until, &w.until))
		die(EG_EXIT_USAGE, "option '--until': '%s' is not yyyy-mm-dd hh:mm:ss[+zzzz]", o->until);
	w.serial = o->serial;
	cat = load_catalog(o->signatures);
	d = eg_diagnose_new_with(cat);
	for (i = 0; i < nfiles; i++) {
		memset(&in[i], 0, sizeof(in[i]));
		in[i].name = files[i];
		read_input(d, &in[i], &w);
		eg_logread_release(&in[i].lr);
		if (in[i].error[0]) {
			error("%s", in[i].error);
			rc = EG_EXIT_ENV;
		}
	}
	eg_diagnose_finish(d);
	if (o->json)
		print_json(d, in, nfiles);
	else
		print_human(d, in, nfiles);
	for (i = 0; rc == EG_EXIT_OK && i < d->nfindings; i++)
		if (d->findings[i].seen && d->findings[i].severity == EG_SEV_FAILURE)
			rc = 1;
	eg_diagnose_free(d);
	eg_catalog_free(cat);
	return rc;
}

const struct eg_cmd eg_cmd_explain = {
	.name = "explain",
	.usage = "explain [--json] [--since TIME] [--until TIME] [--serial S] [--signatures FILE] [FILE ... | -]",
	.summary = "read logs and name the cause of an enrollment failure",
	.about = "Read log show exports (any text style, json, ndjson) or Console copies and\n"
		 "print a timeline of the enrollment and its causes as findings.",
	.opts = explain_table,
	.nopts = EG_NROWS(explain_table),
	.state_size = sizeof(struct explain_opts),
	.maxargs = MAXIN,
	.exec = cmd_explain_exec,
};
