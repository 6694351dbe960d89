#include "launchd.h"

#include <stdlib.h>

#include <plist/plist.h>

#include "plistbuf.h"
#include "banned.h"

enum eg_err eg_launchd_daemon_xml(const char *program, struct eg_buf *out)
{
	plist_t d = plist_new_dict(), args = plist_new_array(), keep = plist_new_dict();

	plist_dict_set_item(d, "Label", plist_new_string(EG_LAUNCHD_LABEL));
	plist_array_append_item(args, plist_new_string(program));
	plist_array_append_item(args, plist_new_string("run"));
	plist_dict_set_item(d, "ProgramArguments", args);
	plist_dict_set_item(d, "RunAtLoad", plist_new_bool(1));
	/* relaunch after a crash only: success and giving up are final */
	plist_dict_set_item(keep, "Crashed", plist_new_bool(1));
	plist_dict_set_item(d, "KeepAlive", keep);
	plist_dict_set_item(d, "ThrottleInterval", plist_new_uint(30));
	plist_dict_set_item(d, "StandardOutPath", plist_new_string(EG_INSTALL_STDOUT));
	plist_dict_set_item(d, "StandardErrorPath", plist_new_string(EG_INSTALL_STDOUT));
	return eg_plist_to_buf(d, out);
}
