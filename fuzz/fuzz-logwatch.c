/*
 * Fuzz the unified-log line parser and the log watcher together: the
 * input is a `log stream`, split into lines as the agent splits it.
 */
#include <stddef.h>
#include <stdint.h>

#include "logwatch.h"
#include "ulog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_logwatch w = EG_LOGWATCH_INIT;
	const char *p = (const char *)data, *end = p + size;
	struct eg_str line;
	struct eg_ulog_rec rec;
	struct eg_obs obs;

	while (eg_next_line(&p, end, &line)) {
		(void)eg_ulog_parse_line(line, &rec);
		(void)eg_logwatch_feed(&w, line, &obs);
	}
	eg_logwatch_release(&w);
	return 0;
}
