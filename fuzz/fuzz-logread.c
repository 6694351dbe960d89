/*
 * Fuzz the style detector and every reader behind it (log show's text
 * styles, json, ndjson, enrollguard events, Jamf Pro lines): any bytes as
 * one input. The first byte picks a time window and a serial filter, so
 * the windowed paths run too.
 */
#include <stddef.h>
#include <stdint.h>

#include "logread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_diagnosis *d = eg_diagnose_new();
	struct eg_logwindow w = { 0, 0, NULL };
	const char *p = (const char *)data, *end = p + size;
	struct eg_logread r;
	struct eg_str line;
	char s[768], n[512];
	int i;

	if (size && (data[0] & 1))
		w.since = 1596733115445LL;       /* 2020-08-06 16:58:35.445 UTC */
	if (size && (data[0] & 2))
		w.until = 1709539205480LL;       /* 2024-03-04 08:00:05.480 UTC */
	if (size && (data[0] & 4))
		w.serial = "C02OTHERMAC1";
	eg_logread_init(&r, d, &w);
	while (eg_next_line(&p, end, &line))
		eg_logread_line(&r, line);
	eg_logread_end(&r);
	(void)eg_logread_style(&r);
	eg_diagnose_finish(d);
	for (i = 0; i < d->nfindings; i++)
		if (d->findings[i].seen)
			eg_finding_explain(d, (enum eg_finding_id)i, s, sizeof(s), n, sizeof(n));
	eg_logread_release(&r);
	eg_diagnose_free(d);
	return 0;
}
