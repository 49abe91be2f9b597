// SPDX-License-Identifier: GPL-2.0
/*
 * xbits, as Suricata 7 keeps them (detect-xbits.c, host-bit.c,
 * ippair-bit.c): a named bit set on a host (track ip_src: the packet's
 * source, ip_dst: its destination) or on an address pair (ip_pair, the
 * two addresses in either order), shared by every flow, until its expiry:
 * the packet's time in whole seconds plus the rule's expire (30 s by
 * default). "set" on a set bit moves its expiry; a bit whose expiry is
 * before the packet's second reads as unset. Host bits and pair bits are
 * separate name spaces; ip_src and ip_dst share the host's bits.
 *
 * Entries live in one open-addressed table per engine. Expired and unset
 * entries are dropped whenever the table fills; when it is full of live
 * bits a "set" fails, as Suricata's fails when its host or ippair memcap
 * is reached.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

#define XB_HOST	1
#define XB_PAIR	2

int xb_init(struct xb_table *t, uint32_t max)
{
	memset(t, 0, sizeof(*t));
	nfips_hkey_random(&t->key);
	t->max = max ? max : (1u << 20);
	return 0;
}

void xb_free(struct xb_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static uint64_t hash(const struct xb_table *t, const struct xb_entry *k)
{
	uint8_t b[37];

	memcpy(b, &k->idx, 4);
	b[4] = k->kind;
	memcpy(b + 5, k->a, 16);
	memcpy(b + 21, k->b, 16);
	return nfips_siphash(&t->key, b, sizeof(b));
}

static bool same(const struct xb_entry *x, const struct xb_entry *k)
{
	return x->idx == k->idx && x->kind == k->kind && !memcmp(x->a, k->a, 16) &&
	       !memcmp(x->b, k->b, 16);
}

/* The slot of @k, or the empty slot where it would go. */
static struct xb_entry *slot(struct xb_table *t, const struct xb_entry *k)
{
	uint32_t i = (uint32_t)hash(t, k) & (t->cap - 1);

	for (;; i = (i + 1) & (t->cap - 1)) {
		struct xb_entry *e = &t->v[i];

		if (!e->used || same(e, k))
			return e;
	}
}

/* Keeps the bits still set at second @now, in @cap slots. */
static int rehash(struct xb_table *t, uint32_t cap, uint64_t now)
{
	struct xb_entry *old = t->v;
	uint32_t oldcap = t->cap, i;

	t->v = calloc(cap, sizeof(*t->v));
	if (!t->v) {
		t->v = old;
		return -1;
	}
	t->cap = cap;
	t->n = 0;
	for (i = 0; i < oldcap; i++) {
		if (!old[i].used || !old[i].set || old[i].expire < now)
			continue;
		*slot(t, &old[i]) = old[i];
		t->n++;
	}
	free(old);
	return 0;
}

static int make_room(struct xb_table *t, uint64_t now)
{
	uint32_t cap = t->cap ? t->cap : 1024;

	if (t->cap && (t->n + 1) * 4 <= t->cap * 3)
		return 0;
	if (t->cap && rehash(t, t->cap, now))
		return -1;
	while ((t->n + 1) * 4 > cap * 3 && cap * 2 <= t->max)
		cap *= 2;
	if (cap != t->cap && rehash(t, cap, now))
		return -1;
	return (t->n + 1) * 4 > t->cap * 3 ? -1 : 0;
}

static void addr(const struct nfips_pkt *p, const uint8_t *a, uint8_t out[16])
{
	memset(out, 0, 16);
	memcpy(out, a, p->family == 4 ? 4 : 16);
}

/* The key of one xbits keyword for packet @p. */
static void key(const struct xbref *x, const struct nfips_pkt *p, struct xb_entry *k)
{
	memset(k, 0, sizeof(*k));
	k->idx = x->idx;
	k->kind = (uint8_t)((x->track == NFIPS_XB_IP_PAIR ? XB_PAIR : XB_HOST) |
			    (p->family == 6 ? 0x10 : 0));
	switch (x->track) {
	case NFIPS_XB_IP_SRC:
		addr(p, p->src, k->a);
		break;
	case NFIPS_XB_IP_DST:
		addr(p, p->dst, k->a);
		break;
	case NFIPS_XB_IP_PAIR:
		addr(p, p->src, k->a);
		addr(p, p->dst, k->b);
		if (memcmp(k->a, k->b, 16) > 0) {
			uint8_t tmp[16];

			memcpy(tmp, k->a, 16);
			memcpy(k->a, k->b, 16);
			memcpy(k->b, tmp, 16);
		}
		break;
	}
}

static bool is_set(struct xb_table *t, const struct xbref *x, const struct nfips_pkt *p)
{
	struct xb_entry k, *e;

	if (!t->cap)
		return false;
	key(x, p, &k);
	e = slot(t, &k);
	/* HostBitIsset: expired when expire < the packet's second */
	return e->used && e->set && e->expire >= p->ts_usec / 1000000;
}

bool xbits_test(struct nfips_engine *e, const struct sig *s, const struct nfips_pkt *p)
{
	uint32_t i;

	for (i = 0; i < s->nxb; i++) {
		const struct xbref *x = &s->xb[i];

		if (x->cmd == NFIPS_FB_ISSET && !is_set(&e->xb, x, p))
			return false;
		if (x->cmd == NFIPS_FB_ISNOTSET && is_set(&e->xb, x, p))
			return false;
	}
	return true;
}

void xbits_update(struct nfips_engine *e, const struct sig *s, const struct nfips_pkt *p)
{
	const uint64_t now = p->ts_usec / 1000000;
	struct xb_table *t = &e->xb;
	struct xb_entry k, *x;
	uint32_t i;

	for (i = 0; i < s->nxb; i++) {
		const struct xbref *r = &s->xb[i];

		if (r->cmd == NFIPS_FB_UNSET) {
			if (!t->cap)
				continue;
			key(r, p, &k);
			x = slot(t, &k);
			if (x->used)
				x->set = 0;	/* the slot stays until the next rehash */
			continue;
		}
		if (r->cmd != NFIPS_FB_SET)
			continue;
		key(r, p, &k);
		x = t->cap ? slot(t, &k) : NULL;
		if (!x || !x->used) {
			if (make_room(t, now))
				continue;	/* Suricata: no host/ippair, no bit */
			x = slot(t, &k);
			*x = k;
			x->used = 1;
			t->n++;
		}
		x->set = 1;
		x->expire = now + r->expire;
	}
}
