#include "usage.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "banned.h"

const char *eg_progname = "enrollguard";

static void report(const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void report(const char *prefix, const char *fmt, va_list ap)
{
	char msg[2048];
	size_t i;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* one message, one line: no control characters reach the terminal */
	for (i = 0; msg[i]; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			msg[i] = '?';
	fflush(stdout);
	fprintf(stderr, "%s: %s%s\n", eg_progname, prefix, msg);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("", fmt, ap);
	va_end(ap);
	exit(code);
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("", fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("warning: ", fmt, ap);
	va_end(ap);
}

void BUG(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("BUG: ", fmt, ap);
	va_end(ap);
	abort();
}
