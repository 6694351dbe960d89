#include "sse.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "buf.h"
#include "devstate.h"
#include "banned.h"

struct sse_client {
	struct sse_hub *hub;
	struct MHD_Connection *conn;
	uint64_t next;               /* id of the next message to send */
	size_t partial;              /* bytes of ring[next] already sent */
	bool suspended;
	bool keepalive;              /* send a comment before anything else */
	bool drop;                   /* it fell behind: end the stream */
	struct sse_client *prev, *nextc;
};

void sse_hub_init(struct sse_hub *hub, unsigned max_clients)
{
	memset(hub, 0, sizeof(*hub));
	pthread_mutex_init(&hub->lock, NULL);
	pthread_mutex_init(&hub->pending_lock, NULL);
	pthread_cond_init(&hub->pending_wake, NULL);
	hub->pending = eg_xcalloc(SSE_PENDING, sizeof(*hub->pending));
	hub->max_clients = max_clients;
	hub->next_id = 1;
}

void sse_hub_release(struct sse_hub *hub)
{
	pthread_mutex_lock(&hub->pending_lock);
	hub->pending_stop = true;
	pthread_cond_signal(&hub->pending_wake);
	pthread_mutex_unlock(&hub->pending_lock);
	if (hub->thread_running)
		pthread_join(hub->thread, NULL);
	for (int i = 0; i < SSE_RING; i++)
		free(hub->ring[i]);
	free(hub->pending);
	pthread_cond_destroy(&hub->pending_wake);
	pthread_mutex_destroy(&hub->pending_lock);
	pthread_mutex_destroy(&hub->lock);
}

void sse_device_changed(struct sse_hub *hub, const struct device *d)
{
	unsigned i;

	pthread_mutex_lock(&hub->pending_lock);
	for (i = 0; i < hub->npending; i++)
		if (strcmp(hub->pending[i].serial, d->serial) == 0)
			break;
	if (i < hub->npending)
		hub->pending[i] = *d;
	else if (hub->npending < SSE_PENDING)
		hub->pending[hub->npending++] = *d;
	else
		hub->overflow = true;
	pthread_cond_signal(&hub->pending_wake);
	pthread_mutex_unlock(&hub->pending_lock);
}

/* Append one message to the ring; hub->lock is held. */
static void ring_add(struct sse_hub *hub, const char *event, const char *data)
{
	struct eg_buf msg = EG_BUF_INIT(64 * 1024);
	uint64_t id = hub->next_id;

	if (eg_buf_addf(&msg, "id: %llu\nevent: %s\ndata: %s\n\n",
			(unsigned long long)id, event, data) == EG_OK) {
		free(hub->ring[id % SSE_RING]);
		hub->ring[id % SSE_RING] = eg_buf_detach(&msg, NULL);
		hub->next_id++;
	}
	eg_buf_release(&msg);
}

static void wake_all(struct sse_hub *hub);

/* Turn the pending rows (taken out under pending_lock) into messages. */
static void fan_out(struct sse_hub *hub, struct device *rows, unsigned n, bool overflow)
{
	struct eg_buf json = EG_BUF_INIT(16 * 1024);
	unsigned i;

	pthread_mutex_lock(&hub->lock);
	if (overflow)
		ring_add(hub, "reload", "{}");
	for (i = 0; i < n; i++) {
		eg_buf_reset(&json);
		if (devstate_json(&rows[i], &json) == EG_OK)
			ring_add(hub, "device", json.buf);
	}
	wake_all(hub);
	pthread_mutex_unlock(&hub->lock);
	eg_buf_release(&json);
}

static void *fan_out_thread(void *arg)
{
	struct sse_hub *hub = arg;
	struct device *rows = eg_xcalloc(SSE_PENDING, sizeof(*rows));
	struct timespec pause = { 0, SSE_COALESCE_MS * 1000000L };
	unsigned n;
	bool overflow;

	for (;;) {
		pthread_mutex_lock(&hub->pending_lock);
		while (!hub->npending && !hub->overflow && !hub->pending_stop)
			pthread_cond_wait(&hub->pending_wake, &hub->pending_lock);
		if (hub->pending_stop) {
			pthread_mutex_unlock(&hub->pending_lock);
			break;
		}
		pthread_mutex_unlock(&hub->pending_lock);
		nanosleep(&pause, NULL);   /* let a burst of changes gather */
		pthread_mutex_lock(&hub->pending_lock);
		n = hub->npending;
		memcpy(rows, hub->pending, n * sizeof(*rows));
		overflow = hub->overflow;
		hub->npending = 0;
		hub->overflow = false;
		pthread_mutex_unlock(&hub->pending_lock);
		fan_out(hub, rows, n, overflow);
	}
	free(rows);
	return NULL;
}

int sse_hub_start(struct sse_hub *hub)
{
	if (pthread_create(&hub->thread, NULL, fan_out_thread, hub) != 0)
		return EG_ERR_IO;
	hub->thread_running = true;
	return EG_OK;
}

static void wake_all(struct sse_hub *hub)
{
	struct sse_client *c;

	for (c = hub->clients; c; c = c->nextc) {
		if (c->suspended) {
			c->suspended = false;
			MHD_resume_connection(c->conn);
		}
	}
}

/* Copy as much of the pending messages as fits; hub->lock is held. */
static size_t copy_pending(struct sse_client *c, char *buf, size_t max)
{
	struct sse_hub *hub = c->hub;
	size_t n = 0, len, take;
	const char *msg;
	static const char reload[] = "event: reload\ndata: {}\n\n";
	static const char ping[] = ": keepalive\n\n";

	if (c->keepalive && max >= sizeof(ping) - 1) {
		memcpy(buf, ping, sizeof(ping) - 1);
		n = sizeof(ping) - 1;
		c->keepalive = false;
	}
	if (c->next + SSE_RING < hub->next_id) {
		/* fell behind: drop it, telling it to reload when it reconnects */
		if (max - n < sizeof(reload) - 1)
			return n;
		memcpy(buf + n, reload, sizeof(reload) - 1);
		n += sizeof(reload) - 1;
		c->next = hub->next_id;
		c->partial = 0;
		c->drop = true;
		hub->dropped++;
		return n;
	}
	while (c->next < hub->next_id && n < max) {
		msg = hub->ring[c->next % SSE_RING];
		len = strlen(msg) - c->partial;
		take = len < max - n ? len : max - n;
		memcpy(buf + n, msg + c->partial, take);
		n += take;
		c->partial += take;
		if (take == len) {
			c->next++;
			c->partial = 0;
		}
	}
	return n;
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sse_client *c = cls;
	struct sse_hub *hub = c->hub;
	size_t n;

	(void)pos;
	pthread_mutex_lock(&hub->lock);
	if (hub->stopping || c->drop) {
		pthread_mutex_unlock(&hub->lock);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	n = copy_pending(c, buf, max);
	if (n == 0) {
		/* up to date: sleep until sse_publish() resumes us */
		c->suspended = true;
		MHD_suspend_connection(c->conn);
	}
	pthread_mutex_unlock(&hub->lock);
	return (ssize_t)n;
}

static void reader_free(void *cls)
{
	struct sse_client *c = cls;
	struct sse_hub *hub = c->hub;

	pthread_mutex_lock(&hub->lock);
	if (c->prev)
		c->prev->nextc = c->nextc;
	else
		hub->clients = c->nextc;
	if (c->nextc)
		c->nextc->prev = c->prev;
	hub->nclients--;
	pthread_mutex_unlock(&hub->lock);
	free(c);
}

struct MHD_Response *sse_client_response(struct sse_hub *hub,
					 struct MHD_Connection *conn, bool *full)
{
	struct sse_client *c;
	struct MHD_Response *resp;

	pthread_mutex_lock(&hub->lock);
	*full = hub->nclients >= hub->max_clients;
	pthread_mutex_unlock(&hub->lock);
	if (*full)
		return NULL;
	c = eg_xcalloc(1, sizeof(*c));

	c->hub = hub;
	c->conn = conn;
	c->keepalive = true;   /* the browser sees the stream open at once */
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, c,
						 reader_free);
	if (!resp) {
		free(c);
		return NULL;
	}
	pthread_mutex_lock(&hub->lock);
	c->next = hub->next_id;
	c->nextc = hub->clients;
	if (hub->clients)
		hub->clients->prev = c;
	hub->clients = c;
	hub->nclients++;
	pthread_mutex_unlock(&hub->lock);
	MHD_add_response_header(resp, "Content-Type", "text/event-stream");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	return resp;
}

void sse_publish(struct sse_hub *hub, const char *event, const char *data)
{
	pthread_mutex_lock(&hub->lock);
	ring_add(hub, event, data);
	wake_all(hub);
	pthread_mutex_unlock(&hub->lock);
}

void sse_keepalive(struct sse_hub *hub)
{
	struct sse_client *c;

	pthread_mutex_lock(&hub->lock);
	for (c = hub->clients; c; c = c->nextc)
		c->keepalive = true;
	wake_all(hub);
	pthread_mutex_unlock(&hub->lock);
}

void sse_hub_shutdown(struct sse_hub *hub)
{
	pthread_mutex_lock(&hub->lock);
	hub->stopping = true;
	wake_all(hub);
	pthread_mutex_unlock(&hub->lock);
	/* and the fan-out thread, which reads pending_stop under pending_lock */
	pthread_mutex_lock(&hub->pending_lock);
	hub->pending_stop = true;
	pthread_cond_signal(&hub->pending_wake);
	pthread_mutex_unlock(&hub->pending_lock);
}

unsigned sse_client_count(struct sse_hub *hub)
{
	unsigned n;

	pthread_mutex_lock(&hub->lock);
	n = hub->nclients;
	pthread_mutex_unlock(&hub->lock);
	return n;
}

uint64_t sse_dropped_count(struct sse_hub *hub)
{
	uint64_t n;

	pthread_mutex_lock(&hub->lock);
	n = hub->dropped;
	pthread_mutex_unlock(&hub->lock);
	return n;
}
