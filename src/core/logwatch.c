#include "logwatch.h"

#include <string.h>

#include "ulog.h"
#include "banned.h"

void eg_logwatch_release(struct eg_logwatch *w)
{
	eg_buf_release(&w->block);
	w->in_block = false;
}

static bool finish_block(struct eg_logwatch *w, struct eg_obs *obs)
{
	struct eg_diag d = EG_DIAG_INIT;
	bool ok;

	w->in_block = false;
	memset(obs, 0, sizeof(*obs));
	ok = eg_dasd_parse(w->block.buf, w->block.len, &obs->dasd, &d) == EG_OK;
	eg_buf_reset(&w->block);
	if (!ok) {
		w->dropped++;
		return false;
	}
	obs->kind = EG_OBS_DASD_UCRT;
	obs->has_ts = w->block_has_ts;
	obs->ts_ms = w->block_ts;
	return true;
}

static bool is_ucrt_header(struct eg_str line)
{
	struct eg_str t = eg_str_trim(line);

	return t.len >= 2 && t.p[t.len - 1] == '[' && t.p[t.len - 2] == ':' &&
	       eg_str_find(t, EG_UCRT_ACTIVITY ":");
}

bool eg_logwatch_is_retry(struct eg_str process, struct eg_str message)
{
	return (eg_str_eq(process, "teslad") || eg_str_eq(process, "cloudconfigurationd")) &&
	       eg_str_find(message, "Retrying the request");
}

bool eg_logwatch_feed(struct eg_logwatch *w, struct eg_str line,
		      struct eg_obs *obs)
{
	struct eg_ulog_rec rec;
	bool is_rec;
	struct eg_str msg;

	w->lines++;
	is_rec = eg_ulog_parse_line(line, &rec);

	if (w->in_block) {
		if (is_rec) {
			/* a new record before the closing line: unreadable */
			w->dropped++;
			w->in_block = false;
			eg_buf_reset(&w->block);
		} else {
			struct eg_str t = eg_str_trim(line);

			if (eg_buf_add(&w->block, line.p, line.len) != EG_OK ||
			    eg_buf_addch(&w->block, '\n') != EG_OK) {
				w->dropped++;
				w->in_block = false;
				return false;
			}
			if (eg_str_starts(t, "]"))
				return finish_block(w, obs);
			return false;
		}
	}

	msg = is_rec ? rec.message : line;
	if (is_ucrt_header(msg)) {
		eg_buf_reset(&w->block);
		if (eg_buf_add(&w->block, msg.p, msg.len) != EG_OK ||
		    eg_buf_addch(&w->block, '\n') != EG_OK) {
			w->dropped++;
			return false;
		}
		w->in_block = true;
		w->block_has_ts = is_rec;
		w->block_ts = is_rec ? rec.ts_ms : 0;
		return false;
	}

	memset(obs, 0, sizeof(*obs));
	/*
	 * Example lines (field-guide.md 6.6 and 6.7, VERIFIED):
	 * ... mobileactivationd <Unknown> Successfully performed UCRT OOB.
	 * ... mdmclient: [...] UCRTsmb5: DEP registered according to UCRT: UCRTDEPStateUnavailable
	 * ... teslad ... Error while retrieving client certificates: ... "UCRT is unavailable." ...
	 */
	if (eg_str_find(msg, "Successfully performed UCRT OOB"))
		obs->kind = EG_OBS_UCRT_ACQUIRED;
	else if (eg_str_find(msg, "Performing UCRT OOB"))
		obs->kind = EG_OBS_UCRT_PERFORMING;
	else if (eg_str_find(msg, "UCRTDEPStateUnavailable") ||
		 eg_str_find(msg, "UCRT is unavailable"))
		obs->kind = EG_OBS_UCRT_UNAVAILABLE;
	else if (is_rec && eg_logwatch_is_retry(rec.process, msg))
		obs->kind = EG_OBS_CLOUD_RETRY;
	else
		return false;
	obs->has_ts = is_rec;
	obs->ts_ms = is_rec ? rec.ts_ms : 0;
	return true;
}
