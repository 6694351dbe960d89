/*
 * spool.h: the agent's on-disk queue of events waiting for the server,
 * so nothing is lost while the network or the server is down, and a
 * relaunched agent sends what the last one could not (DESIGN.md,
 * "Records").
 *
 * A spool is a directory with two files: events.jsonl (event lines,
 * appended) and sent (the byte offset up to which the server has
 * answered 2xx, replaced atomically). When everything is sent the data
 * file is truncated. A crash between truncating and writing the offset
 * leaves an offset past the end, which is read as 0: events may then be
 * sent twice, which the server ignores ((serial, run_id, seq) is unique),
 * never lost. Both files are opened relative to the directory, never
 * through a symbolic link.
 *
 * The data file never grows past max_bytes, and the run's outcome always
 * fits: each event comes with a priority (enum eg_spool_prio). High-rate
 * events (dasd verdicts, thermal samples) may fill three quarters of it,
 * other events all but the last sixteenth, the outcome (run.*) all of it.
 * When an event does not fit under its limit, the spool is compacted:
 * the unsent high-rate events are dropped but the newest of each type
 * (the fleet view needs the latest), then, for an outcome, the oldest
 * other events. What is dropped is counted (dropped[]): the recorder
 * turns the count into an event of its own, and the JSON-lines log keeps
 * everything. Compacting rewrites the file and bumps `gen`: a batch
 * peeked before is then not committed, only sent again.
 *
 * Not thread-safe: the agent holds one mutex around every call.
 *
 * Calling sequence:
 *     struct eg_spool sp = EG_SPOOL_INIT;
 *     eg_spool_open(&sp, &state_dir, "spool", 8 << 20, classify, &diag);
 *     eg_spool_append(&sp, line, len, EG_SPOOL_NORMAL);   each event, with '\n'
 *     eg_spool_peek(&sp, 50, 512 << 10, &batch, &n, &end);  gen = sp.gen
 *     ...POST batch.buf; on 2xx: eg_spool_commit(&sp, end, gen, &diag);
 *     eg_spool_close(&sp);
 */
#ifndef EG_SPOOL_H
#define EG_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "file.h"

/* How much an event matters when the spool is full. */
enum eg_spool_prio {
	EG_SPOOL_LOW = 0,       /* high-rate: dropped first, newest of each type kept */
	EG_SPOOL_NORMAL = 1,
	EG_SPOOL_OUTCOME = 2,   /* the run's start and end: always kept */
	EG_SPOOL_NPRIO
};

/* Types a classifier tells apart (its *kind is below this). */
#define EG_SPOOL_KINDS 256

struct eg_spool {
	struct eg_dir dir;      /* the spool directory */
	int fd;                 /* events.jsonl, O_RDWR|O_APPEND */
	uint64_t sent;          /* offset of the first unsent byte */
	uint64_t size;          /* bytes in events.jsonl */
	uint64_t max_bytes;
	uint64_t pending;       /* complete lines after sent */
	uint64_t dropped[EG_SPOOL_NPRIO];  /* events dropped, by priority */
	uint64_t gen;           /* bumped each time compaction rewrites the file */
	/*
	 * What a spooled line is: its priority, and in *kind (OUT) a number
	 * for its type below EG_SPOOL_KINDS, so that compaction keeps the
	 * newest line of each high-rate type (event.h: eg_event_line_prio).
	 */
	enum eg_spool_prio (*classify)(const char *line, size_t len, unsigned *kind);
};

#define EG_SPOOL_INIT { .dir = EG_DIR_INIT, .fd = -1 }

/*
 * Open or create the spool "name" in parent (made 0755; files 0644,
 * relative to it, never following links; file.h checks both). classify
 * may be NULL: every line is then EG_SPOOL_NORMAL. Returns EG_OK,
 * EG_ERR_UNSAFE or EG_ERR_IO with diag.
 */
enum eg_err eg_spool_open(struct eg_spool *sp, const struct eg_dir *parent,
			  const char *name, uint64_t max_bytes,
			  enum eg_spool_prio (*classify)(const char *, size_t, unsigned *),
			  struct eg_diag *diag);

/*
 * Append one event line (len bytes ending in '\n') of priority prio,
 * compacting first when it does not fit under the limit of its priority.
 * Returns EG_OK, EG_ERR_TOO_LARGE (no room even so; dropped[prio] is
 * incremented) or EG_ERR_IO (the file is cut back to its last whole
 * line).
 */
enum eg_err eg_spool_append(struct eg_spool *sp, const char *line, size_t len,
			    enum eg_spool_prio prio);

/*
 * The oldest unsent events as a JSON array "[ev,ev]" in out (reset
 * first): at most max_events lines and about max_bytes. *n (OUT) is the
 * count (0 when nothing waits) and *end (OUT) the offset to commit once
 * the server took them, together with sp->gen as it was now. Returns
 * EG_OK, or EG_ERR_IO.
 */
enum eg_err eg_spool_peek(struct eg_spool *sp, size_t max_events, size_t max_bytes,
			  struct eg_buf *out, size_t *n, uint64_t *end);

/*
 * Mark everything before end as sent, if the file is still generation
 * gen (a compaction since makes the batch count as not sent: it goes
 * again, and the server ignores what it has). EG_OK or EG_ERR_IO.
 */
enum eg_err eg_spool_commit(struct eg_spool *sp, uint64_t end, uint64_t gen,
			    struct eg_diag *diag);

/* Events dropped so far, all priorities. */
uint64_t eg_spool_dropped(const struct eg_spool *sp);

void eg_spool_close(struct eg_spool *sp);

/*
 * Count the events waiting in the spool in dir without changing it (for
 * `status`, which may run as another user). *n is 0 when there is no
 * spool. Returns EG_OK or EG_ERR_IO.
 */
enum eg_err eg_spool_count(const char *dir, uint64_t *n);

#endif
