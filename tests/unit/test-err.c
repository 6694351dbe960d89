#include "unit.h"

#include <stdlib.h>

#include "alloc.h"
#include "err.h"

static void test_every_error_has_its_own_text(void **state)
{
	int i, j;

	(void)state;
	for (i = EG_OK; i <= EG_ERR_UNSAFE; i++)
		for (j = i + 1; j <= EG_ERR_UNSAFE; j++)
			assert_string_not_equal(eg_strerror((enum eg_err)i),
						eg_strerror((enum eg_err)j));
	assert_string_equal(eg_strerror(EG_ERR_BUSY), "locked by another process");
}

static void test_diag_set_returns_the_error_and_accepts_null(void **state)
{
	struct eg_diag d = EG_DIAG_INIT;
	char big[1000];

	(void)state;
	assert_int_equal(eg_diag_set(NULL, EG_ERR_IO, "x"), EG_ERR_IO);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(eg_diag_set(&d, EG_ERR_INVALID, "line %d: %s", 12, big),
			 EG_ERR_INVALID);
	assert_int_equal(strlen(d.msg), sizeof(d.msg) - 1);
	assert_memory_equal(d.msg, "line 12: aaa", 12);
}

static void test_xstrndup_copies_and_terminates(void **state)
{
	char *s = eg_xstrndup("UCRT.OOB", 4);

	(void)state;
	assert_string_equal(s, "UCRT");
	free(s);
	s = eg_xstrdup("");
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_error_has_its_own_text),
		cmocka_unit_test(test_diag_set_returns_the_error_and_accepts_null),
		cmocka_unit_test(test_xstrndup_copies_and_terminates),
	};
	RUN(tests);
}
