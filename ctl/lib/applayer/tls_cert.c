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

/*
 * Subject, issuer, serial and fingerprint of a certificate into @c's
 * staged strings; 1: OpenSSL cannot decode it (Suricata's decoder fails
 * too), -1 out of memory.
 */
static int decode(struct tls_chain *c, const uint8_t *der, uint32_t n)
{
	const unsigned char *p = der;
	X509 *x = n ? d2i_X509(NULL, &p, n) : NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct bytes *b = c->str;
	int i, ret = -1;

	if (!x)
		return 1;
	for (i = 0; i < TLS_C_N; i++)
		b[i].len = 0;
	if (render_name(&b[TLS_C_SUBJECT], X509_get_subject_name(x)) ||
	    render_name(&b[TLS_C_ISSUER], X509_get_issuer_name(x)) ||
	    serial_hex(&b[TLS_C_SERIAL], X509_get0_serialNumber(x)) ||
	    !EVP_Digest(der, n, md, &mdlen, EVP_sha1(), NULL) ||
	    hex_bytes(&b[TLS_C_FINGERPRINT], md, mdlen, false))
		goto out;
	c->decoded = true;
	ret = 0;
out:
	if (ret)
		for (i = 0; i < TLS_C_N; i++)
			b[i].len = 0;
	X509_free(x);
	return ret;
}

void tls_chain_free(struct tls_chain *c)
{
	int i;

	bytes_free(&c->cur);
	for (i = 0; i < TLS_C_N; i++)
		bytes_free(&c->str[i]);
	memset(c, 0, sizeof(*c));
}

void tls_chain_begin(struct tls_state *s, int dir, uint32_t len)
{
	struct tls_chain *c = &s->dir[dir].chain;

	tls_chain_free(c);
	c->msg_len = len;
	/* Suricata takes the first message whose list fits; the others fail. */
	c->done = s->dir[dir].chain_taken;
}

/*
 * A whole certificate, as TlsDecodeHSCertificate takes it: until one
 * decodes, each is tried (Suricata's certn stays 0) and one that does not
 * decode is not in the chain; once one did, the others are only kept.
 */
static int cert_done(struct tls_state *s, int dir, struct tls_chain *c)
{
	const uint32_t len = c->cur.len;
	bool add = c->keep;
	int r;

	if (!c->decoded) {
		r = c->keep ? decode(c, c->cur.p, len) : 1;
		if (r < 0)
			return -1;
		add = !r;
	}
	if (add && c->ncerts < TLS_CERTS_MAX) {
		s->certs[dir][c->ncerts++] = c->cur;
		c->kept += len;
		memset(&c->cur, 0, sizeof(c->cur));
	}
	/* one not kept (up to TLS_CERT0_MAX) is not held while the chain goes on */
	bytes_free(&c->cur);
	return 0;
}

/* A 24-bit length is read: the list's, or the next certificate's. */
static void length_read(struct tls_state *s, int dir, struct tls_chain *c)
{
	const uint32_t v = (uint32_t)c->lenb[0] << 16 | (uint32_t)c->lenb[1] << 8 | c->lenb[2];

	c->nlen = 0;
	if (c->pos == 3) {
		/* HAS_SPACE(cert_chain_len), then the message is taken */
		if (v > c->msg_len - 3) {
			c->done = true;
			return;
		}
		s->dir[dir].chain_taken = true;
		c->total = v;
		c->done = !v;
		return;
	}
	if (v > 3 + c->total - c->pos) {
		c->done = true;	/* overruns the list: INVALID_CERTIFICATE */
		return;
	}
	c->in_cert = true;
	c->cert_end = c->pos + v;
	c->keep = c->decoded ? c->ncerts < TLS_CERTS_MAX && c->kept + v <= TLS_CHAIN_BUDGET :
			       v <= TLS_CERT0_MAX;
}

/* The list ends once its last certificate did. */
static int cert_end(struct tls_state *s, int dir, struct tls_chain *c)
{
	c->in_cert = false;
	if (cert_done(s, dir, c))
		return -1;
	c->done = c->pos == 3 + c->total;
	return 0;
}

int tls_chain_data(struct tls_state *s, int dir, const uint8_t *d, uint32_t n)
{
	struct tls_chain *c = &s->dir[dir].chain;
	uint32_t k;

	while (n && !c->done) {
		if (c->in_cert) {
			k = c->cert_end - c->pos < n ? c->cert_end - c->pos : n;
			/* held no larger than the certificate */
			if (c->keep && bytes_add_max(&c->cur, d, k, c->cur.len + c->cert_end - c->pos))
				return -1;
			c->pos += k;
			d += k;
			n -= k;
			if (c->pos == c->cert_end && cert_end(s, dir, c))
				return -1;
			continue;
		}
		/* a certificate's length needs 3 bytes left in the list */
		if (c->pos >= 3 && !c->nlen && 3 + c->total - c->pos < 3) {
			c->done = true;
			break;
		}
		c->lenb[c->nlen++] = *d++;
		c->pos++;
		n--;
		if (c->nlen < 3)
			continue;
		length_read(s, dir, c);
		if (c->in_cert && c->pos == c->cert_end && cert_end(s, dir, c))
			return -1;	/* an empty certificate */
	}
	return 0;
}

int tls_chain_end(struct tls_state *s, int dir)
{
	struct tls_chain *c = &s->dir[dir].chain;
	int i;

	if (!s->ncerts[dir] && !s->cert_has[dir]) {
		s->ncerts[dir] = c->ncerts;
		s->cert_has[dir] = c->decoded;
		for (i = 0; c->decoded && i < TLS_C_N; i++) {
			s->cert_str[dir][i] = c->str[i];
			memset(&c->str[i], 0, sizeof(c->str[i]));
		}
		c->ncerts = 0;
		s->gen[dir]++;
		tls_progress_moved(s);	/* the server's: the client's progress */
	}
	tls_chain_free(c);
	return 0;
}
