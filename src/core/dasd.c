#include "dasd.h"

#include <string.h>

#include "profiles.h"
#include "scan.h"
#include "banned.h"

static const struct {
	int code;
	const char *name;
	const char *abbrev;
} decisions[] = {
	{ EG_DASD_CAN_PROCEED, "Can Proceed", "CP" },
	{ EG_DASD_MUST_NOT_PROCEED, "Must Not Proceed", "MNP" },
	{ EG_DASD_MUST_PROCEED, "Must Proceed", "MP" },
	{ EG_DASD_ABSOLUTELY_MUST_NOT_PROCEED, "Absolutely Must Not Proceed", "AMNP" },
	{ EG_DASD_ABSOLUTELY_MUST_PROCEED, "Absolutely Must Proceed", "AMP" },
};

bool eg_dasd_proceeds(int decision)
{
	return decision == EG_DASD_CAN_PROCEED ||
	       decision == EG_DASD_MUST_PROCEED ||
	       decision == EG_DASD_ABSOLUTELY_MUST_PROCEED;
}

const char *eg_dasd_decision_name(int decision)
{
	size_t i;

	for (i = 0; i < sizeof(decisions) / sizeof(decisions[0]); i++)
		if (decisions[i].code == decision)
			return decisions[i].name;
	return "Unknown Decision (Proceed)";
}

/* A decision by name or abbreviation at the cursor; longest name first. */
static int scan_decision(struct eg_scan *s, int *out)
{
	static const int order[] = { 3, 4, 1, 2, 0 };
	size_t i;

	for (i = 0; i < 5; i++) {
		if (!eg_scan_lit(s, decisions[order[i]].name)) {
			*out = decisions[order[i]].code;
			return 0;
		}
	}
	for (i = 0; i < 5; i++) {
		struct eg_scan t = *s;

		if (!eg_scan_lit(&t, decisions[order[i]].abbrev) &&
		    (t.p == t.end || *t.p == '}' || *t.p == ' ')) {
			*out = decisions[order[i]].code;
			*s = t;
			return 0;
		}
	}
	return 1;
}

/* A number such as 0.827808 in millionths. */
static int scan_micro(struct eg_scan *s, int64_t *v)
{
	struct eg_scan t = *s;
	uint64_t whole, frac = 0;
	int digits = 0;

	if (eg_scan_uint(&t, &whole, 999999999))
		return 1;
	if (!eg_scan_ch(&t, '.')) {
		while (t.p < t.end && *t.p >= '0' && *t.p <= '9') {
			if (digits < 6) {
				frac = frac * 10 + (uint64_t)(*t.p - '0');
				digits++;
			}
			t.p++;
		}
	}
	while (digits < 6) {
		frac *= 10;
		digits++;
	}
	*v = (int64_t)(whole * 1000000 + frac);
	*s = t;
	return 0;
}

/* The rationale text between "[{" and "}]", without the braces. */
static void take_rationale(struct eg_str rest, struct eg_dasd_policy *pol)
{
	const char *a = eg_str_find(rest, "[{");
	struct eg_str tail;
	const char *b;

	if (!a)
		return;
	tail.p = a + 2;
	tail.len = (size_t)(rest.p + rest.len - tail.p);
	b = eg_str_find(tail, "}]");
	if (!b) {
		/* "[{...},{...},]" ends in ",]" after the last brace */
		b = eg_str_find(tail, "},]");
	}
	if (!b)
		return;
	eg_copy_printable(pol->rationale, sizeof(pol->rationale), tail.p,
			  (size_t)(b - tail.p));
}

/*
 * Example lines (field-guide.md 6.2 VERIFIED and 6.4 INFERRED):
 * {name: ThermalPolicy, policyWeight: 5.000, response: {Decision: Absolutely Must Not Proceed, Score: 0.00, Rationale: [{thermalLevel >= 2}]}}
 * \t{name: ThermalPolicy, policyWeight: 5.000, response: {100, 0.00, [{thermalLevel >= 2}]}}
 */
static int parse_policy(struct eg_str line, struct eg_dasd_policy *pol)
{
	struct eg_scan s;
	struct eg_str name, rest;
	uint64_t code;

	memset(pol, 0, sizeof(*pol));
	pol->weight_milli = -1;
	pol->decision = EG_DASD_UNKNOWN;
	eg_scan_init(&s, line.p, line.len);
	eg_scan_blanks(&s);
	if (eg_scan_lit(&s, "{name: ") || eg_scan_until(&s, ',', &name, 47))
		return 1;
	eg_copy_printable(pol->name, sizeof(pol->name), name.p, name.len);
	(void)eg_scan_lit(&s, ",");
	eg_scan_blanks(&s);
	if (!eg_scan_lit(&s, "policyWeight: ")) {
		if (eg_scan_milli(&s, &pol->weight_milli))
			return 1;
		(void)eg_scan_lit(&s, ", ");
	}
	if (!eg_scan_lit(&s, "response: N/A"))
		return 0;
	if (eg_scan_lit(&s, "response: {"))
		return 1;
	if (!eg_scan_lit(&s, "Decision: ")) {
		if (scan_decision(&s, &pol->decision))
			return 1;
		if (!eg_scan_lit(&s, ", Score: "))
			(void)eg_scan_milli(&s, &pol->score_milli);
	} else if (!eg_scan_uint(&s, &code, 1000)) {
		pol->decision = (int)code;
		if (!eg_scan_lit(&s, ", "))
			(void)eg_scan_milli(&s, &pol->score_milli);
	} else {
		return 1;
	}
	eg_scan_rest(&s, &rest);
	take_rationale(rest, pol);
	return 0;
}

/*
 * Example closing lines (field-guide.md 6.2, 6.4):
 * ], FinalDecision: Absolutely Must Not Proceed}
 *  ] sumScores:32.210000, denominator:38.910000, FinalDecision: Can Proceed FinalScore: 0.827808}
 *  ], Decision: AMNP}
 */
static int parse_close(struct eg_str line, struct eg_dasd_verdict *v)
{
	const char *q;
	struct eg_scan s;

	if ((q = eg_str_find(line, "sumScores:"))) {
		eg_scan_init(&s, q + 10, (size_t)(line.p + line.len - q - 10));
		(void)scan_micro(&s, &v->sum_scores_micro);
	}
	if ((q = eg_str_find(line, "denominator:"))) {
		eg_scan_init(&s, q + 12, (size_t)(line.p + line.len - q - 12));
		(void)scan_micro(&s, &v->denominator_micro);
	}
	q = eg_str_find(line, "Decision: ");
	if (!q)
		return 1;
	eg_scan_init(&s, q + 10, (size_t)(line.p + line.len - q - 10));
	if (scan_decision(&s, &v->final_decision))
		return 1;
	if ((q = eg_str_find(line, "Score: "))) {
		eg_scan_init(&s, q + 7, (size_t)(line.p + line.len - q - 7));
		if (!scan_micro(&s, &v->final_score_micro))
			v->has_final_score = true;
	}
	return 0;
}

enum eg_err eg_dasd_parse(const char *text, size_t len,
			  struct eg_dasd_verdict *v, struct eg_diag *diag)
{
	const char *p = text, *end = text + len;
	struct eg_str line, first;
	const char *hdr, *a;
	bool closed = false;

	memset(v, 0, sizeof(*v));
	v->final_decision = EG_DASD_UNKNOWN;
	if (!eg_next_line(&p, end, &first))
		return eg_diag_set(diag, EG_ERR_INVALID, "empty dasd message");
	/* header: "... <activity>:[" with the activity the last word */
	first = eg_str_trim(first);
	if (first.len < 2 || first.p[first.len - 1] != '[' ||
	    first.p[first.len - 2] != ':')
		return eg_diag_set(diag, EG_ERR_INVALID,
				   "dasd scoring header does not end in ':['");
	hdr = first.p + first.len - 2;
	for (a = hdr; a > first.p && a[-1] != ' ' && a[-1] != '\''; a--)
		;
	if (a == hdr)
		return eg_diag_set(diag, EG_ERR_INVALID,
				   "dasd scoring header names no activity");
	eg_copy_printable(v->activity, sizeof(v->activity), a, (size_t)(hdr - a));

	while (eg_next_line(&p, end, &line)) {
		struct eg_str t = eg_str_trim(line);

		if (eg_str_starts(t, "{name:")) {
			if (v->npolicies < EG_DASD_MAX_POLICIES &&
			    !parse_policy(t, &v->policies[v->npolicies]))
				v->npolicies++;
		} else if (eg_str_starts(t, "]")) {
			if (parse_close(t, v))
				return eg_diag_set(diag, EG_ERR_INVALID,
						   "dasd closing line has no decision");
			closed = true;
			break;
		}
	}
	if (!closed)
		return eg_diag_set(diag, EG_ERR_INVALID,
				   "dasd scoring message for '%s' is not closed",
				   v->activity);
	return EG_OK;
}

static int strength(int decision)
{
	/* how strongly a decision holds the activity back */
	switch (decision) {
	case EG_DASD_ABSOLUTELY_MUST_NOT_PROCEED: return 2;
	case EG_DASD_MUST_NOT_PROCEED: return 1;
	default: return 0;
	}
}

const struct eg_dasd_policy *eg_dasd_blocker(const struct eg_dasd_verdict *v)
{
	const struct eg_dasd_policy *best = NULL;
	int i;

	for (i = 0; i < v->npolicies; i++) {
		const struct eg_dasd_policy *p = &v->policies[i];

		if (strength(p->decision) == 0)
			continue;
		if (!best || strength(p->decision) > strength(best->decision))
			best = p;
	}
	return best;
}
