#include "cert.h"

#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "profiles.h"
#include "scan.h"
#include "timefmt.h"
#include "banned.h"

static void name_text(const X509_NAME *n, char *out, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL;
	long l;

	out[0] = '\0';
	if (!b)
		return;
	X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	l = BIO_get_mem_data(b, &p);
	if (l > 0)
		eg_copy_printable(out, len, p, (size_t)l);
	BIO_free(b);
}

static int64_t asn1_ms(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return (eg_days_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
				   (unsigned)tm.tm_mday) * 86400 +
		tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec) * 1000;
}

static void digest_hex(X509 *x, const EVP_MD *md, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	out[0] = '\0';
	if (!X509_digest(x, md, d, &n) || 2 * (size_t)n + 1 > len)
		return;
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static void fill(X509 *x, struct eg_cert *c)
{
	const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
	X509_NAME *iss = X509_get_issuer_name(x);
	int idx;

	memset(c, 0, sizeof(*c));
	name_text(X509_get_subject_name(x), c->subject, sizeof(c->subject));
	name_text(iss, c->issuer, sizeof(c->issuer));
	idx = X509_NAME_get_index_by_NID(iss, NID_commonName, -1);
	if (idx >= 0) {
		ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(iss, idx));

		eg_copy_printable(c->issuer_cn, sizeof(c->issuer_cn),
				  (const char *)ASN1_STRING_get0_data(s),
				  (size_t)ASN1_STRING_length(s));
	}
	c->apple_device_ca = !strcmp(c->issuer_cn, EG_APPLE_DEVICE_CA);
	if (sn) {
		static const char hex[] = "0123456789ABCDEF";
		const unsigned char *d = ASN1_STRING_get0_data(sn);
		int i, n = ASN1_STRING_length(sn);

		for (i = 0; i < n && 2 * i + 2 < (int)sizeof(c->serial); i++) {
			c->serial[2 * i] = hex[d[i] >> 4];
			c->serial[2 * i + 1] = hex[d[i] & 15];
		}
	}
	digest_hex(x, EVP_sha1(), c->sha1, sizeof(c->sha1));
	digest_hex(x, EVP_sha256(), c->sha256, sizeof(c->sha256));
	c->not_before_ms = asn1_ms(X509_get0_notBefore(x));
	c->not_after_ms = asn1_ms(X509_get0_notAfter(x));
}

static const char pem_begin[] = "-----BEGIN CERTIFICATE-----";
static const char pem_end[] = "-----END CERTIFICATE-----";

int eg_cert_parse(const char *buf, size_t len, struct eg_cert *certs,
		  int max, int *skipped, struct eg_diag *diag)
{
	struct eg_str all = { buf, len };
	const char *p = buf, *end = buf + len;
	int n = 0;

	*skipped = 0;
	if (!eg_str_find(all, "-----BEGIN ")) {
		/* DER: one certificate */
		const unsigned char *q = (const unsigned char *)buf;
		X509 *x;

		if (len > 0x7fffffff)
			return eg_diag_set(diag, EG_ERR_TOO_LARGE, "input too large"), -1;
		x = d2i_X509(NULL, &q, (long)len);
		if (!x)
			return eg_diag_set(diag, EG_ERR_INVALID,
					   "neither PEM nor a DER certificate"), -1;
		if (max > 0)
			fill(x, &certs[n++]);
		X509_free(x);
		return n;
	}
	/*
	 * Example lines (field-guide.md 8.1, VERIFIED from SecurityTool):
	 * SHA-256 hash: 3F1C...(64 hex)
	 * -----BEGIN CERTIFICATE-----
	 * Blocks of other types (keys) are skipped; broken blocks counted.
	 */
	while (p < end) {
		struct eg_str rest = { p, (size_t)(end - p) };
		const char *b = eg_str_find(rest, pem_begin), *e;
		BIO *bio;
		X509 *x;

		if (!b)
			break;
		rest.p = b;
		rest.len = (size_t)(end - b);
		e = eg_str_find(rest, pem_end);
		if (!e) {
			(*skipped)++;   /* truncated */
			break;
		}
		e += sizeof(pem_end) - 1;
		bio = BIO_new_mem_buf(b, (int)(e - b));
		x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
		if (x && n < max)
			fill(x, &certs[n++]);
		else if (!x)
			(*skipped)++;
		X509_free(x);
		BIO_free(bio);
		p = e;
	}
	if (n == 0 && *skipped == 0)
		return eg_diag_set(diag, EG_ERR_INVALID,
				   "no '%s' block", pem_begin), -1;
	return n;
}

enum eg_cert_verdict eg_cert_verdict(const struct eg_cert *c, int64_t now_ms,
				     int warn_days, long *days)
{
	int64_t left = c->not_after_ms - now_ms;

	/* whole days, rounded toward the past for expired certificates */
	*days = (long)(left >= 0 ? left / 86400000 : -((-left + 86399999) / 86400000));
	if (now_ms < c->not_before_ms)
		return EG_CERT_NOT_YET_VALID;
	if (left < 0)
		return EG_CERT_EXPIRED;
	if (left < (int64_t)warn_days * 86400000)
		return EG_CERT_EXPIRING;
	return EG_CERT_OK;
}

const char *eg_cert_verdict_name(enum eg_cert_verdict v)
{
	switch (v) {
	case EG_CERT_OK: return "ok";
	case EG_CERT_EXPIRING: return "expiring";
	case EG_CERT_EXPIRED: return "expired";
	case EG_CERT_NOT_YET_VALID: return "not-yet-valid";
	}
	return "unknown";
}
