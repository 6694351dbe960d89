#include "recorder.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "file.h"
#include "mac.h"
#include "usage.h"
#include "banned.h"

static enum eg_err state_path(const char *dir, const char *name, char *out,
			      size_t n)
{
	int k = snprintf(out, n, "%s/%s", dir, name);

	return (k < 0 || (size_t)k >= n) ? EG_ERR_TOO_LARGE : EG_OK;
}

enum eg_err recorder_open(struct recorder *r, const char *human_log,
			  const char *json_log, const char *state_dir,
			  const char *state_name, struct eg_diag *diag)
{
	enum eg_err rc;

	rc = eg_file_mkdirs(state_dir, 0755, diag);
	if (rc != EG_OK)
		return rc;
	if (state_path(state_dir, state_name, r->state_path, sizeof(r->state_path)) != EG_OK)
		return eg_diag_set(diag, EG_ERR_IO, "state directory path too long");
	r->human_fd = eg_file_open_append(human_log, 0644, diag);
	if (r->human_fd < 0)
		return EG_ERR_IO;
	r->json_fd = eg_file_open_append(json_log, 0644, diag);
	if (r->json_fd < 0) {
		close(r->human_fd);
		r->human_fd = -1;
		return EG_ERR_IO;
	}
	return EG_OK;
}

static void write_all(struct recorder *r, int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!r->write_failed)
				warning("cannot write the log: %s", strerror(errno));
			r->write_failed = 1;
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

enum eg_err recorder_save(struct recorder *r)
{
	struct eg_buf b = EG_BUF_INIT(64 * 1024);
	struct eg_diag d = EG_DIAG_INIT;
	enum eg_err rc;

	r->st.updated_ms = mac_wall_ms();
	rc = eg_runstate_format(&r->st, &b);
	if (rc == EG_OK)
		/* we hold the run lock: a leftover .lock is a dead writer's */
		rc = eg_file_replace(r->state_path, b.buf, b.len, 0644, 1, &d);
	if (rc != EG_OK && !r->write_failed) {
		warning("cannot save the state: %s", d.msg[0] ? d.msg : eg_strerror(rc));
		r->write_failed = 1;
	}
	eg_buf_release(&b);
	return rc;
}

static void spool_held(struct recorder *r)
{
	struct eg_buf line = EG_BUF_INIT(256 * 1024);
	unsigned i;

	for (i = 0; i < r->nheld; i++) {
		struct eg_event *ev = &r->held[i].ev;

		ev->host = &r->host;
		eg_buf_reset(&line);
		if (eg_event_json(ev, &line) == EG_OK)
			reporter_append(r->reporter, line.buf, line.len);
		free((char *)ev->data_json);
		free((char *)ev->text);
	}
	r->nheld = 0;
	eg_buf_release(&line);
}

/* Hand the event (line is its JSON) to the reporter, or hold it. */
static void report(struct recorder *r, const struct eg_event *ev, const struct eg_buf *line)
{
	struct eg_event *h;

	if (!r->reporter)
		return;
	if (!r->host.serial[0] && r->nheld < RECORDER_HELD_MAX) {
		h = &r->held[r->nheld++].ev;
		*h = *ev;
		h->run_id = r->st.run_id;
		h->data_json = ev->data_json ? eg_xstrdup(ev->data_json) : NULL;
		h->text = eg_xstrdup(ev->text ? ev->text : "");
		return;
	}
	if (r->nheld)
		spool_held(r);
	reporter_append(r->reporter, line->buf, line->len);
}

void recorder_flush_held(struct recorder *r)
{
	if (!r->reporter || !r->nheld)
		return;
	if (!r->host.serial[0])
		snprintf(r->host.serial, sizeof(r->host.serial), "unknown");
	spool_held(r);
}

void recorder_emit(struct recorder *r, const char *data_json,
		   enum eg_event_type type, const char *fmt, ...)
{
	struct eg_buf line = EG_BUF_INIT(256 * 1024);
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
	if (eg_event_human(&ev, mac_utc_offset_min(ev.ts_ms), &line) == EG_OK)
		write_all(r, r->human_fd, line.buf, line.len);
	eg_buf_release(&line);
	if (eg_event_json(&ev, &line) == EG_OK)
		write_all(r, r->json_fd, line.buf, line.len);
	report(r, &ev, &line);
	if (r->reporter)
		r->st.spooled = reporter_pending(r->reporter);
	eg_buf_release(&line);
	recorder_save(r);
}

void recorder_close(struct recorder *r)
{
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
	char path[PATH_MAX];
	enum eg_err rc;

	if (state_path(state_dir, state_name, path, sizeof(path)) != EG_OK)
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
