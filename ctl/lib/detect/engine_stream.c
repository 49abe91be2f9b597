// SPDX-License-Identifier: GPL-2.0
/*
 * Prefiltering of stream data given with new_from (engine.h): the caller
 * passes the stream so far, or a long window of it, with each packet, so
 * scanning and evaluating all of it each time would make the cost grow
 * with the window. Both stay exact:
 *
 *  - the fast patterns of a direction are scanned once: the matcher
 *    resumes where the previous call stopped (when the new bytes follow
 *    them in the stream), and remembers where each pattern last started,
 *    so a rule is a candidate while its pattern lies in the window;
 *  - when the new bytes are exactly the packet's payload (the common
 *    in-order segment), that one scan also gives the packet's candidates:
 *    the occurrences that start in the new bytes are those of the payload;
 *  - a rule is evaluated on the window only if one of its contents ends
 *    in the new bytes (or it has a positive pcre, or no positive
 *    content): a match ending there must have such a content.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

void seen_free(struct seen *s)
{
	if (!s)
		return;
	free(s->pat);
	free(s->start);
	free(s);
}

static void seen_reset(struct seen *s)
{
	s->m = NULL;
	s->n = 0;
	s->ac = 0;
	s->valid = false;
}

/* Latest start of pattern @pat; linear, flows see few distinct patterns. */
static int seen_put(struct seen *s, uint32_t pat, uint64_t start)
{
	uint32_t i;

	for (i = 0; i < s->n; i++) {
		if (s->pat[i] == pat) {
			if (start > s->start[i])
				s->start[i] = start;
			return 0;
		}
	}
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 16;
		uint32_t *p = realloc(s->pat, cap * sizeof(*p));
		uint64_t *st;

		if (!p)
			return -1;
		s->pat = p;
		st = realloc(s->start, cap * sizeof(*st));
		if (!st)
			return -1;
		s->start = st;
		s->cap = cap;
	}
	s->pat[s->n] = pat;
	s->start[s->n++] = start;
	return 0;
}

struct sscan {
	struct nfips_engine *e;
	const struct pmatch *m;
	struct seen *s;
	uint64_t base;		/* stream offset of the buffer scanned */
	uint64_t pkt_from;	/* stream offset of the packet's payload */
	bool pkt;		/* the new bytes are the packet's payload */
	bool oom;
};

static int on_pattern(void *ctx, uint32_t id, uint32_t end)
{
	struct sscan *c = ctx;
	/* A match may have begun in an earlier call: end is what we have. */
	uint64_t start = c->base + end - c->m->pat_len[id];

	if (seen_put(c->s, id, start))
		c->oom = true;
	/* Wholly in the new bytes, so in the payload: a packet candidate too. */
	if (c->pkt && start >= c->pkt_from)
		cand_mark(c->e, c->m, id, CAND_PKT);
	return 0;
}

static int on_mark(void *ctx, uint32_t id, uint32_t end)
{
	struct sscan *c = ctx;

	(void)end;
	cand_mark(c->e, c->m, id, CAND_STREAM);
	return 0;
}

bool stream_candidates(struct nfips_engine *e, const struct pmatch *m,
		       struct nfips_flowstate *fs, int dir,
		       const struct nfips_stream *st, bool pkt)
{
	struct seen *s = fs->fp[dir];
	struct sscan c = { e, m, NULL, 0, st->stream_off + st->new_from, pkt, false };
	uint64_t win = st->stream_off;
	uint32_t from = st->new_from, i, k;

	if (!s) {
		s = fs->fp[dir] = calloc(1, sizeof(*s));
		if (!s)
			goto full;
	}
	c.s = s;
	/*
	 * Not a continuation of what was scanned (or scanned with another
	 * group's matcher): start over on the window.
	 */
	if (!s->valid || s->end != win + st->new_from || s->m != m) {
		seen_reset(s);
		from = 0;
	}
	s->m = m;
	c.base = win + from;
	s->ac = nfips_ac_scan(m->ac, s->ac, st->data + from, st->len - from, on_pattern, &c);
	s->end = win + st->len;
	s->valid = !c.oom;
	if (c.oom)
		goto full;
	/* Patterns that start before the window have left it. */
	for (i = k = 0; i < s->n; i++) {
		if (s->start[i] < win)
			continue;
		s->pat[k] = s->pat[i];
		s->start[k++] = s->start[i];
		cand_mark(e, m, s->pat[i], CAND_STREAM);
	}
	s->n = k;
	return pkt;
full:	/* out of memory: a plain scan of the whole window */
	if (s)
		seen_reset(s);
	nfips_ac_scan(m->ac, 0, st->data, st->len, on_mark, &c);
	return false;
}

bool stream_new_content(const struct nfips_rule *r, const struct nfips_stream *st)
{
	uint32_t i;
	bool any = false;

	if (!st->new_from)
		return true;
	for (i = 0; i < r->nmatches; i++) {
		const struct nfips_match *m = &r->matches[i];
		const struct nfips_content *c = &m->u.content;
		uint32_t from;

		if (m->type == NFIPS_MATCH_PCRE && !(m->u.pcre.flags & NFIPS_P_NEGATED))
			return true;
		if (m->type != NFIPS_MATCH_CONTENT || (c->flags & NFIPS_C_NEGATED))
			continue;
		any = true;
		from = st->new_from >= c->len ? st->new_from - c->len + 1 : 0;
		if (st->len - from < c->len)
			continue;
		if (c->flags & NFIPS_C_NOCASE) {
			uint32_t p, j;

			for (p = from; p + c->len <= st->len; p++) {
				for (j = 0; j < c->len; j++) {
					uint8_t a = st->data[p + j], b = c->bytes[j];

					if (a >= 'A' && a <= 'Z')
						a = (uint8_t)(a + 32);
					if (b >= 'A' && b <= 'Z')
						b = (uint8_t)(b + 32);
					if (a != b)
						break;
				}
				if (j == c->len)
					return true;
			}
		} else if (memmem(st->data + from, st->len - from, c->bytes, c->len)) {
			return true;
		}
	}
	return !any;
}
