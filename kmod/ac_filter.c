// SPDX-License-Identifier: GPL-2.0
/*
 * Prefilter of the matcher, after Hyperscan's FDR (a bucketed shift-or
 * over a hashed "domain" of the input bytes): one table entry per position
 * tells, for sixteen buckets of patterns at once, whether the next eight
 * byte pairs can be the first eight of a pattern of the bucket. The
 * automaton runs only where some bucket passes.
 *
 * Domain of a position: its byte and the low five bits of the next one (13
 * bits; an ASCII letter's two cases share their low five bits, so a nocase
 * pattern needs no variants of its second byte). Entry d of the table is
 * two 64-bit lanes, eight buckets each: in lane w, byte 7 - k, bit b is
 * clear when some pattern of bucket 8w + b has domain d at offset k, or
 * when offset k is past the patterns of that bucket (their depth:
 * min(length, 8)); a pattern's last byte matches whatever follows. The
 * window of eight positions starting at q passes a bucket when its bit is
 * clear in byte 7 - k of the table's entry for the domain of q + k, for
 * every k < 8.
 *
 * Blocks: the window ending at position e (starting at e - 7) takes byte m
 * of the entry at e - m. Shifting the entry read at position j up by j - p
 * bytes puts byte m at byte j - p + m, the window ending at j + m: the OR
 * of the shifted entries of a block of positions p.. decides, byte by
 * byte, the windows ending there, with no dependency from one position to
 * the next (FDR's get_conf_stride_1()); what spills past the block is
 * carried into the next one. The scalar reference does the same one
 * position at a time (s = s >> 8 | entry, its low byte the window ending
 * at the position just read); ac_simd.c does it with vector registers.
 * Both return a block's verdicts as a mask, which a scan's cursor walks
 * forward: each window is decided once per buffer, however often the scan
 * asks.
 *
 * Patterns are put in buckets by depth, so that a few 1- or 2-byte
 * patterns do not weaken the test of the long ones, and the deepest (most
 * common) depths get the spare buckets, in contiguous runs of the sorted
 * pattern order so that a bucket's patterns share prefixes.
 *
 * Sets of up to AC_TEDDY_MAX patterns also get Teddy's nibble masks
 * (teddy_build()), which the AVX2 path uses instead of the shift-or's
 * blocks: a weaker test of a window's first three bytes, but a few
 * instructions per 32 positions (Documentation/matcher.rst).
 */
#include "ac_filter.h"

#define NBUCKETS	AC_FILTER_NBUCKETS
#define DEPTH		AC_FILTER_DEPTH
#define DOMAIN		AC_FILTER_DOMAIN
#define LANES		AC_FILTER_LANES
#define MAX_PASS_PCT	40	/* pass more and the filter does not pay */

#if AC_FILTER_LANES != 2
#error "nfips_ac_filter_next_scalar() and ac_simd.c are written for two lanes"
#endif

/*
 * Buckets by depth: every depth present gets one, the spare ones go, one
 * at a time, to the depth with the most patterns per bucket. @first[d]
 * and @nb[d] say which buckets depth d has.
 */
static void plan_buckets(const u32 *count, u32 *first, u32 *nb)
{
	u32 d, used = 0, best;

	for (d = 1; d <= DEPTH; d++) {
		nb[d] = count[d] ? 1 : 0;
		used += nb[d];
	}
	for (; used < NBUCKETS; used++) {
		best = 0;
		for (d = 1; d <= DEPTH; d++)
			if (nb[d] && (!best || (u64)count[d] * nb[best] >
					       (u64)count[best] * nb[d]))
				best = d;
		nb[best]++;
	}
	for (d = 1, used = 0; d <= DEPTH; d++) {
		first[d] = used;
		used += nb[d];
	}
}

/*
 * Clears bucket @b at offset @k for first byte @c, in both cases if
 * @nocase, followed by *@next or (the pattern's last byte) by anything.
 */
static void mark(u64 *t, u32 b, u32 k, u8 c, const u8 *next, bool nocase)
{
	u64 bit = 1ULL << (8 * (DEPTH - 1 - k) + b % 8);
	u8 v[2] = { c, c };
	u32 i, n;

	if (nocase && nfips_ac_fold(c) >= 'a' && nfips_ac_fold(c) <= 'z') {
		v[0] = nfips_ac_fold(c);
		v[1] = v[0] - ('a' - 'A');
	}
	for (i = 0; i < 2; i++) {
		if (next)
			t[nfips_ac_filter_domain(v[i], *next) * LANES + b / 8] &= ~bit;
		else
			for (n = 0; n < 256; n++)
				t[nfips_ac_filter_domain(v[i], n) * LANES + b / 8] &= ~bit;
	}
}

/* The fraction of random positions the table passes, in percent. */
static u32 pass_pct(const u64 *t, const u32 *bdepth)
{
	u32 b, k, i, n;
	u64 num, den;
	u32 pct = 0;

	for (b = 0; b < NBUCKETS; b++) {
		if (!bdepth[b])
			continue;
		num = 1;
		den = 1;
		for (k = 0; k < bdepth[b]; k++) {
			for (i = 0, n = 0; i < DOMAIN; i++)
				n += !(t[i * LANES + b / 8] >>
				       (8 * (DEPTH - 1 - k) + b % 8) & 1);
			num = num * n;
			den = den * DOMAIN;
			/* Keep within 64 bits: scale both down together. */
			while (den > (1ULL << 40)) {
				num >>= AC_FILTER_BITS;
				den >>= AC_FILTER_BITS;
			}
		}
		pct += (u32)(num * 100 / den);
	}
	return pct;
}

/* @p's byte @k folded if @p is nocase, for ordering patterns by prefix. */
static u8 teddy_key(const struct nfips_ac_pattern *p, u32 k)
{
	if (k >= p->len)
		return 0;
	return p->flags & NFIPS_AC_NOCASE ? nfips_ac_fold(p->bytes[k]) :
					    p->bytes[k];
}

static bool teddy_before(const struct nfips_ac_pattern *a,
			 const struct nfips_ac_pattern *b)
{
	u32 k;

	for (k = 0; k < AC_TEDDY_DEPTH; k++)
		if (teddy_key(a, k) != teddy_key(b, k))
			return teddy_key(a, k) < teddy_key(b, k);
	return a->len < b->len;
}

/* Allows byte @c (both cases if @nocase) at offset @k for bucket bit @bit. */
static void teddy_allow(struct ac_filter *f, u32 k, u8 c, bool nocase,
			u8 bit)
{
	u8 v[2] = { c, c };
	u32 i;

	if (nocase && nfips_ac_fold(c) >= 'a' && nfips_ac_fold(c) <= 'z') {
		v[0] = nfips_ac_fold(c);
		v[1] = v[0] - ('a' - 'A');
	}
	for (i = 0; i < 2; i++) {
		f->teddy_lo[k][v[i] & 15] |= bit;
		f->teddy_hi[k][v[i] >> 4] |= bit;
	}
}

/*
 * Teddy's masks for a small set: the patterns ordered by their first
 * bytes and cut into eight runs, one bucket each, so that a bucket's
 * patterns share what they can; a pattern shorter than AC_TEDDY_DEPTH
 * allows anything past its end.
 */
static void teddy_build(struct ac_filter *f,
			const struct nfips_ac_pattern *pats, u32 npats)
{
	u32 order[AC_TEDDY_MAX], i, j, k, n;

	if (!npats || npats > AC_TEDDY_MAX)
		return;
	for (i = 0; i < npats; i++) {
		for (j = i; j && teddy_before(&pats[i], &pats[order[j - 1]]);
		     j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (i = 0; i < npats; i++) {
		const struct nfips_ac_pattern *p = &pats[order[i]];
		u8 bit = 1U << (i * 8 / npats);

		for (k = 0; k < AC_TEDDY_DEPTH; k++) {
			if (k < p->len) {
				teddy_allow(f, k, p->bytes[k],
					    p->flags & NFIPS_AC_NOCASE, bit);
				continue;
			}
			for (n = 0; n < 16; n++) {
				f->teddy_lo[k][n] |= bit;
				f->teddy_hi[k][n] |= bit;
			}
		}
	}
	/* The second 128-bit half: the same lookups. */
	for (k = 0; k < AC_TEDDY_DEPTH; k++) {
		memcpy(&f->teddy_lo[k][16], f->teddy_lo[k], 16);
		memcpy(&f->teddy_hi[k][16], f->teddy_hi[k], 16);
	}
	f->teddy = AC_TEDDY_DEPTH;
}

int nfips_ac_filter_build(struct ac_filter *f,
			  const struct nfips_ac_pattern *pats, u32 npats,
			  size_t *mem)
{
	u32 count[DEPTH + 1] = { 0 }, seen[DEPTH + 1] = { 0 };
	u32 first[DEPTH + 1], nb[DEPTH + 1], bdepth[NBUCKETS] = { 0 };
	u64 dontcare[LANES] = { 0 };
	u32 i, k;

	memset(f, 0, sizeof(*f));
	if (!npats)
		return 0;
	for (i = 0; i < npats; i++)
		count[nfips_ac_filter_depth(&pats[i])]++;
	plan_buckets(count, first, nb);
	f->table = ac_alloc(AC_FILTER_BYTES);
	if (!f->table)
		return -ENOMEM;
	for (i = 0; i < DOMAIN * LANES; i++)
		f->table[i] = ~0ULL;
	for (i = 0; i < npats; i++) {
		const struct nfips_ac_pattern *p = &pats[i];
		bool nocase = p->flags & NFIPS_AC_NOCASE;
		u32 d = nfips_ac_filter_depth(p);
		u32 b = first[d] + (u64)seen[d]++ * nb[d] / count[d];

		bdepth[b] = d;
		for (k = 0; k < d; k++)
			mark(f->table, b, k, p->bytes[k],
			     k + 1 < p->len ? &p->bytes[k + 1] : NULL, nocase);
	}
	/* Offsets past a bucket's depth accept anything. */
	for (i = 0; i < NBUCKETS; i++)
		for (k = bdepth[i]; bdepth[i] && k < DEPTH; k++)
			dontcare[i / 8] |= 1ULL << (8 * (DEPTH - 1 - k) + i % 8);
	for (i = 0; i < DOMAIN * LANES; i++)
		f->table[i] &= ~dontcare[i % LANES];
	if (pass_pct(f->table, bdepth) > MAX_PASS_PCT) {
		nfips_ac_filter_free(f);
		return 0;
	}
	*mem += AC_FILTER_BYTES;
	teddy_build(f, pats, npats);
	return nfips_ac_skip_build(f, pats, npats, bdepth, mem);
}

void nfips_ac_filter_free(struct ac_filter *f)
{
	ac_free(f->table);
	ac_free(f->shift);
	f->table = NULL;
	f->shift = NULL;
	f->teddy = 0;
}

/*
 * Bit k of the result set when byte k of @w is not 0xff (a window that
 * passes): each such byte's high bit, then the eight gathered by a
 * multiplication whose partial products do not overlap.
 */
static u32 passing(u64 w)
{
	const u64 low7 = 0x7f7f7f7f7f7f7f7fULL;
	u64 x = ~w;

	x = ((x & low7) + low7) | x;	/* high bit: byte not zero */
	x = (x & ~low7) >> 7;
	return (x * 0x0102040810204080ULL) >> 56;
}

/* One position of the reference: both lanes' states, its verdict into @v. */
/* The table's entry (both lanes) for the domain at @p. */
static __always_inline const u64 *entry(const u64 *t, const u8 *p)
{
	return t + (size_t)LANES * (ac_load_le16(p) & (DOMAIN - 1));
}

static __always_inline void shift_in(const u64 *t, const u8 *p, u64 *a,
				     u64 *b, u64 *v)
{
	const u64 *e = entry(t, p);

	*a = *a >> 8 | e[0];
	*b = *b >> 8 | e[1];
	*v = *v >> 8 | (*a & *b) << 56;
}

/*
 * The reference: a 64-bit state per lane (eight buckets each), shifted a
 * byte per position; after reading position j its low byte decides the
 * window ending at j. The carry is that state. Domain j needs bytes j and
 * j + 1. The verdicts of eight positions are gathered as bytes (one shift
 * and OR each) and tested at once, as the vector code does.
 */
u64 nfips_ac_filter_run_scalar(const struct ac_filter *f, const u8 *p,
			       u32 nblocks, u32 *ran,
			       struct ac_filter_carry *c)
{
	const u64 *t = f->table;
	u64 a = c->w[0], b = c->w[1], m = 0;
	u32 n, h;

	for (n = 0; n < nblocks && !m; n++) {
		for (h = 0; h < AC_FILTER_BLOCK; h += 8, p += 8) {
			u64 v = 0;

			/* Spelled out: compilers do not unroll at -O2. */
			shift_in(t, p, &a, &b, &v);
			shift_in(t, p + 1, &a, &b, &v);
			shift_in(t, p + 2, &a, &b, &v);
			shift_in(t, p + 3, &a, &b, &v);
			shift_in(t, p + 4, &a, &b, &v);
			shift_in(t, p + 5, &a, &b, &v);
			shift_in(t, p + 6, &a, &b, &v);
			shift_in(t, p + 7, &a, &b, &v);
			if (unlikely(~v))
				m |= (u64)passing(v) << h;
		}
	}
	c->w[0] = a;
	c->w[1] = b;
	*ran = n;
	return m;
}

/* Teddy's blocks decide the cursor's next windows. */
static bool teddy_runs(const struct ac_filter_cursor *c)
{
	return c->simd == NFIPS_AC_AVX2 && c->f->teddy && !c->noteddy;
}

/* The shift-or's verdict on the window starting at @q of @buf (q + 8 in it). */
static bool shift_or_passes(const struct ac_filter *f, const u8 *buf, u32 q)
{
	u64 a = 0, b = 0;
	u32 k;

	for (k = 0; k < DEPTH; k++) {
		const u64 *e = entry(f->table, buf + q + k);

		a |= e[0] >> (8 * (DEPTH - 1 - k));
		b |= e[1] >> (8 * (DEPTH - 1 - k));
	}
	return (a & b & 0xff) != 0xff;
}

/*
 * The vector blocks' carry into the block at @pos, as if they had run
 * up to it: byte n of a lane, the window ending at pos + n, takes byte
 * d + n of the entry at pos - d.
 */
static void shift_or_carry(struct ac_filter_cursor *c, u32 pos)
{
	u32 d;

	memset(&c->carry, 0, sizeof(c->carry));
	for (d = 1; d < DEPTH && d <= pos; d++) {
		const u64 *e = entry(c->f->table, c->buf + pos - d);

		c->carry.w[0] |= e[0] >> (8 * d);
		c->carry.w[1] |= e[1] >> (8 * d);
	}
}

/*
 * Teddy's passing windows of the block at @pos, each asked of the
 * shift-or's table too: three bytes repeated (a run of zeros, "../../")
 * would otherwise send the automaton into a pattern's prefix at every
 * position, where it stays too deep to ask the filter again; so Teddy
 * never passes what the shift-or would not. Windows that begin before the
 * buffer or reach its last byte stay as they are.
 */
static u64 teddy_confirm(const struct ac_filter_cursor *c, u32 pos, u64 m)
{
	u64 left = m;

	while (left) {
		u32 k = __builtin_ctzll(left);
		u32 q = pos + k - (AC_FILTER_SPAN - 2);

		left &= left - 1;
		if (pos + k >= AC_FILTER_SPAN - 2 &&
		    q + AC_FILTER_SPAN - 1 < c->len &&
		    !shift_or_passes(c->f, c->buf, q))
			m &= ~(1ULL << k);
	}
	return m;
}

/*
 * Teddy's verdicts on its block at @pos (bytes at @p), made no weaker
 * than the shift-or's: a few passes confirmed one by one; more than
 * AC_TEDDY_CONFIRM, and the shift-or's vector blocks decide this block
 * instead (for the cost of a few confirmations), their carry as if they
 * had run up to it. After a block where a quarter of the windows passed,
 * or once most blocks were that dense, over AC_TEDDY_PROBE or more, the
 * shift-or's blocks take the rest of the buffer, from the carry they
 * leave.
 */
static u64 teddy_settle(struct ac_filter_cursor *c, const u8 *p, u32 pos,
			u32 ran, u64 m)
{
#ifdef AC_X86
	u32 own = ac_popcount64(m >> (AC_FILTER_SPAN - 2)), one;
	struct ac_filter_carry next;

	c->tblocks += ran;
	if (own <= AC_TEDDY_CONFIRM)
		return teddy_confirm(c, pos, m);
	c->tdense++;
	next = c->carry;	/* Teddy's, onwards */
	shift_or_carry(c, pos);
	m = nfips_ac_filter_run_avx2(c->f, p, 1, &one, &c->carry);
	if (own > AC_FILTER_BLOCK / 4 ||
	    (c->tblocks >= AC_TEDDY_PROBE && 2 * c->tdense > c->tblocks))
		c->noteddy = true;
	else
		c->carry = next;
#endif
	return m;
}

static u64 run(struct ac_filter_cursor *c, const u8 *p, u32 nblocks,
	       u32 *ran)
{
#ifdef AC_X86
	if (teddy_runs(c))
		return nfips_ac_teddy_run_avx2(c->f, p, nblocks, ran,
					       &c->carry);
	if (c->simd == NFIPS_AC_AVX2)
		return nfips_ac_filter_run_avx2(c->f, p, nblocks, ran,
						&c->carry);
	if (c->simd == NFIPS_AC_SSE2)
		return nfips_ac_filter_run_sse2(c->f, p, nblocks, ran,
						&c->carry);
#endif
	return nfips_ac_filter_run_scalar(c->f, p, nblocks, ran, &c->carry);
}

/*
 * Decides the windows of the next block(s) and returns the first position
 * >= @from where one passes (nfips_ac_filter_at() found none among those
 * decided). Whole blocks run on the buffer while the AC_FILTER_BLOCK + 1
 * bytes they read are in it; the last, shorter, one on a copy padded with
 * zeros, whose windows ending at len - 1 or later (starting in the last
 * eight bytes) are not decided but passed: the automaton takes those
 * bytes.
 */
u32 nfips_ac_filter_seek(struct ac_filter_cursor *c, u32 from)
{
	u32 end = from + AC_FILTER_SPAN - 2, len = c->len;

	if (len < AC_FILTER_SPAN || from > len - AC_FILTER_SPAN)
		return from;
	if (c->f->shift && c->simd == NFIPS_AC_SCALAR && !c->noskip)
		return nfips_ac_skip_seek(c, from);
	if (from > c->done) {
		/* Nothing carried reaches a window ending at @end or later. */
		memset(&c->carry, 0, sizeof(c->carry));
		c->done = from;
	}
	/*
	 * The windows decided so far, up to done, have none passing from
	 * end on (nfips_ac_filter_at() looked); the next block starts there.
	 * The last block, which decides the window ending at len - 1 (it
	 * passes), is reached before done goes past len.
	 */
	for (;;) {
		u8 tail[2 * AC_FILTER_BLOCK];
		u32 pos = c->done, nblocks, ran = 0, e;
		bool teddy;
		u64 m;
		const u8 *p = c->buf + pos;

		/* Teddy's blocks read a byte further (ac_simd.c). */
		teddy = teddy_runs(c);
		nblocks = (len - pos - 1) / AC_FILTER_BLOCK;
		if (teddy)
			nblocks = len - pos < 2 ? 0 :
				  (len - pos - 2) / AC_FILTER_BLOCK;
		if (!nblocks) {
			memset(tail, 0, sizeof(tail));
			memcpy(tail, p, len - pos);
			p = tail;
			nblocks = 1;
		}
		m = run(c, p, nblocks, &ran);
		pos += (ran - 1) * AC_FILTER_BLOCK;
		if (teddy)
			m = teddy_settle(c, p + (ran - 1) * AC_FILTER_BLOCK, pos,
					 ran, m);
		/*
		 * Windows ending at len - 1 and after are not decided (with
		 * Teddy's longer read, the tail can start 65 bytes before the
		 * end: then none of its windows does).
		 */
		if (p == tail && len - 1 - pos < AC_FILTER_BLOCK)
			m |= ~0ULL << (len - 1 - pos);
		c->base = pos;
		c->done = pos + AC_FILTER_BLOCK;
		c->mask = m;
		e = end > pos ? end : pos;
		m >>= e - pos;
		if (m)
			return e + __builtin_ctzll(m) - (AC_FILTER_SPAN - 2);
	}
}

u32 nfips_ac_filter_next(const struct ac_filter *f, const u8 *buf, u32 from,
			 u32 len, int simd)
{
	struct ac_filter_cursor c;

	nfips_ac_filter_start(&c, f, buf, len, simd);
	return nfips_ac_filter_at(&c, from);
}

/*
 * Calibration: random patterns over random bytes with each pattern planted
 * once (spread over the blocks and across their edges), the best of a few
 * runs. The hits are checked too: a prefilter that finds other matches
 * than the scalar code (a miscompiled vector build) is never chosen.
 */
#define CAL_PATTERNS	64
static_assert(AC_TEDDY_MAX <= CAL_PATTERNS, "the small set is a subset");
#define CAL_PATLEN	8
#define CAL_BYTES	16384
#define CAL_ROUNDS	5

struct cal_sum {
	u64 hash;
	u32 count;
};

static int cal_match(void *ctx, u32 id, u32 end)
{
	struct cal_sum *sum = ctx;

	sum->hash = sum->hash * 31 + (u64)id * 65537 + end;
	sum->count++;
	return 0;
}

/* xorshift32: the same bytes every time, no entropy needed. */
static u32 cal_next(u32 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/*
 * Marks in @run (~0) each prefilter up to @top whose matches on @text with
 * a set of AC_TEDDY_MAX of the calibration's patterns differ from the
 * scalar code's; -ENOMEM when the set cannot be built.
 */
static int cal_small_inexact(const struct nfips_ac_pattern *pats,
			     const u8 *text, u64 *run, int top)
{
	struct cal_sum sum, ref = { 0 };
	struct nfips_ac *ac = NULL;
	int s;

	if (nfips_ac_build(&ac, pats, AC_TEDDY_MAX, NULL, NULL))
		return -ENOMEM;
	for (s = 0; s <= top; s++) {
		sum = (struct cal_sum){ 0 };
		ac_vector_begin(s);
		nfips_ac_scan_simd(ac, 0, text, CAL_BYTES, cal_match, &sum, s);
		ac_vector_end(s);
		if (s == NFIPS_AC_SCALAR)
			ref = sum;
		else if (sum.count != ref.count || sum.hash != ref.hash)
			run[s] = ~0ULL;
	}
	nfips_ac_free(ac);
	return 0;
}

int nfips_ac_simd_fastest(u64 *ns)
{
	u32 total = CAL_BYTES + CAL_PATTERNS * CAL_PATLEN, x = 0x9e3779b9, i;
	u64 t, run[NFIPS_AC_AVX2 + 1] = { 0 };
	int top = nfips_ac_simd_best(), best = NFIPS_AC_SCALAR, s, r;
	struct cal_sum sum, ref = { 0 };
	struct nfips_ac_pattern *pats;
	struct nfips_ac *ac = NULL;
	u8 *text;

	text = ac_alloc(total);
	pats = ac_zalloc(CAL_PATTERNS * sizeof(*pats));
	if (!text || !pats)
		goto out;
	for (i = 0; i < total; i++)
		text[i] = cal_next(&x);
	for (i = 0; i < CAL_PATTERNS; i++) {
		pats[i].bytes = text + CAL_BYTES + i * CAL_PATLEN;
		/*
		 * Some short, as ET's are: the choice is made for every set,
		 * and the skip loop only some sets take must not make it.
		 */
		pats[i].len = i % 8 ? CAL_PATLEN : 2;
		pats[i].id = i;
		memcpy(text + (i * 251 + 60) % (CAL_BYTES - CAL_PATLEN),
		       pats[i].bytes, CAL_PATLEN);
	}
	if (nfips_ac_build(&ac, pats, CAL_PATTERNS, NULL, NULL))
		goto out;
	/* A small set takes other blocks (Teddy's): exact too, or not taken. */
	if (cal_small_inexact(pats, text, run, top))
		goto out;
	for (r = 0; r < CAL_ROUNDS; r++) {
		for (s = 0; s <= top; s++) {
			sum = (struct cal_sum){ 0 };
			ac_vector_begin(s);
			t = ac_now_ns();
			nfips_ac_scan_simd(ac, 0, text, CAL_BYTES, cal_match,
					   &sum, s);
			t = ac_now_ns() - t;
			ac_vector_end(s);
			if (s == NFIPS_AC_SCALAR)
				ref = sum;
			if (run[s] == ~0ULL)
				continue;
			if (sum.count != ref.count || sum.hash != ref.hash)
				run[s] = ~0ULL;
			else if (!r || t < run[s])
				run[s] = t;
		}
		ac_yield();
	}
	/* Ties go to the narrower one: less state to save. */
	for (s = 1; s <= top; s++)
		if (run[s] < run[best])
			best = s;
	if (ns)
		memcpy(ns, run, sizeof(run));
out:
	nfips_ac_free(ac);
	ac_free(pats);
	ac_free(text);
	return best;
}
