// SPDX-License-Identifier: GPL-2.0
/*
 * HTTP/1 through libhtp, configured and fed as Suricata 7 does
 * (app-layer-htp.c: HTPConfigSetDefaultsPhase1/2, the personality and
 * limits of suricata.yaml's libhtp default-config, HTPHandleRequestData /
 * HTPHandleResponseData): raw header lines and bodies are collected by
 * the same callbacks, a request or response that libhtp completes makes
 * its transaction side ready for the engine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

static struct http_tx *tx_of(htp_tx_t *tx)
{
	return tx ? htp_tx_get_user_data(tx) : NULL;
}

/* HTPCallbackRequestStart / ResponseStart: our state for the transaction. */
static int on_tx_start(htp_tx_t *tx)
{
	struct nfips_http *h = htp_connp_get_user_data(tx->connp);
	struct http_tx *t;
	uint64_t index;
	int d;

	if (tx_of(tx))
		return HTP_OK;
	/* libhtp's list index of the transaction (tx->index is set later) */
	index = h->ntx++;
	t = calloc(1, sizeof(*t));
	if (!t)
		return HTP_OK;	/* this transaction is not inspected */
	t->tx = tx;
	t->index = index;
	t->body_inline = h->body_inline;
	for (d = 0; d < 2; d++) {
		t->side[d].view.get = http_get;
		t->side[d].view.final = http_final;
		t->side[d].view.get_int = http_get_int;
		t->side[d].view.final_int = http_final_int;
		t->side[d].view.ident = http_ident;
		t->side[d].view.tx_id = http_tx_id;
		t->side[d].view.eve = http_eve;
		t->side[d].view.det = &t->side[d].det;
		/* a response body is appended to, never rewritten (http_buf.c) */
		if (d)
			t->side[d].view.grows = 1ull << NFIPS_BUF_HTTP_RESPONSE_BODY;
		t->side[d].t = t;
		t->side[d].dir = d;
	}
	if (h->tail)
		h->tail->next = t;
	else
		h->head = t;
	h->tail = t;
	htp_tx_set_user_data(tx, t);
	return HTP_OK;
}

static int hdr_data(htp_tx_data_t *d, int dir)
{
	struct http_tx *t = tx_of(d->tx);

	if (t && d->len) {
		bytes_add(&t->raw_hdr[dir], d->data, d->len);
		t->gen[dir]++;	/* a header line: partial header buffers grew */
	}
	return HTP_OK;
}

/* The request or response line parsed, or the headers complete. */
static int progressed(htp_tx_t *tx, int dir)
{
	struct http_tx *t = tx_of(tx);

	if (t)
		t->gen[dir]++;
	return HTP_OK;
}

static int on_req_line(htp_tx_t *tx)
{
	if (tx->flags)
		http_request_flags(tx);
	return progressed(tx, 0);
}

static int on_req_headers(htp_tx_t *tx)
{
	return progressed(tx, 0);
}

static int on_res_line(htp_tx_t *tx)
{
	return progressed(tx, 1);
}

static int on_res_headers(htp_tx_t *tx)
{
	return progressed(tx, 1);
}

static int on_req_hdr(htp_tx_data_t *d)
{
	int r = hdr_data(d, 0);

	if (d->tx && d->tx->flags)
		http_request_flags(d->tx);
	return r;
}

static int on_res_hdr(htp_tx_data_t *d)
{
	return hdr_data(d, 1);
}

/* HTPCallbackRequestBodyData: kept up to the body limit. */
static int body_data(htp_tx_data_t *d, int dir)
{
	struct http_tx *t = tx_of(d->tx);
	size_t n = d->len;

	if (!t || !d->data || !n)
		return HTP_OK;
	t->file_size[dir] += n;
	if (t->body_seen[dir] < HTTP_BODY_LIMIT) {
		const uint32_t min = dir ? HTTP_RES_INSPECT_MIN : HTTP_REQ_INSPECT_MIN;

		if (t->body_seen[dir] + n > HTTP_BODY_LIMIT)
			n = HTTP_BODY_LIMIT - t->body_seen[dir];
		bytes_add(&t->body[dir], d->data, n);
		/*
		 * New request body data is inspected (a window of it,
		 * http_body_window) inline as it comes, else from the
		 * minimal inspect size on. A response body is inspected
		 * once past that size and again at the limit: not on every
		 * packet between, which would scan up to the limit each time.
		 */
		if (dir == 0 ? t->body_inline || t->body_seen[dir] + n >= min :
		    (t->body_seen[dir] < min && t->body_seen[dir] + n >= min))
			t->gen[dir]++;
		else if (t->body_seen[dir] + n == HTTP_BODY_LIMIT)
			t->gen[dir]++;
	}
	t->body_seen[dir] += (uint32_t)(d->len > UINT32_MAX / 4 ? UINT32_MAX / 4 : d->len);
	if (t->body_seen[dir] > HTTP_BODY_LIMIT)
		t->body_seen[dir] = HTTP_BODY_LIMIT;
	return HTP_OK;
}

static int on_req_body(htp_tx_data_t *d)
{
	return body_data(d, 0);
}

static int on_res_body(htp_tx_data_t *d)
{
	return body_data(d, 1);
}

static int on_req_done(htp_tx_t *tx)
{
	struct http_tx *t = tx_of(tx);

	if (t) {
		t->done[0] = true;
		t->gen[0]++;
	}
	http_request_flags(tx);
	return HTP_OK;
}

static int on_res_done(htp_tx_t *tx)
{
	struct nfips_http *h = htp_connp_get_user_data(tx->connp);
	struct http_tx *t = tx_of(tx);

	h->answered++;
	if (t) {
		t->done[1] = true;
		t->gen[1]++;
	}
	return HTP_OK;
}

htp_cfg_t *http_cfg_new(void)
{
	htp_cfg_t *cfg = htp_config_create();

	if (!cfg)
		return NULL;
	/* HTPConfigSetDefaultsPhase1 */
	htp_config_register_request_header_data(cfg, on_req_hdr);
	htp_config_register_request_trailer_data(cfg, on_req_hdr);
	htp_config_register_response_header_data(cfg, on_res_hdr);
	htp_config_register_response_trailer_data(cfg, on_res_hdr);
	htp_config_register_request_body_data(cfg, on_req_body);
	htp_config_register_response_body_data(cfg, on_res_body);
	htp_config_register_request_start(cfg, on_tx_start);
	htp_config_register_request_line(cfg, on_req_line);
	htp_config_register_request_headers(cfg, on_req_headers);
	htp_config_register_response_line(cfg, on_res_line);
	htp_config_register_response_headers(cfg, on_res_headers);
	htp_config_register_request_complete(cfg, on_req_done);
	htp_config_register_response_start(cfg, on_tx_start);
	htp_config_register_response_complete(cfg, on_res_done);
	htp_config_set_parse_request_cookies(cfg, 0);
	htp_config_set_plusspace_decode(cfg, HTP_DECODER_URLENCODED, 0);
	htp_config_set_request_decompression(cfg, 1);
	htp_config_set_lzma_layers(cfg, 0);
	htp_config_set_lzma_memlimit(cfg, 1048576);
	htp_config_set_compression_bomb_limit(cfg, 1048576);
	htp_config_set_compression_time_limit(cfg, 100000);
	htp_config_set_max_tx(cfg, 512);
	htp_config_set_number_headers_limit(cfg, 1024);
	htp_config_set_field_limits(cfg, 9000, 18000);
	/* suricata.yaml: personality IDS (the path's case kept), two layers */
	htp_config_set_server_personality(cfg, HTP_SERVER_IDS);
	htp_config_set_convert_lowercase(cfg, HTP_DECODER_URL_PATH, 0);
	htp_config_set_response_decompression_layer_limit(cfg, 2);
	return cfg;
}

struct nfips_http *http_new(htp_cfg_t *cfg, bool body_inline)
{
	struct nfips_http *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->connp = htp_connp_create(cfg);
	if (!h->connp) {
		free(h);
		return NULL;
	}
	h->body_inline = body_inline;
	htp_connp_set_user_data(h->connp, h);
	htp_connp_open(h->connp, NULL, 0, NULL, 0, NULL);
	return h;
}

/*
 * Side @dir's assembled buffers, rebuilt after it progressed. Only those
 * of built_mask hold anything (built() frees what it could not finish):
 * going through all NFIPS_BUF_COUNT at every progress was 640,000
 * bytes_free calls on the bench capture.
 */
static void forget_built(struct http_tx *t, int dir)
{
	uint64_t m = t->built_mask[dir];

	while (m) {
		bytes_free(&t->built[dir][__builtin_ctzll(m)]);
		m &= m - 1;
	}
	t->built_mask[dir] = 0;
	t->built_none[dir] = 0;
}

static void tx_free_bufs(struct http_tx *t)
{
	uint32_t i;

	for (i = 0; i < 2; i++) {
		bytes_free(&t->raw_hdr[i]);
		bytes_free(&t->body[i]);
		forget_built(t, (int)i);
	}
	nfips_txdet_free(&t->side[0].det);
	nfips_txdet_free(&t->side[1].det);
}

void http_free(struct nfips_http *h)
{
	struct http_tx *t, *n;

	if (!h)
		return;
	htp_connp_destroy_all(h->connp);
	for (t = h->head; t; t = n) {
		n = t->next;
		tx_free_bufs(t);
		free(t);
	}
	bytes_free(&h->pending[0]);
	bytes_free(&h->pending[1]);
	free(h->ready);
	free(h);
}

static htp_time_t tv(uint64_t ts)
{
	htp_time_t t = { (time_t)(ts / 1000000), (suseconds_t)(ts % 1000000) };

	return t;
}

/*
 * libhtp reported an error: Suricata's parser returns APP_LAYER_ERROR,
 * which disables the flow's application layer (StreamTcpDisableAppLayer):
 * neither direction is parsed again, and libhtp is never closed, so a
 * transaction stays as far as it got (its headers not inspected when the
 * error came before their end, as with an invalid Content-Length).
 */
static void failed(struct nfips_http *h)
{
	h->broken[0] = h->broken[1] = true;
	h->failed = true;
}

/*
 * One direction's data to libhtp. HTP_STREAM_DATA_OTHER: it needs the
 * other direction first (a CONNECT's response): the rest waits, retried
 * after the other direction's next data, as Suricata's "incomplete"
 * app-layer result does.
 */
static void feed(struct nfips_http *h, int dir, const uint8_t *d, uint32_t n,
		 const htp_time_t *t)
{
	size_t used;
	int r;

	if (h->broken[dir])
		return;
	r = dir ? htp_connp_res_data(h->connp, t, d, n) : htp_connp_req_data(h->connp, t, d, n);
	if (n)
		http_events(h, dir);
	if (r == HTP_STREAM_ERROR) {
		failed(h);
		return;
	}
	if (r != HTP_STREAM_DATA_OTHER)
		return;
	used = dir ? htp_connp_res_data_consumed(h->connp) : htp_connp_req_data_consumed(h->connp);
	if (used < n && bytes_add(&h->pending[dir], d + used, n - used))
		h->broken[dir] = true;
}

void http_data(struct nfips_http *h, int dir, const uint8_t *d, uint32_t n, uint64_t ts)
{
	htp_time_t t = tv(ts);
	struct bytes p;

	if (h->closed || h->broken[dir])
		return;
	if (h->pending[dir].len) {
		if (bytes_add(&h->pending[dir], d, n)) {
			h->broken[dir] = true;
			return;
		}
		p = h->pending[dir];
		memset(&h->pending[dir], 0, sizeof(p));
		feed(h, dir, p.p, p.len, &t);
		bytes_free(&p);
	} else {
		feed(h, dir, d, n, &t);
	}
	/* What the other direction left waiting may go on now. */
	if (h->pending[!dir].len) {
		p = h->pending[!dir];
		memset(&h->pending[!dir], 0, sizeof(p));
		feed(h, !dir, p.p, p.len, &t);
		bytes_free(&p);
	}
}

/*
 * @n bytes of direction @dir were lost (a gap of the reassembly). As
 * Suricata's HTPHandleRequestData/ResponseData with a gap slice, libhtp
 * gets them as data NULL with their length: inside a body it counts
 * them and goes on with the next request or response (0.5.50 skips
 * them elsewhere too); if it reports an error, the direction is parsed
 * no more, as Suricata's parser then stops. Data libhtp left waiting
 * for the other direction cannot have a hole after it: that too ends
 * the direction. False when the direction is parsed no more.
 */
bool http_gap(struct nfips_http *h, int dir, uint64_t n, uint64_t ts)
{
	htp_time_t t = tv(ts);
	int r;

	if (h->closed || h->broken[dir])
		return false;
	if (h->pending[dir].len || n > SIZE_MAX) {
		h->broken[dir] = true;
		return false;
	}
	r = dir ? htp_connp_res_data(h->connp, &t, NULL, (size_t)n) :
		  htp_connp_req_data(h->connp, &t, NULL, (size_t)n);
	if (n)
		http_events(h, dir);
	if (r == HTP_STREAM_ERROR)
		failed(h);
	else if (r == HTP_STREAM_DATA_OTHER)
		h->broken[dir] = true;
	return !h->broken[dir];
}

/* HTPHandle*Data with APP_LAYER_PARSER_EOF: libhtp closes both sides. */
void http_eof(struct nfips_http *h, uint64_t ts)
{
	htp_time_t t = tv(ts);

	struct http_tx *x;

	if (h->closed || h->failed)
		return;
	h->closed = true;
	htp_connp_req_close(h->connp, &t);
	htp_connp_close(h->connp, &t);
	/* As Suricata's STREAM_EOF: the progress counts as complete. */
	for (x = h->head; x; x = x->next)
		x->eof = true;
}

static bool started(const struct http_tx *t, int dir)
{
	if (!t->tx)
		return false;
	return dir ? t->tx->response_progress > HTP_RESPONSE_NOT_STARTED :
		     t->tx->request_progress > HTP_REQUEST_NOT_STARTED;
}

/*
 * Transactions at the head inspected both ways and complete are freed,
 * libhtp's too, as Suricata frees them (HTPStateTransactionFree, then
 * htp_connp_tx_freed): libhtp counts live transactions against its limit
 * of 512 per connection, so a long keep-alive connection goes on being
 * parsed. Called before handing out new ones: the engine is done with
 * what the previous call handed out.
 */
static void reap(struct nfips_http *h)
{
	struct http_tx *t;
	bool freed = false;

	while ((t = h->head) && t->taken[0] && t->taken[1] && t->done[0] && t->done[1]) {
		if (t->tx) {
			htp_tx_set_user_data(t->tx, NULL);
			if (htp_tx_destroy(t->tx) != HTP_OK) {
				htp_tx_set_user_data(t->tx, t);
				break;
			}
			freed = true;
		}
		h->head = t->next;
		if (!h->head)
			h->tail = NULL;
		tx_free_bufs(t);
		free(t);
	}
	if (freed)
		htp_connp_tx_freed(h->connp);
}

/*
 * A side is handed out whenever it progressed since it was last (so that
 * a rule on the URI acts on the packet that completed the request line,
 * not at the end of the body), and for the last time once complete, or
 * at the flow's end however far it got.
 */
uint32_t http_ready(struct nfips_http *h, int dir, bool eof, const struct nfips_tx *const **out)
{
	struct http_tx *t;
	uint32_t n = 0;

	reap(h);
	for (t = h->head; t; t = t->next) {
		/* Both sides inspected (by earlier calls): only the flags stay. */
		if (t->taken[0] && t->taken[1]) {
			tx_free_bufs(t);
			continue;
		}
		/* Inspected for the last time by an earlier call: the
		 * engine's memory of it is no longer needed. */
		if (t->taken[dir])
			nfips_txdet_free(&t->side[dir].det);
		/*
		 * A side not begun has nothing to inspect, but an event on its
		 * transaction: Suricata's app-layer-event engine runs from
		 * progress 0 (a response not begun: pipelined requests).
		 */
		if (t->taken[dir] || (!started(t, dir) && !t->events) ||
		    (!eof && t->gen[dir] == t->handed[dir]))
			continue;
		if (n == h->ready_cap) {
			uint32_t cap = h->ready_cap ? h->ready_cap * 2 : 8;
			const struct nfips_tx **v = realloc(h->ready, cap * sizeof(*v));

			if (!v)
				break;
			h->ready = v;
			h->ready_cap = cap;
		}
		forget_built(t, dir);
		if (!t->nhdr[dir] && t->tx && (dir ? t->tx->response_progress :
					       t->tx->request_progress) > HTP_REQUEST_HEADERS) {
			htp_table_t *hd = dir ? t->tx->response_headers : t->tx->request_headers;

			t->nhdr[dir] = (hd ? (uint32_t)htp_table_size(hd) : 0) + 1;
		}
		t->handed[dir] = t->gen[dir];
		t->taken[dir] = eof || t->done[dir];
		http_body_window(t, dir);
		h->ready[n++] = &t->side[dir].view;
	}
	*out = (const struct nfips_tx *const *)h->ready;
	return n;
}

/* The HTTP protocol's operations (proto.h). */
struct http_ctx {
	htp_cfg_t *htp;
	bool body_ids;		/* bodies inspected as in IDS mode */
};

static void *ctx_new(void)
{
	struct http_ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->htp = http_cfg_new();
	if (!c->htp) {
		free(c);
		return NULL;
	}
	return c;
}

static void ctx_free(void *ctx)
{
	struct http_ctx *c = ctx;

	htp_config_destroy(c->htp);
	free(c);
}

void http_ctx_body_inline(void *ctx, bool on)
{
	((struct http_ctx *)ctx)->body_ids = !on;
}

static void *state_new(void *ctx)
{
	const struct http_ctx *c = ctx;

	return http_new(c->htp, !c->body_ids);
}

static void state_free(void *h)
{
	http_free(h);
}

static void data(void *h, int dir, const uint8_t *d, uint32_t n, uint64_t ts)
{
	http_data(h, dir, d, n, ts);
}

static void end(void *h, uint64_t ts)
{
	http_eof(h, ts);
}

/* A direction libhtp cannot resume stays broken; the other goes on. */
static bool gap(void *h, int dir, uint64_t n, uint64_t ts)
{
	http_gap(h, dir, n, ts);
	return true;
}

static uint32_t ready(void *h, int dir, bool eof, const struct nfips_tx *const **txs)
{
	return http_ready(h, dir, eof, txs);
}

const struct app_proto_ops app_http_ops = {
	.alproto = NFIPS_ALPROTO_HTTP,
	.detect = nfips_app_detect_http,
	.ctx_new = ctx_new,
	.ctx_free = ctx_free,
	.state_new = state_new,
	.state_free = state_free,
	.data = data,
	.gap = gap,
	.eof = end,
	.ready = ready,
};
