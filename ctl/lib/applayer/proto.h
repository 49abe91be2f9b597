/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The protocols of the application layer (applayer.h), each a small table
 * of operations that app.c drives the same way: detection by content on
 * a direction's first bytes, then the parser fed the reassembled stream
 * of each direction in order, handing out its transactions. A protocol
 * registers by adding its table to app_protos[] (protos.c), whose order
 * is the order detection tries them in. Internal, not a public API.
 */
#ifndef NFIPS_APP_PROTO_H
#define NFIPS_APP_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#include "applayer.h"

struct app_proto_ops {
	enum nfips_alproto alproto;
	/*
	 * 1: @d (the first @n bytes of a direction; @to_server: the
	 * client's) starts this protocol, 0: it cannot, -1: too short to
	 * tell.
	 */
	int (*detect)(const uint8_t *d, uint32_t n, bool to_server);
	/* Shared by the flows of one pipeline; NULL when out of memory. */
	void *(*ctx_new)(void);
	void (*ctx_free)(void *ctx);
	/* A flow's parser; NULL when out of memory. */
	void *(*state_new)(void *ctx);
	void (*state_free)(void *state);
	/* The next @n bytes of direction @dir's stream (0: to server). */
	void (*data)(void *state, int dir, const uint8_t *d, uint32_t n, uint64_t ts);
	/* Both streams ended. */
	void (*eof)(void *state, uint64_t ts);
	/* As nfips_app_ready. */
	uint32_t (*ready)(void *state, int dir, bool eof, const struct nfips_tx *const **txs);
	/* As nfips_app_no_payload; NULL: never. */
	bool (*no_payload)(const void *state);
};

extern const struct app_proto_ops app_http_ops;
extern const struct app_proto_ops app_tls_ops;

/* Every protocol, in detection order (protos.c). */
extern const struct app_proto_ops *const app_protos[];
extern const unsigned int app_nprotos;

#endif /* NFIPS_APP_PROTO_H */
