/*
 * api.c: the JSON endpoints (enrollguard-server(8), ENDPOINTS).
 */
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "json.h"
#include "scan.h"
#include "store.h"
#include "timefmt.h"
#include "banned.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX 1000
#define EVENTS_MAX 1000   /* events in one device's answer */

static bool json_content_type(const char *ct)
{
	size_t n = strlen("application/json");

	return ct && strncmp(ct, "application/json", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

enum MHD_Result api_events_headers(struct request *req)
{
	const char *ct = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *cl = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);
	struct eg_scan s;
	uint64_t len;

	if (req->who == WHO_NONE || req->who == WHO_BAD)
		return http_error(req, MHD_HTTP_UNAUTHORIZED, RJ_UNAUTHORIZED, "unauthorized",
				  req->who == WHO_NONE ?
				  "send 'Authorization: Bearer <enroll token>'" :
				  "the enroll token is not valid");
	if (req->who != WHO_ENROLL)
		return http_error(req, MHD_HTTP_FORBIDDEN, RJ_UNAUTHORIZED, "forbidden",
				  "events are sent with the enroll token, not the admin token");
	if (!json_content_type(ct))
		return http_error(req, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, RJ_CONTENT_TYPE,
				  "unsupported_media_type",
				  "Content-Type must be application/json");
	if (cl) {
		eg_scan_init(&s, cl, strlen(cl));
		if (!eg_scan_uint(&s, &len, UINT64_MAX / 2) && eg_scan_eof(&s) &&
		    len > BATCH_MAX_BYTES)
			return http_error(req, MHD_HTTP_CONTENT_TOO_LARGE, RJ_TOO_LARGE,
					  "too_large", "a batch is at most %d bytes; this one has %llu",
					  BATCH_MAX_BYTES, (unsigned long long)len);
	}
	return MHD_YES;
}

static enum MHD_Result events_answer(struct request *req)
{
	char body[128];
	int status = atomic_load(&req->job.status);

	if (status != 200)
		return http_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, RJ_STORAGE,
				  "storage_unavailable",
				  "the events could not be stored; nothing was kept, send them again later");
	snprintf(body, sizeof(body), "{\"accepted\":%zu,\"duplicates\":%zu}\n",
		 req->job.added, req->job.duplicates);
	return http_reply(req, MHD_HTTP_OK, "application/json", body, strlen(body));
}

enum MHD_Result api_events(struct request *req)
{
	struct server *srv = req->srv;
	struct eg_diag diag = EG_DIAG_INIT;
	enum eg_err rc;

	if (req->submitted)
		return events_answer(req);
	if (req->too_large)
		return http_error(req, MHD_HTTP_CONTENT_TOO_LARGE, RJ_TOO_LARGE, "too_large",
				  "a batch is at most %d bytes", BATCH_MAX_BYTES);
	rc = batch_parse(req->body.buf, req->body.len, &req->job.batch, &diag);
	if (rc == EG_ERR_TOO_LARGE)
		return http_error(req, MHD_HTTP_CONTENT_TOO_LARGE, RJ_TOO_LARGE, "too_large",
				  "%s", diag.msg);
	if (rc != EG_OK)
		return http_error(req, MHD_HTTP_BAD_REQUEST, RJ_MALFORMED, "invalid",
				  "%s", diag.msg);
	if (!ratelimit_take(&srv->rl, req->job.batch.ev[0].serial, server_now_ms(),
			    &req->retry_after))
		return http_error(req, MHD_HTTP_TOO_MANY_REQUESTS, RJ_RATE_LIMITED,
				  "rate_limited", "too many batches from this Mac; retry in %u s",
				  req->retry_after);
	req->submitted = true;
	req->job.conn = req->conn;
	/* suspend before the writer can resume: see ingest.h */
	MHD_suspend_connection(req->conn);
	if (!ingest_submit(&srv->ingest, &req->job)) {
		atomic_store(&req->job.status, 503);
		MHD_resume_connection(req->conn);
	}
	return MHD_YES;
}

/* Parse a query number in [min, max]; def when absent. false when bad. */
static bool arg_int(struct request *req, const char *name, int64_t min, int64_t max,
		    int64_t def, int64_t *out)
{
	const char *v = http_arg(req, name);
	struct eg_scan s;

	*out = def;
	if (!v)
		return true;
	eg_scan_init(&s, v, strlen(v));
	return !eg_scan_int(&s, out, min, max) && eg_scan_eof(&s);
}

/* Read state, q, limit and offset; answers 400 itself when one is wrong. */
static bool parse_filter(struct request *req, struct store_filter *f,
			 enum MHD_Result *ret)
{
	const char *state = http_arg(req, "state");

	f->state = -1;
	f->q = http_arg(req, "q");
	if (state && state[0] && (f->state = devstate_from_name(state)) < 0) {
		*ret = http_error(req, MHD_HTTP_BAD_REQUEST, RJ_COUNT, "invalid",
				  "state: must be one of running, waiting, hot, blocked, "
				  "retrying, enrolled, gave_up, stopped");
		return false;
	}
	if (f->q && strlen(f->q) > 64) {
		*ret = http_error(req, MHD_HTTP_BAD_REQUEST, RJ_COUNT, "invalid",
				  "q: must be at most 64 bytes long");
		return false;
	}
	if (!arg_int(req, "limit", 1, PAGE_MAX, PAGE_DEFAULT, &f->limit)) {
		*ret = http_error(req, MHD_HTTP_BAD_REQUEST, RJ_COUNT, "invalid",
				  "limit: must be between 1 and %d inclusive", PAGE_MAX);
		return false;
	}
	if (!arg_int(req, "offset", 0, INT64_MAX / 2, 0, &f->offset)) {
		*ret = http_error(req, MHD_HTTP_BAD_REQUEST, RJ_COUNT, "invalid",
				  "offset: must be a number, 0 or more");
		return false;
	}
	return true;
}

struct list_ctx {
	struct eg_buf *out;
	bool first;
	enum eg_err rc;
};

static int add_device(const struct device *d, void *arg)
{
	struct list_ctx *c = arg;

	if (c->rc == EG_OK && !c->first)
		c->rc = eg_buf_addch(c->out, ',');
	c->first = false;
	if (c->rc == EG_OK)
		c->rc = devstate_json(d, c->out);
	return c->rc != EG_OK;
}

static enum eg_err add_counts(struct store *st, struct eg_buf *out)
{
	int64_t counts[DS_COUNT], events;
	enum eg_err rc = store_counts(st, counts, &events);
	int i;

	if (rc == EG_OK)
		rc = eg_buf_addstr(out, ",\"counts\":{");
	for (i = 0; rc == EG_OK && i < DS_COUNT; i++)
		rc = eg_buf_addf(out, "%s\"%s\":%lld", i ? "," : "",
				 devstate_name((enum devstate)i), (long long)counts[i]);
	if (rc == EG_OK)
		rc = eg_buf_addch(out, '}');
	return rc;
}

static enum MHD_Result storage_error(struct request *req)
{
	return http_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, RJ_STORAGE,
			  "storage_unavailable", "the database cannot be read now");
}

enum MHD_Result api_devices(struct request *req)
{
	struct eg_buf out = EG_BUF_INIT(64 * 1024 * 1024);
	struct store_filter f;
	struct list_ctx c = { &out, true, EG_OK };
	struct store *st;
	enum MHD_Result ret = MHD_NO;
	int64_t total = 0;

	if (!parse_filter(req, &f, &ret))
		return ret;
	if (!(st = server_reader(req->srv)))
		return storage_error(req);
	c.rc = eg_buf_addstr(&out, "{\"devices\":[");
	if (c.rc == EG_OK)
		c.rc = store_list_devices(st, &f, add_device, &c, &total);
	if (c.rc == EG_OK)
		c.rc = eg_buf_addf(&out, "],\"total\":%lld,\"limit\":%lld,\"offset\":%lld",
				   (long long)total, (long long)f.limit, (long long)f.offset);
	if (c.rc == EG_OK)
		c.rc = add_counts(st, &out);
	if (c.rc == EG_OK)
		c.rc = eg_buf_addstr(&out, "}\n");
	server_reader_done(req->srv, st);
	ret = c.rc == EG_OK ? http_reply(req, MHD_HTTP_OK, "application/json", out.buf, out.len)
			    : storage_error(req);
	eg_buf_release(&out);
	return ret;
}

static int add_event(const struct store_event_row *e, void *arg)
{
	struct list_ctx *c = arg;
	struct eg_jw w;
	char ts[40];

	if (c->rc == EG_OK && !c->first)
		c->rc = eg_buf_addch(c->out, ',');
	c->first = false;
	if (c->rc != EG_OK)
		return 1;
	eg_format_iso(e->ts_ms, ts, sizeof(ts));
	eg_jw_begin(&w, c->out);
	eg_jw_str(&w, "ts", ts);
	eg_jw_str(&w, "run_id", e->run_id);
	eg_jw_int(&w, "seq", e->seq);
	eg_jw_str(&w, "type", e->type);
	eg_jw_raw(&w, "data", e->data_json);
	eg_jw_str(&w, "text", e->text);
	eg_jw_end(&w);
	c->rc = w.rc;
	return c->rc != EG_OK;
}

enum MHD_Result api_device(struct request *req, const char *raw)
{
	struct eg_buf out = EG_BUF_INIT(64 * 1024 * 1024);
	struct list_ctx c = { &out, true, EG_OK };
	char serial[256];
	struct device d;
	struct store *st;
	enum MHD_Result ret;
	enum eg_err rc;

	if (!http_path_serial(raw, serial, sizeof(serial)))
		return http_error(req, MHD_HTTP_NOT_FOUND, RJ_COUNT, "not_found",
				  "no Mac has reported that serial number");
	if (!(st = server_reader(req->srv)))
		return storage_error(req);
	rc = store_get_device(st, serial, &d);
	if (rc == EG_OK) {
		c.rc = eg_buf_addstr(&out, "{\"device\":");
		if (c.rc == EG_OK)
			c.rc = devstate_json(&d, &out);
		if (c.rc == EG_OK)
			c.rc = eg_buf_addstr(&out, ",\"events\":[");
		if (c.rc == EG_OK)
			c.rc = store_device_events(st, serial, EVENTS_MAX, add_event, &c);
		if (c.rc == EG_OK)
			c.rc = eg_buf_addstr(&out, "]}\n");
	}
	server_reader_done(req->srv, st);
	if (rc == EG_ERR_NOT_FOUND)
		ret = http_error(req, MHD_HTTP_NOT_FOUND, RJ_COUNT, "not_found",
				 "no Mac has reported that serial number");
	else if (rc != EG_OK || c.rc != EG_OK)
		ret = storage_error(req);
	else
		ret = http_reply(req, MHD_HTTP_OK, "application/json", out.buf, out.len);
	eg_buf_release(&out);
	return ret;
}

enum MHD_Result api_stream(struct request *req)
{
	struct MHD_Response *r = sse_client_response(&req->srv->hub, req->conn);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	ret = MHD_queue_response(req->conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result api_healthz(struct request *req)
{
	static const char ok[] = "{\"status\":\"ok\"}\n";
	static const char bad[] = "{\"status\":\"storage failing\"}\n";

	if (!atomic_load(&req->srv->ingest.storage_ok))
		return http_reply(req, MHD_HTTP_SERVICE_UNAVAILABLE, "application/json",
				  bad, sizeof(bad) - 1);
	return http_reply(req, MHD_HTTP_OK, "application/json", ok, sizeof(ok) - 1);
}

enum MHD_Result api_metrics(struct request *req)
{
	struct eg_buf out = EG_BUF_INIT(256 * 1024);
	int64_t counts[DS_COUNT], events;
	struct store *st = server_reader(req->srv);
	enum MHD_Result ret;
	enum eg_err rc;

	if (!st)
		return storage_error(req);
	rc = store_counts(st, counts, &events);
	server_reader_done(req->srv, st);
	if (rc == EG_OK)
		rc = metrics_format(&req->srv->metrics, counts, events,
				    sse_client_count(&req->srv->hub), &out);
	ret = rc == EG_OK ? http_reply(req, MHD_HTTP_OK,
				       "text/plain; version=0.0.4; charset=utf-8",
				       out.buf, out.len)
			  : storage_error(req);
	eg_buf_release(&out);
	return ret;
}
