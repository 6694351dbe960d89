#include "profiles.h"

#include <string.h>

#include <plist/plist.h>

#include "catalog.h"
#include "scan.h"
#include "banned.h"

/* The table is the catalogue's (catalog.txt, `code` rows, field-guide.md 2.1). */
const char *eg_cloudcfg_describe(long code)
{
	return eg_catalog_code_text(eg_catalog_shared(), code);
}

void eg_copy_printable(char *out, size_t n, const char *s, size_t len)
{
	size_t i;

	if (n == 0)
		return;
	if (len > n - 1)
		len = n - 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	out[len] = '\0';
}

/* "(34006)" anywhere, or "Code=34006". */
static long find_code(struct eg_str line)
{
	struct eg_scan s;
	const char *q;
	uint64_t v;

	q = eg_str_find(line, "Code=");
	if (q) {
		eg_scan_init(&s, q + 5, (size_t)(line.p + line.len - q - 5));
		if (!eg_scan_uint(&s, &v, 999999))
			return (long)v;
	}
	for (q = line.p; q < line.p + line.len; q++) {
		if (*q != '(')
			continue;
		eg_scan_init(&s, q + 1, (size_t)(line.p + line.len - q - 1));
		if (!eg_scan_uint(&s, &v, 999999) && !eg_scan_ch(&s, ')') &&
		    v >= 10000)
			return (long)v;
	}
	return 0;
}

/* Map a bare description (ReEnroller's "...: The cloud configuration
 * server is unavailable") back to its code. */
static long code_from_text(struct eg_str line)
{
	size_t i;

	/* longest first, so "unavailable or busy" beats "unavailable" */
	static const long order[] = { 34007, 34004, 34005, 34008, 34003,
				      34006, 33023, 34000 };

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *t = eg_cloudcfg_describe(order[i]);
		char want[160];

		/* match without the final full stop: dialogs drop it */
		eg_copy_printable(want, sizeof(want), t, strlen(t) - 1);
		if (eg_str_find(line, want))
			return order[i];
	}
	return 0;
}

void eg_profiles_parse_error(const char *buf, size_t len,
			     struct eg_profiles_error *err)
{
	const char *p = buf, *end = buf + len;
	struct eg_str line, first = EG_STR_NULL;

	memset(err, 0, sizeof(*err));
	while (eg_next_line(&p, end, &line)) {
		line = eg_str_trim(line);
		if (!line.len)
			continue;
		if (!first.p)
			first = line;
		/*
		 * Example line (field-guide.md 1.2, VERIFIED):
		 * Error fetching Device Enrollment configuration: Client is not DEP enabled.
		 */
		if (eg_str_find(line, "Client is not DEP enabled")) {
			err->kind = EG_PROFILES_FAIL_NOT_DEP;
		} else if (eg_str_find(line, "Request too soon")) {
			err->kind = EG_PROFILES_FAIL_TOO_SOON;
		} else if (eg_str_find(line, "Bad response from apsd") ||
			   eg_str_find(line, "determine if this machine is DEP enabled")) {
			if (err->kind != EG_PROFILES_FAIL_NONE)
				continue;
			err->kind = EG_PROFILES_FAIL_APSD;
		} else if (eg_str_find(line, "requires root privileges") ||
			   eg_str_find(line, "Must be running as root")) {
			err->kind = EG_PROFILES_FAIL_NOT_ROOT;
		} else if (eg_str_find(line, "configuration: (null)")) {
			err->kind = EG_PROFILES_FAIL_NULL;
		} else if ((err->code = find_code(line)) != 0 ||
			   (err->code = code_from_text(line)) != 0) {
			err->kind = EG_PROFILES_FAIL_CLOUD;
		} else {
			continue;
		}
		eg_copy_printable(err->text, sizeof(err->text), line.p, line.len);
		return;
	}
	if (first.p) {
		err->kind = EG_PROFILES_FAIL_OTHER;
		eg_copy_printable(err->text, sizeof(err->text), first.p, first.len);
	}
}

/* Value of `Key = "value";` or `Key = value;`, unquoted, into out. */
static void dict_value(struct eg_str v, char *out, size_t n)
{
	char tmp[1024];
	size_t i, o = 0;

	v = eg_str_trim(v);
	if (v.len && v.p[v.len - 1] == ';')
		v.len--;
	if (v.len >= 2 && v.p[0] == '"' && v.p[v.len - 1] == '"') {
		v.p++;
		v.len -= 2;
	}
	for (i = 0; i < v.len && o < sizeof(tmp) - 1; i++) {
		if (v.p[i] == '\\' && i + 1 < v.len)
			i++;
		tmp[o++] = v.p[i];
	}
	eg_copy_printable(out, n, tmp, o);
}

static int dict_bool(struct eg_str v)
{
	v = eg_str_trim(v);
	if (eg_str_starts(v, "1") || eg_str_starts(v, "\"1\""))
		return 1;
	if (eg_str_starts(v, "0") || eg_str_starts(v, "\"0\""))
		return 0;
	return -1;
}

enum eg_err eg_profiles_parse_show(const char *buf, size_t len,
				   struct eg_enroll_config *cfg,
				   struct eg_profiles_error *err,
				   struct eg_diag *diag)
{
	const char *p = buf, *end = buf + len;
	struct eg_str line;
	bool header = false, open = false;
	long lineno = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->is_mandatory = cfg->is_supervised = -1;
	cfg->is_mdm_unremovable = cfg->await_configured = -1;
	memset(err, 0, sizeof(*err));

	eg_profiles_parse_error(buf, len, err);
	if (err->kind != EG_PROFILES_FAIL_NONE &&
	    err->kind != EG_PROFILES_FAIL_OTHER)
		return EG_ERR_NOT_FOUND;

	/*
	 * Example lines (field-guide.md 1.2; layout INFERRED, keys VERIFIED):
	 * Device Enrollment configuration:
	 * {
	 *     ConfigurationURL = "https://jss.euc.it.umich.edu/cloudenroll";
	 *     IsMandatory = 1;
	 */
	while (eg_next_line(&p, end, &line)) {
		struct eg_scan s;
		struct eg_str key, val;

		lineno++;
		if (eg_str_starts(line, "Device Enrollment configuration:")) {
			header = true;
			continue;
		}
		if (eg_str_eq(eg_str_trim(line), "{")) {
			open = true;
			continue;
		}
		eg_scan_init(&s, line.p, line.len);
		eg_scan_blanks(&s);
		if (eg_scan_until(&s, '=', &key, 64) || eg_scan_ch(&s, '='))
			continue;
		eg_scan_rest(&s, &val);
		key = eg_str_trim(key);
		if (eg_str_eq(key, "OrganizationName"))
			dict_value(val, cfg->org_name, sizeof(cfg->org_name));
		else if (eg_str_eq(key, "OrganizationDepartment"))
			dict_value(val, cfg->org_department, sizeof(cfg->org_department));
		else if (eg_str_eq(key, "OrganizationEmail"))
			dict_value(val, cfg->org_email, sizeof(cfg->org_email));
		else if (eg_str_eq(key, "OrganizationPhone"))
			dict_value(val, cfg->org_phone, sizeof(cfg->org_phone));
		else if (eg_str_eq(key, "ConfigurationURL"))
			dict_value(val, cfg->mdm_url, sizeof(cfg->mdm_url));
		else if (eg_str_eq(key, "IsMandatory"))
			cfg->is_mandatory = dict_bool(val);
		else if (eg_str_eq(key, "IsSupervised"))
			cfg->is_supervised = dict_bool(val);
		else if (eg_str_eq(key, "IsMDMUnremovable"))
			cfg->is_mdm_unremovable = dict_bool(val);
		else if (eg_str_eq(key, "AwaitDeviceConfigured"))
			cfg->await_configured = dict_bool(val);
	}
	if (header && open)
		return EG_OK;
	if (header)
		return eg_diag_set(diag, EG_ERR_INVALID,
				   "'Device Enrollment configuration:' without a record");
	if (err->kind == EG_PROFILES_FAIL_OTHER)
		return EG_ERR_NOT_FOUND;
	return eg_diag_set(diag, EG_ERR_INVALID,
			   "no 'Device Enrollment configuration:' record in %ld lines",
			   lineno);
}

static int yes_no(struct eg_str v, int *approved)
{
	v = eg_str_trim(v);
	if (eg_str_starts(v, "Yes")) {
		if (approved && eg_str_find(v, "(User Approved)"))
			*approved = 1;
		return 1;
	}
	if (eg_str_starts(v, "No"))
		return 0;
	return -1;
}

enum eg_err eg_profiles_parse_status(const char *buf, size_t len,
				     struct eg_enroll_status *st,
				     struct eg_diag *diag)
{
	const char *p = buf, *end = buf + len;
	struct eg_str line;

	memset(st, 0, sizeof(*st));
	st->dep = st->mdm = -1;
	/*
	 * Example lines (field-guide.md 1.1, VERIFIED):
	 * Enrolled via DEP: No
	 * MDM enrollment: Yes (User Approved)
	 * MDM server: https://example.com/mdm/ServerURL
	 */
	while (eg_next_line(&p, end, &line)) {
		struct eg_scan s;
		struct eg_str rest;

		eg_scan_init(&s, line.p, line.len);
		if (!eg_scan_lit(&s, "Enrolled via DEP:")) {
			eg_scan_rest(&s, &rest);
			st->dep = yes_no(rest, NULL);
		} else if (!eg_scan_lit(&s, "MDM enrollment:")) {
			eg_scan_rest(&s, &rest);
			st->mdm = yes_no(rest, &st->user_approved);
		} else if (!eg_scan_lit(&s, "MDM server:")) {
			eg_scan_rest(&s, &rest);
			rest = eg_str_trim(rest);
			eg_copy_printable(st->server, sizeof(st->server),
					  rest.p, rest.len);
		}
	}
	if (st->dep < 0 && st->mdm < 0)
		return eg_diag_set(diag, EG_ERR_INVALID,
				   "expected 'Enrolled via DEP:' and 'MDM enrollment:' lines");
	return EG_OK;
}

static void record_str(plist_t d, const char *key, char *out, size_t n)
{
	plist_t v = plist_dict_get_item(d, key);
	uint64_t len = 0;
	const char *s;

	if (!v || plist_get_node_type(v) != PLIST_STRING)
		return;
	s = plist_get_string_ptr(v, &len);
	if (s)
		eg_copy_printable(out, n, s, (size_t)len);
}

static int record_bool(plist_t d, const char *key)
{
	plist_t v = plist_dict_get_item(d, key);
	uint8_t b = 0;
	uint64_t u = 0;

	if (!v)
		return -1;
	if (plist_get_node_type(v) == PLIST_BOOLEAN) {
		plist_get_bool_val(v, &b);
		return b;
	}
	if (plist_get_node_type(v) == PLIST_UINT) {
		plist_get_uint_val(v, &u);
		return u != 0;
	}
	return -1;
}

enum eg_err eg_profiles_parse_record_plist(const char *buf, size_t len,
					   struct eg_enroll_config *cfg,
					   struct eg_diag *diag)
{
	plist_t root = NULL;
	enum eg_err rc = EG_OK;

	memset(cfg, 0, sizeof(*cfg));
	cfg->is_mandatory = cfg->is_supervised = -1;
	cfg->is_mdm_unremovable = cfg->await_configured = -1;
	if (len >= 8 && len < 0x7fffffff)
		plist_from_memory(buf, (uint32_t)len, &root);
	if (!root || plist_get_node_type(root) != PLIST_DICT) {
		rc = eg_diag_set(diag, EG_ERR_INVALID, "not a property list dictionary");
	} else if (plist_dict_get_item(root, "CloudConfigFetchError")) {
		rc = eg_diag_set(diag, EG_ERR_NOT_FOUND,
				 "the cached record is a CloudConfigFetchError (no valid record)");
	} else {
		record_str(root, "ConfigurationURL", cfg->mdm_url, sizeof(cfg->mdm_url));
		record_str(root, "OrganizationName", cfg->org_name, sizeof(cfg->org_name));
		record_str(root, "OrganizationEmail", cfg->org_email, sizeof(cfg->org_email));
		cfg->is_mandatory = record_bool(root, "IsMandatory");
		cfg->is_supervised = record_bool(root, "IsSupervised");
		cfg->is_mdm_unremovable = record_bool(root, "IsMDMUnremovable");
		cfg->await_configured = record_bool(root, "AwaitDeviceConfigured");
	}
	if (root)
		plist_free(root);
	return rc;
}
