#include "logstream.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mac.h"
#include "banned.h"

static void spawn(struct logstream *ls)
{
	struct eg_diag d = EG_DIAG_INIT;

	eg_child_release(&ls->child);
	ls->child = (struct eg_child)EG_CHILD_INIT;
	ls->child.path = ls->path;
	ls->child.argv = ls->argv;
	ls->child.env = mac_child_env();
	ls->child.now_ms = mac_mono_ms;
	ls->child.stream = true;
	ls->child.hold = true;
	eg_buf_reset(&ls->partial);
	/*
	 * Its pid is saved before it runs: a relaunch after a kill stops it
	 * (job_stop_orphan), and a child whose agent dies before it is saved
	 * never runs at all (child.h, held start).
	 */
	if (eg_child_start(&ls->child, &d) == EG_OK) {
		ls->rec->st.log_pid = (long)ls->child.pid;
		(void)recorder_save(ls->rec);
		if (eg_child_go(&ls->child, &d) != EG_OK)
			ls->rec->st.log_pid = 0;
	}
	if (ls->child.pid <= 0) {
		recorder_emit(ls->rec, NULL, EG_TEXT_LOG_UNAVAILABLE, d.msg, ls->without);
		ls->restart_ms = mac_mono_ms() + ls->backoff_ms;
		ls->backoff_ms = ls->backoff_ms * 2 > LOGSTREAM_BACKOFF_MAX_MS ?
			LOGSTREAM_BACKOFF_MAX_MS : ls->backoff_ms * 2;
		return;
	}
	ls->running = true;
	ls->started_ms = mac_mono_ms();
	if (ls->starts++)
		recorder_emit(ls->rec, NULL, EG_TEXT_LOG_RESTARTED,
			      ls->what, (long)ls->child.pid, ls->starts);
	else
		recorder_emit(ls->rec, NULL, EG_TEXT_LOG_STARTED, ls->what,
			      (long)ls->child.pid);
}

void logstream_start(struct logstream *ls, const struct eg_global *g,
		     struct recorder *rec, const char *predicate,
		     const char *what, const char *without)
{
	ls->g = g;
	ls->rec = rec;
	ls->what = what;
	ls->without = without;
	ls->wanted = true;
	ls->backoff_ms = LOGSTREAM_BACKOFF_MIN_MS;
	mac_path(g, EG_PATH_LOG, ls->path, sizeof(ls->path));
	/* default style (field-guide.md 5.2) */
	ls->argv[0] = ls->path;
	ls->argv[1] = "stream";
	ls->argv[2] = "--style";
	ls->argv[3] = "default";
	ls->argv[4] = "--predicate";
	ls->argv[5] = predicate;
	ls->argv[6] = NULL;
	spawn(ls);
}

/* The child closed its output: reap it, say so, plan the restart. */
static void ended(struct logstream *ls)
{
	char how[128], in[32];
	int64_t now = mac_mono_ms();

	eg_child_stop(&ls->child);
	ls->running = false;
	ls->rec->st.log_pid = 0;
	if (now - ls->started_ms >= LOGSTREAM_BACKOFF_MAX_MS)
		ls->backoff_ms = LOGSTREAM_BACKOFF_MIN_MS;
	ls->restart_ms = now + ls->backoff_ms;
	eg_format_duration((uint64_t)ls->backoff_ms, in, sizeof(in));
	eg_child_describe(&ls->child, how, sizeof(how));
	recorder_emit(ls->rec, NULL, EG_TEXT_LOG_ENDED, how, in,
		      ls->without);
	ls->backoff_ms = ls->backoff_ms * 2 > LOGSTREAM_BACKOFF_MAX_MS ?
		LOGSTREAM_BACKOFF_MAX_MS : ls->backoff_ms * 2;
}

/* Hand the complete lines in partial to on_line; keep the rest. */
static void split(struct logstream *ls, void (*on_line)(void *, struct eg_str), void *ctx)
{
	const char *p = ls->partial.buf, *nl;

	while ((nl = memchr(p, '\n', ls->partial.len - (size_t)(p - ls->partial.buf)))) {
		struct eg_str line = { p, (size_t)(nl - p) };

		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		on_line(ctx, line);
		p = nl + 1;
	}
	eg_buf_consume(&ls->partial, (size_t)(p - ls->partial.buf));
}

/* Read what the child printed; false once it has ended. */
static bool drain(struct logstream *ls, void (*on_line)(void *, struct eg_str), void *ctx)
{
	char chunk[8192];

	for (;;) {
		ssize_t n = read(ls->child.out_fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return true;          /* EAGAIN: all read for now */
		if (n == 0)
			return false;
		if (eg_buf_add(&ls->partial, chunk, (size_t)n) != EG_OK)
			/* a line longer than the cap: drop it, keep going */
			eg_buf_init(&ls->partial, ls->partial.cap);
		split(ls, on_line, ctx);
	}
}

void logstream_wait(struct logstream *ls, int timeout_ms,
		    void (*on_line)(void *ctx, struct eg_str line), void *ctx)
{
	struct pollfd pfd;
	int64_t now = mac_mono_ms();

	if (!ls->running) {
		/* no child: sleep, never spin; start one when the backoff is over */
		if (ls->wanted && now >= ls->restart_ms) {
			spawn(ls);
			if (ls->running)
				return;
		}
		if (ls->wanted && ls->restart_ms - now < timeout_ms)
			timeout_ms = ls->restart_ms - now > 0 ? (int)(ls->restart_ms - now) : 0;
		poll(NULL, 0, timeout_ms);
		return;
	}
	pfd.fd = ls->child.out_fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, timeout_ms) > 0 && !drain(ls, on_line, ctx))
		ended(ls);
}

pid_t logstream_pid(const struct logstream *ls)
{
	return ls->running ? ls->child.pid : 0;
}

void logstream_stop(struct logstream *ls)
{
	/* log stream ends on SIGTERM; one that does not gets half a second */
	ls->child.grace_ms = 500;
	if (ls->running) {
		eg_child_stop(&ls->child);
		ls->rec->st.log_pid = 0;
		recorder_touch(ls->rec);
	}
	ls->running = false;
	ls->wanted = false;
	eg_child_release(&ls->child);
	eg_buf_release(&ls->partial);
}
