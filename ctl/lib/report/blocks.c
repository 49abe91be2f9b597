// SPDX-License-Identifier: GPL-2.0
/*
 * The report's blocks: what the SOC blocked by hand (nfipsctl block,
 * Documentation/netlink.rst "Blocks") in force during the period or made
 * in it, who did and why, and how each ended. The store keeps one row
 * per block and per unblock (store/blocks.c), never removed by
 * retention; this replays them in order up to the period's end, as the
 * kernel applied them: a block of an address already blocked replaces
 * it (a new expiry), an unblock ends the latest block of its address, a
 * block whose expiry passed ended then.
 */
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "store/store.h"

const char *nfips_report_block_state(enum nfips_report_lang l, int state)
{
	static const enum nfips_report_word w[] = {
		[NFIPS_RBLOCK_IN_FORCE] = W_IN_FORCE,
		[NFIPS_RBLOCK_EXPIRED] = W_EXPIRED,
		[NFIPS_RBLOCK_UNBLOCKED] = W_UNBLOCKED,
		[NFIPS_RBLOCK_REPLACED] = W_REPLACED,
	};

	return nfips_report_word(l, w[state >= 0 && state <= 3 ? state : 0]);
}

struct replay {
	struct nfips_report_block *v;
	size_t n, cap;
	bool oom;
};

static char *dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

/* The latest block of @addr not ended by an unblock or a new block. */
static struct nfips_report_block *current(struct replay *p, const char *addr)
{
	size_t i;

	for (i = p->n; i-- > 0;)
		if (!strcmp(p->v[i].addr, addr))
			return p->v[i].ended ? NULL : &p->v[i];
	return NULL;
}

static int record(void *arg, const struct nfips_store_block *b)
{
	struct replay *p = arg;
	struct nfips_report_block *c = current(p, b->addr), *n;

	/* one that had expired already ended then, whatever comes now */
	if (c && c->until && c->until <= b->ts)
		c = NULL;
	if (b->unblock) {
		if (c) {
			c->state = NFIPS_RBLOCK_UNBLOCKED;
			c->ended = b->ts;
			c->ended_by = dup_or_null(b->by, &p->oom);
			c->ended_reason = dup_or_null(b->reason, &p->oom);
		}
		return p->oom;
	}
	if (c) {
		c->state = NFIPS_RBLOCK_REPLACED;
		c->ended = b->ts;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		void *v = realloc(p->v, cap * sizeof(*p->v));

		if (!v) {
			p->oom = true;
			return 1;
		}
		p->v = v;
		p->cap = cap;
	}
	n = &p->v[p->n++];
	memset(n, 0, sizeof(*n));
	n->addr = dup_or_null(b->addr, &p->oom);
	n->reason = dup_or_null(b->reason, &p->oom);
	n->by = dup_or_null(b->by, &p->oom);
	n->ts = b->ts;
	n->until = b->until;
	return p->oom;
}

static void block_free(struct nfips_report_block *b)
{
	free(b->addr);
	free(b->reason);
	free(b->by);
	free(b->ended_by);
	free(b->ended_reason);
}

int nfips_report_blocks(struct nfips_store *s, struct nfips_report *r, char *err,
			size_t errlen)
{
	struct nfips_store_block_filter f = { .until = r->end };
	struct replay p = { 0 };
	size_t i, k = 0;

	if (nfips_store_blocks(s, &f, record, &p, err, errlen) || p.oom) {
		for (i = 0; i < p.n; i++)
			block_free(&p.v[i]);
		free(p.v);
		return -1;
	}
	for (i = 0; i < p.n; i++) {
		struct nfips_report_block *b = &p.v[i];
		int64_t end = b->ended;

		if (b->state == NFIPS_RBLOCK_IN_FORCE && b->until && b->until <= r->end) {
			b->state = NFIPS_RBLOCK_EXPIRED;
			end = b->until;
		}
		/* made in the period, or ended (if at all) after it began */
		if (b->ts >= r->start || !end || end > r->start)
			p.v[k++] = *b;
		else
			block_free(b);
	}
	r->blocks = p.v;
	r->nblocks = k;
	return 0;
}

void nfips_report_blocks_free(struct nfips_report *r)
{
	size_t i;

	for (i = 0; i < r->nblocks; i++)
		block_free(&r->blocks[i]);
	free(r->blocks);
	r->blocks = NULL;
	r->nblocks = 0;
}
