/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Learn-mode tuning (Documentation/tune.rst): what a customer's policy
 * should change, from the alert store and the policy alone. One concern
 * per file:
 *
 *   model.c   the period's figures and the suggestions
 *   text.c    plain text and JSON
 *   html.c    one self-contained HTML page in the reports' style
 *   apply.c   chosen suggestions applied to the policy's text through
 *             the edit code of nfipsctl disable and approve
 *
 * Suggestions, each with an id that stays the same from one run to the
 * next (kind and sid: "noisy-2001", "block-3:2004"):
 *
 *   noisy       at least min_share of the period's alerts and min_count
 *               alerts, never graded high: disable when never graded
 *               above low, else grade low (kept and reported, no
 *               longer counted as an attack)
 *   unaffected  every target it fired at is a host whose assets say it
 *               does not run what the rule attacks: disable; only some
 *               of them (and not noisy): suppress to those
 *   silent      loaded, no alert in the period: disable (applied only
 *               when named: a rule that has not fired may still be
 *               needed tomorrow)
 *   block       a drop or reject rule waiting for its Block approval,
 *               every alert graded high or emergency, no incident of it
 *               ever closed as a false positive (the customer's mark of
 *               legitimate traffic): approve
 */
#ifndef NFIPS_TUNE_H
#define NFIPS_TUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

struct nfips_store;
struct nfips_policy;
struct nfips_diags;

/* What a suggestion does: the nfipsctl edit applying it. */
enum nfips_tune_action {
	NFIPS_TUNE_DISABLE, NFIPS_TUNE_GRADE_LOW, NFIPS_TUNE_APPROVE, NFIPS_TUNE_SUPPRESS,
};

/* Unaffected targets one suppress suggestion names at most. */
#define NFIPS_TUNE_SUPP_MAX	64

enum nfips_tune_kind {
	NFIPS_TUNE_NOISY,
	NFIPS_TUNE_UNAFFECTED,
	NFIPS_TUNE_SILENT,
	NFIPS_TUNE_BLOCK,
	NFIPS_TUNE_NKINDS,
};

#define NFIPS_TUNE_MIN_SHARE	10	/* percent of the period's alerts */
#define NFIPS_TUNE_MIN_COUNT	100
#define NFIPS_TUNE_TOP		20	/* noisiest signatures listed */
#define NFIPS_TUNE_ID		48

struct nfips_tune_opts {
	int64_t since, until;		/* usec, [since, until); until 0: now */
	unsigned min_share;		/* 0: NFIPS_TUNE_MIN_SHARE */
	uint64_t min_count;		/* 0: NFIPS_TUNE_MIN_COUNT */
	size_t top;			/* 0: NFIPS_TUNE_TOP */
	/* Shown in the commands (NULL: left out of them). */
	const char *policy_path, *store_path;
	const char *by;			/* who applies (the commands' --by) */
	const char *approved_by;	/* approve's --by; NULL: "APPROVER" */
	int64_t generated;		/* usec, shown; 0: now */
	/* enum nfips_report_lang: the words of text and html, and the whys */
	int lang;
};

/* One signature's figures in the period. */
struct nfips_tune_sig {
	uint32_t gid, sid;
	char *msg;
	uint64_t n, srcs, dsts, hours, high, blocked;
	unsigned share_pm;		/* per mille of the period's alerts */
	int min_grade, max_grade;	/* store grades, -1: not graded */
	uint64_t fp;			/* incidents closed as false positives */
};

struct nfips_tune_suggestion {
	enum nfips_tune_kind kind;
	enum nfips_tune_action action;
	char id[NFIPS_TUNE_ID];
	uint32_t gid, sid;
	char *msg;			/* the rule's */
	char *why;			/* one line: the figures behind it */
	char *command;			/* the one nfipsctl command applying it */
	char *dst;			/* SUPPRESS: "ADDR,ADDR..."; else NULL */
	bool by_default;		/* applied by --apply without --only */
};

struct nfips_tune {
	struct nfips_tune_opts o;
	int64_t serial;			/* the policy's */
	char *customer, *sensor;	/* NULL: not named */
	int mode;			/* enum nfips_policy_mode */
	uint64_t total;			/* alerts in the period */
	size_t nrules;			/* loaded */
	struct nfips_tune_sig *top;	/* the noisiest, most first */
	size_t ntop, nsigs;		/* listed, with alerts */
	struct nfips_tune_suggestion *v;	/* by kind, then sid */
	size_t n;
	size_t nkind[NFIPS_TUNE_NKINDS];
};

const char *nfips_tune_kind_name(enum nfips_tune_kind k);
/* "disable", "grade low", "approve", "suppress" */
const char *nfips_tune_action_name(enum nfips_tune_action a);

/*
 * The figures and suggestions of @o from @s and the loaded policy @p
 * (with its rules). 0, or -1 with @err. Free with nfips_tune_free().
 */
int nfips_tune_build(struct nfips_store *s, const struct nfips_policy *p,
		     const struct nfips_tune_opts *o, struct nfips_tune *t,
		     char *err, size_t errlen);
void nfips_tune_free(struct nfips_tune *t);
/* The suggestion named @id, or NULL. */
const struct nfips_tune_suggestion *nfips_tune_find(const struct nfips_tune *t,
						    const char *id);

/* Renderers: append to @b. */
void nfips_tune_text(const struct nfips_tune *t, struct nfips_sbuf *b);
void nfips_tune_json(const struct nfips_tune *t, struct nfips_sbuf *b);
void nfips_tune_html(const struct nfips_tune *t, struct nfips_sbuf *b);

/*
 * Applies the suggestions @sel (@n of them, from @t built on @p) to @text
 * (@len bytes, the text @p was loaded from), one edit each as nfipsctl
 * disable, grade and approve make it: a history line each naming @by, the
 * suggestion's id and @reason; the serial bumped by each. A Block
 * approval names @approved_by (the customer's approver; required when
 * a block suggestion is chosen) as nfipsctl approve --by does. Each edited
 * text is loaded as policy check does and must say what its edit asked.
 * 1 with *out (malloc'd) and *outp (the new policy loaded, with rules),
 * 0 when nothing changes, -1 with @d saying why (nothing changed then).
 * @path labels diagnostics and resolves the rule files.
 */
int nfips_tune_apply(const struct nfips_policy *p, const char *path,
		     const char *text, size_t len,
		     const struct nfips_tune_suggestion *const *sel, size_t n,
		     const char *by, const char *approved_by, const char *reason,
		     int64_t now,
		     char **out, size_t *outlen, struct nfips_policy **outp,
		     struct nfips_diags *d);

#endif /* NFIPS_TUNE_H */
