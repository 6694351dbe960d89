/* Fuzz the managed-preferences plist reader (libplist underneath). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct vals {
	uint64_t n;
	uint64_t dur;
	bool flag;
	char *s;
};

static const char *const choices[] = { "event", "fixed", NULL };

static const struct eg_opt table[] = {
	{ "retries", "Retries", EG_OPT_UINT, 1, 100, "3", NULL, "N", "", offsetof(struct vals, n) },
	{ "deadline", "Deadline", EG_OPT_DURATION, 1000, 86400000, "20m", NULL, "DUR", "", offsetof(struct vals, dur) },
	{ "no-wait", "NoWait", EG_OPT_BOOL, 0, 0, "false", NULL, "", "", offsetof(struct vals, flag) },
	{ "strategy", "Strategy", EG_OPT_ENUM, 0, 0, "event", choices, "NAME", "", offsetof(struct vals, s) },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vals v;
	struct eg_diag d = EG_DIAG_INIT;

	eg_config_defaults(table, 4, &v);
	eg_config_load_plist(table, 4, &v, (const char *)data, size, "/fuzz", NULL, &d);
	eg_config_release(table, 4, &v);
	return 0;
}
