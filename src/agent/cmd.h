/*
 * cmd.h: the subcommands of `enrollguard` and what they share.
 *
 * main.c does the common work once for every command: the root check,
 * the option table's defaults, parsing argv (-h prints the help made
 * from the table, a bad option exits 2 with the usage), running the
 * command, releasing its options, and flushing stdout. A command is a
 * struct eg_cmd: names, texts, its option table, and exec().
 *
 * Calling sequence (main.c):
 *     state = zeroed cmd->state_size bytes;
 *     defaults of cmd->opts at state + cmd->opts_offset;
 *     parse argv into them (and run's rows, with EG_CMD_RUN_OPTIONS);
 *     rc = cmd->exec(state, &ctx);
 *     release the options, free state, flush stdout.
 *
 * To add a subcommand:
 *  1. write src/agent/cmd-<name>.c exporting
 *     `const struct eg_cmd eg_cmd_<name>` with its usage (the man page's
 *     SYNOPSIS line), summary, about text, flags, option table, state
 *     struct and exec (which finds its options already parsed in its
 *     state, and releases only what it allocated itself);
 *  2. declare it below and add it to the table in main.c (sorted);
 *  3. add it to src/agent/meson.build;
 *  4. document it in docs/enrollguard.8 (SYNOPSIS, a subsection, EXIT
 *     STATUS) and in CHANGES.
 * Tests that will check it: tests/e2e/t0001-cli-help.sh (every command
 * answers -h, and its usage matches the man page SYNOPSIS) and
 * t0002-cli-docs.sh (the man page documents each of its options).
 */
#ifndef EG_CMD_H
#define EG_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

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
	/*
	 * Also take every option of `run` but --config, before the
	 * command's own rows (pkgroot, pkg, install bake them into the
	 * preferences). The state must then begin with a struct run_opts.
	 */
	EG_CMD_RUN_OPTIONS = 1 << 1,
};

/* What main() parsed before the subcommand. */
struct eg_global {
	const char *root;     /* --root DIR, or "" for the live system */
	const char *argv0;    /* how we were started, to find our binary */
};

/* What main() hands to a command's exec, besides its state. */
struct eg_cmd_ctx {
	const struct eg_global *g;
	const struct eg_opt *table;   /* the rows parsed: run's first, if taken */
	size_t ntable;
	size_t nrun;                  /* how many of them are run's (0 or all but one) */
	const bool *set;              /* set[i]: table[i] was given on the command line */
	char **args;                  /* the arguments that are not options */
	int nargs;
};

struct eg_cmd {
	const char *name;
	const char *usage;    /* the SYNOPSIS line, without "enrollguard" */
	const char *summary;  /* one line for `enrollguard --help` */
	const char *about;    /* the paragraph under the usage in `<command> -h` */
	unsigned flags;       /* enum eg_cmd_flags */
	const struct eg_opt *opts;  /* its option table (NULL: none) */
	size_t nopts;
	size_t state_size;    /* bytes main() allocates, zeroed, for exec */
	size_t opts_offset;   /* where in the state the option values live */
	int maxargs;          /* arguments that are not options; more is a usage error */
	/*
	 * Run the command on its state (options parsed). Returns the exit
	 * code (enum eg_exit, or 128 + a signal). The state and the strings
	 * of its options are main()'s to free.
	 */
	int (*exec)(void *state, const struct eg_cmd_ctx *c);
};

/* The number of rows of an option table (an array, not a pointer). */
#define EG_NROWS(table) (sizeof(table) / sizeof((table)[0]))

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
