// SPDX-License-Identifier: GPL-2.0
/*
 * app-layer-event (detect-app-layer-event.c): PROTO.EVENT names an event
 * of a protocol's parser, raised on a transaction. HTTP's events are
 * evaluated (the transaction's integer NFIPS_TXINT_HTTP_EVENT + event,
 * ctl/lib/applayer/http_event.c raises them as Suricata 7.0.10 does);
 * other protocols' events and the protocol-detection events without a
 * protocol (applayer_*) are skip reasons.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "rule_int.h"

/* http_decoder_event_table (app-layer-htp.c); matched without case */
static const char *const http_events[NFIPS_HTTP_EV_COUNT] = {
	[NFIPS_HTTP_EV_UNKNOWN_ERROR] = "unknown_error",
	[NFIPS_HTTP_EV_GZIP_DECOMPRESSION_FAILED] = "gzip_decompression_failed",
	[NFIPS_HTTP_EV_REQUEST_FIELD_MISSING_COLON] = "request_field_missing_colon",
	[NFIPS_HTTP_EV_RESPONSE_FIELD_MISSING_COLON] = "response_field_missing_colon",
	[NFIPS_HTTP_EV_INVALID_REQUEST_CHUNK_LEN] = "invalid_request_chunk_len",
	[NFIPS_HTTP_EV_INVALID_RESPONSE_CHUNK_LEN] = "invalid_response_chunk_len",
	[NFIPS_HTTP_EV_INVALID_TRANSFER_ENCODING_VALUE_IN_REQUEST] = "invalid_transfer_encoding_value_in_request",
	[NFIPS_HTTP_EV_INVALID_TRANSFER_ENCODING_VALUE_IN_RESPONSE] = "invalid_transfer_encoding_value_in_response",
	[NFIPS_HTTP_EV_INVALID_CONTENT_LENGTH_FIELD_IN_REQUEST] = "invalid_content_length_field_in_request",
	[NFIPS_HTTP_EV_INVALID_CONTENT_LENGTH_FIELD_IN_RESPONSE] = "invalid_content_length_field_in_response",
	[NFIPS_HTTP_EV_DUPLICATE_CONTENT_LENGTH_FIELD_IN_REQUEST] = "duplicate_content_length_field_in_request",
	[NFIPS_HTTP_EV_DUPLICATE_CONTENT_LENGTH_FIELD_IN_RESPONSE] = "duplicate_content_length_field_in_response",
	[NFIPS_HTTP_EV_100_CONTINUE_ALREADY_SEEN] = "100_continue_already_seen",
	[NFIPS_HTTP_EV_UNABLE_TO_MATCH_RESPONSE_TO_REQUEST] = "unable_to_match_response_to_request",
	[NFIPS_HTTP_EV_INVALID_SERVER_PORT_IN_REQUEST] = "invalid_server_port_in_request",
	[NFIPS_HTTP_EV_INVALID_AUTHORITY_PORT] = "invalid_authority_port",
	[NFIPS_HTTP_EV_REQUEST_HEADER_INVALID] = "request_header_invalid",
	[NFIPS_HTTP_EV_RESPONSE_HEADER_INVALID] = "response_header_invalid",
	[NFIPS_HTTP_EV_MISSING_HOST_HEADER] = "missing_host_header",
	[NFIPS_HTTP_EV_HOST_HEADER_AMBIGUOUS] = "host_header_ambiguous",
	[NFIPS_HTTP_EV_INVALID_REQUEST_FIELD_FOLDING] = "invalid_request_field_folding",
	[NFIPS_HTTP_EV_INVALID_RESPONSE_FIELD_FOLDING] = "invalid_response_field_folding",
	[NFIPS_HTTP_EV_REQUEST_FIELD_TOO_LONG] = "request_field_too_long",
	[NFIPS_HTTP_EV_RESPONSE_FIELD_TOO_LONG] = "response_field_too_long",
	[NFIPS_HTTP_EV_FILE_NAME_TOO_LONG] = "file_name_too_long",
	[NFIPS_HTTP_EV_REQUEST_LINE_INVALID] = "request_line_invalid",
	[NFIPS_HTTP_EV_REQUEST_BODY_UNEXPECTED] = "request_body_unexpected",
	[NFIPS_HTTP_EV_REQUEST_SERVER_PORT_TCP_PORT_MISMATCH] = "request_server_port_tcp_port_mismatch",
	[NFIPS_HTTP_EV_REQUEST_URI_HOST_INVALID] = "request_uri_host_invalid",
	[NFIPS_HTTP_EV_REQUEST_HEADER_HOST_INVALID] = "request_header_host_invalid",
	[NFIPS_HTTP_EV_REQUEST_AUTH_UNRECOGNIZED] = "request_auth_unrecognized",
	[NFIPS_HTTP_EV_REQUEST_HEADER_REPETITION] = "request_header_repetition",
	[NFIPS_HTTP_EV_RESPONSE_HEADER_REPETITION] = "response_header_repetition",
	[NFIPS_HTTP_EV_DOUBLE_ENCODED_URI] = "double_encoded_uri",
	[NFIPS_HTTP_EV_URI_DELIM_NON_COMPLIANT] = "uri_delim_non_compliant",
	[NFIPS_HTTP_EV_METHOD_DELIM_NON_COMPLIANT] = "method_delim_non_compliant",
	[NFIPS_HTTP_EV_REQUEST_LINE_LEADING_WHITESPACE] = "request_line_leading_whitespace",
	[NFIPS_HTTP_EV_TOO_MANY_ENCODING_LAYERS] = "too_many_encoding_layers",
	[NFIPS_HTTP_EV_ABNORMAL_CE_HEADER] = "abnormal_ce_header",
	[NFIPS_HTTP_EV_RESPONSE_MULTIPART_BYTERANGES] = "response_multipart_byteranges",
	[NFIPS_HTTP_EV_RESPONSE_ABNORMAL_TRANSFER_ENCODING] = "response_abnormal_transfer_encoding",
	[NFIPS_HTTP_EV_RESPONSE_CHUNKED_OLD_PROTO] = "response_chunked_old_proto",
	[NFIPS_HTTP_EV_RESPONSE_INVALID_PROTOCOL] = "response_invalid_protocol",
	[NFIPS_HTTP_EV_RESPONSE_INVALID_STATUS] = "response_invalid_status",
	[NFIPS_HTTP_EV_REQUEST_LINE_INCOMPLETE] = "request_line_incomplete",
	[NFIPS_HTTP_EV_LZMA_MEMLIMIT_REACHED] = "lzma_memlimit_reached",
	[NFIPS_HTTP_EV_COMPRESSION_BOMB] = "compression_bomb",
	[NFIPS_HTTP_EV_RANGE_INVALID] = "range_invalid",
	[NFIPS_HTTP_EV_REQUEST_CHUNK_EXTENSION] = "request_chunk_extension",
	[NFIPS_HTTP_EV_REQUEST_TOO_MANY_HEADERS] = "request_too_many_headers",
	[NFIPS_HTTP_EV_RESPONSE_TOO_MANY_HEADERS] = "response_too_many_headers",
	[NFIPS_HTTP_EV_MULTIPART_GENERIC_ERROR] = "multipart_generic_error",
	[NFIPS_HTTP_EV_MULTIPART_NO_FILEDATA] = "multipart_no_filedata",
	[NFIPS_HTTP_EV_MULTIPART_INVALID_HEADER] = "multipart_invalid_header",
	[NFIPS_HTTP_EV_TOO_MANY_WARNINGS] = "too_many_warnings",
	[NFIPS_HTTP_EV_FAILED_PROTOCOL_CHANGE] = "failed_protocol_change",
};

/*
 * Raised by Suricata only from what nfips does not do: request files
 * (multipart, file names, ranges), protocol changes (CONNECT, h2c) and
 * double decoding (off by default): a rule on one would never match here.
 */
static bool never_raised(unsigned int ev)
{
	switch (ev) {
	case NFIPS_HTTP_EV_FILE_NAME_TOO_LONG:
	case NFIPS_HTTP_EV_RANGE_INVALID:
	case NFIPS_HTTP_EV_MULTIPART_GENERIC_ERROR:
	case NFIPS_HTTP_EV_MULTIPART_NO_FILEDATA:
	case NFIPS_HTTP_EV_MULTIPART_INVALID_HEADER:
	case NFIPS_HTTP_EV_FAILED_PROTOCOL_CHANGE:
	case NFIPS_HTTP_EV_DOUBLE_ENCODED_URI:
		return true;
	default:
		return false;
	}
}

static int opt_app_layer_event(struct pstate *ps, const char *val, size_t voff)
{
	struct nfips_rule *r = ps->r;
	const char *p = skip_ws(val), *dot = strchr(p, '.'), *ev;
	struct nfips_txcheck *c;
	size_t pl, el;
	unsigned int i;

	if (!dot)	/* a packet event of protocol detection */
		return pskip(ps, voff, "app-layer-event %s", p);
	pl = (size_t)(dot - p);
	ev = dot + 1;
	for (el = strlen(ev); el && (ev[el - 1] == ' ' || ev[el - 1] == '\t'); el--)
		;
	if (!((pl == 4 && !strncmp(p, "http", 4)) || (pl == 5 && !strncmp(p, "http1", 5)))) {
		char name[32];
		size_t i;

		/* Suricata names a protocol as it spells it (lower case) */
		for (i = 0; i < pl && i < sizeof(name) - 1 && !isupper((unsigned char)p[i]); i++)
			name[i] = p[i];
		name[i] = 0;
		if (i < pl || (strcmp(name, "file") && !kw_app_proto(name)))
			return perr(ps, voff + (size_t)(p - val),
				    "app-layer-event: unknown protocol '%.*s'", (int)pl, p);
		return pskip(ps, voff, "app-layer-event on %s", name);
	}
	for (i = 0; i < NFIPS_HTTP_EV_COUNT; i++)
		if (strlen(http_events[i]) == el && !strncasecmp(ev, http_events[i], el))
			break;
	if (i == NFIPS_HTTP_EV_COUNT)
		return perr(ps, voff + (size_t)(ev - val),
			    "app-layer-event: http has no event '%.*s'", (int)el, ev);
	if ((r->alproto && r->alproto != NFIPS_ALPROTO_HTTP) ||
	    (ps->hdr_alproto && ps->hdr_alproto != NFIPS_ALPROTO_HTTP))
		return perr(ps, voff, "app-layer-event: an http event on a rule of another "
			    "application-layer protocol");
	if (never_raised(i))
		return pskip(ps, voff, "app-layer-event http.%s (not raised: request files, "
			     "protocol changes, double decoding)", http_events[i]);
	c = grow(r->txchk, r->ntxchk, sizeof(*c));
	if (!c)
		return perr(ps, voff, "out of memory");
	r->txchk = c;
	c += r->ntxchk++;
	c->id = NFIPS_TXINT_HTTP_EVENT + i;
	c->negate = false;
	c->val = 1;
	r->alproto = NFIPS_ALPROTO_HTTP;
	return 0;
}

int opt_dispatch_event(struct pstate *ps, const char *name, size_t noff,
		       const char *val, size_t voff)
{
	if (strcasecmp(name, "app-layer-event"))
		return 1;
	if (!val)
		return perr(ps, noff, "'app-layer-event' needs a value");
	return opt_app_layer_event(ps, val, voff);
}
