// SPDX-License-Identifier: GPL-2.0
/*
 * nfips: which of the matcher's prefilters (kmod/ac_filter.c, ac_simd.c)
 * the kernel scans with. As lib/raid6 picks its algorithm, the module
 * times each prefilter this CPU has on the same bytes when it loads and
 * keeps the fastest: the widest on hardware, the scalar one on an
 * emulated CPU (QEMU TCG, where vector instructions cost many scalar
 * ones). The prefilter parameter overrides the choice.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#ifdef CONFIG_X86_64
#include <asm/fpu/api.h>
#endif
#include "nfips.h"
#include "prefilter.h"

/*
 * Payloads of at least this many bytes may be scanned with a vector
 * prefilter, between kernel_fpu_begin() and kernel_fpu_end(): below, what
 * it saves does not pay for saving a user task's vector registers
 * (Documentation/matcher.rst, "In the kernel", has the measurement).
 */
#define NFIPS_SIMD_MIN	512

static const char *const prefilter_names[] = { "scalar", "sse2", "avx2" };

/* The measured choice, and the prefilters found exact, set once at load. */
static int nfips_prefilter_fastest __read_mostly = NFIPS_AC_SCALAR;
static unsigned int nfips_prefilter_exact __read_mostly = 1U << NFIPS_AC_SCALAR;

/* -1: the calibrated one; 0, 1, 2: that one, where the CPU has it. */
static int nfips_prefilter_param __read_mostly = -1;
module_param_named(prefilter, nfips_prefilter_param, int, 0644);
MODULE_PARM_DESC(prefilter, "Prefilter: -1 the fastest measured at load (default), 0 scalar, 1 SSE2, 2 AVX2 (where the CPU has it and it was found exact)");

/* The parameter's choice, never one found inexact at load. */
static int prefilter_now(void)
{
	int want = READ_ONCE(nfips_prefilter_param);

	if (want < 0)
		return nfips_prefilter_fastest;
	for (want = min(want, nfips_ac_simd_best()); want > 0; want--)
		if (nfips_prefilter_exact & (1U << want))
			break;
	return want;
}

int nfips_prefilter_begin(u32 len)
{
#ifdef CONFIG_X86_64
	int simd;

	/* Length first: most packets are short, and the rest are calls. */
	if (len < NFIPS_SIMD_MIN)
		return NFIPS_AC_SCALAR;
	simd = prefilter_now();
	if (simd > NFIPS_AC_SCALAR && irq_fpu_usable()) {
		kernel_fpu_begin();
		return simd;
	}
#endif
	return NFIPS_AC_SCALAR;
}

void nfips_prefilter_end(int simd)
{
#ifdef CONFIG_X86_64
	if (simd != NFIPS_AC_SCALAR)
		kernel_fpu_end();
#endif
}

void __init nfips_prefilter_calibrate(void)
{
	u64 ns[NFIPS_AC_AVX2 + 1] = { 0 };
	int s, top = nfips_ac_simd_best();

	nfips_prefilter_fastest = nfips_ac_simd_fastest(ns);
	for (s = 0; s <= top; s++) {
		if (ns[s] == ~0ULL) {
			pr_warn("prefilter %s found other matches than the scalar code: not used\n",
				prefilter_names[s]);
			continue;
		}
		if (ns[s])
			nfips_prefilter_exact |= 1U << s;
		pr_info("prefilter %s: %llu ns per 16 KiB\n",
			prefilter_names[s], ns[s]);
	}
	pr_info("prefilter %s\n", prefilter_names[nfips_prefilter_fastest]);
}
