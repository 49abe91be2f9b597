// SPDX-License-Identifier: GPL-2.0
/*
 * The TLS buffers of a flow's transaction (tls_int.h), as Suricata 7's
 * detect-tls-*.c and detect-ja3*.c GetData callbacks give them: each
 * exists once its message was decoded; the client side has tls.sni and
 * ja3.*, the server side ja3s.*, each side its own certificates'.
 */
#include "tls_int.h"

static bool str(const struct tls_state *s, enum tls_str k, const uint8_t **data,
		uint32_t *len)
{
	if (!s->has[k])
		return false;
	*data = s->str[k].p ? s->str[k].p : (const uint8_t *)"";
	*len = s->str[k].len;
	return true;
}

static const struct tls_state *state_of(const struct nfips_tx *view)
{
	return ((const struct tls_side *)view)->s;
}

/*
 * SSLGetAlstateProgress: TLS_STATE_FINISHED (3) once the parser saw the
 * flow's end, TLS_HANDSHAKE_DONE (2) once the handshake is done, for the
 * client direction TLS_STATE_CERT_READY (1) once the server's
 * certificate gave a subject or issuer, else 0.
 */
static int progress(const struct tls_state *s, int dir)
{
	if (s->finished)
		return 3;
	if (s->done[1])
		return 2;
	return !dir && s->cert_has[1];
}

/*
 * Suricata inspects a direction's certificate buffers (its own chain:
 * the server's to the client, the client's to the server) from progress
 * TLS_STATE_CERT_READY: for the server's, from the handshake's end or
 * the flow's (a flow whose parsing failed before never has them).
 */
static bool cert_ready(const struct tls_state *s, int dir)
{
	return progress(s, dir) >= 1;
}

static int side_of(const struct nfips_tx *view)
{
	const struct tls_side *side = (const struct tls_side *)view;

	return (int)(side - side->s->side);
}

static bool cert_buf(uint32_t id)
{
	return id == NFIPS_BUF_TLS_CERT_SUBJECT || id == NFIPS_BUF_TLS_CERT_ISSUER ||
	       id == NFIPS_BUF_TLS_CERT_SERIAL || id == NFIPS_BUF_TLS_CERT_FINGERPRINT ||
	       id == NFIPS_BUF_TLS_CERTS;
}

/*
 * A buffer is final (a rule failing on it fails for good) once its
 * direction's progress is past its inspection engine's: the
 * certificate's engines are registered at TLS_STATE_CERT_READY, the
 * others (tls.sni, ja3, ja4 to the server, ja3s to the client) at 0.
 */
bool tls_final(const struct nfips_tx *view, uint32_t id)
{
	const struct tls_state *s = ((const struct tls_side *)view)->s;

	if (cert_buf(id))
		return progress(s, side_of(view)) > 1;
	if (id == NFIPS_BUF_JA3S_STRING || id == NFIPS_BUF_JA3S_HASH)
		return progress(s, 1) > 0;
	return progress(s, 0) > 0;
}

bool tls_get(const struct nfips_tx *view, uint32_t id, const uint8_t **data, uint32_t *len)
{
	const struct tls_state *s = state_of(view);
	const struct bytes *b;
	int k;

	switch (id) {
	case NFIPS_BUF_TLS_SNI: return str(s, TLS_SNI, data, len);
	case NFIPS_BUF_JA3_STRING: return str(s, TLS_JA3, data, len);
	case NFIPS_BUF_JA3_HASH: return str(s, TLS_JA3_HASH, data, len);
	case NFIPS_BUF_JA3S_STRING: return str(s, TLS_JA3S, data, len);
	case NFIPS_BUF_JA3S_HASH: return str(s, TLS_JA3S_HASH, data, len);
	case NFIPS_BUF_JA4_HASH: return str(s, TLS_JA4, data, len);
	}
	if (!cert_buf(id) || !cert_ready(s, side_of(view)) || !s->cert_has[side_of(view)])
		return false;
	switch (id) {
	case NFIPS_BUF_TLS_CERT_SUBJECT: k = TLS_C_SUBJECT; break;
	case NFIPS_BUF_TLS_CERT_ISSUER: k = TLS_C_ISSUER; break;
	case NFIPS_BUF_TLS_CERT_SERIAL: k = TLS_C_SERIAL; break;
	case NFIPS_BUF_TLS_CERT_FINGERPRINT: k = TLS_C_FINGERPRINT; break;
	default: return false;
	}
	/* rs_x509_get_issuer failed: cert0_subject alone was set */
	if (s->cert_partial[side_of(view)] && k != TLS_C_SUBJECT)
		return false;
	b = &s->cert_str[side_of(view)][k];
	*data = b->p ? b->p : (const uint8_t *)"";
	*len = b->len;
	return true;
}

bool tls_get_nth(const struct nfips_tx *view, uint32_t id, uint32_t idx,
		 const uint8_t **data, uint32_t *len)
{
	const struct tls_state *s = state_of(view);
	const int d = side_of(view);
	const uint32_t *at = (const uint32_t *)s->certs_at[d].p;

	if (id != NFIPS_BUF_TLS_CERTS || idx >= s->ncerts[d] || !cert_ready(s, d))
		return false;
	*data = s->certs_der[d].p ? s->certs_der[d].p + at[2 * idx] : (const uint8_t *)"";
	*len = at[2 * idx + 1];
	return true;
}

/*
 * tls.version: the version the side's direction holds (DetectTlsVersionMatch:
 * the server's to the client, the client's to the server), a TLS 1.3
 * draft (0x7fxx) as 0x0304 unless the rule gave a raw value.
 */
bool tls_get_int(const struct nfips_tx *view, uint32_t id, uint64_t *v)
{
	const struct tls_state *s = state_of(view);
	uint16_t ver = s->ver[side_of(view)];

	if (id != NFIPS_TXINT_TLS_VERSION && id != NFIPS_TXINT_TLS_VERSION_RAW)
		return false;
	if (id == NFIPS_TXINT_TLS_VERSION && (ver >> 8) == 0x7f)
		ver = 0x0304;
	*v = ver;
	return true;
}

/*
 * Never final: Suricata's tls.version match failing is "no match" (not
 * "cannot match"), tried again on every packet until the flow's end.
 */
bool tls_final_int(const struct nfips_tx *view, uint32_t id)
{
	(void)id;
	return state_of(view)->finished;
}
