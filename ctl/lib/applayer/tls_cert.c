// SPDX-License-Identifier: GPL-2.0
/*
 * The Certificate message: the chain's DER certificates (tls.certs) and,
 * from the first (the server's), the strings Suricata 7 renders with its
 * X.509 parser (rust/src/x509): subject and issuer as "SN=value" per
 * attribute, ", " between RDNs, " + " inside one, the names its table
 * has (attr_names), else "OID(dotted)"; the serial as upper-case hex
 * bytes joined by ':'; the fingerprint as the SHA-1 of the DER in
 * lower-case hex bytes joined by ':'. Parsed with OpenSSL; a certificate
 * it refuses gives no strings, as Suricata's parser failing does.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "tls_int.h"

static int hex_bytes(struct bytes *b, const uint8_t *d, size_t n, bool upper)
{
	char h[4];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(h, sizeof(h), upper ? "%s%02X" : "%s%02x", i ? ":" : "", d[i]);
		if (bytes_add(b, h, strlen(h)))
			return -1;
	}
	return 0;
}

/* One attribute's value: its string bytes as they are encoded. */
static int name_value(struct bytes *b, const ASN1_STRING *v)
{
	const unsigned char *p = ASN1_STRING_get0_data(v);
	int n = ASN1_STRING_length(v);
	unsigned char *u = NULL;

	/* BMP and Universal strings are shown as UTF-8. */
	if (ASN1_STRING_type(v) == V_ASN1_BMPSTRING ||
	    ASN1_STRING_type(v) == V_ASN1_UNIVERSALSTRING) {
		n = ASN1_STRING_to_UTF8(&u, v);
		if (n < 0)
			return -1;
		p = u;
	}
	n = bytes_add(b, p, (size_t)n);
	OPENSSL_free(u);
	return n;
}

/*
 * Attribute names as Suricata's x509-parser renders them: its abbreviations,
 * else the short name of its OID registry (as Suricata 7.0.10 shows them);
 * other types as "OID(dotted)".
 */
static const struct {
	const char *oid, *name;
} attr_names[] = {
	{ "2.5.4.3", "CN" }, { "2.5.4.6", "C" }, { "2.5.4.7", "L" }, { "2.5.4.8", "ST" },
	{ "2.5.4.10", "O" }, { "2.5.4.11", "OU" }, { "0.9.2342.19200300.100.1.25", "DC" },
	{ "1.2.840.113549.1.9.1", "Email" },
	{ "2.5.4.0", "objectClass" }, { "2.5.4.1", "aliasedEntryName" },
	{ "2.5.4.2", "knowledgeInformation" }, { "2.5.4.4", "surname" },
	{ "2.5.4.5", "serialNumber" }, { "2.5.4.9", "streetAddress" },
	{ "2.5.4.12", "title" }, { "2.5.4.13", "description" },
	{ "2.5.4.14", "searchGuide" }, { "2.5.4.15", "businessCategory" },
	{ "2.5.4.16", "postalAddress" }, { "2.5.4.17", "postalCode" },
	{ "2.5.4.41", "name" }, { "2.5.4.42", "givenName" }, { "2.5.4.43", "initials" },
	{ "2.5.4.44", "generationQualifier" }, { "2.5.4.45", "uniqueIdentifier" },
	{ "2.5.4.46", "dnQualifier" },
	{ "1.3.6.1.4.1.311.60.2.1.1", "msJurisdictionLocality" },
	{ "1.3.6.1.4.1.311.60.2.1.2", "msJurisdictionStateOrProvince" },
	{ "1.3.6.1.4.1.311.60.2.1.3", "msJurisdictionCountry" },
	{ "1.2.840.113549.1.9.2", "unstructuredName" },
	{ "1.2.840.113549.1.9.3", "contentType" },
	{ "1.2.840.113549.1.9.4", "id-messageDigest" },
	{ "1.2.840.113549.1.9.5", "signing-time" },
	{ "1.2.840.113549.1.9.7", "challengePassword" },
	{ "0.9.2342.19200300.100.1.1", "uid" },
};

static int attr_name(struct bytes *b, const ASN1_OBJECT *o)
{
	char oid[128];
	size_t i;
	int n = OBJ_obj2txt(oid, sizeof(oid), o, 1);

	if (n < 0 || (size_t)n >= sizeof(oid))
		return -1;
	for (i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
		if (!strcmp(attr_names[i].oid, oid))
			return bytes_add(b, attr_names[i].name, strlen(attr_names[i].name));
	return bytes_add(b, "OID(", 4) || bytes_add(b, oid, (size_t)n) || bytes_add(b, ")", 1);
}

static int render_name(struct bytes *b, const X509_NAME *nm)
{
	int i, cnt = X509_NAME_entry_count(nm), prev_set = -1;

	for (i = 0; i < cnt; i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(nm, i);
		int set = X509_NAME_ENTRY_set(e);

		if (i && bytes_add(b, set == prev_set ? " + " : ", ", set == prev_set ? 3 : 2))
			return -1;
		prev_set = set;
		if (attr_name(b, X509_NAME_ENTRY_get_object(e)) || bytes_add(b, "=", 1) ||
		    name_value(b, X509_NAME_ENTRY_get_data(e)))
			return -1;
	}
	return 0;
}

/* The serial's DER content bytes as sent (a leading 00 kept). */
static int serial_hex(struct bytes *b, const ASN1_INTEGER *serial)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	int n = i2d_ASN1_INTEGER(serial, &der), ret = -1;
	long len;
	int tag, cls;

	if (n <= 0)
		return -1;
	p = der;
	if (!(ASN1_get_object(&p, &len, &tag, &cls, n) & 0x80))
		ret = hex_bytes(b, p, (size_t)len, true);
	OPENSSL_free(der);
	return ret;
}

/* Subject, issuer, serial and fingerprint of the server's certificate. */
static int first_cert(struct tls_state *s, const uint8_t *der, uint32_t n)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, n);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct bytes b[4] = { { 0 } };
	const ASN1_INTEGER *serial;
	int i, ret = -1;

	if (!x)
		return 1;	/* not a certificate: Suricata's decoder fails too */
	serial = X509_get0_serialNumber(x);
	if (render_name(&b[0], X509_get_subject_name(x)) ||
	    render_name(&b[1], X509_get_issuer_name(x)) ||
	    serial_hex(&b[2], serial) ||
	    !EVP_Digest(der, n, md, &mdlen, EVP_sha1(), NULL) ||
	    hex_bytes(&b[3], md, mdlen, false))
		goto out;
	if (tls_set(s, TLS_SUBJECT, b[0].p, b[0].len) ||
	    tls_set(s, TLS_ISSUER, b[1].p, b[1].len) ||
	    tls_set(s, TLS_SERIAL, b[2].p, b[2].len) ||
	    tls_set(s, TLS_FINGERPRINT, b[3].p, b[3].len))
		goto out;
	ret = 0;
out:
	for (i = 0; i < 4; i++)
		bytes_free(&b[i]);
	X509_free(x);
	return ret;
}

/*
 * 1: malformed (Suricata's INVALID_CERTIFICATE and decode errors end the
 * parsing); the certificates before the fault are kept.
 */
int tls_certificate(struct tls_state *s, const uint8_t *d, uint32_t n)
{
	uint32_t total, len, off = 3;

	if (n < 3)
		return 1;
	total = (uint32_t)d[0] << 16 | (uint32_t)d[1] << 8 | d[2];
	if (total > n - 3)
		return 1;
	while (off < 3 + total) {
		if (3 + total - off < 3)
			return 1;
		len = (uint32_t)d[off] << 16 | (uint32_t)d[off + 1] << 8 | d[off + 2];
		off += 3;
		if (len > 3 + total - off)
			return 1;
		if (s->ncerts < TLS_CERTS_MAX) {
			if (bytes_add(&s->certs[s->ncerts], d + off, len))
				return -1;
			/* One OpenSSL cannot decode has no strings; the chain goes on. */
			if (!s->ncerts && first_cert(s, d + off, len) < 0)
				return -1;
			s->ncerts++;
		}
		off += len;
	}
	return 0;
}
