#include "batch.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "event.h"
#include "timefmt.h"
#include "banned.h"

/* A type of core/event.h's table: the ones the agent records. */
int batch_known_type(const char *type)
{
	return eg_event_type_lookup(type, strlen(type)) != EG_EV_UNKNOWN;
}

/* Where the first error was found: "events[3].host.serial". */
struct where {
	size_t index;
	struct eg_diag *diag;
};

static enum eg_err bad(struct where *w, const char *field, const char *why)
{
	return eg_diag_set(w->diag, EG_ERR_INVALID, "events[%zu].%s: %s", w->index,
			   field, why);
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/*
 * Copy the string member key of obj into out (size n, so at most n - 1
 * bytes). required: absent is an error; otherwise absent gives "".
 */
static enum eg_err get_str(struct where *w, json_t *obj, const char *key,
			   const char *field, char *out, size_t n, int required)
{
	json_t *v = json_object_get(obj, key);
	char why[96];
	size_t len;

	out[0] = '\0';
	if (!v)
		return required ? bad(w, field, "is missing") : EG_OK;
	if (!json_is_string(v))
		return bad(w, field, "must be a string");
	len = json_string_length(v);
	if (len >= n || (required && len == 0)) {
		if (required)
			snprintf(why, sizeof(why), "must be 1 to %zu bytes long", n - 1);
		else
			snprintf(why, sizeof(why), "must be at most %zu bytes long", n - 1);
		return bad(w, field, why);
	}
	if (strlen(json_string_value(v)) != len || has_control(json_string_value(v)))
		return bad(w, field, "must not contain control characters");
	memcpy(out, json_string_value(v), len + 1);
	return EG_OK;
}

static enum eg_err check_run_id(struct where *w, const char *id)
{
	for (const char *p = id; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '_'))
			return bad(w, "run_id", "must be letters, digits, '-' or '_'");
	return EG_OK;
}

static enum eg_err parse_host(struct where *w, json_t *ev, struct srv_event *e)
{
	json_t *host = json_object_get(ev, "host");
	enum eg_err rc;

	if (!host)
		return bad(w, "host", "is missing");
	if (!json_is_object(host))
		return bad(w, "host", "must be an object");
	if ((rc = get_str(w, host, "serial", "host.serial", e->serial, sizeof(e->serial), 1)) ||
	    (rc = get_str(w, host, "name", "host.name", e->name, sizeof(e->name), 0)) ||
	    (rc = get_str(w, host, "model", "host.model", e->model, sizeof(e->model), 0)) ||
	    (rc = get_str(w, host, "os", "host.os", e->os, sizeof(e->os), 0)) ||
	    (rc = get_str(w, host, "build", "host.build", e->build, sizeof(e->build), 0)) ||
	    (rc = get_str(w, host, "arch", "host.arch", e->arch, sizeof(e->arch), 0)))
		return rc;
	return EG_OK;
}

static enum eg_err parse_numbers(struct where *w, json_t *ev, struct srv_event *e,
				 int64_t now_ms, int64_t max_skew_ms)
{
	char why[160];

	json_t *v = json_object_get(ev, "v"), *seq = json_object_get(ev, "seq");
	json_t *ts = json_object_get(ev, "ts");

	if (!v)
		return bad(w, "v", "is missing");
	if (!json_is_integer(v) || json_integer_value(v) != 1)
		return bad(w, "v", "must be 1 (the only event version this server knows)");
	if (!seq)
		return bad(w, "seq", "is missing");
	if (!json_is_integer(seq) || json_integer_value(seq) < 1 ||
	    json_integer_value(seq) > (1LL << 53))
		return bad(w, "seq", "must be an integer between 1 and 9007199254740992 inclusive");
	e->seq = json_integer_value(seq);
	if (!ts)
		return bad(w, "ts", "is missing");
	if (!json_is_string(ts) ||
	    eg_parse_iso(json_string_value(ts), json_string_length(ts), &e->ts_ms))
		return bad(w, "ts", "must be an ISO 8601 time such as 2026-11-23T00:35:28.123Z");
	if (e->ts_ms > now_ms + max_skew_ms) {
		snprintf(why, sizeof(why), "is %lld s past the server's clock; at most %lld s "
			 "of clock skew is accepted", (long long)((e->ts_ms - now_ms) / 1000),
			 (long long)(max_skew_ms / 1000));
		return bad(w, "ts", why);
	}
	return EG_OK;
}

/* A member of data that must be a number within [min, max] when present. */
static enum eg_err check_number(struct where *w, json_t *data, const char *key,
				double min, double max, bool integer)
{
	json_t *v = json_object_get(data, key);
	char field[64], why[96];

	if (!v || json_is_null(v))
		return EG_OK;
	snprintf(field, sizeof(field), "data.%s", key);
	snprintf(why, sizeof(why), "must be %s between %g and %g inclusive",
		 integer ? "an integer" : "a number", min, max);
	if (integer ? !json_is_integer(v) : !json_is_number(v))
		return bad(w, field, why);
	/* compared as a double before any conversion: 1e300 is refused here */
	if (!(json_number_value(v) >= min && json_number_value(v) <= max))
		return bad(w, field, why);
	return EG_OK;
}

/* The numbers the fleet view reads, in the types that carry them. */
static enum eg_err check_data(struct where *w, json_t *ev, const struct srv_event *e)
{
	json_t *data = json_object_get(ev, "data");
	enum eg_err rc = EG_OK;

	if (!json_is_object(data))
		return EG_OK;
	if (e->etype == EG_EV_THERMAL_SAMPLE)
		rc = check_number(w, data, "cpu_die_c", -100, 200, false);
	if (rc == EG_OK && eg_event_type_has_key(e->etype, "attempt", 7))
		rc = check_number(w, data, "attempt", 0, 1000000, true);
	return rc;
}

/* An event type is a dotted lowercase name, known to us or not. */
static enum eg_err check_type(struct where *w, const char *type)
{
	for (const char *p = type; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_'))
			return bad(w, "type", "must be lowercase letters, digits, '.' or '_'");
	return EG_OK;
}

static enum eg_err parse_body(struct where *w, json_t *ev, struct srv_event *e)
{
	json_t *data = json_object_get(ev, "data"), *text = json_object_get(ev, "text");
	char *dump;

	if (data && !json_is_object(data) && !json_is_null(data))
		return bad(w, "data", "must be an object");
	dump = data && json_is_object(data) ?
		json_dumps(data, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	if (data && json_is_object(data) && !dump)
		return bad(w, "data", "cannot be encoded");
	if (dump && strlen(dump) > BATCH_MAX_DATA) {
		free(dump);
		return bad(w, "data", "must be at most 16384 bytes as compact JSON");
	}
	e->data_json = dump ? dump : eg_xstrdup("{}");
	if (text && !json_is_string(text) && !json_is_null(text))
		return bad(w, "text", "must be a string");
	if (text && json_is_string(text)) {
		if (json_string_length(text) > BATCH_MAX_TEXT)
			return bad(w, "text", "must be at most 2048 bytes long");
		if (strlen(json_string_value(text)) != json_string_length(text))
			return bad(w, "text", "must not contain NUL");
	}
	e->text = eg_xstrdup(text && json_is_string(text) ? json_string_value(text) : "");
	return EG_OK;
}

static enum eg_err parse_event(struct where *w, json_t *ev, struct srv_event *e,
			       int64_t now_ms, int64_t max_skew_ms)
{
	enum eg_err rc;

	if (!json_is_object(ev))
		return eg_diag_set(w->diag, EG_ERR_INVALID, "events[%zu]: must be an object",
				   w->index);
	if ((rc = parse_numbers(w, ev, e, now_ms, max_skew_ms)) || (rc = parse_host(w, ev, e)) ||
	    (rc = get_str(w, ev, "run_id", "run_id", e->run_id, sizeof(e->run_id), 1)) ||
	    (rc = check_run_id(w, e->run_id)) ||
	    (rc = get_str(w, ev, "type", "type", e->type, sizeof(e->type), 1)) ||
	    (rc = check_type(w, e->type)))
		return rc;
	e->etype = eg_event_type_lookup(e->type, strlen(e->type));
	if ((rc = check_data(w, ev, e)) != EG_OK)
		return rc;
	return parse_body(w, ev, e);
}

/* Check every event, so a 400 names all that are malformed, not the first only. */
static enum eg_err parse_events(json_t *root, struct batch *b, int64_t now_ms,
				int64_t max_skew_ms, struct eg_diag *diag)
{
	struct eg_diag first = EG_DIAG_INIT, d;
	struct where w = { 0, &d };
	enum eg_err rc;
	size_t i, n = json_array_size(root);

	b->ev = eg_xcalloc(n, sizeof(*b->ev));
	b->bad = eg_xcalloc(n, sizeof(*b->bad));
	for (i = 0; i < n; i++) {
		w.index = i;
		d = (struct eg_diag)EG_DIAG_INIT;
		b->n = i + 1;
		rc = parse_event(&w, json_array_get(root, i), &b->ev[i], now_ms, max_skew_ms);
		if (rc == EG_OK && i > 0 && strcmp(b->ev[i].serial, b->ev[0].serial) != 0)
			rc = bad(&w, "host.serial", "differs from events[0]: a batch comes from one Mac");
		if (rc == EG_OK)
			continue;
		if (b->nbad == 0)
			first = d;
		b->bad[b->nbad++] = i;
	}
	for (i = 0; i < n; i++)
		b->unknown += b->ev[i].etype == EG_EV_UNKNOWN && b->ev[i].type[0];
	if (b->nbad == 0)
		return EG_OK;
	if (b->nbad > 1)
		return eg_diag_set(diag, EG_ERR_INVALID, "%s (and %zu more malformed events)",
				   first.msg, b->nbad - 1);
	return eg_diag_set(diag, EG_ERR_INVALID, "%s", first.msg);
}

static void batch_release_events(struct batch *b);

enum eg_err batch_parse(const char *body, size_t len, int64_t now_ms,
			int64_t max_skew_ms, struct batch *b, struct eg_diag *diag)
{
	json_error_t jerr;
	json_t *root;
	enum eg_err rc = EG_OK;

	*b = (struct batch)BATCH_INIT;
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return eg_diag_set(diag, EG_ERR_INVALID, "body: not JSON: %s at line %d column %d",
				   jerr.text, jerr.line, jerr.column);
	if (!json_is_array(root)) {
		rc = eg_diag_set(diag, EG_ERR_INVALID, "body: must be a JSON array of events");
		goto out;
	}
	if (json_array_size(root) == 0) {
		rc = eg_diag_set(diag, EG_ERR_INVALID, "body: the batch has no events");
		goto out;
	}
	if (json_array_size(root) > BATCH_MAX_EVENTS) {
		rc = eg_diag_set(diag, EG_ERR_TOO_LARGE,
				 "body: %zu events; a batch holds at most %d",
				 json_array_size(root), BATCH_MAX_EVENTS);
		goto out;
	}
	rc = parse_events(root, b, now_ms, max_skew_ms, diag);
out:
	json_decref(root);
	if (rc != EG_OK)
		batch_release_events(b);
	return rc;
}

/* Free the events and keep the list of malformed ones for the answer. */
static void batch_release_events(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->ev[i].data_json);
		free(b->ev[i].text);
	}
	free(b->ev);
	b->ev = NULL;
	b->n = 0;
	b->unknown = 0;
}

void batch_release(struct batch *b)
{
	if (!b)
		return;
	batch_release_events(b);
	free(b->bad);
	b->bad = NULL;
	b->nbad = 0;
}
