#include "reporter.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "event.h"
#include "file.h"
#include "mac.h"
#include "usage.h"
#include "banned.h"

#define BATCH_EVENTS 50
#define BATCH_BYTES (512 * 1024)
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 60000
#define IDLE_WAIT_MS 1000
#define ANSWER_MAX (64 * 1024)
#define KEY_HEADER "X-Enrollguard-Device-Key: "
#define KEY_BYTES 32            /* 64 hex digits */

/* The server's answer body, kept up to ANSWER_MAX for a 400's details. */
static size_t keep_answer(char *p, size_t size, size_t n, void *ctx)
{
	struct eg_buf *b = ctx;

	if (b->len + size * n <= ANSWER_MAX)
		(void)eg_buf_add(b, p, size * n);
	return size * n;
}

/* POST batch; returns the HTTP status, or 0 with why set when none came. */
static long post(struct reporter *rp, CURL *curl, const struct eg_buf *batch,
		 struct eg_buf *answer, char *why, size_t whylen)
{
	struct curl_slist *h = NULL;
	long status = 0;
	CURLcode cc;

	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, rp->auth_header);
	if (rp->key_header)
		h = curl_slist_append(h, rp->key_header);
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(curl, CURLOPT_URL, rp->url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, batch->buf);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)batch->len);
	eg_buf_reset(answer);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_answer);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, answer);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 20000L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "enrollguard/" EG_VERSION);
	if (rp->ca_file)
		curl_easy_setopt(curl, CURLOPT_CAINFO, rp->ca_file);
	cc = curl_easy_perform(curl);
	if (cc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	else
		snprintf(why, whylen, "%s", curl_easy_strerror(cc));
	curl_slist_free_all(h);
	return status;
}

static int64_t backoff_next(int64_t cur)
{
	int64_t next = cur ? cur * 2 : BACKOFF_MIN_MS;

	if (next > BACKOFF_MAX_MS)
		next = BACKOFF_MAX_MS;
	/* jitter, so a cart of Macs does not retry in step */
	return next - next / 4 + (int64_t)((uint64_t)mac_mono_ms() % (uint64_t)(next / 2 + 1));
}

static void wait_ms(struct reporter *rp, int64_t ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	(void)pthread_cond_timedwait(&rp->wake, &rp->lock, &ts);
}

/* The indexes the server named in "invalid_events":[3,7]; how many (at most max). */
static size_t named_events(const struct eg_buf *answer, size_t *idx, size_t max)
{
	const char *p = strstr(answer->buf, "\"invalid_events\":[");
	size_t n = 0, v;

	if (!p)
		return 0;
	for (p += 18; *p && *p != ']' && n < max; p++) {
		if (*p < '0' || *p > '9')
			continue;
		for (v = 0; *p >= '0' && *p <= '9' && v < 100000; p++)
			v = v * 10 + (size_t)(*p - '0');
		idx[n++] = v;
		if (*p == ']')
			break;
	}
	return n;
}

/*
 * The elements of the JSON array in b (the spool's batch, one complete
 * event object per element): their start offsets and lengths. Returns
 * how many, or 0 when b is not an array of objects.
 */
static size_t split_batch(const struct eg_buf *b, size_t *off, size_t *len, size_t max)
{
	size_t i, n = 0, depth = 0, start = 0;
	bool in_str = false, esc = false;

	for (i = 0; i < b->len; i++) {
		char c = b->buf[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '{' && depth++ == 1)
			start = i;
		else if (c == '[' && depth++ == 0)
			continue;
		else if ((c == '}' || c == ']') && depth > 0 && --depth == 1 && c == '}' && n < max) {
			off[n] = start;
			len[n++] = i + 1 - start;
		}
	}
	return n;
}

/*
 * A 400 named some events as malformed: rebuild batch without them.
 * Returns how many were left out (0 when the answer named none).
 */
static size_t drop_named(struct eg_buf *batch, const struct eg_buf *answer, size_t n)
{
	static size_t idx[BATCH_EVENTS], off[BATCH_EVENTS], len[BATCH_EVENTS];
	struct eg_buf keep = EG_BUF_INIT(BATCH_BYTES + 2 * BATCH_EVENTS + 64);
	size_t nbad = named_events(answer, idx, BATCH_EVENTS), nel, i, j, dropped = 0;
	bool bad, first = true;

	if (!nbad || (nel = split_batch(batch, off, len, BATCH_EVENTS)) != n)
		return 0;
	(void)eg_buf_addch(&keep, '[');
	for (i = 0; i < nel; i++) {
		for (bad = false, j = 0; j < nbad; j++)
			bad |= idx[j] == i;
		if (bad) {
			dropped++;
			continue;
		}
		if (!first)
			(void)eg_buf_addch(&keep, ',');
		(void)eg_buf_add(&keep, batch->buf + off[i], len[i]);
		first = false;
	}
	(void)eg_buf_addch(&keep, ']');
	eg_buf_reset(batch);
	(void)eg_buf_add(batch, keep.buf, keep.len);
	eg_buf_release(&keep);
	return dropped;
}

/* The "detail" of an error answer, for the log (control characters cut). */
static void answer_detail(const struct eg_buf *answer, char *out, size_t n)
{
	const char *p = strstr(answer->buf, "\"detail\":\"");
	size_t i = 0;

	out[0] = '\0';
	if (!p)
		return;
	for (p += 10; *p && *p != '"' && i + 1 < n; p++)
		if ((unsigned char)*p >= 0x20)
			out[i++] = *p;
	out[i] = '\0';
}

/*
 * After an answer: commit, drop what the server named, or keep and back
 * off. Returns the next backoff (0 = go on at once).
 *
 * 2xx: sent. 400 naming events: only those are dropped (logged; the
 * JSON-lines log keeps them) and the rest is sent again at once. 400 or
 * 413 without names: a batch of one is dropped; a larger batch is sent
 * again one event at a time, so only the bad one goes. Anything else
 * (401, 403, 429, 5xx, no answer) keeps every event and backs off: the
 * server may take them later.
 */
static int64_t handle(struct reporter *rp, long status, struct eg_buf *batch,
		      const struct eg_buf *answer, size_t *n, uint64_t end, uint64_t gen,
		      int64_t backoff, const char *why)
{
	struct eg_diag d = EG_DIAG_INIT;
	char detail[200];
	size_t dropped;

	if (status >= 200 && status < 300) {
		rp->sent += *n;
		rp->last_error[0] = '\0';
		if (rp->one_by_one)
			rp->one_by_one--;
		(void)eg_spool_commit(&rp->spool, end, gen, &d);
		return 0;
	}
	answer_detail(answer, detail, sizeof(detail));
	if (status == 400 && (dropped = drop_named(batch, answer, *n)) > 0) {
		rp->rejected += dropped;
		*n -= dropped;
		warning("the server refused %zu of %zu events as malformed (%s); dropped "
			"them (the JSON-lines log keeps them) and sent the rest", dropped,
			dropped + *n, detail);
		rp->resend = *n > 0;
		if (!rp->resend)
			(void)eg_spool_commit(&rp->spool, end, gen, &d);
		return 0;
	}
	if ((status == 400 || status == 413) && *n > 1) {
		rp->one_by_one = *n;
		return 0;
	}
	if (status == 400 || status == 413) {
		rp->rejected += *n;
		snprintf(rp->last_error, sizeof(rp->last_error),
			 "the server refused %zu event (HTTP %ld: %s); it stays in the JSON-lines log",
			 *n, status, detail);
		warning("%s", rp->last_error);
		if (rp->one_by_one)
			rp->one_by_one--;
		(void)eg_spool_commit(&rp->spool, end, gen, &d);
		return 0;
	}
	if (status)
		snprintf(rp->last_error, sizeof(rp->last_error), "the server answered HTTP %ld%s%s",
			 status, detail[0] ? ": " : "", detail);
	else
		snprintf(rp->last_error, sizeof(rp->last_error), "%s", why);
	if (status == 401 || status == 403)
		warning("%s; the events wait in the spool", rp->last_error);
	return backoff_next(backoff);
}

/*
 * Sleep for a backoff: appends do not cut it short (a dead server is not
 * retried once per event), a stop does, and a flush deadline bounds it.
 */
static void sleep_backoff(struct reporter *rp, int64_t ms)
{
	int64_t deadline = mac_mono_ms() + ms, now;
	bool was_stopping = rp->stopping;

	while ((now = mac_mono_ms()) < deadline) {
		if (rp->stopping && (!was_stopping || now >= rp->flush_deadline_ms))
			return;
		if (rp->stopping && rp->flush_deadline_ms < deadline)
			deadline = rp->flush_deadline_ms;
		wait_ms(rp, deadline - now);
	}
}

static bool give_up_flush(struct reporter *rp)
{
	return rp->stopping && (int64_t)mac_mono_ms() >= rp->flush_deadline_ms;
}

/*
 * Events recorded before the Mac's serial was known carry the empty host
 * (event.h): put the real one in, or say there is nothing to send yet.
 */
static bool fill_host(struct reporter *rp, struct eg_buf *batch)
{
	struct eg_buf out = EG_BUF_INIT(batch->cap + 64 * 1024);
	const char *p = batch->buf, *hit;
	size_t el = strlen(rp->empty_host);
	bool ok = true;

	if (!strstr(batch->buf, rp->empty_host))
		return true;
	if (!rp->host[0])
		return false;
	while (ok && (hit = strstr(p, rp->empty_host))) {
		ok = eg_buf_add(&out, p, (size_t)(hit - p)) == EG_OK &&
		     eg_buf_addstr(&out, rp->host) == EG_OK;
		p = hit + el;
	}
	ok = ok && eg_buf_addstr(&out, p) == EG_OK;
	if (ok) {
		eg_buf_reset(batch);
		ok = eg_buf_add(batch, out.buf, out.len) == EG_OK;
	}
	eg_buf_release(&out);
	return ok;
}

static void *run(void *arg)
{
	struct reporter *rp = arg;
	/* room for the host put into the events recorded before it was known */
	struct eg_buf batch = EG_BUF_INIT(2 * BATCH_BYTES + 2 * BATCH_EVENTS + 64);
	struct eg_buf answer = EG_BUF_INIT(ANSWER_MAX + 1);
	CURL *curl = curl_easy_init();
	int64_t backoff = 0;
	char why[CURL_ERROR_SIZE];
	uint64_t end, gen = 0;
	size_t n = 0;
	long status;

	pthread_mutex_lock(&rp->lock);
	while (curl && !give_up_flush(rp)) {
		/* after a 400 that named events, the same batch without them goes again */
		if (!rp->resend &&
		    (eg_spool_peek(&rp->spool, rp->one_by_one ? 1 : BATCH_EVENTS, BATCH_BYTES,
				   &batch, &n, &end) != EG_OK ||
		     (n == 0 && end == rp->spool.sent) || !fill_host(rp, &batch))) {
			if (rp->stopping && n == 0)
				break;          /* all sent */
			wait_ms(rp, IDLE_WAIT_MS);
			continue;
		}
		/* a compaction before the answer makes `end` mean another file */
		if (!rp->resend)
			gen = rp->spool.gen;
		rp->resend = false;
		pthread_mutex_unlock(&rp->lock);
		why[0] = '\0';
		status = n ? post(rp, curl, &batch, &answer, why, sizeof(why)) : 400;
		pthread_mutex_lock(&rp->lock);
		backoff = handle(rp, status, &batch, &answer, &n, end, gen, backoff, why);
		if (backoff && !give_up_flush(rp))
			sleep_backoff(rp, backoff);
	}
	pthread_mutex_unlock(&rp->lock);
	eg_buf_release(&answer);
	eg_buf_release(&batch);
	if (curl)
		curl_easy_cleanup(curl);
	return NULL;
}

static enum eg_err read_token(const char *path, char **header, struct eg_diag *diag)
{
	struct eg_buf b = EG_BUF_INIT(1024);
	enum eg_err rc = eg_file_read(path, &b, diag);
	size_t len;

	if (rc != EG_OK)
		goto out;
	len = b.len;
	while (len && (b.buf[len - 1] == '\n' || b.buf[len - 1] == '\r' ||
		       b.buf[len - 1] == ' '))
		len--;
	if (len < 16 || memchr(b.buf, '\r', len) || memchr(b.buf, '\n', len)) {
		rc = eg_diag_set(diag, EG_ERR_INVALID,
				 "report token file '%s' must hold one token of 16 or more characters",
				 path);
		goto out;
	}
	b.buf[len] = '\0';
	*header = eg_xmalloc(len + 32);
	snprintf(*header, len + 32, "Authorization: Bearer %s", b.buf);
out:
	eg_buf_release(&b);
	return rc;
}

/* "<state dir>/device-key", beside the spool. */
static void key_path(const struct eg_dir *state_dir, char *out, size_t n)
{
	snprintf(out, n, "%s/device-key", state_dir->path);
}

static bool key_valid(const char *k, size_t len)
{
	size_t i;

	if (len != 2 * KEY_BYTES)
		return false;
	for (i = 0; i < len; i++)
		if (!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' && k[i] <= 'f')))
			return false;
	return true;
}

/* A new random key, written 0600 and renamed into place. */
static enum eg_err create_key(const char *path, char key[2 * KEY_BYTES + 1],
			      struct eg_diag *diag)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[KEY_BYTES];
	char tmp[PATH_MAX + 8];
	ssize_t got = -1;
	int fd, i;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) >= 0) {
		got = read(fd, raw, sizeof(raw));
		close(fd);
	}
	if (got != (ssize_t)sizeof(raw))
		return eg_diag_set(diag, EG_ERR_IO, "cannot read /dev/urandom for a device key");
	for (i = 0; i < KEY_BYTES; i++) {
		key[2 * i] = hex[raw[i] >> 4];
		key[2 * i + 1] = hex[raw[i] & 15];
	}
	key[2 * KEY_BYTES] = '\0';
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, key, 2 * KEY_BYTES) != 2 * KEY_BYTES ||
	    write(fd, "\n", 1) != 1 || fsync(fd) != 0 || rename(tmp, path) != 0) {
		if (fd >= 0)
			close(fd);
		(void)unlink(tmp);
		return eg_diag_set(diag, EG_ERR_IO, "cannot write the device key '%s': %s",
				   path, strerror(errno));
	}
	close(fd);
	return EG_OK;
}

/*
 * The Mac's device key (enrollguard-server(8), DEVICE KEYS): read from
 * the state dir, or made and kept there (0600) on the first run. The
 * server registers it with the first batch and from then on takes
 * nothing for this serial without it.
 */
static enum eg_err load_key(struct reporter *rp, const struct eg_dir *state_dir,
			    struct eg_diag *diag)
{
	char path[PATH_MAX], key[2 * KEY_BYTES + 8];
	struct stat st;
	enum eg_err rc = EG_OK;
	ssize_t n = -1;
	int fd;

	key_path(state_dir, path, sizeof(path));
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if ((st.st_mode & 077) != 0)
			(void)fchmod(fd, 0600);   /* it is a credential */
		n = read(fd, key, sizeof(key) - 1);
	}
	if (fd >= 0)
		close(fd);
	while (n > 0 && (key[n - 1] == '\n' || key[n - 1] == ' '))
		n--;
	if (n < 0 || !key_valid(key, (size_t)n)) {
		if (fd >= 0)
			warning("device key '%s' is malformed: making a new one (an admin may "
				"have to reset this Mac's key on the server)", path);
		rc = create_key(path, key, diag);
		n = 2 * KEY_BYTES;
	}
	if (rc != EG_OK)
		return rc;
	key[n] = '\0';
	rp->key_header = eg_xmalloc(sizeof(KEY_HEADER) + (size_t)n);
	snprintf(rp->key_header, sizeof(KEY_HEADER) + (size_t)n, "%s%s", KEY_HEADER, key);
	return EG_OK;
}

enum eg_err reporter_start(struct reporter *rp, const char *base_url,
			   const char *token_file, const char *ca_file,
			   const struct eg_dir *state_dir, uint64_t max_bytes,
			   struct eg_diag *diag)
{
	size_t len = strlen(base_url);
	struct eg_host none;
	struct eg_buf h = EG_BUF_INIT(sizeof(rp->empty_host) - 1);
	enum eg_err rc;

	if ((strncmp(base_url, "http://", 7) != 0 && strncmp(base_url, "https://", 8) != 0) ||
	    len > 1000 || strpbrk(base_url, " \t\r\n"))
		return eg_diag_set(diag, EG_ERR_INVALID,
				   "ReportURL (--report-url): '%s' must be an http:// or https:// "
				   "URL of at most 1000 characters", base_url);
	if (!token_file || !token_file[0])
		return eg_diag_set(diag, EG_ERR_INVALID,
				   "ReportURL is set but ReportTokenFile (--report-token-file) is not");
	if ((rc = read_token(token_file, &rp->auth_header, diag)) != EG_OK)
		return rc;
	if (ca_file && ca_file[0]) {
		if (access(ca_file, R_OK) != 0) {
			free(rp->auth_header);
			rp->auth_header = NULL;
			return eg_diag_set(diag, EG_ERR_INVALID,
					   "ReportCAFile (--report-ca-file): cannot read '%s'", ca_file);
		}
		rp->ca_file = eg_xstrdup(ca_file);
	}
	rp->url = eg_xmalloc(len + 16);
	snprintf(rp->url, len + 16, "%s%s", base_url,
		 len && base_url[len - 1] == '/' ? "api/v1/events" : "/api/v1/events");
	memset(&none, 0, sizeof(none));
	(void)eg_event_host_json(&none, &h);
	snprintf(rp->empty_host, sizeof(rp->empty_host), "%s", h.buf);
	eg_buf_release(&h);
	if ((rc = eg_spool_open(&rp->spool, state_dir, "spool", max_bytes, eg_event_line_prio,
				diag)) != EG_OK)
		goto fail;
	if ((rc = load_key(rp, state_dir, diag)) != EG_OK) {
		eg_spool_close(&rp->spool);
		goto fail;
	}
	pthread_mutex_init(&rp->lock, NULL);
	pthread_cond_init(&rp->wake, NULL);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    pthread_create(&rp->thread, NULL, run, rp) != 0) {
		rc = eg_diag_set(diag, EG_ERR_IO, "cannot start the reporter thread");
		eg_spool_close(&rp->spool);
		goto fail;
	}
	rp->running = true;
	return EG_OK;
fail:
	free(rp->url);
	free(rp->auth_header);
	free(rp->ca_file);
	free(rp->key_header);
	rp->url = rp->auth_header = rp->ca_file = rp->key_header = NULL;
	return rc;
}

void reporter_append(struct reporter *rp, const char *line, size_t len,
		     enum eg_spool_prio prio)
{
	if (!rp->running)
		return;
	pthread_mutex_lock(&rp->lock);
	(void)eg_spool_append(&rp->spool, line, len, prio);
	pthread_cond_signal(&rp->wake);
	pthread_mutex_unlock(&rp->lock);
}

void reporter_set_host(struct reporter *rp, const struct eg_host *host)
{
	struct eg_buf h = EG_BUF_INIT(sizeof(rp->host) - 1);

	if (!rp->running || eg_event_host_json(host, &h) != EG_OK)
		return;
	pthread_mutex_lock(&rp->lock);
	snprintf(rp->host, sizeof(rp->host), "%s", h.buf);
	pthread_cond_signal(&rp->wake);
	pthread_mutex_unlock(&rp->lock);
	eg_buf_release(&h);
}

bool reporter_has_host(struct reporter *rp)
{
	bool has;

	if (!rp->running)
		return false;
	pthread_mutex_lock(&rp->lock);
	has = rp->host[0] != '\0';
	pthread_mutex_unlock(&rp->lock);
	return has;
}

void reporter_dropped(struct reporter *rp, uint64_t out[EG_SPOOL_NPRIO])
{
	int p;

	for (p = 0; p < EG_SPOOL_NPRIO; p++)
		out[p] = 0;
	if (!rp->running)
		return;
	pthread_mutex_lock(&rp->lock);
	for (p = 0; p < EG_SPOOL_NPRIO; p++)
		out[p] = rp->spool.dropped[p];
	pthread_mutex_unlock(&rp->lock);
}

uint64_t reporter_pending(struct reporter *rp)
{
	uint64_t n;

	if (!rp->running)
		return 0;
	pthread_mutex_lock(&rp->lock);
	n = rp->spool.pending;
	pthread_mutex_unlock(&rp->lock);
	return n;
}

void reporter_stop(struct reporter *rp, uint64_t flush_ms)
{
	if (!rp->running)
		return;
	pthread_mutex_lock(&rp->lock);
	rp->stopping = true;
	rp->flush_deadline_ms = mac_mono_ms() + (int64_t)flush_ms;
	pthread_cond_signal(&rp->wake);
	pthread_mutex_unlock(&rp->lock);
	pthread_join(rp->thread, NULL);
	eg_spool_close(&rp->spool);
	pthread_cond_destroy(&rp->wake);
	pthread_mutex_destroy(&rp->lock);
	curl_global_cleanup();
	free(rp->url);
	free(rp->auth_header);
	free(rp->ca_file);
	free(rp->key_header);
	rp->url = rp->auth_header = rp->ca_file = rp->key_header = NULL;
	rp->running = false;
}
