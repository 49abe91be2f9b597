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
/* 64-bit lanes of a table entry, eight buckets each. */
#define AC_FILTER_LANES	2
#define AC_FILTER_BYTES	((1U << AC_FILTER_BITS) * AC_FILTER_LANES * sizeof(u64))

struct ac_filter {
	/*
	 * By domain value, AC_FILTER_LANES words: in word w, byte k, bit b
	 * set when no pattern of bucket 8w + b has that domain value at
	 * offset k (Documentation/matcher.rst).
	 */
	u64 *table;
};

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
 * First position q >= @from where a pattern may begin, or where the filter
 * cannot tell because the buffer ends within AC_FILTER_SPAN bytes.
 * @from < @len. One function per instruction set, the same result from
 * each; the vector ones only where the CPU has them (and, in the kernel,
 * between kernel_fpu_begin() and kernel_fpu_end()).
 */
u32 nfips_ac_filter_next_scalar(const struct ac_filter *f, const u8 *buf,
				u32 from, u32 len);
#ifdef AC_X86
u32 nfips_ac_filter_next_sse2(const struct ac_filter *f, const u8 *buf,
			      u32 from, u32 len);
#endif

static inline u32 nfips_ac_filter_next(const struct ac_filter *f,
				       const u8 *buf, u32 from, u32 len,
				       int simd)
{
#ifdef AC_X86
	if (simd != NFIPS_AC_SCALAR)
		return nfips_ac_filter_next_sse2(f, buf, from, len);
#endif
	return nfips_ac_filter_next_scalar(f, buf, from, len);
}

#endif /* _NFIPS_AC_FILTER_H */
