// SPDX-License-Identifier: GPL-2.0
/*
 * TLS over TCP, as Suricata 7's app-layer-ssl.c reads it: records of
 * either direction (TLS, or SSLv2 when a record's first byte has a top
 * bit set) reassembled from the stream however the segments cut them,
 * handshake messages framed across records (tls_hs.c), the ClientHello,
 * ServerHello and Certificate decoded (tls_hello.c, tls_cert.c) until a
 * ChangeCipherSpec either way makes the handshake unreadable.
 *
 * Detection (app-layer-ssl.c SSLRegisterPatternsForProtocolDetection): a
 * client direction starting with a handshake record (16 03 00..03), an
 * SSLv2-style one (01 03 00..03) or an SSLv2 CLIENT-HELLO of version 2,
 * a server direction starting with an alert, handshake or application
 * data record (15/16/17 03 00..03); on port 443, after every pattern,
 * SSLProbingParser (app_tls443_ops).
 *
 * A flow has one transaction, as in Suricata, inspected on every packet
 * until each rule matched or cannot any more: each side is handed to the
 * engine whenever it changed (ready()), a rule alerting at most once per
 * side; certificate buffers only from the handshake's end (the server's
 * certificate decoded, application data) or the flow's (the inspection
 * engines' progress TLS_STATE_CERT_READY: tls_buf.c).
 *
 * Memory per flow is bounded: a record is at most TLS_RECORD_MAX bytes,
 * handshake messages are never held whole (tls_hs.c): a hello's first
 * TLS_HELLO_MAX bytes, a chain's certificates within a byte budget.
 */
#include <stdlib.h>
#include <string.h>

#include "tls_int.h"

enum {
	REC_CCS = 20, REC_ALERT = 21, REC_HANDSHAKE = 22, REC_APPDATA = 23,
	REC_HEARTBEAT = 24,
};

int nfips_app_detect_tls(const uint8_t *d, uint32_t n, bool to_server)
{
	uint32_t i;

	/*
	 * The client's SSLv2 CLIENT-HELLO of version 2 (01 00 02 at offset 2,
	 * confirmed by SSLProbingParser: a 2-byte header, type 1).
	 */
	if (to_server && n && (d[0] & 0x80)) {
		if (n < 5)
			return -1;
		return d[2] == 1 && d[3] == 0 && d[4] == 2;
	}

	/* Patterns of 3 bytes at offset 0. */
	for (i = 0; i < 3 && i < n; i++) {
		if (i == 0 && !(to_server ? d[0] == 0x16 || d[0] == 0x01 :
					    d[0] >= 0x15 && d[0] <= 0x17))
			return 0;
		if (i == 1 && d[1] != 0x03)
			return 0;
		if (i == 2 && d[2] > 0x03)
			return 0;
	}
	return n < 3 ? -1 : 1;
}

static void *state_new(void *ctx)
{
	struct tls_state *s = calloc(1, sizeof(*s));
	int i;

	(void)ctx;
	if (!s)
		return NULL;
	for (i = 0; i < 2; i++) {
		s->side[i].view.get = tls_get;
		s->side[i].view.get_nth = tls_get_nth;
		s->side[i].view.final = tls_final;
		s->side[i].view.get_int = tls_get_int;
		s->side[i].view.final_int = tls_final_int;
		s->side[i].view.tx_id = tls_tx_id;
		s->side[i].view.eve = tls_eve;
		s->side[i].view.det = &s->side[i].det;
		s->side[i].s = s;
	}
	s->ja4.alpn[0] = s->ja4.alpn[1] = '0';
	return s;
}

static void state_free(void *p)
{
	struct tls_state *s = p;
	uint32_t i;

	if (!s)
		return;
	for (i = 0; i < 2; i++) {
		bytes_free(&s->dir[i].rec);
		bytes_free(&s->dir[i].hs);
		tls_chain_free(&s->dir[i].chain);
		nfips_txdet_free(&s->side[i].det);
	}
	bytes_free(&s->ja4.ciphers);
	bytes_free(&s->ja4.exts);
	bytes_free(&s->ja4.sigalgs);
	for (i = 0; i < TLS_NSTR; i++)
		bytes_free(&s->str[i]);
	for (i = 0; i < 2; i++) {
		bytes_free(&s->certs_der[i]);
		bytes_free(&s->certs_at[i]);
	}
	for (i = 0; i < 2 * TLS_C_N; i++)
		bytes_free(&s->cert_str[i / TLS_C_N][i % TLS_C_N]);
	free(s);
}

/*
 * The flow's progress moved (the server's certificate, the handshake's
 * end, the flow's): a side is handed out again only when that makes
 * certificate buffers of its own inspectable. A change that only makes
 * buffers final needs no hand-out: a rule that did not match them will
 * not match them final either.
 */
void tls_progress_moved(struct tls_state *s)
{
	int d;

	for (d = 0; d < 2; d++)
		if (s->ncerts[d] || s->cert_has[d])
			s->gen[d]++;
}

int tls_str_side(enum tls_str k)
{
	return k == TLS_SNI || k == TLS_JA3 || k == TLS_JA3_HASH || k == TLS_JA4 ? 0 : 1;
}

int tls_set(struct tls_state *s, enum tls_str k, const void *d, size_t n)
{
	s->str[k].len = 0;
	if (bytes_add(&s->str[k], d, n))
		return -1;
	s->has[k] = true;
	s->gen[tls_str_side(k)]++;
	return 0;
}

/*
 * A whole heartbeat record (SSLv3ParseHeartbeatProtocol): before a
 * ChangeCipherSpec a request or response whose payload fits the record
 * with at least 16 bytes of padding; one in flight per flow, answered by
 * the other direction (an encrypted answer no longer than the request).
 * 1 ends the parsing.
 */
static int heartbeat(struct tls_state *s, int dir, const uint8_t *d, uint32_t n)
{
	uint32_t payload;

	if (n < 3)
		return 0;
	if (!s->ccs && d[0] != 1 && d[0] != 2)
		return 1;
	if (!s->hb_inflight) {
		s->hb_inflight = true;
		s->hb_dir = (uint8_t)dir;
		if (s->ccs) {
			s->hb_len = n;
			return 0;
		}
		payload = (uint32_t)d[1] << 8 | d[2];
		return payload + 3 > n || n - payload - 3 < 16;
	}
	if (s->hb_dir == dir)
		return 1;	/* a second one in flight the same way */
	s->hb_inflight = false;
	if (s->ccs && s->hb_len && s->hb_len < n)
		return 1;	/* an answer longer than the request: a leak */
	s->hb_len = 0;
	return 0;
}

/* A whole record of direction @dir. */
static int record(struct tls_state *s, int dir, uint8_t type, const uint8_t *d, uint32_t n)
{
	switch (type) {
	case REC_HANDSHAKE:
		return tls_handshake(s, dir, d, n);
	case REC_APPDATA:
		/*
		 * SSLv3Decode: application data means the handshake is done
		 * (SSL_AL_FLAG_HANDSHAKE_DONE) and ends payload inspection
		 * (encryption-handling default), but 0-RTT data before the
		 * ServerHello does not.
		 */
		if (s->early_data && !s->server_hello)
			return 0;
		s->no_payload = true;
		if (!s->done[1]) {
			s->done[1] = true;
			tls_progress_moved(s);
		}
		return 0;
	case REC_CCS:
		s->ccs = true;	/* SSL_AL_FLAG_CHANGE_CIPHER_SPEC: the flow's */
		return 0;
	case REC_ALERT:
		return 0;
	case REC_HEARTBEAT:
		return heartbeat(s, dir, d, n);
	}
	return -1;	/* not a TLS record type: Suricata's INVALID_RECORD_TYPE */
}

/*
 * A whole SSLv2 record (SSLv2Decode): a CLIENT-HELLO (type 1) needs its
 * version, cipher-spec, session-id and challenge lengths; nothing of any
 * other is read. -1 ends the parsing.
 */
static int v2_record(struct tls_state *s, int dir, uint8_t type, const uint8_t *d, uint32_t n)
{
	if (type == 4)
		s->server_hello = true;	/* SSL_AL_FLAG_STATE_SERVER_HELLO */
	if (type != 1)
		return 0;
	if (n < 6)
		return -1;
	s->ver[dir] = (uint16_t)(d[0] << 8 | d[1]);
	s->gen[dir]++;
	if (!dir && !s->client_hello) {
		s->client_hello = true;
		s->gen[0]++;
	}
	return 0;
}

/*
 * The header's length: 5 for a TLS record; an SSLv2 one (a first byte
 * with a top bit set, SSLDecode) has 2 length bytes (0x80 set) or 2 and a
 * padding byte, then its message type.
 */
static uint32_t hdr_size(const struct tls_dir *t)
{
	return !t->v2 ? 5 : (t->hdr[0] & 0x80) ? 3 : 4;
}

/* The version of a record header (SSLv3ParseRecord, SSLDecode). */
static void header_version(struct tls_state *s, int dir, const struct tls_dir *t)
{
	const bool hello = dir ? s->server_hello : s->client_hello;

	if (t->v2) {
		s->ver[dir] = 0x0200;
		return;
	}
	/* an SSLv2 record's version is forgotten by the next TLS one */
	if (s->ver[dir] == 0x0200)
		s->ver[dir] = 0;
	/* once the direction's hello set one, headers no longer do */
	if (!(hello && s->ver[dir]))
		s->ver[dir] = (uint16_t)(t->hdr[1] << 8 | t->hdr[2]);
}

enum { HDR_OK, HDR_FAIL, HDR_DROP };

/*
 * A record's header is whole, checked as SSLv3Decode does: a type it does
 * not know is fatal but in a TLS 1.0 or 1.1 direction (as the version
 * was before this header), where it is dropped with the rest of the data
 * given (HDR_DROP); a length of 0 or over 2^14 + 1024 and a direction's
 * version (the hello's once decoded, else this header's) Suricata does
 * not know are fatal (HDR_FAIL). SSLv2: a length of 0 is.
 */
static int header(struct tls_state *s, int dir, struct tls_dir *t)
{
	const uint16_t v = s->ver[dir];

	header_version(s, dir, t);
	if (v != s->ver[dir])
		s->gen[dir]++;
	t->rec.len = 0;
	if (t->v2) {
		t->rec_need = (uint32_t)(t->hdr[0] & (t->hdr[0] & 0x80 ? 0x7f : 0x3f)) << 8 |
			      t->hdr[1];
		/* the length counts the type byte; none is INVALID_SSLV2_HEADER */
		return t->rec_need-- ? HDR_OK : HDR_FAIL;
	}
	t->rec_need = (uint32_t)t->hdr[3] << 8 | t->hdr[4];
	if (t->hdr[0] < REC_CCS || t->hdr[0] > REC_HEARTBEAT) {
		if (v != 0x0301 && v != 0x0302)
			return HDR_FAIL;
		if (v != s->ver[dir])
			s->ver[dir] = v;	/* the last good version restored */
		return HDR_DROP;
	}
	return t->rec_need && t->rec_need <= TLS_RECORD_MAX && tls_version_valid(s->ver[dir]) ?
	       HDR_OK : HDR_FAIL;
}

/* One direction's records; false on an error that ends the parsing. */
static bool records(struct tls_state *s, int dir, const uint8_t *d, uint32_t n)
{
	struct tls_dir *t = &s->dir[dir];
	uint32_t k, hl;
	int r;

	while (n) {
		if (t->skip) {
			k = t->skip < n ? t->skip : n;
			t->skip -= k;
			d += k;
			n -= k;
			/*
			 * SSLv3Decode acts on each slice of the body, none on the
			 * header alone: a header held back does not end payload
			 * inspection; 0-RTT is judged again with each slice.
			 */
			record(s, dir, REC_APPDATA, NULL, 0);
			continue;
		}
		if (!t->hdr_len)
			t->v2 = (d[0] & 0xc0) != 0;
		hl = t->hdr_len ? hdr_size(t) : !t->v2 ? 5 : (d[0] & 0x80) ? 3 : 4;
		if (t->hdr_len < hl) {
			k = hl - t->hdr_len < n ? hl - t->hdr_len : n;
			memcpy(t->hdr + t->hdr_len, d, k);
			t->hdr_len += k;
			d += k;
			n -= k;
			if (t->hdr_len < hl)
				return true;
			r = header(s, dir, t);
			if (r == HDR_FAIL)
				return false;
			if (r == HDR_DROP) {
				t->hdr_len = 0;
				return true;
			}
			/*
			 * Application data counts from its first body byte, as
			 * in SSLv3Decode, not once the record is whole; the body
			 * is passed over, not held.
			 */
			if (!t->v2 && t->hdr[0] == REC_APPDATA) {
				t->hdr_len = 0;
				t->skip = t->rec_need;
				continue;
			}
		}
		k = t->rec_need - t->rec.len < n ? t->rec_need - t->rec.len : n;
		if (bytes_add_max(&t->rec, d, k, t->rec_need))
			return false;
		d += k;
		n -= k;
		if (t->rec.len < t->rec_need)
			return true;
		t->hdr_len = 0;
		if (t->v2 ? v2_record(s, dir, t->hdr[hl - 1], t->rec.p, t->rec.len) :
		    record(s, dir, t->hdr[0], t->rec.p, t->rec.len))
			return false;
	}
	return true;
}

/*
 * A record Suricata cannot decode ends the parsing of the flow, both
 * directions (StreamTcpDisableAppLayer), from the next call on: in
 * detection's catch-up (hold()) the bytes of the direction that detected
 * the flow are still parsed. What was decoded stays and is still
 * inspected, but the parser never sees the flow's end.
 */
static void data(void *p, int dir, const uint8_t *d, uint32_t n, uint64_t ts)
{
	struct tls_state *s = p;
	bool ok;

	(void)ts;
	if (s->dir[dir].broken || !n)
		return;
	ok = records(s, dir, d, n);
	/* JA4 once for the call's hellos (out of memory: the last one stays) */
	tls_ja4_update(s);
	if (!ok) {
		s->dir[dir].broken = true;
		if (s->hold)
			s->held_error = true;
		else
			s->dir[!dir].broken = true;
		return;
	}
	/*
	 * SSLDecode after the data it was given: the handshake is done once
	 * the server's certificate has a subject and an issuer, the client's
	 * when the server asked for one.
	 */
	if (!s->done[1] && s->cert_has[s->need_client_cert ? 0 : 1] &&
	    !s->cert_partial[s->need_client_cert ? 0 : 1]) {
		s->done[1] = true;
		tls_progress_moved(s);
	}
}

/* Suricata's parse error stops the flow from the next call on (struct app_proto_ops). */
static void hold(void *p, bool on)
{
	struct tls_state *s = p;

	s->hold = on;
	if (!on && s->held_error)
		s->dir[0].broken = s->dir[1].broken = true;
}

/* The parser sees the flow's end (SSL_AL_FLAG_STATE_FINISHED) unless it failed. */
static void end(void *p, uint64_t ts)
{
	struct tls_state *s = p;

	(void)ts;
	if (!s->dir[0].broken) {
		s->finished = true;
		tls_progress_moved(s);
	}
}

static uint32_t ready(void *p, int dir, bool eof, const struct nfips_tx *const **txs)
{
	struct tls_state *s = p;

	/*
	 * Suricata inspects the flow's one transaction on every packet until
	 * each rule matched or cannot any more: a side is handed out each
	 * time it changed since (its hello decoded, a buffer set, its
	 * version, the progress that makes its certificate buffers
	 * inspectable: tls_progress_moved()), the engine remembering the
	 * rules done with it (det).
	 */
	(void)eof;
	*txs = NULL;
	if (s->given[dir] == s->gen[dir])
		return 0;
	s->given[dir] = s->gen[dir];
	s->ready_one = &s->side[dir].view;
	*txs = (const struct nfips_tx *const *)&s->ready_one;
	return 1;
}

static bool no_payload(const void *p)
{
	return ((const struct tls_state *)p)->no_payload;
}

/*
 * Nothing more to hand out, for good: application data seen, the
 * handshake no longer read (a ChangeCipherSpec, but TLS 1.3's
 * compatibility one before the ServerHello: tls_handshake) and each side
 * handed out as it is. A record header can still change a direction's
 * version (an SSLv2 header, a dropped unknown record), which only
 * tls.version inspects: rules with it are never ruled out by this
 * (nfips_sig_outlook). Without a ChangeCipherSpec (TLS 1.3 may send
 * none) a later hello would still be decoded: never idle.
 */
static bool idle(const void *p)
{
	const struct tls_state *s = p;

	return s->no_payload && s->ccs &&
	       !(s->client_hello && s->ver[0] > 0x0303 && !s->server_hello) &&
	       s->given[0] == s->gen[0] && s->given[1] == s->gen[1];
}

/*
 * Suricata's probing parser on port 443 (the tls detection-ports of its
 * default configuration), tried after every pattern: a client's 2-byte
 * SSLv2 header and a CLIENT-HELLO type, an SSLv2-compatible hello of any
 * version.
 */
static int detect_443(const uint8_t *d, uint32_t n, bool to_server)
{
	if (!to_server)
		return 0;
	if (n < 3)
		return -1;
	return (d[0] & 0x80) && d[2] == 1;
}

const struct app_proto_ops app_tls443_ops = {
	.alproto = NFIPS_ALPROTO_TLS,
	.port = 443,
	.detect = detect_443,
	.state_new = state_new,
	.state_free = state_free,
	.data = data,
	.eof = end,
	.ready = ready,
	.no_payload = no_payload,
	.idle = idle,
	.hold = hold,
	.toserver_first = true,
};

const struct app_proto_ops app_tls_ops = {
	.alproto = NFIPS_ALPROTO_TLS,
	.detect = nfips_app_detect_tls,
	.state_new = state_new,
	.state_free = state_free,
	.data = data,
	.eof = end,
	.ready = ready,
	.no_payload = no_payload,
	.idle = idle,
	.hold = hold,
	.toserver_first = true,
};
