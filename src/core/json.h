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
 *     eg_jw_array(&w, "items");        writes "items":[
 *     for each item:
 *         eg_jw_elem(&w);              writes '{' (after a ',' if needed)
 *         eg_jw_str(&w, "key", k);
 *         eg_jw_end(&w);               writes '}'
 *     eg_jw_end(&w);                   writes ']'
 *     eg_jw_end(&w);                   writes '}'
 *     if (w.rc != EG_OK) ...
 *
 * One writer writes the whole value: eg_jw_end() closes whatever was
 * opened last, so a document is complete exactly when every begin,
 * object, array and elem has its end. Inside an array the value
 * functions take a NULL key and write an element. A key inside an array,
 * a NULL key inside an object, an end with nothing open or nesting past
 * EG_JW_DEPTH is a caller's bug: rc becomes EG_ERR_INVALID and nothing
 * more is written.
 */
#ifndef EG_JSON_H
#define EG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define EG_JW_DEPTH 32

struct eg_jw {
	struct eg_buf *b;
	unsigned depth;          /* objects and arrays open */
	uint32_t array;          /* bit d: level d + 1 is an array */
	uint32_t used;           /* bit d: level d + 1 has a member already */
	enum eg_err rc;
};

/* Append s (len bytes) as a quoted JSON string. */
enum eg_err eg_json_quote(struct eg_buf *b, const char *s, size_t len);

/* Start a document in b: writes '{'. */
void eg_jw_begin(struct eg_jw *w, struct eg_buf *b);
/* Close the object or array opened last: writes '}' or ']'. */
void eg_jw_end(struct eg_jw *w);

/*
 * Members (key, value) of the open object, or elements (NULL, value) of
 * the open array.
 */
void eg_jw_str(struct eg_jw *w, const char *key, const char *val);
void eg_jw_strn(struct eg_jw *w, const char *key, const char *val, size_t len);
void eg_jw_int(struct eg_jw *w, const char *key, int64_t val);
void eg_jw_bool(struct eg_jw *w, const char *key, bool val);
void eg_jw_null(struct eg_jw *w, const char *key);
/*
 * A whole value that is already JSON (an object built elsewhere, a
 * number formatted by the caller), written as it is: never half a value.
 */
void eg_jw_raw(struct eg_jw *w, const char *key, const char *json);
/* Open a nested object (key NULL in an array); close it with eg_jw_end(). */
void eg_jw_object(struct eg_jw *w, const char *key);
/* Open an array (key NULL in an array); close it with eg_jw_end(). */
void eg_jw_array(struct eg_jw *w, const char *key);
/* Open an object as the next element of the open array: eg_jw_object(w, NULL). */
void eg_jw_elem(struct eg_jw *w);

#endif
