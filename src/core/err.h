/*
 * err.h: the core's error codes and the detail buffer that goes with them.
 *
 * Every core function that can fail returns enum eg_err; EG_OK is 0.
 * Values are appended, never renumbered or reused (a retired value becomes
 * EG_ERR_OBSOLETEn). eg_strerror() gives the fixed text; the detail of one
 * failure ("line 12: expected 'Fan:'") goes into a caller-supplied
 * struct eg_diag.
 */
#ifndef EG_ERR_H
#define EG_ERR_H

#include <stddef.h>

enum eg_err {
	EG_OK = 0,
	EG_ERR_INVALID = 1,    /* input does not have the expected form */
	EG_ERR_TOO_LARGE = 2,  /* input or output past its size cap */
	EG_ERR_IO = 3,         /* a read, write, open or rename failed */
	EG_ERR_RANGE = 4,      /* a number outside its accepted range */
	EG_ERR_NOT_FOUND = 5,  /* a file, key or item does not exist */
	EG_ERR_SPAWN = 6,      /* a child process could not be started */
	EG_ERR_BUSY = 7,       /* a lock is held by another process */
	EG_ERR_UNSAFE = 8,     /* a file's owner or mode is not safe */
};

/* A failure's details, filled by the function that failed. */
struct eg_diag {
	char msg[512];  /* human text, no trailing newline; "" when unset */
	long line;      /* 1-based line of the input, 0 when not relevant */
};

#define EG_DIAG_INIT { { 0 }, 0 }

/* The fixed text for err; never NULL. */
const char *eg_strerror(enum eg_err err);

/*
 * Fill diag (which may be NULL) with a printf-style message and return err,
 * so a caller can write `return eg_diag_set(d, EG_ERR_INVALID, "...")`.
 */
enum eg_err eg_diag_set(struct eg_diag *diag, enum eg_err err,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
