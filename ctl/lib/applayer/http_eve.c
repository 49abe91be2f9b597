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
#include <strings.h>

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

/* HTPParseContentRange: "bytes S-E/L" or "bytes * /L" (no blank), L may be "*"; -1: none. */
static bool parse_range(const bstr *v, long long *start, long long *stop, long long *size)
{
	const char *p = (const char *)bstr_ptr(v);
	size_t n = bstr_len(v);
	char buf[64], *q;

	*start = *stop = *size = -1;
	if (n < 6 || n - 6 >= sizeof(buf) || memcmp(p, "bytes ", 6))
		return false;
	memcpy(buf, p + 6, n - 6);
	buf[n - 6] = '\0';
	q = buf;
	if (*q == '*') {
		q++;
	} else {
		*start = strtoll(q, &q, 10);
		if (*q++ != '-')
			return false;
		*stop = strtoll(q, &q, 10);
	}
	if (*q++ != '/')
		return false;
	if (*q != '*')
		*size = strtoll(q, &q, 10);
	return true;
}

static void content_range(struct nfips_json *j, const bstr *v)
{
	long long start, stop, size;

	nfips_json_obj(j, "content_range");
	if (bstr_len(v))
		nfips_json_kstrn(j, "raw", (const char *)bstr_ptr(v), bstr_len(v));
	if (parse_range(v, &start, &stop, &size)) {
		if (start >= 0)
			nfips_json_kuint(j, "start", (uint64_t)start);
		if (stop >= 0)
			nfips_json_kuint(j, "end", (uint64_t)stop);
		if (size >= 0)
			nfips_json_kuint(j, "size", (uint64_t)size);
	}
	nfips_json_obj_end(j);
}

/* HTPParseContentDispositionHeader's "filename=" value, quotes removed. */
static bool disposition_name(const htp_header_t *h, const char **name, size_t *len)
{
	const char *v = (const char *)bstr_ptr(h->value), *p, *end;
	size_t n = bstr_len(h->value);

	p = memmem(v, n, "filename=", 9);
	if (!p)
		return false;
	p += 9;
	end = memchr(p, ';', (size_t)(v + n - p));
	if (!end)
		end = v + n;
	if (end - p >= 2 && *p == '"' && end[-1] == '"') {
		p++;
		end--;
	}
	*name = p;
	*len = (size_t)(end - p);
	return true;
}

/*
 * Suricata's AlertAddFiles for an HTTP transaction: the file of the
 * packet's direction (@dir), as app-layer-htp.c opens one: a response's
 * body (named by its Content-Disposition filename, else the normalised
 * URI path), a POST or PUT request's body that is not multipart; only
 * once body data came. Its state CLOSED once the side is complete, else
 * UNKNOWN (Suricata's name for an open file).
 */
static void files(const struct http_tx *t, int dir, struct nfips_json *j)
{
	const htp_tx_t *tx = t->tx;
	const htp_header_t *h;
	const char *name = NULL;
	long long start, stop, size;
	size_t len = 0;

	if (!t->file_size[dir])
		return;
	if (dir == 0) {
		if (tx->request_method_number != HTP_M_POST &&
		    tx->request_method_number != HTP_M_PUT)
			return;
		h = header(tx->request_headers, "content-type");
		if (h && bstr_len(h->value) >= 19 &&
		    !strncasecmp((const char *)bstr_ptr(h->value), "multipart/form-data", 19))
			return;	/* its parts are files: not modelled (replay.rst) */
	} else {
		h = header(tx->response_headers, "content-disposition");
		if (h)
			disposition_name(h, &name, &len);
	}
	if (!name) {
		if (!tx->parsed_uri || !tx->parsed_uri->path)
			return;
		name = (const char *)bstr_ptr(tx->parsed_uri->path);
		len = bstr_len(tx->parsed_uri->path);
	}
	nfips_json_arr(j, "files");
	nfips_json_obj(j, NULL);
	nfips_json_kstrn(j, "filename", name, len);
	nfips_json_kbool(j, "gaps", false);
	nfips_json_kstr(j, "state", t->done[dir] ? "CLOSED" : "UNKNOWN");
	nfips_json_kbool(j, "stored", false);
	nfips_json_kuint(j, "size", t->file_size[dir]);
	/* a response's range (HTPFileOpenWithRange): EveFileInfo's start, end */
	h = dir ? header(tx->response_headers, "content-range") : NULL;
	if (h && parse_range(h->value, &start, &stop, &size) && start >= 0 && stop >= 0 &&
	    (start || stop)) {
		nfips_json_kuint(j, "start", (uint64_t)start);
		nfips_json_kuint(j, "end", (uint64_t)stop);
	}
	nfips_json_kuint(j, "tx_id", t->index);
	nfips_json_obj_end(j);
	nfips_json_arr_end(j);
}

void http_eve(const struct nfips_tx *view, struct nfips_json *j, uint32_t flags)
{
	const struct http_side *side = (const struct http_side *)view;
	const htp_tx_t *tx = side->t->tx;
	const htp_header_t *h;

	(void)flags;
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
	/* "files" after the object, as Suricata's alert (its fileinfo) */
	if (tx)
		files(side->t, side->dir, j);
}
