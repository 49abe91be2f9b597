/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DNS as Suricata 7.0 parses it (rust/src/dns/parser.rs, dns.rs): the
 * message parser (dns.c), protocol detection's probes, and a flow's DNS
 * state (dns_flow.c) that turns each message into a transaction of its
 * own direction (Suricata's unidirectional DNS transactions: a request is
 * inspected to the server, a response to the client; they are not paired).
 *
 * The parser is an attack surface: it never reads past the message,
 * follows at most 255 labels or pointers per name (Suricata's limit, so
 * compression loops end), keeps no decoded name (names are decoded again
 * from the message when a rule asks, into a bounded buffer), and a flow
 * holds at most one partial TCP message per direction.
 */
#ifndef NFIPS_DNS_H
#define NFIPS_DNS_H

#include <stdbool.h>
#include <stdint.h>

#include "detect/engine.h"

#define DNS_HDR_LEN	12
#define DNS_MAX_NAME	1025	/* parser.rs MAX_NAME_LEN: longer is truncated */
/* A name while it is built: the limit, a dot and one more label. */
#define DNS_NAME_BUF	(DNS_MAX_NAME + 1 + 63)

/* dns_parse / dns_name results besides 0. */
#define DNS_ERROR	(-1)	/* nom's Error: malformed */
#define DNS_INCOMPLETE	(-2)	/* nom's Incomplete: the message ended */

struct dns_hdr {
	uint16_t id, flags, qd, an, ns, ar;
};

/*
 * The name at @pos of message @m (@mlen bytes), read within [pos, end)
 * until a pointer moves it into the whole message: its bytes (labels
 * joined by '.', at most DNS_MAX_NAME) in @out (DNS_NAME_BUF bytes, may
 * be NULL) and *olen, the position after it in *next.
 */
int dns_name(const uint8_t *m, uint32_t mlen, uint32_t pos, uint32_t end,
	     uint8_t *out, uint32_t *olen, uint32_t *next);
/*
 * As dns_name; *@truncated: the name was cut (past DNS_MAX_NAME, or a
 * pointer loop ended at the 255 labels), Suricata's rrname_truncated.
 */
int dns_name_trunc(const uint8_t *m, uint32_t mlen, uint32_t pos, uint32_t end,
		   uint8_t *out, uint32_t *olen, uint32_t *next, bool *truncated);

/*
 * Parses message @m: the header, the questions, and for a @response the
 * answers and authorities with their data as Suricata does (additional
 * records are not read). The start of each question's name goes to
 * @qoff (h->qd entries) when not NULL. 0, DNS_ERROR or DNS_INCOMPLETE.
 */
int dns_parse(const uint8_t *m, uint32_t mlen, bool response, struct dns_hdr *h,
	      uint32_t *qoff);

/*
 * Protocol detection's probes (dns.rs rs_dns_probe, rs_dns_probe_tcp) on
 * a direction's first bytes: 1 DNS (*request: its QR bit is clear), 0 not
 * DNS, -1 too short to tell (Suricata tries again with more data).
 */
int dns_probe_udp(const uint8_t *d, uint32_t n, bool *request);
int dns_probe_tcp(const uint8_t *d, uint32_t n, bool *request);

/* A flow's DNS (dns_flow.c). */
struct nfips_dns;

struct nfips_dns *dns_new(void);
void dns_free(struct nfips_dns *s);
/* A UDP datagram's payload of direction @dir (0: to the server). */
void dns_udp(struct nfips_dns *s, int dir, const uint8_t *d, uint32_t n);
/* New stream bytes of direction @dir, in order (2-byte length framing). */
void dns_tcp(struct nfips_dns *s, int dir, const uint8_t *d, uint32_t n);
/*
 * Bytes of direction @dir were lost: its partial message is dropped and
 * parsing goes on with the next bytes (dns.rs accepts gaps). False
 * without DNS: the caller stops parsing.
 */
bool dns_gap(struct nfips_dns *s, int dir);
/*
 * The transactions parsed in direction @dir since the last call, in
 * order, in *txs (valid until the next call on @s); their number. Those
 * handed out before are freed.
 */
uint32_t dns_ready(struct nfips_dns *s, int dir, const struct nfips_tx *const **txs);

#endif /* NFIPS_DNS_H */
