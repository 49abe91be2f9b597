// SPDX-License-Identifier: GPL-2.0
/*
 * The TLS buffers of a flow's transaction (tls_int.h), as Suricata 7's
 * detect-tls-*.c and detect-ja3*.c GetData callbacks give them: each
 * exists once its message was decoded; the client side has tls.sni and
 * ja3.*, the server side the certificate's and ja3s.*.
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
	return !dir && (s->has[TLS_SUBJECT] || s->has[TLS_ISSUER]);
}

/*
 * Suricata inspects the certificate buffers of the server direction from
 * progress TLS_STATE_CERT_READY, which that direction reaches only at
 * the handshake's end or the flow's: a flow whose parsing failed before
 * never has them.
 */
static bool cert_ready(const struct tls_state *s)
{
	return progress(s, 1) >= 1;
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
		return progress(s, 1) > 1;
	if (id == NFIPS_BUF_JA3S_STRING || id == NFIPS_BUF_JA3S_HASH)
		return progress(s, 1) > 0;
	return progress(s, 0) > 0;
}

bool tls_get(const struct nfips_tx *view, uint32_t id, const uint8_t **data, uint32_t *len)
{
	const struct tls_state *s = state_of(view);

	switch (id) {
	case NFIPS_BUF_TLS_SNI: return str(s, TLS_SNI, data, len);
	case NFIPS_BUF_JA3_STRING: return str(s, TLS_JA3, data, len);
	case NFIPS_BUF_JA3_HASH: return str(s, TLS_JA3_HASH, data, len);
	case NFIPS_BUF_JA3S_STRING: return str(s, TLS_JA3S, data, len);
	case NFIPS_BUF_JA3S_HASH: return str(s, TLS_JA3S_HASH, data, len);
	case NFIPS_BUF_JA4_HASH: return str(s, TLS_JA4, data, len);
	}
	if (!cert_ready(s))
		return false;
	switch (id) {
	case NFIPS_BUF_TLS_CERT_SUBJECT: return str(s, TLS_SUBJECT, data, len);
	case NFIPS_BUF_TLS_CERT_ISSUER: return str(s, TLS_ISSUER, data, len);
	case NFIPS_BUF_TLS_CERT_SERIAL: return str(s, TLS_SERIAL, data, len);
	case NFIPS_BUF_TLS_CERT_FINGERPRINT: return str(s, TLS_FINGERPRINT, data, len);
	}
	return false;
}

bool tls_get_nth(const struct nfips_tx *view, uint32_t id, uint32_t idx,
		 const uint8_t **data, uint32_t *len)
{
	const struct tls_state *s = state_of(view);

	if (id != NFIPS_BUF_TLS_CERTS || idx >= s->ncerts || !cert_ready(s))
		return false;
	*data = s->certs[idx].p ? s->certs[idx].p : (const uint8_t *)"";
	*len = s->certs[idx].len;
	return true;
}
