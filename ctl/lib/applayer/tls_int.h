/* SPDX-License-Identifier: GPL-2.0 */
/* Internals of the TLS parser (tls.c, tls_hello.c, tls_cert.c); not a public API. */
#ifndef NFIPS_TLS_INT_H
#define NFIPS_TLS_INT_H

#include "bytes.h"
#include "proto.h"

/* A record's body is at most 2^14 + 1024 bytes (Suricata's SSLV3_RECORD_MAX_LEN). */
#define TLS_RECORD_MAX		(16384u + 1024u)
/*
 * The first bytes of a hello kept (the rest is skipped): its decoder
 * reads no further than 2 + 32 + 1 + 255 + 2 + 65535 + 1 + 255 + 2 and
 * an extension list of 64 KiB whose last header may point 64 KiB on, so
 * a longer hello decodes as if it were whole.
 */
#define TLS_HELLO_MAX		(256u << 10)
/*
 * A Certificate message is read as it arrives, never held whole (its
 * 24-bit length could announce 16 MiB): the certificate its strings come
 * from is kept up to TLS_CERT0_MAX bytes, the others (tls.certs) as
 * Suricata 7.0.10 keeps them, all of the message (which the stream depth
 * bounds, 1 MiB by default), of which its detection inspects the first
 * TLS_CERTS_MAX (the 1025th certificate never matches there); the rest is
 * skipped.
 */
#define TLS_CERT0_MAX		(1u << 20)
#define TLS_CERTS_MAX		1024u
/*
 * Suricata keeps one JA4 over every ClientHello of a flow (ja4.rs, the
 * connection's) and appends to an unhashed JA3 string at each hello, so
 * a client repeating hellos grows both without end. Each JA4 list stops
 * at TLS_JA4_MAX bytes (a hello's longest cipher list: 32767 values), the
 * JA3 string at TLS_JA3_MAX (that list in decimal); far past any real
 * handshake's, and a full list no longer changes the JA4 to rebuild.
 */
#define TLS_JA4_MAX		(64u << 10)
#define TLS_JA3_MAX		(192u << 10)

enum tls_str {
	TLS_SNI,
	TLS_JA3,		/* JA3 string, then its MD5 */
	TLS_JA3_HASH,
	TLS_JA3S,
	TLS_JA3S_HASH,
	TLS_JA4,		/* JA4 of the ClientHello (Suricata's ja4.rs) */
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

/* The strings of a chain's first decodable certificate. */
enum { TLS_C_SUBJECT, TLS_C_ISSUER, TLS_C_SERIAL, TLS_C_FINGERPRINT, TLS_C_N };

/*
 * A Certificate message being read (tls_cert.c), what it gives staged
 * until the message is whole: Suricata decodes it only then.
 */
struct tls_chain {
	uint32_t msg_len;	/* the message's announced length */
	uint32_t pos;		/* its bytes read */
	uint32_t total;		/* the list's length (pos >= 3) */
	uint8_t lenb[3];	/* a 24-bit length being read */
	uint32_t nlen;
	uint32_t cert_start, cert_end;	/* pos where the certificate being read starts, ends */
	bool in_cert;
	bool keep;		/* its bytes are kept */
	bool done;		/* the list ended or failed: the rest is skipped */
	struct bytes cur;	/* the first certificate being read, when kept */
	/* the certificates staged: their DER one after the other, where each is */
	struct bytes der, at;	/* at: (offset, length) pairs of uint32_t */
	uint32_t ncerts;
	bool decoded;		/* str[] hold the first decodable certificate's */
	bool partial;		/* str[] hold its subject alone (its issuer failed) */
	struct bytes str[TLS_C_N];
};

/* One direction's record and handshake reassembly. */
struct tls_dir {
	uint8_t hdr[5];		/* the record header being read */
	uint32_t hdr_len;
	struct bytes rec;	/* the record body being read */
	uint32_t rec_need;	/* its announced length (SSLv2: after the type byte) */
	uint32_t skip;		/* application data bytes still to pass over */
	bool v2;		/* it is an SSLv2 record */
	bool in_msg;		/* a handshake message's body is being read */
	uint8_t msg_type;
	uint32_t msg_left;	/* its bytes still to come */
	struct bytes hs;	/* a hello's first TLS_HELLO_MAX bytes */
	struct tls_chain chain;	/* a Certificate message's */
	bool chain_taken;	/* a Certificate message was taken (only the first is) */
	bool broken;		/* not TLS, or refused: no more parsing */
};

struct tls_state;

/* One side (0 client, 1 server) of the flow's transaction, as the engine sees it. */
struct tls_side {
	struct nfips_tx view;	/* first: the engine's pointer is this */
	struct tls_state *s;
	struct nfips_txdet det;	/* the rules done with this side */
};

struct tls_state {
	struct tls_side side[2];
	struct tls_dir dir[2];
	struct bytes str[TLS_NSTR];
	bool has[TLS_NSTR];
	/*
	 * Each direction's chain (Suricata's connp certificates: tls.certs
	 * and the certificate strings of that direction), DER in chain
	 * order (as tls_chain's der and at), and the strings of its first
	 * decodable certificate.
	 */
	struct bytes certs_der[2], certs_at[2];
	uint32_t ncerts[2];
	struct bytes cert_str[2][TLS_C_N];
	bool cert_has[2];
	bool cert_partial[2];	/* cert_str[][TLS_C_SUBJECT] alone (tls_chain's partial) */
	bool client_hello, server_hello;
	/*
	 * Each direction's first non-empty hello session id (its first 32
	 * bytes and its length: the record's session_resumed only) and
	 * whether a ServerHello's equals the client's: Suricata's
	 * SSL_AL_FLAG_SESSION_RESUMED (TLSDecodeHSHelloSessionID).
	 */
	uint8_t sid[2][32];
	uint8_t sid_len[2];
	bool resumed;
	bool need_client_cert;	/* the server asked for the client's certificate */
	bool ccs;		/* a ChangeCipherSpec came, either way */
	/* a heartbeat in flight (SSL_AL_FLAG_HB_INFLIGHT), its direction, its length if encrypted */
	bool hb_inflight;
	uint8_t hb_dir;
	uint32_t hb_len;
	bool ch_versions;	/* a ClientHello had supported_versions */
	bool tls13_hello;	/* ServerHellos have no session id nor compression */
	bool early_data;	/* the ClientHello offered 0-RTT data */
	bool no_payload;	/* application data seen: see struct nfips_flow */
	bool done[2];		/* [1]: the handshake is done (SSL_AL_FLAG_HANDSHAKE_DONE) */
	bool finished;		/* the parser saw the flow's end */
	/*
	 * Detection's catch-up (struct app_proto_ops's hold): an error stops
	 * its direction at once, both only when the hold ends (held_error).
	 */
	bool hold, held_error;
	/*
	 * A side is handed to the engine again each time it changed (a
	 * buffer, its version, the progress that makes its certificate
	 * buffers inspectable): gen counts the changes, given is gen when it
	 * was last handed out.
	 */
	uint32_t gen[2], given[2];
	struct ja4 ja4;		/* over every ClientHello, as Suricata's */
	/*
	 * A ClientHello changed ja4 since TLS_JA4 was last built: it is built
	 * once per data() call, not per hello (a sort and two SHA-256 over
	 * lists up to TLS_JA4_MAX); ja4_builds counts the builds.
	 */
	bool ja4_dirty;
	uint32_t ja4_builds;
	/*
	 * Each direction's version as Suricata's connp holds it (tls.version):
	 * its record headers' until its hello is decoded, the hello's, its
	 * supported_versions' (tls_hello.c); SSLv2 0x0200 or the CLIENT-HELLO's.
	 */
	uint16_t ver[2];
	const struct nfips_tx *ready_one;	/* what ready() hands out */
};

/*
 * tls_hello.c: a ClientHello (@sh false) or ServerHello body sent by
 * direction @dir, decoded by its type into that direction's state (a
 * hello sent the wrong way too, as Suricata's curr_connp); 0, 1
 * malformed (what was decoded stays), -1 out of memory.
 */
int tls_hello(struct tls_state *s, int dir, bool sh, const uint8_t *d, uint32_t n);
/*
 * tls_cert.c: a Certificate message of direction @dir announcing @len
 * bytes starts; the next @n of its bytes; it is whole (what it gave is
 * published: 0, -1 out of memory); the state freed.
 */
void tls_chain_begin(struct tls_state *s, int dir, uint32_t len);
int tls_chain_data(struct tls_state *s, int dir, const uint8_t *d, uint32_t n);
int tls_chain_end(struct tls_state *s, int dir);
void tls_chain_free(struct tls_chain *c);
/* tls_hello.c: TLS_JA4 from ja4 if a ClientHello changed it; -1 out of memory. */
int tls_ja4_update(struct tls_state *s);
/* tls_hs.c: a handshake record's body; 0, 1 refused (ends the parsing), -1 out of memory. */
int tls_handshake(struct tls_state *s, int dir, const uint8_t *d, uint32_t n);
/* tls_buf.c: struct nfips_tx's get (tls.* and ja3* buffers). */
bool tls_get(const struct nfips_tx *view, uint32_t id, const uint8_t **data, uint32_t *len);
bool tls_get_nth(const struct nfips_tx *view, uint32_t id, uint32_t idx,
		 const uint8_t **data, uint32_t *len);
/* tls_hello.c: TLSVersionValid, SSL 3.0 to TLS 1.3 and the drafts Suricata knows. */
bool tls_version_valid(uint32_t v);
/* Sets string @k; -1 when out of memory. */
int tls_set(struct tls_state *s, enum tls_str k, const void *d, size_t n);
/* tls.c: the flow's progress moved (struct tls_state's gen). */
void tls_progress_moved(struct tls_state *s);
/* The side (0 client, 1 server) of string @k. */
int tls_str_side(enum tls_str k);
/* tls_buf.c: struct nfips_tx's final, get_int (tls.version), final_int. */
bool tls_final(const struct nfips_tx *view, uint32_t id);
bool tls_get_int(const struct nfips_tx *view, uint32_t id, uint64_t *v);
bool tls_final_int(const struct nfips_tx *view, uint32_t id);

/* tls_eve.c: struct nfips_tx's tx_id and eve (an alert's "tls" object). */
uint64_t tls_tx_id(const struct nfips_tx *view);
void tls_eve(const struct nfips_tx *view, struct nfips_json *j, uint32_t flags);

#endif /* NFIPS_TLS_INT_H */
