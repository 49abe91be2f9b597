/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Application-layer protocol detection and parsers of the slow path, fed
 * with the reassembled TCP stream of each flow (pipeline/), giving the
 * engine (detect/) the flow's protocol and its transactions as struct
 * nfips_tx buffers.
 *
 * Each protocol is a table of operations (proto.h) registered in one list
 * (protos.c) whose order is detection's: the first protocol recognising
 * a direction's first bytes is the flow's, for both directions. HTTP and
 * TLS (patterns, any port) come before DNS (a probe, port 53), as
 * Suricata tries the patterns before the probing parsers.
 *
 * Detection is Suricata 7's by content, on any port: a flow is HTTP when
 * its client's stream starts with one of the request methods Suricata
 * registers (case-insensitive, followed by a space or a tab), or its
 * server's with "HTTP/0.9", "HTTP/1.0" or "HTTP/1.1" (app-layer-htp.c
 * HTPRegisterPatternsForProtocolDetection). A direction whose first bytes
 * cannot start such a pattern is not HTTP; one too short to tell waits.
 *
 * HTTP is parsed by libhtp, the library Suricata 7 links, configured as
 * Suricata's default libhtp section (personality IDS, 100 KiB request and
 * response body limits, request and response decompression with two
 * layers, no lzma) so that both see the same transactions. A
 * transaction's side is handed to the engine each time it progressed
 * (its line, a header, its headers' end, body past the minimal inspect
 * size, its end), its buffers available as far as Suricata's inspection
 * engines would see them at that progress; at the flow's end whatever was
 * started and not finished, every buffer final (nfips_app_ready with eof).
 *
 * DNS (dns.h) is detected on flows to port 53, over UDP by the first
 * datagram of each direction (nfips_app_udp) and over TCP by the first
 * bytes of a direction when the HTTP and TLS patterns found nothing; each
 * DNS message is a transaction of its own direction, ready with the
 * packet that completed it.
 *
 * TLS (tls_int.h) is detected by its record patterns on any port (and an
 * SSLv2-compatible hello by the probe on port 443); a flow has one
 * transaction, each side handed out whenever it changed (a hello, a
 * buffer, the version, the progress that makes its certificate buffers
 * inspectable), the engine remembering the rules done with it.
 *
 * SSH (ssh.c) is detected by "SSH-" starting either direction, on any
 * port; a flow has one transaction, each side ready once its banner is
 * read; NEWKEYS in both directions ends payload inspection. FTP's
 * command channel and SMTP (cmdproto.c) are detected by their commands'
 * patterns, without a parser or transactions.
 *
 * One flow per struct nfips_app, one thread at a time; the context (the
 * libhtp configuration) is shared by the flows of one pipeline.
 */
#ifndef NFIPS_APPLAYER_H
#define NFIPS_APPLAYER_H

#include <stdbool.h>
#include <stdint.h>

#include "detect/engine.h"
#include "net/packet.h"
#include "rules/rule.h"

struct nfips_app_ctx;
struct nfips_app;

/* NULL when out of memory. */
struct nfips_app_ctx *nfips_app_ctx_new(void);
void nfips_app_ctx_free(struct nfips_app_ctx *ctx);
/*
 * HTTP bodies inspected inline (the default, Suricata's http-body-inline
 * in IPS mode): each new piece as it arrives, with a window before it;
 * off: as Suricata in IDS mode, from the minimal inspect size on or once
 * complete. For the flows created after the call.
 */
void nfips_app_ctx_body_inline(struct nfips_app_ctx *ctx, bool on);

/* A flow's application layer; NULL when out of memory. */
struct nfips_app *nfips_app_new(struct nfips_app_ctx *ctx);
void nfips_app_free(struct nfips_app *a);
/*
 * Bytes the calling thread's parsers hold in their buffers (held hellos,
 * certificates, bodies; not libhtp's own tables): a pipeline's share when
 * one thread runs it, as each nfipsd worker does.
 */
uint64_t nfips_app_held(void);

/*
 * The stream of direction @dir (0: to server) grew: @st is what the TCP
 * reassembly holds (from the stream's start, or the last gap, to its
 * newest byte). Detects the protocol, feeds the parser what it has not
 * seen. A hole goes to the protocol's parser: libhtp is told of it as
 * Suricata tells it (lost bytes inside a body are counted and the next
 * request or response is parsed; a direction libhtp cannot resume is
 * ignored from then on), DNS drops the direction's partial message and
 * goes on (struct app_proto_ops's gap); with any other protocol a gap
 * ends the parsing of the flow. @other (may be NULL) is what the other
 * direction's reassembly holds: when this direction's bytes make the
 * flow HTTP, the other's earlier bytes are fed first.
 */
void nfips_app_data(struct nfips_app *a, int dir, const struct nfips_stream *st,
		    const struct nfips_stream *other, uint64_t ts_usec);

/*
 * What direction @dir's reassembly still holds (@st) and the parser has
 * not seen, fed without detection and without taking a gap for one: the
 * bytes of a direction that arrived before the other one's made the flow
 * HTTP (a request libhtp parses but detection does not know, answered by
 * a response that detection does), fed when that happens and at the end.
 */
void nfips_app_catch_up(struct nfips_app *a, int dir, const struct nfips_stream *st,
			uint64_t ts_usec);

/* The flow ended: the parser sees the end of both streams. */
void nfips_app_eof(struct nfips_app *a, uint64_t ts_usec);

enum nfips_alproto nfips_app_proto(const struct nfips_app *a);

/*
 * For an alert's EVE record (Suricata's EveAddAppProto): out[0]
 * "app_proto" (the protocol's name, "failed" once detection failed on a
 * UDP flow, NULL: not known yet, or a TCP flow without a protocol),
 * out[1] "app_proto_ts" and out[2] "app_proto_tc" ("failed" when that
 * direction's own bytes were not the flow's protocol, else NULL). @udp:
 * the flow is over UDP.
 */
void nfips_app_eve_protos(const struct nfips_app *a, bool udp, const char *out[3]);

/*
 * The parser stopped payload inspection of the flow (struct nfips_flow's
 * no_payload): TLS once application data was seen.
 */
bool nfips_app_no_payload(const struct nfips_app *a);

/*
 * The flow's protocol is settled (what the kernel contract needs to let
 * the flow go, pipeline.h's nfips_pipeline_advice): one was detected, or
 * none was and none can be any more (every protocol that may be detected
 * on the flow's port refused each direction, or, over UDP (@udp), each
 * direction's first datagram was probed). NULL (no application layer):
 * settled, none.
 */
bool nfips_app_proto_final(const struct nfips_app *a, bool udp);

/*
 * Over UDP, no later datagram can make detection reverse the flow (each
 * direction's first datagram was probed, or no protocol can be detected
 * on it): until then which end is the client, and so which rules want
 * the flow, is not settled.
 */
bool nfips_app_udp_settled(const struct nfips_app *a);

/*
 * No transaction of the flow will progress again: the parser has handed
 * out all it ever will (TLS: the handshake done, application data seen,
 * both sides handed out). Never for HTTP and DNS, whose next request may
 * come at any time.
 */
bool nfips_app_idle(const struct nfips_app *a);

/*
 * Transactions whose side of direction @dir progressed since it was last
 * handed out (with @eof: every started one not finished), in order, in
 * *txs (valid until the next call on @a); their number.
 */
uint32_t nfips_app_ready(struct nfips_app *a, int dir, bool eof,
			 const struct nfips_tx *const **txs);

/*
 * The flow's server port (its client's destination): DNS is detected on
 * flows to port 53 only, as Suricata's default detection-ports.
 */
void nfips_app_set_port(struct nfips_app *a, uint16_t server_port);

/*
 * A UDP datagram's payload of direction @dir (0: to the server): DNS
 * detection on each direction's first datagram, then the DNS parser.
 * True when detection found the flow reversed (a response sent to the
 * server, or a request to the client): Suricata then swaps the flow's
 * ends, and this datagram (and the following) count in the other
 * direction; the caller swaps its flow.
 */
bool nfips_app_udp(struct nfips_app *a, int dir, const uint8_t *d, uint32_t n);

/*
 * 1: @d (the first @n bytes of a direction) starts HTTP, 0: it cannot,
 * -1: too short to tell. @to_server: the client's direction.
 */
int nfips_app_detect_http(const uint8_t *d, uint32_t n, bool to_server);

/* As nfips_app_detect_http for TLS (tls.c). */
int nfips_app_detect_tls(const uint8_t *d, uint32_t n, bool to_server);

#endif /* NFIPS_APPLAYER_H */
