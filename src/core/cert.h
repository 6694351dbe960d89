/*
 * cert.h: X.509 certificates as enrollguard needs them: the apsd push
 * identity (issued by "Apple iPhone Device CA", valid one year) whose
 * expiry makes some MDMs answer 403 (seed 002), or any PEM/DER file.
 *
 * Inputs are what `security find-certificate -a -p -Z` prints
 * (field-guide.md 8.1: "SHA-256 hash:" and "SHA-1 hash:" lines, then a
 * PEM block, per certificate), plain PEM (one or more blocks), or DER.
 * Parsing is OpenSSL's; no `openssl` process is run.
 *
 * Calling sequence:
 *     struct eg_cert certs[16];
 *     n = eg_cert_parse(buf, len, certs, 16, &skipped, &diag);
 *     eg_cert_verdict(&certs[i], now_ms, warn_days, &days);
 */
#ifndef EG_CERT_H
#define EG_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define EG_APPLE_DEVICE_CA "Apple iPhone Device CA"

struct eg_cert {
	char subject[256];        /* RFC 2253, e.g. "CN=2F1D..." */
	char issuer[256];
	char issuer_cn[128];
	char serial[80];          /* hex */
	char sha1[41];            /* uppercase hex, as security prints it */
	char sha256[65];
	int64_t not_before_ms;    /* UTC */
	int64_t not_after_ms;
	bool apple_device_ca;     /* issued by Apple iPhone Device CA */
};

enum eg_cert_verdict {
	EG_CERT_OK = 0,
	EG_CERT_EXPIRING = 1,     /* expires within warn_days */
	EG_CERT_EXPIRED = 2,
	EG_CERT_NOT_YET_VALID = 3,
};

/*
 * Parse every certificate in buf into certs (at most max). Returns the
 * number parsed. *skipped counts PEM blocks that were not certificates or
 * did not parse. Returns -1 with diag set when the input holds nothing
 * that looks like a certificate (not PEM, not DER).
 */
int eg_cert_parse(const char *buf, size_t len, struct eg_cert *certs,
		  int max, int *skipped /* OUT */, struct eg_diag *diag);

/*
 * The verdict at now_ms, and whole days left (negative: days since
 * expiry) in *days.
 */
enum eg_cert_verdict eg_cert_verdict(const struct eg_cert *c, int64_t now_ms,
				     int warn_days, long *days /* OUT */);

const char *eg_cert_verdict_name(enum eg_cert_verdict v);

#endif
