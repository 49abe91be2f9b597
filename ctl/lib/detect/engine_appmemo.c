// SPDX-License-Identifier: GPL-2.0
/*
 * What the application-layer inspection of a transaction need not redo.
 *
 * Transformed buffers: every distinct (buffer, transform chain) of the
 * loaded rules is one chain; within one hand-out of a transaction
 * (one app_run pass over it) each instance of a chain is transformed
 * once, for the prefilter and for every rule using it, as Suricata's
 * InspectionBufferGet caches a transformed list per transaction.
 *
 * Rules waiting on a transaction: a rule that did not match a
 * transaction side yet (APP_NO_MATCH) is remembered with the hand-out it
 * was evaluated at. When it is a candidate again, it is evaluated only if
 * one of its buffers changed since: its outcome depends on nothing else
 * (the packet and flow tests in sig_matches run every time), but for
 * payload keywords (the stream) and integer tests of the transaction's
 * state (tls.version changes with a record header, dns.opcode), which
 * are always evaluated again. A buffer's content is
 * observed as a keyed SipHash of its bytes (every instance of a
 * multi-buffer, with lengths and presence) whenever a rule using it is
 * evaluated or might be skipped; "changed" is the last hand-out at which
 * an observation differed from the previous one, so a rule evaluated at
 * hand-out g is skipped only when every observation since g equals the
 * one it was evaluated on. The key is random per engine, so a sender
 * cannot build two buffers that look alike to it.
 *
 * Where the parser names a buffer's bytes itself (struct nfips_tx's
 * ident: an HTTP body, append-only, is its window's start and end), the
 * observation is that name and the bytes are not read: hashing every
 * body at every hand-out of its growing side was 4.5% of a replay with
 * ET Open, and a growing body differs each time anyway. No sender can
 * make that name match bytes other than those it was given for: bytes
 * of an append-only buffer never change once there, so equal names are
 * equal bytes by construction, not by the improbability of a collision;
 * a window that moved or grew is a new name, and the rule is evaluated
 * again (at worst once more than needed, never once less). A pointer
 * and a length would not do: memory freed and reused can hold other
 * bytes at the same address, and a buffer rebuilt in place can keep its
 * length (test_unchanged in xform_test.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* Same buffer, same transforms with the same options: one chain. */
static bool same_chain(const struct nfips_xforms *a, const struct nfips_xforms *b)
{
	uint32_t i;

	if (a->buf != b->buf || a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		const struct nfips_xform *x = &a->x[i], *y = &b->x[i];

		if (x->type != y->type || x->keylen != y->keylen ||
		    (x->keylen && memcmp(x->key, y->key, x->keylen)) ||
		    !x->source != !y->source || (x->source && strcmp(x->source, y->source)))
			return false;
	}
	return true;
}

int app_chains_build(struct nfips_engine *e)
{
	uint32_t k, i, c, total = 0;

	e->app_xid = calloc(e->napp + 1, sizeof(*e->app_xid));
	if (!e->app_xid)
		return -ENOMEM;
	for (k = 0; k < e->napp; k++)
		total += e->sigs[e->app[k]].r->nxforms;
	e->xch = calloc(total + 1, sizeof(*e->xch));
	e->xid_flat = calloc(total + 1, sizeof(uint32_t));
	if (!e->xch || !e->xid_flat)
		return -ENOMEM;
	total = 0;
	for (k = 0; k < e->napp; k++) {
		const struct nfips_rule *r = e->sigs[e->app[k]].r;

		e->app_xid[k] = e->xid_flat + total;
		for (i = 0; i < r->nxforms; i++) {
			for (c = 0; c < e->nxch && !same_chain(e->xch[c].x, &r->xforms[i]); c++)
				;
			if (c == e->nxch)
				e->xch[e->nxch++].x = &r->xforms[i];
			e->app_xid[k][i] = c;
		}
		total += r->nxforms;
	}
	return 0;
}

uint32_t app_chain_of(const struct nfips_engine *e, const struct nfips_xforms *x)
{
	uint32_t c;

	for (c = 0; c < e->nxch && !same_chain(e->xch[c].x, x); c++)
		;
	return c;
}

void app_chains_free(struct nfips_engine *e)
{
	uint32_t c, i;

	for (c = 0; e->xch && c < e->nxch; c++) {
		for (i = 0; i < e->xch[c].nv; i++)
			free(e->xch[c].v[i].d);
		free(e->xch[c].v);
	}
	free(e->xch);
	free(e->xid_flat);
	free(e->app_xid);
}

bool app_xform(struct nfips_engine *e, uint32_t chain, uint32_t inst, struct nfips_buf *b)
{
	struct xchain *ch = &e->xch[chain];
	struct xinst *v;

	if (inst >= ch->nv) {
		uint32_t n = inst + 1 > 2 * ch->nv ? inst + 1 : 2 * ch->nv;
		struct xinst *nv = realloc(ch->v, n * sizeof(*nv));

		if (!nv)
			return false;
		memset(nv + ch->nv, 0, (n - ch->nv) * sizeof(*nv));
		ch->v = nv;
		ch->nv = n;
	}
	v = &ch->v[inst];
	if (v->stamp != e->app_stamp) {
		struct nfips_buf t = *b;

		if (!xform_apply(e, ch->x, &t))
			return false;
		if (t.len > v->cap) {
			uint8_t *d = realloc(v->d, t.len);

			if (!d)
				return false;
			v->d = d;
			v->cap = t.len;
		}
		if (t.len)
			memcpy(v->d, t.data, t.len);
		v->len = t.len;
		v->stamp = e->app_stamp;
	}
	b->data = v->len ? v->d : (const uint8_t *)"";
	b->len = v->len;
	return true;
}

/* The side's memo for this engine (new with the done bits); NULL: no memory. */
static struct nfips_txmemo *memo(const struct nfips_tx *tx)
{
	struct nfips_txdet *d = tx->det;

	if (!d->memo)
		d->memo = calloc(1, sizeof(*d->memo));
	return d->memo;
}

void app_memo_handout(const struct nfips_tx *tx, const uint64_t *win)
{
	struct nfips_txmemo *m = tx->det ? memo(tx) : NULL;

	if (m && !m->win_set && win) {
		m->win = *win;
		m->win_set = true;
	}

	/* a side handed out 2^32 times starts over: nothing is skipped */
	if (m && ++m->handout == UINT32_MAX) {
		memset(m->obs, 0, sizeof(m->obs));
		m->np = 0;	/* the payload window and matches stay */
		m->nsorted = 0;
		m->handout = 1;
	}
}

/* Buffer @id of @tx now, hashed: its presence, instances and bytes. */
static uint64_t buf_hash(const struct nfips_engine *e, const struct nfips_tx *tx, uint32_t id)
{
	const uint8_t *d;
	uint32_t len, i;
	uint64_t h = 0x9e3779b97f4a7c15ull;

	if (!nfips_buf_multi(id)) {
		if (tx->ident && tx->ident(tx, id, &h))
			return h;
		if (!tx->get(tx, id, &d, &len))
			return 0;
		return nfips_siphash(&e->app_hkey, d ? d : (const uint8_t *)"", len) ^ len;
	}
	for (i = 0; tx->get_nth && tx->get_nth(tx, id, i, &d, &len); i++)
		h = (h ^ nfips_siphash(&e->app_hkey, d ? d : (const uint8_t *)"", len) ^ len) *
		    0x100000001b3ull + i;
	return h;
}

/* Observes the buffers of @bufs at this hand-out (once each). */
static void observe(const struct nfips_engine *e, const struct nfips_tx *tx,
		    struct nfips_txmemo *m, uint64_t bufs)
{
	uint32_t id;
	uint64_t h;

	for (id = 1; id < NFIPS_BUF_COUNT; id++) {
		struct bufobs *o = &m->obs[id];

		if (!(bufs & (1ull << id)) || o->seen == m->handout)
			continue;
		h = buf_hash(e, tx, id);
		if (!o->seen || o->h != h)
			o->changed = m->handout;
		o->h = h;
		o->seen = m->handout;
	}
}

static struct pending *find(struct nfips_txmemo *m, uint32_t sig)
{
	uint32_t lo = 0, hi = m->nsorted;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (m->p[mid].sig < sig)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->nsorted && m->p[lo].sig == sig ? &m->p[lo] : NULL;
}

bool app_memo_window(const struct nfips_tx *tx, uint64_t *start)
{
	const struct nfips_txmemo *m = tx->det ? tx->det->memo : NULL;

	if (!m || !m->win_set)
		return false;
	*start = m->win;
	return true;
}

bool app_memo_payload(const struct nfips_engine *e, const struct nfips_tx *tx, uint32_t c,
		      bool set)
{
	struct nfips_txmemo *m = tx->det ? tx->det->memo : NULL;

	if (!m)
		return false;
	if (set && !m->paid)
		m->paid = calloc(e->napp / 8 + 1, 1);
	if (!m->paid)
		return false;	/* without memory: inspected again */
	if (set)
		m->paid[c / 8] |= (uint8_t)(1u << (c % 8));
	return m->paid[c / 8] & (1u << (c % 8));
}

bool app_memo_skip(const struct nfips_engine *e, const struct nfips_tx *tx, uint32_t c)
{
	struct nfips_txmemo *m = tx->det ? tx->det->memo : NULL;
	const struct pending *p;
	uint64_t bufs;
	uint32_t id;

	if (!m || !(p = find(m, c)) || p->at == UINT32_MAX)
		return false;
	/* the stream and the state's integers change without the buffers */
	if ((e->sigs[e->app[c]].r->eflags & NFIPS_E_PAYLOAD) || e->sigs[e->app[c]].r->ntxchk)
		return false;
	bufs = e->sigs[e->app[c]].r->bufs;
	observe(e, tx, m, bufs);
	for (id = 1; id < NFIPS_BUF_COUNT; id++)
		if ((bufs & (1ull << id)) && m->obs[id].changed > p->at)
			return false;
	return true;
}

/*
 * Appends @c: the candidates of a hand-out come in ascending order, so
 * the list is a sorted part and a sorted tail until app_memo_compact.
 */
static bool append(struct nfips_txmemo *m, uint32_t c, uint32_t at)
{
	if (m->np == m->cap) {
		uint32_t cap = m->cap ? 2 * m->cap : 16;
		struct pending *p = realloc(m->p, cap * sizeof(*p));

		if (!p)
			return false;
		m->p = p;
		m->cap = cap;
	}
	m->p[m->np++] = (struct pending){ .sig = c, .at = at };
	return true;
}

void app_memo_result(const struct nfips_engine *e, const struct nfips_tx *tx, uint32_t c,
		     bool waiting)
{
	struct nfips_txmemo *m = tx->det ? tx->det->memo : NULL;
	struct pending *p;

	if (!m)
		return;
	p = find(m, c);
	if (!waiting) {
		if (p)
			p->at = UINT32_MAX;
		return;
	}
	observe(e, tx, m, e->sigs[e->app[c]].r->bufs);
	if (p)
		p->at = m->handout;
	else
		append(m, c, m->handout);	/* without memory: evaluated again */
}

static int pend_cmp(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	return x->sig < y->sig ? -1 : x->sig > y->sig;
}

void app_memo_compact(const struct nfips_tx *tx)
{
	struct nfips_txmemo *m = tx->det ? tx->det->memo : NULL;
	uint32_t i, n = 0;

	if (!m)
		return;
	if (m->np > m->nsorted)
		qsort(m->p, m->np, sizeof(*m->p), pend_cmp);
	for (i = 0; i < m->np; i++)
		if (m->p[i].at != UINT32_MAX)
			m->p[n++] = m->p[i];
	m->np = n;
	m->nsorted = n;
}
