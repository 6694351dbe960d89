/*
 * event.h: the record of every step of a run (DESIGN.md, "Records").
 *
 * An event is {v, ts, host{serial, model, os, build}, run_id, seq, type,
 * data}; (serial, run_id, seq) identifies it, so a resent event is
 * recognised. Each event is written twice: as one JSON line for machines
 * and the server, and as one human line for the log a technician reads.
 */
#ifndef EG_EVENT_H
#define EG_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "spool.h"

#define EG_EVENT_VERSION 1

/*
 * The event types, one row each: the enum value, the name on the wire,
 * and the members its data object may carry (space-separated, "" for
 * none; a member may be left out when its value is unknown). Rows are
 * sorted by name: eg_event_type_lookup() searches them in halves.
 *
 * To add an event type:
 *   1. add its row here, in name order;
 *   2. add the wording of its human-log line (one EG_TEXT_ macro per
 *      wording) below, under the others of its family;
 *   3. record it: recorder_emit(&r->rec, data, EG_TEXT_X, ...) in src/agent;
 *   4. list it in docs/enrollguard.8 (EVENTS) and, with its data members,
 *      in docs/enrollguard-server.8 (EVENT TYPES);
 *   5. if it changes what the dashboard shows, src/server/devstate.c; if
 *      explain should read it, src/core/diagnose.c;
 *   6. if it is high-rate or part of the run's outcome, give it its
 *      priority in eg_event_spool_prio() (event.c): it decides what a
 *      full spool drops first and how often the state file is saved.
 * Tests that check it: tests/unit/test-event.c (both man pages list
 * exactly these types, with these members), tests/e2e/t1014 (the server
 * takes every documented type; run records no data member its type does
 * not list).
 */
#define EG_EVENT_TYPES(X)                                                    \
	X(CLOUDCONFIG_RETRY,   "cloudconfig.retry",   "")                    \
	X(CONFIG_FETCHED,      "config.fetched",      "organization department email phone mdm_url " \
						      "mandatory supervised mdm_unremovable") \
	X(CONFIG_UNAVAILABLE,  "config.unavailable",  "")                    \
	X(DASD_VERDICT,        "dasd.verdict",        "activity decision blocking_policy rationale " \
						      "final_score_micro policies") \
	X(LAUNCHDAEMON_KEPT,   "launchdaemon.kept",   "")                    \
	X(LAUNCHDAEMON_REMOVED, "launchdaemon.removed", "")                  \
	X(LOG_ENDED,           "log.ended",           "")                    \
	X(LOG_STARTED,         "log.started",         "")                    \
	X(LOG_UNAVAILABLE,     "log.unavailable",     "")                    \
	X(PUSH_CERT_MOVED,     "push_cert.moved",     "")                    \
	X(PUSH_CERT_RESTORED,  "push_cert.restored",  "")                    \
	X(RENEW_ATTEMPT,       "renew.attempt",       "attempt")             \
	X(RENEW_PREFLIGHT,     "renew.preflight",     "")                    \
	X(RENEW_PROMPTED,      "renew.prompted",      "")                    \
	X(RENEW_RESULT,        "renew.result",        "attempt ok exit_code timed_out signal " \
						      "error_code error elapsed_ms") \
	X(RENEW_START,         "renew.start",         "")                    \
	X(RENEW_STOPPED,       "renew.stopped",       "")                    \
	X(REPORT_DROPPED,      "report.dropped",      "dropped high_rate other expired") \
	X(REPORT_PENDING,      "report.pending",      "pending")             \
	X(RUN_ENROLLED,        "run.enrolled",        "")                    \
	X(RUN_GAVE_UP,         "run.gave_up",         "")                    \
	X(RUN_INTERRUPTED,     "run.interrupted",     "")                    \
	X(RUN_RESUME,          "run.resume",          "")                    \
	X(RUN_START,           "run.start",           "")                    \
	X(SETUP_ENDED,         "setup.ended",         "")                    \
	X(SETUP_FOUND,         "setup.found",         "")                    \
	X(SETUP_STUCK,         "setup.stuck",         "waited_ms")           \
	X(SETUP_TIMEOUT,       "setup.timeout",       "")                    \
	X(SETUP_UNKNOWN,       "setup.unknown",       "")                    \
	X(SETUP_WAITING,       "setup.waiting",       "")                    \
	X(SYSTEM_INFO,         "system.info",         "product os build model model_name " \
						      "serial chip arch")    \
	X(THERMAL_SAMPLE,      "thermal.sample",      "cpu_die_c cpu_thermal_level " \
						      "io_thermal_level fan_rpm thermal_pressure " \
						      "thermal_warning_level cpu_speed_limit hot") \
	X(THERMAL_UNAVAILABLE, "thermal.unavailable", "")                    \
	X(UCRT_ACQUIRED,       "ucrt.acquired",       "")                    \
	X(UCRT_PERFORMING,     "ucrt.performing",     "")                    \
	X(UCRT_UNAVAILABLE,    "ucrt.unavailable",    "")                    \
	X(WAIT,                "wait",                "")

/*
 * EG_EV_UNKNOWN is a name that is no row of the table (an agent newer
 * than this code); the rows follow from 1, and EG_EV_COUNT is one past
 * the last.
 */
enum eg_event_type {
	EG_EV_UNKNOWN = 0,
#define EG_EVENT_TYPE_ENUM(id, name, keys) EG_EV_##id,
	EG_EVENT_TYPES(EG_EVENT_TYPE_ENUM)
#undef EG_EVENT_TYPE_ENUM
	EG_EV_COUNT
};

/* The type's name ("renew.result"), or NULL for EG_EV_UNKNOWN and out of range. */
const char *eg_event_type_name(enum eg_event_type t);

/*
 * The data members the type may carry, space-separated ("" for none),
 * or NULL for EG_EV_UNKNOWN and out of range.
 */
const char *eg_event_type_keys(enum eg_event_type t);

/*
 * The type named by the len bytes at name (no NUL needed), or
 * EG_EV_UNKNOWN when no row has that name.
 */
enum eg_event_type eg_event_type_lookup(const char *name, size_t len);

/*
 * Whether key (len bytes) is one of the data members the type lists.
 * Returns 0 for EG_EV_UNKNOWN.
 */
int eg_event_type_has_key(enum eg_event_type t, const char *key, size_t len);

/*
 * The human log's wording of each event, one macro per wording, grouped
 * by type: each expands to the event type and its printf format, so
 *     recorder_emit(&r->rec, data, EG_TEXT_DASD_BLOCKED, policy, ...);
 * records a dasd.verdict whose text the compiler checks against the
 * format here. explain reads these lines back (core/logread.c): change
 * a wording only together with what reads it.
 */
#define EG_TEXT_CLOUDCONFIG_RETRY  EG_EV_CLOUDCONFIG_RETRY, \
	"teslad is retrying its request"
/* organization, MDM URL, mandatory, supervised ("yes", "no", "unknown") */
#define EG_TEXT_CONFIG_FETCHED     EG_EV_CONFIG_FETCHED, \
	"enrollment configuration from \"%s\", MDM %s, mandatory %s, supervised %s"
/* why profiles could not run */
#define EG_TEXT_CONFIG_NO_PROFILES EG_EV_CONFIG_UNAVAILABLE, \
	"cannot run profiles show: %s"
/* what profiles printed instead */
#define EG_TEXT_CONFIG_EMPTY       EG_EV_CONFIG_UNAVAILABLE, \
	"the renewal succeeded but 'profiles show -type enrollment' printed no configuration: %s"
/* blocking policy, its decision, rationale ("no rationale"), activity */
#define EG_TEXT_DASD_BLOCKED       EG_EV_DASD_VERDICT, \
	"dasd: %s %s (%s) for %s"
/* decision, activity: no policy held the task back */
#define EG_TEXT_DASD_VERDICT       EG_EV_DASD_VERDICT, \
	"dasd: %s for %s"
/* the LaunchDaemon's path, events waiting, the server, until when */
#define EG_TEXT_LAUNCHDAEMON_KEPT_TO_SEND EG_EV_LAUNCHDAEMON_KEPT, \
	"'%s' is kept until the %llu events waiting reach %s (at most until %s)"
/* the LaunchDaemon's path, why it stays */
#define EG_TEXT_LAUNCHDAEMON_KEPT  EG_EV_LAUNCHDAEMON_KEPT, \
	"cannot remove '%s': %s"
#define EG_TEXT_LAUNCHDAEMON_REMOVED EG_EV_LAUNCHDAEMON_REMOVED, \
	"removed '%s': enrollguard will not run at the next boot"
#define EG_TEXT_LAUNCHDAEMON_GONE  EG_EV_LAUNCHDAEMON_REMOVED, \
	"'%s' was already gone"
/*
 * The log.* texts (agent/logstream.c) take what the command follows the
 * log for ("for dasd and the UCRT") and what it does without it
 * ("attempts follow the fallback schedule only").
 */
/* how log stream ended (eg_child_describe), the pause before the restart, without */
#define EG_TEXT_LOG_ENDED          EG_EV_LOG_ENDED, \
	"log stream %s: starting it again in %s; until then %s"
/* for what, log stream's pid */
#define EG_TEXT_LOG_STARTED        EG_EV_LOG_STARTED, \
	"following the unified log %s (pid %ld)"
/* for what, log stream's pid, how many starts so far */
#define EG_TEXT_LOG_RESTARTED      EG_EV_LOG_STARTED, \
	"following the unified log %s again (pid %ld, start %u)"
/* why not, without */
#define EG_TEXT_LOG_UNAVAILABLE    EG_EV_LOG_UNAVAILABLE, \
	"cannot follow the unified log (%s): %s"
/* the keychain's path, where it went */
#define EG_TEXT_PUSH_CERT_MOVED    EG_EV_PUSH_CERT_MOVED, \
	"moved %s aside to %s (unsupported by Apple: it can break iCloud services); " \
	"undo: enrollguard renew --undo-push-cert-fix"
#define EG_TEXT_PUSH_CERT_RESTORED EG_EV_PUSH_CERT_RESTORED, \
	"restored %s"
/* run: attempt number, why now */
#define EG_TEXT_RENEW_ATTEMPT      EG_EV_RENEW_ATTEMPT, \
	"attempt %u (%s): profiles renew -type enrollment"
/* renew: the one call */
#define EG_TEXT_RENEW_CALLED       EG_EV_RENEW_ATTEMPT, \
	"profiles renew -type enrollment"
/* item name, "ok" / "warn" / "fail", detail */
#define EG_TEXT_RENEW_PREFLIGHT    EG_EV_RENEW_PREFLIGHT, \
	"%s: %s: %s"
#define EG_TEXT_RENEW_PROMPTED     EG_EV_RENEW_PROMPTED, \
	"profiles renew succeeded: macOS shows the user the Device Enrollment " \
	"notification; following the outcome"
/* run's outcomes of one attempt: number, then what happened */
#define EG_TEXT_RENEW_SUCCEEDED    EG_EV_RENEW_RESULT, \
	"attempt %u succeeded in %llu ms"
#define EG_TEXT_RENEW_NOT_RUN      EG_EV_RENEW_RESULT, \
	"attempt %u failed: %s"
/* how profiles ended (timed out, killed by a signal) */
#define EG_TEXT_RENEW_KILLED       EG_EV_RENEW_RESULT, \
	"attempt %u failed: profiles %s"
/* error code and its meaning (core/profiles.h eg_cloudcfg_describe) */
#define EG_TEXT_RENEW_FAILED_CODE  EG_EV_RENEW_RESULT, \
	"attempt %u failed: (%ld) %s"
/* profiles' message, how it ended */
#define EG_TEXT_RENEW_FAILED       EG_EV_RENEW_RESULT, \
	"attempt %u failed: %s (profiles %s)"
/* renew's outcomes */
#define EG_TEXT_RENEW_ENROLLED     EG_EV_RENEW_RESULT, \
	"enrolled through ADE (profiles status: Enrolled via DEP: Yes)"
#define EG_TEXT_RENEW_HTTP         EG_EV_RENEW_RESULT, \
	"the MDM answered HTTP %d: %s"
#define EG_TEXT_RENEW_NO_OUTCOME   EG_EV_RENEW_RESULT, \
	"no outcome within %s: the user may not have approved the enrollment yet " \
	"(the Device Enrollment notification, or System Settings)"
#define EG_TEXT_RENEW_EXITED       EG_EV_RENEW_RESULT, \
	"profiles renew failed (exit %d): %s"
/* the spool's size in KiB, events dropped: all, high-rate, others */
#define EG_TEXT_REPORT_DROPPED     EG_EV_REPORT_DROPPED, \
	"the spool for the server is full (%llu KiB): %llu events dropped so far " \
	"(%llu high-rate, %llu others), the oldest first; the JSON-lines log has them all"
/* events not sent, the server, how long it tried, the last error */
#define EG_TEXT_REPORT_EXPIRED     EG_EV_REPORT_DROPPED, \
	"%llu events could not be sent to %s within %s of the run's end (%s): no " \
	"longer trying; the JSON-lines log has them all"
/* version, " (dry run)" or "" */
#define EG_TEXT_RENEW_START        EG_EV_RENEW_START, \
	"enrollguard %s renew%s"
/* days since it expired, why the MDM rejects it */
#define EG_TEXT_RENEW_STOPPED_403  EG_EV_RENEW_STOPPED, \
	"not renewing: the push certificate expired %d days ago and the MDM rejects " \
	"such devices (%s): it would answer 403"
#define EG_TEXT_RENEW_STOPPED      EG_EV_RENEW_STOPPED, \
	"not renewing: %s"
/* attempts, "s" or "" */
#define EG_TEXT_RUN_ENROLLED       EG_EV_RUN_ENROLLED, \
	"done after %u attempt%s: restart the Mac (or go on in Setup Assistant) and " \
	"the Remote Management screen will enroll it"
#define EG_TEXT_RUN_ENROLLED_LATE  EG_EV_RUN_ENROLLED, \
	"done after %u attempt%s, but after Setup Assistant: the Mac's user must " \
	"accept the Device Enrollment notification to enroll it"
/* attempts, "s" or "", the deadline or "N cycles", what to do */
#define EG_TEXT_RUN_GAVE_UP        EG_EV_RUN_GAVE_UP, \
	"no enrollment configuration after %u attempt%s (%s); the LaunchDaemon is " \
	"kept. What to do: %s"
/* the result, what to do */
#define EG_TEXT_RUN_GAVE_UP_NO_ADE EG_EV_RUN_GAVE_UP, \
	"%s: %s"
/* signal, attempts, "s" or "" */
#define EG_TEXT_RUN_INTERRUPTED    EG_EV_RUN_INTERRUPTED, \
	"stopped by signal %d after %u attempt%s; a relaunch continues this run"
/* run id, attempts, "s" or "", strategy, deadline */
#define EG_TEXT_RUN_RESUME         EG_EV_RUN_RESUME, \
	"continuing run %s after %u attempt%s (%s strategy, deadline %s)"
/* run id, its phase, events waiting, until when */
#define EG_TEXT_REPORT_PENDING     EG_EV_REPORT_PENDING, \
	"run %s is over (%s): only sending the %llu events that wait for the server, " \
	"until %s"
/* version, pid, strategy, deadline */
#define EG_TEXT_RUN_START          EG_EV_RUN_START, \
	"enrollguard %s, pid %ld, %s strategy, deadline %s"
/* the path of .AppleSetupDone */
#define EG_TEXT_SETUP_ENDED        EG_EV_SETUP_ENDED, \
	"Setup Assistant finished before the enrollment configuration arrived (%s " \
	"exists): this Mac went on without the Remote Management screen, as a " \
	"personal Mac; a configuration that comes now reaches its user as a Device " \
	"Enrollment notification"
#define EG_TEXT_SETUP_FOUND        EG_EV_SETUP_FOUND, \
	"Setup Assistant is running"
/* how long ("the whole run" when only seen at the end) */
#define EG_TEXT_SETUP_STUCK        EG_EV_SETUP_STUCK, \
	"Setup Assistant has waited %s for the enrollment configuration: it is " \
	"probably stuck at \"Retrieving activation record.\""
/* the bound on the wait, in the next three */
#define EG_TEXT_SETUP_TIMEOUT      EG_EV_SETUP_TIMEOUT, \
	"Setup Assistant did not appear within %s: going on without it"
#define EG_TEXT_SETUP_UNKNOWN      EG_EV_SETUP_UNKNOWN, \
	"cannot tell whether Setup Assistant runs (pgrep failed): waiting up to %s"
#define EG_TEXT_SETUP_WAITING      EG_EV_SETUP_WAITING, \
	"waiting up to %s for Setup Assistant"
/* product, version, build, model, architecture, serial, chip */
#define EG_TEXT_SYSTEM_INFO        EG_EV_SYSTEM_INFO, \
	"%s %s (%s), %s %s, serial %s, %s"
/* the sample (eg_thermal_format), " (hot)" or "" */
#define EG_TEXT_THERMAL_SAMPLE     EG_EV_THERMAL_SAMPLE, \
	"%s%s"
/* what is missing (sampler.h) */
#define EG_TEXT_THERMAL_UNAVAILABLE EG_EV_THERMAL_UNAVAILABLE, \
	"%s"
#define EG_TEXT_UCRT_ACQUIRED      EG_EV_UCRT_ACQUIRED, \
	"mobileactivationd performed the UCRT OOB: the UCRT exists"
#define EG_TEXT_UCRT_PERFORMING    EG_EV_UCRT_PERFORMING, \
	"mobileactivationd is fetching the UCRT"
#define EG_TEXT_UCRT_UNAVAILABLE   EG_EV_UCRT_UNAVAILABLE, \
	"the log says the UCRT is unavailable"
/* what the run waits for, when it tries next, (the last error) */
#define EG_TEXT_WAIT_AFTER         EG_EV_WAIT, \
	"%s, next attempt in %s (last: %s)"
#define EG_TEXT_WAIT               EG_EV_WAIT, \
	"%s, next attempt in %s"

struct eg_host {
	char serial[64];
	char model[64];
	char os[32];
	char build[32];
	char arch[16];
};

struct eg_event {
	int64_t ts_ms;            /* UTC, milliseconds since the epoch */
	const struct eg_host *host;
	const char *run_id;
	uint64_t seq;
	enum eg_event_type type;
	const char *data_json;    /* a JSON object, or NULL for {} */
	const char *text;         /* one line for humans, no newline */
};

/*
 * Append the event as one JSON line (with '\n') to out. Returns EG_OK,
 * EG_ERR_INVALID for a type that is no row of the table, or the buffer's
 * error.
 */
enum eg_err eg_event_json(const struct eg_event *ev, struct eg_buf *out);

/*
 * Append "2026-11-23 00:35:28 +0000 renew.result: attempt 3 failed ..."
 * and '\n' to out; the time is shown at offset_min from UTC. Control
 * characters in the text are replaced, so one event is one line.
 * Returns as eg_event_json() does.
 */
enum eg_err eg_event_human(const struct eg_event *ev, int offset_min,
			   struct eg_buf *out);

/* A fresh run id: 32 hex digits from 16 random bytes the caller supplies. */
void eg_event_run_id(const unsigned char rnd[16], char out[33]);

/*
 * What a full spool does with events of type t (spool.h): high-rate
 * types are EG_SPOOL_LOW, the run's start and outcome EG_SPOOL_OUTCOME.
 */
enum eg_spool_prio eg_event_spool_prio(enum eg_event_type t);

/*
 * The same for one JSON line as eg_event_json() wrote it, with its type
 * in *kind (OUT; EG_EV_UNKNOWN when the line has none this table knows).
 * Usable as a spool's classifier.
 */
enum eg_spool_prio eg_event_line_prio(const char *line, size_t len, unsigned *kind);

/*
 * The JSON of a host as eg_event_json() writes it, appended to out:
 * {"serial":...,"arch":...}. An event recorded before the Mac's serial
 * was known carries the empty host; the reporter puts the real one in
 * before sending it.
 */
enum eg_err eg_event_host_json(const struct eg_host *h, struct eg_buf *out);

/*
 * Read the JSON-lines log text in buf (its last part is enough) for the
 * events of run run_id: *seq (OUT) the highest seq, *attempt (OUT) the
 * highest renew.attempt number; each 0 when none. Lines that are not
 * events are skipped.
 * Example line (as written): {"v":1,"ts":"2026-11-23T00:35:28.512Z",
 * "host":{...},"run_id":"6f0e...","seq":7,"type":"renew.attempt",
 * "data":{"attempt":2},"text":"attempt 2 (first attempt): ..."}
 */
void eg_event_scan_run(const char *buf, size_t len, const char *run_id, uint64_t *seq,
		       uint64_t *attempt);

#endif
