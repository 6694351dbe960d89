#include "job.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mac.h"
#include "usage.h"
#include "banned.h"

volatile sig_atomic_t job_signal;

static void on_signal(int sig)
{
	if (job_signal)
		_exit(128 + sig);  /* a second signal means now */
	job_signal = sig;
}

void job_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGXFSZ, &sa, NULL);
}

void job_open(struct job *j, const struct eg_global *g,
	      const struct job_where *where, const char *name)
{
	char log[PATH_MAX], jsonl[PATH_MAX], dir[PATH_MAX], lockname[48];
	struct eg_diag d = EG_DIAG_INIT;
	enum eg_err rc;
	pid_t holder;

	j->name = name;
	if (!strcmp(name, "run"))
		snprintf(j->state_name, sizeof(j->state_name), "state");
	else
		snprintf(j->state_name, sizeof(j->state_name), "%s-state", name);
	mac_join(g, where->log_file, log, sizeof(log));
	mac_join(g, where->event_log, jsonl, sizeof(jsonl));
	mac_join(g, where->state_dir, dir, sizeof(dir));
	/* ours alone: root's on a Mac, the tester's under --root */
	if (eg_dir_open(&j->dir, dir, 0755, geteuid(), &d) != EG_OK)
		die(EG_EXIT_ENV, "%s", d.msg);
	snprintf(lockname, sizeof(lockname), "%s.lock", name);
	rc = eg_lock_take_at(&j->lock, &j->dir, lockname, getpid(), &holder, &d);
	if (rc == EG_ERR_BUSY)
		die(EG_EXIT_RUNNING, "another 'enrollguard %s' is already running (pid %ld)",
		    name, (long)holder);
	if (rc != EG_OK)
		die(EG_EXIT_ENV, "%s", d.msg);
	if (recorder_open(&j->rec, &j->dir, j->state_name, log, jsonl, &d) != EG_OK)
		die(EG_EXIT_ENV, "%s", d.msg);
}

enum eg_err job_load_state(const struct job *j, struct eg_runstate *st,
			   struct eg_diag *diag)
{
	struct eg_buf b = EG_BUF_INIT(64 * 1024);
	struct eg_diag pd = EG_DIAG_INIT;
	enum eg_err rc = eg_dir_read(&j->dir, j->state_name, &b, diag);

	if (rc == EG_OK && (rc = eg_runstate_parse(b.buf, b.len, st, &pd)) != EG_OK)
		eg_diag_set(diag, rc, "'%s/%s': %s", j->dir.path, j->state_name, pd.msg);
	eg_buf_release(&b);
	return rc;
}

void job_new_run_id(struct job *j)
{
	unsigned char rnd[16];
	int fd;

	memset(rnd, 0, sizeof(rnd));
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd)) {
		int64_t t = mac_wall_ms();

		/* no urandom: time and pid still make clashes unlikely */
		memcpy(rnd, &t, sizeof(t));
		rnd[8] = (unsigned char)getpid();
		rnd[9] = (unsigned char)(getpid() >> 8);
	}
	if (fd >= 0)
		close(fd);
	eg_event_run_id(rnd, j->rec.st.run_id);
}

void job_stop_orphan(long pgid)
{
	int64_t until;

	if (pgid <= 1 || kill(-(pid_t)pgid, 0) != 0)
		return;
	kill(-(pid_t)pgid, SIGTERM);
	until = mac_mono_ms() + 500;
	while (kill(-(pid_t)pgid, 0) == 0 && mac_mono_ms() < until)
		poll(NULL, 0, 20);
	kill(-(pid_t)pgid, SIGKILL);
}

void job_stop_left_log_stream(const struct eg_runstate *prev)
{
	/* the monotonic clock starts again at a restart */
	if (prev->uptime_ms <= mac_mono_ms())
		job_stop_orphan(prev->log_pid);
}

void job_close(struct job *j)
{
	recorder_close(&j->rec);
	eg_lock_release(&j->lock);
	eg_dir_close(&j->dir);
}
