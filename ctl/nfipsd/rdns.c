// SPDX-License-Identifier: GPL-2.0
/*
 * Reverse DNS of the stored alerts' addresses (lib/rdns,
 * Documentation/nfipsd.rst "Reverse DNS"): started once the store runs,
 * from the "rdns" group of nfipsd.conf; the packet path and the store
 * writer never see it. The names go into the store with the time they
 * were looked up, and reports show them from there.
 */
#include <inttypes.h>

#include "nfipsd.h"

static void rdns_log(void *arg, const char *msg)
{
	(void)arg;
	nfipsd_log(NFIPSD_WARNING, "%s", msg);
}

void nfipsd_rdns_start(struct nfipsd *d)
{
	struct nfips_rdns_cfg c = d->conf.rdns;
	char err[512];

	if (d->conf.rdns_off || !d->writer)
		return;
	c.store_path = d->conf.store_path;
	c.log = rdns_log;
	d->rdns = nfips_rdns_start(&c, err, sizeof(err));
	if (!d->rdns) {
		nfipsd_log(NFIPSD_ERR, "reverse DNS: %s: running without it", err);
		return;
	}
	nfipsd_log(NFIPSD_NOTICE, "reverse DNS of the alerts' %s: at most %u lookups/s, "
		   "timeout %u s", c.destinations ? "sources and targets" : "sources",
		   c.rate, c.timeout);
}

void nfipsd_rdns_log_stats(struct nfipsd *d)
{
	struct nfips_rdns_stats st;

	if (!d->rdns)
		return;
	nfips_rdns_stats(d->rdns, &st);
	nfipsd_log(NFIPSD_INFO, "stats: rdns_queued=%" PRIu64 " rdns_dropped=%" PRIu64
		   " rdns_confirmed=%" PRIu64 " rdns_unconfirmed=%" PRIu64 " rdns_none=%" PRIu64
		   " rdns_failed=%" PRIu64 " rdns_stored=%" PRIu64 " rdns_pending=%" PRIu64,
		   st.queued, st.dropped, st.confirmed, st.unconfirmed, st.none, st.failed,
		   st.stored, st.pending);
}

void nfipsd_rdns_stop(struct nfipsd *d)
{
	nfips_rdns_stop(d->rdns);
	d->rdns = NULL;
}
