/*
 * Fixtures are the texts of field-guide.md section 1; each names its
 * source there.
 */
#include "unit.h"

#include "profiles.h"

/* 1.2, N. Strauss 2020 (VERIFIED) */
static const char err_34006[] =
	"Error fetching Device Enrollment configuration: (34006) Error Domain=MCCloudConfigurationErrorDomain Code=34006 \"The cloud configuration server is unavailable.\" UserInfo={NSLocalizedDescription=The cloud configuration server is unavailable., CloudConfigurationErrorType=CloudConfigurationFatalError}\n";
/* 1.2, jKaz 2021 and a 2024 Zhihu post (OBSERVED) */
static const char err_34000[] =
	"Error fetching Device Enrollment configuration: (34000) Error Domain=MCCloudConfigurationErrorDomain Code=34000 \"The device failed to request configuration from the cloud.\" UserInfo={NSLocalizedDescription=The device failed to request configuration from the cloud., CloudConfigurationErrorType=CloudConfigurationFatalError}\n";

static void test_profiles_error_names_34006(void **state)
{
	struct eg_profiles_error e;

	(void)state;
	eg_profiles_parse_error(S(err_34006), &e);
	assert_int_equal(e.kind, EG_PROFILES_FAIL_CLOUD);
	assert_int_equal(e.code, 34006);
	assert_string_equal(eg_cloudcfg_describe(e.code),
			    "The cloud configuration server is unavailable.");
	eg_profiles_parse_error(S(err_34000), &e);
	assert_int_equal(e.code, 34000);
}

static void test_profiles_error_reads_reenroller_text_without_code(void **state)
{
	struct eg_profiles_error e;

	(void)state;
	/* Addendum, jamf/ReEnroller issue 19 (OBSERVED ONCE) */
	eg_profiles_parse_error(S("Error: DEP enrollment failed: The cloud configuration server is unavailable\n"), &e);
	assert_int_equal(e.kind, EG_PROFILES_FAIL_CLOUD);
	assert_int_equal(e.code, 34006);
}

static void test_profiles_error_kinds(void **state)
{
	struct eg_profiles_error e;

	(void)state;
	eg_profiles_parse_error(S("Error fetching Device Enrollment configuration: Client is not DEP enabled.\n"), &e);
	assert_int_equal(e.kind, EG_PROFILES_FAIL_NOT_DEP);
	eg_profiles_parse_error(S("Error fetching Device Enrollment configuration - Request too soon.  Try again later.\n"), &e);
	assert_int_equal(e.kind, EG_PROFILES_FAIL_TOO_SOON);
	eg_profiles_parse_error(S("Bad response from apsd: Connection interrupted\nError fetching Device Enrollment configuration: We can't determine if this machine is DEP enabled.  Try again later.\n"), &e);
	assert_int_equal(e.kind, EG_PROFILES_FAIL_APSD);
	eg_profiles_parse_error(S("profiles: this command requires root privileges\n"), &e);
	assert_int_equal(e.kind, EG_PROFILES_FAIL_NOT_ROOT);
	eg_profiles_parse_error(S(""), &e);
	assert_int_equal(e.kind, EG_PROFILES_FAIL_NONE);
	eg_profiles_parse_error(S("something odd\x01\n"), &e);
	assert_int_equal(e.kind, EG_PROFILES_FAIL_OTHER);
	assert_string_equal(e.text, "something odd?");
}

/* 1.2, the INFERRED whole dump (keys VERIFIED, U-M record) */
static const char show_ok[] =
	"Device Enrollment configuration:\n{\n"
	"    AllowPairing = 1;\n"
	"    AnchorCertificates =     (\n    );\n"
	"    AwaitDeviceConfigured = 1;\n"
	"    ConfigurationURL = \"https://jss.euc.it.umich.edu/cloudenroll\";\n"
	"    IsMDMUnremovable = 1;\n"
	"    IsMandatory = 1;\n"
	"    IsMultiUser = 0;\n"
	"    IsSupervised = 0;\n"
	"    OrganizationAddress = \"3003 S. State St, 7071 WOTO, , ANN ARBOR, MI 48109\";\n"
	"    OrganizationName = \"Example \\\"Org\\\"\";\n"
	"    SkipSetup =     (\n        Siri,\n        Diagnostics\n    );\n"
	"}\n";

static void test_profiles_show_reads_the_record(void **state)
{
	struct eg_enroll_config c;
	struct eg_profiles_error e;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	assert_int_equal(eg_profiles_parse_show(S(show_ok), &c, &e, &d), EG_OK);
	assert_string_equal(c.mdm_url, "https://jss.euc.it.umich.edu/cloudenroll");
	assert_string_equal(c.org_name, "Example \"Org\"");
	assert_int_equal(c.is_mandatory, 1);
	assert_int_equal(c.is_supervised, 0);
	assert_int_equal(c.await_configured, 1);
}

static void test_profiles_show_errors_are_not_records(void **state)
{
	struct eg_enroll_config c;
	struct eg_profiles_error e;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	assert_int_equal(eg_profiles_parse_show(S(err_34006), &c, &e, &d), EG_ERR_NOT_FOUND);
	assert_int_equal(e.code, 34006);
	assert_int_equal(eg_profiles_parse_show(S("Device Enrollment configuration: (null)\n"), &c, &e, &d),
			 EG_ERR_NOT_FOUND);
	assert_int_equal(e.kind, EG_PROFILES_FAIL_NULL);
	assert_int_equal(eg_profiles_parse_show(S("Device Enrollment configuration:\n"), &c, &e, &d),
			 EG_ERR_INVALID);
	assert_non_null(strstr(d.msg, "Device Enrollment configuration"));
}

static void test_profiles_status_lines(void **state)
{
	struct eg_enroll_status st;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	/* 1.1 (VERIFIED) */
	assert_int_equal(eg_profiles_parse_status(S("Enrolled via DEP: Yes\nMDM enrollment: Yes (User Approved)\nMDM server: https://mdm.example.com/mdm/ServerURL\n"), &st, &d), EG_OK);
	assert_int_equal(st.dep, 1);
	assert_int_equal(st.mdm, 1);
	assert_int_equal(st.user_approved, 1);
	assert_string_equal(st.server, "https://mdm.example.com/mdm/ServerURL");
	assert_int_equal(eg_profiles_parse_status(S("Enrolled via DEP: No\nMDM enrollment: No\n"), &st, &d), EG_OK);
	assert_int_equal(st.dep, 0);
	assert_int_equal(st.mdm, 0);
	assert_string_equal(st.server, "");
	assert_int_equal(eg_profiles_parse_status(S("There is no enrollment profile installed on this system\n"), &st, &d),
			 EG_ERR_INVALID);
}

static void test_cached_record_plist(void **state)
{
	struct eg_enroll_config c;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	assert_int_equal(eg_profiles_parse_record_plist(S(
		"<plist version=\"1.0\"><dict><key>ConfigurationURL</key><string>https://x.jamfcloud.com/cloudenroll</string>"
		"<key>OrganizationName</key><string>Org</string><key>IsMandatory</key><true/></dict></plist>"), &c, &d), EG_OK);
	assert_string_equal(c.mdm_url, "https://x.jamfcloud.com/cloudenroll");
	assert_int_equal(c.is_mandatory, 1);
	assert_int_equal(c.is_supervised, -1);
	/* 1.2: an invalid serial (a VM) caches CloudConfigFetchError */
	assert_int_equal(eg_profiles_parse_record_plist(S(
		"<plist version=\"1.0\"><dict><key>CloudConfigFetchError</key><dict><key>__Error__</key><string>x</string></dict></dict></plist>"), &c, &d),
		EG_ERR_NOT_FOUND);
	assert_int_equal(eg_profiles_parse_record_plist(S("garbage!"), &c, &d), EG_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profiles_error_names_34006),
		cmocka_unit_test(test_profiles_error_reads_reenroller_text_without_code),
		cmocka_unit_test(test_profiles_error_kinds),
		cmocka_unit_test(test_profiles_show_reads_the_record),
		cmocka_unit_test(test_profiles_show_errors_are_not_records),
		cmocka_unit_test(test_profiles_status_lines),
		cmocka_unit_test(test_cached_record_plist),
	};
	RUN(tests);
}
