#include "event.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "scan.h"
#include "timefmt.h"
#include "banned.h"

static const struct {
	const char *name;
	const char *keys;
} types[EG_EV_COUNT] = {
	[EG_EV_UNKNOWN] = { NULL, NULL },
#define EG_EVENT_TYPE_ROW(id, name, keys) [EG_EV_##id] = { name, keys },
	EG_EVENT_TYPES(EG_EVENT_TYPE_ROW)
#undef EG_EVENT_TYPE_ROW
};

const char *eg_event_type_name(enum eg_event_type t)
{
	return (unsigned)t < EG_EV_COUNT ? types[t].name : NULL;
}

const char *eg_event_type_keys(enum eg_event_type t)
{
	return (unsigned)t < EG_EV_COUNT ? types[t].keys : NULL;
}

/* n bytes at a against the NUL-terminated b, ordered as strcmp would */
static int cmp_name(const char *a, size_t n, const char *b)
{
	size_t m = strlen(b);
	int c = memcmp(a, b, n < m ? n : m);

	return c ? c : n < m ? -1 : n > m;
}

enum eg_event_type eg_event_type_lookup(const char *name, size_t len)
{
	unsigned lo = 1, hi = EG_EV_COUNT;    /* the rows are sorted by name */

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		int c = cmp_name(name, len, types[mid].name);

		if (!c)
			return (enum eg_event_type)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return EG_EV_UNKNOWN;
}

int eg_event_type_has_key(enum eg_event_type t, const char *key, size_t len)
{
	const char *p = eg_event_type_keys(t);

	if (!p || !len)
		return 0;
	while (*p) {
		size_t n = strcspn(p, " ");

		if (n == len && !memcmp(p, key, len))
			return 1;
		p += n;
		p += *p == ' ';
	}
	return 0;
}

/* The host's members, in the one order the reporter relies on. */
static void host_members(struct eg_jw *w, const struct eg_host *h)
{
	eg_jw_str(w, "serial", h->serial);
	eg_jw_str(w, "model", h->model);
	eg_jw_str(w, "os", h->os);
	eg_jw_str(w, "build", h->build);
	eg_jw_str(w, "arch", h->arch);
}

enum eg_err eg_event_host_json(const struct eg_host *h, struct eg_buf *out)
{
	struct eg_jw w;

	eg_jw_begin(&w, out);
	host_members(&w, h);
	eg_jw_end(&w);
	return w.rc;
}

enum eg_err eg_event_json(const struct eg_event *ev, struct eg_buf *out)
{
	const char *type = eg_event_type_name(ev->type);
	struct eg_jw w;
	char ts[40];

	if (!type)
		return EG_ERR_INVALID;
	eg_format_iso(ev->ts_ms, ts, sizeof(ts));
	eg_jw_begin(&w, out);
	eg_jw_int(&w, "v", EG_EVENT_VERSION);
	eg_jw_str(&w, "ts", ts);
	eg_jw_object(&w, "host");
	host_members(&w, ev->host);
	eg_jw_end(&w);
	eg_jw_str(&w, "run_id", ev->run_id);
	eg_jw_int(&w, "seq", (int64_t)ev->seq);
	eg_jw_str(&w, "type", type);
	eg_jw_raw(&w, "data", ev->data_json ? ev->data_json : "{}");
	eg_jw_str(&w, "text", ev->text ? ev->text : "");
	eg_jw_end(&w);
	if (w.rc == EG_OK)
		w.rc = eg_buf_addch(out, '\n');
	return w.rc;
}

enum eg_err eg_event_human(const struct eg_event *ev, int offset_min,
			   struct eg_buf *out)
{
	const char *type = eg_event_type_name(ev->type);
	char ts[40];
	const char *t = ev->text ? ev->text : "";
	enum eg_err rc;
	size_t i;

	if (!type)
		return EG_ERR_INVALID;
	eg_format_human(ev->ts_ms, offset_min, ts, sizeof(ts));
	rc = eg_buf_addf(out, "%s %s: ", ts, type);
	for (i = 0; rc == EG_OK && t[i]; i++) {
		unsigned char c = (unsigned char)t[i];

		rc = eg_buf_addch(out, (c < 0x20 || c == 0x7f) ? ' ' : (char)c);
	}
	if (rc == EG_OK)
		rc = eg_buf_addch(out, '\n');
	return rc;
}

void eg_event_run_id(const unsigned char rnd[16], char out[33])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 16; i++) {
		out[2 * i] = hex[rnd[i] >> 4];
		out[2 * i + 1] = hex[rnd[i] & 15];
	}
	out[32] = '\0';
}

enum eg_spool_prio eg_event_spool_prio(enum eg_event_type t)
{
	switch (t) {
	/* many per minute on a hot Mac; only the newest says something new */
	case EG_EV_CLOUDCONFIG_RETRY:
	case EG_EV_DASD_VERDICT:
	case EG_EV_THERMAL_SAMPLE:
	case EG_EV_WAIT:
		return EG_SPOOL_LOW;
	/* who the Mac is, the run's start and its end: the fleet view's state */
	case EG_EV_CONFIG_FETCHED:
	case EG_EV_REPORT_DROPPED:
	case EG_EV_RUN_ENROLLED:
	case EG_EV_RUN_GAVE_UP:
	case EG_EV_RUN_INTERRUPTED:
	case EG_EV_RUN_RESUME:
	case EG_EV_RUN_START:
	case EG_EV_SYSTEM_INFO:
		return EG_SPOOL_OUTCOME;
	default:
		return EG_SPOOL_NORMAL;
	}
}

enum eg_spool_prio eg_event_line_prio(const char *line, size_t len, unsigned *kind)
{
	static const char key[] = "\"type\":\"";
	struct eg_str l = { line, len }, name;
	const char *p = eg_str_find(l, key);
	struct eg_scan s;
	enum eg_event_type t = EG_EV_UNKNOWN;

	if (p) {
		p += sizeof(key) - 1;
		eg_scan_init(&s, p, len - (size_t)(p - line));
		if (!eg_scan_until(&s, '"', &name, 64))
			t = eg_event_type_lookup(name.p, name.len);
	}
	*kind = (unsigned)t;
	return t == EG_EV_UNKNOWN ? EG_SPOOL_NORMAL : eg_event_spool_prio(t);
}

/* The number after lit in line, if lit is there. */
static bool number_after(struct eg_str line, const char *lit, uint64_t *v)
{
	const char *p = eg_str_find(line, lit);
	struct eg_scan s;

	if (!p)
		return false;
	p += strlen(lit);
	eg_scan_init(&s, p, line.len - (size_t)(p - line.p));
	return eg_scan_uint(&s, v, UINT64_MAX / 2) == 0;
}

void eg_event_scan_run(const char *buf, size_t len, const char *run_id, uint64_t *seq,
		       uint64_t *attempt)
{
	const char *p = buf, *end = buf + len;
	struct eg_str line;
	char id[80];
	uint64_t v;

	*seq = *attempt = 0;
	if ((size_t)snprintf(id, sizeof(id), "\"run_id\":\"%s\",\"seq\":", run_id) >= sizeof(id))
		return;
	while (eg_next_line(&p, end, &line)) {
		if (!number_after(line, id, &v))
			continue;
		if (v > *seq)
			*seq = v;
		if (number_after(line, "\"type\":\"renew.attempt\",\"data\":{\"attempt\":", &v) &&
		    v > *attempt)
			*attempt = v;
	}
}
