#include "http.h"

#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "alloc.h"
#include "file.h"
#include "log.h"
#include "request.h"
#include "routes.h"
#include "server.h"
#include "banned.h"

/* Collect a body up to its cap; past the cap, note it and drop the rest. */
static void take_body(struct request *req, const char *data, size_t *size)
{
	if (!req->too_large) {
		if (req->body.len + *size > req->route->body_cap ||
		    eg_buf_add(&req->body, data, *size) != EG_OK)
			req->too_large = true;
	}
	*size = 0;
}

static void *socket_ctx(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *i =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return i ? i->socket_context : NULL;
}

/*
 * Whether a request announces a body: chunked, or a Content-Length other
 * than 0 (libmicrohttpd refused a malformed one before calling us).
 */
static bool has_body(struct MHD_Connection *conn)
{
	const char *len = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						      MHD_HTTP_HEADER_CONTENT_LENGTH);

	if (MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					MHD_HTTP_HEADER_TRANSFER_ENCODING))
		return true;
	return len && strspn(len, "0") != strlen(len);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct request *req = *con_cls;
	struct server *srv = cls;

	(void)url;   /* decoded by libmicrohttpd; routes.c decodes raw_path once */
	(void)version;
	if (!req)
		return MHD_NO;
	if (!req->started) {
		req->started = true;
		req->conn = conn;
		req->method = method;
		guard_headers_in(&srv->guard, socket_ctx(conn), clock_wall_ms(&srv->clock),
				 has_body(conn));
		return route_begin(req);
	}
	if (*upload_data_size) {
		take_body(req, upload_data, upload_data_size);
		return MHD_YES;
	}
	/* the body is in (again after a resume: no matter) */
	guard_body_in(&srv->guard, socket_ctx(conn));
	return route_finish(req);
}

static void client_addr(struct MHD_Connection *conn, char *out, size_t n)
{
	const union MHD_ConnectionInfo *i =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = i ? i->client_addr : NULL;
	socklen_t len = sa && sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
			sizeof(struct sockaddr_in);

	if (!sa || getnameinfo(sa, len, out, (socklen_t)n, NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(out, n, "unknown");
}

/* The first callback of each request, with the raw request target. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct server *srv = cls;
	struct request *req = eg_xcalloc(1, sizeof(*req));
	size_t len = strcspn(uri, "?#");

	req->srv = srv;
	req->start_us = clock_mono_us(&srv->clock);
	if (len >= sizeof(req->raw_path)) {
		req->path_too_long = true;
		len = 0;
	}
	memcpy(req->raw_path, uri, len);
	req->raw_path[len] = '\0';
	client_addr(conn, req->addr, sizeof(req->addr));
	eg_buf_init(&req->body, 1);
	return req;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct request *req = *con_cls;

	(void)toe;
	if (!req)
		return;
	metrics_observe(&srv->metrics, clock_mono_us(&srv->clock) - req->start_us);
	guard_idle(&srv->guard, socket_ctx(conn), clock_wall_ms(&srv->clock));
	batch_release(&req->job.batch);
	eg_buf_release(&req->body);
	free(req);
	*con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **sock_ctx,
			  enum MHD_ConnectionNotificationCode code)
{
	struct server *srv = cls;

	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		guard_open(&srv->guard, conn, sock_ctx, clock_wall_ms(&srv->clock));
	else
		guard_close(&srv->guard, *sock_ctx);
}

static enum eg_err read_file(const char *path, char **out, struct eg_diag *diag)
{
	struct eg_buf b = EG_BUF_INIT(1024 * 1024);
	enum eg_err rc = eg_file_read(path, &b, diag);

	*out = rc == EG_OK ? eg_buf_detach(&b, NULL) : NULL;
	eg_buf_release(&b);
	return rc;
}

/* The numeric address to listen on (options.c checked it is numeric). */
static enum eg_err listen_addr(const struct server *srv, struct sockaddr_storage *ss,
			       struct eg_diag *diag)
{
	struct addrinfo hints, *res = NULL;
	char port[8];
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%u", srv->opts.port);
	e = getaddrinfo(srv->opts.listen_host, port, &hints, &res);
	if (e != 0 || !res || res->ai_addrlen > sizeof(*ss)) {
		if (res)
			freeaddrinfo(res);
		return eg_diag_set(diag, EG_ERR_IO, "cannot use '%s' as an address to listen on",
				   srv->opts.listen_host);
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

	if (strchr(srv->opts.listen_host, ':'))
		f |= MHD_USE_IPv6;
	if (srv->opts.tls_cert)
		f |= MHD_USE_TLS;
	return f;
}

/*
 * What libmicrohttpd logs when it answers a request itself, before any
 * handler (a 431, 505, 400, ... with the body scripts/mhd-json-errors
 * gave it): connection.c, transmit_error_response_len(), in the 0.9.75
 * that scripts/build-mhd builds. Matched on the format, not the line, so
 * the status and body do not matter; t7006 counts them, so a
 * libmicrohttpd that words it otherwise fails a test, not silently.
 */
static const char mhd_refused[] = "Error processing request (HTTP response code is ";

/*
 * libmicrohttpd's own messages go to our log, with our prefix, on one
 * line (the bodies it quotes end in a newline); its refusals of a
 * request are counted as rejected for reason "http".
 */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct server *srv = cls;
	char line[512];
	size_t i, n = 0;

	if (strncmp(fmt, mhd_refused, sizeof(mhd_refused) - 1) == 0)
		metrics_reject(&srv->metrics, RJ_HTTP);
	vsnprintf(line, sizeof(line), fmt, ap);
	for (i = 0; line[i]; i++)
		if (line[i] != '\n')
			line[n++] = line[i];
	line[n] = '\0';
	srv_log("libmicrohttpd: %s", line);
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
	if ((rc = listen_addr(srv, &ss, diag)) != EG_OK)
		return rc;
	if (srv->opts.tls_cert) {
		if ((rc = read_file(srv->opts.tls_cert, &srv->tls_cert_pem, diag)) ||
		    (rc = read_file(srv->opts.tls_key, &srv->tls_key_pem, diag)))
			return rc;
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS))
			return eg_diag_set(diag, EG_ERR_IO,
					   "this libmicrohttpd was built without TLS");
		tls[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0,
						  srv->tls_cert_pem };
		tls[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0,
						  srv->tls_key_pem };
	}
	*out = MHD_start_daemon(daemon_flags(srv), (uint16_t)srv->opts.port, NULL, NULL,
		on_request, srv,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)srv->opts.threads,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
		MHD_OPTION_NOTIFY_COMPLETED, on_done, srv,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)srv->opts.conn_per_addr,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
		MHD_OPTION_ARRAY, tls,
		MHD_OPTION_END);
	if (!*out)
		rc = eg_diag_set(diag, EG_ERR_IO,
				 "cannot listen on %s port %u (in use, not a local address, "
				 "or TLS files unusable)", srv->opts.listen_host, srv->opts.port);
	return rc;
}
