/*
 * Fuzz what enrollguard-server does with a POST /api/v1/events body
 * before storing it: the schema check, folding the events into a device,
 * the device's JSON, and the HTML escaping of every field.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "devstate.h"
#include "escape.h"
#include "routes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct batch b = BATCH_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	struct eg_buf out = EG_BUF_INIT(1 << 20);
	struct device dev;
	char path[256];
	size_t i;

	if (size > BATCH_MAX_BYTES)
		return 0;
	/* the same bytes as a URL path segment, decoded once */
	if (route_decode_segment((const char *)data, size, path, sizeof(path)) &&
	    strlen(path) >= sizeof(path))
		abort();
	/* the server's clock in 2100, any skew */
	if (batch_parse((const char *)data, size, 4102444800000LL, 600000, &b, &d) != EG_OK) {
		if (b.n != 0)
			abort();   /* a refused batch keeps no events */
		batch_release(&b);   /* only the list of malformed ones */
		eg_buf_release(&out);
		return 0;
	}
	devstate_init(&dev, b.ev[0].serial);
	for (i = 0; i < b.n; i++)
		(void)devstate_apply(&dev, &b.ev[i]);
	if (devstate_json(&dev, &out) != EG_OK)
		abort();
	eg_buf_reset(&out);
	if (html_escape(&out, dev.serial) != EG_OK || strchr(out.buf, '<') ||
	    html_escape(&out, dev.finding) != EG_OK || strchr(out.buf, '<'))
		abort();
	eg_buf_release(&out);
	batch_release(&b);
	return 0;
}
