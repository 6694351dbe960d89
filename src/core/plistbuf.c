#include "plistbuf.h"

#include "banned.h"

enum eg_err eg_plist_to_buf(plist_t root, struct eg_buf *out)
{
	char *xml = NULL;
	uint32_t len = 0;
	enum eg_err rc;

	plist_to_xml(root, &xml, &len);
	plist_free(root);
	if (!xml)
		return EG_ERR_INVALID;
	rc = eg_buf_add(out, xml, len);
	plist_to_xml_free(xml);
	return rc;
}
