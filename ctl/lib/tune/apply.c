// SPDX-License-Identifier: GPL-2.0
/*
 * Chosen suggestions into the policy's text, through the edit code of
 * nfipsctl disable, grade, suppress and approve (policy_edit.c): the same in-place
 * rewrite that keeps every comment, one history line per edit naming
 * who, the suggestion and why, and after each edit the text loaded as
 * policy check loads it and checked to say what the edit asked. All or
 * nothing: the caller writes the final text only when every edit went.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tune.h"
#include "policy/policy.h"

int nfips_tune_apply(const struct nfips_policy *p, const char *path,
		     const char *text, size_t len,
		     const struct nfips_tune_suggestion *const *sel, size_t n,
		     const char *by, const char *approved_by, const char *reason,
		     int64_t now,
		     char **out, size_t *outlen, struct nfips_policy **outp,
		     struct nfips_diags *d)
{
	const struct nfips_policy *cur = p;
	struct nfips_policy *neu = NULL, *prev = NULL;
	char *cur_text = NULL, *edited = NULL, comment[512];
	size_t cur_len = len, elen, i;
	int rc = -1, changed = 0;

	*out = NULL;
	*outp = NULL;
	for (i = 0; i < n; i++) {
		const struct nfips_tune_suggestion *s = sel[i];
		struct nfips_edit e = {
			.op = s->action == NFIPS_TUNE_APPROVE ? NFIPS_EDIT_APPROVE :
				s->action == NFIPS_TUNE_GRADE_LOW ? NFIPS_EDIT_GRADE :
				s->action == NFIPS_TUNE_SUPPRESS ? NFIPS_EDIT_SUPPRESS :
				NFIPS_EDIT_DISABLE,
			.grade = NFIPS_GRADE_LOW, .dst = s->dst,
			.gid = s->gid, .sid = s->sid, .comment = comment,
			.now = (time_t)(now / 1000000),
		};
		int r;

		if (s->action == NFIPS_TUNE_APPROVE) {
			/* the approval names the customer's approver, as approve */
			if (!approved_by) {
				nfips_diag_add(d, NFIPS_DIAG_ERROR, path, 0, "%s: a Block "
					       "approval needs --approved-by NAME (the "
					       "customer's approver)", s->id);
				goto out;
			}
			e.by = approved_by;
			snprintf(comment, sizeof(comment), "tune %s applied by %s: %s",
				 s->id, by, reason);
		} else {
			e.by = by;
			snprintf(comment, sizeof(comment), "tune %s: %s", s->id, reason);
		}
		r = nfips_policy_edit(cur, cur_text ? cur_text : text, cur_len, &e,
				      &edited, &elen, d);
		if (r < 0) {
			nfips_diag_add(d, NFIPS_DIAG_ERROR, path, 0, "%s: %s refused",
				       s->id, nfips_tune_action_name(s->action));
			goto out;
		}
		if (r == 0)
			continue;	/* already so (disabled by hand meanwhile) */
		if (nfips_policy_load_buf(path, NULL, edited, elen, NULL, &neu, d)) {
			nfips_diag_add(d, NFIPS_DIAG_ERROR, path, 0,
				       "%s: the edited policy is invalid", s->id);
			goto out;
		}
		if (!nfips_policy_edit_done(cur, neu, &e)) {
			nfips_diag_add(d, NFIPS_DIAG_ERROR, path, 0,
				       "%s: internal error: the edit did not take effect",
				       s->id);
			goto out;
		}
		nfips_policy_free(prev);
		prev = neu;
		cur = neu;
		neu = NULL;
		free(cur_text);
		cur_text = edited;
		cur_len = elen;
		edited = NULL;
		changed = 1;
	}
	if (!changed) {
		rc = 0;
		goto out;
	}
	*out = cur_text;
	*outlen = cur_len;
	*outp = prev;
	cur_text = NULL;
	prev = NULL;
	rc = 1;
out:
	nfips_policy_free(neu);
	nfips_policy_free(prev);
	free(cur_text);
	free(edited);
	return rc;
}
