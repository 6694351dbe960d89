#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "fault.h"
#include "scan.h"
#include "banned.h"

#define CHUNK 65536
#define DATA "events.jsonl"
#define SENT "sent"
#define NEW "events.jsonl.new"
/* a line longer than this is no event of ours: compaction drops it */
#define LINE_MAX_BYTES (512 * 1024)

/* The committed offset; 0 when absent, unreadable or past size. */
static uint64_t read_sent(const struct eg_dir *d, uint64_t size)
{
	struct eg_buf b = EG_BUF_INIT(64);
	struct eg_scan s;
	uint64_t v = 0;

	if (eg_dir_read(d, SENT, &b, NULL) == EG_OK) {
		eg_scan_init(&s, b.buf, b.len);
		if (eg_scan_uint(&s, &v, UINT64_MAX / 2) || v > size)
			v = 0;
	}
	eg_buf_release(&b);
	return v;
}

static enum eg_err write_sent(struct eg_spool *sp, uint64_t off, struct eg_diag *diag)
{
	char text[32];
	int k = snprintf(text, sizeof(text), "%llu\n", (unsigned long long)off);

	return eg_dir_replace(&sp->dir, SENT, text, (size_t)k, 0644, 1, diag);
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

enum eg_err eg_spool_open(struct eg_spool *sp, const struct eg_dir *parent,
			  const char *name, uint64_t max_bytes,
			  enum eg_spool_prio (*classify)(const char *, size_t, unsigned *),
			  struct eg_diag *diag)
{
	struct stat st;
	enum eg_err rc;
	uint64_t cut;

	sp->max_bytes = max_bytes;
	sp->classify = classify;
	if ((rc = eg_dir_open_at(&sp->dir, parent, name, 0755, diag)) != EG_OK)
		return rc;
	sp->fd = eg_dir_file(&sp->dir, DATA, O_RDWR | O_APPEND | O_CREAT, 0644, diag);
	if (sp->fd < 0) {
		eg_spool_close(sp);
		return EG_ERR_IO;
	}
	/* a crash or a full disk in the middle of an append: drop the half line */
	if (eg_file_cut_torn(sp->fd, &cut) != EG_OK || fstat(sp->fd, &st) != 0) {
		eg_spool_close(sp);
		return eg_diag_set(diag, EG_ERR_IO, "cannot read '%s/" DATA "'", sp->dir.path);
	}
	(void)unlinkat(sp->dir.fd, NEW, 0);
	sp->size = (uint64_t)st.st_size;
	sp->sent = read_sent(&sp->dir, sp->size);
	if (count_lines(sp->fd, sp->sent, sp->size, &sp->pending) != EG_OK) {
		eg_spool_close(sp);
		return eg_diag_set(diag, EG_ERR_IO, "cannot read '%s/" DATA "'", sp->dir.path);
	}
	return EG_OK;
}

static uint64_t limit(const struct eg_spool *sp, enum eg_spool_prio prio)
{
	switch (prio) {
	case EG_SPOOL_LOW:
		return sp->max_bytes - sp->max_bytes / 4;
	case EG_SPOOL_NORMAL:
		return sp->max_bytes - sp->max_bytes / 16;
	default:
		return sp->max_bytes;
	}
}

static enum eg_spool_prio classify(const struct eg_spool *sp, const char *line, size_t len,
				   unsigned *kind)
{
	enum eg_spool_prio p;

	*kind = 0;
	if (!sp->classify)
		return EG_SPOOL_NORMAL;
	p = sp->classify(line, len, kind);
	if (*kind >= EG_SPOOL_KINDS)
		*kind = 0;
	return p < EG_SPOOL_NPRIO ? p : EG_SPOOL_NORMAL;
}

/* The unsent lines of a spool, one at a time (they may span reads). */
struct lines {
	int fd;
	uint64_t pos, end;      /* file offsets still to read */
	uint64_t off;           /* offset of the line returned last */
	struct eg_buf buf;
	size_t start;           /* start of the next line in buf */
	bool skip;              /* in a line too long to be an event: drop it */
};

/* The next whole line (with its '\n') in *line, *len; false at the end. */
static bool next_line(struct lines *l, const char **line, size_t *len)
{
	char chunk[CHUNK];

	for (;;) {
		const char *p = l->buf.buf + l->start;
		const char *nl = memchr(p, '\n', l->buf.len - l->start);
		ssize_t got;

		if (nl && l->skip) {
			l->skip = false;
			l->off += (uint64_t)(nl + 1 - p);
			l->start += (size_t)(nl + 1 - p);
			continue;
		}
		if (nl) {
			*line = p;
			*len = (size_t)(nl - p) + 1;
			l->off += *len;
			l->start += *len;
			return true;
		}
		if (l->pos >= l->end)
			return false;       /* a half line at the end: not a line */
		eg_buf_consume(&l->buf, l->start);
		l->start = 0;
		got = pread(l->fd, chunk, l->end - l->pos < sizeof(chunk) ?
			    (size_t)(l->end - l->pos) : sizeof(chunk), (off_t)l->pos);
		if (got <= 0)
			return false;
		l->pos += (uint64_t)got;
		if (eg_buf_add(&l->buf, chunk, (size_t)got) != EG_OK) {
			/* longer than any event: skip to its end */
			eg_buf_init(&l->buf, l->buf.cap);
			l->off = l->pos;
			l->skip = true;
		}
	}
}

static void lines_init(struct lines *l, const struct eg_spool *sp)
{
	l->fd = sp->fd;
	l->pos = l->off = sp->sent;
	l->end = sp->size;
	eg_buf_init(&l->buf, LINE_MAX_BYTES + CHUNK);
	l->start = 0;
	l->skip = false;
}

/* What compaction keeps, from a first pass over the unsent lines. */
struct plan {
	uint64_t newest_low[EG_SPOOL_KINDS];  /* offset of the newest LOW line per kind */
	uint64_t drop_normal;                  /* bytes of the oldest NORMAL lines to drop */
	uint64_t kept_lines;
	uint64_t dropped[EG_SPOOL_NPRIO];
};

static void plan(struct eg_spool *sp, enum eg_spool_prio prio, size_t need, struct plan *pl)
{
	struct lines l;
	const char *line;
	size_t len;
	uint64_t keep = 0, normal = 0;
	unsigned kind, k;

	memset(pl, 0, sizeof(*pl));
	for (k = 0; k < EG_SPOOL_KINDS; k++)
		pl->newest_low[k] = UINT64_MAX;
	lines_init(&l, sp);
	while (next_line(&l, &line, &len)) {
		enum eg_spool_prio p = classify(sp, line, len, &kind);

		if (p == EG_SPOOL_LOW)
			pl->newest_low[kind] = l.off - len;
		else if (p == EG_SPOOL_NORMAL)
			normal += len;
		else
			keep += len;
	}
	eg_buf_release(&l.buf);
	lines_init(&l, sp);
	while (next_line(&l, &line, &len))
		if (classify(sp, line, len, &kind) == EG_SPOOL_LOW &&
		    pl->newest_low[kind] == l.off - len)
			keep += len;
	eg_buf_release(&l.buf);
	/* an outcome may take the room of the oldest other events */
	if (prio == EG_SPOOL_OUTCOME && keep + normal + need > sp->max_bytes)
		pl->drop_normal = keep + normal + need - sp->max_bytes;
}

/* Write the lines the plan keeps to fd. */
static enum eg_err copy_kept(struct eg_spool *sp, struct plan *pl, int fd, uint64_t *size)
{
	struct lines l;
	const char *line;
	size_t len;
	uint64_t dropped_normal = 0;
	enum eg_err rc = EG_OK;
	unsigned kind;

	*size = 0;
	lines_init(&l, sp);
	while (rc == EG_OK && next_line(&l, &line, &len)) {
		enum eg_spool_prio p = classify(sp, line, len, &kind);

		if ((p == EG_SPOOL_LOW && pl->newest_low[kind] != l.off - len) ||
		    (p == EG_SPOOL_NORMAL && dropped_normal < pl->drop_normal)) {
			if (p == EG_SPOOL_NORMAL)
				dropped_normal += len;
			pl->dropped[p]++;
			continue;
		}
		if (eg_io_write_all(fd, line, len))
			rc = EG_ERR_IO;
		*size += len;
		pl->kept_lines++;
	}
	eg_buf_release(&l.buf);
	return rc;
}

/*
 * Rewrite the spool with only its unsent lines, less the high-rate ones
 * but the newest of each type and, for an outcome that needs the room,
 * the oldest others. The order of what is kept does not change. Crash
 * safe: the new file is complete and synced before the offset goes to 0
 * and it is renamed over the old one (a crash between those two steps
 * sends the old file again from its start: duplicates, nothing lost).
 */
static enum eg_err compact(struct eg_spool *sp, enum eg_spool_prio prio, size_t need)
{
	struct plan *pl = eg_xmalloc(sizeof(*pl));
	enum eg_err rc = EG_ERR_IO;
	uint64_t size;
	int fd, p;

	plan(sp, prio, need, pl);
	(void)unlinkat(sp->dir.fd, NEW, 0);
	fd = eg_dir_file(&sp->dir, NEW, O_WRONLY | O_CREAT | O_TRUNC, 0644, NULL);
	if (fd < 0)
		goto out;
	if (copy_kept(sp, pl, fd, &size) != EG_OK || eg_io_fsync(fd) ||
	    write_sent(sp, 0, NULL) != EG_OK ||
	    renameat(sp->dir.fd, NEW, sp->dir.fd, DATA)) {
		close(fd);
		(void)unlinkat(sp->dir.fd, NEW, 0);
		goto out;
	}
	close(fd);
	fd = eg_dir_file(&sp->dir, DATA, O_RDWR | O_APPEND, 0, NULL);
	if (fd < 0)
		goto out;          /* the old fd still appends to the old file's inode */
	close(sp->fd);
	sp->fd = fd;
	sp->sent = 0;
	sp->size = size;
	sp->pending = pl->kept_lines;
	sp->gen++;
	for (p = 0; p < EG_SPOOL_NPRIO; p++)
		sp->dropped[p] += pl->dropped[p];
	rc = EG_OK;
out:
	free(pl);
	return rc;
}

enum eg_err eg_spool_append(struct eg_spool *sp, const char *line, size_t len,
			    enum eg_spool_prio prio)
{
	if (prio >= EG_SPOOL_NPRIO)
		prio = EG_SPOOL_NORMAL;
	if (len > limit(sp, prio)) {
		sp->dropped[prio]++;
		return EG_ERR_TOO_LARGE;
	}
	if (sp->size + len > limit(sp, prio))
		(void)compact(sp, prio, len);
	if (sp->size + len > limit(sp, prio)) {
		sp->dropped[prio]++;
		return EG_ERR_TOO_LARGE;
	}
	if (eg_io_write_all(sp->fd, line, len)) {
		/* a partial line would poison the batch: cut it off again */
		if (ftruncate(sp->fd, (off_t)sp->size) != 0) {
			struct stat st;

			/* the next open cuts it (eg_file_cut_torn) */
			if (fstat(sp->fd, &st) == 0)
				sp->size = (uint64_t)st.st_size;
		}
		return EG_ERR_IO;
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

enum eg_err eg_spool_commit(struct eg_spool *sp, uint64_t end, uint64_t gen,
			    struct eg_diag *diag)
{
	uint64_t sent_lines = 0;

	if (gen != sp->gen || end <= sp->sent || end > sp->size)
		return EG_OK;
	(void)count_lines(sp->fd, sp->sent, end, &sent_lines);
	sp->pending -= sent_lines < sp->pending ? sent_lines : sp->pending;
	sp->sent = end;
	if (sp->sent == sp->size && ftruncate(sp->fd, 0) == 0) {
		sp->size = 0;
		sp->sent = 0;
	}
	return write_sent(sp, sp->sent, diag);
}

uint64_t eg_spool_dropped(const struct eg_spool *sp)
{
	return sp->dropped[EG_SPOOL_LOW] + sp->dropped[EG_SPOOL_NORMAL] +
	       sp->dropped[EG_SPOOL_OUTCOME];
}

void eg_spool_close(struct eg_spool *sp)
{
	if (sp->fd >= 0)
		close(sp->fd);
	sp->fd = -1;
	eg_dir_close(&sp->dir);
}

enum eg_err eg_spool_count(const char *dir, uint64_t *n)
{
	char data[1100];
	struct eg_dir d = EG_DIR_INIT;
	struct stat st;
	enum eg_err rc;
	int fd;

	*n = 0;
	if ((size_t)snprintf(data, sizeof(data), "%s/" DATA, dir) >= sizeof(data) ||
	    (size_t)snprintf(d.path, sizeof(d.path), "%s", dir) >= sizeof(d.path))
		return EG_ERR_IO;
	fd = open(data, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? EG_OK : EG_ERR_IO;
	d.fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fstat(fd, &st) != 0 || d.fd < 0) {
		close(fd);
		eg_dir_close(&d);
		return EG_ERR_IO;
	}
	/* read-only: the owner is whoever it is */
	if (fstat(d.fd, &st) == 0)
		d.owner = st.st_uid;
	fstat(fd, &st);
	rc = count_lines(fd, read_sent(&d, (uint64_t)st.st_size), (uint64_t)st.st_size, n);
	close(fd);
	eg_dir_close(&d);
	return rc;
}
