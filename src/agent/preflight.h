/*
 * preflight.h: the items of a preflight, as `check` and `renew` print
 * them: one line per item with ok / warn / FAIL, the same items as a JSON
 * array, and the verdict (the worst level).
 *
 * Calling sequence:
 *     struct preflight pf = PREFLIGHT_INIT;
 *     pf.rec = &rec;                      optional: each item is an event
 *     pf_add(&pf, "thermal", "thermal", PF_OK, "Nominal", "%s", text);
 *     pf_thermal(&pf, g, timeout, cancel);  the items both commands share
 *     pf_print(&pf, PF_BY_KEY);
 *     pf_json(&pf, &w, "items");
 *
 * To add an item both commands show: write a pf_<item>() here, with its
 * key (stable: `check --jamf-ea` takes it) and its label, and call it
 * from both; tests/e2e/t3001-check.sh and t4001-renew-healthy.sh check
 * the lines.
 */
#ifndef EG_PREFLIGHT_H
#define EG_PREFLIGHT_H

#include <signal.h>
#include <stdint.h>

#include "cmd.h"
#include "json.h"
#include "recorder.h"

enum pf_level { PF_OK = 0, PF_WARN = 1, PF_FAIL = 2 };

struct pf_item {
	const char *key;       /* stable name: "push_cert" */
	const char *label;     /* in words: "push certificate" */
	enum pf_level level;
	char value[160];       /* short value (a Jamf extension attribute) */
	char detail[600];      /* one line for people */
};

#define PF_MAX 12

struct preflight {
	struct pf_item items[PF_MAX];
	int n;
	struct recorder *rec;  /* borrowed; when set, each item is a renew.preflight event */
};

#define PREFLIGHT_INIT { .n = 0, .rec = NULL }

/*
 * Add an item with its detail (printf-style); returns it. Past PF_MAX
 * items the last one is overwritten (a bug: BUG() would lose the run).
 */
struct pf_item *pf_add(struct preflight *pf, const char *key, const char *label,
		       enum pf_level level, const char *value, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* "ok", "warn", "fail". */
const char *pf_level_name(enum pf_level level);

/* The worst level of all items. */
enum pf_level pf_verdict(const struct preflight *pf);

enum pf_print_flags {
	PF_BY_KEY = 1 << 0,    /* name each line by key (check), else by label (renew) */
};

/* One line per item to stdout: "ok   key  detail". */
void pf_print(const struct preflight *pf, unsigned flags);

/* The items as an array under name: [{key, item, level, value, detail}]. */
void pf_json(const struct preflight *pf, struct eg_jw *w, const char *name);

/* The thermal state, sampled now: warn when the Mac is hot. */
void pf_thermal(struct preflight *pf, const struct eg_global *g, uint64_t timeout_ms,
		const volatile sig_atomic_t *cancel);

#endif
