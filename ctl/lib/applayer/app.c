// SPDX-License-Identifier: GPL-2.0
/*
 * A flow's application layer (applayer.h): detection on the first bytes of
 * each direction, trying every registered protocol (protos.c), then the
 * detected protocol's parser fed in stream order.
 */
#include <stdlib.h>

#include "proto.h"

#define MAX_PROTOS	8

struct nfips_app_ctx {
	void *pctx[MAX_PROTOS];	/* each protocol's, by app_protos[] index */
};

struct nfips_app {
	struct nfips_app_ctx *ctx;
	const struct app_proto_ops *ops;	/* the detected protocol's */
	void *state;		/* its parser's */
	bool failed[2];		/* this direction cannot be detected anymore */
	bool gap;		/* bytes were lost: parsing stopped */
	uint64_t fed[2];	/* stream offset up to which the parser has data */
};

_Static_assert(MAX_PROTOS >= NFIPS_ALPROTO_COUNT, "MAX_PROTOS too small");

struct nfips_app_ctx *nfips_app_ctx_new(void)
{
	struct nfips_app_ctx *ctx = calloc(1, sizeof(*ctx));
	unsigned int i;

	if (!ctx)
		return NULL;
	for (i = 0; i < app_nprotos; i++) {
		if (!app_protos[i]->ctx_new)
			continue;
		ctx->pctx[i] = app_protos[i]->ctx_new();
		if (!ctx->pctx[i]) {
			nfips_app_ctx_free(ctx);
			return NULL;
		}
	}
	return ctx;
}

void nfips_app_ctx_free(struct nfips_app_ctx *ctx)
{
	unsigned int i;

	if (!ctx)
		return;
	for (i = 0; i < app_nprotos; i++)
		if (ctx->pctx[i])
			app_protos[i]->ctx_free(ctx->pctx[i]);
	free(ctx);
}

struct nfips_app *nfips_app_new(struct nfips_app_ctx *ctx)
{
	struct nfips_app *a = calloc(1, sizeof(*a));

	if (a)
		a->ctx = ctx;
	return a;
}

void nfips_app_free(struct nfips_app *a)
{
	if (!a)
		return;
	if (a->state)
		a->ops->state_free(a->state);
	free(a);
}

bool nfips_app_no_payload(const struct nfips_app *a)
{
	return a && a->state && a->ops->no_payload && a->ops->no_payload(a->state);
}

enum nfips_alproto nfips_app_proto(const struct nfips_app *a)
{
	return a && a->state ? a->ops->alproto : NFIPS_ALPROTO_NONE;
}

/*
 * Detection on the direction's first bytes (the stream from offset 0):
 * the first protocol that recognises them; the direction fails when none
 * can, waits while one might.
 */
static void detect(struct nfips_app *a, int dir, const struct nfips_stream *st)
{
	unsigned int i;
	int r, res = 0;

	if (a->failed[dir])
		return;
	if (!st->anchored || st->stream_off) {
		a->failed[dir] = true;	/* its start was lost */
		return;
	}
	for (i = 0; i < app_nprotos; i++) {
		r = app_protos[i]->detect(st->data, st->len, dir == 0);
		if (r == 1)
			break;
		if (r < 0)
			res = -1;
	}
	if (i == app_nprotos) {
		if (!res)
			a->failed[dir] = true;
		return;
	}
	a->state = app_protos[i]->state_new(a->ctx->pctx[i]);
	if (a->state)
		a->ops = app_protos[i];
	else
		a->failed[0] = a->failed[1] = true;
}

void nfips_app_catch_up(struct nfips_app *a, int dir, const struct nfips_stream *st,
			uint64_t ts_usec)
{
	uint64_t end;

	if (!a || a->gap || !a->state || !st->len || !st->anchored)
		return;
	end = st->stream_off + st->len;
	if (st->stream_off > a->fed[dir] || end <= a->fed[dir])
		return;
	a->ops->data(a->state, dir, st->data + (a->fed[dir] - st->stream_off),
		     (uint32_t)(end - a->fed[dir]), ts_usec);
	a->fed[dir] = end;
}

void nfips_app_data(struct nfips_app *a, int dir, const struct nfips_stream *st,
		    const struct nfips_stream *other, uint64_t ts_usec)
{
	uint64_t end;

	if (!a || a->gap || !st->len)
		return;
	if (!a->state) {
		detect(a, dir, st);
		/* The other direction's earlier bytes go first, in order. */
		if (other && a->state)
			nfips_app_catch_up(a, !dir, other, ts_usec);
	}
	if (!a->state)
		return;
	end = st->stream_off + st->len;
	if (!st->anchored || st->stream_off > a->fed[dir]) {
		a->gap = true;		/* a hole before these bytes */
		return;
	}
	if (end <= a->fed[dir])
		return;
	a->ops->data(a->state, dir, st->data + (a->fed[dir] - st->stream_off),
		     (uint32_t)(end - a->fed[dir]), ts_usec);
	a->fed[dir] = end;
}

void nfips_app_eof(struct nfips_app *a, uint64_t ts_usec)
{
	if (a && a->state)
		a->ops->eof(a->state, ts_usec);
}

uint32_t nfips_app_ready(struct nfips_app *a, int dir, bool eof,
			 const struct nfips_tx *const **txs)
{
	*txs = NULL;
	if (!a || !a->state)
		return 0;
	return a->ops->ready(a->state, dir, eof, txs);
}
