#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <plist/plist.h>

#include "alloc.h"
#include "scan.h"
#include "plistbuf.h"
#include "banned.h"

#define FIELD(vals, o, type) ((type *)((char *)(vals) + (o)->offset))

void eg_config_describe_range(const struct eg_opt *o, char *out, size_t n)
{
	char a[32], b[32];
	size_t i, off = 0;

	switch (o->type) {
	case EG_OPT_BOOL:
		snprintf(out, n, "true or false");
		return;
	case EG_OPT_UINT:
		snprintf(out, n, "%llu..%llu", (unsigned long long)o->min,
			 (unsigned long long)o->max);
		return;
	case EG_OPT_DURATION:
		eg_format_duration(o->min, a, sizeof(a));
		eg_format_duration(o->max, b, sizeof(b));
		snprintf(out, n, "%s..%s", a, b);
		return;
	case EG_OPT_STRING:
		snprintf(out, n, "text");
		return;
	case EG_OPT_PATH:
		snprintf(out, n, "an absolute path");
		return;
	case EG_OPT_ENUM:
		out[0] = '\0';
		for (i = 0; o->choices && o->choices[i] && off < n; i++) {
			int k = snprintf(out + off, n - off, "%s%s",
					 i ? "|" : "", o->choices[i]);
			if (k < 0)
				break;
			off += (size_t)k;
		}
		return;
	}
}

static enum eg_err set_string(const struct eg_opt *o, void *vals,
			      const char *text)
{
	char **dst = FIELD(vals, o, char *);

	free(*dst);
	*dst = text ? eg_xstrdup(text) : NULL;
	return EG_OK;
}

enum eg_err eg_config_defaults(const struct eg_opt *t, size_t n, void *vals)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct eg_opt *o = &t[i];

		switch (o->type) {
		case EG_OPT_BOOL:
			*FIELD(vals, o, bool) = o->def && !strcmp(o->def, "true");
			break;
		case EG_OPT_UINT:
		case EG_OPT_DURATION: {
			struct eg_diag d = EG_DIAG_INIT;

			*FIELD(vals, o, uint64_t) = 0;
			if (o->def)
				eg_config_set(o, vals, o->def, "default", &d);
			break;
		}
		case EG_OPT_STRING:
		case EG_OPT_PATH:
		case EG_OPT_ENUM:
			*FIELD(vals, o, char *) = NULL;
			set_string(o, vals, o->def);
			break;
		}
	}
	return EG_OK;
}

static enum eg_err range_error(const struct eg_opt *o, const char *text,
			       const char *what, struct eg_diag *diag)
{
	char range[128];

	eg_config_describe_range(o, range, sizeof(range));
	if (o->type == EG_OPT_DURATION)
		return eg_diag_set(diag, EG_ERR_RANGE,
				   "%s: '%.64s' must be a duration between %s inclusive (units ms, s, m, h)",
				   what, text, range);
	return eg_diag_set(diag, EG_ERR_RANGE,
			   "%s: '%.64s' must be between %llu and %llu inclusive",
			   what, text, (unsigned long long)o->min,
			   (unsigned long long)o->max);
}

enum eg_err eg_config_set(const struct eg_opt *o, void *vals,
			  const char *text, const char *what,
			  struct eg_diag *diag)
{
	struct eg_scan s;
	uint64_t v;
	size_t i;

	switch (o->type) {
	case EG_OPT_BOOL:
		if (!strcmp(text, "true") || !strcmp(text, "yes") || !strcmp(text, "1"))
			*FIELD(vals, o, bool) = true;
		else if (!strcmp(text, "false") || !strcmp(text, "no") || !strcmp(text, "0"))
			*FIELD(vals, o, bool) = false;
		else
			return eg_diag_set(diag, EG_ERR_INVALID,
					   "%s: '%.64s' must be true or false", what, text);
		return EG_OK;
	case EG_OPT_UINT:
		eg_scan_init(&s, text, strlen(text));
		if (eg_scan_uint(&s, &v, UINT64_MAX) || !eg_scan_eof(&s)) {
			if (text[0] >= '0' && text[0] <= '9' && eg_scan_eof(&s))
				return range_error(o, text, what, diag);
			return eg_diag_set(diag, EG_ERR_INVALID,
					   "%s: '%.64s' is not a whole number (expected %llu..%llu)",
					   what, text, (unsigned long long)o->min,
					   (unsigned long long)o->max);
		}
		if (v < o->min || v > o->max)
			return range_error(o, text, what, diag);
		*FIELD(vals, o, uint64_t) = v;
		return EG_OK;
	case EG_OPT_DURATION:
		switch (eg_parse_duration(text, &v, UINT64_MAX / 4)) {
		case EG_OK:
			break;
		case EG_ERR_RANGE:
			return range_error(o, text, what, diag);
		default:
			return eg_diag_set(diag, EG_ERR_INVALID,
					   "%s: '%.64s' is not a duration (write e.g. 250ms, 5s, 2m, 1h)",
					   what, text);
		}
		if (v < o->min || v > o->max)
			return range_error(o, text, what, diag);
		*FIELD(vals, o, uint64_t) = v;
		return EG_OK;
	case EG_OPT_PATH:
		if (text[0] != '/' || strlen(text) > 1000)
			return eg_diag_set(diag, EG_ERR_INVALID,
					   "%s: '%.64s' must be an absolute path", what, text);
		return set_string(o, vals, text);
	case EG_OPT_STRING:
		if (strlen(text) > 1000)
			return eg_diag_set(diag, EG_ERR_INVALID,
					   "%s: value longer than 1000 bytes", what);
		return set_string(o, vals, text);
	case EG_OPT_ENUM:
		for (i = 0; o->choices && o->choices[i]; i++)
			if (!strcmp(text, o->choices[i]))
				return set_string(o, vals, text);
		{
			char range[128];

			eg_config_describe_range(o, range, sizeof(range));
			return eg_diag_set(diag, EG_ERR_INVALID,
					   "%s: '%.64s' must be one of %s", what,
					   text, range);
		}
	}
	return EG_ERR_INVALID;
}

/* The plist value as the text eg_config_set() takes, or NULL on a type error. */
static char *plist_text(const struct eg_opt *o, plist_t node)
{
	plist_type t = plist_get_node_type(node);
	char num[32];

	if (t == PLIST_STRING) {
		uint64_t len = 0;
		const char *s = plist_get_string_ptr(node, &len);

		if (!s || memchr(s, '\0', len))
			return NULL;
		return eg_xstrndup(s, len);
	}
	if (t == PLIST_BOOLEAN && o->type == EG_OPT_BOOL) {
		uint8_t b = 0;

		plist_get_bool_val(node, &b);
		return eg_xstrdup(b ? "true" : "false");
	}
	if (t == PLIST_UINT && o->type == EG_OPT_UINT) {
		uint64_t v = 0;

		plist_get_uint_val(node, &v);
		/* libplist 2.2 stores negative integers as two's complement */
		if (v > (uint64_t)INT64_MAX)
			return eg_xstrdup("-1");
		snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
		return eg_xstrdup(num);
	}
	return NULL;
}

enum eg_err eg_config_load_plist(const struct eg_opt *t, size_t n,
				 void *vals, const char *data, size_t len,
				 const char *path, const bool *set_by_flag,
				 struct eg_diag *diag)
{
	plist_t root = NULL;
	enum eg_err rc = EG_OK;
	size_t i;

	if (len > UINT32_MAX)
		return eg_diag_set(diag, EG_ERR_TOO_LARGE, "'%s' is too large", path);
	if (len >= 8)
		plist_from_memory(data, (uint32_t)len, &root);
	if (!root || plist_get_node_type(root) != PLIST_DICT) {
		rc = eg_diag_set(diag, EG_ERR_INVALID,
				 "'%s' is not a property list dictionary", path);
		goto out;
	}
	for (i = 0; i < n && rc == EG_OK; i++) {
		plist_t node = strcmp(t[i].key, "-") ?
			       plist_dict_get_item(root, t[i].key) : NULL;
		char what[1200], *text;

		/* key "-": a flag-only row, never read from a plist */
		if (!strcmp(t[i].key, "-") || !node ||
		    (set_by_flag && set_by_flag[i]))
			continue;
		snprintf(what, sizeof(what), "key '%s' in '%s'", t[i].key, path);
		text = plist_text(&t[i], node);
		if (!text) {
			char range[128];

			eg_config_describe_range(&t[i], range, sizeof(range));
			rc = eg_diag_set(diag, EG_ERR_INVALID,
					 "%s: wrong type (expected %s%s)", what,
					 t[i].type == EG_OPT_DURATION ? "a string such as \"5s\", " : "",
					 range);
			break;
		}
		rc = eg_config_set(&t[i], vals, text, what, diag);
		free(text);
	}
out:
	if (root)
		plist_free(root);
	return rc;
}

const struct eg_opt *eg_config_find(const struct eg_opt *t, size_t n,
				    const char *name, size_t namelen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(t[i].name) == namelen && !memcmp(t[i].name, name, namelen))
			return &t[i];
	return NULL;
}

void eg_config_release(const struct eg_opt *t, size_t n, void *vals)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].type == EG_OPT_STRING || t[i].type == EG_OPT_PATH ||
		    t[i].type == EG_OPT_ENUM) {
			free(*FIELD(vals, &t[i], char *));
			*FIELD(vals, &t[i], char *) = NULL;
		}
}

enum eg_err eg_config_to_plist(const struct eg_opt *t, size_t n,
			       const void *vals, const bool *include,
			       struct eg_buf *out)
{
	plist_t d = plist_new_dict();
	char text[32];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct eg_opt *o = &t[i];
		const char *v = (const char *)vals + o->offset;

		if (!include[i] || !strcmp(o->key, "-"))
			continue;
		switch (o->type) {
		case EG_OPT_BOOL:
			plist_dict_set_item(d, o->key, plist_new_bool(*(const bool *)v));
			break;
		case EG_OPT_UINT:
			plist_dict_set_item(d, o->key, plist_new_uint(*(const uint64_t *)v));
			break;
		case EG_OPT_DURATION:
			eg_format_duration(*(const uint64_t *)v, text, sizeof(text));
			plist_dict_set_item(d, o->key, plist_new_string(text));
			break;
		case EG_OPT_STRING:
		case EG_OPT_PATH:
		case EG_OPT_ENUM:
			if (*(char *const *)v)
				plist_dict_set_item(d, o->key,
						    plist_new_string(*(char *const *)v));
			break;
		}
	}
	return eg_plist_to_buf(d, out);
}
