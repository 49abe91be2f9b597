// SPDX-License-Identifier: GPL-2.0
/*
 * What the daemon will ask of nfips.ko once its registration and
 * flow-verdict API lands (another engineer's work). Each function is
 * the single place to wire it; today they do what the daemon can do
 * alone and say so.
 */
#include <inttypes.h>

#include "nfipsd.h"

/*
 * TO WIRE (kernel registration): tell nfips.ko that a daemon serves
 * queues base..base+count-1, so that it starts queueing flows that daemon
 * rules concern. Called after the queues are bound, before READY=1.
 * Today the queues are fed by whatever queues to them (an nft rule).
 */
int nfipsd_kernel_register(struct nfipsd *d)
{
	(void)d;
	return 0;
}

/*
 * TO WIRE (kernel registration): stop queueing new packets to us (the
 * kernel then inspects or bypasses them itself), before the queues are
 * drained at stop. Today each worker closes its queue to new packets by
 * setting its maxlen to 0 (nfnetlink_queue then passes them, fail-open).
 */
void nfipsd_kernel_unregister(struct nfipsd *d)
{
	(void)d;
}

/*
 * The memory budget decision, in one place: may this worker's queue take
 * new flows? Counted: the engines (policy memory, shared out over the
 * queues) plus the worker's reassembly buffers and flow records. Over
 * the budget the worker still evaluates every packet it gets (flows
 * under way stay exact), counts over_budget, and
 * TO WIRE (kernel flow admission): asks nfips.ko to stop queueing new
 * flows to this queue (fail-open for them), and to resume below it.
 */
bool nfipsd_budget_admit(struct nfipsd_worker *w)
{
	struct nfipsd *d = w->d;
	struct nfips_flowtab *ft = nfips_pipeline_flows(w->pipe);
	struct nfips_flowtab_stats fs;
	uint64_t budget = d->conf.memory_budget, share, used;
	bool admit;

	if (!budget || !w->pol)
		return true;
	nfips_flowtab_get_stats(ft, &fs);
	share = budget / d->nworkers;
	used = w->pol->memory / d->nworkers + nfips_flowtab_stream(ft)->mem +
	       fs.active * sizeof(struct nfips_flowrec);
	admit = used <= share;
	if (!admit && !atomic_fetch_add(&w->st.over_budget, 1))
		nfipsd_log(NFIPSD_WARNING, "queue %u: over the memory budget (%" PRIu64
			   " of %" PRIu64 " bytes): new flows should bypass",
			   w->qnum, used, share);
	return admit;
}
