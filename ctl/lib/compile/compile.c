// SPDX-License-Identifier: GPL-2.0
/*
 * Parser rules -> compiled policy (compile.h): fast patterns shared
 * between rules, header conditions as range lists, and for kernel-decided
 * rules the position constraints of the fast pattern content.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ac.h"
#include "compile.h"

void nfips_compiled_free(struct nfips_compiled *c)
{
	uint32_t i;

	if (!c)
		return;
	for (i = 0; c->patterns && i < c->npatterns; i++)
		free(c->patterns[i].bytes);
	free(c->patterns);
	for (i = 0; c->rules && i < c->nrules; i++) {
		struct nfips_crule *r = &c->rules[i];

		free(r->src4);
		free(r->dst4);
		free(r->src6);
		free(r->dst6);
		free(r->sport);
		free(r->dport);
		free(r->msg);
	}
	free(c->rules);
	free(c);
}

/* Index of the pattern, added if new; -1 out of memory. */
static int64_t pattern_index(struct nfips_compiled *c, const uint8_t *b,
			     uint32_t len, uint32_t flags)
{
	struct nfips_cpattern *p;
	uint32_t i;

	/* Linear: policies hold a few thousand patterns, compiled rarely. */
	for (i = 0; i < c->npatterns; i++)
		if (c->patterns[i].len == len && c->patterns[i].flags == flags &&
		    !memcmp(c->patterns[i].bytes, b, len))
			return i;
	p = realloc(c->patterns, ((size_t)c->npatterns + 1) * sizeof(*p));
	if (!p)
		return -1;
	c->patterns = p;
	p += c->npatterns;
	p->bytes = malloc(len);
	if (!p->bytes)
		return -1;
	memcpy(p->bytes, b, len);
	p->len = len;
	p->flags = flags;
	return c->npatterns++;
}

static int ranges4(const struct nfips_range *v, uint32_t n,
		   struct nfips_crange4 **out, uint32_t *nout)
{
	uint32_t i;

	*nout = n;
	if (!n)
		return 0;
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		(*out)[i].lo = (uint32_t)v[i].lo;
		(*out)[i].hi = (uint32_t)v[i].hi;
	}
	return 0;
}

static void be128(unsigned __int128 v, uint8_t out[16])
{
	int i;

	for (i = 15; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

static int addrs(const struct nfips_addrset *s, uint32_t flag, uint32_t *flags,
		 struct nfips_crange4 **v4, uint32_t *n4,
		 struct nfips_crange6 **v6, uint32_t *n6)
{
	uint32_t i;

	if (s->any)
		return 0;
	*flags |= flag;
	if (ranges4(s->v4, s->n4, v4, n4))
		return -ENOMEM;
	*n6 = s->n6;
	if (!s->n6)
		return 0;
	*v6 = calloc(s->n6, sizeof(**v6));
	if (!*v6)
		return -ENOMEM;
	for (i = 0; i < s->n6; i++) {
		be128(s->v6[i].lo, (*v6)[i].lo);
		be128(s->v6[i].hi, (*v6)[i].hi);
	}
	return 0;
}

/*
 * The pattern of the compiled format (not the netlink path of wire.c,
 * which sends slow rules as pattern-less selectors): the fast pattern,
 * but for a slow rule whose fast pattern has 1 or 2 bytes (an explicit
 * fast_pattern, since the choice is otherwise the longest content) the
 * longest of its other positive contents in the packet bytes, when one
 * is longer. Any of them is in every match; a 1-2 byte pattern would
 * match nearly every packet and slow the prefilter for every pattern
 * (Documentation/matcher.rst). A kernel rule has a single content:
 * nothing to choose.
 */
static const uint8_t *kernel_pattern(const struct nfips_rule *r, uint32_t *len,
				     bool *nocase)
{
	const uint8_t *b = nfips_rule_fp(r, len);
	uint32_t i;

	*nocase = r->fp_nocase;
	if (r->cls == NFIPS_CLASS_KERNEL || *len > NFIPS_SHORT_FP)
		return b;
	for (i = 0; i < r->nmatches; i++) {
		const struct nfips_content *m = &r->matches[i].u.content;

		if (r->matches[i].type != NFIPS_MATCH_CONTENT ||
		    r->matches[i].buf || (m->flags & NFIPS_C_NEGATED) ||
		    m->len <= *len || m->len > NFIPS_AC_MAX_LEN)
			continue;
		b = m->bytes;
		*len = m->len;
		*nocase = m->flags & NFIPS_C_NOCASE;
	}
	return b;
}

static int compile_rule(struct nfips_compiled *c, const struct nfips_rule *r)
{
	struct nfips_crule *cr = &c->rules[c->nrules];
	const struct nfips_content *fp = &r->matches[r->fp].u.content;
	const uint8_t *b;
	uint32_t len;
	bool nocase;
	int64_t pi;

	memset(cr, 0, sizeof(*cr));
	c->nrules++;	/* counted now so that a failure frees what is set */
	cr->gid = r->gid;
	cr->sid = r->sid;
	cr->rev = r->rev;
	cr->action = (uint8_t)r->action;
	cr->cls = (uint8_t)r->cls;
	cr->proto = (uint8_t)r->proto;
	b = kernel_pattern(r, &len, &nocase);
	pi = pattern_index(c, b, len, nocase ? NFIPS_CP_NOCASE : 0);
	if (pi < 0)
		return -ENOMEM;
	cr->pattern = (uint32_t)pi;
	if (r->flags & NFIPS_R_BIDIR)
		cr->flags |= NFIPS_CR_BIDIR;
	if (r->cls == NFIPS_CLASS_KERNEL) {
		/* Only kernel rules: a punt prefilter must not miss a stream match. */
		if (fp->flags & NFIPS_C_STARTSWITH) {
			cr->depth = fp->len;
		} else {
			cr->offset = (fp->flags & NFIPS_C_OFFSET) ? fp->offset : 0;
			cr->depth = (fp->flags & NFIPS_C_DEPTH) ? fp->depth : 0;
		}
		if (r->flags & NFIPS_R_DSIZE) {
			cr->flags |= NFIPS_CR_DSIZE;
			cr->dsize_op = (uint8_t)r->dsize.op;
			cr->dsize_a = r->dsize.a;
			cr->dsize_b = r->dsize.b;
		}
	}
	if (addrs(&r->src, NFIPS_CR_SRC, &cr->flags, &cr->src4, &cr->nsrc4,
		  &cr->src6, &cr->nsrc6) ||
	    addrs(&r->dst, NFIPS_CR_DST, &cr->flags, &cr->dst4, &cr->ndst4,
		  &cr->dst6, &cr->ndst6))
		return -ENOMEM;
	if (!r->sport.any) {
		cr->flags |= NFIPS_CR_SPORT;
		if (ranges4(r->sport.v, r->sport.n, &cr->sport, &cr->nsport))
			return -ENOMEM;
	}
	if (!r->dport.any) {
		cr->flags |= NFIPS_CR_DPORT;
		if (ranges4(r->dport.v, r->dport.n, &cr->dport, &cr->ndport))
			return -ENOMEM;
	}
	cr->msg = strdup(r->msg ? r->msg : "");
	return cr->msg ? 0 : -ENOMEM;
}

int nfips_compile(struct nfips_rule *const *rules, size_t n,
		  struct nfips_compiled **out)
{
	struct nfips_compiled *c = calloc(1, sizeof(*c));
	size_t i;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->version = NFIPS_COMPILED_VERSION;
	c->rules = calloc(n ? n : 1, sizeof(*c->rules));
	if (!c->rules)
		goto fail;
	for (i = 0; i < n; i++) {
		nfips_rule_classify(rules[i]);
		if (rules[i]->skip || rules[i]->fp < 0)
			continue;
		if (compile_rule(c, rules[i]))
			goto fail;
	}
	*out = c;
	return 0;
fail:
	nfips_compiled_free(c);
	return -ENOMEM;
}
