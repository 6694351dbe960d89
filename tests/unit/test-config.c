#include "unit.h"

#include <stdbool.h>
#include <stdlib.h>

#include "config.h"

struct vals {
	uint64_t retries;
	uint64_t delay;
	bool flag;
	char *strategy;
	char *path;
};

static const char *const kinds[] = { "event", "fixed", NULL };

static const struct eg_opt table[] = {
	{ "retries", "Retries", EG_OPT_UINT, 1, 100, "3", NULL, "N", "", offsetof(struct vals, retries) },
	{ "retry-delay", "RetryDelay", EG_OPT_DURATION, 0, 3600000, "5s", NULL, "DUR", "", offsetof(struct vals, delay) },
	{ "no-wait", "NoWait", EG_OPT_BOOL, 0, 0, "false", NULL, "", "", offsetof(struct vals, flag) },
	{ "strategy", "Strategy", EG_OPT_ENUM, 0, 0, "event", kinds, "NAME", "", offsetof(struct vals, strategy) },
	{ "log-file", "LogFile", EG_OPT_PATH, 0, 0, "/var/log/x.log", NULL, "PATH", "", offsetof(struct vals, path) },
};
#define N (sizeof(table) / sizeof(table[0]))

static void test_config_defaults_then_values(void **state)
{
	struct vals v;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	eg_config_defaults(table, N, &v);
	assert_int_equal(v.retries, 3);
	assert_int_equal(v.delay, 5000);
	assert_false(v.flag);
	assert_string_equal(v.strategy, "event");
	assert_int_equal(eg_config_set(&table[1], &v, "250ms", "option '--retry-delay'", &d), EG_OK);
	assert_int_equal(v.delay, 250);
	assert_int_equal(eg_config_set(&table[3], &v, "fixed", "x", &d), EG_OK);
	assert_string_equal(v.strategy, "fixed");
	eg_config_release(table, N, &v);
}

static void test_config_refuses_with_key_and_range(void **state)
{
	struct vals v;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	eg_config_defaults(table, N, &v);
	assert_int_equal(eg_config_set(&table[0], &v, "0", "option '--retries'", &d), EG_ERR_RANGE);
	assert_string_equal(d.msg, "option '--retries': '0' must be between 1 and 100 inclusive");
	assert_int_equal(eg_config_set(&table[0], &v, "three", "option '--retries'", &d), EG_ERR_INVALID);
	assert_non_null(strstr(d.msg, "not a whole number"));
	assert_int_equal(eg_config_set(&table[1], &v, "2h", "option '--retry-delay'", &d), EG_ERR_RANGE);
	assert_non_null(strstr(d.msg, "between 0s..1h inclusive"));
	assert_int_equal(eg_config_set(&table[1], &v, "5 seconds", "option '--retry-delay'", &d), EG_ERR_INVALID);
	assert_int_equal(eg_config_set(&table[3], &v, "random", "option '--strategy'", &d), EG_ERR_INVALID);
	assert_string_equal(d.msg, "option '--strategy': 'random' must be one of event|fixed");
	assert_int_equal(eg_config_set(&table[4], &v, "relative/path", "option '--log-file'", &d), EG_ERR_INVALID);
	assert_int_equal(v.retries, 3);  /* nothing changed */
	eg_config_release(table, N, &v);
}

static const char plist[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
	"<plist version=\"1.0\">\n<dict>\n"
	"\t<key>Retries</key>\n\t<integer>7</integer>\n"
	"\t<key>RetryDelay</key>\n\t<string>2s</string>\n"
	"\t<key>NoWait</key>\n\t<true/>\n"
	"\t<key>Unknown</key>\n\t<string>ignored</string>\n"
	"</dict>\n</plist>\n";

static void test_config_plist_applies_and_flags_win(void **state)
{
	struct vals v;
	struct eg_diag d = EG_DIAG_INIT;
	bool set[N] = { false };

	(void)state;
	eg_config_defaults(table, N, &v);
	set[1] = true;  /* --retry-delay was given on the command line */
	assert_int_equal(eg_config_load_plist(table, N, &v, S(plist), "/p.plist", set, &d), EG_OK);
	assert_int_equal(v.retries, 7);
	assert_int_equal(v.delay, 5000);
	assert_true(v.flag);
	eg_config_release(table, N, &v);
}

static void test_config_plist_bad_values_name_key_and_file(void **state)
{
	struct vals v;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	eg_config_defaults(table, N, &v);
	assert_int_equal(eg_config_load_plist(table, N, &v,
		S("<plist version=\"1.0\"><dict><key>Retries</key><integer>500</integer></dict></plist>"),
		"/Library/Managed Preferences/com.enrollguard.plist", NULL, &d), EG_ERR_RANGE);
	assert_string_equal(d.msg, "key 'Retries' in '/Library/Managed Preferences/com.enrollguard.plist': '500' must be between 1 and 100 inclusive");
	assert_int_equal(eg_config_load_plist(table, N, &v,
		S("<plist version=\"1.0\"><dict><key>RetryDelay</key><integer>5</integer></dict></plist>"),
		"/p", NULL, &d), EG_ERR_INVALID);
	assert_non_null(strstr(d.msg, "wrong type"));
	assert_int_equal(eg_config_load_plist(table, N, &v, S("not a plist at all"), "/p", NULL, &d),
			 EG_ERR_INVALID);
	assert_int_equal(eg_config_load_plist(table, N, &v,
		S("<plist version=\"1.0\"><array/></plist>"), "/p", NULL, &d), EG_ERR_INVALID);
	eg_config_release(table, N, &v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_defaults_then_values),
		cmocka_unit_test(test_config_refuses_with_key_and_range),
		cmocka_unit_test(test_config_plist_applies_and_flags_win),
		cmocka_unit_test(test_config_plist_bad_values_name_key_and_file),
	};
	RUN(tests);
}
