/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exact evaluation of one rule's payload and header keywords (no flow
 * state: that is the engine's, engine.h). Shared by the engine and by the
 * tests that check each keyword against its documented semantics.
 *
 * Payload keywords are evaluated as Suricata 7's content inspection does
 * (detect-engine-content-inspection.c): in rule order, each relative
 * keyword anchored on the end of the previous content/pcre match (or
 * byte_jump target, or the end of what byte_extract read; its variables
 * live for one evaluation); when the rest of the rule fails, a content or pcre
 * that a later relative keyword depends on is retried at its next
 * occurrence (NFIPS_M_RETRY); a missing non-relative content, a present
 * non-relative negated content or a failed relative isdataat end the
 * search at once. The search is bounded like Suricata's (3000 steps).
 */
#ifndef NFIPS_EVAL_H
#define NFIPS_EVAL_H

#include "engine.h"

struct nfips_eval;

/* pcre match limits (0: Suricata's 3500 and 1500). NULL if out of memory. */
struct nfips_eval *nfips_eval_new(uint32_t match_limit, uint32_t depth_limit);
void nfips_eval_free(struct nfips_eval *ev);

/* A buffer to inspect. */
struct nfips_buf {
	const uint8_t *data;
	uint32_t len;
	/*
	 * 0: the rule matches if its payload keywords match the buffer.
	 * Otherwise it must also have a match ending after new_from (the end
	 * of a match is the end of its last-ending positive content or pcre;
	 * the buffer's end if it has none), and every content and pcre is
	 * tried at each of its occurrences so that such a match is found.
	 */
	uint32_t new_from;
	/* Offset of data[0] from the start of the stream: offset, depth,
	 * startswith, absolute isdataat/byte_test/byte_jump count from there. */
	uint64_t base;
	/* Which of the rule's buffers this is (enum nfips_buf_id): only its
	 * keywords are evaluated, relative ones chaining among themselves. */
	uint32_t buf_id;
};

/* 1 if the rule's payload keywords match @b (rules without any: 1). */
int nfips_eval_payload(struct nfips_eval *ev, const struct nfips_rule *r,
		       const struct nfips_buf *b);

/* Header keywords (ttl, itype, flags, ...), ip_proto and dsize; not
 * stream_size, which needs the flow (nfips_eval_stream_size). */
bool nfips_eval_header_kw(const struct nfips_rule *r, const struct nfips_pkt *p);

/* Protocol, addresses and ports; @rev swaps source and destination. */
bool nfips_eval_header(const struct nfips_rule *r, const struct nfips_pkt *p,
		       bool rev);

/* stream_size keywords of @r (true without any). */
bool nfips_eval_stream_size(const struct nfips_rule *r, const struct nfips_pkt *p,
			    const struct nfips_flow *f);

bool nfips_cmp_u32(const struct nfips_u32cmp *c, uint32_t v);

/* base64.c: @n bytes decoded as base64_decode does into @out (room for
 * n + 3 bytes); the number of bytes decoded. */
uint32_t nfips_b64_decode(const uint8_t *in, uint32_t n, uint8_t *out);

#endif /* NFIPS_EVAL_H */
