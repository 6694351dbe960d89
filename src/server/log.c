#include "log.h"

#include <stdarg.h>
#include <stdio.h>

#include "banned.h"

void srv_log(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	/* one write per line, so threads do not interleave inside a line */
	fprintf(stderr, "enrollguard-server: %s\n", line);
}
