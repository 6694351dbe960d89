#include "json.h"

#include <string.h>

#include "banned.h"

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t left)
{
	size_t n, i;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

enum eg_err eg_json_quote(struct eg_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	static const char hex[] = "0123456789abcdef";
	enum eg_err rc = eg_buf_addch(b, '"');
	size_t i = 0;

	while (rc == EG_OK && i < len) {
		unsigned char c = p[i];
		size_t n;

		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };

			rc = eg_buf_add(b, esc, 2);
			i++;
		} else if (c == '\n') {
			rc = eg_buf_add(b, "\\n", 2);
			i++;
		} else if (c == '\t') {
			rc = eg_buf_add(b, "\\t", 2);
			i++;
		} else if (c == '\r') {
			rc = eg_buf_add(b, "\\r", 2);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			rc = eg_buf_add(b, esc, 6);
			i++;
		} else if ((n = utf8_len(p + i, len - i)) == 0) {
			rc = eg_buf_add(b, "\\ufffd", 6);
			i++;
		} else {
			rc = eg_buf_add(b, p + i, n);
			i += n;
		}
	}
	if (rc == EG_OK)
		rc = eg_buf_addch(b, '"');
	return rc;
}

/* Whether level w->depth is an array, and whether it has a member. */
static bool in_array(const struct eg_jw *w)
{
	return w->depth && (w->array >> (w->depth - 1) & 1);
}

/*
 * Before a value: the ',' after an earlier member, then the key in an
 * object. A key in an array or none in an object sets EG_ERR_INVALID.
 */
static void key(struct eg_jw *w, const char *k)
{
	uint32_t bit;

	if (w->rc != EG_OK)
		return;
	if (!w->depth || in_array(w) != (k == NULL)) {
		w->rc = EG_ERR_INVALID;
		return;
	}
	bit = (uint32_t)1 << (w->depth - 1);
	if (w->used & bit)
		w->rc = eg_buf_addch(w->b, ',');
	w->used |= bit;
	if (w->rc == EG_OK && k)
		w->rc = eg_json_quote(w->b, k, strlen(k));
	if (w->rc == EG_OK && k)
		w->rc = eg_buf_addch(w->b, ':');
}

/* Open a level: '{' or '['. */
static void open_level(struct eg_jw *w, bool array)
{
	uint32_t bit;

	if (w->rc != EG_OK)
		return;
	if (w->depth == EG_JW_DEPTH) {
		w->rc = EG_ERR_INVALID;
		return;
	}
	bit = (uint32_t)1 << w->depth++;
	w->used &= ~bit;
	if (array)
		w->array |= bit;
	else
		w->array &= ~bit;
	w->rc = eg_buf_addch(w->b, array ? '[' : '{');
}

void eg_jw_begin(struct eg_jw *w, struct eg_buf *b)
{
	w->b = b;
	w->depth = 0;
	w->array = w->used = 0;
	w->rc = EG_OK;
	open_level(w, false);
}

void eg_jw_end(struct eg_jw *w)
{
	bool array;

	if (w->rc != EG_OK)
		return;
	if (!w->depth) {
		w->rc = EG_ERR_INVALID;
		return;
	}
	array = in_array(w);
	w->depth--;
	w->rc = eg_buf_addch(w->b, array ? ']' : '}');
}

void eg_jw_strn(struct eg_jw *w, const char *k, const char *val, size_t len)
{
	key(w, k);
	if (w->rc == EG_OK)
		w->rc = eg_json_quote(w->b, val, len);
}

void eg_jw_str(struct eg_jw *w, const char *k, const char *val)
{
	eg_jw_strn(w, k, val, strlen(val));
}

void eg_jw_int(struct eg_jw *w, const char *k, int64_t val)
{
	key(w, k);
	if (w->rc == EG_OK)
		w->rc = eg_buf_addf(w->b, "%lld", (long long)val);
}

void eg_jw_bool(struct eg_jw *w, const char *k, bool val)
{
	key(w, k);
	if (w->rc == EG_OK)
		w->rc = eg_buf_addstr(w->b, val ? "true" : "false");
}

void eg_jw_null(struct eg_jw *w, const char *k)
{
	key(w, k);
	if (w->rc == EG_OK)
		w->rc = eg_buf_addstr(w->b, "null");
}

void eg_jw_raw(struct eg_jw *w, const char *k, const char *json)
{
	key(w, k);
	if (w->rc == EG_OK)
		w->rc = eg_buf_addstr(w->b, json);
}

void eg_jw_object(struct eg_jw *w, const char *k)
{
	key(w, k);
	open_level(w, false);
}

void eg_jw_array(struct eg_jw *w, const char *k)
{
	key(w, k);
	open_level(w, true);
}

void eg_jw_elem(struct eg_jw *w)
{
	eg_jw_object(w, NULL);
}
