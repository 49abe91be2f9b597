// SPDX-License-Identifier: GPL-2.0
/*
 * Prefilter of the matcher, after Hyperscan's FDR (a bucketed shift-or
 * over a hashed "domain" of the input bytes): one table entry per position
 * tells, for sixteen buckets of patterns at once, whether the next eight
 * byte pairs can be the first eight of a pattern of the bucket. The
 * automaton runs only where some bucket passes.
 *
 * Domain of a position: its byte and the low five bits of the next one (13
 * bits; an ASCII letter's two cases share their low five bits, so a nocase
 * pattern needs no variants of its second byte). Entry d of the table is
 * two 64-bit lanes, eight buckets each: in lane w, byte k, bit b is clear
 * when some pattern of bucket 8w + b has domain d at offset k, or when
 * offset k is past the patterns of that bucket (their depth: min(length,
 * 8)); a pattern's last byte matches whatever follows. A position q passes
 * a bucket when its bit is clear in byte k of table[domain(q + k)] for
 * every k < 8: a shift-or, byte k of each lane sliding one byte per
 * position. ac_simd.c does the same with both lanes in one register.
 *
 * Patterns are put in buckets by depth, so that a few 1- or 2-byte
 * patterns do not weaken the test of the long ones, and the deepest (most
 * common) depths get the spare buckets, in contiguous runs of the sorted
 * pattern order so that a bucket's patterns share prefixes.
 */
#include "ac_filter.h"

#define NBUCKETS	(8 * AC_FILTER_LANES)
#define DEPTH		8
#define DOMAIN		8192U	/* 2^AC_FILTER_BITS */
#define LANES		AC_FILTER_LANES
#define MAX_PASS_PCT	40	/* pass more and the filter does not pay */

#if AC_FILTER_LANES != 2
#error "nfips_ac_filter_next_scalar() and ac_simd.c are written for two lanes"
#endif

static inline u32 domain(u8 b0, u8 b1)
{
	return b0 | (u32)(b1 & 0x1f) << 8;
}

static u32 pat_depth(const struct nfips_ac_pattern *p)
{
	return p->len < DEPTH ? p->len : DEPTH;
}

/*
 * Buckets by depth: every depth present gets one, the spare ones go, one
 * at a time, to the depth with the most patterns per bucket. @first[d]
 * and @nb[d] say which buckets depth d has.
 */
static void plan_buckets(const u32 *count, u32 *first, u32 *nb)
{
	u32 d, used = 0, best;

	for (d = 1; d <= DEPTH; d++) {
		nb[d] = count[d] ? 1 : 0;
		used += nb[d];
	}
	for (; used < NBUCKETS; used++) {
		best = 0;
		for (d = 1; d <= DEPTH; d++)
			if (nb[d] && (!best || (u64)count[d] * nb[best] >
					       (u64)count[best] * nb[d]))
				best = d;
		nb[best]++;
	}
	for (d = 1, used = 0; d <= DEPTH; d++) {
		first[d] = used;
		used += nb[d];
	}
}

/*
 * Clears bucket @b at offset @k for first byte @c, in both cases if
 * @nocase, followed by *@next or (the pattern's last byte) by anything.
 */
static void mark(u64 *t, u32 b, u32 k, u8 c, const u8 *next, bool nocase)
{
	u64 bit = 1ULL << (8 * k + b % 8);
	u8 v[2] = { c, c };
	u32 i, n;

	if (nocase && nfips_ac_fold(c) >= 'a' && nfips_ac_fold(c) <= 'z') {
		v[0] = nfips_ac_fold(c);
		v[1] = v[0] - ('a' - 'A');
	}
	for (i = 0; i < 2; i++) {
		if (next)
			t[domain(v[i], *next) * LANES + b / 8] &= ~bit;
		else
			for (n = 0; n < 256; n++)
				t[domain(v[i], n) * LANES + b / 8] &= ~bit;
	}
}

/* The fraction of random positions the table passes, in percent. */
static u32 pass_pct(const u64 *t, const u32 *bdepth)
{
	u32 b, k, i, n;
	u64 num, den;
	u32 pct = 0;

	for (b = 0; b < NBUCKETS; b++) {
		if (!bdepth[b])
			continue;
		num = 1;
		den = 1;
		for (k = 0; k < bdepth[b]; k++) {
			for (i = 0, n = 0; i < DOMAIN; i++)
				n += !(t[i * LANES + b / 8] >> (8 * k + b % 8) & 1);
			num = num * n;
			den = den * DOMAIN;
			/* Keep within 64 bits: scale both down together. */
			while (den > (1ULL << 40)) {
				num >>= AC_FILTER_BITS;
				den >>= AC_FILTER_BITS;
			}
		}
		pct += (u32)(num * 100 / den);
	}
	return pct;
}

int nfips_ac_filter_build(struct ac_filter *f,
			  const struct nfips_ac_pattern *pats, u32 npats,
			  size_t *mem)
{
	u32 count[DEPTH + 1] = { 0 }, seen[DEPTH + 1] = { 0 };
	u32 first[DEPTH + 1], nb[DEPTH + 1], bdepth[NBUCKETS] = { 0 };
	u64 dontcare[LANES] = { 0 };
	u32 i, k;

	memset(f, 0, sizeof(*f));
	if (!npats)
		return 0;
	for (i = 0; i < npats; i++)
		count[pat_depth(&pats[i])]++;
	plan_buckets(count, first, nb);
	f->table = ac_alloc(AC_FILTER_BYTES);
	if (!f->table)
		return -ENOMEM;
	for (i = 0; i < DOMAIN * LANES; i++)
		f->table[i] = ~0ULL;
	for (i = 0; i < npats; i++) {
		const struct nfips_ac_pattern *p = &pats[i];
		bool nocase = p->flags & NFIPS_AC_NOCASE;
		u32 d = pat_depth(p);
		u32 b = first[d] + (u64)seen[d]++ * nb[d] / count[d];

		bdepth[b] = d;
		for (k = 0; k < d; k++)
			mark(f->table, b, k, p->bytes[k],
			     k + 1 < p->len ? &p->bytes[k + 1] : NULL, nocase);
	}
	/* Offsets past a bucket's depth accept anything. */
	for (i = 0; i < NBUCKETS; i++)
		for (k = bdepth[i]; bdepth[i] && k < DEPTH; k++)
			dontcare[i / 8] |= 1ULL << (8 * k + i % 8);
	for (i = 0; i < DOMAIN * LANES; i++)
		f->table[i] &= ~dontcare[i % LANES];
	if (pass_pct(f->table, bdepth) > MAX_PASS_PCT) {
		nfips_ac_filter_free(f);
		return 0;
	}
	*mem += AC_FILTER_BYTES;
	return 0;
}

void nfips_ac_filter_free(struct ac_filter *f)
{
	ac_free(f->table);
	f->table = NULL;
}

/*
 * The reference: a 64-bit state per lane (eight buckets each), shifted a
 * byte per position. Domain j needs bytes j and j + 1.
 */
u32 nfips_ac_filter_next_scalar(const struct ac_filter *f, const u8 *buf,
				u32 from, u32 len)
{
	const u64 *t = f->table, *e;
	u64 a = 0, b = 0;
	u32 j;

	if (len - from < AC_FILTER_SPAN)
		return from;
	/* The state after position j: its top byte is the verdict on j - 7. */
	for (j = from; j < from + DEPTH - 1; j++) {
		e = t + LANES * domain(buf[j], buf[j + 1]);
		a = a << 8 | e[0];
		b = b << 8 | e[1];
	}
	/*
	 * Two positions per round, one branch (a branch per position would be
	 * mispredicted too often), their domains from one 32-bit load: the
	 * domain is the low 13 bits of b0 | b1 << 8.
	 */
	for (; j + 4 <= len; j += 2) {
		u32 x = ac_load_le32(buf + j);
		const u64 *e0 = t + LANES * (x & (DOMAIN - 1));
		const u64 *e1 = t + LANES * (x >> 8 & (DOMAIN - 1));
		u64 a1 = a << 8 | e0[0], b1 = b << 8 | e0[1];
		u64 a2 = a1 << 8 | e1[0], b2 = b1 << 8 | e1[1];

		if (unlikely(~(a1 & b1 & a2 & b2) >> 56))
			return j - (DEPTH - 1) + (~(a1 & b1) >> 56 ? 0 : 1);
		a = a2;
		b = b2;
	}
	for (; j + 1 < len; j++) {
		e = t + LANES * domain(buf[j], buf[j + 1]);
		a = a << 8 | e[0];
		b = b << 8 | e[1];
		if (~(a & b) >> 56)
			return j - (DEPTH - 1);
	}
	return j - (DEPTH - 1);
}
