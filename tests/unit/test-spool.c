/* The agent's on-disk queue of events for the server. */
#define UNIT_TMPDIR
#include "unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "event.h"
#include "fault.h"
#include "file.h"
#include "spool.h"

#define EV(n) "{\"seq\":" #n "}\n"
/* lines as eg_event_json() writes them, as far as the classifier looks */
#define DASD(n) "{\"seq\":" #n ",\"type\":\"dasd.verdict\",\"data\":{}}\n"
#define THERMAL(n) "{\"seq\":" #n ",\"type\":\"thermal.sample\",\"data\":{}}\n"
#define RENEW(n) "{\"seq\":" #n ",\"type\":\"renew.result\",\"data\":{}}\n"
#define ENROLLED(n) "{\"seq\":" #n ",\"type\":\"run.enrolled\",\"data\":{}}\n"

static struct eg_dir parent = EG_DIR_INIT;

static void spool_dir(char *out, size_t n)
{
	snprintf(out, n, "%s/spool", dir);
}

/* Open the spool in the test's directory. */
static enum eg_err open_spool(struct eg_spool *sp, uint64_t max)
{
	struct eg_diag d = EG_DIAG_INIT;

	*sp = (struct eg_spool)EG_SPOOL_INIT;
	eg_dir_close(&parent);
	assert_int_equal(eg_dir_open(&parent, dir, 0755, getuid(), &d), EG_OK);
	return eg_spool_open(sp, &parent, "spool", max, eg_event_line_prio, &d);
}

/* The unsent lines, as the server would get them. */
static void unsent(struct eg_spool *sp, struct eg_buf *b)
{
	uint64_t end;
	size_t n;

	assert_int_equal(eg_spool_peek(sp, 1000, 1 << 20, b, &n, &end), EG_OK);
}

static void test_events_wait_in_order_until_the_server_takes_them(void **state)
{
	struct eg_spool sp;
	struct eg_buf b = EG_BUF_INIT(1 << 20);
	struct eg_diag d = EG_DIAG_INIT;
	char path[256];
	uint64_t end, n64;
	size_t n;

	(void)state;
	spool_dir(path, sizeof(path));
	assert_int_equal(open_spool(&sp, 1 << 20), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(EV(1)), EG_SPOOL_NORMAL), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(EV(2)), EG_SPOOL_NORMAL), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(EV(3)), EG_SPOOL_NORMAL), EG_OK);
	assert_int_equal(sp.pending, 3);
	assert_int_equal(eg_spool_peek(&sp, 2, 1 << 20, &b, &n, &end), EG_OK);
	assert_int_equal(n, 2);
	assert_string_equal(b.buf, "[{\"seq\":1},{\"seq\":2}]");
	/* not committed (the POST failed): the same batch comes again */
	assert_int_equal(eg_spool_peek(&sp, 2, 1 << 20, &b, &n, &end), EG_OK);
	assert_string_equal(b.buf, "[{\"seq\":1},{\"seq\":2}]");
	assert_int_equal(eg_spool_commit(&sp, end, sp.gen, &d), EG_OK);
	assert_int_equal(sp.pending, 1);
	assert_int_equal(eg_spool_count(path, &n64), EG_OK);
	assert_int_equal(n64, 1);
	assert_int_equal(eg_spool_peek(&sp, 50, 1 << 20, &b, &n, &end), EG_OK);
	assert_string_equal(b.buf, "[{\"seq\":3}]");
	assert_int_equal(eg_spool_commit(&sp, end, sp.gen, &d), EG_OK);
	/* all sent: the file is emptied */
	assert_int_equal(sp.size, 0);
	assert_int_equal(eg_spool_peek(&sp, 50, 1 << 20, &b, &n, &end), EG_OK);
	assert_int_equal(n, 0);
	eg_spool_close(&sp);
	eg_buf_release(&b);
}

static void test_a_relaunched_agent_sends_what_the_last_one_could_not(void **state)
{
	struct eg_spool sp;
	struct eg_buf b = EG_BUF_INIT(1 << 20);
	struct eg_diag d = EG_DIAG_INIT;
	uint64_t end;
	size_t n;

	(void)state;
	assert_int_equal(open_spool(&sp, 1 << 20), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(EV(1)), EG_SPOOL_NORMAL), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(EV(2)), EG_SPOOL_NORMAL), EG_OK);
	assert_int_equal(eg_spool_peek(&sp, 1, 1 << 20, &b, &n, &end), EG_OK);
	assert_int_equal(eg_spool_commit(&sp, end, sp.gen, &d), EG_OK);
	eg_spool_close(&sp);   /* the agent is killed here */

	assert_int_equal(open_spool(&sp, 1 << 20), EG_OK);
	assert_int_equal(sp.pending, 1);
	assert_int_equal(eg_spool_peek(&sp, 50, 1 << 20, &b, &n, &end), EG_OK);
	assert_string_equal(b.buf, "[{\"seq\":2}]");
	eg_spool_close(&sp);
	eg_buf_release(&b);
}

static void test_a_full_spool_drops_new_events_and_counts_them(void **state)
{
	struct eg_spool sp;
	int i;

	(void)state;
	/* outcomes only (42 bytes each): nothing else to make room from */
	assert_int_equal(open_spool(&sp, 4 * 42), EG_OK);
	for (i = 0; i < 4; i++)
		assert_int_equal(eg_spool_append(&sp, S(ENROLLED(1)), EG_SPOOL_OUTCOME), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(ENROLLED(2)), EG_SPOOL_OUTCOME),
			 EG_ERR_TOO_LARGE);
	assert_int_equal(sp.dropped[EG_SPOOL_OUTCOME], 1);
	assert_int_equal(eg_spool_dropped(&sp), 1);
	assert_int_equal(sp.pending, 4);
	assert_true(sp.size <= 4 * 42);
	eg_spool_close(&sp);
}

/*
 * A hot Mac whose server is down: dasd verdicts and thermal samples fill
 * the spool, and still the run's outcome gets in; what went is the old
 * high-rate events, the newest of each type stays, the order is kept.
 */
static void test_high_rate_events_go_first_and_the_outcome_always_fits(void **state)
{
	struct eg_spool sp;
	struct eg_buf b = EG_BUF_INIT(1 << 20);
	int i, refused = 0;

	(void)state;
	assert_int_equal(open_spool(&sp, 2048), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(RENEW(1)), EG_SPOOL_NORMAL), EG_OK);
	for (i = 0; i < 200; i++) {
		refused += eg_spool_append(&sp, S(DASD(2)), EG_SPOOL_LOW) != EG_OK;
		refused += eg_spool_append(&sp, S(THERMAL(3)), EG_SPOOL_LOW) != EG_OK;
		/* high-rate events never take the last quarter */
		assert_true(sp.size <= 2048 - 2048 / 4);
	}
	assert_int_equal(refused, 0);      /* each one compacts the older ones away */
	assert_int_equal(eg_spool_append(&sp, S(ENROLLED(4)), EG_SPOOL_OUTCOME), EG_OK);
	assert_true(sp.dropped[EG_SPOOL_LOW] > 300);
	assert_int_equal(sp.dropped[EG_SPOOL_NORMAL] + sp.dropped[EG_SPOOL_OUTCOME], 0);
	assert_true(sp.gen > 0);
	unsent(&sp, &b);
	/* the renewal, the newest of each high-rate type, the outcome last */
	assert_non_null(strstr(b.buf, "\"seq\":1,\"type\":\"renew.result\""));
	assert_non_null(strstr(b.buf, "dasd.verdict"));
	assert_non_null(strstr(b.buf, "thermal.sample"));
	assert_non_null(strstr(b.buf, "\"seq\":4,\"type\":\"run.enrolled\",\"data\":{}}]"));
	assert_true(strstr(b.buf, "renew.result") < strstr(b.buf, "dasd.verdict"));
	eg_spool_close(&sp);
	eg_buf_release(&b);
}

static void test_the_outcome_takes_the_room_of_the_oldest_other_events(void **state)
{
	struct eg_spool sp;
	struct eg_buf b = EG_BUF_INIT(1 << 20);
	int i, kept = 0;

	(void)state;
	assert_int_equal(open_spool(&sp, 1024), EG_OK);
	for (i = 0; i < 100 && eg_spool_append(&sp, S(RENEW(5)), EG_SPOOL_NORMAL) == EG_OK; i++)
		kept++;
	assert_true(kept > 10 && kept < 100);
	assert_int_equal(sp.dropped[EG_SPOOL_NORMAL], 1);
	assert_int_equal(eg_spool_append(&sp, S(ENROLLED(6)), EG_SPOOL_OUTCOME), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(ENROLLED(7)), EG_SPOOL_OUTCOME), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(ENROLLED(8)), EG_SPOOL_OUTCOME), EG_OK);
	assert_true(sp.dropped[EG_SPOOL_NORMAL] > 1);
	assert_int_equal(sp.dropped[EG_SPOOL_OUTCOME], 0);
	unsent(&sp, &b);
	assert_non_null(strstr(b.buf, "\"seq\":8,\"type\":\"run.enrolled\",\"data\":{}}]"));
	assert_true(sp.size <= 1024);
	eg_spool_close(&sp);
	eg_buf_release(&b);
}

static void test_a_batch_peeked_before_a_compaction_is_sent_again(void **state)
{
	struct eg_spool sp;
	struct eg_buf b = EG_BUF_INIT(1 << 20);
	struct eg_diag d = EG_DIAG_INIT;
	uint64_t end, gen, pending;
	size_t n;
	int i;

	(void)state;
	assert_int_equal(open_spool(&sp, 1024), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(RENEW(1)), EG_SPOOL_NORMAL), EG_OK);
	assert_int_equal(eg_spool_peek(&sp, 1, 1 << 20, &b, &n, &end), EG_OK);
	gen = sp.gen;
	/* the POST is on its way; meanwhile the spool fills and compacts */
	for (i = 0; i < 40; i++)
		(void)eg_spool_append(&sp, S(DASD(2)), EG_SPOOL_LOW);
	assert_true(sp.gen != gen);
	pending = sp.pending;
	assert_int_equal(eg_spool_commit(&sp, end, gen, &d), EG_OK);
	/* nothing marked sent: the offset meant another file */
	assert_int_equal(sp.pending, pending);
	assert_int_equal(sp.sent, 0);
	unsent(&sp, &b);
	assert_non_null(strstr(b.buf, "renew.result"));
	eg_spool_close(&sp);
	eg_buf_release(&b);
}

static void test_a_line_torn_by_a_crash_is_cut_when_opened(void **state)
{
	struct eg_spool sp;
	struct eg_buf b = EG_BUF_INIT(1 << 20);
	char path[300];
	int fd;

	(void)state;
	assert_int_equal(open_spool(&sp, 1 << 20), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(EV(1)), EG_SPOOL_NORMAL), EG_OK);
	eg_spool_close(&sp);
	snprintf(path, sizeof(path), "%s/spool/events.jsonl", dir);
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, S("{\"seq\":2,\"ty")), 12);
	close(fd);
	assert_int_equal(open_spool(&sp, 1 << 20), EG_OK);
	assert_int_equal(sp.pending, 1);
	assert_int_equal(eg_spool_append(&sp, S(EV(3)), EG_SPOOL_NORMAL), EG_OK);
	unsent(&sp, &b);
	assert_string_equal(b.buf, "[{\"seq\":1},{\"seq\":3}]");
	eg_spool_close(&sp);
	eg_buf_release(&b);
}

static void test_a_full_disk_mid_write_leaves_no_half_line(void **state)
{
	struct eg_spool sp;
	struct eg_buf b = EG_BUF_INIT(1 << 20);

	(void)state;
	assert_int_equal(open_spool(&sp, 1 << 20), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(EV(1)), EG_SPOOL_NORMAL), EG_OK);
	/* the next write stops half way, the one after fails: ENOSPC */
	eg_fault_arm(EG_FAULT_WRITE, 1, 0);
	assert_int_equal(eg_spool_append(&sp, S(EV(2)), EG_SPOOL_NORMAL), EG_ERR_IO);
	eg_fault_arm(EG_FAULT_WRITE, 0, 0);
	assert_int_equal(eg_spool_append(&sp, S(EV(3)), EG_SPOOL_NORMAL), EG_OK);
	assert_int_equal(sp.pending, 2);
	unsent(&sp, &b);
	assert_string_equal(b.buf, "[{\"seq\":1},{\"seq\":3}]");
	eg_spool_close(&sp);
	eg_buf_release(&b);
}

static void test_a_spool_others_can_write_or_a_link_is_refused(void **state)
{
	struct eg_spool sp;
	char path[300], elsewhere[300];

	(void)state;
	spool_dir(path, sizeof(path));
	assert_int_equal(mkdir(path, 0777), 0);
	assert_int_equal(chmod(path, 0777), 0);
	assert_int_equal(open_spool(&sp, 1 << 20), EG_ERR_UNSAFE);
	assert_int_equal(rmdir(path), 0);
	snprintf(elsewhere, sizeof(elsewhere), "%s/elsewhere", dir);
	assert_int_equal(mkdir(elsewhere, 0755), 0);
	assert_int_equal(symlink(elsewhere, path), 0);
	assert_int_equal(open_spool(&sp, 1 << 20), EG_ERR_UNSAFE);
	eg_spool_close(&sp);
	eg_dir_close(&parent);
}

static void test_an_offset_past_the_end_after_a_crash_resends_everything(void **state)
{
	struct eg_spool sp;
	struct eg_diag d = EG_DIAG_INIT;
	char path[256], sent[300];
	uint64_t n;

	(void)state;
	spool_dir(path, sizeof(path));
	assert_int_equal(open_spool(&sp, 1 << 20), EG_OK);
	assert_int_equal(eg_spool_append(&sp, S(EV(7)), EG_SPOOL_NORMAL), EG_OK);
	eg_spool_close(&sp);
	snprintf(sent, sizeof(sent), "%s/sent", path);
	assert_int_equal(eg_file_replace(sent, S("999\n"), 0644, 1, &d), EG_OK);
	assert_int_equal(eg_spool_count(path, &n), EG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(open_spool(&sp, 1 << 20), EG_OK);
	assert_int_equal(sp.sent, 0);
	assert_int_equal(sp.pending, 1);
	eg_spool_close(&sp);
	eg_dir_close(&parent);
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

#define T(f) cmocka_unit_test_setup_teardown(f, unit_tmpdir_setup, unit_tmpdir_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_events_wait_in_order_until_the_server_takes_them),
		T(test_a_relaunched_agent_sends_what_the_last_one_could_not),
		T(test_a_full_spool_drops_new_events_and_counts_them),
		T(test_high_rate_events_go_first_and_the_outcome_always_fits),
		T(test_the_outcome_takes_the_room_of_the_oldest_other_events),
		T(test_a_batch_peeked_before_a_compaction_is_sent_again),
		T(test_a_line_torn_by_a_crash_is_cut_when_opened),
		T(test_a_full_disk_mid_write_leaves_no_half_line),
		T(test_a_spool_others_can_write_or_a_link_is_refused),
		T(test_an_offset_past_the_end_after_a_crash_resends_everything),
		T(test_count_of_a_missing_spool_is_zero),
	};
	RUN(tests);
}
