/*
 * Fuzz the catalogue's row parser: any bytes as a site's --signatures
 * file after the built-in rows. When they load, the same bytes are read
 * as a log through a diagnosis with those rows, and every finding seen
 * is explained (the rows' templates expanded).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "catalog.h"
#include "diagnose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_catalog *c = eg_catalog_new();
	struct eg_diag dg = EG_DIAG_INIT;
	struct eg_diagnosis *d;
	const char *p = (const char *)data, *end = p + size;
	struct eg_str line;
	char s[1536], n[768];
	int i;

	if (eg_catalog_load(c, "built-in", eg_catalog_builtin_text,
			    strlen(eg_catalog_builtin_text), &dg) != EG_OK) {
		eg_catalog_free(c);
		return 0;
	}
	if (eg_catalog_load(c, "fuzz.sig", (const char *)data, size, &dg) != EG_OK ||
	    eg_catalog_finish(c, &dg) != EG_OK) {
		eg_catalog_free(c);
		return 0;
	}
	d = eg_diagnose_new_with(c);
	while (eg_next_line(&p, end, &line))
		eg_diagnose_line(d, line);
	eg_diagnose_finish(d);
	for (i = 0; i < d->nfindings; i++)
		if (d->findings[i].seen)
			eg_finding_explain(d, i, s, sizeof(s), n, sizeof(n));
	eg_diagnose_free(d);
	eg_catalog_free(c);
	return 0;
}
