/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which kernel rules nfips.ko looks for in their window of each packet
 * instead of with its automaton ("anchored", match.c; uapi/nfips.h has
 * the limits). One definition for the module (policy.c) and for nfipsctl
 * (ctl/lib/kernel/wire.c): what nfipsctl reports anchored is what the
 * module anchors, the cap on their number included.
 */
#ifndef _NFIPS_ANCHOR_H
#define _NFIPS_ANCHOR_H

#include "ac_shim.h"
#include "uapi/nfips.h"

/* A kernel rule whose pattern has @patlen bytes and whose depth is @depth. */
static inline bool nfips_anchorable(u32 patlen, u32 depth)
{
	return patlen && patlen <= NFIPS_ANCHOR_PATLEN && depth &&
	       depth <= NFIPS_ANCHOR_DEPTH;
}

/*
 * The pattern length and depth of kernel rule @i; false when rule @i
 * is not one the module receives (nfipsctl's vector holds others too:
 * their places do not change the order of the rest).
 */
typedef bool (*nfips_anchor_get)(const void *ctx, u32 i, u32 *patlen,
				 u32 *depth);

/*
 * Picks the anchored rules among @n rules in the order the module
 * receives them: up to NFIPS_ANCHOR_RULES, the shortest patterns first
 * and, among equally long ones, in that order (the others stay in the
 * automaton). Writes their indices to @out in the order picked, which
 * match.c relies on (equally long ones by rule index); returns how many.
 */
static inline u32 nfips_anchor_pick(u32 n, nfips_anchor_get get,
				    const void *ctx, u32 *out)
{
	u32 len, i, k = 0, patlen, depth;

	for (len = 1; len <= NFIPS_ANCHOR_PATLEN; len++) {
		for (i = 0; i < n; i++) {
			if (k == NFIPS_ANCHOR_RULES)
				return k;
			if (get(ctx, i, &patlen, &depth) && patlen == len &&
			    nfips_anchorable(patlen, depth))
				out[k++] = i;
		}
	}
	return k;
}

#endif /* _NFIPS_ANCHOR_H */
