/*
 * cmd-uninstall.c: `enrollguard uninstall`: unload the LaunchDaemon and
 * remove what install or the package put on the Mac. The logs and the
 * run's state stay, for the record. Idempotent.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "deploy.h"
#include "launchd.h"
#include "mac.h"
#include "usage.h"
#include "banned.h"

static const struct eg_opt uninstall_table[] = { DEPLOY_ROW_KEEP_BINARY };

static int removed(const char *path, const char *shown, int *n)
{
	if (unlink(path) == 0) {
		printf("removed %s\n", shown);
		(*n)++;
		return 0;
	}
	if (errno == ENOENT)
		return 0;
	return error("cannot remove '%s': %s", path, strerror(errno));
}

static int cmd_uninstall_exec(void *state, const struct eg_cmd_ctx *c)
{
	const struct deploy_vals *v = state;
	const struct eg_global *g = c->g;
	char path[PATH_MAX];
	int rc = EG_EXIT_OK, n = 0, code;

	code = deploy_launchctl(g, (const char *[]){ "bootout", "system/" EG_LAUNCHD_LABEL, NULL },
				NULL, 0);
	if (code == 0) {
		printf("unloaded %s\n", EG_LAUNCHD_LABEL);
		n++;
	}
	mac_path(g, EG_PATH_LAUNCHDAEMON, path, sizeof(path));
	if (removed(path, EG_INSTALL_LAUNCHDAEMON, &n))
		rc = EG_EXIT_ENV;
	mac_path(g, EG_PATH_LOCAL_PREFS, path, sizeof(path));
	if (removed(path, EG_INSTALL_LOCAL_PREFS, &n))
		rc = EG_EXIT_ENV;
	mac_path(g, EG_PATH_INSTALLED_BINARY, path, sizeof(path));
	if (!v->keep_binary && removed(path, EG_INSTALL_BINARY, &n))
		rc = EG_EXIT_ENV;
	if (n == 0)
		printf("enrollguard is not installed: nothing to do\n");
	else
		printf("kept the logs (/var/log/enrollguard.*) and the state (/var/db/enrollguard)\n");
	return rc;
}

const struct eg_cmd eg_cmd_uninstall = {
	.name = "uninstall",
	.usage = "uninstall [--keep-binary]",
	.summary = "unload the LaunchDaemon and remove enrollguard (root)",
	.about = "Unload the LaunchDaemon and remove the binary, the LaunchDaemon and the\n"
		 "preferences. Logs (/var/log/enrollguard.*) and state (/var/db/enrollguard) stay.",
	.flags = EG_CMD_NEEDS_ROOT,
	.opts = uninstall_table,
	.nopts = EG_NROWS(uninstall_table),
	.state_size = sizeof(struct deploy_vals),
	.exec = cmd_uninstall_exec,
};
