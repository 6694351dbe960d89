#include "sse.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "banned.h"

struct sse_client {
	struct sse_hub *hub;
	struct MHD_Connection *conn;
	uint64_t next;               /* id of the next message to send */
	size_t partial;              /* bytes of ring[next] already sent */
	bool suspended;
	bool keepalive;              /* send a comment before anything else */
	struct sse_client *prev, *nextc;
};

void sse_hub_init(struct sse_hub *hub)
{
	memset(hub, 0, sizeof(*hub));
	pthread_mutex_init(&hub->lock, NULL);
	hub->next_id = 1;
}

void sse_hub_release(struct sse_hub *hub)
{
	for (int i = 0; i < SSE_RING; i++)
		free(hub->ring[i]);
	pthread_mutex_destroy(&hub->lock);
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
		/* fell behind: the ring no longer has what it missed */
		if (max - n < sizeof(reload) - 1)
			return n;
		memcpy(buf + n, reload, sizeof(reload) - 1);
		n += sizeof(reload) - 1;
		c->next = hub->next_id - SSE_RING;
		c->partial = 0;
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
	if (hub->stopping) {
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
					 struct MHD_Connection *conn)
{
	struct sse_client *c = eg_xcalloc(1, sizeof(*c));
	struct MHD_Response *resp;

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
	struct eg_buf msg = EG_BUF_INIT(64 * 1024);
	uint64_t id;

	pthread_mutex_lock(&hub->lock);
	id = hub->next_id;
	if (eg_buf_addf(&msg, "id: %llu\nevent: %s\ndata: %s\n\n",
			(unsigned long long)id, event, data) == EG_OK) {
		free(hub->ring[id % SSE_RING]);
		hub->ring[id % SSE_RING] = eg_buf_detach(&msg, NULL);
		hub->next_id++;
		wake_all(hub);
	}
	pthread_mutex_unlock(&hub->lock);
	eg_buf_release(&msg);
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
}

unsigned sse_client_count(struct sse_hub *hub)
{
	unsigned n;

	pthread_mutex_lock(&hub->lock);
	n = hub->nclients;
	pthread_mutex_unlock(&hub->lock);
	return n;
}
