#include "setupwatch.h"

#include <string.h>

#include "banned.h"

void eg_setupwatch_init(struct eg_setupwatch *w, uint64_t wait_ms,
			uint64_t stuck_after_ms, int64_t now_ms)
{
	memset(w, 0, sizeof(*w));
	w->stuck_after_ms = stuck_after_ms;
	w->wait_until_ms = now_ms + (int64_t)wait_ms;
}

enum eg_setup_news eg_setupwatch_wait(struct eg_setupwatch *w, int64_t now_ms,
				      int running)
{
	if (running == 1) {
		w->seen = true;
		w->since_ms = now_ms;
		return EG_SETUP_FOUND;
	}
	if (!w->said_waiting) {
		w->said_waiting = true;
		return running < 0 ? EG_SETUP_UNKNOWN : EG_SETUP_WAITING;
	}
	return now_ms >= w->wait_until_ms ? EG_SETUP_TIMEOUT : EG_SETUP_NONE;
}

enum eg_setup_news eg_setupwatch_done(struct eg_setupwatch *w, bool done)
{
	if (w->ended || !done)
		return EG_SETUP_NONE;
	w->ended = true;
	return EG_SETUP_ENDED;
}

bool eg_setupwatch_wants_probe(const struct eg_setupwatch *w)
{
	return !w->ended && !w->stuck;
}

enum eg_setup_news eg_setupwatch_look(struct eg_setupwatch *w, int64_t now_ms,
				      int running, bool last, int64_t *waited_ms)
{
	*waited_ms = 0;
	if (!eg_setupwatch_wants_probe(w) || running != 1)
		return EG_SETUP_NONE;
	if (!w->seen && !last) {
		w->seen = true;
		w->since_ms = now_ms;
		return EG_SETUP_NONE;
	}
	if (!w->seen) {
		*waited_ms = -1;
	} else if (last || now_ms - w->since_ms >= (int64_t)w->stuck_after_ms) {
		*waited_ms = now_ms - w->since_ms;
	} else {
		return EG_SETUP_NONE;
	}
	w->stuck = true;
	return EG_SETUP_STUCK;
}
