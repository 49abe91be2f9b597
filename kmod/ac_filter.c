// SPDX-License-Identifier: GPL-2.0
/*
 * Prefilter of the matcher, after DFC (Choi et al., "DFC: Accelerating
 * String Pattern Matching for Network Applications", NSDI 2016): one bit
 * test per position, independent of the previous position, where the
 * automaton needs a table load that depends on the previous one.
 *
 * A table marks the hash of the first three bytes of every pattern, in
 * every case variant for a nocase pattern. Patterns of one or two bytes
 * mark the byte pairs they begin in a table of their own, tested only when
 * there are some. The tables hold a byte per entry, not a bit: the bit
 * test's variable shift cost more than the bigger tables' cache misses on
 * the benchmark corpus.
 */
#include "ac_filter.h"

#define MIN_BITS	16
#define MAX_BITS	20	/* 1 MiB: beyond, cache misses cost more */
#define MAX_PASS_PCT	40	/* pass more and the filter does not pay */

/* @x holds three bytes in its upper 24 bits, the first lowest. */
static u32 triple_hash(u32 x, u32 shift)
{
	return (x * 0x9e3779b1U) >> shift;
}

/*
 * Marks every case variant of the first (up to three) bytes of @p; with
 * @count_only, just counts the entries of the triple table it would mark.
 */
static u32 add_pattern(struct ac_filter *f, const struct nfips_ac_pattern *p,
		       bool count_only)
{
	bool nocase = p->flags & NFIPS_AC_NOCASE;
	u32 n = p->len < 3 ? p->len : 3, v, k, c;
	u8 b[3];

	if (count_only)
		return n == 3 ? 1U << (nocase ? 3 : 0) : 0;
	/* Bit k of v upper-cases letter k: 2^n variants, duplicates harmless */
	for (v = 0; v < (nocase ? 1U << n : 1U); v++) {
		for (k = 0; k < n; k++) {
			b[k] = nocase ? ac_fold(p->bytes[k]) : p->bytes[k];
			if ((v >> k & 1) && b[k] >= 'a' && b[k] <= 'z')
				b[k] -= 'a' - 'A';
		}
		if (n == 3)
			f->triples[triple_hash((u32)b[0] << 8 | (u32)b[1] << 16 |
					       (u32)b[2] << 24, f->shift)] = 1;
		else if (n == 2)
			f->pairs[b[0] | b[1] << 8] = 1;
		else
			for (c = 0; c < 256; c++)
				f->pairs[b[0] | c << 8] = 1;
	}
	return 0;
}

int nfips_ac_filter_build(struct ac_filter *f,
			  const struct nfips_ac_pattern *pats, u32 npats,
			  size_t *mem)
{
	u32 i, bits = MIN_BITS, triples = 0, pairs = 0;
	u64 entries = 0;
	bool short_pats = false;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < npats; i++) {
		entries += add_pattern(f, &pats[i], true);
		short_pats |= pats[i].len < 3;
	}
	/* 64 slots per entry: false positives near 1/64, tables within L2. */
	while (bits < MAX_BITS && (1ULL << bits) < entries * 64)
		bits++;
	f->shift = 32 - bits;
	f->triples = ac_zalloc(1U << bits);
	if (short_pats)
		f->pairs = ac_zalloc(65536);
	if (!f->triples || (short_pats && !f->pairs)) {
		nfips_ac_filter_free(f);
		return -ENOMEM;
	}
	for (i = 0; i < npats; i++)
		add_pattern(f, &pats[i], false);
	for (i = 0; i < 1U << bits; i++)
		triples += f->triples[i];
	for (i = 0; short_pats && i < 65536; i++)
		pairs += f->pairs[i];
	if (triples * 100ULL / (1U << bits) + pairs * 100ULL / 65536 >
	    MAX_PASS_PCT) {
		nfips_ac_filter_free(f);
		return 0;
	}
	*mem += (1U << bits) + (short_pats ? 65536 : 0);
	return 0;
}

void nfips_ac_filter_free(struct ac_filter *f)
{
	ac_free(f->triples);
	ac_free(f->pairs);
	f->triples = NULL;
	f->pairs = NULL;
}

static inline u32 filter_next(const struct ac_filter *f, const u8 *buf,
			      u32 q, u32 len, bool short_pats)
{
	const u8 *t = f->triples;
	u32 shift = f->shift;

	/*
	 * Two positions per round from one 4-byte window, tested without
	 * branches: a branch per position would be mispredicted too often.
	 */
	for (; q + 4 <= len; q += 2) {
		u32 x = ac_load_le32(buf + q);
		u32 h0 = triple_hash(x << 8, shift);
		u32 h1 = triple_hash(x & 0xffffff00U, shift);
		u32 c = t[h0] | t[h1] << 1;

		if (short_pats)
			c |= f->pairs[x & 0xffff] | f->pairs[(x >> 8) & 0xffff] << 1;
		if (unlikely(c))
			return q + !(c & 1);
	}
	return q;
}

u32 nfips_ac_filter_next(const struct ac_filter *f, const u8 *buf, u32 from,
			 u32 len)
{
	/* Two copies of the loop, so that the common one tests no pairs[]. */
	if (f->pairs)
		return filter_next(f, buf, from, len, true);
	return filter_next(f, buf, from, len, false);
}
