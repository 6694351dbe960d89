#include "routes.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "auth.h"
#include "batch.h"
#include "pages.h"
#include "request.h"
#include "scan.h"
#include "banned.h"

#define FORM_MAX 4096   /* a dashboard form's body */

/* Read it top to bottom: it is the server's whole surface. */
static const struct route table[] = {
	/* agents */
	{ "/api/v1/events", RM_POST, RA_DEVICE, 0, BATCH_MAX_BYTES,
	  api_events_headers, api_events },
	/* the read API and admin actions: bearer admin token (or a session) */
	{ "/api/v1/devices", RM_GET, RA_ADMIN, 0, 0, NULL, api_devices },
	{ "/api/v1/devices/*", RM_GET, RA_ADMIN, 0, 0, NULL, api_device },
	{ "/api/v1/devices/*/key", RM_DELETE, RA_ADMIN, 0, 0, NULL, api_device_key_reset },
	{ "/api/v1/states", RM_GET, RA_ADMIN, 0, 0, NULL, api_states },
	{ "/api/v1/stream", RM_GET, RA_ADMIN, 0, 0, NULL, api_stream },
	{ "/metrics", RM_GET, RA_ADMIN, 0, 0, NULL, api_metrics },
	{ "/healthz", RM_GET, RA_OPEN, 0, 0, NULL, api_healthz },
	/* the dashboard */
	{ "/", RM_GET, RA_PAGE, 0, 0, NULL, pages_dashboard },
	{ "/devices/*", RM_GET, RA_PAGE, 0, 0, NULL, pages_device },
	{ "/devices/*/reset-key", RM_POST, RA_PAGE, RF_SAME_ORIGIN, FORM_MAX, NULL,
	  pages_reset_key },
	{ "/login", RM_GET, RA_OPEN, 0, 0, NULL, pages_login },
	{ "/login", RM_POST, RA_OPEN, RF_SAME_ORIGIN, FORM_MAX, NULL, pages_login_post },
	{ "/logout", RM_POST, RA_OPEN, RF_SAME_ORIGIN, FORM_MAX, NULL, pages_logout },
	{ "/assets/*", RM_GET, RA_OPEN, 0, 0, NULL, pages_asset },
};

#define NROUTES (sizeof(table) / sizeof(*table))

static int hexval(char c)
{
	return eg_hex_digit(c);
}

bool route_decode_segment(const char *seg, size_t len, char *out, size_t n)
{
	size_t i, w = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		char c = seg[i];

		if (c == '%') {
			if (i + 2 >= len || (hi = hexval(seg[i + 1])) < 0 ||
			    (lo = hexval(seg[i + 2])) < 0 || (hi | lo) == 0)
				return false;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (w + 1 >= n)
			return false;
		out[w++] = c;
	}
	out[w] = '\0';
	return true;
}

enum match { M_NO, M_YES, M_BAD };

/* Does raw match pattern? A '*' segment is decoded into param. */
static enum match match(const char *pattern, const char *raw, char *param, size_t n)
{
	const char *p = pattern, *r = raw;
	char seg[REQUEST_PARAM_MAX];

	if (strcmp(pattern, "/") == 0)
		return strcmp(raw, "/") == 0 ? M_YES : M_NO;
	while (*p == '/' && *r == '/') {
		size_t plen = strcspn(p + 1, "/"), rlen = strcspn(r + 1, "/");

		if (rlen == 0)
			return M_NO;
		if (!route_decode_segment(r + 1, rlen, seg, sizeof(seg)))
			return M_BAD;
		if (plen == 1 && p[1] == '*') {
			if (param)
				snprintf(param, n, "%s", seg);
		} else if (strlen(seg) != plen || memcmp(seg, p + 1, plen) != 0) {
			return M_NO;
		}
		p += 1 + plen;
		r += 1 + rlen;
	}
	return *p == '\0' && *r == '\0' ? M_YES : M_NO;
}

static unsigned method_bit(const char *m)
{
	if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0)
		return RM_GET;
	if (strcmp(m, "POST") == 0)
		return RM_POST;
	if (strcmp(m, "DELETE") == 0)
		return RM_DELETE;
	return 0;
}

/* Every row whose path matches: their methods OR'ed. */
static unsigned methods_on(const char *raw, bool *bad)
{
	unsigned m = 0;
	size_t i;

	*bad = false;
	for (i = 0; i < NROUTES; i++) {
		enum match r = match(table[i].path, raw, NULL, 0);

		if (r == M_BAD)
			*bad = true;
		else if (r == M_YES)
			m |= table[i].methods;
	}
	return m;
}

void route_allow(const char *raw_path, char *out, size_t n)
{
	bool bad;
	unsigned m = methods_on(raw_path, &bad);

	snprintf(out, n, "%s%s%s%s%s", m & RM_GET ? "GET, HEAD" : "",
		 (m & RM_GET) && (m & ~RM_GET) ? ", " : "",
		 m & RM_POST ? "POST" : "", (m & RM_POST) && (m & RM_DELETE) ? ", " : "",
		 m & RM_DELETE ? "DELETE" : "");
}

static enum who identify(struct request *req)
{
	struct server *srv = req->srv;
	const char *h = request_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *cookie;
	size_t len;

	if (h) {
		if (strncmp(h, "Bearer ", 7) != 0)
			return WHO_BAD;
		h += 7;
		len = strlen(h);
		if (auth_equal(h, len, srv->admin_token))
			return WHO_ADMIN;
		if (enroll_tokens_match(&srv->enroll, h, len, clock_wall_ms(&srv->clock)))
			return WHO_ENROLL;
		return WHO_BAD;
	}
	cookie = request_cookie(req, "eg_session");
	if (cookie && sessions_check(&srv->sessions, cookie, clock_wall_ms(&srv->clock)))
		return WHO_ADMIN;
	return cookie ? WHO_BAD : WHO_NONE;
}

/* The "host[:port]" of an Origin or Referer value, into out; false when none. */
static bool origin_host(const char *v, char *out, size_t n)
{
	const char *p = strstr(v, "://");
	size_t len;

	if (!p)
		return false;
	p += 3;
	len = strcspn(p, "/?#");
	if (len == 0 || len >= n)
		return false;
	memcpy(out, p, len);
	out[len] = '\0';
	return true;
}

/*
 * A state-changing form post must come from our own pages: a browser
 * sends Origin (or at least Referer) with a cross-site POST, and its host
 * must be the Host this request was sent to. The scheme is not compared:
 * behind a proxy that ends TLS the server sees http while the browser
 * says https. A client that sends neither header is not a browser another
 * site can steer, and may go on; "Origin: null" may not.
 */
static bool same_origin(struct request *req)
{
	const char *origin = request_header(req, "Origin");
	const char *referer = request_header(req, "Referer");
	const char *host = request_header(req, MHD_HTTP_HEADER_HOST);
	char theirs[300];

	if (!origin && !referer)
		return true;
	if (!host || !origin_host(origin ? origin : referer, theirs, sizeof(theirs)))
		return false;
	return strcasecmp(theirs, host) == 0;
}

static enum MHD_Result refuse(struct request *req)
{
	if (req->who == WHO_ENROLL)
		return request_error(req, MHD_HTTP_FORBIDDEN, RJ_UNAUTHORIZED, "forbidden",
				     "the enroll token may only send events; reading needs the admin token");
	return request_error(req, MHD_HTTP_UNAUTHORIZED, RJ_UNAUTHORIZED, "unauthorized",
			     req->who == WHO_NONE ?
			     "send 'Authorization: Bearer <admin token>' or log in at /login" :
			     "the credential is not valid");
}

static enum MHD_Result refuse_device(struct request *req)
{
	if (req->who == WHO_ADMIN)
		return request_error(req, MHD_HTTP_FORBIDDEN, RJ_UNAUTHORIZED, "forbidden",
				     "events are sent with the enroll token or a device key, "
				     "not the admin token");
	return request_error(req, MHD_HTTP_UNAUTHORIZED, RJ_UNAUTHORIZED, "unauthorized",
			     req->who == WHO_NONE ?
			     "send 'Authorization: Bearer <enroll token>' or the Mac's device key" :
			     "the enroll token is not valid");
}

/* Who may call r: MHD_YES and *go when they may, else the answer. */
static enum MHD_Result check_auth(struct request *req, const struct route *r, bool *go)
{
	*go = false;
	switch (r->auth) {
	case RA_OPEN:
		break;
	case RA_ADMIN:
		if (req->who != WHO_ADMIN)
			return refuse(req);
		break;
	case RA_PAGE:
		if (req->who != WHO_ADMIN)
			return request_redirect(req, "/login", NULL);
		break;
	case RA_DEVICE:
		if (req->who != WHO_ENROLL &&
		    !(req->who != WHO_ADMIN && request_header(req, BATCH_KEY_HEADER)))
			return refuse_device(req);
		break;
	}
	if ((r->flags & RF_SAME_ORIGIN) && !same_origin(req))
		return request_error(req, MHD_HTTP_FORBIDDEN, RJ_CROSS_SITE, "cross_site",
				     "this form may only be posted from this server's own pages "
				     "(Origin or Referer is another site)");
	*go = true;
	return MHD_YES;
}

enum MHD_Result route_begin(struct request *req)
{
	unsigned want = method_bit(req->method), have;
	enum MHD_Result ret;
	size_t i;
	bool bad, go;

	if (req->path_too_long)
		return request_error(req, MHD_HTTP_URI_TOO_LONG, RJ_MALFORMED, "uri_too_long",
				     "a path is at most %d bytes", REQUEST_PATH_MAX - 1);
	have = methods_on(req->raw_path, &bad);
	if (bad)
		return request_error(req, MHD_HTTP_BAD_REQUEST, RJ_MALFORMED, "invalid",
				     "path: a malformed or NUL percent-escape");
	if (!have)
		return request_error(req, MHD_HTTP_NOT_FOUND, RJ_COUNT, "not_found",
				     "no such endpoint; see enrollguard-server(8), ENDPOINTS");
	if (!(have & want))
		return request_error(req, MHD_HTTP_METHOD_NOT_ALLOWED, RJ_COUNT,
				     "method_not_allowed", "%.16s is not allowed on this path",
				     req->method);
	for (i = 0; i < NROUTES; i++)
		if ((table[i].methods & want) &&
		    match(table[i].path, req->raw_path, req->param, sizeof(req->param)) == M_YES)
			break;
	req->route = &table[i];
	req->who = identify(req);
	ret = check_auth(req, req->route, &go);
	if (!go)
		return ret;
	eg_buf_init(&req->body, req->route->body_cap ? req->route->body_cap : 1);
	if (!req->route->body_cap || want == RM_GET)
		return req->route->handler(req);
	if (req->route->headers)
		return req->route->headers(req);
	return MHD_YES;
}

enum MHD_Result route_finish(struct request *req)
{
	if (req->too_large && !req->submitted)
		return request_error(req, MHD_HTTP_CONTENT_TOO_LARGE, RJ_TOO_LARGE, "too_large",
				     "the body is at most %zu bytes", req->route->body_cap);
	return req->route->handler(req);
}
