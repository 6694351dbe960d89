/*
 * deploy.h: what pkgroot, pkg, install and uninstall share: the options
 * they take (run's options to bake, plus their own), copying the binary,
 * writing the LaunchDaemon and the preferences, and asking launchctl.
 *
 * Files an installation consists of (paths on the Mac, under --root):
 *   /usr/local/sbin/enrollguard                          0755 root:wheel
 *   /Library/LaunchDaemons/com.enrollguard.run.plist     0644 root:wheel
 *   /Library/Preferences/com.enrollguard.plist           0644 root:wheel
 */
#ifndef EG_DEPLOY_H
#define EG_DEPLOY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cmd.h"
#include "config.h"
#include "run-opts.h"

struct deploy_vals {
	struct run_opts run;   /* first: run_table's offsets apply as they are */
	char *out;
	char *identifier;
	char *version;
	char *binary;
	char *sign;
	bool keep_binary;
};

/*
 * The rows of their own options that the commands choose from, in this
 * order; run's rows come before them (EG_CMD_RUN_OPTIONS), and the
 * command's state is a struct deploy_vals.
 */
#define DEPLOY_DV(f) offsetof(struct deploy_vals, f)
#define DEPLOY_ROW_OUT { "out", "-", EG_OPT_PATH, 0, 0, NULL, NULL, "PATH", \
	"where to write (a directory for pkgroot, FILE.pkg for pkg)", DEPLOY_DV(out) }
#define DEPLOY_ROW_IDENTIFIER { "identifier", "-", EG_OPT_STRING, 0, 0, \
	"com.enrollguard.pkg", NULL, "ID", "package identifier", DEPLOY_DV(identifier) }
#define DEPLOY_ROW_VERSION { "version", "-", EG_OPT_STRING, 0, 0, EG_VERSION, NULL, \
	"V", "package version", DEPLOY_DV(version) }
#define DEPLOY_ROW_BINARY { "binary", "-", EG_OPT_PATH, 0, 0, NULL, NULL, "PATH", \
	"the enrollguard binary to ship (default: this one)", DEPLOY_DV(binary) }
#define DEPLOY_ROW_SIGN { "sign", "-", EG_OPT_STRING, 0, 0, NULL, NULL, "IDENTITY", \
	"sign the product archive with this Developer ID Installer identity", \
	DEPLOY_DV(sign) }
#define DEPLOY_ROW_KEEP_BINARY { "keep-binary", "-", EG_OPT_BOOL, 0, 0, "false", NULL, \
	"", "leave /usr/local/sbin/enrollguard in place", DEPLOY_DV(keep_binary) }

/* The binary to install: --binary, or the running one. Exits 3 if unknown. */
const char *deploy_binary(const struct deploy_vals *v, const struct eg_global *g);

/*
 * Write a file with exactly `mode` (parents created 0755), replacing it
 * atomically. Sets *changed to whether the content differed. Returns 0
 * or -1 after printing the error.
 */
int deploy_write(const char *path, const char *data, size_t len, mode_t mode,
		 bool *changed);

/* Copy a file (the binary) with deploy_write(). */
int deploy_copy(const char *src, const char *dst, mode_t mode, bool *changed);

/* The LaunchDaemon plist (XML) into a buffer the caller releases. */
int deploy_daemon_xml(struct eg_buf *out);

/*
 * The preferences plist of the run options given on the command line,
 * into out. Returns the number of keys baked (0: none given), or -1.
 */
int deploy_prefs_xml(const struct deploy_vals *v, const struct eg_cmd_ctx *c,
		     struct eg_buf *out);

/*
 * Lay out a package root in `out` (cmd-pkgroot.c): payload, scripts,
 * manifest, BUILD. Returns 0 or -1 after printing the error.
 */
int pkgroot_layout(const struct deploy_vals *v, const struct eg_cmd_ctx *c,
		   const char *out);

/* Remove a directory tree (no symlinks followed). Returns 0 or -1. */
int deploy_rmtree(const char *path);

/*
 * Run launchctl (under --root) with args; returns its exit code, or -1
 * when it cannot run. Its output goes to *out when out is not NULL.
 */
int deploy_launchctl(const struct eg_global *g, const char *const *args,
		     char *out, size_t outlen);

#endif
