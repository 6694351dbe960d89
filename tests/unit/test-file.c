/* Files and locks, in a fresh temporary directory per test. */
#define UNIT_TMPDIR
#include "unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"


static void test_replace_is_atomic_and_refuses_a_held_lock(void **state)
{
	char path[128], lock[140];
	struct eg_buf b = EG_BUF_INIT(1024);
	struct eg_diag d = EG_DIAG_INIT;
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/state", dir);
	snprintf(lock, sizeof(lock), "%s/state.lock", dir);
	assert_int_equal(eg_file_replace(path, S("one\n"), 0644, 0, &d), EG_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(close(open(lock, O_CREAT | O_WRONLY, 0600)), 0);
	assert_int_equal(eg_file_replace(path, S("two\n"), 0644, 0, &d), EG_ERR_BUSY);
	assert_int_equal(eg_file_read(path, &b, &d), EG_OK);
	assert_string_equal(b.buf, "one\n");   /* untouched */
	eg_buf_release(&b);
	assert_int_equal(eg_file_replace(path, S("three\n"), 0644, 1, &d), EG_OK);
	assert_int_equal(eg_file_read(path, &b, &d), EG_OK);
	assert_string_equal(b.buf, "three\n");
	eg_buf_release(&b);
	assert_int_not_equal(access(lock, F_OK), 0);
}

static void test_read_is_capped_and_names_the_file(void **state)
{
	char path[128];
	struct eg_buf b = EG_BUF_INIT(4);
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	snprintf(path, sizeof(path), "%s/big", dir);
	assert_int_equal(eg_file_replace(path, S("12345"), 0644, 0, &d), EG_OK);
	assert_int_equal(eg_file_read(path, &b, &d), EG_ERR_TOO_LARGE);
	assert_non_null(strstr(d.msg, path));
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(eg_file_read(path, &b, &d), EG_ERR_NOT_FOUND);
	assert_int_equal(eg_file_read(dir, &b, &d), EG_ERR_IO);
}

static void test_log_open_refuses_symlinks_and_directories(void **state)
{
	char path[128], target[128];
	struct eg_diag d = EG_DIAG_INIT;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/log", dir);
	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(eg_file_open_append(path, 0644, &d), -1);
	assert_non_null(strstr(d.msg, "symbolic link"));
	assert_int_equal(access(target, F_OK), -1);   /* nothing created */
	assert_int_equal(eg_file_open_append(dir, 0644, &d), -1);
	snprintf(path, sizeof(path), "%s/real.log", dir);
	fd = eg_file_open_append(path, 0644, &d);
	assert_true(fd >= 0);
	close(fd);
}

static void test_check_safe_refuses_group_writable(void **state)
{
	char path[128];
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	snprintf(path, sizeof(path), "%s/conf", dir);
	assert_int_equal(eg_file_replace(path, S("x"), 0644, 0, &d), EG_OK);
	assert_int_equal(eg_file_check_safe(path, geteuid(), &d), EG_OK);
	assert_int_equal(chmod(path, 0664), 0);
	assert_int_equal(eg_file_check_safe(path, geteuid(), &d), EG_ERR_UNSAFE);
	assert_non_null(strstr(d.msg, "writable by group or others"));
	assert_int_equal(eg_file_check_safe(path, geteuid() + 1, &d), EG_ERR_UNSAFE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replace_is_atomic_and_refuses_a_held_lock, unit_tmpdir_setup, unit_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_read_is_capped_and_names_the_file, unit_tmpdir_setup, unit_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_log_open_refuses_symlinks_and_directories, unit_tmpdir_setup, unit_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_check_safe_refuses_group_writable, unit_tmpdir_setup, unit_tmpdir_teardown),
	};
	RUN(tests);
}
