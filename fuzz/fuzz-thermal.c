/* Fuzz the powermetrics, pmset and thermal formatting code. */
#include <stddef.h>
#include <stdint.h>

#include "thermal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_thermal t = EG_THERMAL_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	char line[192];

	eg_thermal_parse_powermetrics((const char *)data, size, &t, &d);
	eg_thermal_parse_pmset((const char *)data, size, &t);
	eg_thermal_format(&t, line, sizeof(line));
	(void)eg_thermal_is_hot(&t);
	return 0;
}
