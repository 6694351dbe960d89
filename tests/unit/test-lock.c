/* The run lock, in a fresh temporary directory per test. */
#define UNIT_TMPDIR
#include "unit.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lock.h"



static void test_lock_names_its_holder_and_dies_with_it(void **state)
{
	char path[128];
	struct eg_lock a = EG_LOCK_INIT, b = EG_LOCK_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	pid_t holder, child;
	int status, go[2];
	char c;

	(void)state;
	snprintf(path, sizeof(path), "%s/run.lock", dir);
	assert_int_equal(pipe(go), 0);
	child = fork();
	if (child == 0) {
		struct eg_lock l = EG_LOCK_INIT;

		if (eg_lock_take(&l, path, getpid(), &holder, &d) != EG_OK)
			_exit(1);
		(void)!write(go[1], "x", 1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(go[0], &c, 1), 1);
	assert_int_equal(eg_lock_take(&b, path, getpid(), &holder, &d), EG_ERR_BUSY);
	assert_int_equal(holder, child);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	/* no stale lock after kill -9 */
	assert_int_equal(eg_lock_take(&a, path, getpid(), &holder, &d), EG_OK);
	eg_lock_release(&a);
	close(go[0]);
	close(go[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lock_names_its_holder_and_dies_with_it, unit_tmpdir_setup, unit_tmpdir_teardown),
	};
	RUN(tests);
}
