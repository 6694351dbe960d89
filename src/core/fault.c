#include "fault.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <unistd.h>

#include "banned.h"

static atomic_bool armed[EG_FAULT_COUNT];
static atomic_uint_fast64_t calls[EG_FAULT_COUNT];
static uint64_t nth[EG_FAULT_COUNT];
static bool persist[EG_FAULT_COUNT];
static atomic_bool write_torn;      /* a write was cut short: the next one fails */

void eg_fault_arm(enum eg_fault f, uint64_t n, unsigned flags)
{
	nth[f] = n;
	persist[f] = (flags & EG_FAULT_PERSIST) != 0;
	atomic_store(&calls[f], 0);
	atomic_store(&armed[f], true);
}

uint64_t eg_fault_calls(enum eg_fault f)
{
	return atomic_load(&calls[f]);
}

bool eg_fault_now(enum eg_fault f)
{
	uint64_t k;

	if (!atomic_load_explicit(&armed[f], memory_order_relaxed))
		return false;
	k = atomic_fetch_add(&calls[f], 1) + 1;
	return nth[f] && (k == nth[f] || (persist[f] && k > nth[f]));
}

/*
 * A disk that fills up mid-write: the armed call writes the first half
 * and returns short, and the call after it fails with ENOSPC, as write(2)
 * does when the space runs out part way.
 */
static ssize_t faulty(int fd, const void *buf, size_t n, off_t off, bool at)
{
	size_t half = n / 2;

	if (atomic_exchange(&write_torn, false) || !half) {
		errno = ENOSPC;
		return -1;
	}
	atomic_store(&write_torn, true);
	return at ? pwrite(fd, buf, half, off) : write(fd, buf, half);
}

ssize_t eg_io_write(int fd, const void *buf, size_t n)
{
	if (eg_fault_now(EG_FAULT_WRITE) || atomic_load_explicit(&write_torn, memory_order_relaxed))
		return faulty(fd, buf, n, 0, false);
	return write(fd, buf, n);
}

int eg_io_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = eg_io_write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t eg_io_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (eg_fault_now(EG_FAULT_WRITE) || atomic_load_explicit(&write_torn, memory_order_relaxed))
		return faulty(fd, buf, n, off, true);
	return pwrite(fd, buf, n, off);
}

int eg_io_fsync(int fd)
{
	if (eg_fault_now(EG_FAULT_FSYNC)) {
		errno = EIO;
		return -1;
	}
#ifdef F_FULLFSYNC
	/* macOS: fsync(2) leaves the data in the drive's cache, so a power
	 * cut (a Mac unplugged mid-setup) can lose it; F_FULLFSYNC flushes
	 * the drive too. Some file systems refuse it: then fsync. */
	if (fcntl(fd, F_FULLFSYNC) == 0)
		return 0;
#endif
	return fsync(fd);
}
