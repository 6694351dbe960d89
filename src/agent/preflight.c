#include "preflight.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sampler.h"
#include "banned.h"

struct pf_item *pf_add(struct preflight *pf, const char *key, const char *label,
		       enum pf_level level, const char *value, const char *fmt, ...)
{
	struct pf_item *it = &pf->items[pf->n < PF_MAX ? pf->n++ : PF_MAX - 1];
	va_list ap;

	it->key = key;
	it->label = label;
	it->level = level;
	snprintf(it->value, sizeof(it->value), "%s", value);
	va_start(ap, fmt);
	vsnprintf(it->detail, sizeof(it->detail), fmt, ap);
	va_end(ap);
	if (pf->rec)
		recorder_emit(pf->rec, NULL, EG_TEXT_RENEW_PREFLIGHT, label,
			      pf_level_name(level), it->detail);
	return it;
}

const char *pf_level_name(enum pf_level level)
{
	return level == PF_OK ? "ok" : level == PF_WARN ? "warn" : "fail";
}

enum pf_level pf_verdict(const struct preflight *pf)
{
	enum pf_level worst = PF_OK;
	int i;

	for (i = 0; i < pf->n; i++)
		if (pf->items[i].level > worst)
			worst = pf->items[i].level;
	return worst;
}

void pf_print(const struct preflight *pf, unsigned flags)
{
	int i;

	for (i = 0; i < pf->n; i++) {
		const struct pf_item *it = &pf->items[i];

		printf("%-4s %-*s %s\n", it->level == PF_FAIL ? "FAIL" : pf_level_name(it->level),
		       (flags & PF_BY_KEY) ? 16 : 25,
		       (flags & PF_BY_KEY) ? it->key : it->label, it->detail);
	}
}

void pf_json(const struct preflight *pf, struct eg_jw *w, const char *name)
{
	int i;

	eg_jw_array(w, name);
	for (i = 0; i < pf->n; i++) {
		const struct pf_item *it = &pf->items[i];

		eg_jw_elem(w);
		eg_jw_str(w, "key", it->key);
		eg_jw_str(w, "item", it->label);
		eg_jw_str(w, "level", pf_level_name(it->level));
		eg_jw_str(w, "value", it->value);
		eg_jw_str(w, "detail", it->detail);
		eg_jw_end(w);
	}
	eg_jw_end(w);
}

void pf_thermal(struct preflight *pf, const struct eg_global *g, uint64_t timeout_ms,
		const volatile sig_atomic_t *cancel)
{
	struct sampler s = SAMPLER_INIT;
	struct eg_thermal t;
	char text[192];
	bool hot;

	sampler_thermal(g, timeout_ms, cancel, &s, &t);
	eg_thermal_format(&t, text, sizeof(text));
	hot = eg_thermal_is_hot(&t);
	pf_add(pf, "thermal", "thermal", hot ? PF_WARN : PF_OK,
	       (t.has & EG_THERMAL_HAS_PRESSURE) ? eg_pressure_name(t.pressure) : "unknown",
	       "%s%s", text, hot ? " (hot: dasd may hold back the UCRT)" : "");
}
