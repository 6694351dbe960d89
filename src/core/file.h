/*
 * file.h: the few file operations a root process must get right.
 *
 *  - eg_file_read(): read a whole file under a size cap;
 *  - eg_file_replace(): replace a file atomically: write "<path>.lock"
 *    created O_CREAT|O_EXCL, fsync, rename() over the target;
 *  - eg_file_open_append(): open a log for appending without following a
 *    symlink and refusing anything that is not a regular file;
 *  - eg_file_check_safe(): refuse files that are not owned by the given
 *    user or that group or others can write;
 *  - eg_file_cut_torn(): cut a line a crash or a full disk left half
 *    written at the end of a log;
 *  - struct eg_dir: a directory a root process can trust (owned by it,
 *    writable by nobody else, not a symbolic link), and the files in it,
 *    always opened relative to it without following a link (openat +
 *    O_NOFOLLOW), so that nobody can swap a path under it.
 *
 * Writes and fsyncs go through fault.h, so a test can fail the Nth.
 */
#ifndef EG_FILE_H
#define EG_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"

/*
 * Read path into out (whose cap bounds the size). Returns EG_OK,
 * EG_ERR_NOT_FOUND, EG_ERR_TOO_LARGE or EG_ERR_IO; diag names the path.
 */
enum eg_err eg_file_read(const char *path, struct eg_buf *out,
			 struct eg_diag *diag);

/*
 * Atomically replace path with data, mode `mode`. When "<path>.lock"
 * exists, it is a writer's leftover only if the caller holds the lock
 * that serialises writers (the run lock): then pass steal_stale and it is
 * removed; otherwise EG_ERR_BUSY is returned. Returns EG_OK, EG_ERR_BUSY
 * or EG_ERR_IO; on failure the target is untouched.
 */
enum eg_err eg_file_replace(const char *path, const void *data, size_t len,
			    mode_t mode, int steal_stale, struct eg_diag *diag);

/* Returns an fd opened O_WRONLY|O_APPEND|O_CREAT|O_NOFOLLOW, or -1. */
int eg_file_open_append(const char *path, mode_t mode, struct eg_diag *diag);

/* EG_OK, EG_ERR_NOT_FOUND, or EG_ERR_UNSAFE (diag says what is wrong). */
enum eg_err eg_file_check_safe(const char *path, uid_t owner,
			       struct eg_diag *diag);

/* mkdir -p with the given mode for created directories. */
enum eg_err eg_file_mkdirs(const char *path, mode_t mode, struct eg_diag *diag);

/*
 * If the file at fd does not end with a newline, cut it after its last
 * one (a line torn by a crash or a full disk), so the next line written
 * starts a line. *cut (OUT) is how many bytes went. Returns EG_OK or
 * EG_ERR_IO.
 */
enum eg_err eg_file_cut_torn(int fd, uint64_t *cut);

/* An open directory, checked, and its path for messages. */
struct eg_dir {
	int fd;
	uid_t owner;             /* who must own it and what is opened in it */
	char path[1024];
};

#define EG_DIR_INIT { -1, 0, { 0 } }

/*
 * Open the directory at path, making it and its missing parents (mode),
 * and check it: a directory, not a symbolic link (its parents may be
 * links, as /var is on macOS), owned by owner, not writable by group or
 * others. Returns EG_OK, EG_ERR_UNSAFE (diag names the path and what to
 * do), or EG_ERR_IO / EG_ERR_NOT_FOUND with diag.
 */
enum eg_err eg_dir_open(struct eg_dir *d, const char *path, mode_t mode, uid_t owner,
			struct eg_diag *diag);

/* The same for name inside parent (made with mode when missing). */
enum eg_err eg_dir_open_at(struct eg_dir *d, const struct eg_dir *parent,
			   const char *name, mode_t mode, struct eg_diag *diag);

/* Close it. Accepts a directory never opened. */
void eg_dir_close(struct eg_dir *d);

/*
 * Open name in d with open(2)'s flags, never following a symbolic link.
 * With O_CREAT a file that is made gets exactly mode (whatever the
 * umask); a file that exists keeps its mode but must be a regular file
 * owned by d->owner that group and others cannot write. Returns the fd
 * (close-on-exec), or -1 with diag naming the path.
 */
int eg_dir_file(const struct eg_dir *d, const char *name, int flags, mode_t mode,
		struct eg_diag *diag);

/* eg_file_read() of name in d (no links; checked as eg_dir_file()). */
enum eg_err eg_dir_read(const struct eg_dir *d, const char *name, struct eg_buf *out,
			struct eg_diag *diag);

/*
 * eg_file_replace() of name in d: "<name>.lock" is made O_EXCL in d,
 * written, fsynced and renamed over name, all relative to d.
 */
enum eg_err eg_dir_replace(const struct eg_dir *d, const char *name, const void *data,
			   size_t len, mode_t mode, int steal_stale, struct eg_diag *diag);

#endif
