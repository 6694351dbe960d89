/*
 * sampler.h: what the agent's commands share to look at the Mac:
 * the thermal sample (powermetrics with the smc sampler where it exists,
 * the thermal sampler alone on Apple Silicon, pmset's thermal warnings)
 * and the preferences (local, then managed) under the option tables.
 */
#ifndef EG_SAMPLER_H
#define EG_SAMPLER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "thermal.h"

struct sampler {
	bool no_smc;            /* powermetrics said "unrecognized sampler: smc" */
	bool no_powermetrics;   /* powermetrics cannot run */
	char missing[512];      /* what went missing this time, "" if nothing new */
};

#define SAMPLER_INIT { false, false, { 0 } }

/*
 * Sample the thermal state into *t. Whatever cannot be sampled is left
 * out, never fatal; when a sampler turns out to be missing, s->missing
 * says so once (the caller records it).
 */
void sampler_thermal(const struct eg_global *g, uint64_t timeout_ms,
		     const volatile sig_atomic_t *cancel, struct sampler *s,
		     struct eg_thermal *t);

/* The sample as the data of a thermal.sample event, appended to out. */
void sampler_json(const struct eg_thermal *t, struct eg_buf *out);

/*
 * Apply /Library/Preferences/com.enrollguard.plist, then the managed
 * preferences at managed_path (a Mac path), to the rows of t whose key is
 * not "-" and that no flag set. A missing file is fine unless `required`
 * (the user named it). Exits 2 on a bad file or value, naming the key.
 */
void prefs_load(const struct eg_global *g, const struct eg_opt *t, size_t n,
		void *vals, const bool *set_by_flag, const char *managed_path,
		bool required);

#endif
