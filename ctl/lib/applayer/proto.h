/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The protocols of the application layer (applayer.h), each a small table
 * of operations that app.c drives the same way: detection by content on
 * a direction's first bytes (or its first UDP datagram), then the parser
 * fed the reassembled stream (or the datagrams) of each direction in
 * order, handing out its transactions. A protocol registers by adding
 * its table to app_protos[] (protos.c), whose order is the order
 * detection tries them in. Internal, not a public API.
 */
#ifndef NFIPS_APP_PROTO_H
#define NFIPS_APP_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#include "applayer.h"

struct app_proto_ops {
	enum nfips_alproto alproto;
	/*
	 * Detected on flows to this server port only (Suricata's probing
	 * parsers registered for a port, DNS's 53); 0: on any port.
	 */
	uint16_t port;
	/*
	 * TCP: 1: @d (the first @n bytes of a direction; @to_server: the
	 * client's) starts this protocol, 0: it cannot (the protocol is not
	 * asked again for that direction), -1: too short to tell. NULL: not
	 * over TCP.
	 */
	int (*detect)(const uint8_t *d, uint32_t n, bool to_server);
	/*
	 * UDP: 1 when a direction's first datagram @d is this protocol
	 * (*request: a message of the client's kind), else 0 or -1. NULL:
	 * not over UDP.
	 */
	int (*detect_udp)(const uint8_t *d, uint32_t n, bool *request);
	/* Shared by the flows of one pipeline; NULL when out of memory. */
	void *(*ctx_new)(void);
	void (*ctx_free)(void *ctx);
	/* A flow's parser; NULL when out of memory. */
	void *(*state_new)(void *ctx);
	void (*state_free)(void *state);
	/* The next @n bytes of direction @dir's stream (0: to server). */
	void (*data)(void *state, int dir, const uint8_t *d, uint32_t n, uint64_t ts);
	/* A UDP datagram's payload of direction @dir; NULL: not over UDP. */
	void (*udp)(void *state, int dir, const uint8_t *d, uint32_t n);
	/*
	 * @n bytes of direction @dir were lost: true when the parser goes on
	 * with the bytes after the hole (DNS: after its partial message;
	 * HTTP: libhtp told of the hole, as Suricata does, a direction it
	 * cannot resume ignored from then on); false or NULL: the flow's
	 * parsing stops there.
	 */
	bool (*gap)(void *state, int dir, uint64_t n, uint64_t ts);
	/* Both streams ended (NULL: nothing to do). */
	void (*eof)(void *state, uint64_t ts);
	/* As nfips_app_ready. */
	uint32_t (*ready)(void *state, int dir, bool eof, const struct nfips_tx *const **txs);
	/* As nfips_app_no_payload; NULL: never. */
	bool (*no_payload)(const void *state);
	/* As nfips_app_idle; NULL: never. */
	bool (*idle)(const void *state);
	/*
	 * At detection, the detecting direction's bytes go to the parser
	 * before the other direction's earlier ones. Suricata feeds the
	 * other direction first, but a parse error there stops the flow's
	 * parsing only from the next call on: the detecting direction's
	 * bytes are still parsed. For a parser whose directions are
	 * independent (SSH) this order gives that result; false: the other
	 * direction's bytes first (HTTP: requests before responses).
	 */
	bool detected_dir_first;
	/*
	 * Suricata's parser takes the flow only if its first data went to
	 * the server (AppLayerParserRegisterParserAcceptableDataDirection):
	 * detected on a flow whose server spoke first, the flow has no
	 * application layer (APPLAYER_WRONG_DIRECTION_FIRST_DATA).
	 */
	bool toserver_first;
	/*
	 * With detected_dir_first false: the other direction's bytes are fed
	 * at detection between hold(state, true) and hold(state, false), the
	 * latter once the detecting direction's bytes of that call were
	 * parsed. A parse error in between stops the flow's parsing only
	 * then, as Suricata's stops it from the next call on (TLS: a few junk
	 * client bytes must not hide the server's hello and certificate that
	 * detected the flow). NULL: an error takes effect at once.
	 */
	void (*hold)(void *state, bool on);
};

extern const struct app_proto_ops app_http_ops;
extern const struct app_proto_ops app_tls_ops;
extern const struct app_proto_ops app_tls443_ops;	/* its probe on port 443 */
extern const struct app_proto_ops app_dns_ops;
extern const struct app_proto_ops app_ssh_ops;
extern const struct app_proto_ops app_ftp_ops;
extern const struct app_proto_ops app_smtp_ops;

/* Every protocol, in detection order (protos.c). */
extern const struct app_proto_ops *const app_protos[];
extern const unsigned int app_nprotos;

#endif /* NFIPS_APP_PROTO_H */
