// SPDX-License-Identifier: GPL-2.0
/*
 * The tuning model: the period's figures per signature from the store,
 * judged against the policy (its rules, assets and approvals), into
 * suggestions (tune.h says which and why). Only the store and the policy
 * are read: no traffic, no kernel.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "tune_int.h"
#include "grade/grade.h"
#include "policy/policy.h"
#include "store/store.h"

const char *nfips_tune_kind_name(enum nfips_tune_kind k)
{
	static const char *const names[] = {
		[NFIPS_TUNE_NOISY] = "noisy",
		[NFIPS_TUNE_UNAFFECTED] = "unaffected",
		[NFIPS_TUNE_SILENT] = "silent",
		[NFIPS_TUNE_BLOCK] = "block",
	};

	return k < NFIPS_TUNE_NKINDS ? names[k] : "?";
}

const char *nfips_tune_action_name(enum nfips_tune_action a)
{
	return a == NFIPS_TUNE_APPROVE ? "approve" : a == NFIPS_TUNE_GRADE_LOW ? "grade low" :
		a == NFIPS_TUNE_SUPPRESS ? "suppress" : "disable";
}

struct sigs {
	struct nfips_tune_sig *v;
	size_t n, cap;
	bool oom;
};

static int sig_add(void *arg, const struct nfips_store_sig_stat *r)
{
	struct sigs *s = arg;
	struct nfips_tune_sig *g;

	/* nfipsd's own alerts (the store full, ...) are not rules */
	if (r->gid == NFIPS_GID_INTERNAL)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		void *v = realloc(s->v, cap * sizeof(*s->v));

		if (!v)
			goto oom;
		s->v = v;
		s->cap = cap;
	}
	g = &s->v[s->n];
	memset(g, 0, sizeof(*g));
	g->gid = r->gid;
	g->sid = r->sid;
	g->msg = strdup(r->msg ? r->msg : "");
	if (!g->msg)
		goto oom;
	g->n = r->n;
	g->srcs = r->srcs;
	g->dsts = r->dsts;
	g->hours = r->hours;
	g->high = r->high;
	g->blocked = r->blocked;
	g->min_grade = r->min_grade;
	g->max_grade = r->max_grade;
	s->n++;
	return 0;
oom:
	s->oom = true;
	return 1;
}

static struct nfips_tune_sig *sig_find(struct sigs *s, uint32_t gid, uint32_t sid)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].gid == gid && s->v[i].sid == sid)
			return &s->v[i];
	return NULL;
}

static int fp_add(void *arg, uint32_t gid, uint32_t sid, uint64_t incidents)
{
	struct nfips_tune_sig *g = sig_find(arg, gid, sid);

	if (g)
		g->fp = incidents;
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The loaded rules by (gid, sid), for lookups. */
static int rule_cmp(const void *a, const void *b)
{
	const struct nfips_rule *x = *(const struct nfips_rule *const *)a;
	const struct nfips_rule *y = *(const struct nfips_rule *const *)b;

	if (x->gid != y->gid)
		return x->gid < y->gid ? -1 : 1;
	return x->sid < y->sid ? -1 : x->sid > y->sid;
}

static const struct nfips_rule *rule_find(struct nfips_rule **idx, size_t n,
					  uint32_t gid, uint32_t sid)
{
	struct nfips_rule key = { .gid = gid, .sid = sid }, *k = &key, **r;

	r = bsearch(&k, idx, n, sizeof(*idx), rule_cmp);
	return r ? *r : NULL;
}

/* Single-quoted for sh when it needs quoting. */
void nfips_tune_shq(struct nfips_sbuf *b, const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-./:@=,+", *p))
			break;
	if (*s && !*p) {
		nfips_sbuf_puts(b, s);
		return;
	}
	nfips_sbuf_puts(b, "'");
	for (p = s; *p; p++) {
		if (*p == '\'')
			nfips_sbuf_puts(b, "'\\''");
		else
			nfips_sbuf_add(b, p, 1);
	}
	nfips_sbuf_puts(b, "'");
}

struct list {
	struct nfips_tune *t;
	size_t cap;
	bool oom;
};

static void sid_text(char *buf, size_t len, uint32_t gid, uint32_t sid)
{
	if (gid == 1)
		snprintf(buf, len, "%" PRIu32, sid);
	else
		snprintf(buf, len, "%" PRIu32 ":%" PRIu32, gid, sid);
}

static void suggest(struct list *l, enum nfips_tune_kind k, enum nfips_tune_action act,
		    uint32_t gid, uint32_t sid, const char *msg, const char *why,
		    const char *dst)
{
	struct nfips_tune *t = l->t;
	struct nfips_tune_suggestion *s;
	struct nfips_sbuf c = { 0 };
	char st[32];

	if (t->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		void *v = realloc(t->v, cap * sizeof(*t->v));

		if (!v) {
			l->oom = true;
			return;
		}
		t->v = v;
		l->cap = cap;
	}
	s = &t->v[t->n];
	memset(s, 0, sizeof(*s));
	s->kind = k;
	s->action = act;
	s->gid = gid;
	s->sid = sid;
	sid_text(st, sizeof(st), gid, sid);
	snprintf(s->id, sizeof(s->id), "%s-%s", nfips_tune_kind_name(k), st);
	s->by_default = k != NFIPS_TUNE_SILENT;
	nfips_sbuf_printf(&c, "nfipsctl %s %s%s%s", act == NFIPS_TUNE_APPROVE ? "approve" :
			  act == NFIPS_TUNE_GRADE_LOW ? "grade" : act == NFIPS_TUNE_SUPPRESS ?
			  "suppress" : "disable", st, act == NFIPS_TUNE_GRADE_LOW ? " low" :
			  act == NFIPS_TUNE_SUPPRESS ? " --dst " : "", dst ? dst : "");
	if (t->o.policy_path) {
		nfips_sbuf_puts(&c, " --policy ");
		nfips_tune_shq(&c, t->o.policy_path);
	}
	/* an approval names the customer's approver, which only they know */
	if (act == NFIPS_TUNE_APPROVE) {
		nfips_sbuf_puts(&c, " --by ");
		nfips_tune_shq(&c, t->o.approved_by ? t->o.approved_by : "APPROVER");
	} else if (t->o.by) {
		nfips_sbuf_puts(&c, " --by ");
		nfips_tune_shq(&c, t->o.by);
	}
	nfips_sbuf_printf(&c, " -m 'tune %s'", s->id);
	s->command = c.s;
	s->msg = strdup(msg ? msg : "");
	s->why = strdup(why);
	s->dst = dst ? strdup(dst) : NULL;
	if (c.oom || !s->command || !s->msg || !s->why || (dst && !s->dst)) {
		free(s->command);
		free(s->msg);
		free(s->why);
		free(s->dst);
		l->oom = true;
		return;
	}
	t->n++;
	t->nkind[k]++;
}

/* A drop or reject rule without a valid approval: its action, else -1. */
static int unapproved(const struct nfips_policy *p, uint32_t gid, uint32_t sid)
{
	size_t i;

	for (i = 0; i < p->nchanges; i++)
		if (p->changes[i].kind == NFIPS_CHG_UNAPPROVED &&
		    p->changes[i].gid == gid && p->changes[i].sid == sid)
			return (int)p->changes[i].from;
	return -1;
}

/* Whether every target of @g is a host whose assets rule the rule out. */
struct targets {
	const struct nfips_policy *p;
	const struct nfips_rule *r;
	size_t n, affected;		/* targets not affected, affected */
	struct nfips_sbuf dst;		/* the first NFIPS_TUNE_SUPP_MAX not affected */
	char why[256];			/* the first's reason */
};

static int target_judge(void *arg, const uint8_t dst[16], uint64_t n)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	struct targets *t = arg;
	const char *host = NULL;
	char why[160], addr[64];
	bool v4 = !memcmp(dst, mapped, 12);

	static const uint8_t any[16];

	(void)n;
	/* suppressed since (tune --apply): its old alerts are no news */
	if (nfips_policy_suppressed(t->p, t->r->gid, t->r->sid, v4 ? AF_INET : AF_INET6, any,
				    v4 ? dst + 12 : dst))
		return 0;
	if (!nfips_grade_unaffected(t->p, t->r, v4 ? 4 : 6, v4 ? dst + 12 : dst,
				    &host, why, sizeof(why))) {
		t->affected++;
		return 0;
	}
	nfips_store_addr_str(addr, sizeof(addr), dst);
	if (!t->n)
		snprintf(t->why, sizeof(t->why), "%s (%s) %s", addr, host ? host : "-", why);
	if (t->n++ < NFIPS_TUNE_SUPP_MAX)
		nfips_sbuf_printf(&t->dst, "%s%s", t->n > 1 ? "," : "", addr);
	return 0;
}

static int judge(struct nfips_store *s, const struct nfips_policy *p, struct list *l,
		 struct nfips_tune_sig *g, const struct nfips_rule *r, char *err,
		 size_t errlen)
{
	const struct nfips_tune *t = l->t;
	struct targets tg = { .p = p, .r = r };
	int action = unapproved(p, g->gid, g->sid);
	const struct nfips_override *ov;
	bool lowered;
	char why[512];

	if (action >= 0 && g->n && g->high == g->n && !g->fp) {
		snprintf(why, sizeof(why), TW(TW_WHY_BLOCK),
			 nfips_action_name((enum nfips_action)action), (unsigned long long)g->n);
		suggest(l, NFIPS_TUNE_BLOCK, NFIPS_TUNE_APPROVE, g->gid, g->sid, r->msg, why,
			NULL);
		return 0;
	}
	if (nfips_store_sig_targets(s, t->o.since, t->o.until, g->gid, g->sid,
				    target_judge, &tg, err, errlen)) {
		nfips_sbuf_free(&tg.dst);
		return -1;
	}
	if (!tg.affected && tg.n) {
		if (tg.n == 1)
			snprintf(why, sizeof(why), TW(TW_WHY_ONLY_TARGET), tg.why);
		else
			snprintf(why, sizeof(why), TW(TW_WHY_ALL_TARGETS), tg.n, tg.why);
		suggest(l, NFIPS_TUNE_UNAFFECTED, NFIPS_TUNE_DISABLE, g->gid, g->sid, r->msg, why,
			NULL);
		nfips_sbuf_free(&tg.dst);
		return 0;
	}
	/* graded low since (tune --apply): its old medium alerts are no news */
	ov = nfips_policy_override(p, g->gid, g->sid);
	lowered = ov && (ov->grade == NFIPS_GRADE_LOW || ov->grade == NFIPS_GRADE_IGNORE) &&
		  g->max_grade == NFIPS_SGRADE_MEDIUM;
	if (!lowered && g->n >= (t->o.min_count ? t->o.min_count : NFIPS_TUNE_MIN_COUNT) &&
	    g->n * 100 >= (uint64_t)(t->o.min_share ? t->o.min_share : NFIPS_TUNE_MIN_SHARE) *
	    t->total && (g->max_grade < NFIPS_SGRADE_HIGH)) {
		snprintf(why, sizeof(why), TW(TW_WHY_NOISY), (unsigned long long)g->n,
			 g->share_pm / 10, g->share_pm % 10, (unsigned long long)g->srcs,
			 (unsigned long long)g->dsts, (unsigned long long)g->hours,
			 g->max_grade < 0 ? TW(TW_NOT_GRADED) :
			 nfips_report_grade(t->o.lang, g->max_grade), g->fp ? TW(TW_WHY_FP) : "");
		/* noise at medium still counts as an attack: lower it, keep it */
		suggest(l, NFIPS_TUNE_NOISY, g->max_grade == NFIPS_SGRADE_MEDIUM ?
			NFIPS_TUNE_GRADE_LOW : NFIPS_TUNE_DISABLE, g->gid, g->sid, r->msg, why,
			NULL);
	} else if (tg.n && !tg.dst.oom) {
		/* it can work on the others: only the hosts it cannot hurt go quiet */
		snprintf(why, sizeof(why), TW(TW_WHY_SOME_TARGETS), tg.n, tg.n + tg.affected,
			 tg.n > NFIPS_TUNE_SUPP_MAX ? TW(TW_FIRST_64) : "", tg.why);
		suggest(l, NFIPS_TUNE_UNAFFECTED, NFIPS_TUNE_SUPPRESS, g->gid, g->sid, r->msg, why,
			tg.dst.s);
	}
	nfips_sbuf_free(&tg.dst);
	return 0;
}

static int64_t now_usec(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static int sugg_cmp(const void *a, const void *b)
{
	const struct nfips_tune_suggestion *x = a, *y = b;
	size_t i, j;

	for (i = 0; nfips_tune_order[i] != x->kind; i++)
		;
	for (j = 0; nfips_tune_order[j] != y->kind; j++)
		;
	if (i != j)
		return i < j ? -1 : 1;
	if (x->gid != y->gid)
		return x->gid < y->gid ? -1 : 1;
	return x->sid < y->sid ? -1 : x->sid > y->sid;
}

int nfips_tune_build(struct nfips_store *s, const struct nfips_policy *p,
		     const struct nfips_tune_opts *o, struct nfips_tune *t,
		     char *err, size_t errlen)
{
	struct sigs sg = { 0 };
	struct list l = { .t = t };
	struct nfips_rule **idx = NULL;
	uint64_t *fired = NULL, key;
	size_t i, top;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	t->o = *o;
	/* whole seconds: the apply command repeats the period exactly */
	if (!t->o.until)
		t->o.until = now_usec() / 1000000 * 1000000;
	if (!t->o.generated)
		t->o.generated = now_usec();
	t->serial = p->serial;
	t->mode = p->mode;
	t->nrules = p->nrules;
	if ((p->customer_id && !(t->customer = strdup(p->customer_name ?
			p->customer_name : p->customer_id))) ||
	    (p->sensor_id && !(t->sensor = strdup(p->sensor_name ?
			p->sensor_name : p->sensor_id))))
		goto oom;
	if (nfips_store_sig_stats(s, t->o.since, t->o.until, sig_add, &sg, err, errlen))
		goto out;
	if (sg.oom)
		goto oom;
	if (nfips_store_false_positives(s, fp_add, &sg, err, errlen))
		goto out;
	for (i = 0; i < sg.n; i++)
		t->total += sg.v[i].n;
	for (i = 0; i < sg.n; i++)
		sg.v[i].share_pm = t->total ? (unsigned)(sg.v[i].n * 1000 / t->total) : 0;
	idx = malloc((p->nrules + 1) * sizeof(*idx));
	if (!idx)
		goto oom;
	memcpy(idx, p->rules, p->nrules * sizeof(*idx));
	qsort(idx, p->nrules, sizeof(*idx), rule_cmp);
	for (i = 0; i < sg.n; i++) {
		const struct nfips_rule *r = rule_find(idx, p->nrules, sg.v[i].gid,
						       sg.v[i].sid);

		/* disabled or gone since: nothing to suggest */
		if (r && judge(s, p, &l, &sg.v[i], r, err, errlen))
			goto out;
	}
	/* the signatures that fired, sorted: a policy may load 50,000 rules */
	fired = malloc((sg.n + 1) * sizeof(*fired));
	if (!fired)
		goto oom;
	for (i = 0; i < sg.n; i++)
		fired[i] = (uint64_t)sg.v[i].gid << 32 | sg.v[i].sid;
	qsort(fired, sg.n, sizeof(*fired), key_cmp);
	for (i = 0; i < p->nrules; i++) {
		const struct nfips_rule *r = p->rules[i];

		key = (uint64_t)r->gid << 32 | r->sid;
		if (r->action == NFIPS_ACTION_PASS || (r->flags & NFIPS_R_NOALERT) ||
		    bsearch(&key, fired, sg.n, sizeof(*fired), key_cmp))
			continue;
		suggest(&l, NFIPS_TUNE_SILENT, NFIPS_TUNE_DISABLE, r->gid, r->sid, r->msg,
			TW(TW_WHY_SILENT), NULL);
	}
	if (l.oom)
		goto oom;
	qsort(t->v, t->n, sizeof(*t->v), sugg_cmp);
	top = o->top ? o->top : NFIPS_TUNE_TOP;
	t->nsigs = sg.n;
	t->ntop = sg.n < top ? sg.n : top;
	for (i = t->ntop; i < sg.n; i++)
		free(sg.v[i].msg);
	t->top = sg.v;
	sg.v = NULL;
	sg.n = 0;
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	for (i = 0; i < sg.n; i++)
		free(sg.v[i].msg);
	free(sg.v);
	free(idx);
	free(fired);
	if (rc)
		nfips_tune_free(t);
	return rc;
}

void nfips_tune_free(struct nfips_tune *t)
{
	size_t i;

	for (i = 0; i < t->ntop; i++)
		free(t->top[i].msg);
	free(t->top);
	for (i = 0; i < t->n; i++) {
		free(t->v[i].msg);
		free(t->v[i].why);
		free(t->v[i].command);
		free(t->v[i].dst);
	}
	free(t->v);
	free(t->customer);
	free(t->sensor);
	memset(t, 0, sizeof(*t));
}

const struct nfips_tune_suggestion *nfips_tune_find(const struct nfips_tune *t,
						    const char *id)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].id, id))
			return &t->v[i];
	return NULL;
}
