/*
 * mac.h: how the agent reaches the Mac: clocks, and macOS tools run by
 * absolute path from the paths table under --root, with an allow-listed
 * environment and a timeout. Nothing here parses output (the core does).
 */
#ifndef EG_MAC_H
#define EG_MAC_H

#include <signal.h>
#include <stdint.h>

#include "child.h"
#include "cmd.h"
#include "paths.h"

/*
 * The clocks, in milliseconds: monotonic (for timeouts and schedules,
 * the clock core/strategy.h and core/child.h are given) and wall (UTC
 * since the epoch, for events and the state file). The core reads no
 * clock itself, so these live here, under mac_, not eg_.
 */
int64_t mac_mono_ms(void);
int64_t mac_wall_ms(void);
/* Minutes east of UTC for the local time at wall_ms (reads TZ). */
int mac_utc_offset_min(int64_t wall_ms);

/*
 * The NULL-terminated environment children get: PATH fixed, and TZ,
 * LANG, LC_ALL, LC_CTYPE, LC_MESSAGES passed on when set (at most 256
 * bytes each). Built once; the strings are never freed.
 */
const char *const *mac_child_env(void);

/* root + the table's path for p into out (PATH_MAX-sized). */
void mac_path(const struct eg_global *g, enum eg_path p, char *out, size_t n);

/* root + an absolute path given by the user or the configuration. */
void mac_join(const struct eg_global *g, const char *path, char *out, size_t n);

/*
 * Bound every child mac_run() starts from now on by deadline_ms (on
 * mac_mono_ms()'s clock; 0: no bound): its timeout is the smaller of its
 * own and the time left, and one that must be killed near the deadline
 * gets 300 ms between SIGTERM and SIGKILL. `run` sets its deadline here
 * so that the run ends within a second of it whatever a child does.
 */
void mac_set_deadline(int64_t deadline_ms);

/*
 * Run tool p with the given arguments (without argv[0]; NULL-terminated)
 * under timeout_ms. c must be EG_CHILD_INIT; the caller releases it.
 * Returns what eg_child_run() returns.
 */
enum eg_err mac_run(const struct eg_global *g, enum eg_path p,
		    const char *const *args, uint64_t timeout_ms,
		    const volatile sig_atomic_t *cancel, struct eg_child *c,
		    struct eg_diag *diag);

#endif
