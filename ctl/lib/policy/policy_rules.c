// SPDX-License-Identifier: GPL-2.0
/*
 * The policy's rule set: the rule files parsed with the policy's
 * variables and classification table, the rules an override enables that
 * the file ships commented out ("# alert ... sid:N; ..."), and the
 * overrides, Block approvals and thresholds applied.
 *
 * A drop or reject rule acts only with a Block approval valid now: without
 * one (none, expired, not yet started) it is applied as alert, in the
 * kernel and in the daemon alike, since both run this rule set.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy_int.h"

/* Rule files are large (ET Open is tens of MB) but not unbounded. */
#define RULE_FILE_MAX (512u << 20)

struct rvec {
	struct nfips_rule **v;
	size_t n, cap;
};

static int rvec_push(struct rvec *r, struct nfips_rule *rule)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		struct nfips_rule **v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return -1;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = rule;
	return 0;
}

static struct ppriv *priv(struct nfips_policy *p)
{
	if (!p->priv)
		p->priv = calloc(1, sizeof(struct ppriv));
	return p->priv;
}

static int sid_add(struct ppriv *pv, const struct psid *s)
{
	if (pv->nsids == pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 256;
		struct psid *v = realloc(pv->sids, cap * sizeof(*v));

		if (!v)
			return -1;
		pv->sids = v;
		pv->cap = cap;
	}
	pv->sids[pv->nsids++] = *s;
	return 0;
}

/* Active before commented, then file order (line): stable for reports. */
static int sid_cmp(const void *a, const void *b)
{
	const struct psid *x = a, *y = b;

	if (x->gid != y->gid)
		return x->gid < y->gid ? -1 : 1;
	if (x->sid != y->sid)
		return x->sid < y->sid ? -1 : 1;
	if (x->active != y->active)
		return x->active ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static const struct psid *sid_find(const struct nfips_policy *p, uint32_t gid,
				   uint32_t sid)
{
	const struct ppriv *pv = p->priv;
	size_t lo = 0, hi = pv ? pv->nsids : 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct psid *s = &pv->sids[mid];

		if (s->gid < gid || (s->gid == gid && s->sid < sid))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (pv && lo < pv->nsids && pv->sids[lo].gid == gid && pv->sids[lo].sid == sid)
		return &pv->sids[lo];
	return NULL;
}

int ppolicy_define_sid(struct nfips_policy *p, uint32_t gid, uint32_t sid,
		       bool commented)
{
	struct ppriv *pv = priv(p);
	struct psid s = { .gid = gid, .sid = sid, .active = !commented,
			  .commented = commented, .file = "test" };

	if (!pv || sid_add(pv, &s))
		return -1;
	if (pv->nsids)
		qsort(pv->sids, pv->nsids, sizeof(*pv->sids), sid_cmp);
	return 0;
}

bool ppolicy_sid_broken(const struct nfips_policy *p, uint32_t gid, uint32_t sid)
{
	const struct ppriv *pv = p->priv;
	bool broken = false;
	size_t i;

	for (i = 0; pv && i < pv->nsids; i++) {
		const struct psid *s = &pv->sids[i];

		if (s->gid != gid || s->sid != sid)
			continue;
		if (s->active)
			return false;
		broken |= s->broken;
	}
	return broken;
}

int nfips_policy_sid_defined(const struct nfips_policy *p, uint32_t gid,
			     uint32_t sid)
{
	const struct psid *s = sid_find(p, gid ? gid : 1, sid);

	return !s ? 0 : s->active ? 1 : 2;
}

const struct nfips_override *nfips_policy_override(const struct nfips_policy *p,
						   uint32_t gid, uint32_t sid)
{
	size_t i;

	for (i = 0; i < p->noverrides; i++)
		if (p->overrides[i].gid == gid && p->overrides[i].sid == sid)
			return &p->overrides[i];
	return NULL;
}

const struct nfips_approval *nfips_policy_approved(const struct nfips_policy *p,
						   uint32_t gid, uint32_t sid,
						   time_t now)
{
	size_t i;

	for (i = 0; i < p->napprovals; i++) {
		const struct nfips_approval *a = &p->approvals[i];

		if (a->gid == gid && a->sid == sid && a->when <= now &&
		    (!a->has_until || now < a->until))
			return a;
	}
	return NULL;
}

static const struct nfips_policy_threshold *
threshold_find(const struct nfips_policy *p, uint32_t gid, uint32_t sid)
{
	size_t i;

	for (i = 0; i < p->nthresholds; i++)
		if (p->thresholds[i].gid == gid && p->thresholds[i].sid == sid)
			return &p->thresholds[i];
	return NULL;
}

static bool addrset_has(const struct nfips_addrset *s, int family, const uint8_t *a)
{
	uint32_t v4;

	if (family == 2 /* AF_INET */) {
		v4 = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
		     (uint32_t)a[2] << 8 | a[3];
		return nfips_addrset_has4(s, v4);
	}
	return nfips_addrset_has6(s, a);
}

bool nfips_policy_suppressed(const struct nfips_policy *p, uint32_t gid,
			     uint32_t sid, int family, const uint8_t *src,
			     const uint8_t *dst)
{
	size_t i;

	for (i = 0; i < p->nsuppressions; i++) {
		const struct nfips_suppression *u = &p->suppressions[i];

		if (u->gid != gid || u->sid != sid)
			continue;
		switch (u->track) {
		case NFIPS_SUPP_ALL:
			return true;
		case NFIPS_SUPP_BY_SRC:
			if (addrset_has(&u->addrs, family, src))
				return true;
			break;
		case NFIPS_SUPP_BY_DST:
			if (addrset_has(&u->addrs, family, dst))
				return true;
			break;
		case NFIPS_SUPP_BY_EITHER:
			if (addrset_has(&u->addrs, family, src) ||
			    addrset_has(&u->addrs, family, dst))
				return true;
			break;
		}
	}
	return false;
}

size_t nfips_policy_apply(const struct nfips_policy *p, time_t now,
			  struct nfips_rule **rules, size_t *n,
			  nfips_change_fn fn, void *arg)
{
	size_t i, o = 0, changes = 0;

	for (i = 0; i < *n; i++) {
		struct nfips_rule *r = rules[i];
		const struct nfips_override *ov = nfips_policy_override(p, r->gid, r->sid);
		const struct nfips_policy_threshold *t = threshold_find(p, r->gid, r->sid);
		struct nfips_policy_change c = { .gid = r->gid, .sid = r->sid };

		r->flags &= ~NFIPS_R_APPROVED;
		if (ov && ov->disable) {
			c.kind = NFIPS_CHG_DISABLED;
			c.from = c.to = r->action;
			c.line = ov->line;
			c.why = "disabled by an override";
			if (fn)
				fn(arg, &c);
			changes++;
			nfips_rule_free(r);
			continue;
		}
		if (ov && ov->set_action && ov->action != r->action) {
			c.kind = NFIPS_CHG_ACTION;
			c.from = r->action;
			c.to = ov->action;
			c.line = ov->line;
			c.why = "action override";
			if (fn)
				fn(arg, &c);
			changes++;
			r->action = ov->action;
		}
		if (t) {
			c.kind = NFIPS_CHG_THRESHOLD;
			c.from = c.to = r->action;
			c.line = t->line;
			c.why = (r->flags & NFIPS_R_THRESHOLD) ?
				"threshold replaces the rule's own" : "threshold set";
			if (fn)
				fn(arg, &c);
			changes++;
			r->threshold = t->thr;
			r->flags |= NFIPS_R_THRESHOLD;
		}
		if (r->action == NFIPS_ACTION_DROP || r->action == NFIPS_ACTION_REJECT) {
			if (!nfips_policy_approved(p, r->gid, r->sid, now)) {
				size_t k;

				c.kind = NFIPS_CHG_UNAPPROVED;
				c.from = r->action;
				c.to = NFIPS_ACTION_ALERT;
				c.line = 0;
				c.why = "no Block approval";
				for (k = 0; k < p->napprovals; k++)
					if (p->approvals[k].gid == r->gid &&
					    p->approvals[k].sid == r->sid) {
						c.line = p->approvals[k].line;
						c.why = p->approvals[k].when > now ?
							"Block approval not yet valid" :
							"Block approval expired";
					}
				if (fn)
					fn(arg, &c);
				changes++;
				r->action = NFIPS_ACTION_ALERT;
			} else {
				r->flags |= NFIPS_R_APPROVED;
			}
		}
		nfips_rule_classify(r);
		rules[o++] = r;
	}
	*n = o;
	return changes;
}

struct nfips_rule **nfips_policy_take_rules(struct nfips_policy *p, size_t *n)
{
	struct nfips_rule **v = p->rules;

	*n = p->nrules;
	p->rules = NULL;
	p->nrules = 0;
	return v;
}

/* ---- reading the rule files ----------------------------------------- */

/*
 * A commented-out rule an override enables, parsed when its file was
 * read (rule), or the error that parsing it gave (rule NULL); loaded once
 * all files are read, unless an active rule has its sid.
 */
struct pending {
	struct nfips_rule *rule;
	struct nfips_err err;
	struct psid sid;
	uint32_t ovline;	/* the override that enables it */
};

struct rctx {
	struct pending *pend;
	size_t npend;
	struct nfips_policy *p;
	struct nfips_diags *d;
	struct ppriv *pv;
	const char *file;	/* owned by pv->files */
	struct rvec *rules;
	bool oom;
	bool no_classes;	/* the classification table was not read */
};

static void rule_err(struct nfips_diags *d, const struct nfips_err *e,
		     const char *file, uint32_t line)
{
	struct nfips_diag *g;
	size_t before = d->n;

	nfips_diag_add(d, NFIPS_DIAG_ERROR, e->file ? e->file : file,
		       line ? line : e->line, "%s", e->msg);
	if (d->n > before) {
		g = &d->v[d->n - 1];
		g->col = line ? 0 : e->col;
	}
}

static int on_rule(void *arg, struct nfips_rule *rule, const struct nfips_err *err)
{
	struct rctx *c = arg;
	struct psid s;

	if (!rule) {
		rule_err(c->d, err, c->file, 0);
		return 0;
	}
	s = (struct psid){ .gid = rule->gid, .sid = rule->sid, .active = true,
			    .action = rule->action, .file = c->file, .line = rule->line };
	if (sid_add(c->pv, &s) || rvec_push(c->rules, rule)) {
		nfips_rule_free(rule);
		c->oom = true;
		return -ENOMEM;
	}
	return 0;
}

static bool is_action(const char *s, size_t n)
{
	static const char *const a[] = { "alert", "drop", "reject", "pass",
		"rejectsrc", "rejectdst", "rejectboth", NULL };
	size_t i;

	for (i = 0; a[i]; i++)
		if (strlen(a[i]) == n && !memcmp(a[i], s, n))
			return true;
	return false;
}

/*
 * The value of option @key ("sid", "gid") of a rule text the parser
 * refused, @dflt if absent: the options split at ';' outside quoted
 * strings, so that "sid 123" in a msg is not a sid. Only used to name the
 * rule in the parse error when an override enables it.
 */
static uint32_t opt_num(const char *s, size_t n, const char *key, uint32_t dflt)
{
	const char *o = memchr(s, '(', n), *end = s + n;
	size_t k = strlen(key);

	while (o && o < end) {
		const char *p = o + 1, *q;
		bool quoted = false;

		while (p < end && isspace((unsigned char)*p))
			p++;
		for (q = p; q < end && (quoted || *q != ';'); q++) {
			if (*q == '\\' && q + 1 < end)
				q++;
			else if (*q == '"')
				quoted = !quoted;
		}
		if ((size_t)(q - p) > k && !memcmp(p, key, k) &&
		    (p[k] == ':' || isspace((unsigned char)p[k]))) {
			unsigned long long v = 0;
			const char *j = p + k;

			while (j < q && (isspace((unsigned char)*j) || *j == ':'))
				j++;
			if (j >= q || !isdigit((unsigned char)*j))
				return 0;
			while (j < q && isdigit((unsigned char)*j) && v <= UINT32_MAX)
				v = v * 10 + (uint64_t)(*j++ - '0');
			return v > UINT32_MAX ? 0 : (uint32_t)v;
		}
		o = q < end ? q : NULL;
	}
	return dflt;
}

static int pend_add(struct rctx *c, const struct pending *pd)
{
	struct pending *q = realloc(c->pend, (c->npend + 1) * sizeof(*q));

	if (!q) {
		c->oom = true;
		return -1;
	}
	c->pend = q;
	q[c->npend++] = *pd;
	return 0;
}

/*
 * Commented-out rules: "# alert ...(... sid:N; ...)" on one line. Each is
 * parsed as the rule it would be and indexed by the gid:sid the parser
 * gives (not by text that merely looks like "sid" somewhere on the line);
 * those an override enables are kept for enable_commented().
 */
static void scan_commented(struct rctx *c, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	struct nfips_parse_ctx ctx = {
		.vars = &c->p->vars,
		.classes = c->p->classification && !c->no_classes ? &c->p->classes : NULL,
	};
	uint32_t line = 0;

	while (p < end && !c->oom) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *s = p, *w;
		const struct nfips_override *ov;
		struct pending pd = { 0 };
		struct nfips_rule *r = NULL;
		char *text;

		line++;
		p = nl ? nl + 1 : end;
		while (s < e && isspace((unsigned char)*s))
			s++;
		if (s == e || *s != '#')
			continue;
		while (s < e && (*s == '#' || isspace((unsigned char)*s)))
			s++;
		for (w = s; w < e && isalpha((unsigned char)*w); w++)
			;
		if (w == e || !isspace((unsigned char)*w) || !is_action(s, (size_t)(w - s)) ||
		    !memchr(s, '(', (size_t)(e - s)))
			continue;
		text = strndup(s, (size_t)(e - s));
		if (!text) {
			c->oom = true;
			return;
		}
		if (nfips_rule_parse(text, &ctx, &r, &pd.err)) {
			/* Not a rule: indexed only to report the error if enabled. */
			r = NULL;
			pd.sid.broken = true;
			pd.sid.sid = opt_num(s, (size_t)(e - s), "sid", 0);
			pd.sid.gid = opt_num(s, (size_t)(e - s), "gid", 1);
		} else {
			pd.sid.sid = r->sid;
			pd.sid.gid = r->gid;
			r->line = line;
		}
		free(text);
		if (!pd.sid.sid || !pd.sid.gid) {
			nfips_rule_free(r);
			continue;
		}
		pd.sid.active = false;
		pd.sid.commented = true;
		pd.sid.action = NFIPS_ACTION_ALERT;
		pd.sid.file = c->file;
		pd.sid.line = line;
		ov = nfips_policy_override(c->p, pd.sid.gid, pd.sid.sid);
		if (ov && ov->enable) {
			pd.rule = r;
			pd.ovline = ov->line;
			if (pend_add(c, &pd))
				nfips_rule_free(r);
		} else {
			nfips_rule_free(r);
		}
		if (sid_add(c->pv, &pd.sid))
			c->oom = true;
	}
}

static int read_file(const char *path, char **out, size_t *len, char *why, size_t wl)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf;

	if (!f) {
		snprintf(why, wl, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		snprintf(why, wl, "not a regular file");
		fclose(f);
		return -1;
	}
	if ((unsigned long long)st.st_size > RULE_FILE_MAX) {
		snprintf(why, wl, "larger than %u MiB", RULE_FILE_MAX >> 20);
		fclose(f);
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		snprintf(why, wl, "out of memory");
		fclose(f);
		return -1;
	}
	*len = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		snprintf(why, wl, "read error");
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[*len] = 0;
	*out = buf;
	return 0;
}

static void record_change(void *arg, const struct nfips_policy_change *c)
{
	struct nfips_policy *p = arg;
	struct nfips_policy_change *v = realloc(p->changes, (p->nchanges + 1) * sizeof(*v));

	if (!v)
		return;
	p->changes = v;
	v[p->nchanges++] = *c;
}

/*
 * Loads the commented-out rules overrides enable, unless an active rule
 * has the sid already (then enable only undoes a disable), the first
 * commented copy of a sid only.
 */
static void enable_commented(struct rctx *c)
{
	struct ppriv *pv = c->pv;
	size_t i, k;

	for (i = 0; i < c->npend; i++) {
		struct pending *pd = &c->pend[i];
		struct psid *sd = &pd->sid, *hit = NULL;
		struct nfips_rule *r = pd->rule;
		bool active = false;

		for (k = 0; k < pv->nsids; k++) {
			struct psid *s = &pv->sids[k];

			if (s->gid != sd->gid || s->sid != sd->sid)
				continue;
			active |= s->active;
			if (!s->active && s->file == sd->file && s->line == sd->line)
				hit = s;
		}
		if (active || !hit)
			continue;
		if (!r) {
			rule_err(c->d, &pd->err, sd->file, sd->line);
			continue;
		}
		/* The rule is the one the override asked for, or none. */
		if (r->gid != sd->gid || r->sid != sd->sid) {
			nfips_diag_add(c->d, NFIPS_DIAG_ERROR, sd->file, sd->line,
				       "commented-out rule is sid %u:%u, not %u:%u",
				       r->gid, r->sid, sd->gid, sd->sid);
			continue;
		}
		if (rvec_push(c->rules, r)) {
			c->oom = true;
			return;
		}
		pd->rule = NULL;	/* owned by the rule set now */
		hit->active = true;
		hit->action = r->action;
		record_change(c->p, &(struct nfips_policy_change){
			.kind = NFIPS_CHG_ENABLED, .gid = r->gid, .sid = r->sid,
			.from = r->action, .to = r->action, .line = pd->ovline,
			.why = "commented-out rule enabled by an override" });
	}
	if (pv->nsids)
		qsort(pv->sids, pv->nsids, sizeof(*pv->sids), sid_cmp);
}

static void free_pending(struct rctx *c)
{
	size_t i;

	for (i = 0; i < c->npend; i++)
		nfips_rule_free(c->pend[i].rule);
	free(c->pend);
}

/* Parses one rule file's text @buf (named @name) into the set. */
static int rules_text(struct rctx *c, const char *name, const char *buf, size_t len)
{
	struct nfips_parse_ctx ctx = {
		.vars = &c->p->vars,
		.classes = c->p->classification && !c->no_classes ? &c->p->classes : NULL,
	};
	struct ppriv *pv = c->pv;

	pv->files[pv->nfiles] = strdup(name);
	if (!pv->files[pv->nfiles])
		return -1;
	c->file = pv->files[pv->nfiles++];
	nfips_rules_parse_buf(c->file, buf, len, &ctx, on_rule, c);
	if (!c->oom)
		scan_commented(c, buf, len);
	return c->oom ? -1 : 0;
}

static int rules_done(struct rctx *c, struct rvec *rules, size_t errors0);

int ppolicy_load_rules(struct nfips_policy *p, struct nfips_diags *d)
{
	struct ppriv *pv = priv(p);
	struct rvec rules = { 0 };
	struct rctx c = { .p = p, .d = d, .pv = pv, .rules = &rules };
	size_t i, errors0 = d->errors;

	if (!pv)
		goto oom;
	if (p->classification) {
		struct nfips_err e;

		if (nfips_classes_load(&p->classes, p->classification, &e))
			rule_err(d, &e, p->classification, 0);
	}
	pv->files = calloc(p->nrule_files ? p->nrule_files : 1, sizeof(*pv->files));
	if (!pv->files)
		goto oom;
	for (i = 0; i < p->nrule_files; i++) {
		char why[256], *buf;
		size_t len;
		int ret;

		if (read_file(p->rule_files[i], &buf, &len, why, sizeof(why))) {
			nfips_diag_add(d, NFIPS_DIAG_ERROR, p->path, p->rule_file_lines[i],
				       "rule file %s: %s", p->rule_files[i], why);
			continue;
		}
		ret = rules_text(&c, p->rule_files[i], buf, len);
		free(buf);
		if (ret)
			goto oom;
	}
	return rules_done(&c, &rules, errors0);
oom:
	nfips_diag_add(d, NFIPS_DIAG_ERROR, p->path, 0, "out of memory");
	for (i = 0; i < rules.n; i++)
		nfips_rule_free(rules.v[i]);
	free(rules.v);
	free_pending(&c);
	return -1;
}

int ppolicy_load_rules_text(struct nfips_policy *p, const char *name, const char *buf,
			    size_t len, struct nfips_diags *d)
{
	struct ppriv *pv = priv(p);
	struct rvec rules = { 0 };
	struct rctx c = { .p = p, .d = d, .pv = pv, .rules = &rules, .no_classes = true };
	size_t errors0 = d->errors;

	if (!pv || pv->files || !(pv->files = calloc(1, sizeof(*pv->files))) ||
	    rules_text(&c, name, buf, len)) {
		nfips_diag_add(d, NFIPS_DIAG_ERROR, p->path, 0, "out of memory");
		for (size_t i = 0; i < rules.n; i++)
			nfips_rule_free(rules.v[i]);
		free(rules.v);
		free_pending(&c);
		return -1;
	}
	return rules_done(&c, &rules, errors0);
}

/* The commented-out rules enabled, the sids checked, the policy applied. */
static int rules_done(struct rctx *c, struct rvec *rv, size_t errors0)
{
	struct nfips_policy *p = c->p;
	struct nfips_diags *d = c->d;
	struct ppriv *pv = c->pv;
	size_t i;

	if (pv->nsids)
		qsort(pv->sids, pv->nsids, sizeof(*pv->sids), sid_cmp);
	enable_commented(c);
	if (c->oom)
		goto oom;
	/* Duplicates among active rules (an enabled commented rule counts). */
	for (i = 1; i < pv->nsids; i++) {
		const struct psid *a = &pv->sids[i - 1], *b = &pv->sids[i];

		if (a->active && b->active && a->gid == b->gid && a->sid == b->sid)
			nfips_diag_add(d, NFIPS_DIAG_ERROR, b->file, b->line,
				       "sid %u is defined twice (also at %s:%u)",
				       b->sid, a->file, a->line);
	}
	/* Every per-sid entry must name a sid some rule file defines. */
	for (i = 0; i < p->noverrides; i++) {
		const struct nfips_override *o = &p->overrides[i];
		const struct psid *s = sid_find(p, o->gid, o->sid);

		if (!s)
			nfips_diag_add(d, NFIPS_DIAG_WARNING, p->path, o->line,
				       "override of sid %u: no rule file defines it", o->sid);
		else if (!s->active && !o->disable && !o->enable)
			nfips_diag_add(d, NFIPS_DIAG_WARNING, p->path, o->line,
				       "override of sid %u: the rule is commented out in %s:%u "
				       "(add enable = true)", o->sid, s->file, s->line);
	}
	for (i = 0; i < p->napprovals; i++) {
		const struct nfips_approval *a = &p->approvals[i];
		const struct psid *s = sid_find(p, a->gid, a->sid);
		const struct nfips_override *o = nfips_policy_override(p, a->gid, a->sid);
		enum nfips_action act;

		if (!s) {
			nfips_diag_add(d, NFIPS_DIAG_ERROR, p->path, a->line,
				       "approval of sid %u: no rule file defines it", a->sid);
			continue;
		}
		if (!s->active || (o && o->disable)) {
			nfips_diag_add(d, NFIPS_DIAG_WARNING, p->path, a->line,
				       "approval of sid %u has no effect: the rule is not enabled",
				       a->sid);
			continue;
		}
		act = o && o->set_action ? o->action : s->action;
		if (act != NFIPS_ACTION_DROP && act != NFIPS_ACTION_REJECT)
			nfips_diag_add(d, NFIPS_DIAG_WARNING, p->path, a->line,
				       "approval of sid %u has no effect: the rule's action is %s",
				       a->sid, nfips_action_name(act));
	}
	for (i = 0; i < p->nthresholds; i++)
		if (!sid_find(p, p->thresholds[i].gid, p->thresholds[i].sid))
			nfips_diag_add(d, NFIPS_DIAG_WARNING, p->path, p->thresholds[i].line,
				       "threshold for sid %u: no rule file defines it",
				       p->thresholds[i].sid);
	for (i = 0; i < p->nsuppressions; i++)
		if (!sid_find(p, p->suppressions[i].gid, p->suppressions[i].sid))
			nfips_diag_add(d, NFIPS_DIAG_WARNING, p->path, p->suppressions[i].line,
				       "suppression of sid %u: no rule file defines it",
				       p->suppressions[i].sid);
	if (d->errors > errors0)
		goto out;
	for (i = 0; i < p->napprovals; i++) {
		const struct nfips_approval *a = &p->approvals[i];

		if (a->when > p->now && (!p->next_change || a->when < p->next_change))
			p->next_change = a->when;
		if (a->has_until && a->until > p->now &&
		    (!p->next_change || a->until < p->next_change))
			p->next_change = a->until;
	}
	nfips_policy_apply(p, p->now, rv->v, &rv->n, record_change, p);
	p->rules = rv->v;
	p->nrules = rv->n;
	free_pending(c);
	return 0;
oom:
	nfips_diag_add(d, NFIPS_DIAG_ERROR, p->path, 0, "out of memory");
out:
	for (i = 0; i < rv->n; i++)
		nfips_rule_free(rv->v[i]);
	free(rv->v);
	free_pending(c);
	return -1;
}
