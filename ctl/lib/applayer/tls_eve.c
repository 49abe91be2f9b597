// SPDX-License-Identifier: GPL-2.0
/*
 * The "tls" object of an alert's record, as Suricata 7.0's alert writes
 * it (output-json-tls.c JsonTlsLogJSONExtended, the alert's format):
 * the server certificate's subject, issuer, serial, fingerprint and
 * validity, the SNI, the server's version, JA3, JA3S, JA4 (for the rules
 * on it) and the client's certificate. Built only
 * when an alert fires; the validity dates are decoded from the kept DER
 * then, with OpenSSL, so the parser keeps nothing more for them.
 */
#include <openssl/asn1.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <time.h>

#include "tls_int.h"
#include "util/util.h"

uint64_t tls_tx_id(const struct nfips_tx *view)
{
	(void)view;
	return 0;	/* a flow has one transaction */
}

static void kbytes(struct nfips_json *j, const char *key, const struct bytes *b)
{
	nfips_json_kstrn(j, key, (const char *)b->p, b->len);
}

/* Suricata's SSLVersionToString. */
static void version(struct nfips_json *j, uint16_t v)
{
	char buf[24];
	const char *s = buf;

	switch (v) {
	case 0: s = "UNDETERMINED"; break;
	case 0x0200: s = "SSLv2"; break;
	case 0x0300: s = "SSLv3"; break;
	case 0x0301: s = "TLSv1"; break;
	case 0x0302: s = "TLS 1.1"; break;
	case 0x0303: s = "TLS 1.2"; break;
	case 0x0304: s = "TLS 1.3"; break;
	default:
		if (v >= 0x7f10 && v <= 0x7f1c)
			snprintf(buf, sizeof(buf), "TLS 1.3 draft-%u", v & 0xff);
		else if (v > 0x7f00 && v < 0x7f10)
			s = "TLS 1.3 draft-<16";
		else
			snprintf(buf, sizeof(buf), "0x%04x", v);
	}
	nfips_json_kstr(j, "version", s);
}

/* "notbefore"/"notafter" of the first certificate OpenSSL decodes. */
static void validity(struct nfips_json *j, const struct tls_state *s, int dir)
{
	X509 *x = NULL;
	uint32_t i;

	const uint32_t *at = (const uint32_t *)s->certs_at[dir].p;

	for (i = 0; i < s->ncerts[dir] && !x && s->certs_der[dir].p; i++) {
		const unsigned char *p = s->certs_der[dir].p + at[2 * i];

		x = d2i_X509(NULL, &p, at[2 * i + 1]);
	}
	if (!x)
		return;
	for (i = 0; i < 2; i++) {
		const ASN1_TIME *t = i ? X509_get0_notAfter(x) : X509_get0_notBefore(x);
		struct tm tm;
		char buf[32];

		if (!t || !ASN1_TIME_to_tm(t, &tm))
			continue;
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
		nfips_json_kstr(j, i ? "notafter" : "notbefore", buf);
	}
	X509_free(x);
}

static void hash_obj(struct nfips_json *j, const char *key, const struct tls_state *s,
		     enum tls_str hash, enum tls_str str)
{
	if (!s->has[hash] || !s->has[str])
		return;
	nfips_json_obj(j, key);
	kbytes(j, "hash", &s->str[hash]);
	kbytes(j, "string", &s->str[str]);
	nfips_json_obj_end(j);
}

void tls_eve(const struct nfips_tx *view, struct nfips_json *j, uint32_t flags)
{
	const struct tls_state *s = ((const struct tls_side *)view)->s;
	const bool cert = s->cert_has[1];

	nfips_json_obj(j, "tls");
	if (cert) {
		kbytes(j, "subject", &s->cert_str[1][TLS_C_SUBJECT]);
		kbytes(j, "issuerdn", &s->cert_str[1][TLS_C_ISSUER]);
	}
	/*
	 * JsonTlsLogSessionResumed: without a certificate, after the
	 * ServerHello, not TLS 1.3 (SSL_AL_FLAG_LOG_WITHOUT_CERT).
	 */
	if (s->resumed && !cert && s->server_hello && s->ver[1] != 0x0304 &&
	    (s->ver[1] >> 8) != 0x7f)
		nfips_json_kbool(j, "session_resumed", true);
	if (cert) {
		kbytes(j, "serial", &s->cert_str[1][TLS_C_SERIAL]);
		kbytes(j, "fingerprint", &s->cert_str[1][TLS_C_FINGERPRINT]);
	}
	if (s->has[TLS_SNI])
		kbytes(j, "sni", &s->str[TLS_SNI]);
	version(j, s->ver[1]);
	if (cert)
		validity(j, s, 1);
	hash_obj(j, "ja3", s, TLS_JA3_HASH, TLS_JA3);
	hash_obj(j, "ja3s", s, TLS_JA3S_HASH, TLS_JA3S);
	/*
	 * Suricata 7.0.10 writes "ja4" in the records of the rules that
	 * inspect ja4.hash only (the others on the same flow, even of the
	 * same packet, have none).
	 */
	if ((flags & NFIPS_TX_EVE_JA4) && s->has[TLS_JA4])
		kbytes(j, "ja4", &s->str[TLS_JA4]);
	if (s->cert_has[0]) {
		/* JsonTlsLogClientCert: the client's certificate, this order */
		nfips_json_obj(j, "client");
		kbytes(j, "subject", &s->cert_str[0][TLS_C_SUBJECT]);
		kbytes(j, "issuerdn", &s->cert_str[0][TLS_C_ISSUER]);
		kbytes(j, "fingerprint", &s->cert_str[0][TLS_C_FINGERPRINT]);
		kbytes(j, "serial", &s->cert_str[0][TLS_C_SERIAL]);
		validity(j, s, 0);
		nfips_json_obj_end(j);
	}
	nfips_json_obj_end(j);
}
