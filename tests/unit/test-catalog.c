/*
 * The catalogue: every signature's real example gives its own finding,
 * bad rows are refused with file, line and field, and the man page's
 * list of findings is the table's (generated from it: see
 * man_block(); on a mismatch the expected block is written to
 * catalog-man.expected in the build directory).
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "catalog.h"
#include "diagnose.h"
#include "logread.h"
#include "profiles.h"

static const struct eg_logwindow open_window = { 0, 0, NULL };

/* The example with its "\n" as line breaks, read as explain reads a file. */
static struct eg_diagnosis *read_example(const struct eg_catalog *c, const char *ex)
{
	struct eg_diagnosis *d = eg_diagnose_new_with(c);
	char buf[4096];
	size_t o = 0;
	const char *p, *end;
	struct eg_logread r;
	struct eg_str line;

	for (p = ex; *p && o + 1 < sizeof(buf); p++) {
		if (p[0] == '\\' && p[1] == 'n') {
			buf[o++] = '\n';
			p++;
		} else {
			buf[o++] = *p;
		}
	}
	buf[o] = '\0';
	eg_logread_init(&r, d, &open_window);
	for (p = buf, end = buf + o; eg_next_line(&p, end, &line);)
		eg_logread_line(&r, line);
	eg_logread_end(&r);
	eg_logread_release(&r);
	eg_diagnose_finish(d);
	return d;
}

static void test_the_built_in_catalogue_loads_with_the_enum_order(void **state)
{
	static const char *const ids[EG_F__COUNT] = {
		"ucrt.blocked.thermal", "ucrt.blocked.battery", "ucrt.blocked.network",
		"ucrt.blocked.other", "ucrt.acquired", "ucrt.unavailable",
		"cloudconfig.retries_exhausted", "cloudconfig.error", "cloudconfig.rate_limited",
		"dep.not_assigned", "dep.api_error", "apns.unreachable", "mdm.http_status",
		"mdm.device_cert_rejected", "mdm.command_rejected", "mdm.apns_cert_expired",
		"setup.no_remote_management", "setup.activation_record_stuck", "unrecognized.error",
		"ucrt.virtual_machine", "ucrt.refused", "cloudconfig.fetched",
	};
	struct eg_diag dg = EG_DIAG_INIT;
	struct eg_catalog *c = eg_catalog_builtin(&dg);
	int i;

	(void)state;
	if (!c)
		fail_msg("%s", dg.msg);
	assert_true(c->nfindings >= EG_F__COUNT);
	for (i = 0; i < EG_F__COUNT; i++)
		assert_string_equal(c->findings[i].id, ids[i]);
	assert_true(c->nsigs > 60);
	eg_catalog_free(c);
}

static void test_every_example_gives_its_own_rows_finding(void **state)
{
	struct eg_catalog *c = eg_catalog_builtin(NULL);
	int i, k, checked = 0;

	(void)state;
	for (i = 0; i < c->nsigs; i++) {
		const struct eg_cat_sig *s = &c->sigs[i];
		struct eg_diagnosis *d;

		if (!s->example)
			continue;      /* enrollguard's own event types */
		d = read_example(c, s->example);
		if (s->finding >= 0) {
			if (!d->findings[s->finding].seen)
				fail_msg("%s:%ld: signature %s: its example gives no %s", s->file, s->line,
					 s->name, c->findings[s->finding].id);
			if (d->findings[s->finding].sig != i && s->kind != EG_SIG_DASD)
				fail_msg("%s:%ld: signature %s: its example is taken by signature %s",
					 s->file, s->line, s->name,
					 d->findings[s->finding].sig >= 0 ?
					 c->sigs[d->findings[s->finding].sig].name : "(none)");
		}
		/* a known harmless line, or a row's own line: never "unrecognized" */
		if (d->findings[EG_F_UNRECOGNIZED_ERROR].seen)
			fail_msg("%s:%ld: signature %s: its example is also unrecognized: %s", s->file,
				 s->line, s->name, d->quotes[0].text);
		for (k = 0; s->finding < 0 && k < d->nfindings; k++)
			if (d->findings[k].seen && d->findings[k].severity == EG_SEV_FAILURE)
				fail_msg("signature %s: a known harmless line gave %s", s->name,
					 c->findings[k].id);
		eg_diagnose_free(d);
		checked++;
	}
	assert_true(checked > 55);
	eg_catalog_free(c);
}

static void expect_error(const char *text, const char *want)
{
	struct eg_catalog *c = eg_catalog_new();
	struct eg_diag dg = EG_DIAG_INIT;
	enum eg_err rc = eg_catalog_load(c, "site.sig", text, strlen(text), &dg);

	if (rc == EG_OK)
		rc = eg_catalog_finish(c, &dg);
	assert_int_equal(rc, EG_ERR_INVALID);
	if (!strstr(dg.msg, want))
		fail_msg("'%s' lacks '%s'", dg.msg, want);
	eg_catalog_free(c);
}

static void test_bad_rows_name_file_line_and_field(void **state)
{
	(void)state;
	expect_error("finding a.b\nseverity fatal\n", "site.sig:2: field 'severity': 'fatal' is not info, warning or failure");
	expect_error("finding a.b\ncause x\n", "site.sig:1: field 'next': is missing");
	expect_error("\n\nsignature s\nliteral abc\n", "site.sig:4: field 'literal': 'abc' is shorter than 4 bytes");
	expect_error("signature s\nliteral abcd\nfinding nope\ntimeline t\nexample e\nsource x\n",
		     "site.sig:1: field 'finding': 'nope' is no finding row");
	expect_error("signature s\nliteral abcd\nfinding -\n", "site.sig:1: field 'example': is missing");
	expect_error("signature s\nliteral abcd\nfinding -\nexample e\n", "site.sig:1: field 'source': is missing");
	expect_error("signature s\nlitteral abcd\n", "site.sig:2: field 'litteral': is not a field of a signature row");
	expect_error("cause x\n", "site.sig:1: field 'cause': does not start a row");
	expect_error("finding a.b\ncause {oops}\n", "site.sig:2: field 'cause': '{oops}' is not a placeholder");
	expect_error("signature s\nliteral \"abcd\n", "site.sig:2: field 'literal': a quote is not closed");
	expect_error("finding a.b\ncause x\nnext y\ncleared-by c.d\n", "site.sig:1: field 'cleared-by': 'c.d' is no finding");
	expect_error("code 3400x\n", "site.sig:1: field 'code': '3400x' is not a number");
	expect_error("signature s\nevent no.such\nfinding -\n", "site.sig:1: field 'event': 'no.such' is no event type");
	expect_error("signature s\nliteral abcd\nstatus after\n", "site.sig:3: field 'status'");
}

/* A site's rows: a finding of its own, recognised in a real line. */
static void test_a_site_adds_a_signature_without_a_compiler(void **state)
{
	static const char site[] =
		"# our proxy's block page\n"
		"finding site.proxy_blocked\n"
		"severity failure\n"
		"cause the site's proxy blocked {detail}\n"
		"next allow it in the proxy\n"
		"\n"
		"signature site.proxy\n"
		"literal \"BLOCKED by proxy \"\n"
		"finding site.proxy_blocked\n"
		"detail Apple's enrollment host\n"
		"timeline the proxy blocked enrollment\n"
		"example mdmclient: BLOCKED by proxy iprofiles.apple.com\n"
		"source our proxy's log\n";
	struct eg_catalog *c = eg_catalog_new();
	struct eg_diag dg = EG_DIAG_INIT;
	struct eg_diagnosis *d;
	char s[512], n[512];
	int id;

	(void)state;
	assert_int_equal(eg_catalog_load(c, "built-in", eg_catalog_builtin_text,
					 strlen(eg_catalog_builtin_text), &dg), EG_OK);
	assert_int_equal(eg_catalog_load(c, "site.sig", site, sizeof(site) - 1, &dg), EG_OK);
	assert_int_equal(eg_catalog_finish(c, &dg), EG_OK);
	id = eg_catalog_finding(c, "site.proxy_blocked");
	assert_true(id >= EG_F__COUNT);
	d = read_example(c, "2020-08-06 09:58:35.445081-0700 0x2f3a     Default     0x0                  412    0    mdmclient: [com.apple.ManagedClient:MDMDaemon] BLOCKED by proxy iprofiles.apple.com");
	assert_true(d->findings[id].seen);
	eg_finding_explain(d, id, s, sizeof(s), n, sizeof(n));
	assert_string_equal(s, "the site's proxy blocked Apple's enrollment host");
	assert_string_equal(n, "allow it in the proxy");
	eg_diagnose_free(d);
	assert_int_equal(eg_logread_check_examples(c, 0, &dg), EG_OK);
	eg_catalog_free(c);

	/* an example its row does not recognise is refused, by file, line and field */
	c = eg_catalog_new();
	assert_int_equal(eg_catalog_load(c, "built-in", eg_catalog_builtin_text,
					 strlen(eg_catalog_builtin_text), &dg), EG_OK);
	assert_int_equal(eg_catalog_load(c, "site.sig", site, sizeof(site) - 1, &dg), EG_OK);
	assert_int_equal(eg_catalog_finish(c, &dg), EG_OK);
	c->sigs[c->nsigs - 1].example = "mdmclient: allowed by proxy iprofiles.apple.com";
	assert_int_equal(eg_logread_check_examples(c, c->nsigs - 1, &dg), EG_ERR_INVALID);
	if (!strstr(dg.msg, "site.sig:7: field 'example': it gives no site.proxy_blocked"))
		fail_msg("%s", dg.msg);
	eg_catalog_free(c);
}

static void test_the_code_table_is_the_catalogues(void **state)
{
	struct eg_catalog *c = eg_catalog_builtin(NULL);
	int i;

	(void)state;
	/* profiles' describe reads the catalogue's code rows, each of them */
	assert_true(c->ncodes >= 20);
	for (i = 0; i < c->ncodes; i++) {
		const char *t = eg_cloudcfg_describe(c->codes[i].code);

		if (!t || strcmp(t, eg_catalog_code_text(c, c->codes[i].code)))
			fail_msg("code %ld: profiles says '%s', the catalogue '%s'", c->codes[i].code,
				 t ? t : "(nothing)", c->codes[i].text);
	}
	assert_string_equal(eg_cloudcfg_describe(34006), "The cloud configuration server is unavailable.");
	assert_non_null(eg_cloudcfg_describe(34011));
	/* a code no row names has no text: the line's own message is used */
	assert_null(eg_cloudcfg_describe(34999));
	assert_null(eg_cloudcfg_describe(0));
	eg_catalog_free(c);
}

/* mdoc text: a line must not start with '.' or '\'', a backslash is \e. */
static void mdoc(FILE *f, const char *t)
{
	if (*t == '.' || *t == '\'')
		fputs("\\&", f);
	for (; *t; t++) {
		if (*t == '\\')
			fputs("\\e", f);
		else
			fputc(*t, f);
	}
	fputc('\n', f);
}

/* The man page's findings list, as the table makes it. */
static void man_block(const struct eg_catalog *c, FILE *f)
{
	int i, k;

	fputs(".\\\" BEGIN findings: generated from src/core/catalog.txt (test-catalog)\n", f);
	fputs(".Bl -tag -width Ds\n", f);
	for (i = 0; i < c->nfindings; i++) {
		const struct eg_cat_finding *r = &c->findings[i];
		int n = 0;

		fprintf(f, ".It Li %s\n", r->id);
		fprintf(f, "(%s)\n", eg_severity_name(r->severity));
		mdoc(f, r->cause);
		for (k = 0; k < r->nclears; k++)
			fprintf(f, "%s%s", k ? ", " : "A warning once a later ", c->findings[r->clears[k]].id);
		if (r->nclears)
			fputs(" clears it.\n", f);
		fputs("Next:\n", f);
		mdoc(f, r->next);
		for (k = 0; k < c->nsigs; k++)
			if (c->sigs[k].finding == i)
				fprintf(f, "%s%s", n++ ? ", " : "Signatures:\n.Li ", c->sigs[k].name);
		if (n)
			fputs("\n", f);
	}
	fputs(".El\n.\\\" END findings\n", f);
}

static void test_the_man_page_lists_the_tables_findings(void **state)
{
	struct eg_catalog *c = eg_catalog_builtin(NULL);
	char *want = NULL, *page;
	size_t wlen = 0, plen;
	FILE *f = open_memstream(&want, &wlen), *m;
	const char *b, *e;

	(void)state;
	man_block(c, f);
	fclose(f);
	m = fopen(SRCDIR "/docs/enrollguard.8", "r");
	assert_non_null(m);
	page = calloc(1, 1 << 20);
	plen = fread(page, 1, (1 << 20) - 1, m);
	fclose(m);
	page[plen] = '\0';
	b = strstr(page, ".\\\" BEGIN findings");
	e = b ? strstr(b, ".\\\" END findings\n") : NULL;
	if (!b || !e || (size_t)(e + strlen(".\\\" END findings\n") - b) != wlen || memcmp(b, want, wlen)) {
		FILE *o = fopen("catalog-man.expected", "w");

		if (o) {
			fwrite(want, 1, wlen, o);
			fclose(o);
		}
		fail_msg("docs/enrollguard.8's findings are not the table's: the expected block is in catalog-man.expected (build/tests)");
	}
	free(page);
	free(want);
	eg_catalog_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_built_in_catalogue_loads_with_the_enum_order),
		cmocka_unit_test(test_every_example_gives_its_own_rows_finding),
		cmocka_unit_test(test_bad_rows_name_file_line_and_field),
		cmocka_unit_test(test_a_site_adds_a_signature_without_a_compiler),
		cmocka_unit_test(test_the_code_table_is_the_catalogues),
		cmocka_unit_test(test_the_man_page_lists_the_tables_findings),
	};
	RUN(tests);
}
