/*
 * thermal.h: a Mac's thermal state, from what powermetrics, pmset and
 * sysctl print (field-guide.md sections 3 and 4).
 *
 * Each parser fills only what its input shows and sets the matching
 * EG_THERMAL_HAS_* bit, so the samples of several tools merge into one
 * struct eg_thermal. Calling sequence:
 *
 *     struct eg_thermal t = EG_THERMAL_INIT;
 *     eg_thermal_parse_powermetrics(out, len, &t, &diag);
 *     eg_thermal_parse_pmset(out2, len2, &t);
 *     eg_thermal_format(&t, line, sizeof(line));
 */
#ifndef EG_THERMAL_H
#define EG_THERMAL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum eg_thermal_has {
	EG_THERMAL_HAS_CPU_DIE = 1 << 0,
	EG_THERMAL_HAS_CPU_LEVEL = 1 << 1,
	EG_THERMAL_HAS_IO_LEVEL = 1 << 2,
	EG_THERMAL_HAS_FAN = 1 << 3,
	EG_THERMAL_HAS_PRESSURE = 1 << 4,
	EG_THERMAL_HAS_WARNING = 1 << 5,
	EG_THERMAL_HAS_PERF_WARNING = 1 << 6,
	EG_THERMAL_HAS_SPEED_LIMIT = 1 << 7,
	EG_THERMAL_HAS_GPU_LEVEL = 1 << 8,
};

/* Kernel thermal pressure levels, as powermetrics names them (3.3). */
enum eg_pressure {
	EG_PRESSURE_UNKNOWN = -1,
	EG_PRESSURE_NOMINAL = 0,
	EG_PRESSURE_MODERATE = 1,
	EG_PRESSURE_HEAVY = 2,
	EG_PRESSURE_TRAPPING = 3,
	EG_PRESSURE_SLEEPING = 4,
};

struct eg_thermal {
	unsigned has;              /* enum eg_thermal_has bits */
	int64_t cpu_die_milli;     /* CPU die temperature, thousandths of C */
	int64_t fan_milli;         /* fan speed, thousandths of rpm */
	int cpu_level;             /* SMC "CPU Thermal level" (0..100+) */
	int gpu_level;
	int io_level;
	enum eg_pressure pressure;
	int warning_level;         /* pmset "Thermal Warning Level" */
	int perf_warning_level;    /* pmset "Performance Warning Level" */
	int speed_limit;           /* pmset CPU_Speed_Limit, percent */
};

#define EG_THERMAL_INIT { 0, 0, 0, 0, 0, 0, EG_PRESSURE_UNKNOWN, 0, 0, 0 }

/*
 * Parse powermetrics text output (--samplers smc,thermal or thermal).
 * Returns EG_OK when at least one value was read; EG_ERR_NOT_FOUND with
 * diag set for "unrecognized sampler: smc" (Apple Silicon, 3.1) or when
 * nothing was recognised.
 */
enum eg_err eg_thermal_parse_powermetrics(const char *buf, size_t len,
					  struct eg_thermal *t,
					  struct eg_diag *diag);

/* Parse `pmset -g therm`. Returns EG_OK even when only notes are printed. */
enum eg_err eg_thermal_parse_pmset(const char *buf, size_t len,
				   struct eg_thermal *t);

const char *eg_pressure_name(enum eg_pressure p);

/*
 * One human line such as "CPU die 98.4 C, CPU level 52, IO level 2, fan
 * 4500 rpm, pressure Heavy" into out; "no thermal data" when empty.
 */
void eg_thermal_format(const struct eg_thermal *t, char *out, size_t n);

/* True when the sample says the Mac is hot enough for dasd to refuse. */
int eg_thermal_is_hot(const struct eg_thermal *t);

#endif
