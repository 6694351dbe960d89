#include "devstate.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "json.h"
#include "timefmt.h"
#include "banned.h"

void devstate_init(struct device *d, const char *serial)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->serial, sizeof(d->serial), "%s", serial);
	d->state = EG_FS_RUNNING;
	d->last_ts = INT64_MIN;
}

static void set_state(struct device *d, const struct srv_event *e,
		      enum eg_fleet_state s, const char *detail)
{
	if (d->state != s)
		d->state_since = e->ts_ms;
	d->state = s;
	snprintf(d->detail, sizeof(d->detail), "%s", detail);
}

/*
 * What Setup Assistant did (setup.ended, setup.stuck) outranks the renew
 * failures and dasd verdicts that follow in the same run: the Mac went on
 * without Remote Management, or its screen hangs. Only the end of the run
 * says more. The store keeps the text alone, so its first words tell.
 */
static bool finding_is_setup(const struct device *d)
{
	return strncmp(d->finding, "Setup Assistant finished before", 31) == 0 ||
	       strncmp(d->finding, "Setup Assistant has waited", 26) == 0;
}

static void set_finding(struct device *d, const struct srv_event *e, bool final)
{
	if (final || !finding_is_setup(d) || e->etype == EG_EV_SETUP_ENDED ||
	    e->etype == EG_EV_SETUP_STUCK || e->etype == EG_EV_SETUP_TIMEOUT)
		snprintf(d->finding, sizeof(d->finding), "%s", e->text);
}

static const char *data_str(json_t *data, const char *key)
{
	json_t *v = json_object_get(data, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static void apply_thermal(struct device *d, const struct srv_event *e, json_t *data)
{
	json_t *t = json_object_get(data, "cpu_die_c");
	bool hot = json_is_true(json_object_get(data, "hot"));

	/* batch.c refused anything else; checked again before converting */
	if (json_is_number(t) && json_number_value(t) >= -100.0 &&
	    json_number_value(t) <= 200.0) {
		d->has_temp = true;
		d->temp_milli = (int64_t)(json_number_value(t) * 1000.0 +
					  (json_number_value(t) < 0 ? -0.5 : 0.5));
	}
	snprintf(d->pressure, sizeof(d->pressure), "%s",
		 data_str(data, "thermal_pressure"));
	if (hot && (d->state == EG_FS_RUNNING || d->state == EG_FS_RETRYING))
		set_state(d, e, EG_FS_HOT, e->text);
	else if (!hot && d->state == EG_FS_HOT)
		set_state(d, e, EG_FS_RUNNING, "cooled down");
}

static void apply_dasd(struct device *d, const struct srv_event *e, json_t *data)
{
	const char *policy = data_str(data, "blocking_policy");
	const char *decision = data_str(data, "decision");
	char detail[160];

	if (policy[0] && strstr(decision, "Not Proceed")) {
		snprintf(detail, sizeof(detail), "%s: %s", policy,
			 data_str(data, "rationale")[0] ? data_str(data, "rationale") : decision);
		set_state(d, e, EG_FS_BLOCKED, detail);
		set_finding(d, e, false);
	} else if (d->state == EG_FS_BLOCKED) {
		set_state(d, e, EG_FS_RUNNING, "dasd let the UCRT task proceed");
	}
}

static void apply_renew(struct device *d, const struct srv_event *e, json_t *data)
{
	json_t *n = json_object_get(data, "attempt");

	if (json_is_integer(n) && json_integer_value(n) >= 0 &&
	    json_integer_value(n) <= 1000000)
		d->attempt = json_integer_value(n);
	if (e->etype == EG_EV_RENEW_ATTEMPT) {
		if (d->state != EG_FS_BLOCKED && d->state != EG_FS_HOT)
			set_state(d, e, d->attempt > 1 ? EG_FS_RETRYING : EG_FS_RUNNING, e->text);
		return;
	}
	if (json_is_true(json_object_get(data, "ok")))
		return;
	if (d->state != EG_FS_BLOCKED && d->state != EG_FS_HOT)
		set_state(d, e, EG_FS_RETRYING, e->text);
	set_finding(d, e, false);
}

/* The events that change the state without looking at their data. */
/* The events that change the state without looking at their data. */
static bool apply_simple(struct device *d, const struct srv_event *e)
{
	enum eg_fleet_state to;
	int finding = 0;   /* 1: the text becomes the finding; 2: whatever it was */

	switch (e->etype) {
	case EG_EV_SETUP_WAITING: to = EG_FS_WAITING; break;
	case EG_EV_SETUP_FOUND: to = EG_FS_RUNNING; break;
	case EG_EV_SETUP_TIMEOUT: to = EG_FS_RUNNING; finding = 1; break;
	case EG_EV_UCRT_ACQUIRED: to = EG_FS_RUNNING; break;
	case EG_EV_RUN_ENROLLED: to = EG_FS_ENROLLED; finding = 2; break;
	case EG_EV_RUN_GAVE_UP: to = EG_FS_GAVE_UP; finding = 2; break;
	case EG_EV_RUN_INTERRUPTED: to = EG_FS_STOPPED; break;
	case EG_EV_UCRT_UNAVAILABLE:
	case EG_EV_SETUP_ENDED:
	case EG_EV_SETUP_STUCK:
	case EG_EV_CONFIG_UNAVAILABLE:
	case EG_EV_CLOUDCONFIG_RETRY:
		set_finding(d, e, false);
		return true;
	default:
		return false;
	}
	/* a later gave_up line (LaunchDaemon kept) must not hide enrolled */
	if (d->state == EG_FS_ENROLLED && to == EG_FS_GAVE_UP)
		return true;
	set_state(d, e, to, e->text);
	if (finding)
		set_finding(d, e, finding == 2);
	return true;
}

static void apply_event(struct device *d, const struct srv_event *e)
{
	json_t *data;

	if (apply_simple(d, e))
		return;
	switch (e->etype) {
	case EG_EV_THERMAL_SAMPLE:
	case EG_EV_DASD_VERDICT:
	case EG_EV_RENEW_ATTEMPT:
	case EG_EV_RENEW_RESULT:
	case EG_EV_RENEW_PREFLIGHT:
	case EG_EV_RENEW_PROMPTED:
	case EG_EV_RENEW_STOPPED:
		break;
	default:
		return;
	}
	data = json_loads(e->data_json, 0, NULL);
	if (e->etype == EG_EV_THERMAL_SAMPLE)
		apply_thermal(d, e, data);
	else if (e->etype == EG_EV_DASD_VERDICT)
		apply_dasd(d, e, data);
	else
		apply_renew(d, e, data);
	json_decref(data);
}

static void take_host(struct device *d, const struct srv_event *e)
{
	if (e->name[0])
		snprintf(d->name, sizeof(d->name), "%s", e->name);
	if (e->model[0])
		snprintf(d->model, sizeof(d->model), "%s", e->model);
	if (e->os[0])
		snprintf(d->os, sizeof(d->os), "%s", e->os);
	if (e->build[0])
		snprintf(d->build, sizeof(d->build), "%s", e->build);
	if (e->arch[0])
		snprintf(d->arch, sizeof(d->arch), "%s", e->arch);
}

static bool same_view(const struct device *a, const struct device *b)
{
	return a->state == b->state && a->attempt == b->attempt &&
	       a->has_temp == b->has_temp && a->temp_milli == b->temp_milli &&
	       a->state_since == b->state_since &&
	       strcmp(a->detail, b->detail) == 0 && strcmp(a->finding, b->finding) == 0 &&
	       strcmp(a->pressure, b->pressure) == 0 && strcmp(a->run_id, b->run_id) == 0 &&
	       strcmp(a->name, b->name) == 0 && strcmp(a->model, b->model) == 0 &&
	       strcmp(a->os, b->os) == 0 && strcmp(a->build, b->build) == 0 &&
	       strcmp(a->arch, b->arch) == 0;
}

bool devstate_apply(struct device *d, const struct srv_event *e)
{
	struct device before = *d;
	bool same_run = strcmp(d->run_id, e->run_id) == 0;

	d->events++;
	if (same_run ? e->seq <= d->last_seq : e->run_seen_ms < d->run_seen)
		return false;   /* late: the device already shows something newer */
	if (e->etype == EG_EV_UNKNOWN)
		return false;   /* stored and shown in the timeline; no state */
	if (!same_run) {
		snprintf(d->run_id, sizeof(d->run_id), "%s", e->run_id);
		d->run_seen = e->run_seen_ms;
		d->last_seq = 0;
		d->attempt = 0;
		if (finding_is_setup(d))
			d->finding[0] = '\0';     /* it was about the last run */
		if (d->state == EG_FS_ENROLLED || d->state == EG_FS_GAVE_UP ||
		    d->state == EG_FS_STOPPED)
			set_state(d, e, EG_FS_RUNNING, "a new run started");
	}
	if (d->state_since == 0)
		d->state_since = e->ts_ms;
	d->last_seq = e->seq;
	d->last_ts = e->ts_ms;
	take_host(d, e);
	apply_event(d, e);
	return !same_view(&before, d);
}

enum eg_err devstate_json(const struct device *d, struct eg_buf *out)
{
	struct eg_jw w;
	char ts[40], num[32];

	eg_jw_begin(&w, out);
	eg_jw_str(&w, "serial", d->serial);
	eg_jw_str(&w, "name", d->name);
	eg_jw_str(&w, "model", d->model);
	eg_jw_str(&w, "os", d->os);
	eg_jw_str(&w, "build", d->build);
	eg_jw_str(&w, "arch", d->arch);
	eg_jw_str(&w, "state", eg_fleet_state_name(d->state));
	eg_jw_str(&w, "detail", d->detail);
	eg_format_iso(d->state_since, ts, sizeof(ts));
	eg_jw_str(&w, "state_since", ts);
	eg_jw_int(&w, "attempt", d->attempt);
	if (d->has_temp) {
		snprintf(num, sizeof(num), "%s%lld.%03lld", d->temp_milli < 0 ? "-" : "",
			 (long long)llabs(d->temp_milli / 1000),
			 (long long)llabs(d->temp_milli % 1000));
		eg_jw_raw(&w, "cpu_die_c", num);
	} else {
		eg_jw_null(&w, "cpu_die_c");
	}
	eg_jw_str(&w, "thermal_pressure", d->pressure);
	eg_jw_str(&w, "finding", d->finding);
	eg_jw_str(&w, "run_id", d->run_id);
	eg_format_iso(d->last_ts, ts, sizeof(ts));
	eg_jw_str(&w, "last_seen", ts);
	eg_jw_int(&w, "events", d->events);
	eg_jw_int(&w, "events_dropped", d->dropped);
	eg_jw_bool(&w, "has_key", d->key_hash[0] != '\0');
	eg_jw_end(&w);
	return w.rc;
}
