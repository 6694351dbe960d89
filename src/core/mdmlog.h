/*
 * mdmlog.h: one record line of an MDM server's log. Jamf Pro's
 * JAMFSoftwareServer.log is the one read today.
 *
 * The shape, and how sure we are of it:
 *   2019-03-04 10:22:33,123 [ERROR] [duledPool-8] [ntInstanceSyncCommService] - message
 * - "[ERROR] [duledPool-8] [ntInstanceSyncCommService] - " is VERIFIED:
 *   quoted whole in dataJAR/JAMFSoftwareServer.log-Messages, with
 *   "[WARN ] [erverThread] [AdvancedSearchHelper     ] - ": a level padded
 *   to five, the thread cut to its last eleven characters, the logger to
 *   its last twenty-five (log4j's %-5p, %.11t, %-25.25c).
 * - The time before it is INFERRED: Jamf's own log-reading script
 *   (logParse.sh, 2015) selects days with '^[^ ]+ (0[89]|1[0-9]|2[012]):'
 *   and finds the level in the third field; a Filebeat input for this
 *   file starts records on '^2'. So "date time" first; the milliseconds
 *   (log4j's ",SSS") are read when there, with '.' or ','. No offset:
 *   the server's local time, read as UTC.
 * Lines that are not record lines (Java stack traces) return false.
 */
#ifndef EG_MDMLOG_H
#define EG_MDMLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "scan.h"

struct eg_mdmlog_rec {
	int64_t ts_ms;           /* as if UTC: the line has no offset */
	struct eg_str level;     /* "ERROR", "WARN" (padding trimmed) */
	struct eg_str thread;    /* "duledPool-8" */
	struct eg_str logger;    /* "ntInstanceSyncCommService" (trimmed) */
	struct eg_str message;   /* after " - " */
};

/* Recognise a Jamf Pro record line. Slices point into line. */
bool eg_mdmlog_parse_line(struct eg_str line, struct eg_mdmlog_rec *rec /* OUT */);

/*
 * A BSD syslog line: the jamf binary's /var/log/jamf.log, MicroMDM under
 * syslog, iOS and old macOS device logs. The logger is the process name,
 * the time is unknown (no year).
 * Example lines (VERIFIED: a blog post quoting jamf.log; micromdm #670;
 * openradar 27426357):
 *   Wed Feb 01 09:12:03 MacBook Air jamf[335]: Device Signature Error - ...
 *   May 23 01:11:54 ip-172-31-38-116 micromdm[325]: component=scep op=GetCACaps ...
 *   Jul 19 09:36:09 iPhone apsd[109] <Warning>: CFNetwork SSLHandshake failed (-9807)
 */
bool eg_mdmlog_parse_syslog(struct eg_str line, struct eg_mdmlog_rec *rec /* OUT */);

/*
 * A logfmt line of a Go MDM server (MicroMDM, NanoMDM, NanoDEP, SCEP,
 * Fleet), with or without Go's "yyyy/mm/dd hh:mm:ss " prefix; the time
 * from that prefix or a ts= key (UTC), the logger from component=.
 * Example lines (VERIFIED: micromdm #842, nanodep #42, fleet #11455):
 *   transport=http method=PUT status=500 proto=HTTP/1.0 host=10.22.33.30 user_agent=MDM/1.0 path=/mdm/checkin
 *   2024/01/22 00:55:29 level=info component=syncer name=dep msg=error syncing ...
 *   level=info ts=2023-05-01T14:52:17.105457551Z component=http-mdm-apple-mdm ...
 */
bool eg_mdmlog_parse_logfmt(struct eg_str line, struct eg_mdmlog_rec *rec /* OUT */);

#endif
