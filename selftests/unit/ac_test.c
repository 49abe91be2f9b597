// SPDX-License-Identifier: GPL-2.0
/*
 * Matcher unit tests: every result is compared with the naive oracle of
 * ac_oracle.h, over fixed-seed random and adversarial pattern sets.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ac.h"
#include "ac_filter.h"
#include "ac_oracle.h"
#include "tap.h"

struct rng {
	u64 s;
};

static u32 rnd(struct rng *r)
{
	/* xorshift64*: fixed seeds make every failure reproducible */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (u32)((r->s * 2685821657736338717ULL) >> 32);
}

struct pset {
	struct nfips_ac_pattern *p;
	u8 *bytes;	/* backing store of all patterns */
	u32 n;
};

static void pset_free(struct pset *s)
{
	free(s->p);
	free(s->bytes);
	memset(s, 0, sizeof(*s));
}

/* Random set: lengths in [minlen, maxlen], bytes from an alphabet. */
static void pset_random(struct pset *s, struct rng *r, u32 n, u32 minlen,
			u32 maxlen, const u8 *alpha, u32 nalpha, int nocase_pct)
{
	u32 i, k;

	s->n = n;
	s->p = calloc(n, sizeof(*s->p));
	s->bytes = malloc((size_t)n * maxlen);
	for (i = 0; i < n; i++) {
		u8 *b = s->bytes + (size_t)i * maxlen;

		s->p[i].len = minlen + rnd(r) % (maxlen - minlen + 1);
		for (k = 0; k < s->p[i].len; k++)
			b[k] = alpha[rnd(r) % nalpha];
		s->p[i].bytes = b;
		s->p[i].flags = (int)(rnd(r) % 100) < nocase_pct ?
				NFIPS_AC_NOCASE : 0;
		s->p[i].id = i;
	}
}

/*
 * Text that contains the patterns often: random alphabet bytes with
 * copies of patterns (case flipped at random) spliced in.
 */
static u8 *text_random(struct rng *r, const struct pset *s, u32 len,
		       const u8 *alpha, u32 nalpha)
{
	u8 *t = malloc(len ? len : 1);
	u32 i = 0, k;

	while (i < len) {
		if (s->n && rnd(r) % 4 == 0) {
			const struct nfips_ac_pattern *p = &s->p[rnd(r) % s->n];

			for (k = 0; k < p->len && i < len; k++, i++) {
				u8 c = p->bytes[k];

				if (rnd(r) % 3 == 0 && ((c | 0x20) >= 'a' &&
							(c | 0x20) <= 'z'))
					c ^= 0x20;
				t[i] = c;
			}
		} else {
			t[i++] = alpha[rnd(r) % nalpha];
		}
	}
	return t;
}

/*
 * The prefilter's code paths, NFIPS_AC_SCALAR (0) .. nsimd() - 1: the
 * scalar reference and every vector one the CPU has (each instruction set
 * below the best is there too).
 */
static int nsimd(void)
{
	return nfips_ac_simd_best() + 1;
}

/* Scans @t cut at the given points (sorted, within len). */
static void scan_split(const struct nfips_ac *ac, const u8 *t, u32 len,
		       const u32 *cuts, u32 ncuts, struct hits *h, int simd)
{
	nfips_ac_state st = 0;
	u32 prev = 0, i;

	for (i = 0; i <= ncuts; i++) {
		u32 to = i < ncuts ? cuts[i] : len;

		h->base = prev;
		st = nfips_ac_scan_simd(ac, st, t + prev, to - prev, hits_record,
					h, simd);
		prev = to;
	}
}

/*
 * One build, one text: the whole scan and a random split both equal the
 * oracle, with the scalar prefilter and with the vector one.
 */
static int check_case(const struct pset *s, const u8 *t, u32 len,
		      struct rng *r, const char *what)
{
	struct hits want = { 0 }, got = { 0 }, split = { 0 };
	struct nfips_ac *ac;
	u32 cuts[8], ncuts, i;
	int ret, ok = 1, m;

	ret = nfips_ac_build(&ac, s->p, s->n, NULL, NULL);
	if (ret) {
		tap_diag("%s: build failed: %s", what, nfips_ac_strerror(ret));
		return 0;
	}
	oracle_scan(s->p, s->n, t, len, &want);
	ncuts = len ? rnd(r) % 8 : 0;
	for (i = 0; i < ncuts; i++)
		cuts[i] = rnd(r) % (len + 1);
	for (i = 1; i < ncuts; i++) {	/* insertion sort */
		u32 v = cuts[i], j = i;

		for (; j && cuts[j - 1] > v; j--)
			cuts[j] = cuts[j - 1];
		cuts[j] = v;
	}
	for (m = 0; m < nsimd(); m++) {
		scan_split(ac, t, len, NULL, 0, &got, m);
		scan_split(ac, t, len, cuts, ncuts, &split, m);
		if (got.out_of_order || split.out_of_order ||
		    !hits_equal(&want, &got) || !hits_equal(&want, &split)) {
			tap_diag("%s: prefilter %d: oracle %zu hits, scan %zu, split scan %zu",
				 what, m, want.n, got.n, split.n);
			ok = 0;
		}
		hits_reset(&got);
		hits_reset(&split);
	}
	nfips_ac_free(ac);
	hits_reset(&want);
	return ok;
}

static const u8 lower_ab[] = "ab";
static const u8 mixed[] = "abcABC.\0\xff";

static void test_random(struct tap *tap)
{
	static const struct {
		const char *name;
		u32 cases, npat, minlen, maxlen, textlen, nalpha;
		const u8 *alpha;
		int nocase_pct;
	} kinds[] = {
		{ "small alphabet, dense overlaps", 200, 20, 1, 8, 400, 2,
		  lower_ab, 0 },
		{ "mixed case and binary bytes", 200, 30, 1, 12, 600, 9,
		  mixed, 50 },
		{ "nocase only", 100, 40, 1, 10, 500, 6, mixed, 100 },
		{ "full byte range", 50, 200, 1, 40, 4000, 0, NULL, 30 },
		/* enough states to push deep ones out of the dense table */
		{ "large set, sparse states", 6, 4000, 20, 80, 60000, 0,
		  NULL, 40 },
	};
	u8 all[256];
	u32 k, c, i;

	for (i = 0; i < 256; i++)
		all[i] = i;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const u8 *alpha = kinds[k].alpha ? kinds[k].alpha : all;
		u32 nalpha = kinds[k].alpha ? kinds[k].nalpha : 256;
		u32 bad = 0;

		for (c = 0; c < kinds[k].cases; c++) {
			struct rng r = { 0x9e3779b97f4a7c15ULL ^ (k << 16 | c) };
			struct pset s;
			u8 *t;

			pset_random(&s, &r, 1 + rnd(&r) % kinds[k].npat,
				    kinds[k].minlen, kinds[k].maxlen, alpha,
				    nalpha, kinds[k].nocase_pct);
			t = text_random(&r, &s, kinds[k].textlen, alpha, nalpha);
			if (!check_case(&s, t, kinds[k].textlen, &r,
					kinds[k].name)) {
				tap_diag("failing case: kind %u seed %u", k, c);
				bad++;
			}
			free(t);
			pset_free(&s);
		}
		tap_ok(tap, !bad, "random: %s (%u cases)", kinds[k].name,
		       kinds[k].cases);
	}
}

/* Patterns given as C strings (no NUL inside), all case-sensitive. */
static void pset_strings(struct pset *s, const char *const *str, u32 n,
			 u32 flags)
{
	u32 i;

	s->n = n;
	s->p = calloc(n, sizeof(*s->p));
	s->bytes = NULL;
	for (i = 0; i < n; i++) {
		s->p[i].bytes = (const u8 *)str[i];
		s->p[i].len = strlen(str[i]);
		s->p[i].flags = flags;
		s->p[i].id = i;
	}
}

static void test_adversarial(struct tap *tap)
{
	static const char *const nested[] = {
		"a", "ab", "abc", "abcd", "bcd", "cd", "d", "bc", "b", "c",
		"abcdabcd", "dab", "cdab",
	};
	static const char *const dups[] = { "he", "she", "his", "hers", "he",
					    "she", "e" };
	struct rng r = { 42 };
	struct pset s;
	u8 *t, all[256], text[2048];
	u32 i, len;
	int ok;

	pset_strings(&s, nested, 13, 0);
	t = text_random(&r, &s, 3000, (const u8 *)"abcd", 4);
	tap_ok(tap, check_case(&s, t, 3000, &r, "nested"),
	       "prefixes, suffixes and substrings of each other");
	free(t);
	pset_free(&s);

	pset_strings(&s, dups, 7, 0);
	len = sprintf((char *)text, "ushers, his hers, she said: he, she!");
	tap_ok(tap, check_case(&s, text, len, &r, "dups"),
	       "duplicate patterns with different ids all report");
	pset_free(&s);

	/* Every byte value as a one-byte pattern, text of every byte value. */
	for (i = 0; i < 256; i++)
		all[i] = i;
	s.n = 256;
	s.p = calloc(256, sizeof(*s.p));
	s.bytes = NULL;
	for (i = 0; i < 256; i++) {
		s.p[i].bytes = &all[i];
		s.p[i].len = 1;
		s.p[i].id = i;
	}
	for (i = 0; i < sizeof(text); i++)
		text[i] = (u8)(i * 7);
	ok = check_case(&s, text, sizeof(text), &r, "bytes");
	for (i = 0; i < 256; i++)
		s.p[i].flags = NFIPS_AC_NOCASE;
	ok &= check_case(&s, text, sizeof(text), &r, "bytes nocase");
	tap_ok(tap, ok, "all 256 byte values as single-byte patterns");
	pset_free(&s);

	/* a, aa, ..., a^255 on a long run of a: quadratic output, all of it. */
	s.n = 255;
	s.p = calloc(255, sizeof(*s.p));
	s.bytes = malloc(255);
	memset(s.bytes, 'a', 255);
	for (i = 0; i < 255; i++) {
		s.p[i].bytes = s.bytes;
		s.p[i].len = i + 1;
		s.p[i].id = 1000 + i;
		s.p[i].flags = i % 2 ? NFIPS_AC_NOCASE : 0;
	}
	memset(text, 'a', 700);
	memset(text + 300, 'A', 20);
	ok = check_case(&s, text, 700, &r, "repeats");
	tap_ok(tap, ok, "long repeats: a..a^255 over a run of 700");
	pset_free(&s);

	/* NUL bytes inside patterns and text. */
	{
		static const u8 p0[] = { 0, 0, 1 }, p1[] = { 0 },
				 p2[] = { 'x', 0, 'Y' };
		struct nfips_ac_pattern p[] = {
			{ p0, 3, 0, 1 }, { p1, 1, 0, 2 },
			{ p2, 3, NFIPS_AC_NOCASE, 3 },
		};
		static const u8 tx[] = { 0, 0, 0, 1, 'X', 0, 'y', 0, 'x', 0,
					 'Y', 0, 0, 1 };

		s.n = 3;
		s.p = p;
		tap_ok(tap, check_case(&s, tx, sizeof(tx), &r, "nul"),
		       "NUL bytes in patterns and text");
	}
}

static void test_case_folding(struct tap *tap)
{
	const struct nfips_ac_pattern p[] = {
		{ (const u8 *)"Select", 6, 0, 1 },
		{ (const u8 *)"select", 6, NFIPS_AC_NOCASE, 2 },
		{ (const u8 *)"SELECT", 6, 0, 3 },
		{ (const u8 *)"union sELect", 12, NFIPS_AC_NOCASE, 4 },
		{ (const u8 *)"[", 1, NFIPS_AC_NOCASE, 5 }, /* '[' is 'A'-'a' */
		{ (const u8 *)"{", 1, 0, 6 },
	};
	const char *text = "UNION SELECT select Select sElEcT [{ {";
	struct hits h = { 0 };
	struct nfips_ac *ac;
	u32 want[7] = { 0 }, got[7] = { 0 };
	size_t i;
	int ret;

	ret = nfips_ac_build(&ac, p, 6, NULL, NULL);
	if (ret) {
		tap_ok(tap, 0, "case folding (build: %s)", nfips_ac_strerror(ret));
		return;
	}
	nfips_ac_scan(ac, 0, (const u8 *)text, strlen(text), hits_record, &h);
	for (i = 0; i < h.n; i++)
		got[h.v[i].id]++;
	/* by hand: Select x1, select-nocase x4, SELECT x1, union x1, [ x1, { x2 */
	want[1] = 1, want[2] = 4, want[3] = 1, want[4] = 1, want[5] = 1;
	want[6] = 2;
	tap_ok(tap, !memcmp(want, got, sizeof(want)),
	       "case folding: only ASCII letters fold, exact patterns stay exact");
	hits_reset(&h);
	nfips_ac_free(ac);
}

/* Every split point, and byte by byte, equals one scan. */
static void test_split_points(struct tap *tap)
{
	struct rng r = { 7 };
	struct pset s;
	struct hits one = { 0 }, two = { 0 };
	struct nfips_ac *ac;
	u32 len = 300, cut, bad = 0;
	int m;
	u8 *t;

	pset_random(&s, &r, 60, 1, 30, mixed, 9, 50);
	t = text_random(&r, &s, len, mixed, 9);
	if (nfips_ac_build(&ac, s.p, s.n, NULL, NULL)) {
		tap_ok(tap, 0, "every split point: build failed");
		return;
	}
	scan_split(ac, t, len, NULL, 0, &one, NFIPS_AC_SCALAR);
	for (m = 0; m < nsimd(); m++) {
		u32 cuts[299], i;

		for (cut = 0; cut <= len; cut++) {
			scan_split(ac, t, len, &cut, 1, &two, m);
			bad += !hits_equal(&one, &two);
			hits_reset(&two);
		}
		for (i = 0; i < 299; i++)
			cuts[i] = i + 1;
		scan_split(ac, t, len, cuts, 299, &two, m);
		bad += !hits_equal(&one, &two);
		hits_reset(&two);
	}
	tap_ok(tap, !bad && one.n > 50,
	       "every split point and byte-by-byte give the same %zu matches, both prefilters",
	       one.n);
	hits_reset(&one);
	nfips_ac_free(ac);
	free(t);
	pset_free(&s);
}

static void test_stop_and_empty(struct tap *tap)
{
	const struct nfips_ac_pattern p[] = {
		{ (const u8 *)"ab", 2, 0, 1 },
		{ (const u8 *)"b", 1, 0, 2 },
		{ (const u8 *)"bc", 2, 0, 3 },
	};
	struct hits h = { .stop_after = 2 };
	struct nfips_ac *ac;
	nfips_ac_state st, st2;

	if (nfips_ac_build(&ac, p, 3, NULL, NULL)) {
		tap_ok(tap, 0, "early stop: build failed");
		return;
	}
	/* "ab" ends at 2 with ids 1 and 2: stop after both, never see bc. */
	nfips_ac_scan(ac, 0, (const u8 *)"abcabc", 6, hits_record, &h);
	tap_ok(tap, h.n == 2 && h.v[1].end == 2,
	       "early stop: no callback after the one that asked to stop");
	hits_reset(&h);

	st = nfips_ac_scan(ac, 0, (const u8 *)"a", 1, hits_record, &h);
	st2 = nfips_ac_scan(ac, st, (const u8 *)"", 0, hits_record, &h);
	tap_ok(tap, st2 == st && h.n == 0, "empty input: no match, state kept");
	nfips_ac_scan(ac, st2, (const u8 *)"b", 1, hits_record, &h);
	tap_ok(tap, h.n == 2, "state carries across an empty buffer");
	hits_reset(&h);
	nfips_ac_free(ac);

	/* An automaton without patterns scans and matches nothing. */
	if (!nfips_ac_build(&ac, NULL, 0, NULL, NULL)) {
		st = nfips_ac_scan(ac, 0, (const u8 *)"abc", 3, hits_record, &h);
		tap_ok(tap, h.n == 0 && st == 0, "empty pattern set");
		nfips_ac_free(ac);
	} else {
		tap_ok(tap, 0, "empty pattern set: build failed");
	}
}

static void test_errors(struct tap *tap)
{
	u8 long_pat[256];
	struct nfips_ac_pattern p[3] = {
		{ (const u8 *)"abc", 3, 0, 1 },
		{ (const u8 *)"abd", 3, 0, 2 },
		{ long_pat, 255, 0, 3 },
	};
	struct nfips_ac *ac = (void *)1;
	u32 bad = 99, states;
	size_t mem;
	int ret;

	memset(long_pat, 'z', sizeof(long_pat));
	p[1].len = 0;
	ret = nfips_ac_build(&ac, p, 3, NULL, &bad);
	tap_ok(tap, ret == -EINVAL && bad == 1 && !ac,
	       "empty pattern rejected, index reported");
	p[1].len = 3;
	p[2].len = 256;
	ret = nfips_ac_build(&ac, p, 3, NULL, &bad);
	tap_ok(tap, ret == -EINVAL && bad == 2, "256-byte pattern rejected");
	p[2].len = 255;
	p[0].flags = 0x80;
	ret = nfips_ac_build(&ac, p, 3, NULL, &bad);
	tap_ok(tap, ret == -EINVAL && bad == 0, "unknown flag rejected");
	p[0].flags = 0;

	ret = nfips_ac_build(&ac, p, 3, NULL, NULL);
	if (ret) {
		tap_ok(tap, 0, "limits: reference build failed");
		return;
	}
	states = nfips_ac_states(ac);
	mem = nfips_ac_mem(ac);
	nfips_ac_free(ac);

	{
		/* Each limit: one below what the set needs fails, exactly it works. */
		const struct {
			const char *what;
			struct nfips_ac_limits over, at;
			int err;
		} cases[] = {
			{ "pattern", { .max_patterns = 2 }, { .max_patterns = 3 },
			  -E2BIG },
			{ "state", { .max_states = states - 1 },
			  { .max_states = states }, -ENOSPC },
			{ "memory", { .max_bytes = mem - 1 }, { .max_bytes = mem },
			  -EFBIG },
			/* Refused by the state past the bound, not by size. */
			{ "build memory",
			  { .max_build_bytes = nfips_ac_build_bytes(states - 1) },
			  { .max_build_bytes = nfips_ac_build_bytes(states) },
			  -EFBIG },
		};
		size_t i;

		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			ret = nfips_ac_build(&ac, p, 3, &cases[i].over, NULL);
			tap_ok(tap, ret == cases[i].err && !ac,
			       "%s limit: one short rejected (%s)", cases[i].what,
			       nfips_ac_strerror(ret));
			nfips_ac_free(ac);
			ret = nfips_ac_build(&ac, p, 3, &cases[i].at, NULL);
			tap_ok(tap, !ret, "%s limit: exactly enough accepted",
			       cases[i].what);
			nfips_ac_free(ac);
		}
	}
}

/* Same input, same automaton: size, states and matches. */
static void test_deterministic(struct tap *tap)
{
	struct rng r = { 99 };
	struct pset s;
	struct nfips_ac *a, *b;
	struct hits ha = { 0 }, hb = { 0 };
	u8 *t;
	int ok;

	pset_random(&s, &r, 500, 3, 30, mixed, 9, 50);
	t = text_random(&r, &s, 5000, mixed, 9);
	if (nfips_ac_build(&a, s.p, s.n, NULL, NULL) ||
	    nfips_ac_build(&b, s.p, s.n, NULL, NULL)) {
		tap_ok(tap, 0, "deterministic build: build failed");
		return;
	}
	nfips_ac_scan(a, 0, t, 5000, hits_record, &ha);
	nfips_ac_scan(b, 0, t, 5000, hits_record, &hb);
	ok = nfips_ac_mem(a) == nfips_ac_mem(b) &&
	     nfips_ac_states(a) == nfips_ac_states(b) && ha.n == hb.n &&
	     !memcmp(ha.v, hb.v, ha.n * sizeof(*ha.v));
	tap_ok(tap, ok, "deterministic: two builds report identically");
	hits_reset(&ha);
	hits_reset(&hb);
	nfips_ac_free(a);
	nfips_ac_free(b);
	free(t);
	pset_free(&s);
}

/* Teddy's masks pass the window starting at @q of @t. */
static bool teddy_masks_pass(const struct ac_filter *f, const u8 *t, u32 q)
{
	u32 k;
	u8 b = 0xff;

	for (k = 0; k < f->teddy; k++)
		b &= f->teddy_lo[k][t[q + k] & 15] & f->teddy_hi[k][t[q + k] >> 4];
	return b;
}

/*
 * Teddy's answer from @from, computed from its masks one position at a
 * time: the first start whose first bytes pass a bucket and whose window
 * the shift-or passes (@shift_or, by start), or from which the window
 * reaches the buffer's last byte (the filter passes those).
 */
static u32 teddy_next(const struct ac_filter *f, const u8 *t, u32 from,
		      u32 len, const u8 *shift_or)
{
	u32 q;

	for (q = from; q + AC_FILTER_SPAN - 1 < len; q++)
		if (teddy_masks_pass(f, t, q) && shift_or[q])
			return q;
	return q;
}

/*
 * nfips_ac_teddy_run_avx2() one block at a time from the start of @t, as
 * far as whole blocks go, against the masks applied one start at a time
 * (the first block's carried windows, before the buffer, pass): the
 * vector code's exact verdicts. Returns the windows that differ.
 */
static u32 teddy_blocks_differ(const struct ac_filter *f, const u8 *t,
			       u32 len)
{
	u32 bad = 0;
#ifdef AC_X86
	struct ac_filter_carry carry = { { 0 } };
	u32 b, k, ran;

	for (b = 0; b + AC_FILTER_BLOCK + 2 <= len; b += AC_FILTER_BLOCK) {
		u64 m = nfips_ac_teddy_run_avx2(f, t + b, 1, &ran, &carry);

		for (k = 0; k < AC_FILTER_BLOCK; k++) {
			bool want = b + k < AC_FILTER_SPAN - 2 ||
				    teddy_masks_pass(f, t, b + k - (AC_FILTER_SPAN - 2));

			bad += want != (bool)(m >> k & 1);
		}
	}
#endif
	return bad;
}

/*
 * Whether Teddy's cursor answered @q from @from wrongly: each block is
 * Teddy's confirmed by the shift-or, or the shift-or's alone where it was
 * dense, so the answer lies between the shift-or's (@shift_or_q) and
 * teddy_next()'s, on a window the shift-or passes (or in the last bytes).
 */
static bool teddy_answer_bad(const struct ac_filter *f, const u8 *t, u32 from,
			     u32 len, u32 q, const u8 *shift_or, u32 shift_or_q)
{
	return q > teddy_next(f, t, from, len, shift_or) || q < shift_or_q ||
	       (q + AC_FILTER_SPAN - 1 < len && !shift_or[q]);
}

/* A fresh Teddy cursor's answer from @from, as teddy_answer_bad() asks. */
static bool teddy_differs(const struct ac_filter *f, const u8 *t, u32 from,
			  u32 len, int simd, const u8 *shift_or,
			  u32 shift_or_q)
{
	return teddy_answer_bad(f, t, from, len,
				nfips_ac_filter_next(f, t, from, len, simd),
				shift_or, shift_or_q);
}

/* Uses Teddy's blocks with this instruction set. */
static bool teddy_on(const struct ac_filter *f, int simd)
{
	return f->teddy && simd == NFIPS_AC_AVX2;
}

/*
 * A cursor asked from positions that only move forward, by random steps
 * (small ones within a block, large ones past what it has decided, which
 * makes it restart), answers what a fresh cursor of @ref (the shift-or's
 * filter) answers from each. With Teddy's blocks: an answer
 * teddy_answer_bad() accepts, never past the next pattern beginning
 * (@next_start, by position).
 */
static u32 cursor_differs(const struct ac_filter *f,
			  const struct ac_filter *ref, const u8 *t, u32 len,
			  int simd, struct rng *r, const u32 *next_start,
			  const u8 *shift_or)
{
	struct ac_filter_cursor c;
	u32 from = 0, bad = 0;

	nfips_ac_filter_start(&c, f, t, len, simd);
	while (from < len) {
		u32 q = nfips_ac_filter_at(&c, from);

		if (teddy_on(f, simd)) {
			bad += q > next_start[from] ||
			       teddy_answer_bad(f, t, from, len, q, shift_or,
						nfips_ac_filter_next(ref, t, from, len,
								     NFIPS_AC_SCALAR));
		} else {
			bad += q != nfips_ac_filter_next(ref, t, from, len,
							 NFIPS_AC_SCALAR);
		}
		switch (rnd(r) % 4) {
		case 0:
			break;	/* the same position again */
		case 1:
			from = q + 1;
			break;
		case 2:
			from += 1 + rnd(r) % 40;
			break;
		default:
			from += 1 + rnd(r) % 3;
		}
	}
	return bad;
}

/*
 * The prefilter itself, on random sets (short patterns and nocase among
 * them) and texts: the vector code, and the skip loop of sets of long
 * patterns, return what the scalar shift-or returns from every position
 * and through a cursor moving forward; none passes over a position where
 * the oracle finds a pattern beginning; and with long patterns over random
 * bytes it does skip most positions (a filter that passes everything
 * would leave the scan exact but slow).
 */
static void test_filter(struct tap *tap)
{
	u32 c, pos, len = 3000, differ = 0, missed = 0, sets = 0, cursed = 0;
	u32 teddysets = 0, teddydiff = 0, teddymissed = 0, teddyvec = 0;
	u32 *next_start;
	u8 *shift_or;
	u32 skipsets = 0, skipdiff = 0, badskip = 0, firstsets = 0;
	int m;
	u64 skipped = 0, tested = 0;
	u8 all[256];

	for (c = 0; c < 256; c++)
		all[c] = c;
	for (c = 0; c < 60; c++) {
		struct rng r = { 0x5eed0000ULL + c };
		struct hits want = { 0 };
		struct ac_filter f, ref;
		struct pset s;
		size_t mem = 0;
		bool longs = c % 3 == 0, mid = c % 3 == 1;
		u8 *t;
		u32 i;

		/*
		 * mid: few patterns of 3-6 bytes, the skip loop's sets, the
		 * first of them (c % 5 of them) cut to 1 or 2 bytes
		 */
		pset_random(&s, &r, 1 + rnd(&r) % (mid ? 40 : 300),
			    longs ? 6 : mid ? 3 + c % 4 : 1, longs ? 20 : 12,
			    c % 2 ? mixed : all, c % 2 ? 9 : 256, c % 4 * 33);
		for (i = 0; mid && i < c % 5 && i < s.n; i++)
			s.p[i].len = 1 + i % 2;
		t = text_random(&r, &s, len, c % 2 ? mixed : all,
				c % 2 ? 9 : 256);
		if (longs)	/* random bytes, no pattern spliced in */
			for (i = 0; i < len; i++)
				t[i] = rnd(&r);
		if (nfips_ac_filter_build(&f, s.p, s.n, &mem) || !f.table) {
			nfips_ac_filter_free(&f);
			pset_free(&s);
			free(t);
			continue;
		}
		sets++;
		skipsets += !!f.shift;
		firstsets += f.shift && f.nfirst;
		badskip += f.shift && f.skip_len < AC_SKIP_MIN;
		ref = f;
		ref.shift = NULL;
		ref.teddy = 0;	/* the shift-or's blocks in every instruction set */
		teddysets += teddy_on(&f, nsimd() - 1);
		if (teddy_on(&f, nsimd() - 1))
			teddyvec += teddy_blocks_differ(&f, t, len);
		/* the shift-or's verdict on each window: a fresh cursor's */
		shift_or = malloc(len);
		for (pos = 0; pos < len; pos++)
			shift_or[pos] = nfips_ac_filter_next(&ref, t, pos, len,
							     NFIPS_AC_SCALAR) == pos;
		oracle_scan(s.p, s.n, t, len, &want);
		for (pos = 0; pos < len; pos++) {
			u32 q = nfips_ac_filter_next(&ref, t, pos, len,
						     NFIPS_AC_SCALAR);

			skipdiff += q != nfips_ac_filter_next(&f, t, pos, len,
							      NFIPS_AC_SCALAR);
			for (m = 1; m < nsimd(); m++) {
				differ += q != nfips_ac_filter_next(&ref, t, pos,
								    len, m);
				if (teddy_on(&f, m))
					teddydiff += teddy_differs(&f, t, pos, len, m,
								   shift_or, q);
			}
			if (longs && pos + AC_FILTER_SPAN <= len) {
				tested++;
				skipped += q != pos;
			}
		}
		for (i = 0; i < want.n; i++) {
			u32 start = want.v[i].end - s.p[want.v[i].id].len;

			missed += nfips_ac_filter_next(&f, t, start, len,
						       NFIPS_AC_SCALAR) != start;
			if (teddy_on(&f, nsimd() - 1))
				teddymissed += nfips_ac_filter_next(&f, t, start, len,
								    NFIPS_AC_AVX2) != start;
		}
		/* Every length up to two blocks, where the padded tail is. */
		next_start = malloc((len + 1) * sizeof(*next_start));
		for (pos = 0; pos <= len; pos++)
			next_start[pos] = len;
		for (i = 0; i < want.n; i++) {
			u32 start = want.v[i].end - s.p[want.v[i].id].len;

			if (start < next_start[start])
				next_start[start] = start;
		}
		for (pos = len; pos--;)
			if (next_start[pos + 1] < next_start[pos])
				next_start[pos] = next_start[pos + 1];
		for (i = 0; i < 2 * AC_FILTER_BLOCK + 8; i++)
			cursed += cursor_differs(&f, &ref, t,
						 i <= 2 * AC_FILTER_BLOCK + 2 ?
						 i : len - i, i % nsimd(), &r,
						 next_start, shift_or);
		free(next_start);
		free(shift_or);
		hits_reset(&want);
		nfips_ac_filter_free(&f);
		pset_free(&s);
		free(t);
	}
	tap_ok(tap, sets >= 50 && !differ,
	       "prefilter: vector code (%d sets of instructions) equals the scalar code from every position (%u sets, %u differ)",
	       nsimd() - 1, sets, differ);
	tap_ok(tap, skipsets >= 10 && firstsets >= 3 && !skipdiff && !badskip,
	       "prefilter: the skip loop (%u sets, %u with short patterns) equals the shift-or from every position (%u differ, %u too short)",
	       skipsets, firstsets, skipdiff, badskip);
	/* Teddy: sets of up to AC_TEDDY_MAX patterns, where the CPU has AVX2. */
	tap_ok(tap, (nsimd() - 1 < NFIPS_AC_AVX2 || teddysets >= 10) && !teddyvec &&
	       !teddydiff && !teddymissed,
	       "prefilter: Teddy's blocks (%u sets) decide as its masks one start at a time (%u windows differ), its answers from every position lie between the shift-or's and the masks' confirmed by it (%u wrong), every pattern beginning passes (%u missed)",
	       teddysets, teddyvec, teddydiff, teddymissed);
	tap_ok(tap, sets >= 50 && !cursed,
	       "prefilter: a cursor moving forward answers as a fresh one, every prefilter (%u differ)",
	       cursed);
	tap_ok(tap, sets >= 50 && !missed,
	       "prefilter: no pattern beginning passed over (%u missed)",
	       missed);
	tap_ok(tap, tested && skipped * 10 > tested * 9,
	       "prefilter: long patterns over random bytes: %llu of %llu positions skipped",
	       (unsigned long long)skipped, (unsigned long long)tested);
}

/*
 * Input that makes the skip loop decide a window whole at every byte (a
 * long pattern's byte, or a short one's first byte, repeated): it gives
 * up for the shift-or, with the same answers from every position, and the
 * scan finds what the oracle finds.
 */
static void test_skip_hostile(struct tap *tap)
{
	static const char *const words[] = { "abc", "xyz$", "qwerty", "$q" };
	struct nfips_ac_pattern p[4];
	struct ac_filter f, ref;
	struct ac_filter_cursor cur;
	struct hits want = { 0 }, got = { 0 };
	struct nfips_ac *ac = NULL;
	u32 i, k, differ = 0, gaveup = 0;
	size_t mem = 0;
	u8 t[480];

	for (i = 0; i < 4; i++)
		p[i] = (struct nfips_ac_pattern){ .bytes = (const u8 *)words[i],
						  .len = strlen(words[i]),
						  .id = i };
	if (nfips_ac_filter_build(&f, p, 4, &mem) || !f.shift ||
	    nfips_ac_build(&ac, p, 4, NULL, NULL)) {
		tap_ok(tap, false, "skip loop on hostile input: no skip table");
		nfips_ac_filter_free(&f);
		nfips_ac_free(ac);
		return;
	}
	ref = f;
	ref.shift = NULL;
	for (k = 0; k < 2; k++) {
		memset(t, k ? '$' : 'c', sizeof(t));
		t[sizeof(t) / 2] = 'q';		/* one match of "$q" */
		nfips_ac_filter_start(&cur, &f, t, sizeof(t), NFIPS_AC_SCALAR);
		for (i = 0; i < sizeof(t); i++)
			differ += nfips_ac_filter_at(&cur, i) !=
				  nfips_ac_filter_next(&ref, t, i, sizeof(t),
						       NFIPS_AC_SCALAR);
		gaveup += cur.noskip;
		oracle_scan(p, 4, t, sizeof(t), &want);
		nfips_ac_scan_simd(ac, 0, t, sizeof(t), hits_record, &got,
				   NFIPS_AC_SCALAR);
		/* No hits leave both arrays NULL, which memcmp() must not get. */
		differ += want.n != got.n ||
			  (want.n && memcmp(want.v, got.v,
					    want.n * sizeof(*want.v)));
		hits_reset(&want);
		hits_reset(&got);
	}
	tap_ok(tap, gaveup == 2 && !differ,
	       "skip loop on hostile input: gave up for the shift-or %u of 2 times, %u differ",
	       gaveup, differ);
	nfips_ac_free(ac);
	nfips_ac_filter_free(&f);
}

/*
 * Input made of what Teddy's masks look at (zeros, for patterns that
 * begin with four of them): each window passes its three bytes, but none
 * that the shift-or rejects is passed (else the automaton would enter a
 * pattern's prefix of zeros and stay too deep to ask the filter again),
 * and the cursor gives Teddy up for the shift-or at the first block (a
 * quarter of its windows pass); the scan still finds what the oracle
 * finds, the two matches planted in the first block and at the end.
 */
static void test_teddy_hostile(struct tap *tap)
{
	static const u8 tails[8][4] = {
		{ 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 'a', 'b', 'c' }, { 'x', 'y', 'z', 1 },
		{ 0xff, 2, 0xfe, 3 }, { 7, 7, 7, 7 }, { 0x80, 0, 0x80, 1 }, { 'Q', 0, 0, 2 },
	};
	struct nfips_ac_pattern p[8];
	struct hits want = { 0 }, got = { 0 };
	struct ac_filter_cursor cur;
	struct nfips_ac *ac = NULL;
	struct ac_filter f;
	u8 bytes[8][8], t[4096];
	u32 i, q, late = 0;
	size_t mem = 0;

	if (nsimd() - 1 < NFIPS_AC_AVX2) {
		tap_ok(tap, true, "Teddy on hostile input: # SKIP no AVX2");
		return;
	}
	for (i = 0; i < 8; i++) {
		memset(bytes[i], 0, 4);
		memcpy(bytes[i] + 4, tails[i], 4);
		p[i] = (struct nfips_ac_pattern){ .bytes = bytes[i], .len = 8, .id = i };
	}
	memset(t, 0, sizeof(t));
	memcpy(t + 20, bytes[2], 8);
	memcpy(t + sizeof(t) - 8, bytes[5], 8);
	if (nfips_ac_filter_build(&f, p, 8, &mem) || !f.teddy ||
	    nfips_ac_build(&ac, p, 8, NULL, NULL)) {
		tap_ok(tap, false, "Teddy on hostile input: no Teddy masks");
		nfips_ac_filter_free(&f);
		nfips_ac_free(ac);
		return;
	}
	nfips_ac_filter_start(&cur, &f, t, sizeof(t), NFIPS_AC_AVX2);
	for (i = 0; i < sizeof(t); i = q + 1) {
		q = nfips_ac_filter_at(&cur, i);
		/* only the planted matches and the last bytes */
		late += q != 20 && q < sizeof(t) - AC_FILTER_SPAN;
	}
	oracle_scan(p, 8, t, sizeof(t), &want);
	nfips_ac_scan_simd(ac, 0, t, sizeof(t), hits_record, &got, NFIPS_AC_AVX2);
	tap_ok(tap, cur.noteddy && !late && want.n == 2 && want.n == got.n &&
	       !memcmp(want.v, got.v, want.n * sizeof(*want.v)),
	       "Teddy on hostile input: gave up for the shift-or (%s), %u other windows passed, %zu of %zu matches",
	       cur.noteddy ? "yes" : "no", late, got.n, want.n);
	hits_reset(&want);
	hits_reset(&got);
	nfips_ac_free(ac);
	nfips_ac_filter_free(&f);
}

/*
 * The prefilter picked by timing (the kernel's choice at load, userspace's
 * default): one the CPU has, each of those timed and found exact (the
 * same matches as the scalar code), none beyond, and the pick the fastest.
 */
static void test_fastest(struct tap *tap)
{
	u64 ns[NFIPS_AC_AVX2 + 1] = { 0 };
	int best = nfips_ac_simd_best(), s = nfips_ac_simd_fastest(ns), k;
	bool ok = s >= NFIPS_AC_SCALAR && s <= best;

	for (k = 0; k <= NFIPS_AC_AVX2; k++) {
		ok &= k <= best ? ns[k] > 0 && ns[k] != ~0ULL : ns[k] == 0;
		ok &= k > best || ns[s] <= ns[k];
	}
	tap_ok(tap, ok, "fastest prefilter %d of best %d (ns: %llu %llu %llu)", s, best,
	       (unsigned long long)ns[0], (unsigned long long)ns[1],
	       (unsigned long long)ns[2]);
}

int main(void)
{
	struct tap tap = { 0 };

	test_random(&tap);
	test_adversarial(&tap);
	test_case_folding(&tap);
	test_split_points(&tap);
	test_stop_and_empty(&tap);
	test_errors(&tap);
	test_deterministic(&tap);
	test_filter(&tap);
	test_skip_hostile(&tap);
	test_teddy_hostile(&tap);
	test_fastest(&tap);
	return tap_done(&tap);
}
