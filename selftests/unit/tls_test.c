// SPDX-License-Identifier: GPL-2.0
/*
 * The TLS parser (ctl/lib/applayer/tls*.c), built here with ASan and
 * UBSan: handshakes fed at every split (records cut anywhere by TCP,
 * handshake messages cut across records), the buffers Suricata 7 shows
 * (SNI, JA3/JA3S with GREASE left out, the certificate's subject, issuer,
 * serial and fingerprint), and hostile input: lengths that overrun their
 * message or record, truncated records, a 16 MiB handshake message and a
 * chain of more certificates than are kept (memory per flow bounded),
 * records Suricata refuses, and random corruption (no read past the data).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "applayer/tls_int.h"
#include "tap.h"
#include "util/util.h"

static struct tap T;

struct buf {
	uint8_t d[1 << 20];
	uint32_t n;
};

static void put(struct buf *b, const void *d, uint32_t n)
{
	memcpy(b->d + b->n, d, n);
	b->n += n;
}

static void u8(struct buf *b, uint32_t v)
{
	b->d[b->n++] = (uint8_t)v;
}

static void u16(struct buf *b, uint32_t v)
{
	u8(b, v >> 8);
	u8(b, v);
}

static void u24(struct buf *b, uint32_t v)
{
	u8(b, v >> 16);
	u16(b, v);
}

static void ext(struct buf *b, uint32_t type, const void *d, uint32_t n)
{
	u16(b, type);
	u16(b, n);
	put(b, d, n);
}

/* A handshake message of @type around @body. */
static void hs(struct buf *b, uint32_t type, const struct buf *body)
{
	u8(b, type);
	u24(b, body->n);
	put(b, body->d, body->n);
}

/* @d in records of at most @size bytes each. */
static void records(struct buf *b, uint32_t type, const uint8_t *d, uint32_t n, uint32_t size)
{
	uint32_t i, k;

	for (i = 0; i < n; i += k) {
		k = n - i < size ? n - i : size;
		u8(b, type);
		u16(b, 0x0303);
		u16(b, k);
		put(b, d + i, k);
	}
}

static struct buf *client_hello(void)
{
	static struct buf ch, body, e;
	static const uint8_t sni[] = "\x00\x12\x00\x00\x0fwww.example.com";
	static const uint8_t groups[] = { 0, 6, 0x2a, 0x2a, 0, 29, 0, 23 };
	static const uint8_t formats[] = { 1, 0 };

	memset(&body, 0, sizeof(body));
	memset(&e, 0, sizeof(e));
	ch.n = 0;
	u16(&body, 0x0303);
	memset(body.d + body.n, 0x11, 32);
	body.n += 32;
	u8(&body, 0);			/* session id */
	u16(&body, 8);			/* ciphers, one GREASE */
	u16(&body, 0x0a0a);
	u16(&body, 0x1301);
	u16(&body, 0x1302);
	u16(&body, 0xc02f);
	u8(&body, 1);
	u8(&body, 0);
	ext(&e, 0x1a1a, "", 0);
	ext(&e, 0, sni, sizeof(sni) - 1);
	ext(&e, 10, groups, sizeof(groups));
	ext(&e, 11, formats, sizeof(formats));
	ext(&e, 35, "", 0);
	u16(&body, e.n);
	put(&body, e.d, e.n);
	hs(&ch, 1, &body);
	return &ch;
}

static const char ja3[] = "771,4865-4866-49199,0-10-11-35,29-23,0";

static struct buf *server_hello(void)
{
	static struct buf sh, body;

	memset(&body, 0, sizeof(body));
	sh.n = 0;
	u16(&body, 0x0303);
	memset(body.d + body.n, 0x22, 32);
	body.n += 32;
	u8(&body, 0);
	u16(&body, 0xc02f);
	u8(&body, 0);
	u16(&body, 11);
	ext(&body, 0xff01, "\x00", 1);
	ext(&body, 11, "\x01\x00", 2);
	hs(&sh, 2, &body);
	return &sh;
}

static const char ja3s[] = "771,49199,65281-11";

/* A self-signed EC certificate, serial 0xab12cd (DER 00 ab 12 cd). */
static int make_cert(uint8_t *der, uint32_t cap)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *nm = X509_NAME_new();
	unsigned char *p = der;
	int n;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 0xab12cd);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_NAME_add_entry_by_txt(nm, "C", MBSTRING_ASC, (const unsigned char *)"JP", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_ASC, (const unsigned char *)"Evil, Inc.", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "emailAddress", MBSTRING_ASC,
				   (const unsigned char *)"a@b.c", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)"x.y", -1, -1, 0);
	X509_set_subject_name(x, nm);
	X509_set_issuer_name(x, nm);
	X509_set_pubkey(x, k);
	X509_sign(x, k, EVP_sha256());
	n = i2d_X509(x, NULL);
	if (n > 0 && (uint32_t)n <= cap)
		n = i2d_X509(x, &p);
	X509_NAME_free(nm);
	X509_free(x);
	EVP_PKEY_free(k);
	return n;
}

static uint8_t cert[2048];
static int cert_len;

/* Certificate message: the real certificate, then @extra short blobs. */
static struct buf *certificate(uint32_t extra)
{
	static struct buf m, body;
	uint32_t i;

	memset(&body, 0, sizeof(body));
	m.n = 0;
	u24(&body, 3 + (uint32_t)cert_len + extra * 8);
	u24(&body, (uint32_t)cert_len);
	put(&body, cert, (uint32_t)cert_len);
	for (i = 0; i < extra; i++) {
		u24(&body, 5);
		put(&body, "blob!", 5);
	}
	hs(&m, 11, &body);
	return &m;
}

static bool buf_is(const struct tls_state *s, int dir, uint32_t id, const char *want)
{
	const uint8_t *d;
	uint32_t n;

	if (!tls_get(&s->side[dir].view, id, &d, &n))
		return want == NULL;
	if (!want) {
		tap_diag("buffer %u: %.*s", id, (int)n, d);
		return false;
	}
	if (n != strlen(want) || memcmp(d, want, n)) {
		tap_diag("buffer %u: '%.*s', want '%s'", id, (int)n, d, want);
		return false;
	}
	return true;
}

/* Feeds @b in pieces of @step bytes to direction @dir. */
static void feed(void *s, int dir, const struct buf *b, uint32_t step)
{
	uint32_t i, k;

	for (i = 0; i < b->n; i += k) {
		k = b->n - i < step ? b->n - i : step;
		app_tls_ops.data(s, dir, b->d + i, k, 0);
	}
}

/* The length of tls.certs instance @idx of the server's chain, or -1. */
static long nth_len(const struct tls_state *s, uint32_t idx)
{
	const uint8_t *d;
	uint32_t n;

	return tls_get_nth(&s->side[1].view, NFIPS_BUF_TLS_CERTS, idx, &d, &n) ? (long)n : -1;
}

static char fingerprint[60];

static bool all_buffers(const struct tls_state *s)
{
	char md5[33];
	unsigned char md[16];
	unsigned int i, mdlen;

	EVP_Digest(ja3, strlen(ja3), md, &mdlen, EVP_md5(), NULL);
	for (i = 0; i < 16; i++)
		snprintf(md5 + 2 * i, 3, "%02x", md[i]);
	return buf_is(s, 0, NFIPS_BUF_TLS_SNI, "www.example.com") &&
	       buf_is(s, 0, NFIPS_BUF_JA3_STRING, ja3) &&
	       buf_is(s, 0, NFIPS_BUF_JA3_HASH, md5) &&
	       buf_is(s, 0, NFIPS_BUF_JA4_HASH, "t12d030400_40b44b994229_185d58148c9c") &&
	       buf_is(s, 1, NFIPS_BUF_JA3S_STRING, ja3s) &&
	       buf_is(s, 1, NFIPS_BUF_TLS_CERT_SUBJECT, "C=JP, O=Evil, Inc., Email=a@b.c, CN=x.y") &&
	       buf_is(s, 1, NFIPS_BUF_TLS_CERT_ISSUER, "C=JP, O=Evil, Inc., Email=a@b.c, CN=x.y") &&
	       buf_is(s, 1, NFIPS_BUF_TLS_CERT_SERIAL, "00:AB:12:CD") &&
	       buf_is(s, 1, NFIPS_BUF_TLS_CERT_FINGERPRINT, fingerprint);
}

static uint32_t ready(void *s, int dir, bool eof)
{
	const struct nfips_tx *const *txs;

	return app_tls_ops.ready(s, dir, eof, &txs);
}

/* The whole handshake at every TCP split and record size. */
static void test_handshake(void)
{
	static struct buf c, sv, msgs;
	uint32_t step, rec, bad = 0, n = 0, nref = 0;
	unsigned char md[20];
	unsigned int i, mdlen;

	EVP_Digest(cert, (size_t)cert_len, md, &mdlen, EVP_sha1(), NULL);
	for (i = 0; i < 20; i++)
		snprintf(fingerprint + (i ? 3 * i - 1 : 0), sizeof(fingerprint) - (i ? 3 * i - 1 : 0),
			 "%s%02x", i ? ":" : "", md[i]);
	msgs.n = 0;
	put(&msgs, server_hello()->d, server_hello()->n);
	put(&msgs, certificate(0)->d, certificate(0)->n);
	put(&msgs, "\x0e\x00\x00\x00", 4);
	for (rec = 16; rec <= 1u << 14; rec = rec < 64 ? rec + 7 : rec * 2) {
		/*
		 * Suricata 7.0.10 refuses a message header cut between two
		 * records and a record under 4 bytes: so does the parser.
		 */
		const uint32_t starts[] = { 0, server_hello()->n,
					    server_hello()->n + certificate(0)->n };
		bool refused = msgs.n % rec && msgs.n % rec < 4;

		for (i = 0; i < 3; i++)
			refused |= starts[i] % rec > rec - 4;
		c.n = sv.n = 0;
		records(&c, 22, client_hello()->d, client_hello()->n, 1u << 14);
		records(&sv, 22, msgs.d, msgs.n, rec);
		for (step = 1; step <= 64; step = step * 2 + 1) {
			struct tls_state *s = app_tls_ops.state_new(NULL);
			uint32_t r0, r1;

			feed(s, 0, &c, step);
			r0 = ready(s, 0, false);
			feed(s, 1, &sv, step);
			/*
			 * The server side is handed out once, its certificate
			 * buffers inspectable at once (the certificate decoded
			 * ends the handshake, as Suricata's), not again at
			 * application data: nothing changed.
			 */
			r1 = ready(s, 1, false) + !all_buffers(s) * 10;
			app_tls_ops.data(s, 0, (const uint8_t *)"\x17\x03\x03\x00\x01x", 6, 0);
			r1 += ready(s, 1, false) * 100;
			r1 += ready(s, 1, false) * 1000;
			n++;
			nref += refused;
			if (refused ? !s->dir[1].broken || r0 != 1 :
			    r0 != 1 || r1 != 1 || !all_buffers(s) || s->ncerts[1] != 1 ||
			    s->dir[0].broken || s->dir[1].broken || !s->no_payload) {
				if (!bad++)
					tap_diag("records of %u, segments of %u", rec, step);
			}
			app_tls_ops.state_free(s);
		}
	}
	tap_ok(&T, !bad && nref && nref < n,
	       "a handshake cut anywhere gives every buffer, the certificate's once it decoded (%u cuts, %u refused as Suricata, %u wrong)",
	       n, nref, bad);
}

/* Runs @c (client) and @sv (server) through a new parser. */
static struct tls_state *run(const struct buf *c, const struct buf *sv)
{
	struct tls_state *s = app_tls_ops.state_new(NULL);

	if (c)
		feed(s, 0, c, 7);
	if (sv)
		feed(s, 1, sv, 7);
	return s;
}

static void test_malformed(void)
{
	static struct buf c, body, e, rec;
	struct tls_state *s;
	int i;

	/* An extension overrunning the hello: SNI before it kept, JA3 partial. */
	memset(&body, 0, sizeof(body));
	e.n = 0;
	u16(&body, 0x0303);
	body.n += 32;
	u8(&body, 0);
	u16(&body, 4);
	u16(&body, 0x1301);
	u16(&body, 0x1302);
	u8(&body, 1);
	u8(&body, 0);
	ext(&e, 0, "\x00\x06\x00\x00\x03" "a.b", 9);
	u16(&e, 10);
	u16(&e, 200);			/* more than there is */
	u16(&body, e.n);
	put(&body, e.d, e.n);
	c.n = rec.n = 0;
	hs(&c, 1, &body);
	records(&rec, 22, c.d, c.n, 1u << 14);
	s = run(&rec, NULL);
	tap_ok(&T, buf_is(s, 0, NFIPS_BUF_TLS_SNI, "a.b") &&
	       buf_is(s, 0, NFIPS_BUF_JA3_STRING, "771,4865-4866") &&
	       buf_is(s, 0, NFIPS_BUF_JA3_HASH, NULL) && !s->dir[0].broken,
	       "an overrunning extension: the SNI before it, JA3 string to the ciphers, no hash");
	app_tls_ops.state_free(s);

	/* A hello cut short inside the random. */
	c.n = rec.n = 0;
	body.n = 10;
	hs(&c, 1, &body);
	records(&rec, 22, c.d, c.n, 1u << 14);
	s = run(&rec, NULL);
	tap_ok(&T, buf_is(s, 0, NFIPS_BUF_JA3_STRING, "771") &&
	       buf_is(s, 0, NFIPS_BUF_TLS_SNI, NULL) && ready(s, 0, false) == 1,
	       "a hello of 10 bytes: JA3 string '771', no SNI, the side is inspected");
	app_tls_ops.state_free(s);

	/* A record announcing more than a record may hold. */
	rec.n = 0;
	put(&rec, "\x16\x03\x01\xff\xff", 5);
	put(&rec, client_hello()->d, client_hello()->n);
	s = run(&rec, NULL);
	tap_ok(&T, s->dir[0].broken && s->dir[1].broken && !s->client_hello &&
	       s->dir[0].rec.cap == 0, "a 65535-byte record: parsing ends, nothing buffered");
	app_tls_ops.state_free(s);

	/*
	 * A truncated record then the end: no hello, no read past; the
	 * client side has its record's version only (tls.version).
	 */
	rec.n = 0;
	records(&rec, 22, client_hello()->d, client_hello()->n, 1u << 14);
	rec.n -= 10;
	s = run(&rec, NULL);
	tap_ok(&T, !s->client_hello && s->ver[0] == (rec.d[1] << 8 | rec.d[2]) &&
	       ready(s, 0, true) == 1 && ready(s, 1, true) == 0 &&
	       buf_is(s, 0, NFIPS_BUF_JA3_STRING, NULL),
	       "a truncated record: no hello, the client side has the record's version only");
	app_tls_ops.state_free(s);

	/* Suricata 7.0.10 refuses a handshake record under 4 bytes... */
	rec.n = 0;
	records(&rec, 22, client_hello()->d, client_hello()->n - 3, 1u << 14);
	records(&rec, 22, client_hello()->d + client_hello()->n - 3, 3, 1u << 14);
	put(&rec, "\x17\x03\x03\x00\x01x", 6);
	s = run(&rec, NULL);
	tap_ok(&T, s->dir[0].broken && !s->client_hello && !s->no_payload,
	       "a handshake record of 3 bytes ends the parsing (application data after it unseen)");
	app_tls_ops.state_free(s);

	/* ...and a message header cut between two records. */
	rec.n = 0;
	records(&rec, 22, client_hello()->d, 2, 1u << 14);
	records(&rec, 22, client_hello()->d + 2, client_hello()->n - 2, 1u << 14);
	s = run(&rec, NULL);
	tap_ok(&T, s->dir[0].broken && !s->client_hello, "a header cut between records ends the parsing");
	app_tls_ops.state_free(s);

	/*
	 * A parse failure in the data that brought the certificate: JA3S but
	 * no certificate buffer, ever (SSLDecode ends the handshake after
	 * the data it was given, unless it failed); in the next data, the
	 * certificate's buffers stay.
	 */
	rec.n = 0;
	records(&rec, 22, server_hello()->d, server_hello()->n, 1u << 14);
	records(&rec, 22, certificate(0)->d, certificate(0)->n, 1u << 14);
	for (i = 0; i < 2; i++) {
		s = app_tls_ops.state_new(NULL);
		if (i)
			put(&rec, "\x19\x03\x03\x00\x01x", 6);
		app_tls_ops.data(s, 1, rec.d, rec.n, 0);
		if (!i)
			app_tls_ops.data(s, 1, (const uint8_t *)"\x19\x03\x03\x00\x01x", 6, 0);
		app_tls_ops.eof(s, 0);
		tap_ok(&T, s->ncerts[1] == 1 && ready(s, 1, true) == 1 &&
		       buf_is(s, 1, NFIPS_BUF_JA3S_STRING, ja3s) &&
		       buf_is(s, 1, NFIPS_BUF_TLS_CERT_SUBJECT, i ? NULL : "C=JP, O=Evil, Inc., Email=a@b.c, CN=x.y"),
		       "parsing failed %s the certificate's data: JA3S, the certificate %s",
		       i ? "with" : "after", i ? "never" : "too");
		app_tls_ops.state_free(s);
	}
	rec.n = 0;

	/* Not a TLS record type (0x40 or 0x80 set would be an SSLv2 record). */
	rec.n = 0;
	put(&rec, "\x19\x03\x03\x00\x01x", 6);
	s = run(&rec, NULL);
	tap_ok(&T, s->dir[0].broken && s->dir[1].broken, "record type 25 ends the parsing");
	app_tls_ops.state_free(s);
}

static void test_bounds(void)
{
	static struct buf rec, big;
	struct tls_state *s;
	uint32_t i, k;

	/*
	 * A Certificate message announcing 16 MiB, a list of 3 MiB whose first
	 * certificate announces 3 MiB: read as it comes, nothing of it held
	 * (over TLS_CERT0_MAX), the direction still parsed.
	 */
	rec.n = 0;
	big.n = 0;
	put(&big, "\x0b\xff\xff\xff", 4);
	memset(big.d + big.n, 0x30, 16000);
	big.n += 16000;
	records(&rec, 22, big.d, big.n, 1u << 14);
	for (i = 0; i < 40; i++)
		records(&rec, 22, big.d + 4, 16000, 1u << 14);
	put(&rec, "\x17\x03\x03\x00\x01x", 6);
	s = run(NULL, &rec);
	tap_ok(&T, s->dir[1].hs.cap == 0 && s->dir[1].chain.cur.cap == 0 && !s->ncerts[1] &&
	       s->dir[1].in_msg && s->no_payload && !s->dir[1].broken,
	       "a 16 MiB handshake message is read as it comes: nothing held, records still read");
	app_tls_ops.state_free(s);

	/*
	 * A chain of 300 KiB (Suricata reassembles it whole): the first
	 * certificate decoded once the message is whole, every one kept.
	 */
	rec.n = 0;
	big.n = 0;
	k = (300u << 10) / ((uint32_t)cert_len + 3);
	{
		static struct buf body;
		uint32_t total = 0;

		body.n = 0;
		u24(&body, 0);
		for (i = 0; i < k; i++) {
			u24(&body, (uint32_t)cert_len);
			put(&body, cert, (uint32_t)cert_len);
			total += 3 + (uint32_t)cert_len;
		}
		body.d[0] = (uint8_t)(total >> 16);
		body.d[1] = (uint8_t)(total >> 8);
		body.d[2] = (uint8_t)total;
		hs(&big, 11, &body);
	}
	records(&rec, 22, big.d, big.n, 1u << 14);
	s = app_tls_ops.state_new(NULL);
	app_tls_ops.data(s, 1, rec.d, rec.n - 1, 0);
	i = s->ncerts[1] + s->cert_has[1];
	app_tls_ops.data(s, 1, rec.d + rec.n - 1, 1, 0);
	app_tls_ops.eof(s, 0);
	tap_ok(&T, !i && s->ncerts[1] == k && nth_len(s, k - 1) == cert_len && !s->dir[1].broken &&
	       buf_is(s, 1, NFIPS_BUF_TLS_CERT_SERIAL, "00:AB:12:CD"),
	       "a 300 KiB certificate chain: nothing before its last byte, then decoded, %u of %u kept",
	       s->ncerts[1], k);
	app_tls_ops.state_free(s);

	/* Certificates after the first: all kept, however large (Suricata holds the message). */
	rec.n = 0;
	big.n = 0;
	{
		static struct buf body;
		const uint32_t junk[2] = { 200u << 10, 100u << 10 };
		uint32_t total = 9 + (uint32_t)cert_len + junk[0] + junk[1];

		body.n = 0;
		u24(&body, total);
		u24(&body, (uint32_t)cert_len);
		put(&body, cert, (uint32_t)cert_len);
		for (i = 0; i < 2; i++) {
			u24(&body, junk[i]);
			memset(body.d + body.n, 0x41, junk[i]);
			body.n += junk[i];
		}
		hs(&big, 11, &body);
	}
	records(&rec, 22, big.d, big.n, 1u << 14);
	s = run(NULL, &rec);
	app_tls_ops.eof(s, 0);
	tap_ok(&T, s->ncerts[1] == 3 && nth_len(s, 1) == 200 << 10 && nth_len(s, 2) == 100 << 10 &&
	       buf_is(s, 1, NFIPS_BUF_TLS_CERT_SERIAL, "00:AB:12:CD"),
	       "certificates of 200 and 100 KiB after the first: kept (%u)", s->ncerts[1]);
	app_tls_ops.state_free(s);

	/*
	 * 100 certificates: each a tls.certs instance; 1,100: the first
	 * TLS_CERTS_MAX, all Suricata 7.0.10's detection inspects.
	 */
	for (i = 0; i < 2; i++) {
		const uint32_t want = i ? TLS_CERTS_MAX : 100;

		rec.n = 0;
		records(&rec, 22, certificate(i ? 1099 : 99)->d, certificate(i ? 1099 : 99)->n,
			1u << 14);
		s = run(NULL, &rec);
		app_tls_ops.eof(s, 0);	/* the flow's end: certificate buffers inspected */
		for (k = 0; nth_len(s, k) >= 0; k++)
			;
		tap_ok(&T, s->ncerts[1] == want && k == want && nth_len(s, want - 1) == 5 &&
		       buf_is(s, 1, NFIPS_BUF_TLS_CERT_SERIAL, "00:AB:12:CD"),
		       "%u certificates: %u kept and inspected, the first decoded", i ? 1100 : 100, k);
		app_tls_ops.state_free(s);
	}

	/* A certificate list longer than its message: nothing kept. */
	rec.n = 0;
	big.n = 0;
	put(&big, "\x0b\x00\x00\x08\x00\x00\x20\x00\x00\x05" "ab", 12);
	records(&rec, 22, big.d, big.n, 1u << 14);
	s = run(NULL, &rec);
	app_tls_ops.eof(s, 0);
	tap_ok(&T, !s->ncerts[1] && !s->dir[1].broken && buf_is(s, 1, NFIPS_BUF_TLS_CERT_SUBJECT, NULL),
	       "a certificate list overrunning its message: nothing taken, no read past");
	app_tls_ops.state_free(s);
}

/* The alert's "tls" object of @s (either side: one transaction), @flags its rule's. */
static const char *eve_of(struct tls_state *s, struct nfips_sbuf *b, uint32_t flags)
{
	struct nfips_json j;

	nfips_sbuf_reset(b);
	nfips_json_init(&j, b);
	nfips_json_obj(&j, NULL);
	s->side[1].view.eve(&s->side[1].view, &j, flags);
	nfips_json_obj_end(&j);
	return b->s && !b->oom ? b->s : "";
}

/* Random corruption of a whole handshake, under the sanitizers. */
static void test_corrupt(void)
{
	static struct buf c, sv, msgs;
	struct nfips_sbuf eb = { 0 };
	uint32_t i, k, objs = 0;

	srand(14);
	for (i = 0; i < 3000; i++) {
		struct tls_state *s;

		c.n = sv.n = msgs.n = 0;
		records(&c, 22, client_hello()->d, client_hello()->n, 1u << 14);
		put(&msgs, server_hello()->d, server_hello()->n);
		put(&msgs, certificate(2)->d, certificate(2)->n);
		records(&sv, 22, msgs.d, msgs.n, 1u << 14);
		for (k = 0; i && k < 1 + (uint32_t)rand() % 4; k++) {
			c.d[(uint32_t)rand() % c.n] ^= (uint8_t)(1 + rand() % 255);
			sv.d[(uint32_t)rand() % sv.n] ^= (uint8_t)(1 + rand() % 255);
		}
		s = app_tls_ops.state_new(NULL);
		feed(s, 0, &c, 1 + (uint32_t)rand() % 50);
		feed(s, 1, &sv, 1 + (uint32_t)rand() % 50);
		ready(s, 0, true);
		ready(s, 1, true);
		if (!i)
			tap_ok(&T, s->side[0].view.tx_id(&s->side[0].view) == 0 &&
			       strstr(eve_of(s, &eb, 0), "{\"tls\":{\"subject\":") &&
			       strstr(eb.s, "\"version\":\"TLS 1.2\",\"notbefore\":\"") &&
			       strstr(eb.s, "\"ja3\":{\"hash\":\"") && !strstr(eb.s, "client") &&
			       !strstr(eb.s, "ja4") &&
			       strstr(eve_of(s, &eb, NFIPS_TX_EVE_JA4), "\"ja4\":\"t"),
			       "the alert's tls object: the server certificate with its validity, "
			       "version, JA3; JA4 for a rule on it only (%s)", eb.s);
		objs += !!strstr(eve_of(s, &eb, i & 1 ? NFIPS_TX_EVE_JA4 : 0), "{\"tls\":{");
		app_tls_ops.state_free(s);
	}
	nfips_sbuf_free(&eb);
	tap_ok(&T, objs == 3000, "3000 corrupted handshakes parsed and their alert objects "
	       "written without a sanitizer report");
}

static void test_detect(void)
{
	static const struct {
		const char *d;
		uint32_t n;
		bool to_server;
		int want;
	} cases[] = {
		{ "\x16\x03\x01", 3, true, 1 },
		{ "\x16\x03\x03\x00", 4, true, 1 },
		{ "\x01\x03\x00", 3, true, 1 },
		{ "\x17\x03\x03", 3, true, 0 },
		{ "\x17\x03\x03", 3, false, 1 },
		{ "\x15\x03\x00", 3, false, 1 },
		{ "\x16\x03\x04", 3, true, 0 },
		{ "\x16\x02\x01", 3, true, 0 },
		{ "\x16\x03", 2, true, -1 },
		{ "GET", 3, true, 0 },
		/* SSLv2 CLIENT-HELLO of version 2; of version 3.1: port 443's probe */
		{ "\x80\x2e\x01\x00\x02", 5, true, 1 },
		{ "\x80\x2e\x01\x00", 4, true, -1 },
		{ "\x80\x2e\x01\x03\x01", 5, true, 0 },
	};
	uint32_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tap_ok(&T, nfips_app_detect_tls((const uint8_t *)cases[i].d, cases[i].n,
						cases[i].to_server) == cases[i].want,
		       "detect %s case %u: %d", cases[i].to_server ? "client" : "server", i,
		       cases[i].want);
}

/* The adversarial review's paths (review-parsers.md 2-6, 9), under the sanitizers. */
static void test_review(void)
{
	static struct buf rec, body, m;
	struct tls_state *s;

	/* SSLv2: a CLIENT-HELLO, then TLS records; a length of 0 ends the parsing. */
	rec.n = 0;
	put(&rec, "\x80\x0b\x01\x03\x01\x00\x03\x00\x00\x00\x00\x00\x00\x2f", 14);
	s = run(&rec, NULL);
	app_tls_ops.data(s, 1, (const uint8_t *)"\x80\x00\x04", 3, 0);
	tap_ok(&T, s->client_hello && s->ver[0] == 0x0301 && s->dir[0].broken &&
	       s->dir[1].broken, "SSLv2: a CLIENT-HELLO of version 3.1 read, a 0-length record ends the parsing");
	app_tls_ops.state_free(s);

	/*
	 * A chain: the server's certificate, an empty one (kept: the first
	 * decoded), one overrunning the list (the list ends, what came before
	 * stays); nothing published before the message is whole.
	 */
	body.n = 0;
	m.n = 0;
	u24(&body, 3 + (uint32_t)cert_len + 3 + 3 + 1);
	u24(&body, (uint32_t)cert_len);
	put(&body, cert, (uint32_t)cert_len);
	u24(&body, 0);
	u24(&body, 9);
	u8(&body, 0x30);
	hs(&m, 11, &body);
	rec.n = 0;
	records(&rec, 22, m.d, m.n, 1u << 14);
	s = app_tls_ops.state_new(NULL);
	app_tls_ops.data(s, 1, rec.d, rec.n - 1, 0);
	tap_ok(&T, !s->ncerts[1] && !s->done[1], "a chain is published once its message is whole");
	app_tls_ops.data(s, 1, rec.d + rec.n - 1, 1, 0);
	tap_ok(&T, s->ncerts[1] == 2 && !nth_len(s, 1) && s->done[1] &&
	       buf_is(s, 1, NFIPS_BUF_TLS_CERT_SERIAL, "00:AB:12:CD"),
	       "an empty certificate kept, one overrunning the list ends it, the handshake done");
	app_tls_ops.state_free(s);

	/* A second ClientHello after a ServerHello: its SNI taken, JA3 the first's. */
	{
		static struct buf first;
		struct buf *ch = client_hello();
		uint32_t at = 4 + 2 + 32 + 1 + 2 + 8 + 2 + 2;	/* the extension list */

		first = *ch;
		/* the first hello's server_name made a padding extension (21) */
		first.d[at + 4 + 1] = 21;
		rec.n = 0;
		records(&rec, 22, first.d, first.n, 1u << 14);
		records(&rec, 22, ch->d, ch->n, 1u << 14);
		s = run(&rec, NULL);
		tap_ok(&T, buf_is(s, 0, NFIPS_BUF_TLS_SNI, "www.example.com") &&
		       buf_is(s, 0, NFIPS_BUF_JA3_STRING, "771,4865-4866-49199,21-10-11-35,29-23,0") &&
		       s->ja4.ciphers.len == 12 && s->ja4.sni,
		       "a second ClientHello: SNI from it, JA3 from the first, JA4 over both");
		app_tls_ops.state_free(s);
	}

	/* A ChangeCipherSpec by the client: the server's handshake is not read. */
	rec.n = 0;
	records(&rec, 20, (const uint8_t *)"\x01", 1, 1);
	s = app_tls_ops.state_new(NULL);
	app_tls_ops.data(s, 0, rec.d, rec.n, 0);
	rec.n = 0;
	records(&rec, 22, server_hello()->d, server_hello()->n, 1u << 14);
	app_tls_ops.data(s, 1, rec.d, rec.n, 0);
	tap_ok(&T, s->ccs && !s->server_hello && buf_is(s, 1, NFIPS_BUF_JA3S_STRING, NULL),
	       "a client's ChangeCipherSpec ends the server's handshake too");
	app_tls_ops.state_free(s);
}

/*
 * The review's ClientHello repeated (issue 14): 22 ciphers, no
 * extensions; @cut: its compression methods missing, so no hello
 * hashes JA3 and each appends to the JA3 string (as Suricata's).
 */
static void hello22(struct buf *b, bool cut)
{
	static struct buf body;
	uint32_t i;

	body.n = 0;
	u16(&body, 0x0303);
	memset(body.d + body.n, 0x33, 32);
	body.n += 32;
	u8(&body, 0);
	u16(&body, 44);
	for (i = 0; i < 22; i++)
		u16(&body, 0x1000 + i);
	u8(&body, cut ? 5 : 1);
	if (!cut)
		u8(&body, 0);
	hs(b, 1, &body);
}

/*
 * A client repeating hellos for 1 MiB (before: 262 s and 5.5 MB per flow,
 * the JA4 lists and JA3 string growing with every hello, JA4 rebuilt
 * after each): each list stops at its bound, JA4 is built at most once
 * per data() call and no more once its fields stop changing, so the
 * time is linear in the bytes.
 */
static void test_repeated_hellos(void)
{
	static struct buf msgs, rec;
	struct tls_state *s;
	uint32_t i, calls, builds = 0;
	int cut;

	for (cut = 0; cut < 2; cut++) {
		s = app_tls_ops.state_new(NULL);
		for (calls = 0; calls < 2 * 724; calls++) {
			if (calls == 724)
				builds = s->ja4_builds;
			for (msgs.n = 0; msgs.n < 1448 - 100;)
				hello22(&msgs, cut);
			rec.n = 0;
			records(&rec, 22, msgs.d, msgs.n, 1u << 14);
			app_tls_ops.data(s, 0, rec.d, rec.n, 0);
		}
		i = s->ja4.ciphers.len;
		tap_ok(&T, s->client_hello && !s->dir[0].broken && i <= TLS_JA4_MAX &&
		       s->ja4.ciphers.cap <= TLS_JA4_MAX && s->ja4.sigalgs.len == 0 &&
		       s->str[TLS_JA3].len <= TLS_JA3_MAX &&
		       s->str[TLS_JA3].cap <= TLS_JA3_MAX &&
		       s->has[TLS_JA3_HASH] == !cut && s->has[TLS_JA4],
		       "%s repeated hellos: JA4 ciphers %u B, JA3 string %u B, bounded",
		       cut ? "undecodable" : "decodable", i, s->str[TLS_JA3].len);
		tap_ok(&T, s->ja4_builds <= 724 && s->ja4_builds == builds,
		       "JA4 built %u times for %u data calls, none in the last 1 MiB",
		       s->ja4_builds, calls);
		app_tls_ops.state_free(s);
	}
}

/*
 * What the parsers hold is counted for nfipsd's memory budget: a hello
 * held as it comes in counts while held, nothing once the flow is freed.
 */
static void test_held_counted(void)
{
	static struct buf rec;
	struct tls_state *s = app_tls_ops.state_new(NULL);
	uint64_t before = nfips_app_held(), during;

	rec.n = 0;
	put(&rec, "\x16\x03\x01\x40\x00\x01\x00\xff\xff", 9);
	memset(rec.d + rec.n, 0x41, 16000);
	rec.n += 16000;
	app_tls_ops.data(s, 0, rec.d, rec.n, 0);
	during = nfips_app_held();
	app_tls_ops.state_free(s);
	tap_ok(&T, during >= before + 16000 && nfips_app_held() == before,
	       "the bytes a parser holds are counted while held (%llu), not after",
	       (unsigned long long)(during - before));
}

/*
 * Application data ends payload inspection with its record's first body
 * byte, as SSLv3Decode acts on each slice of the body: not with the
 * header alone (a peer holding the body back must not blind inspection),
 * not only once the record is whole. The body is passed over, not held,
 * and the records after it are still read.
 */
static void test_appdata_header(void)
{
	static struct buf c, sv;
	struct tls_state *s = app_tls_ops.state_new(NULL);
	bool early;

	c.n = sv.n = 0;
	records(&c, 22, client_hello()->d, client_hello()->n, 1u << 14);
	feed(s, 0, &c, 1u << 14);
	records(&sv, 22, server_hello()->d, server_hello()->n, 1u << 14);
	feed(s, 1, &sv, 1u << 14);
	app_tls_ops.data(s, 0, (const uint8_t *)"\x17\x03\x03\x40\x00", 5, 0);
	early = s->no_payload;
	app_tls_ops.data(s, 0, (const uint8_t *)"A", 1, 0);
	tap_ok(&T, !early && s->no_payload && s->dir[0].rec.len == 0 &&
	       s->dir[0].skip == 0x4000 - 1 && !s->dir[0].broken,
	       "application data: inspection ends at its first body byte, not its header; the body not held");
	app_tls_ops.state_free(s);
}

/*
 * The review's held buffers (hold16.pcap: +1.5 MB per open flow): a
 * ClientHello announcing 1 MB of which 270000 bytes came, a Certificate
 * message whose first certificate (900000 bytes) does not decode and
 * whose list goes on. The hello is held within TLS_HELLO_MAX (was twice
 * that), a decoded hello and a certificate not kept are not held at all
 * (were, at their peak, for the flow's life).
 */
static void test_retained(void)
{
	static struct buf msg, rec;
	struct tls_state *s;

	msg.n = 0;
	put(&msg, "\x01\x0f\x42\x40\x03\x03", 6);
	memset(msg.d + msg.n, 0, 269998);
	msg.n += 269998;
	rec.n = 0;
	records(&rec, 22, msg.d, msg.n, 1u << 14);
	msg.n = 0;
	put(&msg, server_hello()->d, server_hello()->n);
	u8(&msg, 11);
	u24(&msg, 1000000);
	u24(&msg, 999997);
	u24(&msg, 900000);
	memset(msg.d + msg.n, 0, 900000);
	msg.n += 900000;
	u24(&msg, 1000);
	s = app_tls_ops.state_new(NULL);
	feed(s, 0, &rec, 1400);
	rec.n = 0;
	records(&rec, 22, msg.d, msg.n, 1u << 14);
	feed(s, 1, &rec, 1400);
	tap_ok(&T, s->dir[0].in_msg && s->dir[0].hs.len == TLS_HELLO_MAX &&
	       s->dir[0].hs.cap == TLS_HELLO_MAX && s->server_hello && !s->dir[1].hs.cap &&
	       s->dir[1].in_msg && s->dir[1].chain.cur.cap == 0 && !s->dir[1].broken,
	       "a hello held within its bound (%u B), a decoded one and a certificate "
	       "not kept not at all (%u B)",
	       s->dir[0].hs.cap, s->dir[1].chain.cur.cap);
	app_tls_ops.state_free(s);
}

int main(void)
{
	cert_len = make_cert(cert, sizeof(cert));
	if (cert_len <= 0) {
		printf("Bail out! no certificate\n");
		return 1;
	}
	test_detect();
	test_handshake();
	test_malformed();
	test_bounds();
	test_corrupt();
	test_review();
	test_repeated_hellos();
	test_retained();
	test_appdata_header();
	test_held_counted();
	return tap_done(&T);
}
