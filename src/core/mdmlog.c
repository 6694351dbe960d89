#include "mdmlog.h"

#include <string.h>

#include "ulog.h"
#include "banned.h"

/* "[field]" at the cursor, at most max bytes inside, trimmed of blanks. */
static bool bracketed(struct eg_scan *s, size_t max, struct eg_str *out)
{
	if (eg_scan_ch(s, '[') || eg_scan_until(s, ']', out, max) || eg_scan_ch(s, ']'))
		return false;
	*out = eg_str_trim(*out);
	return true;
}

static bool known_level(struct eg_str l)
{
	static const char *const levels[] = {
		"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "SEVERE", NULL
	};
	int i;

	for (i = 0; levels[i]; i++)
		if (eg_str_eq(l, levels[i]))
			return true;
	return false;
}

bool eg_mdmlog_parse_line(struct eg_str line, struct eg_mdmlog_rec *rec)
{
	struct eg_scan s;
	bool off;

	memset(rec, 0, sizeof(*rec));
	eg_scan_init(&s, line.p, line.len);
	if (eg_scan_log_time(&s, &rec->ts_ms, &off) || off)
		return false;
	/* log4j's ",SSS" (eg_scan_log_time reads a '.' fraction itself) */
	if (!eg_scan_ch(&s, ',')) {
		int64_t ms = 0;
		int digits = 0;

		while (s.p < s.end && *s.p >= '0' && *s.p <= '9') {
			if (digits++ < 3)
				ms = ms * 10 + (*s.p - '0');
			s.p++;
		}
		if (!digits)
			return false;
		for (; digits < 3; digits++)
			ms *= 10;
		rec->ts_ms += ms;
	}
	if (eg_scan_ch(&s, ' ') || !bracketed(&s, 8, &rec->level) ||
	    !known_level(rec->level) || eg_scan_ch(&s, ' ') ||
	    !bracketed(&s, 128, &rec->thread) || eg_scan_ch(&s, ' ') ||
	    !bracketed(&s, 256, &rec->logger))
		return false;
	/* " - message"; tolerate a missing dash */
	(void)eg_scan_ch(&s, ' ');
	if (!eg_scan_ch(&s, '-'))
		(void)eg_scan_ch(&s, ' ');
	eg_scan_rest(&s, &rec->message);
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_name(char c)
{
	return is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '-';
}

/* The end of "hh:mm:ss" in a syslog line's first 25 bytes, or 0. */
static size_t syslog_clock(struct eg_str line)
{
	size_t i;

	for (i = 4; i + 8 <= 25 && i + 8 <= line.len; i++)
		if (is_digit(line.p[i]) && is_digit(line.p[i + 1]) && line.p[i + 2] == ':' &&
		    is_digit(line.p[i + 3]) && is_digit(line.p[i + 4]) && line.p[i + 5] == ':' &&
		    is_digit(line.p[i + 6]) && is_digit(line.p[i + 7]))
			return i + 8;
	return 0;
}

/*
 * At the '[' of "NAME[PID]": the message's start after "]: " or
 * "] <Level>: ", or 0 when this '[' is no tag.
 */
static size_t syslog_tag(struct eg_str line, size_t i, size_t clock, struct eg_str *name)
{
	size_t a, k;

	if (i == clock || !is_name(line.p[i - 1]))
		return 0;
	for (k = i + 1; k < line.len && is_digit(line.p[k]); k++)
		;
	if (k == i + 1 || k >= line.len || line.p[k] != ']')
		return 0;
	for (a = i; a > clock && is_name(line.p[a - 1]); a--)
		;
	if (a == clock || line.p[a - 1] != ' ')
		return 0;
	*name = (struct eg_str){ line.p + a, i - a };
	k++;
	/* " <Warning>" on iOS and old macOS */
	if (k + 1 < line.len && line.p[k] == ' ' && line.p[k + 1] == '<') {
		while (k < line.len && line.p[k] != '>')
			k++;
		k++;
	}
	if (k >= line.len || line.p[k] != ':')
		return 0;
	for (k++; k < line.len && line.p[k] == ' '; k++)
		;
	return k;
}

bool eg_mdmlog_parse_syslog(struct eg_str line, struct eg_mdmlog_rec *rec)
{
	size_t i, lim = line.len < 240 ? line.len : 240, clock;

	memset(rec, 0, sizeof(*rec));
	/* "Wed Feb 01 " or "Jul 19 ": a name of three letters first */
	if (line.len < 16 || !is_alpha(line.p[0]) || !is_alpha(line.p[1]) ||
	    !is_alpha(line.p[2]) || line.p[3] != ' ')
		return false;
	if (!(clock = syslog_clock(line)))
		return false;
	/* then "HOST NAME[PID]: " (the host may hold blanks: "MacBook Air") */
	for (i = clock; i < lim; i++) {
		size_t k;

		if (line.p[i] != '[' || !(k = syslog_tag(line, i, clock, &rec->logger)))
			continue;
		rec->message = (struct eg_str){ line.p + k, line.len - k };
		rec->ts_ms = 0;          /* no year: the time is not known */
		return true;
	}
	return false;
}

/* "key=" at a token's start: the keys Go kit, logrus and slog print. */
static bool logfmt_key(struct eg_str t, const char *key)
{
	const char *q = t.p, *end = t.p + t.len;
	size_t n = strlen(key);

	while ((q = eg_str_find((struct eg_str){ q, (size_t)(end - q) }, key)) != NULL) {
		if (q == t.p || q[-1] == ' ')
			return true;
		q += n;
	}
	return false;
}

/* Go's log prefix "2024/01/22 00:55:29 ": skipped, its time read (UTC). */
static void go_prefix(struct eg_str *t, int64_t *ms)
{
	char ts[20];
	struct eg_scan s;
	bool off;

	if (t->len <= 20 || !is_digit(t->p[0]) || t->p[4] != '/' || t->p[7] != '/' ||
	    t->p[10] != ' ' || t->p[13] != ':' || t->p[19] != ' ')
		return;
	memcpy(ts, t->p, 19);
	ts[4] = ts[7] = '-';
	eg_scan_init(&s, ts, 19);
	if (eg_scan_log_time(&s, ms, &off))
		*ms = 0;
	t->p += 20;
	t->len -= 20;
}

/* ts=2023-05-01T14:52:17.105457551Z as ms (UTC), or 0. */
static int64_t ts_key(struct eg_str t)
{
	const char *q = eg_str_find(t, "ts=");
	char ts[40];
	size_t n = 0;
	struct eg_scan s;
	int64_t ms = 0;
	bool off;

	if (!q || (q != t.p && q[-1] != ' ') || (size_t)(t.p + t.len - q) <= 22 || q[13] != 'T')
		return 0;
	for (q += 3; n < sizeof(ts) - 1 && q < t.p + t.len && *q != ' ' && *q != 'Z'; q++)
		ts[n++] = *q == 'T' ? ' ' : *q;
	ts[n] = '\0';
	eg_scan_init(&s, ts, n);
	return eg_scan_log_time(&s, &ms, &off) ? 0 : ms;
}

bool eg_mdmlog_parse_logfmt(struct eg_str line, struct eg_mdmlog_rec *rec)
{
	static const char *const keys[] = { "level=", "transport=", "component=", "err=",
					    "msg=", "caller=", "handler=", NULL };
	struct eg_str t = line;
	const char *q;
	int i, hits = 0;

	memset(rec, 0, sizeof(*rec));
	go_prefix(&t, &rec->ts_ms);
	for (i = 0; keys[i]; i++)
		hits += logfmt_key(t, keys[i]);
	if (!hits || !(t.len && is_alpha(t.p[0])))
		return false;
	if (!rec->ts_ms)
		rec->ts_ms = ts_key(t);
	if ((q = eg_str_find(t, "component=")) && (q == t.p || q[-1] == ' ')) {
		const char *e = q + 10;

		while (e < t.p + t.len && *e != ' ')
			e++;
		rec->logger = (struct eg_str){ q + 10, (size_t)(e - q - 10) };
	}
	rec->message = t;
	return true;
}
