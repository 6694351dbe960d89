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
 * The enroll token file may hold a second line, the token it replaced
 * and until when that one still works ("<token> until <ISO time>"),
 * which `enrollguard-server --rotate-enroll-token` writes; the server
 * rereads the file when it changes, so a rotation needs no restart.
 *
 * Calling sequence:
 *     auth_token_load(path, tok, &created, &diag);   at start, admin token
 *     enroll_tokens_load(&et, path, &created, &diag); at start, enroll token
 *     enroll_tokens_match(&et, given, len, now)      per request
 *     enroll_tokens_reload(&et, &diag)                every few seconds
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

/*
 * A device key as an agent sends it: 32 to 128 letters, digits, '-' or
 * '_'. true when key has that form.
 */
bool auth_key_valid(const char *key);

/* SHA-256 of key in lowercase hex (what the database keeps), into out. */
void auth_key_hash(const char *key, char out[65]);

/* n random bytes as 2n hex digits plus NUL into out. EG_OK or EG_ERR_IO. */
enum eg_err auth_random_hex(char *out, size_t nbytes);

struct enroll_tokens {
	pthread_mutex_t lock;
	char path[4096];
	char current[AUTH_TOKEN_MAX + 1];
	char previous[AUTH_TOKEN_MAX + 1];   /* "" when there is none */
	int64_t previous_until;              /* UTC ms */
	uint64_t stamp;                      /* inode, mtime and size when read */
};

/*
 * Read the enroll token file at path into t (creating it, mode 0600,
 * with a fresh token when it does not exist; *created OUT). Same
 * returns as auth_token_load(), and EG_ERR_INVALID for a second line
 * that is not "<token> until <ISO time>".
 */
enum eg_err enroll_tokens_load(struct enroll_tokens *t, const char *path, bool *created,
			       struct eg_diag *diag);

/* Whether given is the current token, or the previous one before its end. */
bool enroll_tokens_match(struct enroll_tokens *t, const char *given, size_t len,
			 int64_t now_ms);

/*
 * Reread the file when its modification time changed. Returns EG_OK
 * (*changed OUT says whether it did), or an error with diag (the tokens
 * in memory stay as they were).
 */
enum eg_err enroll_tokens_reload(struct enroll_tokens *t, bool *changed,
				 struct eg_diag *diag);

void enroll_tokens_release(struct enroll_tokens *t);

/*
 * Replace the token in the file at path with a fresh one (new OUT), and
 * keep the one it replaces valid until now_ms + grace_ms. Written to
 * path.tmp (0600) and renamed, so a reader never sees half a file.
 * EG_OK or EG_ERR_IO / EG_ERR_UNSAFE / EG_ERR_INVALID with diag.
 */
enum eg_err enroll_tokens_rotate(const char *path, int64_t now_ms, uint64_t grace_ms,
				 char new_token[AUTH_TOKEN_MAX + 1], struct eg_diag *diag);

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
