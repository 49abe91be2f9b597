// SPDX-License-Identifier: GPL-2.0
/*
 * Signature groups of the packet and stream prefilter, as Suricata's
 * signature group heads (detect-engine-build.c: RulesGroupByProto, then
 * per flow direction, each head with its own MPM): one group per
 * protocol class of the packet (struct sig's PM_* bit) and flow
 * direction, holding the fast patterns and the fast-pattern-less
 * signatures that can match such a packet. A to_client HTTP response is
 * then not searched for the to_server patterns, nor a UDP datagram for
 * the TCP ones.
 *
 * A signature is in every group whose packets it can match, never fewer:
 * every protocol class of its proto_mask ("ip" rules: all four), and the
 * direction its flow keyword names, else both. A packet takes the group
 * of its class and its flow's direction; a packet without a flow takes
 * the to-server group, as flow_ok() matches such a packet against
 * to-server rules only (engine.c). Groups with the same signatures share
 * one matcher (UDP and ICMP rules rarely name a direction).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* The flow directions (bit 0 to server, bit 1 to client) @r can match. */
static unsigned sig_dirs(const struct nfips_engine *e, const struct nfips_rule *r)
{
	const uint32_t both = NFIPS_FLOW_TO_SERVER | NFIPS_FLOW_TO_CLIENT;

	/* the oracle of the prefilter tests keeps one list per class */
	if (e->no_prefilter || !(r->flags & NFIPS_R_FLOW))
		return 3;
	switch (r->flow & both) {
	case NFIPS_FLOW_TO_SERVER: return 1;
	case NFIPS_FLOW_TO_CLIENT: return 2;
	default: return 3;
	}
}

static bool in_group(const struct nfips_engine *e, const struct sig *s, unsigned g)
{
	return (s->proto_mask & (1u << (g / 2))) && (sig_dirs(e, s->r) & (1u << (g % 2)));
}

/* Prefiltered by the packet/stream matcher (app sigs have their own). */
static bool has_fp(const struct nfips_engine *e, const struct sig *s)
{
	return !(s->r->eflags & (NFIPS_E_IPONLY | NFIPS_E_APP)) && s->r->fp >= 0 &&
	       !e->no_prefilter;
}

struct patref {
	const uint8_t *b;
	uint32_t len;
	bool nocase;
	uint32_t sig;
};

static int pat_cmp(const void *pa, const void *pb)
{
	const struct patref *a = pa, *b = pb;

	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	if (a->nocase != b->nocase)
		return a->nocase - b->nocase;
	return memcmp(a->b, b->b, a->len);
}

/* Matcher @m over the fast patterns of @refs[0..n) (sorted in place). */
static int matcher_build(struct nfips_engine *e, struct pmatch *m, struct patref *refs,
			 uint32_t n, const struct nfips_ac_limits *al, struct nfips_err *err)
{
	struct nfips_ac_pattern *pats;
	uint32_t i, g = 0, bad = 0;
	int ret = -ENOMEM;

	qsort(refs, n, sizeof(*refs), pat_cmp);
	pats = calloc(n ? n : 1, sizeof(*pats));
	m->pat_first = calloc((size_t)n + 1, sizeof(uint32_t));
	m->pat_sigs = calloc(n ? n : 1, sizeof(uint32_t));
	m->pat_len = calloc(n ? n : 1, sizeof(uint32_t));
	if (!pats || !m->pat_first || !m->pat_sigs || !m->pat_len)
		goto out;
	m->payload = true;
	for (i = 0; i < n; i++) {
		if (!i || pat_cmp(&refs[i - 1], &refs[i])) {
			pats[g].bytes = refs[i].b;
			pats[g].len = refs[i].len;
			pats[g].flags = refs[i].nocase ? NFIPS_AC_NOCASE : 0;
			pats[g].id = g;
			m->pat_len[g] = refs[i].len;
			m->pat_first[g++] = i;
		}
		m->pat_sigs[i] = refs[i].sig;
		if (!(e->sigs[refs[i].sig].r->eflags & NFIPS_E_PAYLOAD))
			m->payload = false;
	}
	m->pat_first[g] = n;
	m->npats = g;
	ret = 0;
	if (g) {
		ret = nfips_ac_build(&m->ac, pats, g, al, &bad);
		if (ret) {
			if (err)
				snprintf(err->msg, sizeof(err->msg), "matcher: %s",
					 nfips_ac_strerror(ret));
			goto out;
		}
		e->stats.matcher_bytes += nfips_ac_mem(m->ac);
	}
out:
	free(pats);
	return ret;
}

/* Distinct fast patterns over all groups (the engine's figure). */
static uint32_t distinct_patterns(const struct nfips_engine *e, struct patref *refs)
{
	uint32_t i, n = 0, d = 0;

	for (i = 0; i < e->nsigs; i++) {
		const struct nfips_rule *r = e->sigs[i].r;

		if (!has_fp(e, &e->sigs[i]))
			continue;
		refs[n].b = nfips_rule_fp(r, &refs[n].len);
		refs[n].nocase = r->fp_nocase;
		refs[n++].sig = i;
	}
	qsort(refs, n, sizeof(*refs), pat_cmp);
	for (i = 0; i < n; i++)
		if (!i || pat_cmp(&refs[i - 1], &refs[i]))
			d++;
	return d;
}

int groups_build(struct nfips_engine *e, const struct nfips_engine_limits *lim,
		 struct nfips_err *err)
{
	struct nfips_ac_limits al = { 0 };
	uint32_t *lists[NGROUPS] = { 0 }, nl[NGROUPS] = { 0 };
	struct patref *refs;
	uint32_t i, g, h;
	int ret = -ENOMEM;

	if (lim) {
		al.max_patterns = lim->max_patterns;
		al.max_states = lim->max_states;
		al.max_bytes = lim->max_bytes;
	}
	refs = calloc(e->nsigs ? e->nsigs : 1, sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	e->stats.patterns = distinct_patterns(e, refs);
	for (g = 0; g < NGROUPS; g++) {
		struct pgroup *gr = &e->grp[g];
		struct pmatch *m;

		lists[g] = calloc(e->nsigs ? e->nsigs : 1, sizeof(uint32_t));
		gr->nofp = calloc(e->nsigs ? e->nsigs : 1, sizeof(uint32_t));
		if (!lists[g] || !gr->nofp)
			goto out;
		for (i = 0; i < e->nsigs; i++) {
			const struct sig *s = &e->sigs[i];

			if (s->r->eflags & (NFIPS_E_IPONLY | NFIPS_E_APP) || !in_group(e, s, g))
				continue;
			if (has_fp(e, s))
				lists[g][nl[g]++] = i;
			else
				gr->nofp[gr->nnofp++] = i;
		}
		/* the matcher of an earlier group with the same signatures */
		for (h = 0; h < g; h++)
			if (nl[h] == nl[g] && !memcmp(lists[h], lists[g], nl[g] * sizeof(uint32_t)))
				break;
		if (h < g) {
			gr->m = e->grp[h].m;
			continue;
		}
		m = &e->pm[e->npm++];
		gr->m = m;
		for (i = 0; i < nl[g]; i++) {
			const struct nfips_rule *r = e->sigs[lists[g][i]].r;

			refs[i].b = nfips_rule_fp(r, &refs[i].len);
			refs[i].nocase = r->fp_nocase;
			refs[i].sig = lists[g][i];
		}
		ret = matcher_build(e, m, refs, nl[g], &al, err);
		if (ret)
			goto out;
		ret = -ENOMEM;
	}
	ret = 0;
out:
	for (g = 0; g < NGROUPS; g++)
		free(lists[g]);
	free(refs);
	return ret;
}

void groups_free(struct nfips_engine *e)
{
	uint32_t i;

	for (i = 0; i < e->npm; i++) {
		nfips_ac_free(e->pm[i].ac);
		free(e->pm[i].pat_first);
		free(e->pm[i].pat_sigs);
		free(e->pm[i].pat_len);
	}
	for (i = 0; i < NGROUPS; i++)
		free(e->grp[i].nofp);
}

const struct pgroup *group_of(const struct nfips_engine *e, uint8_t pm,
			      const struct nfips_flow *f)
{
	return &e->grp[pm * 2 + (f && !f->to_server ? 1 : 0)];
}
