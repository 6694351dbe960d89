#include "event.h"

#include <string.h>

#include "json.h"
#include "timefmt.h"
#include "banned.h"

enum eg_err eg_event_json(const struct eg_event *ev, struct eg_buf *out)
{
	struct eg_jw w;
	char ts[40];

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
	eg_jw_str(&w, "type", ev->type);
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
	char ts[40];
	const char *t = ev->text ? ev->text : "";
	enum eg_err rc;
	size_t i;

	eg_format_human(ev->ts_ms, offset_min, ts, sizeof(ts));
	rc = eg_buf_addf(out, "%s %s: ", ts, ev->type);
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
