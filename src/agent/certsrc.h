/*
 * certsrc.h: certificates from where an admin has them: the apsd keychain
 * (through /usr/bin/security under --root, field-guide.md 8.1) or files.
 * Shared by `cert` and `renew`.
 */
#ifndef EG_CERTSRC_H
#define EG_CERTSRC_H

#include "cert.h"
#include "cmd.h"

#define CERTSRC_MAX 32

struct certsrc {
	char name[1024];                 /* what was read, for messages */
	struct eg_cert certs[CERTSRC_MAX];
	int n;
	int skipped;                     /* blocks that did not parse */
	char error[512];                 /* "" when read */
};

/* Read the keychain at `keychain` (a Mac path) through security. */
void certsrc_keychain(const struct eg_global *g, const char *keychain,
		      struct certsrc *s);

/* Read a PEM or DER file on this machine. */
void certsrc_file(const char *path, struct certsrc *s);

/*
 * What an expired or expiring push identity means, in plain words, for
 * the certificate's verdict (empty for certificates not from Apple iPhone
 * Device CA).
 */
const char *certsrc_consequence(const struct eg_cert *c, enum eg_cert_verdict v);

#endif
