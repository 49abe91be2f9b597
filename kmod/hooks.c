// SPDX-License-Identifier: GPL-2.0
/*
 * nfips: the netfilter hooks. Each packet is parsed (parse.c), finds its
 * flow's entry, whose verdict says whether it is inspected here, queued
 * to the daemon, bypassed or dropped (stream.c); an inspected packet is
 * placed in its TCP stream (stream.c) and scanned (match.c), and the rules
 * it hit decide: accept with events (events.c), drop or reject. Conntrack
 * tells which packet begins a connection and which are in its window.
 * Registration of the hooks, with conntrack, at the end.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>
#include "match.h"
#include "stream.h"

static void nfips_reject(struct sk_buff *skb, const struct nf_hook_state *state,
			 const struct nfips_pkt *pkt)
{
	if (pkt->family == NFPROTO_IPV4) {
		if (pkt->l4proto == IPPROTO_TCP)
			nf_send_reset(state->net, state->sk, skb, state->hook);
		else
			nf_send_unreach(skb, ICMP_PORT_UNREACH, state->hook);
	} else {
		if (pkt->l4proto == IPPROTO_TCP)
			nf_send_reset6(state->net, state->sk, skb, state->hook);
		else
			nf_send_unreach6(state->net, skb, ICMPV6_PORT_UNREACH,
					 state->hook);
	}
}

static unsigned int nfips_verdict(struct nfips_net *nn,
				  struct nfips_scan_ctx *c,
				  struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	const struct nfips_policy *p = c->p;
	u64 *hits = nfips_hits_row(p, smp_processor_id());
	u32 i;

	for (i = 0; i < c->nhits; i++) {
		u64 *h = &hits[c->hits[i]];

		/* This CPU's own counter: only the dump reads it elsewhere. */
		WRITE_ONCE(*h, *h + 1);
		nfips_event_send(nn, p, c->hits[i], c->drop >= 0, c->pkt,
				 state);
	}
	this_cpu_add(nn->stats->hits, c->nhits + c->lost);
	if (unlikely(c->lost))
		this_cpu_add(nn->stats->events_lost, c->lost);

	if (c->drop >= 0) {
		this_cpu_inc(nn->stats->drops);
		if (p->rules[c->drop]->action == NFIPS_ACT_REJECT) {
			nfips_reject(skb, state, c->pkt);
			this_cpu_inc(nn->stats->rejects);
		}
		return NF_DROP;
	}
	if (c->nhits)
		this_cpu_inc(nn->stats->alerts);
	return NF_ACCEPT;
}

/*
 * Whether the SYN @pkt may (re)start its direction @fd: while conntrack
 * says the connection is new or its first SYN is unanswered. Once a
 * SYN-ACK acknowledged the direction's ISN (SYN_RECV, @fd anchored),
 * conntrack lets another SYN through without a check ("Ignored packets")
 * and the receiver ignores it: only the same SYN again may.
 */
static bool syn_ok(const struct nf_conn *ct, enum ip_conntrack_info ctinfo,
		   const struct nfips_flow_dir *fd, const struct nfips_pkt *pkt)
{
	u8 state;

	if (ctinfo == IP_CT_NEW)
		return true;
	state = READ_ONCE(ct->proto.tcp.state);
	if (state == TCP_CONNTRACK_SYN_SENT || state == TCP_CONNTRACK_SYN_SENT2)
		return true;
	return state == TCP_CONNTRACK_SYN_RECV &&
	       (!fd->anchored || pkt->seq + 1 == fd->start);
}

/*
 * Whether the SYN @pkt reopens the connection of @f on the same conntrack
 * entry (@state: conntrack's state after it). 6.1 conntrack lets a SYN
 * through on a closed entry (CLOSE or TIME_WAIT, without a FIN first:
 * after a RST from the other side, nf_conntrack_proto_tcp.c "Ignored
 * packets") and takes the SYN-ACK that acknowledges it as a new
 * handshake: SYN_RECV. A SYN-ACK that brings an established (or later)
 * entry back to its handshake (the server lost the connection and took
 * a new SYN) is the same. No new conntrack entry, and so no IP_CT_NEW:
 * the connection is new all the same, and no verdict or stream state of
 * the last one may apply to it.
 */
static bool flow_reopened(const struct nfips_flow *f, u8 state,
			  const struct nfips_pkt *pkt)
{
	u8 prev = f->ct_state;

	if (!pkt->syn)
		return false;
	if (prev == TCP_CONNTRACK_CLOSE || prev == TCP_CONNTRACK_TIME_WAIT)
		return true;
	return (state == TCP_CONNTRACK_SYN_SENT ||
		state == TCP_CONNTRACK_SYN_RECV) &&
	       prev >= TCP_CONNTRACK_ESTABLISHED && prev <= TCP_CONNTRACK_CLOSE;
}

/* What conntrack and the packet's flags say about the flow's entry. */
static void flow_track(struct nfips_flow *f, const struct nf_conn *ct,
		       const struct nfips_pkt *pkt, unsigned int dir)
{
	unsigned int bit = pkt->l4proto == IPPROTO_TCP ? IPS_ASSURED_BIT :
							 IPS_SEEN_REPLY_BIT;
	u8 fl = f->flags, state = TCP_CONNTRACK_NONE;

	if (pkt->l4proto == IPPROTO_TCP) {
		state = READ_ONCE(ct->proto.tcp.state);
		/* A SYN conntrack let through on a closed entry opens one. */
		if (pkt->syn && (state == TCP_CONNTRACK_CLOSE ||
				 state == TCP_CONNTRACK_TIME_WAIT))
			state = TCP_CONNTRACK_SYN_SENT;
		f->ct_state = state;
	}

	if (test_bit(bit, &ct->status))
		fl |= NFIPS_FLOW_F_ANCHORED;
	/*
	 * A RST closes the entry only if conntrack took it: an inexact one
	 * in the window leaves the connection established (challenge ACK).
	 */
	if (pkt->rst && pkt->l4proto == IPPROTO_TCP &&
	    (state == TCP_CONNTRACK_CLOSE || state == TCP_CONNTRACK_TIME_WAIT))
		fl |= NFIPS_FLOW_F_CLOSED;
	if (pkt->fin)
		fl |= dir ? NFIPS_FLOW_F_FIN1 : NFIPS_FLOW_F_FIN0;
	if ((fl & (NFIPS_FLOW_F_FIN0 | NFIPS_FLOW_F_FIN1)) ==
	    (NFIPS_FLOW_F_FIN0 | NFIPS_FLOW_F_FIN1))
		fl |= NFIPS_FLOW_F_CLOSED;
	if (fl != f->flags)
		WRITE_ONCE(f->flags, fl);
}

static unsigned int nfips_inspect(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct nfips_net *nn = priv;
	const struct nfips_policy *p;
	struct nfips_flows *ft = NULL;
	struct nfips_stream st = { NULL };
	enum nfips_stream_pos pos = NFIPS_STREAM_SCAN;
	enum ip_conntrack_info ctinfo;
	struct nfips_flow_key key;
	struct nf_conn *ct;
	struct nfips_pkt pkt;
	struct nfips_scan_ctx c;
	nfips_ac_state ast = 0;
	u32 skip = 0, scanned = 0, hash;
	unsigned int dir, v;
	u8 fv, fflags;
	u16 epoch;
	bool fresh = false, new_ct;

	/*
	 * netfilter calls hooks under rcu_read_lock(). Blocks first: the
	 * operator's decision, in learn mode too, policy or not.
	 */
	if (unlikely(rcu_access_pointer(nn->blocks)) &&
	    nfips_block_drop(nn, skb, state->pf))
		return NF_DROP;
	p = rcu_dereference(nn->policy);
	if (!p)
		return NF_ACCEPT;
	this_cpu_inc(nn->stats->packets);
	if (unlikely(!nfips_parse(skb, state->pf, &pkt))) {
		this_cpu_inc(nn->stats->unparsed);
		return NF_ACCEPT;
	}

	nfips_scan_init(&c, p, &pkt,
			READ_ONCE(nn->mode) == NFIPS_MODE_ENFORCE);

	/*
	 * TCP and UDP flows have an entry with their verdict (and TCP its
	 * stream), while conntrack tracks them: a packet conntrack found
	 * invalid (out of the window, bad checksum) or does not track is
	 * scanned alone, the entry untouched. Bare ACKs, FINs and RSTs
	 * make no entry.
	 */
	ct = nf_ct_get(skb, &ctinfo);
	if (pkt.l4proto == IPPROTO_TCP || pkt.l4proto == IPPROTO_UDP)
		ft = rcu_dereference(nn->flows);
	nfips_flow_key(&pkt, &key, &dir);
	hash = nfips_flow_hash(ft, &key);
	/*
	 * A new connection: a SYN that made its conntrack entry (for UDP, any
	 * new entry). A TCP entry made mid-stream is a pickup of the same
	 * connection (conntrack lost it: timeout, flush, table full): its
	 * verdict and stream go on.
	 */
	new_ct = ct && ctinfo == IP_CT_NEW && !nf_ct_is_confirmed(ct) &&
		 (pkt.l4proto != IPPROTO_TCP || (pkt.syn && !pkt.ack));
	if (ft && ct)
		st.f = nfips_flow_get(nn, ft, &key, hash, new_ct,
				      pkt.l4proto == IPPROTO_UDP || pkt.len ||
				      pkt.syn, &fresh);
	if (st.f) {
		if (!fresh && pkt.l4proto == IPPROTO_TCP &&
		    flow_reopened(st.f, READ_ONCE(ct->proto.tcp.state), &pkt)) {
			nfips_flow_restart(nn, st.f);
			fresh = true;
		}
		/*
		 * The entry's generation, as the daemon knows it: CTA_ID, which
		 * ctnetlink puts as nf_ct_get_id()'s bytes and its users read
		 * in network order. A conntrack entry's first packet is
		 * unconfirmed, so only then (and for a new entry) can it change.
		 */
		if (fresh || !nf_ct_is_confirmed(ct))
			st.f->ct_id = be32_to_cpu((__force __be32)nf_ct_get_id(ct));
		if (fresh) {
			st.f->verdict = nfips_flow_start(nn, p, &pkt, &st.f->flags,
							 &st.f->epoch);
			if (st.f->verdict == NFIPS_FLOW_QUEUE || st.f->flags)
				this_cpu_inc(nn->stats->flows_queued);
		}
		flow_track(st.f, ct, &pkt, dir);
		fv = st.f->verdict;
		fflags = st.f->flags;
		epoch = st.f->epoch;
	} else {
		fv = nfips_flow_start(nn, p, &pkt, &fflags, &epoch);
	}
	if (fv == NFIPS_FLOW_QUEUE &&
	    epoch != nfips_daemon_epoch(READ_ONCE(nn->daemon))) {
		/* The daemon it was queued to went away: back to the kernel. */
		fv = NFIPS_FLOW_INSPECT;
		fflags |= NFIPS_FLOW_F_ABSENT;
		if (st.f) {
			WRITE_ONCE(st.f->verdict, fv);
			WRITE_ONCE(st.f->flags, fflags);
		}
	}
	if (fv == NFIPS_FLOW_BYPASS || fv == NFIPS_FLOW_DROP) {
		if (st.f)
			nfips_flow_put(st.f);
		if (fv == NFIPS_FLOW_DROP) {
			this_cpu_inc(nn->stats->flow_drops);
			return NF_DROP;
		}
		this_cpu_inc(nn->stats->bypassed);
		return NF_ACCEPT;
	}

	if (st.f && pkt.l4proto == IPPROTO_TCP) {
		st.fd = &st.f->dir[dir];
		pos = nfips_stream_begin(nn, p, &st, &pkt,
					 fresh || ctinfo == IP_CT_NEW,
					 fresh || syn_ok(ct, ctinfo, st.fd, &pkt),
					 &ast, &skip);
		if (pos == NFIPS_STREAM_AHEAD && c.enforce) {
			/* Refuse to guess: it comes again, in order. */
			nfips_flow_put(st.f);
			return NF_DROP;
		}
	}
	if (pos != NFIPS_STREAM_DEPTH && p->ac) {
		if (skip) {
			nfips_scan(skb, &c, 0, 0, &scanned);
			if (c.drop < 0)
				ast = nfips_scan(skb, &c, skip, ast, &scanned);
		} else if (pkt.len) {
			ast = nfips_scan(skb, &c, 0, ast, &scanned);
		}
	}
	this_cpu_add(nn->stats->bytes, scanned);
	if (st.f) {
		/* A dropped segment will come again: the flow waits for it. */
		if (st.fd && pos == NFIPS_STREAM_SCAN && st.cont && pkt.len &&
		    c.drop < 0)
			nfips_stream_end(&st, &pkt, ast);
		nfips_flow_put(st.f);
	}
	if (c.nhits || c.lost) {
		v = nfips_verdict(nn, &c, skb, state);
		if (v != NF_ACCEPT)
			return v;
	}
	/* Inspected here, nothing for the daemon: no call for the usual case. */
	if (fv != NFIPS_FLOW_QUEUE &&
	    !(fflags & (NFIPS_FLOW_F_ABSENT | NFIPS_FLOW_F_OVERLOAD)))
		return NF_ACCEPT;
	return nfips_flow_fate(nn, fv, fflags, hash);
}

/*
 * Hooks run in softirq, except after an NFQUEUE verdict: nf_reinject()
 * runs the hooks after the queueing one in the verdict's process context,
 * BHs enabled (a queue rule before nfips, or the daemon's own verdicts
 * re-entering at a later hook). The flow entry's bit would then spin
 * against a softirq of the same CPU that wants the same entry, and the
 * per-CPU counters and event budget would be updated preemptibly: the
 * hook runs with BHs off, as nft_counter does (nearly free in softirq).
 */
static unsigned int nfips_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	unsigned int v;

	/* Softirq, or BHs off already: the common case, nothing to do. */
	if (likely(in_softirq()))
		return nfips_inspect(priv, skb, state);
	local_bh_disable();
	v = nfips_inspect(priv, skb, state);
	local_bh_enable();
	return v;
}

/* After defragmentation (-400) and conntrack (-200), after the filter table. */
#define NFIPS_PRIO	(NF_IP_PRI_FILTER + 10)

static const struct {
	u8 pf;
	u8 hooknum;
	u32 kind;
} hook_defs[] = {
	{ NFPROTO_IPV4, NF_INET_FORWARD, NFIPS_HOOK_FORWARD },
	{ NFPROTO_IPV6, NF_INET_FORWARD, NFIPS_HOOK_FORWARD },
	{ NFPROTO_IPV4, NF_INET_LOCAL_IN, NFIPS_HOOK_LOCAL_IN },
	{ NFPROTO_IPV6, NF_INET_LOCAL_IN, NFIPS_HOOK_LOCAL_IN },
};

void nfips_hooks_init(struct nfips_net *nn)
{
	unsigned int i;

	BUILD_BUG_ON(ARRAY_SIZE(hook_defs) != ARRAY_SIZE(nn->ops));
	for (i = 0; i < ARRAY_SIZE(hook_defs); i++) {
		nn->ops[i].hook = nfips_hook;
		nn->ops[i].pf = hook_defs[i].pf;
		nn->ops[i].hooknum = hook_defs[i].hooknum;
		nn->ops[i].priority = NFIPS_PRIO;
		nn->ops[i].priv = nn;
	}
}

/*
 * Registers the hooks of the kinds in @mask (NFIPS_HOOK_*) and removes the
 * others. Conntrack, and with it defragmentation, is on in the namespace
 * while any hook is: the flow table trusts its window checks and its
 * word on which SYN begins a connection. On failure nothing changes.
 */
int nfips_hooks_set(struct nfips_net *nn, u32 mask)
{
	struct net *net = nn->net;
	u32 add = mask & ~nn->hooks_on, del = nn->hooks_on & ~mask;
	unsigned int i;
	int ret;

	lockdep_assert_held(&nn->lock);
	/* Without a table (max_flows 0, budget, memory) packets go alone. */
	if (mask && !rcu_access_pointer(nn->flows))
		rcu_assign_pointer(nn->flows, nfips_flows_alloc(nn));
	if (mask && !nn->ct_on) {
		ret = nf_ct_netns_get(net, NFPROTO_INET);
		if (ret)
			return ret;
		nn->ct_on = true;
	}
	for (i = 0; i < ARRAY_SIZE(hook_defs); i++) {
		if (!(add & hook_defs[i].kind))
			continue;
		ret = nf_register_net_hook(net, &nn->ops[i]);
		if (ret)
			goto err;
	}
	for (i = 0; i < ARRAY_SIZE(hook_defs); i++)
		if (del & hook_defs[i].kind)
			nf_unregister_net_hook(net, &nn->ops[i]);
	nn->hooks_on = mask;
	if (!mask && nn->ct_on) {
		nf_ct_netns_put(net, NFPROTO_INET);
		nn->ct_on = false;
	}
	return 0;

err:
	while (i--)
		if (add & hook_defs[i].kind)
			nf_unregister_net_hook(net, &nn->ops[i]);
	if (!nn->hooks_on && nn->ct_on) {
		nf_ct_netns_put(net, NFPROTO_INET);
		nn->ct_on = false;
	}
	return ret;
}
