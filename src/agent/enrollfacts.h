/*
 * enrollfacts.h: what the commands need to know about this Mac, each
 * fact gathered in one place and shared by run, check and renew:
 *  - who it is: sw_vers and system_profiler (facts_sysinfo);
 *  - Setup Assistant: running (pgrep) or finished (.AppleSetupDone);
 *  - what `profiles` says about its enrollment: DEP/MDM status, and the
 *    enrollment configuration from the record macOS cached after its
 *    last DEP check, or else from `profiles show` (rate limited to once a
 *    day since 12.3);
 *  - its push identity: the certificate from Apple iPhone Device CA in
 *    the apsd keychain and its verdict, with one threshold for "expiring"
 *    (FACTS_WARN_DAYS, --warn-days) whichever command asks.
 */
#ifndef EG_ENROLLFACTS_H
#define EG_ENROLLFACTS_H

#include <signal.h>
#include <stddef.h>

#include "buf.h"
#include "certsrc.h"
#include "cmd.h"
#include "config.h"
#include "profiles.h"
#include "sysinfo.h"

/* Warn when the push identity expires within this many days. */
#define FACTS_WARN_DAYS "30"

/*
 * The one option row for that threshold, in every command that judges
 * the push identity (check, renew); off is the field's offsetof().
 */
#define FACTS_WARN_DAYS_OPT(off) \
	{ "warn-days", "-", EG_OPT_UINT, 0, 3650, FACTS_WARN_DAYS, NULL, "N", \
	  "warn when the push certificate expires within N days", (off) }

/*
 * Who this Mac is: sw_vers, then system_profiler SPHardwareDataType,
 * each under timeout_ms. What cannot be learnt stays "" in *si (OUT).
 */
void facts_sysinfo(const struct eg_global *g, uint64_t timeout_ms,
		   const volatile sig_atomic_t *cancel, struct eg_sysinfo *si);

/*
 * Whether Setup Assistant runs: 1 it does, 0 it does not, -1 cannot tell
 * (pgrep failed or timed out).
 */
int facts_setup_running(const struct eg_global *g, uint64_t timeout_ms,
			const volatile sig_atomic_t *cancel);

/* Whether Setup Assistant has finished (/var/db/.AppleSetupDone exists). */
bool facts_setup_done(const struct eg_global *g);

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

struct facts_push {
	struct certsrc src;             /* the keychain as read */
	const struct eg_cert *cert;     /* from Apple iPhone Device CA, or NULL */
	enum eg_cert_verdict verdict;   /* when cert is set */
	long days;                      /* left (negative: since it expired) */
};

/*
 * The push identity in the apsd keychain (through security) and its
 * verdict at now, warning warn_days before it expires. p->cert is NULL
 * when there is none: p->src.error says why when the keychain could not
 * be read.
 */
void facts_push_identity(const struct eg_global *g, int warn_days,
			 struct facts_push *p /* OUT */);

#endif
