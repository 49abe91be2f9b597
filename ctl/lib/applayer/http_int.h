/* SPDX-License-Identifier: GPL-2.0 */
/* Internals of the HTTP parser (http.c, http_buf.c, app.c); not a public API. */
#ifndef NFIPS_HTTP_INT_H
#define NFIPS_HTTP_INT_H

#include <htp/htp.h>

#include "bytes.h"
#include "proto.h"

/* Suricata 7's suricata.yaml libhtp defaults. */
#define HTTP_BODY_LIMIT		(100u << 10)	/* request-/response-body-limit */
/*
 * request-/response-body-minimal-inspect-size: in IDS mode a body not
 * complete yet is inspected once this much of it arrived (or the limit
 * did), as Suricata does (app-layer-htp.c HTPConfigSetDefaultsPhase1).
 * Past it, and inline from the first byte, each inspection sees the new
 * body data and at least the inspect window before it (or a quarter of
 * the window when more is new), as Suricata's http-body-inline.
 */
#define HTTP_REQ_INSPECT_MIN	(32u << 10)
#define HTTP_RES_INSPECT_MIN	(40u << 10)
#define HTTP_REQ_INSPECT_WIN	(4u << 10)	/* request-body-inspect-window */
#define HTTP_RES_INSPECT_WIN	(16u << 10)	/* response-body-inspect-window */

struct http_tx;

/* One side (0 request, 1 response) of a transaction, as the engine sees it. */
struct http_side {
	struct nfips_tx view;	/* first: the engine's pointer is this */
	struct http_tx *t;
	int dir;
	struct nfips_txdet det;	/* the engine's rules done with this side */
};

struct http_tx {
	struct http_side side[2];
	htp_tx_t *tx;		/* NULL once libhtp freed it */
	uint64_t index;		/* libhtp's index: Suricata's tx_id */
	struct bytes raw_hdr[2];	/* header (and trailer) lines as sent */
	struct bytes body[2];	/* dechunked, decompressed, up to the limit */
	uint32_t body_seen[2];	/* body bytes libhtp gave, limit or not */
	uint64_t file_size[2];	/* every body byte libhtp gave (the record's "files") */
	uint32_t body_insp[2];	/* body bytes inspected (Suricata's body_inspected) */
	uint32_t body_off[2];	/* start of the body window handed out */
	bool body_win[2];	/* a body window is handed out (new data) */
	bool body_inline;	/* struct nfips_http's, at the start */
	struct bytes built[2][NFIPS_BUF_COUNT];	/* assembled buffers, cached */
	uint64_t built_mask[2];
	uint64_t built_none[2];	/* of built_mask: assembled, no buffer */
	bool done[2];		/* side complete (request/response complete) */
	bool taken[2];		/* handed to the engine for the last time */
	bool eof;		/* the flow ended: every buffer is final */
	/*
	 * Progress: gen counts what made more of a side available (its
	 * line, a header, its headers' end, inspectable body, its end);
	 * handed is gen when the side was last handed to the engine.
	 */
	uint32_t gen[2], handed[2];
	/*
	 * Headers (+1; 0: not yet) when the side was first handed out past
	 * its headers: http.header_names and http.start are final there
	 * (inspected once in Suricata), so a trailer libhtp adds later is
	 * not in them.
	 */
	uint32_t nhdr[2];
	uint64_t events;	/* enum nfips_http_event bits raised (http_event.c) */
	uint8_t nraised;	/* raisings counted, repeats too: Suricata keeps 255 */
	struct http_tx *next;
};

struct nfips_http {
	htp_connp_t *connp;
	struct http_tx *head, *tail;
	uint64_t ntx;		/* transactions libhtp started */
	uint64_t answered;	/* responses complete (Suricata's transaction_cnt) */
	size_t msg_seen;	/* libhtp messages turned into events */
	bool broken[2];		/* a parse error or a gap: no more data */
	bool failed;		/* libhtp's error: the flow's parsing ended */
	bool closed;
	bool body_inline;	/* bodies inspected as they arrive */
	struct bytes pending[2];	/* data libhtp left for later (DATA_OTHER) */
	const struct nfips_tx **ready;	/* scratch for nfips_app_ready */
	uint32_t ready_cap;
};

htp_cfg_t *http_cfg_new(void);
struct nfips_http *http_new(htp_cfg_t *cfg, bool body_inline);
/* As nfips_app_ctx_body_inline, on HTTP's context (struct app_proto_ops's). */
void http_ctx_body_inline(void *ctx, bool on);
void http_free(struct nfips_http *h);
void http_data(struct nfips_http *h, int dir, const uint8_t *d, uint32_t n, uint64_t ts);
void http_eof(struct nfips_http *h, uint64_t ts);
bool http_gap(struct nfips_http *h, int dir, uint64_t n, uint64_t ts);
uint32_t http_ready(struct nfips_http *h, int dir, bool eof, const struct nfips_tx *const **out);

/* http_event.c: libhtp's new messages after a call with @dir's data */
void http_events(struct nfips_http *h, int dir);
/* the request's flags (HTPErrorCheckTxRequestFlags) */
void http_request_flags(htp_tx_t *tx);

/* http_buf.c: struct nfips_tx's get for an HTTP transaction side. */
bool http_get(const struct nfips_tx *view, uint32_t id, const uint8_t **data, uint32_t *len);
bool http_final(const struct nfips_tx *view, uint32_t id);
bool http_get_int(const struct nfips_tx *view, uint32_t id, uint64_t *v);
bool http_final_int(const struct nfips_tx *view, uint32_t id);
bool http_ident(const struct nfips_tx *view, uint32_t id, uint64_t *ident);
void http_body_window(struct http_tx *t, int dir);

/* http_eve.c: struct nfips_tx's tx_id and eve (an alert's "http" object). */
uint64_t http_tx_id(const struct nfips_tx *view);
void http_eve(const struct nfips_tx *view, struct nfips_json *j, uint32_t flags);

#endif /* NFIPS_HTTP_INT_H */
