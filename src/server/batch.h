/*
 * batch.h: the body of POST /api/v1/events, checked against the event
 * schema (DESIGN.md, "Records") before anything is stored.
 *
 * A batch is a JSON array of 1 to BATCH_MAX_EVENTS events from one Mac:
 *     {"v":1, "ts":"2026-11-23T00:35:28.123Z",
 *      "host":{"serial":"C02XXXXXXXXX","model":"MacBookPro16,1",
 *              "os":"14.6.1","build":"23G93","arch":"x86_64"},
 *      "run_id":"5f0c...", "seq":12, "type":"dasd.verdict",
 *      "data":{...}, "text":"dasd: ThermalPolicy ..."}
 * Unknown members are ignored, so a newer agent can add some. An event
 * type this server does not know (an agent newer than its server) is
 * kept, marked unknown: it is stored and shown, and changes no state.
 * 400 is for malformed input only, and names every event that is
 * malformed (b->bad), so the agent can drop those and resend the rest.
 * An event dated more than max_skew_ms past the server's clock is
 * malformed: one such event would otherwise hold its Mac's view for good.
 *
 * Calling sequence:
 *     struct batch b = BATCH_INIT;
 *     if (batch_parse(body, len, now_ms, max_skew_ms, &b, &diag) != EG_OK)
 *         -> 400 with diag.msg and b.bad[0 .. b.nbad-1]
 *     ...b.ev[0 .. b.n-1]...
 *     batch_release(&b);
 */
#ifndef EG_SERVER_BATCH_H
#define EG_SERVER_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "event.h"

#define BATCH_MAX_EVENTS 1000
#define BATCH_MAX_BYTES (1024 * 1024)
#define BATCH_MAX_DATA 16384    /* one event's data, as compact JSON */
#define BATCH_MAX_TEXT 2048
#define BATCH_KEY_HEADER "X-Enrollguard-Device-Key"

struct srv_event {
	char serial[65];
	char name[65];          /* the Mac's computer name, optional */
	char model[65];
	char os[33];
	char build[33];
	char arch[17];
	char run_id[65];
	int64_t seq;            /* 1 .. 2^53 */
	int64_t ts_ms;          /* UTC */
	char type[33];
	enum eg_event_type etype;   /* EG_EV_UNKNOWN: a type this server does not know */
	int64_t run_seen_ms;    /* when the server first saw run_id (set by the store) */
	char *data_json;        /* owned: compact JSON object, never NULL */
	char *text;             /* owned: never NULL */
};

struct batch {
	struct srv_event *ev;   /* owned */
	size_t n;
	size_t *bad;            /* owned: indexes of malformed events, on EG_ERR_INVALID */
	size_t nbad;
	size_t unknown;         /* events of a type this server does not know */
};

#define BATCH_INIT { NULL, 0, NULL, 0, 0 }

/*
 * Parse and check body (len bytes) received at now_ms. On success fills
 * b (which the caller releases) and returns EG_OK. Otherwise returns
 * EG_ERR_INVALID with diag naming the first wrong field
 * ("events[3].host.serial: ...") and b->bad listing every malformed
 * event (empty when the body as a whole is wrong), or EG_ERR_TOO_LARGE
 * past BATCH_MAX_EVENTS; b->ev is then empty, and the caller still
 * releases b (it holds the list).
 * Every event must name the same serial: a batch comes from one Mac.
 */
enum eg_err batch_parse(const char *body, size_t len, int64_t now_ms,
			int64_t max_skew_ms, struct batch *b, struct eg_diag *diag);

void batch_release(struct batch *b);

/* Whether type is an event type the agent writes. */
int batch_known_type(const char *type);

#endif
