/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prefilter of the matcher (kmod/ac.c): tells from the bytes at a position
 * whether a pattern may begin there, so that the automaton only runs where
 * one may.
 */
#ifndef _NFIPS_AC_FILTER_H
#define _NFIPS_AC_FILTER_H

#include "ac.h"

/* Positions a filter test reads (the pair at each of 8 offsets). */
#define AC_FILTER_SPAN	9
/* Domain: a position's byte and the low 5 bits of the next (13 bits). */
#define AC_FILTER_BITS	13
#define AC_FILTER_DOMAIN	8192	/* 2^AC_FILTER_BITS */
/* 64-bit lanes of a table entry, eight buckets each. */
#define AC_FILTER_LANES	2
#define AC_FILTER_NBUCKETS	(8 * AC_FILTER_LANES)
/* Offsets of a pattern a window tests: its first eight bytes. */
#define AC_FILTER_DEPTH	8
#define AC_FILTER_BYTES	(AC_FILTER_DOMAIN * AC_FILTER_LANES * sizeof(u64))
/*
 * Window ends a block decides (ac_filter.c, "blocks"): the vector code
 * decides sixteen at once, and a block is several such, so that where
 * candidates are dense the cursor comes back for more less often.
 */
#define AC_FILTER_BLOCK	64
/*
 * Teddy (ac_simd.c): sets of at most AC_TEDDY_MAX patterns, on CPUs with
 * AVX2, test the first AC_TEDDY_DEPTH bytes of every position with nibble
 * masks instead of the shift-or's table.
 */
#define AC_TEDDY_MAX	32
#define AC_TEDDY_DEPTH	3
/*
 * Teddy's passes are confirmed by the shift-or's table one by one, up to
 * AC_TEDDY_CONFIRM in a block; a denser block is decided by the
 * shift-or's blocks, and once most of a scan's blocks were, over
 * AC_TEDDY_PROBE or more (input made of a pattern's first bytes: zeros,
 * for patterns that begin with them), the rest of the buffer too
 * (ac_filter.c, teddy_settle()).
 */
#define AC_TEDDY_CONFIRM	2
#define AC_TEDDY_PROBE		4
/* The shortest skip worth a table of its own. */
#define AC_SKIP_MIN	3
/* The most first bytes of shorter patterns the skip loop looks for. */
#define AC_SKIP_FIRST	3

struct ac_filter {
	/*
	 * By domain value, AC_FILTER_LANES words (one 16-byte entry, one
	 * cache line): in word w, byte m, bit b set when no pattern of
	 * bucket 8w + b has that domain value at offset 7 - m
	 * (Documentation/matcher.rst). The byte order is reversed so that
	 * shifting an entry by its position lines its offsets up with the
	 * windows they belong to.
	 */
	u64 *table;
	/*
	 * The skip loop's (ac_skip.c), for sets whose patterns
	 * are skip_len (>= AC_SKIP_MIN) bytes long or longer but for a
	 * few first bytes: by the domain at a window's position
	 * skip_len - 1, how many windows from this one cannot pass. NULL
	 * when the set does not pay for it.
	 */
	u8 *shift;
	u32 skip_len;
	/*
	 * The first bytes of the shorter patterns (both cases of a nocase
	 * letter), each repeated in the eight bytes of a word.
	 */
	u32 nfirst;
	u64 first[AC_SKIP_FIRST];
	/*
	 * Teddy's masks, 0 offsets when the set has none: for offset k of a
	 * window's start, by the low (lo) and high (hi) nibble of the byte
	 * there, bit b set when some pattern of bucket b (of eight) allows
	 * that nibble at k; the sixteen entries twice, one copy per 128-bit
	 * half of a register.
	 */
	u8 teddy;
	u8 teddy_lo[AC_TEDDY_DEPTH][32];
	u8 teddy_hi[AC_TEDDY_DEPTH][32];
};

/*
 * The shift-or's state between blocks: what the entries already read
 * contribute to the windows not decided yet. Its layout belongs to the
 * instruction set that fills it.
 */
struct ac_filter_carry {
	u64 w[4];
};

/*
 * A scan's walk through the filter's verdicts, forward only: each window
 * is computed once per buffer, however often the scan asks (the start of
 * a partial match never moves backwards).
 */
struct ac_filter_cursor {
	const struct ac_filter *f;
	const u8 *buf;
	u32 len;
	u32 base;	/* window end of bit 0 of mask */
	u32 done;	/* windows ending before this are decided */
	u64 mask;	/* bit k: a pattern may begin at base + k - 7 */
	u32 first_at;	/* the skip loop's next first byte, plus one */
	u32 wholes;	/* windows it decided whole */
	bool noskip;	/* it gave up: the shift-or takes the rest */
	bool noteddy;	/* Teddy gave up: the shift-or takes the rest */
	u32 tblocks;	/* blocks Teddy ran */
	u32 tdense;	/* of which the shift-or decided */
	int simd;
	struct ac_filter_carry carry;
};

/* A position's domain from its byte and the next. */
static inline u32 nfips_ac_filter_domain(u8 b0, u8 b1)
{
	return b0 | (u32)(b1 & 0x1f) << 8;
}

/* The offsets of @p a window tests. */
static inline u32 nfips_ac_filter_depth(const struct nfips_ac_pattern *p)
{
	return p->len < AC_FILTER_DEPTH ? p->len : AC_FILTER_DEPTH;
}

/*
 * Leaves @f empty (table NULL) when the filter would pass so many
 * positions that it would cost more than it saves. Adds what it keeps
 * to @mem.
 */
int nfips_ac_filter_build(struct ac_filter *f,
			  const struct nfips_ac_pattern *pats, u32 npats,
			  size_t *mem);
void nfips_ac_filter_free(struct ac_filter *f);

/*
 * Runs blocks of AC_FILTER_BLOCK positions from @p (block n reads
 * AC_FILTER_BLOCK + 1 bytes from p + n * AC_FILTER_BLOCK) until one has a
 * window that passes or @nblocks are done; returns that block's verdicts
 * (bit k: the window ending at its position k passes; 0 when none did)
 * and in *@ran the blocks run. One function per instruction set, the
 * same verdicts from each; the vector ones only where the CPU has them
 * (and, in the kernel, between kernel_fpu_begin() and kernel_fpu_end()).
 */
u64 nfips_ac_filter_run_scalar(const struct ac_filter *f, const u8 *p,
			       u32 nblocks, u32 *ran,
			       struct ac_filter_carry *c);
#ifdef AC_X86
u64 nfips_ac_filter_run_sse2(const struct ac_filter *f, const u8 *p,
			     u32 nblocks, u32 *ran,
			     struct ac_filter_carry *c);
u64 nfips_ac_filter_run_avx2(const struct ac_filter *f, const u8 *p,
			     u32 nblocks, u32 *ran,
			     struct ac_filter_carry *c);
/*
 * The same blocks and carry contract with Teddy's masks (@f->teddy set):
 * a window passes when its start's first bytes pass some bucket, a
 * weaker test than the shift-or's eight pairs but a few instructions per
 * 32 positions. Its verdicts are its own, not the scalar code's.
 */
u64 nfips_ac_teddy_run_avx2(const struct ac_filter *f, const u8 *p,
			    u32 nblocks, u32 *ran,
			    struct ac_filter_carry *c);
#endif

static inline void nfips_ac_filter_start(struct ac_filter_cursor *c,
					 const struct ac_filter *f,
					 const u8 *buf, u32 len, int simd)
{
	memset(c, 0, sizeof(*c));
	c->f = f;
	c->buf = buf;
	c->len = len;
	c->simd = simd;
}

u32 nfips_ac_filter_seek(struct ac_filter_cursor *c, u32 from);

/*
 * The skip loop (ac_skip.c): the shifts of @f's table, built (with
 * @bdepth, the depth of each bucket's patterns) where they pay; and the
 * seek that uses them, from a cursor of the scalar prefilter.
 */
int nfips_ac_skip_build(struct ac_filter *f,
			const struct nfips_ac_pattern *pats, u32 npats,
			const u32 *bdepth, size_t *mem);
u32 nfips_ac_skip_seek(struct ac_filter_cursor *c, u32 from);

/*
 * First position q >= @from where a pattern may begin, or where the filter
 * cannot tell because the buffer ends within AC_FILTER_SPAN bytes. @from
 * must not be smaller than in the cursor's previous call.
 */
static inline u32 nfips_ac_filter_at(struct ac_filter_cursor *c, u32 from)
{
	u32 end = from + AC_FILTER_SPAN - 2;	/* the window's last entry */

	/*
	 * Windows ending before base were decided, and failed, when an
	 * earlier call went past them.
	 */
	if (likely(end < c->done)) {
		u32 e = end > c->base ? end : c->base;
		u64 m = c->mask >> (e - c->base);

		if (m)
			return e + __builtin_ctzll(m) - (AC_FILTER_SPAN - 2);
	}
	/*
	 * The last eight bytes: nothing to decide, and no call for each of
	 * them (a short payload's scan ends with them).
	 */
	if (from + AC_FILTER_SPAN > c->len)
		return from;
	return nfips_ac_filter_seek(c, from);
}

/* nfips_ac_filter_at() from a fresh cursor: what the tests compare. */
u32 nfips_ac_filter_next(const struct ac_filter *f, const u8 *buf, u32 from,
			 u32 len, int simd);

#endif /* _NFIPS_AC_FILTER_H */
