#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scan.h"
#include "banned.h"

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int cloexec_pipe(int fds[2])
{
	if (pipe(fds))
		return -1;
	if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) ||
	    fcntl(fds[1], F_SETFD, FD_CLOEXEC)) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	return 0;
}

/*
 * NOTE: runs in the child between fork() and execve(). Only
 * async-signal-safe calls are allowed here: no malloc, no stdio.
 */
static void child_exec(const struct eg_child *c, int out_w, int err_w,
		       int notify_w, const int go[2], int maxfd)
{
	struct sigaction sa;
	sigset_t none;
	int devnull, fd, sig, e;
	char go_byte;

	setpgid(0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	/* NSIG is not POSIX; sigaction() refuses numbers past the last */
	for (sig = 1; sig <= 64; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	devnull = open("/dev/null", O_RDWR);
	if (devnull < 0)
		goto fail;
	if (dup2(devnull, 0) < 0 || dup2(out_w >= 0 ? out_w : devnull, 1) < 0 ||
	    dup2(err_w >= 0 ? err_w : devnull, 2) < 0)
		goto fail;
	/* held: the parent says go, or dies first and we leave without exec */
	if (go[0] >= 0) {
		ssize_t r;

		close(go[1]);      /* or our own copy would keep the pipe open */
		while ((r = read(go[0], &go_byte, 1)) < 0 && errno == EINTR)
			;
		if (r != 1)
			_exit(127);
	}
	for (fd = 3; fd < maxfd; fd++)
		if (fd != notify_w)
			close(fd);
	execve(c->path, (char *const *)c->argv, (char *const *)c->env);
fail:
	e = errno;
	(void)!write(notify_w, &e, sizeof(e));
	_exit(127);
}

enum eg_err eg_child_start(struct eg_child *c, struct eg_diag *diag)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, notify[2] = { -1, -1 };
	int go[2] = { -1, -1 };
	struct rlimit rl;
	int maxfd = 1024, e = 0;

	if (!c->path || c->path[0] != '/' || !c->argv || !c->argv[0] ||
	    !c->now_ms)
		return eg_diag_set(diag, EG_ERR_INVALID,
				   "child needs an absolute path, argv and a clock");
	eg_buf_init(&c->out, c->out_cap);
	eg_buf_init(&c->err, c->out_cap);
	c->timed_out = c->out_truncated = c->cancelled = false;
	c->exit_code = -1;
	c->term_signal = 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < 65536)
		maxfd = (int)rl.rlim_cur;

	if (cloexec_pipe(out) || cloexec_pipe(notify) ||
	    (!c->stream && cloexec_pipe(err)) || (c->hold && cloexec_pipe(go)))
		goto fail_errno;
	c->elapsed_ms = (uint64_t)c->now_ms();
	c->pid = fork();
	if (c->pid < 0)
		goto fail_errno;
	if (c->pid == 0)
		child_exec(c, out[1], err[1], notify[1], go, maxfd);

	/* also from the parent, so a kill of the group cannot race setpgid */
	setpgid(c->pid, c->pid);
	close_fd(&out[1]);
	close_fd(&err[1]);
	close_fd(&notify[1]);
	close_fd(&go[0]);
	c->go_fd = go[1];
	c->notify_fd = notify[0];
	c->out_fd = out[0];
	c->err_fd = err[0];
	if (!c->hold)
		return eg_child_go(c, diag);
	return EG_OK;

fail_errno:
	e = errno;
	close_fd(&out[0]); close_fd(&out[1]);
	close_fd(&err[0]); close_fd(&err[1]);
	close_fd(&notify[0]); close_fd(&notify[1]);
	close_fd(&go[0]); close_fd(&go[1]);
	return eg_diag_set(diag, EG_ERR_SPAWN, "cannot start '%s': %s",
			   c->path, strerror(e));
}

enum eg_err eg_child_go(struct eg_child *c, struct eg_diag *diag)
{
	ssize_t n;
	int e = 0;

	if (c->go_fd >= 0) {
		(void)!write(c->go_fd, "g", 1);
		close_fd(&c->go_fd);
	}
	do {
		n = read(c->notify_fd, &e, sizeof(e));
	} while (n < 0 && errno == EINTR);
	close_fd(&c->notify_fd);
	if (n == (ssize_t)sizeof(e)) {
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
		c->pid = -1;
		close_fd(&c->out_fd);
		close_fd(&c->err_fd);
		return eg_diag_set(diag, EG_ERR_SPAWN, "cannot run '%s': %s",
				   c->path, strerror(e));
	}
	fcntl(c->out_fd, F_SETFL, fcntl(c->out_fd, F_GETFL) | O_NONBLOCK);
	if (c->err_fd >= 0)
		fcntl(c->err_fd, F_SETFL, fcntl(c->err_fd, F_GETFL) | O_NONBLOCK);
	return EG_OK;
}

/* Read what is available from fd into b; returns false at EOF or error. */
static bool drain(int fd, struct eg_buf *b, bool *truncated)
{
	char chunk[4096];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n > 0) {
			size_t room = b->cap - b->len;

			if (*truncated)
				continue;
			if ((size_t)n > room) {
				/* keep what fits; the rest is dropped and noted */
				(void)eg_buf_add(b, chunk, room);
				*truncated = true;
				continue;
			}
			(void)eg_buf_add(b, chunk, (size_t)n);
			continue;
		}
		if (n == 0)
			return false;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN || errno == EWOULDBLOCK;
	}
}

static void set_status(struct eg_child *c, int status)
{
	if (WIFEXITED(status)) {
		c->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		c->term_signal = WTERMSIG(status);
		c->exit_code = 128 + c->term_signal;
	}
}

/* Kill the group: SIGTERM, up to grace_ms, SIGKILL; reap. */
static void kill_and_reap(struct eg_child *c)
{
	int64_t until;
	int status;
	pid_t r;

	if (c->pid <= 0)
		return;
	kill(-c->pid, SIGTERM);
	until = c->now_ms() + (int64_t)c->grace_ms;
	for (;;) {
		r = waitpid(c->pid, &status, WNOHANG);
		if (r == c->pid)
			break;
		if (r < 0 && errno != EINTR)
			break;
		if (c->now_ms() >= until) {
			kill(-c->pid, SIGKILL);
			while ((r = waitpid(c->pid, &status, 0)) < 0 &&
			       errno == EINTR)
				;
			break;
		}
		poll(NULL, 0, 10);
	}
	if (r == c->pid)
		set_status(c, status);
	/* stragglers in the group that ignored SIGTERM */
	kill(-c->pid, SIGKILL);
	c->pid = -1;
}

enum eg_err eg_child_finish(struct eg_child *c, struct eg_diag *diag)
{
	int64_t start = (int64_t)c->elapsed_ms;
	int64_t deadline = c->timeout_ms ? start + (int64_t)c->timeout_ms : 0;
	bool out_open = c->out_fd >= 0, err_open = c->err_fd >= 0;
	bool exited = false;
	int status = 0;

	(void)diag;
	while (c->pid > 0) {
		struct pollfd pfd[2];
		int nfds = 0, wait_ms = 50;
		pid_t r;

		if (out_open)
			pfd[nfds++] = (struct pollfd){ c->out_fd, POLLIN, 0 };
		if (err_open)
			pfd[nfds++] = (struct pollfd){ c->err_fd, POLLIN, 0 };
		if (c->cancel && *c->cancel) {
			c->cancelled = true;
			break;
		}
		if (deadline) {
			int64_t left = deadline - c->now_ms();

			if (left <= 0) {
				c->timed_out = true;
				break;
			}
			if (left < wait_ms)
				wait_ms = (int)left;
		}
		if (nfds)
			poll(pfd, (nfds_t)nfds, wait_ms);
		else
			poll(NULL, 0, wait_ms);
		if (out_open)
			out_open = drain(c->out_fd, &c->out, &c->out_truncated);
		if (err_open)
			err_open = drain(c->err_fd, &c->err, &c->out_truncated);
		r = waitpid(c->pid, &status, WNOHANG);
		if (r == c->pid) {
			exited = true;
			break;
		}
	}
	if (exited) {
		/* what the child wrote just before exiting */
		if (out_open)
			drain(c->out_fd, &c->out, &c->out_truncated);
		if (err_open)
			drain(c->err_fd, &c->err, &c->out_truncated);
		set_status(c, status);
		/* a grandchild may still hold the pipes: not our business */
		kill(-c->pid, SIGKILL);
		c->pid = -1;
	} else {
		kill_and_reap(c);
	}
	close_fd(&c->out_fd);
	close_fd(&c->err_fd);
	c->elapsed_ms = (uint64_t)(c->now_ms() - start);
	return EG_OK;
}

enum eg_err eg_child_run(struct eg_child *c, struct eg_diag *diag)
{
	enum eg_err rc = eg_child_start(c, diag);

	if (rc != EG_OK)
		return rc;
	return eg_child_finish(c, diag);
}

void eg_child_stop(struct eg_child *c)
{
	kill_and_reap(c);
	close_fd(&c->out_fd);
	close_fd(&c->err_fd);
}

void eg_child_release(struct eg_child *c)
{
	if (!c)
		return;
	if (c->pid > 0)
		eg_child_stop(c);
	close_fd(&c->out_fd);
	close_fd(&c->err_fd);
	close_fd(&c->go_fd);
	close_fd(&c->notify_fd);
	eg_buf_release(&c->out);
	eg_buf_release(&c->err);
}

void eg_child_describe(const struct eg_child *c, char *out, size_t n)
{
	char d[32];

	eg_format_duration(c->timeout_ms, d, sizeof(d));
	if (c->timed_out)
		snprintf(out, n, "timed out after %s and was killed", d);
	else if (c->cancelled)
		snprintf(out, n, "was stopped because enrollguard is exiting");
	else if (c->term_signal)
		snprintf(out, n, "killed by signal %d", c->term_signal);
	else
		snprintf(out, n, "exited with %d", c->exit_code);
}
