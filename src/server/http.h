/*
 * http.h: the libmicrohttpd daemon. It allocates a struct request for
 * each request line, keeps the raw path (routes.c decodes it once),
 * hands the headers to route_begin() and the collected body to
 * route_finish(), and frees the request when its answer has gone,
 * observing its latency. It also tells the guard (guard.h) when each
 * connection opens, finishes its headers, goes idle and closes.
 */
#ifndef EG_SERVER_HTTP_H
#define EG_SERVER_HTTP_H

#include "err.h"

struct server;
struct MHD_Daemon;

/*
 * Listen as srv->opts say. EG_OK with *out set, or EG_ERR_IO with diag
 * (port taken, not a local address, TLS files unusable).
 */
enum eg_err http_start(struct server *srv, struct MHD_Daemon **out, struct eg_diag *diag);

#endif
