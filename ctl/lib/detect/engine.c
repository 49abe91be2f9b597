// SPDX-License-Identifier: GPL-2.0
/*
 * The rule engine (engine.h): signatures in Suricata's order, a matcher
 * over their fast patterns to pick the candidates of each buffer, exact
 * evaluation (eval.c), flowbits, pass and thresholds (engine_thr.c).
 *
 * Per packet, as Suricata's Detect(): IP-only signatures on the first
 * packet of each flow direction, then every candidate signature in order
 * (header, flow, header keywords, flowbits tests, payload on the stream
 * and/or the packet, flowbits updates), then the matches in signature
 * order through thresholds and pass (PacketAlertFinalize).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <netinet/in.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* ---- build --------------------------------------------------------- */

static int action_order(enum nfips_action a)
{
	/* Suricata's default action-order: pass, drop, reject, alert. */
	switch (a) {
	case NFIPS_ACTION_PASS: return 0;
	case NFIPS_ACTION_DROP: return 1;
	case NFIPS_ACTION_REJECT: return 2;
	case NFIPS_ACTION_ALERT: return 3;
	}
	return 3;
}

/* detect-engine-sigorder.c: set 4, set and read 3, read 2, none 1. */
static uint8_t fb_type(const struct nfips_rule *r)
{
	bool rd = false, wr = false;
	uint32_t i;

	for (i = 0; i < r->nflowbits; i++) {
		if (r->flowbits[i].cmd == NFIPS_FB_ISSET || r->flowbits[i].cmd == NFIPS_FB_ISNOTSET)
			rd = true;
		else
			wr = true;
	}
	return wr && !rd ? 4 : wr ? 3 : rd ? 2 : 1;
}

/*
 * Suricata's hostbits and ippairbits classes (SCSigGetXbitsType): 2 when
 * the rule tests an xbit of that kind, else 1. Its "write" check looks for
 * the hostbits keyword, so xbits set/unset leave a rule in class 1.
 */
static uint8_t xb_type(const struct nfips_rule *r, bool pair)
{
	uint32_t i;

	for (i = 0; i < r->nxbits; i++)
		if ((r->xbits[i].track == NFIPS_XB_IP_PAIR) == pair &&
		    (r->xbits[i].cmd == NFIPS_FB_ISSET || r->xbits[i].cmd == NFIPS_FB_ISNOTSET))
			return 2;
	return 1;
}

static int sig_cmp(const void *pa, const void *pb)
{
	const struct sig *a = pa, *b = pb;
	int d;

	d = action_order(a->r->action) - action_order(b->r->action);
	if (d)
		return d;
	if (a->fbtype != b->fbtype)
		return b->fbtype - a->fbtype;
	if (a->fitype != b->fitype)
		return b->fitype - a->fitype;
	if (a->hbtype != b->hbtype)
		return b->hbtype - a->hbtype;
	if (a->iptype != b->iptype)
		return b->iptype - a->iptype;
	if (a->r->priority != b->r->priority)
		return a->r->priority < b->r->priority ? -1 : 1;
	if (a->r->sid != b->r->sid)
		return a->r->sid < b->r->sid ? -1 : 1;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	return a->rev - b->rev;
}

static uint8_t proto_mask(const struct nfips_rule *r)
{
	switch (r->proto) {
	case NFIPS_PROTO_IP: return PM_TCP | PM_UDP | PM_ICMP | PM_OTHER;
	case NFIPS_PROTO_TCP:
	case NFIPS_PROTO_TCP_PKT:
	case NFIPS_PROTO_TCP_STREAM: return PM_TCP;
	case NFIPS_PROTO_UDP: return PM_UDP;
	case NFIPS_PROTO_ICMP: return PM_ICMP;
	case NFIPS_PROTO_OTHER: return 0;
	}
	return 0;
}

static bool same_ranges(const struct nfips_range *a, uint32_t na,
			const struct nfips_range *b, uint32_t nb)
{
	return na == nb && (!na || !memcmp(a, b, na * sizeof(*a)));
}

/* Suricata's SigHasSameSourceAndDestination: then <> needs one copy. */
static bool same_ends(const struct nfips_rule *r)
{
	return same_ranges(r->src.v4, r->src.n4, r->dst.v4, r->dst.n4) &&
	       same_ranges(r->src.v6, r->src.n6, r->dst.v6, r->dst.n6) &&
	       same_ranges(r->sport.v, r->sport.n, r->dport.v, r->dport.n);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

uint32_t names_unique(char **v, uint32_t n)
{
	uint32_t i, j;

	qsort(v, n, sizeof(char *), str_cmp);
	for (i = j = 0; i < n; i++)
		if (!j || strcmp(v[j - 1], v[i]))
			v[j++] = v[i];
	return j;
}

static int fb_index(const struct nfips_engine *e, const char *name)
{
	char *const *p = bsearch(&name, e->fbnames, e->nfb, sizeof(char *), str_cmp);

	return p ? (int)(p - e->fbnames) : -1;
}

static int build_flowbits(struct nfips_engine *e)
{
	uint32_t i, j, k, n = 0;

	for (i = 0; i < e->nrules; i++)
		for (j = 0; j < e->rules[i]->nflowbits; j++)
			n += e->rules[i]->flowbits[j].n;
	e->fbnames = calloc(n ? n : 1, sizeof(char *));
	if (!e->fbnames)
		return -ENOMEM;
	for (i = 0; i < e->nrules; i++)
		for (j = 0; j < e->rules[i]->nflowbits; j++)
			for (k = 0; k < e->rules[i]->flowbits[j].n; k++)
				e->fbnames[e->nfb++] = e->rules[i]->flowbits[j].names[k];
	e->nfb = names_unique(e->fbnames, e->nfb);
	for (i = 0; i < e->nsigs; i++) {
		struct sig *s = &e->sigs[i];
		const struct nfips_rule *r = s->r;

		s->nfb = r->nflowbits;
		if (!s->nfb)
			continue;
		s->fb = calloc(s->nfb, sizeof(*s->fb));
		if (!s->fb)
			return -ENOMEM;
		for (j = 0; j < s->nfb; j++) {
			s->fb[j].cmd = r->flowbits[j].cmd;
			s->fb[j].any = r->flowbits[j].any;
			s->fb[j].n = r->flowbits[j].n;
			s->fb[j].bits = calloc(s->fb[j].n, sizeof(uint32_t));
			if (!s->fb[j].bits)
				return -ENOMEM;
			for (k = 0; k < s->fb[j].n; k++)
				s->fb[j].bits[k] = (uint32_t)fb_index(e, r->flowbits[j].names[k]);
		}
	}
	return 0;
}

static char *xb_key(const struct nfips_xbit *x)
{
	size_t n = strlen(x->name);
	char *k = malloc(n + 3);

	if (k) {
		k[0] = x->track == NFIPS_XB_IP_PAIR ? 'p' : 'h';
		k[1] = ':';
		memcpy(k + 2, x->name, n + 1);
	}
	return k;
}

/* xbits names, per kind (host or pair), to bit numbers. */
static int build_xbits(struct nfips_engine *e)
{
	uint32_t i, j, n = 0;

	for (i = 0; i < e->nrules; i++)
		n += e->rules[i]->nxbits;
	e->xbnames = calloc(n ? n : 1, sizeof(char *));
	if (!e->xbnames)
		return -ENOMEM;
	for (i = 0; i < e->nrules; i++) {
		for (j = 0; j < e->rules[i]->nxbits; j++) {
			char *k = xb_key(&e->rules[i]->xbits[j]);

			if (!k)
				return -ENOMEM;
			e->xbnames[e->nxbnames++] = k;
		}
	}
	qsort(e->xbnames, e->nxbnames, sizeof(char *), str_cmp);
	for (i = j = 0; i < e->nxbnames; i++) {
		if (j && !strcmp(e->xbnames[j - 1], e->xbnames[i]))
			free(e->xbnames[i]);
		else
			e->xbnames[j++] = e->xbnames[i];
	}
	e->nxbnames = j;
	for (i = 0; i < e->nsigs; i++) {
		struct sig *s = &e->sigs[i];
		const struct nfips_rule *r = s->r;

		s->nxb = r->nxbits;
		if (!s->nxb)
			continue;
		s->xb = calloc(s->nxb, sizeof(*s->xb));
		if (!s->xb)
			return -ENOMEM;
		for (j = 0; j < s->nxb; j++) {
			char *k = xb_key(&r->xbits[j]), *const *p;

			if (!k)
				return -ENOMEM;
			p = bsearch(&k, e->xbnames, e->nxbnames, sizeof(char *), str_cmp);
			free(k);
			s->xb[j].cmd = r->xbits[j].cmd;
			s->xb[j].track = r->xbits[j].track;
			s->xb[j].expire = r->xbits[j].expire;
			s->xb[j].idx = (uint32_t)(p - e->xbnames);
		}
	}
	return 0;
}

static int build_lists(struct nfips_engine *e)
{
	uint32_t i;

	e->iponly = calloc(e->nsigs ? e->nsigs : 1, sizeof(uint32_t));
	e->app = calloc(e->nsigs ? e->nsigs : 1, sizeof(uint32_t));
	if (!e->iponly || !e->app)
		return -ENOMEM;
	for (i = 0; i < e->nsigs; i++) {
		const struct sig *s = &e->sigs[i];

		if (s->r->eflags & NFIPS_E_IPONLY) {
			e->iponly[e->niponly++] = i;
			continue;
		}
		/* Evaluated on transactions only (nfips_engine_packet). */
		if (s->r->eflags & NFIPS_E_APP)
			e->app[e->napp++] = i;
	}
	e->ipcand = calloc(e->niponly + 1, sizeof(uint32_t));
	if (!e->ipcand)
		return -ENOMEM;
	return iponly_index_build(e);
}

struct idx {
	const struct nfips_rule *r;
	size_t i;
};

static int idx_cmp(const void *pa, const void *pb)
{
	const struct idx *a = pa, *b = pb;

	if (a->r->gid != b->r->gid)
		return a->r->gid < b->r->gid ? -1 : 1;
	if (a->r->sid != b->r->sid)
		return a->r->sid < b->r->sid ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

static int idx_pos(const void *pa, const void *pb)
{
	const struct idx *a = pa, *b = pb;

	return a->i < b->i ? -1 : a->i > b->i;
}

/*
 * Of several rules with one gid:sid, Suricata keeps the one with the
 * highest rev, the first of equals (DetectEngineSignatureIsDuplicate).
 */
static int load_rules(struct nfips_engine *e, struct nfips_rule *const *rules, size_t n)
{
	struct idx *v = calloc(n ? n : 1, sizeof(*v));
	size_t i, m = 0, g, best;
	uint32_t j, k;

	e->rules = calloc(n ? n : 1, sizeof(*e->rules));
	if (!e->rules || !v) {
		free(v);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		nfips_rule_classify(rules[i]);
		if (rules[i]->skip)
			e->stats.skipped++;
		else
			v[m++] = (struct idx){ rules[i], i };
	}
	qsort(v, m, sizeof(*v), idx_cmp);
	for (i = g = 0; i < m; i = g) {
		for (best = g = i; g < m && !idx_cmp(&(struct idx){ v[g].r, v[i].i }, &v[i]); g++)
			if (v[g].r->rev > v[best].r->rev)
				best = g;
		e->stats.duplicates += (uint32_t)(g - i - 1);
		v[e->nrules++] = v[best];
	}
	qsort(v, e->nrules, sizeof(*v), idx_pos);	/* back to load order */
	for (j = 0; j < e->nrules; j++)
		e->rules[j] = v[j].r;
	free(v);
	e->sigs = calloc(2 * (size_t)e->nrules + 1, sizeof(*e->sigs));
	if (!e->sigs)
		return -ENOMEM;
	for (j = 0; j < e->nrules; j++) {
		const struct nfips_rule *r = e->rules[j];

		for (k = 0; k < 2; k++) {
			struct sig *s;

			if (k && (!(r->flags & NFIPS_R_BIDIR) || same_ends(r)))
				break;
			s = &e->sigs[e->nsigs++];
			s->r = r;
			s->rule = j;
			s->rev = k;
			s->fbtype = fb_type(r);
			s->fitype = flowint_type(r);
			s->hbtype = xb_type(r, false);
			s->iptype = xb_type(r, true);
			s->proto_mask = proto_mask(r);
			s->outlook = nfips_sig_outlook(r);
		}
		if (r->cls == NFIPS_CLASS_KERNEL)
			e->stats.kernel++;
		else
			e->stats.slow++;
		if (r->fp < 0 && !(r->eflags & NFIPS_E_IPONLY))
			e->stats.no_fast_pattern++;
		/* JIT as Suricata does; the interpreter is used if it fails. */
		for (k = 0; k < r->nmatches; k++)
			if (r->matches[k].type == NFIPS_MATCH_PCRE)
				pcre2_jit_compile(r->matches[k].u.pcre.code, PCRE2_JIT_COMPLETE);
	}
	e->stats.rules = e->nrules;
	qsort(e->sigs, e->nsigs, sizeof(*e->sigs), sig_cmp);
	return 0;
}

/*
 * Engines are numbered so that a transaction's done bits (struct
 * nfips_txdet) are never taken for another engine's, even one allocated
 * where a freed one was.
 */
static _Atomic uint64_t engine_serial;

int nfips_engine_new(struct nfips_engine **out, struct nfips_rule *const *rules,
		     size_t n, const struct nfips_engine_limits *lim,
		     struct nfips_err *err)
{
	struct nfips_engine *e = calloc(1, sizeof(*e));
	int ret = -ENOMEM;

	*out = NULL;
	if (err)
		err->msg[0] = 0;
	if (!e)
		goto fail;
	e->serial = ++engine_serial;
	nfips_hkey_random(&e->app_hkey);
	e->no_prefilter = lim && lim->no_prefilter;
	e->alert_max = NFIPS_ALERT_MAX_DEFAULT;
	ret = load_rules(e, rules, n);
	if (!ret)
		ret = build_flowbits(e);
	if (!ret)
		ret = build_xbits(e);
	if (!ret)
		ret = flowint_build(e);
	if (!ret)
		ret = build_lists(e);
	if (!ret)
		ret = groups_build(e, lim, err);
	if (!ret)
		ret = app_prefilter_build(e, lim, err);
	if (ret)
		goto fail;
	ret = -ENOMEM;
	e->ev = nfips_eval_new(lim ? lim->pcre_match_limit : 0,
			       lim ? lim->pcre_recursion_limit : 0);
	e->cand = calloc(e->nsigs + 1, 1);
	e->cands = calloc(e->nsigs + 1, sizeof(uint32_t));
	e->order = calloc(2 * (size_t)e->nsigs + 1, sizeof(uint32_t));
	e->qcap = e->nsigs + 1;
	e->queue = calloc(e->qcap, sizeof(*e->queue));
	if (!e->ev || !e->cand || !e->cands || !e->order || !e->queue ||
	    thr_init(&e->thr, lim ? lim->max_threshold_entries : 0) ||
	    xb_init(&e->xb, lim ? lim->max_threshold_entries : 0))
		goto fail;
	*out = e;
	return 0;
fail:
	if (err && !err->msg[0])
		snprintf(err->msg, sizeof(err->msg), "engine: %s", strerror(-ret));
	nfips_engine_free(e);
	return ret;
}

void nfips_engine_free(struct nfips_engine *e)
{
	uint32_t i, j;

	if (!e)
		return;
	for (i = 0; e->sigs && i < e->nsigs; i++) {
		for (j = 0; e->sigs[i].fb && j < e->sigs[i].nfb; j++)
			free(e->sigs[i].fb[j].bits);
		free(e->sigs[i].fb);
		free(e->sigs[i].xb);
		free(e->sigs[i].fi);
	}
	free(e->sigs);
	free(e->rules);
	free(e->iponly);
	app_prefilter_free(e);
	free(e->xbuf[0]);
	free(e->xbuf[1]);
	free(e->app);
	free(e->ipcand);
	for (i = 0; i < 4; i++)
		iponly_index_free_one(&e->ipidx[i / 2][i % 2]);
	groups_free(e);
	free(e->fbnames);
	free(e->finames);
	for (i = 0; e->xbnames && i < e->nxbnames; i++)
		free(e->xbnames[i]);
	free(e->xbnames);
	xb_free(&e->xb);
	nfips_eval_free(e->ev);
	thr_free(&e->thr);
	free(e->cand);
	free(e->cands);
	free(e->order);
	free(e->queue);
	free(e);
}

void nfips_engine_get_stats(const struct nfips_engine *e, struct nfips_engine_stats *st)
{
	*st = e->stats;
}

void nfips_engine_set_alert_max(struct nfips_engine *e, uint32_t max)
{
	e->alert_max = max ? max : NFIPS_ALERT_MAX_DEFAULT;
}

void nfips_engine_set_suppress(struct nfips_engine *e, nfips_suppress_fn fn,
			       void *arg)
{
	e->suppress = fn;
	e->suppress_arg = arg;
}

/* ---- flows --------------------------------------------------------- */

struct nfips_flowstate *nfips_flowstate_new(struct nfips_engine *e)
{
	uint32_t words = (e->nfb + 63) / 64, iwords = (e->nfi + 63) / 64;
	struct nfips_flowstate *fs = calloc(1, sizeof(*fs) + (words + iwords) * sizeof(uint64_t) +
					    e->nfi * sizeof(uint32_t));

	if (fs) {
		fs->nbits = e->nfb;
		fs->iset = fs->bits + words;
		fs->ints = (uint32_t *)(fs->iset + iwords);
	}
	return fs;
}

void nfips_flowstate_free(struct nfips_flowstate *fs)
{
	if (!fs)
		return;
	seen_free(fs->fp[0]);
	seen_free(fs->fp[1]);
	free(fs);
}

struct nfips_flowstate *nfips_flowstate_renew(struct nfips_engine *e,
					      const struct nfips_flowstate *old)
{
	struct nfips_flowstate *fs = nfips_flowstate_new(e);

	if (fs && old)
		fs->action = old->action;
	return fs;
}

bool nfips_flowstate_passed(const struct nfips_flowstate *fs)
{
	return fs && fs->action == FLOW_ACT_PASS;
}

/* ---- evaluation ---------------------------------------------------- */

static bool bit_get(const struct nfips_flowstate *fs, uint32_t b)
{
	return fs->bits[b / 64] >> (b % 64) & 1;
}

/* isset / isnotset (detect-flowbits.c): '|' any of, '&' all of. */
static bool flowbits_test(const struct sig *s, const struct nfips_flowstate *fs)
{
	uint32_t i, k;

	for (i = 0; i < s->nfb; i++) {
		const struct fbref *f = &s->fb[i];
		bool want, hit = false;

		if (f->cmd != NFIPS_FB_ISSET && f->cmd != NFIPS_FB_ISNOTSET)
			continue;
		if (!fs)	/* no flow, no flowbits: both tests fail */
			return false;
		want = f->cmd == NFIPS_FB_ISSET;
		for (k = 0; k < f->n; k++) {
			hit = bit_get(fs, f->bits[k]) == want;
			if (hit == f->any)
				break;
		}
		if (!hit)
			return false;
	}
	return true;
}

/* set / unset / toggle, right after the signature matched (post-match). */
void flowbits_update(const struct sig *s, struct nfips_flowstate *fs)
{
	uint32_t i, k;

	for (i = 0; fs && i < s->nfb; i++) {
		for (k = 0; k < s->fb[i].n; k++) {
			uint32_t b = s->fb[i].bits[k];
			uint64_t m = 1ull << (b % 64);

			switch (s->fb[i].cmd) {
			case NFIPS_FB_SET: fs->bits[b / 64] |= m; break;
			case NFIPS_FB_UNSET: fs->bits[b / 64] &= ~m; break;
			case NFIPS_FB_TOGGLE: fs->bits[b / 64] ^= m; break;
			default: break;
			}
		}
	}
}

/*
 * flow: keyword (detect-flow.c). A packet without a flow (an IP fragment,
 * a bad transport header, GRE) is matched as Suricata 7.0.10 matches it
 * (measured): against its to-server rules, so that a direction alone
 * matches to_server and never to_client, and of the other flow options
 * only no_stream alone (it is no stream packet); a direction with it
 * does not match either (Suricata's flow match needs both then).
 */
static bool flow_ok(const struct nfips_rule *r, const struct nfips_flow *f)
{
	const uint32_t dir = NFIPS_FLOW_TO_SERVER | NFIPS_FLOW_TO_CLIENT;

	if (!(r->flags & NFIPS_R_FLOW))
		return true;
	if (!f)
		return r->flow == NFIPS_FLOW_TO_SERVER || r->flow == NFIPS_FLOW_NO_STREAM;
	if ((r->flow & NFIPS_FLOW_TO_SERVER) && !f->to_server)
		return false;
	if ((r->flow & NFIPS_FLOW_TO_CLIENT) && f->to_server)
		return false;
	if (!(r->flow & ~dir))
		return true;
	if ((r->flow & NFIPS_FLOW_ESTABLISHED) && !f->established)
		return false;
	if ((r->flow & NFIPS_FLOW_NOT_ESTABLISHED) && f->established)
		return false;
	return true;
}

struct scan {
	struct nfips_engine *e;
	const struct pmatch *m;
	uint8_t bit;
};

void cand_mark(struct nfips_engine *e, const struct pmatch *m, uint32_t pat, uint8_t bit)
{
	uint32_t i;

	for (i = m->pat_first[pat]; i < m->pat_first[pat + 1]; i++) {
		uint32_t s = m->pat_sigs[i];

		if (!e->cand[s])
			e->cands[e->ncands++] = s;
		e->cand[s] |= bit;
	}
}

static int on_pattern(void *ctx, uint32_t id, uint32_t end)
{
	struct scan *sc = ctx;

	(void)end;
	cand_mark(sc->e, sc->m, id, sc->bit);
	return 0;
}

static void scan(struct nfips_engine *e, const struct pmatch *m, const uint8_t *b,
		 uint32_t len, uint8_t bit)
{
	struct scan sc = { e, m, bit };

	if (m->ac && len)
		nfips_ac_scan(m->ac, 0, b, len, on_pattern, &sc);
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Candidates and the group's fast-pattern-less signatures, in signature order. */
static uint32_t eval_list(struct nfips_engine *e, const struct pgroup *g)
{
	const uint32_t *a = e->cands, *b = g->nofp;
	uint32_t na = e->ncands, nb = g->nnofp, i = 0, j = 0, n = 0;

	qsort(e->cands, e->ncands, sizeof(uint32_t), u32_cmp);
	while (i < na || j < nb)
		e->order[n++] = (j == nb || (i < na && a[i] < b[j])) ? a[i++] : b[j++];
	return n;
}

/*
 * Was the signature a prefilter candidate? Suricata's packet matcher scans
 * the packet payload for packet signatures; its stream matcher scans the
 * stream data, or the payload of a packet that did not go into the stream,
 * for stream signatures (detect-engine-payload.c PrefilterPktStream).
 */
static bool is_candidate(const struct nfips_engine *e, const struct sig *s,
			 const struct nfips_flow *f, const struct nfips_stream *st)
{
	const uint32_t ef = s->r->eflags;
	const uint8_t c = e->cand[s - e->sigs];

	if (s->r->fp < 0 || e->no_prefilter)
		return true;
	if (!(ef & NFIPS_E_STREAM))
		return c & CAND_PKT;
	if ((ef & NFIPS_E_PACKET) && (c & CAND_PKT))
		return true;
	if (st)
		return c & CAND_STREAM;
	return (c & CAND_PKT) && !(f && f->stream_add);
}

/*
 * The payload part of a signature (detect.c, DetectEngineInspectRulePayloadMatches):
 * the stream first when there is stream data; then the packet payload,
 * unless the packet went into the stream and the signature does not also
 * want packets.
 */
static bool payload_ok(struct nfips_engine *e, const struct sig *s,
		       const struct nfips_pkt *p, const struct nfips_flow *f,
		       const struct nfips_stream *st, bool *stream_match)
{
	const struct nfips_rule *r = s->r;
	struct nfips_buf b = { 0 };

	*stream_match = false;
	if (!is_candidate(e, s, f, st))
		return false;
	if (r->eflags & NFIPS_E_STREAM) {
		/* A match ending in new bytes needs one of its contents there. */
		if (st && (e->no_prefilter || stream_new_content(r, st))) {
			b.data = st->data;
			b.len = st->len;
			b.new_from = st->new_from;
			b.base = st->anchored ? st->stream_off : 0;
			if (nfips_eval_payload(e->ev, r, &b)) {
				*stream_match = true;
				return true;
			}
		}
		if (!(r->eflags & NFIPS_E_PACKET) && f && f->stream_add)
			return false;
		/*
		 * flow:only_stream: Suricata's FlowMatch counts it only for a
		 * stream content match, so never on a packet's own payload
		 * (UDP, ICMP, TCP outside a stream). tcp-stream has no such
		 * test: a packet kept out of the stream is inspected alone.
		 */
		if (r->flow & NFIPS_FLOW_ONLY_STREAM)
			return false;
	}
	memset(&b, 0, sizeof(b));
	b.data = p->payload;
	b.len = p->payload_len;
	return nfips_eval_payload(e->ev, r, &b);
}

bool queue_push(struct nfips_engine *e, uint32_t sig, bool stream,
		const struct nfips_tx *tx)
{
	if (e->nqueue == e->qcap) {
		uint32_t cap = e->qcap * 2;
		struct qent *q = realloc(e->queue, cap * sizeof(*q));

		if (!q)
			return false;
		e->queue = q;
		e->qcap = cap;
	}
	e->queue[e->nqueue++] = (struct qent){ .sig = sig, .stream = stream, .tx = tx };
	return true;
}

bool sig_matches(struct nfips_engine *e, const struct sig *s,
			const struct nfips_pkt *p, const struct nfips_flow *f,
			const struct nfips_flowstate *fs,
			const struct nfips_stream *st, bool *stream_match)
{
	const struct nfips_rule *r = s->r;

	*stream_match = false;
	/* Rules of an app-layer protocol need a flow detected as that. */
	if (r->alproto && (!f || f->alproto != r->alproto))
		return false;
	if ((r->eflags & NFIPS_E_APP) && !f->ntxs)
		return false;
	if (!nfips_eval_header(r, p, s->rev) || !flow_ok(r, f))
		return false;
	if ((r->flags & NFIPS_R_DSIZE) || r->npkt || r->has_ipproto)
		if (!nfips_eval_header_kw(r, p) || !nfips_eval_stream_size(r, p, f))
			return false;
	if (!flowbits_test(s, fs))
		return false;
	if (s->nfi && !flowint_test(s, fs))
		return false;
	if (s->nxb && !xbits_test(e, s, p))
		return false;
	/* only_stream without a payload keyword (app-layer rules too): no
	 * stream content match, ever */
	if ((r->flow & NFIPS_FLOW_ONLY_STREAM) && !(r->eflags & NFIPS_E_PAYLOAD))
		return false;
	/* an app-layer rule's payload keywords are one of its transaction's
	 * inspections (engine_app.c), not the packet's */
	if ((r->eflags & NFIPS_E_PAYLOAD) && !(r->eflags & NFIPS_E_APP))
		return !(f && f->no_payload) && payload_ok(e, s, p, f, st, stream_match);
	return true;
}

static int qent_cmp(const void *a, const void *b)
{
	const struct qent *x = a, *y = b;
	uint64_t tx, ty;

	if (x->sig != y->sig)
		return x->sig < y->sig ? -1 : 1;
	/* one rule on several transactions: Suricata logs the newest first */
	if (!x->tx || !y->tx || !x->tx->tx_id || !y->tx->tx_id)
		return 0;
	tx = x->tx->tx_id(x->tx);
	ty = y->tx->tx_id(y->tx);
	return tx > ty ? -1 : tx < ty;
}

/*
 * The transaction an alert's record names. A packet rule of an
 * app-layer protocol over UDP takes the packet's own transaction, as
 * Suricata's DetectRulePacketRules logs it (its transaction of the
 * packet's direction).
 */
static const struct nfips_tx *alert_tx(const struct qent *q, const struct nfips_rule *r,
				       const struct nfips_pkt *p, const struct nfips_flow *f)
{
	if (q->tx)
		return q->tx;
	if (p->proto == IPPROTO_UDP && r->alproto != NFIPS_ALPROTO_NONE && f && f->ntxs)
		return f->txs[0];
	return NULL;
}

/* PacketAlertFinalize: thresholds, actions and pass, in signature order. */
static int finalize(struct nfips_engine *e, const struct nfips_pkt *p,
		    const struct nfips_flow *f, struct nfips_flowstate *fs,
		    nfips_alert_fn fn, void *arg)
{
	bool pass = false;
	int verdict = 0;
	uint32_t i, k, nlog = 0, discarded;

	qsort(e->queue, e->nqueue, sizeof(*e->queue), qent_cmp);
	for (i = 0; i < e->nqueue; i++) {
		const struct sig *s = &e->sigs[e->queue[i].sig];
		const struct nfips_rule *r = s->r;
		bool quiet = e->suppress && e->suppress(e->suppress_arg, r, p);
		int res = 1;

		/* Suppressed: the actions apply, the alert is not raised. */
		if (!quiet && (r->flags & NFIPS_R_THRESHOLD))
			res = thr_check(&e->thr, s->rule, &r->threshold, p);
		if (res) {
			bool drop = r->action == NFIPS_ACTION_DROP ||
				    r->action == NFIPS_ACTION_REJECT;

			/* Whole flow only for stream matches and (like) IP-only signatures. */
			if ((drop || r->action == NFIPS_ACTION_PASS) && fs && !fs->action &&
			    (e->queue[i].stream ||
			     (r->eflags & (NFIPS_E_IPONLY | NFIPS_E_LIKE_IPONLY))))
				fs->action = drop ? FLOW_ACT_DROP : FLOW_ACT_PASS;
			if (r->action == NFIPS_ACTION_PASS)
				pass = true;
			if (drop)
				verdict |= NFIPS_VERDICT_DROP;
			if (r->action == NFIPS_ACTION_REJECT)
				verdict |= NFIPS_VERDICT_REJECT;
		}
		if (res != 1 || quiet || (r->flags & NFIPS_R_NOALERT))
			continue;
		if (pass)
			break;	/* the pass rule and all after it are not logged */
		e->queue[i].log = true;
		nlog++;
	}
	/* The actions are all in: now the alerts, up to packet-alert-max. */
	discarded = nlog > e->alert_max ? nlog - e->alert_max : 0;
	for (i = 0, k = 0; i < e->nqueue && k < nlog - discarded; i++) {
		const struct qent *q = &e->queue[i];
		struct nfips_alert a = {
			.rule = e->sigs[q->sig].r,
			.flags = q->stream ? NFIPS_ALERT_STREAM : 0,
			.discarded = discarded,
			.tx = alert_tx(q, e->sigs[q->sig].r, p, f),
		};

		if (!q->log)
			continue;
		k++;
		if (fn)
			fn(arg, p, f, &a);
	}
	if (nlog)
		verdict |= NFIPS_VERDICT_ALERT;
	if (pass || (fs && fs->action == FLOW_ACT_PASS))
		verdict |= NFIPS_VERDICT_PASS;
	if (fs && fs->action == FLOW_ACT_DROP)
		verdict |= NFIPS_VERDICT_DROP;	/* inline, the flow is dropped */
	return verdict;
}

/*
 * IP-only in Suricata 7.0.10 but not here: a rule whose only test besides
 * addresses and ports is ip_proto (Documentation/replay.rst).
 */
static bool ipproto_only(const struct nfips_rule *r)
{
	uint32_t i;

	if (!r->has_ipproto || r->nmatches || r->alproto || r->npkt || r->nflowints ||
	    (r->flags & (NFIPS_R_FLOW | NFIPS_R_DSIZE)) || r->src.negated || r->dst.negated)
		return false;
	for (i = 0; i < r->nflowbits; i++)
		if (r->flowbits[i].cmd != NFIPS_FB_SET)
			return false;
	return true;
}

int nfips_engine_packet(struct nfips_engine *e, const struct nfips_pkt *p,
			const struct nfips_flow *f, const struct nfips_stream *st,
			nfips_alert_fn fn, void *arg)
{
	struct nfips_flowstate *fs = f ? f->state : NULL;
	const bool pseudo = !p->pcap_cnt;
	const struct pgroup *g;
	const struct nfips_stream *held = st;	/* for app rules' payload (engine_app.c) */
	bool first, sm, pkt_done, oom = false;
	uint8_t pm;
	uint32_t i, n;
	int v;

	/* Suricata stops inspecting a passed or dropped flow. */
	if (fs && fs->action == FLOW_ACT_PASS)
		return NFIPS_VERDICT_PASS;
	if (fs && fs->action == FLOW_ACT_DROP)
		return NFIPS_VERDICT_DROP;
	if (st && st->len <= st->new_from)
		st = NULL;			/* nothing new to inspect */
	pm = p->proto == IPPROTO_TCP ? 0 : p->proto == IPPROTO_UDP ? 1 :
	     (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6) ? 2 : 3;
	e->nqueue = 0;

	/* IP-only signatures: first packet of each direction (DetectRunInspectIPOnly). */
	first = !fs || !fs->seen[f->to_server ? 0 : 1];
	if (fs && !pseudo)
		fs->seen[f->to_server ? 0 : 1] = true;
	n = first && !pseudo ? iponly_candidates(e, p, e->ipcand) : 0;
	for (i = 0; i < n; i++) {
		const uint32_t k = e->ipcand[i];
		const struct sig *s = &e->sigs[e->iponly[k]];

		if (!(s->proto_mask & (1u << pm)) || !nfips_eval_header(s->r, p, s->rev))
			continue;
		/* xbits are IP-only compatible (IPOnlyMatchCompatSMs) */
		if (s->nxb && !xbits_test(e, s, p))
			continue;
		flowbits_update(s, fs);
		flowint_update(s, fs);
		if (s->nxb)
			xbits_update(e, s, p);
		if (!queue_push(e, e->iponly[k], false, NULL))
			oom = true;
	}

	/*
	 * Suricata's protocol 0 with a decoder event: its decoder-event rule
	 * group, no other rule but the IP-only ones (a rule whose only test
	 * is ip_proto is one there: classify.c).
	 */
	if (p->only_iponly) {
		for (i = 0; i < e->nsigs; i++) {
			const struct sig *s = &e->sigs[i];

			if (!(s->proto_mask & (1u << pm)) || !ipproto_only(s->r) ||
			    !sig_matches(e, s, p, f, fs, NULL, &sm))
				continue;
			flowbits_update(s, fs);
			flowint_update(s, fs);
			if (!queue_push(e, i, false, NULL))
				oom = true;
		}
		v = finalize(e, p, f, fs, fn, arg);
		return oom ? -ENOMEM : v;
	}

	/*
	 * Candidates from the fast patterns of the buffers Suricata
	 * prefilters: the packet payload and the stream data, through the
	 * matcher of the packet's group (engine_group.c). A segment that
	 * went into the stream in order is the stream's new bytes: one scan
	 * of them, continuing the direction's matcher state, serves both.
	 */
	g = group_of(e, pm, p, f);
	e->ncands = 0;
	/*
	 * Once the parser stopped payload inspection (TLS application data)
	 * no signature with payload keywords can match: Suricata's
	 * PKT_NOPAYLOAD_INSPECTION skips the payload and stream MPM. The
	 * stream's matcher state then falls behind and starts over if
	 * inspection ever resumes.
	 */
	pkt_done = f && f->no_payload && g->m->payload;
	if (!pkt_done && st && fs && st->anchored && g->m->ac) {
		uint32_t nb = st->len - st->new_from;

		pkt_done = stream_candidates(e, g->m, fs, f->to_server ? 0 : 1, st,
					     f->stream_add && p->payload_len == nb &&
					     !memcmp(st->data + st->new_from, p->payload, nb));
	} else if (!pkt_done && st) {
		scan(e, g->m, st->data, st->len, CAND_STREAM);
	}
	if (!pkt_done)
		scan(e, g->m, p->payload, p->payload_len, CAND_PKT);
	n = eval_list(e, g);
	for (i = 0; i < n; i++) {
		const struct sig *s = &e->sigs[e->order[i]];

		if (!(s->proto_mask & (1u << pm)))
			continue;
		/* Flow-end packets skip packet-only signatures (SIG_TYPE_PKT). */
		if (pseudo && !((s->r->eflags & NFIPS_E_STREAM) ||
				(!(s->r->eflags & NFIPS_E_PAYLOAD) && (s->r->src.negated ||
								      s->r->dst.negated))))
			continue;
		if (!sig_matches(e, s, p, f, fs, st, &sm))
			continue;
		flowbits_update(s, fs);
		flowint_update(s, fs);
		if (s->nxb)
			xbits_update(e, s, p);
		if (!queue_push(e, e->order[i], sm, NULL))
			oom = true;
	}
	/* Then the transactions this packet completed (engine_app.c). */
	if (f && f->ntxs && e->napp && app_run(e, p, f, fs, held, pm))
		oom = true;
	for (i = 0; i < e->ncands; i++)
		e->cand[e->cands[i]] = 0;
	v = finalize(e, p, f, fs, fn, arg);
	return oom ? -ENOMEM : v;
}
