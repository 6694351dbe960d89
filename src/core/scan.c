#include "scan.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

void eg_scan_init(struct eg_scan *s, const char *buf, size_t len)
{
	s->p = buf;
	s->end = buf + len;
}

bool eg_scan_eof(const struct eg_scan *s)
{
	return s->p >= s->end;
}

int eg_scan_lit(struct eg_scan *s, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n))
		return 1;
	s->p += n;
	return 0;
}

int eg_scan_ch(struct eg_scan *s, char c)
{
	if (s->p >= s->end || *s->p != c)
		return 1;
	s->p++;
	return 0;
}

int eg_scan_blanks(struct eg_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t'))
		s->p++;
	return 0;
}

int eg_scan_uint(struct eg_scan *s, uint64_t *v, uint64_t max)
{
	const char *p = s->p;
	uint64_t n = 0;

	if (p >= s->end || *p < '0' || *p > '9')
		return 1;
	while (p < s->end && *p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p - '0');

		if (n > (max - d) / 10)
			return 1;
		n = n * 10 + d;
		p++;
	}
	*v = n;
	s->p = p;
	return 0;
}

int eg_scan_int(struct eg_scan *s, int64_t *v, int64_t min, int64_t max)
{
	struct eg_scan t = *s;
	bool neg = false;
	uint64_t u;

	if (!eg_scan_ch(&t, '-'))
		neg = true;
	if (eg_scan_uint(&t, &u, (uint64_t)INT64_MAX))
		return 1;
	if ((neg ? -(int64_t)u : (int64_t)u) < min ||
	    (neg ? -(int64_t)u : (int64_t)u) > max)
		return 1;
	*v = neg ? -(int64_t)u : (int64_t)u;
	*s = t;
	return 0;
}

int eg_scan_milli(struct eg_scan *s, int64_t *v)
{
	struct eg_scan t = *s;
	bool neg = false;
	uint64_t whole, frac = 0;
	int digits = 0;

	if (!eg_scan_ch(&t, '-'))
		neg = true;
	if (eg_scan_uint(&t, &whole, 999999999999ULL))
		return 1;
	if (!eg_scan_ch(&t, '.')) {
		while (t.p < t.end && *t.p >= '0' && *t.p <= '9') {
			if (digits < 3) {
				frac = frac * 10 + (uint64_t)(*t.p - '0');
				digits++;
			}
			t.p++;
		}
	}
	while (digits < 3) {
		frac *= 10;
		digits++;
	}
	*v = (int64_t)(whole * 1000 + frac);
	if (neg)
		*v = -*v;
	*s = t;
	return 0;
}

int eg_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int eg_scan_hex(struct eg_scan *s, uint64_t *v, uint64_t max)
{
	struct eg_scan t = *s;
	uint64_t n = 0;
	int d;

	(void)eg_scan_lit(&t, "0x");
	if (t.p >= t.end || eg_hex_digit(*t.p) < 0)
		return 1;
	while (t.p < t.end && (d = eg_hex_digit(*t.p)) >= 0) {
		if (n > (max - (uint64_t)d) / 16)
			return 1;
		n = n * 16 + (uint64_t)d;
		t.p++;
	}
	*v = n;
	*s = t;
	return 0;
}

int eg_scan_word(struct eg_scan *s, struct eg_str *out, size_t max)
{
	const char *p = s->p;

	while (p < s->end && *p != ' ' && *p != '\t' && *p != '\r' &&
	       *p != '\n')
		p++;
	if (p == s->p || (size_t)(p - s->p) > max)
		return 1;
	out->p = s->p;
	out->len = (size_t)(p - s->p);
	s->p = p;
	return 0;
}

int eg_scan_until(struct eg_scan *s, char c, struct eg_str *out, size_t max)
{
	const char *q = memchr(s->p, c, (size_t)(s->end - s->p));

	if (!q || (size_t)(q - s->p) > max)
		return 1;
	out->p = s->p;
	out->len = (size_t)(q - s->p);
	s->p = q;
	return 0;
}

int eg_scan_rest(struct eg_scan *s, struct eg_str *out)
{
	out->p = s->p;
	out->len = (size_t)(s->end - s->p);
	s->p = s->end;
	return 0;
}

bool eg_next_line(const char **p, const char *end, struct eg_str *line)
{
	const char *nl;

	if (*p >= end)
		return false;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	line->p = *p;
	line->len = (size_t)((nl ? nl : end) - *p);
	if (line->len && line->p[line->len - 1] == '\r')
		line->len--;
	*p = nl ? nl + 1 : end;
	return true;
}

bool eg_str_eq(struct eg_str a, const char *lit)
{
	size_t n = strlen(lit);

	return a.len == n && (n == 0 || !memcmp(a.p, lit, n));
}

bool eg_str_starts(struct eg_str a, const char *lit)
{
	size_t n = strlen(lit);

	return a.len >= n && !memcmp(a.p, lit, n);
}

const char *eg_str_find(struct eg_str a, const char *lit)
{
	size_t n = strlen(lit);
	const char *p = a.p, *end = a.p + a.len;

	if (n == 0)
		return a.p;
	while ((size_t)(end - p) >= n) {
		const char *q = memchr(p, lit[0], (size_t)(end - p) - n + 1);

		if (!q)
			return NULL;
		if (!memcmp(q, lit, n))
			return q;
		p = q + 1;
	}
	return NULL;
}

static bool is_trim(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct eg_str eg_str_trim(struct eg_str a)
{
	while (a.len && is_trim(a.p[0])) {
		a.p++;
		a.len--;
	}
	while (a.len && is_trim(a.p[a.len - 1]))
		a.len--;
	return a;
}

struct eg_str eg_str_from(const char *cstr)
{
	struct eg_str s = { cstr, strlen(cstr) };

	return s;
}

enum eg_err eg_parse_duration(const char *text, uint64_t *ms, uint64_t max_ms)
{
	struct eg_scan s;
	uint64_t n, mult;

	eg_scan_init(&s, text, strlen(text));
	if (eg_scan_uint(&s, &n, UINT64_MAX / 3600000))
		return EG_ERR_INVALID;
	if (eg_scan_eof(&s) && n == 0)
		mult = 1;
	else if (!eg_scan_lit(&s, "ms"))
		mult = 1;
	else if (!eg_scan_ch(&s, 's'))
		mult = 1000;
	else if (!eg_scan_ch(&s, 'm'))
		mult = 60000;
	else if (!eg_scan_ch(&s, 'h'))
		mult = 3600000;
	else
		return EG_ERR_INVALID;
	if (!eg_scan_eof(&s))
		return EG_ERR_INVALID;
	if (n * mult > max_ms)
		return EG_ERR_RANGE;
	*ms = n * mult;
	return EG_OK;
}

void eg_format_duration(uint64_t ms, char *out, size_t outlen)
{
	if (ms == 0)
		snprintf(out, outlen, "0s");
	else if (ms % 3600000 == 0)
		snprintf(out, outlen, "%lluh", (unsigned long long)(ms / 3600000));
	else if (ms % 60000 == 0)
		snprintf(out, outlen, "%llum", (unsigned long long)(ms / 60000));
	else if (ms % 1000 == 0)
		snprintf(out, outlen, "%llus", (unsigned long long)(ms / 1000));
	else
		snprintf(out, outlen, "%llums", (unsigned long long)ms);
}
