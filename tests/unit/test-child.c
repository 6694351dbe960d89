/*
 * Child processes against real programs. /bin/sh is used here only as a
 * convenient child to misbehave on purpose; production code never runs a
 * shell.
 */
#include "unit.h"

#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "child.h"

static int64_t mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *const env[] = { "PATH=/usr/bin:/bin", NULL };

static enum eg_err sh(struct eg_child *c, const char *script, uint64_t timeout)
{
	static const char *argv[4];
	struct eg_diag d = EG_DIAG_INIT;

	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = script;
	argv[3] = NULL;
	c->path = "/bin/sh";
	c->argv = argv;
	c->env = env;
	c->now_ms = mono;
	c->timeout_ms = timeout;
	return eg_child_run(c, &d);
}

static void test_child_captures_stdout_stderr_and_status(void **state)
{
	struct eg_child c = EG_CHILD_INIT;

	(void)state;
	assert_int_equal(sh(&c, "echo out; echo err >&2; exit 3", 5000), EG_OK);
	assert_string_equal(c.out.buf, "out\n");
	assert_string_equal(c.err.buf, "err\n");
	assert_int_equal(c.exit_code, 3);
	assert_false(c.timed_out);
	eg_child_release(&c);
}

static void test_child_hang_is_killed_at_the_timeout(void **state)
{
	struct eg_child c = EG_CHILD_INIT;
	char how[128];
	int64_t t0 = mono();

	(void)state;
	c.grace_ms = 200;
	assert_int_equal(sh(&c, "trap '' TERM; echo started; sleep 30; sleep 30", 300), EG_OK);
	assert_true(c.timed_out);
	assert_string_equal(c.out.buf, "started\n");
	assert_int_equal(c.exit_code, 128 + SIGKILL);
	assert_true(mono() - t0 < 5000);
	eg_child_describe(&c, how, sizeof(how));
	assert_string_equal(how, "timed out after 300ms and was killed");
	eg_child_release(&c);
}

static void test_child_killed_by_a_signal_is_told_apart(void **state)
{
	struct eg_child c = EG_CHILD_INIT;
	char how[128];

	(void)state;
	assert_int_equal(sh(&c, "kill -SEGV $$", 5000), EG_OK);
	assert_false(c.timed_out);
	assert_int_equal(c.term_signal, SIGSEGV);
	assert_int_equal(c.exit_code, 128 + SIGSEGV);
	eg_child_describe(&c, how, sizeof(how));
	assert_string_equal(how, "killed by signal 11");
	eg_child_release(&c);
}

static void test_child_output_is_capped(void **state)
{
	struct eg_child c = EG_CHILD_INIT;

	(void)state;
	c.out_cap = 1000;
	assert_int_equal(sh(&c, "i=0; while [ $i -lt 500 ]; do echo 0123456789; i=$((i+1)); done", 5000), EG_OK);
	assert_int_equal(c.out.len, 1000);
	assert_true(c.out_truncated);
	assert_int_equal(c.exit_code, 0);
	eg_child_release(&c);
}

static void test_child_missing_program_is_a_spawn_error(void **state)
{
	struct eg_child c = EG_CHILD_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	const char *argv[] = { "/nonexistent/profiles", NULL };

	(void)state;
	c.path = argv[0];
	c.argv = argv;
	c.env = env;
	c.now_ms = mono;
	assert_int_equal(eg_child_run(&c, &d), EG_ERR_SPAWN);
	assert_non_null(strstr(d.msg, "/nonexistent/profiles"));
	assert_int_equal(c.pid, -1);
	eg_child_release(&c);
	/* a relative path is refused before anything runs */
	argv[0] = "profiles";
	c = (struct eg_child)EG_CHILD_INIT;
	c.path = argv[0];
	c.argv = argv;
	c.now_ms = mono;
	assert_int_equal(eg_child_run(&c, &d), EG_ERR_INVALID);
}

static void test_child_gets_no_inherited_fds_and_own_group(void **state)
{
	struct eg_child c = EG_CHILD_INIT;
	char cmd[160];
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	snprintf(cmd, sizeof(cmd),
		 "if [ -e /proc/self/fd/%d ]; then echo leaked; fi; "
		 "[ $(ps -o pgid= $$) -eq $$ ] && echo own-group", fds[1]);
	assert_int_equal(sh(&c, cmd, 5000), EG_OK);
	assert_string_equal(c.out.buf, "own-group\n");
	close(fds[0]);
	close(fds[1]);
	eg_child_release(&c);
}

static void test_child_cancel_stops_a_running_child(void **state)
{
	struct eg_child c = EG_CHILD_INIT;
	volatile sig_atomic_t cancel = 1;

	(void)state;
	c.cancel = &cancel;
	assert_int_equal(sh(&c, "sleep 30", 0), EG_OK);
	assert_true(c.cancelled);
	assert_false(c.timed_out);
	eg_child_release(&c);
}

/* A held child runs its program only when told, and never once its parent is gone. */
static void test_held_child_runs_only_after_go(void **state)
{
	static const char *argv[] = { "/bin/sh", "-c", "echo ran", NULL };
	struct eg_child c = EG_CHILD_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	char buf[16];
	int status;
	ssize_t n;

	(void)state;
	c.path = "/bin/sh", c.argv = argv, c.env = env, c.now_ms = mono, c.stream = true;
	c.hold = true;
	assert_int_equal(eg_child_start(&c, &d), EG_OK);
	assert_true(c.pid > 0);
	/* the parent "dies": its end of the go pipe closes without a word */
	close(c.go_fd);
	c.go_fd = -1;
	assert_int_equal(waitpid(c.pid, &status, 0), c.pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 127);
	n = read(c.out_fd, buf, sizeof(buf));
	assert_int_equal(n, 0);             /* it never ran: nothing printed */
	c.pid = -1;
	eg_child_release(&c);

	c = (struct eg_child)EG_CHILD_INIT;
	c.path = "/bin/sh", c.argv = argv, c.env = env, c.now_ms = mono, c.hold = true;
	c.timeout_ms = 5000;
	assert_int_equal(eg_child_start(&c, &d), EG_OK);
	assert_int_equal(eg_child_go(&c, &d), EG_OK);
	assert_int_equal(eg_child_finish(&c, &d), EG_OK);
	assert_int_equal(c.exit_code, 0);
	assert_string_equal(c.out.buf, "ran\n");
	eg_child_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_child_captures_stdout_stderr_and_status),
		cmocka_unit_test(test_child_hang_is_killed_at_the_timeout),
		cmocka_unit_test(test_child_killed_by_a_signal_is_told_apart),
		cmocka_unit_test(test_child_output_is_capped),
		cmocka_unit_test(test_child_missing_program_is_a_spawn_error),
		cmocka_unit_test(test_child_gets_no_inherited_fds_and_own_group),
		cmocka_unit_test(test_child_cancel_stops_a_running_child),
		cmocka_unit_test(test_held_child_runs_only_after_go),
	};
	RUN(tests);
}
