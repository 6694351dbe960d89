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

enum deploy_extra {
	DEPLOY_OUT = 1 << 0,
	DEPLOY_IDENTIFIER = 1 << 1,
	DEPLOY_VERSION = 1 << 2,
	DEPLOY_BINARY = 1 << 3,
	DEPLOY_SIGN = 1 << 4,
	DEPLOY_KEEP_BINARY = 1 << 5,
	DEPLOY_RUN_OPTIONS = 1 << 6,   /* run's options, baked into preferences */
};

struct deploy {
	struct eg_opt table[RUN_OPTS_MAX + 8];
	size_t n;
	size_t nrun;                   /* the first nrun rows are run's */
	bool set[RUN_OPTS_MAX + 8];
	struct deploy_vals v;
};

/*
 * Build the option table for `which` (enum deploy_extra bits), apply
 * defaults and parse argv. Returns 1 when --help was printed (exit 0),
 * 0 otherwise; exits 2 on a bad option.
 */
int deploy_parse(struct deploy *d, unsigned which, int argc, char **argv,
		 const char *usage, const char *about);

void deploy_release(struct deploy *d);

/* The binary to install: --binary, or the running one. Exits 3 if unknown. */
const char *deploy_binary(struct deploy *d, const struct eg_global *g);

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
int deploy_prefs_xml(const struct deploy *d, struct eg_buf *out);

/*
 * Lay out a package root in `out` (cmd-pkgroot.c): payload, scripts,
 * manifest, BUILD. Returns 0 or -1 after printing the error.
 */
int pkgroot_layout(struct deploy *d, const struct eg_global *g, const char *out);

/* Remove a directory tree (no symlinks followed). Returns 0 or -1. */
int deploy_rmtree(const char *path);

/*
 * Run launchctl (under --root) with args; returns its exit code, or -1
 * when it cannot run. Its output goes to *out when out is not NULL.
 */
int deploy_launchctl(const struct eg_global *g, const char *const *args,
		     char *out, size_t outlen);

#endif
