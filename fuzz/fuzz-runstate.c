/*
 * Fuzz what a relaunch reads: the state-file parser (and check that what
 * it reads round-trips), and the scan of the JSON-lines log for the run's
 * last seq and attempt, and the spool's classifier of a line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "runstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_runstate a, b;
	struct eg_buf out = EG_BUF_INIT(1 << 20);
	struct eg_diag d = EG_DIAG_INIT;
	uint64_t seq, attempt;
	unsigned kind;

	eg_event_scan_run((const char *)data, size, "0123456789abcdef0123456789abcdef", &seq,
			  &attempt);
	if (eg_event_line_prio((const char *)data, size, &kind) >= EG_SPOOL_NPRIO ||
	    kind >= EG_EV_COUNT)
		abort();
	if (eg_runstate_parse((const char *)data, size, &a, &d) != EG_OK)
		return 0;
	if (eg_runstate_format(&a, &out) != EG_OK)
		abort();
	if (eg_runstate_parse(out.buf, out.len, &b, &d) != EG_OK ||
	    strcmp(a.run_id, b.run_id) || a.seq != b.seq || a.phase != b.phase)
		abort();
	eg_buf_release(&out);
	return 0;
}
