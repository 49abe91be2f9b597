// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: builds an automaton from fuzzer-chosen patterns, scans
 * fuzzer-chosen text cut at fuzzer-chosen points, and aborts on any
 * difference from the naive oracle.
 *
 * Input: [npat] then npat x ([len | nocase<<7 in one byte] [len bytes]),
 * then [ncut] ncut x [cut byte], then the text.
 */
#include <stdio.h>
#include "ac.h"
#include "ac_oracle.h"

#define MAX_PATS 64

struct input {
	const u8 *d;
	size_t n;
};

static int take(struct input *in, size_t k, const u8 **out)
{
	if (in->n < k)
		return 0;
	*out = in->d;
	in->d += k;
	in->n -= k;
	return 1;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct nfips_ac_pattern pats[MAX_PATS];
	struct input in = { data, size };
	struct hits want = { 0 }, got = { 0 };
	struct nfips_ac *ac;
	u32 np, ncut, cuts[16], i, len;
	int m;
	const u8 *b;

	if (!take(&in, 1, &b))
		return 0;
	np = *b % MAX_PATS;
	for (i = 0; i < np; i++) {
		if (!take(&in, 1, &b))
			return 0;
		/* 0..127 bytes, so that length 0 (an error) is exercised too */
		pats[i].len = *b & 0x7f;
		pats[i].flags = *b >> 7 ? NFIPS_AC_NOCASE : 0;
		pats[i].id = i;
		if (!take(&in, pats[i].len, &pats[i].bytes))
			return 0;
	}
	if (!take(&in, 1, &b))
		return 0;
	ncut = *b % 16;
	for (i = 0; i < ncut; i++) {
		if (!take(&in, 1, &b))
			return 0;
		cuts[i] = *b;
	}
	len = in.n > 4096 ? 4096 : in.n;

	for (i = 0; i < np && pats[i].len; i++)
		;
	if (nfips_ac_build(&ac, pats, np, NULL, NULL)) {
		if (i == np)	/* every pattern valid: the build must work */
			abort();
		return 0;
	}
	if (i != np)
		abort();	/* an empty pattern was accepted */

	oracle_scan(pats, np, in.d, len, &want);
	/* Every prefilter: the scalar reference and each one the CPU has. */
	for (m = 0; m <= nfips_ac_simd_best(); m++) {
		nfips_ac_state st = 0;
		u32 prev = 0;

		for (i = 0; i <= ncut; i++) {
			u32 to = i < ncut ? prev + cuts[i] : len;

			if (to > len)
				to = len;
			got.base = prev;
			st = nfips_ac_scan_simd(ac, st, in.d + prev, to - prev,
						hits_record, &got,
						m);
			prev = to;
		}
		if (got.out_of_order || !hits_equal(&want, &got)) {
			fprintf(stderr, "mismatch: prefilter %d: oracle %zu hits, matcher %zu\n",
				m, want.n, got.n);
			abort();
		}
		hits_reset(&got);
	}
	nfips_ac_free(ac);
	hits_reset(&want);
	hits_reset(&got);
	return 0;
}
