/*
 * opts.h: command-line parsing and --help for a subcommand, driven by the
 * core's option table (config.h), so flags, keys and help cannot drift.
 */
#ifndef EG_OPTS_H
#define EG_OPTS_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"

/*
 * Parse argv[1..] (argv[0] is the subcommand) into vals. Sets
 * set_by_flag[i] for rows given on the command line. Returns 0 on
 * success, 1 when -h/--help was given (help printed), or exits with
 * EG_EXIT_USAGE on an unknown option or a bad value.
 * Extra rows may be handled by `extra` (return 1 if consumed, 0 if not).
 */
int opts_parse(const struct eg_opt *t, size_t n, void *vals, bool *set_by_flag,
	       int argc, char **argv, const char *usage, const char *about);

/*
 * The same, collecting arguments that are not options into args (at most
 * maxargs; more is a usage error) and their number into *nargs.
 */
int opts_parse_args(const struct eg_opt *t, size_t n, void *vals,
		    bool *set_by_flag, int argc, char **argv, const char *usage,
		    const char *about, char **args, int maxargs, int *nargs);

/* Print the usage line, about text and one line per option. */
void opts_help(FILE *f, const struct eg_opt *t, size_t n, const char *usage,
	       const char *about);

#endif
