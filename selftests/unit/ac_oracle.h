/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Independent reference for the matcher: compare every pattern at every
 * end offset, and a recorder that turns nfips_ac_scan() callbacks into the
 * same form. Shared by the unit tests and the fuzzer.
 */
#ifndef NFIPS_AC_ORACLE_H
#define NFIPS_AC_ORACLE_H

#include <stdlib.h>
#include <string.h>
#include "ac.h"

struct hit {
	u32 end;	/* offset past the last byte, from the stream start */
	u32 id;
};

struct hits {
	struct hit *v;
	size_t n, cap;
	u32 base;	/* stream offset of the buffer being scanned */
	u32 last_end;
	int out_of_order;
	size_t stop_after;	/* ask the scan to stop after this many; 0 never */
};

static inline void hits_add(struct hits *h, u32 id, u32 end)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->v = realloc(h->v, h->cap * sizeof(*h->v));
		if (!h->v)
			abort();
	}
	h->v[h->n].end = end;
	h->v[h->n++].id = id;
}

static inline int hits_record(void *ctx, u32 id, u32 end)
{
	struct hits *h = ctx;

	if (h->base + end < h->last_end)
		h->out_of_order = 1;
	h->last_end = h->base + end;
	hits_add(h, id, h->base + end);
	return h->stop_after && h->n >= h->stop_after;
}

static inline int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static inline void hits_sort(struct hits *h)
{
	if (h->n)
		qsort(h->v, h->n, sizeof(*h->v), hit_cmp);
}

static inline int hits_equal(struct hits *a, struct hits *b)
{
	hits_sort(a);
	hits_sort(b);
	return a->n == b->n &&
	       (!a->n || !memcmp(a->v, b->v, a->n * sizeof(*a->v)));
}

static inline void hits_reset(struct hits *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}

static inline int oracle_byte_eq(u8 a, u8 b, int nocase)
{
	if (nocase) {
		if (a >= 'A' && a <= 'Z')
			a += 'a' - 'A';
		if (b >= 'A' && b <= 'Z')
			b += 'a' - 'A';
	}
	return a == b;
}

/* Every occurrence of every pattern in @text, the slow obvious way. */
static inline void oracle_scan(const struct nfips_ac_pattern *p, u32 np,
			       const u8 *text, u32 len, struct hits *out)
{
	u32 e, i, k;

	for (e = 1; e <= len; e++) {
		for (i = 0; i < np; i++) {
			if (p[i].len > e)
				continue;
			for (k = 0; k < p[i].len; k++)
				if (!oracle_byte_eq(p[i].bytes[k],
						    text[e - p[i].len + k],
						    p[i].flags & NFIPS_AC_NOCASE))
					break;
			if (k == p[i].len)
				hits_add(out, p[i].id, e);
		}
	}
}

#endif
