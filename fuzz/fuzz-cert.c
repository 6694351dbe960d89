/* Fuzz the certificate reader: security dumps, PEM, DER, garbage. */
#include <stddef.h>
#include <stdint.h>

#include "cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_cert certs[4];
	struct eg_diag d = EG_DIAG_INIT;
	int skipped, n, i;
	long days;

	n = eg_cert_parse((const char *)data, size, certs, 4, &skipped, &d);
	for (i = 0; i < n; i++)
		(void)eg_cert_verdict(&certs[i], 1763856000000LL, 30, &days);
	return 0;
}
