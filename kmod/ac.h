/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multi-pattern matcher (Aho-Corasick), shared by nfips.ko and userspace.
 *
 * Build once from a pattern set in process context, then scan any number of
 * buffers concurrently: the automaton is immutable after nfips_ac_build().
 * Scanning is streaming: the state returned by one call continues the match
 * in the next one, so a packet can be fed fragment by fragment and a flow
 * packet by packet.
 */
#ifndef _NFIPS_AC_H
#define _NFIPS_AC_H

#include "ac_shim.h"

#define NFIPS_AC_MAX_LEN	255
#define NFIPS_AC_NOCASE		0x1	/* ASCII case-insensitive */

/*
 * NFIPS_AC_NOCASE's fold: ASCII letters only, as Suricata's u8_tolower().
 * Never the kernel's tolower(), which also folds Latin-1 (0xc0-0xde): a
 * nocase pattern would match bytes Suricata and the daemon do not.
 */
static inline u8 nfips_ac_fold(u8 b)
{
	return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
}

struct nfips_ac_pattern {
	const u8 *bytes;
	u32 len;	/* 1..NFIPS_AC_MAX_LEN */
	u32 flags;	/* NFIPS_AC_* */
	u32 id;		/* reported on match; need not be unique */
};

/*
 * Exceeding any limit fails the build; zero means "no limit". @max_bytes
 * bounds the automaton built, @max_build_bytes what building it may take
 * at its peak: it bounds the states before anything is allocated, at
 * nfips_ac_build_bytes() per state.
 */
struct nfips_ac_limits {
	u32 max_patterns;
	u32 max_states;
	size_t max_bytes;
	size_t max_build_bytes;
};

/* Scan state: 0 is the start of a stream. Opaque otherwise. */
typedef u64 nfips_ac_state;

/*
 * Called for every occurrence of every pattern, in order of end offset.
 * @end is the offset just past the last byte of the match within the
 * buffer given to nfips_ac_scan() (the match may have started in an
 * earlier buffer of the same stream). Return nonzero to stop the scan.
 */
typedef int (*nfips_ac_match_fn)(void *ctx, u32 id, u32 end);

struct nfips_ac;

/*
 * Returns 0 and the automaton in @out, or a negative errno:
 * -EINVAL a pattern is empty, too long or has unknown flags,
 * -E2BIG more patterns, -ENOSPC more states, -EFBIG more memory than
 * allowed by @lim, -ENOMEM allocation failure, -EINTR a fatal signal
 * (kernel only: checked as often as the build yields the CPU). On a
 * pattern error
 * @bad (if not NULL) receives the index of the offending pattern.
 * The result depends only on the patterns, in the order given.
 */
int nfips_ac_build(struct nfips_ac **out, const struct nfips_ac_pattern *pats,
		   u32 npats, const struct nfips_ac_limits *lim, u32 *bad);
void nfips_ac_free(struct nfips_ac *ac);

/*
 * At most what building an automaton of @states states takes at its
 * peak, the automaton included (the states are at most the patterns'
 * total length plus one).
 */
size_t nfips_ac_build_bytes(u64 states);

/* Bytes of memory held by the automaton (what scanning touches). */
size_t nfips_ac_mem(const struct nfips_ac *ac);
u32 nfips_ac_states(const struct nfips_ac *ac);
const char *nfips_ac_strerror(int err);

/*
 * Scans @len bytes continuing from @st. Returns the state after the last
 * byte consumed; if @fn asked to stop, that is the byte ending the match
 * that stopped it and the rest of @buf is not consumed.
 */
nfips_ac_state nfips_ac_scan(const struct nfips_ac *ac, nfips_ac_state st,
			     const u8 *buf, u32 len,
			     nfips_ac_match_fn fn, void *ctx);

/*
 * Instruction sets the prefilter can use; every one gives the same results.
 * nfips_ac_scan() uses the fastest the CPU has in userspace and the scalar
 * code in the kernel, where vector registers need kernel_fpu_begin():
 * there the caller that holds them says so with nfips_ac_scan_simd().
 */
#define NFIPS_AC_SCALAR		0
#define NFIPS_AC_SSE2		1	/* 128-bit shift-or (x86-64) */
#define NFIPS_AC_AVX2		2	/* both lanes in one 256-bit register */

/* The best of the above this CPU (and its kernel) supports. */
int nfips_ac_simd_best(void);
/*
 * The one of them that scans fastest here, each timed over the same bytes
 * (as lib/raid6 picks its algorithm): the widest on hardware, the scalar
 * code on an emulated CPU (QEMU TCG), where vector instructions cost many
 * scalar ones. One whose matches differ from the scalar code's is never
 * chosen. Nanoseconds per run in @ns[0..NFIPS_AC_AVX2] if given (0: not
 * run, ~0: wrong matches). Process context; the scalar code if it cannot
 * allocate.
 */
int nfips_ac_simd_fastest(u64 *ns);
/* nfips_ac_scan() with @simd, which must be supported (and usable). */
nfips_ac_state nfips_ac_scan_simd(const struct nfips_ac *ac, nfips_ac_state st,
				  const u8 *buf, u32 len,
				  nfips_ac_match_fn fn, void *ctx, int simd);

#endif /* _NFIPS_AC_H */
