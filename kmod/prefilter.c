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

#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
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

/* Calibration: random patterns over random bytes, the best of a few runs. */
#define CAL_PATTERNS	64
#define CAL_PATLEN	8
#define CAL_BYTES	16384
#define CAL_ROUNDS	5

static const char *const prefilter_names[] = { "scalar", "sse2", "avx2" };

/* The calibrated choice, set once at load. */
static int nfips_prefilter_fastest __read_mostly = NFIPS_AC_SCALAR;

/* -1: the calibrated one; 0, 1, 2: that one, where the CPU has it. */
static int nfips_prefilter_param __read_mostly = -1;
module_param_named(prefilter, nfips_prefilter_param, int, 0644);
MODULE_PARM_DESC(prefilter, "Prefilter: -1 the fastest measured at load (default), 0 scalar, 1 SSE2, 2 AVX2 (where the CPU has it)");

static int prefilter_now(void)
{
	int want = READ_ONCE(nfips_prefilter_param);

	if (want < 0)
		return nfips_prefilter_fastest;
	return min(want, nfips_ac_simd_best());
}

int nfips_prefilter_begin(u32 len)
{
#ifdef CONFIG_X86_64
	int simd = prefilter_now();

	if (simd > NFIPS_AC_SCALAR && len >= NFIPS_SIMD_MIN &&
	    irq_fpu_usable()) {
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

static int cal_match(void *ctx, u32 id, u32 end)
{
	return 0;
}

/* xorshift32: the same bytes on every load, no entropy needed. */
static u32 cal_next(u32 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* Nanoseconds of one scan of @text with prefilter @simd. */
static u64 cal_time(const struct nfips_ac *ac, const u8 *text, int simd)
{
	u64 t;

#ifdef CONFIG_X86_64
	if (simd != NFIPS_AC_SCALAR)
		kernel_fpu_begin();
	else
#endif
		preempt_disable();
	t = ktime_get_ns();
	nfips_ac_scan_simd(ac, 0, text, CAL_BYTES, cal_match, NULL, simd);
	t = ktime_get_ns() - t;
#ifdef CONFIG_X86_64
	if (simd != NFIPS_AC_SCALAR)
		kernel_fpu_end();
	else
#endif
		preempt_enable();
	return t;
}

int __init nfips_prefilter_calibrate(void)
{
	struct nfips_ac_pattern *pats;
	u64 best[ARRAY_SIZE(prefilter_names)];
	int top = nfips_ac_simd_best(), s, r;
	struct nfips_ac *ac;
	u8 *text, *pbytes;
	u32 x = 0x9e3779b9, i;
	int ret = -ENOMEM;

	text = kvmalloc(CAL_BYTES + CAL_PATTERNS * CAL_PATLEN, GFP_KERNEL);
	pats = kcalloc(CAL_PATTERNS, sizeof(*pats), GFP_KERNEL);
	if (!text || !pats)
		goto out;
	for (i = 0; i < CAL_BYTES + CAL_PATTERNS * CAL_PATLEN; i++)
		text[i] = cal_next(&x);
	/* Random 8-byte patterns: rare in random bytes, so the filter runs. */
	pbytes = text + CAL_BYTES;
	for (i = 0; i < CAL_PATTERNS; i++)
		pats[i] = (struct nfips_ac_pattern){
			.bytes = pbytes + i * CAL_PATLEN, .len = CAL_PATLEN,
			.id = i,
		};
	ret = nfips_ac_build(&ac, pats, CAL_PATTERNS, NULL, NULL);
	if (ret)
		goto out;
	for (s = 0; s <= top; s++)
		best[s] = U64_MAX;
	for (r = 0; r < CAL_ROUNDS; r++) {
		for (s = 0; s <= top; s++)
			best[s] = min(best[s], cal_time(ac, text, s));
		cond_resched();
	}
	nfips_ac_free(ac);
	/* Ties go to the narrower one: no vector state to save. */
	for (s = 1; s <= top; s++)
		if (best[s] < best[nfips_prefilter_fastest])
			nfips_prefilter_fastest = s;
	pr_info("prefilter %s (ns per %u bytes: scalar %llu, sse2 %llu, avx2 %llu)\n",
		prefilter_names[nfips_prefilter_fastest], CAL_BYTES, best[0],
		top >= NFIPS_AC_SSE2 ? best[NFIPS_AC_SSE2] : 0,
		top >= NFIPS_AC_AVX2 ? best[NFIPS_AC_AVX2] : 0);
out:
	kfree(pats);
	kvfree(text);
	return ret;
}
