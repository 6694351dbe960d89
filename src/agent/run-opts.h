/*
 * run-opts.h: the options of `enrollguard run`, shared with the commands
 * that bake them into a package or an installation (pkgroot, pkg,
 * install), so that every key they write is one `run` reads.
 *
 * Keep docs/enrollguard.8 (OPTIONS of run), docs/enrollguard.conf.5 and
 * packaging/com.enrollguard.mobileconfig in step with the table:
 * tests/e2e/t0002-cli-docs.sh and t8005-profile-keys.sh fail when they
 * drift.
 */
#ifndef EG_RUN_OPTS_H
#define EG_RUN_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct run_opts {
	char *strategy;
	uint64_t retries;
	uint64_t retry_delay;
	uint64_t cooldown;
	uint64_t cycles;
	uint64_t deadline;
	uint64_t fallback;
	uint64_t wait_setup;
	bool no_wait_setup;
	uint64_t setup_stuck_after;
	uint64_t child_timeout;
	uint64_t thermal_interval;
	char *launchdaemon;
	char *log_file;
	char *event_log;
	char *state_dir;
	char *report_url;
	char *report_token_file;
	char *report_ca_file;
	uint64_t report_spool_max;
	uint64_t report_flush;
	bool again;
	char *config;
};

/* More than the rows; sizes the set-by-flag arrays of the commands. */
#define RUN_OPTS_MAX 32

/*
 * The number of rows (a constant, for eg_cmd_run's initializer): one too
 * many does not compile, one too few leaves an empty last row that every
 * test trips over.
 */
#define RUN_OPTS_N 23

/*
 * The last RUN_OPTS_LOCAL rows (--again, --config) are run's alone: they
 * have no key, pkgroot, pkg and install take all the others. --config
 * stays last.
 */
#define RUN_OPTS_LOCAL 2

/* The rows. */
extern const struct eg_opt run_table[RUN_OPTS_N];
extern const size_t run_table_len;

#endif
