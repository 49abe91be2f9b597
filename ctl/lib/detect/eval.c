// SPDX-License-Identifier: GPL-2.0
/*
 * Payload and header keyword evaluation (eval.h). The payload part follows
 * the structure of Suricata's recursive content inspection so that the
 * same rule finds the same matches, including its corner cases (which
 * occurrences are retried, when the search gives up, how distance and
 * within combine, negated endswith); comments name the Suricata source of
 * each rule of thumb.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

/* Suricata's defaults (detect-pcre.h, detect-engine.c). */
#define PCRE_MATCH_LIMIT	3500
#define PCRE_DEPTH_LIMIT	1500
#define INSPECT_LIMIT		3000
/* With new_from every occurrence is tried: allow a larger search. */
#define INSPECT_LIMIT_NEW	100000

struct nfips_eval {
	pcre2_match_data *md;
	pcre2_match_context *limited, *unlimited;
};

struct nfips_eval *nfips_eval_new(uint32_t match_limit, uint32_t depth_limit)
{
	struct nfips_eval *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return NULL;
	/* Captures are never used: the first pair is the whole match. */
	ev->md = pcre2_match_data_create(1, NULL);
	ev->limited = pcre2_match_context_create(NULL);
	ev->unlimited = pcre2_match_context_create(NULL);
	if (!ev->md || !ev->limited || !ev->unlimited) {
		nfips_eval_free(ev);
		return NULL;
	}
	pcre2_set_match_limit(ev->limited, match_limit ? match_limit : PCRE_MATCH_LIMIT);
	pcre2_set_depth_limit(ev->limited, depth_limit ? depth_limit : PCRE_DEPTH_LIMIT);
	return ev;
}

void nfips_eval_free(struct nfips_eval *ev)
{
	if (!ev)
		return;
	pcre2_match_data_free(ev->md);
	pcre2_match_context_free(ev->limited);
	pcre2_match_context_free(ev->unlimited);
	free(ev);
}

bool nfips_cmp_u32(const struct nfips_u32cmp *c, uint32_t v)
{
	switch (c->op) {
	case NFIPS_CMP_EQ: return v == c->a;
	case NFIPS_CMP_NE: return v != c->a;
	case NFIPS_CMP_LT: return v < c->a;
	case NFIPS_CMP_LE: return v <= c->a;
	case NFIPS_CMP_GT: return v > c->a;
	case NFIPS_CMP_GE: return v >= c->a;
	case NFIPS_CMP_RANGE: return v > c->a && v < c->b;
	}
	return false;
}

/* ---- payload ------------------------------------------------------- */

struct ictx {
	const struct nfips_rule *r;
	const uint8_t *buf;
	uint32_t len;
	uint32_t new_from;
	uint64_t base;
	bool all;		/* new_from set: try every occurrence */
	uint32_t bufid;		/* only the matches of this buffer */
	bool b64;		/* ... of its base64_data list, or not */
	uint32_t boff;		/* Suricata's det_ctx->buffer_offset */
	uint32_t pcre_start;	/* ... and pcre_match_start_offset */
	uint32_t steps, limit;
	struct nfips_eval *ev;
	/* byte_extract values (Suricata's det_ctx->byte_values) */
	uint64_t vals[NFIPS_MAX_BYTE_VARS];
};

static inline uint8_t lc(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* First occurrence of n in h, or NULL. */
static const uint8_t *find(const uint8_t *h, uint32_t hl, const uint8_t *n,
			   uint32_t nl, bool nocase)
{
	uint32_t i, j;
	uint8_t f;

	if (nl > hl)
		return NULL;
	if (!nocase)
		return memmem(h, hl, n, nl);
	f = lc(n[0]);
	for (i = 0; i + nl <= hl; i++) {
		if (lc(h[i]) != f)
			continue;
		for (j = 1; j < nl && lc(h[i + j]) == lc(n[j]); j++)
			;
		if (j == nl)
			return h + i;
	}
	return NULL;
}

static int step(struct ictx *c, uint32_t i, int64_t end);

/* The rule's last keyword matched: is the match new enough? */
static int leaf(const struct ictx *c, int64_t end)
{
	if (!c->new_from)
		return 1;
	if (end < 0)
		end = c->len;
	return end > c->new_from ? 1 : 0;
}

/* The buffer's next match after @i (its keywords are a list of their own). */
static uint32_t next_idx(const struct ictx *c, uint32_t i)
{
	while (i < c->r->nmatches &&
	       (c->r->matches[i].buf != c->bufid || c->r->matches[i].b64 != c->b64))
		i++;
	return i;
}

static int next(struct ictx *c, uint32_t i, int64_t end)
{
	uint32_t j = next_idx(c, i + 1);

	return j == c->r->nmatches ? leaf(c, end) : step(c, j, end);
}

static int content(struct ictx *c, uint32_t i, int64_t end)
{
	const struct nfips_match *m = &c->r->matches[i];
	const struct nfips_content *cd = &m->u.content;
	const bool neg = cd->flags & NFIPS_C_NEGATED;
	const bool rel = cd->flags & NFIPS_C_RELATIVE;
	const bool retry = (m->mflags & NFIPS_M_RETRY) || (c->all && !neg);
	/* A negated content nothing depends on decides alone (IS_SINGLE). */
	const bool single = !rel && !(m->mflags & NFIPS_M_RELNEXT) &&
			    !(cd->flags & (NFIPS_C_DEPTH | NFIPS_C_OFFSET | NFIPS_C_STARTSWITH));
	uint32_t prev_boff = c->boff, prev_offset = 0;

	for (;;) {
		uint32_t depth = c->len, offset = 0, mend;
		const uint8_t *found = NULL;

		if (rel) {
			int32_t distance = (cd->flags & NFIPS_C_DISTANCE) ? cd->distance : 0;
			uint32_t within = (uint32_t)cd->within;

			/* Variables are read as Suricata casts them (32 bits). */
			if (cd->flags & NFIPS_C_DISTANCE_VAR)
				distance = (int32_t)(uint32_t)c->vals[cd->distance];
			if (cd->flags & NFIPS_C_WITHIN_VAR)
				within = (uint32_t)c->vals[cd->within];
			offset = prev_boff;
			if (cd->flags & NFIPS_C_DISTANCE) {
				if (distance < 0 && (uint32_t)-(int64_t)distance > offset)
					offset = 0;
				else
					offset += (uint32_t)distance;
			}
			/* Signed as in Suricata: a negative window end wraps and is clamped below. */
			if ((cd->flags & NFIPS_C_WITHIN) &&
			    (int32_t)depth > (int32_t)(prev_boff + within + (uint32_t)distance))
				depth = prev_boff + within + (uint32_t)distance;
		} else {
			uint64_t d = 0, o = cd->offset;

			if (cd->flags & (NFIPS_C_DEPTH_VAR | NFIPS_C_OFFSET_VAR)) {
				/*
				 * Suricata (detect-engine-content-inspection.c): the
				 * depth (a variable, else the stored end) plus the
				 * offset (a variable, else the constant), in 32 bits.
				 */
				uint32_t dv = 0;

				o = (cd->flags & NFIPS_C_OFFSET_VAR) ?
				    (uint32_t)c->vals[cd->offset] : cd->offset;
				if (cd->flags & NFIPS_C_DEPTH_VAR)
					dv = (uint32_t)c->vals[cd->depth];
				else if (cd->flags & NFIPS_C_DEPTH)
					dv = cd->depth;	/* already offset's index + depth */
				if (cd->flags & NFIPS_C_DEPTH) {
					d = (uint32_t)(dv + (uint32_t)o);
					if (!d)
						goto miss;
				}
			} else if (cd->flags & NFIPS_C_STARTSWITH)
				d = cd->len;	/* "same as depth:<pattern length>" */
			else if (cd->flags & NFIPS_C_DEPTH)
				d = (uint64_t)cd->offset + cd->depth;
			if (c->base) {	/* positions count from the stream start */
				o = o > c->base ? o - c->base : 0;
				if (d)
					d = d > c->base ? d - c->base : 0;
				if ((cd->flags & (NFIPS_C_DEPTH | NFIPS_C_STARTSWITH)) && !d)
					goto miss;
			}
			if (d)
				depth = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
			offset = o > UINT32_MAX ? UINT32_MAX : (uint32_t)o;
			prev_boff = 0;
		}
		if (prev_offset)
			offset = prev_offset;
		if (depth > c->len)
			depth = c->len;
		if (offset > depth || depth == 0)
			goto miss;
		if (!((cd->flags & NFIPS_C_ENDSWITH) && depth < c->len))
			found = find(c->buf + offset, depth - offset, cd->bytes, cd->len,
				     cd->flags & NFIPS_C_NOCASE);
		if (!found) {
			if (neg)
				return next(c, i, end);
			/*
			 * Independent of earlier matches: no occurrence at all
			 * (Suricata gives up). When every occurrence is tried,
			 * only the first search says that; earlier keywords may
			 * still move on.
			 */
			return rel || (c->all && prev_offset) ? 0 : -1;
		}
		mend = (uint32_t)(found - c->buf) + cd->len;
		if (neg) {
			/* Suricata compares the window length with the match end here. */
			if ((cd->flags & NFIPS_C_ENDSWITH) && depth - offset != mend)
				return next(c, i, end);
			return single ? -1 : 0;
		}
		c->boff = mend;
		if (!(cd->flags & NFIPS_C_ENDSWITH) || mend == c->len) {
			int r = next(c, i, end > mend ? end : mend);

			if (r)
				return r;
			if (!retry)
				return -1;	/* nothing later depends on where this is */
		}
		prev_offset = mend - (cd->len - 1);
	}
miss:
	return neg ? next(c, i, end) : 0;
}

/* DetectPcrePayloadMatch: 1 match, 0 none; *mend the match end or -1. */
static int pcre_once(struct ictx *c, const struct nfips_pcre *pe, int64_t *mend)
{
	const uint32_t ptr = (pe->flags & NFIPS_P_RELATIVE) ? c->boff : 0;
	int64_t start = c->pcre_start ? (int64_t)c->pcre_start - ptr : 0;
	PCRE2_SIZE *ov;
	int ret;

	*mend = -1;
	if (start < 0)
		start = 0;
	ret = pcre2_match(pe->code, c->buf + ptr, c->len - ptr, (PCRE2_SIZE)start, 0,
			  c->ev->md,
			  (pe->flags & NFIPS_P_MATCH_LIMIT) ? c->ev->unlimited : c->ev->limited);
	if (ret >= 0) {
		if (pe->flags & NFIPS_P_NEGATED)
			return 0;
		ov = pcre2_get_ovector_pointer(c->ev->md);
		c->boff = ptr + (uint32_t)ov[1];
		c->pcre_start = ptr + (uint32_t)ov[0] + 1;
		*mend = c->boff;
		return 1;
	}
	/* A match error (limits) is no match, negated or not. */
	return ret == PCRE2_ERROR_NOMATCH && (pe->flags & NFIPS_P_NEGATED);
}

static int pcre(struct ictx *c, uint32_t i, int64_t end)
{
	const struct nfips_match *m = &c->r->matches[i];
	const struct nfips_pcre *pe = &m->u.pcre;
	const bool retry = (m->mflags & NFIPS_M_RETRY) || c->all;
	const uint32_t prev_boff = c->boff;
	uint32_t prev_start;
	int64_t mend;
	int r;

	c->pcre_start = 0;
	for (;;) {
		if (!pcre_once(c, pe, &mend))
			return 0;
		if (mend < end)
			mend = end;
		if (!retry)
			return next(c, i, mend);
		prev_start = c->pcre_start;
		r = next(c, i, mend);
		if (r)
			return r;
		if (!prev_start)
			return 0;	/* negated pcre: no other occurrence */
		c->boff = prev_boff;
		c->pcre_start = prev_start;
	}
}

static int isdataat(struct ictx *c, uint32_t i, int64_t end)
{
	const struct nfips_isdataat *id = &c->r->matches[i].u.isdataat;
	const bool neg = id->flags & NFIPS_I_NEGATED;
	/* A variable's failure is not final: earlier keywords may move on. */
	const int fail = (id->flags & NFIPS_I_VAR) ? 0 : -1;
	uint64_t n = id->n;

	if (id->flags & NFIPS_I_VAR) {
		n = c->vals[id->n];
		if (n >= 100000000)	/* Suricata: "very big" */
			return neg ? next(c, i, end) : 0;
	}
	if (id->flags & NFIPS_I_RELATIVE) {
		/* 32-bit sum in Suricata (buffer_offset + dataat) */
		if ((uint32_t)(c->boff + (uint32_t)n) > c->len)
			return neg ? next(c, i, end) : fail;
		return neg ? 0 : next(c, i, end);
	}
	if (n < c->base + c->len)
		return neg ? fail : next(c, i, end);
	return neg ? next(c, i, end) : fail;
}

/* ByteExtractStringUint64: strtoull over at most n characters. */
static bool str_num(const uint8_t *p, uint32_t n, uint8_t base, uint64_t *v)
{
	char buf[24], *endp;

	memcpy(buf, p, n);
	buf[n] = 0;
	errno = 0;
	*v = strtoull(buf, &endp, base);
	return !errno && endp != buf;
}

/*
 * byte_test of 0 bytes with string: ByteExtractString then hands strtoull
 * the buffer itself, not a copy of n characters, so the number runs to
 * the first character that is not part of it (white space, a sign and a
 * 0x before it as strtoull takes them). Suricata's read may go past the
 * buffer's end; this one stops there.
 */
static bool str_num_rest(const uint8_t *p, uint32_t n, uint8_t base, uint64_t *v)
{
	uint32_t k = 0, from;
	uint64_t x = 0;
	bool neg = false, over = false;
	unsigned int d;

	while (k < n && (p[k] == ' ' || (p[k] >= '\t' && p[k] <= '\r')))
		k++;
	if (k < n && (p[k] == '+' || p[k] == '-'))
		neg = p[k++] == '-';
	if ((base == 16 || !base) && n - k > 2 && p[k] == '0' && (p[k + 1] | 0x20) == 'x' &&
	    isxdigit(p[k + 2])) {
		k += 2;
		base = 16;
	} else if (!base) {
		base = k < n && p[k] == '0' ? 8 : 10;
	}
	for (from = k; k < n; k++) {
		if (p[k] >= '0' && p[k] <= '9')
			d = p[k] - '0';
		else if ((p[k] | 0x20) >= 'a' && (p[k] | 0x20) <= 'z')
			d = (p[k] | 0x20) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		over |= x > (UINT64_MAX - d) / base;
		x = x * base + d;
	}
	*v = neg ? -x : x;
	return k > from && !over;
}

static uint64_t bin_num(const uint8_t *p, uint32_t n, bool little)
{
	uint64_t v = 0;
	uint32_t k;

	for (k = 0; k < n; k++)
		v |= (uint64_t)p[little ? k : n - 1 - k] << (8 * k);
	return v;
}

/*
 * Where byte_test/byte_jump read: *pos, or false when the bytes are not
 * all in the buffer (detect-bytetest.c / detect-bytejump.c).
 */
static bool byte_pos(const struct ictx *c, uint32_t flags, int32_t offset,
		     uint32_t nbytes, int64_t *pos)
{
	int64_t p = offset, len;

	if (flags & NFIPS_B_RELATIVE)
		p += c->boff;
	else
		p -= (int64_t)c->base;
	len = (int64_t)c->len - p;
	if ((flags & NFIPS_B_RELATIVE) && len <= 0)
		return false;
	if (p < 0 || (int64_t)nbytes > len)
		return false;
	*pos = p;
	return true;
}

/*
 * A number of bytes given as a variable, checked as Suricata's extraction
 * does when the rule runs: 1..8 bytes, 1..23 characters with string.
 */
static bool var_nbytes(const struct ictx *c, uint32_t flags, uint8_t idx, uint32_t *n)
{
	int32_t v = (int32_t)c->vals[idx];

	if (v < 1 || v > ((flags & NFIPS_B_STRING) ? 23 : 8))
		return false;
	*n = (uint32_t)v;
	return true;
}

static int byte_test(struct ictx *c, uint32_t i, int64_t end)
{
	const struct nfips_bytetest *bt = &c->r->matches[i].u.bytetest;
	uint64_t v, value = bt->value;
	uint32_t nbytes = bt->nbytes;
	int32_t offset = bt->offset;
	int64_t pos;
	bool match = false;

	if (bt->flags & NFIPS_B_VALUE_VAR)
		value = c->vals[bt->value];
	if (bt->flags & NFIPS_B_OFFSET_VAR)
		offset = (int32_t)c->vals[bt->offset];
	if ((bt->flags & NFIPS_B_NBYTES_VAR) && !var_nbytes(c, bt->flags, bt->nbytes, &nbytes))
		return 0;
	if (!c->len || !byte_pos(c, bt->flags, offset, nbytes, &pos))
		return 0;
	if ((bt->flags & NFIPS_B_STRING) && !nbytes) {
		if (!str_num_rest(c->buf + pos, c->len - (uint32_t)pos, bt->base, &v))
			return 0;
	} else if (bt->flags & NFIPS_B_STRING) {
		if (!str_num(c->buf + pos, nbytes, bt->base, &v))
			return 0;
	} else {
		v = bin_num(c->buf + pos, nbytes, bt->flags & NFIPS_B_LITTLE);
	}
	if (bt->flags & NFIPS_B_BITMASK) {
		v &= bt->bitmask;
		if (v && bt->shift)
			v >>= bt->shift;
	}
	switch (bt->op) {
	case NFIPS_BT_LT: match = v < value; break;
	case NFIPS_BT_GT: match = v > value; break;
	case NFIPS_BT_EQ: match = v == value; break;
	case NFIPS_BT_AND: match = (v & value) != 0; break;
	case NFIPS_BT_XOR: match = (v ^ value) != 0; break;
	case NFIPS_BT_GE: match = v >= value; break;
	case NFIPS_BT_LE: match = v <= value; break;
	}
	if (match == !!(bt->flags & NFIPS_B_NEGATED))
		return 0;
	return next(c, i, end);
}

static int byte_jump(struct ictx *c, uint32_t i, int64_t end)
{
	const struct nfips_bytejump *bj = &c->r->matches[i].u.bytejump;
	uint64_t v;
	int64_t pos, jump;
	uint32_t nbytes = bj->nbytes, ext;
	int32_t offset = bj->offset;

	if (bj->flags & NFIPS_B_OFFSET_VAR)
		offset = (int32_t)c->vals[bj->offset];
	if ((bj->flags & NFIPS_B_NBYTES_VAR) && !var_nbytes(c, bj->flags, bj->nbytes, &nbytes))
		return 0;
	ext = nbytes;
	if (!c->len || !byte_pos(c, bj->flags, offset, nbytes, &pos))
		return 0;
	if (bj->flags & NFIPS_B_STRING) {
		char buf[24], *endp;

		memcpy(buf, c->buf + pos, nbytes);
		buf[nbytes] = 0;
		errno = 0;
		v = strtoull(buf, &endp, bj->base);
		if (errno || endp == buf)
			return 0;
		ext = (uint32_t)(endp - buf);	/* characters actually used */
	} else {
		v = bin_num(c->buf + pos, nbytes, bj->flags & NFIPS_B_LITTLE);
	}
	v *= bj->multiplier;
	if ((bj->flags & NFIPS_B_ALIGN) && v % 4)
		v += 4 - v % 4;
	v += (uint64_t)(int64_t)bj->post_offset;
	if (bj->flags & NFIPS_B_BEGIN)
		jump = (int64_t)v - (int64_t)c->base;
	else if (bj->flags & NFIPS_B_END)
		jump = (int64_t)c->len + (int64_t)v;
	else
		jump = pos + (int64_t)v + ext;
	/* Before the buffer: clamped to its start; at or past its end: no match. */
	if (jump < 0)
		jump = 0;
	else if (jump >= (int64_t)c->len)
		return 0;
	c->boff = (uint32_t)jump;
	return next(c, i, end);
}

/*
 * byte_extract (detect-byte-extract.c DetectByteExtractDoMatch): read as
 * byte_test does, multiply, align, store, and move the relative position
 * past the bytes (characters) used.
 */
static int byte_extract(struct ictx *c, uint32_t i, int64_t end)
{
	const struct nfips_byteextract *be = &c->r->matches[i].u.byteextract;
	uint64_t v;
	int64_t pos;
	uint32_t ext = be->nbytes;

	if (!c->len || !be->nbytes || !byte_pos(c, be->flags, be->offset, be->nbytes, &pos))
		return 0;
	if (be->flags & NFIPS_B_STRING) {
		char buf[24], *endp;

		memcpy(buf, c->buf + pos, be->nbytes);
		buf[be->nbytes] = 0;
		errno = 0;
		v = strtoull(buf, &endp, be->base);
		if (errno || endp == buf)
			return 0;
		ext = (uint32_t)(endp - buf);
	} else {
		v = bin_num(c->buf + pos, be->nbytes, be->flags & NFIPS_B_LITTLE);
	}
	v *= be->multiplier;
	if ((be->flags & NFIPS_B_ALIGN) && v % be->align)
		v += be->align - v % be->align;
	c->vals[be->var] = v;
	c->boff = (uint32_t)(pos + ext);
	return next(c, i, end);
}

/*
 * base64_decode (detect-engine-content-inspection.c): decode, then the
 * base64_data keywords on the decoded bytes; their match ends the
 * buffer's inspection in a match (the keywords after base64_decode in
 * the buffer are not inspected), anything else fails it.
 */
static int base64(struct ictx *c, uint32_t i, int64_t end)
{
	const struct nfips_b64decode *d = &c->r->matches[i].u.b64decode;
	struct ictx in = *c;
	const uint8_t *p = c->buf;
	uint32_t n = c->len, first;
	uint8_t *out;
	int r;

	if (d->relative) {
		p += c->boff;
		n -= c->boff;
	}
	if (d->offset) {
		if (d->offset >= n)
			return 0;
		p += d->offset;
		n -= d->offset;
	}
	if (n > d->bytes)
		n = d->bytes;
	in.b64 = true;
	first = next_idx(&in, 0);
	if (!n || first == c->r->nmatches)
		return 0;	/* Suricata 7.0: no base64_data, no match */
	out = malloc((size_t)n + 3);
	if (!out)
		return -1;
	in.len = nfips_b64_decode(p, n, out);
	in.buf = out;
	in.new_from = 0;
	in.all = false;
	in.base = 0;
	r = in.len ? step(&in, first, -1) : 0;
	c->steps = in.steps;
	memcpy(c->vals, in.vals, sizeof(c->vals));
	free(out);
	if (r != 1)
		return r;
	return leaf(c, end);
}

static int step(struct ictx *c, uint32_t i, int64_t end)
{
	if (++c->steps >= c->limit)
		return -1;
	switch (c->r->matches[i].type) {
	case NFIPS_MATCH_CONTENT: return content(c, i, end);
	case NFIPS_MATCH_PCRE: return pcre(c, i, end);
	case NFIPS_MATCH_ISDATAAT: return isdataat(c, i, end);
	case NFIPS_MATCH_BYTE_TEST: return byte_test(c, i, end);
	case NFIPS_MATCH_BYTE_JUMP: return byte_jump(c, i, end);
	case NFIPS_MATCH_BYTE_EXTRACT: return byte_extract(c, i, end);
	case NFIPS_MATCH_BASE64_DECODE: return base64(c, i, end);
	}
	return -1;
}

int nfips_eval_payload(struct nfips_eval *ev, const struct nfips_rule *r,
		       const struct nfips_buf *b)
{
	struct ictx c = {
		.r = r, .buf = b->data, .len = b->len, .new_from = b->new_from,
		.base = b->base, .all = b->new_from > 0, .ev = ev,
		.limit = b->new_from ? INSPECT_LIMIT_NEW : INSPECT_LIMIT,
		.bufid = b->buf_id,
	};
	uint32_t first = next_idx(&c, 0);

	if (first == r->nmatches)
		return 1;
	/*
	 * Suricata does not inspect an empty packet or stream at all; an
	 * app-layer buffer that exists but is empty (a header sent without
	 * a value) is inspected: a negated content matches it.
	 */
	if (!b->buf_id && (!b->len || b->new_from >= b->len))
		return 0;
	return step(&c, first, -1) == 1;
}

/* ---- header -------------------------------------------------------- */

static bool bits_match(uint8_t pbits, const struct nfips_pktcheck *k, bool tcp)
{
	uint8_t f;

	if (tcp && !k->bits && pbits)	/* flags:0 on a packet with flags */
		return k->mod == NFIPS_BITS_NOT;
	f = pbits & k->keep;
	switch (k->mod) {
	case NFIPS_BITS_ANY:
		return (f & k->bits) != 0;
	case NFIPS_BITS_PLUS:
		/* fragbits+ also wants some other bit (detect-fragbits.c). */
		return (f & k->bits) == k->bits && (tcp || f != k->bits);
	case NFIPS_BITS_NOT:
		return (f & k->bits) != k->bits;
	case NFIPS_BITS_EXACT:
		break;
	}
	return f == k->bits;
}

static bool icmp_echo_like(const struct nfips_pkt *p)
{
	static const uint8_t v4[] = { 0, 8, 13, 14, 15, 16, 17, 18 };
	unsigned i;

	if (p->proto == IPPROTO_ICMPV6)
		return p->icmp_type == 128 || p->icmp_type == 129;
	for (i = 0; i < sizeof(v4); i++)
		if (p->icmp_type == v4[i])
			return true;
	return false;
}

static bool pkt_kw(const struct nfips_pktcheck *k, const struct nfips_pkt *p)
{
	const bool v4 = p->family == 4, tcp = p->proto == IPPROTO_TCP;
	const bool icmp = p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6;

	/* Header keywords never match flow-end pseudo packets. */
	if (!p->pcap_cnt)
		return k->kw == NFIPS_PK_STREAM_SIZE;
	switch (k->kw) {
	case NFIPS_PK_TTL: return nfips_cmp_u32(&k->cmp, p->ttl);
	case NFIPS_PK_TOS: return v4 && nfips_cmp_u32(&k->cmp, p->tos);
	case NFIPS_PK_ID: return v4 && nfips_cmp_u32(&k->cmp, p->ip_id);
	case NFIPS_PK_FRAGBITS: return v4 && bits_match(p->ip_flags, k, false);
	case NFIPS_PK_ITYPE: return icmp && nfips_cmp_u32(&k->cmp, p->icmp_type);
	case NFIPS_PK_ICODE: return icmp && nfips_cmp_u32(&k->cmp, p->icmp_code);
	case NFIPS_PK_ICMP_ID:
		return icmp && icmp_echo_like(p) && nfips_cmp_u32(&k->cmp, p->icmp_id);
	case NFIPS_PK_ICMP_SEQ:
		return icmp && icmp_echo_like(p) && nfips_cmp_u32(&k->cmp, p->icmp_seq);
	case NFIPS_PK_FLAGS: return tcp && bits_match(p->tcp_flags, k, true);
	case NFIPS_PK_SEQ: return tcp && nfips_cmp_u32(&k->cmp, p->tcp_seq);
	case NFIPS_PK_ACK: return tcp && nfips_cmp_u32(&k->cmp, p->tcp_ack);
	case NFIPS_PK_WINDOW: return tcp && nfips_cmp_u32(&k->cmp, p->tcp_win);
	case NFIPS_PK_STREAM_SIZE: return true;	/* the engine's, with the flow */
	}
	return false;
}

bool nfips_eval_header_kw(const struct nfips_rule *r, const struct nfips_pkt *p)
{
	uint32_t i;

	if ((r->flags & NFIPS_R_DSIZE) && !nfips_cmp_u32(&r->dsize, p->payload_len))
		return false;
	if (r->has_ipproto && !nfips_cmp_u32(&r->ipproto, p->proto))
		return false;
	for (i = 0; i < r->npkt; i++)
		if (!pkt_kw(&r->pkt[i], p))
			return false;
	return true;
}

bool nfips_eval_stream_size(const struct nfips_rule *r, const struct nfips_pkt *p,
			    const struct nfips_flow *f)
{
	uint32_t i;

	for (i = 0; i < r->npkt; i++) {
		const struct nfips_pktcheck *k = &r->pkt[i];
		bool s, c;

		if (k->kw != NFIPS_PK_STREAM_SIZE)
			continue;
		if (p->proto != IPPROTO_TCP || !f || !f->tcp_sizes)
			return false;
		s = nfips_cmp_u32(&k->cmp, f->server_size);
		c = nfips_cmp_u32(&k->cmp, f->client_size);
		switch (k->which) {
		case NFIPS_SSIZE_SERVER: if (!s) return false; break;
		case NFIPS_SSIZE_CLIENT: if (!c) return false; break;
		case NFIPS_SSIZE_BOTH: if (!(s && c)) return false; break;
		case NFIPS_SSIZE_EITHER: if (!(s || c)) return false; break;
		}
	}
	return true;
}

static bool addr_in(const struct nfips_addrset *s, const struct nfips_pkt *p,
		    const uint8_t a[16])
{
	uint32_t v4;

	if (s->any)
		return true;
	if (p->family == 6)
		return nfips_addrset_has6(s, a);
	memcpy(&v4, a, 4);
	return nfips_addrset_has4(s, ntohl(v4));
}

bool nfips_eval_header(const struct nfips_rule *r, const struct nfips_pkt *p,
		       bool rev)
{
	const uint8_t *src = rev ? p->dst : p->src, *dst = rev ? p->src : p->dst;
	uint16_t sp = rev ? p->dport : p->sport, dp = rev ? p->sport : p->dport;

	switch (r->proto) {
	case NFIPS_PROTO_IP:
		break;
	case NFIPS_PROTO_TCP:
	case NFIPS_PROTO_TCP_PKT:
	case NFIPS_PROTO_TCP_STREAM:
		if (p->proto != IPPROTO_TCP)
			return false;
		break;
	case NFIPS_PROTO_UDP:
		if (p->proto != IPPROTO_UDP)
			return false;
		break;
	case NFIPS_PROTO_ICMP:	/* "icmp" covers ICMPv6 too */
		if (p->proto != IPPROTO_ICMP && p->proto != IPPROTO_ICMPV6)
			return false;
		break;
	case NFIPS_PROTO_OTHER:
		return false;
	}
	/*
	 * Ports are TCP's, UDP's and SCTP's only, and unknown on a fragment:
	 * Suricata checks a rule's ports on nothing else (a negated port does
	 * not match ICMP, ESP, GRE ...), as the kernel's header check.
	 */
	if ((!r->sport.any || !r->dport.any) &&
	    (p->fragment || (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP &&
			     p->proto != IPPROTO_SCTP)))
		return false;
	if (!r->sport.any && !nfips_portset_has(&r->sport, sp))
		return false;
	if (!r->dport.any && !nfips_portset_has(&r->dport, dp))
		return false;
	return addr_in(&r->src, p, src) && addr_in(&r->dst, p, dst);
}
