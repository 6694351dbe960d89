/*
 * json.h: write JSON into a struct eg_buf. Output is always valid JSON
 * whatever the input bytes: control characters are escaped and invalid
 * UTF-8 becomes U+FFFD, because strings come from devices and logs.
 *
 * Calling sequence (errors are sticky; check rc once at the end):
 *     struct eg_jw w;
 *     eg_jw_begin(&w, &buf);           writes '{'
 *     eg_jw_str(&w, "serial", s);
 *     eg_jw_int(&w, "seq", 12);
 *     eg_jw_end(&w);                   writes '}'
 *     if (w.rc != EG_OK) ...
 */
#ifndef EG_JSON_H
#define EG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct eg_jw {
	struct eg_buf *b;
	bool first;
	enum eg_err rc;
};

/* Append s (len bytes) as a quoted JSON string. */
enum eg_err eg_json_quote(struct eg_buf *b, const char *s, size_t len);

void eg_jw_begin(struct eg_jw *w, struct eg_buf *b);
void eg_jw_end(struct eg_jw *w);
void eg_jw_str(struct eg_jw *w, const char *key, const char *val);
void eg_jw_strn(struct eg_jw *w, const char *key, const char *val, size_t len);
void eg_jw_int(struct eg_jw *w, const char *key, int64_t val);
void eg_jw_bool(struct eg_jw *w, const char *key, bool val);
void eg_jw_null(struct eg_jw *w, const char *key);
/* A value that is already JSON (an object built by another writer). */
void eg_jw_raw(struct eg_jw *w, const char *key, const char *json);
/* Open a nested object under key; close it with eg_jw_end(). */
void eg_jw_object(struct eg_jw *w, const char *key);

#endif
