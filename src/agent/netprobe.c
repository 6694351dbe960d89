#include "netprobe.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scan.h"
#include "banned.h"

static int split(const char *hostport, char *host, size_t hn, char *port, size_t pn)
{
	const char *colon;

	if (hostport[0] == '[') {
		const char *rb = strchr(hostport, ']');

		if (!rb || rb[1] != ':')
			return -1;
		snprintf(host, hn, "%.*s", (int)(rb - hostport - 1), hostport + 1);
		snprintf(port, pn, "%s", rb + 2);
		return 0;
	}
	colon = strrchr(hostport, ':');
	if (!colon || colon == hostport || !colon[1])
		return -1;
	snprintf(host, hn, "%.*s", (int)(colon - hostport), hostport);
	snprintf(port, pn, "%s", colon + 1);
	return 0;
}

/* One address: non-blocking connect, poll until the deadline. */
static int try_one(const struct addrinfo *ai, int64_t deadline,
		   int64_t (*now_ms)(void), int *err)
{
	int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol), rc = -1;
	struct pollfd p;
	socklen_t len = sizeof(*err);

	*err = 0;
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		rc = 0;
	} else if (errno == EINPROGRESS) {
		int64_t left = deadline - now_ms();

		p.fd = fd;
		p.events = POLLOUT;
		p.revents = 0;
		if (left > 0 && poll(&p, 1, (int)left) == 1 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len) == 0)
			rc = *err == 0 ? 0 : -1;
		else if (*err == 0)
			*err = ETIMEDOUT;
	} else {
		*err = errno;
	}
	close(fd);
	return rc;
}

int net_probe(const char *hostport, uint64_t timeout_ms, int64_t (*now_ms)(void),
	      char *detail, size_t n)
{
	char host[256], port[16];
	struct addrinfo hints, *res = NULL, *ai;
	int64_t start = now_ms(), deadline = start + (int64_t)timeout_ms;
	int rc, err = 0;

	if (split(hostport, host, sizeof(host), port, sizeof(port))) {
		snprintf(detail, n, "'%s' is not HOST:PORT", hostport);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc) {
		snprintf(detail, n, "cannot resolve %s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if (try_one(ai, deadline, now_ms, &err) == 0) {
			snprintf(detail, n, "connected in %lld ms",
				 (long long)(now_ms() - start));
			freeaddrinfo(res);
			return 0;
		}
		if (now_ms() >= deadline)
			break;
	}
	freeaddrinfo(res);
	if (err == ETIMEDOUT || now_ms() >= deadline) {
		char d[32];

		eg_format_duration(timeout_ms, d, sizeof(d));
		snprintf(detail, n, "no answer within %s", d);
	} else {
		snprintf(detail, n, "%s", strerror(err));
	}
	return -1;
}
