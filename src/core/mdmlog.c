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
