// SPDX-License-Identifier: GPL-2.0
/*
 * nfips: policy transactions. Rules arrive in batches into a transaction
 * owned by one netlink socket; the commit builds the automaton in process
 * context, publishes the new policy with RCU and frees the old one after
 * a grace period. Until the commit succeeds, the running policy is never
 * touched: a failed or aborted transaction only frees its own rules.
 *
 * Everything here is allocated on behalf of a namespace and charged to
 * the caller's memory cgroup (GFP_KERNEL_ACCOUNT), and counted in the
 * module's budget (max_total_mem): a transaction's rules as they arrive,
 * the build's bound before it starts, a policy for as long as it lives.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "anchor.h"
#include "nfips.h"
#include "stream.h"

void nfips_krule_free(struct nfips_krule *r)
{
	if (!r)
		return;
	kfree(r->pattern);
	kfree(r->src4);
	kfree(r->dst4);
	kfree(r->src6);
	kfree(r->dst6);
	kfree(r->sports);
	kfree(r->dports);
	kfree(r->msg);
	kfree(r);
}

static void rules_free(struct nfips_krule **rules, u32 n)
{
	u32 i;

	if (!rules)
		return;
	for (i = 0; i < n; i++) {
		nfips_krule_free(rules[i]);
		if (!(i & 1023))
			cond_resched();
	}
	kvfree(rules);
}

void nfips_policy_free(struct nfips_policy *p)
{
	if (!p)
		return;
	nfips_mem_uncharge(p->userns, p->mem);
	if (p->ac)
		nfips_ac_free(p->ac);
	rules_free(p->rules, p->nrules);
	rules_free(p->sels, p->nsels);
	kvfree(p->memo);
	kvfree(p->hits);
	kfree(p);
}

static void txn_free(struct nfips_txn *txn)
{
	if (!txn)
		return;
	nfips_mem_uncharge(txn->userns, txn->mem);
	rules_free(txn->rules, txn->nrules);
	rules_free(txn->sels, txn->nsels);
	kfree(txn);
}

void nfips_txn_abort(struct nfips_net *nn)
{
	lockdep_assert_held(&nn->lock);
	txn_free(nn->txn);
	nn->txn = NULL;
	WRITE_ONCE(nn->txn_portid, 0);
}

/*
 * One transaction per namespace at a time. The socket that owns it may
 * begin again (dropping what it had); another one gets -EBUSY until the
 * owner commits, aborts or closes its socket.
 */
int nfips_txn_begin(struct nfips_net *nn, u32 portid, u32 *id)
{
	struct nfips_txn *txn;

	lockdep_assert_held(&nn->lock);
	if (nn->txn && nn->txn->portid != portid)
		return -EBUSY;
	if (!nfips_net_max_mem(nn))
		return -EPERM;
	txn = kzalloc(sizeof(*txn), GFP_KERNEL_ACCOUNT);
	if (!txn)
		return -ENOMEM;
	nfips_txn_abort(nn);
	txn->portid = portid;
	txn->max_mem = nfips_net_max_mem(nn);
	txn->userns = nfips_net_unprivileged(nn);
	txn->id = ++nn->next_txn_id;
	if (!txn->id)
		txn->id = ++nn->next_txn_id;
	nn->txn = txn;
	WRITE_ONCE(nn->txn_portid, portid);
	*id = txn->id;
	return 0;
}

struct nfips_txn *nfips_txn_get(struct nfips_net *nn, u32 id, u32 portid)
{
	lockdep_assert_held(&nn->lock);
	if (!nn->txn || nn->txn->id != id || nn->txn->portid != portid)
		return NULL;
	return nn->txn;
}

/*
 * A rule's bytes, with its share of the array of rule pointers: the
 * array doubles as it grows, so at most two slots per rule.
 */
static size_t krule_mem(const struct nfips_krule *r)
{
	return 2 * sizeof(r) + sizeof(*r) + r->patlen +
	       (r->nsrc4 + r->ndst4) * sizeof(struct nfips_range4) +
	       (r->nsrc6 + r->ndst6) * sizeof(struct nfips_range6) +
	       (r->nsports + r->ndports) * sizeof(struct nfips_prange) +
	       (r->msg ? strlen(r->msg) + 1 : 0);
}

/* Appends @r to the array *@v of *@n entries (*@cap allocated). */
static int txn_push(struct nfips_txn *txn, struct nfips_krule ***v, u32 *n,
		    u32 *cap, struct nfips_krule *r)
{
	struct nfips_krule **rules;
	size_t mem = krule_mem(r);
	u32 ncap;

	if (txn->nrules + txn->nsels >= READ_ONCE(nfips_max_rules))
		return -E2BIG;
	if (txn->mem + mem > txn->max_mem)
		return -EFBIG;
	if (*n == *cap) {
		ncap = *cap ? *cap * 2 : 256;
		rules = kvmalloc_array(ncap, sizeof(*rules), GFP_KERNEL_ACCOUNT);
		if (!rules)
			return -ENOMEM;
		if (*n)
			memcpy(rules, *v, *n * sizeof(*rules));
		kvfree(*v);
		*v = rules;
		*cap = ncap;
	}
	if (!nfips_mem_charge(txn->userns, mem))
		return -ENOBUFS;
	(*v)[(*n)++] = r;
	txn->mem += mem;
	return 0;
}

/* Takes @r on success only. */
int nfips_txn_add(struct nfips_txn *txn, struct nfips_krule *r)
{
	return txn_push(txn, &txn->rules, &txn->nrules, &txn->cap, r);
}

/* A daemon selector; takes @s on success only. */
int nfips_txn_add_sel(struct nfips_txn *txn, struct nfips_krule *s)
{
	return txn_push(txn, &txn->sels, &txn->nsels, &txn->capsels, s);
}

static bool anchor_get(const void *ctx, u32 i, u32 *patlen, u32 *depth)
{
	const struct nfips_policy *p = ctx;

	*patlen = p->rules[i]->patlen;
	*depth = p->rules[i]->depth;
	return true;
}

/*
 * Picks the anchored rules (anchor.h: nfipsctl picks the same ones) and
 * leaves them out of @pats (one entry per rule, in rule order) by
 * emptying theirs.
 */
static void pick_anchored(struct nfips_policy *p, struct nfips_ac_pattern *pats)
{
	u32 i;

	p->nanchored = nfips_anchor_pick(p->nrules, anchor_get, p, p->anchored);
	for (i = 0; i < p->nanchored; i++)
		pats[p->anchored[i]].len = 0;
}

/*
 * The build's peak is reserved in the module's budget, and bounded by
 * the namespace's limit, before anything is allocated: the matcher turns
 * the bound into a number of states it refuses to exceed. The automaton
 * built takes the reservation's place.
 */
static int build_automaton(struct nfips_policy *p, size_t max_mem)
{
	struct nfips_ac_limits lim = {
		.max_patterns = READ_ONCE(nfips_max_rules),
		.max_bytes = max_mem,
	};
	struct nfips_ac_pattern *pats;
	size_t resv, arr;
	u64 states = 2;	/* the roots of both automata */
	u32 i, n = 0;
	int ret;

	if (!p->nrules)
		return 0;
	for (i = 0; i < p->nrules; i++)
		states += p->rules[i]->patlen;
	arr = array_size(p->nrules, sizeof(*pats));
	resv = min(size_add(nfips_ac_build_bytes(states), arr), max_mem);
	if (resv <= arr)
		return -EFBIG;
	if (!nfips_mem_charge(p->userns, resv))
		return -ENOBUFS;
	lim.max_build_bytes = resv - arr;
	ret = -ENOMEM;
	pats = kvcalloc(p->nrules, sizeof(*pats), GFP_KERNEL_ACCOUNT);
	if (!pats)
		goto out;
	for (i = 0; i < p->nrules; i++)
		pats[i].len = p->rules[i]->patlen;
	pick_anchored(p, pats);
	for (i = 0; i < p->nrules; i++) {
		const struct nfips_krule *r = p->rules[i];

		if (!pats[i].len)	/* anchored */
			continue;
		pats[n].bytes = r->pattern;
		pats[n].len = r->patlen;
		pats[n].flags = r->flags & NFIPS_RULE_F_NOCASE ?
				NFIPS_AC_NOCASE : 0;
		pats[n++].id = i;
	}
	/* Even with no pattern left: the scan runs the anchored rules. */
	ret = nfips_ac_build(&p->ac, pats, n, &lim, NULL);
	kvfree(pats);
out:
	if (!ret)
		nfips_mem_charge_force(p->userns, nfips_ac_mem(p->ac));
	nfips_mem_uncharge(p->userns, resv);
	return ret;
}

/*
 * The packet path's per-CPU rows (struct nfips_policy), zeroed, each on
 * cache lines of its own: no CPU writes a line another one writes.
 */
static int alloc_rows(struct nfips_policy *p, size_t max_mem)
{
	size_t memo, hits, rows;

	if (!p->nrules)
		return 0;
	/* After the memo, the packet's anchored matches (nfips_anchor_row()). */
	memo = ALIGN(nfips_anchor_off(p) * sizeof(*p->memo) +
		     p->nanchored * sizeof(u64), SMP_CACHE_BYTES);
	hits = ALIGN(p->nrules * sizeof(*p->hits), SMP_CACHE_BYTES);
	rows = array_size(nr_cpu_ids, memo + hits);
	/* Bounded and charged like the automaton, before allocating. */
	if (size_add(p->mem, rows) > max_mem)
		return -EFBIG;
	if (!nfips_mem_charge(p->userns, rows))
		return -ENOBUFS;
	p->mem += rows;
	p->memo_stride = memo / sizeof(*p->memo);
	p->hits_stride = hits / sizeof(*p->hits);
	p->memo = kvcalloc(nr_cpu_ids, memo, GFP_KERNEL_ACCOUNT);
	p->hits = kvcalloc(nr_cpu_ids, hits, GFP_KERNEL_ACCOUNT);
	if (!p->memo || !p->hits)
		return -ENOMEM;
	return 0;
}

/*
 * Builds the transaction's policy and publishes it. The transaction ends
 * either way; on failure the running policy and hooks stay as they were,
 * and *@in_hooks tells a hook registration's error from the policy's
 * (nfips_ac_build(), or -ENOBUFS: over the module's budget).
 */
int nfips_txn_commit(struct nfips_net *nn, struct nfips_txn *txn, u64 *serial,
		     bool *in_hooks)
{
	struct nfips_policy *p, *old;
	int ret;

	lockdep_assert_held(&nn->lock);
	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p) {
		ret = -ENOMEM;
		goto out_txn;
	}
	p->userns = txn->userns;
	if (!nfips_mem_charge(p->userns, sizeof(*p))) {
		kfree(p);
		ret = -ENOBUFS;
		goto out_txn;
	}
	p->mem = sizeof(*p);
	p->rules = txn->rules;
	p->nrules = txn->nrules;
	p->nkernel = txn->nrules;
	txn->rules = NULL;
	txn->nrules = 0;
	p->sels = txn->sels;
	p->nsels = txn->nsels;
	txn->sels = NULL;
	txn->nsels = 0;
	ret = build_automaton(p, txn->max_mem);
	if (ret)
		goto out_policy;
	/* The rules' charge passes from the transaction to the policy. */
	p->mem += txn->mem + (p->ac ? nfips_ac_mem(p->ac) : 0);
	txn->mem = 0;
	ret = alloc_rows(p, txn->max_mem);
	if (ret)
		goto out_policy;

	/* Hooks first: with no policy yet they only accept. */
	ret = nfips_hooks_set(nn, nn->hooks);
	if (ret) {
		*in_hooks = true;
		goto out_policy;
	}
	p->serial = ++nn->last_serial;
	old = rcu_replace_pointer(nn->policy, p, lockdep_is_held(&nn->lock));
	*serial = p->serial;
	nfips_txn_abort(nn);
	if (old) {
		synchronize_rcu();
		nfips_policy_free(old);
	}
	return 0;

out_policy:
	nfips_policy_free(p);
out_txn:
	nfips_txn_abort(nn);
	return ret;
}

/* No policy, hooks off: the namespace is as if nfips were not loaded. */
void nfips_policy_flush(struct nfips_net *nn)
{
	struct nfips_policy *old;
	struct nfips_flows *flows;
	bool was_on = nn->hooks_on;

	lockdep_assert_held(&nn->lock);
	/* Blocks are not the policy's: with blocks, the hooks stay. */
	if (!rcu_access_pointer(nn->blocks))
		nfips_hooks_set(nn, 0);
	old = rcu_replace_pointer(nn->policy, NULL, lockdep_is_held(&nn->lock));
	flows = NULL;
	if (!nn->hooks_on)
		flows = rcu_replace_pointer(nn->flows, NULL,
					    lockdep_is_held(&nn->lock));
	/* A hook may still run on another CPU until the grace period ends. */
	if (old || was_on)
		synchronize_rcu();
	nfips_policy_free(old);
	nfips_flows_free(flows);
}

/*
 * The last block gone with no policy: hooks off and the flow table freed,
 * as a flush leaves the namespace.
 */
void nfips_policy_idle(struct nfips_net *nn)
{
	struct nfips_flows *flows;

	lockdep_assert_held(&nn->lock);
	if (rcu_access_pointer(nn->policy) || rcu_access_pointer(nn->blocks))
		return;
	if (nn->hooks_on)
		nfips_hooks_set(nn, 0);
	/* A failed registration may have left the table it allocated. */
	flows = rcu_replace_pointer(nn->flows, NULL, lockdep_is_held(&nn->lock));
	if (!flows)
		return;
	synchronize_rcu();
	nfips_flows_free(flows);
}

/*
 * Namespace exit, first step (.pre_exit): no hooks, no transaction. The
 * net core waits for a grace period before nfips_net_release().
 */
void nfips_net_stop(struct nfips_net *nn)
{
	nfips_blocks_stop(nn);
	mutex_lock(&nn->lock);
	nfips_txn_abort(nn);
	nfips_hooks_set(nn, 0);
	mutex_unlock(&nn->lock);
}

/* Namespace exit: hooks gone a grace period ago, nothing reaches these. */
void nfips_net_release(struct nfips_net *nn)
{
	mutex_lock(&nn->lock);
	nfips_policy_free(rcu_replace_pointer(nn->policy, NULL,
					      lockdep_is_held(&nn->lock)));
	nfips_flows_free(rcu_replace_pointer(nn->flows, NULL,
					     lockdep_is_held(&nn->lock)));
	nfips_blocks_release(nn);
	mutex_unlock(&nn->lock);
}
