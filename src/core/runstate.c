#include "runstate.h"

#include <stddef.h>
#include <string.h>

#include "profiles.h"
#include "scan.h"
#include "banned.h"

static const struct {
	const char *name;
	int finished;
} phases[EG_PHASE_COUNT] = {
	[EG_PHASE_NONE] = { "", 0 },
#define EG_PHASE_ROW(id, name, finished) [EG_PHASE_##id] = { name, finished },
	EG_PHASES(EG_PHASE_ROW)
#undef EG_PHASE_ROW
};

const char *eg_phase_name(enum eg_phase p)
{
	return (unsigned)p < EG_PHASE_COUNT ? phases[p].name : "";
}

enum eg_phase eg_phase_lookup(const char *name, size_t len)
{
	unsigned i;

	for (i = 1; i < EG_PHASE_COUNT; i++)
		if (strlen(phases[i].name) == len && !memcmp(phases[i].name, name, len))
			return (enum eg_phase)i;
	return EG_PHASE_NONE;
}

enum field_type { F_STR, F_U64, F_I64, F_UINT, F_LONG, F_PHASE };

static const struct field {
	const char *key;
	enum field_type type;
	size_t off;
	size_t size;
} fields[] = {
#define S(k, m) { k, F_STR, offsetof(struct eg_runstate, m), sizeof(((struct eg_runstate *)0)->m) }
#define N(k, t, m) { k, t, offsetof(struct eg_runstate, m), 0 }
	S("run_id", run_id),
	N("seq", F_U64, seq),
	N("pid", F_LONG, pid),
	S("strategy", strategy),
	N("phase", F_PHASE, phase),
	N("attempts", F_UINT, attempts),
	N("cycle", F_UINT, cycle),
	N("try", F_UINT, try_in_cycle),
	N("elapsed_ms", F_U64, elapsed_ms),
	N("started_ms", F_I64, started_ms),
	N("updated_ms", F_I64, updated_ms),
	N("deadline_ms", F_I64, deadline_ms),
	N("next_attempt_ms", F_I64, next_attempt_ms),
	S("waiting_for", waiting_for),
	S("thermal", thermal),
	S("last_result", last_result),
	S("result", result),
	S("recommendation", recommendation),
	S("serial", serial),
	S("model", model),
	S("os", os),
	S("build", build),
	S("org_name", org_name),
	S("mdm_url", mdm_url),
	N("spooled", F_U64, spooled),
	S("log_file", log_file),
	S("degraded", degraded),
	N("log_pid", F_LONG, log_pid),
	N("finished_ms", F_I64, finished_ms),
	N("deliver_until_ms", F_I64, deliver_until_ms),
	N("uptime_ms", F_I64, uptime_ms),
#undef S
#undef N
};

void eg_runstate_init(struct eg_runstate *st)
{
	memset(st, 0, sizeof(*st));
}

enum eg_err eg_runstate_format(const struct eg_runstate *st,
			       struct eg_buf *out)
{
	const char *base = (const char *)st;
	enum eg_err rc = eg_buf_addf(out, "version=%d\n", EG_RUNSTATE_VERSION);
	size_t i;

	for (i = 0; rc == EG_OK && i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field *f = &fields[i];
		const void *v = base + f->off;

		switch (f->type) {
		case F_STR: {
			char clean[1024];

			eg_copy_printable(clean, sizeof(clean), v,
					  strnlen(v, f->size));
			rc = eg_buf_addf(out, "%s=%s\n", f->key, clean);
			break;
		}
		case F_U64:
			rc = eg_buf_addf(out, "%s=%llu\n", f->key,
					 (unsigned long long)*(const uint64_t *)v);
			break;
		case F_I64:
			rc = eg_buf_addf(out, "%s=%lld\n", f->key,
					 (long long)*(const int64_t *)v);
			break;
		case F_UINT:
			rc = eg_buf_addf(out, "%s=%u\n", f->key, *(const unsigned *)v);
			break;
		case F_LONG:
			rc = eg_buf_addf(out, "%s=%ld\n", f->key, *(const long *)v);
			break;
		case F_PHASE:
			rc = eg_buf_addf(out, "%s=%s\n", f->key,
					 eg_phase_name(*(const enum eg_phase *)v));
			break;
		}
	}
	return rc;
}

static void set_field(struct eg_runstate *st, const struct field *f,
		      struct eg_str val)
{
	char *base = (char *)st;
	void *v = base + f->off;
	struct eg_scan s;
	uint64_t u;
	int64_t i;

	eg_scan_init(&s, val.p, val.len);
	switch (f->type) {
	case F_STR:
		eg_copy_printable(v, f->size, val.p, val.len);
		return;
	case F_U64:
		if (!eg_scan_uint(&s, &u, UINT64_MAX) && eg_scan_eof(&s))
			*(uint64_t *)v = u;
		return;
	case F_UINT:
		if (!eg_scan_uint(&s, &u, 0xffffffffu) && eg_scan_eof(&s))
			*(unsigned *)v = (unsigned)u;
		return;
	case F_I64:
		if (!eg_scan_int(&s, &i, INT64_MIN + 1, INT64_MAX) && eg_scan_eof(&s))
			*(int64_t *)v = i;
		return;
	case F_LONG:
		if (!eg_scan_int(&s, &i, -2147483647, 2147483647) && eg_scan_eof(&s))
			*(long *)v = (long)i;
		return;
	case F_PHASE:
		*(enum eg_phase *)v = eg_phase_lookup(val.p, val.len);
		return;
	}
}

enum eg_err eg_runstate_parse(const char *buf, size_t len,
			      struct eg_runstate *st, struct eg_diag *diag)
{
	const char *p = buf, *end = buf + len;
	struct eg_str line;
	long lineno = 0;

	eg_runstate_init(st);
	while (eg_next_line(&p, end, &line)) {
		struct eg_scan s;
		struct eg_str key, val;
		size_t i;

		lineno++;
		eg_scan_init(&s, line.p, line.len);
		if (eg_scan_until(&s, '=', &key, 32) || eg_scan_ch(&s, '='))
			continue;
		eg_scan_rest(&s, &val);
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (eg_str_eq(key, fields[i].key))
				set_field(st, &fields[i], val);
	}
	if (!st->run_id[0]) {
		if (diag)
			diag->line = lineno;
		return eg_diag_set(diag, EG_ERR_INVALID, "no 'run_id=' line");
	}
	return EG_OK;
}

int eg_runstate_finished(const struct eg_runstate *st)
{
	return (unsigned)st->phase < EG_PHASE_COUNT && phases[st->phase].finished;
}
