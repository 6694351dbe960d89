/*
 * routes.h: every path the server answers, in one table. From it follow
 * the 404 for an unknown path, the 405 and its Allow header for a known
 * path with another method, which requests may carry a body and how big,
 * and who may call what.
 *
 * A row's path is matched segment by segment against the raw path, each
 * segment percent-decoded exactly once ('+' stays '+', %00 and a broken
 * escape are 400); a '*' segment matches any one non-empty segment and
 * the handler finds it, decoded, in req->param.
 *
 * To add a route:
 *   1. a row in routes.c's table (path, methods, auth, flags, body cap,
 *      handler) in the place a reader would look for it;
 *   2. its handler: JSON in api.c (declared in api.h), HTML in pages.c
 *      (pages.h); answer with request_reply() or request_error() only;
 *   3. its line in enrollguard-server(8), ENDPOINTS, with its statuses;
 *   4. a case in tests/unit/test-server-api.c (handler) and
 *      tests/e2e/t7001-server-api.sh (over HTTP).
 * State-changing form posts take RF_SAME_ORIGIN; JSON endpoints that
 * change state take a bearer token, which a browser never sends by itself.
 */
#ifndef EG_SERVER_ROUTES_H
#define EG_SERVER_ROUTES_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

struct request;

enum route_method {
	RM_GET = 1 << 0,        /* and HEAD */
	RM_POST = 1 << 1,
	RM_DELETE = 1 << 2,
};

enum route_auth {
	RA_OPEN,        /* anyone */
	RA_ADMIN,       /* the admin token or a session; else 401/403 JSON */
	RA_PAGE,        /* a dashboard page: without a session, 303 to /login */
	RA_DEVICE,      /* an enroll token or a device key (checked on write) */
};

enum route_flags {
	RF_SAME_ORIGIN = 1 << 0,   /* a form post: Origin/Referer must be ours */
};

typedef enum MHD_Result (*route_fn)(struct request *req);

struct route {
	const char *path;
	unsigned methods;          /* enum route_method */
	enum route_auth auth;
	unsigned flags;            /* enum route_flags */
	size_t body_cap;           /* bytes of body read; 0: none */
	route_fn headers;          /* before the body (may answer); or NULL */
	route_fn handler;
};

/*
 * The headers of req are in: match its path and method, check who may
 * call it, and either answer (404, 405, 400, 401, 403, 303, or the
 * handler's answer for a request without a body) or leave it to read
 * its body (req->route set, nothing queued).
 */
enum MHD_Result route_begin(struct request *req);

/* The body of req is in (or was cut at its cap): run the handler. */
enum MHD_Result route_finish(struct request *req);

/* The methods allowed on raw_path, for Allow: "GET, HEAD", "" for none. */
void route_allow(const char *raw_path, char *out, size_t n);

/*
 * Percent-decode one path segment of len bytes into out (n bytes): '+'
 * is kept, %00 and a malformed escape are refused. Returns false when
 * refused or too long.
 */
bool route_decode_segment(const char *seg, size_t len, char *out, size_t n);

#endif
