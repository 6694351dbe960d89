#include "sysinfo.h"

#include <string.h>

#include "profiles.h"
#include "scan.h"
#include "banned.h"

static int take(struct eg_str line, const char *key, char *out, size_t n)
{
	struct eg_scan s;
	struct eg_str v;

	eg_scan_init(&s, line.p, line.len);
	eg_scan_blanks(&s);
	if (eg_scan_lit(&s, key))
		return 0;
	eg_scan_rest(&s, &v);
	v = eg_str_trim(v);
	eg_copy_printable(out, n, v.p, v.len);
	return 1;
}

enum eg_err eg_sysinfo_parse_sw_vers(const char *buf, size_t len,
				     struct eg_sysinfo *si,
				     struct eg_diag *diag)
{
	const char *p = buf, *end = buf + len;
	struct eg_str line;

	/*
	 * Example lines (field-guide.md 9.2, VERIFIED; any number of tabs):
	 * ProductName:\t\tmacOS
	 * ProductVersion:\t\t14.0
	 * BuildVersion:\t\t23A344
	 */
	while (eg_next_line(&p, end, &line)) {
		if (take(line, "ProductName:", si->product, sizeof(si->product)))
			continue;
		if (take(line, "ProductVersion:", si->os_version,
			 sizeof(si->os_version)))
			continue;
		(void)take(line, "BuildVersion:", si->build, sizeof(si->build));
	}
	if (!si->os_version[0])
		return eg_diag_set(diag, EG_ERR_INVALID,
				   "sw_vers printed no 'ProductVersion:' line");
	return EG_OK;
}

enum eg_err eg_sysinfo_parse_hardware(const char *buf, size_t len,
				      struct eg_sysinfo *si,
				      struct eg_diag *diag)
{
	const char *p = buf, *end = buf + len;
	struct eg_str line;

	/*
	 * Example lines (field-guide.md 9.3, VERIFIED):
	 *       Model Identifier: MacBookAir10,1
	 *       Chip: Apple M1
	 *       Serial Number (system): HXJLK79K1WFV
	 */
	while (eg_next_line(&p, end, &line)) {
		if (take(line, "Chip:", si->chip, sizeof(si->chip))) {
			memcpy(si->arch, "arm64", 6);
			continue;
		}
		if (take(line, "Processor Name:", si->chip, sizeof(si->chip))) {
			memcpy(si->arch, "x86_64", 7);
			continue;
		}
		if (take(line, "Model Identifier:", si->model, sizeof(si->model)))
			continue;
		if (take(line, "Model Name:", si->model_name,
			 sizeof(si->model_name)))
			continue;
		(void)take(line, "Serial Number (system):", si->serial,
			   sizeof(si->serial));
	}
	if (!si->serial[0])
		return eg_diag_set(diag, EG_ERR_INVALID,
				   "system_profiler printed no 'Serial Number (system):' line");
	return EG_OK;
}
