/*
 * event.h: the record of every step of a run (DESIGN.md, "Records").
 *
 * An event is {v, ts, host{serial, model, os, build}, run_id, seq, type,
 * data}; (serial, run_id, seq) identifies it, so a resent event is
 * recognised. Each event is written twice: as one JSON line for machines
 * and the server, and as one human line for the log a technician reads.
 */
#ifndef EG_EVENT_H
#define EG_EVENT_H

#include <stdint.h>

#include "buf.h"

#define EG_EVENT_VERSION 1

struct eg_host {
	char serial[64];
	char model[64];
	char os[32];
	char build[32];
	char arch[16];
};

struct eg_event {
	int64_t ts_ms;            /* UTC, milliseconds since the epoch */
	const struct eg_host *host;
	const char *run_id;
	uint64_t seq;
	const char *type;         /* "renew.result" */
	const char *data_json;    /* a JSON object, or NULL for {} */
	const char *text;         /* one line for humans, no newline */
};

/* Append the event as one JSON line (with '\n') to out. */
enum eg_err eg_event_json(const struct eg_event *ev, struct eg_buf *out);

/*
 * Append "2026-11-23 00:35:28 +0000 renew.result: attempt 3 failed ..."
 * and '\n' to out; the time is shown at offset_min from UTC. Control
 * characters in the text are replaced, so one event is one line.
 */
enum eg_err eg_event_human(const struct eg_event *ev, int offset_min,
			   struct eg_buf *out);

/* A fresh run id: 32 hex digits from 16 random bytes the caller supplies. */
void eg_event_run_id(const unsigned char rnd[16], char out[33]);

#endif
