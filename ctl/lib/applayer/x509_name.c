// SPDX-License-Identifier: GPL-2.0
/*
 * A certificate's subject or issuer as Suricata 7.0.10 shows it:
 * x509-parser's Display of X509Name. The RDNs in the order sent, ", "
 * between them, " + " between the attributes of one; each "TYPE=value".
 *
 * Parsing: each RDN a SET (tag number 17) of one or more SEQUENCE
 * { primitive type, any value }; the first RDN that does not parse ends
 * the name (what follows is ignored, as nom's many0 ignores it), so does
 * an attribute in an RDN that already has one.
 *
 * TYPE: x509-parser's abbreviation (CN, C, L, ST, O, OU, Email, DC), else
 * the short name of the oid-registry it is built with (the names below,
 * taken from Suricata 7.0.10's own output), else "OID(dotted)" as asn1-rs
 * writes it: the first byte split by 40, the other arcs base 128 in 64
 * bits (wrapping), or its bytes in hex when an arc is wider.
 *
 * value: the text of the string types (UTF8String and the other ones
 * asn1-rs reads as UTF-8; a BMPString as UTF-16), else the contents in
 * upper-case hex (UniversalString included). Bad UTF-8 or UTF-16
 * anywhere makes the whole name "<X509Error: Invalid X.509 name>".
 */
#include <stdio.h>
#include <string.h>

#include "x509.h"

static const char x509_error[] = "<X509Error: Invalid X.509 name>";

static const struct {
	const char *oid, *name;
} attr_names[] = {
	{ "0.9.2342.19200300.100.1.1", "uid" }, { "0.9.2342.19200300.100.1.25", "DC" },
	{ "1.2.643.2.2.3", "id-GostR3411-94-with-GostR3410-2001" },
	{ "1.2.643.2.2.19", "gostR3410-2001" },
	{ "1.2.643.7.1.1.1.1", "gost3410-2012-256" },
	{ "1.2.643.7.1.1.1.2", "gost3410-2012-512" },
	{ "1.2.643.7.1.1.3.2", "id-tc26-signwithdigest-gost3410-12-256" },
	{ "1.2.643.7.1.1.3.3", "id-tc26-signwithdigest-gost3410-12-512" },
	{ "1.2.840.10040.4.1", "id-dsa" }, { "1.2.840.10040.4.3", "dsa-with-sha1" },
	{ "1.2.840.10045.2.1", "id-ecPublicKey" }, { "1.2.840.10045.3.1.7", "prime256v1" },
	{ "1.2.840.10045.4.3.1", "ecdsa-with-SHA224" },
	{ "1.2.840.10045.4.3.2", "ecdsa-with-SHA256" },
	{ "1.2.840.10045.4.3.3", "ecdsa-with-SHA384" },
	{ "1.2.840.10045.4.3.4", "ecdsa-with-SHA512" },
	{ "1.2.840.113549.1.1.1", "rsaEncryption" },
	{ "1.2.840.113549.1.1.2", "md2WithRSAEncryption" },
	{ "1.2.840.113549.1.1.3", "md4WithRSAEncryption" },
	{ "1.2.840.113549.1.1.4", "md5WithRSAEncryption" },
	{ "1.2.840.113549.1.1.5", "sha1WithRSAEncryption" },
	{ "1.2.840.113549.1.1.8", "id-mgf1" },
	{ "1.2.840.113549.1.1.10", "rsassa-pss" },
	{ "1.2.840.113549.1.1.11", "sha256WithRSAEncryption" },
	{ "1.2.840.113549.1.1.12", "sha384WithRSAEncryption" },
	{ "1.2.840.113549.1.1.13", "sha512WithRSAEncryption" },
	{ "1.2.840.113549.1.1.14", "sha224WithRSAEncryption" },
	{ "1.2.840.113549.1.7.1", "pkcs7-data" },
	{ "1.2.840.113549.1.7.2", "pkcs7-signedData" },
	{ "1.2.840.113549.1.7.3", "pkcs7-envelopedData" },
	{ "1.2.840.113549.1.7.4", "pkcs7-signedAndEnvelopedData" },
	{ "1.2.840.113549.1.7.5", "pkcs7-digestedData" },
	{ "1.2.840.113549.1.7.6", "pkcs7-encryptedData" },
	{ "1.2.840.113549.1.9.1", "Email" },
	{ "1.2.840.113549.1.9.2", "unstructuredName" },
	{ "1.2.840.113549.1.9.3", "contentType" },
	{ "1.2.840.113549.1.9.4", "id-messageDigest" },
	{ "1.2.840.113549.1.9.5", "signing-time" },
	{ "1.2.840.113549.1.9.7", "challengePassword" },
	{ "1.2.840.113549.1.9.14", "extensionRequest" },
	{ "1.2.840.113549.1.9.15", "smimeCapabilities" },
	{ "1.2.840.113549.1.9.20", "friendlyName" }, { "1.2.840.113549.1.12", "pkcs-12" },
	{ "1.2.840.113549.1.12.1", "pkcs-12PbeIds" },
	{ "1.2.840.113549.1.12.1.1", "pbeWithSHAAnd128BitRC4" },
	{ "1.2.840.113549.1.12.1.2", "pbeWithSHAAnd40BitRC4" },
	{ "1.2.840.113549.1.12.1.3", "pbeWithSHAAnd3-KeyTripleDES-CBC" },
	{ "1.2.840.113549.1.12.1.4", "pbeWithSHAAnd2-KeyTripleDES-CBC" },
	{ "1.2.840.113549.1.12.1.5", "pbeWithSHAAnd128BitRC2-CBC" },
	{ "1.2.840.113549.1.12.1.6", "pbeWithSHAAnd40BitRC2-CBC" },
	{ "1.3.6.1.4.1.311.60.2.1.1", "msJurisdictionLocality" },
	{ "1.3.6.1.4.1.311.60.2.1.2", "msJurisdictionStateOrProvince" },
	{ "1.3.6.1.4.1.311.60.2.1.3", "msJurisdictionCountry" },
	{ "1.3.6.1.4.1.11129.2.4.2", "ctSCTList" },
	{ "1.3.6.1.5.5.7.1.1", "authorityInfoAccess" },
	{ "1.3.6.1.5.5.7.48.1", "id-ad-ocsp" },
	{ "1.3.6.1.5.5.7.48.2", "id-ad-caIssuers" },
	{ "1.3.6.1.5.5.7.48.3", "id-ad-timestamping" },
	{ "1.3.6.1.5.5.7.48.4", "id-ad-dvcs" },
	{ "1.3.6.1.5.5.7.48.5", "id-ad-caRepository" },
	{ "1.3.6.1.5.5.7.48.6", "id-ad-http-certs" },
	{ "1.3.6.1.5.5.7.48.7", "id-ad-http-crls" },
	{ "1.3.6.1.5.5.7.48.10", "id-ad-rpki-manifest" },
	{ "1.3.6.1.5.5.7.48.11", "id-ad-signed-object" },
	{ "1.3.6.1.5.5.7.48.12", "id-ad-cmc" },
	{ "1.3.6.1.5.5.7.48.13", "id-ad-rpki-notify" },
	{ "1.3.6.1.5.5.7.48.14", "id-ad-stirTNList" },
	{ "1.3.14.3.2.25", "md5WithRSASignature" }, { "1.3.14.3.2.26", "id-SHA1" },
	{ "1.3.14.3.2.29", "sha1WithRSAEncryption" },
	{ "1.3.36.3.3.1.2", "rsaSignatureWithripemd160" }, { "1.3.101.112", "ed25519" },
	{ "1.3.101.113", "ed448" }, { "1.3.132.0.34", "secp384r1" },
	{ "1.3.132.0.35", "secp521r1" },
	{ "1.3.133.16.840.63.0.2", "dhSinglePass-stdDH-sha1kdf-scheme" },
	{ "2.5.4", "x509" }, { "2.5.4.0", "objectClass" },
	{ "2.5.4.1", "aliasedEntryName" }, { "2.5.4.2", "knowledgeInformation" },
	{ "2.5.4.3", "CN" }, { "2.5.4.4", "surname" }, { "2.5.4.5", "serialNumber" },
	{ "2.5.4.6", "C" }, { "2.5.4.7", "L" }, { "2.5.4.8", "ST" },
	{ "2.5.4.9", "streetAddress" }, { "2.5.4.10", "O" }, { "2.5.4.11", "OU" },
	{ "2.5.4.12", "title" }, { "2.5.4.13", "description" },
	{ "2.5.4.14", "searchGuide" }, { "2.5.4.15", "businessCategory" },
	{ "2.5.4.16", "postalAddress" }, { "2.5.4.17", "postalCode" },
	{ "2.5.4.41", "name" }, { "2.5.4.42", "givenName" }, { "2.5.4.43", "initials" },
	{ "2.5.4.44", "generationQualifier" }, { "2.5.4.45", "uniqueIdentifier" },
	{ "2.5.4.46", "dnQualifier" }, { "2.5.29.1", "oldAuthorityKeyIdentifier" },
	{ "2.5.29.2", "oldKeyAttributes" }, { "2.5.29.3", "oldCertificatePolicies" },
	{ "2.5.29.4", "oldKeyUsage" }, { "2.5.29.5", "oldPolicyMapping" },
	{ "2.5.29.6", "oldSubtreesConstraint" }, { "2.5.29.7", "oldSubjectAltNAme" },
	{ "2.5.29.8", "oldIssuerAltNAme" }, { "2.5.29.14", "subjectKeyIdentifier" },
	{ "2.5.29.15", "keyUsage" }, { "2.5.29.16", "privateKeyUsagePeriod" },
	{ "2.5.29.17", "subjectAltName" }, { "2.5.29.18", "issuerAltName" },
	{ "2.5.29.19", "basicConstraints" }, { "2.5.29.20", "crlNumber" },
	{ "2.5.29.21", "reasonCode" }, { "2.5.29.23", "holdInstructionCode" },
	{ "2.5.29.24", "invalidityDate" }, { "2.5.29.27", "deltaCRLIndicator" },
	{ "2.5.29.28", "issuerDistributionPoint" }, { "2.5.29.29", "issuer" },
	{ "2.5.29.30", "nameConstraints" }, { "2.5.29.31", "crlDistributionPoints" },
	{ "2.5.29.32", "certificatePolicies" }, { "2.5.29.33", "policyMappings" },
	{ "2.5.29.35", "authorityKeyIdentifier" }, { "2.5.29.36", "policyConstraints" },
	{ "2.5.29.37", "extendedKeyUsage" }, { "2.5.29.46", "freshestCRL" },
	{ "2.5.29.54", "inhibitantAnyPolicy" },
	{ "2.16.840.1.101.3.4.1.42", "aes-256-cbc" },
	{ "2.16.840.1.101.3.4.2.1", "sha256" }, { "2.16.840.1.101.3.4.2.2", "sha384" },
	{ "2.16.840.1.101.3.4.2.3", "sha512" }, { "2.16.840.1.113730.1.1", "nsCertType" },
	{ "2.16.840.1.113730.1.2", "nsBaseURL" },
	{ "2.16.840.1.113730.1.3", "nsRevocationURL" },
	{ "2.16.840.1.113730.1.4", "nsCARevocationURL" },
	{ "2.16.840.1.113730.1.5", "nsCACRLURL" },
	{ "2.16.840.1.113730.1.6", "nsCACertURL" },
	{ "2.16.840.1.113730.1.7", "nsRenewalURL" },
	{ "2.16.840.1.113730.1.8", "nsCAPolicyURL" },
	{ "2.16.840.1.113730.1.9", "nsHomepageURL" },
	{ "2.16.840.1.113730.1.10", "nsEntityLogo" },
	{ "2.16.840.1.113730.1.11", "nsUserPicture" },
	{ "2.16.840.1.113730.1.12", "nsSSLServerName" },
	{ "2.16.840.1.113730.1.13", "nsComment" },
};

/* The tags asn1-rs reads as UTF-8 text (attribute_value_to_string). */
static bool text_tag(uint32_t tag)
{
	switch (tag) {
	case 7: case 12: case 18: case 19: case 20: case 21: case 22: case 25: case 26: case 27:
		return true;
	}
	return false;
}

/* Rust's str::from_utf8. */
static bool utf8_ok(const uint8_t *s, size_t n)
{
	size_t i = 0, k, j;
	uint8_t lo, hi;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		lo = 0x80;
		hi = 0xbf;
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			k = 1;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			k = 2;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			k = 3;
		else
			return false;
		if (s[i] == 0xe0)
			lo = 0xa0;
		else if (s[i] == 0xed)
			hi = 0x9f;
		else if (s[i] == 0xf0)
			lo = 0x90;
		else if (s[i] == 0xf4)
			hi = 0x8f;
		if (n - i <= k || s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (j = 2; j <= k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
		i += k + 1;
	}
	return true;
}

static int put_utf8(struct bytes *b, uint32_t c)
{
	uint8_t u[4];
	size_t n;

	if (c < 0x80) {
		u[0] = (uint8_t)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (uint8_t)(0xc0 | c >> 6);
		u[1] = (uint8_t)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (uint8_t)(0xe0 | c >> 12);
		u[1] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
		u[2] = (uint8_t)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (uint8_t)(0xf0 | c >> 18);
		u[1] = (uint8_t)(0x80 | (c >> 12 & 0x3f));
		u[2] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
		u[3] = (uint8_t)(0x80 | (c & 0x3f));
		n = 4;
	}
	return bytes_add(b, u, n);
}

/*
 * A BMPString: big-endian UTF-16 units (an odd last byte is a unit of
 * its own, as asn1-rs reads it), surrogates paired; 1 when they are not.
 */
static int bmp(struct bytes *b, const uint8_t *s, size_t n)
{
	uint32_t u, v;
	size_t i;

	for (i = 0; i < n; i += 2) {
		u = i + 1 < n ? (uint32_t)s[i] << 8 | s[i + 1] : s[i];
		if (u >= 0xdc00 && u <= 0xdfff)
			return 1;
		if (u >= 0xd800 && u <= 0xdbff) {
			if (i + 2 >= n)
				return 1;
			v = i + 3 < n ? (uint32_t)s[i + 2] << 8 | s[i + 3] : s[i + 2];
			if (v < 0xdc00 || v > 0xdfff)
				return 1;
			u = 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00);
			i += 2;
		}
		if (put_utf8(b, u))
			return -1;
	}
	return 0;
}

static int hex_upper(struct bytes *b, const uint8_t *d, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char h[2];
	size_t i;

	for (i = 0; i < n; i++) {
		h[0] = hex[d[i] >> 4];
		h[1] = hex[d[i] & 15];
		if (bytes_add(b, h, 2))
			return -1;
	}
	return 0;
}

/* An arc wider than 64 bits (asn1-rs's check, the first byte aside). */
static bool oid_wide(const uint8_t *d, size_t n)
{
	size_t i, cur = 0;

	for (i = 1; i < n; i++) {
		cur += 7;
		if (!(d[i] & 0x80)) {
			if (cur > 64)
				return true;
			cur = 0;
		}
	}
	return false;
}

/* The encoding a registry entry has: minimal arcs, the last one ended. */
static bool oid_canonical(const uint8_t *d, size_t n)
{
	size_t i;

	if (!n || d[0] & 0x80 || d[n - 1] & 0x80)
		return false;
	for (i = 1; i < n; i++)
		if (d[i] == 0x80 && !(d[i - 1] & 0x80))
			return false;	/* an arc padded with a leading zero group */
	return true;
}

/* asn1-rs's Oid::to_id_string. */
static int oid_text(struct bytes *b, const uint8_t *d, size_t n)
{
	char num[24];
	uint64_t v;
	size_t i;
	int k;

	if (oid_wide(d, n)) {
		for (i = 0; i < n; i++) {
			k = snprintf(num, sizeof(num), i ? " %02x" : "%02x", d[i]);
			if (bytes_add(b, num, (size_t)k))
				return -1;
		}
		return 0;
	}
	if (!n)
		return 0;
	k = snprintf(num, sizeof(num), "%u", d[0] / 40);
	if (bytes_add(b, num, (size_t)k))
		return -1;
	if (n == 1 && !d[0])
		return 0;
	k = snprintf(num, sizeof(num), ".%u", d[0] % 40);
	if (bytes_add(b, num, (size_t)k))
		return -1;
	for (i = 1; i < n;) {
		v = 0;
		do
			v = (v << 7) + (d[i] & 0x7f);
		while (d[i++] & 0x80 && i < n);
		k = snprintf(num, sizeof(num), ".%llu", (unsigned long long)v);
		if (bytes_add(b, num, (size_t)k))
			return -1;
	}
	return 0;
}

/* TYPE of an attribute: its name, else OID(dotted). */
static int attr_type(struct bytes *b, const uint8_t *d, size_t n)
{
	const uint32_t start = b->len;
	size_t i;

	if (oid_text(b, d, n))
		return -1;
	if (oid_canonical(d, n) && !oid_wide(d, n)) {
		for (i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
			if (strlen(attr_names[i].oid) == b->len - start &&
			    !memcmp(attr_names[i].oid, b->p + start, b->len - start)) {
				b->len = start;
				return bytes_add(b, attr_names[i].name,
						 strlen(attr_names[i].name));
			}
		}
	}
	/* not known: OID(...) around the text */
	if (bytes_add(b, "OID()", 5))
		return -1;
	memmove(b->p + start + 4, b->p + start, b->len - 5 - start);
	memcpy(b->p + start, "OID(", 4);
	b->p[b->len - 1] = ')';
	return 0;
}

/* value: 0, 1 bad text, -1 out of memory. */
static int attr_value(struct bytes *b, const struct x509_tlv *v)
{
	if (text_tag(v->tag))
		return utf8_ok(v->v, v->len) ? bytes_add(b, v->v, v->len) : 1;
	if (v->tag == 30)
		return bmp(b, v->v, v->len);
	return hex_upper(b, v->v, v->len);
}

/* AttributeTypeAndValue: SEQUENCE { primitive type, value, ... }. */
static int atv(const uint8_t *p, const uint8_t *end, struct x509_tlv *type,
	       struct x509_tlv *val, const uint8_t **next)
{
	struct x509_tlv s;

	if (x509_tlv(p, end, &s, false) || s.tag != 16 ||
	    x509_tlv(s.v, s.v + s.len, type, false) || type->cons ||
	    x509_tlv(type->next, s.v + s.len, val, false))
		return -1;
	*next = s.next;
	return 0;
}

int x509_name(struct bytes *b, const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n, *q;
	struct x509_tlv rdn, type, val;
	uint32_t nrdn = 0, nattr;
	int r;

	while (p < end && !x509_tlv(p, end, &rdn, false) && rdn.tag == 17) {
		for (q = rdn.v, nattr = 0; q < rdn.v + rdn.len; nattr++) {
			if (atv(q, rdn.v + rdn.len, &type, &val, &q))
				break;
			if ((nattr && bytes_add(b, " + ", 3)) || (!nattr && nrdn && bytes_add(b, ", ", 2)) ||
			    attr_type(b, type.v, type.len) || bytes_add(b, "=", 1))
				return -1;
			r = attr_value(b, &val);
			if (r < 0)
				return -1;
			if (r) {
				b->len = 0;
				return bytes_add(b, x509_error, sizeof(x509_error) - 1);
			}
		}
		if (!nattr)
			break;	/* SET SIZE (1..MAX): the name ends before it */
		nrdn++;
		p = rdn.next;
	}
	return b->len && memchr(b->p, 0, b->len) ? 1 : 0;
}
