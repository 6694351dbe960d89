#include "auth.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "timefmt.h"
#include "banned.h"

enum eg_err auth_random_hex(char *out, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[64];
	ssize_t got;
	size_t i;
	int fd;

	if (nbytes > sizeof(raw))
		return EG_ERR_RANGE;
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return EG_ERR_IO;
	got = read(fd, raw, nbytes);
	close(fd);
	if (got != (ssize_t)nbytes)
		return EG_ERR_IO;
	for (i = 0; i < nbytes; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[2 * nbytes] = '\0';
	return EG_OK;
}

static enum eg_err create_token(const char *path, char tok[AUTH_TOKEN_MAX + 1],
				struct eg_diag *diag)
{
	int fd;
	ssize_t w;

	if (auth_random_hex(tok, 32) != EG_OK)
		return eg_diag_set(diag, EG_ERR_IO, "cannot read /dev/urandom");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return eg_diag_set(diag, EG_ERR_IO, "cannot create '%s': %s", path,
				   strerror(errno));
	w = write(fd, tok, 64);
	if (w != 64 || write(fd, "\n", 1) != 1 || fsync(fd) != 0) {
		close(fd);
		unlink(path);
		return eg_diag_set(diag, EG_ERR_IO, "cannot write '%s': %s", path,
				   strerror(errno));
	}
	close(fd);
	return EG_OK;
}

/* Check one token of n bytes at raw and copy it into tok. */
static enum eg_err take_token(const char *raw, ssize_t n, const char *path,
			      char tok[AUTH_TOKEN_MAX + 1], struct eg_diag *diag)
{
	size_t i;

	while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == '\r' ||
			 raw[n - 1] == ' ' || raw[n - 1] == '\t'))
		n--;
	if (n < 16 || n > AUTH_TOKEN_MAX)
		return eg_diag_set(diag, EG_ERR_INVALID,
				   "'%s': a token must be 16 to %d characters long", path,
				   AUTH_TOKEN_MAX);
	for (i = 0; i < (size_t)n; i++)
		if ((unsigned char)raw[i] <= ' ' || (unsigned char)raw[i] >= 0x7f)
			return eg_diag_set(diag, EG_ERR_INVALID,
					   "'%s': a token is printable ASCII without spaces", path);
	memcpy(tok, raw, (size_t)n);
	tok[n] = '\0';
	return EG_OK;
}

static enum eg_err read_token(int fd, const char *path, char tok[AUTH_TOKEN_MAX + 1],
			      struct eg_diag *diag)
{
	char raw[AUTH_TOKEN_MAX + 8];
	ssize_t n = read(fd, raw, sizeof(raw) - 1);

	if (n < 0)
		return eg_diag_set(diag, EG_ERR_IO, "cannot read '%s': %s", path,
				   strerror(errno));
	return take_token(raw, n, path, tok, diag);
}

/* Open path for reading if it is a regular file only its owner (us) can read. */
static enum eg_err open_private(const char *path, int *fd, struct stat *st,
				struct eg_diag *diag)
{
	*fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0)
		return eg_diag_set(diag, errno == ENOENT ? EG_ERR_NOT_FOUND : EG_ERR_IO,
				   "cannot open '%s': %s", path, strerror(errno));
	if (fstat(*fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(*fd);
		*fd = -1;
		return eg_diag_set(diag, EG_ERR_INVALID, "'%s' is not a regular file", path);
	}
	if ((st->st_mode & 077) != 0 || st->st_uid != geteuid()) {
		close(*fd);
		*fd = -1;
		return eg_diag_set(diag, EG_ERR_UNSAFE,
				   "'%s' must be owned by this user and not readable by "
				   "group or others (chmod 600)", path);
	}
	return EG_OK;
}

enum eg_err auth_token_load(const char *path, char tok[AUTH_TOKEN_MAX + 1],
			    bool *created, struct eg_diag *diag)
{
	struct stat st;
	enum eg_err rc;
	int fd;

	*created = false;
	rc = open_private(path, &fd, &st, diag);
	if (rc == EG_ERR_NOT_FOUND) {
		rc = create_token(path, tok, diag);
		*created = rc == EG_OK;
		return rc;
	}
	if (rc != EG_OK)
		return rc;
	rc = read_token(fd, path, tok, diag);
	close(fd);
	return rc;
}

/* "<current>\n" and maybe "<previous> until <ISO>\n", from the file's bytes. */
static enum eg_err parse_enroll(const char *raw, size_t len, const char *path,
				struct enroll_tokens *t, struct eg_diag *diag)
{
	const char *nl = memchr(raw, '\n', len), *sp, *until;
	enum eg_err rc;
	size_t rest;

	rc = take_token(raw, nl ? nl - raw : (ssize_t)len, path, t->current, diag);
	t->previous[0] = '\0';
	t->previous_until = 0;
	if (rc != EG_OK || !nl)
		return rc;
	rest = len - (size_t)(nl + 1 - raw);
	while (rest && (nl[rest] == '\n' || nl[rest] == ' ' || nl[rest] == '\r'))
		rest--;
	if (rest == 0)
		return EG_OK;
	sp = memchr(nl + 1, ' ', rest);
	until = sp && (size_t)(nl + 1 + rest - sp) > 7 && strncmp(sp, " until ", 7) == 0 ?
		sp + 7 : NULL;
	if (!until || take_token(nl + 1, sp - nl - 1, path, t->previous, diag) != EG_OK ||
	    eg_parse_iso(until, (size_t)(nl + 1 + rest - until), &t->previous_until))
		return eg_diag_set(diag, EG_ERR_INVALID,
				   "'%s' line 2: must be '<old token> until <ISO time>'", path);
	return EG_OK;
}

/* Changes when the file is replaced (a rotation renames) or rewritten. */
static uint64_t file_stamp(const struct stat *st)
{
	return (uint64_t)st->st_ino * 1000003u ^ (uint64_t)st->st_mtime * 31u ^
	       (uint64_t)st->st_size;
}

static enum eg_err read_enroll(struct enroll_tokens *t, int fd, const struct stat *st,
			       struct eg_diag *diag)
{
	char raw[2 * AUTH_TOKEN_MAX + 80];
	ssize_t n = read(fd, raw, sizeof(raw) - 1);
	struct enroll_tokens fresh;
	enum eg_err rc;

	if (n < 0)
		return eg_diag_set(diag, EG_ERR_IO, "cannot read '%s': %s", t->path,
				   strerror(errno));
	raw[n] = '\0';
	if ((rc = parse_enroll(raw, (size_t)n, t->path, &fresh, diag)) != EG_OK)
		return rc;
	pthread_mutex_lock(&t->lock);
	memcpy(t->current, fresh.current, sizeof(t->current));
	memcpy(t->previous, fresh.previous, sizeof(t->previous));
	t->previous_until = fresh.previous_until;
	t->stamp = file_stamp(st);
	pthread_mutex_unlock(&t->lock);
	return EG_OK;
}

enum eg_err enroll_tokens_load(struct enroll_tokens *t, const char *path, bool *created,
			       struct eg_diag *diag)
{
	struct stat st;
	enum eg_err rc;
	int fd;

	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	snprintf(t->path, sizeof(t->path), "%s", path);
	*created = false;
	rc = open_private(path, &fd, &st, diag);
	if (rc == EG_ERR_NOT_FOUND) {
		if ((rc = create_token(path, t->current, diag)) != EG_OK)
			return rc;
		*created = true;
		rc = open_private(path, &fd, &st, diag);
	}
	if (rc != EG_OK)
		return rc;
	rc = read_enroll(t, fd, &st, diag);
	close(fd);
	return rc;
}

enum eg_err enroll_tokens_reload(struct enroll_tokens *t, bool *changed,
				 struct eg_diag *diag)
{
	struct stat st;
	enum eg_err rc;
	int fd;

	*changed = false;
	if ((rc = open_private(t->path, &fd, &st, diag)) != EG_OK)
		return rc;
	if (file_stamp(&st) != t->stamp) {
		rc = read_enroll(t, fd, &st, diag);
		*changed = rc == EG_OK;
	}
	close(fd);
	return rc;
}

bool enroll_tokens_match(struct enroll_tokens *t, const char *given, size_t len,
			 int64_t now_ms)
{
	bool ok;

	pthread_mutex_lock(&t->lock);
	ok = auth_equal(given, len, t->current) ||
	     (t->previous[0] && now_ms < t->previous_until &&
	      auth_equal(given, len, t->previous));
	pthread_mutex_unlock(&t->lock);
	return ok;
}

void enroll_tokens_release(struct enroll_tokens *t)
{
	pthread_mutex_destroy(&t->lock);
}

enum eg_err enroll_tokens_rotate(const char *path, int64_t now_ms, uint64_t grace_ms,
				 char new_token[AUTH_TOKEN_MAX + 1], struct eg_diag *diag)
{
	struct enroll_tokens old;
	char tmp[4200], until[40];
	struct eg_buf b = EG_BUF_INIT(1024);
	enum eg_err rc;
	bool created;
	int fd = -1;

	if ((rc = enroll_tokens_load(&old, path, &created, diag)) != EG_OK)
		goto out;
	if (auth_random_hex(new_token, 32) != EG_OK) {
		rc = eg_diag_set(diag, EG_ERR_IO, "cannot read /dev/urandom");
		goto out;
	}
	eg_format_iso(now_ms + (int64_t)grace_ms, until, sizeof(until));
	if ((rc = eg_buf_addf(&b, "%s\n%s until %s\n", new_token, old.current, until)))
		goto out;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, b.buf, b.len) != (ssize_t)b.len || fsync(fd) != 0 ||
	    rename(tmp, path) != 0) {
		rc = eg_diag_set(diag, EG_ERR_IO, "cannot write '%s': %s", tmp, strerror(errno));
		(void)unlink(tmp);
	}
out:
	if (fd >= 0)
		close(fd);
	eg_buf_release(&b);
	enroll_tokens_release(&old);
	return rc;
}

bool auth_equal(const char *given, size_t given_len, const char *real)
{
	size_t real_len = strlen(real), i;
	unsigned char diff = given_len != real_len;

	for (i = 0; i < real_len; i++)
		diff |= (unsigned char)(real[i] ^ (i < given_len ? given[i] : 0));
	return diff == 0;
}

void sessions_init(struct sessions *ss, int64_t ttl_ms)
{
	memset(ss->s, 0, sizeof(ss->s));
	pthread_mutex_init(&ss->lock, NULL);
	ss->ttl_ms = ttl_ms;
}

void sessions_release(struct sessions *ss)
{
	pthread_mutex_destroy(&ss->lock);
}

enum eg_err sessions_new(struct sessions *ss, int64_t now_ms, char id[65])
{
	struct session *oldest;
	int i;

	if (auth_random_hex(id, 32) != EG_OK)
		return EG_ERR_IO;
	pthread_mutex_lock(&ss->lock);
	oldest = &ss->s[0];
	for (i = 1; i < SESSIONS_MAX; i++)
		if (ss->s[i].expires_ms < oldest->expires_ms)
			oldest = &ss->s[i];
	memcpy(oldest->id, id, 65);
	oldest->expires_ms = now_ms + ss->ttl_ms;
	pthread_mutex_unlock(&ss->lock);
	return EG_OK;
}

bool sessions_check(struct sessions *ss, const char *id, int64_t now_ms)
{
	bool ok = false;
	size_t len = strlen(id);
	int i;

	if (len != 64)
		return false;
	pthread_mutex_lock(&ss->lock);
	for (i = 0; i < SESSIONS_MAX; i++)
		if (ss->s[i].expires_ms > now_ms && auth_equal(id, len, ss->s[i].id))
			ok = true;
	pthread_mutex_unlock(&ss->lock);
	return ok;
}

void sessions_end(struct sessions *ss, const char *id)
{
	int i;

	pthread_mutex_lock(&ss->lock);
	for (i = 0; i < SESSIONS_MAX; i++)
		if (strcmp(ss->s[i].id, id) == 0)
			ss->s[i].expires_ms = 0;
	pthread_mutex_unlock(&ss->lock);
}

bool auth_key_valid(const char *key)
{
	size_t n = strlen(key), i;

	if (n < 32 || n > 128)
		return false;
	for (i = 0; i < n; i++)
		if (!((key[i] >= '0' && key[i] <= '9') || (key[i] >= 'a' && key[i] <= 'z') ||
		      (key[i] >= 'A' && key[i] <= 'Z') || key[i] == '-' || key[i] == '_'))
			return false;
	return true;
}

void auth_key_hash(const char *key, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	if (!EVP_Digest(key, strlen(key), md, &len, EVP_sha256(), NULL) || len != 32) {
		out[0] = '\0';   /* never matches a stored hash */
		return;
	}
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}
