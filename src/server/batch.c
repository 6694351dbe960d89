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

static enum eg_err parse_numbers(struct where *w, json_t *ev, struct srv_event *e)
{
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

static enum eg_err parse_event(struct where *w, json_t *ev, struct srv_event *e)
{
	enum eg_err rc;

	if (!json_is_object(ev))
		return eg_diag_set(w->diag, EG_ERR_INVALID, "events[%zu]: must be an object",
				   w->index);
	if ((rc = parse_numbers(w, ev, e)) || (rc = parse_host(w, ev, e)) ||
	    (rc = get_str(w, ev, "run_id", "run_id", e->run_id, sizeof(e->run_id), 1)) ||
	    (rc = check_run_id(w, e->run_id)) ||
	    (rc = get_str(w, ev, "type", "type", e->type, sizeof(e->type), 1)))
		return rc;
	if (!batch_known_type(e->type))
		return bad(w, "type", "is not an event type enrollguard records");
	return parse_body(w, ev, e);
}

enum eg_err batch_parse(const char *body, size_t len, struct batch *b,
			struct eg_diag *diag)
{
	json_error_t jerr;
	json_t *root;
	struct where w = { 0, diag };
	enum eg_err rc = EG_OK;
	size_t i;

	b->ev = NULL;
	b->n = 0;
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
	b->ev = eg_xcalloc(json_array_size(root), sizeof(*b->ev));
	for (i = 0; i < json_array_size(root) && rc == EG_OK; i++) {
		w.index = i;
		b->n = i + 1;
		rc = parse_event(&w, json_array_get(root, i), &b->ev[i]);
		if (rc == EG_OK && i > 0 && strcmp(b->ev[i].serial, b->ev[0].serial) != 0)
			rc = bad(&w, "host.serial", "differs from events[0]: a batch comes from one Mac");
	}
out:
	json_decref(root);
	if (rc != EG_OK)
		batch_release(b);
	return rc;
}

void batch_release(struct batch *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n; i++) {
		free(b->ev[i].data_json);
		free(b->ev[i].text);
	}
	free(b->ev);
	b->ev = NULL;
	b->n = 0;
}
