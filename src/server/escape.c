/*
 * escape.c: text from devices and URLs, made safe for HTML and paths.
 */
#include "escape.h"

#include "scan.h"
#include "banned.h"

enum eg_err html_escape(struct eg_buf *out, const char *s)
{
	enum eg_err rc = EG_OK;

	for (; *s && rc == EG_OK; s++) {
		switch (*s) {
		case '&': rc = eg_buf_addstr(out, "&amp;"); break;
		case '<': rc = eg_buf_addstr(out, "&lt;"); break;
		case '>': rc = eg_buf_addstr(out, "&gt;"); break;
		case '"': rc = eg_buf_addstr(out, "&quot;"); break;
		case '\'': rc = eg_buf_addstr(out, "&#39;"); break;
		default: rc = eg_buf_addch(out, *s); break;
		}
	}
	return rc;
}

enum eg_err url_escape(struct eg_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	enum eg_err rc = EG_OK;
	unsigned char c;

	for (; *s && rc == EG_OK; s++) {
		c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~')
			rc = eg_buf_addch(out, (char)c);
		else
			rc = eg_buf_addf(out, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
	return rc;
}

bool url_decode(char *s)
{
	char *w = s;
	int hi, lo;

	for (; *s; s++) {
		if (*s == '+') {
			*w++ = ' ';
		} else if (*s == '%') {
			if ((hi = eg_hex_digit(s[1])) < 0 || (lo = eg_hex_digit(s[2])) < 0 ||
			    (hi == 0 && lo == 0))
				return false;
			*w++ = (char)(hi * 16 + lo);
			s += 2;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
	return true;
}
