// SPDX-License-Identifier: GPL-2.0
/*
 * Delivery to the SOC: one sender thread per configured collector
 * (ctl/lib/deliver), each reading the EVE log this daemon writes as its
 * spool, with its cursor and status under deliver.dir. Nothing here
 * touches the packet path: the workers write the log as before, the
 * senders read it at their own pace, and a collector that is down or
 * hangs only grows its own backlog (nfipsctl status).
 */
#include <stdlib.h>

#include "nfipsd.h"

struct nfipsd_delivery {
	struct nfips_sender **senders;
	size_t n;
};

struct nfipsd_delivery *nfipsd_deliver_start(const struct nfipsd_conf *c,
					     const char *sensor)
{
	struct nfipsd_delivery *dl;
	char err[512];
	size_t i;

	if (!c->ncollectors)
		return NULL;
	dl = calloc(1, sizeof(*dl));
	if (!dl || !(dl->senders = calloc(c->ncollectors, sizeof(*dl->senders)))) {
		free(dl);
		nfipsd_log(NFIPSD_ERR, "delivery: out of memory: no collector served");
		return NULL;
	}
	for (i = 0; i < c->ncollectors; i++) {
		const struct nfips_collector_cfg *k = &c->collectors[i];
		struct nfips_spool *sp = nfips_spool_eve_open(c->eve_path, err, sizeof(err));
		struct nfips_sender *s = sp ? nfips_sender_start(k, sp, c->deliver_dir, sensor,
								  err, sizeof(err)) : NULL;

		if (!s) {
			nfipsd_log(NFIPSD_ERR, "collector %s: %s", k->name, err);
			continue;
		}
		dl->senders[dl->n++] = s;
		nfipsd_log(NFIPSD_NOTICE, "collector %s: %s %s:%u, cursor and status in %s",
			   k->name, k->transport == NFIPS_TRANSPORT_RELP ? "relp" :
			   k->transport == NFIPS_TRANSPORT_TLS ? "tls" : "tcp (plain text)",
			   k->host, k->port, c->deliver_dir);
	}
	return dl;
}

void nfipsd_deliver_stop(struct nfipsd_delivery *dl)
{
	size_t i;

	if (!dl)
		return;
	for (i = 0; i < dl->n; i++)
		nfips_sender_stop(dl->senders[i]);
	free(dl->senders);
	free(dl);
}
