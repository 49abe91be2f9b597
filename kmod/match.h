/* SPDX-License-Identifier: GPL-2.0 */
/* match.c: the scan of a payload and the rule checks of each hit. */
#ifndef _NFIPS_MATCH_H
#define _NFIPS_MATCH_H

#include <linux/bitmap.h>
#include <linux/skbuff.h>
#include "nfips.h"
#include "parse.h"

/*
 * Distinct rules one packet can report; more only count as lost events,
 * told apart by a small bitmap (two rules sharing a bit count once).
 */
#define NFIPS_PKT_HITS		16
#define NFIPS_OVERFLOW_BITS	8

/* One packet's scan: the rules it hit, and the one that drops it. */
struct nfips_scan_ctx {
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

void nfips_scan_init(struct nfips_scan_ctx *c, const struct nfips_policy *p,
		     const struct nfips_pkt *pkt, bool enforce);
nfips_ac_state nfips_scan(struct sk_buff *skb, struct nfips_scan_ctx *c,
			  u32 from, nfips_ac_state ast, u32 *scanned);
bool nfips_sel_match(const struct nfips_policy *p, const struct nfips_pkt *pkt);

#endif /* _NFIPS_MATCH_H */
