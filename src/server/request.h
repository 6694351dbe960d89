/*
 * request.h: one HTTP request as a handler sees it, and the ways to
 * answer it. Every answer, errors included, goes through request_reply(),
 * so every error body is JSON ({"error": code, "detail": text}) and every
 * answer carries the same security headers.
 *
 * http.c fills a struct request for each request libmicrohttpd reads;
 * a unit test fills one by hand with conn NULL, fake arguments and
 * headers, and a capture that receives the answer instead of a socket
 * (tests/unit/test-server-api.c).
 */
#ifndef EG_SERVER_REQUEST_H
#define EG_SERVER_REQUEST_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "ingest.h"
#include "metrics.h"
#include "server.h"

#define REQUEST_PATH_MAX 2048
#define REQUEST_PARAM_MAX 256

enum who {
	WHO_NONE,       /* no credential presented */
	WHO_BAD,        /* a credential that matches nothing */
	WHO_ENROLL,     /* an enroll token (current or in its grace period) */
	WHO_ADMIN,      /* the admin token or a dashboard session */
};

struct route;

/* What a unit test's request answered (conn == NULL). */
struct request_capture {
	unsigned status;
	char ctype[64];
	char allow[64];
	char location[256];
	char set_cookie[256];
	char retry_after[16];
	struct eg_buf body;     /* init it with EG_BUF_INIT(cap) before use */
};

struct request {
	struct server *srv;
	struct MHD_Connection *conn;    /* NULL in unit tests */
	const struct route *route;      /* set once the path and method matched */
	uint64_t start_us;
	const char *method;
	char raw_path[REQUEST_PATH_MAX];  /* as sent, without the query */
	bool path_too_long;
	char param[REQUEST_PARAM_MAX];  /* the path's '*' segment, decoded once */
	char addr[64];                  /* the client's address, numeric */
	bool started;                   /* the headers have been seen */
	bool too_large;                 /* the body passed its cap; the rest is dropped */
	bool submitted;                 /* the batch went to the writer */
	struct eg_buf body;
	enum who who;
	unsigned retry_after;           /* seconds, for a 429's Retry-After */
	struct ingest_job job;
	/* unit tests: NULL-terminated name, value pairs instead of MHD's */
	const char *const *fake_args;
	const char *const *fake_headers;
	struct request_capture *capture;
};

/* Answer with body (copied), the common security headers and, for a 405, Allow. */
enum MHD_Result request_reply(struct request *req, unsigned status, const char *ctype,
			      const char *body, size_t len);

/*
 * Answer {"error": code, "detail": printf-style} with status, counting
 * the rejection under reason (RJ_COUNT for none).
 */
enum MHD_Result request_error(struct request *req, unsigned status, int reason,
			      const char *code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* 303 See Other to location; set_cookie is a Set-Cookie value or NULL. */
enum MHD_Result request_redirect(struct request *req, const char *location,
				 const char *set_cookie);

/* A query argument, a request header or a cookie; NULL when absent. */
const char *request_arg(struct request *req, const char *name);
const char *request_header(struct request *req, const char *name);
const char *request_cookie(struct request *req, const char *name);

/* 503 "storage_unavailable" with detail. */
enum MHD_Result request_storage_error(struct request *req, const char *detail);

#endif
