/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the sender and its transports (relp.c, tls.c): a connection
 * sends messages in order and says how many of them the collector has
 * acknowledged, counting from the first sent on this connection.
 */
#ifndef NFIPS_DELIVER_INT_H
#define NFIPS_DELIVER_INT_H

#include "deliver.h"

struct nfips_transport_ops {
	/* Connects (and handshakes): 0, or -1 with the reason in @err. */
	int (*open)(const struct nfips_collector_cfg *cfg,
		    struct nfips_transport_conn **out, char *err, size_t errlen);
	/*
	 * Sends one message; blocks at most cfg->timeout seconds (a full
	 * window or send buffer that does not move): 0, or -1 and @err.
	 */
	int (*send)(struct nfips_transport_conn *c, const char *msg, size_t len,
		    char *err, size_t errlen);
	/*
	 * Optional: a batch of messages begins (@on) or ends. The transport
	 * may hold what is sent in between to send it in fewer, fuller
	 * segments; it sends it all at the end at the latest.
	 */
	void (*burst)(struct nfips_transport_conn *c, bool on);
	/* Messages of this connection the collector acknowledged so far. */
	uint64_t (*acked)(struct nfips_transport_conn *c);
	/*
	 * Waits (at most cfg->timeout) until every message sent is
	 * acknowledged: 0, or -1 and @err (the connection is then unusable).
	 */
	int (*confirm)(struct nfips_transport_conn *c, char *err, size_t errlen);
	void (*close)(struct nfips_transport_conn *c);
};

extern const struct nfips_transport_ops nfips_transport_relp_ops;
extern const struct nfips_transport_ops nfips_transport_stream_ops;	/* TLS, TCP */

/* tls.c: connect a TCP socket to cfg's host:port within cfg->timeout. */
int nfips_deliver_tcp_connect(const struct nfips_collector_cfg *cfg, char *err,
			      size_t errlen);

#endif /* NFIPS_DELIVER_INT_H */
