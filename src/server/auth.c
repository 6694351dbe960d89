#include "auth.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static enum eg_err read_token(int fd, const char *path, char tok[AUTH_TOKEN_MAX + 1],
			      struct eg_diag *diag)
{
	char raw[AUTH_TOKEN_MAX + 8];
	ssize_t n = read(fd, raw, sizeof(raw) - 1);
	size_t i;

	if (n < 0)
		return eg_diag_set(diag, EG_ERR_IO, "cannot read '%s': %s", path,
				   strerror(errno));
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

enum eg_err auth_token_load(const char *path, char tok[AUTH_TOKEN_MAX + 1],
			    bool *created, struct eg_diag *diag)
{
	struct stat st;
	enum eg_err rc;
	int fd;

	*created = false;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		rc = create_token(path, tok, diag);
		*created = rc == EG_OK;
		return rc;
	}
	if (fd < 0)
		return eg_diag_set(diag, EG_ERR_IO, "cannot open '%s': %s", path,
				   strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return eg_diag_set(diag, EG_ERR_INVALID, "'%s' is not a regular file", path);
	}
	if ((st.st_mode & 077) != 0 || st.st_uid != geteuid()) {
		close(fd);
		return eg_diag_set(diag, EG_ERR_UNSAFE,
				   "'%s' must be owned by this user and not readable by "
				   "group or others (chmod 600)", path);
	}
	rc = read_token(fd, path, tok, diag);
	close(fd);
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
