/*
 * cmd-install.c: `enrollguard install`, for one Mac by hand: the binary,
 * the LaunchDaemon and the preferences (run's options given here), then
 * `launchctl bootout` (a previous load, if any) and `launchctl bootstrap`.
 * Idempotent: a second install changes nothing but reloads the daemon.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "deploy.h"
#include "launchd.h"
#include "mac.h"
#include "usage.h"
#include "banned.h"

static const struct eg_opt install_table[] = { DEPLOY_ROW_BINARY };

static int cmd_install_exec(void *state, const struct eg_cmd_ctx *c)
{
	const struct deploy_vals *v = state;
	const struct eg_global *g = c->g;
	struct eg_buf b = EG_BUF_INIT(1024 * 1024);
	char bin[PATH_MAX], daemon[PATH_MAX], prefs[PATH_MAX], said[512];
	bool c1 = false, c2 = false, c3 = false;
	int rc = EG_EXIT_ENV, keys, code;

	mac_path(g, EG_PATH_INSTALLED_BINARY, bin, sizeof(bin));
	mac_path(g, EG_PATH_LAUNCHDAEMON, daemon, sizeof(daemon));
	mac_path(g, EG_PATH_LOCAL_PREFS, prefs, sizeof(prefs));
	if (deploy_copy(deploy_binary(v, g), bin, 0755, &c1) ||
	    deploy_daemon_xml(&b) || deploy_write(daemon, b.buf, b.len, 0644, &c2))
		goto out;
	eg_buf_reset(&b);
	if ((keys = deploy_prefs_xml(v, c, &b)) < 0 ||
	    (keys > 0 && deploy_write(prefs, b.buf, b.len, 0644, &c3)))
		goto out;
	printf("%s %s\n%s %s\n", c1 ? "installed" : "unchanged", EG_INSTALL_BINARY,
	       c2 ? "installed" : "unchanged", EG_INSTALL_LAUNCHDAEMON);
	if (keys > 0)
		printf("%s %s (%d option%s)\n", c3 ? "installed" : "unchanged",
		       EG_INSTALL_LOCAL_PREFS, keys, keys == 1 ? "" : "s");
	/* not loaded is fine: bootout is only there to reload */
	deploy_launchctl(g, (const char *[]){ "bootout", "system/" EG_LAUNCHD_LABEL, NULL },
			 NULL, 0);
	code = deploy_launchctl(g, (const char *[]){ "bootstrap", "system",
						     EG_INSTALL_LAUNCHDAEMON, NULL },
				said, sizeof(said));
	if (code != 0) {
		error("launchctl bootstrap system %s failed (exit %d): %.300s",
		      EG_INSTALL_LAUNCHDAEMON, code, said);
		goto out;
	}
	printf("loaded %s\n", EG_LAUNCHD_LABEL);
	rc = EG_EXIT_OK;
out:
	eg_buf_release(&b);
	return rc;
}

const struct eg_cmd eg_cmd_install = {
	.name = "install",
	.usage = "install [--binary PATH] [run options]",
	.summary = "install on this Mac and load the LaunchDaemon (root)",
	.about = "Install enrollguard on this Mac and load its LaunchDaemon, which starts\n"
		 "'enrollguard run' (it does nothing on a Mac past Setup Assistant).",
	.flags = EG_CMD_NEEDS_ROOT | EG_CMD_RUN_OPTIONS,
	.opts = install_table,
	.nopts = EG_NROWS(install_table),
	.state_size = sizeof(struct deploy_vals),
	.exec = cmd_install_exec,
};
