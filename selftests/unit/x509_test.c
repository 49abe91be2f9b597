// SPDX-License-Identifier: GPL-2.0
/*
 * Server certificates through the TLS parser (ctl/lib/applayer/tls*.c,
 * x509*.c, built here with ASan and UBSan), each malformation class
 * Suricata 7.0.10's x509-parser accepts or refuses: what tls.cert_subject,
 * tls.cert_issuer, tls.cert_serial, tls.cert_fingerprint and tls.certs
 * then hold, as Suricata shows them (checked against its EVE tls records
 * when written). A certificate it refuses gives no buffer; the next one
 * in the chain is tried. Certificates are built here, DER by hand, their
 * signatures never checked (Suricata does not check them either).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "applayer/tls_int.h"
#include "applayer/x509.h"
#include "tap.h"

static struct tap T;

/* A DER blob being built. */
struct der {
	uint8_t d[1 << 16];
	size_t n;
};

static struct der *blob(const void *d, size_t n)
{
	struct der *b = calloc(1, sizeof(*b));

	if (!b)
		abort();
	memcpy(b->d, d, n);
	b->n = n;
	return b;
}

#define RAW(s) blob(s, sizeof(s) - 1)

/* @tag around the concatenation of the NULL-ended list (freed). */
static struct der *tlv(uint8_t tag, ...)
{
	struct der *b = calloc(1, sizeof(*b)), *e;
	uint8_t body[1 << 16];
	size_t n = 0;
	va_list ap;

	if (!b)
		abort();
	va_start(ap, tag);
	while ((e = va_arg(ap, struct der *))) {
		memcpy(body + n, e->d, e->n);
		n += e->n;
		free(e);
	}
	va_end(ap);
	b->d[b->n++] = tag;
	if (n >= 0x100) {
		b->d[b->n++] = 0x82;
		b->d[b->n++] = (uint8_t)(n >> 8);
	} else if (n >= 0x80) {
		b->d[b->n++] = 0x81;
	}
	b->d[b->n++] = (uint8_t)n;
	memcpy(b->d + b->n, body, n);
	b->n += n;
	return b;
}

static struct der *str(uint8_t tag, const char *s)
{
	return tlv(tag, blob(s, strlen(s)), NULL);
}

#define SEQ(...) tlv(0x30, __VA_ARGS__, NULL)
#define SET(...) tlv(0x31, __VA_ARGS__, NULL)
#define CN_OID RAW("\x06\x03\x55\x04\x03")
/* Name { RDN { CN = @v } } with @v of string type @tag */
#define NAME1(tag, v) SEQ(SET(SEQ(CN_OID, str(tag, v))))
#define UTC(s) str(0x17, s)

/* What a certificate is made of; NULL: the usual. */
struct parts {
	struct der *version, *serial, *issuer, *validity, *subject, *tail, *after_sig;
};

static struct der *cert(struct parts p)
{
	struct der *alg = RAW("\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x02");
	struct der *spki = SEQ(RAW("\x30\x09\x06\x07\x2a\x86\x48\xce\x3d\x02\x01"),
			       RAW("\x03\x03\x00\x04\x01"));
	struct der *tbs;

	tbs = SEQ(p.version ? p.version : RAW("\xa0\x03\x02\x01\x02"),
		  p.serial ? p.serial : RAW("\x02\x02\x12\x34"),
		  RAW("\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x02"),
		  p.issuer ? p.issuer : NAME1(0x0c, "EvilIssuer"),
		  p.validity ? p.validity : SEQ(UTC("230101000000Z"), UTC("330101000000Z")),
		  p.subject ? p.subject : NAME1(0x0c, "evil.example"),
		  spki, p.tail ? p.tail : RAW(""));
	return SEQ(tbs, alg, RAW("\x03\x03\x00\x01\x02"), p.after_sig ? p.after_sig : RAW(""));
}

static void put24(uint8_t **p, size_t v)
{
	*(*p)++ = (uint8_t)(v >> 16);
	*(*p)++ = (uint8_t)(v >> 8);
	*(*p)++ = (uint8_t)v;
}

/*
 * A ClientHello, then the server's flight in one record: ServerHello,
 * Certificate of @certs, ServerHelloDone; then the flow's end.
 */
static void server(void *s, struct der **certs, int n)
{
	static uint8_t rec[1 << 17];
	static const uint8_t ch[] = "\x16\x03\x03\x00\x2f\x01\x00\x00\x2b\x03\x03"
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x00\x00\x02\xc0\x2f\x01\x00\x00\x00";
	static const uint8_t sh[] = "\x02\x00\x00\x28\x03\x03"
		"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\x00\xc0\x2f\x00\x00\x00";
	size_t list = 0, len;
	uint8_t *p = rec + 5;
	int i;

	for (i = 0; i < n; i++)
		list += 3 + certs[i]->n;
	memcpy(p, sh, sizeof(sh) - 1);
	p += sizeof(sh) - 1;
	*p++ = 11;
	put24(&p, 3 + list);
	put24(&p, list);
	for (i = 0; i < n; i++) {
		put24(&p, certs[i]->n);
		memcpy(p, certs[i]->d, certs[i]->n);
		p += certs[i]->n;
	}
	memcpy(p, "\x0e\x00\x00\x00", 4);
	p += 4;
	len = (size_t)(p - rec) - 5;
	memcpy(rec, "\x16\x03\x03", 3);
	rec[3] = (uint8_t)(len >> 8);
	rec[4] = (uint8_t)len;
	app_tls_ops.data(s, 0, ch, sizeof(ch) - 1, 0);
	app_tls_ops.data(s, 1, rec, (uint32_t)(p - rec), 0);
	app_tls_ops.eof(s, 0);
}

static bool is(void *st, uint32_t id, const char *want)
{
	const struct tls_state *s = st;
	const uint8_t *d;
	uint32_t n;

	if (!tls_get(&s->side[1].view, id, &d, &n)) {
		if (want)
			tap_diag("buffer %u: none, want '%s'", id, want);
		return !want;
	}
	if (!want || n != strlen(want) || memcmp(d, want, n)) {
		tap_diag("buffer %u: '%.*s', want '%s'", id, (int)n, d, want ? want : "none");
		return false;
	}
	return true;
}

static bool fingerprint(void *st, const struct der *c)
{
	unsigned char md[20];
	unsigned int i, mdlen;
	char fp[60];

	if (!c)
		return is(st, NFIPS_BUF_TLS_CERT_FINGERPRINT, NULL);
	EVP_Digest(c->d, c->n, md, &mdlen, EVP_sha1(), NULL);
	for (i = 0; i < 20; i++)
		snprintf(fp + 3 * i, sizeof(fp) - 3 * i, "%02x:", md[i]);
	fp[59] = 0;
	return is(st, NFIPS_BUF_TLS_CERT_FINGERPRINT, fp);
}

/* tls.certs: @n certificates, the first @first. */
static bool certs(void *st, uint32_t n, const struct der *first)
{
	const struct tls_state *s = st;
	const uint8_t *d;
	uint32_t len;

	if (s->ncerts[1] != n) {
		tap_diag("tls.certs: %u certificates, want %u", s->ncerts[1], n);
		return false;
	}
	return !n || (tls_get_nth(&s->side[1].view, NFIPS_BUF_TLS_CERTS, 0, &d, &len) &&
		      len == first->n && !memcmp(d, first->d, len));
}

/* One certificate decoded: its strings as Suricata renders them. */
static void decoded(const char *what, struct parts p, const char *subject,
		    const char *issuer, const char *serial)
{
	void *s = app_tls_ops.state_new(NULL);
	struct der *c = cert(p);

	server(s, &c, 1);
	tap_ok(&T, is(s, NFIPS_BUF_TLS_CERT_SUBJECT, subject) &&
	       is(s, NFIPS_BUF_TLS_CERT_ISSUER, issuer) &&
	       is(s, NFIPS_BUF_TLS_CERT_SERIAL, serial) && fingerprint(s, c) && certs(s, 1, c),
	       "%s: decoded, subject '%s', serial '%s'", what, subject, serial);
	app_tls_ops.state_free(s);
	free(c);
}

/* One certificate Suricata refuses: no buffer at all. */
static void refused(const char *what, struct parts p)
{
	void *s = app_tls_ops.state_new(NULL);
	struct der *c = cert(p);

	server(s, &c, 1);
	tap_ok(&T, is(s, NFIPS_BUF_TLS_CERT_SUBJECT, NULL) && is(s, NFIPS_BUF_TLS_CERT_ISSUER, NULL) &&
	       is(s, NFIPS_BUF_TLS_CERT_SERIAL, NULL) && fingerprint(s, NULL) && certs(s, 0, NULL),
	       "%s: refused, no certificate buffer", what);
	app_tls_ops.state_free(s);
	free(c);
}

static const char x509_error[] = "<X509Error: Invalid X.509 name>";

static void test_serials(void)
{
	decoded("a serial", (struct parts){ 0 }, "CN=evil.example", "CN=EvilIssuer", "12:34");
	decoded("a serial padded with zeros (OpenSSL: ILLEGAL_PADDING)",
		(struct parts){ .serial = RAW("\x02\x04\x00\x00\x12\x34") },
		"CN=evil.example", "CN=EvilIssuer", "00:00:12:34");
	decoded("an empty serial", (struct parts){ .serial = RAW("\x02\x00") },
		"CN=evil.example", "CN=EvilIssuer", "");
	decoded("a serial's tag in 5 high-tag bytes",
		(struct parts){ .serial = RAW("\x1f\x80\x80\x80\x80\x02\x02\x12\x34") },
		"CN=evil.example", "CN=EvilIssuer", "12:34");
	decoded("a serial's high tag past 32 bits: the low 32 (asn1-rs)",
		(struct parts){ .serial = RAW("\x1f\x90\x80\x80\x80\x02\x02\x12\x34") },
		"CN=evil.example", "CN=EvilIssuer", "12:34");
	refused("a serial's tag in 6 high-tag bytes",
		(struct parts){ .serial = RAW("\x1f\x80\x80\x80\x80\x80\x02\x02\x12\x34") });
	decoded("a negative serial", (struct parts){ .serial = RAW("\x02\x02\xff\x12") },
		"CN=evil.example", "CN=EvilIssuer", "FF:12");
	decoded("a serial of the context class, long-form length",
		(struct parts){ .serial = RAW("\x82\x81\x02\x12\x34") },
		"CN=evil.example", "CN=EvilIssuer", "12:34");
	decoded("a constructed serial of indefinite length (BER)",
		(struct parts){ .serial = RAW("\x22\x80\x02\x01\x05\x00\x00") },
		"CN=evil.example", "CN=EvilIssuer", "02:01:05");
	decoded("a BER serial ended by a context-class end-of-contents",
		(struct parts){ .serial = RAW("\x22\x80\x02\x01\x05\x80\x00") },
		"CN=evil.example", "CN=EvilIssuer", "02:01:05");
	refused("a serial that is an OCTET STRING", (struct parts){ .serial = RAW("\x04\x01\x01") });
	{
		/* BER nesting: 49 indefinite lengths read, 50 refused (asn1-rs) */
		static uint8_t ber[2][204];
		static char want[48 * 12];
		int i, k;

		for (k = 0; k < 2; k++) {
			for (i = 0; i < 49 + k; i++) {
				memcpy(ber[k] + 2 * i, "\x22\x80", 2);
				memcpy(ber[k] + 2 * (49 + k) + 2 * i, "\x00\x00", 2);
			}
		}
		/* the outer's contents: the 48 inner ones, shown as sent */
		for (i = 0; i < 96; i++)
			memcpy(want + 6 * i, i < 48 ? "22:80:" : "00:00:", 6);
		want[6 * 96 - 1] = 0;
		decoded("a BER serial nesting 49 indefinite lengths",
			(struct parts){ .serial = blob(ber[0], 196) }, "CN=evil.example", "CN=EvilIssuer",
			want);
		refused("a BER serial nesting 50", (struct parts){ .serial = blob(ber[1], 200) });
	}
	decoded("version 6 ([0] INTEGER 5)", (struct parts){ .version = RAW("\xa0\x03\x02\x01\x05") },
		"CN=evil.example", "CN=EvilIssuer", "12:34");
	refused("a version padded with a zero", (struct parts){ .version = RAW("\xa0\x04\x02\x02\x00\x02") });
	refused("a negative version", (struct parts){ .version = RAW("\xa0\x03\x02\x01\xff") });
}

static void test_names(void)
{
	decoded("a UTF8String with bad UTF-8: the error string, the issuer kept",
		(struct parts){ .subject = NAME1(0x0c, "evil.example\xff") },
		x509_error, "CN=EvilIssuer", "12:34");
	decoded("an issuer with bad UTF-8", (struct parts){ .issuer = NAME1(0x0c, "Evil\xc3") },
		"CN=evil.example", x509_error, "12:34");
	decoded("a PrintableString with '@' and '*'",
		(struct parts){ .subject = NAME1(0x13, "evil.example@*") },
		"CN=evil.example@*", "CN=EvilIssuer", "12:34");
	decoded("a T61String of Latin-1", (struct parts){ .subject = NAME1(0x14, "caf\xe9") },
		x509_error, "CN=EvilIssuer", "12:34");
	decoded("a UniversalString: hex",
		(struct parts){ .subject = SEQ(SET(SEQ(CN_OID, RAW("\x1c\x08\x00\x00\x00\x65\x00\x00\x00\x76")))) },
		"CN=0000006500000076", "CN=EvilIssuer", "12:34");
	decoded("a BMPString of odd length: the last byte a character",
		(struct parts){ .subject = SEQ(SET(SEQ(CN_OID, RAW("\x1e\x05\x00\x65\x00\xe9\x41")))) },
		"CN=e\xc3\xa9" "A", "CN=EvilIssuer", "12:34");
	decoded("a BMPString with a lone surrogate",
		(struct parts){ .subject = SEQ(SET(SEQ(CN_OID, RAW("\x1e\x04\x00\x65\xd8\x00")))) },
		x509_error, "CN=EvilIssuer", "12:34");
	decoded("an OCTET STRING value: hex",
		(struct parts){ .subject = SEQ(SET(SEQ(CN_OID, RAW("\x04\x02\x65\x76")))) },
		"CN=6576", "CN=EvilIssuer", "12:34");
	decoded("RDNs in the order sent, ' + ' inside one, no escaping",
		(struct parts){ .subject = SEQ(SET(SEQ(RAW("\x06\x03\x55\x04\x06"), str(0x13, "US"))),
					       SET(SEQ(RAW("\x06\x03\x55\x04\x0a"), str(0x0c, "A, B+C")),
						   SEQ(RAW("\x06\x03\x55\x04\x0b"), str(0x0c, "U"))),
					       SET(SEQ(CN_OID, str(0x0c, "evil.example")))) },
		"C=US, O=A, B+C + OU=U, CN=evil.example", "CN=EvilIssuer", "12:34");
	decoded("registry names and OID(...) for the others",
		(struct parts){ .subject = SEQ(SET(SEQ(RAW("\x06\x03\x2a\x03\x04"), str(0x0c, "a"))),
					       SET(SEQ(RAW("\x06\x0a\x2b\x06\x01\x04\x01\xd6\x79\x02\x04\x02"),
						       str(0x0c, "b"))),
					       SET(SEQ(RAW("\x06\x04\x55\x04\x80\x03"), str(0x0c, "c"))),
					       SET(SEQ(RAW("\x06\x02\x2a\x86"), str(0x0c, "d")))) },
		"OID(1.2.3.4)=a, ctSCTList=b, OID(2.5.4.3)=c, OID(1.2.6)=d", "CN=EvilIssuer", "12:34");
	decoded("an empty RDN ends the name",
		(struct parts){ .subject = SEQ(SET(SEQ(CN_OID, str(0x0c, "a"))), RAW("\x31\x00"),
					       SET(SEQ(CN_OID, str(0x0c, "evil")))) },
		"CN=a", "CN=EvilIssuer", "12:34");
	decoded("junk after the name's RDNs ignored",
		(struct parts){ .subject = SEQ(SET(SEQ(CN_OID, str(0x0c, "evil.example"))),
					       RAW("\x05\x00")) },
		"CN=evil.example", "CN=EvilIssuer", "12:34");
}

static void test_times(void)
{
	decoded("UTCTime without seconds, with an offset",
		(struct parts){ .validity = SEQ(UTC("2301010000Z"), UTC("230101000000-0130")) },
		"CN=evil.example", "CN=EvilIssuer", "12:34");
	decoded("GeneralizedTime with three fraction digits",
		(struct parts){ .validity = SEQ(str(0x18, "20230101000000.123Z"), UTC("330101000000Z")) },
		"CN=evil.example", "CN=EvilIssuer", "12:34");
	refused("30 February (OpenSSL decodes it)",
		(struct parts){ .validity = SEQ(UTC("230230000000Z"), UTC("330101000000Z")) });
	refused("29 February 2023", (struct parts){ .validity = SEQ(UTC("230229000000Z"), UTC("330101000000Z")) });
	refused("hour 24", (struct parts){ .validity = SEQ(UTC("230101240000Z"), UTC("330101000000Z")) });
	refused("UTCTime without a zone", (struct parts){ .validity = SEQ(UTC("230101000000"), UTC("330101000000Z")) });
	refused("GeneralizedTime with an offset",
		(struct parts){ .validity = SEQ(str(0x18, "20230101000000+0100"), UTC("330101000000Z")) });
	refused("a four-digit fraction",
		(struct parts){ .validity = SEQ(str(0x18, "20230101000000.1234Z"), UTC("330101000000Z")) });
}

static void test_structure(void)
{
	decoded("data after the signature, inside the certificate",
		(struct parts){ .after_sig = RAW("\x05\x00") }, "CN=evil.example", "CN=EvilIssuer", "12:34");
	refused("data after the public key, in the TBSCertificate",
		(struct parts){ .tail = RAW("\x05\x00") });
	decoded("extensions whose contents do not parse",
		(struct parts){ .tail = RAW("\xa3\x0d\x30\x0b\x30\x09\x06\x03\x55\x1d\x13\x04\x02\x99\x99") },
		"CN=evil.example", "CN=EvilIssuer", "12:34");
	refused("an extension without its OCTET STRING",
		(struct parts){ .tail = RAW("\xa3\x07\x30\x05\x30\x03\x06\x01\x2a") });
	decoded("an issuer unique identifier as [1] { BIT STRING }",
		(struct parts){ .tail = RAW("\xa1\x04\x03\x02\x00\x01") },
		"CN=evil.example", "CN=EvilIssuer", "12:34");
	refused("an issuer unique identifier implicitly tagged",
		(struct parts){ .tail = RAW("\x81\x02\x00\x01") });
	refused("an extensions header longer than the TBSCertificate",
		(struct parts){ .tail = RAW("\xa3\x30\x30\x0b\x30\x09\x06\x03\x55\x1d\x13\x04\x02\x30\x00") });
	decoded("the same after a subject unique identifier (not looked at then)",
		(struct parts){ .tail = RAW("\xa2\x04\x03\x02\x01\x02"
					    "\xa3\x30\x30\x0b\x30\x09\x06\x03\x55\x1d\x13\x04\x02\x30\x00") },
		"CN=evil.example", "CN=EvilIssuer", "12:34");
}

/* Chains: the first that decodes gives the strings; a NUL ends the list. */
static void test_chains(void)
{
	struct der *c[2];
	void *s;

	s = app_tls_ops.state_new(NULL);
	c[0] = cert((struct parts){ .serial = RAW("\x04\x01\x01") });
	c[1] = cert((struct parts){ .subject = NAME1(0x0c, "good.example") });
	server(s, c, 2);
	tap_ok(&T, is(s, NFIPS_BUF_TLS_CERT_SUBJECT, "CN=good.example") && fingerprint(s, c[1]) &&
	       certs(s, 1, c[1]),
	       "a refused certificate, then one that decodes: its buffers, alone in tls.certs");
	app_tls_ops.state_free(s);
	free(c[0]);
	free(c[1]);

	s = app_tls_ops.state_new(NULL);
	c[0] = cert((struct parts){ .subject = SEQ(SET(SEQ(CN_OID, RAW("\x0c\x06" "evil\x00x")))) });
	c[1] = cert((struct parts){ .subject = NAME1(0x0c, "good.example") });
	server(s, c, 2);
	tap_ok(&T, is(s, NFIPS_BUF_TLS_CERT_SUBJECT, NULL) && is(s, NFIPS_BUF_TLS_CERT_ISSUER, NULL) &&
	       fingerprint(s, NULL) && certs(s, 0, NULL),
	       "a subject holding a NUL: no buffer, the list ends (CERTIFICATE_INVALID_SUBJECT)");
	app_tls_ops.state_free(s);
	free(c[0]);
	free(c[1]);

	s = app_tls_ops.state_new(NULL);
	c[0] = cert((struct parts){ .issuer = SEQ(SET(SEQ(CN_OID, RAW("\x1e\x03\x00\x45\x00")))) });
	c[1] = cert((struct parts){ .subject = NAME1(0x0c, "good.example") });
	server(s, c, 2);
	tap_ok(&T, is(s, NFIPS_BUF_TLS_CERT_SUBJECT, "CN=evil.example") &&
	       is(s, NFIPS_BUF_TLS_CERT_ISSUER, NULL) && is(s, NFIPS_BUF_TLS_CERT_SERIAL, NULL) &&
	       fingerprint(s, NULL) && certs(s, 0, NULL),
	       "an issuer holding a NUL (odd BMPString): the subject alone, the list ends");
	app_tls_ops.state_free(s);
	free(c[0]);
	free(c[1]);
}

/*
 * Hostile bytes: 20,000 corruptions (bytes flipped, lengths changed,
 * truncations) of a certificate with every kind of element, decoded
 * under ASan/UBSan; a certificate taken must give C strings (no NUL)
 * and a serial of whole bytes.
 */
static void test_corrupt(void)
{
	struct der *base = cert((struct parts){
		.serial = RAW("\x22\x80\x02\x01\x05\x22\x80\x02\x01\x06\x00\x00\x00\x00"),
		.subject = SEQ(SET(SEQ(RAW("\x06\x03\x55\x04\x06"), str(0x13, "US")),
				   SEQ(RAW("\x06\x02\x2a\x86"), RAW("\x1e\x03\x00\x65\x41"))),
			       SET(SEQ(CN_OID, RAW("\x1c\x04\x00\x00\x00\x65")))),
		.validity = SEQ(str(0x18, "20230101000000.5Z"), UTC("330101000000+0100")),
		.tail = RAW("\xa1\x04\x03\x02\x00\x01\xa3\x10\x30\x0e\x30\x0c\x06\x03\x55"
			    "\x1d\x13\x01\x01\xff\x04\x02\x30\x00") });
	struct bytes out[X509_NSTR] = { 0 };
	uint32_t x = 2463534242u, i, k, bad = 0, ok = 0;
	uint8_t d[512];
	size_t n;
	int r;

	for (i = 0; i < 20000; i++) {
		memcpy(d, base->d, base->n);
		n = base->n;
		for (k = 0; k <= i % 4; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			d[x % n] ^= (uint8_t)(x >> 8 | 1);
		}
		if (i % 5 == 0)
			n = (x >> 16) % n;
		r = x509_decode(d, n, out);
		ok += r == X509_OK;
		if (r < 0 || r > X509_BAD_ISSUER ||
		    (r == X509_OK && (memchr(out[X509_SUBJECT].p, 0, out[X509_SUBJECT].len) ||
				      memchr(out[X509_ISSUER].p, 0, out[X509_ISSUER].len) ||
				      (out[X509_SERIAL].len && out[X509_SERIAL].len % 3 != 2))))
			bad++;
	}
	r = x509_decode(base->d, base->n, out);
	tap_ok(&T, !bad && r == X509_OK && ok &&
	       out[X509_SERIAL].len == 29 &&
	       !memcmp(out[X509_SERIAL].p, "02:01:05:22:80:02:01:06:00:00", 29),
	       "20000 corrupted certificates: no read past them, %u taken, their strings "
	       "C strings (%u wrong); the original's BER serial %.*s", ok, bad,
	       (int)out[X509_SERIAL].len, (const char *)out[X509_SERIAL].p);
	for (i = 0; i < X509_NSTR; i++)
		bytes_free(&out[i]);
	free(base);
}

int main(void)
{
	test_serials();
	test_names();
	test_times();
	test_structure();
	test_chains();
	test_corrupt();
	return tap_done(&T);
}
