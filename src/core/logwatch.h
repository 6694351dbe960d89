/*
 * logwatch.h: turn unified-log lines into what the enrollment cares about.
 *
 * Feed every line `log stream` (or `log show`) prints, in order. The
 * watcher assembles dasd's multi-line scoring of the UCRT activity and
 * recognises mobileactivationd's and teslad's UCRT messages. It keeps no
 * more than one scoring message (capped) in memory.
 *
 * Calling sequence:
 *     struct eg_logwatch w = EG_LOGWATCH_INIT;
 *     for each line:
 *             if (eg_logwatch_feed(&w, line, &obs))
 *                     ...act on obs...
 *     eg_logwatch_release(&w);
 */
#ifndef EG_LOGWATCH_H
#define EG_LOGWATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "dasd.h"
#include "scan.h"

#define EG_UCRT_ACTIVITY "com.apple.mobileactivationd.UCRT.OOB"
#define EG_LOGWATCH_BLOCK_MAX (16 * 1024)

enum eg_obs_kind {
	EG_OBS_NONE = 0,
	EG_OBS_DASD_UCRT = 1,         /* dasd scored the UCRT activity */
	EG_OBS_UCRT_PERFORMING = 2,   /* "Performing UCRT OOB." */
	EG_OBS_UCRT_ACQUIRED = 3,     /* "Successfully performed UCRT OOB." */
	EG_OBS_UCRT_UNAVAILABLE = 4,  /* teslad/mdmclient: UCRT unavailable */
	EG_OBS_CLOUD_RETRY = 5,       /* teslad "Retrying the request" */
};

struct eg_obs {
	enum eg_obs_kind kind;
	bool has_ts;
	int64_t ts_ms;                 /* from the log line, UTC */
	struct eg_dasd_verdict dasd;   /* for EG_OBS_DASD_UCRT */
};

struct eg_logwatch {
	struct eg_buf block;      /* the scoring message being assembled */
	bool in_block;
	bool block_has_ts;
	int64_t block_ts;
	unsigned long lines;      /* lines fed */
	unsigned long dropped;    /* scoring messages that could not be read */
};

#define EG_LOGWATCH_INIT { EG_BUF_INIT(EG_LOGWATCH_BLOCK_MAX), false, false, 0, 0, 0 }

/*
 * Feed one line (without its newline). Returns true and fills obs when
 * the line completes an observation, false otherwise.
 */
bool eg_logwatch_feed(struct eg_logwatch *w, struct eg_str line,
		      struct eg_obs *obs /* OUT */);

/*
 * Whether a message from this process is teslad's retry (field-guide.md
 * 2.1): the text styles give the process on the line, JSON records in a
 * field of their own.
 */
bool eg_logwatch_is_retry(struct eg_str process, struct eg_str message);

void eg_logwatch_release(struct eg_logwatch *w);

#endif
