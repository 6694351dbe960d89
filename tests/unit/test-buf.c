#include "unit.h"

#include <stdlib.h>

#include "buf.h"

static void assert_sane(const struct eg_buf *b)
{
	assert_non_null(b->buf);
	assert_int_equal(b->buf[b->len], '\0');
	assert_true(b->len <= b->cap);
	if (b->alloc)
		assert_true(b->len < b->alloc);
	else
		assert_int_equal(b->len, 0);
}

static void test_buf_appends_and_stays_terminated(void **state)
{
	struct eg_buf b = EG_BUF_INIT(1024);

	(void)state;
	assert_sane(&b);
	assert_int_equal(eg_buf_addstr(&b, "Fan: "), EG_OK);
	assert_sane(&b);
	assert_int_equal(eg_buf_addf(&b, "%d rpm", 1836), EG_OK);
	assert_sane(&b);
	assert_string_equal(b.buf, "Fan: 1836 rpm");
	eg_buf_consume(&b, 5);
	assert_sane(&b);
	assert_string_equal(b.buf, "1836 rpm");
	eg_buf_release(&b);
	assert_sane(&b);
}

static void test_buf_refuses_to_pass_its_cap_and_frees(void **state)
{
	struct eg_buf b = EG_BUF_INIT(8);

	(void)state;
	assert_int_equal(eg_buf_addstr(&b, "12345678"), EG_OK);
	assert_int_equal(eg_buf_addch(&b, '9'), EG_ERR_TOO_LARGE);
	/* the failed append released the buffer: nothing to leak */
	assert_sane(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.alloc, 0);
}

static void test_buf_long_formatted_append(void **state)
{
	struct eg_buf b = EG_BUF_INIT(4096);
	char big[1000];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(eg_buf_addf(&b, "<%s>", big), EG_OK);
	assert_int_equal(b.len, 1001);
	assert_sane(&b);
	assert_int_equal(eg_buf_addf(&b, "%s%s%s%s%s", big, big, big, big, big),
			 EG_ERR_TOO_LARGE);
	assert_sane(&b);
}

static void test_buf_detach_hands_over_ownership(void **state)
{
	struct eg_buf b = EG_BUF_INIT(64);
	size_t len;
	char *s;

	(void)state;
	s = eg_buf_detach(&b, &len);
	assert_string_equal(s, "");
	free(s);
	eg_buf_addstr(&b, "UCRT");
	s = eg_buf_detach(&b, &len);
	assert_string_equal(s, "UCRT");
	assert_int_equal(len, 4);
	assert_sane(&b);
	assert_int_equal(b.len, 0);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_appends_and_stays_terminated),
		cmocka_unit_test(test_buf_refuses_to_pass_its_cap_and_frees),
		cmocka_unit_test(test_buf_long_formatted_append),
		cmocka_unit_test(test_buf_detach_hands_over_ownership),
	};
	RUN(tests);
}
