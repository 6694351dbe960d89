#include "timefmt.h"

#include <stdio.h>

#include "scan.h"

#include "banned.h"

int64_t eg_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void eg_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static void split(int64_t ms, int64_t *days, int *hh, int *mm, int *ss, int *mss)
{
	int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
	int64_t rem;

	*mss = (int)(ms - secs * 1000);
	*days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	rem = secs - *days * 86400;
	*hh = (int)(rem / 3600);
	*mm = (int)(rem % 3600 / 60);
	*ss = (int)(rem % 60);
}

void eg_format_iso(int64_t ms, char *out, size_t n)
{
	int64_t days, y;
	unsigned mo, d;
	int hh, mm, ss, mss;

	split(ms, &days, &hh, &mm, &ss, &mss);
	eg_civil_from_days(days, &y, &mo, &d);
	snprintf(out, n, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", (long long)y,
		 mo, d, hh, mm, ss, mss);
}

void eg_format_human(int64_t ms, int offset_min, char *out, size_t n)
{
	int64_t days, y;
	unsigned mo, d;
	int hh, mm, ss, mss, off = offset_min < 0 ? -offset_min : offset_min;

	split(ms + (int64_t)offset_min * 60000, &days, &hh, &mm, &ss, &mss);
	eg_civil_from_days(days, &y, &mo, &d);
	snprintf(out, n, "%04lld-%02u-%02u %02d:%02d:%02d %c%02d%02d",
		 (long long)y, mo, d, hh, mm, ss, offset_min < 0 ? '-' : '+',
		 off / 60, off % 60);
}

static int scan_fixed(struct eg_scan *s, int digits, unsigned *v)
{
	unsigned n = 0;
	int i;

	for (i = 0; i < digits; i++) {
		if (s->p >= s->end || *s->p < '0' || *s->p > '9')
			return 1;
		n = n * 10 + (unsigned)(*s->p++ - '0');
	}
	*v = n;
	return 0;
}

static int scan_offset(struct eg_scan *s, int *offset_min)
{
	unsigned hh, mm;
	int sign;

	if (!eg_scan_ch(s, 'Z')) {
		*offset_min = 0;
		return 0;
	}
	if (s->p >= s->end || (*s->p != '+' && *s->p != '-'))
		return 1;
	sign = *s->p++ == '-' ? -1 : 1;
	if (scan_fixed(s, 2, &hh) || eg_scan_ch(s, ':') || scan_fixed(s, 2, &mm) ||
	    hh > 23 || mm > 59)
		return 1;
	*offset_min = sign * (int)(hh * 60 + mm);
	return 0;
}

/* "2026-11-23T00:35:28" into its six fields. */
static int scan_date_time(struct eg_scan *s, unsigned f[6])
{
	return scan_fixed(s, 4, &f[0]) || eg_scan_ch(s, '-') || scan_fixed(s, 2, &f[1]) ||
	       eg_scan_ch(s, '-') || scan_fixed(s, 2, &f[2]) || eg_scan_ch(s, 'T') ||
	       scan_fixed(s, 2, &f[3]) || eg_scan_ch(s, ':') || scan_fixed(s, 2, &f[4]) ||
	       eg_scan_ch(s, ':') || scan_fixed(s, 2, &f[5]);
}

/* ".123456" (1 to 9 digits) as milliseconds; absent is 0. */
static int scan_fraction(struct eg_scan *s, unsigned *ms)
{
	unsigned digit;
	int ndig = 0;

	*ms = 0;
	if (eg_scan_ch(s, '.'))
		return 0;
	while (ndig < 9 && !scan_fixed(s, 1, &digit)) {
		if (ndig++ < 3)
			*ms = *ms * 10 + digit;
	}
	for (int i = ndig; i < 3; i++)
		*ms *= 10;
	return ndig == 0;
}

static int valid_date_time(const unsigned f[6])
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned y = f[0], mo = f[1], d = f[2];

	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || f[3] > 23 ||
	    f[4] > 59 || f[5] > 60)
		return 0;
	return !(mo == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0)));
}

int eg_parse_iso(const char *text, size_t len, int64_t *ms)
{
	struct eg_scan s;
	unsigned f[6], frac;
	int off;

	eg_scan_init(&s, text, len);
	if (scan_date_time(&s, f) || scan_fraction(&s, &frac) || scan_offset(&s, &off) ||
	    !eg_scan_eof(&s) || !valid_date_time(f))
		return 1;
	*ms = ((eg_days_from_civil(f[0], f[1], f[2]) * 86400 + f[3] * 3600 + f[4] * 60 +
		f[5] - (int64_t)off * 60) * 1000) + frac;
	return 0;
}
