// SPDX-License-Identifier: GPL-2.0
/*
 * The prefilter's scan (nfips_ac_filter_next_scalar() in ac_filter.c) with
 * SSE2: a table entry's two 64-bit lanes (sixteen buckets) are one 128-bit
 * load, and both lanes' shift-or is one instruction each (psllq, por), as
 * in Hyperscan's FDR. Same table, same positions as the scalar reference
 * (selftests/unit/ac_test.c checks it on every input).
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

#define DEPTH	8	/* offsets a bucket tests, as in ac_filter.c */
#define DMASK	((1U << AC_FILTER_BITS) - 1)

__attribute__((target("sse2")))
static inline v2u entry(const u64 *t, u32 d)
{
	v2u e;

	memcpy(&e, t + AC_FILTER_LANES * d, sizeof(e));
	return e;
}

/* Whether some bucket passes: a lane's top byte is not all ones. */
__attribute__((target("sse2")))
static inline bool passes(v2u s)
{
	const v16b ones = (v16b)(v2u){ ~0ULL, ~0ULL };

	return (__builtin_ia32_pmovmskb128((v16b)s == ones) & 0x8080) != 0x8080;
}

__attribute__((target("sse2")))
u32 nfips_ac_filter_next_sse2(const struct ac_filter *f, const u8 *buf,
			      u32 from, u32 len)
{
	const u64 *t = f->table;
	v2u s = { 0, 0 };
	u32 j;

	if (len - from < AC_FILTER_SPAN)
		return from;
	for (j = from; j < from + DEPTH - 1; j++)
		s = s << 8 | entry(t, (buf[j] | buf[j + 1] << 8) & DMASK);
	for (; j + 4 <= len; j += 2) {
		u32 x = ac_load_le32(buf + j);
		v2u s1 = s << 8 | entry(t, x & DMASK);
		v2u s2 = s1 << 8 | entry(t, x >> 8 & DMASK);

		if (unlikely(passes(s1 & s2)))
			return j - (DEPTH - 1) + !passes(s1);
		s = s2;
	}
	for (; j + 1 < len; j++) {
		s = s << 8 | entry(t, (buf[j] | buf[j + 1] << 8) & DMASK);
		if (passes(s))
			return j - (DEPTH - 1);
	}
	return j - (DEPTH - 1);
}

#endif /* AC_X86 */
