// SPDX-License-Identifier: GPL-2.0
/*
 * mpm-bench: the nfips matcher (kmod/ac.c) against Vectorscan on one input.
 *
 *   mpm-bench [--nocase] [--cpu-time] [--passes N] [--prefilter N]
 *             PATTERNS CORPUS
 *
 * PATTERNS: one pattern per line, in hex (1..255 bytes). CORPUS: records,
 * each a 4-byte little-endian length and that many payload bytes; every
 * record is one packet payload, scanned from a fresh state (nfips: state 0,
 * Vectorscan: one hs_scan() in block mode). --nocase makes every pattern
 * ASCII case-insensitive in both engines. --prefilter N scans nfips with
 * that prefilter (0 scalar, 1 SSE2, 2 AVX2: NFIPS_AC_*), not the best the
 * CPU has, to compare them in the same conditions.
 *
 * Prints one line per engine:
 *   engine=E patterns=N build_ms=X mem_bytes=N matches=N mbps=X
 * matches counts every occurrence of every pattern (line) over the corpus;
 * mbps is 1e6 payload bytes per second on one CPU, the median of --passes
 * timed passes over the whole corpus (default 5), after one untimed pass
 * that counts matches per pattern and per record. The two engines' passes
 * alternate so that both see the same machine conditions.
 *
 * Exit status: 0, 1 when the engines disagree on the number of matches,
 * in total or for any one pattern (the patterns and records where they
 * differ go to stderr), 2 on bad
 * usage or input, 3 when an engine fails.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hs/hs.h>

#include "ac.h"

#define EXIT_MISMATCH	1
#define EXIT_INPUT	2
#define EXIT_ENGINE	3
#define MAX_PASSES	101

struct pattern_set {
	u8 *bytes;		/* all patterns, back to back */
	u32 *off, *len, *line;
	u32 n;
};

struct record {
	const u8 *data;
	u32 len;
};

struct corpus {
	u8 *buf;
	struct record *rec;
	size_t n;
	u64 bytes;
};

/* What the untimed pass collects, per engine. */
struct tally {
	u64 total;
	u64 *per_pattern;
	u64 *per_record;
	size_t cur_record;
	u32 npatterns;
};

static const char *prog = "mpm-bench";

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		die(EXIT_ENGINE, "out of memory");
	return p;
}

static u8 *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 20, n = 0, got;
	u8 *buf;

	if (!f)
		die(EXIT_INPUT, "%s: %s", path, strerror(errno));
	buf = xcalloc(cap, 1);
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				die(EXIT_ENGINE, "%s: out of memory", path);
		}
	}
	if (ferror(f))
		die(EXIT_INPUT, "%s: read error", path);
	fclose(f);
	*len = n;
	return buf;
}

static int hexval(u8 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void load_patterns(const char *path, struct pattern_set *ps)
{
	size_t len, pos = 0, cap = 0;
	u8 *text = read_file(path, &len);
	u32 lineno = 0;

	/* Hex is two digits per byte: the bytes fit in half the text. */
	ps->bytes = xcalloc(len / 2 + 1, 1);
	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	cap++;
	ps->off = xcalloc(cap, sizeof(*ps->off));
	ps->len = xcalloc(cap, sizeof(*ps->len));
	ps->line = xcalloc(cap, sizeof(*ps->line));
	ps->n = 0;

	size_t nbytes = 0;

	while (pos < len) {
		size_t end = pos, digits;

		while (end < len && text[end] != '\n')
			end++;
		lineno++;
		digits = end - pos;
		if (digits && text[pos + digits - 1] == '\r')
			digits--;
		if (!digits)
			die(EXIT_INPUT, "%s:%u: empty pattern (patterns are 1..%d bytes)",
			    path, lineno, NFIPS_AC_MAX_LEN);
		for (size_t i = 0; i < digits; i++)
			if (hexval(text[pos + i]) < 0)
				die(EXIT_INPUT, "%s:%u:%zu: bad hex digit 0x%02x",
				    path, lineno, i + 1, text[pos + i]);
		if (digits % 2)
			die(EXIT_INPUT, "%s:%u: odd number of hex digits (%zu)",
			    path, lineno, digits);
		if (digits / 2 > NFIPS_AC_MAX_LEN)
			die(EXIT_INPUT, "%s:%u: pattern of %zu bytes (at most %d)",
			    path, lineno, digits / 2, NFIPS_AC_MAX_LEN);
		ps->off[ps->n] = nbytes;
		ps->len[ps->n] = digits / 2;
		ps->line[ps->n] = lineno;
		for (size_t i = 0; i < digits; i += 2)
			ps->bytes[nbytes++] = hexval(text[pos + i]) << 4 |
					      hexval(text[pos + i + 1]);
		ps->n++;
		pos = end + 1;
	}
	free(text);
	if (!ps->n)
		die(EXIT_INPUT, "%s: no patterns", path);
}

static void load_corpus(const char *path, struct corpus *c)
{
	size_t len, pos = 0, cap = 1024;

	c->buf = read_file(path, &len);
	c->rec = xcalloc(cap, sizeof(*c->rec));
	c->n = 0;
	c->bytes = 0;
	while (pos < len) {
		const u8 *p = c->buf + pos;
		u32 n;

		if (len - pos < 4)
			die(EXIT_INPUT, "%s: record %zu at offset %zu: truncated length (%zu of 4 bytes)",
			    path, c->n + 1, pos, len - pos);
		n = (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
		if (len - pos - 4 < n)
			die(EXIT_INPUT, "%s: record %zu at offset %zu: truncated payload (%zu of %u bytes)",
			    path, c->n + 1, pos, len - pos - 4, n);
		if (c->n == cap) {
			cap *= 2;
			c->rec = realloc(c->rec, cap * sizeof(*c->rec));
			if (!c->rec)
				die(EXIT_ENGINE, "out of memory");
		}
		c->rec[c->n].data = p + 4;
		c->rec[c->n].len = n;
		c->n++;
		c->bytes += n;
		pos += 4 + (size_t)n;
	}
	if (!c->n)
		die(EXIT_INPUT, "%s: no records", path);
	if (!c->bytes)
		die(EXIT_INPUT, "%s: no payload bytes in %zu records", path, c->n);
}

/*
 * --cpu-time: the thread's CPU time instead of the wall clock, so that on
 * a shared machine the time others take from this CPU is not counted
 * (their effect on the caches still is).
 */
static clockid_t bench_clock = CLOCK_MONOTONIC;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(bench_clock, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Last CPU we may run on: CPU 0 usually takes more interrupts. */
static int pin_one_cpu(void)
{
	cpu_set_t set;
	int cpu = -1;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			cpu = i;
	if (cpu < 0)
		return -1;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -1 : cpu;
}

/* Callbacks: the timed passes only count, the untimed one also attributes. */
static int nf_count(void *ctx, u32 id, u32 end)
{
	(void)id;
	(void)end;
	++*(u64 *)ctx;
	return 0;
}

static int nf_tally(void *ctx, u32 id, u32 end)
{
	struct tally *t = ctx;

	(void)end;
	t->total++;
	if (id < t->npatterns)	/* else the totals will differ */
		t->per_pattern[id]++;
	t->per_record[t->cur_record]++;
	return 0;
}

static int hs_count(unsigned int id, unsigned long long from,
		    unsigned long long to, unsigned int flags, void *ctx)
{
	(void)id;
	(void)from;
	(void)to;
	(void)flags;
	++*(u64 *)ctx;
	return 0;
}

static int hs_tally(unsigned int id, unsigned long long from,
		    unsigned long long to, unsigned int flags, void *ctx)
{
	struct tally *t = ctx;

	(void)from;
	(void)to;
	(void)flags;
	t->total++;
	t->per_pattern[id]++;
	t->per_record[t->cur_record]++;
	return 0;
}

struct engines {
	struct nfips_ac *ac;
	int simd;
	hs_database_t *db;
	hs_scratch_t *scratch;
};

static u64 scan_nfips(const struct engines *e, const struct corpus *c)
{
	u64 count = 0;

	for (size_t i = 0; i < c->n; i++)
		nfips_ac_scan_simd(e->ac, 0, c->rec[i].data, c->rec[i].len,
				   nf_count, &count, e->simd);
	return count;
}

static u64 scan_hs(const struct engines *e, const struct corpus *c)
{
	u64 count = 0;

	for (size_t i = 0; i < c->n; i++)
		if (hs_scan(e->db, (const char *)c->rec[i].data, c->rec[i].len,
			    0, e->scratch, hs_count, &count) != HS_SUCCESS)
			die(EXIT_ENGINE, "vectorscan: hs_scan failed on record %zu", i + 1);
	return count;
}

static void tally_init(struct tally *t, const struct pattern_set *ps,
		       const struct corpus *c)
{
	t->total = 0;
	t->npatterns = ps->n;
	t->per_pattern = xcalloc(ps->n, sizeof(u64));
	t->per_record = xcalloc(c->n, sizeof(u64));
}

static void print_hex(FILE *f, const u8 *p, u32 len, u32 max)
{
	for (u32 i = 0; i < len && i < max; i++)
		fprintf(f, "%02x", p[i]);
	if (len > max)
		fputs("...", f);
}

/* Where the engines disagree: enough to cut a small reproducer. */
static void explain_mismatch(const struct pattern_set *ps, const struct corpus *c,
			     const struct tally *nf, const struct tally *hs)
{
	u32 shown = 0;

	fprintf(stderr, "%s: MISMATCH: nfips matches=%" PRIu64 " vectorscan matches=%" PRIu64 "\n",
		prog, nf->total, hs->total);
	for (u32 i = 0; i < ps->n && shown < 10; i++) {
		if (nf->per_pattern[i] == hs->per_pattern[i])
			continue;
		fprintf(stderr, "%s:   pattern line %u (", prog, ps->line[i]);
		print_hex(stderr, ps->bytes + ps->off[i], ps->len[i], 64);
		fprintf(stderr, "): nfips %" PRIu64 " vectorscan %" PRIu64 "\n",
			nf->per_pattern[i], hs->per_pattern[i]);
		shown++;
	}
	shown = 0;
	for (size_t r = 0; r < c->n && shown < 5; r++) {
		if (nf->per_record[r] == hs->per_record[r])
			continue;
		fprintf(stderr, "%s:   record %zu (%u bytes, offset %zu in corpus): nfips %" PRIu64
			" vectorscan %" PRIu64 "\n", prog, r + 1, c->rec[r].len,
			(size_t)(c->rec[r].data - c->buf) - 4,
			nf->per_record[r], hs->per_record[r]);
		shown++;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: %s [--nocase] [--cpu-time] [--passes N] [--prefilter N] PATTERNS CORPUS\n"
		"  PATTERNS  one pattern per line in hex, 1..%d bytes each\n"
		"  CORPUS    records: 4-byte little-endian length, then the payload\n",
		prog, NFIPS_AC_MAX_LEN);
	exit(EXIT_INPUT);
}

int main(int argc, char **argv)
{
	const char *files[2];
	int nfiles = 0, passes = 5, nocase = 0, cpu, simd_set = 0;
	struct pattern_set ps;
	struct corpus c;
	struct engines e = { 0 };
	struct tally nf_t, hs_t;
	double t0, nf_build, hs_build, nf_ms[MAX_PASSES], hs_ms[MAX_PASSES];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--nocase")) {
			nocase = 1;
		} else if (!strcmp(argv[i], "--cpu-time")) {
			bench_clock = CLOCK_THREAD_CPUTIME_ID;
		} else if (!strcmp(argv[i], "--passes") && i + 1 < argc) {
			char *end;

			passes = strtol(argv[++i], &end, 10);
			if (*end || passes < 1 || passes > MAX_PASSES)
				die(EXIT_INPUT, "--passes: 1..%d", MAX_PASSES);
		} else if (!strcmp(argv[i], "--prefilter") && i + 1 < argc) {
			char *end;

			e.simd = strtol(argv[++i], &end, 10);
			if (*end || e.simd < 0 || e.simd > nfips_ac_simd_best())
				die(EXIT_INPUT, "--prefilter: 0..%d on this CPU",
				    nfips_ac_simd_best());
			simd_set = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			usage();
		} else if (nfiles < 2) {
			files[nfiles++] = argv[i];
		} else {
			usage();
		}
	}
	if (nfiles != 2)
		usage();
	if (!simd_set)
		e.simd = nfips_ac_simd_best();

	load_patterns(files[0], &ps);
	load_corpus(files[1], &c);
	cpu = pin_one_cpu();
	if (cpu < 0)
		fprintf(stderr, "%s: warning: cannot pin to one CPU: %s\n", prog, strerror(errno));

	/* nfips */
	struct nfips_ac_pattern *np = xcalloc(ps.n, sizeof(*np));
	struct nfips_ac_limits lim = { 0 };
	u32 bad = 0;
	int err;

	for (u32 i = 0; i < ps.n; i++) {
		np[i].bytes = ps.bytes + ps.off[i];
		np[i].len = ps.len[i];
		np[i].flags = nocase ? NFIPS_AC_NOCASE : 0;
		np[i].id = i;
	}
	t0 = now_ms();
	err = nfips_ac_build(&e.ac, np, ps.n, &lim, &bad);
	nf_build = now_ms() - t0;
	if (err == -EINVAL && bad < ps.n)
		die(EXIT_ENGINE, "nfips: %s: line %u: %s", files[0], ps.line[bad],
		    nfips_ac_strerror(err));
	if (err)
		die(EXIT_ENGINE, "nfips: build failed: %s", nfips_ac_strerror(err));

	/*
	 * Vectorscan: literal API, so every byte (NUL included) is itself. Each
	 * line gets its own id: Vectorscan reports an occurrence once per id and
	 * end offset, so duplicate lines count once each, as in nfips.
	 *
	 * Vectorscan 5.4 rejects a literal whose first byte is NUL ("doesn't
	 * support empty string", intel/hyperscan#388). Such a set goes through
	 * hs_compile_multi() instead, every byte written \xNN: the compiler
	 * reduces these expressions to the same literals (same database size,
	 * same matches and speed as the literal API on sets without the bug).
	 */
	const char **expr = xcalloc(ps.n, sizeof(*expr));
	unsigned int *flags = xcalloc(ps.n, sizeof(*flags));
	unsigned int *ids = xcalloc(ps.n, sizeof(*ids));
	size_t *lens = xcalloc(ps.n, sizeof(*lens));
	hs_compile_error_t *cerr = NULL;
	u32 lead_nul = 0;
	hs_error_t herr;

	for (u32 i = 0; i < ps.n; i++) {
		expr[i] = (const char *)ps.bytes + ps.off[i];
		lens[i] = ps.len[i];
		flags[i] = nocase ? HS_FLAG_CASELESS : 0;
		ids[i] = i;
		lead_nul += !expr[i][0];
	}
	if (lead_nul) {
		for (u32 i = 0; i < ps.n; i++) {
			char *x = xcalloc(4 * lens[i] + 1, 1);

			for (size_t j = 0; j < lens[i]; j++)
				sprintf(x + 4 * j, "\\x%02x", (u8)expr[i][j]);
			expr[i] = x;
		}
		fprintf(stderr, "%s: vectorscan: %u patterns start with a NUL byte, which "
			"hs_compile_lit_multi() rejects: compiling \\xNN expressions with "
			"hs_compile_multi()\n", prog, lead_nul);
	}
	t0 = now_ms();
	if (lead_nul)
		herr = hs_compile_multi(expr, flags, ids, ps.n, HS_MODE_BLOCK, NULL,
					&e.db, &cerr);
	else
		herr = hs_compile_lit_multi(expr, flags, ids, lens, ps.n, HS_MODE_BLOCK,
					    NULL, &e.db, &cerr);
	if (herr != HS_SUCCESS) {
		if (cerr->expression >= 0)
			die(EXIT_ENGINE, "vectorscan: %s: line %u: %s", files[0],
			    ps.line[cerr->expression], cerr->message);
		die(EXIT_ENGINE, "vectorscan: compile failed: %s", cerr->message);
	}
	if (hs_alloc_scratch(e.db, &e.scratch) != HS_SUCCESS)
		die(EXIT_ENGINE, "vectorscan: hs_alloc_scratch failed");
	hs_build = now_ms() - t0;

	size_t db_size = 0, scratch_size = 0;

	if (hs_database_size(e.db, &db_size) != HS_SUCCESS ||
	    hs_scratch_size(e.scratch, &scratch_size) != HS_SUCCESS)
		die(EXIT_ENGINE, "vectorscan: cannot read database or scratch size");

	/* Untimed pass: occurrences per pattern and per record, both engines. */
	tally_init(&nf_t, &ps, &c);
	tally_init(&hs_t, &ps, &c);
	for (size_t i = 0; i < c.n; i++) {
		nf_t.cur_record = hs_t.cur_record = i;
		nfips_ac_scan_simd(e.ac, 0, c.rec[i].data, c.rec[i].len,
				   nf_tally, &nf_t, e.simd);
		if (hs_scan(e.db, (const char *)c.rec[i].data, c.rec[i].len, 0,
			    e.scratch, hs_tally, &hs_t) != HS_SUCCESS)
			die(EXIT_ENGINE, "vectorscan: hs_scan failed on record %zu", i + 1);
	}

	/* Timed passes, alternating engines. */
	for (int p = 0; p < passes; p++) {
		u64 n;

		t0 = now_ms();
		n = scan_nfips(&e, &c);
		nf_ms[p] = now_ms() - t0;
		if (n != nf_t.total)
			die(EXIT_ENGINE, "nfips: pass %d found %" PRIu64 " matches, first pass %" PRIu64,
			    p + 1, n, nf_t.total);
		t0 = now_ms();
		n = scan_hs(&e, &c);
		hs_ms[p] = now_ms() - t0;
		if (n != hs_t.total)
			die(EXIT_ENGINE, "vectorscan: pass %d found %" PRIu64 " matches, first pass %" PRIu64,
			    p + 1, n, hs_t.total);
	}

	double nf_med = median(nf_ms, passes), hs_med = median(hs_ms, passes);

	printf("engine=nfips patterns=%u build_ms=%.1f mem_bytes=%zu matches=%" PRIu64 " mbps=%.1f\n",
	       ps.n, nf_build, nfips_ac_mem(e.ac), nf_t.total, c.bytes / 1e3 / nf_med);
	printf("engine=vectorscan patterns=%u build_ms=%.1f mem_bytes=%zu matches=%" PRIu64 " mbps=%.1f\n",
	       ps.n, hs_build, db_size + scratch_size, hs_t.total, c.bytes / 1e3 / hs_med);
	fflush(stdout);
	fprintf(stderr, "%s: %zu records, %" PRIu64 " payload bytes, passes=%d on cpu %d; "
		"nfips %u states; vectorscan %s\n", prog, c.n, c.bytes, passes, cpu,
		nfips_ac_states(e.ac), hs_version());

	int status = 0;

	/* Equal totals from different per-pattern counts are a bug too. */
	if (nf_t.total != hs_t.total ||
	    memcmp(nf_t.per_pattern, hs_t.per_pattern, ps.n * sizeof(u64))) {
		explain_mismatch(&ps, &c, &nf_t, &hs_t);
		status = EXIT_MISMATCH;
	}
	hs_free_scratch(e.scratch);
	hs_free_database(e.db);
	hs_free_compile_error(cerr);
	nfips_ac_free(e.ac);
	return status;
}
