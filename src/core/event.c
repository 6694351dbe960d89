#include "event.h"

#include <string.h>

#include "json.h"
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
	eg_jw_str(&w, "serial", ev->host->serial);
	eg_jw_str(&w, "model", ev->host->model);
	eg_jw_str(&w, "os", ev->host->os);
	eg_jw_str(&w, "build", ev->host->build);
	eg_jw_str(&w, "arch", ev->host->arch);
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
