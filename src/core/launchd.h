/*
 * launchd.h: the LaunchDaemon that runs `enrollguard run` at boot, as a
 * property list built with libplist (never by pasting strings).
 *
 * launchd.plist(5) keys used: Label, ProgramArguments, RunAtLoad,
 * KeepAlive {Crashed} (relaunch after a crash only: success and giving up
 * are final), ThrottleInterval, StandardOutPath, StandardErrorPath.
 */
#ifndef EG_LAUNCHD_H
#define EG_LAUNCHD_H

#include "buf.h"
#include "err.h"

#define EG_LAUNCHD_LABEL "com.enrollguard.run"
#define EG_INSTALL_BINARY "/usr/local/sbin/enrollguard"
#define EG_INSTALL_LAUNCHDAEMON "/Library/LaunchDaemons/com.enrollguard.run.plist"
#define EG_INSTALL_LOCAL_PREFS "/Library/Preferences/com.enrollguard.plist"
#define EG_INSTALL_STDOUT "/var/log/enrollguard.out"

/*
 * Append the XML plist of the LaunchDaemon that runs `program run` to out.
 * Returns EG_OK or EG_ERR_TOO_LARGE.
 */
enum eg_err eg_launchd_daemon_xml(const char *program, struct eg_buf *out);

#endif
