/*
 * config.h: options and managed-preferences keys from one declarative
 * table, checked by one generic validator (CONVENTIONS.md item 15).
 *
 * Each row names a long option, its managed-preferences key, its type,
 * range, default, and help; values live in a caller's struct at `offset`.
 * Precedence: command-line flags, then the plist, then defaults. The
 * caller applies defaults, then the plist (skipping keys a flag set),
 * then the flags, recording which rows were set by a flag.
 *
 * Calling sequence:
 *     eg_config_defaults(table, n, &vals);
 *     eg_config_set(&table[i], &vals, "5s", "option '--retry-delay'", &d);
 *     eg_config_load_plist(table, n, &vals, xml, len, path, set_by_flag, &d);
 *     eg_config_release(table, n, &vals);
 */
#ifndef EG_CONFIG_H
#define EG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

enum eg_opt_type {
	EG_OPT_BOOL = 0,      /* bool; a flag without a value */
	EG_OPT_UINT = 1,      /* uint64_t within [min, max] */
	EG_OPT_DURATION = 2,  /* uint64_t milliseconds within [min, max] */
	EG_OPT_STRING = 3,    /* char * (owned by the values struct) */
	EG_OPT_PATH = 4,      /* char *, must be absolute */
	EG_OPT_ENUM = 5,      /* char *, one of choices */
};

struct eg_opt {
	const char *name;            /* long option, without "--" */
	const char *key;             /* managed-preferences key */
	enum eg_opt_type type;
	uint64_t min, max;           /* UINT: the value; DURATION: ms */
	const char *def;             /* default, as text; NULL for none */
	const char *const *choices;  /* ENUM: NULL-terminated */
	const char *arg;             /* metavariable: "N", "DUR", "PATH" */
	const char *help;            /* one line */
	size_t offset;               /* of the value in the caller's struct */
};

/* Set every row to its default. Returns EG_OK (defaults are trusted). */
enum eg_err eg_config_defaults(const struct eg_opt *t, size_t n, void *vals);

/*
 * Parse and check text for row o and store it. `what` names the source
 * for messages ("option '--retries'" or "key 'Retries' in '/Library/...'").
 * Returns EG_OK, or EG_ERR_INVALID / EG_ERR_RANGE with diag such as
 * "option '--retries': 0 must be between 1 and 100 inclusive".
 */
enum eg_err eg_config_set(const struct eg_opt *o, void *vals,
			  const char *text, const char *what,
			  struct eg_diag *diag);

/*
 * Apply a managed-preferences plist (XML or binary). Keys not in the
 * table are ignored; rows whose set_by_flag[i] is true are skipped.
 * Returns EG_OK, EG_ERR_INVALID (not a plist, not a dictionary, a wrong
 * type or a bad value; diag names the key and the path).
 */
enum eg_err eg_config_load_plist(const struct eg_opt *t, size_t n,
				 void *vals, const char *data, size_t len,
				 const char *path, const bool *set_by_flag,
				 struct eg_diag *diag);

/*
 * Append an XML plist of the rows whose include[i] is true (the options
 * an admin baked into a package) to out, each under its key with its
 * plist type: durations as strings such as "5s", numbers as integers,
 * booleans as booleans. Returns EG_OK or EG_ERR_TOO_LARGE.
 */
enum eg_err eg_config_to_plist(const struct eg_opt *t, size_t n,
			       const void *vals, const bool *include,
			       struct eg_buf *out);

/* Find a row by long name, or NULL. */
const struct eg_opt *eg_config_find(const struct eg_opt *t, size_t n,
				    const char *name, size_t namelen);

/* Free the strings the table's rows own in vals. */
void eg_config_release(const struct eg_opt *t, size_t n, void *vals);

/* The accepted values of a row in words: "1..100", "250ms..1h", "a path". */
void eg_config_describe_range(const struct eg_opt *o, char *out, size_t n);

#endif
