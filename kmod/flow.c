// SPDX-License-Identifier: GPL-2.0
/*
 * nfips: per-flow state for TCP and UDP. A fixed table per namespace,
 * allocated when the hooks go on so that the packet path never allocates,
 * remembers for each flow its verdict (inspect, queue to the daemon,
 * bypass, drop: Documentation/design.rst) and, for TCP, for each
 * direction where the next in-order segment starts, the matcher's state
 * there and how much of the stream was scanned. That lets a pattern split
 * across segments match, and the scan stop at the stream depth (as
 * Suricata's stream.reassembly.depth does).
 *
 * An entry belongs to one connection: a SYN that makes a new conntrack
 * entry starts the flow's entry afresh, and so does a SYN that reopens
 * the connection on the same conntrack entry (hook.c), so a verdict never
 * outlives its connection into the next one on the same addresses and
 * ports. A conntrack entry made mid-stream (conntrack lost the flow and
 * picked it up again) continues the flow's entry, verdict and stream
 * (NAT, which changes the reply tuple after the first packet, changes
 * nothing here). Buckets of
 * NFIPS_FLOW_WAYS entries; a new flow takes an empty entry, else the
 * idlest of those that hold no established flow: one whose handshake
 * conntrack has not seen completed (TCP) or that had no reply (UDP), one
 * that closed, or one idle for NFIPS_FLOW_LIVE. Spoofed SYNs therefore
 * only ever push out each other, never a live connection; a new flow that
 * finds no such entry goes without one (counted: flows_untracked). An
 * entry is held with a lock bit while one packet of the flow is scanned: a
 * packet of the same flow on another CPU waits for it (one segment's scan)
 * rather than be scanned out of the flow's order.
 */
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/slab.h>
#include "nfips.h"

#define NFIPS_FLOW_WAYS		4
#define NFIPS_FLOW_BUSY		0
#define NFIPS_FLOWS_CAP		(1U << 24)	/* 2.1 GiB of table */
/* An entry used more recently than this is a live flow when evicted. */
#define NFIPS_FLOW_LIVE		(60 * HZ)

#define NFIPS_FLOW_F_KEEP	(NFIPS_FLOW_F_ANCHORED | NFIPS_FLOW_F_DAEMON)

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
	buckets = rounddown_pow_of_two(min(max_flows, NFIPS_FLOWS_CAP) /
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
void nfips_flow_key(const struct nfips_pkt *pkt, struct nfips_flow_key *k,
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
	k->l4proto = pkt->l4proto;
}

/* The same for both directions, never 0; also picks the daemon's queue. */
u32 nfips_flow_hash(const struct nfips_flows *ft,
		    const struct nfips_flow_key *k)
{
	BUILD_BUG_ON(sizeof(*k) % sizeof(u32));
	return jhash2((const u32 *)k, sizeof(*k) / sizeof(u32),
		      ft ? ft->seed : 0) | 1;
}

static bool flow_trylock(struct nfips_flow *f)
{
	return !test_and_set_bit_lock(NFIPS_FLOW_BUSY, &f->busy);
}

void nfips_flow_put(struct nfips_flow *f)
{
	clear_bit_unlock(NFIPS_FLOW_BUSY, &f->busy);
}

static struct nfips_flow *bucket_of(struct nfips_flows *ft, u32 hash)
{
	return &ft->slot[((hash >> 1) & ft->mask) * NFIPS_FLOW_WAYS];
}

/* Whether a new flow may take @f's entry. */
static bool flow_evictable(const struct nfips_flow *f, unsigned long now)
{
	u8 flags = READ_ONCE(f->flags);

	if (!READ_ONCE(f->hash))
		return true;
	if ((flags & NFIPS_FLOW_F_CLOSED) || !(flags & NFIPS_FLOW_F_KEEP))
		return true;
	return !time_before(now, READ_ONCE(f->last) + NFIPS_FLOW_LIVE);
}

/* A fresh start for a new connection on @f (held). */
static void flow_init(struct nfips_flow *f)
{
	f->serial = 0;
	WRITE_ONCE(f->verdict, NFIPS_FLOW_INSPECT);
	WRITE_ONCE(f->flags, 0);
	f->epoch = 0;
	f->ct_state = 0;
	f->ct_id = 0;
	memset(f->dir, 0, sizeof(f->dir));
}

/* A new connection on the flow of @f (held): the entry starts afresh. */
void nfips_flow_restart(struct nfips_net *nn, struct nfips_flow *f)
{
	flow_init(f);
	this_cpu_inc(nn->stats->flows);
}

/*
 * The entry of the flow @key, held; @new_ct: the packet begins a
 * connection with a conntrack entry of its own. A new entry (*@fresh) is inspected, with both
 * directions unsynchronised: the caller chooses its verdict. Without
 * @create only an existing entry is returned. NULL when there is none:
 * scan the packet alone. BH context.
 */
struct nfips_flow *nfips_flow_get(struct nfips_net *nn,
				  struct nfips_flows *ft,
				  const struct nfips_flow_key *key, u32 hash,
				  bool new_ct, bool create, bool *fresh)
{
	struct nfips_flow *bucket, *f, *victim = NULL;
	unsigned long now = jiffies;
	unsigned int i;

	*fresh = false;
	bucket = bucket_of(ft, hash);
	for (i = 0; i < NFIPS_FLOW_WAYS; i++) {
		f = &bucket[i];
		if (READ_ONCE(f->hash) != hash)
			continue;
		/* Held for one packet's scan by another CPU at most. */
		while (!flow_trylock(f))
			cpu_relax();
		/* Checked again under the bit: the entry may have changed. */
		if (f->hash == hash && !memcmp(&f->key, key, sizeof(*key))) {
			WRITE_ONCE(f->last, now);
			if (new_ct) {
				/* Another connection on the same ports. */
				nfips_flow_restart(nn, f);
				*fresh = true;
			}
			return f;
		}
		nfips_flow_put(f);
	}
	if (!create)
		return NULL;

	for (i = 0; i < NFIPS_FLOW_WAYS; i++) {
		f = &bucket[i];
		if (!READ_ONCE(f->hash)) {
			victim = f;
			break;
		}
		if (!flow_evictable(f, now))
			continue;
		if (!victim || time_before(READ_ONCE(f->last),
					   READ_ONCE(victim->last)))
			victim = f;
	}
	if (!victim) {
		this_cpu_inc(nn->stats->flows_untracked);
		return NULL;
	}
	if (!flow_trylock(victim))
		return NULL;
	/* Checked again under the bit: it may have become established. */
	if (!flow_evictable(victim, now)) {
		nfips_flow_put(victim);
		this_cpu_inc(nn->stats->flows_untracked);
		return NULL;
	}
	if (victim->hash && !(victim->flags & NFIPS_FLOW_F_CLOSED) &&
	    time_before(now, victim->last + NFIPS_FLOW_LIVE))
		this_cpu_inc(nn->stats->flows_evicted);
	this_cpu_inc(nn->stats->flows);
	victim->key = *key;
	WRITE_ONCE(victim->last, now);
	flow_init(victim);
	WRITE_ONCE(victim->hash, hash);
	*fresh = true;
	return victim;
}

/*
 * NFIPS_CMD_FLOW_VERDICT: sets the verdict of the flow @key if the table
 * has it. Process context; waits for the entry's bit, which a packet
 * holds only while it is scanned. -ENOENT when the flow has no entry,
 * -ESTALE when @ct_id (0: not given) is not its conntrack entry's: the
 * verdict was for another connection on the same addresses and ports.
 */
int nfips_flow_set_verdict(struct nfips_flows *ft,
			   const struct nfips_flow_key *key, u32 ct_id,
			   u8 verdict)
{
	u32 hash = nfips_flow_hash(ft, key);
	struct nfips_flow *bucket = bucket_of(ft, hash), *f;
	unsigned int i;
	int ret = -ENOENT;

	local_bh_disable();
	for (i = 0; i < NFIPS_FLOW_WAYS; i++) {
		f = &bucket[i];
		if (READ_ONCE(f->hash) != hash)
			continue;
		while (!flow_trylock(f))
			cpu_relax();
		if (f->hash == hash && !memcmp(&f->key, key, sizeof(*key))) {
			if (ct_id && ct_id != f->ct_id) {
				ret = -ESTALE;
			} else {
				WRITE_ONCE(f->verdict, verdict);
				WRITE_ONCE(f->flags,
					   (f->flags | NFIPS_FLOW_F_DAEMON) &
					   ~(NFIPS_FLOW_F_ABSENT |
					     NFIPS_FLOW_F_OVERLOAD));
				ret = 0;
			}
		}
		nfips_flow_put(f);
		if (ret != -ENOENT)
			break;
	}
	local_bh_enable();
	return ret;
}
