#include "ulog.h"

#include <string.h>

#include "timefmt.h"
#include "banned.h"

/* Exactly `digits` decimal digits. */
static int scan_fixed(struct eg_scan *s, unsigned digits, uint64_t *v)
{
	uint64_t n = 0;
	unsigned i;

	if ((size_t)(s->end - s->p) < digits)
		return 1;
	for (i = 0; i < digits; i++) {
		if (s->p[i] < '0' || s->p[i] > '9')
			return 1;
		n = n * 10 + (uint64_t)(s->p[i] - '0');
	}
	s->p += digits;
	*v = n;
	return 0;
}

/* "yyyy-MM-dd HH:mm:ss" into seconds since the epoch. */
static int scan_civil(struct eg_scan *t, int64_t *secs)
{
	uint64_t y, mo, d, h, mi, sec;

	if (scan_fixed(t, 4, &y) || eg_scan_ch(t, '-') ||
	    scan_fixed(t, 2, &mo) || eg_scan_ch(t, '-') ||
	    scan_fixed(t, 2, &d) || eg_scan_ch(t, ' ') ||
	    scan_fixed(t, 2, &h) || eg_scan_ch(t, ':') ||
	    scan_fixed(t, 2, &mi) || eg_scan_ch(t, ':') ||
	    scan_fixed(t, 2, &sec))
		return 1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return 1;
	*secs = eg_days_from_civil((int64_t)y, (unsigned)mo, (unsigned)d) * 86400 +
		(int64_t)(h * 3600 + mi * 60 + sec);
	return 0;
}

/* ".ffffff" into milliseconds; absent is 0. */
static int64_t scan_fraction(struct eg_scan *t)
{
	int64_t frac = 0;
	int digits = 0;

	if (eg_scan_ch(t, '.'))
		return 0;
	for (; t->p < t->end && *t->p >= '0' && *t->p <= '9'; t->p++) {
		if (digits < 3) {
			frac = frac * 10 + (*t->p - '0');
			digits++;
		}
	}
	for (; digits < 3; digits++)
		frac *= 10;
	return frac;
}

/* An optional " -0700" or "+0200": seconds east of UTC, or no change. */
static bool scan_offset(struct eg_scan *t, int64_t *east)
{
	struct eg_scan o = *t;
	uint64_t oh, om;
	int sign = 0;

	(void)eg_scan_ch(&o, ' ');
	if (!eg_scan_ch(&o, '+'))
		sign = 1;
	else if (!eg_scan_ch(&o, '-'))
		sign = -1;
	if (!sign || scan_fixed(&o, 2, &oh) || scan_fixed(&o, 2, &om) ||
	    oh > 23 || om > 59)
		return false;
	*east = sign * (int64_t)(oh * 3600 + om * 60);
	*t = o;
	return true;
}

int eg_scan_log_time(struct eg_scan *s, int64_t *ms, bool *has_offset)
{
	struct eg_scan t = *s;
	int64_t secs, frac, east = 0;

	if (scan_civil(&t, &secs))
		return 1;
	frac = scan_fraction(&t);
	*has_offset = scan_offset(&t, &east);
	*ms = (secs - east) * 1000 + frac;
	*s = t;
	return 0;
}

/* "(library) " at the cursor, optional: the sender image (5.2). */
static void skip_library(struct eg_scan *s)
{
	struct eg_scan t = *s;
	struct eg_str lib;

	if (!eg_scan_ch(&t, '(') && !eg_scan_until(&t, ')', &lib, 256)) {
		t.p++;
		(void)eg_scan_ch(&t, ' ');
		*s = t;
	}
}

/* "[subsystem:category] " at the cursor, optional. */
static void scan_subsys(struct eg_scan *s, struct eg_ulog_rec *rec)
{
	struct eg_scan t = *s;
	struct eg_str in;
	const char *colon;

	if (eg_scan_ch(&t, '[') || eg_scan_until(&t, ']', &in, 256) ||
	    eg_scan_ch(&t, ']'))
		return;
	colon = memchr(in.p, ':', in.len);
	if (!colon)
		return;
	rec->subsystem.p = in.p;
	rec->subsystem.len = (size_t)(colon - in.p);
	rec->category.p = colon + 1;
	rec->category.len = in.len - rec->subsystem.len - 1;
	(void)eg_scan_ch(&t, ' ');
	*s = t;
}

/*
 * Default style. Example line (field-guide.md 5.2, VERIFIED):
 * 2026-03-15 14:14:18.429540-0500 0x18538    Default     0x0                  120    8    dasd: [com.apple.duetactivityscheduler:scoring] '501:...' CurrentScore: 0.888734, ...
 */
static bool parse_default(struct eg_scan *s, struct eg_ulog_rec *rec)
{
	struct eg_str type, proc;
	uint64_t tid, act, pid, ttl;

	if (eg_scan_blanks(s) || eg_scan_hex(s, &tid, UINT64_MAX) ||
	    eg_scan_blanks(s) || eg_scan_word(s, &type, 16) ||
	    eg_scan_blanks(s) || eg_scan_hex(s, &act, UINT64_MAX) ||
	    eg_scan_blanks(s) || eg_scan_uint(s, &pid, 99999999) ||
	    eg_scan_blanks(s) || eg_scan_uint(s, &ttl, 99999) ||
	    eg_scan_blanks(s))
		return false;
	/* process names may contain spaces ("Setup Assistant"): up to ": " */
	{
		struct eg_str rest = { s->p, (size_t)(s->end - s->p) };
		const char *q = eg_str_find(rest, ": ");

		if (!q) {
			if (rest.len && rest.p[rest.len - 1] == ':') {
				q = rest.p + rest.len - 1;
			} else {
				return false;
			}
		}
		proc.p = s->p;
		proc.len = (size_t)(q - s->p);
		s->p = q + 1;
		(void)eg_scan_ch(s, ' ');
	}
	rec->style = EG_ULOG_DEFAULT;
	rec->pid = (long)pid;
	rec->process = proc;
	skip_library(s);
	scan_subsys(s, rec);
	eg_scan_rest(s, &rec->message);
	return true;
}

/*
 * Console.app copy. Example line (field-guide.md 5.7, OBSERVED):
 * 2020-08-06 09:58:35.445081 -0700 teslad com.apple.CloudConfigurationDaemon Default Retrying the request
 * The subsystem and category tokens are kept in the message: whether the
 * third token is a category or a type is UNVERIFIED.
 */
static bool parse_console(struct eg_scan *s, struct eg_ulog_rec *rec)
{
	struct eg_str proc;

	if (eg_scan_ch(s, ' ') || eg_scan_word(s, &proc, 128))
		return false;
	rec->style = EG_ULOG_CONSOLE;
	rec->pid = -1;
	rec->process = proc;
	(void)eg_scan_ch(s, ' ');
	eg_scan_rest(s, &rec->message);
	return true;
}

/* "process[pid:tid]" or "process[pid]": the name may hold spaces. */
static bool scan_proc_pid(struct eg_scan *s, struct eg_ulog_rec *rec)
{
	struct eg_str rest = { s->p, (size_t)(s->end - s->p) };
	const char *lb = eg_str_find(rest, "["), *rb;
	struct eg_scan t;
	uint64_t pid, tid;

	if (!lb || lb == s->p)
		return false;
	eg_scan_init(&t, lb + 1, (size_t)(s->end - lb - 1));
	if (eg_scan_uint(&t, &pid, 99999999))
		return false;
	if (!eg_scan_ch(&t, ':') && eg_scan_hex(&t, &tid, UINT64_MAX))
		return false;
	if (eg_scan_ch(&t, ']'))
		return false;
	rb = t.p;
	rec->process.p = s->p;
	rec->process.len = (size_t)(lb - s->p);
	rec->pid = (long)pid;
	s->p = rb;
	return true;
}

/*
 * Compact style. Example line (field-guide.md 5.3, VERIFIED):
 * 2022-11-14 13:21:15.341 Df My App[59972:780a15] (libffi.dylib) Hello World!
 * The timestamp has no UTC offset: has_offset stays false.
 */
static bool parse_compact(struct eg_scan *s, struct eg_ulog_rec *rec)
{
	static const char *const types[] = { "Df", "I ", "Db", "E ", "F ", "A ", NULL };
	int i;

	if (eg_scan_ch(s, ' '))
		return false;
	for (i = 0; types[i]; i++)
		if (!eg_scan_lit(s, types[i]))
			break;
	if (!types[i] || eg_scan_ch(s, ' ') || !scan_proc_pid(s, rec))
		return false;
	rec->style = EG_ULOG_COMPACT;
	(void)eg_scan_ch(s, ' ');
	skip_library(s);
	scan_subsys(s, rec);
	eg_scan_rest(s, &rec->message);
	return true;
}

/*
 * Syslog style. Example line (field-guide.md 5.4, VERIFIED):
 * 2023-09-27 22:55:39.622369+0200  localhost legacyScreenSaver[41737]: (ScreenSaverExample) hello
 */
static bool parse_syslog(struct eg_scan *s, struct eg_ulog_rec *rec)
{
	struct eg_str host;

	if (eg_scan_lit(s, "  ") || eg_scan_word(s, &host, 255) ||
	    eg_scan_ch(s, ' ') || !scan_proc_pid(s, rec) || eg_scan_ch(s, ':'))
		return false;
	rec->style = EG_ULOG_SYSLOG;
	(void)eg_scan_ch(s, ' ');
	skip_library(s);
	scan_subsys(s, rec);
	eg_scan_rest(s, &rec->message);
	return true;
}

bool eg_ulog_parse_line(struct eg_str line, struct eg_ulog_rec *rec)
{
	struct eg_scan s;

	memset(rec, 0, sizeof(*rec));
	eg_scan_init(&s, line.p, line.len);
	if (eg_scan_log_time(&s, &rec->ts_ms, &rec->has_offset))
		return false;
	if (s.p < s.end && s.p + 1 < s.end && s.p[0] == ' ' && s.p[1] == '0' &&
	    s.p + 2 < s.end && s.p[2] == 'x') {
		struct eg_scan t = s;

		if (parse_default(&t, rec))
			return true;
	}
	{
		struct eg_scan t = s;

		if (parse_syslog(&t, rec))
			return true;
		t = s;
		memset(&rec->process, 0, sizeof(rec->process));
		if (!rec->has_offset && parse_compact(&t, rec))
			return true;
	}
	memset(&rec->process, 0, sizeof(rec->process));
	memset(&rec->subsystem, 0, sizeof(rec->subsystem));
	memset(&rec->category, 0, sizeof(rec->category));
	rec->pid = 0;
	return parse_console(&s, rec);
}
