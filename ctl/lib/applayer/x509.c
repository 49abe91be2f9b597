// SPDX-License-Identifier: GPL-2.0
/*
 * Which certificates Suricata 7.0.10 decodes, and their serial: its
 * rs_x509_decode (rust/src/x509) is x509-parser's parse_x509_der over
 * asn1-rs, which is both looser and stricter than DER and than OpenSSL:
 *
 * - elements are known by their tag number alone (class and, but where
 *   noted, the constructed bit are not looked at), lengths may be long
 *   forms with leading zeros, an indefinite length is refused;
 * - what follows the known fields of a SEQUENCE is ignored, but in the
 *   TBSCertificate, which must end with its optional [3] extensions;
 * - the serial is any INTEGER, BER: empty, negative, padded with zeros
 *   (shown as sent), even constructed of indefinite length;
 * - the version is a DER INTEGER that fits 32 bits (its value free);
 * - algorithm identifiers are a SEQUENCE whose first element is any
 *   primitive one; BIT STRINGs are DER (primitive, padding bits zero);
 * - the validity's times are checked as asn1-rs and the time crate check
 *   them (digits, ranges, days of the month, UTCTime offsets, only 'Z'
 *   for a GeneralizedTime), which OpenSSL's d2i_X509 does not do;
 * - the unique identifiers are read as if explicitly tagged ([1] { BIT
 *   STRING }), the extensions' [3] header is skipped (its length within
 *   the TBSCertificate, but after a subject unique identifier)
 *   and each extension must be SEQUENCE { primitive, [BOOLEAN of one
 *   byte], OCTET STRING, ... }; their contents are not checked.
 *
 * OpenSSL's d2i_X509 refuses much of what x509-parser accepts (a serial
 * padded with zeros or empty, a name with bad UTF-8, a [0] version
 * beyond v3, ...), which hid certificates from every certificate
 * keyword, and accepts some of what it refuses (a date of 30 February):
 * the certificate is walked here instead, each element bounded by the
 * one holding it, no recursion (the serial's nesting is counted, to
 * asn1-rs's limit), each byte read a bounded number of times. OpenSSL
 * stays the SHA-1 of the fingerprint (tls_cert.c).
 */
#include <stdint.h>
#include <string.h>

#include "x509.h"

/* asn1-rs's MAX_RECURSION: a BER serial nests fewer indefinite lengths (Suricata: 49 read, 50 refused). */
#define X509_BER_DEPTH	50

int x509_tlv(const uint8_t *p, const uint8_t *end, struct x509_tlv *t, bool hdr_only)
{
	uint64_t len = 0;
	uint32_t k;

	if (p >= end)
		return -1;
	t->cls = *p >> 6;
	t->cons = *p & 0x20;
	t->tag = *p++ & 0x1f;
	if (t->tag == 0x1f) {
		/*
		 * high tag number: base 128; asn1-rs reads at most 5 bytes
		 * and keeps the low 32 bits (an attacker's wrapped tag is a
		 * SEQUENCE to Suricata: so it is here)
		 */
		uint32_t nb = 0;

		t->tag = 0;
		do {
			if (p >= end || ++nb > 5)
				return -1;
			t->tag = t->tag << 7 | (*p & 0x7f);
		} while (*p++ & 0x80);
	}
	if (p >= end)
		return -1;
	t->indef = *p == 0x80;
	if (*p < 0x80) {
		len = *p++;
	} else if (*p == 0xff) {
		return -1;	/* reserved */
	} else if (!t->indef) {
		k = *p++ & 0x7f;
		if ((size_t)(end - p) < k)
			return -1;
		for (; k; k--, p++) {
			if (len >> 56)
				return -1;	/* past 64 bits */
			len = len << 8 | *p;
		}
	} else {
		p++;
	}
	t->v = p;
	t->len = len > SIZE_MAX ? SIZE_MAX : (size_t)len;
	t->next = p;
	if (hdr_only)
		return 0;
	if (t->indef || len > (uint64_t)(end - p))
		return -1;
	t->next = p + len;
	return 0;
}

/* An element of tag number @tag, read whole. */
static int tlv_tag(const uint8_t *p, const uint8_t *end, uint32_t tag, struct x509_tlv *t)
{
	return x509_tlv(p, end, t, false) || t->tag != tag ? -1 : 0;
}

/*
 * BER contents of indefinite length (the serial's): from @p to the
 * end-of-contents that closes it, the nested ones counted.
 */
static int ber_indef(const uint8_t *p, const uint8_t *end, struct x509_tlv *t)
{
	const uint8_t *start = p;
	struct x509_tlv e;
	int depth = 1;

	while (depth) {
		if (x509_tlv(p, end, &e, true))
			return -1;
		if (!e.tag && !e.indef && !e.len) {
			/* end-of-contents: tag number 0, length 0, whatever its class */
			if (!--depth) {
				t->len = (size_t)(p - start);
				t->next = e.v;
				return 0;
			}
			p = e.v;
			continue;
		}
		if (e.indef) {
			if (!e.cons || ++depth >= X509_BER_DEPTH)
				return -1;
			p = e.v;
			continue;
		}
		if (x509_tlv(p, end, &e, false))
			return -1;
		p = e.next;
	}
	return -1;
}

/* CertificateSerialNumber: Any::from_ber whose tag number is 2. */
static int serial(const uint8_t *p, const uint8_t *end, struct x509_tlv *t)
{
	if (x509_tlv(p, end, t, true) || t->tag != 2)
		return -1;
	if (t->indef)
		return t->cons ? ber_indef(t->v, end, t) : -1;
	return x509_tlv(p, end, t, false);
}

/* A DER INTEGER that u32::from_der takes (the version). */
static int version(const uint8_t *p, const uint8_t *end)
{
	struct x509_tlv t;

	if (tlv_tag(p, end, 2, &t) || t.cons || !t.len)
		return -1;
	if (t.len > 1 && !t.v[0] && !(t.v[1] & 0x80))
		return -1;	/* not minimal */
	if (t.v[0] & 0x80)
		return -1;	/* negative */
	return t.len > 5 || (t.len == 5 && t.v[0]) ? -1 : 0;
}

/* AlgorithmIdentifier: SEQUENCE { primitive, [any element] }. */
static int alg_id(const uint8_t *p, const uint8_t *end, const uint8_t **next)
{
	struct x509_tlv s, e;

	if (tlv_tag(p, end, 16, &s) || x509_tlv(s.v, s.v + s.len, &e, false) || e.cons)
		return -1;
	if (e.next < s.v + s.len && x509_tlv(e.next, s.v + s.len, &e, false))
		return -1;
	*next = s.next;
	return 0;
}

/* A DER BIT STRING. */
static int bit_string(const uint8_t *p, const uint8_t *end, const uint8_t **next)
{
	struct x509_tlv t;

	if (tlv_tag(p, end, 3, &t) || t.cons || !t.len || t.v[0] > 7)
		return -1;
	if (t.len == 1 ? t.v[0] != 0 : t.v[t.len - 1] & ((1u << t.v[0]) - 1))
		return -1;
	*next = t.next;
	return 0;
}

/* Two decimal digits. */
static int two(const uint8_t *s, int *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

static bool date_ok(int year, int month, int day)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const bool leap = !(year % 4) && (year % 100 || !(year % 400));

	if (month < 1 || month > 12 || day < 1)
		return false;
	return day <= mdays[month - 1] + (month == 2 && leap);
}

/*
 * UTCTime (tag 23) or GeneralizedTime (24) as asn1-rs parses them and
 * the time crate then builds the date: YYMMDDhhmm[ss](Z|±hhmm) or
 * YYYYMMDDhhmm[ss][.f{0,3}]Z; a two-byte group after the minutes is
 * always read as the seconds.
 */
static int asn1_time(const uint8_t *p, const uint8_t *end, const uint8_t **next)
{
	int year, y2, month, day, hour, minute, second = 0, oh, om, i;
	struct x509_tlv t;
	const uint8_t *s, *e;
	bool gen;

	if (x509_tlv(p, end, &t, false) || (t.tag != 23 && t.tag != 24))
		return -1;
	gen = t.tag == 24;
	s = t.v;
	e = t.v + t.len;
	if ((size_t)(e - s) < (gen ? 12u : 10u) || two(s, &year))
		return -1;
	if (gen) {
		if (two(s + 2, &y2))
			return -1;
		year = year * 100 + y2;
		s += 2;
	} else {
		year += year >= 50 ? 1900 : 2000;
	}
	if (two(s + 2, &month) || two(s + 4, &day) || two(s + 6, &hour) || two(s + 8, &minute))
		return -1;
	s += 10;
	if (s == e)
		return -1;
	if (e - s >= 2) {
		if (two(s, &second))
			return -1;
		s += 2;
	}
	if (month > 12 || day > 31 || hour > 23 || minute > 59 || second > 59 || s == e)
		return -1;
	if (gen && *s == '.') {
		/* up to three digits, then the zone; none is fine before it */
		for (s++, i = 0;; i++, s++) {
			if (s == e) {
				if (!i)
					return -1;
				break;
			}
			if (i == 4)
				return -1;
			if (*s == 'Z' || *s == '+' || *s == '-')
				break;
			if (*s < '0' || *s > '9')
				return -1;
		}
	}
	if (e - s == 1 && *s == 'Z') {
		oh = om = 0;
	} else if (!gen && e - s == 5 && (*s == '+' || *s == '-')) {
		if (two(s + 1, &oh) || two(s + 3, &om) || oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (!date_ok(year, month, day))
		return -1;
	*next = t.next;
	return 0;
}

/* [1] or [2] UniqueIdentifier: constructed, holding a DER BIT STRING; 1 present. */
static int unique_id(const uint8_t **p, const uint8_t *end, uint32_t tag)
{
	struct x509_tlv t;
	const uint8_t *n;

	if (*p == end || x509_tlv(*p, end, &t, true) || t.tag != tag || t.cls != 2)
		return 0;
	if (x509_tlv(*p, end, &t, false) || !t.cons || bit_string(t.v, t.v + t.len, &n))
		return -1;
	*p = t.next;
	return 1;
}

/* One Extension: SEQUENCE { primitive, [BOOLEAN], OCTET STRING, ... }. */
static int extension(const uint8_t *p, const uint8_t *end, const uint8_t **next)
{
	struct x509_tlv s, e;
	const uint8_t *q, *se;

	if (tlv_tag(p, end, 16, &s))
		return -1;
	se = s.v + s.len;
	if (x509_tlv(s.v, se, &e, false) || e.cons)
		return -1;
	q = e.next;
	/* critical: a BER BOOLEAN of one byte, else absent */
	if (!x509_tlv(q, se, &e, false) && e.tag == 1 && e.len == 1)
		q = e.next;
	if (tlv_tag(q, se, 4, &e) || e.cons)
		return -1;
	*next = s.next;
	return 0;
}

/*
 * The TBSCertificate's tail: the optional unique identifiers, then the
 * extensions (a header of tag number 3, skipped, and a SEQUENCE of
 * them, every one valid), then nothing. The [3] header's length must not
 * pass the TBSCertificate's end, unless a subject unique identifier came
 * before it (then x509-parser does not look at it: measured).
 */
static int tbs_tail(const uint8_t *p, const uint8_t *end)
{
	struct x509_tlv t, s;
	const uint8_t *q;
	int sub;

	if (unique_id(&p, end, 1) < 0)
		return -1;
	sub = unique_id(&p, end, 2);
	if (sub < 0)
		return -1;
	if (p == end)
		return 0;
	if (x509_tlv(p, end, &t, true) || t.indef || t.tag != 3 ||
	    (!sub && t.len > (size_t)(end - t.v)) || tlv_tag(t.v, end, 16, &s))
		return -1;
	for (q = s.v; q < s.v + s.len;)
		if (extension(q, s.v + s.len, &q))
			return -1;
	return s.next == end ? 0 : -1;
}

/* The walk: 0 and the fields' contents, or -1 refused. */
struct x509_fields {
	struct x509_tlv serial, issuer, subject;
};

static int walk(const uint8_t *der, size_t n, struct x509_fields *f)
{
	const uint8_t *end = der + n, *p, *e, *q;
	struct x509_tlv c, tbs, t;

	if (tlv_tag(der, end, 16, &c) || tlv_tag(c.v, c.v + c.len, 16, &tbs))
		return -1;
	/* signatureAlgorithm, signatureValue; anything after is ignored */
	if (alg_id(tbs.next, c.v + c.len, &q) || bit_string(q, c.v + c.len, &q))
		return -1;
	p = tbs.v;
	e = tbs.v + tbs.len;
	/* [0] EXPLICIT Version, of the context class */
	if (!x509_tlv(p, e, &t, true) && !t.tag) {
		if (t.cls != 2 || x509_tlv(p, e, &t, false) || version(t.v, t.v + t.len))
			return -1;
		p = t.next;
	}
	if (serial(p, e, &f->serial) || alg_id(f->serial.next, e, &p) ||
	    tlv_tag(p, e, 16, &f->issuer) || tlv_tag(f->issuer.next, e, 16, &t))
		return -1;
	/* Validity: two times, anything after ignored */
	if (asn1_time(t.v, t.v + t.len, &q) || asn1_time(q, t.v + t.len, &q))
		return -1;
	if (tlv_tag(t.next, e, 16, &f->subject) || tlv_tag(f->subject.next, e, 16, &t))
		return -1;
	/* SubjectPublicKeyInfo: AlgorithmIdentifier, BIT STRING, ... */
	if (alg_id(t.v, t.v + t.len, &q) || bit_string(q, t.v + t.len, &q))
		return -1;
	return tbs_tail(t.next, e);
}

static int serial_hex(struct bytes *b, const uint8_t *d, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char h[3] = { ':' };
	size_t i;

	for (i = 0; i < n; i++) {
		h[1] = hex[d[i] >> 4];
		h[2] = hex[d[i] & 15];
		if (bytes_add(b, i ? h : h + 1, i ? 3 : 2))
			return -1;
	}
	return 0;
}

int x509_decode(const uint8_t *der, size_t n, struct bytes out[X509_NSTR])
{
	struct x509_fields f;
	int i, r;

	for (i = 0; i < X509_NSTR; i++)
		out[i].len = 0;
	/* an empty certificate of the list: refused, and no pointer arithmetic on NULL */
	if (!n || walk(der, n, &f))
		return X509_REFUSED;
	/* rs_x509_get_subject, _issuer, _serial: NULL when a NUL is in the name */
	r = x509_name(&out[X509_SUBJECT], f.subject.v, f.subject.len);
	if (r)
		return r < 0 ? -1 : X509_BAD_SUBJECT;
	r = x509_name(&out[X509_ISSUER], f.issuer.v, f.issuer.len);
	if (r)
		return r < 0 ? -1 : X509_BAD_ISSUER;
	return serial_hex(&out[X509_SERIAL], f.serial.v, f.serial.len) ? -1 : X509_OK;
}
