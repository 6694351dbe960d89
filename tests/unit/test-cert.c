/*
 * Certificates generated at test time with OpenSSL's API: a test CA named
 * "Apple iPhone Device CA" (the real one expired in 2014, field-guide.md
 * 8.2) and leaves that are valid, expiring and expired, as PEM, DER and
 * the `security find-certificate -a -p -Z` layout (8.1).
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "buf.h"
#include "cert.h"

#define DAY 86400000LL
static const int64_t now = 1763856000000LL;   /* 2025-11-23 00:00:00 UTC */

static EVP_PKEY *key(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");

	assert_non_null(k);
	return k;
}

/* A certificate valid from now+from_days to now+to_days. */
static X509 *make(const char *cn, const char *issuer_cn, EVP_PKEY *k,
		  EVP_PKEY *signer, long from_days, long to_days, long serial)
{
	X509 *x = X509_new();
	X509_NAME *sub = X509_NAME_new(), *iss = X509_NAME_new();

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_NAME_add_entry_by_txt(sub, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_NAME_add_entry_by_txt(iss, "C", MBSTRING_ASC, (const unsigned char *)"US", -1, -1, 0);
	X509_NAME_add_entry_by_txt(iss, "O", MBSTRING_ASC, (const unsigned char *)"Apple Inc.", -1, -1, 0);
	X509_NAME_add_entry_by_txt(iss, "OU", MBSTRING_ASC, (const unsigned char *)"Apple iPhone", -1, -1, 0);
	X509_NAME_add_entry_by_txt(iss, "CN", MBSTRING_ASC, (const unsigned char *)issuer_cn, -1, -1, 0);
	X509_set_subject_name(x, sub);
	X509_set_issuer_name(x, iss);
	ASN1_TIME_set(X509_getm_notBefore(x), (time_t)(now / 1000 + from_days * 86400));
	ASN1_TIME_set(X509_getm_notAfter(x), (time_t)(now / 1000 + to_days * 86400));
	X509_set_pubkey(x, k);
	assert_true(X509_sign(x, signer, EVP_sha256()) > 0);
	X509_NAME_free(sub);
	X509_NAME_free(iss);
	return x;
}

static void pem(X509 *x, struct eg_buf *out)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;

	PEM_write_bio_X509(b, x);
	n = BIO_get_mem_data(b, &p);
	eg_buf_add(out, p, (size_t)n);
	BIO_free(b);
}

static void test_push_identity_issued_by_apple_device_ca(void **state)
{
	EVP_PKEY *ca = key(), *k = key();
	X509 *leaf = make("2F1D2C3B-4A5E-4F60-8A7B-9C0D1E2F3A4B", EG_APPLE_DEVICE_CA, k, ca, -100, 265, 7);
	struct eg_buf b = EG_BUF_INIT(1 << 20);
	struct eg_cert c[4];
	struct eg_diag d = EG_DIAG_INIT;
	int skipped;
	long days;

	(void)state;
	pem(leaf, &b);
	assert_int_equal(eg_cert_parse(b.buf, b.len, c, 4, &skipped, &d), 1);
	assert_int_equal(skipped, 0);
	assert_true(c[0].apple_device_ca);
	assert_string_equal(c[0].issuer_cn, "Apple iPhone Device CA");
	assert_string_equal(c[0].subject, "CN=2F1D2C3B-4A5E-4F60-8A7B-9C0D1E2F3A4B");
	assert_string_equal(c[0].issuer, "CN=Apple iPhone Device CA,OU=Apple iPhone,O=Apple Inc.,C=US");
	assert_string_equal(c[0].serial, "07");
	assert_int_equal(strlen(c[0].sha1), 40);
	assert_int_equal(strlen(c[0].sha256), 64);
	assert_true(c[0].not_after_ms == now + 265 * DAY);
	assert_int_equal(eg_cert_verdict(&c[0], now, 30, &days), EG_CERT_OK);
	assert_int_equal(days, 265);
	X509_free(leaf);
	EVP_PKEY_free(ca);
	EVP_PKEY_free(k);
	eg_buf_release(&b);
}

static void test_expiring_and_expired_verdicts(void **state)
{
	EVP_PKEY *k = key();
	X509 *soon = make("soon", EG_APPLE_DEVICE_CA, k, k, -340, 25, 1);
	X509 *old = make("old", EG_APPLE_DEVICE_CA, k, k, -400, -35, 2);
	X509 *future = make("future", "Other CA", k, k, 2, 400, 3);
	struct eg_buf b = EG_BUF_INIT(1 << 20);
	struct eg_cert c[4];
	struct eg_diag d = EG_DIAG_INIT;
	int skipped;
	long days;

	(void)state;
	pem(soon, &b);
	pem(old, &b);
	pem(future, &b);
	assert_int_equal(eg_cert_parse(b.buf, b.len, c, 4, &skipped, &d), 3);
	assert_int_equal(eg_cert_verdict(&c[0], now, 30, &days), EG_CERT_EXPIRING);
	assert_int_equal(days, 25);
	assert_int_equal(eg_cert_verdict(&c[0], now, 20, &days), EG_CERT_OK);
	assert_int_equal(eg_cert_verdict(&c[1], now, 30, &days), EG_CERT_EXPIRED);
	assert_int_equal(days, -35);
	assert_int_equal(eg_cert_verdict(&c[2], now, 30, &days), EG_CERT_NOT_YET_VALID);
	assert_false(c[2].apple_device_ca);
	assert_string_equal(eg_cert_verdict_name(EG_CERT_EXPIRED), "expired");
	X509_free(soon);
	X509_free(old);
	X509_free(future);
	EVP_PKEY_free(k);
	eg_buf_release(&b);
}

static void test_security_dump_der_and_broken_inputs(void **state)
{
	EVP_PKEY *k = key();
	X509 *x = make("der", EG_APPLE_DEVICE_CA, k, k, -1, 364, 9);
	struct eg_buf b = EG_BUF_INIT(1 << 20);
	struct eg_cert c[4];
	struct eg_diag d = EG_DIAG_INIT;
	unsigned char *der = NULL;
	int n, skipped;

	(void)state;
	/* security find-certificate -a -p -Z: hashes, then PEM, per cert */
	eg_buf_addstr(&b, "SHA-256 hash: 3F1C000000000000000000000000000000000000000000000000000000000000\n"
			  "SHA-1 hash: 9A0B000000000000000000000000000000000000\n");
	pem(x, &b);
	eg_buf_addstr(&b, "SHA-256 hash: 00\nSHA-1 hash: 00\n-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
	assert_int_equal(eg_cert_parse(b.buf, b.len, c, 4, &skipped, &d), 1);
	assert_int_equal(skipped, 1);
	/* truncated last block */
	eg_buf_reset(&b);
	pem(x, &b);
	b.len -= 40;
	assert_int_equal(eg_cert_parse(b.buf, b.len, c, 4, &skipped, &d), 0);
	assert_int_equal(skipped, 1);
	/* DER */
	n = i2d_X509(x, &der);
	assert_true(n > 0);
	assert_int_equal(eg_cert_parse((const char *)der, (size_t)n, c, 4, &skipped, &d), 1);
	assert_string_equal(c[0].subject, "CN=der");
	/* a truncated DER and garbage */
	assert_int_equal(eg_cert_parse((const char *)der, (size_t)n / 2, c, 4, &skipped, &d), -1);
	assert_non_null(strstr(d.msg, "neither PEM nor a DER certificate"));
	assert_int_equal(eg_cert_parse(S("hello world"), c, 4, &skipped, &d), -1);
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(k);
	eg_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_identity_issued_by_apple_device_ca),
		cmocka_unit_test(test_expiring_and_expired_verdicts),
		cmocka_unit_test(test_security_dump_der_and_broken_inputs),
	};
	RUN(tests);
}
