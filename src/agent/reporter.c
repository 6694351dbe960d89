#include "reporter.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "file.h"
#include "mac.h"
#include "banned.h"

#define BATCH_EVENTS 50
#define BATCH_BYTES (512 * 1024)
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 60000
#define IDLE_WAIT_MS 1000

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* POST batch; returns the HTTP status, or 0 with why set when none came. */
static long post(struct reporter *rp, CURL *curl, const struct eg_buf *batch,
		 char *why, size_t whylen)
{
	struct curl_slist *h = NULL;
	long status = 0;
	CURLcode cc;

	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, rp->auth_header);
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(curl, CURLOPT_URL, rp->url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, batch->buf);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)batch->len);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
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

/* After an answer: commit or set aside; returns the next backoff (0 = go on). */
static int64_t handle(struct reporter *rp, long status, size_t n, uint64_t end,
		      int64_t backoff, const char *why)
{
	struct eg_diag d = EG_DIAG_INIT;

	if ((status >= 200 && status < 300) || status == 400 || status == 413) {
		if (status >= 400) {
			rp->rejected += n;
			snprintf(rp->last_error, sizeof(rp->last_error),
				 "the server refused %zu events (HTTP %ld); they stay in the "
				 "JSON-lines log", n, status);
		} else {
			rp->sent += n;
			rp->last_error[0] = '\0';
		}
		(void)eg_spool_commit(&rp->spool, end, &d);
		return 0;
	}
	if (status)
		snprintf(rp->last_error, sizeof(rp->last_error), "the server answered HTTP %ld",
			 status);
	else
		snprintf(rp->last_error, sizeof(rp->last_error), "%s", why);
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

static void *run(void *arg)
{
	struct reporter *rp = arg;
	struct eg_buf batch = EG_BUF_INIT(BATCH_BYTES + 2 * BATCH_EVENTS + 64);
	CURL *curl = curl_easy_init();
	int64_t backoff = 0;
	char why[CURL_ERROR_SIZE];
	uint64_t end;
	size_t n;
	long status;

	pthread_mutex_lock(&rp->lock);
	while (curl && !give_up_flush(rp)) {
		if (eg_spool_peek(&rp->spool, BATCH_EVENTS, BATCH_BYTES, &batch, &n, &end) != EG_OK ||
		    (n == 0 && end == rp->spool.sent)) {
			if (rp->stopping)
				break;          /* all sent */
			wait_ms(rp, IDLE_WAIT_MS);
			continue;
		}
		pthread_mutex_unlock(&rp->lock);
		why[0] = '\0';
		status = n ? post(rp, curl, &batch, why, sizeof(why)) : 400;
		pthread_mutex_lock(&rp->lock);
		backoff = handle(rp, status, n, end, backoff, why);
		if (backoff && !give_up_flush(rp))
			sleep_backoff(rp, backoff);
	}
	pthread_mutex_unlock(&rp->lock);
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

enum eg_err reporter_start(struct reporter *rp, const char *base_url,
			   const char *token_file, const char *ca_file,
			   const char *spool_dir, uint64_t max_bytes,
			   struct eg_diag *diag)
{
	size_t len = strlen(base_url);
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
	if ((rc = eg_spool_open(&rp->spool, spool_dir, max_bytes, diag)) != EG_OK)
		goto fail;
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
	rp->url = rp->auth_header = rp->ca_file = NULL;
	return rc;
}

void reporter_append(struct reporter *rp, const char *line, size_t len)
{
	if (!rp->running)
		return;
	pthread_mutex_lock(&rp->lock);
	(void)eg_spool_append(&rp->spool, line, len);
	pthread_cond_signal(&rp->wake);
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
	rp->url = rp->auth_header = rp->ca_file = NULL;
	rp->running = false;
}
