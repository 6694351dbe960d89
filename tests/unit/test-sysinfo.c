/* Fixtures: field-guide.md 9.2 and 9.3. */
#include "unit.h"

#include "sysinfo.h"

static void test_sw_vers_two_tabs_and_one(void **state)
{
	struct eg_sysinfo si;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	memset(&si, 0, sizeof(si));
	assert_int_equal(eg_sysinfo_parse_sw_vers(S("ProductName:\t\tmacOS\nProductVersion:\t\t14.0\nBuildVersion:\t\t23A344\n"), &si, &d), EG_OK);
	assert_string_equal(si.product, "macOS");
	assert_string_equal(si.os_version, "14.0");
	assert_string_equal(si.build, "23A344");
	memset(&si, 0, sizeof(si));
	assert_int_equal(eg_sysinfo_parse_sw_vers(S("ProductName:\tMac OS X\nProductVersion:\t10.15.7\nBuildVersion:\t19H15\n"), &si, &d), EG_OK);
	assert_string_equal(si.os_version, "10.15.7");
	memset(&si, 0, sizeof(si));
	assert_int_equal(eg_sysinfo_parse_sw_vers(S("garbage\n"), &si, &d), EG_ERR_INVALID);
}

static void test_system_profiler_apple_silicon(void **state)
{
	struct eg_sysinfo si;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	memset(&si, 0, sizeof(si));
	/* 9.3, real paste (VERIFIED) */
	assert_int_equal(eg_sysinfo_parse_hardware(S(
		"Hardware:\n\n    Hardware Overview:\n\n"
		"      Model Name: MacBook Air\n      Model Identifier: MacBookAir10,1\n"
		"      Model Number: MGN63ZP/A\n      Chip: Apple M1\n"
		"      Total Number of Cores: 8 (4 performance and 4 efficiency)\n"
		"      Memory: 8 GB\n      System Firmware Version: 10151.61.4\n"
		"      OS Loader Version: 10151.61.4\n"
		"      Serial Number (system): HXJLK79K1WFV\n"
		"      Hardware UUID: 27CFFAFB-E654-56DD-9DD4-F68E02FEF875\n"
		"      Provisioning UDID: 00008103-0006645E3468A01E\n"
		"      Activation Lock Status: Enabled\n\n"), &si, &d), EG_OK);
	assert_string_equal(si.serial, "HXJLK79K1WFV");
	assert_string_equal(si.model, "MacBookAir10,1");
	assert_string_equal(si.model_name, "MacBook Air");
	assert_string_equal(si.arch, "arm64");
	assert_string_equal(si.chip, "Apple M1");
}

static void test_system_profiler_intel_and_missing_serial(void **state)
{
	struct eg_sysinfo si;
	struct eg_diag d = EG_DIAG_INIT;

	(void)state;
	memset(&si, 0, sizeof(si));
	assert_int_equal(eg_sysinfo_parse_hardware(S(
		"      Model Identifier: MacBookPro16,2\n"
		"      Processor Name: Quad-Core Intel Core i5\n"
		"      Serial Number (system): C02ZK0AAMD6M\n"), &si, &d), EG_OK);
	assert_string_equal(si.arch, "x86_64");
	memset(&si, 0, sizeof(si));
	assert_int_equal(eg_sysinfo_parse_hardware(S("Hardware:\n"), &si, &d), EG_ERR_INVALID);
	assert_non_null(strstr(d.msg, "Serial Number"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sw_vers_two_tabs_and_one),
		cmocka_unit_test(test_system_profiler_apple_silicon),
		cmocka_unit_test(test_system_profiler_intel_and_missing_serial),
	};
	RUN(tests);
}
