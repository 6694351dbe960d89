#include "strategy.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

void eg_strategy_params_default(struct eg_strategy_params *p)
{
	p->kind = EG_STRATEGY_EVENT;
	p->retries = 3;             /* seed 000's script */
	p->retry_delay_ms = 5000;   /* seed 000's script */
	p->cooldown_ms = 60000;     /* seed 000's script */
	p->cycles = 10;             /* seed 000's script */
	p->deadline_ms = 20 * 60000;
	p->fallback_ms = 60000;
}

const char *eg_strategy_kind_name(enum eg_strategy_kind k)
{
	return k == EG_STRATEGY_FIXED ? "fixed" : "event";
}

void eg_strategy_init(struct eg_strategy *s,
		      const struct eg_strategy_params *p, int64_t now_ms)
{
	memset(s, 0, sizeof(*s));
	s->par = *p;
	s->state = EG_STATE_WAITING;
	s->start_ms = now_ms;
	s->next_ms = now_ms;
	s->cycle = 1;
	s->dasd_decision = -1;
	s->reason = EG_REASON_FIRST;
}

void eg_strategy_resume(struct eg_strategy *s,
			const struct eg_strategy_params *p, int64_t now_ms,
			uint64_t elapsed_ms, unsigned attempts, unsigned cycle,
			unsigned try_in_cycle)
{
	eg_strategy_init(s, p, now_ms);
	s->start_ms = now_ms - (int64_t)elapsed_ms;
	s->attempts = attempts;
	s->cycle = cycle ? cycle : 1;
	s->try_in_cycle = try_in_cycle;
	s->reason = EG_REASON_RESUME;
	/*
	 * A fixed cycle that was used up before the interruption goes on
	 * in the next cycle; the pause was the time we were down.
	 */
	if (p->kind == EG_STRATEGY_FIXED && s->try_in_cycle >= p->retries) {
		s->cycle++;
		s->try_in_cycle = 0;
		if (s->cycle > p->cycles)
			s->state = EG_STATE_GAVE_UP;
	}
}

static int64_t deadline_at(const struct eg_strategy *s)
{
	return s->start_ms + (int64_t)s->par.deadline_ms;
}

enum eg_action eg_strategy_next(struct eg_strategy *s, int64_t now_ms,
				int64_t *wake_ms)
{
	*wake_ms = now_ms;
	switch (s->state) {
	case EG_STATE_ENROLLED:
		return EG_ACT_DONE;
	case EG_STATE_GAVE_UP:
		return EG_ACT_GIVE_UP;
	case EG_STATE_RENEWING:
		/* the caller asked before reporting the attempt's end */
		*wake_ms = now_ms;
		return EG_ACT_WAIT;
	case EG_STATE_WAITING:
		break;
	}
	if (now_ms >= deadline_at(s)) {
		s->state = EG_STATE_GAVE_UP;
		return EG_ACT_GIVE_UP;
	}
	if (now_ms >= s->next_ms) {
		s->state = EG_STATE_RENEWING;
		s->attempts++;
		s->try_in_cycle++;
		s->ucrt_during_renew = false;
		return EG_ACT_RENEW;
	}
	*wake_ms = s->next_ms < deadline_at(s) ? s->next_ms : deadline_at(s);
	return EG_ACT_WAIT;
}

static void fixed_failed(struct eg_strategy *s, int64_t now_ms)
{
	if (s->try_in_cycle < s->par.retries) {
		s->next_ms = now_ms + (int64_t)s->par.retry_delay_ms;
		s->reason = EG_REASON_RETRY;
		return;
	}
	s->cycle++;
	s->try_in_cycle = 0;
	if (s->cycle > s->par.cycles) {
		s->state = EG_STATE_GAVE_UP;
		return;
	}
	s->next_ms = now_ms + (int64_t)s->par.cooldown_ms;
	s->reason = EG_REASON_NEW_CYCLE;
}

static void event_failed(struct eg_strategy *s, int64_t now_ms)
{
	if (s->ucrt_during_renew) {
		/* the UCRT arrived while profiles was running: go again now */
		s->cycle++;
		s->try_in_cycle = 0;
		s->next_ms = now_ms;
		s->reason = EG_REASON_UCRT;
		return;
	}
	if (s->ucrt && s->try_in_cycle < s->par.retries) {
		s->next_ms = now_ms + (int64_t)s->par.retry_delay_ms;
		s->reason = EG_REASON_UCRT_RETRY;
		return;
	}
	/* quiet log, or the UCRT burst is used up: slow schedule */
	s->next_ms = now_ms + (int64_t)s->par.fallback_ms;
	s->reason = EG_REASON_FALLBACK;
}

void eg_strategy_renew_done(struct eg_strategy *s, int64_t now_ms, bool ok)
{
	if (s->state != EG_STATE_RENEWING)
		return;
	if (ok) {
		s->state = EG_STATE_ENROLLED;
		return;
	}
	s->state = EG_STATE_WAITING;
	if (s->par.kind == EG_STRATEGY_FIXED)
		fixed_failed(s, now_ms);
	else
		event_failed(s, now_ms);
}

static void note_dasd(struct eg_strategy *s, const struct eg_dasd_verdict *v)
{
	const struct eg_dasd_policy *b = eg_dasd_blocker(v);

	s->dasd_decision = v->final_decision;
	if (eg_dasd_proceeds(v->final_decision)) {
		s->blocker[0] = s->blocker_decision[0] = s->rationale[0] = '\0';
		return;
	}
	s->dasd_blocks++;
	snprintf(s->blocker, sizeof(s->blocker), "%s", b ? b->name : "");
	snprintf(s->blocker_decision, sizeof(s->blocker_decision), "%s",
		 eg_dasd_decision_name(b ? b->decision : v->final_decision));
	snprintf(s->rationale, sizeof(s->rationale), "%s",
		 b ? b->rationale : "");
}

void eg_strategy_observe(struct eg_strategy *s, int64_t now_ms,
			 const struct eg_obs *obs)
{
	bool event = s->par.kind == EG_STRATEGY_EVENT;

	switch (obs->kind) {
	case EG_OBS_DASD_UCRT:
		note_dasd(s, &obs->dasd);
		/*
		 * dasd let the UCRT task run: the UCRT should follow within
		 * seconds (3.5 s in seed 000). Bring the fallback forward in
		 * case this macOS does not log the UCRT itself.
		 */
		if (event && eg_dasd_proceeds(obs->dasd.final_decision) &&
		    s->state == EG_STATE_WAITING &&
		    s->next_ms > now_ms + (int64_t)s->par.retry_delay_ms) {
			s->next_ms = now_ms + (int64_t)s->par.retry_delay_ms;
			s->reason = EG_REASON_DASD_ALLOWED;
		}
		break;
	case EG_OBS_UCRT_ACQUIRED:
		s->ucrt = true;
		s->ucrt_unavailable = false;
		if (!event)
			break;
		if (s->state == EG_STATE_RENEWING) {
			s->ucrt_during_renew = true;
		} else if (s->state == EG_STATE_WAITING) {
			s->cycle++;
			s->try_in_cycle = 0;
			s->next_ms = now_ms;
			s->reason = EG_REASON_UCRT;
		}
		break;
	case EG_OBS_UCRT_UNAVAILABLE:
		if (!s->ucrt)
			s->ucrt_unavailable = true;
		break;
	case EG_OBS_NONE:
	case EG_OBS_UCRT_PERFORMING:
	case EG_OBS_CLOUD_RETRY:
		break;
	}
}

void eg_strategy_abandon(struct eg_strategy *s)
{
	s->state = EG_STATE_GAVE_UP;
}

void eg_strategy_why(const struct eg_strategy *s, char *out, size_t n)
{
	if (s->blocker_decision[0]) {
		snprintf(out, n, "dasd: %s%s%s%s%s%s", s->blocker,
			 s->blocker[0] ? " " : "", s->blocker_decision,
			 s->rationale[0] ? " (" : "", s->rationale,
			 s->rationale[0] ? ")" : "");
		return;
	}
	if (s->par.kind == EG_STRATEGY_FIXED) {
		snprintf(out, n, "cycle %u of %u: %u of %u attempts made",
			 s->cycle, s->par.cycles, s->try_in_cycle,
			 s->par.retries);
		return;
	}
	if (s->ucrt)
		snprintf(out, n, "UCRT acquired: retry %u of %u",
			 s->try_in_cycle + 1, s->par.retries);
	else if (s->ucrt_unavailable)
		snprintf(out, n, "the UCRT is unavailable: waiting for dasd to run the UCRT task");
	else if (s->dasd_decision >= 0)
		snprintf(out, n, "dasd let the UCRT task run: waiting for the UCRT");
	else
		snprintf(out, n, "waiting for the UCRT (no dasd verdict seen yet)");
}

void eg_strategy_describe_attempt(const struct eg_strategy *s, char *out,
				  size_t n)
{
	switch (s->reason) {
	case EG_REASON_FIRST:
		snprintf(out, n, "first attempt");
		return;
	case EG_REASON_RESUME:
		snprintf(out, n, "first attempt after a relaunch");
		return;
	case EG_REASON_RETRY:
	case EG_REASON_NEW_CYCLE:
		snprintf(out, n, "cycle %u, try %u", s->cycle, s->try_in_cycle);
		return;
	case EG_REASON_UCRT:
		snprintf(out, n, "the UCRT was just acquired");
		return;
	case EG_REASON_UCRT_RETRY:
		snprintf(out, n, "UCRT retry %u of %u", s->try_in_cycle,
			 s->par.retries);
		return;
	case EG_REASON_DASD_ALLOWED:
		snprintf(out, n, "dasd let the UCRT task run");
		return;
	case EG_REASON_FALLBACK:
		snprintf(out, n, "fallback schedule, every %llu s",
			 (unsigned long long)(s->par.fallback_ms / 1000));
		return;
	}
	snprintf(out, n, "attempt");
}
