/* Fuzz the sw_vers and system_profiler parsers. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sysinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_sysinfo si;
	struct eg_diag d = EG_DIAG_INIT;

	memset(&si, 0, sizeof(si));
	eg_sysinfo_parse_sw_vers((const char *)data, size, &si, &d);
	eg_sysinfo_parse_hardware((const char *)data, size, &si, &d);
	return 0;
}
