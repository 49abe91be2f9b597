/* SPDX-License-Identifier: GPL-2.0 */
/* Internals of the TLS parser (tls.c, tls_hello.c, tls_cert.c); not a public API. */
#ifndef NFIPS_TLS_INT_H
#define NFIPS_TLS_INT_H

#include "bytes.h"
#include "proto.h"

/* A record's body is at most 2^14 + 2048 bytes (RFC 5246 6.2.3). */
#define TLS_RECORD_MAX		(16384u + 2048u)
/*
 * A handshake message reassembled across records is refused past this:
 * the parser's memory per direction stays bounded whatever a peer
 * announces (a certificate chain of 24-bit length could claim 16 MiB).
 */
#define TLS_HS_MAX		(256u << 10)
/* Certificates of a chain kept (tls.certs inspects each). */
#define TLS_CERTS_MAX		32u

enum tls_str {
	TLS_SNI,
	TLS_JA3,		/* JA3 string, then its MD5 */
	TLS_JA3_HASH,
	TLS_JA3S,
	TLS_JA3S_HASH,
	TLS_JA4,		/* JA4 of the ClientHello (Suricata's ja4.rs) */
	TLS_SUBJECT,		/* of the first certificate */
	TLS_ISSUER,
	TLS_SERIAL,
	TLS_FINGERPRINT,
	TLS_NSTR
};

/* What JA4 takes from a ClientHello, as it is decoded (GREASE left out). */
struct ja4 {
	uint16_t version;	/* the highest of the hello's and supported_versions */
	struct bytes ciphers, exts, sigalgs;	/* 16-bit values, host order */
	uint32_t nexts;		/* extensions, SNI and ALPN included */
	bool sni;
	char alpn[2];		/* first and last byte of the first ALPN, or "00" */
};

/* One direction's record and handshake reassembly. */
struct tls_dir {
	uint8_t hdr[5];		/* the record header being read */
	uint32_t hdr_len;
	struct bytes rec;	/* the record body being read */
	uint32_t rec_need;	/* its announced length */
	struct bytes hs;	/* handshake bytes not yet a whole message */
	bool encrypted;		/* after ChangeCipherSpec: handshake unreadable */
	bool hs_refused;	/* a message over TLS_HS_MAX: handshake ignored */
	bool broken;		/* not TLS, or refused: no more parsing */
};

struct tls_state;

/* One side (0 client, 1 server) of the flow's transaction, as the engine sees it. */
struct tls_side {
	struct nfips_tx view;	/* first: the engine's pointer is this */
	struct tls_state *s;
};

struct tls_state {
	struct tls_side side[2];
	struct tls_dir dir[2];
	struct bytes str[TLS_NSTR];
	bool has[TLS_NSTR];
	struct bytes certs[TLS_CERTS_MAX];	/* DER, in chain order */
	uint32_t ncerts;
	bool client_hello, server_hello;
	bool early_data;	/* the ClientHello offered 0-RTT data */
	bool no_payload;	/* application data seen: see struct nfips_flow */
	bool done[2];		/* client hello decoded; handshake done */
	bool finished;		/* the parser saw the flow's end */
	bool taken[2];		/* handed to the engine */
	uint16_t version;	/* negotiated (supported_versions, else hello) */
	const struct nfips_tx *ready_one;	/* what ready() hands out */
};

/*
 * tls_hello.c: a ClientHello (dir 0) or ServerHello (dir 1) body; 0, 1
 * malformed (what was decoded stays), -1 out of memory.
 */
int tls_hello(struct tls_state *s, int dir, const uint8_t *d, uint32_t n);
/* tls_cert.c: a Certificate message body; 0, 1 malformed, -1 out of memory. */
int tls_certificate(struct tls_state *s, const uint8_t *d, uint32_t n);
/* tls_buf.c: struct nfips_tx's get (tls.* and ja3* buffers). */
bool tls_get(const struct nfips_tx *view, uint32_t id, const uint8_t **data, uint32_t *len);
bool tls_get_nth(const struct nfips_tx *view, uint32_t id, uint32_t idx,
		 const uint8_t **data, uint32_t *len);
/* Sets string @k; -1 when out of memory. */
int tls_set(struct tls_state *s, enum tls_str k, const void *d, size_t n);

#endif /* NFIPS_TLS_INT_H */
