/*
 * http.h: one HTTP request as the handlers in api.c and pages.c see it,
 * and the ways to answer it.
 *
 * http.c owns the libmicrohttpd daemon: it allocates a struct request when
 * a request line arrives, routes it, feeds POST bodies into req->body
 * (capped), and frees it when the answer has been sent, observing its
 * latency. Handlers return the result of one http_reply*() call.
 */
#ifndef EG_SERVER_HTTP_H
#define EG_SERVER_HTTP_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "escape.h"
#include "ingest.h"
#include "server.h"

enum who {
	WHO_NONE,       /* no credential presented */
	WHO_BAD,        /* a credential that matches nothing */
	WHO_ENROLL,     /* the enroll token: may POST events */
	WHO_ADMIN,      /* the admin token or a dashboard session */
};

struct request {
	struct server *srv;
	struct MHD_Connection *conn;
	uint64_t start_us;
	const char *method;
	const char *url;
	bool started;           /* the handler has seen the headers */
	bool too_large;         /* the body passed its cap; the rest is dropped */
	bool submitted;         /* the batch went to the writer */
	size_t body_cap;
	struct eg_buf body;
	enum who who;
	unsigned retry_after;   /* seconds, for a 429's Retry-After */
	struct ingest_job job;
};

/* Answer with body (copied) and the common security headers. */
enum MHD_Result http_reply(struct request *req, unsigned status, const char *ctype,
			   const char *body, size_t len);

/*
 * Answer {"error": code, "detail": printf-style} with status, counting
 * the rejection under reason (RJ_COUNT for none).
 */
enum MHD_Result http_error(struct request *req, unsigned status, int reason,
			   const char *code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* 303 See Other to location; set_cookie is a Set-Cookie value or NULL. */
enum MHD_Result http_redirect(struct request *req, const char *location,
			      const char *set_cookie);

/*
 * The serial number in a path segment ("/devices/<raw>"): percent-decoded
 * into out (n bytes). false when it is malformed or too long (answer 404).
 */
bool http_path_serial(const char *raw, char *out, size_t n);

/* A query argument, or NULL. */
const char *http_arg(struct request *req, const char *name);

/* Start the daemon. EG_OK, or EG_ERR_IO with diag (port taken, bad TLS files). */
enum eg_err http_start(struct server *srv, struct MHD_Daemon **out, struct eg_diag *diag);

/* The handlers, in api.c and pages.c. */
/* POST /api/v1/events before its body: credential, type and size. */
enum MHD_Result api_events_headers(struct request *req);
/* ...and once the body is in (or when the writer resumes it). */
enum MHD_Result api_events(struct request *req);
enum MHD_Result api_devices(struct request *req);
enum MHD_Result api_device(struct request *req, const char *serial);
enum MHD_Result api_stream(struct request *req);
enum MHD_Result api_healthz(struct request *req);
enum MHD_Result api_metrics(struct request *req);
enum MHD_Result pages_dashboard(struct request *req);
enum MHD_Result pages_device(struct request *req, const char *serial);
enum MHD_Result pages_login(struct request *req);
enum MHD_Result pages_login_post(struct request *req);
enum MHD_Result pages_logout(struct request *req);
enum MHD_Result pages_asset(struct request *req, const char *name);

#endif
