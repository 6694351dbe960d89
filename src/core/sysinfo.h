/*
 * sysinfo.h: who this Mac is, from `sw_vers` and
 * `system_profiler SPHardwareDataType` (field-guide.md 9.2 and 9.3).
 *
 * Fields a tool did not print stay "" so the caller can say "unknown".
 */
#ifndef EG_SYSINFO_H
#define EG_SYSINFO_H

#include <stddef.h>

#include "err.h"

struct eg_sysinfo {
	char product[64];     /* "macOS" or "Mac OS X" */
	char os_version[32];  /* "14.0" */
	char build[32];       /* "23A344" */
	char model[64];       /* "MacBookAir10,1" */
	char model_name[64];  /* "MacBook Air" */
	char serial[64];      /* "HXJLK79K1WFV" */
	char chip[64];        /* "Apple M1" or the Intel processor name */
	char arch[16];        /* "arm64" or "x86_64" (from Chip / Processor Name) */
};

/* Returns EG_OK when ProductVersion was found, else EG_ERR_INVALID. */
enum eg_err eg_sysinfo_parse_sw_vers(const char *buf, size_t len,
				     struct eg_sysinfo *si,
				     struct eg_diag *diag);

/* Returns EG_OK when the serial number was found, else EG_ERR_INVALID. */
enum eg_err eg_sysinfo_parse_hardware(const char *buf, size_t len,
				      struct eg_sysinfo *si,
				      struct eg_diag *diag);

#endif
