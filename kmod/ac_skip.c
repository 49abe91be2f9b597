// SPDX-License-Identifier: GPL-2.0
/*
 * The prefilter's skip loop (ac_filter.h), for sets of long patterns:
 * Wu-Manber's shift on the filter's domain of two bytes. With the buckets
 * of patterns len (up to eight) bytes long or longer, a window can pass
 * only if the domain at its position len - 1 is one such a pattern has at
 * an offset k < len. Where the last such offset is k, the len - 1 - k
 * windows from this one cannot pass (their position len - 1 falls on
 * offsets beyond k); where there is none, len windows cannot. Shorter
 * patterns, if any, must begin with one of a few first bytes, found eight
 * at a time. Only a window whose shift is 0, or that begins with one of
 * those bytes, is decided whole, by the table: the loop decides what the
 * shift-or decides, with fewer instructions where shifts are long.
 *
 * Costs per byte, in instructions, over printable text (the pairs of
 * bytes 0x20-0x7e, evenly: text meets more of a set's domains than random
 * bytes do): a step 6, a window decided whole 64 (also at each first
 * byte), the search for first bytes (4 * bytes + 4) / 8. Taken, at the
 * cheapest split, if under 5 (the shift-or: about 13): with one or two
 * first bytes, three only where shifts are long. Input that meets whole
 * windows more often than that (made to, say) gets the shift-or instead. Measured with
 * mpm-bench's scalar prefilter on the project's corpus (selftests/bench),
 * natively: the default policy's 31 patterns (split at 3 bytes, one first
 * byte; cost 4.3) at 1.16x the shift-or's speed, 100 long ET patterns
 * (1.9) 1.2x, 1,000 (6.5, not taken) 0.5x; under QEMU's TCG, where the
 * kernel's prefilter is scalar, the default policy's at 1.43x.
 */
#include "ac_filter.h"

#define DEPTH		AC_FILTER_DEPTH
#define DOMAIN		AC_FILTER_DOMAIN
#define LANES		AC_FILTER_LANES
#define NBUCKETS	AC_FILTER_NBUCKETS
#define SKIP_STEP	6
#define SKIP_WINDOW	64
#define SKIP_MAX_COST	5
#define PRINT_LO	0x20
#define PRINT_N		95

struct skip_plan {
	u32 len, nfirst, cost;	/* cost: per byte, times PRINT_N^2 */
	u8 first[AC_SKIP_FIRST];
};

/* The short patterns' first bytes for a split at @len; false if too many. */
static bool skip_firsts(const struct nfips_ac_pattern *pats, u32 npats,
			u32 len, struct skip_plan *sp)
{
	u32 i, j, v;

	sp->nfirst = 0;
	for (i = 0; i < npats; i++) {
		u8 c = pats[i].bytes[0], alt = c;

		if (nfips_ac_filter_depth(&pats[i]) >= len)
			continue;
		if ((pats[i].flags & NFIPS_AC_NOCASE) &&
		    nfips_ac_fold(c) >= 'a' && nfips_ac_fold(c) <= 'z')
			alt = c ^ 0x20;
		for (v = 0; v < 2; v++, c = alt) {
			for (j = 0; j < sp->nfirst && sp->first[j] != c; j++)
				;
			if (j < sp->nfirst)
				continue;
			if (sp->nfirst == AC_SKIP_FIRST)
				return false;
			sp->first[sp->nfirst++] = c;
		}
	}
	return true;
}

/* Bits of the buckets shorter than @len: they take no part in the shifts. */
static void short_bits(const u32 *bdepth, u32 len, u64 *lng)
{
	u32 b;

	memset(lng, 0, LANES * sizeof(*lng));
	for (b = 0; b < NBUCKETS; b++)
		if (bdepth[b] && bdepth[b] < len)
			lng[b / 8] |= 0x0101010101010101ULL << (b % 8);
}

/* Domain @d's shift for a split at @len (@lng: short_bits()). */
static u32 shift_of(const u64 *t, const u64 *lng, u32 len, u32 d)
{
	u64 v = (t[d * LANES] | lng[0]) & (t[d * LANES + 1] | lng[1]);
	u32 k;

	for (k = len; k-- > 0;)
		if ((v >> (8 * (DEPTH - 1 - k)) & 0xff) != 0xff)
			return len - 1 - k;
	return len;
}

/* sp->cost: per byte of printable text, times PRINT_N^2 (below 2^32). */
static void skip_cost(const u64 *t, const u32 *bdepth, struct skip_plan *sp)
{
	u64 lng[LANES], sum = 0, zeros = 0;
	u32 b, s;

	short_bits(bdepth, sp->len, lng);
	for (b = 0; b < PRINT_N * PRINT_N; b++) {
		s = shift_of(t, lng, sp->len,
			     nfips_ac_filter_domain(PRINT_LO + b % PRINT_N,
						    PRINT_LO + b / PRINT_N));
		sum += s;
		zeros += !s;
	}
	sp->cost = (u32)((SKIP_STEP * PRINT_N * PRINT_N + SKIP_WINDOW * zeros) *
			 PRINT_N * PRINT_N / (sum + zeros)) +
		   (sp->nfirst ? 4 * sp->nfirst + 4 : 0) * PRINT_N * PRINT_N / 8 +
		   SKIP_WINDOW * sp->nfirst * PRINT_N;
}

int nfips_ac_skip_build(struct ac_filter *f,
			const struct nfips_ac_pattern *pats, u32 npats,
			const u32 *bdepth, size_t *mem)
{
	struct skip_plan sp = { 0 }, best = { 0 };
	u64 lng[LANES];
	u32 len, i, d;
	u8 *sh;

	for (len = AC_SKIP_MIN; len <= DEPTH; len++) {
		for (i = 0; i < NBUCKETS && bdepth[i] != len; i++)
			;
		if (i == NBUCKETS || !skip_firsts(pats, npats, len, &sp))
			continue;	/* no bucket that deep, or too many */
		sp.len = len;
		skip_cost(f->table, bdepth, &sp);
		if (sp.cost < SKIP_MAX_COST * PRINT_N * PRINT_N &&
		    (!best.len || sp.cost < best.cost))
			best = sp;
	}
	if (!best.len)
		return 0;
	sh = ac_alloc(DOMAIN);
	if (!sh)
		return 0;	/* a speed-up only: the set works without it */
	short_bits(bdepth, best.len, lng);
	for (d = 0; d < DOMAIN; d++)
		sh[d] = shift_of(f->table, lng, best.len, d);
	f->shift = sh;
	f->skip_len = best.len;
	f->nfirst = best.nfirst;
	for (i = 0; i < AC_SKIP_FIRST; i++)
		f->first[i] = 0x0101010101010101ULL *
			      best.first[i < best.nfirst ? i : 0];
	*mem += DOMAIN;
	return 0;
}

/* The reference's verdict on the one window starting at @p. */
static bool window_passes(const u64 *t, const u8 *p)
{
	u64 a = 0, b = 0;
	u32 k;

	/* Byte 7 - k of the entry at offset k, moved up to byte 7. */
	for (k = 0; k < DEPTH; k++) {
		const u64 *e = t + (size_t)LANES *
				   (ac_load_le16(p + k) & (DOMAIN - 1));

		a |= e[0] << (8 * k);
		b |= e[1] << (8 * k);
	}
	return (a & b) >> 56 != 0xff;
}

/* Bytes of @w equal to a byte of @f's first bytes: their high bits. */
static inline u64 firsts_in(const struct ac_filter *f, u64 w)
{
	const u64 low = 0x0101010101010101ULL, high = low << 7;
	u64 hit = 0, x;
	u32 i;

	for (i = 0; i < f->nfirst; i++) {
		x = w ^ f->first[i];
		hit |= (x - low) & ~x;
	}
	return hit & high;
}

/* The first position in [@q, @end) whose byte is a first byte, or @end. */
static u32 next_first(const struct ac_filter *f, const u8 *buf, u32 q,
		      u32 end)
{
	u64 hit;

	if (!f->nfirst)
		return end;
	for (; q + 8 <= end; q += 8) {
		/*
		 * (x - low) & ~x also flags a byte after a borrow: the
		 * lowest flag is exact, and the test below finds it.
		 */
		hit = firsts_in(f, ac_load_le64(buf + q));
		if (hit)
			return q + __builtin_ctzll(hit) / 8;
	}
	for (; q < end; q++)
		if (firsts_in(f, buf[q]) & 0x80)	/* its own byte only */
			return q;
	return end;
}

/*
 * The skip loop's seek. The cursor keeps the next first byte found (plus
 * one; 0: none looked for) and, as its window, the one returned.
 */
u32 nfips_ac_skip_seek(struct ac_filter_cursor *c, u32 from)
{
	const struct ac_filter *f = c->f;
	const u8 *at = c->buf + f->skip_len - 1, *sh = f->shift;
	u32 last = c->len - AC_FILTER_SPAN, q = from, s, limit;
	u32 len = f->skip_len;

	for (;;) {
		if (c->first_at <= q)
			c->first_at = next_first(f, c->buf, q, last + 1) + 1;
		limit = c->first_at - 1;
		/*
		 * Four windows len apart at once while they all skip whole:
		 * their loads are independent, where one at a time waits on
		 * the last (Wu-Manber's loop is bound by load latency).
		 */
		while (q + 4 * len <= limit &&
		       (sh[ac_load_le16(at + q) & (DOMAIN - 1)] &
			sh[ac_load_le16(at + q + len) & (DOMAIN - 1)] &
			sh[ac_load_le16(at + q + 2 * len) & (DOMAIN - 1)] &
			sh[ac_load_le16(at + q + 3 * len) & (DOMAIN - 1)]) == len)
			q += 4 * len;
		while (q < limit) {
			s = sh[ac_load_le16(at + q) & (DOMAIN - 1)];
			if (!s)
				break;
			q += s;
		}
		if (q > limit)
			q = limit;	/* a first byte: decided whole */
		if (q > last)
			break;		/* from here on not decided: passes */
		/*
		 * Windows decided whole cost ten steps each: where they come
		 * more often than one per 16 bytes (input unlike the build's
		 * estimate, or made to hit them at every byte), the shift-or
		 * takes the rest of the buffer, afresh from @from: later
		 * calls may ask from anywhere after it, and its windows
		 * must be decided whole from there.
		 */
		if (++c->wholes > 8 + q / 16) {
			c->noskip = true;
			c->done = 0;
			return nfips_ac_filter_seek(c, from);
		}
		if (window_passes(f->table, c->buf + q))
			break;
		q++;
	}
	c->base = q + AC_FILTER_SPAN - 2;
	c->done = c->base + 1;
	c->mask = 1;
	return q;
}
