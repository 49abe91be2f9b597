// SPDX-License-Identifier: GPL-2.0
/*
 * The HTTP buffers of one transaction side, built as Suricata 7's
 * GetData callbacks build them (detect-http-*.c,
 * app-layer-htp-libhtp.c SCHTPGenerateNormalizedUri).
 */
#include <string.h>

#include "http_int.h"

static bool bstr_out(const bstr *b, const uint8_t **data, uint32_t *len)
{
	if (!b)
		return false;
	*data = bstr_ptr(b);
	*len = (uint32_t)bstr_len(b);
	return true;
}

static htp_table_t *headers(const htp_tx_t *tx, int dir)
{
	return dir ? tx->response_headers : tx->request_headers;
}

/* One header's value (libhtp joins repeated ones with ", "). */
static bool header(const htp_tx_t *tx, int dir, const char *name,
		   const uint8_t **data, uint32_t *len)
{
	htp_table_t *t = headers(tx, dir);
	htp_header_t *h;

	if (!t)
		return false;
	h = htp_table_get_c(t, name);
	return h && bstr_out(h->value, data, len);
}

/*
 * The side's progress (libhtp's HTP_REQUEST_* / HTP_RESPONSE_*, which
 * number alike); at the flow's end complete, as Suricata's
 * AppLayerParserGetStateProgress under STREAM_EOF.
 */
static int progress(const struct http_tx *t, int dir)
{
	if (t->eof)
		return HTP_REQUEST_COMPLETE;
	return dir ? (int)t->tx->response_progress : (int)t->tx->request_progress;
}

/*
 * The progress each buffer's inspection engine is registered with in
 * Suricata 7 (DetectAppLayerInspectEngineRegister2 in detect-http-*.c):
 * the engine runs once the transaction reached it and is final (its
 * "eof") once the transaction is past it.
 */
static const uint8_t engine_progress[NFIPS_BUF_COUNT] = {
	[NFIPS_BUF_HTTP_URI] = HTP_REQUEST_LINE,
	[NFIPS_BUF_HTTP_URI_RAW] = HTP_REQUEST_LINE,
	[NFIPS_BUF_HTTP_METHOD] = HTP_REQUEST_LINE,
	[NFIPS_BUF_HTTP_REQUEST_LINE] = HTP_REQUEST_LINE,
	[NFIPS_BUF_HTTP_PROTOCOL] = HTP_REQUEST_LINE,
	[NFIPS_BUF_HTTP_STAT_CODE] = HTP_RESPONSE_LINE,
	[NFIPS_BUF_HTTP_STAT_MSG] = HTP_RESPONSE_LINE,
	[NFIPS_BUF_HTTP_RESPONSE_LINE] = HTP_RESPONSE_LINE,
	[NFIPS_BUF_HTTP_REQUEST_BODY] = HTP_REQUEST_BODY,
	[NFIPS_BUF_HTTP_RESPONSE_BODY] = HTP_RESPONSE_BODY,
	/* http_raw_header: HTP_REQUEST_HEADERS + 1 */
	[NFIPS_BUF_HTTP_HEADER_RAW] = HTP_REQUEST_HEADERS + 1,
	[NFIPS_BUF_HTTP_HEADER] = HTP_REQUEST_HEADERS,
	[NFIPS_BUF_HTTP_HEADER_NAMES] = HTP_REQUEST_HEADERS,
	[NFIPS_BUF_HTTP_COOKIE] = HTP_REQUEST_HEADERS,
	[NFIPS_BUF_HTTP_USER_AGENT] = HTP_REQUEST_HEADERS,
	[NFIPS_BUF_HTTP_HOST] = HTP_REQUEST_HEADERS,
	[NFIPS_BUF_HTTP_HOST_RAW] = HTP_REQUEST_HEADERS,
	[NFIPS_BUF_HTTP_ACCEPT] = HTP_REQUEST_HEADERS,
	[NFIPS_BUF_HTTP_ACCEPT_ENC] = HTP_REQUEST_HEADERS,
	[NFIPS_BUF_HTTP_ACCEPT_LANG] = HTP_REQUEST_HEADERS,
	[NFIPS_BUF_HTTP_CONNECTION] = HTP_REQUEST_HEADERS,
	[NFIPS_BUF_HTTP_CONTENT_TYPE] = HTP_REQUEST_HEADERS,
	[NFIPS_BUF_HTTP_CONTENT_LEN] = HTP_REQUEST_HEADERS,
	[NFIPS_BUF_HTTP_REFERER] = HTP_REQUEST_HEADERS,
	[NFIPS_BUF_HTTP_START] = HTP_REQUEST_HEADERS,
	[NFIPS_BUF_HTTP_SERVER] = HTP_RESPONSE_HEADERS,
	[NFIPS_BUF_HTTP_LOCATION] = HTP_RESPONSE_HEADERS,
};

bool http_final(const struct nfips_tx *view, uint32_t id)
{
	const struct http_side *s = (const struct http_side *)view;

	if (!s->t->tx || id >= NFIPS_BUF_COUNT)
		return true;
	/*
	 * libhtp adds a chunked body's trailer to the headers: Suricata's
	 * http.header engine (DetectEngineInspectBufferHttpHeader) runs from
	 * the headers on but cannot match only once past the trailer.
	 * http.header_names and http.start are final at the headers.
	 */
	if (id == NFIPS_BUF_HTTP_HEADER)
		return progress(s->t, s->dir) > HTP_REQUEST_TRAILER;
	return progress(s->t, s->dir) > engine_progress[id];
}

/* app-layer-event: NFIPS_TXINT_HTTP_EVENT + event, present (1) once raised. */
bool http_get_int(const struct nfips_tx *view, uint32_t id, uint64_t *v)
{
	const struct http_side *s = (const struct http_side *)view;

	if (id < NFIPS_TXINT_HTTP_EVENT || id >= NFIPS_TXINT_HTTP_EVENT + NFIPS_HTTP_EV_COUNT ||
	    !(s->t->events >> (id - NFIPS_TXINT_HTTP_EVENT) & 1))
		return false;
	*v = 1;
	return true;
}

/*
 * DetectEngineAptEventInspect: an event missing fails for good once the
 * side is complete (its progress at the completion status; a flow's end
 * counts as that).
 */
bool http_final_int(const struct nfips_tx *view, uint32_t id)
{
	const struct http_side *s = (const struct http_side *)view;

	(void)id;
	return !s->t->tx || progress(s->t, s->dir) >= HTP_REQUEST_COMPLETE;
}

/* Request or response headers complete (progress past HEADERS). */
static bool headers_done(const struct http_tx *t, int dir)
{
	return progress(t, dir) > HTP_REQUEST_HEADERS;
}

/*
 * The body window of the side handed out now, as Suricata's
 * HttpRequestBodyGetDataCallback / HttpServerBodyGetDataCallback pick
 * it: none without new data; in IDS mode none before the minimal inspect
 * size, the limit or the end; up to that size the whole body, past it
 * the new data with the inspect window before it (or a quarter of it).
 * Each inspection scans the new bytes and at most a window more: linear
 * in the body's size.
 */
void http_body_window(struct http_tx *t, int dir)
{
	const uint32_t min = dir ? HTTP_RES_INSPECT_MIN : HTTP_REQ_INSPECT_MIN;
	const uint32_t win = dir ? HTTP_RES_INSPECT_WIN : HTTP_REQ_INSPECT_WIN;
	const uint32_t len = t->body[dir].len, seen = t->body_insp[dir];

	t->body_win[dir] = false;
	if (dir) {
		/* A response body (file.data too) whole once past the
		 * minimal inspect size, the limit or the end. */
		t->body_off[dir] = 0;
		t->body_win[dir] = len && (progress(t, dir) > HTP_RESPONSE_BODY ||
					   len >= min || len >= HTTP_BODY_LIMIT);
		return;
	}
	if (!t->tx || !len || seen == len)
		return;
	if (!t->body_inline && len < HTTP_BODY_LIMIT && len < min &&
	    progress(t, dir) <= HTP_REQUEST_BODY)
		return;
	t->body_off[dir] = 0;
	if (seen > min) {
		if (len - seen < win)
			t->body_off[dir] = seen < win - (len - seen) ? 0 :
					   seen - (win - (len - seen));
		else
			t->body_off[dir] = seen - win / 4;
	}
	t->body_insp[dir] = len;
	t->body_win[dir] = true;
}

static bool body(const struct http_tx *t, int dir, const uint8_t **data, uint32_t *len)
{
	if (!t->body_win[dir])
		return false;
	*data = t->body[dir].p + t->body_off[dir];
	*len = t->body[dir].len - t->body_off[dir];
	return true;
}

static bool name_is(const htp_header_t *h, const char *n)
{
	size_t l = strlen(n);

	return bstr_len(h->name) == l && !strncasecmp((const char *)bstr_ptr(h->name), n, l);
}

/* path[?query][#fragment] of the normalised URI (uri-include-all: no). */
static int build_uri(struct bytes *b, const htp_tx_t *tx)
{
	const htp_uri_t *u = tx->parsed_uri;

	if (!u)
		return 1;
	if (u->path && bytes_add(b, bstr_ptr(u->path), bstr_len(u->path)))
		return -1;
	if (u->query && (bytes_add(b, "?", 1) ||
			 bytes_add(b, bstr_ptr(u->query), bstr_len(u->query))))
		return -1;
	if (u->fragment && (bytes_add(b, "#", 1) ||
			    bytes_add(b, bstr_ptr(u->fragment), bstr_len(u->fragment))))
		return -1;
	return 0;
}

/*
 * The bytes build_headers() assembles from @n headers of @t: allocated
 * at once, not grown piece by piece (the buffers are assembled again at
 * each hand-out of a side that progressed).
 */
static size_t headers_size(htp_table_t *t, size_t n, int dir, uint32_t id)
{
	size_t i, need = id == NFIPS_BUF_HTTP_HEADER_NAMES ? 4 : 0;

	for (i = 0; i < n; i++) {
		htp_header_t *h = htp_table_get_index(t, i, NULL);

		if (id == NFIPS_BUF_HTTP_HEADER_NAMES)
			need += bstr_len(h->name) + 2;
		else if (id != NFIPS_BUF_HTTP_HEADER || !name_is(h, dir ? "set-cookie" : "cookie"))
			need += bstr_len(h->name) + bstr_len(h->value) + 4;
	}
	return need;
}

/*
 * http.header: "Name: value\r\n" per header but the cookies; http.start:
 * the first line, "\r\n", every header so, "\r\n"; http.header_names:
 * "\r\n", "Name\r\n" per header, "\r\n". 1: no buffer.
 */
static int build_headers(struct bytes *b, const struct http_tx *ht, int dir, uint32_t id)
{
	const htp_tx_t *tx = ht->tx;
	htp_table_t *t = headers(tx, dir);
	const bstr *line = dir ? tx->response_line : tx->request_line;
	size_t i, n;
	int e = 0;

	if (!t || !headers_done(ht, dir))
		return 1;
	n = htp_table_size(t);
	if (id != NFIPS_BUF_HTTP_HEADER && ht->nhdr[dir] && n > ht->nhdr[dir] - 1)
		n = ht->nhdr[dir] - 1;
	if (id == NFIPS_BUF_HTTP_START && !line)
		return 1;
	if (bytes_reserve(b, headers_size(t, n, dir, id) +
			  (id == NFIPS_BUF_HTTP_START ? bstr_len(line) + 4 : 0)))
		return -1;
	if (id == NFIPS_BUF_HTTP_START) {
		e |= bytes_add(b, bstr_ptr(line), bstr_len(line));
		e |= bytes_add(b, "\r\n", 2);
	}
	for (i = 0; i < n; i++) {
		htp_header_t *h = htp_table_get_index(t, i, NULL);

		if (id == NFIPS_BUF_HTTP_HEADER_NAMES) {
			if (!i)
				e |= bytes_add(b, "\r\n", 2);
			e |= bytes_add(b, bstr_ptr(h->name), bstr_len(h->name));
			e |= bytes_add(b, "\r\n", 2);
			if (i + 1 == n)
				e |= bytes_add(b, "\r\n", 2);
			continue;
		}
		if (id == NFIPS_BUF_HTTP_HEADER && name_is(h, dir ? "set-cookie" : "cookie"))
			continue;
		e |= bytes_add(b, bstr_ptr(h->name), bstr_len(h->name));
		e |= bytes_add(b, ": ", 2);
		e |= bytes_add(b, bstr_ptr(h->value), bstr_len(h->value));
		e |= bytes_add(b, "\r\n", 2);
	}
	if (id == NFIPS_BUF_HTTP_START)
		e |= bytes_add(b, "\r\n", 2);
	return e ? -1 : 0;
}

/* Buffers assembled from several fields, cached per transaction. */
static bool built(struct http_tx *t, int dir, uint32_t id, const uint8_t **data,
		  uint32_t *len)
{
	struct bytes *b = &t->built[dir][id];
	int r;

	if (!(t->built_mask[dir] & (1ull << id))) {
		r = id == NFIPS_BUF_HTTP_URI ? build_uri(b, t->tx) :
		    build_headers(b, t, dir, id);
		if (r < 0) {
			bytes_free(b);
			return false;	/* out of memory: not built, not cached */
		}
		t->built_mask[dir] |= 1ull << id;
		if (r)
			t->built_none[dir] |= 1ull << id;
	}
	if (t->built_none[dir] & (1ull << id))
		return false;
	*data = b->p ? b->p : (const uint8_t *)"";
	*len = b->len;
	return true;
}

static bool raw_host(const htp_tx_t *tx, const uint8_t **data, uint32_t *len)
{
	if (tx->parsed_uri && tx->parsed_uri->hostname)
		return bstr_out(tx->parsed_uri->hostname, data, len);
	return header(tx, 0, "Host", data, len);
}

static bool kept(const struct bytes *b, const uint8_t **data, uint32_t *len)
{
	if (!b->len)
		return false;
	*data = b->p;
	*len = b->len;
	return true;
}

bool http_get(const struct nfips_tx *view, uint32_t id, const uint8_t **data, uint32_t *len)
{
	const struct http_side *s = (const struct http_side *)view;
	struct http_tx *t = s->t;
	const htp_tx_t *tx = t->tx;
	const int dir = s->dir;

	if (!tx || id >= NFIPS_BUF_COUNT || progress(t, dir) < engine_progress[id])
		return false;	/* its inspection engine does not run yet */
	switch (id) {
	case NFIPS_BUF_HTTP_URI:
	case NFIPS_BUF_HTTP_HEADER:
	case NFIPS_BUF_HTTP_HEADER_NAMES:
	case NFIPS_BUF_HTTP_START:
		return built(t, dir, id, data, len);
	case NFIPS_BUF_HTTP_URI_RAW: return bstr_out(tx->request_uri, data, len);
	case NFIPS_BUF_HTTP_METHOD: return bstr_out(tx->request_method, data, len);
	case NFIPS_BUF_HTTP_REQUEST_LINE: return bstr_out(tx->request_line, data, len);
	case NFIPS_BUF_HTTP_PROTOCOL:
		return bstr_out(dir ? tx->response_protocol : tx->request_protocol, data, len);
	case NFIPS_BUF_HTTP_STAT_CODE: return bstr_out(tx->response_status, data, len);
	case NFIPS_BUF_HTTP_STAT_MSG: return bstr_out(tx->response_message, data, len);
	case NFIPS_BUF_HTTP_RESPONSE_LINE: return bstr_out(tx->response_line, data, len);
	case NFIPS_BUF_HTTP_HOST: return bstr_out(tx->request_hostname, data, len);
	case NFIPS_BUF_HTTP_HOST_RAW: return raw_host(tx, data, len);
	case NFIPS_BUF_HTTP_HEADER_RAW: return kept(&t->raw_hdr[dir], data, len);
	case NFIPS_BUF_HTTP_REQUEST_BODY:
		return dir == 0 && body(t, 0, data, len);
	case NFIPS_BUF_HTTP_RESPONSE_BODY:
		return dir == 1 && body(t, 1, data, len);
	case NFIPS_BUF_HTTP_COOKIE:
		return header(tx, dir, dir ? "Set-Cookie" : "Cookie", data, len);
	case NFIPS_BUF_HTTP_USER_AGENT: return header(tx, 0, "User-Agent", data, len);
	case NFIPS_BUF_HTTP_ACCEPT: return header(tx, 0, "Accept", data, len);
	case NFIPS_BUF_HTTP_ACCEPT_ENC: return header(tx, 0, "Accept-Encoding", data, len);
	case NFIPS_BUF_HTTP_ACCEPT_LANG: return header(tx, 0, "Accept-Language", data, len);
	case NFIPS_BUF_HTTP_REFERER: return header(tx, 0, "Referer", data, len);
	case NFIPS_BUF_HTTP_CONNECTION: return header(tx, dir, "Connection", data, len);
	case NFIPS_BUF_HTTP_CONTENT_TYPE: return header(tx, dir, "Content-Type", data, len);
	case NFIPS_BUF_HTTP_CONTENT_LEN: return header(tx, dir, "Content-Length", data, len);
	case NFIPS_BUF_HTTP_SERVER: return header(tx, 1, "Server", data, len);
	case NFIPS_BUF_HTTP_LOCATION: return header(tx, 1, "Location", data, len);
	}
	return false;
}

/*
 * A body's bytes by name (struct nfips_tx's ident): t->body only grows
 * by appending (bytes_add; nothing rewrites or drops its bytes until the
 * transaction is freed with its det memory), so the window's start and
 * the body's length name the window's bytes.
 */
bool http_ident(const struct nfips_tx *view, uint32_t id, uint64_t *ident)
{
	const struct http_side *s = (const struct http_side *)view;
	const uint8_t *d;
	uint32_t len;

	if (id != (s->dir ? NFIPS_BUF_HTTP_RESPONSE_BODY : NFIPS_BUF_HTTP_REQUEST_BODY) ||
	    !http_get(view, id, &d, &len))
		return false;
	*ident = (uint64_t)(s->t->body_off[s->dir] + 1ull) << 32 | s->t->body[s->dir].len;
	return true;
}
