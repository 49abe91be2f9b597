// SPDX-License-Identifier: GPL-2.0
/*
 * HTTP's app-layer events, raised as Suricata 7.0.10 raises them
 * (app-layer-htp.c): libhtp's log messages after each call that gave it
 * data (HTPHandleError: a message's text names the event by its
 * prefix; one that names none would be unknown_error, but Suricata's
 * test for it (id > 0) drops event 0, so that one is never raised; past
 * 512 messages one too_many_warnings and no more), and the request's flags at its
 * line, at each header line and at its end (HTPErrorCheckTxRequestFlags).
 * An event goes to the message's transaction, or, when libhtp gave none,
 * to the one whose request (or response) is being parsed, at most 255 a
 * transaction (repeats counted), as Suricata keeps. A new event
 * makes the side's transaction ready for the engine again.
 */
#include <string.h>

#include "http_int.h"

#define HTP_MAX_MESSAGES	512

static const struct {
	const char *msg;
	uint8_t ev;
} errors[] = {	/* htp_errors[] */
	{ "GZip decompressor: inflateInit2 failed", NFIPS_HTTP_EV_GZIP_DECOMPRESSION_FAILED },
	{ "Request field invalid: colon missing", NFIPS_HTTP_EV_REQUEST_FIELD_MISSING_COLON },
	{ "Response field invalid: missing colon", NFIPS_HTTP_EV_RESPONSE_FIELD_MISSING_COLON },
	{ "Request chunk encoding: Invalid chunk length", NFIPS_HTTP_EV_INVALID_REQUEST_CHUNK_LEN },
	{ "Response chunk encoding: Invalid chunk length",
	  NFIPS_HTTP_EV_INVALID_RESPONSE_CHUNK_LEN },
	{ "Invalid C-L field in response", NFIPS_HTTP_EV_INVALID_CONTENT_LENGTH_FIELD_IN_RESPONSE },
	{ "Already seen 100-Continue", NFIPS_HTTP_EV_100_CONTINUE_ALREADY_SEEN },
	{ "Unable to match response to request",
	  NFIPS_HTTP_EV_UNABLE_TO_MATCH_RESPONSE_TO_REQUEST },
	{ "Invalid server port information in request",
	  NFIPS_HTTP_EV_INVALID_SERVER_PORT_IN_REQUEST },
	{ "Request buffer over", NFIPS_HTTP_EV_REQUEST_FIELD_TOO_LONG },
	{ "Response buffer over", NFIPS_HTTP_EV_RESPONSE_FIELD_TOO_LONG },
	{ "C-T multipart/byteranges in responses not supported",
	  NFIPS_HTTP_EV_RESPONSE_MULTIPART_BYTERANGES },
	{ "Compression bomb:", NFIPS_HTTP_EV_COMPRESSION_BOMB },
}, warnings[] = {	/* htp_warnings[] */
	{ "GZip decompressor:", NFIPS_HTTP_EV_GZIP_DECOMPRESSION_FAILED },
	{ "Request field invalid", NFIPS_HTTP_EV_REQUEST_HEADER_INVALID },
	{ "Response field invalid", NFIPS_HTTP_EV_RESPONSE_HEADER_INVALID },
	{ "Request header name is not a token", NFIPS_HTTP_EV_REQUEST_HEADER_INVALID },
	{ "Response header name is not a token", NFIPS_HTTP_EV_RESPONSE_HEADER_INVALID },
	{ "Invalid request field folding", NFIPS_HTTP_EV_INVALID_REQUEST_FIELD_FOLDING },
	{ "Invalid response field folding", NFIPS_HTTP_EV_INVALID_RESPONSE_FIELD_FOLDING },
	{ "Request server port=", NFIPS_HTTP_EV_REQUEST_SERVER_PORT_TCP_PORT_MISMATCH },
	{ "Request line: URI contains non-compliant delimiter",
	  NFIPS_HTTP_EV_URI_DELIM_NON_COMPLIANT },
	{ "Request line: non-compliant delimiter between Method and URI",
	  NFIPS_HTTP_EV_METHOD_DELIM_NON_COMPLIANT },
	{ "Request line: leading whitespace", NFIPS_HTTP_EV_REQUEST_LINE_LEADING_WHITESPACE },
	{ "Too many response content encoding layers", NFIPS_HTTP_EV_TOO_MANY_ENCODING_LAYERS },
	{ "C-E gzip has abnormal value", NFIPS_HTTP_EV_ABNORMAL_CE_HEADER },
	{ "C-E deflate has abnormal value", NFIPS_HTTP_EV_ABNORMAL_CE_HEADER },
	{ "C-E unknown setting", NFIPS_HTTP_EV_ABNORMAL_CE_HEADER },
	{ "Excessive request header repetitions", NFIPS_HTTP_EV_REQUEST_HEADER_REPETITION },
	{ "Excessive response header repetitions", NFIPS_HTTP_EV_RESPONSE_HEADER_REPETITION },
	{ "Transfer-encoding has abnormal chunked value",
	  NFIPS_HTTP_EV_RESPONSE_ABNORMAL_TRANSFER_ENCODING },
	{ "Chunked transfer-encoding on HTTP/0.9 or HTTP/1.0",
	  NFIPS_HTTP_EV_RESPONSE_CHUNKED_OLD_PROTO },
	{ "Invalid response line: invalid protocol", NFIPS_HTTP_EV_RESPONSE_INVALID_PROTOCOL },
	{ "Invalid response line: invalid response status",
	  NFIPS_HTTP_EV_RESPONSE_INVALID_STATUS },
	{ "Request line incomplete", NFIPS_HTTP_EV_REQUEST_LINE_INCOMPLETE },
	{ "Unexpected request body", NFIPS_HTTP_EV_REQUEST_BODY_UNEXPECTED },
	{ "LZMA decompressor: memory limit reached", NFIPS_HTTP_EV_LZMA_MEMLIMIT_REACHED },
	{ "Ambiguous request C-L value", NFIPS_HTTP_EV_DUPLICATE_CONTENT_LENGTH_FIELD_IN_REQUEST },
	{ "Ambiguous response C-L value",
	  NFIPS_HTTP_EV_DUPLICATE_CONTENT_LENGTH_FIELD_IN_RESPONSE },
	{ "Request chunk extension", NFIPS_HTTP_EV_REQUEST_CHUNK_EXTENSION },
	{ "Too many request headers", NFIPS_HTTP_EV_REQUEST_TOO_MANY_HEADERS },
	{ "Too many response headers", NFIPS_HTTP_EV_RESPONSE_TOO_MANY_HEADERS },
};

#define N(a) (sizeof(a) / sizeof(a[0]))

static int event_of(const char *msg)
{
	size_t i;

	for (i = 0; i < N(errors); i++)
		if (!strncmp(errors[i].msg, msg, strlen(errors[i].msg)))
			return errors[i].ev;
	for (i = 0; i < N(warnings); i++)
		if (!strncmp(warnings[i].msg, msg, strlen(warnings[i].msg)))
			return warnings[i].ev;
	return NFIPS_HTTP_EV_UNKNOWN_ERROR;
}

static struct http_tx *by_index(struct nfips_http *h, uint64_t index)
{
	struct http_tx *t;

	for (t = h->head; t; t = t->next)
		if (t->index == index)
			return t;
	return NULL;
}

/*
 * AppLayerDecoderEventsSetEventRaw: each raising takes a slot, a repeat
 * too, and a transaction has 255; past them an event is lost.
 */
static void raise_on(struct http_tx *t, int dir, int ev)
{
	const uint64_t bit = 1ull << ev;

	if (t->nraised == UINT8_MAX)
		return;
	t->nraised++;
	if (!(t->events & bit)) {
		t->events |= bit;
		t->gen[dir]++;
	}
}

/*
 * HTPSetEvent: on @t, or without one on the transaction whose request
 * (the last begun) or response (after those answered) @dir is parsing,
 * else the one before it; lost when neither is kept.
 */
static void raise_event(struct nfips_http *h, struct http_tx *t, int dir, int ev)
{
	uint64_t id;

	if (!t) {
		if (dir == 0 && !h->ntx)
			return;
		id = dir ? h->answered : h->ntx - 1;
		t = by_index(h, id);
		if (!t && id)
			t = by_index(h, id - 1);
		if (!t)
			return;
	}
	raise_on(t, dir, ev);
}

void http_events(struct nfips_http *h, int dir)
{
	htp_conn_t *conn = htp_connp_get_connection(h->connp);
	size_t n, i;

	if (!conn || !conn->messages)
		return;
	n = htp_list_size(conn->messages);
	if (n >= HTP_MAX_MESSAGES) {
		if (h->msg_seen < HTP_MAX_MESSAGES) {
			raise_event(h, NULL, dir, NFIPS_HTTP_EV_TOO_MANY_WARNINGS);
			h->msg_seen = HTP_MAX_MESSAGES;
		}
		return;
	}
	for (i = h->msg_seen; i < n; i++) {
		htp_log_t *log = htp_list_get(conn->messages, i);

		int ev = log ? event_of(log->msg) : NFIPS_HTTP_EV_UNKNOWN_ERROR;

		/* "if (id > 0)": unknown_error, event 0, is never raised */
		if (ev != NFIPS_HTTP_EV_UNKNOWN_ERROR)
			raise_event(h, log->tx ? htp_tx_get_user_data(log->tx) : NULL, dir, ev);
	}
	h->msg_seen = n;
}

void http_request_flags(htp_tx_t *tx)
{
	struct http_tx *t = htp_tx_get_user_data(tx);
	static const struct {
		uint64_t flag;
		uint8_t ev;
	} flags[] = {
		{ HTP_REQUEST_INVALID_T_E, NFIPS_HTTP_EV_INVALID_TRANSFER_ENCODING_VALUE_IN_REQUEST },
		{ HTP_REQUEST_INVALID_C_L, NFIPS_HTTP_EV_INVALID_CONTENT_LENGTH_FIELD_IN_REQUEST },
		{ HTP_HOST_MISSING, NFIPS_HTTP_EV_MISSING_HOST_HEADER },
		{ HTP_HOST_AMBIGUOUS, NFIPS_HTTP_EV_HOST_HEADER_AMBIGUOUS },
		{ HTP_HOSTU_INVALID, NFIPS_HTTP_EV_REQUEST_URI_HOST_INVALID },
		{ HTP_HOSTH_INVALID, NFIPS_HTTP_EV_REQUEST_HEADER_HOST_INVALID },
	};
	size_t i;

	if (!t)
		return;
	for (i = 0; i < N(flags); i++)
		if (tx->flags & flags[i].flag)
			raise_on(t, 0, flags[i].ev);
	if (tx->request_auth_type == HTP_AUTH_UNRECOGNIZED)
		raise_on(t, 0, NFIPS_HTTP_EV_REQUEST_AUTH_UNRECOGNIZED);
	if (tx->is_protocol_0_9 && tx->request_method_number == HTP_M_UNKNOWN &&
	    (tx->request_protocol_number == HTP_PROTOCOL_INVALID ||
	     tx->request_protocol_number == HTP_PROTOCOL_UNKNOWN))
		raise_on(t, 0, NFIPS_HTTP_EV_REQUEST_LINE_INVALID);
}
