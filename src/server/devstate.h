/*
 * devstate.h: what the fleet view says about one Mac, folded from its
 * events one at a time (the server's only interpretation of events).
 *
 * The states, their API names and labels are core/fleetstate.h's table.
 *
 * Events may arrive late or twice (spooled agents resend): an event from
 * an older run, or an older seq of the current run, updates counters and
 * nothing else, so the device always shows its newest known state. Runs
 * are ordered by when the server first saw them (e->run_seen_ms), never
 * by the time an agent wrote, so a forged or skewed clock cannot pin a
 * Mac's view. An event of a type the server does not know is counted
 * and changes nothing else.
 *
 * Calling sequence:
 *     struct device d;
 *     devstate_init(&d, "C02XXXXXXXXX");       or the row from the store
 *     changed = devstate_apply(&d, &event);
 */
#ifndef EG_SERVER_DEVSTATE_H
#define EG_SERVER_DEVSTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "batch.h"
#include "buf.h"
#include "fleetstate.h"

struct device {
	char serial[65];
	char name[65];
	char model[65];
	char os[33];
	char build[33];
	char arch[17];
	char run_id[65];
	int64_t run_seen;       /* when the server first saw run_id, UTC ms */
	int64_t last_seq;       /* newest seq applied from run_id */
	int64_t last_ts;        /* its time, UTC ms */
	enum eg_fleet_state state;
	char detail[160];       /* "ThermalPolicy: thermalLevel >= 2" */
	int64_t state_since;    /* UTC ms of the event that set state */
	int64_t attempt;        /* renew attempt in this run, 0 before the first */
	bool has_temp;
	int64_t temp_milli;     /* last CPU die temperature, thousandths of a C */
	char pressure[16];      /* last thermal pressure, "" when unknown */
	char finding[256];      /* the last thing an admin should read */
	int64_t events;         /* events stored for this Mac */
	int64_t dropped;        /* its oldest events dropped past the cap */
	char key_hash[65];      /* SHA-256 of the key, hex; "" when none */
};

/* A device that has never reported: running, nothing known. */
void devstate_init(struct device *d, const char *serial);

/*
 * Fold e into d. Returns true when anything the dashboard shows changed
 * (state, detail, attempt, temperature, finding or host facts).
 */
bool devstate_apply(struct device *d, const struct srv_event *e);

/*
 * Append d as the API's JSON object:
 *   {"serial":..., "name", "model", "os", "build", "arch", "state",
 *    "detail", "state_since":"ISO", "attempt", "cpu_die_c":46.5|null,
 *    "thermal_pressure", "finding", "run_id", "last_seen":"ISO", "events",
 *    "events_dropped", "has_key"}
 * Returns EG_OK or EG_ERR_TOO_LARGE.
 */
enum eg_err devstate_json(const struct device *d, struct eg_buf *out);

#endif
