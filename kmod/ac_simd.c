// SPDX-License-Identifier: GPL-2.0
/*
 * The prefilter's blocks (nfips_ac_filter_run_scalar() in ac_filter.c)
 * with SSE2, as Hyperscan's FDR computes them: per lane (eight buckets), a
 * block of eight positions is eight 64-bit loads, each shifted up by its
 * position within a 128-bit register (pslldq) and OR-ed in a tree with
 * the carry; the low eight bytes then decide eight windows at once and the
 * high eight are carried into the next block. No position depends on the
 * previous one, where the scalar shift-or's state does. Same table, same
 * verdicts as the scalar reference (selftests/unit/ac_test.c checks it on
 * every input).
 *
 * Written with the compiler's vector types and builtins, not
 * <emmintrin.h>, which the kernel's freestanding build cannot include; the
 * function carries its own target attribute, so the file builds with the
 * kernel's (and userspace's) usual flags. In the kernel it runs only
 * between kernel_fpu_begin() and kernel_fpu_end() (kmod/match.c).
 */
#include "ac_filter.h"

#ifdef AC_X86

typedef u64 v2u __attribute__((vector_size(16)));
typedef u8 v16b __attribute__((vector_size(16)));

#define DMASK	(AC_FILTER_DOMAIN - 1)

/*
 * @v shifted up by @n bytes (pslldq), spelled as a shuffle with a zero
 * vector, which GCC and clang both compile to the shift: indices 0..15
 * pick from the zero vector, 16..31 from @v. @n is a constant once
 * inlined, and the switch goes.
 */
__attribute__((target("sse2")))
static __always_inline v2u shl(v2u v, int n)
{
	const v16b z = { 0 }, b = (v16b)v;

	switch (n) {
	case 1:
		return (v2u)__builtin_shufflevector(z, b, 15, 16, 17, 18, 19,
						    20, 21, 22, 23, 24, 25, 26,
						    27, 28, 29, 30);
	case 2:
		return (v2u)__builtin_shufflevector(z, b, 14, 15, 16, 17, 18,
						    19, 20, 21, 22, 23, 24, 25,
						    26, 27, 28, 29);
	case 3:
		return (v2u)__builtin_shufflevector(z, b, 13, 14, 15, 16, 17,
						    18, 19, 20, 21, 22, 23, 24,
						    25, 26, 27, 28);
	case 4:
		return (v2u)__builtin_shufflevector(z, b, 12, 13, 14, 15, 16,
						    17, 18, 19, 20, 21, 22, 23,
						    24, 25, 26, 27);
	case 5:
		return (v2u)__builtin_shufflevector(z, b, 11, 12, 13, 14, 15,
						    16, 17, 18, 19, 20, 21, 22,
						    23, 24, 25, 26);
	case 6:
		return (v2u)__builtin_shufflevector(z, b, 10, 11, 12, 13, 14,
						    15, 16, 17, 18, 19, 20, 21,
						    22, 23, 24, 25);
	case 7:
		return (v2u)__builtin_shufflevector(z, b, 9, 10, 11, 12, 13,
						    14, 15, 16, 17, 18, 19, 20,
						    21, 22, 23, 24);
	default:
		return v;
	}
}

/* The high half moved down, zeros above it (psrldq by eight bytes). */
__attribute__((target("sse2")))
static __always_inline v2u high(v2u v)
{
	const v16b z = { 0 };

	return (v2u)__builtin_shufflevector((v16b)v, z, 8, 9, 10, 11, 12, 13,
					    14, 15, 16, 16, 16, 16, 16, 16,
					    16, 16);
}

/*
 * Both lanes of the entry for the domain at @p + @j (bytes p[j], p[j + 1]),
 * each in the low half of a register (movq), shifted up by @j bytes and
 * OR-ed into *@x0 and *@x1: one address for both loads.
 */
__attribute__((target("sse2")))
static __always_inline void at(const u64 *t, const u8 *p, int j, v2u *x0,
			       v2u *x1)
{
	const u64 *e = t + (size_t)AC_FILTER_LANES *
		       (ac_load_le16(p + j) & DMASK);
	v2u a = { e[0], 0 }, b = { e[1], 0 };

	*x0 |= shl(a, j);
	*x1 |= shl(b, j);
}

/*
 * Eight positions into the lanes' states: their entries OR-ed pairwise,
 * then the pairs, so that no OR waits for more than a few others.
 */
__attribute__((target("sse2")))
static __always_inline void eight(const u64 *t, const u8 *p, v2u *s0,
				  v2u *s1)
{
	v2u a0 = { 0, 0 }, a1 = a0, b0 = a0, b1 = a0;

	at(t, p, 0, &a0, &a1);
	at(t, p, 1, &b0, &b1);
	at(t, p, 2, &a0, &a1);
	at(t, p, 3, &b0, &b1);
	at(t, p, 4, &a0, &a1);
	at(t, p, 5, &b0, &b1);
	at(t, p, 6, &a0, &a1);
	at(t, p, 7, &b0, &b1);
	*s0 |= a0 | b0;
	*s1 |= a1 | b1;
}

__attribute__((target("sse2")))
u64 nfips_ac_filter_run_sse2(const struct ac_filter *f, const u8 *p,
			     u32 nblocks, u32 *ran,
			     struct ac_filter_carry *c)
{
	const u64 *t = f->table;
	const v2u all = { ~0ULL, ~0ULL };
	v2u s0 = { c->w[0], 0 }, s1 = { c->w[1], 0 };
	u64 m = 0;
	u32 n, k;

	for (n = 0; n < nblocks && !m; n++) {
		for (k = 0; k < AC_FILTER_BLOCK; k += 16, p += 16) {
			v2u v;
			u64 b;

			/* Windows ending at p .. p + 7, then p + 8 .. p + 15. */
			eight(t, p, &s0, &s1);
			v = s0 & s1;
			s0 = high(s0);
			s1 = high(s1);
			eight(t, p + 8, &s0, &s1);
			v[1] = (s0 & s1)[0];
			s0 = high(s0);
			s1 = high(s1);
			/* A window passes when a bucket's bit is clear in it. */
			b = __builtin_ia32_pmovmskb128((v16b)v == (v16b)all);
			m |= (~b & 0xffff) << k;
		}
	}
	c->w[0] = s0[0];
	c->w[1] = s1[0];
	*ran = n;
	return m;
}

typedef s64 v2i __attribute__((vector_size(16)));
typedef s64 v4i __attribute__((vector_size(32)));
typedef u8 v32b __attribute__((vector_size(32)));
/* vpshufb's builtin takes plain char (neither u8 nor s8) vectors. */
typedef char v32c __attribute__((vector_size(32 * sizeof(s8))));

/*
 * vpshufb controls: for a shift by j, each 128-bit half takes its lane's
 * eight bytes (lane 0 at 0..7 of the entry, lane 1 at 8..15) into bytes
 * j..j + 7; Z (high bit set) makes a byte zero.
 */
#define Z	0x80
static const u8 shift_in_half[8][32] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, Z, Z, Z, Z, Z, Z, Z, Z,
	  8, 9, 10, 11, 12, 13, 14, 15, Z, Z, Z, Z, Z, Z, Z, Z },
	{ Z, 0, 1, 2, 3, 4, 5, 6, 7, Z, Z, Z, Z, Z, Z, Z,
	  Z, 8, 9, 10, 11, 12, 13, 14, 15, Z, Z, Z, Z, Z, Z, Z },
	{ Z, Z, 0, 1, 2, 3, 4, 5, 6, 7, Z, Z, Z, Z, Z, Z,
	  Z, Z, 8, 9, 10, 11, 12, 13, 14, 15, Z, Z, Z, Z, Z, Z },
	{ Z, Z, Z, 0, 1, 2, 3, 4, 5, 6, 7, Z, Z, Z, Z, Z,
	  Z, Z, Z, 8, 9, 10, 11, 12, 13, 14, 15, Z, Z, Z, Z, Z },
	{ Z, Z, Z, Z, 0, 1, 2, 3, 4, 5, 6, 7, Z, Z, Z, Z,
	  Z, Z, Z, Z, 8, 9, 10, 11, 12, 13, 14, 15, Z, Z, Z, Z },
	{ Z, Z, Z, Z, Z, 0, 1, 2, 3, 4, 5, 6, 7, Z, Z, Z,
	  Z, Z, Z, Z, Z, 8, 9, 10, 11, 12, 13, 14, 15, Z, Z, Z },
	{ Z, Z, Z, Z, Z, Z, 0, 1, 2, 3, 4, 5, 6, 7, Z, Z,
	  Z, Z, Z, Z, Z, Z, 8, 9, 10, 11, 12, 13, 14, 15, Z, Z },
	{ Z, Z, Z, Z, Z, Z, Z, 0, 1, 2, 3, 4, 5, 6, 7, Z,
	  Z, Z, Z, Z, Z, Z, Z, 8, 9, 10, 11, 12, 13, 14, 15, Z },
};

#undef Z

/* The 16-byte entry at @e in both halves (vbroadcasti128). */
__attribute__((target("avx2,bmi2")))
static __always_inline v4i bcast(const u64 *e)
{
	v2i x;

	memcpy(&x, e, sizeof(x));
#ifdef __clang__
	return __builtin_shufflevector(x, x, 0, 1, 0, 1);
#else
	/* GCC makes a load and a vpermq of the shuffle above. */
	return __builtin_ia32_vbroadcastsi256(x);
#endif
}

/*
 * The byte offset in the table of the entry for the domain at position
 * @r (0..6) of the little-endian word @w: the domain's 13 bits are bits
 * 8r .. 8r + 12 of @w; rotated down by 8r - 4 (one rorx) and masked, they
 * are the domain times an entry's 16 bytes. Two instructions where a
 * 16-bit load, a mask and a shift are three, on the path that runs for
 * every byte.
 */
__attribute__((target("avx2,bmi2")))
static __always_inline size_t entry_at(u64 w, int r)
{
	unsigned int n = (8 * r - 4) & 63;

	return ((w >> n) | (w << (64 - n))) &
	       ((size_t)DMASK * AC_FILTER_LANES * sizeof(u64));
}

/*
 * The entry (both lanes) at byte offset @off of the table in a 256-bit
 * register, lane 0 in the low half and lane 1 in the high one, each in
 * its half's low eight bytes shifted up by @j, zeros elsewhere: a
 * broadcast and one vpshufb.
 */
__attribute__((target("avx2,bmi2")))
static __always_inline v4i at2(const u64 *t, size_t off, int j)
{
	v4i e = bcast((const u64 *)((const u8 *)t + off));
	v32c ctl;

	memcpy(&ctl, shift_in_half[j], sizeof(ctl));
	return (v4i)__builtin_ia32_pshufb256((v32c)e, ctl);
}

__attribute__((target("avx2,bmi2")))
static __always_inline v4i eight2(const u64 *t, const u8 *p)
{
	/* Bytes 0..8, no further: a block reads only one byte past it. */
	u64 lo = ac_load_le64(p), hi = ac_load_le64(p + 1);

	return ((at2(t, entry_at(lo, 0), 0) | at2(t, entry_at(lo, 1), 1)) |
		(at2(t, entry_at(lo, 2), 2) | at2(t, entry_at(lo, 3), 3))) |
	       ((at2(t, entry_at(hi, 3), 4) | at2(t, entry_at(hi, 4), 5)) |
		(at2(t, entry_at(hi, 5), 6) | at2(t, entry_at(hi, 6), 7)));
}

/* Both halves of @v shifted down by eight bytes (vpsrldq). */
__attribute__((target("avx2,bmi2")))
static __always_inline v4i high2(v4i v)
{
#ifdef __clang__
	return __builtin_ia32_psrldqi256_byteshift(v, 8);
#else
	/* GCC's counts bits; its shuffles with zeros are not folded. */
	return __builtin_ia32_psrldqi256(v, 64);
#endif
}

/*
 * The SSE2 blocks with lane 0 in the low 128-bit half of a register and
 * lane 1 in the high one, whose byte shifts work on each
 * half apart: one load, shift and OR per position for sixteen buckets.
 */
__attribute__((target("avx2,bmi2")))
u64 nfips_ac_filter_run_avx2(const struct ac_filter *f, const u8 *p,
			     u32 nblocks, u32 *ran,
			     struct ac_filter_carry *c)
{
	const u64 *t = f->table;
	const v2u all = { ~0ULL, ~0ULL };
	v4i s = { (s64)c->w[0], 0, (s64)c->w[1], 0 };
	u64 m = 0;
	u32 n, k;

	for (n = 0; n < nblocks && !m; n++) {
		for (k = 0; k < AC_FILTER_BLOCK; k += 16, p += 16) {
			v2u v;
			u64 b;

			s |= eight2(t, p);
			v[0] = s[0] & s[2];
			s = high2(s);
			s |= eight2(t, p + 8);
			v[1] = s[0] & s[2];
			s = high2(s);
			b = __builtin_ia32_pmovmskb128((v16b)v == (v16b)all);
			m |= (~b & 0xffff) << k;
		}
	}
	c->w[0] = s[0];
	c->w[1] = s[2];
	*ran = n;
	return m;
}

/*
 * Teddy (Hyperscan's teddy.c, one 8-bucket mask set): for 32 window starts
 * at once, the bytes at offsets 0..AC_TEDDY_DEPTH - 1 of each split into
 * nibbles, each nibble looked up in its mask with vpshufb, the lookups
 * AND-ed: a start passes when a bucket's bit survives. Run on a block's
 * own bytes, the starts p .. p + 63 decide the windows ending seven
 * positions later: the last seven are carried into the next block (w[0]
 * holds them inverted, so that a cleared carry, a scan's start, passes
 * the windows that begin before it). The last starts read two bytes past
 * the block: nfips_ac_filter_seek() leaves them in the buffer.
 */
typedef u8 v32u __attribute__((vector_size(32)));
typedef u16 v16w __attribute__((vector_size(32)));

#define TEDDY_CARRY	(AC_FILTER_SPAN - 2)

__attribute__((target("avx2,bmi2")))
static __always_inline v32u lookup(const u8 *mask, v32u idx)
{
	v32c m;

	memcpy(&m, mask, sizeof(m));
	return (v32u)__builtin_ia32_pshufb256(m, (v32c)idx);
}

/* Bit k: the window starting at @q + k passes (32 of them). */
__attribute__((target("avx2,bmi2")))
static __always_inline u32 teddy32(const struct ac_filter *f, const u8 *q)
{
	v32u acc = { 0 };
	u32 k;

	for (k = 0; k < AC_TEDDY_DEPTH; k++) {
		v32u x, both;

		memcpy(&x, q + k, sizeof(x));
		both = lookup(f->teddy_lo[k], x & 0x0f) &
		       lookup(f->teddy_hi[k], (v32u)((v16w)x >> 4) & 0x0f);
		acc = k ? acc & both : both;
	}
	return ~(u32)__builtin_ia32_pmovmskb256((v32c)(acc == 0));
}

__attribute__((target("avx2,bmi2")))
u64 nfips_ac_teddy_run_avx2(const struct ac_filter *f, const u8 *p,
			    u32 nblocks, u32 *ran,
			    struct ac_filter_carry *c)
{
	const u64 low = (1ULL << TEDDY_CARRY) - 1;
	u64 m = 0, starts, held = c->w[0];
	u32 n;

	for (n = 0; n < nblocks && !m; n++, p += AC_FILTER_BLOCK) {
		starts = teddy32(f, p) | (u64)teddy32(f, p + 32) << 32;
		m = starts << TEDDY_CARRY | (~held & low);
		held = ~(starts >> (64 - TEDDY_CARRY)) & low;
	}
	c->w[0] = held;
	*ran = n;
	return m;
}

#endif /* AC_X86 */
