#include "http.h"

#include <netdb.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "file.h"
#include "json.h"
#include "banned.h"

#define FORM_MAX 4096   /* the login form's body */

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

enum MHD_Result http_reply(struct request *req, unsigned status, const char *ctype,
			   const char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", ctype);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (strncmp(ctype, "text/html", 9) == 0) {
		MHD_add_response_header(r, "Content-Security-Policy",
			"default-src 'none'; script-src 'self'; style-src 'self'; "
			"connect-src 'self'; img-src 'self'; form-action 'self'; "
			"frame-ancestors 'none'; base-uri 'none'");
		MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	}
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow",
			strncmp(req->url, "/api/v1/events", 14) == 0 ? "POST" :
			strcmp(req->url, "/login") == 0 ? "GET, POST" :
			strcmp(req->url, "/logout") == 0 ? "POST" : "GET");
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

enum MHD_Result http_error(struct request *req, unsigned status, int reason,
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
	ret = http_reply(req, status, "application/json", b.buf, b.len);
	eg_buf_release(&b);
	return ret;
}

enum MHD_Result http_redirect(struct request *req, const char *location,
			      const char *set_cookie)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

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

bool http_path_serial(const char *raw, char *out, size_t n)
{
	if (strlen(raw) >= n)
		return false;
	snprintf(out, n, "%s", raw);
	return url_decode(out);
}

const char *http_arg(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

static enum who identify(struct request *req)
{
	struct server *srv = req->srv;
	const char *h = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_AUTHORIZATION);
	const char *cookie;

	if (h) {
		if (strncmp(h, "Bearer ", 7) != 0)
			return WHO_BAD;
		h += 7;
		if (auth_equal(h, strlen(h), srv->admin_token))
			return WHO_ADMIN;
		if (auth_equal(h, strlen(h), srv->enroll_token))
			return WHO_ENROLL;
		return WHO_BAD;
	}
	cookie = MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, "eg_session");
	if (cookie && sessions_check(&srv->sessions, cookie, server_now_ms()))
		return WHO_ADMIN;
	return cookie ? WHO_BAD : WHO_NONE;
}

/* 401/403 for a read endpoint, or 0 when req may read. */
static enum MHD_Result need_admin(struct request *req, bool *denied)
{
	*denied = true;
	if (req->who == WHO_ADMIN) {
		*denied = false;
		return MHD_YES;
	}
	if (req->who == WHO_ENROLL)
		return http_error(req, MHD_HTTP_FORBIDDEN, RJ_UNAUTHORIZED, "forbidden",
				  "the enroll token may only send events; reading needs the admin token");
	return http_error(req, MHD_HTTP_UNAUTHORIZED, RJ_UNAUTHORIZED, "unauthorized",
			  req->who == WHO_NONE ?
			  "send 'Authorization: Bearer <admin token>' or log in at /login" :
			  "the credential is not valid");
}

static bool is_get(struct request *req)
{
	return strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
}

static enum MHD_Result not_allowed(struct request *req)
{
	return http_error(req, MHD_HTTP_METHOD_NOT_ALLOWED, RJ_COUNT, "method_not_allowed",
			  "%s is not allowed on this path", req->method);
}

/* The read API: GET with the admin credential. */
static enum MHD_Result route_api_read(struct request *req)
{
	const char *u = req->url;
	enum MHD_Result ret;
	bool denied;

	if (!is_get(req))
		return not_allowed(req);
	ret = need_admin(req, &denied);
	if (denied)
		return ret;
	if (strcmp(u, "/api/v1/devices") == 0)
		return api_devices(req);
	if (strcmp(u, "/api/v1/stream") == 0)
		return api_stream(req);
	if (strcmp(u, "/metrics") == 0)
		return api_metrics(req);
	return api_device(req, u + strlen("/api/v1/devices/"));
}

/* The dashboard's pages: without a session they send the browser to /login. */
static enum MHD_Result route_pages(struct request *req)
{
	const char *u = req->url;

	if (!is_get(req))
		return not_allowed(req);
	if (req->who != WHO_ADMIN)
		return http_redirect(req, "/login", NULL);
	if (strcmp(u, "/") == 0)
		return pages_dashboard(req);
	return pages_device(req, u + strlen("/devices/"));
}

static enum MHD_Result route(struct request *req)
{
	const char *u = req->url;

	if (strcmp(u, "/api/v1/events") == 0) {
		if (strcmp(req->method, "POST") != 0)
			return not_allowed(req);
		return api_events(req);
	}
	if (strcmp(u, "/api/v1/devices") == 0 || strcmp(u, "/api/v1/stream") == 0 ||
	    strcmp(u, "/metrics") == 0 ||
	    (strncmp(u, "/api/v1/devices/", 16) == 0 && u[16]))
		return route_api_read(req);
	if (strcmp(u, "/healthz") == 0)
		return is_get(req) ? api_healthz(req) : not_allowed(req);
	if (strcmp(u, "/") == 0 || (strncmp(u, "/devices/", 9) == 0 && u[9]))
		return route_pages(req);
	if (strcmp(u, "/login") == 0)
		return is_get(req) ? pages_login(req) :
		       strcmp(req->method, "POST") == 0 ? pages_login_post(req) : not_allowed(req);
	if (strcmp(u, "/logout") == 0)
		return strcmp(req->method, "POST") == 0 ? pages_logout(req) : not_allowed(req);
	if (strncmp(u, "/assets/", 8) == 0)
		return is_get(req) ? pages_asset(req, u + 8) : not_allowed(req);
	return http_error(req, MHD_HTTP_NOT_FOUND, RJ_COUNT, "not_found",
			  "no such endpoint; see enrollguard-server(8), ENDPOINTS");
}

/* Collect a POST body up to its cap; past the cap, count it and drop it. */
static void take_body(struct request *req, const char *data, size_t *size)
{
	if (!req->too_large) {
		if (req->body.len + *size > req->body_cap)
			req->too_large = true;
		else if (eg_buf_add(&req->body, data, *size) != EG_OK)
			req->too_large = true;
	}
	*size = 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct request *req = *con_cls;

	(void)cls;
	(void)version;
	if (!req)
		return MHD_NO;
	if (!req->started) {
		req->started = true;
		req->conn = conn;
		req->url = url;
		req->method = method;
		req->who = identify(req);
		req->body_cap = strcmp(url, "/login") == 0 ? FORM_MAX : BATCH_MAX_BYTES;
		if (strcmp(method, "POST") != 0)
			return route(req);
		/* only these POSTs read a body; any other is answered now */
		if (strcmp(url, "/api/v1/events") == 0)
			return api_events_headers(req);
		if (strcmp(url, "/login") == 0 || strcmp(url, "/logout") == 0)
			return MHD_YES;
		return route(req);
	}
	if (*upload_data_size) {
		take_body(req, upload_data, upload_data_size);
		return MHD_YES;
	}
	return route(req);
}

/* The first callback of each request: the place to allocate its state. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct request *req = eg_xcalloc(1, sizeof(*req));

	(void)conn;
	req->srv = cls;
	req->start_us = mono_us();
	req->url = "";   /* until on_request() has the path without the query */
	eg_buf_init(&req->body, BATCH_MAX_BYTES);
	(void)uri;
	return req;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct request *req = *con_cls;

	(void)conn;
	(void)toe;
	if (!req)
		return;
	metrics_observe(&srv->metrics, mono_us() - req->start_us);
	batch_release(&req->job.batch);
	eg_buf_release(&req->body);
	free(req);
	*con_cls = NULL;
}

static enum eg_err read_file(const char *path, char **out, struct eg_diag *diag)
{
	struct eg_buf b = EG_BUF_INIT(1024 * 1024);
	enum eg_err rc = eg_file_read(path, &b, diag);

	*out = rc == EG_OK ? eg_buf_detach(&b, NULL) : NULL;
	eg_buf_release(&b);
	return rc;
}

/* The numeric address to listen on ("127.0.0.1", "::1", "0.0.0.0", "::"). */
static enum eg_err server_sockaddr(const struct server *srv, struct sockaddr_storage *ss,
				   struct eg_diag *diag)
{
	struct addrinfo hints, *res = NULL;
	char port[8];
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%u", srv->cfg.port);
	e = getaddrinfo(srv->cfg.listen_host, port, &hints, &res);
	if (e != 0 || !res || res->ai_addrlen > sizeof(*ss)) {
		if (res)
			freeaddrinfo(res);
		return eg_diag_set(diag, EG_ERR_INVALID,
				   "--listen: '%s' is not a numeric IPv4 or IPv6 address",
				   srv->cfg.listen_host);
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return EG_OK;
}

static unsigned daemon_flags(const struct server *srv)
{
	unsigned f = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
		     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;

	if (strchr(srv->cfg.listen_host, ':'))
		f |= MHD_USE_IPv6;
	if (srv->cfg.tls_cert)
		f |= MHD_USE_TLS;
	return f;
}

enum eg_err http_start(struct server *srv, struct MHD_Daemon **out, struct eg_diag *diag)
{
	struct sockaddr_storage ss;
	enum eg_err rc = EG_OK;
	struct MHD_OptionItem tls[3] = {
		{ MHD_OPTION_END, 0, NULL }, { MHD_OPTION_END, 0, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};

	*out = NULL;
	if ((rc = server_sockaddr(srv, &ss, diag)) != EG_OK)
		return rc;
	if (srv->cfg.tls_cert) {
		/* kept in srv: MHD may read them after start */
		if ((rc = read_file(srv->cfg.tls_cert, &srv->tls_cert_pem, diag)) ||
		    (rc = read_file(srv->cfg.tls_key, &srv->tls_key_pem, diag)))
			return rc;
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS))
			return eg_diag_set(diag, EG_ERR_IO,
					   "this libmicrohttpd was built without TLS");
		tls[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0,
						  srv->tls_cert_pem };
		tls[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0,
						  srv->tls_key_pem };
	}
	*out = MHD_start_daemon(daemon_flags(srv), (uint16_t)srv->cfg.port, NULL, NULL,
		on_request, srv,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)srv->cfg.threads,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
		MHD_OPTION_NOTIFY_COMPLETED, on_done, srv,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
		MHD_OPTION_ARRAY, tls,
		MHD_OPTION_END);
	if (!*out)
		rc = eg_diag_set(diag, EG_ERR_IO,
				 "cannot listen on %s port %u (in use, not a local address, "
				 "or TLS files unusable)", srv->cfg.listen_host, srv->cfg.port);
	return rc;
}
