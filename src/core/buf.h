/*
 * buf.h: the one growable string buffer, with a mandatory cap.
 *
 * Invariants (checked by tests/unit/test-buf.c after every operation):
 *  - buf is never NULL and buf[len] is always '\0';
 *  - len < alloc whenever alloc > 0; alloc == 0 means buf points at a
 *    shared empty string that must not be written;
 *  - len never exceeds cap.
 *
 * An append that would pass the cap fails with EG_ERR_TOO_LARGE and
 * *releases* the buffer, so an error path cannot leak it. The only way to
 * take ownership of the bytes is eg_buf_detach().
 *
 * Calling sequence:
 *     struct eg_buf b = EG_BUF_INIT(64 * 1024);
 *     if ((rc = eg_buf_add(&b, p, n)) != EG_OK) goto out;
 *     ...use b.buf, b.len...
 *   out:
 *     eg_buf_release(&b);
 */
#ifndef EG_BUF_H
#define EG_BUF_H

#include <stddef.h>

#include "err.h"

extern char eg_buf_empty[1];

struct eg_buf {
	char *buf;     /* never NULL, NUL-terminated */
	size_t len;    /* bytes in use, not counting the NUL */
	size_t alloc;  /* bytes allocated; 0 while buf == eg_buf_empty */
	size_t cap;    /* the most len may ever be */
};

#define EG_BUF_INIT(cap_) { eg_buf_empty, 0, 0, (cap_) }

/* Set b empty with the given cap; allocates nothing. */
void eg_buf_init(struct eg_buf *b, size_t cap);

/* Free the contents and leave b empty (same cap). Accepts NULL. */
void eg_buf_release(struct eg_buf *b);

/* Keep the allocation, drop the contents. */
void eg_buf_reset(struct eg_buf *b);

/*
 * Append n bytes. Returns EG_OK, or EG_ERR_TOO_LARGE (b is released) when
 * the result would be longer than the cap.
 */
enum eg_err eg_buf_add(struct eg_buf *b, const void *data, size_t n);
enum eg_err eg_buf_addstr(struct eg_buf *b, const char *s);
enum eg_err eg_buf_addch(struct eg_buf *b, char c);
enum eg_err eg_buf_addf(struct eg_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Drop the first n bytes (n <= len). */
void eg_buf_consume(struct eg_buf *b, size_t n);

/*
 * Return the bytes as a NUL-terminated string the caller frees with
 * free(), and leave b empty. Never returns NULL.
 */
char *eg_buf_detach(struct eg_buf *b, size_t *len_out /* OUT: may be NULL */);

#endif
