/* Fuzz the diagnosis: any bytes as log lines. */
#include <stddef.h>
#include <stdint.h>

#include "diagnose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_diagnosis *d = eg_diagnose_new();
	const char *p = (const char *)data, *end = p + size;
	struct eg_str line;
	char s[768], n[512];
	int i;

	while (eg_next_line(&p, end, &line))
		eg_diagnose_line(d, line);
	eg_diagnose_finish(d);
	for (i = 0; i < d->nfindings; i++)
		if (d->findings[i].seen)
			eg_finding_explain(d, (enum eg_finding_id)i, s, sizeof(s), n, sizeof(n));
	eg_diagnose_free(d);
	return 0;
}
