// SPDX-License-Identifier: GPL-2.0
/*
 * nfips: blocks, the operator's "drop everything from or to this address
 * or prefix, now, for this long" (Documentation/netlink.rst, "Blocks").
 *
 * A namespace's blocks are one immutable table published with RCU, apart
 * from the policy (a policy swap or flush leaves it), rebuilt whole by
 * every change under nn->lock and freed after a grace period. Entries
 * are sorted by family, then prefix length (longest first), then address,
 * and grouped by prefix length: a lookup masks the address to each length
 * present and binary-searches that group, so it costs a few comparisons
 * per length in use, whatever the number of blocks. Prefixes either nest
 * or are disjoint, so the first unexpired entry found decides.
 *
 * Expiry is enforced at lookup (an expired entry no longer matches,
 * whether or not a daemon runs) and expired entries leave the table at
 * the next change or when the garbage-collection work runs, at the
 * earliest expiry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include "nfips.h"

unsigned int nfips_max_blocks __read_mostly = 16384;
module_param_named(max_blocks, nfips_max_blocks, uint, 0644);
MODULE_PARM_DESC(max_blocks, "Blocks per namespace (default 16384)");

unsigned int nfips_userns_max_blocks __read_mostly = 256;
module_param_named(userns_max_blocks, nfips_userns_max_blocks, uint, 0644);
MODULE_PARM_DESC(userns_max_blocks, "max_blocks in a namespace owned by a user namespace other than the initial one; 0 refuses blocks there (default 256)");

struct nfips_block {
	u8 addr[16];		/* network order, masked; IPv4 in 4 bytes */
	u8 family;		/* NFPROTO_IPV4 (AF_INET) or NFPROTO_IPV6 */
	u8 plen;
	u64 expires;		/* coarse boot time, ns; 0: until removed */
	u64 hits_base;		/* hits counted by the tables before this one */
};

/* Entries [start, start + count) of one family have prefix length plen. */
struct nfips_block_group {
	u32 start, count;
	u8 plen;
};

struct nfips_blocks {
	struct rcu_head rcu;
	u32 n;
	u32 gen;		/* dump consistency (NLM_F_DUMP_INTR) */
	size_t mem;		/* charged to the budget */
	bool userns;
	u8 ngroups[2];		/* IPv4, IPv6 */
	struct nfips_block_group groups[2][129];
	/* Per CPU, the packets each entry dropped there (nfips_policy's). */
	u64 *hits;
	size_t hits_stride;
	struct nfips_block e[];
};

static inline unsigned int fam_idx(u8 family)
{
	return family == NFPROTO_IPV6;
}

static inline unsigned int fam_len(u8 family)
{
	return family == NFPROTO_IPV6 ? 16 : 4;
}

/* @dst: @src's first @plen bits, the rest of @len bytes zero. */
static void mask_addr(u8 *dst, const u8 *src, unsigned int len,
		      unsigned int plen)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		if (plen >= 8)
			dst[i] = src[i];
		else if (plen)
			dst[i] = src[i] & (u8)(0xff00 >> plen);
		else
			dst[i] = 0;
		plen = plen >= 8 ? plen - 8 : 0;
	}
}

static int group_find(const struct nfips_blocks *b,
		      const struct nfips_block_group *g, const u8 *key,
		      unsigned int len)
{
	u32 lo = g->start, hi = g->start + g->count;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		int c = memcmp(b->e[mid].addr, key, len);

		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/*
 * The entry of an unexpired block covering @addr, or -1. *@now is read
 * once, and only if an entry with an expiry matches.
 */
static int blocks_find(const struct nfips_blocks *b, u8 family,
		       const void *addr, u64 *now)
{
	unsigned int f = fam_idx(family), len = fam_len(family), i;
	u8 key[16];
	int idx;

	for (i = 0; i < b->ngroups[f]; i++) {
		const struct nfips_block_group *g = &b->groups[f][i];
		u64 exp;

		mask_addr(key, addr, len, g->plen);
		idx = group_find(b, g, key, len);
		if (idx < 0)
			continue;
		exp = b->e[idx].expires;
		if (!exp)
			return idx;
		if (!*now)
			*now = ktime_get_coarse_boottime_ns();
		if (*now < exp)
			return idx;
	}
	return -1;
}

/*
 * Packet path (BHs off, under rcu_read_lock()): whether the packet's
 * source or destination is blocked; counts the drop if so. The hooks run
 * after the IP layer pulled the network header into the linear area.
 */
bool nfips_block_drop(struct nfips_net *nn, const struct sk_buff *skb,
		      u8 pf)
{
	const struct nfips_blocks *b = rcu_dereference(nn->blocks);
	const void *saddr, *daddr;
	u64 now = 0, *h;
	int idx;

	if (likely(!b))
		return false;
	if (pf == NFPROTO_IPV4) {
		saddr = &ip_hdr(skb)->saddr;
		daddr = &ip_hdr(skb)->daddr;
	} else if (pf == NFPROTO_IPV6) {
		saddr = &ipv6_hdr(skb)->saddr;
		daddr = &ipv6_hdr(skb)->daddr;
	} else {
		return false;
	}
	idx = blocks_find(b, pf, saddr, &now);
	if (idx < 0)
		idx = blocks_find(b, pf, daddr, &now);
	if (idx < 0)
		return false;
	/* This CPU's own counter: only the dump reads it elsewhere. */
	h = &b->hits[smp_processor_id() * b->hits_stride + idx];
	WRITE_ONCE(*h, *h + 1);
	this_cpu_inc(nn->stats->block_drops);
	return true;
}

static u64 entry_hits(const struct nfips_blocks *b, u32 i)
{
	u64 sum = b->e[i].hits_base;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(b->hits[cpu * b->hits_stride + i]);
	return sum;
}

static void blocks_free(struct nfips_blocks *b)
{
	if (!b)
		return;
	nfips_mem_uncharge(b->userns, b->mem);
	kvfree(b->hits);
	kvfree(b);
}

static void blocks_free_rcu(struct rcu_head *head)
{
	blocks_free(container_of(head, struct nfips_blocks, rcu));
}

static int entry_cmp(const void *a, const void *b)
{
	const struct nfips_block *x = a, *y = b;

	if (x->family != y->family)
		return x->family == NFPROTO_IPV4 ? -1 : 1;
	if (x->plen != y->plen)
		return x->plen > y->plen ? -1 : 1;
	return memcmp(x->addr, y->addr, fam_len(x->family));
}

static bool same_block(const struct nfips_block *x, const struct nfips_block *y)
{
	return x->family == y->family && x->plen == y->plen &&
	       !memcmp(x->addr, y->addr, fam_len(x->family));
}

static void build_groups(struct nfips_blocks *b)
{
	u32 i;

	for (i = 0; i < b->n; i++) {
		const struct nfips_block *e = &b->e[i];
		unsigned int f = fam_idx(e->family);
		struct nfips_block_group *g;

		g = b->ngroups[f] ? &b->groups[f][b->ngroups[f] - 1] : NULL;
		if (!g || g->plen != e->plen) {
			g = &b->groups[f][b->ngroups[f]++];
			g->start = i;
			g->plen = e->plen;
		}
		g->count++;
	}
}

static u32 net_max_blocks(const struct nfips_net *nn)
{
	u32 max = READ_ONCE(nfips_max_blocks);

	if (nfips_net_unprivileged(nn))
		max = min(max, READ_ONCE(nfips_userns_max_blocks));
	return max;
}

/*
 * Publishes a new table: the current one's unexpired entries but @del,
 * with @add added (or, if already there, given @add's expiry). Either
 * may be NULL; with neither, only the expired entries go. Sets *@found
 * when @del or @add's block was there, unexpired. Schedules the garbage
 * collection at the earliest expiry left.
 */
static int blocks_change(struct nfips_net *nn, const struct nfips_block *add,
			 const struct nfips_block *del, bool *found,
			 struct netlink_ext_ack *extack)
{
	struct nfips_blocks *old, *b = NULL;
	u64 now = ktime_get_coarse_boottime_ns(), next = 0;
	bool userns = nfips_net_unprivileged(nn);
	u32 i, n = 0, max = net_max_blocks(nn);
	size_t size = 0, stride, rows;
	int ret;

	lockdep_assert_held(&nn->lock);
	old = rcu_dereference_protected(nn->blocks, lockdep_is_held(&nn->lock));
	*found = false;
	for (i = 0; old && i < old->n; i++) {
		const struct nfips_block *e = &old->e[i];

		if (e->expires && e->expires <= now)
			continue;
		if ((del && same_block(e, del)) || (add && same_block(e, add))) {
			*found = true;
			if (del)
				continue;
		}
		n++;
	}
	if (add && !*found)
		n++;
	if (add && !*found && n > max) {
		if (!max && userns && !READ_ONCE(nfips_userns_max_blocks)) {
			NL_SET_ERR_MSG(extack,
				       "no blocks in namespaces of unprivileged users (userns_max_blocks is 0)");
			return -EPERM;
		}
		if (!max) {
			NL_SET_ERR_MSG(extack, "blocks are turned off (max_blocks is 0)");
			return -EPERM;
		}
		NL_SET_ERR_MSG(extack,
			       "more blocks than the namespace allows (max_blocks, userns_max_blocks)");
		return -E2BIG;
	}
	if (n) {
		stride = ALIGN(n * sizeof(u64), SMP_CACHE_BYTES) / sizeof(u64);
		rows = array3_size(nr_cpu_ids, stride, sizeof(u64));
		size = size_add(struct_size(b, e, n), rows);
		/*
		 * Removing (unblock, expiry) never needs more than the table
		 * it replaces: it may go past the budget for a grace period
		 * rather than leave an operator unable to lift a block.
		 */
		if (!add) {
			nfips_mem_charge_force(userns, size);
		} else if (!nfips_mem_charge(userns, size)) {
			NL_SET_ERR_MSG(extack,
				       "module-wide memory budget exhausted (max_total_mem; userns_max_total_mem in a namespace of an unprivileged user)");
			return -ENOBUFS;
		}
		ret = -ENOMEM;
		b = kvzalloc(struct_size(b, e, n), GFP_KERNEL_ACCOUNT);
		if (!b)
			goto err_uncharge;
		b->hits = kvzalloc(rows, GFP_KERNEL_ACCOUNT);
		if (!b->hits) {
			kvfree(b);
			goto err_uncharge;
		}
		b->mem = size;
		b->userns = userns;
		b->hits_stride = stride;
		for (i = 0; old && i < old->n; i++) {
			struct nfips_block *e = &b->e[b->n];

			if (old->e[i].expires && old->e[i].expires <= now)
				continue;
			if (del && same_block(&old->e[i], del))
				continue;
			*e = old->e[i];
			/* Hits of the last grace period on @old may be lost. */
			e->hits_base = entry_hits(old, i);
			if (add && same_block(e, add))
				e->expires = add->expires;
			b->n++;
		}
		if (add && !*found)
			b->e[b->n++] = *add;
		sort(b->e, b->n, sizeof(b->e[0]), entry_cmp, NULL);
		build_groups(b);
		b->gen = ++nn->blocks_gen;
		for (i = 0; i < b->n; i++)
			if (b->e[i].expires && (!next || b->e[i].expires < next))
				next = b->e[i].expires;
	}
	rcu_assign_pointer(nn->blocks, b);
	if (old)
		call_rcu(&old->rcu, blocks_free_rcu);
	if (next && !nn->blocks_stopped)
		mod_delayed_work(system_wq, &nn->block_gc,
				 nsecs_to_jiffies(next - now) + 1);
	return 0;

err_uncharge:
	nfips_mem_uncharge(userns, size);
	NL_SET_ERR_MSG(extack, "out of memory");
	return ret;
}

/*
 * Hooks on while there are blocks (or @adding one) or a policy; off with
 * neither, the flow table freed (also after a failed registration).
 */
static int blocks_hooks(struct nfips_net *nn, bool adding)
{
	int ret;

	lockdep_assert_held(&nn->lock);
	if (adding || rcu_access_pointer(nn->blocks)) {
		if (nn->hooks_on)
			return 0;
		ret = nfips_hooks_set(nn, nn->hooks);
		if (ret)
			nfips_policy_idle(nn);
		return ret;
	}
	nfips_policy_idle(nn);
	return 0;
}

int nfips_block_add(struct nfips_net *nn, u8 family, const u8 *addr,
		    u8 plen, u32 timeout, struct netlink_ext_ack *extack)
{
	struct nfips_block e = { .family = family, .plen = plen };
	bool found;
	int ret;

	memcpy(e.addr, addr, fam_len(family));
	mutex_lock(&nn->lock);
	/* Hooks first: a block in the table is a block in force. */
	ret = blocks_hooks(nn, true);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot register the netfilter hooks");
		goto out;
	}
	/* From now, not from before waiting for the lock (a long commit). */
	if (timeout)
		e.expires = ktime_get_coarse_boottime_ns() +
			    (u64)timeout * NSEC_PER_SEC;
	ret = blocks_change(nn, &e, NULL, &found, extack);
	if (ret)
		blocks_hooks(nn, false);
out:
	mutex_unlock(&nn->lock);
	return ret;
}

int nfips_block_del(struct nfips_net *nn, u8 family, const u8 *addr, u8 plen,
		    struct netlink_ext_ack *extack)
{
	struct nfips_block e = { .family = family, .plen = plen };
	bool found;
	int ret;

	memcpy(e.addr, addr, fam_len(family));
	mutex_lock(&nn->lock);
	ret = blocks_change(nn, NULL, &e, &found, extack);
	if (!ret) {
		blocks_hooks(nn, false);
		if (!found) {
			NL_SET_ERR_MSG(extack, "no such block (or it expired)");
			ret = -ENOENT;
		}
	}
	mutex_unlock(&nn->lock);
	return ret;
}

/* The garbage collection: expired entries out, at the earliest expiry. */
static void block_gc(struct work_struct *work)
{
	struct nfips_net *nn = container_of(to_delayed_work(work),
					    struct nfips_net, block_gc);
	bool found;

	mutex_lock(&nn->lock);
	if (!nn->blocks_stopped) {
		/* Out of memory: the expired entries stay out of force; retry. */
		if (blocks_change(nn, NULL, NULL, &found, NULL))
			mod_delayed_work(system_wq, &nn->block_gc, HZ);
		else
			blocks_hooks(nn, false);
	}
	mutex_unlock(&nn->lock);
}

void nfips_blocks_init(struct nfips_net *nn)
{
	INIT_DELAYED_WORK(&nn->block_gc, block_gc);
}

/* Namespace exit, first step: no more garbage collection. */
void nfips_blocks_stop(struct nfips_net *nn)
{
	mutex_lock(&nn->lock);
	nn->blocks_stopped = true;
	mutex_unlock(&nn->lock);
	cancel_delayed_work_sync(&nn->block_gc);
}

/* Namespace exit: the hooks went a grace period ago. */
void nfips_blocks_release(struct nfips_net *nn)
{
	blocks_free(rcu_replace_pointer(nn->blocks, NULL, true));
}

/* Blocks in effect (status), under nn->lock. */
u32 nfips_blocks_count(struct nfips_net *nn)
{
	const struct nfips_blocks *b;
	u64 now = ktime_get_coarse_boottime_ns();
	u32 i, n = 0;

	b = rcu_dereference_protected(nn->blocks, lockdep_is_held(&nn->lock));
	for (i = 0; b && i < b->n; i++)
		if (!b->e[i].expires || b->e[i].expires > now)
			n++;
	return n;
}

static int put_block(struct sk_buff *msg, const struct nfips_blocks *b, u32 i,
		     u64 now)
{
	const struct nfips_block *e = &b->e[i];
	struct nlattr *nest;

	nest = nla_nest_start(msg, NFIPS_A_BLOCK);
	if (!nest ||
	    nla_put_u8(msg, NFIPS_BLOCK_A_FAMILY, e->family) ||
	    nla_put(msg, NFIPS_BLOCK_A_ADDR, fam_len(e->family), e->addr) ||
	    nla_put_u8(msg, NFIPS_BLOCK_A_PREFIX, e->plen) ||
	    (e->expires &&
	     nla_put_u64_64bit(msg, NFIPS_BLOCK_A_REMAINING,
			       div_u64(e->expires - now + NSEC_PER_MSEC - 1,
				       NSEC_PER_MSEC),
			       NFIPS_BLOCK_A_PAD)) ||
	    nla_put_u64_64bit(msg, NFIPS_BLOCK_A_HITS, entry_hits(b, i),
			      NFIPS_BLOCK_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * One message per block in effect. cb->args[0] is the next entry; cb->seq
 * the table's generation, so that a dump across a change is flagged
 * NLM_F_DUMP_INTR.
 */
int nfips_blocks_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nfips_net *nn = nfips_pernet(sock_net(skb->sk));
	const struct nfips_blocks *b;
	u64 now = ktime_get_coarse_boottime_ns();
	u32 i = cb->args[0];
	void *hdr;

	rcu_read_lock();
	b = rcu_dereference(nn->blocks);
	cb->seq = b ? b->gen : 0;
	for (; b && i < b->n; i++) {
		if (b->e[i].expires && b->e[i].expires <= now)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nfips_genl_family,
				  NLM_F_MULTI, NFIPS_CMD_BLOCK_LIST);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (put_block(skb, b, i, now)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
	rcu_read_unlock();
	return skb->len;
}
