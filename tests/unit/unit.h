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

#endif
