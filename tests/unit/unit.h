/*
 * unit.h: what every cmocka unit test file includes. Output is TAP so
 * meson counts each test function, and RUN() names the group.
 */
#ifndef EG_UNIT_H
#define EG_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define RUN(tests)                                                       \
	do {                                                             \
		cmocka_set_message_output(CM_OUTPUT_TAP);                \
		return cmocka_run_group_tests(tests, NULL, NULL);        \
	} while (0)

#define S(lit) lit, sizeof(lit) - 1

#ifdef UNIT_TMPDIR
#include <stdio.h>
#include <stdlib.h>

/* A fresh temporary directory per test, in `dir`, removed afterwards. */
static char dir[64];

static int unit_tmpdir_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/egtest.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int unit_tmpdir_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}
#endif

#ifdef UNIT_MAN
#include <stdbool.h>
#include <stdio.h>

#include "file.h"

/*
 * The text of man page `page` (under SRCDIR) from the first line that is
 * `from` up to the next line starting with `to`, into out. Fails the
 * test when either is missing.
 */
static void unit_man_between(const char *page, const char *from, const char *to,
			     struct eg_buf *out)
{
	struct eg_buf b = EG_BUF_INIT(1024 * 1024);
	struct eg_diag d = EG_DIAG_INIT;
	char path[512], head[128], tail[64];
	const char *p, *end;

	snprintf(path, sizeof(path), "%s/docs/%s", SRCDIR, page);
	assert_int_equal(eg_file_read(path, &b, &d), EG_OK);
	snprintf(head, sizeof(head), "\n%s\n", from);
	snprintf(tail, sizeof(tail), "\n%s", to);
	p = strstr(b.buf, head);
	if (!p)
		fail_msg("%s has no line '%s'", page, from);
	p += strlen(head);
	end = strstr(p - 1, tail);
	if (!end)
		fail_msg("%s has no '%s' after '%s'", page, to, from);
	assert_int_equal(eg_buf_add(out, p, (size_t)(end + 1 - p)), EG_OK);
	eg_buf_release(&b);
}

/*
 * The words of an mdoc line such as ".It Li a , b" or ".Li a , b , c",
 * without the macros and the commas; returns how many (at most max).
 */
static size_t unit_man_words(const char *line, size_t len, char w[][64], size_t max)
{
	size_t n = 0, i = 0;

	while (i < len && n < max) {
		size_t j = i;

		while (j < len && line[j] != ' ')
			j++;
		if (j > i && line[i] != '.' && !(j - i == 2 && !memcmp(line + i, "Li", 2)) &&
		    !(j - i == 1 && line[i] == ','))
			snprintf(w[n++], 64, "%.*s", (int)(j - i), line + i);
		i = j + 1;
	}
	return n;
}
#endif

#endif
