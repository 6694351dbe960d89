#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdbool.h>
#include <stdlib.h>

#include "alloc.h"
#include "fault.h"
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
	if (fchmod(fd, mode) || eg_io_write_all(fd, data, len) || eg_io_fsync(fd)) {
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

enum eg_err eg_file_cut_torn(int fd, uint64_t *cut)
{
	char chunk[4096];
	struct stat st;
	off_t end, pos;

	*cut = 0;
	if (fstat(fd, &st))
		return EG_ERR_IO;
	end = pos = st.st_size;
	/* a line is at most 256 KiB; past that, keep the file as it is */
	while (pos > 0 && end - pos < 512 * 1024) {
		size_t n = pos < (off_t)sizeof(chunk) ? (size_t)pos : sizeof(chunk);
		ssize_t got = pread(fd, chunk, n, pos - (off_t)n);

		if (got != (ssize_t)n)
			return EG_ERR_IO;
		while (n > 0 && chunk[n - 1] != '\n')
			n--;
		if (n > 0 || pos == (off_t)got) {
			pos = pos - (off_t)got + (off_t)n;
			if (pos == end)
				return EG_OK;
			if (ftruncate(fd, pos))
				return EG_ERR_IO;
			*cut = (uint64_t)(end - pos);
			return EG_OK;
		}
		pos -= got;
	}
	return EG_OK;
}

/* ---- directories a root process can trust -------------------------------- */

void eg_dir_close(struct eg_dir *d)
{
	if (d && d->fd >= 0)
		close(d->fd);
	if (d)
		d->fd = -1;
}

/* st is what fstat() says of path: refuse what someone else could change. */
static enum eg_err check_owner(const struct stat *st, const char *path, uid_t owner,
			       struct eg_diag *diag)
{
	if (st->st_uid != owner)
		return eg_diag_set(diag, EG_ERR_UNSAFE,
				   "'%s' is owned by uid %ld, not %ld: refusing it", path,
				   (long)st->st_uid, (long)owner);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return eg_diag_set(diag, EG_ERR_UNSAFE,
				   "'%s' is writable by group or others (mode %03o): refusing "
				   "it (chmod go-w '%s')", path, (unsigned)(st->st_mode & 0777),
				   path);
	return EG_OK;
}

/* Open name in dirfd as d, a directory, without following a link; check it. */
static enum eg_err dir_open(struct eg_dir *d, int dirfd, const char *name, bool made,
			    mode_t mode, struct eg_diag *diag)
{
	struct stat st;
	enum eg_err rc;
	int e;

	d->fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d->fd < 0) {
		e = errno;
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			return eg_diag_set(diag, EG_ERR_UNSAFE,
					   "'%s' is a symbolic link: refusing it", d->path);
		return eg_diag_set(diag, e == ENOENT ? EG_ERR_NOT_FOUND : EG_ERR_IO,
				   "cannot open directory '%s': %s", d->path,
				   e == ENOTDIR ? "not a directory" : strerror(e));
	}
	/* made here: exactly `mode`, whatever the umask */
	if (made)
		(void)fchmod(d->fd, mode);
	if (fstat(d->fd, &st))
		rc = eg_diag_set(diag, EG_ERR_IO, "cannot stat '%s': %s", d->path,
				 strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		rc = eg_diag_set(diag, EG_ERR_UNSAFE, "'%s' is not a directory", d->path);
	else
		rc = check_owner(&st, d->path, d->owner, diag);
	if (rc != EG_OK)
		eg_dir_close(d);
	return rc;
}

enum eg_err eg_dir_open(struct eg_dir *d, const char *path, mode_t mode, uid_t owner,
			struct eg_diag *diag)
{
	struct eg_diag md = EG_DIAG_INIT;
	struct stat st;
	enum eg_err made, rc;
	bool existed;

	d->owner = owner;
	if ((size_t)snprintf(d->path, sizeof(d->path), "%s", path) >= sizeof(d->path))
		return eg_diag_set(diag, EG_ERR_TOO_LARGE, "path too long: '%s'", path);
	existed = lstat(path, &st) == 0;
	/* the parents may be links (/var is one on macOS); the last part may not */
	made = eg_file_mkdirs(path, mode, &md);
	rc = dir_open(d, AT_FDCWD, path, !existed && made == EG_OK, mode, diag);
	if (rc != EG_OK && rc != EG_ERR_UNSAFE && made != EG_OK) {
		if (diag)
			*diag = md;
		return made;
	}
	return rc;
}

enum eg_err eg_dir_open_at(struct eg_dir *d, const struct eg_dir *parent,
			   const char *name, mode_t mode, struct eg_diag *diag)
{
	bool made;

	d->owner = parent->owner;
	if ((size_t)snprintf(d->path, sizeof(d->path), "%s/%s", parent->path, name) >=
	    sizeof(d->path))
		return eg_diag_set(diag, EG_ERR_TOO_LARGE, "path too long: '%s/%s'",
				   parent->path, name);
	made = mkdirat(parent->fd, name, mode) == 0;
	if (!made && errno != EEXIST)
		return eg_diag_set(diag, EG_ERR_IO, "cannot create directory '%s': %s",
				   d->path, strerror(errno));
	return dir_open(d, parent->fd, name, made, mode, diag);
}

/* eg_dir_file(), with the kind of failure in *err (OUT). */
static int dir_file(const struct eg_dir *d, const char *name, int flags, mode_t mode,
		    struct eg_diag *diag, enum eg_err *err)
{
	const int safe = O_NOFOLLOW | O_NOCTTY | O_CLOEXEC;
	struct stat st;
	int fd = -1, e;

	if (flags & O_CREAT) {
		/* made here: exactly `mode`; there already: as it is, if safe */
		fd = openat(d->fd, name, (flags & ~O_TRUNC) | safe | O_EXCL, mode);
		if (fd >= 0) {
			(void)fchmod(fd, mode);
			if ((flags & O_TRUNC))
				(void)ftruncate(fd, 0);
			return fd;
		}
		if (errno != EEXIST && errno != ELOOP) {
			e = errno;
			*err = eg_diag_set(diag, EG_ERR_IO, "cannot open '%s/%s': %s", d->path,
					   name, strerror(e));
			return -1;
		}
	}
	fd = openat(d->fd, name, (flags & ~(O_CREAT | O_EXCL)) | safe);
	if (fd < 0) {
		e = errno;
		if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			*err = eg_diag_set(diag, EG_ERR_UNSAFE,
					   "cannot open '%s/%s': is a symbolic link", d->path, name);
		else
			*err = eg_diag_set(diag, e == ENOENT ? EG_ERR_NOT_FOUND : EG_ERR_IO,
					   "cannot open '%s/%s': %s", d->path, name, strerror(e));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		*err = eg_diag_set(diag, EG_ERR_UNSAFE, "cannot open '%s/%s': not a regular file",
				   d->path, name);
		return -1;
	}
	if (check_owner(&st, d->path, d->owner, NULL) != EG_OK) {
		char full[1200];

		snprintf(full, sizeof(full), "%s/%s", d->path, name);
		*err = check_owner(&st, full, d->owner, diag);
		close(fd);
		return -1;
	}
	*err = EG_OK;
	return fd;
}

int eg_dir_file(const struct eg_dir *d, const char *name, int flags, mode_t mode,
		struct eg_diag *diag)
{
	enum eg_err err;

	return dir_file(d, name, flags, mode, diag, &err);
}

enum eg_err eg_dir_read(const struct eg_dir *d, const char *name, struct eg_buf *out,
			struct eg_diag *diag)
{
	char chunk[8192];
	enum eg_err rc = EG_OK;
	int fd = dir_file(d, name, O_RDONLY, 0, diag, &rc);

	if (fd < 0)
		return rc;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = eg_diag_set(diag, EG_ERR_IO, "cannot read '%s/%s': %s", d->path,
					 name, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (eg_buf_add(out, chunk, (size_t)n) != EG_OK) {
			rc = eg_diag_set(diag, EG_ERR_TOO_LARGE, "'%s/%s' is larger than %zu bytes",
					 d->path, name, out->cap);
			break;
		}
	}
	close(fd);
	return rc;
}

enum eg_err eg_dir_replace(const struct eg_dir *d, const char *name, const void *data,
			   size_t len, mode_t mode, int steal_stale, struct eg_diag *diag)
{
	char lock[512];
	enum eg_err rc = EG_OK;
	int fd;

	if ((size_t)snprintf(lock, sizeof(lock), "%s.lock", name) >= sizeof(lock))
		return eg_diag_set(diag, EG_ERR_TOO_LARGE, "name too long: '%s'", name);
	fd = openat(d->fd, lock, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0 && errno == EEXIST && steal_stale) {
		unlinkat(d->fd, lock, 0);
		fd = openat(d->fd, lock, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    mode);
	}
	if (fd < 0)
		return eg_diag_set(diag, errno == EEXIST ? EG_ERR_BUSY : EG_ERR_IO,
				   "cannot create '%s/%s': %s", d->path, lock, strerror(errno));
	if (fchmod(fd, mode) || eg_io_write_all(fd, data, len) || eg_io_fsync(fd)) {
		rc = eg_diag_set(diag, EG_ERR_IO, "cannot write '%s/%s': %s", d->path, lock,
				 strerror(errno));
		close(fd);
	} else if (close(fd)) {
		rc = eg_diag_set(diag, EG_ERR_IO, "cannot write '%s/%s': %s", d->path, lock,
				 strerror(errno));
	} else if (renameat(d->fd, lock, d->fd, name)) {
		rc = eg_diag_set(diag, EG_ERR_IO, "cannot rename '%s/%s' to '%s': %s", d->path,
				 lock, name, strerror(errno));
	}
	if (rc != EG_OK)
		unlinkat(d->fd, lock, 0);
	return rc;
}
