// SPDX-License-Identifier: GPL-2.0
/*
 * nfips: the scan of a payload. One Aho-Corasick pass over the L4
 * payload, read in place fragment by fragment with skb_seq_read() (no
 * linearisation, no copy, no allocation); every fast-pattern hit is
 * checked against its rule's protocol, content modifiers (offset, depth,
 * dsize) and header (addresses and ports, both ways for <>), and the
 * rules hit are collected for the verdict (hooks.c). A rule decided to
 * drop ends the scan: the packet is gone.
 */
#include <linux/hash.h>
#include <linux/netfilter.h>
#include "match.h"
#include "ranges.h"

static bool addr_in(const struct nfips_pkt *pkt, const void *addr,
		    const struct nfips_range4 *r4, u32 n4,
		    const struct nfips_range6 *r6, u32 n6)
{
	if (pkt->family == NFPROTO_IPV4)
		return nfips_in_ranges(r4, n4, sizeof(*r4), addr,
				       nfips_cmp_addr4);
	return nfips_in_ranges(r6, n6, sizeof(*r6), addr, nfips_cmp_addr6);
}

static bool port_in(const struct nfips_prange *r, u32 n, u16 port)
{
	return nfips_in_ranges(r, n, sizeof(*r), &port, nfips_cmp_port);
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
	    (!pkt->has_ports || !port_in(r->sports, r->nsports, sport)))
		return false;
	if ((r->flags & NFIPS_RULE_F_DPORT) &&
	    (!pkt->has_ports || !port_in(r->dports, r->ndports, dport)))
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
	struct nfips_scan_ctx *c = arg;
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

void nfips_scan_init(struct nfips_scan_ctx *c, const struct nfips_policy *p,
		     const struct nfips_pkt *pkt, bool enforce)
{
	c->p = p;
	c->pkt = pkt;
	c->enforce = enforce;
	c->drop = -1;
	c->nhits = 0;
	c->lost = 0;
}

/* Scans the payload from @from on, continuing @ast; returns the state. */
nfips_ac_state nfips_scan(struct sk_buff *skb, struct nfips_scan_ctx *c,
			  u32 from, nfips_ac_state ast, u32 *scanned)
{
	const struct nfips_pkt *pkt = c->pkt;
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
bool nfips_sel_match(const struct nfips_policy *p, const struct nfips_pkt *pkt)
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
