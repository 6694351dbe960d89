/*
 * cmd-status.c: `enrollguard status`, the state of a run at a glance.
 *
 * Any user may run it: the Setup Assistant Terminal (control-option-
 * command-T) is not root, so the state file and the human log are
 * world-readable. --follow replaces `tail -f`: it prints the state, then
 * every new line of the run's log until the run ends.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "json.h"
#include "mac.h"
#include "recorder.h"
#include "spool.h"
#include "timefmt.h"
#include "usage.h"
#include "banned.h"

struct status_opts {
	bool json;
	bool follow;
	char *state_dir;
};

static const struct eg_opt status_table[] = {
	{ "json", "-", EG_OPT_BOOL, 0, 0, "false", NULL, "",
	  "print the state as one JSON object", offsetof(struct status_opts, json) },
	{ "follow", "-", EG_OPT_BOOL, 0, 0, "false", NULL, "",
	  "keep printing the run's log until the run ends",
	  offsetof(struct status_opts, follow) },
	{ "state-dir", "-", EG_OPT_PATH, 0, 0, "/var/db/enrollguard", NULL, "PATH",
	  "where the run keeps its state (as given to run)",
	  offsetof(struct status_opts, state_dir) },
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static void fmt_ago(int64_t ms, char *out, size_t n)
{
	if (ms < 0)
		snprintf(out, n, "in %lld s", (long long)((-ms + 999) / 1000));
	else if (ms < 120000)
		snprintf(out, n, "%lld s ago", (long long)(ms / 1000));
	else
		snprintf(out, n, "%lld min ago", (long long)(ms / 60000));
}

/*
 * Whether the agent that wrote the state still runs. EPERM means it does
 * (status runs as any user; the agent as root).
 */
static bool agent_alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

static void print_human(const struct eg_runstate *st)
{
	int64_t now = mac_wall_ms();
	int off = mac_utc_offset_min(now);
	char t[48], ago[32];

	printf("run %s (%s strategy), pid %ld%s\n", st->run_id,
	       st->strategy[0] ? st->strategy : "?", st->pid,
	       eg_runstate_finished(st) ? "" :
	       agent_alive(st->pid) ? " (running)" : " (not running)");
	printf("  phase:         %s\n", eg_phase_name(st->phase));
	printf("  mac:           %s %s, macOS %s (%s)\n",
	       st->serial[0] ? st->serial : "(serial unknown)",
	       st->model[0] ? st->model : "(model unknown)",
	       st->os[0] ? st->os : "?", st->build[0] ? st->build : "?");
	printf("  attempts:      %u (cycle %u)\n", st->attempts, st->cycle);
	if (st->waiting_for[0])
		printf("  waiting for:   %s\n", st->waiting_for);
	if (st->next_attempt_ms) {
		eg_format_human(st->next_attempt_ms, off, t, sizeof(t));
		fmt_ago(now - st->next_attempt_ms, ago, sizeof(ago));
		printf("  next attempt:  %s (%s)\n", t, ago);
	}
	if (st->thermal[0])
		printf("  thermal:       %s\n", st->thermal);
	if (st->last_result[0])
		printf("  last result:   %s\n", st->last_result);
	if (st->org_name[0] || st->mdm_url[0])
		printf("  configuration: %s, %s\n", st->org_name, st->mdm_url);
	if (st->result[0])
		printf("  result:        %s\n", st->result);
	if (st->recommendation[0])
		printf("  what to do:    %s\n", st->recommendation);
	if (st->spooled)
		printf("  to the server: %llu events waiting to be sent\n",
		       (unsigned long long)st->spooled);
	if (eg_runstate_finished(st) && st->deliver_until_ms) {
		eg_format_human(st->deliver_until_ms, off, t, sizeof(t));
		printf("  delivery:      the run is over; its daemon sends what waits until %s "
		       "(pid %ld, %s)\n", t, st->pid, agent_alive(st->pid) ? "running" :
		       "not running: its next launch goes on");
	}
	if (st->degraded[0])
		printf("  degraded:      %s (the run's records are incomplete: exit 3)\n",
		       st->degraded);
	if (st->deadline_ms && !eg_runstate_finished(st)) {
		eg_format_human(st->deadline_ms, off, t, sizeof(t));
		printf("  deadline:      %s\n", t);
	}
	eg_format_human(st->updated_ms, off, t, sizeof(t));
	fmt_ago(now - st->updated_ms, ago, sizeof(ago));
	printf("  updated:       %s (%s)\n", t, ago);
}

static void print_json(const struct eg_runstate *st)
{
	struct eg_buf b = EG_BUF_INIT(64 * 1024);
	struct eg_jw w;
	char t[40];

	eg_jw_begin(&w, &b);
	eg_jw_str(&w, "run_id", st->run_id);
	eg_jw_str(&w, "phase", eg_phase_name(st->phase));
	eg_jw_bool(&w, "finished", eg_runstate_finished(st));
	eg_jw_str(&w, "strategy", st->strategy);
	eg_jw_int(&w, "pid", st->pid);
	eg_jw_bool(&w, "running", !eg_runstate_finished(st) && agent_alive(st->pid));
	eg_jw_str(&w, "serial", st->serial);
	eg_jw_str(&w, "model", st->model);
	eg_jw_str(&w, "os", st->os);
	eg_jw_str(&w, "build", st->build);
	eg_jw_int(&w, "attempts", st->attempts);
	eg_jw_int(&w, "cycle", st->cycle);
	eg_jw_int(&w, "seq", (int64_t)st->seq);
	eg_jw_str(&w, "waiting_for", st->waiting_for);
	if (st->next_attempt_ms) {
		eg_format_iso(st->next_attempt_ms, t, sizeof(t));
		eg_jw_str(&w, "next_attempt", t);
	} else {
		eg_jw_null(&w, "next_attempt");
	}
	eg_jw_str(&w, "thermal", st->thermal);
	eg_jw_str(&w, "last_result", st->last_result);
	eg_jw_str(&w, "result", st->result);
	eg_jw_str(&w, "recommendation", st->recommendation);
	eg_jw_str(&w, "organization", st->org_name);
	eg_jw_str(&w, "mdm_url", st->mdm_url);
	eg_jw_int(&w, "events_waiting_to_send", (int64_t)st->spooled);
	if (eg_runstate_finished(st) && st->deliver_until_ms) {
		eg_format_iso(st->deliver_until_ms, t, sizeof(t));
		eg_jw_str(&w, "delivery_until", t);
	} else {
		eg_jw_null(&w, "delivery_until");
	}
	eg_jw_bool(&w, "delivering", eg_runstate_finished(st) && st->deliver_until_ms &&
		   agent_alive(st->pid));
	eg_jw_str(&w, "degraded", st->degraded);
	eg_format_iso(st->updated_ms, t, sizeof(t));
	eg_jw_str(&w, "updated", t);
	eg_jw_end(&w);
	if (w.rc == EG_OK)
		printf("%s\n", b.buf);
	eg_buf_release(&b);
}

/* Print the log from offset on as it grows, until the run finishes. */
static int follow(const struct eg_global *g, const char *dir,
		  struct eg_runstate *st)
{
	char path[PATH_MAX];
	off_t pos = 0;
	int fd = -1;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	mac_join(g, st->log_file[0] ? st->log_file : "/var/log/enrollguard.log",
		 path, sizeof(path));
	printf("--- %s\n", path);
	fflush(stdout);
	while (!stop) {
		struct eg_diag d = EG_DIAG_INIT;
		char chunk[8192];
		ssize_t n;
		int done;

		if (fd < 0)
			fd = open(path, O_RDONLY | O_CLOEXEC);
		while (fd >= 0 && (n = pread(fd, chunk, sizeof(chunk), pos)) > 0) {
			fwrite(chunk, 1, (size_t)n, stdout);
			pos += n;
		}
		if (fflush(stdout))
			return EG_EXIT_ENV;
		done = recorder_load_state(dir, "state", st, &d) == EG_OK &&
		       eg_runstate_finished(st);
		if (done) {
			while (fd >= 0 && (n = pread(fd, chunk, sizeof(chunk), pos)) > 0) {
				fwrite(chunk, 1, (size_t)n, stdout);
				pos += n;
			}
			printf("--- run %s: %s\n", eg_phase_name(st->phase), st->result);
			break;
		}
		poll(NULL, 0, 250);
	}
	if (fd >= 0)
		close(fd);
	return EG_EXIT_OK;
}

static int cmd_status_exec(void *state, const struct eg_cmd_ctx *c)
{
	const struct status_opts *o = state;
	struct eg_runstate st;
	struct eg_diag d = EG_DIAG_INIT;
	char dir[PATH_MAX];
	enum eg_err rc;
	int ret = EG_EXIT_OK;

	mac_join(c->g, o->state_dir, dir, sizeof(dir));
	rc = recorder_load_state(dir, "state", &st, &d);
	if (rc == EG_ERR_NOT_FOUND) {
		error("no enrollguard run has recorded state in '%s' yet", dir);
		return EG_EXIT_ENV;
	}
	if (rc != EG_OK) {
		error("%s", d.msg);
		return EG_EXIT_ENV;
	}
	/* the spool itself is newer than the state's count, which the run
	 * writes only with its next event */
	{
		char spool[PATH_MAX + 8];
		uint64_t n;

		snprintf(spool, sizeof(spool), "%s/spool", dir);
		if (eg_spool_count(spool, &n) == EG_OK && (n || st.spooled))
			st.spooled = n;
	}
	if (o->json)
		print_json(&st);
	else
		print_human(&st);
	if (o->follow)
		ret = follow(c->g, dir, &st);
	return ret;
}

const struct eg_cmd eg_cmd_status = {
	.name = "status",
	.usage = "status [--json] [--follow] [--state-dir PATH]",
	.summary = "show the state of a run at a glance (any user)",
	.about = "Print the current state of 'enrollguard run': phase, attempts, what it\n"
		 "waits for, the next attempt, the last thermal sample and the result.",
	.opts = status_table,
	.nopts = EG_NROWS(status_table),
	.state_size = sizeof(struct status_opts),
	.exec = cmd_status_exec,
};
