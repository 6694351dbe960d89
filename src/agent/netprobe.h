/*
 * netprobe.h: can this Mac open a TCP connection to HOST:PORT? A connect
 * with a timeout and nothing more: no byte is sent.
 */
#ifndef EG_NETPROBE_H
#define EG_NETPROBE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Try "host:port" (or "[v6]:port"). Returns 0 when a connection opened
 * (closed at once), -1 otherwise; detail says what happened either way
 * ("connected in 12 ms", "connection refused", "timed out after 3s").
 */
int net_probe(const char *hostport, uint64_t timeout_ms, int64_t (*now_ms)(void),
	      char *detail, size_t n);

#endif
