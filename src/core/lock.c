#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scan.h"
#include "banned.h"

enum eg_err eg_lock_take(struct eg_lock *l, const char *path, pid_t pid,
			 pid_t *holder, struct eg_diag *diag)
{
	struct flock fl;
	char text[32];
	int fd, n;

	*holder = 0;
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return eg_diag_set(diag, EG_ERR_IO, "cannot open lock '%s': %s",
				   path, strerror(errno));
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
	if (ftruncate(fd, 0) || pwrite(fd, text, (size_t)n, 0) != n) {
		close(fd);
		return eg_diag_set(diag, EG_ERR_IO, "cannot write lock '%s': %s",
				   path, strerror(errno));
	}
	l->fd = fd;
	return EG_OK;
}

void eg_lock_release(struct eg_lock *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
