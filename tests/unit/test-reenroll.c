#include "unit.h"

#include "reenroll.h"

static void test_jamf_pro_is_known_to_reject_expired_identities(void **state)
{
	(void)state;
	assert_true(eg_mdm_rejects_expired("https://springfield.jamfcloud.com/cloudenroll"));
	assert_true(eg_mdm_rejects_expired("https://jss.euc.it.umich.edu/cloudenroll"));
	assert_true(eg_mdm_rejects_expired("https://jss.example.com:8443/cloudenroll?x=1"));
	assert_false(eg_mdm_rejects_expired("https://mdm.example.com/mdm/enroll"));
	assert_false(eg_mdm_rejects_expired("https://evil.example.com/jamfcloud.com"));
	assert_false(eg_mdm_rejects_expired("https://x.jamfcloud.com.evil.example/enroll"));
	assert_false(eg_mdm_rejects_expired(""));
}

static void test_outcome_lines(void **state)
{
	int st;

	(void)state;
	/* field-guide.md addendum (OBSERVED ONCE) */
	assert_int_equal(eg_outcome_line(eg_str_from("CloudConfig: Error returning activation profile. Error = 500; Datasize = 0"), &st),
			 EG_OUTCOME_HTTP_STATUS);
	assert_int_equal(st, 500);
	assert_int_equal(eg_outcome_line(eg_str_from("mdmclient: [com.apple.ManagedClient:MDMDaemon] CloudConfig: Error returning activation profile. Error = 403; Datasize = 0"), &st),
			 EG_OUTCOME_HTTP_STATUS);
	assert_int_equal(st, 403);
	/* seed 002's dialog wording */
	assert_int_equal(eg_outcome_line(eg_str_from("\"Device Enrolment\" installation failed. The MDM server for your organisation returned an unexpected status (403)."), &st),
			 EG_OUTCOME_HTTP_STATUS);
	assert_int_equal(st, 403);
	/* 2.3: 23004 is HTTP 403 with a message */
	assert_int_equal(eg_outcome_line(eg_str_from("x failed to communicate with the MDM server. Error: Error Domain=DMCHTTPTransactionErrorDomain Code=23004 \"...\""), &st),
			 EG_OUTCOME_HTTP_STATUS);
	assert_int_equal(st, 403);
	assert_int_equal(eg_outcome_line(eg_str_from("Error = 42; nonsense"), &st), EG_OUTCOME_NONE);
	assert_int_equal(eg_outcome_line(eg_str_from("Retrying the request"), &st), EG_OUTCOME_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jamf_pro_is_known_to_reject_expired_identities),
		cmocka_unit_test(test_outcome_lines),
	};
	RUN(tests);
}
