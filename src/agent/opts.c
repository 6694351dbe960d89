#include "opts.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "usage.h"
#include "banned.h"

void opts_help(FILE *f, const struct eg_opt *t, size_t n, const char *usage,
	       const char *about)
{
	size_t i;

	fprintf(f, "usage: enrollguard [--root DIR] %s\n\n%s\n\noptions "
		   "(managed-preferences key in brackets):\n", usage, about);
	for (i = 0; i < n; i++) {
		char left[64], range[128];

		if (t[i].type == EG_OPT_BOOL)
			snprintf(left, sizeof(left), "--%s", t[i].name);
		else
			snprintf(left, sizeof(left), "--%s %s", t[i].name, t[i].arg);
		eg_config_describe_range(&t[i], range, sizeof(range));
		fprintf(f, "  %-30s %s\n  %-30s [%s] %s%s%s\n", left, t[i].help, "",
			strcmp(t[i].key, "-") ? t[i].key : "flag only", t[i].type == EG_OPT_BOOL ? "" : range,
			t[i].def && t[i].type != EG_OPT_BOOL ? ", default " : "",
			t[i].def && t[i].type != EG_OPT_BOOL ? t[i].def : "");
	}
	fprintf(f, "  %-30s %s\n", "-h, --help", "show this help");
}

int opts_parse_args(const struct eg_opt *t, size_t n, void *vals,
		    bool *set_by_flag, int argc, char **argv, const char *usage,
		    const char *about, char **args, int maxargs, int *nargs)
{
	int i;

	if (nargs)
		*nargs = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq, *val;
		const struct eg_opt *o;
		struct eg_diag d = EG_DIAG_INIT;
		char what[96];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			opts_help(stdout, t, n, usage, about);
			return 1;
		}
		if (strncmp(a, "--", 2) || !strcmp(a, "-")) {
			if (nargs && *nargs < maxargs) {
				args[(*nargs)++] = argv[i];
				continue;
			}
			error(nargs ? "too many arguments ('%s')" : "unexpected argument '%s'", a);
			goto usage;
		}
		eq = strchr(a + 2, '=');
		o = eg_config_find(t, n, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
		if (!o) {
			error("unknown option '%.*s'", eq ? (int)(eq - a) : (int)strlen(a), a);
			goto usage;
		}
		snprintf(what, sizeof(what), "option '--%s'", o->name);
		if (o->type == EG_OPT_BOOL && !eq) {
			val = "true";
		} else if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			error("%s needs a value (%s)", what, o->arg);
			goto usage;
		}
		if (eg_config_set(o, vals, val, what, &d) != EG_OK)
			die(EG_EXIT_USAGE, "%s", d.msg);
		set_by_flag[o - t] = true;
	}
	return 0;
usage:
	fprintf(stderr, "usage: enrollguard [--root DIR] %s\n"
		"see 'enrollguard %.*s --help'\n", usage,
		(int)strcspn(usage, " "), usage);
	exit(EG_EXIT_USAGE);
}
