/*
 * sse.h: Server-Sent Events for the dashboard (GET /api/v1/stream).
 *
 * The hub keeps the last SSE_RING messages; each client has a cursor into
 * that ring. A client's content reader copies what it has not sent yet;
 * when it is up to date it suspends its connection (so a waiting
 * dashboard costs no thread and no polling) and sse_publish() resumes it.
 * A client that falls more than SSE_RING messages behind (it does not
 * read) is dropped: it gets a "reload" event and its stream ends, and
 * the browser reconnects and reloads. Nobody waits for a slow client.
 *
 * Device changes do not reach the ring from the writer thread: the
 * writer only leaves the device's row in a table of pending changes
 * (sse_device_changed(), a copy under a short lock), and the hub's own
 * thread turns them into messages at most every SSE_COALESCE_MS, one
 * per device however often it changed, and wakes the streams once.
 * So 2,000 open dashboards cost the writer nothing.
 *
 * Calling sequence:
 *     sse_hub_init(&hub, max_clients);
 *     sse_hub_start(&hub);                                 the fan-out thread
 *     response = sse_client_response(&hub, connection);    in the handler
 *     sse_device_changed(&hub, &device);                   from the writer
 *     sse_publish(&hub, "device", json);                   from any thread
 *     sse_hub_shutdown(&hub);     ends every stream (before MHD_stop_daemon)
 *     sse_hub_release(&hub);      joins the thread
 */
#ifndef EG_SERVER_SSE_H
#define EG_SERVER_SSE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define SSE_RING 1024
#define SSE_PENDING 4096         /* distinct devices between two fan-outs */
#define SSE_COALESCE_MS 250

struct MHD_Connection;
struct MHD_Response;
struct sse_client;
struct device;

struct sse_hub {
	pthread_mutex_t lock;
	char *ring[SSE_RING];        /* owned: "id: N\nevent: T\ndata: J\n\n" */
	uint64_t next_id;            /* id of the next message; ring[id % SSE_RING] */
	struct sse_client *clients;  /* every open stream */
	unsigned nclients;
	unsigned max_clients;
	uint64_t dropped;            /* slow streams ended */
	bool stopping;
	/* pending device changes, under pending_lock (never with lock held) */
	pthread_mutex_t pending_lock;
	pthread_cond_t pending_wake;
	struct device *pending;      /* owned: SSE_PENDING rows */
	unsigned npending;
	bool overflow;               /* more devices changed than fit: reload */
	bool pending_stop;           /* the fan-out thread ends */
	bool thread_running;
	pthread_t thread;
};

void sse_hub_init(struct sse_hub *hub, unsigned max_clients);
/* Start the fan-out thread. EG_OK or EG_ERR_IO. */
int sse_hub_start(struct sse_hub *hub);
void sse_hub_release(struct sse_hub *hub);

/*
 * A streaming response for conn (which needs MHD_ALLOW_SUSPEND_RESUME),
 * starting after the newest message. NULL when out of memory or when
 * max_clients streams are open (*full OUT says which).
 */
struct MHD_Response *sse_client_response(struct sse_hub *hub,
					 struct MHD_Connection *conn, bool *full);

/* Device d changed: send its row to every stream soon (copies d). */
void sse_device_changed(struct sse_hub *hub, const struct device *d);

/* Queue one message to every client; data is one line of JSON. */
void sse_publish(struct sse_hub *hub, const char *event, const char *data);

/* A comment line every client gets, so dead connections are found. */
void sse_keepalive(struct sse_hub *hub);

/* End every stream; later sse_client_response() streams end at once. */
void sse_hub_shutdown(struct sse_hub *hub);

unsigned sse_client_count(struct sse_hub *hub);

/* Streams dropped because they fell behind. */
uint64_t sse_dropped_count(struct sse_hub *hub);

#endif
