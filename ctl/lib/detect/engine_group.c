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

/*
 * Suricata's port groups (detect.grouping's "whitelist" defaults): a TCP
 * or UDP packet with one of these server ports (to server: its
 * destination port; to client: its source port) takes a group of only
 * the signatures whose port of that side admits it.
 */
static const uint16_t tcp_ports[] = { 53, 80, 139, 443, 445, 1433, 3306, 3389, 6666, 6667,
				      8080 };
static const uint16_t udp_ports[] = { 53, 135, 5060 };

#define NPORTS(a) (sizeof(a) / sizeof((a)[0]))
_Static_assert(NGROUPS_ALL == NGROUPS + 2 * (NPORTS(tcp_ports) + NPORTS(udp_ports)),
	       "NGROUPS_ALL counts the port groups");

/* Can @s match a packet of flow direction @dir whose server port is @port? */
static bool port_ok(const struct sig *s, unsigned dir, uint16_t port)
{
	const struct nfips_portset *ps = (dir == 0) != s->rev ? &s->r->dport : &s->r->sport;

	return ps->any || nfips_portset_has(ps, port);
}

/* The signatures of a group being built, ascending: with and without fast pattern. */
struct glist {
	uint32_t *fp, nfp;
	uint32_t *nofp, nnofp;
};

static void glist_free(struct glist *l)
{
	free(l->fp);
	free(l->nofp);
	memset(l, 0, sizeof(*l));
}

/* The signatures of base group @base that admit server port @port (< 0: all). */
static int collect(const struct nfips_engine *e, unsigned base, int port, struct glist *l)
{
	uint32_t i;

	l->nfp = l->nnofp = 0;
	l->fp = calloc(e->nsigs ? e->nsigs : 1, sizeof(uint32_t));
	l->nofp = calloc(e->nsigs ? e->nsigs : 1, sizeof(uint32_t));
	if (!l->fp || !l->nofp)
		return -ENOMEM;
	for (i = 0; i < e->nsigs; i++) {
		const struct sig *s = &e->sigs[i];

		if (s->r->eflags & (NFIPS_E_IPONLY | NFIPS_E_APP) || !in_group(e, s, base))
			continue;
		if (port >= 0 && !port_ok(s, base % 2, (uint16_t)port))
			continue;
		if (has_fp(e, s))
			l->fp[l->nfp++] = i;
		else
			l->nofp[l->nnofp++] = i;
	}
	return 0;
}

/* Ascending @a and @b merged into @out (room for both); its length. */
static uint32_t merge(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb,
		      uint32_t *out)
{
	uint32_t i = 0, j = 0, n = 0;

	while (i < na || j < nb) {
		if (j == nb || (i < na && a[i] < b[j]))
			out[n++] = a[i++];
		else if (i == na || b[j] < a[i])
			out[n++] = b[j++];
		else
			out[n++] = a[i++], j++;
	}
	return n;
}

static uint32_t union_size(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb)
{
	uint32_t i = 0, j = 0, n = 0;

	while (i < na || j < nb) {
		if (j == nb || (i < na && a[i] < b[j]))
			i++;
		else if (i == na || b[j] < a[i])
			j++;
		else
			i++, j++;
		n++;
	}
	return n;
}

/* @c becomes @c and @l together (@c's arrays have room for every sig). */
static void glist_add(struct glist *c, const struct glist *l, uint32_t *tmp)
{
	uint32_t n;

	n = merge(c->fp, c->nfp, l->fp, l->nfp, tmp);
	memcpy(c->fp, tmp, n * sizeof(uint32_t));
	c->nfp = n;
	n = merge(c->nofp, c->nnofp, l->nofp, l->nnofp, tmp);
	memcpy(c->nofp, tmp, n * sizeof(uint32_t));
	c->nnofp = n;
}

struct gbuild {
	struct nfips_engine *e;
	struct nfips_ac_limits al;
	struct patref *refs;
	uint32_t *lists[NGROUPS_ALL], nl[NGROUPS_ALL];	/* fp sigs of each group built */
	const struct pmatch *m[NGROUPS_ALL];
	uint32_t ng;
};

/* Group @gr over @l (taken over), its matcher shared with an equal group's. */
static int group_make(struct gbuild *b, struct pgroup *gr, struct glist *l,
		      struct nfips_err *err)
{
	struct nfips_engine *e = b->e;
	const uint32_t g = b->ng++;
	struct pmatch *m;
	uint32_t i, h;

	b->lists[g] = l->fp;
	b->nl[g] = l->nfp;
	gr->nofp = l->nofp;
	gr->nnofp = l->nnofp;
	l->fp = l->nofp = NULL;
	for (h = 0; h < g; h++) {
		if (b->nl[h] == b->nl[g] &&
		    !memcmp(b->lists[h], b->lists[g], b->nl[g] * sizeof(uint32_t))) {
			gr->m = b->m[g] = b->m[h];
			return 0;
		}
	}
	m = &e->pm[e->npm++];
	gr->m = b->m[g] = m;
	for (i = 0; i < b->nl[g]; i++) {
		const struct nfips_rule *r = e->sigs[b->lists[g][i]].r;

		b->refs[i].b = nfips_rule_fp(r, &b->refs[i].len);
		b->refs[i].nocase = r->fp_nocase;
		b->refs[i].sig = b->lists[g][i];
	}
	return matcher_build(e, m, b->refs, b->nl[g], &b->al, err);
}

/*
 * The port groups of base group @gr (number @base, its signatures' fast
 * patterns @nbase). A port's signatures join those of earlier ports when
 * together they are at most a tenth more than the smallest of them (a
 * superset is exact: the evaluation rejects the others), as Suricata
 * merges its port groups, so that a few matchers serve the ports; a
 * group hardly smaller than the base one is not worth its memory.
 */
static int port_groups(struct gbuild *b, struct pgroup *gr, unsigned base, uint32_t nbase,
		       struct pgroup **next, struct nfips_err *err)
{
	struct nfips_engine *e = b->e;
	struct glist l = { 0 }, cl[NPORTS_MAX] = { 0 };
	uint32_t i, c, ncl = 0, of[NPORTS_MAX], small[NPORTS_MAX], *tmp;
	int ret = -ENOMEM;

	tmp = calloc(e->nsigs ? e->nsigs : 1, sizeof(uint32_t));
	if (!tmp)
		return -ENOMEM;
	for (i = 0; i < gr->nports; i++) {
		ret = collect(e, base, gr->ports[i], &l);
		if (ret)
			goto out;
		for (c = 0; c < ncl; c++) {
			uint32_t least = small[c] < l.nfp ? small[c] : l.nfp;

			if ((uint64_t)union_size(cl[c].fp, cl[c].nfp, l.fp, l.nfp) * 10 <=
			    (uint64_t)least * 11)
				break;
		}
		of[i] = c;
		if (c == ncl || l.nfp < small[c])
			small[c] = l.nfp;
		if (c < ncl) {
			glist_add(&cl[c], &l, tmp);
			glist_free(&l);
		} else {
			cl[ncl++] = l;
			memset(&l, 0, sizeof(l));
		}
	}
	for (c = 0; c < ncl; c++) {
		struct pgroup *sub = gr;

		if ((uint64_t)cl[c].nfp * 10 < (uint64_t)nbase * 9) {
			sub = (*next)++;
			ret = group_make(b, sub, &cl[c], err);
			if (ret)
				goto out;
		}
		for (i = 0; i < gr->nports; i++)
			if (of[i] == c)
				gr->sub[i] = sub;
	}
	ret = 0;
out:
	glist_free(&l);
	for (c = 0; c < ncl; c++)
		glist_free(&cl[c]);
	free(tmp);
	return ret;
}

int groups_build(struct nfips_engine *e, const struct nfips_engine_limits *lim,
		 struct nfips_err *err)
{
	struct gbuild b = { .e = e };
	struct pgroup *next = &e->grp[NGROUPS];
	struct glist l = { 0 };
	uint32_t g, nbase;
	int ret = -ENOMEM;

	if (lim) {
		b.al.max_patterns = lim->max_patterns;
		b.al.max_states = lim->max_states;
		b.al.max_bytes = lim->max_bytes;
	}
	b.refs = calloc(e->nsigs ? e->nsigs : 1, sizeof(*b.refs));
	if (!b.refs)
		return -ENOMEM;
	e->stats.patterns = distinct_patterns(e, b.refs);
	for (g = 0; g < NGROUPS; g++) {
		struct pgroup *gr = &e->grp[g];

		ret = collect(e, g, -1, &l);
		nbase = l.nfp;
		if (!ret)
			ret = group_make(&b, gr, &l, err);
		if (ret)
			goto out;
		/* the oracle of the prefilter tests has no port groups */
		if (e->no_prefilter || g / 2 > 1)
			continue;
		gr->ports = g / 2 ? udp_ports : tcp_ports;
		gr->nports = g / 2 ? NPORTS(udp_ports) : NPORTS(tcp_ports);
		ret = port_groups(&b, gr, g, nbase, &next, err);
		if (ret)
			goto out;
	}
	ret = 0;
out:
	glist_free(&l);
	for (g = 0; g < b.ng; g++)
		free(b.lists[g]);
	free(b.refs);
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
	for (i = 0; i < NGROUPS_ALL; i++)
		free(e->grp[i].nofp);
}

const struct pgroup *group_of(const struct nfips_engine *e, uint8_t pm,
			      const struct nfips_pkt *p, const struct nfips_flow *f)
{
	const unsigned dir = f && !f->to_server ? 1 : 0;
	const struct pgroup *g = &e->grp[pm * 2 + dir];
	uint16_t port;
	uint32_t i;

	/* a fragment has no ports: a signature with ports fails on it */
	if (!g->nports || p->fragment)
		return g;
	port = dir ? p->sport : p->dport;
	for (i = 0; i < g->nports; i++)
		if (g->ports[i] == port)
			return g->sub[i];
	return g;
}
