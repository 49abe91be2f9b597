// SPDX-License-Identifier: GPL-2.0
/*
 * Candidates among the IP-only signatures of a packet, by address.
 *
 * IP-only signatures (block lists: hundreds of networks each, a thousand
 * signatures in ET Open) run on the first packet of each flow direction;
 * testing every one costs a binary search per signature. Instead, per
 * address family, each signature's narrower address set (source or
 * destination, whichever covers fewer addresses) goes into one of two
 * interval indexes: the one looked up with the packet's source address or
 * the one looked up with its destination (a reversed "<>" signature
 * swaps them). The elementary intervals between all range boundaries
 * each list the signatures covering them, so one binary search per index
 * gives every signature whose key set holds the packet's address; the
 * header check then decides, in signature order. A signature not in the
 * index of a family cannot match that family. Exact by construction: a
 * signature is only left out when its key set lacks the address.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

typedef unsigned __int128 u128;

struct iprange {
	u128 lo, hi;
	uint32_t k;		/* position in e->iponly */
};

static int k_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct ev {
	u128 at;
	uint32_t k;
	int add;
};

static int ev_cmp(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->add - y->add;	/* removals first */
}

/* Builds one index from @n ranges; 0, or -1 (out of memory or too big). */
static int index_build(struct ipidx *ix, struct iprange *r, uint32_t n, uint32_t nsig)
{
	struct ev *ev = calloc(2 * (size_t)n + 1, sizeof(*ev));
	uint32_t *cnt = calloc(nsig + 1, sizeof(uint32_t));
	uint32_t *active = calloc(nsig + 1, sizeof(uint32_t));
	uint32_t *pos = calloc(nsig + 1, sizeof(uint32_t));
	size_t ne = 0, i, j, nact = 0, total = 0, cap = 0;
	int ret = -1;

	memset(ix, 0, sizeof(*ix));
	if (!ev || !cnt || !active || !pos)
		goto out;
	for (i = 0; i < n; i++) {
		ev[ne++] = (struct ev){ r[i].lo, r[i].k, 1 };
		if (r[i].hi != (u128)-1)	/* the end of the space needs no removal */
			ev[ne++] = (struct ev){ r[i].hi + 1, r[i].k, 0 };
	}
	qsort(ev, ne, sizeof(*ev), ev_cmp);
	ix->at = calloc(ne + 1, sizeof(u128));
	ix->first = calloc(ne + 2, sizeof(uint32_t));
	if (!ix->at || !ix->first)
		goto out;
	/* Sweep: after the events at one address, the active set is an interval's. */
	for (i = 0; i < ne; i = j) {
		for (j = i; j < ne && ev[j].at == ev[i].at; j++) {
			uint32_t k = ev[j].k;

			if (ev[j].add) {
				if (!cnt[k]++) {
					pos[k] = (uint32_t)nact;
					active[nact++] = k;
				}
			} else if (!--cnt[k]) {
				uint32_t last = active[--nact];

				active[pos[k]] = last;
				pos[last] = pos[k];
			}
		}
		if (total + nact > (16u << 20))
			goto out;	/* pathological overlap: use the linear walk */
		if (total + nact > cap) {
			size_t nc = cap ? cap * 2 : 1024;
			uint32_t *l;

			while (nc < total + nact)
				nc *= 2;
			l = realloc(ix->list, nc * sizeof(uint32_t));
			if (!l)
				goto out;
			ix->list = l;
			cap = nc;
		}
		ix->at[ix->n] = ev[i].at;
		ix->first[ix->n] = (uint32_t)total;
		memcpy(ix->list + total, active, nact * sizeof(uint32_t));
		total += nact;
		ix->n++;
	}
	ix->first[ix->n] = (uint32_t)total;
	ret = 0;
out:
	free(ev);
	free(cnt);
	free(active);
	free(pos);
	if (ret)
		iponly_index_free_one(ix);
	return ret;
}

void iponly_index_free_one(struct ipidx *ix)
{
	free(ix->at);
	free(ix->first);
	free(ix->list);
	memset(ix, 0, sizeof(*ix));
}

/* Addresses a family's part of @s covers (the whole family for "any"). */
static long double coverage(const struct nfips_addrset *s, int fam)
{
	const struct nfips_range *v = fam == 4 ? s->v4 : s->v6;
	uint32_t n = fam == 4 ? s->n4 : s->n6, i;
	long double c = 0;

	if (s->any)
		return fam == 4 ? 4294967296.0L : 3.4028236692093846e38L;
	for (i = 0; i < n; i++)
		c += (long double)(v[i].hi - v[i].lo) + 1;
	return c;
}

static int add_ranges(struct iprange **r, uint32_t *n, uint32_t *cap,
		      const struct nfips_addrset *s, int fam, uint32_t k)
{
	const struct nfips_range *v = fam == 4 ? s->v4 : s->v6;
	uint32_t m = s->any ? 1 : fam == 4 ? s->n4 : s->n6, i;

	if (*n + m > *cap) {
		uint32_t nc = *cap ? *cap : 1024;
		struct iprange *x;

		while (nc < *n + m)
			nc *= 2;
		x = realloc(*r, nc * sizeof(*x));
		if (!x)
			return -1;
		*r = x;
		*cap = nc;
	}
	for (i = 0; i < m; i++) {
		if (s->any)
			(*r)[*n] = (struct iprange){ 0, fam == 4 ? 0xffffffffu : (u128)-1, k };
		else
			(*r)[*n] = (struct iprange){ v[i].lo, v[i].hi, k };
		(*n)++;
	}
	return 0;
}

int iponly_index_build(struct nfips_engine *e)
{
	struct iprange *r[2][2] = { { NULL } };
	uint32_t n[2][2] = { { 0 } }, cap[2][2] = { { 0 } };
	int f, x, ret = -1;
	uint32_t k;

	for (k = 0; k < e->niponly; k++) {
		const struct sig *s = &e->sigs[e->iponly[k]];
		const struct nfips_rule *rl = s->r;

		for (f = 0; f < 2; f++) {
			int fam = f ? 6 : 4;
			/* the narrower set is the key; which packet address it tests */
			bool key_src = coverage(&rl->src, fam) <= coverage(&rl->dst, fam);
			const struct nfips_addrset *set = key_src ? &rl->src : &rl->dst;

			x = key_src != s->rev ? 0 : 1;	/* 0: packet source, 1: destination */
			if (add_ranges(&r[f][x], &n[f][x], &cap[f][x], set, fam, k))
				goto out;
		}
	}
	for (f = 0; f < 2; f++)
		for (x = 0; x < 2; x++)
			if (index_build(&e->ipidx[f][x], r[f][x], n[f][x], e->niponly))
				goto out;
	e->ipidx_ok = true;
	ret = 0;
out:
	for (f = 0; f < 2; f++)
		for (x = 0; x < 2; x++)
			free(r[f][x]);
	if (ret) {
		for (f = 0; f < 2; f++)
			for (x = 0; x < 2; x++)
				iponly_index_free_one(&e->ipidx[f][x]);
		e->ipidx_ok = false;
	}
	return 0;	/* without an index, every IP-only signature is tried */
}

static void lookup(const struct ipidx *ix, u128 a, uint32_t *out, uint32_t *n)
{
	uint32_t lo = 0, hi = ix->n, i;

	/* the last interval starting at or before a */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ix->at[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return;
	for (i = ix->first[lo - 1]; i < ix->first[lo]; i++)
		out[(*n)++] = ix->list[i];
}

static u128 addr_num(const struct nfips_pkt *p, const uint8_t *a)
{
	u128 v = 0;
	int i, len = p->family == 4 ? 4 : 16;

	for (i = 0; i < len; i++)
		v = v << 8 | a[i];
	return v;
}

uint32_t iponly_candidates(struct nfips_engine *e, const struct nfips_pkt *p, uint32_t *out)
{
	int f = p->family == 4 ? 0 : 1;
	uint32_t n = 0, k;

	if (!e->ipidx_ok || e->no_prefilter) {
		for (k = 0; k < e->niponly; k++)
			out[n++] = k;
		return n;
	}
	lookup(&e->ipidx[f][0], addr_num(p, p->src), out, &n);
	lookup(&e->ipidx[f][1], addr_num(p, p->dst), out, &n);
	if (n > 1)
		qsort(out, n, sizeof(uint32_t), k_cmp);
	return n;
}
