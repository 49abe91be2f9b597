// SPDX-License-Identifier: GPL-2.0
/*
 * nfips: the packet path. One Aho-Corasick pass over the L4 payload, read
 * in place fragment by fragment with skb_seq_read() (no linearisation, no
 * copy, no allocation); every fast-pattern hit is checked against its
 * rule's header conditions and content modifiers, and the packet is
 * dropped or accepted with an event; the flow's verdict (flow.c) then
 * decides whether the packet goes on, to the daemon's NFQUEUE, or is
 * bypassed or dropped without a scan (Documentation/design.rst).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/reciprocal_div.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>
#include "nfips.h"

/*
 * Distinct rules one packet can report; more only count as lost events,
 * told apart by a small bitmap (two rules sharing a bit count once).
 */
#define NFIPS_PKT_HITS		16
#define NFIPS_OVERFLOW_BITS	8

struct scan_ctx {
	const struct nfips_policy *p;
	const struct nfips_pkt *pkt;
	u32 base;		/* payload offset of the current block */
	u32 carry;		/* bytes before this offset were scanned earlier */
	bool enforce;
	int drop;		/* rule that drops the packet, or -1 */
	u32 nhits, lost;
	u32 hits[NFIPS_PKT_HITS];
	DECLARE_BITMAP(overflow, 1 << NFIPS_OVERFLOW_BITS);
};

static bool in_ranges4(const struct nfips_range4 *r, u32 n, __be32 addr)
{
	u32 a = ntohl(addr), i;

	for (i = 0; i < n; i++)
		if (a >= get_unaligned_be32(r[i].lo) &&
		    a <= get_unaligned_be32(r[i].hi))
			return true;
	return false;
}

static bool in_ranges6(const struct nfips_range6 *r, u32 n,
		       const struct in6_addr *addr)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (memcmp(addr, r[i].lo, 16) >= 0 &&
		    memcmp(addr, r[i].hi, 16) <= 0)
			return true;
	return false;
}

static bool in_ports(const struct nfips_prange *r, u32 n, u16 port)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (port >= r[i].lo && port <= r[i].hi)
			return true;
	return false;
}

static bool addr_in(const struct nfips_pkt *pkt, const void *addr,
		    const struct nfips_range4 *r4, u32 n4,
		    const struct nfips_range6 *r6, u32 n6)
{
	if (pkt->family == NFPROTO_IPV4)
		return in_ranges4(r4, n4, *(const __be32 *)addr);
	return in_ranges6(r6, n6, addr);
}

/* The rule's header, in its own direction or (swap) the other way. */
static bool header_ok(const struct nfips_krule *r, const struct nfips_pkt *pkt,
		      bool swap)
{
	u16 sport = swap ? pkt->dport : pkt->sport;
	u16 dport = swap ? pkt->sport : pkt->dport;
	const void *sa = swap ? (const void *)&pkt->daddr : &pkt->saddr;
	const void *da = swap ? (const void *)&pkt->saddr : &pkt->daddr;

	if ((r->flags & NFIPS_RULE_F_SRC) &&
	    !addr_in(pkt, sa, r->src4, r->nsrc4, r->src6, r->nsrc6))
		return false;
	if ((r->flags & NFIPS_RULE_F_DST) &&
	    !addr_in(pkt, da, r->dst4, r->ndst4, r->dst6, r->ndst6))
		return false;
	if ((r->flags & NFIPS_RULE_F_SPORT) &&
	    (!pkt->has_ports || !in_ports(r->sports, r->nsports, sport)))
		return false;
	if ((r->flags & NFIPS_RULE_F_DPORT) &&
	    (!pkt->has_ports || !in_ports(r->dports, r->ndports, dport)))
		return false;
	return true;
}

static bool dsize_ok(const struct nfips_krule *r, u32 len)
{
	switch (r->dsize_op) {
	case NFIPS_DSIZE_EQ:
		return len == r->dsize_lo;
	case NFIPS_DSIZE_NE:
		return len != r->dsize_lo;
	case NFIPS_DSIZE_LT:
		return len < r->dsize_lo;
	case NFIPS_DSIZE_LE:
		return len <= r->dsize_lo;
	case NFIPS_DSIZE_GT:
		return len > r->dsize_lo;
	case NFIPS_DSIZE_GE:
		return len >= r->dsize_lo;
	default:
		return len > r->dsize_lo && len < r->dsize_hi;
	}
}

/*
 * @end: payload offset just past the match. A match that began in bytes
 * scanned with an earlier segment (before @carry) has no position in this
 * packet: rules that constrain the position or the packet size want it
 * whole in this packet's own bytes.
 */
static bool rule_ok(const struct nfips_krule *r, const struct nfips_pkt *pkt,
		    u32 end, u32 carry)
{
	if (r->proto != NFIPS_RPROTO_IP && r->proto != pkt->rproto)
		return false;
	if (end < r->patlen + carry) {
		if (r->offset || r->depth || (r->flags & NFIPS_RULE_F_DSIZE))
			return false;
	} else {
		if (end - r->patlen < r->offset)
			return false;
		if (r->depth && (u64)end > (u64)r->offset + r->depth)
			return false;
	}
	if ((r->flags & NFIPS_RULE_F_DSIZE) && !dsize_ok(r, pkt->len))
		return false;
	if (header_ok(r, pkt, false))
		return true;
	return (r->flags & NFIPS_RULE_F_BIDIR) && header_ok(r, pkt, true);
}

static int on_match(void *arg, u32 id, u32 end)
{
	struct scan_ctx *c = arg;
	const struct nfips_krule *r;
	u32 i;

	if (unlikely(id >= c->p->nrules))
		return 0;
	r = c->p->rules[id];
	if (!rule_ok(r, c->pkt, c->base + end, c->carry))
		return 0;
	for (i = 0; i < c->nhits; i++)
		if (c->hits[i] == id)
			return 0;
	if (c->nhits < NFIPS_PKT_HITS) {
		c->hits[c->nhits++] = id;
		if (c->nhits == NFIPS_PKT_HITS)
			bitmap_zero(c->overflow, 1 << NFIPS_OVERFLOW_BITS);
	} else if (!__test_and_set_bit(hash_32(id, NFIPS_OVERFLOW_BITS),
				       c->overflow)) {
		c->lost++;
	}
	switch (r->action) {
	case NFIPS_ACT_DROP:
	case NFIPS_ACT_REJECT:
		if (c->enforce && (r->flags & NFIPS_RULE_F_APPROVED)) {
			/* The packet is gone: later matches change nothing. */
			c->drop = id;
			return 1;
		}
		break;
	}
	return 0;
}

static bool parse_l4(struct sk_buff *skb, struct nfips_pkt *pkt, u8 proto,
		     unsigned int thoff)
{
	unsigned int off = thoff;

	pkt->l4proto = proto;
	pkt->rproto = NFIPS_RPROTO_IP;
	pkt->has_ports = false;
	pkt->sport = 0;
	pkt->dport = 0;
	pkt->seq = 0;
	pkt->ack_seq = 0;
	pkt->syn = false;
	pkt->ack = false;
	pkt->fin = false;
	pkt->rst = false;
	switch (proto) {
	case IPPROTO_TCP: {
		struct tcphdr _th;
		const struct tcphdr *th;

		th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
		if (!th || th->doff * 4 < sizeof(*th))
			return false;
		off += th->doff * 4;
		pkt->rproto = NFIPS_RPROTO_TCP;
		pkt->has_ports = true;
		pkt->sport = ntohs(th->source);
		pkt->dport = ntohs(th->dest);
		pkt->seq = ntohl(th->seq);
		pkt->ack_seq = ntohl(th->ack_seq);
		pkt->syn = th->syn;
		pkt->ack = th->ack;
		pkt->fin = th->fin;
		pkt->rst = th->rst;
		break;
	}
	case IPPROTO_UDP: {
		struct udphdr _uh;
		const struct udphdr *uh;

		uh = skb_header_pointer(skb, thoff, sizeof(_uh), &_uh);
		if (!uh)
			return false;
		off += sizeof(*uh);
		pkt->rproto = NFIPS_RPROTO_UDP;
		pkt->has_ports = true;
		pkt->sport = ntohs(uh->source);
		pkt->dport = ntohs(uh->dest);
		break;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if ((proto == IPPROTO_ICMP) != (pkt->family == NFPROTO_IPV4))
			break;
		/* type, code, checksum and the 4-byte rest of header */
		off += 8;
		pkt->rproto = NFIPS_RPROTO_ICMP;
		break;
	}
	if (off > skb->len)
		return false;
	pkt->off = off;
	pkt->len = skb->len - off;
	return true;
}

static bool parse_v4(struct sk_buff *skb, struct nfips_pkt *pkt)
{
	const struct iphdr *iph = ip_hdr(skb);

	pkt->family = NFPROTO_IPV4;
	pkt->saddr.v4 = iph->saddr;
	pkt->daddr.v4 = iph->daddr;
	/* Defragmentation is on: a fragment here could not be reassembled. */
	if (ip_is_fragment(iph))
		return false;
	return parse_l4(skb, pkt, iph->protocol,
			skb_network_offset(skb) + ip_hdrlen(skb));
}

static bool parse_v6(struct sk_buff *skb, struct nfips_pkt *pkt)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	u8 nexthdr = ip6h->nexthdr;
	__be16 frag_off = 0;
	int thoff;

	pkt->family = NFPROTO_IPV6;
	pkt->saddr.v6 = ip6h->saddr;
	pkt->daddr.v6 = ip6h->daddr;
	thoff = ipv6_skip_exthdr(skb, skb_network_offset(skb) + sizeof(*ip6h),
				 &nexthdr, &frag_off);
	if (thoff < 0 || frag_off)
		return false;
	return parse_l4(skb, pkt, nexthdr, thoff);
}

static void reject(struct sk_buff *skb, const struct nf_hook_state *state,
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

static unsigned int verdict(struct nfips_net *nn, struct scan_ctx *c,
			    struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	const struct nfips_policy *p = c->p;
	u32 i;

	for (i = 0; i < c->nhits; i++) {
		struct nfips_krule *r = p->rules[c->hits[i]];

		atomic64_inc(&r->hits);
		nfips_event_send(nn, p, c->hits[i], c->drop >= 0, c->pkt,
				 state);
	}
	this_cpu_add(nn->stats->hits, c->nhits + c->lost);
	if (unlikely(c->lost))
		this_cpu_add(nn->stats->events_lost, c->lost);

	if (c->drop >= 0) {
		this_cpu_inc(nn->stats->drops);
		if (p->rules[c->drop]->action == NFIPS_ACT_REJECT) {
			reject(skb, state, c->pkt);
			this_cpu_inc(nn->stats->rejects);
		}
		return NF_DROP;
	}
	if (c->nhits)
		this_cpu_inc(nn->stats->alerts);
	return NF_ACCEPT;
}

/* A TCP segment's place in its flow, while the flow entry is held. */
struct stream {
	struct nfips_flow *f;
	struct nfips_flow_dir *fd;
	u32 seq;		/* of the first payload byte */
	s64 off;		/* its stream offset (< 0: before offset 0) */
	bool cont;		/* the flow continues after this segment */
};

enum stream_pos {
	STREAM_SCAN,		/* scan (*ast, *skip say how) */
	STREAM_DEPTH,		/* past the stream depth: let through unscanned */
	STREAM_AHEAD,		/* ahead of a hole within the depth */
};

/*
 * The receiver of the other direction acknowledged up to @ack: if that
 * direction has no offsets yet, they count from there. Only the receiver
 * knows which bytes it took: a SYN, or segments it threw away, cannot move
 * offset 0 back and so put data within the depth past it. Only an ack of
 * bytes seen here since the direction's SYN (or first byte) counts: an
 * old one, from an earlier connection on the same ports, would put the
 * new connection's start past the depth. The SYN-ACK (@synack) says
 * which SYN the receiver took, when SYNs with different sequence numbers
 * crossed: the direction starts there if it carried nothing yet.
 */
static void stream_anchor(struct nfips_flow_dir *od, u32 ack, bool synack)
{
	if (od->anchored || !od->synced)
		return;
	if (synack && od->next == od->start) {
		od->start = ack;
		od->next = ack;
		od->ast = 0;
	}
	if ((s32)(ack - od->start) < 0 || (s32)(od->next - ack) < 0)
		return;
	od->anchored = true;
	od->pos = od->next - ack;
}

/*
 * The receiver acknowledged bytes past the ones seen here in order: they
 * went through without the entry (conntrack found them invalid, or the
 * flow had no entry then; scanned alone). Continue from what the receiver
 * has, or every later segment would look ahead of a hole for ever: the
 * sender resends from the receiver's acknowledgment, never from before.
 * Only an ack of data counts, never a SYN-ACK's (it acknowledges a SYN,
 * perhaps of a new connection on the same conntrack entry: its distance
 * from this one's bytes means nothing), nor one from before the
 * direction's start.
 */
static void stream_catch_up(struct nfips_flow_dir *od, u32 ack)
{
	s32 d = (s32)(ack - od->next);

	if (!od->synced || d <= 0 || (s32)(ack - od->start) < 0)
		return;
	od->pos += d;
	od->next = ack;
	od->ast = 0;
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
 * Positions a TCP segment in its flow. Every segment is scanned whole; an
 * in-order one continues the flow's matcher state (*@ast), so a pattern
 * split across segments matches. One that overlaps what was scanned is
 * scanned on its own and its new tail, from *@skip, continued: the bytes
 * scanned before need not be the ones the receiver kept. A retransmission
 * of scanned bytes is scanned on its own and leaves the flow alone (the
 * original may have been dropped). A segment ahead of a hole within the
 * depth (STREAM_AHEAD) leaves the flow alone too: the bytes before it are
 * still to come, and only in order can a pattern across the hole be seen.
 * Offsets, for the depth, count by sequence number from where the
 * receiver's acknowledgments placed them (stream_anchor()). A SYN restarts
 * its direction only while conntrack says the connection is new or in its
 * handshake (@syn_ok): on an established one, 6.1 conntrack lets a SYN
 * through without a window check.
 */
static enum stream_pos stream_begin(struct nfips_net *nn,
				    const struct nfips_policy *p,
				    struct stream *s,
				    const struct nfips_pkt *pkt, bool new_conn,
				    bool syn_ok, nfips_ac_state *ast, u32 *skip)
{
	struct nfips_flow_dir *fd = s->fd;
	struct nfips_flow_dir *od = &s->f->dir[fd == &s->f->dir[0]];
	u32 depth = READ_ONCE(nn->stream_depth);
	s32 done;

	if (s->f->serial != (u32)p->serial) {
		/* A matcher state means nothing to another automaton. */
		s->f->dir[0].ast = 0;
		s->f->dir[1].ast = 0;
		s->f->serial = p->serial;
	}
	s->seq = pkt->seq + pkt->syn;
	s->cont = true;
	s->off = 0;
	if (pkt->syn && !syn_ok) {
		/* The receiver ignores it (RFC 5961): so does the flow. */
		this_cpu_inc(nn->stats->syns_ignored);
		s->cont = false;
		return STREAM_SCAN;
	}
	if (pkt->syn) {
		/* Offsets wait for the receiver's ack of this SYN. */
		if (new_conn) {
			od->synced = false;
			WRITE_ONCE(od->anchored, false);
		}
		if (new_conn && pkt->ack) {
			/* A SYN-ACK begins it: it says where the SYN was. */
			od->synced = true;
			od->start = pkt->ack_seq;
			od->next = pkt->ack_seq;
			od->ast = 0;
		}
		fd->synced = true;
		WRITE_ONCE(fd->anchored, false);
		fd->next = s->seq;
		fd->start = s->seq;
		fd->ast = 0;
	}
	if (pkt->ack) {
		stream_anchor(od, pkt->ack_seq, pkt->syn);
		if (!pkt->syn)
			stream_catch_up(od, pkt->ack_seq);
	}
	if (!fd->synced)
		return STREAM_SCAN;
	done = (s32)(fd->next - s->seq);
	s->off = fd->pos - done;
	if (done < 0 && pkt->len &&
	    (!depth || !fd->anchored || fd->pos < depth)) {
		this_cpu_inc(nn->stats->ahead);
		s->cont = false;
		return STREAM_AHEAD;
	}
	if (depth && fd->anchored && s->off >= depth) {
		/* Keeping the place keeps offsets right however long the flow. */
		if (done <= 0) {
			fd->next = s->seq + pkt->len;
			fd->pos = s->off + pkt->len;
			fd->ast = 0;
		}
		this_cpu_add(nn->stats->depth_bytes, pkt->len);
		return STREAM_DEPTH;
	}
	if (done >= 0 && done < (s32)pkt->len) {
		*ast = fd->ast;
		*skip = done;
	} else if (done > 0) {
		s->cont = false;
	}
	return STREAM_SCAN;
}

/* The segment was let through: the flow continues after it. */
static void stream_end(struct stream *s, const struct nfips_pkt *pkt,
		       nfips_ac_state ast)
{
	struct nfips_flow_dir *fd = s->fd;

	if (!fd->synced)
		fd->start = s->seq;
	fd->ast = ast;
	fd->next = s->seq + pkt->len;
	fd->pos = s->off + pkt->len;
	fd->synced = true;
}

/* Scans the payload from @from on, continuing @ast; returns the state. */
static nfips_ac_state scan(struct sk_buff *skb, const struct nfips_pkt *pkt,
			   struct scan_ctx *c, u32 from, nfips_ac_state ast,
			   u32 *scanned)
{
	struct skb_seq_state seq;
	u32 consumed = 0, n;
	const u8 *data;

	/* A state carried in makes the bytes before @from earlier ones. */
	c->carry = ast ? from : 0;
	skb_prepare_seq_read(skb, pkt->off + from, pkt->off + pkt->len, &seq);
	while (from + consumed < pkt->len &&
	       (n = skb_seq_read(consumed, &data, &seq)) != 0) {
		n = min(n, pkt->len - from - consumed);
		c->base = from + consumed;
		ast = nfips_ac_scan(c->p->ac, ast, data, n, on_match, c);
		if (c->drop >= 0)
			break;
		consumed += n;
	}
	skb_abort_seq_read(&seq);
	*scanned += consumed;
	return ast;
}

/*
 * Whether a daemon selector concerns the flow of @pkt: its header matches
 * the packet in either orientation, as the rules behind it may look at
 * either direction of the flow.
 */
static bool sel_match(const struct nfips_policy *p, const struct nfips_pkt *pkt)
{
	u32 i;

	for (i = 0; i < p->nsels; i++) {
		const struct nfips_krule *s = p->sels[i];

		if (s->proto != NFIPS_RPROTO_IP && s->proto != pkt->rproto)
			continue;
		if (header_ok(s, pkt, false) || header_ok(s, pkt, true))
			return true;
	}
	return false;
}

/* The verdict of a flow that begins with @pkt; *@flags, *@epoch with it. */
static u8 flow_start(struct nfips_net *nn, const struct nfips_policy *p,
		     const struct nfips_pkt *pkt, u8 *flags, u16 *epoch)
{
	u64 d;

	*flags = 0;
	*epoch = 0;
	if (!p->nsels || !sel_match(p, pkt))
		return NFIPS_FLOW_INSPECT;
	d = READ_ONCE(nn->daemon);
	if (!d) {
		*flags = NFIPS_FLOW_F_ABSENT;
		return NFIPS_FLOW_INSPECT;
	}
	if (READ_ONCE(nn->overload)) {
		*flags = NFIPS_FLOW_F_OVERLOAD;
		return NFIPS_FLOW_INSPECT;
	}
	*epoch = nfips_daemon_epoch(d);
	return NFIPS_FLOW_QUEUE;
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

/*
 * After the kernel's rules let the packet through: to the daemon's queue
 * for a queued flow, a flow spread by its hash; a flow chosen for the
 * daemon that cannot have it passes (or, fail-closed, is dropped).
 */
static unsigned int flow_fate(struct nfips_net *nn, u8 fv, u8 flags, u32 hash)
{
	bool open = READ_ONCE(nn->fail_open);
	unsigned int v;
	u64 d;

	if (fv == NFIPS_FLOW_QUEUE) {
		d = READ_ONCE(nn->daemon);
		if (d) {
			this_cpu_inc(nn->stats->queued);
			v = NF_QUEUE_NR(nfips_daemon_queue(d) +
					reciprocal_scale(hash, nfips_daemon_queues(d)));
			if (open)
				v |= NF_VERDICT_FLAG_QUEUE_BYPASS;
			return v;
		}
		flags |= NFIPS_FLOW_F_ABSENT;
	}
	if (flags & NFIPS_FLOW_F_ABSENT)
		this_cpu_inc(nn->stats->daemon_absent);
	else if (flags & NFIPS_FLOW_F_OVERLOAD)
		this_cpu_inc(nn->stats->daemon_overload);
	else
		return NF_ACCEPT;
	return open ? NF_ACCEPT : NF_DROP;
}

static unsigned int nfips_inspect(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct nfips_net *nn = priv;
	const struct nfips_policy *p;
	struct nfips_flows *ft = NULL;
	struct stream st = { NULL };
	enum stream_pos pos = STREAM_SCAN;
	enum ip_conntrack_info ctinfo;
	struct nfips_flow_key key;
	struct nf_conn *ct;
	struct nfips_pkt pkt;
	struct scan_ctx c;
	nfips_ac_state ast = 0;
	u32 skip = 0, scanned = 0, hash;
	unsigned int dir, v;
	u8 fv, fflags;
	u16 epoch;
	bool ok, fresh = false, new_ct;

	/* netfilter calls hooks under rcu_read_lock() */
	p = rcu_dereference(nn->policy);
	if (!p)
		return NF_ACCEPT;
	this_cpu_inc(nn->stats->packets);
	ok = state->pf == NFPROTO_IPV4 ? parse_v4(skb, &pkt) :
					 parse_v6(skb, &pkt);
	if (unlikely(!ok)) {
		this_cpu_inc(nn->stats->unparsed);
		return NF_ACCEPT;
	}

	c.p = p;
	c.pkt = &pkt;
	c.enforce = READ_ONCE(nn->mode) == NFIPS_MODE_ENFORCE;
	c.drop = -1;
	c.nhits = 0;
	c.lost = 0;

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
			st.f->verdict = flow_start(nn, p, &pkt, &st.f->flags,
						   &st.f->epoch);
			if (st.f->verdict == NFIPS_FLOW_QUEUE || st.f->flags)
				this_cpu_inc(nn->stats->flows_queued);
		}
		flow_track(st.f, ct, &pkt, dir);
		fv = st.f->verdict;
		fflags = st.f->flags;
		epoch = st.f->epoch;
	} else {
		fv = flow_start(nn, p, &pkt, &fflags, &epoch);
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
		pos = stream_begin(nn, p, &st, &pkt,
				   fresh || ctinfo == IP_CT_NEW,
				   fresh || syn_ok(ct, ctinfo, st.fd, &pkt),
				   &ast, &skip);
		if (pos == STREAM_AHEAD && c.enforce) {
			/* Refuse to guess: it comes again, in order. */
			nfips_flow_put(st.f);
			return NF_DROP;
		}
	}
	if (pos != STREAM_DEPTH && p->ac) {
		if (skip) {
			scan(skb, &pkt, &c, 0, 0, &scanned);
			if (c.drop < 0)
				ast = scan(skb, &pkt, &c, skip, ast, &scanned);
		} else if (pkt.len) {
			ast = scan(skb, &pkt, &c, 0, ast, &scanned);
		}
	}
	this_cpu_add(nn->stats->bytes, scanned);
	if (st.f) {
		/* A dropped segment will come again: the flow waits for it. */
		if (st.fd && pos == STREAM_SCAN && st.cont && pkt.len &&
		    c.drop < 0)
			stream_end(&st, &pkt, ast);
		nfips_flow_put(st.f);
	}
	if (c.nhits || c.lost) {
		v = verdict(nn, &c, skb, state);
		if (v != NF_ACCEPT)
			return v;
	}
	return flow_fate(nn, fv, fflags, hash);
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
	/* Without a table (max_flows 0, no memory) packets are scanned alone. */
	if (mask && !rcu_access_pointer(nn->flows))
		rcu_assign_pointer(nn->flows, nfips_flows_alloc(nfips_max_flows));
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
