// SPDX-License-Identifier: GPL-2.0
/*
 * Handshake messages out of a direction's handshake records, as Suricata
 * 7.0.10's SSLv3ParseHandshakeProtocol frames them: a message header must
 * lie whole in one record, a body may span records. Nothing is held whole:
 * a hello keeps its first TLS_HELLO_MAX bytes (all its decoder reads), a
 * Certificate message is read as it arrives (tls_cert.c), the other
 * messages are skipped. So no length a peer announces (24 bits: 16 MiB)
 * makes the parser refuse a direction or hold more than those bounds,
 * while it decodes what Suricata decodes once the message is whole.
 */
#include <string.h>

#include "tls_int.h"

enum {
	HS_CLIENT_HELLO = 1, HS_SERVER_HELLO = 2, HS_CERTIFICATE = 11,
	HS_CERTIFICATE_REQUEST = 13,
};

/*
 * Suricata 7.0.10's SupportedHandshakeType: the messages it reassembles.
 * Any other type is skipped to its end or the record's, whichever comes
 * first, and nothing of it is kept: reassembling it instead let a few
 * bytes of an unknown type swallow the ClientHello that followed.
 */
static bool hs_supported(uint8_t type)
{
	return type <= 2 || type == 4 || (type >= 11 && type <= 16) ||
	       (type >= 20 && type <= 22);
}

static bool is_hello(const struct tls_dir *t)
{
	return t->msg_type == HS_CLIENT_HELLO || t->msg_type == HS_SERVER_HELLO;
}

/* The message being read is whole: decoded as Suricata does. */
static int msg_end(struct tls_state *s, int dir)
{
	struct tls_dir *t = &s->dir[dir];
	int r;

	t->in_msg = false;
	switch (t->msg_type) {
	/* A hello or certificate that does not decode is no record error. */
	/*
	 * Every hello is decoded (a second ClientHello after a
	 * HelloRetryRequest): what it sets only if unset (tls_hello.c).
	 */
	case HS_CLIENT_HELLO:
	case HS_SERVER_HELLO:
		r = tls_hello(s, dir, t->msg_type == HS_SERVER_HELLO, t->hs.p, t->hs.len);
		/* decoded: up to 256 KiB not held for the flow's life */
		bytes_free(&t->hs);
		/* SSL_AL_FLAG_STATE_CLIENT_HELLO / _SERVER_HELLO: the flow's, once decoded */
		if (!(t->msg_type == HS_SERVER_HELLO ? s->server_hello : s->client_hello))
			s->gen[dir]++;
		if (t->msg_type == HS_SERVER_HELLO)
			s->server_hello = true;
		else
			s->client_hello = true;
		return r < 0 ? -1 : 0;
	case HS_CERTIFICATE:
		return tls_chain_end(s, dir);
	case HS_CERTIFICATE_REQUEST:
		/* the handshake is done once the client's certificate decoded */
		if (dir)
			s->need_client_cert = true;
		return 0;
	}
	return 0;
}

/* The next @n bytes of the message being read. */
static int msg_data(struct tls_state *s, int dir, const uint8_t *d, uint32_t n)
{
	struct tls_dir *t = &s->dir[dir];
	uint32_t k;

	if (is_hello(t)) {
		/* held no larger than the hello or the bound: its end is msg_left on */
		const uint32_t max = t->msg_left < TLS_HELLO_MAX - t->hs.len ?
				     t->hs.len + t->msg_left : TLS_HELLO_MAX;

		k = TLS_HELLO_MAX - t->hs.len < n ? TLS_HELLO_MAX - t->hs.len : n;
		return bytes_add_max(&t->hs, d, k, max);
	}
	if (t->msg_type == HS_CERTIFICATE)
		return tls_chain_data(s, dir, d, n);
	return 0;
}

int tls_handshake(struct tls_state *s, int dir, const uint8_t *d, uint32_t n)
{
	struct tls_dir *t = &s->dir[dir];
	uint32_t len, k;

	/*
	 * After a ChangeCipherSpec either way (Finished and later are not
	 * readable), but TLS 1.3's middlebox compatibility one: a client
	 * offering more than TLS 1.2 and no ServerHello yet.
	 */
	if (s->ccs && !(s->client_hello && s->ver[0] > 0x0303 && !s->server_hello))
		return 0;
	/* Suricata 7.0.10 refuses a handshake record shorter than a message header. */
	if (n < 4)
		return 1;
	while (n) {
		if (t->in_msg) {
			k = t->msg_left < n ? t->msg_left : n;
			if (msg_data(s, dir, d, k))
				return -1;
			d += k;
			n -= k;
			t->msg_left -= k;
			if (!t->msg_left && msg_end(s, dir))
				return -1;
			continue;
		}
		if (n < 4)
			return 1;	/* a header cut at the record's end */
		len = (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
		t->msg_type = d[0];
		d += 4;
		n -= 4;
		if (!hs_supported(t->msg_type)) {
			k = len < n ? len : n;
			d += k;
			n -= k;
			continue;
		}
		t->in_msg = true;
		t->msg_left = len;
		t->hs.len = 0;
		if (t->msg_type == HS_CERTIFICATE)
			tls_chain_begin(s, dir, len);
		if (!len && msg_end(s, dir))
			return -1;
	}
	return 0;
}
