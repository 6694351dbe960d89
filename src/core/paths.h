/*
 * paths.h: every path on the Mac that enrollguard touches, in one table,
 * and the global root that prefixes them all (`--root DIR`, as in
 * `systemctl --root`). The fake Mac of the tests is such a root.
 *
 * To add a path: 1. add an enum value, 2. add its row in paths.c,
 * 3. make the fake Mac provide it (tests/fakemac/mkroot).
 */
#ifndef EG_PATHS_H
#define EG_PATHS_H

#include <stddef.h>

#include "err.h"

enum eg_path {
	EG_PATH_PROFILES = 0,
	EG_PATH_POWERMETRICS,
	EG_PATH_PMSET,
	EG_PATH_LOG,
	EG_PATH_PGREP,
	EG_PATH_SW_VERS,
	EG_PATH_SYSTEM_PROFILER,
	EG_PATH_SYSCTL,
	EG_PATH_LAUNCHCTL,
	EG_PATH_SECURITY,
	EG_PATH_MDMCLIENT,
	EG_PATH_SYSTEM_VERSION_PLIST,
	EG_PATH_APSD_KEYCHAIN,
	EG_PATH_LAUNCHDAEMON,
	EG_PATH_MANAGED_PREFS,
	EG_PATH_LOG_FILE,
	EG_PATH_EVENT_LOG,
	EG_PATH_STATE_DIR,
	EG_PATH_PKGBUILD,
	EG_PATH_PRODUCTBUILD,
	EG_PATH_INSTALLED_BINARY,
	EG_PATH_LOCAL_PREFS,
	EG_PATH_SETUP_DONE,
	EG_PATH_CLOUD_RECORD,
	EG_PATH__COUNT
};

/* The path on a real Mac (no root), e.g. "/usr/bin/profiles". */
const char *eg_path_default(enum eg_path p);

/* A short name for messages: "profiles". */
const char *eg_path_name(enum eg_path p);

/*
 * root + path into out. root may be NULL or "" (the live system).
 * Returns EG_OK or EG_ERR_TOO_LARGE.
 */
enum eg_err eg_path_join(const char *root, const char *path, char *out,
			 size_t n);

#endif
