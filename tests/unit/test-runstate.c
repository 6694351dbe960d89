#define UNIT_MAN
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
	a.phase = EG_PHASE_WAITING;
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
	b.phase = EG_PHASE_GAVE_UP;
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

static void test_phase_is_written_by_name_and_read_back(void **state)
{
	struct eg_runstate a, b;
	struct eg_buf buf = EG_BUF_INIT(65536);
	struct eg_diag d = EG_DIAG_INIT;
	int p;

	(void)state;
	for (p = 0; p < EG_PHASE_COUNT; p++) {
		eg_runstate_init(&a);
		strcpy(a.run_id, "r");
		a.phase = (enum eg_phase)p;
		eg_buf_reset(&buf);
		assert_int_equal(eg_runstate_format(&a, &buf), EG_OK);
		assert_int_equal(eg_runstate_parse(buf.buf, buf.len, &b, &d), EG_OK);
		assert_int_equal(b.phase, p);
	}
	a.phase = EG_PHASE_WAITING_SETUP;
	eg_buf_reset(&buf);
	assert_int_equal(eg_runstate_format(&a, &buf), EG_OK);
	assert_non_null(strstr(buf.buf, "\nphase=waiting-setup-assistant\n"));
	eg_buf_release(&buf);
}

static void test_phase_names_and_which_end_a_run(void **state)
{
	struct eg_runstate st;
	struct eg_diag d = EG_DIAG_INIT;
	int p;

	(void)state;
	assert_string_equal(eg_phase_name(EG_PHASE_GAVE_UP), "gave-up");
	assert_string_equal(eg_phase_name(EG_PHASE_NONE), "");
	assert_string_equal(eg_phase_name(EG_PHASE_COUNT), "");
	assert_int_equal(eg_phase_lookup(S("enrolled")), EG_PHASE_ENROLLED);
	assert_int_equal(eg_phase_lookup("waiting-setup-assistant", 7), EG_PHASE_WAITING);
	assert_int_equal(eg_phase_lookup(S("waitin")), EG_PHASE_NONE);
	assert_int_equal(eg_phase_lookup(S("Enrolled")), EG_PHASE_NONE);
	assert_int_equal(eg_phase_lookup("", 0), EG_PHASE_NONE);
	for (p = 1; p < EG_PHASE_COUNT; p++) {
		const char *n = eg_phase_name((enum eg_phase)p);

		assert_true(n[0]);
		assert_int_equal(eg_phase_lookup(n, strlen(n)), p);
		st.phase = (enum eg_phase)p;
		assert_int_equal(eg_runstate_finished(&st),
				 p == EG_PHASE_ENROLLED || p == EG_PHASE_GAVE_UP);
	}
	/* a phase from a newer agent: not finished, shown as nothing */
	assert_int_equal(eg_runstate_parse(S("run_id=x\nphase=flying\n"), &st, &d), EG_OK);
	assert_int_equal(st.phase, EG_PHASE_NONE);
	assert_false(eg_runstate_finished(&st));
	assert_int_equal(eg_runstate_parse(S("run_id=x\nphase=gave-up\n"), &st, &d), EG_OK);
	assert_true(eg_runstate_finished(&st));
}

static void test_man_page_lists_exactly_the_phases(void **state)
{
	struct eg_buf sec = EG_BUF_INIT(64 * 1024);
	bool seen[EG_PHASE_COUNT] = { false };
	const char *p, *nl;
	char w[4][64];
	int i;

	(void)state;
	unit_man_between("enrollguard.8", "The phase is one of:", ".El", &sec);
	for (p = sec.buf; (nl = strchr(p, '\n')); p = nl + 1) {
		size_t len = (size_t)(nl - p);
		enum eg_phase ph;

		if (len <= 7 || memcmp(p, ".It Li ", 7))
			continue;
		assert_int_equal(unit_man_words(p + 4, len - 4, w, 4), 1);
		ph = eg_phase_lookup(w[0], strlen(w[0]));
		if (ph == EG_PHASE_NONE || seen[ph])
			fail_msg("enrollguard(8) lists the phase '%s' (unknown or twice)", w[0]);
		seen[ph] = true;
	}
	for (i = 1; i < EG_PHASE_COUNT; i++)
		if (!seen[i])
			fail_msg("enrollguard(8) does not list the phase %s",
				 eg_phase_name((enum eg_phase)i));
	eg_buf_release(&sec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runstate_round_trips),
		cmocka_unit_test(test_runstate_refuses_garbage_and_skips_bad_lines),
		cmocka_unit_test(test_phase_is_written_by_name_and_read_back),
		cmocka_unit_test(test_phase_names_and_which_end_a_run),
		cmocka_unit_test(test_man_page_lists_exactly_the_phases),
	};
	RUN(tests);
}
