/* Fuzz the dasd scoring-message parser. */
#include <stddef.h>
#include <stdint.h>

#include "dasd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_dasd_verdict v;
	struct eg_diag d = EG_DIAG_INIT;

	if (eg_dasd_parse((const char *)data, size, &v, &d) == EG_OK)
		(void)eg_dasd_blocker(&v);
	return 0;
}
