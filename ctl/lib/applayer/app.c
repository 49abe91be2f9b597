// SPDX-License-Identifier: GPL-2.0
/*
 * A flow's application layer (applayer.h): detection on the first bytes of
 * each direction, then the detected protocol's parser fed in stream order.
 */
#include <stdlib.h>

#include "dns.h"
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
	/* DNS (dns.h): detection by the flow's server port, as Suricata's
	 * probing parser registered for dp 53 (suricata.yaml) */
	struct nfips_dns *dns;
	uint16_t port;
	bool dns_failed[2];	/* TCP: this direction is not DNS */
	bool udp_tried[2];	/* UDP: its first datagram was probed */
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
	dns_free(a->dns);
	free(a);
}

enum nfips_alproto nfips_app_proto(const struct nfips_app *a)
{
	return a ? a->proto : NFIPS_ALPROTO_NONE;
}

#define DNS_PORT	53

void nfips_app_set_port(struct nfips_app *a, uint16_t server_port)
{
	if (a)
		a->port = server_port;
}

static bool start_dns(struct nfips_app *a)
{
	a->dns = dns_new();
	if (!a->dns) {
		a->failed[0] = a->failed[1] = true;
		return false;
	}
	a->proto = NFIPS_ALPROTO_DNS;
	return true;
}

/*
 * DNS over TCP, when the patterns (HTTP) found nothing: the probe on the
 * first bytes (rs_dns_probe_tcp, 14 at least); more than that and not
 * DNS, the direction is not DNS (Suricata masks the probe past its
 * max_depth). True when the flow became DNS.
 */
static bool detect_dns_tcp(struct nfips_app *a, int dir, const struct nfips_stream *st)
{
	bool req;
	int r;

	if (a->port != DNS_PORT || a->dns_failed[dir])
		return false;
	r = dns_probe_tcp(st->data, st->len, &req);
	if (r == 1)
		return start_dns(a);
	if (st->len > DNS_HDR_LEN + 2)
		a->dns_failed[dir] = true;
	return false;
}

bool nfips_app_udp(struct nfips_app *a, int dir, const uint8_t *d, uint32_t n)
{
	bool req, reverse = false;

	if (!a)
		return false;
	/*
	 * AppLayerHandleUdp: a direction's first datagram is probed (DNS
	 * also on any port once the other direction is DNS); a DNS message
	 * of the other direction's kind reverses the flow.
	 */
	if (!a->udp_tried[dir]) {
		a->udp_tried[dir] = true;
		if ((a->port == DNS_PORT || a->proto == NFIPS_ALPROTO_DNS) &&
		    dns_probe_udp(d, n, &req) == 1 &&
		    (a->proto == NFIPS_ALPROTO_DNS || start_dns(a)))
			reverse = req != (dir == 0);
		if (reverse) {
			/* FlowSwap swaps the directions' detection states */
			a->udp_tried[dir] = a->udp_tried[!dir];
			a->udp_tried[!dir] = true;
		}
	}
	if (a->proto == NFIPS_ALPROTO_DNS)
		dns_udp(a->dns, reverse ? !dir : dir, d, n);
	return reverse;
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
	if (r != 1 && detect_dns_tcp(a, dir, st))
		return;
	if (r == 0 && (a->port != DNS_PORT || a->dns_failed[dir]))
		a->failed[dir] = true;
	if (r != 1)
		return;
	a->http = http_new(a->ctx->htp, !a->ctx->body_ids);
	if (a->http)
		a->proto = NFIPS_ALPROTO_HTTP;
	else
		a->failed[0] = a->failed[1] = true;
}

/* New bytes of direction @dir to the flow's parser. */
static void feed(struct nfips_app *a, int dir, const uint8_t *d, uint32_t n, uint64_t ts)
{
	if (a->http)
		http_data(a->http, dir, d, n, ts);
	else if (a->dns)
		dns_tcp(a->dns, dir, d, n);
}

void nfips_app_catch_up(struct nfips_app *a, int dir, const struct nfips_stream *st,
			uint64_t ts_usec)
{
	uint64_t end;

	if (!a || a->gap || a->proto == NFIPS_ALPROTO_NONE || !st->len || !st->anchored)
		return;
	end = st->stream_off + st->len;
	if (st->stream_off > a->fed[dir] || end <= a->fed[dir])
		return;
	feed(a, dir, st->data + (a->fed[dir] - st->stream_off),
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
		if (other && a->proto != NFIPS_ALPROTO_NONE)
			nfips_app_catch_up(a, !dir, other, ts_usec);
	}
	if (a->proto == NFIPS_ALPROTO_NONE)
		return;
	end = st->stream_off + st->len;
	if (!st->anchored || st->stream_off > a->fed[dir]) {
		/* a hole before these bytes: only DNS goes on after it */
		if (!st->anchored || !dns_gap(a->dns, dir)) {
			a->gap = true;
			return;
		}
		a->fed[dir] = st->stream_off;
	}
	if (end <= a->fed[dir])
		return;
	feed(a, dir, st->data + (a->fed[dir] - st->stream_off),
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
	if (a && a->dns)
		return dns_ready(a->dns, dir, txs);
	if (!a || !a->http)
		return 0;
	return http_ready(a->http, dir, eof, txs);
}
