#include "enrollfacts.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "mac.h"
#include "banned.h"

int facts_profiles(const struct eg_global *g, const char *const *args,
		   const volatile sig_atomic_t *cancel, struct eg_buf *out)
{
	struct eg_child c = EG_CHILD_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	int code = -1;

	if (mac_run(g, EG_PATH_PROFILES, args, 60000, cancel, &c, &d) == EG_OK) {
		code = c.exit_code;
		(void)(eg_buf_add(out, c.out.buf, c.out.len) ||
		       eg_buf_add(out, c.err.buf, c.err.len));
	} else {
		eg_buf_addstr(out, d.msg);
	}
	eg_child_release(&c);
	return code;
}

enum eg_err facts_status(const struct eg_global *g,
			 const volatile sig_atomic_t *cancel,
			 struct eg_enroll_status *st, char *raw, size_t n)
{
	struct eg_buf b = EG_BUF_INIT(64 * 1024);
	enum eg_err rc;

	facts_profiles(g, (const char *[]){ "status", "-type", "enrollment", NULL },
		       cancel, &b);
	rc = eg_profiles_parse_status(b.buf, b.len, st, NULL);
	if (rc != EG_OK)
		snprintf(raw, n, "%.200s", b.buf);
	eg_buf_release(&b);
	return rc;
}

void facts_status_text(const struct eg_enroll_status *st, char *out, size_t n)
{
	snprintf(out, n, "enrolled via DEP: %s; MDM enrollment: %s%s%s%s",
		 st->dep == 1 ? "yes" : "no", st->mdm == 1 ? "yes" : "no",
		 st->user_approved ? " (user approved)" : "",
		 st->server[0] ? "; MDM server " : "", st->server);
}

enum facts_source facts_config(const struct eg_global *g,
			       const volatile sig_atomic_t *cancel,
			       struct eg_enroll_config *cfg,
			       struct eg_profiles_error *perr, char *why, size_t n)
{
	struct eg_buf b = EG_BUF_INIT(1024 * 1024);
	struct eg_diag d = EG_DIAG_INIT;
	enum facts_source src = FACTS_NONE;
	char path[PATH_MAX];

	memset(perr, 0, sizeof(*perr));
	why[0] = '\0';
	mac_path(g, EG_PATH_CLOUD_RECORD, path, sizeof(path));
	if (eg_file_read(path, &b, &d) == EG_OK &&
	    eg_profiles_parse_record_plist(b.buf, b.len, cfg, &d) == EG_OK &&
	    cfg->mdm_url[0]) {
		src = FACTS_CACHED;
		goto out;
	}
	eg_buf_reset(&b);
	facts_profiles(g, (const char *[]){ "show", "-type", "enrollment", NULL },
		       cancel, &b);
	if (eg_profiles_parse_show(b.buf, b.len, cfg, perr, &d) == EG_OK)
		src = FACTS_SHOWN;
	else
		snprintf(why, n, "%s", d.msg);
out:
	eg_buf_release(&b);
	return src;
}

void facts_sysinfo(const struct eg_global *g, uint64_t timeout_ms,
		   const volatile sig_atomic_t *cancel, struct eg_sysinfo *si)
{
	struct eg_child c = EG_CHILD_INIT;
	struct eg_diag d = EG_DIAG_INIT;

	memset(si, 0, sizeof(*si));
	if (mac_run(g, EG_PATH_SW_VERS, NULL, timeout_ms, cancel, &c, &d) == EG_OK)
		eg_sysinfo_parse_sw_vers(c.out.buf, c.out.len, si, &d);
	eg_child_release(&c);
	c = (struct eg_child)EG_CHILD_INIT;
	if (mac_run(g, EG_PATH_SYSTEM_PROFILER, (const char *[]){ "SPHardwareDataType", NULL },
		    timeout_ms, cancel, &c, &d) == EG_OK)
		eg_sysinfo_parse_hardware(c.out.buf, c.out.len, si, &d);
	eg_child_release(&c);
}

int facts_setup_running(const struct eg_global *g, uint64_t timeout_ms,
			const volatile sig_atomic_t *cancel)
{
	struct eg_child c = EG_CHILD_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	int running = -1;

	/*
	 * UNVERIFIED: the process name "Setup Assistant" (the executable in
	 * /System/Library/CoreServices/Setup Assistant.app) is not in
	 * field-guide.md. pgrep exits 0 when a process matches, 1 when none.
	 */
	if (mac_run(g, EG_PATH_PGREP, (const char *[]){ "-x", "Setup Assistant", NULL },
		    timeout_ms, cancel, &c, &d) == EG_OK && !c.timed_out && !c.cancelled)
		running = c.exit_code == 0 ? 1 : c.exit_code == 1 ? 0 : -1;
	eg_child_release(&c);
	return running;
}

bool facts_setup_done(const struct eg_global *g)
{
	char path[PATH_MAX];

	mac_path(g, EG_PATH_SETUP_DONE, path, sizeof(path));
	return access(path, F_OK) == 0;
}

void facts_push_identity(const struct eg_global *g, int warn_days, struct facts_push *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	certsrc_keychain(g, eg_path_default(EG_PATH_APSD_KEYCHAIN), &p->src);
	for (i = 0; i < p->src.n && !p->cert; i++)
		if (p->src.certs[i].apple_device_ca)
			p->cert = &p->src.certs[i];
	if (p->cert)
		p->verdict = eg_cert_verdict(p->cert, mac_wall_ms(), warn_days, &p->days);
}
