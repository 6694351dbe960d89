#include "pushfix.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "mac.h"
#include "scan.h"
#include "timefmt.h"
#include "usage.h"
#include "banned.h"

/* The record of what was moved: in the job's state directory (file.h). */
#define RECORD "push-cert-fix"

static void record_path(const struct recorder *events, char *out, size_t n)
{
	snprintf(out, n, "%s/" RECORD, events->state_dir->path);
}

static void stamp(char *out, size_t n)
{
	char iso[40];
	size_t i, o = 0;

	eg_format_iso(mac_wall_ms(), iso, sizeof(iso));
	for (i = 0; iso[i] && iso[i] != '.' && o + 1 < n; i++)
		if (iso[i] != '-' && iso[i] != ':')
			out[o++] = iso[i];
	out[o] = '\0';
}

int pushfix_apply(const struct eg_global *g, struct recorder *events)
{
	char kc[PATH_MAX], moved[PATH_MAX + 64], rec[PATH_MAX + 16], ts[32];
	struct eg_buf b = EG_BUF_INIT(8192);
	struct eg_diag d = EG_DIAG_INIT;

	mac_path(g, EG_PATH_APSD_KEYCHAIN, kc, sizeof(kc));
	record_path(events, rec, sizeof(rec));
	if (eg_dir_read(events->state_dir, RECORD, &b, &d) != EG_ERR_NOT_FOUND)
		die(EG_EXIT_ENV, "a keychain was already moved aside (see '%s'); "
		    "undo it first with --undo-push-cert-fix", rec);
	stamp(ts, sizeof(ts));
	snprintf(moved, sizeof(moved), "%s.enrollguard-%s", kc, ts);
	if (rename(kc, moved))
		die(EG_EXIT_ENV, "cannot move '%s' aside: %s", kc, strerror(errno));
	eg_buf_addf(&b, "original=%s\nmoved=%s\n", eg_path_default(EG_PATH_APSD_KEYCHAIN),
		    moved + strlen(kc) - strlen(eg_path_default(EG_PATH_APSD_KEYCHAIN)));
	if (eg_dir_replace(events->state_dir, RECORD, b.buf, b.len, 0600, 1, &d) != EG_OK) {
		rename(moved, kc);
		die(EG_EXIT_ENV, "%s (the keychain was put back)", d.msg);
	}
	recorder_emit(events, NULL, EG_TEXT_PUSH_CERT_MOVED,
		      eg_path_default(EG_PATH_APSD_KEYCHAIN),
		      moved + strlen(kc) - strlen(eg_path_default(EG_PATH_APSD_KEYCHAIN)));
	printf("moved %s aside to %s\nrestart the Mac: apsd makes a new push identity at "
	       "boot; then run 'enrollguard renew' again\nundo: enrollguard renew "
	       "--undo-push-cert-fix\n", eg_path_default(EG_PATH_APSD_KEYCHAIN),
	       moved + strlen(kc) - strlen(eg_path_default(EG_PATH_APSD_KEYCHAIN)));
	eg_buf_release(&b);
	return EG_EXIT_OK;
}

int pushfix_undo(const struct eg_global *g, struct recorder *events)
{
	char rec[PATH_MAX + 16], kc[PATH_MAX], moved[PATH_MAX], aside[PATH_MAX + 64], ts[32];
	struct eg_buf b = EG_BUF_INIT(8192);
	struct eg_diag d = EG_DIAG_INIT;
	const char *p, *end;
	struct eg_str line;

	record_path(events, rec, sizeof(rec));
	if (eg_dir_read(events->state_dir, RECORD, &b, &d) != EG_OK)
		die(EG_EXIT_ENV, "nothing to undo: no record of a moved keychain (%s)", d.msg);
	moved[0] = '\0';
	for (p = b.buf, end = b.buf + b.len; eg_next_line(&p, end, &line);)
		if (eg_str_starts(line, "moved=/") && line.len - 6 < sizeof(moved))
			snprintf(moved, sizeof(moved), "%.*s", (int)line.len - 6, line.p + 6);
	eg_buf_release(&b);
	if (!moved[0] || strstr(moved, ".."))
		die(EG_EXIT_ENV, "'%s' names no moved keychain", rec);
	mac_path(g, EG_PATH_APSD_KEYCHAIN, kc, sizeof(kc));
	mac_join(g, moved, aside, sizeof(aside));
	snprintf(moved, sizeof(moved), "%s", aside);
	if (access(kc, F_OK) == 0) {
		/* apsd made a new one since: keep it too, never delete */
		stamp(ts, sizeof(ts));
		snprintf(aside, sizeof(aside), "%s.enrollguard-new-%s", kc, ts);
		if (rename(kc, aside))
			die(EG_EXIT_ENV, "cannot move the new '%s' aside: %s", kc, strerror(errno));
		printf("moved the keychain apsd made since to %s\n", aside);
	}
	if (rename(moved, kc))
		die(EG_EXIT_ENV, "cannot restore '%s': %s", moved, strerror(errno));
	(void)unlinkat(events->state_dir->fd, RECORD, 0);
	recorder_emit(events, NULL, EG_TEXT_PUSH_CERT_RESTORED,
		      eg_path_default(EG_PATH_APSD_KEYCHAIN));
	printf("restored %s; restart the Mac so apsd uses it\n",
	       eg_path_default(EG_PATH_APSD_KEYCHAIN));
	return EG_EXIT_OK;
}
