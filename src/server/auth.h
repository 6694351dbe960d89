/*
 * auth.h: the server's two credentials and the dashboard's sessions.
 *
 * The enroll token lets agents POST events and nothing else; the admin
 * token reads everything. Each lives in a file only its owner can read;
 * a file group or others can read is refused (EG_ERR_UNSAFE), like ssh
 * refuses a world-readable key. The dashboard logs in once with the
 * admin token and then carries a random session id in an HttpOnly,
 * SameSite=Strict cookie, so the token never sits in the browser.
 *
 * Calling sequence:
 *     auth_token_load(path, tok, &created, &diag);   at start, per token
 *     auth_equal(given, given_len, tok)               per request
 *     struct sessions ss; sessions_init(&ss, ttl_ms);
 *     sessions_new(&ss, now, id);   sessions_check(&ss, id, now);
 */
#ifndef EG_SERVER_AUTH_H
#define EG_SERVER_AUTH_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define AUTH_TOKEN_MAX 128
#define SESSIONS_MAX 256

/*
 * Read the token in path into tok (trailing white space dropped; 16 to
 * AUTH_TOKEN_MAX characters). When path does not exist, create it (mode
 * 0600) with a fresh random token and set *created (OUT). Returns EG_OK,
 * EG_ERR_UNSAFE (group or others may read it, or another user owns it),
 * EG_ERR_INVALID (too short or long) or EG_ERR_IO, with diag.
 */
enum eg_err auth_token_load(const char *path, char tok[AUTH_TOKEN_MAX + 1],
			    bool *created, struct eg_diag *diag);

/* Constant-time comparison of a presented credential with the real one. */
bool auth_equal(const char *given, size_t given_len, const char *real);

/* n random bytes as 2n hex digits plus NUL into out. EG_OK or EG_ERR_IO. */
enum eg_err auth_random_hex(char *out, size_t nbytes);

struct session {
	char id[65];
	int64_t expires_ms;
};

struct sessions {
	pthread_mutex_t lock;
	struct session s[SESSIONS_MAX];
	int64_t ttl_ms;
};

void sessions_init(struct sessions *ss, int64_t ttl_ms);
void sessions_release(struct sessions *ss);
/* Start a session (replacing the oldest when full); id (OUT) is 64 hex. */
enum eg_err sessions_new(struct sessions *ss, int64_t now_ms, char id[65]);
bool sessions_check(struct sessions *ss, const char *id, int64_t now_ms);
void sessions_end(struct sessions *ss, const char *id);

#endif
