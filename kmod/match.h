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

void nfips_scan_init(struct nfips_scan_ctx *c, const struct nfips_policy *p,
		     const struct nfips_pkt *pkt, bool enforce);
nfips_ac_state nfips_scan(struct sk_buff *skb, struct nfips_scan_ctx *c,
			  u32 from, nfips_ac_state ast, u32 *scanned);
bool nfips_sel_match(const struct nfips_policy *p, const struct nfips_pkt *pkt);

#endif /* _NFIPS_MATCH_H */
