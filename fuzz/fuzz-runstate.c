/* Fuzz the state-file parser, and check that what it reads round-trips. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_runstate a, b;
	struct eg_buf out = EG_BUF_INIT(1 << 20);
	struct eg_diag d = EG_DIAG_INIT;

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
