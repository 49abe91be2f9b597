// SPDX-License-Identifier: GPL-2.0
/*
 * nfips: module init and exit, per-namespace state.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include "nfips.h"
#include "prefilter.h"
#include "stream.h"

unsigned int nfips_net_id __read_mostly;

/*
 * Limits per policy (and per transaction), lower in a namespace that an
 * unprivileged user made (Documentation/netlink.rst), and the budget of
 * the whole module.
 */
unsigned int nfips_max_rules __read_mostly = 200000;
module_param_named(max_rules, nfips_max_rules, uint, 0644);
MODULE_PARM_DESC(max_rules, "Rules per policy (default 200000)");

unsigned long nfips_max_mem __read_mostly = 512UL << 20;
module_param_named(max_mem, nfips_max_mem, ulong, 0644);
MODULE_PARM_DESC(max_mem, "Bytes of rules and automaton per policy, and of building it (default 512 MiB)");

unsigned long nfips_userns_max_mem __read_mostly = 16UL << 20;
module_param_named(userns_max_mem, nfips_userns_max_mem, ulong, 0644);
MODULE_PARM_DESC(userns_max_mem, "max_mem in a namespace owned by a user namespace other than the initial one; 0 refuses policies there (default 16 MiB)");

unsigned int nfips_userns_max_flows __read_mostly = 4096;
module_param_named(userns_max_flows, nfips_userns_max_flows, uint, 0644);
MODULE_PARM_DESC(userns_max_flows, "max_flows in a namespace owned by a user namespace other than the initial one (default 4096)");

unsigned long nfips_max_total_mem __read_mostly;
module_param_named(max_total_mem, nfips_max_total_mem, ulong, 0644);
MODULE_PARM_DESC(max_total_mem, "Bytes of policies, transactions, builds and flow tables of all namespaces together (default: a quarter of RAM)");

unsigned long nfips_userns_max_total_mem __read_mostly;
module_param_named(userns_max_total_mem, nfips_userns_max_total_mem, ulong, 0644);
MODULE_PARM_DESC(userns_max_total_mem, "The share of max_total_mem that namespaces of unprivileged users may use together (default 0: half of it)");

static atomic_long_t nfips_mem_used = ATOMIC_LONG_INIT(0);
static atomic_long_t nfips_userns_mem_used = ATOMIC_LONG_INIT(0);

static int mem_used_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(kp->arg));
}

static const struct kernel_param_ops mem_used_ops = {
	.get = mem_used_get,
};

module_param_cb(mem_used, &mem_used_ops, &nfips_mem_used, 0444);
MODULE_PARM_DESC(mem_used, "Bytes of max_total_mem in use (read only)");
module_param_cb(userns_mem_used, &mem_used_ops, &nfips_userns_mem_used, 0444);
MODULE_PARM_DESC(userns_mem_used, "Bytes of userns_max_total_mem in use (read only)");

static bool counter_charge(atomic_long_t *used, unsigned long max,
			   size_t bytes)
{
	long limit = min_t(unsigned long, max, LONG_MAX);

	if (bytes > LONG_MAX)
		return false;
	if (atomic_long_add_return(bytes, used) > limit) {
		atomic_long_sub(bytes, used);
		return false;
	}
	return true;
}

/*
 * Charges @bytes to the module's budget; false, charging nothing, if
 * over. Namespaces of unprivileged users (@userns) also draw on a share
 * of it, so that however many of them a local user makes, the rest
 * stays for the host's own namespaces: their policies and flow tables
 * can always be built.
 */
bool nfips_mem_charge(bool userns, size_t bytes)
{
	unsigned long total = READ_ONCE(nfips_max_total_mem);
	unsigned long share = READ_ONCE(nfips_userns_max_total_mem);

	if (userns) {
		if (!share || share > total / 2)
			share = total / 2;
		if (!counter_charge(&nfips_userns_mem_used, share, bytes))
			return false;
	}
	if (!counter_charge(&nfips_mem_used, total, bytes)) {
		if (userns)
			atomic_long_sub(bytes, &nfips_userns_mem_used);
		return false;
	}
	return true;
}

/* What is already allocated (an automaton within its reservation). */
void nfips_mem_charge_force(bool userns, size_t bytes)
{
	if (userns)
		atomic_long_add(bytes, &nfips_userns_mem_used);
	atomic_long_add(bytes, &nfips_mem_used);
}

void nfips_mem_uncharge(bool userns, size_t bytes)
{
	if (userns)
		atomic_long_sub(bytes, &nfips_userns_mem_used);
	atomic_long_sub(bytes, &nfips_mem_used);
}

/* Limits of a namespace: lower where an unprivileged user made it. */
bool nfips_net_unprivileged(const struct nfips_net *nn)
{
	return nn->net->user_ns != &init_user_ns;
}

size_t nfips_net_max_mem(const struct nfips_net *nn)
{
	size_t max = READ_ONCE(nfips_max_mem);

	if (nfips_net_unprivileged(nn))
		max = min_t(size_t, max, READ_ONCE(nfips_userns_max_mem));
	return max;
}

u32 nfips_net_max_flows(const struct nfips_net *nn)
{
	u32 max = READ_ONCE(nfips_max_flows);

	if (nfips_net_unprivileged(nn))
		max = min(max, READ_ONCE(nfips_userns_max_flows));
	return max;
}

/*
 * kvzalloc() refuses more than INT_MAX bytes: a max_flows whose table
 * could never be allocated is refused, at load and at run time, rather
 * than leave every namespace without a table.
 */
#define NFIPS_FLOWS_MAX	((INT_MAX - PAGE_SIZE) / sizeof(struct nfips_flow))

static int max_flows_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int ret;

	ret = kstrtouint(val, 0, &v);
	if (ret)
		return ret;
	if (v > NFIPS_FLOWS_MAX) {
		pr_err("max_flows %u: a table of %zu bytes cannot be allocated; at most %zu\n",
		       v, (size_t)v * sizeof(struct nfips_flow), NFIPS_FLOWS_MAX);
		return -EINVAL;
	}
	WRITE_ONCE(nfips_max_flows, v);
	return 0;
}

static const struct kernel_param_ops max_flows_ops = {
	.set = max_flows_set,
	.get = param_get_uint,
};

unsigned int nfips_max_flows __read_mostly = 32768;
module_param_cb(max_flows, &max_flows_ops, &nfips_max_flows, 0644);
MODULE_PARM_DESC(max_flows, "TCP and UDP flows tracked per namespace, 144 bytes each, at most 14 million; 0 scans every segment alone (default 32768)");

struct selftest_hits {
	u32 ids;	/* bit per pattern id seen */
	u32 count;
};

static int selftest_match(void *ctx, u32 id, u32 end)
{
	struct selftest_hits *h = ctx;

	h->ids |= 1U << id;
	h->count++;
	return 0;
}

/*
 * Builds a small automaton and scans a split buffer with it, so that a
 * matcher broken by the kernel build (allocation, types) refuses to load
 * instead of silently missing attacks.
 */
static int __init nfips_ac_selftest(void)
{
	static const u8 text[] = "GET /../../etc/passwd HTTP/1.1";
	const struct nfips_ac_pattern pats[] = {
		{ .bytes = (const u8 *)"/etc/passwd", .len = 11, .id = 0 },
		{ .bytes = (const u8 *)"get /", .len = 5,
		  .flags = NFIPS_AC_NOCASE, .id = 1 },
		{ .bytes = (const u8 *)"../", .len = 3, .id = 2 },
		{ .bytes = (const u8 *)"cmd.exe", .len = 7, .id = 3 },
	};
	struct selftest_hits hits = { 0 };
	struct nfips_ac *ac;
	nfips_ac_state st;
	int ret;

	ret = nfips_ac_build(&ac, pats, ARRAY_SIZE(pats), NULL, NULL);
	if (ret)
		return ret;
	st = nfips_ac_scan(ac, 0, text, 8, selftest_match, &hits);
	nfips_ac_scan(ac, st, text + 8, sizeof(text) - 9, selftest_match, &hits);
	nfips_ac_free(ac);
	if (hits.ids != 0x7 || hits.count != 4) {
		pr_err("matcher self-test failed: ids %#x count %u\n",
		       hits.ids, hits.count);
		return -EINVAL;
	}
	return 0;
}

/*
 * Off until a policy is applied: learn mode, FORWARD, fail-open, a stream
 * depth of 1 MiB (Suricata's default).
 */
static int __net_init nfips_net_init(struct net *net)
{
	struct nfips_net *nn = nfips_pernet(net);

	nn->stats = alloc_percpu(struct nfips_pcpu_stats);
	if (!nn->stats)
		return -ENOMEM;
	nn->net = net;
	mutex_init(&nn->lock);
	nn->mode = NFIPS_MODE_LEARN;
	nn->hooks = NFIPS_HOOK_FORWARD;
	nn->fail_open = 1;
	nn->event_rate = 1000;
	nn->stream_depth = 1 << 20;
	nfips_hooks_init(nn);
	nfips_blocks_init(nn);
	return 0;
}

/*
 * Namespace teardown in two steps, so that a batch of dying namespaces
 * (or every namespace, at unload) waits for one RCU grace period, not
 * one each: the hooks go in .pre_exit, the net core waits for a grace
 * period after the batch's .pre_exit calls, and .exit_batch frees what
 * the hooks could reach.
 */
static void __net_exit nfips_net_pre_exit(struct net *net)
{
	nfips_net_stop(nfips_pernet(net));
}

static void __net_exit nfips_net_exit_batch(struct list_head *net_exit_list)
{
	struct net *net;

	list_for_each_entry(net, net_exit_list, exit_list) {
		struct nfips_net *nn = nfips_pernet(net);

		nfips_net_release(nn);
		free_percpu(nn->stats);
		mutex_destroy(&nn->lock);
		cond_resched();
	}
}

static struct pernet_operations nfips_net_ops = {
	.init = nfips_net_init,
	.pre_exit = nfips_net_pre_exit,
	.exit_batch = nfips_net_exit_batch,
	.id = &nfips_net_id,
	.size = sizeof(struct nfips_net),
};

static int __init nfips_init(void)
{
	int ret;

	ret = nfips_ac_selftest();
	if (ret)
		return ret;
	nfips_prefilter_calibrate();
	if (!nfips_max_total_mem)
		nfips_max_total_mem = (totalram_pages() << PAGE_SHIFT) / 4;
	ret = register_pernet_subsys(&nfips_net_ops);
	if (ret)
		return ret;
	ret = nfips_genl_init();
	if (ret)
		goto err_pernet;
	pr_info("loaded\n");
	return 0;

err_pernet:
	unregister_pernet_subsys(&nfips_net_ops);
	return ret;
}

/*
 * Events first: none may be sent once the family is gone (its group
 * could be another family's by then). Then control (no new policy can
 * arrive), then every namespace's hooks and policy, with one grace
 * period for all (nfips_net_ops).
 */
static void __exit nfips_exit(void)
{
	nfips_events_stop();
	nfips_genl_exit();
	unregister_pernet_subsys(&nfips_net_ops);
	/* Block tables replaced in the last grace period (block.c). */
	rcu_barrier();
	if (atomic_long_read(&nfips_userns_mem_used))
		pr_err("%ld bytes still counted in userns_mem_used\n",
		       atomic_long_read(&nfips_userns_mem_used));
	if (atomic_long_read(&nfips_mem_used))
		pr_err("%ld bytes still counted in mem_used\n",
		       atomic_long_read(&nfips_mem_used));
	pr_info("unloaded\n");
}

module_init(nfips_init);
module_exit(nfips_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nfips: in-kernel intrusion prevention");
MODULE_AUTHOR("nfips developers");
