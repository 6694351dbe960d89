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
 * Parse argv[1..] (argv[0] is the subcommand) into vals, and set
 * set_by_flag[i] for the rows given on the command line; main.c does
 * this for every command (cmd.h). Arguments that are not options go to
 * args (at most maxargs; more is a usage error; args NULL: none taken)
 * and their number to *nargs. Returns 0, or 1 when -h/--help was given
 * (the help is printed); exits with EG_EXIT_USAGE, printing the usage,
 * on an unknown option, a missing or bad value, or an extra argument.
 */
int opts_parse_args(const struct eg_opt *t, size_t n, void *vals,
		    bool *set_by_flag, int argc, char **argv, const char *usage,
		    const char *about, char **args, int maxargs, int *nargs);

/* Print the usage line, about text and one line per option. */
void opts_help(FILE *f, const struct eg_opt *t, size_t n, const char *usage,
	       const char *about);

#endif
