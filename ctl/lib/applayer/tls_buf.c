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
 * Suricata inspects the certificate buffers of the server direction from
 * progress TLS_STATE_CERT_READY, which SSLStateGetAlstateProgress gives
 * that direction only once the handshake is done or the parser saw the
 * flow's end: a flow whose parsing failed before never has them.
 */
static bool cert_ready(const struct tls_state *s)
{
	return s->done[1] || s->finished;
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
