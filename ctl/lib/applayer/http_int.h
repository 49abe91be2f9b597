/* SPDX-License-Identifier: GPL-2.0 */
/* Internals of the HTTP parser (http.c, http_buf.c, app.c); not a public API. */
#ifndef NFIPS_HTTP_INT_H
#define NFIPS_HTTP_INT_H

#include <htp/htp.h>

#include "bytes.h"
#include "proto.h"

/* Suricata 7's suricata.yaml libhtp defaults. */
#define HTTP_BODY_LIMIT		(100u << 10)	/* request-/response-body-limit */

struct http_tx;

/* One side (0 request, 1 response) of a transaction, as the engine sees it. */
struct http_side {
	struct nfips_tx view;	/* first: the engine's pointer is this */
	struct http_tx *t;
	int dir;
};

struct http_tx {
	struct http_side side[2];
	htp_tx_t *tx;		/* NULL once libhtp freed it */
	struct bytes raw_hdr[2];	/* header (and trailer) lines as sent */
	struct bytes body[2];	/* dechunked, decompressed, up to the limit */
	uint32_t body_seen[2];	/* body bytes libhtp gave, limit or not */
	struct bytes built[2][NFIPS_BUF_COUNT];	/* assembled buffers, cached */
	uint64_t built_mask[2];
	bool done[2];		/* side complete (request/response complete) */
	bool taken[2];		/* handed to the engine */
	struct http_tx *next;
};

struct nfips_http {
	htp_connp_t *connp;
	struct http_tx *head, *tail;
	bool broken[2];		/* a parse error or a gap: no more data */
	bool closed;
	struct bytes pending[2];	/* data libhtp left for later (DATA_OTHER) */
	const struct nfips_tx **ready;	/* scratch for nfips_app_ready */
	uint32_t ready_cap;
};

htp_cfg_t *http_cfg_new(void);
struct nfips_http *http_new(htp_cfg_t *cfg);
void http_free(struct nfips_http *h);
void http_data(struct nfips_http *h, int dir, const uint8_t *d, uint32_t n, uint64_t ts);
void http_eof(struct nfips_http *h, uint64_t ts);
uint32_t http_ready(struct nfips_http *h, int dir, bool eof, const struct nfips_tx *const **out);

/* http_buf.c: struct nfips_tx's get for an HTTP transaction side. */
bool http_get(const struct nfips_tx *view, uint32_t id, const uint8_t **data, uint32_t *len);

#endif /* NFIPS_HTTP_INT_H */
