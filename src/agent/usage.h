/*
 * usage.h: the CLI's one voice for errors (git's usage.c style).
 *
 * Messages are lowercase, without a final full stop, say what failed
 * first and quote the subject: "cannot open '%s': %s". die() exits with
 * the given code; error() returns -1 so callers can `return error(...)`.
 * Control characters in a message (text that came from a device or a log)
 * are printed as '?', so one message is one line.
 */
#ifndef EG_USAGE_H
#define EG_USAGE_H

#include <stddef.h>

void die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void BUG(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* The program name used in messages ("enrollguard"). */
extern const char *eg_progname;

#endif
