#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "banned.h"

static void oom(size_t size)
{
	char msg[96];
	int n = snprintf(msg, sizeof(msg),
			 "fatal: out of memory allocating %zu bytes\n", size);

	/* write(2) directly: stdio may itself need memory */
	if (n > 0)
		(void)!write(2, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	abort();
}

void *eg_xmalloc(size_t size)
{
	void *p = eg_fault_now(EG_FAULT_ALLOC) ? NULL : malloc(size ? size : 1);

	if (!p)
		oom(size);
	return p;
}

void *eg_xcalloc(size_t n, size_t size)
{
	void *p = eg_fault_now(EG_FAULT_ALLOC) ? NULL : calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom(n * size);
	return p;
}

void *eg_xrealloc(void *ptr, size_t size)
{
	void *p = eg_fault_now(EG_FAULT_ALLOC) ? NULL : realloc(ptr, size ? size : 1);

	if (!p)
		oom(size);
	return p;
}

char *eg_xstrndup(const char *s, size_t n)
{
	char *p = eg_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *eg_xstrdup(const char *s)
{
	return eg_xstrndup(s, strlen(s));
}
