/*
 * sse.h: Server-Sent Events for the dashboard (GET /api/v1/stream).
 *
 * The hub keeps the last SSE_RING messages; each client has a cursor into
 * that ring. A client's content reader copies what it has not sent yet;
 * when it is up to date it suspends its connection (so a waiting
 * dashboard costs no thread and no polling) and sse_publish() resumes it.
 * A client that falls more than SSE_RING messages behind gets a "reload"
 * event and then the newest messages.
 *
 * Calling sequence:
 *     sse_hub_init(&hub);
 *     response = sse_client_response(&hub, connection);  in the handler
 *     sse_publish(&hub, "device", json);                  from any thread
 *     sse_hub_shutdown(&hub);     ends every stream (before MHD_stop_daemon)
 *     sse_hub_release(&hub);
 */
#ifndef EG_SERVER_SSE_H
#define EG_SERVER_SSE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define SSE_RING 1024

struct MHD_Connection;
struct MHD_Response;
struct sse_client;

struct sse_hub {
	pthread_mutex_t lock;
	char *ring[SSE_RING];        /* owned: "id: N\nevent: T\ndata: J\n\n" */
	uint64_t next_id;            /* id of the next message; ring[id % SSE_RING] */
	struct sse_client *clients;  /* every open stream */
	unsigned nclients;
	bool stopping;
};

void sse_hub_init(struct sse_hub *hub);
void sse_hub_release(struct sse_hub *hub);

/*
 * A streaming response for conn (which needs MHD_ALLOW_SUSPEND_RESUME),
 * starting after the newest message. NULL when out of memory.
 */
struct MHD_Response *sse_client_response(struct sse_hub *hub,
					 struct MHD_Connection *conn);

/* Queue one message to every client; data is one line of JSON. */
void sse_publish(struct sse_hub *hub, const char *event, const char *data);

/* A comment line every client gets, so dead connections are found. */
void sse_keepalive(struct sse_hub *hub);

/* End every stream; later sse_client_response() streams end at once. */
void sse_hub_shutdown(struct sse_hub *hub);

unsigned sse_client_count(struct sse_hub *hub);

#endif
