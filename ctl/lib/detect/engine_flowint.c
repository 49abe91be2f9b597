// SPDX-License-Identifier: GPL-2.0
/*
 * flowint (detect-flowint.c): unsigned 32-bit integers kept per flow.
 * Tests (==, !=, <, <=, >, >=, isset, notset) are conditions of the
 * signature, false without a flow and, except notset, while the variable
 * is unset; =, + and - act after the signature matched (post-match), as
 * flowbits set does. + on an unset variable sets it to the operand, - on
 * one does nothing. An operand naming a flowint reads 0 while it is unset,
 * or when no rule declares it. Arithmetic wraps at 2^32, as Suricata's.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int32_t name_index(const struct nfips_engine *e, const char *name)
{
	char *const *p = bsearch(&name, e->finames, e->nfi, sizeof(char *), name_cmp);

	return p ? (int32_t)(p - e->finames) : -1;
}

static bool is_test(enum nfips_flowint_op op)
{
	return op != NFIPS_FI_SET && op != NFIPS_FI_ADD && op != NFIPS_FI_SUB;
}

/* detect-engine-sigorder.c's flowint class: set 4, set and read 3, read 2, none 1. */
uint8_t flowint_type(const struct nfips_rule *r)
{
	bool rd = false, wr = false;
	uint32_t i;

	for (i = 0; i < r->nflowints; i++) {
		if (is_test(r->flowints[i].op))
			rd = true;
		else
			wr = true;
	}
	return wr && !rd ? 4 : wr ? 3 : rd ? 2 : 1;
}

int flowint_build(struct nfips_engine *e)
{
	uint32_t i, j, n = 0;

	for (i = 0; i < e->nrules; i++)
		n += e->rules[i]->nflowints;
	e->finames = calloc(n ? n : 1, sizeof(char *));
	if (!e->finames)
		return -ENOMEM;
	for (i = 0; i < e->nrules; i++)
		for (j = 0; j < e->rules[i]->nflowints; j++)
			e->finames[e->nfi++] = e->rules[i]->flowints[j].name;
	e->nfi = names_unique(e->finames, e->nfi);
	for (i = 0; i < e->nsigs; i++) {
		struct sig *s = &e->sigs[i];
		const struct nfips_rule *r = s->r;

		s->nfi = r->nflowints;
		if (!s->nfi)
			continue;
		s->fi = calloc(s->nfi, sizeof(*s->fi));
		if (!s->fi)
			return -ENOMEM;
		for (j = 0; j < s->nfi; j++) {
			const struct nfips_flowint *f = &r->flowints[j];

			s->fi[j].op = (uint8_t)f->op;
			s->fi[j].idx = (uint32_t)name_index(e, f->name);
			s->fi[j].var = f->var ? name_index(e, f->var) : -1;
			s->fi[j].value = f->value;
		}
	}
	return 0;
}

static bool is_set(const struct nfips_flowstate *fs, uint32_t i)
{
	return fs->iset[i / 64] >> (i % 64) & 1;
}

static uint32_t operand(const struct firef *f, const struct nfips_flowstate *fs)
{
	if (f->var < 0)
		return f->value;
	return is_set(fs, (uint32_t)f->var) ? fs->ints[f->var] : 0;
}

bool flowint_test(const struct sig *s, const struct nfips_flowstate *fs)
{
	uint32_t i;

	for (i = 0; i < s->nfi; i++) {
		const struct firef *f = &s->fi[i];
		uint32_t v, t;

		if (!is_test(f->op))
			continue;
		if (!fs)
			return false;
		if (f->op == NFIPS_FI_NOTSET || f->op == NFIPS_FI_ISSET) {
			if (is_set(fs, f->idx) != (f->op == NFIPS_FI_ISSET))
				return false;
			continue;
		}
		if (!is_set(fs, f->idx))
			return false;
		v = fs->ints[f->idx];
		t = operand(f, fs);
		switch (f->op) {
		case NFIPS_FI_EQ: if (!(v == t)) return false; break;
		case NFIPS_FI_NE: if (!(v != t)) return false; break;
		case NFIPS_FI_LT: if (!(v < t)) return false; break;
		case NFIPS_FI_LE: if (!(v <= t)) return false; break;
		case NFIPS_FI_GT: if (!(v > t)) return false; break;
		case NFIPS_FI_GE: if (!(v >= t)) return false; break;
		default: break;
		}
	}
	return true;
}

void flowint_update(const struct sig *s, struct nfips_flowstate *fs)
{
	uint32_t i;

	for (i = 0; fs && i < s->nfi; i++) {
		const struct firef *f = &s->fi[i];
		const uint32_t t = operand(f, fs), k = f->idx;
		const bool set = is_set(fs, k);

		if (f->op == NFIPS_FI_SUB && !set)
			continue;
		if (f->op == NFIPS_FI_SET || (f->op == NFIPS_FI_ADD && !set))
			fs->ints[k] = t;
		else if (f->op == NFIPS_FI_ADD)
			fs->ints[k] += t;
		else if (f->op == NFIPS_FI_SUB)
			fs->ints[k] -= t;
		else
			continue;
		fs->iset[k / 64] |= 1ull << (k % 64);
	}
}
