/*
 * main.c: `enrollguard [--root DIR] <command> [options]`.
 *
 * Does the shared work once: makes sure fds 0-2 are open, parses the
 * global options, finds the subcommand (with "did you mean"), checks its
 * preconditions, parses its options (cmd.h), runs it, releases its
 * options, and turns a failed flush of stdout into an error instead of
 * silently losing output.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "cmd.h"
#ifdef EG_FAULT_INJECTION
#include "fault-env.h"
#endif
#include "opts.h"
#include "run-opts.h"
#include "usage.h"
#include "banned.h"

static const struct eg_cmd *const commands[] = {
	&eg_cmd_cert,
	&eg_cmd_check,
	&eg_cmd_explain,
	&eg_cmd_install,
	&eg_cmd_pkg,
	&eg_cmd_pkgroot,
	&eg_cmd_renew,
	&eg_cmd_run,
	&eg_cmd_status,
	&eg_cmd_uninstall,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: enrollguard [--root DIR] <command> [options]\n"
		   "       enrollguard --help | --version\n\n"
		   "commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\nglobal options:\n"
		   "  --root DIR  prefix every macOS path (tools, logs, state) with DIR\n"
		   "  -h, --help  show this help; `enrollguard <command> -h` for a command\n"
		   "  --version   print the version\n\n"
		   "exit status: 0 ok, 1 gave up, 2 usage or configuration, 3 environment,\n"
		   "4 already running, 5 renew stopped before a 403; see enrollguard(8)\n");
}

/* Levenshtein distance, small strings only. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t prev = row[0], tmp;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

static void check_fds(void)
{
	int fd;

	/* a closed 0-2 would make our next open() become stdout */
	for (fd = 0; fd < 3; fd++) {
		struct stat st;

		if (fstat(fd, &st) && errno == EBADF) {
			int n = open("/dev/null", O_RDWR);

			if (n < 0)
				abort();
			if (n != fd) {
				dup2(n, fd);
				close(n);
			}
		}
	}
}

static int finish_stdout(int rc)
{
	/* output lost on a full disk must not look like success */
	if (fflush(stdout) || ferror(stdout))
		return error("cannot write to standard output: %s",
			     strerror(errno)), EG_EXIT_ENV;
	if (fclose(stdout) && errno != EBADF)
		return error("cannot close standard output: %s",
			     strerror(errno)), EG_EXIT_ENV;
	return rc;
}

/* Parse the global options; returns the index of the command, or exits. */
static int parse_global(int argc, char **argv, struct eg_global *g)
{
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i];

		if (!strcmp(a, "--root") && i + 1 < argc) {
			g->root = argv[i + 1];
			i += 2;
		} else if (!strncmp(a, "--root=", 7)) {
			g->root = a + 7;
			i++;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_help(stdout);
			exit(finish_stdout(EG_EXIT_OK));
		} else if (!strcmp(a, "--version")) {
			printf("enrollguard %s\n", EG_VERSION);
			exit(finish_stdout(EG_EXIT_OK));
		} else if (!strcmp(a, "--root")) {
			die(EG_EXIT_USAGE, "option '--root' needs a directory");
		} else {
			error("unknown global option '%s'", a);
			print_help(stderr);
			exit(EG_EXIT_USAGE);
		}
	}
	if (g->root[0] && g->root[0] != '/')
		die(EG_EXIT_USAGE, "option '--root': '%s' must be an absolute path",
		    g->root);
	if (g->root[0]) {
		struct stat st;

		if (stat(g->root, &st) || !S_ISDIR(st.st_mode))
			die(EG_EXIT_USAGE, "option '--root': '%s' is not a directory",
			    g->root);
	}
	return i;
}

static const struct eg_cmd *find_cmd(const char *name)
{
	size_t k;

	for (k = 0; k < NCOMMANDS; k++)
		if (!strcmp(name, commands[k]->name))
			return commands[k];
	error("'%s' is not an enrollguard command; see 'enrollguard --help'", name);
	for (k = 0; k < NCOMMANDS; k++)
		if (distance(name, commands[k]->name) <= 2)
			fprintf(stderr, "\nThe most similar command is\n\t%s\n",
				commands[k]->name);
	exit(EG_EXIT_USAGE);
}

static bool wants_help(int argc, char **argv)
{
	int j;

	for (j = 1; j < argc; j++)
		if (!strcmp(argv[j], "-h") || !strcmp(argv[j], "--help"))
			return true;
	return false;
}

/*
 * Parse the command's options into a fresh state and run it. Its table
 * is run's rows (all but --config) then its own, with EG_CMD_RUN_OPTIONS.
 */
static int run_cmd(const struct eg_cmd *cmd, int argc, char **argv,
		   const struct eg_global *g)
{
	struct eg_cmd_ctx c = { .g = g };
	struct eg_opt *table;
	char *state, **args;
	bool *set;
	size_t n = 0, i;
	int rc;

	if (cmd->flags & EG_CMD_RUN_OPTIONS)
		c.nrun = run_table_len - RUN_OPTS_LOCAL;
	table = eg_xmalloc((c.nrun + cmd->nopts + 1) * sizeof(*table));
	for (i = 0; i < c.nrun; i++)
		table[n++] = run_table[i];
	for (i = 0; i < cmd->nopts; i++)
		table[n++] = cmd->opts[i];
	set = eg_xcalloc(n + 1, sizeof(*set));
	args = eg_xcalloc((size_t)cmd->maxargs + 1, sizeof(*args));
	state = eg_xcalloc(1, cmd->state_size);
	c.table = table;
	c.ntable = n;
	c.set = set;
	c.args = args;
	eg_config_defaults(table, n, state + cmd->opts_offset);
	if (opts_parse_args(table, n, state + cmd->opts_offset, set, argc, argv,
			    cmd->usage, cmd->about, cmd->maxargs ? args : NULL,
			    cmd->maxargs, cmd->maxargs ? &c.nargs : NULL))
		rc = EG_EXIT_OK;    /* -h: the help is printed */
	else
		rc = cmd->exec(state, &c);
	eg_config_release(table, n, state + cmd->opts_offset);
	free(state);
	free(args);
	free(set);
	free(table);
	return rc;
}

int main(int argc, char **argv)
{
	struct eg_global g = { "", argv[0] };
	const struct eg_cmd *cmd;
	int i;

	check_fds();
#ifdef EG_FAULT_INJECTION
	fault_from_env();      /* the test binary only (tests/tools/fault-env.c) */
#endif
	i = parse_global(argc, argv, &g);
	if (i >= argc) {
		print_help(stderr);
		return EG_EXIT_USAGE;
	}
	cmd = find_cmd(argv[i]);
	if ((cmd->flags & EG_CMD_NEEDS_ROOT) && !g.root[0] && geteuid() != 0 &&
	    !wants_help(argc - i, argv + i))
		die(EG_EXIT_ENV, "'%s' must run as root (try: sudo enrollguard %s)",
		    cmd->name, cmd->name);
	return finish_stdout(run_cmd(cmd, argc - i, argv + i, &g));
}
