/*
 * alloc.h: allocation that never returns NULL.
 *
 * Running out of memory is not recoverable for enrollguard: eg_xmalloc()
 * and friends print the size that failed to stderr and abort. Limits on
 * *input* size are a different matter and are enforced by struct eg_buf's
 * cap, which fails cleanly (see buf.h).
 *
 * Each call is one EG_FAULT_ALLOC of fault.h: a test can fail the Nth.
 */
#ifndef EG_ALLOC_H
#define EG_ALLOC_H

#include <stddef.h>

/* Each returns memory the caller frees with free(). */
void *eg_xmalloc(size_t size);
void *eg_xcalloc(size_t n, size_t size);
void *eg_xrealloc(void *ptr, size_t size);
char *eg_xstrdup(const char *s);
char *eg_xstrndup(const char *s, size_t n);

#endif
