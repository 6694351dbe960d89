/*
 * dasd.h: dasd's scoring of an activity, such as the UCRT fetch
 * `0:com.apple.mobileactivationd.UCRT.OOB:D65047` (field-guide.md 6).
 *
 * One scoring message spans several lines: a header ending in ":[", one
 * line per policy, and a closing line with the final decision. Both forms
 * are accepted: the verbose one macOS printed up to 2026
 * ("Decision: Absolutely Must Not Proceed, Score: 0.00") and the numeric
 * one of newer dasd builds ("response: {100, 0.00, [...]}",
 * "Decision: AMNP}"; INFERRED, 6.4).
 */
#ifndef EG_DASD_H
#define EG_DASD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* _DASPolicyResponse decision codes (6.3). */
enum eg_dasd_decision {
	EG_DASD_UNKNOWN = -1,
	EG_DASD_CAN_PROCEED = 0,
	EG_DASD_MUST_NOT_PROCEED = 33,
	EG_DASD_MUST_PROCEED = 67,
	EG_DASD_ABSOLUTELY_MUST_NOT_PROCEED = 100,
	EG_DASD_ABSOLUTELY_MUST_PROCEED = 200,
};

#define EG_DASD_MAX_POLICIES 16

struct eg_dasd_policy {
	char name[48];            /* "ThermalPolicy" */
	int64_t weight_milli;     /* policyWeight x 1000; -1 when absent */
	int decision;             /* enum eg_dasd_decision, or -1 for N/A */
	int64_t score_milli;      /* Score x 1000 */
	char rationale[160];      /* "thermalLevel >= 2", "" when empty */
};

struct eg_dasd_verdict {
	char activity[160];       /* "0:com.apple.mobileactivationd.UCRT.OOB:D65047" */
	int final_decision;       /* enum eg_dasd_decision */
	bool has_final_score;
	int64_t final_score_micro;   /* FinalScore x 1e6 */
	int64_t sum_scores_micro;    /* sumScores x 1e6, 0 when absent */
	int64_t denominator_micro;
	int npolicies;
	struct eg_dasd_policy policies[EG_DASD_MAX_POLICIES];
};

/*
 * Parse a whole scoring message, from the activity to the closing brace.
 * Returns EG_OK, or EG_ERR_INVALID (diag says which part) when the header
 * or the final decision is missing. Policy lines that cannot be read are
 * skipped; more than EG_DASD_MAX_POLICIES are ignored.
 */
enum eg_err eg_dasd_parse(const char *text, size_t len,
			  struct eg_dasd_verdict *v,  /* OUT */
			  struct eg_diag *diag);

/* True for decisions that let the activity run (0, 67, 200). */
bool eg_dasd_proceeds(int decision);

/* "Absolutely Must Not Proceed"; "Unknown Decision (Proceed)" otherwise. */
const char *eg_dasd_decision_name(int decision);

/*
 * The policy that blocked the activity: the one with the strongest
 * non-proceeding decision, or NULL when none did.
 */
const struct eg_dasd_policy *eg_dasd_blocker(const struct eg_dasd_verdict *v);

#endif
