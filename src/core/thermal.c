#include "thermal.h"

#include <stdio.h>
#include <string.h>

#include "scan.h"
#include "banned.h"

static const char *const pressure_names[] = {
	"Nominal", "Moderate", "Heavy", "Trapping", "Sleeping",
};

const char *eg_pressure_name(enum eg_pressure p)
{
	if (p < EG_PRESSURE_NOMINAL || p > EG_PRESSURE_SLEEPING)
		return "unknown";
	return pressure_names[p];
}

static int scan_level(struct eg_scan *s, int *out)
{
	uint64_t v;

	if (eg_scan_blanks(s) || eg_scan_uint(s, &v, 100000))
		return 1;
	*out = (int)v;
	return 0;
}

enum eg_err eg_thermal_parse_powermetrics(const char *buf, size_t len,
					  struct eg_thermal *t,
					  struct eg_diag *diag)
{
	const char *p = buf, *end = buf + len;
	struct eg_str line;
	unsigned before = t->has;

	/*
	 * Example lines (field-guide.md 3.2, OBSERVED):
	 * CPU Thermal level: 0
	 * Fan: 1836.76 rpm
	 * CPU die temperature: 46.96 C
	 * Current pressure level: Nominal
	 */
	while (eg_next_line(&p, end, &line)) {
		struct eg_scan s;
		int64_t m;

		eg_scan_init(&s, line.p, line.len);
		if (eg_str_find(line, "unrecognized sampler") ||
		    eg_str_find(line, "unrecongnized sampler"))
			return eg_diag_set(diag, EG_ERR_NOT_FOUND,
					   "powermetrics: unrecognized sampler: smc");
		if (!eg_scan_lit(&s, "CPU Thermal level:")) {
			if (!scan_level(&s, &t->cpu_level))
				t->has |= EG_THERMAL_HAS_CPU_LEVEL;
		} else if (!eg_scan_lit(&s, "GPU Thermal level:")) {
			if (!scan_level(&s, &t->gpu_level))
				t->has |= EG_THERMAL_HAS_GPU_LEVEL;
		} else if (!eg_scan_lit(&s, "IO Thermal level:")) {
			if (!scan_level(&s, &t->io_level))
				t->has |= EG_THERMAL_HAS_IO_LEVEL;
		} else if (!eg_scan_lit(&s, "Fan:")) {
			if (!eg_scan_blanks(&s) && !eg_scan_milli(&s, &m) &&
			    m >= 0) {
				t->fan_milli = m;
				t->has |= EG_THERMAL_HAS_FAN;
			}
		} else if (!eg_scan_lit(&s, "CPU die temperature:")) {
			if (!eg_scan_blanks(&s) && !eg_scan_milli(&s, &m) &&
			    m > -100000 && m < 250000) {
				t->cpu_die_milli = m;
				t->has |= EG_THERMAL_HAS_CPU_DIE;
			}
		} else if (!eg_scan_lit(&s, "Current pressure level:")) {
			struct eg_str w;
			int i;

			eg_scan_blanks(&s);
			if (eg_scan_word(&s, &w, 32))
				continue;
			t->pressure = EG_PRESSURE_UNKNOWN;
			for (i = 0; i <= EG_PRESSURE_SLEEPING; i++)
				if (eg_str_eq(w, pressure_names[i]))
					t->pressure = (enum eg_pressure)i;
			t->has |= EG_THERMAL_HAS_PRESSURE;
		}
	}
	if (t->has == before)
		return eg_diag_set(diag, EG_ERR_NOT_FOUND,
				   "powermetrics printed no thermal values");
	return EG_OK;
}

enum eg_err eg_thermal_parse_pmset(const char *buf, size_t len,
				   struct eg_thermal *t)
{
	const char *p = buf, *end = buf + len;
	struct eg_str line;

	/*
	 * Example lines (field-guide.md 4.1, VERIFIED from pmset.c):
	 * 2020-08-06 10:03:07 -0700 Thermal Warning Level = 2
	 * \tCPU_Speed_Limit \t= 100
	 */
	while (eg_next_line(&p, end, &line)) {
		const char *q;
		struct eg_scan s;
		uint64_t v;
		int *dst = NULL;
		unsigned bit = 0;

		if ((q = eg_str_find(line, "Thermal Warning Level"))) {
			dst = &t->warning_level;
			bit = EG_THERMAL_HAS_WARNING;
		} else if ((q = eg_str_find(line, "Performance Warning Level"))) {
			dst = &t->perf_warning_level;
			bit = EG_THERMAL_HAS_PERF_WARNING;
		} else if ((q = eg_str_find(line, "CPU_Speed_Limit"))) {
			dst = &t->speed_limit;
			bit = EG_THERMAL_HAS_SPEED_LIMIT;
		} else {
			continue;
		}
		eg_scan_init(&s, q, (size_t)(line.p + line.len - q));
		if (eg_scan_until(&s, '=', &(struct eg_str){ 0 }, 64) ||
		    eg_scan_ch(&s, '=') || eg_scan_blanks(&s) ||
		    eg_scan_uint(&s, &v, 100000))
			continue;
		*dst = (int)v;
		t->has |= bit;
	}
	return EG_OK;
}

int eg_thermal_is_hot(const struct eg_thermal *t)
{
	if ((t->has & EG_THERMAL_HAS_PRESSURE) &&
	    t->pressure >= EG_PRESSURE_HEAVY)
		return 1;
	if ((t->has & EG_THERMAL_HAS_WARNING) && t->warning_level >= 2)
		return 1;
	if ((t->has & EG_THERMAL_HAS_IO_LEVEL) && t->io_level >= 2)
		return 1;
	return 0;
}

void eg_thermal_format(const struct eg_thermal *t, char *out, size_t n)
{
	size_t off = 0;
	const char *sep = "";

#define ADD(...)                                                         \
	do {                                                             \
		int k_ = snprintf(out + off, n - off, __VA_ARGS__);      \
		if (k_ < 0 || (size_t)k_ >= n - off)                     \
			return;                                          \
		off += (size_t)k_;                                       \
		sep = ", ";                                              \
	} while (0)

	if (n == 0)
		return;
	out[0] = '\0';
	if (t->has & EG_THERMAL_HAS_CPU_DIE)
		ADD("%sCPU die %lld.%lld C", sep,
		    (long long)(t->cpu_die_milli / 1000),
		    (long long)((t->cpu_die_milli < 0 ? -t->cpu_die_milli :
				 t->cpu_die_milli) % 1000 / 100));
	if (t->has & EG_THERMAL_HAS_CPU_LEVEL)
		ADD("%sCPU level %d", sep, t->cpu_level);
	if (t->has & EG_THERMAL_HAS_IO_LEVEL)
		ADD("%sIO level %d", sep, t->io_level);
	if (t->has & EG_THERMAL_HAS_FAN)
		ADD("%sfan %lld rpm", sep, (long long)(t->fan_milli / 1000));
	if (t->has & EG_THERMAL_HAS_PRESSURE)
		ADD("%spressure %s", sep, eg_pressure_name(t->pressure));
	if (t->has & EG_THERMAL_HAS_WARNING)
		ADD("%sthermal warning level %d", sep, t->warning_level);
	if (t->has & EG_THERMAL_HAS_SPEED_LIMIT)
		ADD("%sCPU speed limit %d%%", sep, t->speed_limit);
	if (off == 0)
		snprintf(out, n, "no thermal data");
#undef ADD
}
