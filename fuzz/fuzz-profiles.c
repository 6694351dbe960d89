/* Fuzz the profiles parsers: show, status and the error classifier. */
#include <stddef.h>
#include <stdint.h>

#include "profiles.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_enroll_config cfg;
	struct eg_enroll_status st;
	struct eg_profiles_error err;
	struct eg_diag d = EG_DIAG_INIT;

	eg_profiles_parse_show((const char *)data, size, &cfg, &err, &d);
	eg_profiles_parse_status((const char *)data, size, &st, &d);
	eg_profiles_parse_error((const char *)data, size, &err);
	return 0;
}
