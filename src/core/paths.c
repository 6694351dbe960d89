#include "paths.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

static const struct {
	const char *name;
	const char *path;
} table[EG_PATH__COUNT] = {
	[EG_PATH_PROFILES] = { "profiles", "/usr/bin/profiles" },
	[EG_PATH_POWERMETRICS] = { "powermetrics", "/usr/bin/powermetrics" },
	[EG_PATH_PMSET] = { "pmset", "/usr/bin/pmset" },
	[EG_PATH_LOG] = { "log", "/usr/bin/log" },
	[EG_PATH_PGREP] = { "pgrep", "/usr/bin/pgrep" },
	[EG_PATH_SW_VERS] = { "sw_vers", "/usr/bin/sw_vers" },
	[EG_PATH_SYSTEM_PROFILER] = { "system_profiler", "/usr/sbin/system_profiler" },
	[EG_PATH_SYSCTL] = { "sysctl", "/usr/sbin/sysctl" },
	[EG_PATH_LAUNCHCTL] = { "launchctl", "/bin/launchctl" },
	[EG_PATH_SECURITY] = { "security", "/usr/bin/security" },
	[EG_PATH_MDMCLIENT] = { "mdmclient", "/usr/libexec/mdmclient" },
	[EG_PATH_SYSTEM_VERSION_PLIST] = { "SystemVersion.plist",
		"/System/Library/CoreServices/SystemVersion.plist" },
	[EG_PATH_APSD_KEYCHAIN] = { "apsd.keychain", "/Library/Keychains/apsd.keychain" },
	[EG_PATH_LAUNCHDAEMON] = { "LaunchDaemon",
		"/Library/LaunchDaemons/com.enrollguard.run.plist" },
	[EG_PATH_MANAGED_PREFS] = { "managed preferences",
		"/Library/Managed Preferences/com.enrollguard.plist" },
	[EG_PATH_LOG_FILE] = { "log file", "/var/log/enrollguard.log" },
	[EG_PATH_EVENT_LOG] = { "event log", "/var/log/enrollguard.jsonl" },
	[EG_PATH_STATE_DIR] = { "state directory", "/var/db/enrollguard" },
	[EG_PATH_PKGBUILD] = { "pkgbuild", "/usr/bin/pkgbuild" },
	[EG_PATH_PRODUCTBUILD] = { "productbuild", "/usr/bin/productbuild" },
	[EG_PATH_INSTALLED_BINARY] = { "enrollguard", "/usr/local/sbin/enrollguard" },
	[EG_PATH_LOCAL_PREFS] = { "preferences",
		"/Library/Preferences/com.enrollguard.plist" },
	/* present once Setup Assistant has finished (field-guide.md 8.1) */
	[EG_PATH_SETUP_DONE] = { ".AppleSetupDone", "/var/db/.AppleSetupDone" },
	/* field-guide.md 1.2: the record the last DEP check cached */
	[EG_PATH_CLOUD_RECORD] = { "cached activation record",
		"/private/var/db/ConfigurationProfiles/Settings/.cloudConfigRecordFound" },
};

const char *eg_path_default(enum eg_path p)
{
	return (p >= 0 && p < EG_PATH__COUNT) ? table[p].path : "";
}

const char *eg_path_name(enum eg_path p)
{
	return (p >= 0 && p < EG_PATH__COUNT) ? table[p].name : "";
}

enum eg_err eg_path_join(const char *root, const char *path, char *out,
			 size_t n)
{
	size_t rl = root ? strlen(root) : 0;
	int k;

	/* "/tmp/mac/" + "/usr/bin/x": drop the root's trailing slashes */
	while (rl > 0 && root[rl - 1] == '/')
		rl--;
	k = snprintf(out, n, "%.*s%s", (int)rl, rl ? root : "", path);
	if (k < 0 || (size_t)k >= n)
		return EG_ERR_TOO_LARGE;
	return EG_OK;
}
