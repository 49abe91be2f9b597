// SPDX-License-Identifier: GPL-2.0
/*
 * Syslog over TLS (RFC 5425) and, when the configuration says so
 * explicitly, over plain TCP (RFC 6587): each message framed as
 * "LENGTH SP MESSAGE" (octet counting). TLS is OpenSSL's: the server's
 * certificate must chain to the configured CA and carry the configured
 * name (SSL_set1_host), TLS 1.2 at least; an optional client
 * certificate for collectors that ask for one.
 *
 * These protocols have no acknowledgment. The cursor advances once the
 * collector's TCP has acknowledged a message's last byte: the socket's
 * unacknowledged bytes (SIOCOUTQ) against the bytes written. A
 * collector that dies after its TCP took bytes and before its queue
 * did loses them: use RELP where that matters. Anything the collector
 * sends (it must send nothing) or its closing the connection is a
 * failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "deliver_int.h"

struct nfips_transport_conn {
	const struct nfips_collector_cfg *cfg;
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	uint64_t written;	/* bytes given to the socket */
	uint64_t *ends;		/* ring: each unacknowledged message's end */
	size_t head, count, cap;
	uint64_t acked;
	struct nfips_sbuf frame;
};

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int nfips_deliver_tcp_connect(const struct nfips_collector_cfg *cfg, char *err,
			      size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char port[8];
	int fd = -1, ret, e = 0;

	snprintf(port, sizeof(port), "%u", cfg->port);
	ret = getaddrinfo(cfg->host, port, &hints, &res);
	if (ret) {
		snprintf(err, errlen, "%s: %s", cfg->host, gai_strerror(ret));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		struct pollfd p;
		socklen_t len = sizeof(e);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    ai->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS) {
			e = errno;
		} else {
			p.fd = fd;
			p.events = POLLOUT;
			ret = poll(&p, 1, (int)cfg->timeout * 1000);
			if (ret == 0)
				e = ETIMEDOUT;
			else if (ret < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len))
				e = errno;
			if (!e)
				break;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errlen, "connect %s:%u: %s", cfg->host, cfg->port, strerror(e));
		return -1;
	}
	/* Blocking from now on, each operation bounded by the timeout. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	{
		struct timeval tv = { .tv_sec = cfg->timeout };
		int one = 1;

		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	return fd;
}

static void ssl_err(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[200];

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%s", strerror(errno));
	ERR_clear_error();
	snprintf(err, errlen, "%s: %s", what, buf);
}

static int tls_setup(struct nfips_transport_conn *c, char *err, size_t errlen)
{
	const struct nfips_collector_cfg *cfg = c->cfg;
	const char *name = cfg->server_name ? cfg->server_name : cfg->host;
	long vr;
	int r;

	c->ctx = SSL_CTX_new(TLS_client_method());
	if (!c->ctx)
		return ssl_err(err, errlen, "TLS"), -1;
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	if (SSL_CTX_load_verify_locations(c->ctx, cfg->ca, NULL) != 1)
		return ssl_err(err, errlen, cfg->ca), -1;
	if (cfg->cert && SSL_CTX_use_certificate_chain_file(c->ctx, cfg->cert) != 1)
		return ssl_err(err, errlen, cfg->cert), -1;
	if (cfg->key && (SSL_CTX_use_PrivateKey_file(c->ctx, cfg->key, SSL_FILETYPE_PEM) != 1 ||
			 SSL_CTX_check_private_key(c->ctx) != 1))
		return ssl_err(err, errlen, cfg->key), -1;
	c->ssl = SSL_new(c->ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1)
		return ssl_err(err, errlen, "TLS"), -1;
	SSL_set_hostflags(c->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (SSL_set1_host(c->ssl, name) != 1)
		return ssl_err(err, errlen, "TLS server name"), -1;
	SSL_set_tlsext_host_name(c->ssl, name);
	r = SSL_connect(c->ssl);
	if (r != 1) {
		vr = SSL_get_verify_result(c->ssl);
		if (vr != X509_V_OK) {
			snprintf(err, errlen, "TLS: server certificate refused (expected "
				 "name %s): %s", name, X509_verify_cert_error_string(vr));
			ERR_clear_error();
		} else {
			ssl_err(err, errlen, "TLS handshake");
		}
		return -1;
	}
	return 0;
}

static void stream_close(struct nfips_transport_conn *c)
{
	if (!c)
		return;
	if (c->ssl)
		SSL_free(c->ssl);
	if (c->ctx)
		SSL_CTX_free(c->ctx);
	if (c->fd >= 0)
		close(c->fd);
	free(c->ends);
	nfips_sbuf_free(&c->frame);
	free(c);
}

static int stream_open(const struct nfips_collector_cfg *cfg,
		       struct nfips_transport_conn **out, char *err, size_t errlen)
{
	struct nfips_transport_conn *c = calloc(1, sizeof(*c));

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->cfg = cfg;
	c->fd = nfips_deliver_tcp_connect(cfg, err, errlen);
	if (c->fd < 0 || (cfg->transport == NFIPS_TRANSPORT_TLS && tls_setup(c, err, errlen))) {
		stream_close(c);
		return -1;
	}
	*out = c;
	return 0;
}

/* The collector must send nothing: data or its close is a failure. */
static int check_peer(struct nfips_transport_conn *c, char *err, size_t errlen)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	char buf[256];
	int n;

	if ((!c->ssl || !SSL_pending(c->ssl)) && poll(&p, 1, 0) <= 0)
		return 0;
	if (p.revents & (POLLERR | POLLHUP) && !(p.revents & POLLIN)) {
		snprintf(err, errlen, "connection lost");
		return -1;
	}
	if (c->ssl) {
		/* Nonblocking for this read: a TLS record may be incomplete. */
		fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
		n = SSL_read(c->ssl, buf, sizeof(buf));
		fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
		if (n <= 0) {
			int e = SSL_get_error(c->ssl, n);

			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
				return 0;
			if (e == SSL_ERROR_ZERO_RETURN)
				snprintf(err, errlen, "the collector closed the connection");
			else
				ssl_err(err, errlen, "connection lost");
			return -1;
		}
	} else {
		n = (int)recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0) {
			snprintf(err, errlen, n ? "connection lost: %s" :
				 "the collector closed the connection%s", n ? strerror(errno) : "");
			return -1;
		}
	}
	snprintf(err, errlen, "the collector sent %d unexpected bytes (not a "
		 "syslog receiver?)", n);
	return -1;
}

static int write_all(struct nfips_transport_conn *c, const char *p, size_t len,
		     char *err, size_t errlen)
{
	while (len) {
		ssize_t n;

		if (c->ssl) {
			n = SSL_write(c->ssl, p, (int)len);
			if (n <= 0) {
				int e = SSL_get_error(c->ssl, (int)n);

				if (e == SSL_ERROR_SYSCALL && (errno == EAGAIN ||
							       errno == EWOULDBLOCK))
					snprintf(err, errlen, "send: no progress for %u s "
						 "(collector not reading)", c->cfg->timeout);
				else
					ssl_err(err, errlen, "send");
				return -1;
			}
		} else {
			n = send(c->fd, p, len, MSG_NOSIGNAL);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					snprintf(err, errlen, "send: no progress for %u s "
						 "(collector not reading)", c->cfg->timeout);
				else
					snprintf(err, errlen, "send: %s", strerror(errno));
				return -1;
			}
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static uint64_t raw_written(struct nfips_transport_conn *c)
{
	return c->ssl ? BIO_number_written(SSL_get_wbio(c->ssl)) : c->written;
}

static int stream_send(struct nfips_transport_conn *c, const char *msg, size_t len,
		       char *err, size_t errlen)
{
	if (check_peer(c, err, errlen))
		return -1;
	nfips_sbuf_reset(&c->frame);
	nfips_sbuf_printf(&c->frame, "%zu ", len);
	nfips_sbuf_add(&c->frame, msg, len);
	if (c->frame.oom) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (write_all(c, c->frame.s, c->frame.len, err, errlen))
		return -1;
	c->written += c->frame.len;
	if (c->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024, i;
		uint64_t *n = malloc(cap * sizeof(*n));

		if (!n) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		for (i = 0; i < c->count; i++)
			n[i] = c->ends[(c->head + i) % c->cap];
		free(c->ends);
		c->ends = n;
		c->cap = cap;
		c->head = 0;
	}
	c->ends[(c->head + c->count) % c->cap] = raw_written(c);
	c->count++;
	return 0;
}

static uint64_t stream_acked(struct nfips_transport_conn *c)
{
	int outq = 0;
	uint64_t done;

	if (!c->count || ioctl(c->fd, SIOCOUTQ, &outq))
		return c->acked;
	done = raw_written(c) - (uint64_t)outq;
	while (c->count && c->ends[c->head] <= done) {
		c->head = (c->head + 1) % c->cap;
		c->count--;
		c->acked++;
	}
	return c->acked;
}

static int stream_confirm(struct nfips_transport_conn *c, char *err, size_t errlen)
{
	int64_t end = now_ms() + (int64_t)c->cfg->timeout * 1000;

	for (;;) {
		stream_acked(c);
		if (!c->count)
			return 0;
		if (check_peer(c, err, errlen))
			return -1;
		if (now_ms() > end) {
			snprintf(err, errlen, "%zu messages not acknowledged by the "
				 "collector's TCP for %u s", c->count, c->cfg->timeout);
			return -1;
		}
		usleep(2000);
	}
}

const struct nfips_transport_ops nfips_transport_stream_ops = {
	.open = stream_open,
	.send = stream_send,
	.acked = stream_acked,
	.confirm = stream_confirm,
	.close = stream_close,
};
