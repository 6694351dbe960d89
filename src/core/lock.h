/*
 * lock.h: one running instance at a time.
 *
 * The lock is an fcntl() write lock on a file that holds the owner's pid,
 * so it dies with its process (no stale lock after kill -9) and a second
 * instance can name the holder.
 */
#ifndef EG_LOCK_H
#define EG_LOCK_H

#include <sys/types.h>

#include "err.h"
#include "file.h"

struct eg_lock {
	int fd;
};

#define EG_LOCK_INIT { -1 }

/*
 * Take the lock at path and write pid into it. Returns EG_OK; EG_ERR_BUSY
 * with *holder set to the holder's pid (0 if unknown); or EG_ERR_IO.
 */
enum eg_err eg_lock_take(struct eg_lock *l, const char *path, pid_t pid,
			 pid_t *holder /* OUT */, struct eg_diag *diag);

/*
 * The same for name in the directory d, opened relative to it without
 * following a link (file.h); messages name d's path.
 */
enum eg_err eg_lock_take_at(struct eg_lock *l, const struct eg_dir *d, const char *name,
			    pid_t pid, pid_t *holder /* OUT */, struct eg_diag *diag);

/* Release the lock (the file stays). Accepts an untaken lock. */
void eg_lock_release(struct eg_lock *l);

#endif
