// SPDX-License-Identifier: GPL-2.0
/*
 * Rule header addresses and ports: any, CIDR, ranges, lists, negation and
 * variables, resolved to sorted range sets at parse time so the evaluator
 * and the kernel only ever test membership.
 *
 * Lists follow Suricata's evaluation exactly (detect-engine-address.c):
 * positive elements, including those of non-negated nested lists and
 * variables, are collected in P, negated ones in N; a negated list or
 * variable is first evaluated on its own and its result added to N. The
 * set is then P - N, where an empty P of a family is that family's whole
 * space if N has something in that family. So with an IPv4-only HOME_NET,
 * "!$HOME_NET" holds no IPv6 address, as in Suricata.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule_int.h"

typedef unsigned __int128 u128;

#define MAX_VAR_DEPTH	16	/* catches $A -> $B -> $A */

struct rset {
	struct nfips_range *v;
	uint32_t n, cap;
};

/* Families: addresses have v4 and v6, ports a single one. */
#define NFAM 2

struct gctx {
	struct pstate *ps;
	bool port;
	const char *var;	/* outermost variable being expanded */
	size_t var_off;		/* where it is referenced in the rule */
	int depth;
	bool neg_seen;		/* Suricata's src/dst_contains_negation */
};

static u128 fam_max(const struct gctx *g, int f)
{
	if (g->port)
		return 65535;
	return f == 0 ? 0xffffffffu : ~(u128)0;
}

static int nfam(const struct gctx *g)
{
	return g->port ? 1 : 2;
}

static int gerr(struct gctx *g, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Errors inside a variable's value point at the variable in the rule. */
static int gerr(struct gctx *g, size_t off, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (g->var)
		return perr(g->ps, g->var_off, "in $%s: %s", g->var, msg);
	return perr(g->ps, off, "%s", msg);
}

static int rs_add(struct rset *s, u128 lo, u128 hi)
{
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 4;
		struct nfips_range *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].lo = lo;
	s->v[s->n++].hi = hi;
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct nfips_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sort and merge overlapping or adjacent ranges. */
static void rs_norm(struct rset *s)
{
	uint32_t i, o = 0;

	if (s->n < 2)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_range);
	for (i = 1; i < s->n; i++) {
		struct nfips_range *c = &s->v[o];

		if (c->hi == ~(u128)0 || s->v[i].lo <= c->hi + 1) {
			if (s->v[i].hi > c->hi)
				c->hi = s->v[i].hi;
		} else {
			s->v[++o] = s->v[i];
		}
	}
	s->n = o + 1;
}

static int rs_append(struct rset *d, const struct rset *s)
{
	uint32_t i;

	for (i = 0; i < s->n; i++)
		if (rs_add(d, s->v[i].lo, s->v[i].hi))
			return -1;
	return 0;
}

/* a - b, both normalized; the result replaces a. */
static int rs_sub(struct rset *a, const struct rset *b)
{
	struct rset out = { 0 };
	uint32_t i, j = 0;

	for (i = 0; i < a->n; i++) {
		u128 lo = a->v[i].lo, hi = a->v[i].hi;
		bool left = true;

		while (j < b->n && b->v[j].hi < lo)
			j++;
		for (uint32_t k = j; k < b->n && b->v[k].lo <= hi; k++) {
			if (b->v[k].lo > lo && rs_add(&out, lo, b->v[k].lo - 1))
				goto nomem;
			if (b->v[k].hi >= hi) {
				left = false;
				break;
			}
			lo = b->v[k].hi + 1;
		}
		if (left && rs_add(&out, lo, hi))
			goto nomem;
	}
	free(a->v);
	*a = out;
	return 0;
nomem:
	free(out.v);
	return -1;
}

static bool rs_full(const struct rset *s, u128 max)
{
	return s->n == 1 && s->v[0].lo == 0 && s->v[0].hi == max;
}

static void sets_free(struct rset *s)
{
	for (int f = 0; f < NFAM; f++) {
		free(s[f].v);
		s[f] = (struct rset){ 0 };
	}
}

/* Suricata's DetectAddressMergeNot: p = (p or the whole family) - n. */
static int merge_not(struct gctx *g, size_t off, struct rset *p, struct rset *n)
{
	bool all = true, empty = true;
	int f;

	for (f = 0; f < nfam(g); f++) {
		rs_norm(&p[f]);
		rs_norm(&n[f]);
		all = all && rs_full(&n[f], fam_max(g, f));
	}
	if (all)
		return gerr(g, off, "negation excludes every %s",
			    g->port ? "port" : "address");
	for (f = 0; f < nfam(g); f++) {
		if (!p[f].n && n[f].n && rs_add(&p[f], 0, fam_max(g, f)))
			return gerr(g, off, "out of memory");
		if (rs_sub(&p[f], &n[f]))
			return gerr(g, off, "out of memory");
		empty = empty && !p[f].n;
	}
	if (empty)
		return gerr(g, off, "%s set is empty",
			    g->port ? "port" : "address");
	return 0;
}

static int parse_ip(struct gctx *g, const char *s, size_t off, int *fam,
		    u128 *val)
{
	unsigned char b[16];
	int i;

	if (inet_pton(AF_INET, s, b) == 1) {
		*fam = 0;
		*val = (u128)b[0] << 24 | (u128)b[1] << 16 | (u128)b[2] << 8 | b[3];
		return 0;
	}
	if (inet_pton(AF_INET6, s, b) == 1) {
		*fam = 1;
		*val = 0;
		for (i = 0; i < 16; i++)
			*val = *val << 8 | b[i];
		return 0;
	}
	return gerr(g, off, "invalid address '%s'", s);
}

/* a.b.c.d, a.b.c.d/len, a.b.c.d/mask, lo-hi, and the same for IPv6. */
static int addr_atom(struct gctx *g, char *s, size_t off, int *fam, u128 *lo,
		     u128 *hi)
{
	char *slash = strchr(s, '/'), *dash = strchr(s, '-');
	int bits, f2;
	u128 mask;
	struct in_addr m;
	uint32_t len;

	if (slash)
		*slash = 0;
	else if (dash)
		*dash = 0;
	if (parse_ip(g, s, off, fam, lo))
		return -1;
	bits = *fam ? 128 : 32;
	*hi = *lo;
	if (dash) {
		if (parse_ip(g, dash + 1, off + (size_t)(dash + 1 - s), &f2, hi))
			return -1;
		if (f2 != *fam || *hi < *lo)
			return gerr(g, off, "invalid address range");
		return 0;
	}
	if (!slash)
		return 0;
	if (!parse_u32(slash + 1, (uint32_t)bits, &len)) {
		mask = len ? (~(u128)0) << (128 - len) >> (128 - bits) : 0;
	} else if (!*fam && inet_pton(AF_INET, slash + 1, &m) == 1) {
		unsigned char *b = (unsigned char *)&m;

		mask = (u128)b[0] << 24 | (u128)b[1] << 16 | (u128)b[2] << 8 | b[3];
		/* A netmask must be contiguous ones then zeros. */
		if (((~mask & 0xffffffffu) + 1) & ~mask & 0xffffffffu)
			return gerr(g, off + (size_t)(slash + 1 - s),
				    "invalid netmask '%s'", slash + 1);
	} else {
		return gerr(g, off + (size_t)(slash + 1 - s),
			    "invalid prefix length '%s'", slash + 1);
	}
	/* Host bits are ignored, as Suricata does. */
	*lo &= mask;
	*hi = *lo | (~mask & fam_max(g, *fam));
	return 0;
}

/* 80, 1024:, :1023, 1:1024 */
static int port_atom(struct gctx *g, char *s, size_t off, u128 *lo, u128 *hi)
{
	char *colon = strchr(s, ':');
	uint32_t a = 0, b = 65535;

	if (colon == s && !colon[1])
		return gerr(g, off, "invalid port ':'");
	if (colon)
		*colon = 0;
	if ((*s || !colon) && parse_u32(s, 65535, &a))
		return gerr(g, off, "invalid port '%s'", s);
	if (!colon)
		b = a;
	else if ((colon[1] || !*s) && parse_u32(colon + 1, 65535, &b))
		return gerr(g, off + (size_t)(colon + 1 - s), "invalid port '%s'",
			    colon + 1);
	if (a > b)
		return gerr(g, off, "invalid port range %u:%u", a, b);
	*lo = a;
	*hi = b;
	return 0;
}

static int elem(struct gctx *g, const char *s, size_t len, size_t off, bool neg,
		struct rset *p, struct rset *n);

/* Each element of "[a,b,...]" (without the brackets) into p/n. */
static int list(struct gctx *g, const char *s, size_t len, size_t off,
		struct rset *p, struct rset *n)
{
	size_t i, start = 0;
	int depth = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] == '[')
			depth++;
		else if (i < len && s[i] == ']')
			depth--;
		if (i < len && (s[i] != ',' || depth))
			continue;
		if (elem(g, s + start, i - start, off + start, false, p, n))
			return -1;
		start = i + 1;
	}
	return 0;
}

/* A list or variable under negation: evaluated alone, the result goes to n. */
static int negated_group(struct gctx *g, const char *s, size_t len, size_t off,
			 struct rset *n)
{
	struct rset p2[NFAM] = { 0 }, n2[NFAM] = { 0 };
	int f, ret = -1;

	if (elem(g, s, len, off, false, p2, n2) || merge_not(g, off, p2, n2))
		goto out;
	for (f = 0; f < nfam(g); f++)
		if (rs_append(&n[f], &p2[f]))
			goto out;
	ret = 0;
out:
	sets_free(p2);
	sets_free(n2);
	return ret;
}

static int variable(struct gctx *g, const char *s, size_t len, size_t off,
		    bool neg, struct rset *p, struct rset *n)
{
	char name[64];
	const char *val;
	const char *saved = g->var;
	size_t i;
	int ret;

	if (len < 2 || len - 1 >= sizeof(name))
		return gerr(g, off, "invalid variable name");
	for (i = 1; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return gerr(g, off, "invalid variable name '%.*s'",
				    (int)len, s);
	memcpy(name, s + 1, len - 1);
	name[len - 1] = 0;
	val = nfips_vars_get(g->ps->ctx ? g->ps->ctx->vars : NULL, name);
	if (!val)
		return gerr(g, off, "undefined variable $%s", name);
	if (++g->depth > MAX_VAR_DEPTH)
		return gerr(g, off, "variables nested too deep (loop?) at $%s", name);
	if (!g->var) {
		g->var = name;	/* lives until this outermost call returns */
		g->var_off = off;
	}
	if (neg)
		ret = negated_group(g, val, strlen(val), 0, n);
	else
		ret = elem(g, val, strlen(val), 0, false, p, n);
	if (!saved)
		g->var = NULL;
	g->depth--;
	return ret;
}

static int elem(struct gctx *g, const char *s, size_t len, size_t off, bool neg,
		struct rset *p, struct rset *n)
{
	struct rset *d = neg ? n : p;
	char buf[128];
	u128 lo, hi;
	int f;

	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
		off++;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len)
		return gerr(g, off, "empty %s", g->port ? "port" : "address");
	if (*s == '!') {
		g->neg_seen = true;
		return elem(g, s + 1, len - 1, off + 1, !neg, p, n);
	}
	if (*s == '[') {
		int depth = 0;
		size_t i;

		for (i = 0; i < len; i++) {
			depth += s[i] == '[' ? 1 : s[i] == ']' ? -1 : 0;
			if (!depth)
				break;
		}
		if (i == len)
			return gerr(g, off, "missing ']'");
		if (i != len - 1)
			return gerr(g, off + i + 1, "unexpected text after ']'");
		if (neg)
			return negated_group(g, s, len, off, n);
		return list(g, s + 1, len - 2, off + 1, p, n);
	}
	if (*s == ']')
		return gerr(g, off, "unexpected ']'");
	if (*s == '$')
		return variable(g, s, len, off, neg, p, n);
	if (len == 3 && !strncasecmp(s, "any", 3)) {
		for (f = 0; f < nfam(g); f++)
			if (rs_add(&d[f], 0, fam_max(g, f)))
				return gerr(g, off, "out of memory");
		return 0;
	}
	if (len >= sizeof(buf))
		return gerr(g, off, "%s too long", g->port ? "port" : "address");
	memcpy(buf, s, len);
	buf[len] = 0;
	f = 0;
	if (g->port ? port_atom(g, buf, off, &lo, &hi) :
		      addr_atom(g, buf, off, &f, &lo, &hi))
		return -1;
	if (rs_add(&d[f], lo, hi))
		return gerr(g, off, "out of memory");
	return 0;
}

static int resolve(struct gctx *g, const char *text, size_t off,
		   struct rset *res)
{
	struct rset n[NFAM] = { 0 };
	int ret;

	ret = elem(g, text, strlen(text), off, false, res, n);
	if (!ret)
		ret = merge_not(g, off, res, n);
	sets_free(n);
	if (ret)
		sets_free(res);
	return ret;
}

int parse_addrset(struct pstate *ps, const char *text, size_t off,
		  struct nfips_addrset *out)
{
	struct gctx g = { .ps = ps, .port = false };
	struct rset r[NFAM] = { 0 };
	uint32_t i;

	if (resolve(&g, text, off, r))
		return -1;
	out->v4 = r[0].v;
	out->n4 = r[0].n;
	out->v6 = r[1].v;
	out->n6 = r[1].n;
	out->small4 = out->n4 <= NFIPS_ADDRSET_SMALL;
	for (i = 0; out->small4 && i < out->n4; i++) {
		out->lo4[i] = (uint32_t)out->v4[i].lo;
		out->hi4[i] = (uint32_t)out->v4[i].hi;
	}
	out->any = rs_full(&r[0], fam_max(&g, 0)) && rs_full(&r[1], fam_max(&g, 1));
	out->negated = g.neg_seen;
	out->text = strdup(text);
	if (!out->text)
		return perr(ps, off, "out of memory");
	return 0;
}

int parse_portset(struct pstate *ps, const char *text, size_t off,
		  struct nfips_portset *out)
{
	struct gctx g = { .ps = ps, .port = true };
	struct rset r[NFAM] = { 0 };
	uint32_t i;

	if (resolve(&g, text, off, r))
		return -1;
	out->v = r[0].v;
	out->n = r[0].n;
	out->any = rs_full(&r[0], 65535);
	out->small = out->n <= NFIPS_PORTSET_SMALL;
	for (i = 0; out->small && i < out->n; i++) {
		out->lo[i] = (uint16_t)out->v[i].lo;
		out->hi[i] = (uint16_t)out->v[i].hi;
	}
	out->text = strdup(text);
	if (!out->text)
		return perr(ps, off, "out of memory");
	return 0;
}

void addrset_free(struct nfips_addrset *s)
{
	free(s->v4);
	free(s->v6);
	free(s->text);
	memset(s, 0, sizeof(*s));
}

void portset_free(struct nfips_portset *s)
{
	free(s->v);
	free(s->text);
	memset(s, 0, sizeof(*s));
}
