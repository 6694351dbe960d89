#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdlib.h>

#include "alloc.h"
#include "banned.h"

enum eg_err eg_file_read(const char *path, struct eg_buf *out,
			 struct eg_diag *diag)
{
	char chunk[8192];
	int fd = open(path, O_RDONLY | O_NOCTTY);
	enum eg_err rc = EG_OK;
	struct stat st;

	if (fd < 0)
		return eg_diag_set(diag, errno == ENOENT ? EG_ERR_NOT_FOUND : EG_ERR_IO,
				   "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return eg_diag_set(diag, EG_ERR_IO, "cannot read '%s': is a directory",
				   path);
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = eg_diag_set(diag, EG_ERR_IO, "cannot read '%s': %s",
					 path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (eg_buf_add(out, chunk, (size_t)n) != EG_OK) {
			rc = eg_diag_set(diag, EG_ERR_TOO_LARGE,
					 "'%s' is larger than %zu bytes", path,
					 out->cap);
			break;
		}
	}
	close(fd);
	return rc;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

enum eg_err eg_file_replace(const char *path, const void *data, size_t len,
			    mode_t mode, int steal_stale, struct eg_diag *diag)
{
	struct eg_buf lock = EG_BUF_INIT(4096);
	enum eg_err rc = EG_OK;
	int fd = -1;

	if (eg_buf_addf(&lock, "%s.lock", path) != EG_OK)
		return eg_diag_set(diag, EG_ERR_TOO_LARGE, "path too long: '%s'", path);
	fd = open(lock.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
	if (fd < 0 && errno == EEXIST && steal_stale) {
		unlink(lock.buf);
		fd = open(lock.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
	}
	if (fd < 0) {
		rc = eg_diag_set(diag, errno == EEXIST ? EG_ERR_BUSY : EG_ERR_IO,
				 "cannot create '%s': %s", lock.buf, strerror(errno));
		goto out;
	}
	if (fchmod(fd, mode) || write_all(fd, data, len) || fsync(fd)) {
		rc = eg_diag_set(diag, EG_ERR_IO, "cannot write '%s': %s",
				 lock.buf, strerror(errno));
		goto out;
	}
	if (close(fd)) {
		fd = -1;
		rc = eg_diag_set(diag, EG_ERR_IO, "cannot write '%s': %s",
				 lock.buf, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(lock.buf, path))
		rc = eg_diag_set(diag, EG_ERR_IO, "cannot rename '%s' to '%s': %s",
				 lock.buf, path, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (rc != EG_OK && rc != EG_ERR_BUSY && lock.len)
		unlink(lock.buf);
	eg_buf_release(&lock);
	return rc;
}

int eg_file_open_append(const char *path, mode_t mode, struct eg_diag *diag)
{
	const int flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_NOCTTY;
	struct stat st;
	int fd;

	/*
	 * A file we create gets exactly `mode`, whatever the umask: the log
	 * must be readable by the non-root Setup Assistant Terminal. An
	 * existing file keeps the mode an admin gave it.
	 */
	fd = open(path, flags | O_CREAT | O_EXCL, mode);
	if (fd >= 0)
		(void)fchmod(fd, mode);
	else if (errno == EEXIST)
		fd = open(path, flags);
	if (fd < 0) {
		eg_diag_set(diag, EG_ERR_IO, "cannot open '%s': %s", path,
			    errno == ELOOP || errno == EEXIST ? "is a symbolic link" :
			    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		eg_diag_set(diag, EG_ERR_IO, "cannot open '%s': not a regular file",
			    path);
		return -1;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

enum eg_err eg_file_check_safe(const char *path, uid_t owner,
			       struct eg_diag *diag)
{
	struct stat st;

	if (lstat(path, &st))
		return eg_diag_set(diag, errno == ENOENT ? EG_ERR_NOT_FOUND : EG_ERR_IO,
				   "cannot stat '%s': %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return eg_diag_set(diag, EG_ERR_UNSAFE,
				   "'%s' is not a regular file", path);
	if (st.st_uid != owner)
		return eg_diag_set(diag, EG_ERR_UNSAFE,
				   "'%s' is owned by uid %ld, not %ld", path,
				   (long)st.st_uid, (long)owner);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return eg_diag_set(diag, EG_ERR_UNSAFE,
				   "'%s' is writable by group or others (mode %03o)",
				   path, (unsigned)(st.st_mode & 0777));
	return EG_OK;
}

enum eg_err eg_file_mkdirs(const char *path, mode_t mode, struct eg_diag *diag)
{
	char *p = eg_xstrdup(path), *q;
	enum eg_err rc = EG_OK;
	struct stat st;

	for (q = p + 1; ; q++) {
		char save = *q;

		if (save != '/' && save != '\0')
			continue;
		*q = '\0';
		if (mkdir(p, mode) == 0) {
			/* created here: exactly `mode`, whatever the umask */
			(void)chmod(p, mode);
		} else if (errno != EEXIST) {
			rc = eg_diag_set(diag, EG_ERR_IO, "cannot create directory '%s': %s",
					 p, strerror(errno));
			break;
		}
		if (stat(p, &st) || !S_ISDIR(st.st_mode)) {
			rc = eg_diag_set(diag, EG_ERR_IO, "cannot create directory '%s': %s",
					 p, "not a directory");
			break;
		}
		*q = save;
		if (!save)
			break;
	}
	free(p);
	return rc;
}
