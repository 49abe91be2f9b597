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
#include <linux/netfilter.h>
#include "match.h"
#include "prefilter.h"
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

/* The rule's ports, in its own direction or (swap) the other way. */
static bool ports_ok(const struct nfips_krule *r, const struct nfips_pkt *pkt,
		     bool swap)
{
	u16 sport = swap ? pkt->dport : pkt->sport;
	u16 dport = swap ? pkt->sport : pkt->dport;

	if ((r->flags & NFIPS_RULE_F_SPORT) &&
	    (!pkt->has_ports || !port_in(r->sports, r->nsports, sport)))
		return false;
	if ((r->flags & NFIPS_RULE_F_DPORT) &&
	    (!pkt->has_ports || !port_in(r->dports, r->ndports, dport)))
		return false;
	return true;
}

/* The rule's header, in its own direction or (swap) the other way. */
static bool header_ok(const struct nfips_krule *r, const struct nfips_pkt *pkt,
		      bool swap)
{
	const void *sa = swap ? (const void *)&pkt->daddr : &pkt->saddr;
	const void *da = swap ? (const void *)&pkt->saddr : &pkt->daddr;

	if ((r->flags & NFIPS_RULE_F_SRC) &&
	    !addr_in(pkt, sa, r->src4, r->nsrc4, r->src6, r->nsrc6))
		return false;
	if ((r->flags & NFIPS_RULE_F_DST) &&
	    !addr_in(pkt, da, r->dst4, r->ndst4, r->dst6, r->ndst6))
		return false;
	return ports_ok(r, pkt, swap);
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
 * What varies with each occurrence of the pattern. @end: payload offset
 * just past the match. Offset, depth and dsize are of the wire packet the
 * match is in: the packet itself, or one segment or datagram of an
 * aggregate (pkt->seg bytes each but the last). A match that began in an
 * earlier wire packet (before @carry: scanned with an earlier packet of
 * the stream; or before the segment of its last byte) has no position:
 * rules that constrain the position or the size want it whole in one.
 */
static bool place_ok(const struct nfips_krule *r, const struct nfips_scan_ctx *c,
		     u32 end)
{
	u32 seg = c->pkt->seg, base = 0, len = c->pkt->len, from = c->carry;

	if (!r->offset && !r->depth && !(r->flags & NFIPS_RULE_F_DSIZE))
		return true;
	if (seg) {
		/* @end > 0: patterns are never empty */
		base = (end - 1) / seg * seg;
		len = min(seg, len - base);
		from = max(from, base);
	}
	if (end < r->patlen + from)
		return false;
	end -= base;
	if (end - r->patlen < r->offset)
		return false;
	if (r->depth && (u64)end > (u64)r->offset + r->depth)
		return false;
	return !(r->flags & NFIPS_RULE_F_DSIZE) || dsize_ok(r, len);
}

/* What is the same for every occurrence: protocol and header. */
static bool packet_ok(const struct nfips_krule *r, const struct nfips_pkt *pkt)
{
	if (r->proto != NFIPS_RPROTO_IP && r->proto != pkt->rproto)
		return false;
	if (header_ok(r, pkt, false))
		return true;
	return (r->flags & NFIPS_RULE_F_BIDIR) && header_ok(r, pkt, true);
}

/*
 * The memo: per rule, what the packet being scanned made of it, in this
 * CPU's row of the policy's memo. An entry counts for the packet whose
 * generation it carries (above NFIPS_MEMO_BITS, match.h); older ones mean
 * nothing.
 * A packet full of a rule's pattern so checks the rule's header (up to
 * 4 x 1024 ranges, twice for <>) once, not once per occurrence.
 */
enum {
	NFIPS_MEMO_NO = 1,	/* protocol or header do not match */
	NFIPS_MEMO_HIT,		/* the rule hit: later occurrences change nothing */
};

/* Rule @id hit the packet: recorded, and the packet dropped if it drops. */
static int on_hit(struct nfips_scan_ctx *c, u32 id)
{
	const struct nfips_krule *r = c->p->rules[id];
	bool acts;

	c->memo[id] = c->gen | NFIPS_MEMO_HIT;
	acts = (r->action == NFIPS_ACT_DROP || r->action == NFIPS_ACT_REJECT) &&
	       c->enforce && (r->flags & NFIPS_RULE_F_APPROVED);
	if (c->nhits < NFIPS_PKT_HITS) {
		c->hits[c->nhits++] = id;
	} else {
		c->lost++;
		/*
		 * The rule that drops is always reported: an attacker must not
		 * hide it behind 16 cheap alert patterns (the one it displaces
		 * counts as lost instead).
		 */
		if (acts)
			c->hits[NFIPS_PKT_HITS - 1] = id;
	}
	switch (r->action) {
	case NFIPS_ACT_DROP:
	case NFIPS_ACT_REJECT:
		if (acts) {
			/* The packet is gone: later matches change nothing. */
			c->drop = id;
			return 1;
		}
		break;
	}
	return 0;
}

/*
 * The anchored rules' matches (scan_anchored()) are decided where the
 * automaton would have reported them, had their patterns been in it: in
 * order of end, and at the same end in its order (ac.c report()): the
 * case-sensitive automaton before the nocase one, in each the longer
 * pattern first, equally long ones by rule index. A key holds the first
 * three; the fourth decides between keys found equal (AEV_SLOT bits: the
 * anchored rule's place in p->anchored[], in rule order among equally
 * long ones, anchor.h).
 */
#define AEV_SLOT	0x7fU
#define AEV_NOCASE	BIT(31)

static u64 aev_key(const struct nfips_krule *r, u32 end)
{
	return (u64)end << 32 | (r->flags & NFIPS_RULE_F_NOCASE ? AEV_NOCASE : 0) |
	       (u32)(NFIPS_AC_MAX_LEN - r->patlen) << 23;
}

/*
 * Decides the anchored matches that come before rule @id's match with
 * @key (U64_MAX, U32_MAX: all). Returns nonzero when one dropped the
 * packet.
 */
static int anchored_until(struct nfips_scan_ctx *c, u64 key, u32 id)
{
	int ret = 0;

	while (c->iaev < c->naev) {
		u64 e = c->aev[c->iaev];
		u32 aid = c->p->anchored[e & AEV_SLOT];

		if ((e & ~(u64)AEV_SLOT) > key ||
		    ((e & ~(u64)AEV_SLOT) == key && aid > id))
			break;
		c->iaev++;
		ret = on_hit(c, aid);
		if (ret)
			break;
	}
	c->anext = c->iaev < c->naev ? c->aev[c->iaev] >> 32 : U32_MAX;
	return ret;
}

/* The anchored matches that end at or before payload offset @pos. */
static int anchored_upto(struct nfips_scan_ctx *c, u32 pos)
{
	if (likely(pos < c->anext))
		return 0;
	return anchored_until(c, (u64)pos << 32 | U32_MAX, U32_MAX);
}

static int on_match(void *arg, u32 id, u32 end)
{
	struct nfips_scan_ctx *c = arg;
	const struct nfips_krule *r;
	u32 pos = c->base + end;

	if (unlikely(id >= c->p->nrules))
		return 0;
	if (unlikely(pos >= c->anext) &&
	    anchored_until(c, aev_key(c->p->rules[id], pos), id))
		return 1;
	if ((c->memo[id] & ~NFIPS_MEMO_MASK) == c->gen)
		return 0;
	r = c->p->rules[id];
	if (!place_ok(r, c, pos))
		return 0;
	if (!packet_ok(r, c->pkt)) {
		c->memo[id] = c->gen | NFIPS_MEMO_NO;
		return 0;
	}
	return on_hit(c, id);
}

/* Scans payload bytes [@from, @to), continuing @ast; returns the state. */
static nfips_ac_state scan_range(struct sk_buff *skb, struct nfips_scan_ctx *c,
				 u32 from, u32 to, nfips_ac_state ast,
				 u32 *scanned)
{
	const struct nfips_pkt *pkt = c->pkt;
	struct skb_seq_state seq;
	u32 consumed = 0, n;
	const u8 *data;
	int simd = nfips_prefilter_begin(to - from);

	/*
	 * Bytes in the skb's head (a small packet's whole payload) are read
	 * in place: the sequential reader's set-up and its per-fragment
	 * steps cost more than the scan of a short payload.
	 */
	if (pkt->off + to <= skb_headlen(skb)) {
		c->base = from;
		ast = nfips_ac_scan_simd(c->p->ac, ast, skb->data + pkt->off + from,
					 to - from, on_match, c, simd);
		nfips_prefilter_end(simd);
		if (c->drop < 0 && !anchored_upto(c, to))
			*scanned += to - from;
		return ast;
	}
	skb_prepare_seq_read(skb, pkt->off + from, pkt->off + to, &seq);
	while (from + consumed < to &&
	       (n = skb_seq_read(consumed, &data, &seq)) != 0) {
		n = min(n, to - from - consumed);
		c->base = from + consumed;
		ast = nfips_ac_scan_simd(c->p->ac, ast, data, n, on_match, c,
					 simd);
		/* Anchored matches in the block: decided before its bytes count. */
		if (c->drop >= 0 || anchored_upto(c, c->base + n))
			break;
		consumed += n;
	}
	skb_abort_seq_read(&seq);
	nfips_prefilter_end(simd);
	*scanned += consumed;
	return ast;
}

/*
 * Whether @n bytes at @w are rule @r's pattern: nocase as the automaton
 * folds (ASCII letters only, nfips_ac_fold()).
 */
static bool pattern_at(const struct nfips_krule *r, const u8 *w, u32 n)
{
	u32 k;

	if (!(r->flags & NFIPS_RULE_F_NOCASE))
		return !memcmp(w, r->pattern, n);
	for (k = 0; k < n; k++)
		if (nfips_ac_fold(w[k]) != nfips_ac_fold(r->pattern[k]))
			return false;
	return true;
}

/*
 * Bytes read for the anchored rules in one wire packet: payload bytes
 * [@ws, @we) at @w (NULL: none), the part of the packet where their
 * windows lie, up to NFIPS_ANCHOR_READ bytes.
 */
#define NFIPS_ANCHOR_READ	(2 * NFIPS_ANCHOR_DEPTH)

struct anchor_read {
	const u8 *w;
	u32 ws, we;
	u8 buf[NFIPS_ANCHOR_READ];
};

/*
 * The first match of anchored rule @r that the automaton would have
 * taken (place_ok()) in the wire packet whose payload begins at @base
 * (@len bytes): its window [offset, offset + depth) of that packet, from
 * payload offset @from on; in @rd when the read holds it. Returns the
 * match's end, or 0 if none.
 */
static u32 anchored_first(struct sk_buff *skb, const struct nfips_scan_ctx *c,
			  const struct nfips_krule *r,
			  const struct anchor_read *rd, u32 base, u32 len,
			  u32 from)
{
	u8 buf[NFIPS_ANCHOR_DEPTH];
	u32 ws, we, i;
	const u8 *w;

	if (r->offset >= len)
		return 0;
	ws = max(base + r->offset, from);
	we = base + min(len, r->offset + r->depth);
	if (we < ws + r->patlen)
		return 0;
	if (rd->w && ws >= rd->ws && we <= rd->we)
		w = rd->w + (ws - rd->ws);
	else
		w = skb_header_pointer(skb, c->pkt->off + ws, we - ws, buf);
	if (!w)
		return 0;
	for (i = 0; i + r->patlen <= we - ws; i++)
		if (pattern_at(r, w + i, r->patlen) &&
		    place_ok(r, c, ws + i + r->patlen))
			return ws + i + r->patlen;
	return 0;
}

/*
 * Whether anchored rule @slot of the policy can hit the packet: protocol
 * and ports first, they are cheap, and for most packets they spare the
 * window's search; the addresses once there is a match, as for the
 * automaton's rules.
 */
static bool anchored_wanted(struct nfips_scan_ctx *c, u32 slot)
{
	const struct nfips_pkt *pkt = c->pkt;
	u32 id = c->p->anchored[slot];
	const struct nfips_krule *r = c->p->rules[id];

	/* Decided for the packet already (the first of two scans, hooks.c). */
	if ((c->memo[id] & ~NFIPS_MEMO_MASK) == c->gen)
		return false;
	if ((r->proto != NFIPS_RPROTO_IP && r->proto != pkt->rproto) ||
	    !(ports_ok(r, pkt, false) ||
	      ((r->flags & NFIPS_RULE_F_BIDIR) && ports_ok(r, pkt, true)))) {
		c->memo[id] = c->gen | NFIPS_MEMO_NO;
		return false;
	}
	return true;
}

/* Anchored rule @slot's first match ends at @end: in order, if its header is. */
static void anchored_found(struct nfips_scan_ctx *c, u32 slot, u32 end)
{
	u32 id = c->p->anchored[slot], i;
	const struct nfips_krule *r = c->p->rules[id];
	u64 key;

	if (!packet_ok(r, c->pkt)) {
		c->memo[id] = c->gen | NFIPS_MEMO_NO;
		return;
	}
	/* Insertion: a packet has few anchored matches. */
	key = aev_key(r, end) | slot;
	for (i = c->naev; i > 0 && c->aev[i - 1] > key; i--)
		c->aev[i] = c->aev[i - 1];
	c->aev[i] = key;
	c->naev++;
}

/*
 * Reads payload bytes [@rd->ws, @rd->we) of an aggregate into @rd->buf
 * with @seq, prepared at payload offset @start: the wire packets' reads
 * go forward, so the fragments are walked once for all of them, where
 * skb_header_pointer() would walk them from the first each time.
 */
static void anchored_seq_read(struct skb_seq_state *seq, u32 start,
			      struct anchor_read *rd)
{
	u32 k = 0, n = rd->we - rd->ws, got;
	const u8 *data;

	rd->w = NULL;
	while (k < n) {
		got = skb_seq_read(rd->ws - start + k, &data, seq);
		if (!got)
			return;
		got = min(got, n - k);
		memcpy(rd->buf + k, data, got);
		k += got;
	}
	rd->w = rd->buf;
}

/*
 * The anchored rules (anchor.h) are not in the automaton: a pattern of a
 * few bytes in a small window is looked for there, before the pass, and
 * each rule's first match decided in the pass where the automaton would
 * have reported it (anchored_until()), so that the same rules hit, in
 * the same order, and the same one drops the packet. Each wire packet of
 * the payload (one, or each segment or datagram of an aggregate) from
 * payload offset @from on (bytes before it were seen with an earlier
 * packet of the stream) is read once where the windows of the rules
 * still looking lie, and each rule's first match found there.
 */
static void scan_anchored(struct sk_buff *skb, struct nfips_scan_ctx *c,
			  u32 from)
{
	const struct nfips_pkt *pkt = c->pkt;
	const struct nfips_policy *p = c->p;
	struct skb_seq_state seq;
	struct anchor_read rd;
	u32 i, lo = U32_MAX, hi = 0, seg, base, len, end, start;
	u64 want = 0;

	c->naev = 0;
	c->iaev = 0;
	c->anext = U32_MAX;
	if (!p->nanchored || !c->memo || from >= pkt->len)
		return;
	BUILD_BUG_ON(NFIPS_ANCHOR_RULES > 64);
	for (i = 0; i < p->nanchored; i++) {
		const struct nfips_krule *r = p->rules[p->anchored[i]];

		if (!anchored_wanted(c, i))
			continue;
		want |= BIT_ULL(i);
		lo = min(lo, r->offset);
		hi = max(hi, r->offset + r->depth);
	}
	if (!want)
		return;
	seg = pkt->seg ? pkt->seg : pkt->len;
	base = from - from % seg;
	start = max(base + lo, from);
	if (pkt->seg)
		skb_prepare_seq_read(skb, pkt->off + start, pkt->off + pkt->len,
				     &seq);
	for (; base < pkt->len && want; base += seg) {
		len = min(seg, pkt->len - base);
		rd.w = NULL;
		rd.ws = max(base + lo, from);
		rd.we = min(base + min(len, hi), rd.ws + NFIPS_ANCHOR_READ);
		if (lo < len && rd.we > rd.ws) {
			if (pkt->seg)
				anchored_seq_read(&seq, start, &rd);
			else
				rd.w = skb_header_pointer(skb, pkt->off + rd.ws,
							  rd.we - rd.ws, rd.buf);
		}
		for (i = 0; i < p->nanchored; i++) {
			if (!(want & BIT_ULL(i)))
				continue;
			end = anchored_first(skb, c, p->rules[p->anchored[i]],
					     &rd, base, len, from);
			if (!end)
				continue;
			want &= ~BIT_ULL(i);
			anchored_found(c, i, end);
		}
	}
	if (pkt->seg)
		skb_abort_seq_read(&seq);
	if (c->naev)
		c->anext = c->aev[0] >> 32;
}

/*
 * Scans the payload from @from on, continuing @ast; returns the state.
 * The datagrams of a UDP aggregate are scanned each on its own: a
 * pattern never matches across two, as it could not on the wire.
 */
nfips_ac_state nfips_scan(struct sk_buff *skb, struct nfips_scan_ctx *c,
			  u32 from, nfips_ac_state ast, u32 *scanned)
{
	const struct nfips_pkt *pkt = c->pkt;
	u32 seg = pkt->seg, to;

	/* A state carried in makes the bytes before @from earlier ones. */
	c->carry = ast ? from : 0;
	scan_anchored(skb, c, from);
	if (!seg || pkt->l4proto != IPPROTO_UDP) {
		ast = scan_range(skb, c, from, pkt->len, ast, scanned);
	} else {
		for (; from < pkt->len && c->drop < 0; from = to) {
			to = min(from - from % seg + seg, pkt->len);
			ast = scan_range(skb, c, from, to, 0, scanned);
		}
	}
	/* Each range decided the anchored matches in it; none is left. */
	if (c->drop < 0)
		anchored_until(c, U64_MAX, U32_MAX);
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
