/* The agent's on-disk queue of events for the server. */
#define UNIT_TMPDIR
#include "unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "spool.h"

#define EV(n) "{\"seq\":" #n "}\n"

static void spool_dir(char *out, size_t n)
{
	snprintf(out, n, "%s/spool", dir);
}

static void test_events_wait_in_order_until_the_server_takes_them(void **state)
{
	struct eg_spool sp = EG_SPOOL_INIT;
	struct eg_buf b = EG_BUF_INIT(1 << 20);
	struct eg_diag d = EG_DIAG_INIT;
	char path[256];
	uint64_t end, n64;
	size_t n;

	(void)state;
	spool_dir(path, sizeof(path));
	assert_int_equal(eg_spool_open(&sp, path, 1 << 20, &d), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(EV(1))), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(EV(2))), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(EV(3))), EG_OK);
	assert_int_equal(sp.pending, 3);
	assert_int_equal(eg_spool_peek(&sp, 2, 1 << 20, &b, &n, &end), EG_OK);
	assert_int_equal(n, 2);
	assert_string_equal(b.buf, "[{\"seq\":1},{\"seq\":2}]");
	/* not committed (the POST failed): the same batch comes again */
	assert_int_equal(eg_spool_peek(&sp, 2, 1 << 20, &b, &n, &end), EG_OK);
	assert_string_equal(b.buf, "[{\"seq\":1},{\"seq\":2}]");
	assert_int_equal(eg_spool_commit(&sp, end, &d), EG_OK);
	assert_int_equal(sp.pending, 1);
	assert_int_equal(eg_spool_count(path, &n64), EG_OK);
	assert_int_equal(n64, 1);
	assert_int_equal(eg_spool_peek(&sp, 50, 1 << 20, &b, &n, &end), EG_OK);
	assert_string_equal(b.buf, "[{\"seq\":3}]");
	assert_int_equal(eg_spool_commit(&sp, end, &d), EG_OK);
	/* all sent: the file is emptied */
	assert_int_equal(sp.size, 0);
	assert_int_equal(eg_spool_peek(&sp, 50, 1 << 20, &b, &n, &end), EG_OK);
	assert_int_equal(n, 0);
	eg_spool_close(&sp);
	eg_buf_release(&b);
}

static void test_a_relaunched_agent_sends_what_the_last_one_could_not(void **state)
{
	struct eg_spool sp = EG_SPOOL_INIT;
	struct eg_buf b = EG_BUF_INIT(1 << 20);
	struct eg_diag d = EG_DIAG_INIT;
	char path[256];
	uint64_t end;
	size_t n;

	(void)state;
	spool_dir(path, sizeof(path));
	assert_int_equal(eg_spool_open(&sp, path, 1 << 20, &d), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(EV(1))), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(EV(2))), EG_OK);
	assert_int_equal(eg_spool_peek(&sp, 1, 1 << 20, &b, &n, &end), EG_OK);
	assert_int_equal(eg_spool_commit(&sp, end, &d), EG_OK);
	eg_spool_close(&sp);   /* the agent is killed here */

	sp = (struct eg_spool)EG_SPOOL_INIT;
	assert_int_equal(eg_spool_open(&sp, path, 1 << 20, &d), EG_OK);
	assert_int_equal(sp.pending, 1);
	assert_int_equal(eg_spool_peek(&sp, 50, 1 << 20, &b, &n, &end), EG_OK);
	assert_string_equal(b.buf, "[{\"seq\":2}]");
	eg_spool_close(&sp);
	eg_buf_release(&b);
}

static void test_a_full_spool_drops_new_events_and_counts_them(void **state)
{
	struct eg_spool sp = EG_SPOOL_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	char path[256];
	int i;

	(void)state;
	spool_dir(path, sizeof(path));
	assert_int_equal(eg_spool_open(&sp, path, 40, &d), EG_OK);
	for (i = 0; i < 4; i++)
		assert_int_equal(eg_spool_append(&sp, S(EV(1))), EG_OK);   /* 10 bytes each */
	assert_int_equal(eg_spool_append(&sp, S(EV(2))), EG_ERR_TOO_LARGE);
	assert_int_equal(sp.dropped, 1);
	assert_int_equal(sp.pending, 4);
	assert_true(sp.size <= 40);
	eg_spool_close(&sp);
}

static void test_an_offset_past_the_end_after_a_crash_resends_everything(void **state)
{
	struct eg_spool sp = EG_SPOOL_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	char path[256], sent[300];
	uint64_t n;

	(void)state;
	spool_dir(path, sizeof(path));
	assert_int_equal(eg_spool_open(&sp, path, 1 << 20, &d), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(EV(7))), EG_OK);
	eg_spool_close(&sp);
	snprintf(sent, sizeof(sent), "%s/sent", path);
	assert_int_equal(eg_file_replace(sent, S("999\n"), 0644, 1, &d), EG_OK);
	assert_int_equal(eg_spool_count(path, &n), EG_OK);
	assert_int_equal(n, 1);
	sp = (struct eg_spool)EG_SPOOL_INIT;
	assert_int_equal(eg_spool_open(&sp, path, 1 << 20, &d), EG_OK);
	assert_int_equal(sp.sent, 0);
	assert_int_equal(sp.pending, 1);
	eg_spool_close(&sp);
}

static void test_count_of_a_missing_spool_is_zero(void **state)
{
	char path[256];
	uint64_t n = 5;

	(void)state;
	spool_dir(path, sizeof(path));
	assert_int_equal(eg_spool_count(path, &n), EG_OK);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_events_wait_in_order_until_the_server_takes_them, unit_tmpdir_setup, unit_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_a_relaunched_agent_sends_what_the_last_one_could_not, unit_tmpdir_setup, unit_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_a_full_spool_drops_new_events_and_counts_them, unit_tmpdir_setup, unit_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_an_offset_past_the_end_after_a_crash_resends_everything, unit_tmpdir_setup, unit_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_count_of_a_missing_spool_is_zero, unit_tmpdir_setup, unit_tmpdir_teardown),
	};
	RUN(tests);
}
