/*
 * fault.h: failure injection for tests (CONVENTIONS 17).
 *
 * Every allocation (alloc.h), file write and fsync of the core and the
 * agent goes through the calls below. Each kind can be armed to fail at
 * its Nth call from now on, once or from then on, the way SQLite's
 * faultsim and curl's torture mode fail the Nth malloc: a test loops N
 * over every call of a whole run and checks what is left each time.
 * Only a test binary arms them (enrollguard-fault, built with
 * -DEG_FAULT_INJECTION: tests/fault/); in enrollguard they are the plain
 * system calls behind one relaxed load.
 *
 * A failed write is -1 with errno ENOSPC (a full disk); a failed fsync
 * is -1 with EIO; a failed allocation is what running out of memory is
 * for enrollguard (alloc.h): a message and abort().
 */
#ifndef EG_FAULT_H
#define EG_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum eg_fault {
	EG_FAULT_ALLOC = 0,
	EG_FAULT_WRITE = 1,
	EG_FAULT_FSYNC = 2,
	EG_FAULT_COUNT
};

enum eg_fault_flags {
	EG_FAULT_PERSIST = 1 << 0,   /* the Nth call and every one after fail */
};

/*
 * Count the calls of kind f from now on, and fail the nth (1-based; 0
 * only counts). Not thread-safe against itself: arm before threads start.
 */
void eg_fault_arm(enum eg_fault f, uint64_t nth, unsigned flags);

/* Calls of kind f counted since it was armed (0 when never armed). */
uint64_t eg_fault_calls(enum eg_fault f);

/* Whether this call of kind f must fail (counts it when armed). */
bool eg_fault_now(enum eg_fault f);

/* write(2), pwrite(2) and fsync(2) (F_FULLFSYNC where the system has it:
 * macOS), failing when armed to. */
ssize_t eg_io_write(int fd, const void *buf, size_t n);
ssize_t eg_io_pwrite(int fd, const void *buf, size_t n, off_t off);
int eg_io_fsync(int fd);

/*
 * Write all n bytes with eg_io_write(), again after EINTR and after a
 * short write. Returns 0, or -1 when a write failed or wrote nothing
 * (errno says why; a part of buf may have been written).
 */
int eg_io_write_all(int fd, const void *buf, size_t n);

#endif
