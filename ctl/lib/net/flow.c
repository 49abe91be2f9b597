// SPDX-License-Identifier: GPL-2.0
/* Flow table; see flow.h. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "util/util.h"

_Static_assert(sizeof(struct nfips_flow_key) == 50, "flow key has padding");

#define USEC 1000000ull
/* Flows checked for a timeout per packet, oldest first. */
#define EXPIRE_BATCH 8

struct nfips_flowtab {
	struct nfips_flowtab_cfg cfg;
	struct nfips_flowrec **bucket;
	uint32_t mask;
	struct nfips_flowrec *oldest, *newest;
	struct nfips_stream_ctx sctx;
	struct nfips_flowtab_stats st;
	nfips_flow_end_fn end;
	void *arg;
	struct nfips_hkey key;	/* buckets: keys come from packets */
};

/*
 * 64-bit FNV-1a and a finaliser (splitmix64): fixed, so flow ids are
 * stable; buckets use the table's random key instead.
 */
static uint64_t hash_bytes(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static void set_default(uint32_t *v, uint32_t def)
{
	if (!*v)
		*v = def;
}

struct nfips_flowtab *nfips_flowtab_new(const struct nfips_flowtab_cfg *cfg,
					nfips_flow_end_fn end, void *arg)
{
	struct nfips_flowtab *t = calloc(1, sizeof(*t));
	uint32_t n = 1024;

	if (!t)
		return NULL;
	if (cfg)
		t->cfg = *cfg;
	nfips_hkey_random(&t->key);
	set_default(&t->cfg.max_flows, NFIPS_FLOWTAB_MAX);
	set_default(&t->cfg.to.tcp_new, 60);
	set_default(&t->cfg.to.tcp_est, 600);
	set_default(&t->cfg.to.tcp_closed, 60);
	set_default(&t->cfg.to.udp_new, 30);
	set_default(&t->cfg.to.udp_est, 300);
	set_default(&t->cfg.to.other_new, 30);
	set_default(&t->cfg.to.other_est, 300);
	while (n < t->cfg.max_flows && n < (1u << 24))
		n *= 2;
	t->bucket = calloc(n, sizeof(*t->bucket));
	if (!t->bucket) {
		free(t);
		return NULL;
	}
	t->mask = n - 1;
	nfips_stream_ctx_init(&t->sctx, &t->cfg.stream);
	t->end = end;
	t->arg = arg;
	return t;
}

struct nfips_stream_ctx *nfips_flowtab_stream(struct nfips_flowtab *t)
{
	return &t->sctx;
}

void nfips_flowtab_get_stats(const struct nfips_flowtab *t,
			     struct nfips_flowtab_stats *st)
{
	*st = t->st;
}

/* ---- lists ---------------------------------------------------------- */

static void lru_unlink(struct nfips_flowtab *t, struct nfips_flowrec *f)
{
	if (f->lprev)
		f->lprev->lnext = f->lnext;
	else
		t->oldest = f->lnext;
	if (f->lnext)
		f->lnext->lprev = f->lprev;
	else
		t->newest = f->lprev;
	f->lprev = f->lnext = NULL;
}

static void lru_append(struct nfips_flowtab *t, struct nfips_flowrec *f)
{
	f->lprev = t->newest;
	f->lnext = NULL;
	if (t->newest)
		t->newest->lnext = f;
	else
		t->oldest = f;
	t->newest = f;
}

static void flow_end(struct nfips_flowtab *t, struct nfips_flowrec *f,
		     enum nfips_flow_end why, uint64_t now)
{
	struct nfips_flowrec **pp = &t->bucket[f->hash & t->mask];

	while (*pp != f)
		pp = &(*pp)->hnext;
	*pp = f->hnext;
	lru_unlink(t, f);
	if (t->end)
		t->end(t->arg, f, why, now);
	nfips_tcp_release(&t->sctx, &f->tcp);
	free(f);
	t->st.active--;
	switch (why) {
	case NFIPS_FLOW_END_TIMEOUT:
		t->st.timed_out++;
		break;
	case NFIPS_FLOW_END_EVICTED:
		t->st.evicted++;
		break;
	case NFIPS_FLOW_END_REUSED:
		t->st.reused++;
		break;
	case NFIPS_FLOW_END_FLUSH:
		t->st.flushed++;
		break;
	}
}

/* ---- timeouts ------------------------------------------------------- */

static uint64_t timeout_usec(const struct nfips_flowtab *t,
			     const struct nfips_flowrec *f)
{
	const struct nfips_flow_timeouts *to = &t->cfg.to;
	bool est = f->seen[0] && f->seen[1];

	switch (f->key.proto) {
	case IPPROTO_TCP:
		if (f->tcp.state == NFIPS_TCP_CLOSED)
			return to->tcp_closed * USEC;
		return (f->tcp.established ? to->tcp_est : to->tcp_new) * USEC;
	case IPPROTO_UDP:
		return (est ? to->udp_est : to->udp_new) * USEC;
	}
	return (est ? to->other_est : to->other_new) * USEC;
}

static bool expired(const struct nfips_flowtab *t, const struct nfips_flowrec *f,
		    uint64_t now)
{
	/* Capture time can step back: such a packet expires nothing. */
	return now > f->last_usec && now - f->last_usec > timeout_usec(t, f);
}

static void expire_some(struct nfips_flowtab *t, uint64_t now)
{
	int i;

	for (i = 0; i < EXPIRE_BATCH && t->oldest; i++) {
		if (!expired(t, t->oldest, now))
			break;
		flow_end(t, t->oldest, NFIPS_FLOW_END_TIMEOUT, now);
	}
}

/* ---- lookup --------------------------------------------------------- */

static void make_key(const struct nfips_decoded *d, struct nfips_flow_key *k,
		     bool *swapped)
{
	const struct nfips_pkt *p = &d->pkt;
	int c;

	memset(k, 0, sizeof(*k));
	k->family = p->family;
	k->proto = p->proto;
	memcpy(k->vlan, d->vlan, sizeof(k->vlan));
	k->depth = d->depth;
	k->spi[0] = (uint16_t)(d->spi >> 16);
	k->spi[1] = (uint16_t)d->spi;
	c = memcmp(p->src, p->dst, 16);
	*swapped = c > 0 || (c == 0 && p->sport > p->dport);
	memcpy(k->addr[0], *swapped ? p->dst : p->src, 16);
	memcpy(k->addr[1], *swapped ? p->src : p->dst, 16);
	k->port[0] = *swapped ? p->dport : p->sport;
	k->port[1] = *swapped ? p->sport : p->dport;
}

static struct nfips_flowrec *flow_new(struct nfips_flowtab *t,
				      const struct nfips_decoded *d,
				      const struct nfips_flow_key *k,
				      uint32_t hash, uint64_t now)
{
	const struct nfips_pkt *p = &d->pkt;
	struct nfips_flowrec *f;
	bool server_sent;

	if (t->st.active >= t->cfg.max_flows && t->oldest)
		flow_end(t, t->oldest, NFIPS_FLOW_END_EVICTED, now);
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->key = *k;
	f->hash = hash;
	/* The client: the SYN sender; a SYN/ACK comes from the server. */
	server_sent = p->proto == IPPROTO_TCP &&
		(p->tcp_flags & (NFIPS_TH_SYN | NFIPS_TH_ACK)) ==
		(NFIPS_TH_SYN | NFIPS_TH_ACK);
	memcpy(f->cli, server_sent ? p->dst : p->src, 16);
	f->cli_port = server_sent ? p->dport : p->sport;
	f->start_usec = f->last_usec = now;
	f->id = mix64(hash_bytes(k, sizeof(*k)) ^ mix64(now)) &
		((1ull << 51) - 1);
	if (!f->id)
		f->id = 1;
	f->hnext = t->bucket[hash & t->mask];
	t->bucket[hash & t->mask] = f;
	lru_append(t, f);
	t->st.created++;
	if (++t->st.active > t->st.peak)
		t->st.peak = t->st.active;
	return f;
}

struct nfips_flowrec *nfips_flowtab_get(struct nfips_flowtab *t,
					const struct nfips_decoded *d,
					uint64_t now, int *dir, bool *created)
{
	const struct nfips_pkt *p = &d->pkt;
	struct nfips_flow_key k;
	struct nfips_flowrec *f;
	uint32_t hash;
	bool swapped;

	expire_some(t, now);
	make_key(d, &k, &swapped);
	hash = (uint32_t)nfips_siphash(&t->key, &k, sizeof(k));
	*created = false;
	for (f = t->bucket[hash & t->mask]; f; f = f->hnext)
		if (f->hash == hash && !memcmp(&f->key, &k, sizeof(k)))
			break;
	if (f && expired(t, f, now)) {
		flow_end(t, f, NFIPS_FLOW_END_TIMEOUT, now);
		f = NULL;
	} else if (f && p->proto == IPPROTO_TCP && nfips_tcp_reuse(&f->tcp, p)) {
		flow_end(t, f, NFIPS_FLOW_END_REUSED, now);
		f = NULL;
	}
	if (!f) {
		f = flow_new(t, d, &k, hash, now);
		if (!f)
			return NULL;
		*created = true;
	} else {
		lru_unlink(t, f);
		lru_append(t, f);
	}
	*dir = memcmp(p->src, f->cli, 16) || p->sport != f->cli_port;
	if (*dir && !memcmp(p->src, p->dst, 16) && p->sport == p->dport)
		*dir = 0;	/* a packet to itself: no way to tell */
	return f;
}

void nfips_flow_update(struct nfips_flowtab *t, struct nfips_flowrec *f,
		       int dir, const struct nfips_pkt *p, uint32_t len,
		       struct nfips_flow_update *up)
{
	memset(up, 0, sizeof(*up));
	if (p->ts_usec > f->last_usec)
		f->last_usec = p->ts_usec;
	f->pkts[dir]++;
	f->bytes[dir] += len;
	f->seen[dir] = true;
	if (p->proto == IPPROTO_TCP) {
		nfips_tcp_packet(&t->sctx, &f->tcp, dir, p, &up->tcp);
		up->established = up->tcp.established;
	} else {
		up->established = f->seen[0] && f->seen[1];
	}
}

void nfips_flowtab_flush(struct nfips_flowtab *t)
{
	while (t->oldest)
		flow_end(t, t->oldest, NFIPS_FLOW_END_FLUSH,
			 t->oldest->last_usec);
}

void nfips_flowtab_free(struct nfips_flowtab *t)
{
	if (!t)
		return;
	nfips_flowtab_flush(t);
	free(t->bucket);
	free(t);
}

void nfips_flowtab_foreach(struct nfips_flowtab *t,
			   void (*fn)(void *arg, struct nfips_flowrec *f),
			   void *arg)
{
	struct nfips_flowrec *f;

	for (f = t->oldest; f; f = f->lnext)
		fn(arg, f);
}

void nfips_flowtab_end(struct nfips_flowtab *t, struct nfips_flowrec *f)
{
	flow_end(t, f, NFIPS_FLOW_END_FLUSH, f->last_usec);
}
