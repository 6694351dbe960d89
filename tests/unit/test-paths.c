#include "unit.h"

#include "paths.h"

static void test_paths_are_prefixed_by_the_root(void **state)
{
	char out[256];

	(void)state;
	assert_int_equal(eg_path_join("/tmp/mac/", eg_path_default(EG_PATH_PROFILES), out, sizeof(out)), EG_OK);
	assert_string_equal(out, "/tmp/mac/usr/bin/profiles");
	assert_int_equal(eg_path_join("", eg_path_default(EG_PATH_LOG), out, sizeof(out)), EG_OK);
	assert_string_equal(out, "/usr/bin/log");
	assert_int_equal(eg_path_join("/x", "/y", out, 3), EG_ERR_TOO_LARGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_are_prefixed_by_the_root),
	};
	RUN(tests);
}
