/*
 * fleetstate.h: the states the fleet view shows a Mac in, with the name
 * the API and the database use and the label the dashboard prints. This
 * table is the only place they are written: enrollguard-server folds
 * events into them (src/server/devstate.c), and the dashboard's script
 * receives the names and labels from the page it is served with.
 *
 * To add a state: 1. a row here (append; the order is the dashboard's),
 * 2. the event that leads to it in src/server/devstate.c, 3. its line in
 * enrollguard-server(8), DEVICE STATES, 4. a case in
 * tests/unit/test-server-devstate.c.
 */
#ifndef EG_FLEETSTATE_H
#define EG_FLEETSTATE_H

#include "buf.h"
#include "err.h"

enum eg_fleet_state {
	EG_FS_RUNNING,
	EG_FS_WAITING,
	EG_FS_HOT,
	EG_FS_BLOCKED,
	EG_FS_RETRYING,
	EG_FS_ENROLLED,
	EG_FS_GAVE_UP,
	EG_FS_STOPPED,
	EG_FS_COUNT
};

struct eg_fleet_state_info {
	const char *name;       /* API, database and CSS name: "gave_up" */
	const char *label;      /* the dashboard's words: "gave up" */
	const char *meaning;    /* one sentence for the man page and tooltips */
};

/* The row of s; NULL past EG_FS_COUNT. */
const struct eg_fleet_state_info *eg_fleet_state_info(enum eg_fleet_state s);

/* The API name of s ("gave_up"); NULL past EG_FS_COUNT. */
const char *eg_fleet_state_name(enum eg_fleet_state s);

/* The dashboard label of s ("gave up"); NULL past EG_FS_COUNT. */
const char *eg_fleet_state_label(enum eg_fleet_state s);

/* The state whose API name is name, or -1. */
int eg_fleet_state_from_name(const char *name);

/*
 * Append the table as one JSON array of {"name","label","meaning"} to
 * out, in table order. Returns EG_OK or EG_ERR_TOO_LARGE.
 */
enum eg_err eg_fleet_state_json(struct eg_buf *out);

#endif
