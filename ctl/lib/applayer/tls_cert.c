// SPDX-License-Identifier: GPL-2.0
/*
 * The Certificate message: the chain's DER certificates (tls.certs) and,
 * from the first that decodes (the server's), the strings Suricata 7
 * renders with its X.509 parser (x509.c, x509_name.c: subject, issuer,
 * serial) and its fingerprint: the SHA-1 (OpenSSL's) of the certificate
 * as sent, in lower-case hex bytes joined by ':'.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "tls_int.h"
#include "x509.h"

_Static_assert((int)TLS_C_SUBJECT == (int)X509_SUBJECT && (int)TLS_C_ISSUER == (int)X509_ISSUER &&
	       (int)TLS_C_SERIAL == (int)X509_SERIAL, "x509_decode fills tls_chain's str[]");

static int hex_lower(struct bytes *b, const uint8_t *d, size_t n)
{
	char h[4];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(h, sizeof(h), "%s%02x", i ? ":" : "", d[i]);
		if (bytes_add(b, h, strlen(h)))
			return -1;
	}
	return 0;
}

/*
 * Subject, issuer, serial and fingerprint of a certificate into @c's
 * staged strings, as TlsDecodeHSCertificate takes them: 0 decoded; 1
 * refused (Suricata's decoder fails: the next certificate is tried); 2
 * its subject or issuer cannot be a C string (Suricata's "goto error":
 * the message's list ends there, the subject kept when the issuer
 * failed, c->partial); -1 out of memory.
 */
static int decode(struct tls_chain *c, const uint8_t *der, uint32_t n)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct bytes *b = c->str;
	int i, r;

	r = x509_decode(der, n, b);
	if (r == X509_OK) {
		b[TLS_C_FINGERPRINT].len = 0;
		if (!EVP_Digest(der, n, md, &mdlen, EVP_sha1(), NULL) ||
		    hex_lower(&b[TLS_C_FINGERPRINT], md, mdlen))
			r = -1;
		else
			c->decoded = true;
	}
	c->partial = r == X509_BAD_ISSUER;
	for (i = 0; r && i < TLS_C_N; i++)
		if (!c->partial || i != TLS_C_SUBJECT)
			b[i].len = 0;
	if (r < 0)
		return -1;
	return r == X509_OK ? 0 : r == X509_REFUSED ? 1 : 2;
}

void tls_chain_free(struct tls_chain *c)
{
	int i;

	bytes_free(&c->cur);
	bytes_free(&c->der);
	bytes_free(&c->at);
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

/* Certificate @len bytes long, the last of c->der, staged for tls.certs. */
static int stage(struct tls_chain *c, uint32_t len)
{
	const uint32_t at[2] = { c->der.len - len, len };

	if (bytes_add(&c->at, at, sizeof(at)))
		return -1;
	c->ncerts++;
	return 0;
}

/*
 * A whole certificate, as TlsDecodeHSCertificate takes it: until one
 * decodes, each is tried (Suricata's certn stays 0) and one that does not
 * decode is not in the chain; once one did, the others are only kept
 * (read straight into c->der).
 */
static int cert_done(struct tls_chain *c)
{
	const uint32_t len = c->cert_end - c->cert_start;
	int r;

	if (c->decoded)
		return c->keep ? stage(c, len) : 0;
	r = c->keep ? decode(c, c->cur.p, len) : 1;
	if (r < 0)
		return -1;
	if (r == 2)
		/* TlsDecodeHSCertificate's error: the list ends, nothing added */
		c->done = true;
	else if (!r && (bytes_add_max(&c->der, c->cur.p, len, c->msg_len) || stage(c, len)))
		return -1;
	/* a certificate not kept (up to TLS_CERT0_MAX) is not held while the chain goes on */
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
	c->cert_start = c->pos;
	c->cert_end = c->pos + v;
	c->keep = c->decoded ? c->ncerts < TLS_CERTS_MAX : v <= TLS_CERT0_MAX;
}

/* The list ends once its last certificate did. */
static int cert_end(struct tls_chain *c)
{
	c->in_cert = false;
	if (cert_done(c))
		return -1;
	c->done = c->done || c->pos == 3 + c->total;
	return 0;
}

int tls_chain_data(struct tls_state *s, int dir, const uint8_t *d, uint32_t n)
{
	struct tls_chain *c = &s->dir[dir].chain;
	uint32_t k;

	while (n && !c->done) {
		if (c->in_cert) {
			k = c->cert_end - c->pos < n ? c->cert_end - c->pos : n;
			/* held no larger than the certificate, the chain than its message */
			if (c->keep && (c->decoded ? bytes_add_max(&c->der, d, k, c->msg_len) :
					bytes_add_max(&c->cur, d, k, c->cur.len + c->cert_end - c->pos)))
				return -1;
			c->pos += k;
			d += k;
			n -= k;
			if (c->pos == c->cert_end && cert_end(c))
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
		if (c->in_cert && c->pos == c->cert_end && cert_end(c))
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
		s->certs_der[dir] = c->der;
		s->certs_at[dir] = c->at;
		memset(&c->der, 0, sizeof(c->der));
		memset(&c->at, 0, sizeof(c->at));
		s->cert_has[dir] = c->decoded || c->partial;
		s->cert_partial[dir] = c->partial;
		for (i = 0; s->cert_has[dir] && i < TLS_C_N; i++) {
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
