/*
 * cmd-pkg.c: `enrollguard pkg`, on macOS: pkgroot in a temporary
 * directory, then pkgbuild (a component package) and productbuild (the
 * distribution package `startosinstall --installpackage` requires),
 * optionally signed. Both tools run by absolute path, without a shell,
 * under a timeout.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "deploy.h"
#include "mac.h"
#include "usage.h"
#include "banned.h"

static const struct eg_opt pkg_table[] = {
	DEPLOY_ROW_OUT, DEPLOY_ROW_IDENTIFIER, DEPLOY_ROW_VERSION, DEPLOY_ROW_BINARY,
	DEPLOY_ROW_SIGN,
};

static int tool(const struct eg_global *g, enum eg_path p, const char *const *args)
{
	struct eg_child c = EG_CHILD_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	char how[128];
	int ok;

	if (mac_run(g, p, args, 10 * 60000, NULL, &c, &d) != EG_OK) {
		eg_child_release(&c);
		return error("%s (pkgbuild and productbuild come with macOS; "
			     "elsewhere run 'enrollguard pkgroot' and build on a Mac)",
			     d.msg);
	}
	ok = c.exit_code == 0;
	if (!ok) {
		eg_child_describe(&c, how, sizeof(how));
		error("%s %s: %.400s%.400s", eg_path_name(p), how, c.out.buf, c.err.buf);
	}
	eg_child_release(&c);
	return ok ? 0 : -1;
}

static int cmd_pkg_exec(void *state, const struct eg_cmd_ctx *c)
{
	const struct deploy_vals *v = state;
	const struct eg_global *g = c->g;
	char tmp[] = "/tmp/enrollguard-pkg.XXXXXX", payload[64], scripts[64], comp[80];
	int rc = EG_EXIT_OK;

	if (!v->out)
		die(EG_EXIT_USAGE, "option '--out' is required (FILE.pkg)");
	if (!mkdtemp(tmp))
		die(EG_EXIT_ENV, "cannot create a temporary directory");
	snprintf(payload, sizeof(payload), "%s/payload", tmp);
	snprintf(scripts, sizeof(scripts), "%s/scripts", tmp);
	snprintf(comp, sizeof(comp), "%s/component.pkg", tmp);
	rmdir(tmp);
	if (pkgroot_layout(v, c, tmp) ||
	    tool(g, EG_PATH_PKGBUILD, (const char *[]){
		    "--root", payload, "--scripts", scripts, "--identifier",
		    v->identifier, "--version", v->version, "--install-location",
		    "/", "--ownership", "recommended", comp, NULL }) ||
	    tool(g, EG_PATH_PRODUCTBUILD, v->sign ?
		 (const char *[]){ "--package", comp, "--sign", v->sign, v->out, NULL } :
		 (const char *[]){ "--package", comp, v->out, NULL })) {
		rc = EG_EXIT_ENV;
	} else {
		printf("built %s%s\n", v->out, v->sign ? " (signed)" : " (unsigned)");
	}
	deploy_rmtree(tmp);
	return rc;
}

const struct eg_cmd eg_cmd_pkg = {
	.name = "pkg",
	.usage = "pkg --out FILE.pkg [--sign IDENTITY] [--identifier ID] [--version V] [--binary PATH] [run options]",
	.summary = "build the installer package (macOS: pkgbuild, productbuild)",
	.about = "Build a signed or unsigned distribution package on macOS, ready for\n"
		 "startosinstall --installpackage, Munki, Jamf or any MDM.",
	.flags = EG_CMD_RUN_OPTIONS,
	.opts = pkg_table,
	.nopts = EG_NROWS(pkg_table),
	.state_size = sizeof(struct deploy_vals),
	.exec = cmd_pkg_exec,
};
