#include "deploy.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __APPLE__
#include <stdint.h>
#include <mach-o/dyld.h>
#endif

#include "file.h"
#include "launchd.h"
#include "mac.h"
#include "usage.h"
#include "banned.h"

const char *deploy_binary(const struct deploy_vals *v, const struct eg_global *g)
{
	static char self[PATH_MAX];
	ssize_t n;

	if (v->binary)
		return v->binary;
#ifdef __APPLE__
	/* dyld knows the path it loaded us from (a PATH lookup leaves argv[0]
	 * bare, and macOS has no /proc) */
	{
		uint32_t size = sizeof(self);

		if (_NSGetExecutablePath(self, &size) == 0 && self[0] == '/')
			return self;
	}
	(void)n;
#else
	/* Linux knows; elsewhere argv[0] does when it names a path */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		return self;
	}
#endif
	if (g->argv0 && g->argv0[0] == '/')
		return g->argv0;
	if (g->argv0 && strchr(g->argv0, '/') && getcwd(self, sizeof(self)) &&
	    strlen(self) + strlen(g->argv0) + 2 < sizeof(self)) {
		/* realpath() is XSI, not POSIX base: cwd + relative path will do */
		size_t len = strlen(self);

		snprintf(self + len, sizeof(self) - len, "/%s", g->argv0);
		return self;
	}
	die(EG_EXIT_ENV, "cannot tell where this enrollguard binary is: pass --binary PATH");
}

static int same_content(const char *path, const char *data, size_t len)
{
	struct eg_buf b = EG_BUF_INIT(len + 1);
	int same;

	same = eg_file_read(path, &b, NULL) == EG_OK && b.len == len &&
	       !memcmp(b.buf, data, len);
	eg_buf_release(&b);
	return same;
}

int deploy_write(const char *path, const char *data, size_t len, mode_t mode,
		 bool *changed)
{
	struct eg_diag d = EG_DIAG_INIT;
	char dir[PATH_MAX];
	char *slash;
	struct stat st;

	*changed = !same_content(path, data, len);
	if (!*changed) {
		/* same bytes: only the mode may need mending */
		if (stat(path, &st) == 0 && (st.st_mode & 07777) != mode &&
		    chmod(path, mode))
			return error("cannot chmod '%s': %s", path, strerror(errno));
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (eg_file_mkdirs(dir, 0755, &d) != EG_OK)
			return error("%s", d.msg);
	}
	if (eg_file_replace(path, data, len, mode, 1, &d) != EG_OK)
		return error("%s", d.msg);
	return 0;
}

int deploy_copy(const char *src, const char *dst, mode_t mode, bool *changed)
{
	struct eg_buf b = EG_BUF_INIT(256 * 1024 * 1024);
	struct eg_diag d = EG_DIAG_INIT;
	struct stat a, z;
	int rc;

	if (stat(src, &a) == 0 && stat(dst, &z) == 0 && a.st_dev == z.st_dev &&
	    a.st_ino == z.st_ino) {
		*changed = false;   /* installing the installed binary */
		return 0;
	}
	if (eg_file_read(src, &b, &d) != EG_OK)
		return error("%s", d.msg);
	rc = deploy_write(dst, b.buf, b.len, mode, changed);
	eg_buf_release(&b);
	return rc;
}

int deploy_daemon_xml(struct eg_buf *out)
{
	if (eg_launchd_daemon_xml(EG_INSTALL_BINARY, out) != EG_OK)
		return error("cannot build the LaunchDaemon plist");
	return 0;
}

int deploy_prefs_xml(const struct deploy_vals *v, const struct eg_cmd_ctx *c,
		     struct eg_buf *out)
{
	size_t i;
	int n = 0;

	for (i = 0; i < c->nrun; i++)
		n += c->set[i];
	if (eg_config_to_plist(c->table, c->nrun, &v->run, c->set, out) != EG_OK)
		return error("cannot build the preferences plist");
	return n;
}

int deploy_rmtree(const char *path)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;
	int rc = 0;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((e = readdir(dir))) {
		char sub[PATH_MAX];

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (deploy_rmtree(sub))
			rc = -1;
	}
	closedir(dir);
	return rmdir(path) || rc ? -1 : 0;
}

int deploy_launchctl(const struct eg_global *g, const char *const *args,
		     char *out, size_t outlen)
{
	struct eg_child c = EG_CHILD_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	int code = -1;

	if (mac_run(g, EG_PATH_LAUNCHCTL, args, 60000, NULL, &c, &d) == EG_OK)
		code = c.exit_code;
	else
		error("%s", d.msg);
	if (out && outlen)
		snprintf(out, outlen, "%s%s", c.out.buf, c.err.buf);
	eg_child_release(&c);
	return code;
}
