#include "timefmt.h"

#include <stdio.h>

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
