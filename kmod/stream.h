/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stream.c: the flow table, TCP sequencing in it, and flow verdicts. A TCP
 * or UDP flow's entry holds both directions; for TCP each direction's
 * stream state (Documentation/design.rst has the state table).
 */
#ifndef _NFIPS_STREAM_H
#define _NFIPS_STREAM_H

#include <linux/in6.h>
#include <linux/jhash.h>
#include <linux/netfilter.h>
#include <linux/string.h>
#include <linux/types.h>
#include "nfips.h"
#include "parse.h"

struct nfips_flow_key {
	struct in6_addr addr[2];	/* IPv4 in the first 4 bytes */
	u16 port[2];
	u8 family;
	u8 l4proto;
	u8 pad[2];
};

struct nfips_flow_dir {
	nfips_ac_state ast;	/* matcher state after the byte before @next */
	s64 pos;		/* stream offset of @next, when @anchored */
	u32 next;		/* sequence number of the next in-order byte */
	u32 start;		/* of the first byte seen since the SYN or sync */
	bool synced;		/* @ast, @next and @start are known */
	bool anchored;		/* the receiver's ack placed offset 0 */
};

/* struct nfips_flow.flags */
#define NFIPS_FLOW_F_ANCHORED	0x01	/* conntrack: handshake done / reply seen */
#define NFIPS_FLOW_F_CLOSED	0x02	/* RST, or FIN both ways */
#define NFIPS_FLOW_F_FIN0	0x04
#define NFIPS_FLOW_F_FIN1	0x08
#define NFIPS_FLOW_F_ABSENT	0x10	/* chosen for the daemon, which is not there */
#define NFIPS_FLOW_F_OVERLOAD	0x20	/* chosen, daemon over its budget */
#define NFIPS_FLOW_F_DAEMON	0x40	/* the daemon set the verdict */

struct nfips_flow {
	unsigned long busy;	/* NFIPS_FLOW_BUSY: held by a CPU */
	unsigned long last;	/* jiffies of the last packet */
	u32 hash;		/* 0: empty */
	u32 serial;		/* low bits of the policy the states are for */
	u16 epoch;		/* of the daemon a QUEUE verdict is for */
	u8 verdict;		/* enum nfips_flow_verdict */
	u8 flags;		/* NFIPS_FLOW_F_* */
	u8 ct_state;		/* TCP: conntrack's state at the last packet */
	u32 ct_id;		/* nf_ct_get_id() of its conntrack entry */
	struct nfips_flow_key key;
	struct nfips_flow_dir dir[2];
};

#define NFIPS_FLOW_BUSY		0	/* bit of struct nfips_flow.busy */

struct nfips_flows {
	u32 mask;			/* buckets - 1 */
	u32 seed;
	bool userns;			/* charged to the unprivileged share */
	struct nfips_flow slot[];
};

struct nfips_flows *nfips_flows_alloc(struct nfips_net *nn);
void nfips_flows_free(struct nfips_flows *ft);
u32 nfips_flows_size(const struct nfips_flows *ft);
struct nfips_flow *nfips_flow_get(struct nfips_net *nn,
				  struct nfips_flows *ft,
				  const struct nfips_flow_key *key, u32 hash,
				  bool new_ct, bool create, bool *fresh);

/*
 * The key, hash and release of an entry are inline: every packet takes
 * them, and under QEMU's TCG (the benchmarks' guest) a call and its
 * return cost what tens of instructions do.
 */

/* The same key for both directions; *@dir says which one @pkt goes. */
static inline void nfips_flow_key(const struct nfips_pkt *pkt,
				  struct nfips_flow_key *k, unsigned int *dir)
{
	int cmp;

	memset(k, 0, sizeof(*k));
	if (pkt->family == NFPROTO_IPV4) {
		/* memcmp()'s order of the bytes, without the call */
		u32 s = ntohl(pkt->saddr.v4), d = ntohl(pkt->daddr.v4);

		cmp = s < d ? -1 : s > d;
	} else {
		cmp = memcmp(&pkt->saddr.v6, &pkt->daddr.v6, 16);
	}
	if (!cmp)
		cmp = pkt->sport < pkt->dport ? -1 : pkt->sport > pkt->dport;
	*dir = cmp > 0;
	if (pkt->family == NFPROTO_IPV4) {
		k->addr[*dir].s6_addr32[0] = pkt->saddr.v4;
		k->addr[!*dir].s6_addr32[0] = pkt->daddr.v4;
	} else {
		k->addr[*dir] = pkt->saddr.v6;
		k->addr[!*dir] = pkt->daddr.v6;
	}
	k->port[*dir] = pkt->sport;
	k->port[!*dir] = pkt->dport;
	k->family = pkt->family;
	k->l4proto = pkt->l4proto;
}

/*
 * The same for both directions (the key is), never 0; also picks the
 * daemon's queue. An IPv4 key's other words are zero: three words hash
 * it.
 */
static inline u32 nfips_flow_hash(const struct nfips_flows *ft,
				  const struct nfips_flow_key *k)
{
	u32 seed = ft ? ft->seed : 0;

	BUILD_BUG_ON(sizeof(*k) % sizeof(u32));
	if (k->family == NFPROTO_IPV4)
		return jhash_3words(k->addr[0].s6_addr32[0],
				    k->addr[1].s6_addr32[0],
				    (u32)k->port[0] << 16 | k->port[1],
				    seed ^ k->l4proto) | 1;
	return jhash2((const u32 *)k, sizeof(*k) / sizeof(u32), seed) | 1;
}

static inline void nfips_flow_put(struct nfips_flow *f)
{
	clear_bit_unlock(NFIPS_FLOW_BUSY, &f->busy);
}

void nfips_flow_restart(struct nfips_net *nn, struct nfips_flow *f);
int nfips_flow_set_verdict(struct nfips_flows *ft,
			   const struct nfips_flow_key *key, u32 ct_id,
			   u8 verdict);

/* A TCP segment's place in its flow, while the flow entry is held. */
struct nfips_stream {
	struct nfips_flow *f;
	struct nfips_flow_dir *fd;
	u32 seq;		/* of the first payload byte */
	s64 off;		/* its stream offset (< 0: before offset 0) */
	bool cont;		/* the flow continues after this segment */
};

enum nfips_stream_pos {
	NFIPS_STREAM_SCAN,	/* scan (*ast, *skip say how) */
	NFIPS_STREAM_DEPTH,	/* past the stream depth: let through unscanned */
	NFIPS_STREAM_AHEAD,	/* ahead of a hole within the depth */
};

enum nfips_stream_pos nfips_stream_begin(struct nfips_net *nn,
					 const struct nfips_policy *p,
					 struct nfips_stream *s,
					 const struct nfips_pkt *pkt,
					 bool new_conn, bool syn_ok,
					 nfips_ac_state *ast, u32 *skip);
void nfips_stream_end(struct nfips_stream *s, const struct nfips_pkt *pkt,
		      nfips_ac_state ast);

u8 nfips_flow_start(struct nfips_net *nn, const struct nfips_policy *p,
		    const struct nfips_pkt *pkt, u8 *flags, u16 *epoch);
unsigned int nfips_flow_fate(struct nfips_net *nn, u8 fv, u8 flags, u32 hash);

#endif /* _NFIPS_STREAM_H */
