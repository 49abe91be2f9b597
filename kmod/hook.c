// SPDX-License-Identifier: GPL-2.0
/*
 * nfips: the packet path. One Aho-Corasick pass over the L4 payload, read
 * in place fragment by fragment with skb_seq_read() (no linearisation, no
 * copy, no allocation); every fast-pattern hit is checked against its
 * rule's header conditions and content modifiers, and the packet is
 * dropped, accepted with an event, or queued to the slow path.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
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
	bool punt;
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
	case NFIPS_ACT_PUNT:
		c->punt = true;
		break;
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
	bool alert = false;
	unsigned int v;
	u32 i;

	for (i = 0; i < c->nhits; i++) {
		struct nfips_krule *r = p->rules[c->hits[i]];

		atomic64_inc(&r->hits);
		if (r->action == NFIPS_ACT_PUNT)
			continue;
		alert = true;
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
	if (alert)
		this_cpu_inc(nn->stats->alerts);
	if (c->punt) {
		this_cpu_inc(nn->stats->punts);
		v = NF_QUEUE_NR(READ_ONCE(nn->queue));
		if (READ_ONCE(nn->fail_open))
			v |= NF_VERDICT_FLAG_QUEUE_BYPASS;
		return v;
	}
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

/*
 * The receiver of the other direction acknowledged up to @ack: if that
 * direction has no offsets yet, they count from there. Only the receiver
 * knows which bytes it took: a SYN, or segments it threw away, cannot move
 * offset 0 back and so put data within the depth past it. Only an ack of
 * bytes seen here since the direction's SYN (or first byte) counts: an
 * old one, from an earlier connection on the same ports, would put the
 * new connection's start past the depth.
 */
static void stream_anchor(struct nfips_flow_dir *od, u32 ack)
{
	if (od->anchored || !od->synced)
		return;
	if ((s32)(ack - od->start) < 0 || (s32)(od->next - ack) < 0)
		return;
	/* Read unlocked by nfips_flow_get() for bare ACKs. */
	WRITE_ONCE(od->anchored, true);
	od->pos = od->next - ack;
}

/*
 * Positions a TCP segment in its flow. Every segment is scanned whole; an
 * in-order one continues the flow's matcher state (*@ast), so a pattern
 * split across segments matches. One that overlaps what was scanned is
 * scanned on its own and its new tail, from *@skip, continued: the bytes
 * scanned before need not be the ones the receiver kept. A retransmission
 * of scanned bytes is scanned on its own and leaves the flow alone (the
 * original may have been dropped); after a gap the flow restarts here.
 * Offsets, for the depth, count by sequence number from where the
 * receiver's acknowledgments placed them (stream_anchor()). Returns false
 * when the segment lies past the stream depth.
 */
static bool stream_begin(struct nfips_net *nn, const struct nfips_policy *p,
			 struct stream *s, const struct nfips_pkt *pkt,
			 bool new_conn, nfips_ac_state *ast, u32 *skip)
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
	if (pkt->syn) {
		/* Offsets wait for the receiver's ack of this SYN. */
		if (new_conn) {
			od->synced = false;
			WRITE_ONCE(od->anchored, false);
		}
		fd->synced = true;
		WRITE_ONCE(fd->anchored, false);
		fd->next = s->seq;
		fd->start = s->seq;
		fd->ast = 0;
	}
	if (pkt->ack)
		stream_anchor(od, pkt->ack_seq);
	s->cont = true;
	s->off = 0;
	if (!fd->synced)
		return true;
	done = (s32)(fd->next - s->seq);
	s->off = fd->pos - done;
	if (depth && fd->anchored && s->off >= depth) {
		/* Keeping the place keeps offsets right however long the flow. */
		if (done <= 0) {
			fd->next = s->seq + pkt->len;
			fd->pos = s->off + pkt->len;
			fd->ast = 0;
		}
		this_cpu_add(nn->stats->depth_bytes, pkt->len);
		return false;
	}
	if (done >= 0 && done < (s32)pkt->len) {
		*ast = fd->ast;
		*skip = done;
	} else if (done > 0) {
		s->cont = false;
	}
	return true;
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

static unsigned int nfips_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct nfips_net *nn = priv;
	const struct nfips_policy *p;
	struct nfips_flows *ft = NULL;
	struct stream st = { NULL };
	enum ip_conntrack_info ctinfo;
	struct nfips_pkt pkt;
	struct scan_ctx c;
	nfips_ac_state ast = 0;
	u32 skip = 0, scanned = 0;
	unsigned int dir;
	bool ok;

	/* netfilter calls hooks under rcu_read_lock() */
	p = rcu_dereference(nn->policy);
	if (!p || !p->ac)
		return NF_ACCEPT;
	this_cpu_inc(nn->stats->packets);
	ok = state->pf == NFPROTO_IPV4 ? parse_v4(skb, &pkt) :
					 parse_v6(skb, &pkt);
	if (unlikely(!ok)) {
		this_cpu_inc(nn->stats->unparsed);
		return NF_ACCEPT;
	}
	if (!pkt.len && pkt.l4proto != IPPROTO_TCP)
		return NF_ACCEPT;

	c.p = p;
	c.pkt = &pkt;
	c.enforce = READ_ONCE(nn->mode) == NFIPS_MODE_ENFORCE;
	c.punt = false;
	c.drop = -1;
	c.nhits = 0;
	c.lost = 0;

	/*
	 * A segment conntrack found invalid (out of the window, bad
	 * checksum) or does not track is scanned alone, the flow untouched.
	 */
	if (pkt.l4proto == IPPROTO_TCP && nf_ct_get(skb, &ctinfo))
		ft = rcu_dereference(nn->flows);
	if (ft) {
		st.f = nfips_flow_get(nn, ft, &pkt, &dir,
				      !pkt.len && !pkt.syn);
		if (st.f) {
			st.fd = &st.f->dir[dir];
			if (!stream_begin(nn, p, &st, &pkt, ctinfo == IP_CT_NEW,
					  &ast, &skip)) {
				nfips_flow_put(st.f);
				return NF_ACCEPT;
			}
		}
	}
	if (skip) {
		scan(skb, &pkt, &c, 0, 0, &scanned);
		if (c.drop < 0)
			ast = scan(skb, &pkt, &c, skip, ast, &scanned);
	} else if (pkt.len) {
		ast = scan(skb, &pkt, &c, 0, ast, &scanned);
	}
	this_cpu_add(nn->stats->bytes, scanned);
	if (st.f) {
		/*
		 * A dropped segment will come again; so may a punted one, if
		 * the slow path drops it: the flow only moves past the rest.
		 */
		if (st.cont && pkt.len && c.drop < 0 && !c.punt)
			stream_end(&st, &pkt, ast);
		nfips_flow_put(st.f);
	}
	if (!c.nhits && !c.lost)
		return NF_ACCEPT;
	return verdict(nn, &c, skb, state);
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
