#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "scan.h"
#include "banned.h"

/* Lock fd, the file at path (for messages). */
static enum eg_err take(struct eg_lock *l, int fd, const char *path, pid_t pid,
			pid_t *holder, struct eg_diag *diag)
{
	struct flock fl;
	char text[32];
	int n;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl)) {
		int e = errno;

		if (e == EACCES || e == EAGAIN) {
			struct flock q = fl;
			ssize_t r = read(fd, text, sizeof(text) - 1);

			if (fcntl(fd, F_GETLK, &q) == 0 && q.l_type != F_UNLCK)
				*holder = q.l_pid;
			if (!*holder && r > 0) {
				struct eg_scan s;
				uint64_t v;

				eg_scan_init(&s, text, (size_t)r);
				if (!eg_scan_uint(&s, &v, 99999999))
					*holder = (pid_t)v;
			}
			close(fd);
			return eg_diag_set(diag, EG_ERR_BUSY,
					   "'%s' is locked by pid %ld", path,
					   (long)*holder);
		}
		close(fd);
		return eg_diag_set(diag, EG_ERR_IO, "cannot lock '%s': %s", path,
				   strerror(e));
	}
	n = snprintf(text, sizeof(text), "%ld\n", (long)pid);
	if (ftruncate(fd, 0) || eg_io_pwrite(fd, text, (size_t)n, 0) != n) {
		close(fd);
		return eg_diag_set(diag, EG_ERR_IO, "cannot write lock '%s': %s",
				   path, strerror(errno));
	}
	l->fd = fd;
	return EG_OK;
}

enum eg_err eg_lock_take(struct eg_lock *l, const char *path, pid_t pid,
			 pid_t *holder, struct eg_diag *diag)
{
	int fd;

	*holder = 0;
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return eg_diag_set(diag, EG_ERR_IO, "cannot open lock '%s': %s",
				   path, strerror(errno));
	return take(l, fd, path, pid, holder, diag);
}

enum eg_err eg_lock_take_at(struct eg_lock *l, const struct eg_dir *d, const char *name,
			    pid_t pid, pid_t *holder, struct eg_diag *diag)
{
	char path[1200];
	int fd;

	*holder = 0;
	snprintf(path, sizeof(path), "%s/%s", d->path, name);
	fd = eg_dir_file(d, name, O_RDWR | O_CREAT, 0644, diag);
	if (fd < 0)
		return EG_ERR_IO;
	return take(l, fd, path, pid, holder, diag);
}

void eg_lock_release(struct eg_lock *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
