/*
 * api.h: the JSON endpoints (enrollguard-server(8), ENDPOINTS). Each
 * takes a request whose route, credential and body routes.c checked.
 */
#ifndef EG_SERVER_API_H
#define EG_SERVER_API_H

#include <microhttpd.h>

struct request;

/* POST /api/v1/events before its body: type and size. */
enum MHD_Result api_events_headers(struct request *req);
/* ...and once the body is in (and again when the writer is done). */
enum MHD_Result api_events(struct request *req);
enum MHD_Result api_devices(struct request *req);
enum MHD_Result api_device(struct request *req);
enum MHD_Result api_device_key_reset(struct request *req);
enum MHD_Result api_states(struct request *req);
enum MHD_Result api_stream(struct request *req);
enum MHD_Result api_healthz(struct request *req);
enum MHD_Result api_metrics(struct request *req);

#endif
