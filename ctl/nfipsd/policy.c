// SPDX-License-Identifier: GPL-2.0
/*
 * The policy as the daemon runs it: rules parsed once, one engine per
 * queue built from them (engines are single-threaded and borrow their
 * rules), the classification table, a sid index for kernel events, and
 * the memory the set costs against the budget.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfipsd.h"

struct load {
	struct nfipsd_policy *p;
	size_t cap;
	nfipsd_report_fn report;
	void *arg;
	bool oom;
};

static void say(struct load *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct load *l, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	l->report(l->arg, msg);
}

static int on_rule(void *arg, struct nfips_rule *rule, const struct nfips_err *err)
{
	struct load *l = arg;
	struct nfips_rule **v;
	char buf[512];

	if (!rule) {
		say(l, "%s", nfips_err_str(err, buf, sizeof(buf)));
		l->p->rule_errors++;
		return 0;
	}
	if (l->p->nrules == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		v = realloc(l->p->rules, l->cap * sizeof(*v));
		if (!v) {
			nfips_rule_free(rule);
			l->oom = true;
			return -ENOMEM;
		}
		l->p->rules = v;
	}
	l->p->rules[l->p->nrules++] = rule;
	return 0;
}

static int sig_cmp(const void *a, const void *b)
{
	const struct nfipsd_sigref *x = a, *y = b;

	if (x->gid != y->gid)
		return x->gid < y->gid ? -1 : 1;
	if (x->sid != y->sid)
		return x->sid < y->sid ? -1 : 1;
	/* highest rev first: it is the one loaded */
	return x->rule->rev > y->rule->rev ? -1 : x->rule->rev < y->rule->rev;
}

static int index_sigs(struct nfipsd_policy *p)
{
	size_t i;

	p->sigs = calloc(p->nrules ? p->nrules : 1, sizeof(*p->sigs));
	if (!p->sigs)
		return -1;
	for (i = 0; i < p->nrules; i++) {
		if (p->rules[i]->skip)
			continue;
		p->sigs[p->nsigs++] = (struct nfipsd_sigref){
			.gid = p->rules[i]->gid, .sid = p->rules[i]->sid,
			.rule = p->rules[i],
		};
	}
	qsort(p->sigs, p->nsigs, sizeof(*p->sigs), sig_cmp);
	return 0;
}

/*
 * Without a classification table every record says category "" and
 * severity 3: the SOC would see every alert alike. Said at every load.
 */
static void no_classes_warning(void)
{
	nfipsd_log(NFIPSD_WARNING, "no classification table (" NFIPSD_CLASSIFICATION
		   " nor the one shipped with nfips): alert.category will be empty and "
		   "alert.severity 3 unless a rule sets priority; name one with "
		   "classification = \"FILE\"");
}

/* The default classification table into @cl (none: a warning). */
static int default_classes(struct load *l, struct nfips_classes *cl)
{
	struct nfips_err err;
	char path[4096], buf[512];

	if (!nfips_classes_default(path, sizeof(path))) {
		no_classes_warning();
		return 0;
	}
	if (nfips_classes_load(cl, path, &err)) {
		say(l, "%s", nfips_err_str(&err, buf, sizeof(buf)));
		return -1;
	}
	return 0;
}

/*
 * A customer policy file (ctl/lib/policy): its rules with overrides and
 * approvals applied, learn mode demoting drop and reject rules to alerts,
 * its classification table. Every diagnostic is reported with file:line.
 */
static int read_policy_file(struct load *l, const char *path)
{
	struct nfipsd_policy *p = l->p;
	struct nfips_diags d = { 0 };
	char buf[768];
	size_t i;
	int ret;

	ret = nfips_policy_load(path, NULL, &p->file, &d);
	for (i = 0; i < d.n; i++)
		say(l, "%s", nfips_diag_str(&d.v[i], buf, sizeof(buf)));
	if (d.dropped)
		say(l, "%s: %zu more diagnostics", path, d.dropped);
	nfips_diags_free(&d);
	if (ret) {
		say(l, "%s: policy refused", path);
		return -1;
	}
	/* A policy naming no classification table: the default one. */
	if (!p->file->classification && default_classes(l, &p->file->classes))
		return -1;
	nfips_policy_learn_demote(p->file);
	p->enforce = p->file->mode == NFIPS_POLICY_ENFORCE;
	p->serial = p->file->serial > 0 ? (uint64_t)p->file->serial : p->serial;
	p->rules = p->file->rules;
	p->nrules = p->file->nrules;
	p->classes = p->file->classes;
	return 0;
}

/*
 * The single place that reads the policy: the customer policy file, or
 * the rules, vars, mode and classification of nfipsd.conf. In learn mode
 * drop and reject rules only alert, as replay --policy runs them.
 */
static int read_policy(struct load *l, const struct nfipsd_policy_conf *pc)
{
	struct nfipsd_policy *p = l->p;
	struct nfips_vars vars = { 0 };
	struct nfips_parse_ctx ctx = { .vars = &vars };
	const char *cpath = pc->classification;
	struct nfips_err err;
	char buf[512], dpath[4096];
	size_t i;
	int ret = -1;

	p->enforce = pc->enforce;
	if (nfips_vars_defaults(&vars)) {
		say(l, "out of memory");
		goto out;
	}
	for (i = 0; i < pc->nvars; i++) {
		if (nfips_vars_set(&vars, pc->vars[i].name, pc->vars[i].value)) {
			say(l, "variable %s: cannot set \"%s\"", pc->vars[i].name,
			    pc->vars[i].value);
			goto out;
		}
	}
	if (!cpath && !(cpath = nfips_classes_default(dpath, sizeof(dpath))))
		no_classes_warning();
	if (cpath) {
		if (nfips_classes_load(&p->classes, cpath, &err)) {
			say(l, "%s", nfips_err_str(&err, buf, sizeof(buf)));
			goto out;
		}
		ctx.classes = &p->classes;
	}
	for (i = 0; i < pc->nrules; i++) {
		if (nfips_rules_parse_file(pc->rules[i], &ctx, on_rule, l, &err)) {
			if (l->oom || !err.msg[0])
				say(l, "%s: out of memory", pc->rules[i]);
			else
				say(l, "%s", nfips_err_str(&err, buf, sizeof(buf)));
			goto out;
		}
	}
	if (p->rule_errors) {
		say(l, "%lu rule%s with errors: policy refused", p->rule_errors,
		    p->rule_errors == 1 ? "" : "s");
		goto out;
	}
	for (i = 0; !p->enforce && i < p->nrules; i++)
		if (p->rules[i]->action == NFIPS_ACTION_DROP ||
		    p->rules[i]->action == NFIPS_ACTION_REJECT)
			p->rules[i]->action = NFIPS_ACTION_ALERT;
	ret = 0;
out:
	nfips_vars_free(&vars);
	return ret;
}

struct nfipsd_policy *nfipsd_policy_load(const struct nfipsd_conf *c,
					 size_t nengines, uint64_t serial,
					 nfipsd_report_fn report, void *arg)
{
	struct nfipsd_policy *p = calloc(1, sizeof(*p));
	struct load l = { .p = p, .report = report, .arg = arg };
	struct nfips_engine_limits lim = { 0 };
	struct nfips_err err;
	size_t i;

	if (!p) {
		report(arg, "out of memory");
		return NULL;
	}
	p->serial = serial;
	if (c->pol.policy_file ? read_policy_file(&l, c->pol.policy_file) :
	    read_policy(&l, &c->pol))
		goto fail;
	p->engines = calloc(nengines, sizeof(*p->engines));
	if (!p->engines) {
		say(&l, "out of memory");
		goto fail;
	}
	for (i = 0; i < nengines; i++) {
		memset(&err, 0, sizeof(err));
		if (p->file ? nfips_policy_engine(p->file, &lim, &p->engines[i], &err) :
		    nfips_engine_new(&p->engines[i], p->rules, p->nrules, &lim, &err)) {
			say(&l, "cannot build the rule engine: %s",
			    err.msg[0] ? err.msg : "out of memory");
			goto fail;
		}
		p->nengines++;
		if (i == 0)
			nfips_engine_get_stats(p->engines[0], &p->est);
	}
	/*
	 * What the budget counts: every queue's matcher, and the rules they
	 * share (their structures; patterns and pcre code come on top, and
	 * the matcher figure dominates for any real rule set).
	 */
	p->memory = (uint64_t)p->est.matcher_bytes * nengines +
		    (uint64_t)p->nrules * sizeof(struct nfips_rule);
	if (c->memory_budget && p->memory > c->memory_budget) {
		say(&l, "the rule engines need %llu bytes (%zu queues x %zu matcher "
		    "bytes), more than the memory budget of %llu: policy refused",
		    (unsigned long long)p->memory, nengines, p->est.matcher_bytes,
		    (unsigned long long)c->memory_budget);
		goto fail;
	}
	if (index_sigs(p)) {
		say(&l, "out of memory");
		goto fail;
	}
	return p;
fail:
	nfipsd_policy_free(p);
	return NULL;
}

int nfipsd_policy_grader(struct nfipsd_policy *p, struct nfips_grade_memory *mem)
{
	p->grader = nfips_grader_new(p->file, mem);
	return p->grader ? 0 : -1;
}

void nfipsd_policy_free(struct nfipsd_policy *p)
{
	size_t i;

	if (!p)
		return;
	nfips_grader_free(p->grader);
	for (i = 0; i < p->nengines; i++)
		nfips_engine_free(p->engines[i]);
	free(p->engines);
	free(p->sigs);
	if (p->file) {
		nfips_policy_free(p->file);	/* the rules and classes are its */
		free(p);
		return;
	}
	for (i = 0; i < p->nrules; i++)
		nfips_rule_free(p->rules[i]);
	free(p->rules);
	nfips_classes_free(&p->classes);
	free(p);
}

const struct nfips_rule *nfipsd_policy_sig(const struct nfipsd_policy *p,
					   uint32_t gid, uint32_t sid)
{
	size_t lo = 0, hi = p ? p->nsigs : 0;

	/* the first (highest rev) entry of gid:sid */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct nfipsd_sigref *s = &p->sigs[mid];

		if (s->gid < gid || (s->gid == gid && s->sid < sid))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (p && lo < p->nsigs && p->sigs[lo].gid == gid && p->sigs[lo].sid == sid)
		return p->sigs[lo].rule;
	return NULL;
}

const char *nfipsd_policy_category(const struct nfipsd_policy *p,
				   const struct nfips_rule *r)
{
	const struct nfips_class *c;

	if (!r || !r->classtype || !p->classes.n)
		return "";
	c = nfips_classes_find(&p->classes, r->classtype);
	return c ? c->desc : "";
}
