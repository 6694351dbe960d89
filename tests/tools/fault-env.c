/*
 * fault-env.c: in enrollguard-fault only (tests/meson.build builds the
 * agent's sources with -DEG_FAULT_INJECTION and this file, for
 * tests/e2e/t1018-run-faults.sh), never in enrollguard: arm core/fault.h
 * from the environment, and say at exit how many calls of each kind were
 * made.
 *
 *     EG_FAULT=write:17    the 17th write stops half way, the next fails
 *     EG_FAULT=fsync:3+    the 3rd fsync and every one after fail
 *     EG_FAULT=alloc:120   the 120th allocation fails (out of memory)
 *     EG_FAULT=count       fail nothing, count
 *
 * At exit (and at an out-of-memory abort, which prints its own line) it
 * writes "eg-fault: alloc=N write=N fsync=N" to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault-env.h"
#include "fault.h"
#include "scan.h"
#include "banned.h"

static void say_counts(void)
{
	fprintf(stderr, "eg-fault: alloc=%llu write=%llu fsync=%llu\n",
		(unsigned long long)eg_fault_calls(EG_FAULT_ALLOC),
		(unsigned long long)eg_fault_calls(EG_FAULT_WRITE),
		(unsigned long long)eg_fault_calls(EG_FAULT_FSYNC));
}

void fault_from_env(void)
{
	static const char *const kinds[EG_FAULT_COUNT] = { "alloc", "write", "fsync" };
	const char *v = getenv("EG_FAULT");
	struct eg_scan s;
	uint64_t n = 0;
	unsigned flags = 0;
	int k, which = -1;

	if (!v)
		return;
	for (k = 0; k < EG_FAULT_COUNT; k++) {
		size_t len = strlen(kinds[k]);

		if (!strncmp(v, kinds[k], len) && v[len] == ':') {
			which = k;
			eg_scan_init(&s, v + len + 1, strlen(v + len + 1));
			if (eg_scan_uint(&s, &n, UINT64_MAX / 2))
				n = 0;
			if (!eg_scan_ch(&s, '+'))
				flags = EG_FAULT_PERSIST;
		}
	}
	for (k = 0; k < EG_FAULT_COUNT; k++)
		eg_fault_arm((enum eg_fault)k, k == which ? n : 0, k == which ? flags : 0);
	atexit(say_counts);
}
