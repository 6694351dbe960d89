#include "run-opts.h"

#include "banned.h"

static const char *const strategies[] = { "event", "fixed", NULL };

#define O(f) offsetof(struct run_opts, f)
#define MS_MIN 60000ULL
#define MS_HOUR 3600000ULL
#define MS_DAY (24 * MS_HOUR)

/* The options of `run`, one row each (RUN_OPTS_N of them). */
const struct eg_opt run_table[RUN_OPTS_N] = {
	{ "strategy", "Strategy", EG_OPT_ENUM, 0, 0, "event", strategies, "NAME",
	  "event: renew as soon as the log shows the UCRT; fixed: seed schedule", O(strategy) },
	{ "retries", "Retries", EG_OPT_UINT, 1, 100, "3", NULL, "N",
	  "attempts per cycle (fixed) or per UCRT burst (event)", O(retries) },
	{ "retry-delay", "RetryDelay", EG_OPT_DURATION, 0, MS_HOUR, "5s", NULL, "DUR",
	  "pause between attempts of a cycle", O(retry_delay) },
	{ "cooldown", "Cooldown", EG_OPT_DURATION, 0, MS_HOUR, "60s", NULL, "DUR",
	  "pause between cycles (fixed)", O(cooldown) },
	{ "cycles", "Cycles", EG_OPT_UINT, 1, 1000, "10", NULL, "N",
	  "cycles before giving up (fixed)", O(cycles) },
	{ "deadline", "Deadline", EG_OPT_DURATION, 1000, 24 * MS_HOUR, "20m", NULL, "DUR",
	  "give up this long after the run started", O(deadline) },
	{ "fallback-interval", "FallbackInterval", EG_OPT_DURATION, 100, MS_HOUR, "60s",
	  NULL, "DUR", "attempt this often while the log is quiet (event)", O(fallback) },
	{ "wait-setup-assistant", "WaitSetupAssistant", EG_OPT_DURATION, 0, 24 * MS_HOUR,
	  "30m", NULL, "DUR", "wait this long for Setup Assistant, then go on", O(wait_setup) },
	{ "no-wait-setup-assistant", "NoWaitSetupAssistant", EG_OPT_BOOL, 0, 0, "false",
	  NULL, "", "do not wait for Setup Assistant", O(no_wait_setup) },
	{ "setup-stuck-after", "SetupStuckAfter", EG_OPT_DURATION, 1000, 24 * MS_HOUR, "5m",
	  NULL, "DUR", "say Setup Assistant is stuck when it has waited this long for "
	  "the configuration", O(setup_stuck_after) },
	{ "child-timeout", "ChildTimeout", EG_OPT_DURATION, 100, 30 * MS_MIN, "60s", NULL,
	  "DUR", "kill a macOS tool that runs longer than this", O(child_timeout) },
	{ "thermal-interval", "ThermalInterval", EG_OPT_DURATION, 100, MS_HOUR, "30s",
	  NULL, "DUR", "sample the thermal state this often while waiting",
	  O(thermal_interval) },
	{ "launchdaemon", "LaunchDaemonPath", EG_OPT_PATH, 0, 0,
	  "/Library/LaunchDaemons/com.enrollguard.run.plist", NULL, "PATH",
	  "LaunchDaemon plist removed after success", O(launchdaemon) },
	{ "log-file", "LogFile", EG_OPT_PATH, 0, 0, "/var/log/enrollguard.log", NULL,
	  "PATH", "human log, one line per event", O(log_file) },
	{ "event-log", "EventLog", EG_OPT_PATH, 0, 0, "/var/log/enrollguard.jsonl", NULL,
	  "PATH", "JSON-lines event log", O(event_log) },
	{ "state-dir", "StateDir", EG_OPT_PATH, 0, 0, "/var/db/enrollguard", NULL,
	  "PATH", "state file and lock", O(state_dir) },
	{ "report-url", "ReportURL", EG_OPT_STRING, 0, 0, "", NULL, "URL",
	  "send events to this enrollguard-server (http:// or https://); empty: do not",
	  O(report_url) },
	{ "report-token-file", "ReportTokenFile", EG_OPT_PATH, 0, 0, "", NULL, "PATH",
	  "file holding the server's enroll token", O(report_token_file) },
	{ "report-ca-file", "ReportCAFile", EG_OPT_PATH, 0, 0, "", NULL, "PATH",
	  "PEM certificates to trust for the server instead of the system's",
	  O(report_ca_file) },
	{ "report-spool-max", "ReportSpoolMax", EG_OPT_UINT, 64, 1048576, "8192", NULL,
	  "KIB", "events waiting for the server may fill this many KiB on disk",
	  O(report_spool_max) },
	{ "report-flush", "ReportFlushTimeout", EG_OPT_DURATION, 0, 30 * MS_DAY, "168h",
	  NULL, "DUR", "after the run's end, keep sending what waits this long (across "
	  "relaunches), then remove the LaunchDaemon", O(report_flush) },
	/* the rows from here on are run's alone: pkgroot, pkg, install bake none */
	{ "again", "-", EG_OPT_BOOL, 0, 0, "false", NULL, "",
	  "start a new run even though the last one is over", O(again) },
	{ "config", "-", EG_OPT_PATH, 0, 0,
	  "/Library/Managed Preferences/com.enrollguard.plist", NULL, "PATH",
	  "managed-preferences plist to read keys from", O(config) },
};

const size_t run_table_len = sizeof(run_table) / sizeof(run_table[0]);


_Static_assert(RUN_OPTS_N <= RUN_OPTS_MAX, "raise RUN_OPTS_MAX");
