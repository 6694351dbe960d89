#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "banned.h"

char eg_buf_empty[1];

void eg_buf_init(struct eg_buf *b, size_t cap)
{
	b->buf = eg_buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
}

void eg_buf_release(struct eg_buf *b)
{
	if (!b)
		return;
	if (b->alloc)
		free(b->buf);
	eg_buf_init(b, b->cap);
}

void eg_buf_reset(struct eg_buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->buf[0] = '\0';
}

static enum eg_err grow(struct eg_buf *b, size_t extra)
{
	size_t want;

	if (extra > b->cap || b->len > b->cap - extra) {
		eg_buf_release(b);
		return EG_ERR_TOO_LARGE;
	}
	want = b->len + extra + 1;
	if (want <= b->alloc)
		return EG_OK;
	if (want < 2 * b->alloc)
		want = 2 * b->alloc;
	if (want < 64)
		want = 64;
	if (want > b->cap + 1)
		want = b->cap + 1;
	if (b->alloc) {
		b->buf = eg_xrealloc(b->buf, want);
	} else {
		b->buf = eg_xmalloc(want);
		b->buf[0] = '\0';
	}
	b->alloc = want;
	return EG_OK;
}

enum eg_err eg_buf_add(struct eg_buf *b, const void *data, size_t n)
{
	enum eg_err rc;

	if (n == 0)
		return EG_OK;
	rc = grow(b, n);
	if (rc != EG_OK)
		return rc;
	memcpy(b->buf + b->len, data, n);
	b->len += n;
	b->buf[b->len] = '\0';
	return EG_OK;
}

enum eg_err eg_buf_addstr(struct eg_buf *b, const char *s)
{
	return eg_buf_add(b, s, strlen(s));
}

enum eg_err eg_buf_addch(struct eg_buf *b, char c)
{
	return eg_buf_add(b, &c, 1);
}

enum eg_err eg_buf_addf(struct eg_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	int n;
	enum eg_err rc;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return EG_ERR_INVALID;
	if ((size_t)n < sizeof(small))
		return eg_buf_add(b, small, (size_t)n);
	rc = grow(b, (size_t)n);
	if (rc != EG_OK)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return EG_OK;
}

void eg_buf_consume(struct eg_buf *b, size_t n)
{
	if (n >= b->len) {
		eg_buf_reset(b);
		return;
	}
	memmove(b->buf, b->buf + n, b->len - n);
	b->len -= n;
	b->buf[b->len] = '\0';
}

char *eg_buf_detach(struct eg_buf *b, size_t *len_out)
{
	char *p;

	if (len_out)
		*len_out = b->len;
	if (!b->alloc) {
		p = eg_xstrdup("");
	} else {
		p = b->buf;
	}
	eg_buf_init(b, b->cap);
	return p;
}
