#include "unit.h"

#include "runstate.h"

static void test_runstate_round_trips(void **state)
{
	struct eg_runstate a, b;
	struct eg_buf buf = EG_BUF_INIT(65536);
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	eg_runstate_init(&a);
	strcpy(a.run_id, "0123456789abcdef0123456789abcdef");
	a.seq = 41;
	a.pid = 1234;
	strcpy(a.phase, "waiting");
	a.attempts = 3;
	a.cycle = 1;
	a.elapsed_ms = 123456;
	a.next_attempt_ms = -5;
	strcpy(a.waiting_for, "dasd: ThermalPolicy Absolutely Must Not Proceed (thermalLevel >= 2)");
	strcpy(a.org_name, "Line\nBreak");
	assert_int_equal(eg_runstate_format(&a, &buf), EG_OK);
	assert_int_equal(eg_runstate_parse(buf.buf, buf.len, &b, &d), EG_OK);
	assert_string_equal(b.run_id, a.run_id);
	assert_int_equal(b.seq, 41);
	assert_int_equal(b.pid, 1234);
	assert_int_equal(b.attempts, 3);
	assert_int_equal(b.elapsed_ms, 123456);
	assert_int_equal(b.next_attempt_ms, -5);
	assert_string_equal(b.waiting_for, a.waiting_for);
	/* a control character cannot split the file's lines */
	assert_string_equal(b.org_name, "Line?Break");
	assert_false(eg_runstate_finished(&b));
	strcpy(b.phase, "gave-up");
	assert_true(eg_runstate_finished(&b));
	eg_buf_release(&buf);
}

static void test_runstate_refuses_garbage_and_skips_bad_lines(void **state)
{
	struct eg_runstate st;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	assert_int_equal(eg_runstate_parse(S("garbage\n\x01\x02"), &st, &d), EG_ERR_INVALID);
	assert_non_null(strstr(d.msg, "run_id"));
	assert_int_equal(eg_runstate_parse(S("run_id=abc\nseq=notanumber\nattempts=99999999999\nfuture_key=1\n"), &st, &d), EG_OK);
	assert_string_equal(st.run_id, "abc");
	assert_int_equal(st.seq, 0);
	assert_int_equal(st.attempts, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runstate_round_trips),
		cmocka_unit_test(test_runstate_refuses_garbage_and_skips_bad_lines),
	};
	RUN(tests);
}
