/* SPDX-License-Identifier: GPL-2.0 */
/* match.c: the scan of a payload and the rule checks of each hit. */
#ifndef _NFIPS_MATCH_H
#define _NFIPS_MATCH_H

#include <linux/skbuff.h>
#include "nfips.h"
#include "parse.h"

/* Distinct rules one packet can report; more only count as lost events. */
#define NFIPS_PKT_HITS		16

/* One packet's scan: the rules it hit, and the one that drops it. */
struct nfips_scan_ctx {
	const struct nfips_policy *p;
	const struct nfips_pkt *pkt;
	u32 base;		/* payload offset of the current block */
	u32 carry;		/* bytes before this offset were scanned earlier */
	bool enforce;
	int drop;		/* rule that drops the packet, or -1 */
	u16 *memo;		/* this CPU's row of the policy's memo */
	u16 gen;		/* the packet's generation, shifted into place */
	u32 nhits, lost;
	u32 hits[NFIPS_PKT_HITS];
	/*
	 * The anchored rules' first matches (match.c), sorted in the order
	 * the automaton would report them; decided once the pass reaches
	 * @anext, the end of the next one (U32_MAX: none left).
	 */
	u64 *aev;		/* in this CPU's memo row */
	u32 naev, iaev;
	u32 anext;
};

/* The memo's entries (match.c): a packet's generation above these bits. */
#define NFIPS_MEMO_BITS		2
#define NFIPS_MEMO_MASK		((1U << NFIPS_MEMO_BITS) - 1)
#define NFIPS_MEMO_GENS		(1U << (16 - NFIPS_MEMO_BITS))

/*
 * A new packet: the next generation of this CPU's memo row (kept after
 * the rules' entries). When the generations run out the row starts
 * afresh. The caller keeps BHs off until the scan is done. Inline: every
 * packet takes it.
 */
static inline void nfips_scan_init(struct nfips_scan_ctx *c,
				   const struct nfips_policy *p,
				   const struct nfips_pkt *pkt, bool enforce)
{
	u16 *row, gen;

	c->p = p;
	c->pkt = pkt;
	c->enforce = enforce;
	c->drop = -1;
	c->nhits = 0;
	c->lost = 0;
	c->memo = NULL;
	c->naev = 0;
	c->iaev = 0;
	c->anext = U32_MAX;
	if (!p->memo)
		return;
	row = nfips_memo_row(p, smp_processor_id());
	gen = row[p->nrules] + 1;
	if (gen >= NFIPS_MEMO_GENS) {
		memset(row, 0, p->nrules * sizeof(*row));
		gen = 1;
	}
	row[p->nrules] = gen;
	c->memo = row;
	c->aev = nfips_anchor_row(p, row);
	c->gen = gen << NFIPS_MEMO_BITS;
}

nfips_ac_state nfips_scan(struct sk_buff *skb, struct nfips_scan_ctx *c,
			  u32 from, nfips_ac_state ast, u32 *scanned);
bool nfips_sel_match(const struct nfips_policy *p, const struct nfips_pkt *pkt);

#endif /* _NFIPS_MATCH_H */
