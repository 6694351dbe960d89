/*
 * api.c: the JSON endpoints (enrollguard-server(8), ENDPOINTS).
 */
#include "api.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "filter.h"
#include "fleetstate.h"
#include "json.h"
#include "log.h"
#include "request.h"
#include "scan.h"
#include "store.h"
#include "timefmt.h"
#include "banned.h"

#define EVENTS_MAX 1000   /* events in one device's answer */

static bool json_content_type(const char *ct)
{
	size_t n = strlen("application/json");

	return ct && strncmp(ct, "application/json", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

enum MHD_Result api_events_headers(struct request *req)
{
	const char *ct = request_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *cl = request_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
	struct eg_scan s;
	uint64_t len;

	if (!json_content_type(ct))
		return request_error(req, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, RJ_CONTENT_TYPE,
				     "unsupported_media_type",
				     "Content-Type must be application/json");
	if (cl) {
		eg_scan_init(&s, cl, strlen(cl));
		if (!eg_scan_uint(&s, &len, UINT64_MAX / 2) && eg_scan_eof(&s) &&
		    len > BATCH_MAX_BYTES)
			return request_error(req, MHD_HTTP_CONTENT_TOO_LARGE, RJ_TOO_LARGE,
					     "too_large", "a batch is at most %d bytes; this one has %llu",
					     BATCH_MAX_BYTES, (unsigned long long)len);
	}
	return MHD_YES;
}

static enum MHD_Result events_ok(struct request *req)
{
	const struct store_put_result *r = &req->job.res;
	char body[256];

	snprintf(body, sizeof(body),
		 "{\"accepted\":%zu,\"duplicates\":%zu,\"unknown_types\":%zu,"
		 "\"dropped\":%zu,\"key\":\"%s\"}\n",
		 r->added, r->duplicates, req->job.batch.unknown, r->dropped,
		 r->registered ? "registered" : r->dev.key_hash[0] ? "ok" : "none");
	return request_reply(req, MHD_HTTP_OK, "application/json", body, strlen(body));
}

static enum MHD_Result events_answer(struct request *req)
{
	const char *serial = req->job.batch.n ? req->job.batch.ev[0].serial : "";

	switch (atomic_load(&req->job.status)) {
	case 200:
		return events_ok(req);
	case 401:
		return request_error(req, MHD_HTTP_UNAUTHORIZED, RJ_DEVICE_KEY, "unregistered",
				     "this Mac has no device key yet: its first batch needs the "
				     "enroll token");
	case 403:
		return request_error(req, MHD_HTTP_FORBIDDEN, RJ_DEVICE_KEY, "wrong_device_key",
				     "serial '%.64s' has a device key and this batch did not carry "
				     "it; if the Mac was erased, an admin resets its key "
				     "(DELETE /api/v1/devices/SERIAL/key)", serial);
	case 429:
		req->retry_after = req->job.retry_after ? req->job.retry_after : 1;
		return request_error(req, MHD_HTTP_TOO_MANY_REQUESTS, RJ_REGISTRATION,
				     "registration_limited",
				     "too many new Macs registered; retry in %u s", req->retry_after);
	}
	return request_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, RJ_STORAGE,
			     "storage_unavailable",
			     "the events could not be stored; nothing was kept, send them again later");
}

/* 400 that names every malformed event: "invalid_events":[3,7]. */
static enum MHD_Result events_invalid(struct request *req, const char *detail)
{
	struct eg_buf b = EG_BUF_INIT(64 * 1024);
	const struct batch *bt = &req->job.batch;
	enum MHD_Result ret;
	struct eg_jw w;
	size_t i;

	metrics_reject(&req->srv->metrics, RJ_MALFORMED);
	eg_jw_begin(&w, &b);
	eg_jw_str(&w, "error", "invalid");
	eg_jw_str(&w, "detail", detail);
	eg_jw_end(&w);
	/* reopen the object for the list: {"error":..,"detail":..,"invalid_events":[..]} */
	if (w.rc == EG_OK && b.len && b.buf[b.len - 1] == '}') {
		b.len--;
		b.buf[b.len] = '\0';
		(void)eg_buf_addstr(&b, ",\"invalid_events\":[");
		for (i = 0; i < bt->nbad; i++)
			(void)eg_buf_addf(&b, "%s%zu", i ? "," : "", bt->bad[i]);
		(void)eg_buf_addstr(&b, "]}\n");
	}
	ret = request_reply(req, MHD_HTTP_BAD_REQUEST, "application/json", b.buf, b.len);
	eg_buf_release(&b);
	return ret;
}

static void resume(struct ingest_job *job)
{
	if (job->done_ctx)
		MHD_resume_connection(job->done_ctx);
}

/* The device key header, checked and hashed; false when malformed. */
static bool take_key(struct request *req)
{
	const char *key = request_header(req, BATCH_KEY_HEADER);

	if (!key)
		return true;
	if (!auth_key_valid(key))
		return false;
	req->job.has_key = true;
	auth_key_hash(key, req->job.key_hash);
	return true;
}

enum MHD_Result api_events(struct request *req)
{
	struct server *srv = req->srv;
	struct eg_diag diag = EG_DIAG_INIT;
	int64_t now = clock_wall_ms(&srv->clock);
	enum eg_err rc;

	if (req->submitted)
		return events_answer(req);
	if (!take_key(req))
		return request_error(req, MHD_HTTP_BAD_REQUEST, RJ_MALFORMED, "invalid",
				     "%s: must be 32 to 128 letters, digits, '-' or '_'",
				     BATCH_KEY_HEADER);
	rc = batch_parse(req->body.buf, req->body.len, now, (int64_t)srv->opts.max_skew_ms,
			 &req->job.batch, &diag);
	if (rc == EG_ERR_TOO_LARGE)
		return request_error(req, MHD_HTTP_CONTENT_TOO_LARGE, RJ_TOO_LARGE, "too_large",
				     "%s", diag.msg);
	if (rc != EG_OK)
		return events_invalid(req, diag.msg);
	if (!ratelimit_take(&srv->rl, req->job.batch.ev[0].serial, now, &req->retry_after))
		return request_error(req, MHD_HTTP_TOO_MANY_REQUESTS, RJ_RATE_LIMITED,
				     "rate_limited", "too many batches from this Mac; retry in %u s",
				     req->retry_after);
	req->submitted = true;
	req->job.enroll = req->who == WHO_ENROLL;
	snprintf(req->job.addr, sizeof(req->job.addr), "%s", req->addr);
	req->job.done = resume;
	req->job.done_ctx = req->conn;
	/* suspend before the writer can resume: see ingest.h */
	if (req->conn)
		MHD_suspend_connection(req->conn);
	if (!ingest_submit(&srv->ingest, &req->job)) {
		atomic_store(&req->job.status, 503);
		if (req->conn)
			MHD_resume_connection(req->conn);
		else
			return events_answer(req);
	}
	return MHD_YES;
}

static const char *arg_lookup(void *ctx, const char *name)
{
	return request_arg(ctx, name);
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
	int64_t counts[EG_FS_COUNT], events;
	enum eg_err rc = store_counts(st, counts, &events);
	int i;

	if (rc == EG_OK)
		rc = eg_buf_addstr(out, ",\"counts\":{");
	for (i = 0; rc == EG_OK && i < EG_FS_COUNT; i++)
		rc = eg_buf_addf(out, "%s\"%s\":%lld", i ? "," : "",
				 eg_fleet_state_name((enum eg_fleet_state)i), (long long)counts[i]);
	if (rc == EG_OK)
		rc = eg_buf_addch(out, '}');
	return rc;
}

/* A read connection, or NULL after answering 503. */
static struct store *reader(struct request *req, enum MHD_Result *ret)
{
	struct eg_diag d = EG_DIAG_INIT;
	struct store *st = store_pool_get(&req->srv->pool, &d);

	if (!st)
		*ret = request_storage_error(req, "the database cannot be read now");
	return st;
}

enum MHD_Result api_devices(struct request *req)
{
	struct eg_buf out = EG_BUF_INIT(64 * 1024 * 1024);
	struct store_filter f;
	struct list_ctx c = { &out, true, EG_OK };
	struct store *st;
	enum MHD_Result ret = MHD_NO;
	int64_t total = 0;
	char why[256];

	if (!filter_parse(arg_lookup, req, 100, &f, why, sizeof(why)))
		return request_error(req, MHD_HTTP_BAD_REQUEST, RJ_COUNT, "invalid", "%s", why);
	if (!(st = reader(req, &ret)))
		return ret;
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
	store_pool_put(&req->srv->pool, st);
	ret = c.rc == EG_OK ? request_reply(req, MHD_HTTP_OK, "application/json", out.buf, out.len)
			    : request_storage_error(req, "the database cannot be read now");
	eg_buf_release(&out);
	return ret;
}

static int add_event(const struct store_event_row *e, void *arg)
{
	struct list_ctx *c = arg;
	struct eg_jw w;
	char ts[40], rcv[40];

	if (c->rc == EG_OK && !c->first)
		c->rc = eg_buf_addch(c->out, ',');
	c->first = false;
	if (c->rc != EG_OK)
		return 1;
	eg_format_iso(e->ts_ms, ts, sizeof(ts));
	eg_format_iso(e->received_ms, rcv, sizeof(rcv));
	eg_jw_begin(&w, c->out);
	eg_jw_str(&w, "ts", ts);
	eg_jw_str(&w, "received", rcv);
	eg_jw_str(&w, "run_id", e->run_id);
	eg_jw_int(&w, "seq", e->seq);
	eg_jw_str(&w, "type", e->type);
	eg_jw_raw(&w, "data", e->data_json);
	eg_jw_str(&w, "text", e->text);
	eg_jw_bool(&w, "known_type", batch_known_type(e->type));
	eg_jw_end(&w);
	c->rc = w.rc;
	return c->rc != EG_OK;
}

static enum MHD_Result no_such_mac(struct request *req)
{
	return request_error(req, MHD_HTTP_NOT_FOUND, RJ_COUNT, "not_found",
			     "no Mac has reported that serial number");
}

enum MHD_Result api_device(struct request *req)
{
	struct eg_buf out = EG_BUF_INIT(64 * 1024 * 1024);
	struct list_ctx c = { &out, true, EG_OK };
	struct device d;
	struct store *st;
	enum MHD_Result ret;
	enum eg_err rc;

	if (!(st = reader(req, &ret)))
		return ret;
	rc = store_get_device(st, req->param, &d);
	if (rc == EG_OK) {
		c.rc = eg_buf_addstr(&out, "{\"device\":");
		if (c.rc == EG_OK)
			c.rc = devstate_json(&d, &out);
		if (c.rc == EG_OK)
			c.rc = eg_buf_addstr(&out, ",\"events\":[");
		if (c.rc == EG_OK)
			c.rc = store_device_events(st, req->param, EVENTS_MAX, add_event, &c);
		if (c.rc == EG_OK)
			c.rc = eg_buf_addstr(&out, "]}\n");
	}
	store_pool_put(&req->srv->pool, st);
	if (rc == EG_ERR_NOT_FOUND)
		ret = no_such_mac(req);
	else if (rc != EG_OK || c.rc != EG_OK)
		ret = request_storage_error(req, "the database cannot be read now");
	else
		ret = request_reply(req, MHD_HTTP_OK, "application/json", out.buf, out.len);
	eg_buf_release(&out);
	return ret;
}

enum MHD_Result api_device_key_reset(struct request *req)
{
	enum eg_err rc = store_reset_key_in(req->srv->opts.db, req->param);
	char body[160];

	if (rc == EG_ERR_NOT_FOUND)
		return no_such_mac(req);
	if (rc != EG_OK)
		return request_storage_error(req, "the database cannot be written now");
	srv_log("device key of '%.64s' reset by an admin from %s", req->param, req->addr);
	snprintf(body, sizeof(body), "{\"key\":\"reset\",\"detail\":\"the next batch with the "
		 "enroll token registers a new key\"}\n");
	return request_reply(req, MHD_HTTP_OK, "application/json", body, strlen(body));
}

enum MHD_Result api_states(struct request *req)
{
	struct eg_buf out = EG_BUF_INIT(16 * 1024);
	enum MHD_Result ret;

	if (eg_fleet_state_json(&out) != EG_OK || eg_buf_addch(&out, '\n') != EG_OK)
		ret = request_storage_error(req, "cannot build the answer");
	else
		ret = request_reply(req, MHD_HTTP_OK, "application/json", out.buf, out.len);
	eg_buf_release(&out);
	return ret;
}

enum MHD_Result api_stream(struct request *req)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	bool full = false;

	if (!req->conn)
		return request_error(req, MHD_HTTP_NOT_IMPLEMENTED, RJ_COUNT, "no_stream",
				     "a stream needs a connection");
	r = sse_client_response(&req->srv->hub, req->conn, &full);
	if (full)
		return request_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, RJ_STREAMS,
				     "too_many_streams", "%u dashboard streams are open, the most "
				     "--max-streams allows", req->srv->hub.max_clients);
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
		return request_reply(req, MHD_HTTP_SERVICE_UNAVAILABLE, "application/json",
				     bad, sizeof(bad) - 1);
	return request_reply(req, MHD_HTTP_OK, "application/json", ok, sizeof(ok) - 1);
}

enum MHD_Result api_metrics(struct request *req)
{
	struct eg_buf out = EG_BUF_INIT(256 * 1024);
	struct metrics_gauges g;
	struct store *st;
	enum MHD_Result ret;
	enum eg_err rc;

	if (!(st = reader(req, &ret)))
		return ret;
	memset(&g, 0, sizeof(g));
	rc = store_counts(st, g.counts, &g.events_stored);
	store_pool_put(&req->srv->pool, st);
	g.sse_clients = sse_client_count(&req->srv->hub);
	g.sse_dropped = sse_dropped_count(&req->srv->hub);
	g.connections_cut = guard_cut(&req->srv->guard);
	if (rc == EG_OK)
		rc = metrics_format(&req->srv->metrics, &g, &out);
	ret = rc == EG_OK ? request_reply(req, MHD_HTTP_OK,
					  "text/plain; version=0.0.4; charset=utf-8",
					  out.buf, out.len)
			  : request_storage_error(req, "the database cannot be read now");
	eg_buf_release(&out);
	return ret;
}
