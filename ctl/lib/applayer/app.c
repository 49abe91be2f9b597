// SPDX-License-Identifier: GPL-2.0
/*
 * A flow's application layer (applayer.h): detection on the first bytes of
 * each direction (the first datagram of each direction over UDP), trying
 * every registered protocol (protos.c), then the detected protocol's
 * parser fed in stream order.
 */
#include <stdlib.h>

#include "http_int.h"

#define MAX_PROTOS	8

struct nfips_app_ctx {
	void *pctx[MAX_PROTOS];	/* each protocol's, by app_protos[] index */
};

struct nfips_app {
	struct nfips_app_ctx *ctx;
	const struct app_proto_ops *ops;	/* the detected protocol's */
	void *state;		/* its parser's */
	bool failed[2];		/* this direction cannot be detected anymore */
	/*
	 * Per direction, the protocols (bit: app_protos[] index) that said
	 * the direction is not theirs: never asked again, as Suricata masks
	 * a probing parser once it refused (or passed its max_depth).
	 */
	uint8_t refused[2];
	bool gap;		/* bytes were lost: parsing stopped */
	uint64_t fed[2];	/* stream offset up to which the parser has data */
	uint16_t port;		/* the flow's server port (struct app_proto_ops's port) */
	bool udp_tried[2];	/* UDP: its first datagram was probed */
	int8_t first_dir;	/* the direction of the flow's first data; -1 none yet */
	/*
	 * Per direction, what its own first bytes said of the flow's
	 * protocol (Suricata's alproto_ts / alproto_tc, for the EVE record
	 * only): DIR_UNKNOWN not yet, DIR_PROTO the flow's, DIR_FAILED not.
	 */
	uint8_t dstat[2];
};

enum { DIR_UNKNOWN, DIR_PROTO, DIR_FAILED };

_Static_assert(MAX_PROTOS >= NFIPS_ALPROTO_COUNT, "MAX_PROTOS too small");
_Static_assert(MAX_PROTOS <= 8, "refused[] holds a bit per protocol");

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

void nfips_app_ctx_body_inline(struct nfips_app_ctx *ctx, bool on)
{
	unsigned int i;

	for (i = 0; i < app_nprotos; i++)
		if (app_protos[i] == &app_http_ops)
			http_ctx_body_inline(ctx->pctx[i], on);
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

	if (a) {
		a->ctx = ctx;
		a->first_dir = -1;
	}
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

bool nfips_app_idle(const struct nfips_app *a)
{
	return a && a->state && a->ops->idle && a->ops->idle(a->state);
}

enum nfips_alproto nfips_app_proto(const struct nfips_app *a)
{
	return a && a->state ? a->ops->alproto : NFIPS_ALPROTO_NONE;
}

void nfips_app_set_port(struct nfips_app *a, uint16_t server_port)
{
	if (a)
		a->port = server_port;
}

/* Protocol @i may be detected on this flow (its port, if it has one). */
static bool port_ok(const struct nfips_app *a, unsigned int i)
{
	return !app_protos[i]->port || app_protos[i]->port == a->port;
}

/* A protocol may still be detected on direction @dir. */
static bool detectable(const struct nfips_app *a, int dir, bool udp)
{
	unsigned int i;

	if (udp ? a->udp_tried[dir] : a->failed[dir])
		return false;
	for (i = 0; i < app_nprotos; i++) {
		const struct app_proto_ops *o = app_protos[i];

		if ((udp ? o->detect_udp != NULL : o->detect && !(a->refused[dir] & (1u << i))) &&
		    port_ok(a, i))
			return true;
	}
	return false;
}

bool nfips_app_udp_settled(const struct nfips_app *a)
{
	int d;

	for (d = 0; d < 2; d++)
		if (!a->udp_tried[d] &&
		    (a->state ? a->ops->detect_udp != NULL : detectable(a, d, true)))
			return false;
	return true;
}

bool nfips_app_proto_final(const struct nfips_app *a, bool udp)
{
	return !a || a->state || (!detectable(a, 0, udp) && !detectable(a, 1, udp));
}

/* The flow is protocol @i from now on; false when out of memory. */
static bool start(struct nfips_app *a, unsigned int i)
{
	a->state = app_protos[i]->state_new(a->ctx->pctx[i]);
	if (!a->state) {
		a->failed[0] = a->failed[1] = true;
		return false;
	}
	a->ops = app_protos[i];
	return true;
}

bool nfips_app_udp(struct nfips_app *a, int dir, const uint8_t *d, uint32_t n)
{
	bool req, reverse = false;
	unsigned int i;

	if (!a)
		return false;
	/*
	 * AppLayerHandleUdp: a direction's first datagram is probed (the
	 * flow's protocol also on any port once the other direction found
	 * it); a message of the other direction's kind reverses the flow.
	 */
	if (!a->udp_tried[dir]) {
		a->udp_tried[dir] = true;
		for (i = 0; i < app_nprotos; i++) {
			const struct app_proto_ops *o = app_protos[i];

			if (!o->detect_udp || (a->state ? o != a->ops : !port_ok(a, i)))
				continue;
			if (o->detect_udp(d, n, &req) != 1)
				continue;
			if (a->state || start(a, i)) {
				reverse = req != (dir == 0);
				a->dstat[dir] = DIR_PROTO;
			}
			break;
		}
		if (a->dstat[dir] != DIR_PROTO)
			a->dstat[dir] = DIR_FAILED;
		if (reverse) {
			/* FlowSwap swaps the directions' detection states */
			uint8_t ds = a->dstat[dir];

			a->udp_tried[dir] = a->udp_tried[!dir];
			a->udp_tried[!dir] = true;
			a->dstat[dir] = a->dstat[!dir];
			a->dstat[!dir] = ds;
		}
	}
	if (a->state && a->ops->udp)
		a->ops->udp(a->state, reverse ? !dir : dir, d, n);
	return reverse;
}

/*
 * Detection on the direction's first bytes (the stream from offset 0):
 * the first protocol, in registration order, that recognises them; the
 * direction fails when none can any more, waits while one might.
 */
static void detect(struct nfips_app *a, int dir, const struct nfips_stream *st)
{
	unsigned int i;
	int r, res = 0;

	if (a->failed[dir])
		return;
	if (!st->anchored || st->stream_off) {
		a->failed[dir] = true;	/* its start was lost */
		a->dstat[dir] = DIR_FAILED;
		return;
	}
	for (i = 0; i < app_nprotos; i++) {
		if (!app_protos[i]->detect || (a->refused[dir] & (1u << i)) || !port_ok(a, i))
			continue;
		r = app_protos[i]->detect(st->data, st->len, dir == 0);
		if (r == 1)
			break;
		if (r < 0)
			res = -1;
		else
			a->refused[dir] |= (uint8_t)(1u << i);
	}
	if (i == app_nprotos) {
		if (!res) {
			a->failed[dir] = true;
			a->dstat[dir] = DIR_FAILED;
		}
		return;
	}
	if (app_protos[i]->toserver_first && a->first_dir == 1) {
		/* DisableAppLayer: no protocol, either way */
		a->failed[0] = a->failed[1] = true;
		return;
	}
	if (start(a, i))
		a->dstat[dir] = DIR_PROTO;
}

/*
 * The flow's protocol is known: what direction @dir's own first bytes
 * say of it (Suricata detects each direction, the second one too).
 */
static void detect_other(struct nfips_app *a, int dir, const struct nfips_stream *st)
{
	int r;

	/* a direction whose start was lost is not detected (nor failed) */
	if (a->dstat[dir] != DIR_UNKNOWN || !a->ops->detect || !st->anchored ||
	    st->stream_off)
		return;
	r = a->ops->detect(st->data, st->len, dir == 0);
	if (r >= 0)
		a->dstat[dir] = r ? DIR_PROTO : DIR_FAILED;
}

/* New bytes of direction @dir's stream to the flow's parser. */
static void feed(struct nfips_app *a, int dir, const struct nfips_stream *st, uint64_t ts)
{
	const uint64_t end = st->stream_off + st->len;

	a->ops->data(a->state, dir, st->data + (a->fed[dir] - st->stream_off),
		     (uint32_t)(end - a->fed[dir]), ts);
	a->fed[dir] = end;
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
	feed(a, dir, st, ts_usec);
}

/* Direction @dir's bytes to the parser, once detected (nfips_app_data). */
static void parse(struct nfips_app *a, int dir, const struct nfips_stream *st,
		  const struct nfips_stream *other, bool catch_up, uint64_t ts_usec)
{
	if (catch_up && a->ops->detected_dir_first) {
		/* from its start: a gap cannot have happened before detection */
		if (st->anchored && !st->stream_off && !a->fed[dir])
			feed(a, dir, st, ts_usec);
		nfips_app_catch_up(a, !dir, other, ts_usec);
	}
	if (!st->anchored || st->stream_off > a->fed[dir]) {
		/* a hole before these bytes: only a parser that accepts gaps goes on */
		if (!st->anchored || !a->ops->gap ||
		    !a->ops->gap(a->state, dir, st->stream_off - a->fed[dir], ts_usec)) {
			a->gap = true;
			return;
		}
		a->fed[dir] = st->stream_off;
	}
	if (st->stream_off + st->len <= a->fed[dir])
		return;
	feed(a, dir, st, ts_usec);
}

void nfips_app_data(struct nfips_app *a, int dir, const struct nfips_stream *st,
		    const struct nfips_stream *other, uint64_t ts_usec)
{
	bool catch_up = false, held = false;

	if (!a || a->gap || !st->len)
		return;
	if (a->first_dir < 0)
		a->first_dir = (int8_t)dir;
	if (!a->state) {
		detect(a, dir, st);
		/* The other direction's earlier bytes go first, in order. */
		catch_up = other && a->state;
		if (catch_up && !a->ops->detected_dir_first) {
			held = a->ops->hold != NULL;
			if (held)
				a->ops->hold(a->state, true);
			nfips_app_catch_up(a, !dir, other, ts_usec);
		}
	}
	if (!a->state)
		return;
	detect_other(a, dir, st);
	parse(a, dir, st, other, catch_up, ts_usec);
	if (held)
		a->ops->hold(a->state, false);
}

void nfips_app_eof(struct nfips_app *a, uint64_t ts_usec)
{
	if (a && a->state && a->ops->eof)
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

/* Suricata's AppProtoToString names. */
static const char *const alproto_names[NFIPS_ALPROTO_COUNT] = {
	[NFIPS_ALPROTO_HTTP] = "http", [NFIPS_ALPROTO_DNS] = "dns",
	[NFIPS_ALPROTO_TLS] = "tls", [NFIPS_ALPROTO_SSH] = "ssh",
	[NFIPS_ALPROTO_FTP] = "ftp", [NFIPS_ALPROTO_SMTP] = "smtp",
};

void nfips_app_eve_protos(const struct nfips_app *a, bool udp, const char *out[3])
{
	int d;

	out[0] = out[1] = out[2] = NULL;
	if (!a)
		return;
	if (!a->state) {
		/*
		 * UDP: the first datagram's probe failing fails the flow.
		 * TCP: when Suricata gives up depends on its pattern depths
		 * and probing parsers, which nfips does not model: nothing
		 * (Documentation/replay.rst, "EVE records").
		 */
		if (udp && (a->udp_tried[0] || a->udp_tried[1]))
			out[0] = "failed";
		return;
	}
	out[0] = alproto_names[a->ops->alproto];
	for (d = 0; d < 2; d++)
		if (a->dstat[d] == DIR_FAILED)
			out[1 + d] = "failed";
}
