/*
 * reenroll.h: re-enrolling a Mac that is in use (seed 002): which MDMs
 * reject a device whose push identity has expired, and what the Mac logs
 * when the MDM answers.
 */
#ifndef EG_REENROLL_H
#define EG_REENROLL_H

#include <stdbool.h>

#include "scan.h"

/*
 * Whether an MDM at this enrollment URL (the activation record's
 * ConfigurationURL) is known to check the validity dates of Apple iPhone
 * Device CA certificates and so answer 403 to an expired push identity.
 * Known: Jamf Pro (seed 002), whose ADE enrollment URLs are on
 * *.jamfcloud.com or end in /cloudenroll. Unknown URLs: false.
 */
bool eg_mdm_rejects_expired(const char *url);

/* What a log line says about the enrollment's outcome. Append only. */
enum eg_outcome {
	EG_OUTCOME_NONE = 0,
	EG_OUTCOME_HTTP_STATUS = 1,  /* the MDM answered an error status */
	EG_OUTCOME_ENROLLED = 2,     /* an MDM enrollment profile was installed */
};

/*
 * Classify one log message. For EG_OUTCOME_HTTP_STATUS, *status is the
 * HTTP status (403...). Recognised (field-guide.md 2.3 and the addendum):
 *   "CloudConfig: Error returning activation profile. Error = 403; ..."
 *   "... returned an unexpected status (403)" (UNVERIFIED wording)
 *   DMCHTTPTransactionErrorDomain Code=23004 / 23005 (HTTP 403)
 *   "Installed configuration profile: ... (com.apple.mdm ...)" (UNVERIFIED)
 */
enum eg_outcome eg_outcome_line(struct eg_str msg, int *status /* OUT */);

#endif
