#include "err.h"

#include <stdarg.h>
#include <stdio.h>

#include "banned.h"

const char *eg_strerror(enum eg_err err)
{
	switch (err) {
	case EG_OK: return "success";
	case EG_ERR_INVALID: return "invalid input";
	case EG_ERR_TOO_LARGE: return "input too large";
	case EG_ERR_IO: return "input/output error";
	case EG_ERR_RANGE: return "value out of range";
	case EG_ERR_NOT_FOUND: return "not found";
	case EG_ERR_SPAWN: return "cannot start child process";
	case EG_ERR_BUSY: return "locked by another process";
	case EG_ERR_UNSAFE: return "unsafe file ownership or mode";
	}
	return "unknown error";
}

enum eg_err eg_diag_set(struct eg_diag *diag, enum eg_err err,
			const char *fmt, ...)
{
	va_list ap;

	if (!diag)
		return err;
	va_start(ap, fmt);
	/* no need to check for truncation: a cut message is still useful */
	vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
	va_end(ap);
	return err;
}
