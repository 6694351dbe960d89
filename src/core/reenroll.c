#include "reenroll.h"

#include <string.h>

#include "banned.h"

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && !memcmp(s + n - k, suffix, k);
}

bool eg_mdm_rejects_expired(const char *url)
{
	const char *host = strstr(url, "://"), *end;
	size_t hlen, plen;

	if (!host)
		return false;
	host += 3;
	end = host + strcspn(host, "/:?#");
	hlen = (size_t)(end - host);
	/* the path, without a query */
	plen = strcspn(url, "?#");
	return ends_with(host, hlen, ".jamfcloud.com") ||
	       ends_with(url, plen, "/cloudenroll") ||
	       ends_with(url, plen, "/cloudenroll/");
}

static int status_after(struct eg_str msg, const char *lit)
{
	const char *q = eg_str_find(msg, lit);
	struct eg_scan s;
	uint64_t v;

	if (!q)
		return 0;
	eg_scan_init(&s, q + strlen(lit), (size_t)(msg.p + msg.len - q - strlen(lit)));
	if (eg_scan_uint(&s, &v, 999) || v < 100)
		return 0;
	return (int)v;
}

enum eg_outcome eg_outcome_line(struct eg_str msg, int *status)
{
	int st;

	*status = 0;
	/*
	 * Example line (field-guide.md addendum, OBSERVED ONCE, micromdm 854):
	 * CloudConfig: Error returning activation profile. Error = 500; Datasize = 0
	 */
	if ((st = status_after(msg, "activation profile. Error = ")) ||
	    (st = status_after(msg, "unexpected status (")) ) {
		*status = st;
		return EG_OUTCOME_HTTP_STATUS;
	}
	/* 2.3: DMCHTTPTransactionErrorDomain 23004/23005 are HTTP 403 */
	if (eg_str_find(msg, "DMCHTTPTransactionErrorDomain") &&
	    (eg_str_find(msg, "Code=23004") || eg_str_find(msg, "Code=23005"))) {
		*status = 403;
		return EG_OUTCOME_HTTP_STATUS;
	}
	if (eg_str_find(msg, "Installed configuration profile") &&
	    eg_str_find(msg, "com.apple.mdm"))
		return EG_OUTCOME_ENROLLED;
	return EG_OUTCOME_NONE;
}
