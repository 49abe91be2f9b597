// SPDX-License-Identifier: GPL-2.0
/*
 * The "http" object of an alert's record, as Suricata 7.0's alert writes
 * it with its default metadata option (output-json-http.c
 * EveHttpAddMetadata: EveHttpLogJSONBasic then EveHttpLogJSONExtended,
 * no custom fields, no bodies): built from the libhtp transaction only
 * when an alert fires.
 */
#include <stdlib.h>
#include <string.h>

#include "http_int.h"
#include "util/util.h"

uint64_t http_tx_id(const struct nfips_tx *view)
{
	return ((const struct http_side *)view)->t->index;
}

/* jb_set_string_from_bytes: nothing for no bytes (an empty header is not written). */
static void kbstr(struct nfips_json *j, const char *key, const bstr *b)
{
	if (bstr_len(b))
		nfips_json_kstrn(j, key, (const char *)bstr_ptr(b), bstr_len(b));
}

static const htp_header_t *header(htp_table_t *t, const char *name)
{
	return t ? htp_table_get_c(t, name) : NULL;
}

/* HTPParseContentRange: "bytes S-E/L" or "bytes * /L" (no blank), L may be "*". */
static void content_range(struct nfips_json *j, const bstr *v)
{
	const char *p = (const char *)bstr_ptr(v), *end = p + bstr_len(v);
	long long start = -1, stop = -1, size = -1;
	char buf[64], *q;
	size_t n = bstr_len(v);

	nfips_json_obj(j, "content_range");
	if (n)
		nfips_json_kstrn(j, "raw", p, n);
	if (n < 6 || n >= sizeof(buf) || memcmp(p, "bytes ", 6))
		goto out;
	memcpy(buf, p + 6, (size_t)(end - p - 6));
	buf[end - p - 6] = '\0';
	q = buf;
	if (*q == '*') {
		q++;
	} else {
		start = strtoll(q, &q, 10);
		if (*q++ != '-')
			goto out;
		stop = strtoll(q, &q, 10);
	}
	if (*q++ != '/')
		goto out;
	if (*q != '*')
		size = strtoll(q, &q, 10);
	if (start >= 0)
		nfips_json_kuint(j, "start", (uint64_t)start);
	if (stop >= 0)
		nfips_json_kuint(j, "end", (uint64_t)stop);
	if (size >= 0)
		nfips_json_kuint(j, "size", (uint64_t)size);
out:
	nfips_json_obj_end(j);
}

void http_eve(const struct nfips_tx *view, struct nfips_json *j)
{
	const htp_tx_t *tx = ((const struct http_side *)view)->t->tx;
	const htp_header_t *h;

	/* Suricata opens the object whether or not the transaction is left. */
	nfips_json_obj(j, "http");
	if (!tx)
		goto out;
	/* EveHttpLogJSONBasic */
	if (tx->request_hostname)
		kbstr(j, "hostname", tx->request_hostname);
	if (tx->request_port_number >= 0)
		nfips_json_kuint(j, "http_port", (uint64_t)tx->request_port_number);
	if (tx->request_uri)
		kbstr(j, "url", tx->request_uri);
	if (tx->request_headers) {
		h = header(tx->request_headers, "user-agent");
		if (h)
			kbstr(j, "http_user_agent", h->value);
		h = header(tx->request_headers, "x-forwarded-for");
		if (h)
			kbstr(j, "xff", h->value);
	}
	if (tx->response_headers) {
		h = header(tx->response_headers, "content-type");
		if (h) {
			const char *v = (const char *)bstr_ptr(h->value);
			const char *semi = memchr(v, ';', bstr_len(h->value));
			/* the string stops at a NUL too (a C string) */
			const char *nul = memchr(v, '\0', bstr_len(h->value));
			size_t n = bstr_len(h->value);

			if (nul)
				n = (size_t)(nul - v);
			if (semi && (size_t)(semi - v) < n)
				n = (size_t)(semi - v);
			nfips_json_kstrn(j, "http_content_type", v, n);
		}
		h = header(tx->response_headers, "content-range");
		if (h)
			content_range(j, h->value);
	}
	/* EveHttpLogJSONExtended */
	h = header(tx->request_headers, "referer");
	if (h)
		kbstr(j, "http_refer", h->value);
	if (tx->request_method)
		kbstr(j, "http_method", tx->request_method);
	if (tx->request_protocol)
		kbstr(j, "protocol", tx->request_protocol);
	if (tx->response_status) {
		char num[24];
		size_t n = bstr_len(tx->response_status);

		/* strtoul over the status as a string: its leading digits */
		if (n >= sizeof(num))
			n = sizeof(num) - 1;
		memcpy(num, bstr_ptr(tx->response_status), n);
		num[n] = '\0';
		nfips_json_kuint(j, "status", strtoul(num, NULL, 10));
	}
	h = header(tx->response_headers, "location");
	if (h)
		kbstr(j, "redirect", h->value);
	nfips_json_kuint(j, "length", (uint64_t)tx->response_message_len);
out:
	nfips_json_obj_end(j);
}
