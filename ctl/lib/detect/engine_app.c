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
 * Prefilter, as Suricata's per-list MPM: a signature with a positive
 * content in a buffer (its fast_pattern, else its longest) is a
 * candidate only when that content occurs in that buffer of the
 * transaction (in one of its instances), transformed as the rule
 * transforms it, which one matcher per buffer and one per transformed
 * list (a buffer and a transform chain) find for all signatures in a
 * single pass; the others are always candidates.
 *
 * A rule that also has payload keywords (no sticky buffer) inspects the
 * stream, or the UDP packet, as one more engine of the transaction
 * (payload_match); the packet prefilter leaves such rules alone.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static bool checks_ok(const struct nfips_rule *r, uint32_t buf, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < r->nbufchk; i++)
		if (r->bufchk[i].buf == buf && !nfips_cmp_u32(&r->bufchk[i].cmp, len))
			return false;
	return true;
}

/*
 * Instance @inst of buffer @id for app sig @c: its transforms (bsize and
 * the keywords see their output, transformed once per hand-out), length
 * tests, keywords. *oom when the transforms found no memory.
 */
static bool buf_match(struct nfips_engine *e, uint32_t c, uint32_t id, uint32_t inst,
		      const uint8_t *data, uint32_t len, bool *oom)
{
	const struct nfips_rule *r = e->sigs[e->app[c]].r;
	struct nfips_buf b = { .buf_id = id, .data = data, .len = len };
	const struct nfips_xforms *xf = nfips_rule_xforms(r, id);

	if (!b.data)
		b.data = (const uint8_t *)"";
	if (xf && !app_xform(e, e->app_xid[c][xf - r->xforms], inst, &b)) {
		*oom = true;
		return false;
	}
	return checks_ok(r, id, b.len) && nfips_eval_payload(e->ev, r, &b) == 1;
}

/*
 * The transaction's integer fields against the rule's tests (dns.opcode,
 * tls.version): APP_MATCH, or the failure, for good when the field is
 * final (APP_CANT_MATCH).
 */
static enum app_result txchecks(const struct nfips_rule *r, const struct nfips_tx *tx)
{
	uint32_t i, id;
	uint64_t v;

	for (i = 0; i < r->ntxchk; i++) {
		id = r->txchk[i].id;
		if (!tx->get_int || !tx->get_int(tx, id, &v) ||
		    (v == r->txchk[i].val) == r->txchk[i].negate)
			return !tx->final_int || tx->final_int(tx, id) ? APP_CANT_MATCH :
									  APP_NO_MATCH;
	}
	return APP_MATCH;
}

/*
 * The payload keywords of an app-layer rule (content without a sticky
 * buffer: pkt_data), as Suricata 7's stream inspection engine of such a
 * rule (detect-engine.c AppendStreamInspectEngine, detect-engine-payload.c
 * DetectEngineInspectStream): over UDP the packet's payload; over TCP the
 * direction's reassembled bytes from where Suricata's raw stream chunk
 * starts when the transaction is first inspected (the end of the data
 * held when the previous request or response of that direction completed:
 * its completion triggers the raw inspection; struct nfips_flowstate's
 * raw_mark) to the newest byte, offsets and depths counting from there.
 * A match is kept for the transaction (the engine's stored flag), so the
 * buffers may complete later.
 */
static bool payload_match(struct nfips_engine *e, uint32_t c, const struct nfips_tx *tx,
			  const struct nfips_pkt *p, const struct nfips_flow *f,
			  const struct nfips_stream *st)
{
	const struct nfips_flowstate *fs = f->state;
	const struct nfips_rule *r = e->sigs[e->app[c]].r;
	struct nfips_buf b = { 0 };
	uint64_t start;
	uint32_t skip = 0;

	if (f->no_payload)
		return false;
	if (app_memo_payload(e, tx, c, false))
		return true;
	if (p->proto == IPPROTO_UDP) {
		b.data = p->payload;
		b.len = p->payload_len;
	} else {
		if (!st || !st->data)
			return false;
		if (!app_memo_window(tx, &start))
			start = fs ? fs->raw_mark[f->to_server ? 0 : 1] :
			     st->anchored ? st->stream_off + st->new_from : 0;
		if (st->anchored && start > st->stream_off)
			skip = start - st->stream_off < st->len ?
			       (uint32_t)(start - st->stream_off) : st->len;
		b.data = st->data + skip;
		b.len = st->len - skip;
	}
	if (nfips_eval_payload(e->ev, r, &b) != 1)
		return false;
	app_memo_payload(e, tx, c, true);
	return true;
}

/*
 * Suricata's DetectRunTxInspectRule over the rule's inspection engines:
 * a buffer missing or not matching fails the rule for good when it is
 * final (the transaction's progress is past it), else for now. A
 * multi-buffer (dns.query) matches when one of its instances, each
 * transformed, does.
 */
enum app_result app_tx_match(struct nfips_engine *e, uint32_t c, const struct nfips_tx *tx,
			     const struct nfips_pkt *p, const struct nfips_flow *f,
			     const struct nfips_stream *st)
{
	const struct nfips_rule *r = e->sigs[e->app[c]].r;
	const enum app_result res = txchecks(r, tx);
	const uint8_t *data;
	uint32_t id, len, i;

	if (res != APP_MATCH)
		return res;
	for (id = 1; id < NFIPS_BUF_COUNT; id++) {
		const bool fin = !tx->final || tx->final(tx, id);
		bool hit = false, oom = false;

		if (!(r->bufs & (1ull << id)))
			continue;
		if (!nfips_buf_multi(id)) {
			if (tx->get(tx, id, &data, &len))
				hit = buf_match(e, c, id, 0, data, len, &oom);
		} else {
			for (i = 0; !hit && !oom && tx->get_nth &&
			     tx->get_nth(tx, id, i, &data, &len); i++)
				hit = buf_match(e, c, id, i, data, len, &oom);
		}
		if (oom)
			return APP_NO_MEM;	/* out of memory: not now */
		if (!hit)
			return fin ? APP_CANT_MATCH : APP_NO_MATCH;
	}
	/* the stream engine, after the buffers' (Suricata appends it) */
	if ((r->eflags & NFIPS_E_PAYLOAD) && !payload_match(e, c, tx, p, f, st))
		return APP_NO_MATCH;
	return APP_MATCH;
}

/*
 * The done bits of @tx for this engine (reset when another engine, after
 * a reload, inspects it); NULL without memory for them.
 */
static uint8_t *tx_done(struct nfips_engine *e, const struct nfips_tx *tx)
{
	struct nfips_txdet *d = tx->det;

	if (d->engine != e->serial || d->nbits < e->napp) {
		nfips_txdet_free(d);
		d->done = calloc((e->napp + 7) / 8 + 1, 1);
		if (!d->done)
			return NULL;
		d->engine = e->serial;
		d->nbits = e->napp;
	}
	return d->done;
}

/* The content prefiltering @r: fast_pattern, else the longest; -1 none. */
static int32_t app_fp(const struct nfips_rule *r)
{
	int32_t best = -1;
	uint32_t i, len = 0;

	for (i = 0; i < r->nmatches; i++) {
		const struct nfips_content *c = &r->matches[i].u.content;

		/* base64_data's decoded bytes are no buffer a prefilter
		 * scans (Suricata has no MPM on that list); a transformed
		 * buffer's content is in its transformed list's (fp_chain). */
		if (r->matches[i].type != NFIPS_MATCH_CONTENT || !r->matches[i].buf ||
		    r->matches[i].b64 || (c->flags & NFIPS_C_NEGATED))
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

/* The prefilter pattern of content @fp of @r, app sig @k. */
static void fp_pattern(const struct nfips_rule *r, int32_t fp, uint32_t k,
		       struct nfips_ac_pattern *p)
{
	const struct nfips_content *c = &r->matches[fp].u.content;

	p->bytes = c->bytes;
	p->len = c->len;
	if (c->flags & NFIPS_C_FP_CHOP) {
		p->bytes += c->fp_off;
		p->len = c->fp_len;
	}
	/* A prefix prefilters exactly; the rest is checked later. */
	if (p->len > NFIPS_AC_MAX_LEN)
		p->len = NFIPS_AC_MAX_LEN;
	p->flags = (c->flags & NFIPS_C_NOCASE) ? NFIPS_AC_NOCASE : 0;
	p->id = k;
}

/* The transformed list of @r's fast pattern; NULL when untransformed. */
static const struct nfips_xforms *fp_chain(const struct nfips_rule *r, int32_t fp)
{
	return fp < 0 || !r->matches[fp].xf ? NULL : &r->xforms[r->matches[fp].xf - 1];
}

static int pat_cmp(const void *a, const void *b)
{
	const struct nfips_ac_pattern *x = a, *y = b;
	int d;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->flags != y->flags)
		return x->flags < y->flags ? -1 : 1;
	d = memcmp(x->bytes, y->bytes, x->len);
	if (d)
		return d;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * The same pattern of many signatures is one pattern of the matcher,
 * reported once per scan with all of them (e->app_pfirst/app_psigs), as
 * Suricata's MPM does: a buffer of 9000 'c' and 200 signatures with
 * "cccccccc" is 9000 reports, not 1.8 million.
 */
static uint32_t dedup(struct nfips_engine *e, struct nfips_ac_pattern *pats, uint32_t np)
{
	uint32_t i, n = 0;

	qsort(pats, np, sizeof(*pats), pat_cmp);
	for (i = 0; i < np; i++) {
		const uint32_t k = pats[i].id;

		if (!i || pats[i].len != pats[n - 1].len || pats[i].flags != pats[n - 1].flags ||
		    memcmp(pats[i].bytes, pats[n - 1].bytes, pats[i].len)) {
			e->app_pfirst[e->app_npat] = e->app_nps;
			pats[n] = pats[i];
			pats[n++].id = e->app_npat++;
		}
		e->app_psigs[e->app_nps++] = k;
	}
	e->app_pfirst[e->app_npat] = e->app_nps;
	return n;
}

static int build_one(struct nfips_engine *e, struct nfips_ac **ac,
		     struct nfips_ac_pattern *pats, uint32_t np,
		     const struct nfips_ac_limits *al, uint32_t id, struct nfips_err *err)
{
	uint32_t bad;
	int ret;

	if (!np)
		return 0;
	np = dedup(e, pats, np);
	ret = nfips_ac_build(ac, pats, np, al, &bad);
	if (ret) {
		if (err)
			snprintf(err->msg, sizeof(err->msg), "matcher of %s: %s",
				 nfips_buf_def(id)->name, nfips_ac_strerror(ret));
		return ret;
	}
	e->stats.patterns += np;
	e->stats.matcher_bytes += nfips_ac_mem(*ac);
	return 0;
}

int app_prefilter_build(struct nfips_engine *e, const struct nfips_engine_limits *lim,
			struct nfips_err *err)
{
	struct nfips_ac_limits al = { 0 };
	struct nfips_ac_pattern *pats;
	const struct nfips_xforms *x;
	uint32_t k, id, l, np, *fch = NULL;
	int32_t fp, *fps = NULL;
	int ret = app_chains_build(e);

	if (ret)
		return ret;
	ret = -ENOMEM;
	e->app_cand = calloc(e->napp + 1, 1);
	e->app_clist = calloc(e->napp + 1, sizeof(uint32_t));
	e->app_nofp[0] = calloc(e->napp + 1, sizeof(uint32_t));
	e->app_nofp[1] = calloc(e->napp + 1, sizeof(uint32_t));
	e->app_xfl = calloc(e->napp + 1, sizeof(*e->app_xfl));
	e->app_pfirst = calloc(e->napp + 2, sizeof(uint32_t));
	e->app_psigs = calloc(e->napp + 1, sizeof(uint32_t));
	e->app_pseen = calloc(e->napp + 1, 1);
	e->app_plist = calloc(e->napp + 1, sizeof(uint32_t));
	pats = calloc(e->napp + 1, sizeof(*pats));
	/* each sig's prefilter content and its chain, found once */
	fps = calloc(e->napp + 1, sizeof(*fps));
	fch = calloc(e->napp + 1, sizeof(*fch));
	if (!fps || !fch || !e->app_cand || !e->app_clist || !e->app_nofp[0] || !e->app_nofp[1] ||
	    !e->app_xfl || !e->app_pfirst || !e->app_psigs || !e->app_pseen ||
	    !e->app_plist || !pats)
		goto out;
	if (lim) {
		al.max_patterns = lim->max_patterns;
		al.max_states = lim->max_states;
		al.max_bytes = lim->max_bytes;
	}
	for (k = 0; k < e->napp; k++) {
		const struct nfips_rule *r = e->sigs[e->app[k]].r;

		fp = fps[k] = app_fp(r);
		x = fp_chain(r, fp);
		fch[k] = x ? app_chain_of(e, x) : UINT32_MAX;
		if (!e->no_prefilter && fp >= 0) {
			/* a new transformed list gets its matcher */
			for (l = 0; x && l < e->napp_xfl && e->app_xfl[l].chain != fch[k]; l++)
				;
			if (x && l == e->napp_xfl) {
				e->app_xfl[e->napp_xfl].x = x;
				e->app_xfl[e->napp_xfl++].chain = fch[k];
			}
			continue;
		}
		if (r->app_dir & NFIPS_FLOW_TO_SERVER)
			e->app_nofp[0][e->napp_nofp[0]++] = k;
		if (r->app_dir & NFIPS_FLOW_TO_CLIENT)
			e->app_nofp[1][e->napp_nofp[1]++] = k;
	}
	for (id = 1; id < NFIPS_BUF_COUNT; id++) {
		np = 0;
		for (k = 0; k < e->napp && !e->no_prefilter; k++) {
			const struct nfips_rule *r = e->sigs[e->app[k]].r;

			fp = fps[k];
			if (fp >= 0 && r->matches[fp].buf == id && fch[k] == UINT32_MAX)
				fp_pattern(r, fp, k, &pats[np++]);
		}
		ret = build_one(e, &e->app_ac[id], pats, np, &al, id, err);
		if (ret)
			goto out;
	}
	for (l = 0; l < e->napp_xfl; l++) {
		np = 0;
		for (k = 0; k < e->napp; k++) {
			const struct nfips_rule *r = e->sigs[e->app[k]].r;

			if (fch[k] == e->app_xfl[l].chain)
				fp_pattern(r, fps[k], k, &pats[np++]);
		}
		ret = build_one(e, &e->app_xfl[l].ac, pats, np, &al, e->app_xfl[l].x->buf, err);
		if (ret)
			goto out;
	}
	ret = 0;
out:
	free(pats);
	free(fps);
	free(fch);
	return ret;
}

void app_prefilter_free(struct nfips_engine *e)
{
	uint32_t id;

	for (id = 0; id < NFIPS_BUF_COUNT; id++)
		nfips_ac_free(e->app_ac[id]);
	free(e->app_cand);
	free(e->app_clist);
	free(e->app_nofp[0]);
	free(e->app_nofp[1]);
	for (id = 0; e->app_xfl && id < e->napp_xfl; id++)
		nfips_ac_free(e->app_xfl[id].ac);
	free(e->app_xfl);
	free(e->app_pfirst);
	free(e->app_psigs);
	free(e->app_pseen);
	free(e->app_plist);
	app_chains_free(e);
}

static int on_app_pattern(void *ctx, uint32_t id, uint32_t end)
{
	struct nfips_engine *e = ctx;
	uint32_t i, k;

	(void)end;
	if (e->app_pseen[id])
		return 0;
	e->app_pseen[id] = 1;
	e->app_plist[e->napp_plist++] = id;
	for (i = e->app_pfirst[id]; i < e->app_pfirst[id + 1]; i++) {
		k = e->app_psigs[i];
		if (!e->app_cand[k]) {
			e->app_cand[k] = 1;
			e->app_clist[e->napp_clist++] = k;
		}
	}
	return 0;
}

static int u32cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* One transformed list's matcher over the transaction's instances. */
static void scan_xf(struct nfips_engine *e, const struct app_xflist *l,
		    const struct nfips_tx *tx, int dir)
{
	const uint32_t id = l->x->buf;
	struct nfips_buf b = { .buf_id = id };
	const uint8_t *d;
	uint32_t k, len;

	if (!(nfips_buf_def(id)->dirs & (dir ? NFIPS_FLOW_TO_CLIENT : NFIPS_FLOW_TO_SERVER)))
		return;
	for (k = 0;; k++) {
		if (nfips_buf_multi(id) ? !tx->get_nth || !tx->get_nth(tx, id, k, &d, &len) :
		    k || !tx->get(tx, id, &d, &len))
			return;
		b.data = d ? d : (const uint8_t *)"";
		b.len = len;
		/* without memory for the transforms: not a candidate, as
		 * app_tx_match could not inspect it either */
		if (app_xform(e, l->chain, k, &b) && b.len)
			nfips_ac_scan(l->ac, 0, b.data, b.len, on_app_pattern, e);
	}
}

_Static_assert(NFIPS_BUF_COUNT <= 64, "struct nfips_tx's grows has a bit per buffer");

struct grown {
	struct nfips_engine *e;
	struct nfips_txpf *pf;
	bool oom;
};

/* A pattern in a growing buffer's new bytes: recorded the first time. */
static int on_grown_pattern(void *ctx, uint32_t id, uint32_t end)
{
	struct grown *g = ctx;
	struct nfips_txpf *pf = g->pf;

	if (!g->e->app_pseen[id] && !g->oom) {
		if (pf->n == pf->cap) {
			uint32_t cap = pf->cap ? pf->cap * 2 : 16;
			uint32_t *v = realloc(pf->pat, cap * sizeof(*v));

			if (!v)
				g->oom = true;
			else
				pf->pat = v, pf->cap = cap;
		}
		if (!g->oom)
			pf->pat[pf->n++] = id;
	}
	return on_app_pattern(g->e, id, end);
}

/*
 * Growing buffer @id of @tx, @len bytes at @d: the patterns found in
 * the bytes scanned at earlier hand-outs are candidates again, and the
 * scan resumes after them, from the matcher state it stopped in (a
 * match straddling the two parts is found). Exact because those bytes
 * cannot have changed (struct nfips_tx's grows); a buffer shorter than
 * what was scanned, another engine, or no memory: a whole scan.
 */
static void scan_grown(struct nfips_engine *e, const struct nfips_tx *tx, uint32_t id,
		       const uint8_t *d, uint32_t len)
{
	struct grown g = { e, NULL, false };
	struct nfips_txpf *pf;
	uint32_t i;

	for (pf = tx->det->pf; pf && pf->id != id; pf = pf->next)
		;
	if (!pf) {
		pf = calloc(1, sizeof(*pf));
		if (!pf) {
			nfips_ac_scan(e->app_ac[id], 0, d, len, on_app_pattern, e);
			return;
		}
		pf->id = id;
		pf->next = tx->det->pf;
		tx->det->pf = pf;
	}
	if (pf->engine != e->serial || len < pf->len) {
		pf->engine = e->serial;
		pf->len = 0;
		pf->st = 0;
		pf->n = 0;
	}
	for (i = 0; i < pf->n; i++)
		on_app_pattern(e, pf->pat[i], 0);
	g.pf = pf;
	pf->st = nfips_ac_scan(e->app_ac[id], pf->st, d + pf->len, len - pf->len,
			       on_grown_pattern, &g);
	pf->len = len;
	if (g.oom)
		pf->engine = 0;	/* a pattern went unrecorded: start over next time */
}

uint32_t app_candidates(struct nfips_engine *e, const struct nfips_tx *tx, int dir)
{
	uint32_t id, i, k;

	e->napp_clist = 0;
	for (i = 0; i < e->napp_nofp[dir]; i++) {
		e->app_cand[e->app_nofp[dir][i]] = 1;
		e->app_clist[e->napp_clist++] = e->app_nofp[dir][i];
	}
	for (id = 1; id < NFIPS_BUF_COUNT; id++) {
		const uint8_t *d;
		uint32_t len;

		if (!e->app_ac[id] || !(nfips_buf_def(id)->dirs &
					(dir ? NFIPS_FLOW_TO_CLIENT : NFIPS_FLOW_TO_SERVER)))
			continue;
		if (!nfips_buf_multi(id)) {
			if (!tx->get(tx, id, &d, &len) || !len)
				continue;
			if (tx->det && (tx->grows & (1ull << id)))
				scan_grown(e, tx, id, d, len);
			else
				nfips_ac_scan(e->app_ac[id], 0, d, len, on_app_pattern, e);
			continue;
		}
		for (k = 0; tx->get_nth && tx->get_nth(tx, id, k, &d, &len); k++)
			if (len)
				nfips_ac_scan(e->app_ac[id], 0, d, len, on_app_pattern, e);
	}
	for (i = 0; i < e->napp_xfl; i++)
		scan_xf(e, &e->app_xfl[i], tx, dir);
	for (i = 0; i < e->napp_clist; i++)
		e->app_cand[e->app_clist[i]] = 0;
	for (i = 0; i < e->napp_plist; i++)
		e->app_pseen[e->app_plist[i]] = 0;
	e->napp_plist = 0;
	/* Signature order, as the other candidates. */
	qsort(e->app_clist, e->napp_clist, sizeof(uint32_t), u32cmp);
	return e->napp_clist;
}

/*
 * As Suricata's DetectRunTx after the packet and stream signatures: per
 * transaction, its prefilter candidates in signature order that are not
 * done with it yet; a rule alerts at most once per transaction, and one
 * that cannot match any more is not tried again.
 */
/* Is @tx's side of direction @dir (NFIPS_FLOW_TO_*) complete? */
static bool side_done(const struct nfips_tx *tx, uint32_t dir, enum nfips_alproto ap)
{
	uint32_t id;

	for (id = 1; tx->final && id < NFIPS_BUF_COUNT; id++)
		if (nfips_buf_def(id)->alproto == ap && (nfips_buf_def(id)->dirs & dir) &&
		    !tx->final(tx, id))
			return false;
	return true;
}

bool app_run(struct nfips_engine *e, const struct nfips_pkt *p,
	     const struct nfips_flow *f, struct nfips_flowstate *fs,
	     const struct nfips_stream *st, uint8_t pm)
{
	const uint32_t dir = f->to_server ? NFIPS_FLOW_TO_SERVER : NFIPS_FLOW_TO_CLIENT;
	const int d = f->to_server ? 0 : 1;
	bool oom = false, sm, done_side = false;
	uint32_t t, i, n;

	for (t = 0; t < f->ntxs; t++) {
		const struct nfips_tx *tx = f->txs[t];
		uint8_t *done = NULL;

		if (tx->det && !(done = tx_done(e, tx))) {
			oom = true;	/* without its memory, no second alert either */
			continue;
		}
		/* a new hand-out: transforms are redone, buffers observed again */
		e->app_stamp++;
		if (done)
			app_memo_handout(tx, fs ? &fs->raw_mark[d] : NULL);
		n = app_candidates(e, tx, f->to_server ? 0 : 1);
		for (i = 0; i < n; i++) {
			const uint32_t c = e->app_clist[i];
			const uint32_t k = e->app[c];
			const struct sig *s = &e->sigs[k];
			enum app_result res;

			if (done && (done[c / 8] & (1u << (c % 8))))
				continue;
			if (!(s->r->app_dir & dir) || !(s->proto_mask & (1u << pm)) ||
			    !sig_matches(e, s, p, f, fs, NULL, &sm))
				continue;
			/* its outcome would be the last one's: no match yet */
			if (done && app_memo_skip(e, tx, c))
				continue;
			res = app_tx_match(e, c, tx, p, f, st);
			if (done && res != APP_NO_MEM)
				app_memo_result(e, tx, c, res == APP_NO_MATCH);
			if (res == APP_NO_MATCH || res == APP_NO_MEM)
				continue;
			if (done)
				done[c / 8] |= (uint8_t)(1u << (c % 8));
			if (res != APP_MATCH)
				continue;
			flowbits_update(s, fs);
			flowint_update(s, fs);
			if (s->nxb)
				xbits_update(e, s, p);
			if (!queue_push(e, k, false, tx))
				oom = true;
		}
		if (done)
			app_memo_compact(tx);
		done_side |= side_done(tx, dir, f->alproto);
	}
	/* a completed side triggers Suricata's raw inspection up to here */
	if (done_side && fs && st && st->anchored)
		fs->raw_mark[d] = st->stream_off + st->len;
	return oom;
}
