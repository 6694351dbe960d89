#include "fleetstate.h"

#include <string.h>

#include "json.h"
#include "banned.h"

static const struct eg_fleet_state_info table[EG_FS_COUNT] = {
	[EG_FS_RUNNING] = { "running", "running",
		"the agent runs and nothing holds it back" },
	[EG_FS_WAITING] = { "waiting", "waiting for Setup Assistant",
		"the agent waits for Setup Assistant to start" },
	[EG_FS_HOT] = { "hot", "hot",
		"the last thermal sample said the Mac is hot" },
	[EG_FS_BLOCKED] = { "blocked", "blocked by dasd",
		"dasd held back the UCRT task (the detail names the policy)" },
	[EG_FS_RETRYING] = { "retrying", "retrying",
		"a renew attempt failed and another will follow" },
	[EG_FS_ENROLLED] = { "enrolled", "enrolled",
		"the enrollment configuration was fetched and installed" },
	[EG_FS_GAVE_UP] = { "gave_up", "gave up",
		"the agent's deadline passed; the finding says what to do" },
	[EG_FS_STOPPED] = { "stopped", "stopped",
		"the agent was stopped before it finished" },
};

const struct eg_fleet_state_info *eg_fleet_state_info(enum eg_fleet_state s)
{
	return (unsigned)s < EG_FS_COUNT ? &table[s] : NULL;
}

const char *eg_fleet_state_name(enum eg_fleet_state s)
{
	return (unsigned)s < EG_FS_COUNT ? table[s].name : NULL;
}

const char *eg_fleet_state_label(enum eg_fleet_state s)
{
	return (unsigned)s < EG_FS_COUNT ? table[s].label : NULL;
}

int eg_fleet_state_from_name(const char *name)
{
	int i;

	for (i = 0; name && i < EG_FS_COUNT; i++)
		if (strcmp(table[i].name, name) == 0)
			return i;
	return -1;
}

enum eg_err eg_fleet_state_json(struct eg_buf *out)
{
	enum eg_err rc = eg_buf_addch(out, '[');
	struct eg_jw w;
	int i;

	for (i = 0; rc == EG_OK && i < EG_FS_COUNT; i++) {
		if (i && (rc = eg_buf_addch(out, ',')) != EG_OK)
			break;
		eg_jw_begin(&w, out);
		eg_jw_str(&w, "name", table[i].name);
		eg_jw_str(&w, "label", table[i].label);
		eg_jw_str(&w, "meaning", table[i].meaning);
		eg_jw_end(&w);
		rc = w.rc;
	}
	if (rc == EG_OK)
		rc = eg_buf_addch(out, ']');
	return rc;
}
