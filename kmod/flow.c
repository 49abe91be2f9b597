// SPDX-License-Identifier: GPL-2.0
/*
 * nfips: per-flow state for TCP. A fixed table per namespace, allocated
 * when the hooks go on so that the packet path never allocates, remembers
 * for each flow and direction where the next in-order segment starts, the
 * matcher's state there and how much of the stream was scanned. That lets
 * a pattern split across segments match, and the scan stop at the stream
 * depth (as Suricata's stream.reassembly.depth does).
 *
 * Buckets of NFIPS_FLOW_WAYS entries; a new flow takes an empty entry or
 * the one idle longest. An entry is held with a try-lock bit: a packet
 * whose flow is busy on another CPU is scanned on its own, never waits.
 * Losing an entry (eviction, contention) only costs the continuation
 * across one segment boundary and restarts the depth: every segment's
 * payload is still scanned whole.
 */
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/slab.h>
#include "nfips.h"

#define NFIPS_FLOW_WAYS		4
#define NFIPS_FLOW_BUSY		0
#define NFIPS_FLOW_MAX		(1U << 24)	/* 1.8 GiB of table */
/* An entry used more recently than this is a live flow when evicted. */
#define NFIPS_FLOW_LIVE		(60 * HZ)

struct nfips_flows {
	u32 mask;			/* buckets - 1 */
	u32 seed;
	struct nfips_flow slot[];
};

/*
 * The table for the max_flows module parameter, rounded down to a power
 * of two and capped; NULL when it is 0 (every packet scanned on its own)
 * or when there is no memory (status reports a table of 0 flows).
 */
struct nfips_flows *nfips_flows_alloc(u32 max_flows)
{
	struct nfips_flows *ft;
	u32 buckets;

	if (max_flows < NFIPS_FLOW_WAYS)
		return NULL;
	buckets = rounddown_pow_of_two(min(max_flows, NFIPS_FLOW_MAX) /
				       NFIPS_FLOW_WAYS);
	ft = kvzalloc(struct_size(ft, slot, (size_t)buckets * NFIPS_FLOW_WAYS),
		      GFP_KERNEL | __GFP_NOWARN);
	if (!ft)
		return NULL;
	ft->mask = buckets - 1;
	ft->seed = get_random_u32();
	return ft;
}

void nfips_flows_free(struct nfips_flows *ft)
{
	kvfree(ft);
}

u32 nfips_flows_size(const struct nfips_flows *ft)
{
	return ft ? (ft->mask + 1) * NFIPS_FLOW_WAYS : 0;
}

/* The same key for both directions; *@dir says which one @pkt goes. */
static void flow_key(const struct nfips_pkt *pkt, struct nfips_flow_key *k,
		     unsigned int *dir)
{
	size_t alen = pkt->family == NFPROTO_IPV4 ? 4 : 16;
	int cmp;

	memset(k, 0, sizeof(*k));
	cmp = memcmp(&pkt->saddr, &pkt->daddr, alen);
	if (!cmp)
		cmp = pkt->sport < pkt->dport ? -1 : pkt->sport > pkt->dport;
	*dir = cmp > 0;
	memcpy(&k->addr[*dir], &pkt->saddr, alen);
	memcpy(&k->addr[!*dir], &pkt->daddr, alen);
	k->port[*dir] = pkt->sport;
	k->port[!*dir] = pkt->dport;
	k->family = pkt->family;
}

static bool flow_trylock(struct nfips_flow *f)
{
	return !test_and_set_bit_lock(NFIPS_FLOW_BUSY, &f->busy);
}

void nfips_flow_put(struct nfips_flow *f)
{
	clear_bit_unlock(NFIPS_FLOW_BUSY, &f->busy);
}

/*
 * The entry of @pkt's TCP flow, held, with *@dir the packet's direction;
 * a new entry has both directions unsynchronised. NULL when the entry is
 * busy on another CPU: scan the packet alone. A bare ACK (@ack_only) only
 * matters to a flow whose other direction waits for an acknowledgment:
 * for it no entry is made, and one that needs nothing is not taken (read
 * unlocked: a wrong answer only leaves offsets unplaced, the direction
 * inspected whole). BH context.
 */
struct nfips_flow *nfips_flow_get(struct nfips_net *nn,
				  struct nfips_flows *ft,
				  const struct nfips_pkt *pkt, unsigned int *dir,
				  bool ack_only)
{
	struct nfips_flow *bucket, *f, *victim = NULL;
	struct nfips_flow_key key;
	unsigned long now = jiffies;
	unsigned int i;
	u32 hash;

	BUILD_BUG_ON(sizeof(key) % sizeof(u32));
	flow_key(pkt, &key, dir);
	hash = jhash2((const u32 *)&key, sizeof(key) / sizeof(u32), ft->seed);
	hash |= 1;	/* 0 marks an empty entry */
	bucket = &ft->slot[((hash >> 1) & ft->mask) * NFIPS_FLOW_WAYS];

	for (i = 0; i < NFIPS_FLOW_WAYS; i++) {
		f = &bucket[i];
		if (READ_ONCE(f->hash) != hash)
			continue;
		if (ack_only && READ_ONCE(f->dir[!*dir].anchored))
			return NULL;
		if (!flow_trylock(f))
			return NULL;
		/* Checked again under the bit: the entry may have changed. */
		if (f->hash == hash && !memcmp(&f->key, &key, sizeof(key))) {
			WRITE_ONCE(f->last, now);
			return f;
		}
		nfips_flow_put(f);
	}
	if (ack_only)
		return NULL;

	for (i = 0; i < NFIPS_FLOW_WAYS; i++) {
		f = &bucket[i];
		if (!READ_ONCE(f->hash)) {
			victim = f;
			break;
		}
		if (!victim || time_before(READ_ONCE(f->last),
					   READ_ONCE(victim->last)))
			victim = f;
	}
	if (!flow_trylock(victim))
		return NULL;
	if (victim->hash) {
		if (time_before(now, victim->last + NFIPS_FLOW_LIVE))
			this_cpu_inc(nn->stats->flows_evicted);
	}
	this_cpu_inc(nn->stats->flows);
	victim->key = key;
	WRITE_ONCE(victim->last, now);
	victim->serial = 0;
	/* Peeked at unlocked by bare ACKs of the flow that had the entry. */
	WRITE_ONCE(victim->dir[0].anchored, false);
	WRITE_ONCE(victim->dir[1].anchored, false);
	memset(victim->dir, 0, sizeof(victim->dir));
	WRITE_ONCE(victim->hash, hash);
	return victim;
}
