/*
 * escape.h: the three conversions between what a device or a browser
 * sent and what the dashboard writes. Everything a device sent passes
 * through html_escape() or url_escape() before it reaches a page.
 */
#ifndef EG_SERVER_ESCAPE_H
#define EG_SERVER_ESCAPE_H

#include <stdbool.h>

#include "buf.h"

/* Append s to out with & < > " ' escaped for HTML text and attributes. */
enum eg_err html_escape(struct eg_buf *out, const char *s);
/* Append s percent-encoded for one URL path segment or query value. */
enum eg_err url_escape(struct eg_buf *out, const char *s);
/*
 * Decode %XX and '+' of a URL path or form value in place. Returns false
 * when an escape is malformed or decodes to NUL (s is then undefined).
 */
bool url_decode(char *s);

#endif
