/*
 * file.h: the few file operations a root process must get right.
 *
 *  - eg_file_read(): read a whole file under a size cap;
 *  - eg_file_replace(): replace a file atomically: write "<path>.lock"
 *    created O_CREAT|O_EXCL, fsync, rename() over the target;
 *  - eg_file_open_append(): open a log for appending without following a
 *    symlink and refusing anything that is not a regular file;
 *  - eg_file_check_safe(): refuse files that are not owned by the given
 *    user or that group or others can write.
 */
#ifndef EG_FILE_H
#define EG_FILE_H

#include <stddef.h>
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

#endif
