// SPDX-License-Identifier: GPL-2.0
/*
 * The grading decision of grade.h, step by step, each step adding its
 * inputs to the reason: "classtype attempted-admin: high; target
 * 10.0.0.5 (web1, critical): +1, capped at high".
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "grade_int.h"

struct nfips_grader {
	const struct nfips_policy *p;	/* NULL: defaults only */
	struct nfips_grade_memory *mem;	/* NULL: no escalation */
	uint64_t window;		/* usec */
	bool keep_priority;
	/* the overrides that set a grade, by (gid, sid) */
	const struct nfips_override **ov;
	size_t nov;
};

static int ov_cmp(const void *a, const void *b)
{
	const struct nfips_override *x = *(const struct nfips_override *const *)a;
	const struct nfips_override *y = *(const struct nfips_override *const *)b;

	if (x->gid != y->gid)
		return x->gid < y->gid ? -1 : 1;
	return x->sid < y->sid ? -1 : x->sid > y->sid;
}

/*
 * Its own index of the policy's grade overrides: the pipeline grades
 * without linking the policy loader (replay --rules, unit tests).
 */
static int index_overrides(struct nfips_grader *g, const struct nfips_policy *p)
{
	size_t i;

	if (!p || !p->noverrides)
		return 0;
	g->ov = calloc(p->noverrides, sizeof(*g->ov));
	if (!g->ov)
		return -1;
	for (i = 0; i < p->noverrides; i++)
		if (p->overrides[i].grade != NFIPS_GRADE_UNSET)
			g->ov[g->nov++] = &p->overrides[i];
	qsort(g->ov, g->nov, sizeof(*g->ov), ov_cmp);
	return 0;
}

static const struct nfips_override *override(const struct nfips_grader *g,
					     uint32_t gid, uint32_t sid)
{
	const struct nfips_override key = { .gid = gid, .sid = sid }, *k = &key;
	const struct nfips_override **o;

	if (!g->nov)
		return NULL;
	o = bsearch(&k, g->ov, g->nov, sizeof(*g->ov), ov_cmp);
	return o ? *o : NULL;
}

struct nfips_grader *nfips_grader_new(const struct nfips_policy *policy,
				      struct nfips_grade_memory *mem)
{
	struct nfips_grader *g = calloc(1, sizeof(*g));

	if (!g || index_overrides(g, policy)) {
		free(g);
		return NULL;
	}
	g->p = policy;
	g->mem = mem;
	g->window = (uint64_t)(policy && policy->grading.window ?
			       policy->grading.window : NFIPS_GRADE_WINDOW_DEFAULT) *
		    1000000;
	g->keep_priority = policy && policy->grading.keep_priority;
	return g;
}

void nfips_grader_free(struct nfips_grader *g)
{
	if (g)
		free(g->ov);
	free(g);
}

uint64_t nfips_grader_window(const struct nfips_grader *g)
{
	return g->window;
}

const char *grade_meta(const struct nfips_rule *r, const char *key)
{
	uint32_t i;

	for (i = 0; i < r->nmetadata; i++)
		if (!strcmp(r->metadata[i].key, key))
			return r->metadata[i].value;
	return NULL;
}

/* ---- the reason ------------------------------------------------------ */

struct why {
	char *s;
	size_t n;
};

__attribute__((format(printf, 2, 3)))
static void say(struct why *w, const char *fmt, ...)
{
	const size_t max = NFIPS_GRADE_REASON_MAX;
	va_list ap;
	int k;

	if (w->n >= max - 1)
		return;
	if (w->n)
		w->n += (size_t)snprintf(w->s + w->n, max - w->n, "; ");
	if (w->n >= max - 1)
		return;
	va_start(ap, fmt);
	k = vsnprintf(w->s + w->n, max - w->n, fmt, ap);
	va_end(ap);
	w->n += k > 0 ? (size_t)k : 0;
	if (w->n >= max - 1) {
		memcpy(w->s + max - 4, "...", 4);
		w->n = max - 1;
	}
}

static const char *addr(char *buf, size_t len, uint8_t family, const uint8_t *a)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

/* ---- the steps ------------------------------------------------------- */

static enum nfips_grade up(enum nfips_grade g)
{
	return g > NFIPS_GRADE_HIGH && g <= NFIPS_GRADE_LOW ? g - 1 : g;
}

static enum nfips_grade down(enum nfips_grade g)
{
	return g >= NFIPS_GRADE_HIGH && g < NFIPS_GRADE_LOW ? g + 1 : g;
}

/* A classtype none of the tables has: its priority decides. */
static enum nfips_grade by_priority(uint32_t prio)
{
	return prio <= 1 ? NFIPS_GRADE_HIGH : prio == 2 ? NFIPS_GRADE_MEDIUM :
	       prio == 3 ? NFIPS_GRADE_LOW : NFIPS_GRADE_IGNORE;
}

static const struct nfips_grading_entry *policy_entry(const struct nfips_grader *g,
						       const char *ct)
{
	size_t i;

	for (i = 0; ct && g->p && i < g->p->grading.ntable; i++)
		if (!strcmp(g->p->grading.table[i].classtype, ct))
			return &g->p->grading.table[i];
	return NULL;
}

static enum nfips_grade by_table(const struct nfips_grader *g,
				 const struct nfips_rule *r, bool *evidence,
				 struct why *w)
{
	const struct nfips_grading_entry *pe = policy_entry(g, r->classtype);
	const struct nfips_grade_class *de = nfips_grade_default(r->classtype);
	enum nfips_grade grade;

	/* ET's and Snort's attack-response categories, whatever the class. */
	*evidence = (de && de->evidence) ||
		    (r->msg && (strstr(r->msg, "ATTACK_RESPONSE") ||
				strstr(r->msg, "ATTACK-RESPONSES")));
	if (pe) {
		say(w, "classtype %s: %s (policy line %u)", r->classtype,
		    nfips_grade_name(pe->grade), pe->line);
		return pe->grade;
	}
	if (de) {
		say(w, "classtype %s: %s", r->classtype, nfips_grade_name(de->grade));
		return de->grade;
	}
	grade = by_priority(r->priority);
	if (r->classtype)
		say(w, "classtype %s not graded, priority %u: %s", r->classtype,
		    r->priority, nfips_grade_name(grade));
	else
		say(w, "no classtype, priority %u: %s", r->priority,
		    nfips_grade_name(grade));
	return grade;
}

static enum nfips_grade by_severity(const struct nfips_rule *r,
				    enum nfips_grade grade, struct why *w)
{
	const char *sev = grade_meta(r, "signature_severity");
	enum nfips_grade was = grade;

	if (!sev || grade == NFIPS_GRADE_IGNORE)
		return grade;
	if (!strcasecmp(sev, "Critical"))
		grade = up(grade);
	else if (!strcasecmp(sev, "Minor"))
		grade = down(grade);
	else if (!strcasecmp(sev, "Informational"))
		grade = NFIPS_GRADE_LOW;
	else
		return grade;	/* Major, or a value ET does not use: as is */
	if (grade == was)
		say(w, "signature_severity %s: stays %s", sev, nfips_grade_name(grade));
	else
		say(w, "signature_severity %s: %s", sev, nfips_grade_name(grade));
	return grade;
}

static bool has_target_meta(const struct nfips_rule *r)
{
	return grade_meta(r, "affected_product") || grade_meta(r, "attack_target");
}

static enum nfips_grade by_assets(const struct nfips_grader *g,
				  const struct nfips_grade_in *in,
				  enum nfips_grade grade, struct why *w)
{
	const struct nfips_rule *r = in->rule;
	struct grade_assets as;
	enum nfips_criticality crit = NFIPS_CRIT_NORMAL;
	const struct nfips_asset *named;
	char a[INET6_ADDRSTRLEN], what[160];

	grade_assets_find(g->p, in->family, in->dst, &as);
	addr(a, sizeof(a), in->family, in->dst);
	if (as.host && grade_not_run(r, as.host, what, sizeof(what))) {
		say(w, "target %s (%s) %s: low", a, as.host->name, what);
		return NFIPS_GRADE_LOW;
	}
	if (has_target_meta(r) && (!as.host || (!as.host->os && !as.host->nservices)))
		say(w, "target %s not described: vulnerable", a);
	if (as.host)
		crit = as.host->criticality;
	if (as.net && as.net->criticality > crit)
		crit = as.net->criticality;
	if (crit != NFIPS_CRIT_CRITICAL)
		return grade;
	named = as.host && as.host->criticality == NFIPS_CRIT_CRITICAL ? as.host : as.net;
	if (grade == NFIPS_GRADE_HIGH) {
		say(w, "target %s (%s, critical): +1, capped at high", a, named->name);
		return grade;
	}
	if (grade == NFIPS_GRADE_EMERGENCY)	/* the policy's table said so */
		return grade;
	grade = up(grade);
	say(w, "target %s (%s, critical): +1 -> %s", a, named->name,
	    nfips_grade_name(grade));
	return grade;
}

/* At least medium: an attack worth remembering, evidence worth escalating. */
static bool serious(enum nfips_grade g)
{
	return g >= NFIPS_GRADE_EMERGENCY && g <= NFIPS_GRADE_MEDIUM;
}

void nfips_grade(const struct nfips_grader *g, const struct nfips_grade_in *in,
		 struct nfips_grade_out *out)
{
	const struct nfips_rule *r = in->rule;
	const struct nfips_override *o;
	struct why w = { out->reason, 0 };
	enum nfips_grade grade;
	bool evidence;

	out->reason[0] = '\0';
	grade = by_table(g, r, &evidence, &w);
	grade = by_severity(r, grade, &w);
	/* The target of a compromised host's alert is not its destination. */
	if (!evidence && grade != NFIPS_GRADE_IGNORE && g->p)
		grade = by_assets(g, in, grade, &w);
	if (evidence && g->mem && serious(grade)) {
		uint64_t when;
		uint32_t gid, sid;
		char a[INET6_ADDRSTRLEN];

		if (grade_recent_find(g->mem, in->family, in->src, in->ts_usec,
				      g->window, &when, &gid, &sid)) {
			grade = NFIPS_GRADE_EMERGENCY;
			say(&w, "source %s was attacked %" PRIu64 " s before (%s%u): "
			    "emergency", addr(a, sizeof(a), in->family, in->src),
			    (in->ts_usec - when) / 1000000, gid == 1 ? "sid " : "",
			    sid);
		}
	}
	o = override(g, r->gid, r->sid);
	if (o) {
		grade = o->grade;
		say(&w, "override line %u: %s", o->line, nfips_grade_name(grade));
	}
	if (!evidence && g->mem && serious(grade))
		grade_recent_add(g->mem, in->family, in->dst, in->ts_usec,
				 g->window, r->gid, r->sid);
	out->grade = grade;
	out->severity = g->keep_priority ? r->priority : nfips_grade_severity(grade);
}
