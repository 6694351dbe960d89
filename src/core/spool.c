#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "file.h"
#include "scan.h"
#include "banned.h"

#define CHUNK 65536

static int paths(const char *dir, char *data, size_t dn, char *sent, size_t sn)
{
	return (size_t)snprintf(data, dn, "%s/events.jsonl", dir) >= dn ||
	       (size_t)snprintf(sent, sn, "%s/sent", dir) >= sn;
}

/* The committed offset; 0 when absent, unreadable or past size. */
static uint64_t read_sent(const char *path, uint64_t size)
{
	struct eg_buf b = EG_BUF_INIT(64);
	struct eg_scan s;
	uint64_t v = 0;

	if (eg_file_read(path, &b, NULL) == EG_OK) {
		eg_scan_init(&s, b.buf, b.len);
		if (eg_scan_uint(&s, &v, UINT64_MAX / 2) || v > size)
			v = 0;
	}
	eg_buf_release(&b);
	return v;
}

/* Complete lines in [from, to) of fd. */
static enum eg_err count_lines(int fd, uint64_t from, uint64_t to, uint64_t *n)
{
	char buf[CHUNK];
	ssize_t got;

	*n = 0;
	while (from < to) {
		got = pread(fd, buf, to - from < sizeof(buf) ? (size_t)(to - from) : sizeof(buf),
			    (off_t)from);
		if (got <= 0)
			return EG_ERR_IO;
		for (ssize_t i = 0; i < got; i++)
			*n += buf[i] == '\n';
		from += (uint64_t)got;
	}
	return EG_OK;
}

enum eg_err eg_spool_open(struct eg_spool *sp, const char *dir, uint64_t max_bytes,
			  struct eg_diag *diag)
{
	struct stat st;
	enum eg_err rc;

	if (paths(dir, sp->data_path, sizeof(sp->data_path), sp->sent_path,
		  sizeof(sp->sent_path)))
		return eg_diag_set(diag, EG_ERR_IO, "spool directory path too long");
	if ((rc = eg_file_mkdirs(dir, 0755, diag)) != EG_OK)
		return rc;
	sp->fd = open(sp->data_path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		      0644);
	if (sp->fd < 0 || fstat(sp->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = eg_diag_set(diag, EG_ERR_IO, "cannot open '%s': %s", sp->data_path,
				 sp->fd < 0 ? strerror(errno) : "not a regular file");
		eg_spool_close(sp);
		return rc;
	}
	sp->size = (uint64_t)st.st_size;
	sp->max_bytes = max_bytes;
	sp->sent = read_sent(sp->sent_path, sp->size);
	if (count_lines(sp->fd, sp->sent, sp->size, &sp->pending) != EG_OK) {
		eg_spool_close(sp);
		return eg_diag_set(diag, EG_ERR_IO, "cannot read '%s'", sp->data_path);
	}
	return EG_OK;
}

enum eg_err eg_spool_append(struct eg_spool *sp, const char *line, size_t len)
{
	size_t done = 0;
	ssize_t w;

	if (sp->size + len > sp->max_bytes) {
		sp->dropped++;
		return EG_ERR_TOO_LARGE;
	}
	while (done < len) {
		w = write(sp->fd, line + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			/* a partial line would poison the batch: cut it off again */
			if (done && ftruncate(sp->fd, (off_t)sp->size) != 0)
				sp->size += done;
			return EG_ERR_IO;
		}
		done += (size_t)w;
	}
	sp->size += len;
	sp->pending++;
	return EG_OK;
}

enum eg_err eg_spool_peek(struct eg_spool *sp, size_t max_events, size_t max_bytes,
			  struct eg_buf *out, size_t *n, uint64_t *end)
{
	uint64_t avail = sp->size - sp->sent;
	size_t want = avail < max_bytes ? (size_t)avail : max_bytes, got = 0, i, start = 0;
	char *win;
	enum eg_err rc = EG_OK;
	ssize_t r;

	eg_buf_reset(out);
	*n = 0;
	*end = sp->sent;
	if (want == 0)
		return EG_OK;
	win = eg_xmalloc(want);
	while (got < want) {
		r = pread(sp->fd, win + got, want - got, (off_t)(sp->sent + got));
		if (r <= 0) {
			free(win);
			return EG_ERR_IO;
		}
		got += (size_t)r;
	}
	rc = eg_buf_addch(out, '[');
	for (i = 0; i < got && *n < max_events && rc == EG_OK; i++) {
		if (win[i] != '\n')
			continue;
		if (*n)
			rc = eg_buf_addch(out, ',');
		if (rc == EG_OK)
			rc = eg_buf_add(out, win + start, i - start);
		(*n)++;
		start = i + 1;
	}
	if (rc == EG_OK)
		rc = eg_buf_addch(out, ']');
	*end = sp->sent + start;
	/* one line longer than the window cannot be sent: step over it */
	if (*n == 0 && got == max_bytes)
		*end = sp->sent + got;
	free(win);
	return rc;
}

enum eg_err eg_spool_commit(struct eg_spool *sp, uint64_t end, struct eg_diag *diag)
{
	char text[32];
	uint64_t sent_lines = 0;
	int k;

	if (end <= sp->sent || end > sp->size)
		return EG_OK;
	(void)count_lines(sp->fd, sp->sent, end, &sent_lines);
	sp->pending -= sent_lines < sp->pending ? sent_lines : sp->pending;
	sp->sent = end;
	if (sp->sent == sp->size && ftruncate(sp->fd, 0) == 0) {
		sp->size = 0;
		sp->sent = 0;
	}
	k = snprintf(text, sizeof(text), "%llu\n", (unsigned long long)sp->sent);
	return eg_file_replace(sp->sent_path, text, (size_t)k, 0644, 1, diag);
}

void eg_spool_close(struct eg_spool *sp)
{
	if (sp->fd >= 0)
		close(sp->fd);
	sp->fd = -1;
}

enum eg_err eg_spool_count(const char *dir, uint64_t *n)
{
	char data[1024], sent[1024];
	struct stat st;
	enum eg_err rc;
	int fd;

	*n = 0;
	if (paths(dir, data, sizeof(data), sent, sizeof(sent)))
		return EG_ERR_IO;
	fd = open(data, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? EG_OK : EG_ERR_IO;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return EG_ERR_IO;
	}
	rc = count_lines(fd, read_sent(sent, (uint64_t)st.st_size), (uint64_t)st.st_size, n);
	close(fd);
	return rc;
}
