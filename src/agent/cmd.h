/*
 * cmd.h: the subcommands of `enrollguard` and what they share.
 *
 * To add a subcommand:
 *  1. write src/agent/cmd-<name>.c exporting
 *     `const struct eg_cmd eg_cmd_<name>` with its usage and flags;
 *  2. declare it below and add it to the table in main.c (sorted);
 *  3. add it to src/agent/meson.build;
 *  4. document it in docs/enrollguard.8 (SYNOPSIS, a subsection, EXIT
 *     STATUS) and in CHANGES.
 * Tests that will check it: tests/e2e/t0001-cli-help.sh (every command
 * answers -h, and its usage matches the man page SYNOPSIS).
 */
#ifndef EG_CMD_H
#define EG_CMD_H

#include <stdbool.h>
#include <stdint.h>

/* Exit codes: a documented contract (enrollguard(8), EXIT STATUS). */
enum eg_exit {
	EG_EXIT_OK = 0,         /* done: enrolled, status printed... */
	EG_EXIT_GAVE_UP = 1,    /* run gave up at its deadline / cycles */
	EG_EXIT_USAGE = 2,      /* bad flags or configuration values */
	EG_EXIT_ENV = 3,        /* unwritable log, missing state... */
	EG_EXIT_RUNNING = 4,    /* another instance holds the lock */
	EG_EXIT_WOULD_403 = 5,  /* renew stopped: the MDM would answer 403 */
};

enum eg_cmd_flags {
	EG_CMD_NEEDS_ROOT = 1 << 0,   /* refuse unless euid 0 (or --root) */
};

/* What main() parsed before the subcommand. */
struct eg_global {
	const char *root;     /* --root DIR, or "" for the live system */
	const char *argv0;    /* how we were started, to find our binary */
};

struct eg_cmd {
	const char *name;
	const char *usage;    /* the SYNOPSIS line, without "enrollguard" */
	const char *summary;  /* one line for `enrollguard --help` */
	unsigned flags;       /* enum eg_cmd_flags */
	int (*exec)(int argc, char **argv, const struct eg_global *g);
};

extern const struct eg_cmd eg_cmd_cert;
extern const struct eg_cmd eg_cmd_check;
extern const struct eg_cmd eg_cmd_explain;
extern const struct eg_cmd eg_cmd_install;
extern const struct eg_cmd eg_cmd_pkg;
extern const struct eg_cmd eg_cmd_pkgroot;
extern const struct eg_cmd eg_cmd_renew;
extern const struct eg_cmd eg_cmd_run;
extern const struct eg_cmd eg_cmd_status;
extern const struct eg_cmd eg_cmd_uninstall;

#endif
