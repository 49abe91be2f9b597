// SPDX-License-Identifier: GPL-2.0
/*
 * Application-layer signatures on one transaction, as Suricata 7's
 * stateful detection inspects them (detect-engine.c): every buffer the
 * rule uses must exist in the transaction and match its own list of
 * payload keywords (relative ones chain within a buffer only), and its
 * length tests (bsize, urilen) must hold. A buffer the transaction does
 * not have fails the rule, negated contents included, as Suricata's
 * inspection engines return no match for a missing buffer.
 *
 * Prefilter, as Suricata's per-buffer MPM: a signature with a positive
 * content in an HTTP buffer (its fast_pattern, else its longest) is a
 * candidate only when that content occurs in that buffer of the
 * transaction, which one matcher per buffer finds for all signatures in
 * a single pass; the others are always candidates.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

bool nfips_engine_has_app(const struct nfips_engine *e)
{
	uint32_t i;

	for (i = 0; i < e->nrules; i++)
		if (e->rules[i]->alproto)
			return true;
	return false;
}

static bool checks_ok(const struct nfips_rule *r, uint32_t buf, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < r->nbufchk; i++)
		if (r->bufchk[i].buf == buf && !nfips_cmp_u32(&r->bufchk[i].cmp, len))
			return false;
	return true;
}

/*
 * The rule's transforms of the buffer (dotprefix: '.' in front) into the
 * engine's scratch buffer; false when out of memory.
 */
static bool transform(struct nfips_engine *e, const struct nfips_rule *r, struct nfips_buf *b)
{
	const uint32_t k = r->dotprefix[b->buf_id];
	uint32_t need = b->len + k;

	if (need > e->xform_cap) {
		uint8_t *p = realloc(e->xform, need);

		if (!p)
			return false;
		e->xform = p;
		e->xform_cap = need;
	}
	memset(e->xform, '.', k);
	memcpy(e->xform + k, b->data, b->len);
	b->data = e->xform;
	b->len = need;
	return true;
}

/* The rule's keywords on one buffer instance. */
static bool buf_match(struct nfips_engine *e, const struct nfips_rule *r, struct nfips_buf *b)
{
	if (!b->data)
		b->data = (const uint8_t *)"";
	if (r->dotprefix[b->buf_id] && !transform(e, r, b))
		return false;
	return checks_ok(r, b->buf_id, b->len) && nfips_eval_payload(e->ev, r, b) == 1;
}

/* A multi-buffer matches when one of its instances does (Suricata's MultiBuffer). */
static bool multi_match(struct nfips_engine *e, const struct nfips_rule *r,
			const struct nfips_tx *tx, uint32_t id)
{
	struct nfips_buf b = { .buf_id = id };
	uint32_t idx;

	for (idx = 0; tx->get_multi && tx->get_multi(tx, id, idx, &b.data, &b.len); idx++)
		if (buf_match(e, r, &b))
			return true;
	return false;
}

bool app_tx_match(struct nfips_engine *e, const struct sig *s, const struct nfips_tx *tx)
{
	const struct nfips_rule *r = s->r;
	uint32_t id;

	for (id = 1; id < NFIPS_BUF_COUNT; id++) {
		struct nfips_buf b = { .buf_id = id };

		if (!(r->bufs & (1ull << id)))
			continue;
		if (nfips_buf_def(id)->multi) {
			if (!multi_match(e, r, tx, id))
				return false;
			continue;
		}
		if (!tx->get(tx, id, &b.data, &b.len) || !buf_match(e, r, &b))
			return false;
	}
	return true;
}

/*
 * The bytes content @i of @r prefilters with: the fast_pattern part, and
 * on a dotprefix buffer without up to that many leading dots (a content
 * found in "." + buffer has the rest of it in the buffer, which is what
 * the matcher scans); false when nothing is left.
 */
static bool fp_bytes(const struct nfips_rule *r, uint32_t i, const uint8_t **b, uint32_t *n)
{
	const struct nfips_content *c = &r->matches[i].u.content;
	uint32_t start = 0, end = c->len, dots = 0;

	if (c->flags & NFIPS_C_FP_CHOP) {
		start = c->fp_off;
		end = c->fp_off + c->fp_len;
	}
	while (dots < r->dotprefix[r->matches[i].buf] && dots < c->len && c->bytes[dots] == '.')
		dots++;
	if (start < dots)
		start = dots;
	if (end <= start)
		return false;
	*b = c->bytes + start;
	*n = end - start;
	return true;
}

/* The content prefiltering @r: fast_pattern, else the longest; -1 none. */
static int32_t app_fp(const struct nfips_rule *r)
{
	int32_t best = -1;
	uint32_t i, len = 0, n;
	const uint8_t *b;

	for (i = 0; i < r->nmatches; i++) {
		const struct nfips_content *c = &r->matches[i].u.content;

		if (r->matches[i].type != NFIPS_MATCH_CONTENT || !r->matches[i].buf ||
		    (c->flags & NFIPS_C_NEGATED) || !fp_bytes(r, i, &b, &n))
			continue;
		if (c->flags & NFIPS_C_FAST_PATTERN)
			return (int32_t)i;
		if (c->len > len) {
			best = (int32_t)i;
			len = c->len;
		}
	}
	return best;
}

int app_prefilter_build(struct nfips_engine *e, const struct nfips_engine_limits *lim,
			struct nfips_err *err)
{
	struct nfips_ac_limits al = { 0 };
	struct nfips_ac_pattern *pats;
	uint32_t *n, k, id, bad;
	int ret = -ENOMEM;

	e->app_cand = calloc(e->napp + 1, 1);
	e->app_clist = calloc(e->napp + 1, sizeof(uint32_t));
	e->app_nofp[0] = calloc(e->napp + 1, sizeof(uint32_t));
	e->app_nofp[1] = calloc(e->napp + 1, sizeof(uint32_t));
	pats = calloc(e->napp + 1, sizeof(*pats));
	n = calloc(NFIPS_BUF_COUNT, sizeof(*n));
	if (!e->app_cand || !e->app_clist || !e->app_nofp[0] || !e->app_nofp[1] || !pats || !n)
		goto out;
	if (lim) {
		al.max_patterns = lim->max_patterns;
		al.max_states = lim->max_states;
		al.max_bytes = lim->max_bytes;
	}
	for (k = 0; k < e->napp; k++) {
		const struct nfips_rule *r = e->sigs[e->app[k]].r;

		if (!e->no_prefilter && app_fp(r) >= 0)
			continue;
		if (r->app_dir & NFIPS_FLOW_TO_SERVER)
			e->app_nofp[0][e->napp_nofp[0]++] = k;
		if (r->app_dir & NFIPS_FLOW_TO_CLIENT)
			e->app_nofp[1][e->napp_nofp[1]++] = k;
	}
	for (id = 1; id < NFIPS_BUF_COUNT; id++) {
		uint32_t np = 0;

		for (k = 0; k < e->napp && !e->no_prefilter; k++) {
			const struct nfips_rule *r = e->sigs[e->app[k]].r;
			int32_t fp = app_fp(r);
			const struct nfips_content *c;

			if (fp < 0 || r->matches[fp].buf != id)
				continue;
			c = &r->matches[fp].u.content;
			fp_bytes(r, (uint32_t)fp, &pats[np].bytes, &pats[np].len);
			/* A prefix prefilters exactly; the rest is checked later. */
			if (pats[np].len > NFIPS_AC_MAX_LEN)
				pats[np].len = NFIPS_AC_MAX_LEN;
			pats[np].flags = (c->flags & NFIPS_C_NOCASE) ? NFIPS_AC_NOCASE : 0;
			pats[np++].id = k;
		}
		if (!np)
			continue;
		ret = nfips_ac_build(&e->app_ac[id], pats, np, &al, &bad);
		if (ret) {
			if (err)
				snprintf(err->msg, sizeof(err->msg), "matcher of %s: %s",
					 nfips_buf_def(id)->name, nfips_ac_strerror(ret));
			goto out;
		}
		e->stats.patterns += np;
		e->stats.matcher_bytes += nfips_ac_mem(e->app_ac[id]);
	}
	ret = 0;
out:
	free(pats);
	free(n);
	return ret;
}

void app_prefilter_free(struct nfips_engine *e)
{
	uint32_t id;

	for (id = 0; id < NFIPS_BUF_COUNT; id++)
		nfips_ac_free(e->app_ac[id]);
	free(e->app_cand);
	free(e->xform);
	free(e->app_clist);
	free(e->app_nofp[0]);
	free(e->app_nofp[1]);
}

static int on_app_pattern(void *ctx, uint32_t id, uint32_t end)
{
	struct nfips_engine *e = ctx;

	(void)end;
	if (!e->app_cand[id]) {
		e->app_cand[id] = 1;
		e->app_clist[e->napp_clist++] = id;
	}
	return 0;
}

static int u32cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

uint32_t app_candidates(struct nfips_engine *e, const struct nfips_tx *tx, int dir)
{
	uint32_t id, i;

	e->napp_clist = 0;
	for (i = 0; i < e->napp_nofp[dir]; i++) {
		e->app_cand[e->app_nofp[dir][i]] = 1;
		e->app_clist[e->napp_clist++] = e->app_nofp[dir][i];
	}
	for (id = 1; id < NFIPS_BUF_COUNT; id++) {
		const struct nfips_bufdef *def = nfips_buf_def(id);
		const uint8_t *d;
		uint32_t len, idx;

		if (!e->app_ac[id] ||
		    !(def->dirs & (dir ? NFIPS_FLOW_TO_CLIENT : NFIPS_FLOW_TO_SERVER)))
			continue;
		if (!def->multi) {
			if (tx->get(tx, id, &d, &len) && len)
				nfips_ac_scan(e->app_ac[id], 0, d, len, on_app_pattern, e);
			continue;
		}
		for (idx = 0; tx->get_multi && tx->get_multi(tx, id, idx, &d, &len); idx++)
			if (len)
				nfips_ac_scan(e->app_ac[id], 0, d, len, on_app_pattern, e);
	}
	for (i = 0; i < e->napp_clist; i++)
		e->app_cand[e->app_clist[i]] = 0;
	/* Signature order, as the other candidates. */
	qsort(e->app_clist, e->napp_clist, sizeof(uint32_t), u32cmp);
	return e->napp_clist;
}

/*
 * As Suricata's DetectRunTx after the packet and stream signatures: per
 * transaction, its prefilter candidates in signature order, one match
 * (and alert) per transaction a signature matches.
 */
bool app_run(struct nfips_engine *e, const struct nfips_pkt *p,
	     const struct nfips_flow *f, struct nfips_flowstate *fs, uint8_t pm)
{
	const uint32_t dir = f->to_server ? NFIPS_FLOW_TO_SERVER : NFIPS_FLOW_TO_CLIENT;
	bool oom = false, sm;
	uint32_t t, i, n;

	for (t = 0; t < f->ntxs; t++) {
		n = app_candidates(e, f->txs[t], f->to_server ? 0 : 1);
		for (i = 0; i < n; i++) {
			const uint32_t k = e->app[e->app_clist[i]];
			const struct sig *s = &e->sigs[k];

			if (!(s->r->app_dir & dir) || !(s->proto_mask & (1u << pm)) ||
			    !sig_matches(e, s, p, f, fs, NULL, &sm) ||
			    !app_tx_match(e, s, f->txs[t]))
				continue;
			flowbits_update(s, fs);
			if (s->nxb)
				xbits_update(e, s, p);
			if (!queue_push(e, k, false))
				oom = true;
		}
	}
	return oom;
}
