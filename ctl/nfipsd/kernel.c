// SPDX-License-Identifier: GPL-2.0
/*
 * What the daemon asks of nfips.ko (Documentation/design.rst): to be the
 * namespace's daemon for its queues (the module then queues the flows a
 * daemon rule can concern, from their first packet), per-flow verdicts
 * once the pipeline has seen enough of a flow, and whether the daemon is
 * over its memory budget. One registered netlink socket, shared by the
 * workers under a lock: the module takes verdicts and reports only from
 * the socket that registered, and ends the registration when it closes
 * (a crash included), so nothing is left queueing to a dead daemon.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "applayer/applayer.h"
#include "nfipsd.h"

int nfipsd_kernel_register(struct nfipsd *d)
{
	struct nfips_nl *nl;
	char err[256];
	int ret;

	if (nfips_nl_open(&nl, err, sizeof(err))) {
		nfipsd_log(NFIPSD_WARNING, "nfips.ko: %s: the module queues nothing "
			   "to nfipsd (only nft queue rules feed it)", err);
		return 0;
	}
	ret = nfips_nl_daemon_register(nl, d->conf.queue_base, d->conf.queue_count);
	if (ret) {
		nfipsd_log(NFIPSD_ERR, "nfips.ko: cannot register queues %u..%u: %s",
			   d->conf.queue_base,
			   d->conf.queue_base + d->conf.queue_count - 1,
			   nfips_nl_error(nl));
		nfips_nl_close(nl);
		return -1;
	}
	pthread_mutex_lock(&d->knl_lock);
	d->knl = nl;
	atomic_store(&d->kregistered, true);
	pthread_mutex_unlock(&d->knl_lock);
	nfipsd_log(NFIPSD_NOTICE, "nfips.ko: registered as the daemon of queues %u..%u",
		   d->conf.queue_base, d->conf.queue_base + d->conf.queue_count - 1);
	return 0;
}

/*
 * Before the drain at stop: the module stops queueing to us (flows being
 * queued go back to kernel inspection, counted as daemon_absent), then
 * the queues are emptied.
 */
void nfipsd_kernel_unregister(struct nfipsd *d)
{
	pthread_mutex_lock(&d->knl_lock);
	atomic_store(&d->kregistered, false);
	if (d->knl) {
		if (nfips_nl_daemon_unregister(d->knl))
			nfipsd_log(NFIPSD_WARNING, "nfips.ko: unregister: %s",
				   nfips_nl_error(d->knl));
		nfips_nl_close(d->knl);
		d->knl = NULL;
	}
	pthread_mutex_unlock(&d->knl_lock);
}

/* The kernel's name of the flow: any packet of it, here its key. */
static void flow_key(const struct nfips_flowrec *f, struct nfips_nl_flow *k)
{
	const size_t alen = f->key.family == 6 ? 16 : 4;

	memset(k, 0, sizeof(*k));
	k->family = f->key.family == 6 ? AF_INET6 : AF_INET;
	k->l4proto = f->key.proto;
	memcpy(k->saddr, f->key.addr[0], alen);
	memcpy(k->daddr, f->key.addr[1], alen);
	k->sport = f->key.port[0];
	k->dport = f->key.port[1];
}

/*
 * A flow's verdict is due when the pipeline's advice says a drop rule
 * dropped it (enforce mode) or that no rule can act on any later packet
 * of either direction: then the kernel bypasses it, and its packets
 * still in the queue are not evaluated (nfips_pipeline_bypass).
 */
void nfipsd_kernel_flow(struct nfipsd_worker *w, const struct nfips_pipeline_result *res,
			uint64_t now, uint32_t ct_id)
{
	struct nfipsd *d = w->d;
	struct nfips_flow_advice adv;
	struct nfips_nl_flow k;
	uint8_t verdict;
	int ret;

	if (res->status != NFIPS_PIPE_EVALUATED || !res->flow ||
	    !atomic_load(&d->kregistered))
		return;
	if (res->flow->key.proto != IPPROTO_TCP && res->flow->key.proto != IPPROTO_UDP)
		return;
	nfips_pipeline_advice(w->pipe, res, &adv);
	if (adv.drop && w->pol && w->pol->enforce) {
		/* Its packets still queued say so again: one request is enough. */
		if (res->flow->id == w->dropped_flow)
			return;
		verdict = NFIPS_FLOW_DROP;
	}
	else if (adv.done[0] && adv.done[1])
		verdict = NFIPS_FLOW_BYPASS;
	else
		return;
	flow_key(res->flow, &k);
	k.ct_id = ct_id;	/* the connection this packet belongs to */
	pthread_mutex_lock(&d->knl_lock);
	ret = d->knl ? nfips_nl_flow_verdict(d->knl, &k, verdict) : -ENOTCONN;
	pthread_mutex_unlock(&d->knl_lock);
	if (ret == -ESTALE)
		return;		/* a new connection took the ports: it is queued afresh */
	if (ret && ret != -ENOENT) {
		if (!atomic_fetch_add(&d->flow_verdict_errors, 1))
			nfipsd_log(NFIPSD_WARNING, "nfips.ko: flow verdict refused (%d); "
				   "the flow stays queued", ret);
		return;
	}
	if (verdict == NFIPS_FLOW_BYPASS) {
		atomic_fetch_add(&d->flow_bypass, 1);
		nfips_pipeline_bypass(w->pipe, res->flow, now);
	} else {
		/* The engine keeps dropping what of it is still queued. */
		atomic_fetch_add(&d->flow_drop, 1);
		w->dropped_flow = res->flow->id;
	}
}

int nfipsd_kernel_apply(struct nfipsd *d, const struct nfipsd_policy *p)
{
	uint64_t serial;
	char err[512];
	int ret = 0;

	if (!p->file)
		return 0;
	pthread_mutex_lock(&d->knl_lock);
	if (d->knl) {
		ret = nfips_policy_kernel_apply(p->file, d->knl, false, &serial, err,
						sizeof(err));
		if (ret)
			nfipsd_log(NFIPSD_ERR, "nfips.ko: policy %s not applied: %s",
				   p->file->path, err);
		else
			nfipsd_log(NFIPSD_NOTICE, "nfips.ko: policy %s applied "
				   "(kernel serial %" PRIu64 ")", p->file->path, serial);
	}
	pthread_mutex_unlock(&d->knl_lock);
	return ret;
}

/*
 * The memory budget decision, in one place: may this worker's queue take
 * new flows? Counted: the engines (policy memory, shared out over the
 * queues) plus the worker's reassembly buffers, flow records and what
 * its protocol parsers hold (called from the worker's thread). Over the
 * budget the worker still evaluates every packet it gets (flows under way
 * stay exact), and the module is told to stop queueing new flows
 * (fail-open for them, counted as daemon_overload) until it is below.
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
	       fs.active * sizeof(struct nfips_flowrec) + nfips_app_held();
	admit = used <= share;
	if (!admit && !atomic_fetch_add(&w->st.over_budget, 1))
		nfipsd_log(NFIPSD_WARNING, "queue %u: over the memory budget (%" PRIu64
			   " of %" PRIu64 " bytes): new flows stay with the kernel",
			   w->qnum, used, share);
	pthread_mutex_lock(&d->knl_lock);
	if (d->knl && d->overload_said == admit) {
		if (nfips_nl_daemon_report(d->knl, admit ? 0 : 1, NULL))
			nfipsd_log(NFIPSD_WARNING, "nfips.ko: budget report: %s",
				   nfips_nl_error(d->knl));
		else
			d->overload_said = !admit;
	}
	pthread_mutex_unlock(&d->knl_lock);
	return admit;
}
