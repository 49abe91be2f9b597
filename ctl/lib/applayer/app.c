// SPDX-License-Identifier: GPL-2.0
/*
 * A flow's application layer (applayer.h): detection on the first bytes of
 * each direction, then the detected protocol's parser fed in stream order.
 */
#include <stdlib.h>

#include "http_int.h"

struct nfips_app_ctx {
	htp_cfg_t *htp;
	bool body_ids;		/* bodies inspected as in IDS mode */
};

struct nfips_app {
	struct nfips_app_ctx *ctx;
	enum nfips_alproto proto;
	bool failed[2];		/* this direction cannot be HTTP */
	bool gap;		/* bytes were lost: parsing stopped */
	uint64_t fed[2];	/* stream offset up to which the parser has data */
	struct nfips_http *http;
};

struct nfips_app_ctx *nfips_app_ctx_new(void)
{
	struct nfips_app_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->htp = http_cfg_new();
	if (!ctx->htp) {
		free(ctx);
		return NULL;
	}
	return ctx;
}

void nfips_app_ctx_body_inline(struct nfips_app_ctx *ctx, bool on)
{
	ctx->body_ids = !on;
}

void nfips_app_ctx_free(struct nfips_app_ctx *ctx)
{
	if (!ctx)
		return;
	htp_config_destroy(ctx->htp);
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
	http_free(a->http);
	free(a);
}

enum nfips_alproto nfips_app_proto(const struct nfips_app *a)
{
	return a ? a->proto : NFIPS_ALPROTO_NONE;
}

/* Detection on the direction's first bytes (the stream from offset 0). */
static void detect(struct nfips_app *a, int dir, const struct nfips_stream *st)
{
	int r;

	if (a->failed[dir])
		return;
	if (!st->anchored || st->stream_off) {
		a->failed[dir] = true;	/* its start was lost */
		return;
	}
	r = nfips_app_detect_http(st->data, st->len, dir == 0);
	if (r == 0)
		a->failed[dir] = true;
	if (r != 1)
		return;
	a->http = http_new(a->ctx->htp, !a->ctx->body_ids);
	if (a->http)
		a->proto = NFIPS_ALPROTO_HTTP;
	else
		a->failed[0] = a->failed[1] = true;
}

void nfips_app_catch_up(struct nfips_app *a, int dir, const struct nfips_stream *st,
			uint64_t ts_usec)
{
	uint64_t end;

	if (!a || a->gap || a->proto != NFIPS_ALPROTO_HTTP || !st->len || !st->anchored)
		return;
	end = st->stream_off + st->len;
	if (st->stream_off > a->fed[dir] || end <= a->fed[dir])
		return;
	http_data(a->http, dir, st->data + (a->fed[dir] - st->stream_off),
		  (uint32_t)(end - a->fed[dir]), ts_usec);
	a->fed[dir] = end;
}

void nfips_app_data(struct nfips_app *a, int dir, const struct nfips_stream *st,
		    const struct nfips_stream *other, uint64_t ts_usec)
{
	uint64_t end;

	if (!a || a->gap || !st->len)
		return;
	if (a->proto == NFIPS_ALPROTO_NONE) {
		detect(a, dir, st);
		/* The other direction's earlier bytes go first, in order. */
		if (other && a->proto == NFIPS_ALPROTO_HTTP)
			nfips_app_catch_up(a, !dir, other, ts_usec);
	}
	if (a->proto != NFIPS_ALPROTO_HTTP)
		return;
	end = st->stream_off + st->len;
	if (!st->anchored || st->stream_off > a->fed[dir]) {
		a->gap = true;		/* a hole before these bytes */
		return;
	}
	if (end <= a->fed[dir])
		return;
	http_data(a->http, dir, st->data + (a->fed[dir] - st->stream_off),
		  (uint32_t)(end - a->fed[dir]), ts_usec);
	a->fed[dir] = end;
}

void nfips_app_eof(struct nfips_app *a, uint64_t ts_usec)
{
	if (a && a->http)
		http_eof(a->http, ts_usec);
}

uint32_t nfips_app_ready(struct nfips_app *a, int dir, bool eof,
			 const struct nfips_tx *const **txs)
{
	*txs = NULL;
	if (!a || !a->http)
		return 0;
	return http_ready(a->http, dir, eof, txs);
}
