/* SPDX-License-Identifier: GPL-2.0 */
/* Grading internals shared by the files of ctl/lib/grade/. */
#ifndef NFIPS_GRADE_INT_H
#define NFIPS_GRADE_INT_H

#include <stdarg.h>

#include "grade.h"
#include "policy/policy.h"

/* ---- grade_recent.c -------------------------------------------------- */

/*
 * Records that @addr was attacked at @ts by (gid, sid); a host already
 * known keeps its latest attack. @window (usec): entries older than it
 * are free for others.
 */
void grade_recent_add(struct nfips_grade_memory *m, uint8_t family,
		      const uint8_t *addr, uint64_t ts, uint64_t window,
		      uint32_t gid, uint32_t sid);
/*
 * Whether @addr was attacked in [@ts - @window, @ts]: then *when and
 * *gid, *sid are of its latest attack.
 */
bool grade_recent_find(struct nfips_grade_memory *m, uint8_t family,
		       const uint8_t *addr, uint64_t ts, uint64_t window,
		       uint64_t *when, uint32_t *gid, uint32_t *sid);

/* ---- grade_target.c -------------------------------------------------- */

struct grade_assets {
	const struct nfips_asset *host;	/* the address as a host, or NULL */
	const struct nfips_asset *net;	/* the narrowest network holding it */
};

/* The policy's assets describing @addr (family 4 or 6). */
void grade_assets_find(const struct nfips_policy *p, uint8_t family,
		       const uint8_t *addr, struct grade_assets *a);

/*
 * Whether @r's metadata (affected_product, attack_target) names only
 * platforms, server roles or products that @host (with os or services)
 * does not run; then @why says which ("runs linux, not
 * affected_product Wind_XP..."). A key the host does not describe does
 * not count: what is not known is vulnerable.
 */
bool grade_not_run(const struct nfips_rule *r, const struct nfips_asset *host,
		   char *why, size_t len);

/* ---- grade.c --------------------------------------------------------- */

/* Whether the rule's metadata has @key (the first value, else NULL). */
const char *grade_meta(const struct nfips_rule *r, const char *key);

#endif /* NFIPS_GRADE_INT_H */
