// SPDX-License-Identifier: GPL-2.0
/*
 * simd-breakeven: from which payload length the kernel should scan with the
 * vector prefilter (kmod/match.c, NFIPS_SIMD_MIN).
 *
 *   simd-breakeven [--nocase] [--passes N] PATTERNS CORPUS
 *
 * Inputs as for mpm-bench (one hex pattern per line; records of a 4-byte
 * little-endian length and the payload). Two measurements on this CPU:
 *
 * - gain: the corpus's records by payload length, each class scanned with
 *   the scalar prefilter and with the vector one (nfips_ac_scan_simd()),
 *   the best of N passes of each in CPU time of this thread; the gain is
 *   what the vector prefilter saves per payload byte.
 * - cost: what kernel_fpu_begin() and kernel_fpu_end() cost at most around
 *   a scan that interrupted a user task: saving and restoring its vector
 *   registers (XSAVE and XRSTOR of every component XCR0 enables, with the
 *   AVX registers in use). Softirqs that interrupt the idle task or a
 *   kernel thread, or a task whose registers are saved already, pay less.
 *
 * Prints one line per length class (class, records, bytes, ns per byte with
 * each prefilter, gain per byte), the save and restore cost, and
 * breakeven_bytes=N: the cost over the gain of the longest class.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ac.h"

#define NCLASSES	5

static const u32 class_max[NCLASSES] = { 64, 256, 512, 1024, 65535 };

struct rec {
	const u8 *p;
	u32 len;
};

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "simd-breakeven: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

static u8 *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	u8 *buf = NULL;
	size_t cap = 0, got;

	if (!f)
		die("%s: cannot open", path);
	*n = 0;
	do {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap);
			if (!buf)
				die("%s: out of memory", path);
		}
		got = fread(buf + *n, 1, cap - *n, f);
		*n += got;
	} while (got);
	fclose(f);
	return buf;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* PATTERNS: one pattern per line in hex, 1..255 bytes. */
static struct nfips_ac_pattern *load_patterns(const char *path, u32 flags,
					      u32 *np)
{
	size_t n, i = 0;
	u8 *t = slurp(path, &n);
	struct nfips_ac_pattern *p = NULL;
	u32 cap = 0;

	*np = 0;
	while (i < n) {
		size_t e = i, k;
		u8 *b;

		while (e < n && t[e] != '\n')
			e++;
		if (e == i || (e - i) % 2 || (e - i) / 2 > NFIPS_AC_MAX_LEN)
			die("%s: a line is not a pattern of 1..255 bytes in hex", path);
		b = malloc((e - i) / 2);
		for (k = 0; b && k < (e - i) / 2; k++) {
			int hi = hexval(t[i + 2 * k]), lo = hexval(t[i + 2 * k + 1]);

			if (hi < 0 || lo < 0)
				die("%s: a line is not hex", path);
			b[k] = hi << 4 | lo;
		}
		if (*np == cap) {
			cap = cap ? cap * 2 : 1024;
			p = realloc(p, cap * sizeof(*p));
		}
		if (!b || !p)
			die("%s: out of memory", path);
		p[*np].bytes = b;
		p[*np].len = (e - i) / 2;
		p[*np].flags = flags;
		p[*np].id = *np;
		(*np)++;
		i = e + 1;
	}
	free(t);
	return p;
}

static int count(void *ctx, u32 id, u32 end)
{
	(void)id;
	(void)end;
	++*(u64 *)ctx;
	return 0;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Best of @passes: ns to scan @n records, each from a fresh state. */
static double scan_ns(const struct nfips_ac *ac, const struct rec *r, u32 n,
		      int simd, int passes, u64 *matches)
{
	double best = 0;
	int k;
	u32 i;

	for (k = 0; k < passes; k++) {
		double t0 = now_ns(), dt;

		*matches = 0;
		for (i = 0; i < n; i++)
			nfips_ac_scan_simd(ac, 0, r[i].p, r[i].len, count, matches,
					   simd);
		dt = now_ns() - t0;
		if (!k || dt < best)
			best = dt;
	}
	return best;
}

/*
 * The most a kernel_fpu_begin()/kernel_fpu_end() pair can add: an XSAVE
 * and an XRSTOR of every component enabled in XCR0, of a task that used
 * the AVX registers. ns per pair, the best of 5 runs of 20,000.
 */
static double xsave_ns(void)
{
	unsigned int eax, ebx, ecx, edx, lo, hi;
	double best = 0;
	u8 *area;
	int run, i;

	__asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx)
			 : "a"(1), "c"(0));
	if (!(ecx & 1U << 27))	/* OSXSAVE */
		return 0;
	__asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx)
			 : "a"(0xd), "c"(0));
	area = aligned_alloc(64, (ebx + 63) / 64 * 64);
	if (!area)
		die("%s", "out of memory");
	memset(area, 0, (ebx + 63) / 64 * 64);
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	for (run = 0; run < 5; run++) {
		double t0, dt;

		/* the AVX registers in use, as a user task's would be */
		if (lo & 4)
			__asm__ volatile("vpcmpeqd %%ymm1, %%ymm1, %%ymm1" ::: "xmm1");
		t0 = now_ns();
		for (i = 0; i < 20000; i++) {
			__asm__ volatile("xsave64 (%0)" :: "r"(area), "a"(lo), "d"(hi)
					 : "memory");
			__asm__ volatile("xrstor64 (%0)" :: "r"(area), "a"(lo), "d"(hi)
					 : "memory");
		}
		dt = (now_ns() - t0) / 20000;
		if (!run || dt < best)
			best = dt;
	}
	free(area);
	return best;
}

int main(int argc, char **argv)
{
	struct rec *cls[NCLASSES] = { NULL };
	u32 ncls[NCLASSES] = { 0 }, np, c, i, flags = 0;
	u64 bytes[NCLASSES] = { 0 };
	struct nfips_ac_pattern *pats;
	double gain = 0, cost;
	struct nfips_ac *ac;
	int passes = 7, a = 1, ret;
	size_t n, off = 0;
	u8 *corpus;

	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--nocase"))
			flags = NFIPS_AC_NOCASE;
		else if (!strcmp(argv[a], "--passes") && a + 1 < argc)
			passes = atoi(argv[++a]);
		else
			die("unknown option %s", argv[a]);
	}
	if (argc - a != 2 || passes < 1)
		die("%s", "usage: simd-breakeven [--nocase] [--passes N] PATTERNS CORPUS");
	pats = load_patterns(argv[a], flags, &np);
	corpus = slurp(argv[a + 1], &n);
	while (off + 4 <= n) {
		u32 len = corpus[off] | corpus[off + 1] << 8 |
			  corpus[off + 2] << 16 | (u32)corpus[off + 3] << 24;

		if (len > n - off - 4)
			die("%s: a record runs past the end", argv[a + 1]);
		for (c = 0; len > class_max[c]; c++)
			;
		cls[c] = realloc(cls[c], (ncls[c] + 1) * sizeof(**cls));
		if (!cls[c])
			die("%s", "out of memory");
		cls[c][ncls[c]].p = corpus + off + 4;
		cls[c][ncls[c]++].len = len;
		bytes[c] += len;
		off += 4 + len;
	}
	ret = nfips_ac_build(&ac, pats, np, NULL, NULL);
	if (ret)
		die("build: %s", nfips_ac_strerror(ret));
	if (nfips_ac_simd_best() == NFIPS_AC_SCALAR)
		die("%s", "no vector prefilter on this CPU");
	for (c = 0; c < NCLASSES; c++) {
		u64 m0, m1;
		double t0, t1;

		if (!ncls[c] || !bytes[c])
			continue;
		t0 = scan_ns(ac, cls[c], ncls[c], NFIPS_AC_SCALAR, passes, &m0);
		t1 = scan_ns(ac, cls[c], ncls[c], nfips_ac_simd_best(), passes, &m1);
		if (m0 != m1) {
			fprintf(stderr, "simd-breakeven: class %u: %llu matches scalar, %llu vector\n",
				c, (unsigned long long)m0, (unsigned long long)m1);
			return 1;
		}
		gain = (t0 - t1) / bytes[c];
		printf("class=..%u records=%u bytes=%llu scalar_ns_per_byte=%.3f vector_ns_per_byte=%.3f gain_ns_per_byte=%.3f\n",
		       class_max[c], ncls[c], (unsigned long long)bytes[c],
		       t0 / bytes[c], t1 / bytes[c], gain);
	}
	cost = xsave_ns();
	printf("xsave_xrstor_ns=%.1f\n", cost);
	if (gain > 0)
		printf("breakeven_bytes=%.0f\n", cost / gain);
	else
		printf("breakeven_bytes=never\n");
	nfips_ac_free(ac);
	for (i = 0; i < np; i++)
		free((void *)pats[i].bytes);
	free(pats);
	for (c = 0; c < NCLASSES; c++)
		free(cls[c]);
	free(corpus);
	return 0;
}
