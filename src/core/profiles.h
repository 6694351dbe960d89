/*
 * profiles.h: parse what /usr/bin/profiles prints for the enrollment verbs.
 *
 * Three outputs, all documented in field-guide.md section 1:
 *  - `profiles show -type enrollment`: "Device Enrollment configuration:"
 *    and an NSDictionary description, or a one-line error;
 *  - `profiles renew -type enrollment`: nothing on success; on failure a
 *    cloud-configuration error (format UNVERIFIED, see 1.3);
 *  - `profiles status -type enrollment`: two or three "Key: value" lines.
 *
 * Parsers never run profiles; they take its captured output.
 */
#ifndef EG_PROFILES_H
#define EG_PROFILES_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* What kind of failure an output names. Append only. */
enum eg_profiles_fail {
	EG_PROFILES_FAIL_NONE = 0,
	EG_PROFILES_FAIL_CLOUD = 1,      /* "(34006) Error Domain=..." etc. */
	EG_PROFILES_FAIL_NOT_DEP = 2,    /* "Client is not DEP enabled." */
	EG_PROFILES_FAIL_TOO_SOON = 3,   /* "Request too soon." (12.3+) */
	EG_PROFILES_FAIL_APSD = 4,       /* "Bad response from apsd" */
	EG_PROFILES_FAIL_NOT_ROOT = 5,   /* "requires root privileges" */
	EG_PROFILES_FAIL_NULL = 6,       /* "configuration: (null)" */
	EG_PROFILES_FAIL_OTHER = 7,      /* some other text */
};

struct eg_profiles_error {
	enum eg_profiles_fail kind;
	long code;         /* numeric code, e.g. 34006; 0 when none */
	char text[256];    /* the first error line, control chars removed */
};

/* A subset of the activation record (the "cloud configuration"). */
struct eg_enroll_config {
	char org_name[256];
	char org_department[128];
	char org_email[128];
	char org_phone[64];
	char mdm_url[1024];       /* ConfigurationURL */
	int is_mandatory;         /* 1, 0, or -1 when absent */
	int is_supervised;
	int is_mdm_unremovable;
	int await_configured;
};

struct eg_enroll_status {
	int dep;             /* "Enrolled via DEP:" 1 yes, 0 no, -1 absent */
	int mdm;             /* "MDM enrollment:" 1 yes, 0 no, -1 absent */
	int user_approved;   /* "(User Approved)" present */
	char server[1024];   /* "MDM server:" value, "" when absent */
};

/*
 * Classify a failure text from profiles (stdout and stderr together).
 * Always fills err; kind is EG_PROFILES_FAIL_NONE when the text has no
 * recognised error and no text at all.
 */
void eg_profiles_parse_error(const char *buf, size_t len,
			     struct eg_profiles_error *err);

/*
 * Parse `profiles show -type enrollment` output into cfg.
 * Returns EG_OK with cfg filled when the record was printed;
 * EG_ERR_NOT_FOUND with err filled when the output is an error or
 * "(null)"; EG_ERR_INVALID when it is neither (diag says why).
 */
enum eg_err eg_profiles_parse_show(const char *buf, size_t len,
				   struct eg_enroll_config *cfg,   /* OUT */
				   struct eg_profiles_error *err,  /* OUT */
				   struct eg_diag *diag);

/*
 * Parse `profiles status -type enrollment`. Returns EG_OK, or
 * EG_ERR_INVALID when neither of the two expected lines is present.
 */
enum eg_err eg_profiles_parse_status(const char *buf, size_t len,
				     struct eg_enroll_status *st,  /* OUT */
				     struct eg_diag *diag);

/*
 * Read the activation record that macOS caches after a DEP check,
 * /private/var/db/ConfigurationProfiles/Settings/.cloudConfigRecordFound
 * (field-guide.md 1.2, VERIFIED as a file; its keys are taken to be the
 * record's, as `profiles show` prints them). Reading it costs nothing,
 * where `profiles show` is rate limited since 12.3. Returns EG_OK,
 * EG_ERR_NOT_FOUND when the plist holds CloudConfigFetchError (no valid
 * record, e.g. a VM), or EG_ERR_INVALID when it is not a plist dictionary.
 */
enum eg_err eg_profiles_parse_record_plist(const char *buf, size_t len,
					   struct eg_enroll_config *cfg,  /* OUT */
					   struct eg_diag *diag);

/*
 * The meaning of a cloud-configuration error code from
 * MCCloudConfigurationErrorDomain (field-guide.md 2.1), or NULL when the
 * code is not in the table.
 */
const char *eg_cloudcfg_describe(long code);

/* Copy s into out (size n) with control characters replaced by '?'. */
void eg_copy_printable(char *out, size_t n, const char *s, size_t len);

#endif
