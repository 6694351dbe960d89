#include "job.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
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
}

static const char *state_name(const struct job *j, char *out, size_t n)
{
	if (!strcmp(j->name, "run"))
		return "state";
	snprintf(out, n, "%s-state", j->name);
	return out;
}

void job_open(struct job *j, const struct eg_global *g,
	      const struct job_where *where, const char *name)
{
	char log[PATH_MAX], jsonl[PATH_MAX], lockpath[PATH_MAX + 16], sn[32];
	struct eg_diag d = EG_DIAG_INIT;
	enum eg_err rc;
	pid_t holder;

	j->name = name;
	mac_join(g, where->log_file, log, sizeof(log));
	mac_join(g, where->event_log, jsonl, sizeof(jsonl));
	mac_join(g, where->state_dir, j->dir, sizeof(j->dir));
	if (eg_file_mkdirs(j->dir, 0755, &d) != EG_OK)
		die(EG_EXIT_ENV, "%s", d.msg);
	snprintf(lockpath, sizeof(lockpath), "%s/%s.lock", j->dir, name);
	rc = eg_lock_take(&j->lock, lockpath, getpid(), &holder, &d);
	if (rc == EG_ERR_BUSY)
		die(EG_EXIT_RUNNING, "another 'enrollguard %s' is already running (pid %ld)",
		    name, (long)holder);
	if (rc != EG_OK)
		die(EG_EXIT_ENV, "%s", d.msg);
	if (recorder_open(&j->rec, log, jsonl, j->dir, state_name(j, sn, sizeof(sn)),
			  &d) != EG_OK)
		die(EG_EXIT_ENV, "%s", d.msg);
}

enum eg_err job_load_state(const struct job *j, struct eg_runstate *st,
			   struct eg_diag *diag)
{
	char sn[32];

	return recorder_load_state(j->dir, state_name(j, sn, sizeof(sn)), st, diag);
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

void job_close(struct job *j)
{
	recorder_close(&j->rec);
	eg_lock_release(&j->lock);
}
