#include "sampler.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "json.h"
#include "file.h"
#include "mac.h"
#include "usage.h"
#include "banned.h"

static void powermetrics(const struct eg_global *g, uint64_t timeout_ms,
			 const volatile sig_atomic_t *cancel, struct sampler *s,
			 struct eg_thermal *t)
{
	struct eg_child c = EG_CHILD_INIT;
	struct eg_diag d = EG_DIAG_INIT;
	struct eg_buf both = EG_BUF_INIT(256 * 1024);
	enum eg_err rc;

	rc = mac_run(g, EG_PATH_POWERMETRICS,
		     (const char *[]){ "-n", "1", "-i", "200", "--samplers",
				       s->no_smc ? "thermal" : "smc,thermal", NULL },
		     timeout_ms, cancel, &c, &d);
	if (rc == EG_ERR_SPAWN) {
		s->no_powermetrics = true;
		snprintf(s->missing, sizeof(s->missing),
			 "powermetrics cannot run (%s): thermal samples will come "
			 "from pmset only", d.msg);
	} else if (rc == EG_OK) {
		(void)(eg_buf_add(&both, c.out.buf, c.out.len) ||
		       eg_buf_add(&both, c.err.buf, c.err.len));
		rc = eg_thermal_parse_powermetrics(both.buf, both.len, t, &d);
		if (rc == EG_ERR_NOT_FOUND && !s->no_smc &&
		    strstr(d.msg, "unrecognized sampler")) {
			s->no_smc = true;
			snprintf(s->missing, sizeof(s->missing),
				 "powermetrics has no smc sampler (Apple Silicon): no "
				 "CPU die temperature or fan, thermal pressure only");
			eg_child_release(&c);
			eg_buf_release(&both);
			powermetrics(g, timeout_ms, cancel, s, t);
			return;
		}
	}
	eg_buf_release(&both);
	eg_child_release(&c);
}

void sampler_thermal(const struct eg_global *g, uint64_t timeout_ms,
		     const volatile sig_atomic_t *cancel, struct sampler *s,
		     struct eg_thermal *t)
{
	struct eg_child c = EG_CHILD_INIT;
	struct eg_diag d = EG_DIAG_INIT;

	*t = (struct eg_thermal)EG_THERMAL_INIT;
	s->missing[0] = '\0';
	if (!s->no_powermetrics)
		powermetrics(g, timeout_ms, cancel, s, t);
	if (mac_run(g, EG_PATH_PMSET, (const char *[]){ "-g", "therm", NULL },
		    timeout_ms, cancel, &c, &d) == EG_OK && c.exit_code == 0)
		eg_thermal_parse_pmset(c.out.buf, c.out.len, t);
	eg_child_release(&c);
}

void sampler_json(const struct eg_thermal *t, struct eg_buf *out)
{
	struct eg_jw w;
	char num[32];

	eg_jw_begin(&w, out);
	if (t->has & EG_THERMAL_HAS_CPU_DIE) {
		snprintf(num, sizeof(num), "%lld.%03lld",
			 (long long)(t->cpu_die_milli / 1000),
			 (long long)(t->cpu_die_milli % 1000));
		eg_jw_raw(&w, "cpu_die_c", num);
	}
	if (t->has & EG_THERMAL_HAS_CPU_LEVEL)
		eg_jw_int(&w, "cpu_thermal_level", t->cpu_level);
	if (t->has & EG_THERMAL_HAS_IO_LEVEL)
		eg_jw_int(&w, "io_thermal_level", t->io_level);
	if (t->has & EG_THERMAL_HAS_FAN)
		eg_jw_int(&w, "fan_rpm", t->fan_milli / 1000);
	if (t->has & EG_THERMAL_HAS_PRESSURE)
		eg_jw_str(&w, "thermal_pressure", eg_pressure_name(t->pressure));
	if (t->has & EG_THERMAL_HAS_WARNING)
		eg_jw_int(&w, "thermal_warning_level", t->warning_level);
	if (t->has & EG_THERMAL_HAS_SPEED_LIMIT)
		eg_jw_int(&w, "cpu_speed_limit", t->speed_limit);
	eg_jw_bool(&w, "hot", eg_thermal_is_hot(t));
	eg_jw_end(&w);
}

static void load_one(const struct eg_opt *t, size_t n, void *vals,
		     const char *path, const bool *set_by_flag, bool required)
{
	struct eg_buf b = EG_BUF_INIT(1024 * 1024);
	struct eg_diag d = EG_DIAG_INIT;
	enum eg_err rc;

	rc = eg_file_read(path, &b, &d);
	if (rc == EG_ERR_NOT_FOUND && !required)
		return;
	if (rc == EG_ERR_NOT_FOUND)
		die(EG_EXIT_USAGE, "option '--config': %s", d.msg);
	if (rc != EG_OK)
		die(EG_EXIT_USAGE, "%s", d.msg);
	/* a root process reads no configuration others could have written */
	if (geteuid() == 0 && (rc = eg_file_check_safe(path, 0, &d)) != EG_OK)
		die(EG_EXIT_USAGE, "refusing configuration: %s", d.msg);
	rc = eg_config_load_plist(t, n, vals, b.buf, b.len, path, set_by_flag, &d);
	eg_buf_release(&b);
	if (rc != EG_OK)
		die(EG_EXIT_USAGE, "%s", d.msg);
}

void prefs_load(const struct eg_global *g, const struct eg_opt *t, size_t n,
		void *vals, const bool *set_by_flag, const char *managed_path,
		bool required)
{
	char path[PATH_MAX];

	mac_path(g, EG_PATH_LOCAL_PREFS, path, sizeof(path));
	load_one(t, n, vals, path, set_by_flag, false);
	mac_join(g, managed_path, path, sizeof(path));
	load_one(t, n, vals, path, set_by_flag, required);
}
