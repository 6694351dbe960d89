/*
 * pushfix.h: the unsupported workaround for an expired push identity
 * (seed 002), and its undo, for `renew --fix-push-cert` and
 * `--undo-push-cert-fix`.
 *
 * The fix moves /Library/Keychains/apsd.keychain aside to
 * "apsd.keychain.enrollguard-<UTC time>" (never deleting it) and writes
 * what it moved to the state directory's "push-cert-fix" (0600); apsd
 * makes a new push identity at the next boot. The undo puts it back, and
 * moves aside (never deletes) a keychain apsd made since. Each step is an
 * event and a few lines on stdout.
 */
#ifndef EG_PUSHFIX_H
#define EG_PUSHFIX_H

#include "cmd.h"
#include "recorder.h"

/* Move the keychain aside. Returns EG_EXIT_OK, or exits 3 naming what failed. */
int pushfix_apply(const struct eg_global *g, struct recorder *events);

/* Put it back. Returns EG_EXIT_OK, or exits 3 naming what failed. */
int pushfix_undo(const struct eg_global *g, struct recorder *events);

#endif
