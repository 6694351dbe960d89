/*
 * reporter.h: sends the run's events to enrollguard-server in the
 * background (DESIGN.md, "Records"; enrollguard(8), REPORTING).
 *
 * The recorder appends every event to an on-disk spool (core/spool.h);
 * a thread of its own posts the oldest events in batches with libcurl
 * and marks them sent only on a 2xx answer. Failures back off
 * exponentially (1 s to 60 s, with jitter); nothing the reporter does
 * ever waits the enrollment: the run only takes a mutex for an append.
 *
 * The wire protocol (enrollguard-server(8)): each batch carries the
 * enroll token and the Mac's device key (X-Enrollguard-Device-Key), a
 * random key kept 0600 in the state dir as device-key, beside the spool,
 * made on the first run. The server registers the key with the first
 * batch and then takes nothing for this serial without it.
 * The reporter never drops a batch it could resend: on a 400 it drops
 * only the events the server names ("invalid_events") and sends the rest
 * at once; a 400 or 413 that names none makes it send that batch one
 * event at a time, so only the bad one is dropped. Each drop is a
 * warning in the log (the JSON-lines log keeps the events). 401, 403,
 * 429 and 5xx keep everything and back off.
 *
 * Calling sequence:
 *     struct reporter rp = REPORTER_INIT;
 *     reporter_start(&rp, url, token_file, ca_file, &state_dir, max_bytes, &diag);
 *     reporter_append(&rp, json_line, len, prio);  per event (recorder)
 *     reporter_set_host(&rp, &host);               once the serial is known
 *     reporter_pending(&rp) ... until 0 or the run's delivery ends
 *     reporter_stop(&rp, flush_ms);   tries to empty the spool, then joins
 */
#ifndef EG_REPORTER_H
#define EG_REPORTER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "event.h"
#include "file.h"
#include "spool.h"

struct reporter {
	bool running;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct eg_spool spool;
	char *url;              /* owned: ".../api/v1/events" */
	char *auth_header;      /* owned: "Authorization: Bearer ..." */
	char *ca_file;          /* owned: PEM bundle to trust, or NULL */
	char *key_header;       /* owned: "X-Enrollguard-Device-Key: ..." */
	size_t one_by_one;      /* send this many more events one per batch */
	bool resend;            /* the last batch, less what a 400 named, goes again */
	bool stopping;
	int64_t flush_deadline_ms;   /* monotonic; when stopping */
	uint64_t sent;          /* events the server took */
	uint64_t rejected;      /* events it refused for good */
	char last_error[256];   /* why the last attempt failed, "" after a success */
	char host[512];         /* the host's JSON once the serial is known, "" before */
	char empty_host[128];   /* the host's JSON of an event recorded before that */
};

#define REPORTER_INIT { .running = false, .spool = EG_SPOOL_INIT }

/*
 * Check url (http:// or https://, at most 1000 bytes), read the token
 * file, open the spool "spool" in state_dir and start the thread. ca_file ("" or
 * NULL for the system's trust) is a PEM bundle for an https server with
 * a private CA. base_url is the server's address
 * ("https://eg.example.com:8700"); "/api/v1/events" is appended.
 * Returns EG_OK, EG_ERR_INVALID (url or token) or EG_ERR_IO, with diag.
 */
enum eg_err reporter_start(struct reporter *rp, const char *base_url,
			   const char *token_file, const char *ca_file,
			   const struct eg_dir *state_dir, uint64_t max_bytes,
			   struct eg_diag *diag);

/*
 * Queue one event line (with '\n') of priority prio (what a full spool
 * drops first: event.h's eg_event_spool_prio); wakes the thread.
 */
void reporter_append(struct reporter *rp, const char *line, size_t len,
		     enum eg_spool_prio prio);

/*
 * The Mac's host (serial, model...), for the events spooled before it
 * was known (by this launch or a killed one): they wait in the spool
 * until it is set, and are sent with it. Set it again with serial
 * "unknown" to send them anyway.
 */
void reporter_set_host(struct reporter *rp, const struct eg_host *host);

/* Whether reporter_set_host() was called. */
bool reporter_has_host(struct reporter *rp);

/* Events the spool dropped so far, by priority (spool.h), into out. */
void reporter_dropped(struct reporter *rp, uint64_t out[EG_SPOOL_NPRIO]);

/* Events queued and not yet sent. */
uint64_t reporter_pending(struct reporter *rp);

/*
 * Send what is left for at most flush_ms, then stop the thread and close
 * the spool (what is still unsent stays in it for the next run).
 */
void reporter_stop(struct reporter *rp, uint64_t flush_ms);

#endif
