#include "diagnose.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "profiles.h"
#include "reenroll.h"
#include "ulog.h"
#include "banned.h"

static const char *const names[EG_F__COUNT] = {
	[EG_F_UCRT_BLOCKED_THERMAL] = "ucrt.blocked.thermal",
	[EG_F_UCRT_BLOCKED_BATTERY] = "ucrt.blocked.battery",
	[EG_F_UCRT_BLOCKED_NETWORK] = "ucrt.blocked.network",
	[EG_F_UCRT_BLOCKED_OTHER] = "ucrt.blocked.other",
	[EG_F_UCRT_ACQUIRED] = "ucrt.acquired",
	[EG_F_UCRT_UNAVAILABLE] = "ucrt.unavailable",
	[EG_F_CLOUDCONFIG_RETRIES_EXHAUSTED] = "cloudconfig.retries_exhausted",
	[EG_F_CLOUDCONFIG_ERROR] = "cloudconfig.error",
	[EG_F_CLOUDCONFIG_RATE_LIMITED] = "cloudconfig.rate_limited",
	[EG_F_DEP_NOT_ASSIGNED] = "dep.not_assigned",
	[EG_F_DEP_API_ERROR] = "dep.api_error",
	[EG_F_APNS_UNREACHABLE] = "apns.unreachable",
	[EG_F_MDM_HTTP_STATUS] = "mdm.http_status",
	[EG_F_MDM_DEVICE_CERT_REJECTED] = "mdm.device_cert_rejected",
	[EG_F_MDM_COMMAND_REJECTED] = "mdm.command_rejected",
	[EG_F_MDM_APNS_CERT_EXPIRED] = "mdm.apns_cert_expired",
	[EG_F_SETUP_NO_REMOTE_MANAGEMENT] = "setup.no_remote_management",
	[EG_F_SETUP_ACTIVATION_RECORD_STUCK] = "setup.activation_record_stuck",
};

const char *eg_finding_name(enum eg_finding_id id)
{
	return id < EG_F__COUNT ? names[id] : "unknown";
}

const char *eg_severity_name(enum eg_severity s)
{
	return s == EG_SEV_FAILURE ? "failure" : s == EG_SEV_WARNING ? "warning" : "info";
}

/*
 * The literals a line must hold to be read at all, with their lengths:
 * every literal match_message() and logwatch key on contains one of
 * these. Keep in step with both (test-diagnose checks a line per
 * signature). Each is at least four bytes long (see gram()).
 */
#define A(s) { s, sizeof(s) - 1 }
static const struct anchor {
	const char *s;
	size_t n;
} anchors[] = {
	A("UCRT"), A("Retrying the request"), A("DEP enabled"),
	A("Request too soon"), A("apsd"), A("T_C_NOT_SIGNED"),
	A("AwaitingConfiguration"), A("certificate validity"), A("FAILED_SIGNATURE_CHECK"),
	A("validate issuer"), A("Signed Message"), A("Error = "),
	A("unexpected status"), A("DMCHTTP"), A("MCCloudConfiguration"),
	A("Device Enrollment configuration"),
	A("llmentProgram"), A("Enrollment Program"), A("Terms and Conditions"),
	A("token_expired"), A("token_rejected"), A("expired token"), A("SERVER_INACTIVE"),
	A("DEP service"), A("oauth token"), A("APNs Certificate"), A("rror processing"),
	{ NULL, 0 }
};
#undef A

/*
 * The prefilter: a bit per 16-bit hash of four bytes, set for the first
 * four bytes of each anchor (every anchor has at least four). A noise
 * byte costs one load, a multiply and a bit test; the false-positive rate
 * is about 16 in 65536 positions, so anchors are rarely compared at all.
 */
static unsigned gram(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return (unsigned)((v * 2654435761u) >> 16);
}



struct eg_diagnosis *eg_diagnose_new(void)
{
	struct eg_diagnosis *d = eg_xcalloc(1, sizeof(*d));

	int k;

	d->watch = (struct eg_logwatch)EG_LOGWATCH_INIT;
	d->timeline = eg_xcalloc(EG_TIMELINE_MAX, sizeof(*d->timeline));
	for (k = 0; anchors[k].s; k++) {
		unsigned b = gram((const unsigned char *)anchors[k].s);

		d->gram[b >> 3] |= (unsigned char)(1u << (b & 7));
	}
	return d;
}

void eg_diagnose_free(struct eg_diagnosis *d)
{
	if (!d)
		return;
	eg_logwatch_release(&d->watch);
	free(d->timeline);
	free(d);
}

/* Add to the timeline, folding a repeat of the previous entry. */
static void note(struct eg_diagnosis *d, int64_t ts, const char *key,
		 const char *text)
{
	struct eg_timeline_entry *e;

	if (d->ntimeline && !strcmp(d->timeline[d->ntimeline - 1].key, key)) {
		e = &d->timeline[d->ntimeline - 1];
		e->count++;
		if (ts)
			e->last_ms = ts;
		return;
	}
	if (d->ntimeline == EG_TIMELINE_MAX) {
		d->dropped_timeline++;
		return;
	}
	e = &d->timeline[d->ntimeline++];
	e->first_ms = e->last_ms = ts;
	e->count = 1;
	snprintf(e->key, sizeof(e->key), "%s", key);
	snprintf(e->text, sizeof(e->text), "%s", text);
}

static void find(struct eg_diagnosis *d, enum eg_finding_id id,
		 enum eg_severity sev, int64_t ts, long code, const char *detail)
{
	struct eg_finding *f = &d->findings[id];

	if (!f->seen) {
		f->seen = true;
		f->first_ms = ts;
		f->severity = sev;
	}
	if (sev > f->severity)
		f->severity = sev;
	if (ts)
		f->last_ms = ts;
	f->count++;
	if (code)
		f->code = code;
	if (detail)
		snprintf(f->detail, sizeof(f->detail), "%s", detail);
}

static enum eg_finding_id blocked_id(const char *policy)
{
	if (!strcmp(policy, "ThermalPolicy") || !strcmp(policy, "Thermal Policy"))
		return EG_F_UCRT_BLOCKED_THERMAL;
	if (!strcmp(policy, "BatteryLevelPolicy"))
		return EG_F_UCRT_BLOCKED_BATTERY;
	if (!strcmp(policy, "NetworkQualityPolicy"))
		return EG_F_UCRT_BLOCKED_NETWORK;
	return EG_F_UCRT_BLOCKED_OTHER;
}

static void observe(struct eg_diagnosis *d, const struct eg_obs *o)
{
	int64_t ts = o->has_ts ? o->ts_ms : d->last_ts;
	char text[256];

	/*
	 * A multi-line message says it on several lines (teslad's error
	 * quotes "UCRT is unavailable" three times): once per record.
	 */
	if (o->kind != EG_OBS_DASD_UCRT && o->kind == (enum eg_obs_kind)d->last_obs &&
	    d->records == d->last_obs_record)
		return;
	d->last_obs = (int)o->kind;
	d->last_obs_record = d->records;

	switch (o->kind) {
	case EG_OBS_DASD_UCRT: {
		const struct eg_dasd_policy *b = eg_dasd_blocker(&o->dasd);

		if (eg_dasd_proceeds(o->dasd.final_decision)) {
			if (o->dasd.has_final_score)
				snprintf(text, sizeof(text), "dasd let the UCRT task run (final score %lld.%06lld)",
					 (long long)(o->dasd.final_score_micro / 1000000),
					 (long long)(o->dasd.final_score_micro % 1000000));
			else
				snprintf(text, sizeof(text), "dasd let the UCRT task run");
			note(d, ts, "dasd.allowed", text);
			break;
		}
		snprintf(text, sizeof(text), "%s %s%s%s%s", b ? b->name : "dasd",
			 eg_dasd_decision_name(b ? b->decision : o->dasd.final_decision),
			 b && b->rationale[0] ? " (" : "", b ? b->rationale : "",
			 b && b->rationale[0] ? ")" : "");
		find(d, blocked_id(b ? b->name : ""), EG_SEV_FAILURE, ts, 0, text);
		{
			char key[96], line[300];

			snprintf(key, sizeof(key), "dasd.blocked %s", b ? b->name : "");
			snprintf(line, sizeof(line), "dasd blocked the UCRT: %s", text);
			note(d, ts, key, line);
		}
		break;
	}
	case EG_OBS_UCRT_PERFORMING:
		note(d, ts, "ucrt.performing", "mobileactivationd is fetching the UCRT");
		break;
	case EG_OBS_UCRT_ACQUIRED:
		find(d, EG_F_UCRT_ACQUIRED, EG_SEV_INFO, ts, 0, NULL);
		note(d, ts, "ucrt.acquired", "mobileactivationd performed the UCRT OOB: the UCRT exists");
		break;
	case EG_OBS_UCRT_UNAVAILABLE:
		find(d, EG_F_UCRT_UNAVAILABLE, EG_SEV_FAILURE, ts, 0, NULL);
		note(d, ts, "ucrt.unavailable", "the UCRT is unavailable");
		break;
	case EG_OBS_CLOUD_RETRY:
		d->retries_since_error++;
		note(d, ts, "cloudconfig.retry", "teslad retried its request");
		break;
	case EG_OBS_NONE:
		break;
	}
}

/*
 * What an MDM's calls to Apple's device-enrollment API got, as MDMs log
 * it: fleet's T_C_NOT_SIGNED (field-guide.md 2.5) and Jamf Pro's
 * JAMFSoftwareServer.log messages (VERIFIED: quoted in
 * dataJAR/JAMFSoftwareServer.log-Messages with what admins did about
 * each). First match wins: a T_C_NOT_SIGNED line also says "oauth token
 * refresh".
 */
static const struct dep_cause {
	const char *needle;
	long status;                  /* Apple's HTTP answer, 0: not said */
	const char *detail;
	const char *next;
} dep_causes[] = {
#define TERMS "sign in to Apple Business Manager (or School Manager) as an administrator and accept the new terms and conditions; the MDM's next sync then works"
#define TOKEN "download a new server token for this MDM server in Apple Business Manager and upload it to the MDM"
	{ "T_C_NOT_SIGNED", 403, "terms and conditions not accepted (T_C_NOT_SIGNED)", TERMS },
	{ "not accepted latest Terms and Conditions", 403, "the organization has not accepted the latest terms and conditions", TERMS },
	{ "token_expired", 403, "the MDM's server token has expired (token_expired)", TOKEN },
	{ "connection for an expired token", 0, "the MDM's server token has expired", TOKEN },
	{ "token_rejected", 403, "Apple rejected the MDM's server token (token_rejected)", TOKEN },
	{ "SERVER_INACTIVE", 403, "the token's MDM server no longer exists in Apple Business Manager (SERVER_INACTIVE)",
	  "remove the PreStage enrollment that still uses this token, or point it at a token of a current MDM server" },
	{ "invalid options were submitted", 0, "Apple refused the options a PreStage enrollment submitted",
	  "check the PreStage enrollment's settings against the token it uses (Shared iPad options on an ABM token were one cause)" },
	{ "400 response from Device Enrollment Program", 400, "Apple answered 400: a server token was downloaded but never uploaded to the MDM",
	  TOKEN },
	{ "The DEP service reported an error", 500, "Apple's device-enrollment service reported an error", TOKEN },
	{ "oauth token refresh", 0, "the MDM could not refresh its token with Apple",
	  "accept new terms and conditions in Apple Business Manager if any wait; otherwise " TOKEN },
	{ NULL, 0, NULL, NULL },
#undef TERMS
#undef TOKEN
};

static const struct dep_cause *dep_cause_of(struct eg_str m)
{
	int i;

	for (i = 0; dep_causes[i].needle; i++)
		if (eg_str_find(m, dep_causes[i].needle))
			return &dep_causes[i];
	return NULL;
}

/*
 * The HTTP status (100-599) right after the literal in m, or 0: Jamf's
 * "responseCode=403" and "returning 400".
 */
static int status_after(struct eg_str m, const char *lit)
{
	const char *q = eg_str_find(m, lit);
	size_t n = strlen(lit);
	struct eg_scan s;
	int64_t v;

	if (!q)
		return 0;
	eg_scan_init(&s, q + n, (size_t)(m.p + m.len - q - n));
	return eg_scan_int(&s, &v, 100, 599) ? 0 : (int)v;
}

/*
 * Jamf Pro answering a Mac's MDM request with an error status, as Jamf's
 * own log-reading script (logParse.sh, 2015) looks for it:
 * "Error processing mdm request, returning 400" and
 * "Error processing request ... Returning 500". Returns the status or 0.
 */
static int jamf_mdm_status(struct eg_str m)
{
	int status;

	if (!eg_str_find(m, "Error processing "))
		return 0;
	status = status_after(m, "returning ");
	return status ? status : status_after(m, "Returning ");
}

/* Signatures on the message text (field-guide.md sections 1, 2, 6, 8). */
static void match_message(struct eg_diagnosis *d, int64_t ts, struct eg_str m)
{
	const struct dep_cause *cause;
	struct eg_profiles_error e;
	char text[300];
	int status;

	if (eg_str_find(m, "Client is not DEP enabled")) {
		find(d, EG_F_DEP_NOT_ASSIGNED, EG_SEV_FAILURE, ts, 0, NULL);
		note(d, ts, "dep.not_assigned", "Apple has no ADE record for this serial");
	} else if (eg_str_find(m, "Request too soon")) {
		find(d, EG_F_CLOUDCONFIG_RATE_LIMITED, EG_SEV_WARNING, ts, 0, NULL);
		note(d, ts, "cloudconfig.rate_limited", "profiles show: Request too soon");
	} else if (eg_str_find(m, "Bad response from apsd")) {
		find(d, EG_F_APNS_UNREACHABLE, EG_SEV_FAILURE, ts, 0, NULL);
		note(d, ts, "apns.unreachable", "no connection to apsd (Bad response from apsd)");
	} else if ((cause = dep_cause_of(m)) != NULL) {
		long code = status_after(m, "responseCode=");

		find(d, EG_F_DEP_API_ERROR, EG_SEV_FAILURE, ts, code ? code : cause->status,
		     cause->detail);
		snprintf(text, sizeof(text), "Apple's device-enrollment API: %s", cause->detail);
		note(d, ts, text, text);
	} else if (eg_str_find(m, "APNs Certificate is expired")) {
		/* Jamf Pro (dataJAR's list, VERIFIED) */
		find(d, EG_F_MDM_APNS_CERT_EXPIRED, EG_SEV_FAILURE, ts, 0, "APNs Certificate is expired.");
		note(d, ts, "mdm.apns_cert_expired", "the MDM server's push certificate has expired");
	} else if ((status = jamf_mdm_status(m)) != 0) {
		find(d, EG_F_MDM_HTTP_STATUS, EG_SEV_FAILURE, ts, status,
		     "the MDM server's log: it answered the Mac's request with an error");
		snprintf(text, sizeof(text), "the MDM answered HTTP %d", status);
		note(d, ts, text, text);
	} else if (eg_str_find(m, "is not AwaitingConfiguration")) {
		find(d, EG_F_MDM_COMMAND_REJECTED, EG_SEV_WARNING, ts, 101,
		     "MDMDeviceEnrollment 101: Device is not AwaitingConfiguration");
		note(d, ts, "mdm.command_rejected", "an MDM command was refused: Device is not AwaitingConfiguration");
	} else if (eg_str_find(m, "outside of certificate validity") ||
		   eg_str_find(m, "FAILED_SIGNATURE_CHECK") ||
		   eg_str_find(m, "Unable to validate issuer") ||
		   eg_str_find(m, "verify MDM Signed Message")) {
		/* 8.3: MicroMDM's lines VERIFIED; Jamf Pro's (seed 002) UNVERIFIED */
		find(d, EG_F_MDM_DEVICE_CERT_REJECTED, EG_SEV_FAILURE, ts, 0,
		     eg_str_find(m, "outside of certificate validity") ?
		     "the device identity's validity dates were checked" :
		     "issuer validation or signature verification failed");
		note(d, ts, "mdm.device_cert_rejected", "the MDM server rejected the device certificate");
	} else if (eg_outcome_line(m, &status) == EG_OUTCOME_HTTP_STATUS) {
		find(d, EG_F_MDM_HTTP_STATUS, EG_SEV_FAILURE, ts, status, NULL);
		snprintf(text, sizeof(text), "the MDM answered HTTP %d", status);
		note(d, ts, text, text);
	} else if (eg_str_find(m, "MCCloudConfigurationErrorDomain") ||
		   eg_str_find(m, "Error fetching Device Enrollment configuration")) {
		eg_profiles_parse_error(m.p, m.len, &e);
		if (e.kind != EG_PROFILES_FAIL_CLOUD || !e.code)
			return;
		if (e.code == 34006 && d->retries_since_error >= 3)
			find(d, EG_F_CLOUDCONFIG_RETRIES_EXHAUSTED, EG_SEV_FAILURE, ts, 34006, NULL);
		find(d, EG_F_CLOUDCONFIG_ERROR, EG_SEV_FAILURE, ts, e.code, NULL);
		d->retries_since_error = 0;
		snprintf(text, sizeof(text), "cloud configuration error (%ld) %s", e.code,
			 eg_cloudcfg_describe(e.code) ? eg_cloudcfg_describe(e.code) : "");
		note(d, ts, text, text);
	}
}

void eg_diagnose_record(struct eg_diagnosis *d, int64_t ts_ms,
			struct eg_str process, struct eg_str message)
{
	const char *p = message.p, *end = message.p + message.len;
	struct eg_str line;
	struct eg_obs obs;

	d->records++;
	if (ts_ms)
		d->last_ts = ts_ms;
	/*
	 * A JSON record's message may hold a whole dasd scoring, lines and
	 * all: its lines go through the same watcher as text lines, with the
	 * record's time.
	 */
	while (eg_next_line(&p, end, &line)) {
		if (eg_logwatch_feed(&d->watch, line, &obs)) {
			if (!obs.has_ts && ts_ms) {
				obs.has_ts = true;
				obs.ts_ms = ts_ms;
			}
			observe(d, &obs);
		} else if (!d->watch.in_block && eg_logwatch_is_retry(process, line)) {
			memset(&obs, 0, sizeof(obs));
			obs.kind = EG_OBS_CLOUD_RETRY;
			obs.has_ts = ts_ms != 0;
			obs.ts_ms = ts_ms;
			observe(d, &obs);
		} else if (!d->watch.in_block) {
			match_message(d, ts_ms, line);
		}
	}
}

bool eg_diagnose_wants(const struct eg_diagnosis *d, struct eg_str line)
{
	const unsigned char *p = (const unsigned char *)line.p;
	size_t i;
	int k;

	if (d->watch.in_block)
		return true;
	/* one pass: only where an anchor's first four bytes may stand, compare */
	for (i = 0; i + 4 <= line.len; i++) {
		unsigned b;

		/* four positions a round, one branch: noise rarely hits any */
		while (i + 7 <= line.len) {
			unsigned b0 = gram(p + i), b1 = gram(p + i + 1);
			unsigned b2 = gram(p + i + 2), b3 = gram(p + i + 3);

			if ((d->gram[b0 >> 3] & (1u << (b0 & 7))) |
			    (d->gram[b1 >> 3] & (1u << (b1 & 7))) |
			    (d->gram[b2 >> 3] & (1u << (b2 & 7))) |
			    (d->gram[b3 >> 3] & (1u << (b3 & 7))))
				break;
			i += 4;
		}
		if (i + 4 > line.len)
			break;
		b = gram(p + i);
		if (!(d->gram[b >> 3] & (1u << (b & 7))))
			continue;
		for (k = 0; anchors[k].s; k++) {
			if (anchors[k].n <= line.len - i && !memcmp(p + i, anchors[k].s, anchors[k].n))
				return true;
		}
	}
	return false;
}

void eg_diagnose_line(struct eg_diagnosis *d, struct eg_str line)
{
	struct eg_ulog_rec rec;
	struct eg_obs obs;
	bool is_rec = eg_ulog_parse_line(line, &rec);

	d->lines++;
	if (is_rec) {
		d->records++;
		d->last_ts = rec.ts_ms;
	}
	if (eg_logwatch_feed(&d->watch, line, &obs)) {
		observe(d, &obs);
		return;
	}
	if (d->watch.in_block)
		return;
	/* a continuation line has its record's time */
	match_message(d, is_rec ? rec.ts_ms : d->last_ts, is_rec ? rec.message : line);
}

/* What run saw of Setup Assistant (cmd-run.c watch_setup). */
static void setup_event(struct eg_diagnosis *d, int64_t ts_ms, const char *type,
			const char *text)
{
	char line[300];

	if (!strcmp(type, "setup.ended")) {
		/* Setup Assistant finished with no configuration */
		find(d, EG_F_SETUP_NO_REMOTE_MANAGEMENT, EG_SEV_FAILURE, ts_ms, 0, NULL);
		note(d, ts_ms, type, "Setup Assistant finished without the enrollment "
		     "configuration: no Remote Management screen");
	} else if (!strcmp(type, "setup.stuck")) {
		/* "Setup Assistant has waited 5 min 0 s for the ...": "waited 5 min 0 s" */
		const char *w = strstr(text, "waited "), *e = w ? strstr(w, " for ") : NULL;

		if (w && e)
			snprintf(line, sizeof(line), "it had waited %.*s", (int)(e - w - 7), w + 7);
		else
			snprintf(line, sizeof(line), "%.200s", text);
		find(d, EG_F_SETUP_ACTIVATION_RECORD_STUCK, EG_SEV_FAILURE, ts_ms, 0, line);
		snprintf(line, sizeof(line), "enrollguard %s: %.200s", type, text);
		note(d, ts_ms, type, line);
	}
	/* setup.found, .waiting, .timeout, .unknown: nothing went wrong yet */
}

void eg_diagnose_agent_event(struct eg_diagnosis *d, int64_t ts_ms,
			     const char *type, const char *policy,
			     const char *rationale, long code, const char *text)
{
	char line[300], key[96];

	d->records++;
	if (ts_ms)
		d->last_ts = ts_ms;
	if (!strcmp(type, "dasd.verdict") && policy[0]) {
		snprintf(line, sizeof(line), "%s Absolutely Must Not Proceed%s%s%s", policy,
			 rationale[0] ? " (" : "", rationale, rationale[0] ? ")" : "");
		find(d, blocked_id(policy), EG_SEV_FAILURE, ts_ms, 0, line);
		snprintf(key, sizeof(key), "dasd.blocked %s", policy);
		snprintf(line, sizeof(line), "dasd blocked the UCRT: %s%s%s%s", policy,
			 rationale[0] ? " (" : "", rationale, rationale[0] ? ")" : "");
		note(d, ts_ms, key, line);
	} else if (!strcmp(type, "dasd.verdict")) {
		note(d, ts_ms, "dasd.allowed", "dasd let the UCRT task run");
	} else if (!strcmp(type, "ucrt.acquired")) {
		find(d, EG_F_UCRT_ACQUIRED, EG_SEV_INFO, ts_ms, 0, NULL);
		note(d, ts_ms, "ucrt.acquired", "mobileactivationd performed the UCRT OOB: the UCRT exists");
	} else if (!strcmp(type, "ucrt.unavailable")) {
		find(d, EG_F_UCRT_UNAVAILABLE, EG_SEV_FAILURE, ts_ms, 0, NULL);
		note(d, ts_ms, "ucrt.unavailable", "the UCRT is unavailable");
	} else if (!strcmp(type, "renew.result") && code >= 30000 && code < 40000) {
		find(d, EG_F_CLOUDCONFIG_ERROR, EG_SEV_FAILURE, ts_ms, code, NULL);
		snprintf(line, sizeof(line), "enrollguard: profiles renew failed (%ld) %s", code,
			 eg_cloudcfg_describe(code) ? eg_cloudcfg_describe(code) : "");
		note(d, ts_ms, line, line);
	} else if (!strncmp(type, "setup.", 6)) {
		setup_event(d, ts_ms, type, text);
	} else if (!strcmp(type, "run.enrolled") || !strcmp(type, "run.gave_up") ||
		   !strcmp(type, "config.fetched") || !strcmp(type, "renew.stopped")) {
		if (!strcmp(type, "config.fetched")) {
			d->config_fetched = true;
			d->config_ms = ts_ms;
		}
		snprintf(line, sizeof(line), "enrollguard %s: %.200s", type, text);
		note(d, ts_ms, type, line);
	} else if (strcmp(type, "wait") != 0) {
		/* other events may quote what macOS said (a wait only repeats
		 * the last renewal's error, already counted): match it */
		match_message(d, ts_ms, eg_str_from(text));
	}
}

/* The agent fetched the configuration after the finding's last sighting. */
static bool config_after(const struct eg_diagnosis *d, const struct eg_finding *f)
{
	return d->config_fetched && (!f->last_ms || !d->config_ms || d->config_ms >= f->last_ms);
}

/*
 * A UCRT that came after all, or the configuration (which needs one): the
 * blocks and the unavailability before it delayed the enrollment, no more.
 */
static bool cleared_later(const struct eg_diagnosis *d, const struct eg_finding *f)
{
	const struct eg_finding *acq = &d->findings[EG_F_UCRT_ACQUIRED];

	return (acq->seen && (!f->last_ms || !acq->last_ms || f->last_ms <= acq->last_ms)) ||
	       config_after(d, f);
}

void eg_diagnose_finish(struct eg_diagnosis *d)
{
	int i;

	for (i = EG_F_UCRT_BLOCKED_THERMAL; i <= EG_F_UCRT_UNAVAILABLE; i++)
		if (i != EG_F_UCRT_ACQUIRED && d->findings[i].seen &&
		    cleared_later(d, &d->findings[i]))
			d->findings[i].severity = EG_SEV_WARNING;
	/* the errors of the renewals before the one that fetched it */
	for (i = EG_F_CLOUDCONFIG_RETRIES_EXHAUSTED; i <= EG_F_CLOUDCONFIG_ERROR; i++)
		if (d->findings[i].seen && config_after(d, &d->findings[i]))
			d->findings[i].severity = EG_SEV_WARNING;
	/*
	 * Setup Assistant got its configuration after all: it was stuck, no
	 * more. Going on without Remote Management stays a failure: the Mac
	 * is not enrolled until its user accepts the notification.
	 */
	if (d->findings[EG_F_SETUP_ACTIVATION_RECORD_STUCK].seen && config_after(d,
	    &d->findings[EG_F_SETUP_ACTIVATION_RECORD_STUCK]))
		d->findings[EG_F_SETUP_ACTIVATION_RECORD_STUCK].severity = EG_SEV_WARNING;
}

void eg_finding_explain(const struct eg_diagnosis *d, enum eg_finding_id id,
			char *summary, size_t ns, char *next, size_t nn)
{
	const struct eg_finding *f = &d->findings[id];
	bool cleared = f->severity < EG_SEV_FAILURE;

	switch (id) {
	case EG_F_UCRT_BLOCKED_THERMAL:
	case EG_F_UCRT_BLOCKED_BATTERY:
	case EG_F_UCRT_BLOCKED_NETWORK:
	case EG_F_UCRT_BLOCKED_OTHER:
		snprintf(summary, ns, "dasd held back the UCRT task (com.apple.mobileactivationd.UCRT.OOB) "
			 "%lu times: %s%s", f->count, f->detail,
			 cleared ? "; it ran later and the UCRT was acquired" :
			 "; without a UCRT the Mac cannot fetch its enrollment configuration");
		snprintf(next, nn, "%s", id == EG_F_UCRT_BLOCKED_THERMAL ?
			 "let the Mac cool: shut it down for 10 minutes (off the charger, in a cool "
			 "room), then power it on; enrollguard run renews the moment dasd lets the task run" :
			 id == EG_F_UCRT_BLOCKED_BATTERY ? "connect the Mac to power and let it charge" :
			 id == EG_F_UCRT_BLOCKED_NETWORK ? "give the Mac a working network (wired if possible)" :
			 "see which policy blocked it in the data; wait for it to clear");
		return;
	case EG_F_UCRT_ACQUIRED:
		snprintf(summary, ns, "mobileactivationd acquired the UCRT: profiles renew -type enrollment can succeed from then on");
		snprintf(next, nn, "if the Mac still has no configuration, run profiles renew -type enrollment (or enrollguard run)");
		return;
	case EG_F_UCRT_UNAVAILABLE:
		snprintf(summary, ns, "the UCRT is unavailable%s", cleared ? " (until it was acquired later)" :
			 "; a virtual machine without a Secure Enclave can never get one");
		snprintf(next, nn, "on a real Mac, let dasd run the UCRT task (cool, powered, online); a VM cannot enroll through ADE this way");
		return;
	case EG_F_CLOUDCONFIG_RETRIES_EXHAUSTED:
		snprintf(summary, ns, "teslad retried and gave up: 34006 \"The cloud configuration server is unavailable.\" (no UCRT)%s",
			 cleared ? "; the configuration was fetched later" : "");
		snprintf(next, nn, "retry profiles renew -type enrollment once the UCRT exists (enrollguard run does)");
		return;
	case EG_F_CLOUDCONFIG_ERROR:
		snprintf(summary, ns, "cloud configuration error %ld: %s%s", f->code,
			 eg_cloudcfg_describe(f->code) ? eg_cloudcfg_describe(f->code) : "(code not in the table)",
			 cleared ? " (before the configuration was fetched)" : "");
		snprintf(next, nn, "%s", f->code == 34000 ?
			 "check the network reaches Apple (iprofiles.apple.com)" :
			 f->code == 34006 ? "wait for the UCRT (a cool Mac), then renew" :
			 "look the code up in enrollguard(8) and retry");
		return;
	case EG_F_CLOUDCONFIG_RATE_LIMITED:
		snprintf(summary, ns, "profiles show is rate limited (\"Request too soon\", once a day since macOS 12.3)");
		snprintf(next, nn, "read /private/var/db/ConfigurationProfiles/Settings/.cloudConfigRecordFound instead, or wait a day");
		return;
	case EG_F_DEP_NOT_ASSIGNED:
		snprintf(summary, ns, "Apple has no Automated Device Enrollment record for this serial (\"Client is not DEP enabled.\")");
		snprintf(next, nn, "assign the serial to your MDM server in Apple Business Manager or Apple School Manager");
		return;
	case EG_F_DEP_API_ERROR: {
		const struct dep_cause *c = dep_causes;
		char http[32] = "";

		while (c->needle && strcmp(c->detail, f->detail))
			c++;
		if (f->code)
			snprintf(http, sizeof(http), " (HTTP %ld)", f->code);
		snprintf(summary, ns, "the MDM's calls to Apple's device-enrollment API fail%s: %s; "
			 "until they work, the MDM cannot assign Macs to their enrollment profile",
			 http, f->detail);
		snprintf(next, nn, "%s", c->needle ? c->next : "read the MDM server's log around these lines");
		return;
	}
	case EG_F_MDM_APNS_CERT_EXPIRED:
		snprintf(summary, ns, "the MDM server's push certificate (APNs) has expired: it cannot wake any Mac, "
			 "so enrollment and every command stall");
		snprintf(next, nn, "renew the push certificate at Apple's Push Certificates Portal with the Apple ID "
			 "that created it and upload it to the MDM (a new certificate from another Apple ID "
			 "means re-enrolling every device)");
		return;
	case EG_F_APNS_UNREACHABLE:
		snprintf(summary, ns, "no connection to Apple's push service (\"Bad response from apsd\")");
		snprintf(next, nn, "allow TCP 5223 and 443 to *.push.apple.com, then retry");
		return;
	case EG_F_MDM_HTTP_STATUS:
		snprintf(summary, ns, "the MDM answered HTTP %ld%s", f->code, f->code == 403 ?
			 ": often the Mac's push certificate has expired and the MDM checks its dates "
			 "(seed report 002); since macOS 14, 403 may also mean software update required "
			 "or unrecognized device" : "");
		snprintf(next, nn, "%s", f->code == 403 ?
			 "run enrollguard cert on the Mac; if the push certificate expired, see enrollguard renew --dry-run" :
			 f->detail[0] ? "the server log's lines around it name the device and the command it refused" :
			 "check the MDM server's log");
		return;
	case EG_F_MDM_DEVICE_CERT_REJECTED:
		snprintf(summary, ns, "the MDM server rejected the device certificate: %s", f->detail);
		snprintf(next, nn, "an MDM must ignore the validity dates of Apple iPhone Device CA certificates; ask the vendor, or see enrollguard renew");
		return;
	case EG_F_MDM_COMMAND_REJECTED:
		snprintf(summary, ns, "an MDM command was refused: %s", f->detail);
		snprintf(next, nn, "the Mac has left Setup Assistant's await-configuration state; send the command earlier, or re-enroll");
		return;
	case EG_F_SETUP_NO_REMOTE_MANAGEMENT:
		snprintf(summary, ns, "Setup Assistant finished before the Mac had its enrollment "
			 "configuration: there was no Remote Management screen, the Mac went on as a "
			 "personal Mac and is not enrolled in your MDM%s", config_after(d, f) ?
			 "; the configuration came afterwards, so macOS offers the enrollment to "
			 "the Mac's user as a Device Enrollment notification" : "");
		snprintf(next, nn, "%s", config_after(d, f) ?
			 "have the Mac's user accept the Device Enrollment notification; to enroll it in "
			 "Setup Assistant instead, erase it and set it up again once it is cool" :
			 "fix the cause the other findings name (most often a hot Mac without a UCRT), then "
			 "run 'sudo profiles renew -type enrollment' and have the user accept the Device "
			 "Enrollment notification, or erase the Mac and set it up again");
		return;
	case EG_F_SETUP_ACTIVATION_RECORD_STUCK:
		snprintf(summary, ns, "Setup Assistant waited for its enrollment configuration and did "
			 "not get it (on screen: \"Retrieving activation record.\", or later \"Unable to "
			 "configure your Mac\"): %s%s", f->detail, cleared ?
			 "; the configuration came later" : "");
		snprintf(next, nn, "%s", cleared ? "restart the Mac if Setup Assistant still shows no "
			 "Remote Management screen" :
			 "fix the cause the other findings name (most often dasd holding back the UCRT on "
			 "a hot Mac): shut the Mac down for 10 minutes, then power it on; enrollguard run "
			 "renews as soon as the UCRT is there");
		return;
	case EG_F__COUNT:
		break;
	}
	summary[0] = next[0] = '\0';
}
