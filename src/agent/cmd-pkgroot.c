/*
 * cmd-pkgroot.c: `enrollguard pkgroot`, the installer package's payload
 * and scripts, ready for pkgbuild on a Mac:
 *
 *   DIR/payload/usr/local/sbin/enrollguard                       0755
 *   DIR/payload/Library/LaunchDaemons/com.enrollguard.run.plist  0644
 *   DIR/payload/Library/Preferences/com.enrollguard.plist        0644
 *   DIR/scripts/preinstall, DIR/scripts/postinstall              0755
 *   DIR/manifest   one line per payload entry: mode owner:group path
 *   DIR/BUILD      the pkgbuild and productbuild commands
 *
 * Ownership is root:wheel (pkgbuild --ownership recommended); when run as
 * root the payload is chowned to 0:0 as well. DIR is a path on this
 * machine, not under --root.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "deploy.h"
#include "embedded.h"
#include "file.h"
#include "launchd.h"
#include "usage.h"
#include "banned.h"

static const struct eg_opt pkgroot_table[] = {
	DEPLOY_ROW_OUT, DEPLOY_ROW_IDENTIFIER, DEPLOY_ROW_VERSION, DEPLOY_ROW_BINARY,
};

static const char *const payload_dirs[] = {
	"usr", "usr/local", "usr/local/sbin", "Library", "Library/LaunchDaemons",
	"Library/Preferences", NULL
};

/* Write DIR/rel with mode; returns 0 or -1. */
static int put(const char *dir, const char *rel, const char *data, size_t len,
	       mode_t mode)
{
	char path[PATH_MAX];
	bool changed;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return deploy_write(path, data, len, mode, &changed);
}

/* Refuse to write into a directory that is not empty and not a pkgroot. */
static void check_out(const char *out)
{
	char manifest[PATH_MAX];
	struct stat st;

	if (stat(out, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode))
		die(EG_EXIT_ENV, "'%s' exists and is not a directory", out);
	snprintf(manifest, sizeof(manifest), "%s/manifest", out);
	if (access(manifest, F_OK) == 0)
		return;   /* an earlier pkgroot: replace it */
	if (rmdir(out) == 0)
		return;   /* empty */
	die(EG_EXIT_ENV, "refusing to write into '%s': not empty and not a pkgroot", out);
}

/*
 * Whether PATH starts the way a macOS executable does (<mach-o/fat.h>,
 * <mach-o/loader.h>): FAT_MAGIC 0xcafebabe, big-endian, for a universal
 * binary; MH_MAGIC_64 0xfeedfacf, little-endian on Intel and Apple
 * Silicon alike, for a single slice. An unreadable PATH counts as one:
 * copying it says what is wrong.
 */
static bool is_macho(const char *path)
{
	static const unsigned char fat[4] = { 0xca, 0xfe, 0xba, 0xbe };
	static const unsigned char thin[4] = { 0xcf, 0xfa, 0xed, 0xfe };
	unsigned char m[4];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return true;
	n = read(fd, m, sizeof(m));
	close(fd);
	return n == (ssize_t)sizeof(m) &&
	       (!memcmp(m, fat, sizeof(m)) || !memcmp(m, thin, sizeof(m)));
}

int pkgroot_layout(const struct deploy_vals *v, const struct eg_cmd_ctx *c,
		   const char *out)
{
	struct eg_buf b = EG_BUF_INIT(1024 * 1024), m = EG_BUF_INIT(64 * 1024);
	char payload[PATH_MAX], dst[PATH_MAX];
	bool changed;
	int keys, i, rc = -1;

	check_out(out);
	snprintf(payload, sizeof(payload), "%s/payload", out);
	deploy_rmtree(payload);
	for (i = 0; payload_dirs[i]; i++) {
		struct eg_diag dg = EG_DIAG_INIT;

		snprintf(dst, sizeof(dst), "%s/%s", payload, payload_dirs[i]);
		if (eg_file_mkdirs(dst, 0755, &dg) != EG_OK) {
			error("%s", dg.msg);
			goto out;
		}
		eg_buf_addf(&m, "0755 root:wheel /%s\n", payload_dirs[i]);
	}
	snprintf(dst, sizeof(dst), "%s/usr/local/sbin/enrollguard", payload);
	if (!is_macho(deploy_binary(v, c->g)))
		warning("'%s' is not a macOS binary (Mach-O): the package will not run on a Mac"
			" (scripts/build-macos cross-builds one; pass it with --binary)",
			deploy_binary(v, c->g));
	if (deploy_copy(deploy_binary(v, c->g), dst, 0755, &changed))
		goto out;
	eg_buf_addf(&m, "0755 root:wheel %s\n", EG_INSTALL_BINARY);
	if (deploy_daemon_xml(&b) || put(payload, "Library/LaunchDaemons/com.enrollguard.run.plist",
					 b.buf, b.len, 0644))
		goto out;
	eg_buf_addf(&m, "0644 root:wheel %s\n", EG_INSTALL_LAUNCHDAEMON);
	eg_buf_reset(&b);
	if ((keys = deploy_prefs_xml(v, c, &b)) < 0 ||
	    put(payload, "Library/Preferences/com.enrollguard.plist", b.buf, b.len, 0644))
		goto out;
	eg_buf_addf(&m, "0644 root:wheel %s\n", EG_INSTALL_LOCAL_PREFS);
	if (put(out, "scripts/preinstall", eg_script_preinstall,
		strlen(eg_script_preinstall), 0755) ||
	    put(out, "scripts/postinstall", eg_script_postinstall,
		strlen(eg_script_postinstall), 0755) ||
	    put(out, "manifest", m.buf, m.len, 0644))
		goto out;
	eg_buf_reset(&b);
	eg_buf_addf(&b,
		    "# on a Mac, in this directory (enrollguard pkg does the same):\n"
		    "pkgbuild --root payload --scripts scripts --identifier %s \\\n"
		    "    --version %s --install-location / --ownership recommended component.pkg\n"
		    "# a distribution package, which startosinstall --installpackage needs:\n"
		    "productbuild --package component.pkg [--sign \"Developer ID Installer: ...\"] enrollguard-%s.pkg\n",
		    v->identifier, v->version, v->version);
	if (put(out, "BUILD", b.buf, b.len, 0644))
		goto out;
	if (geteuid() == 0) {
		/* root:wheel is 0:0 on macOS; pkgbuild records what it finds */
		for (i = 0; payload_dirs[i]; i++) {
			snprintf(dst, sizeof(dst), "%s/%s", payload, payload_dirs[i]);
			(void)!chown(dst, 0, 0);
		}
		snprintf(dst, sizeof(dst), "%s%s", payload, EG_INSTALL_BINARY);
		(void)!chown(dst, 0, 0);
		snprintf(dst, sizeof(dst), "%s%s", payload, EG_INSTALL_LAUNCHDAEMON);
		(void)!chown(dst, 0, 0);
		snprintf(dst, sizeof(dst), "%s%s", payload, EG_INSTALL_LOCAL_PREFS);
		(void)!chown(dst, 0, 0);
	}
	printf("wrote %s: payload/ (3 files), scripts/ (preinstall, postinstall), "
	       "manifest, BUILD; %d option%s baked into %s\n", out, keys,
	       keys == 1 ? "" : "s", EG_INSTALL_LOCAL_PREFS);
	rc = 0;
out:
	eg_buf_release(&b);
	eg_buf_release(&m);
	return rc;
}

static int cmd_pkgroot_exec(void *state, const struct eg_cmd_ctx *c)
{
	const struct deploy_vals *v = state;

	if (!v->out)
		die(EG_EXIT_USAGE, "option '--out' is required (a directory)");
	return pkgroot_layout(v, c, v->out) ? EG_EXIT_ENV : EG_EXIT_OK;
}

const struct eg_cmd eg_cmd_pkgroot = {
	.name = "pkgroot",
	.usage = "pkgroot --out DIR [--identifier ID] [--version V] [--binary PATH] [run options]",
	.summary = "lay out an installer package payload and scripts",
	.about = "Lay out the installer package payload and scripts in DIR, with run's\n"
		 "options given here baked into /Library/Preferences/com.enrollguard.plist.",
	.flags = EG_CMD_RUN_OPTIONS,
	.opts = pkgroot_table,
	.nopts = EG_NROWS(pkgroot_table),
	.state_size = sizeof(struct deploy_vals),
	.exec = cmd_pkgroot_exec,
};
