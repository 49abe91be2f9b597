/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few things the matcher needs that differ between the kernel and
 * libc. Everything else in ac.c is plain C shared by both builds.
 */
#ifndef _NFIPS_AC_SHIM_H
#define _NFIPS_AC_SHIM_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>

/*
 * Builds run in process context on behalf of a namespace, under its
 * control lock: large (vmalloc allowed), charged to the caller's memory
 * cgroup, without a warning when refused (the size comes from a user),
 * and abandoned with -EINTR as soon as the caller is being killed.
 */
#define AC_GFP			(GFP_KERNEL_ACCOUNT | __GFP_NOWARN)
#define ac_alloc(n)		kvmalloc(n, AC_GFP)
#define ac_zalloc(n)		kvzalloc(n, AC_GFP)
#define ac_free(p)		kvfree(p)

static inline int ac_yield(void)
{
	cond_resched();
	return fatal_signal_pending(current) ? -EINTR : 0;
}

#define ac_load_le16(p)		get_unaligned_le16(p)
#define ac_load_le64(p)		get_unaligned_le64(p)
#define ac_popcount64(x)	hweight64(x)

/*
 * Vector registers only between kernel_fpu_begin() and kernel_fpu_end():
 * nfips_ac_scan() stays scalar, the caller that holds them asks for more.
 */
#define AC_SIMD_DEFAULT		0
#ifdef CONFIG_X86_64
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#define AC_X86			1
#define ac_cpu_sse2()		boot_cpu_has(X86_FEATURE_XMM2)
/*
 * The CPU has AVX2 (and BMI2, which the AVX2 blocks use to index the
 * table) and the kernel saves the YMM state it needs.
 */
#define ac_cpu_avx2()		(boot_cpu_has(X86_FEATURE_AVX2) &&	\
				 boot_cpu_has(X86_FEATURE_BMI2) &&	\
				 cpu_has_xfeatures(XFEATURE_MASK_SSE |	\
						   XFEATURE_MASK_YMM, NULL))
#else
#define ac_cpu_sse2()		false
#define ac_cpu_avx2()		false
#endif

#include <linux/ktime.h>
#define ac_now_ns()		ktime_get_ns()

/* Around a timed scan (nfips_ac_simd_fastest()): the CPU to ourselves. */
static inline void ac_vector_begin(int simd)
{
#ifdef CONFIG_X86_64
	if (simd) {
		kernel_fpu_begin();
		return;
	}
#endif
	preempt_disable();
}

static inline void ac_vector_end(int simd)
{
#ifdef CONFIG_X86_64
	if (simd) {
		kernel_fpu_end();
		return;
	}
#endif
	preempt_enable();
}
#else
#include <assert.h>	/* static_assert, as the kernel's <linux/build_bug.h> */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>	/* and, through <sys/cdefs.h>, __always_inline */
#include <time.h>

/* The kernel's names, for the very types of <stdint.h> (uint8_t...). */
typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef signed char s8;
typedef long long s64;	/* as the kernel's, what vector builtins take */

#define ac_alloc(n)		malloc(n)
#define ac_zalloc(n)		calloc(1, n)
#define ac_free(p)		free(p)
static inline int ac_yield(void)
{
	return 0;
}

/* Unaligned little-endian loads, as the kernel's get_unaligned_le*(). */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define AC_LE(v, bits)	__builtin_bswap##bits(v)
#else
#define AC_LE(v, bits)	(v)
#endif

static inline u16 ac_load_le16(const void *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return AC_LE(v, 16);
}

static inline u64 ac_load_le64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return AC_LE(v, 64);
}

#define ac_popcount64(x)	((u32)__builtin_popcountll(x))

/* In userspace the vector registers are always there to use. */
#define AC_SIMD_DEFAULT		1
#if defined(__x86_64__)
#define AC_X86			1
#define ac_cpu_sse2()		true	/* in every x86-64 CPU */
/*
 * libgcc checks the CPU's AVX2 (and BMI2, as in the kernel) and that the
 * OS saves the YMM state.
 */
#define ac_cpu_avx2()		(__builtin_cpu_supports("avx2") &&	\
				 __builtin_cpu_supports("bmi2"))
#else
#define ac_cpu_sse2()		false
#define ac_cpu_avx2()		false
#endif

static inline u64 ac_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (u64)t.tv_sec * 1000000000 + (u64)t.tv_nsec;
}

static inline void ac_vector_begin(int simd)
{
	(void)simd;
}

static inline void ac_vector_end(int simd)
{
	(void)simd;
}

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#endif

#endif /* _NFIPS_AC_SHIM_H */
