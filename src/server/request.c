#include "request.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "routes.h"
#include "banned.h"

static const char csp[] =
	"default-src 'none'; script-src 'self'; style-src 'self'; "
	"connect-src 'self'; img-src 'self'; form-action 'self'; "
	"frame-ancestors 'none'; base-uri 'none'";

static void capture(struct request *req, unsigned status, const char *ctype,
		    const char *body, size_t len, const char *location,
		    const char *set_cookie)
{
	struct request_capture *c = req->capture;

	if (!c)
		return;
	c->status = status;
	snprintf(c->ctype, sizeof(c->ctype), "%s", ctype);
	snprintf(c->location, sizeof(c->location), "%s", location ? location : "");
	snprintf(c->set_cookie, sizeof(c->set_cookie), "%s", set_cookie ? set_cookie : "");
	if (status == MHD_HTTP_TOO_MANY_REQUESTS && req->retry_after)
		snprintf(c->retry_after, sizeof(c->retry_after), "%u", req->retry_after);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		route_allow(req->raw_path, c->allow, sizeof(c->allow));
	eg_buf_reset(&c->body);
	(void)eg_buf_add(&c->body, body, len);
}

enum MHD_Result request_reply(struct request *req, unsigned status, const char *ctype,
			      const char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	char allow[64];

	if (!req->conn) {
		capture(req, status, ctype, body, len, NULL, NULL);
		return MHD_YES;
	}
	r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", ctype);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (strncmp(ctype, "text/html", 9) == 0) {
		MHD_add_response_header(r, "Content-Security-Policy", csp);
		MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	}
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED) {
		route_allow(req->raw_path, allow, sizeof(allow));
		MHD_add_response_header(r, "Allow", allow);
	}
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"enrollguard\"");
	if (status == MHD_HTTP_TOO_MANY_REQUESTS && req->retry_after) {
		char secs[16];

		snprintf(secs, sizeof(secs), "%u", req->retry_after);
		MHD_add_response_header(r, "Retry-After", secs);
	}
	ret = MHD_queue_response(req->conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result request_error(struct request *req, unsigned status, int reason,
			      const char *code, const char *fmt, ...)
{
	struct eg_buf b = EG_BUF_INIT(8192);
	char detail[1024];
	struct eg_jw w;
	enum MHD_Result ret;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (reason >= 0 && reason < RJ_COUNT)
		metrics_reject(&req->srv->metrics, (enum reject_reason)reason);
	eg_jw_begin(&w, &b);
	eg_jw_str(&w, "error", code);
	eg_jw_str(&w, "detail", detail);
	eg_jw_end(&w);
	(void)eg_buf_addch(&b, '\n');
	ret = request_reply(req, status, "application/json", b.buf, b.len);
	eg_buf_release(&b);
	return ret;
}

enum MHD_Result request_redirect(struct request *req, const char *location,
				 const char *set_cookie)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (!req->conn) {
		capture(req, MHD_HTTP_SEE_OTHER, "", "", 0, location, set_cookie);
		return MHD_YES;
	}
	r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Location", location);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (set_cookie)
		MHD_add_response_header(r, "Set-Cookie", set_cookie);
	ret = MHD_queue_response(req->conn, MHD_HTTP_SEE_OTHER, r);
	MHD_destroy_response(r);
	return ret;
}

static const char *fake(const char *const *kv, const char *name, bool nocase)
{
	for (; kv && kv[0]; kv += 2)
		if (nocase ? strcasecmp(kv[0], name) == 0 : strcmp(kv[0], name) == 0)
			return kv[1];
	return NULL;
}

const char *request_arg(struct request *req, const char *name)
{
	if (!req->conn)
		return fake(req->fake_args, name, false);
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *request_header(struct request *req, const char *name)
{
	if (!req->conn)
		return fake(req->fake_headers, name, true);
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *request_cookie(struct request *req, const char *name)
{
	const char *cookies, *p;
	static _Thread_local char value[128];
	size_t n = strlen(name), len;

	if (req->conn)
		return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
	/* unit tests: parse the Cookie header the way MHD does, simply */
	cookies = fake(req->fake_headers, "Cookie", true);
	for (p = cookies; p && *p; p += strcspn(p, ";"), p += *p == ';') {
		while (*p == ' ')
			p++;
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			len = strcspn(p + n + 1, ";");
			snprintf(value, sizeof(value), "%.*s", (int)len, p + n + 1);
			return value;
		}
	}
	return NULL;
}

enum MHD_Result request_storage_error(struct request *req, const char *detail)
{
	return request_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, RJ_STORAGE,
			     "storage_unavailable", "%s", detail);
}
