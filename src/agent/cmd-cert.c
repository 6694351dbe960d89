/*
 * cmd-cert.c: `enrollguard cert`: expiry, issuer and verdict of the push
 * certificate (the apsd keychain, read through /usr/bin/security) or of
 * PEM/DER files, and what an expired push identity means for re-enrollment.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "certsrc.h"
#include "cmd.h"
#include "json.h"
#include "mac.h"
#include "timefmt.h"
#include "usage.h"
#include "banned.h"

struct cert_opts {
	char *keychain;
	bool json;
	uint64_t warn_days;
};

static const struct eg_opt cert_table[] = {
	{ "keychain", "-", EG_OPT_PATH, 0, 0, "/Library/Keychains/apsd.keychain", NULL,
	  "PATH", "keychain to read through security (a path on the Mac)",
	  offsetof(struct cert_opts, keychain) },
	{ "json", "-", EG_OPT_BOOL, 0, 0, "false", NULL, "", "print JSON",
	  offsetof(struct cert_opts, json) },
	{ "warn-days", "-", EG_OPT_UINT, 0, 3650, "30", NULL, "N",
	  "call a certificate expiring within N days 'expiring'",
	  offsetof(struct cert_opts, warn_days) },
};

#define MAXFILES 64

static void day(int64_t ms, char *out, size_t n)
{
	eg_format_iso(ms, out, n);
}

static void print_cert(const struct eg_cert *c, int64_t now, int warn)
{
	char a[40], b[40];
	long days;
	enum eg_cert_verdict v = eg_cert_verdict(c, now, warn, &days);
	const char *why = certsrc_consequence(c, v);

	day(c->not_before_ms, a, sizeof(a));
	day(c->not_after_ms, b, sizeof(b));
	printf("  subject:     %s\n  issuer:      %s%s\n  serial:      %s\n"
	       "  SHA-1:       %s\n  SHA-256:     %s\n  not before:  %s\n  not after:   %s\n",
	       c->subject, c->issuer, c->apple_device_ca ? " (Apple iPhone Device CA)" : "",
	       c->serial, c->sha1, c->sha256, a, b);
	if (v == EG_CERT_EXPIRED)
		printf("  verdict:     expired, %ld days ago\n", -days);
	else
		printf("  verdict:     %s, %ld days left\n", eg_cert_verdict_name(v), days);
	if (why[0])
		printf("  consequence: %s\n", why);
}

/* One certificate as the next element of w's open array. */
static void json_cert(struct eg_jw *w, const struct eg_cert *c, int64_t now, int warn)
{
	char a[40], z[40];
	long days;
	enum eg_cert_verdict v = eg_cert_verdict(c, now, warn, &days);

	day(c->not_before_ms, a, sizeof(a));
	day(c->not_after_ms, z, sizeof(z));
	eg_jw_elem(w);
	eg_jw_str(w, "subject", c->subject);
	eg_jw_str(w, "issuer", c->issuer);
	eg_jw_bool(w, "apple_iphone_device_ca", c->apple_device_ca);
	eg_jw_str(w, "serial", c->serial);
	eg_jw_str(w, "sha1", c->sha1);
	eg_jw_str(w, "sha256", c->sha256);
	eg_jw_str(w, "not_before", a);
	eg_jw_str(w, "not_after", z);
	eg_jw_int(w, "days_left", days);
	eg_jw_str(w, "verdict", eg_cert_verdict_name(v));
	eg_jw_str(w, "consequence", certsrc_consequence(c, v));
	eg_jw_end(w);
}

static int worst(const struct certsrc *s, int64_t now, int warn)
{
	int i, rc = EG_EXIT_OK;
	long days;

	if (s->error[0])
		return EG_EXIT_ENV;
	for (i = 0; i < s->n; i++)
		if (eg_cert_verdict(&s->certs[i], now, warn, &days) != EG_CERT_OK)
			rc = 1;
	return rc;
}

static int cmd_cert_exec(void *state, const struct eg_cmd_ctx *c)
{
	static struct certsrc srcs[MAXFILES];
	const struct cert_opts *o = state;
	int nsrc, i, j, rc = EG_EXIT_OK;
	int64_t now = mac_wall_ms();
	struct eg_buf b = EG_BUF_INIT(4 * 1024 * 1024);
	struct eg_jw w;

	if (c->nargs && c->set[0])
		die(EG_EXIT_USAGE, "give either --keychain or files, not both");
	if (c->nargs) {
		for (i = 0; i < c->nargs; i++)
			certsrc_file(c->args[i], &srcs[i]);
		nsrc = c->nargs;
	} else {
		certsrc_keychain(c->g, o->keychain, &srcs[0]);
		nsrc = 1;
	}
	for (i = 0; i < nsrc; i++) {
		int r = worst(&srcs[i], now, (int)o->warn_days);

		if (r > rc)
			rc = r;
		if (srcs[i].error[0])
			error("%s", srcs[i].error);
	}
	if (o->json) {
		eg_jw_begin(&w, &b);
		eg_jw_int(&w, "warn_days", (int64_t)o->warn_days);
		eg_jw_array(&w, "sources");
		for (i = 0; i < nsrc; i++) {
			eg_jw_elem(&w);
			eg_jw_str(&w, "source", srcs[i].name);
			eg_jw_str(&w, "error", srcs[i].error);
			eg_jw_int(&w, "unreadable_blocks", srcs[i].skipped);
			eg_jw_array(&w, "certificates");
			for (j = 0; j < srcs[i].n; j++)
				json_cert(&w, &srcs[i].certs[j], now, (int)o->warn_days);
			eg_jw_end(&w);
			eg_jw_end(&w);
		}
		eg_jw_end(&w);
		eg_jw_end(&w);
		printf("%s\n", b.buf);
		goto out;
	}
	for (i = 0; i < nsrc; i++) {
		if (srcs[i].error[0])
			continue;
		printf("%s: %d certificate%s%s\n", srcs[i].name, srcs[i].n,
		       srcs[i].n == 1 ? "" : "s",
		       srcs[i].skipped ? " (and unreadable blocks, skipped)" : "");
		for (j = 0; j < srcs[i].n; j++) {
			if (j)
				printf("\n");
			print_cert(&srcs[i].certs[j], now, (int)o->warn_days);
		}
	}
out:
	eg_buf_release(&b);
	return rc;
}

const struct eg_cmd eg_cmd_cert = {
	.name = "cert",
	.usage = "cert [--keychain PATH | FILE ...] [--json] [--warn-days N]",
	.summary = "expiry and verdict of the push certificate or of PEM/DER files",
	.about = "Show each certificate's subject, issuer, serial, fingerprints, validity\n"
		 "and verdict (ok, expiring, expired), from the apsd keychain or PEM/DER files.",
	.opts = cert_table,
	.nopts = EG_NROWS(cert_table),
	.state_size = sizeof(struct cert_opts),
	.maxargs = MAXFILES,
	.exec = cmd_cert_exec,
};
