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

#endif
