#include "recorder.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "fault.h"
#include "json.h"
#include "mac.h"
#include "usage.h"
#include "banned.h"

#define SAVE_EVERY_MS 1000         /* the state, for high-rate events */
#define DROPS_EVERY_MS 60000       /* report.dropped, between outcomes */
#define RESUME_TAIL (1024 * 1024)  /* how much of the JSON-lines log a relaunch reads */

/* The first write failure of the run: say it once, keep it in the state. */
static void degrade(struct recorder *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void degrade(struct recorder *r, const char *fmt, ...)
{
	va_list ap;

	r->failed = true;
	if (r->st.degraded[0])
		return;
	va_start(ap, fmt);
	vsnprintf(r->st.degraded, sizeof(r->st.degraded), fmt, ap);
	va_end(ap);
	warning("%s", r->st.degraded);
	r->dirty = true;
}

/* Open one log: its directory checked, the file relative to it. */
static int open_log(const struct recorder *r, const char *path, char *shown, size_t n,
		    struct eg_diag *diag)
{
	struct eg_dir d = EG_DIR_INIT;
	struct eg_diag dd = EG_DIAG_INIT;
	const char *slash = strrchr(path, '/');
	char dir[1024];
	uint64_t cut;
	int fd;

	snprintf(shown, n, "%s", path);
	if (!slash || slash == path || (size_t)(slash - path) >= sizeof(dir)) {
		eg_diag_set(diag, EG_ERR_IO, "cannot open '%s': not an absolute path", path);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (eg_dir_open(&d, dir, 0755, r->state_dir->owner, &dd) != EG_OK) {
		eg_diag_set(diag, EG_ERR_IO, "cannot open '%s': %s", path, dd.msg);
		return -1;
	}
	fd = eg_dir_file(&d, slash + 1, O_RDWR | O_APPEND | O_CREAT, 0644, diag);
	eg_dir_close(&d);
	/* a crash or a full disk left half a line: the next one starts a line */
	if (fd >= 0 && eg_file_cut_torn(fd, &cut) == EG_OK && cut)
		warning("'%s' ended in a line cut short (%llu bytes): removed it", path,
			(unsigned long long)cut);
	return fd;
}

enum eg_err recorder_open(struct recorder *r, const struct eg_dir *state_dir,
			  const char *state_name, const char *human_log,
			  const char *json_log, struct eg_diag *diag)
{
	r->state_dir = state_dir;
	r->state_name = state_name;
	r->human_fd = open_log(r, human_log, r->human_path, sizeof(r->human_path), diag);
	if (r->human_fd < 0)
		return EG_ERR_IO;
	r->json_fd = open_log(r, json_log, r->json_path, sizeof(r->json_path), diag);
	if (r->json_fd < 0) {
		close(r->human_fd);
		r->human_fd = -1;
		return EG_ERR_IO;
	}
	return EG_OK;
}

/* One line to a log, whole or not at all. */
static void append_line(struct recorder *r, int fd, const char *path,
			const struct eg_buf *line)
{
	struct stat st;
	off_t before = fstat(fd, &st) == 0 ? st.st_size : -1;
	int e;

	if (fd < 0 || eg_io_write_all(fd, line->buf, line->len) == 0)
		return;
	e = errno;
	/* cut back to the last whole line: the next one must not continue this */
	if (before >= 0)
		(void)ftruncate(fd, before);
	degrade(r, "cannot write '%s': %s", path, strerror(e));
}

enum eg_err recorder_save(struct recorder *r)
{
	struct eg_buf b = EG_BUF_INIT(64 * 1024);
	struct eg_diag d = EG_DIAG_INIT;
	enum eg_err rc;

	r->st.updated_ms = mac_wall_ms();
	r->st.uptime_ms = r->saved_ms = mac_mono_ms();
	rc = eg_runstate_format(&r->st, &b);
	if (rc == EG_OK)
		/* we hold the run lock: a leftover .lock is a dead writer's */
		rc = eg_dir_replace(r->state_dir, r->state_name, b.buf, b.len, 0644, 1, &d);
	eg_buf_release(&b);
	if (rc != EG_OK) {
		degrade(r, "cannot save the state: %s", d.msg[0] ? d.msg : eg_strerror(rc));
		return rc;
	}
	r->dirty = false;
	r->saved_phase = r->st.phase;
	return EG_OK;
}

void recorder_touch(struct recorder *r)
{
	r->dirty = true;
	recorder_tick(r);
}

void recorder_tick(struct recorder *r)
{
	if (r->dirty && mac_mono_ms() - r->saved_ms >= SAVE_EVERY_MS)
		(void)recorder_save(r);
}

void recorder_host_known(struct recorder *r)
{
	struct eg_host h = r->host;

	if (!r->reporter)
		return;
	if (!h.serial[0])
		snprintf(h.serial, sizeof(h.serial), "unknown");
	reporter_set_host(r->reporter, &h);
}

void recorder_drops(struct recorder *r, bool now)
{
	struct eg_buf data = EG_BUF_INIT(256);
	uint64_t d[EG_SPOOL_NPRIO], total;
	struct eg_jw w;

	if (!r->reporter)
		return;
	reporter_dropped(r->reporter, d);
	total = d[EG_SPOOL_LOW] + d[EG_SPOOL_NORMAL] + d[EG_SPOOL_OUTCOME];
	if (total <= r->drops_said || (!now && r->drops_said &&
				       mac_mono_ms() - r->drops_said_ms < DROPS_EVERY_MS))
		return;
	r->drops_said = total;
	r->drops_said_ms = mac_mono_ms();
	eg_jw_begin(&w, &data);
	eg_jw_int(&w, "dropped", (int64_t)total);
	eg_jw_int(&w, "high_rate", (int64_t)d[EG_SPOOL_LOW]);
	eg_jw_int(&w, "other", (int64_t)(d[EG_SPOOL_NORMAL] + d[EG_SPOOL_OUTCOME]));
	eg_jw_end(&w);
	recorder_emit(r, w.rc == EG_OK ? data.buf : NULL, EG_TEXT_REPORT_DROPPED,
		      (unsigned long long)(r->reporter->spool.max_bytes / 1024),
		      (unsigned long long)total, (unsigned long long)d[EG_SPOOL_LOW],
		      (unsigned long long)(d[EG_SPOOL_NORMAL] + d[EG_SPOOL_OUTCOME]));
	eg_buf_release(&data);
}

void recorder_emit(struct recorder *r, const char *data_json,
		   enum eg_event_type type, const char *fmt, ...)
{
	struct eg_buf line = EG_BUF_INIT(256 * 1024);
	enum eg_spool_prio prio = eg_event_spool_prio(type);
	struct eg_event ev;
	char text[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	memset(&ev, 0, sizeof(ev));
	ev.ts_ms = mac_wall_ms();
	ev.host = &r->host;
	ev.run_id = r->st.run_id;
	ev.seq = ++r->st.seq;
	ev.type = type;
	ev.data_json = data_json;
	ev.text = text;
	/* the number is taken before it is used: a kill cannot make it used twice */
	if (prio != EG_SPOOL_LOW || r->st.phase != r->saved_phase)
		(void)recorder_save(r);
	else
		r->dirty = true;
	if (eg_event_json(&ev, &line) == EG_OK) {
		append_line(r, r->json_fd, r->json_path, &line);
		if (r->reporter) {
			reporter_append(r->reporter, line.buf, line.len, prio);
			r->st.spooled = reporter_pending(r->reporter);
		}
	}
	eg_buf_reset(&line);
	if (eg_event_human(&ev, mac_utc_offset_min(ev.ts_ms), &line) == EG_OK)
		append_line(r, r->human_fd, r->human_path, &line);
	eg_buf_release(&line);
	recorder_tick(r);
	if (type != EG_EV_REPORT_DROPPED)
		recorder_drops(r, false);
}

void recorder_resume(struct recorder *r, const char *run_id, uint64_t *seq,
		     uint64_t *attempt)
{
	struct stat st;
	char *buf;
	off_t from;
	ssize_t got;

	*seq = *attempt = 0;
	if (r->json_fd < 0 || fstat(r->json_fd, &st) != 0 || st.st_size == 0)
		return;
	from = st.st_size > RESUME_TAIL ? st.st_size - RESUME_TAIL : 0;
	buf = eg_xmalloc((size_t)(st.st_size - from));
	got = pread(r->json_fd, buf, (size_t)(st.st_size - from), from);
	if (got > 0)
		eg_event_scan_run(buf, (size_t)got, run_id, seq, attempt);
	free(buf);
}

bool recorder_degraded(const struct recorder *r)
{
	return r->failed;
}

void recorder_close(struct recorder *r)
{
	if (r->dirty && r->state_dir && r->state_dir->fd >= 0)
		(void)recorder_save(r);
	if (r->human_fd >= 0)
		close(r->human_fd);
	if (r->json_fd >= 0)
		close(r->json_fd);
	r->human_fd = r->json_fd = -1;
}

enum eg_err recorder_load_state(const char *state_dir, const char *state_name,
				struct eg_runstate *st, struct eg_diag *diag)
{
	struct eg_buf b = EG_BUF_INIT(64 * 1024);
	char path[1200];
	enum eg_err rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", state_dir, state_name) >= sizeof(path))
		return eg_diag_set(diag, EG_ERR_IO, "state directory path too long");
	rc = eg_file_read(path, &b, diag);
	if (rc == EG_OK) {
		struct eg_diag pd = EG_DIAG_INIT;

		rc = eg_runstate_parse(b.buf, b.len, st, &pd);
		if (rc != EG_OK)
			eg_diag_set(diag, rc, "'%s': %s", path, pd.msg);
	}
	eg_buf_release(&b);
	return rc;
}
