/*
 * enrollfacts.h: what `profiles` says about this Mac's enrollment,
 * shared by check and renew: DEP/MDM status, and the enrollment
 * configuration from the record macOS cached after its last DEP check,
 * or else from `profiles show` (rate limited to once a day since 12.3).
 */
#ifndef EG_ENROLLFACTS_H
#define EG_ENROLLFACTS_H

#include <signal.h>
#include <stddef.h>

#include "buf.h"
#include "cmd.h"
#include "profiles.h"

/*
 * Run /usr/bin/profiles (under --root) with args (no argv[0]); its stdout
 * and stderr go to out. Returns its exit code, or -1 when it cannot run
 * (the reason is in out).
 */
int facts_profiles(const struct eg_global *g, const char *const *args,
		   const volatile sig_atomic_t *cancel, struct eg_buf *out);

/*
 * `profiles status -type enrollment`, parsed into st. Returns EG_OK, or
 * EG_ERR_INVALID with what profiles printed (cut) in raw.
 */
enum eg_err facts_status(const struct eg_global *g,
			 const volatile sig_atomic_t *cancel,
			 struct eg_enroll_status *st, char *raw, size_t n);

/* "enrolled via DEP: no; MDM enrollment: yes (user approved); MDM server ..." */
void facts_status_text(const struct eg_enroll_status *st, char *out, size_t n);

enum facts_source {
	FACTS_NONE = 0,     /* no configuration: perr and why say why */
	FACTS_CACHED = 1,   /* read from .cloudConfigRecordFound */
	FACTS_SHOWN = 2,    /* printed by profiles show */
};

/*
 * The enrollment configuration into cfg: the cached record when it holds
 * an MDM URL, else `profiles show -type enrollment`. For FACTS_NONE,
 * perr classifies the failure and why holds a message when perr has none.
 */
enum facts_source facts_config(const struct eg_global *g,
			       const volatile sig_atomic_t *cancel,
			       struct eg_enroll_config *cfg,
			       struct eg_profiles_error *perr, char *why, size_t n);

#endif
