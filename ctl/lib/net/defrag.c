// SPDX-License-Identifier: GPL-2.0
/* IP fragment reassembly; see defrag.h. */
#include <stdlib.h>
#include <string.h>

#include "defrag.h"
#include "util/util.h"

#define MAX_DATA	65535u			/* data bytes of a datagram */
#define BLOCKS		((MAX_DATA + 7) / 8)	/* 8-byte fragment blocks */
#define NBUCKETS	1024

struct dg_key {
	uint8_t src[16], dst[16];
	uint32_t id;
	uint16_t vlan[NFIPS_MAX_VLAN];
	uint8_t family, proto;
};

_Static_assert(sizeof(struct dg_key) == 44, "defrag key has padding");

struct dg {
	struct dg *hnext, *prev, *next;	/* chain; list oldest first */
	struct dg_key key;
	uint32_t hash;
	uint64_t first_usec;
	uint8_t *hdr;		/* offset-0 fragment's header, w/o fragment header */
	uint32_t hlen;
	uint32_t nh_off;	/* IPv6 */
	uint8_t nh;
	bool have_first, have_last;
	uint32_t total;		/* data bytes, once the last fragment came */
	uint32_t max_end;	/* furthest data byte seen + 1 */
	uint8_t *data;
	uint32_t cap;
	size_t mem;
	uint64_t map[(BLOCKS + 63) / 64];
};

struct nfips_defrag {
	struct nfips_defrag_cfg cfg;
	struct dg *bucket[NBUCKETS];
	struct dg *oldest, *newest;
	uint32_t count;
	size_t mem;
	struct nfips_defrag_stats st;
	uint8_t *out;
	uint32_t outcap;
	struct nfips_hkey key;	/* buckets: keys come from packets */
};

struct nfips_defrag *nfips_defrag_new(const struct nfips_defrag_cfg *cfg)
{
	struct nfips_defrag *df = calloc(1, sizeof(*df));

	if (!df)
		return NULL;
	if (cfg)
		df->cfg = *cfg;
	if (!df->cfg.max_datagrams)
		df->cfg.max_datagrams = NFIPS_DEFRAG_MAX;
	if (!df->cfg.timeout)
		df->cfg.timeout = NFIPS_DEFRAG_TIMEOUT;
	if (!df->cfg.memcap)
		df->cfg.memcap = NFIPS_DEFRAG_MEMCAP;
	nfips_hkey_random(&df->key);
	return df;
}

void nfips_defrag_get_stats(const struct nfips_defrag *df,
			    struct nfips_defrag_stats *st)
{
	*st = df->st;
}

static uint32_t key_hash(const struct nfips_defrag *df, const struct dg_key *k)
{
	return (uint32_t)nfips_siphash(&df->key, k, sizeof(*k));
}

static void dg_free(struct nfips_defrag *df, struct dg *g)
{
	struct dg **pp = &df->bucket[g->hash % NBUCKETS];

	while (*pp != g)
		pp = &(*pp)->hnext;
	*pp = g->hnext;
	if (g->prev)
		g->prev->next = g->next;
	else
		df->oldest = g->next;
	if (g->next)
		g->next->prev = g->prev;
	else
		df->newest = g->prev;
	df->mem -= g->mem;
	df->count--;
	free(g->hdr);
	free(g->data);
	free(g);
}

void nfips_defrag_free(struct nfips_defrag *df)
{
	if (!df)
		return;
	while (df->oldest)
		dg_free(df, df->oldest);
	free(df->out);
	free(df);
}

static struct dg *dg_get(struct nfips_defrag *df, const struct dg_key *k,
			 uint64_t now)
{
	uint32_t hash = key_hash(df, k);
	struct dg *g;

	for (g = df->bucket[hash % NBUCKETS]; g; g = g->hnext)
		if (g->hash == hash && !memcmp(&g->key, k, sizeof(*k)))
			return g;
	while (df->oldest && (df->count >= df->cfg.max_datagrams ||
			      df->mem + sizeof(*g) > df->cfg.memcap)) {
		df->st.evicted++;
		dg_free(df, df->oldest);
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->key = *k;
	g->hash = hash;
	g->first_usec = now;
	g->mem = sizeof(*g);
	g->hnext = df->bucket[hash % NBUCKETS];
	df->bucket[hash % NBUCKETS] = g;
	g->prev = df->newest;
	if (df->newest)
		df->newest->next = g;
	else
		df->oldest = g;
	df->newest = g;
	df->mem += g->mem;
	df->count++;
	return g;
}

static bool block(const struct dg *g, uint32_t b)
{
	return g->map[b / 64] >> (b % 64) & 1;
}

/* Grows g->data to @n bytes within the memcap. */
static bool dg_reserve(struct nfips_defrag *df, struct dg *g, uint32_t n)
{
	uint32_t cap = g->cap ? g->cap : 2048;
	uint8_t *p;

	if (n <= g->cap)
		return true;
	while (cap < n)
		cap *= 2;
	if (cap > MAX_DATA + 1)
		cap = MAX_DATA + 1;
	if (df->mem + (cap - g->cap) > df->cfg.memcap)
		return false;
	p = realloc(g->data, cap);
	if (!p)
		return false;
	df->mem += cap - g->cap;
	g->mem += cap - g->cap;
	g->data = p;
	g->cap = cap;
	return true;
}

static bool complete(const struct dg *g)
{
	uint32_t b, n;

	if (!g->have_first || !g->have_last)
		return false;
	n = (g->total + 7) / 8;
	for (b = 0; b < n; b++)
		if (!block(g, b))
			return false;
	return true;
}

/* The whole datagram into df->out; false if it would be too long. */
static bool build(struct nfips_defrag *df, struct dg *g, uint32_t *outlen)
{
	uint32_t len = g->hlen + g->total, plen;
	uint8_t *o;

	if (g->key.family == 4 ? len > 65535 : len - 40 > 65535)
		return false;
	if (len > df->outcap) {
		o = realloc(df->out, len);
		if (!o)
			return false;
		df->out = o;
		df->outcap = len;
	}
	o = df->out;
	memcpy(o, g->hdr, g->hlen);
	memcpy(o + g->hlen, g->data, g->total);
	if (g->key.family == 4) {
		o[2] = (uint8_t)(len >> 8);
		o[3] = (uint8_t)len;
		o[6] &= 0x40;		/* keep DF; no MF, no offset */
		o[7] = 0;
	} else {
		plen = len - 40;
		o[4] = (uint8_t)(plen >> 8);
		o[5] = (uint8_t)plen;
		o[g->nh_off] = g->nh;	/* unlink the fragment header */
	}
	*outlen = len;
	return true;
}

static enum nfips_defrag_result invalid(struct nfips_defrag *df)
{
	df->st.invalid++;
	return NFIPS_DEFRAG_INVALID;
}

enum nfips_defrag_result nfips_defrag_add(struct nfips_defrag *df,
					  const struct nfips_decoded *d,
					  uint64_t now, const uint8_t **out,
					  uint32_t *outlen)
{
	const uint8_t *data = d->l3 + d->frag.hlen;
	uint32_t len = d->l3_len - d->frag.hlen, off = d->frag.off, b, i, n;
	struct dg_key k;
	struct dg *g;
	bool overlap = false;

	/* Datagrams whose time is up, oldest first. */
	while (df->oldest &&
	       now > df->oldest->first_usec + (uint64_t)df->cfg.timeout * 1000000) {
		df->st.timeouts++;
		dg_free(df, df->oldest);
	}
	if ((d->frag.more && (len % 8 || !len)) || off + len > MAX_DATA ||
	    (d->pkt.family == 6 && d->frag.hlen < 48))
		return invalid(df);

	memset(&k, 0, sizeof(k));
	memcpy(k.src, d->pkt.src, 16);
	memcpy(k.dst, d->pkt.dst, 16);
	memcpy(k.vlan, d->vlan, sizeof(k.vlan));
	k.id = d->frag.id;
	k.family = d->pkt.family;
	k.proto = d->pkt.family == 4 ? d->pkt.proto : 0;
	g = dg_get(df, &k, now);
	if (!g)
		return invalid(df);

	/* The last fragment fixes the length; nothing may go beyond it. */
	if (!d->frag.more) {
		if ((g->have_last && g->total != off + len) || off + len < g->max_end)
			return invalid(df);
		g->have_last = true;
		g->total = off + len;
	} else if (g->have_last && off + len > g->total) {
		return invalid(df);
	}
	if (off + len > g->max_end)
		g->max_end = off + len;
	if (off == 0 && !g->have_first) {
		/* IPv6: the header without the 8-byte fragment header. */
		n = d->pkt.family == 4 ? d->frag.hlen : d->frag.hlen - 8;
		g->hdr = malloc(n);
		if (!g->hdr || df->mem + n > df->cfg.memcap) {
			free(g->hdr);
			g->hdr = NULL;
			return invalid(df);
		}
		memcpy(g->hdr, d->l3, n);
		g->hlen = n;
		g->nh_off = d->frag.nh_off;
		g->nh = d->frag.nh;
		g->have_first = true;
		g->mem += n;
		df->mem += n;
	}
	if (!dg_reserve(df, g, off + len))
		return invalid(df);
	for (b = off / 8, i = 0; i < len; b++, i += 8) {
		n = len - i < 8 ? len - i : 8;
		if (block(g, b)) {
			overlap = true;
			continue;
		}
		memcpy(g->data + off + i, data + i, n);
		g->map[b / 64] |= 1ull << (b % 64);
	}
	df->st.fragments++;
	df->st.overlaps += overlap;
	if (!complete(g))
		return NFIPS_DEFRAG_WAIT;
	if (!build(df, g, outlen)) {
		dg_free(df, g);
		return invalid(df);
	}
	df->st.reassembled++;
	dg_free(df, g);
	*out = df->out;
	return NFIPS_DEFRAG_DONE;
}
