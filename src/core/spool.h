/*
 * spool.h: the agent's on-disk queue of events waiting for the server,
 * so nothing is lost while the network or the server is down, and a
 * relaunched agent sends what the last one could not (DESIGN.md,
 * "Records").
 *
 * A spool is a directory with two files: events.jsonl (event lines,
 * appended) and sent (the byte offset up to which the server has
 * answered 2xx, replaced atomically). When everything is sent the data
 * file is truncated. The data file never grows past max_bytes: an event
 * that does not fit is dropped and counted (the JSON-lines log still has
 * it). A crash between truncating and writing the offset leaves an offset
 * past the end, which is read as 0: events may then be sent twice, which
 * the server ignores ((serial, run_id, seq) is unique), never lost.
 *
 * Not thread-safe: the agent holds one mutex around every call.
 *
 * Calling sequence:
 *     struct eg_spool sp = EG_SPOOL_INIT;
 *     eg_spool_open(&sp, dir, 8 << 20, &diag);
 *     eg_spool_append(&sp, line, len);             each event, with '\n'
 *     eg_spool_peek(&sp, 50, 512 << 10, &batch, &n, &end);
 *     ...POST batch.buf; on 2xx: eg_spool_commit(&sp, end, &diag);
 *     eg_spool_close(&sp);
 */
#ifndef EG_SPOOL_H
#define EG_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

struct eg_spool {
	int fd;                 /* events.jsonl, O_RDWR|O_APPEND */
	char data_path[1024];
	char sent_path[1024];
	uint64_t sent;          /* offset of the first unsent byte */
	uint64_t size;          /* bytes in events.jsonl */
	uint64_t max_bytes;
	uint64_t pending;       /* complete lines after sent */
	uint64_t dropped;       /* events refused because the spool was full */
};

#define EG_SPOOL_INIT { .fd = -1 }

/*
 * Open or create the spool in dir (created 0755; files 0644, not
 * following symlinks). Returns EG_OK or EG_ERR_IO with diag.
 */
enum eg_err eg_spool_open(struct eg_spool *sp, const char *dir, uint64_t max_bytes,
			  struct eg_diag *diag);

/*
 * Append one event line (len bytes ending in '\n'). Returns EG_OK,
 * EG_ERR_TOO_LARGE (the spool is full; dropped is incremented) or
 * EG_ERR_IO.
 */
enum eg_err eg_spool_append(struct eg_spool *sp, const char *line, size_t len);

/*
 * The oldest unsent events as a JSON array "[ev,ev]" in out (reset
 * first): at most max_events lines and about max_bytes. *n (OUT) is the
 * count (0 when nothing waits) and *end (OUT) the offset to commit once
 * the server took them. Returns EG_OK, or EG_ERR_IO.
 */
enum eg_err eg_spool_peek(struct eg_spool *sp, size_t max_events, size_t max_bytes,
			  struct eg_buf *out, size_t *n, uint64_t *end);

/* Mark everything before end as sent. EG_OK or EG_ERR_IO with diag. */
enum eg_err eg_spool_commit(struct eg_spool *sp, uint64_t end, struct eg_diag *diag);

void eg_spool_close(struct eg_spool *sp);

/*
 * Count the events waiting in the spool in dir without changing it (for
 * `status`, which may run as another user). *n is 0 when there is no
 * spool. Returns EG_OK or EG_ERR_IO.
 */
enum eg_err eg_spool_count(const char *dir, uint64_t *n);

#endif
