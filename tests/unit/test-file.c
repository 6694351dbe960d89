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

static void test_a_torn_last_line_is_cut_back_to_the_last_whole_one(void **state)
{
	char path[128];
	struct eg_buf b = EG_BUF_INIT(1 << 20);
	uint64_t cut;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/log", dir);
	fd = open(path, O_RDWR | O_CREAT, 0644);
	assert_int_equal(write(fd, S("one\ntwo\nthr")), 11);
	assert_int_equal(eg_file_cut_torn(fd, &cut), EG_OK);
	assert_int_equal(cut, 3);
	assert_int_equal(eg_file_cut_torn(fd, &cut), EG_OK);   /* whole now */
	assert_int_equal(cut, 0);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, S("no newline at all"), 0), 17);
	assert_int_equal(eg_file_cut_torn(fd, &cut), EG_OK);
	assert_int_equal(cut, 17);
	close(fd);
	assert_int_equal(eg_file_read(path, &b, NULL), EG_OK);
	assert_int_equal(b.len, 0);
	eg_buf_release(&b);
}

static void test_a_trusted_directory_is_ours_and_no_link(void **state)
{
	struct eg_dir d = EG_DIR_INIT, sub = EG_DIR_INIT;
	struct eg_diag dg = EG_DIAG_INIT;
	struct eg_buf b = EG_BUF_INIT(1024);
	char path[128], other[160];
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/a/b", dir);
	/* made when missing, exactly 0755 */
	assert_int_equal(eg_dir_open(&d, path, 0755, getuid(), &dg), EG_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0755);
	assert_int_equal(eg_dir_replace(&d, "state", S("x=1\n"), 0644, 1, &dg), EG_OK);
	assert_int_equal(eg_dir_read(&d, "state", &b, &dg), EG_OK);
	assert_string_equal(b.buf, "x=1\n");
	assert_int_equal(eg_dir_open_at(&sub, &d, "spool", 0755, &dg), EG_OK);
	eg_dir_close(&sub);
	/* a file in it that is a link is not followed */
	snprintf(other, sizeof(other), "%s/other", dir);
	assert_int_equal(close(open(other, O_CREAT | O_WRONLY, 0644)), 0);
	snprintf(path, sizeof(path), "%s/a/b/link", dir);
	assert_int_equal(symlink(other, path), 0);
	assert_int_equal(eg_dir_file(&d, "link", O_RDONLY, 0, &dg), -1);
	assert_non_null(strstr(dg.msg, "is a symbolic link"));
	eg_buf_reset(&b);
	assert_int_equal(eg_dir_read(&d, "link", &b, &dg), EG_ERR_UNSAFE);
	assert_int_equal(eg_dir_file(&d, "link", O_WRONLY | O_APPEND | O_CREAT, 0644, &dg), -1);
	/* a file others can write is refused */
	assert_int_equal(eg_dir_replace(&d, "open", S("y\n"), 0666, 1, &dg), EG_OK);
	snprintf(path, sizeof(path), "%s/a/b/open", dir);
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(eg_dir_read(&d, "open", &b, &dg), EG_ERR_UNSAFE);
	assert_non_null(strstr(dg.msg, "writable by group or others (mode 666)"));
	eg_dir_close(&d);
	/* the directory itself: others may not write it, nor may it be a link */
	snprintf(path, sizeof(path), "%s/a/b", dir);
	assert_int_equal(chmod(path, 0777), 0);
	assert_int_equal(eg_dir_open(&d, path, 0755, getuid(), &dg), EG_ERR_UNSAFE);
	assert_non_null(strstr(dg.msg, "is writable by group or others (mode 777)"));
	assert_int_equal(chmod(path, 0755), 0);
	assert_int_equal(eg_dir_open(&d, path, 0755, getuid() + 1, &dg), EG_ERR_UNSAFE);
	assert_non_null(strstr(dg.msg, "is owned by uid"));
	snprintf(other, sizeof(other), "%s/linked", dir);
	assert_int_equal(symlink(path, other), 0);
	assert_int_equal(eg_dir_open(&d, other, 0755, getuid(), &dg), EG_ERR_UNSAFE);
	assert_non_null(strstr(dg.msg, "is a symbolic link"));
	eg_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replace_is_atomic_and_refuses_a_held_lock, unit_tmpdir_setup, unit_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_read_is_capped_and_names_the_file, unit_tmpdir_setup, unit_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_log_open_refuses_symlinks_and_directories, unit_tmpdir_setup, unit_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_check_safe_refuses_group_writable, unit_tmpdir_setup, unit_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_a_torn_last_line_is_cut_back_to_the_last_whole_one, unit_tmpdir_setup, unit_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_a_trusted_directory_is_ours_and_no_link, unit_tmpdir_setup, unit_tmpdir_teardown),
	};
	RUN(tests);
}
