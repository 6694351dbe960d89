#include "certsrc.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "file.h"
#include "mac.h"
#include "banned.h"

void certsrc_keychain(const struct eg_global *g, const char *keychain,
		      struct certsrc *s)
{
	struct eg_child c = EG_CHILD_INIT;
	struct eg_diag d = EG_DIAG_INIT;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", keychain);
	c.out_cap = 1024 * 1024;
	if (mac_run(g, EG_PATH_SECURITY, (const char *[]){ "find-certificate", "-a",
		    "-p", "-Z", keychain, NULL }, 30000, NULL, &c, &d) != EG_OK) {
		snprintf(s->error, sizeof(s->error), "%s", d.msg);
	} else if (c.exit_code != 0) {
		char how[96];

		eg_child_describe(&c, how, sizeof(how));
		snprintf(s->error, sizeof(s->error), "security find-certificate %s: %.300s",
			 how, c.err.len ? c.err.buf : c.out.buf);
		/* one line of it */
		s->error[strcspn(s->error, "\n")] = '\0';
	} else {
		s->n = eg_cert_parse(c.out.buf, c.out.len, s->certs, CERTSRC_MAX,
				     &s->skipped, &d);
		if (s->n < 0) {
			s->n = 0;
			snprintf(s->error, sizeof(s->error),
				 "security printed no certificate: %s", d.msg);
		}
	}
	eg_child_release(&c);
}

void certsrc_file(const char *path, struct certsrc *s)
{
	struct eg_buf b = EG_BUF_INIT(8 * 1024 * 1024);
	struct eg_diag d = EG_DIAG_INIT;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", path);
	if (eg_file_read(path, &b, &d) != EG_OK) {
		snprintf(s->error, sizeof(s->error), "%s", d.msg);
	} else {
		s->n = eg_cert_parse(b.buf, b.len, s->certs, CERTSRC_MAX, &s->skipped, &d);
		if (s->n < 0) {
			s->n = 0;
			snprintf(s->error, sizeof(s->error), "'%s' is not a certificate: %s",
				 path, d.msg);
		} else if (s->n == 0) {
			snprintf(s->error, sizeof(s->error),
				 "'%s' holds no readable certificate (%d broken or truncated)",
				 path, s->skipped);
		}
	}
	eg_buf_release(&b);
}

const char *certsrc_consequence(const struct eg_cert *c, enum eg_cert_verdict v)
{
	if (!c->apple_device_ca)
		return "";
	switch (v) {
	case EG_CERT_EXPIRED:
		return "this is the push identity macOS signs its enrollment requests "
		       "with, and it has expired: an MDM that checks the validity dates of "
		       "Apple iPhone Device CA certificates (Jamf Pro did, seed report 002) "
		       "rejects re-enrollment with HTTP 403; MDMs that follow Apple's rule "
		       "and ignore those dates (MicroMDM, NanoMDM) accept it";
	case EG_CERT_EXPIRING:
		return "this push identity expires soon: after that, an MDM that checks "
		       "the validity dates of Apple iPhone Device CA certificates rejects "
		       "re-enrollment with HTTP 403; re-enroll before, or use an MDM that "
		       "ignores them";
	case EG_CERT_OK:
		return "valid push identity: re-enrollment is not at risk from its dates";
	case EG_CERT_NOT_YET_VALID:
		return "this push identity is not valid yet: check the Mac's clock";
	}
	return "";
}
