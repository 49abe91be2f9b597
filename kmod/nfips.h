/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfips.ko internals: the policy (rules and automaton, published with
 * RCU), the per-namespace state and the entry points of each file.
 */
#ifndef _NFIPS_H
#define _NFIPS_H

#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "ac.h"
#include "uapi/nfips.h"

/*
 * The counters (struct nfips_pcpu_stats, the rules' hits) are plain u64
 * per CPU, written by their CPU and summed by readers without a seqcount:
 * exact on 64-bit kernels only, which are the only ones nfips supports
 * (dkms.conf: BUILD_EXCLUSIVE_CONFIG).
 */
#ifndef CONFIG_64BIT
#error "nfips.ko needs a 64-bit kernel: its per-CPU u64 counters are read without u64_stats_sync"
#endif

struct nfips_krule {
	u32 gid, sid, rev;
	u8 action;		/* enum nfips_rule_action */
	u8 proto;		/* enum nfips_rule_proto */
	u8 dsize_op;
	u32 flags;		/* NFIPS_RULE_F_* */
	u32 offset, depth;
	u16 dsize_lo, dsize_hi;
	u16 patlen;
	u16 nsrc4, ndst4, nsrc6, ndst6, nsports, ndports;
	u8 *pattern;
	struct nfips_range4 *src4, *dst4;
	struct nfips_range6 *src6, *dst6;
	struct nfips_prange *sports, *dports;
	char *msg;
};

/*
 * Immutable once published, except for the per-CPU rows. A daemon
 * selector is a krule with only a protocol, flags and lists (no pattern).
 */
struct nfips_policy {
	u64 serial;
	u32 nrules, nkernel, nsels;
	u32 nanchored;
	/* Indices into @rules, in nfips_anchor_pick()'s order (anchor.h). */
	u32 anchored[NFIPS_ANCHOR_RULES];
	size_t mem;
	bool userns;		/* charged to the unprivileged share too */
	struct nfips_ac *ac;
	struct nfips_krule **rules;
	struct nfips_krule **sels;
	/*
	 * One row of @memo_stride entries per CPU, each written by its CPU's
	 * packet path only (BHs off): per rule what the packet being scanned
	 * made of it (match.c), and after them the packet's generation.
	 */
	u16 *memo;
	size_t memo_stride;
	/* Per CPU, the packets each rule hit there: summed by the dump. */
	u64 *hits;
	size_t hits_stride;
};

static inline u16 *nfips_memo_row(const struct nfips_policy *p,
				  unsigned int cpu)
{
	return p->memo + cpu * p->memo_stride;
}

/*
 * In each memo row, after the rules' entries and the generation, the
 * anchored rules' matches of the packet being scanned (match.c), on a
 * u64 boundary: rows start on cache lines and are whole cache lines.
 */
static inline size_t nfips_anchor_off(const struct nfips_policy *p)
{
	return ALIGN(p->nrules + 1, sizeof(u64) / sizeof(u16));
}

static inline u64 *nfips_anchor_row(const struct nfips_policy *p, u16 *memo)
{
	return (u64 *)(memo + nfips_anchor_off(p));
}

static inline u64 *nfips_hits_row(const struct nfips_policy *p,
				  unsigned int cpu)
{
	return p->hits + cpu * p->hits_stride;
}

/* A policy being assembled by NFIPS_CMD_POLICY_ADD. */
struct nfips_txn {
	u32 id;
	u32 portid;		/* the socket that began it */
	u32 nrules, cap;
	u32 nsels, capsels;
	size_t mem;		/* of its rules, charged to the module */
	size_t max_mem;		/* the namespace's limit when it began */
	bool userns;		/* of an unprivileged user: its share */
	struct nfips_krule **rules;
	struct nfips_krule **sels;
};

struct nfips_pcpu_stats {
	u64 packets, bytes, hits, alerts, drops, rejects, queued;
	u64 events, events_lost, unparsed;
	u64 depth_bytes;		/* TCP payload past the stream depth */
	u64 flows, flows_evicted, flows_untracked, flows_queued;
	u64 daemon_absent, daemon_overload;
	u64 bypassed, flow_drops, ahead, syns_ignored;
	u64 block_drops;
	unsigned long ev_window;	/* jiffies the rate window began */
	u32 ev_count;			/* events in that window */
};

struct nfips_net {
	struct net *net;
	struct mutex lock;		/* control path: txn, policy, hooks */
	struct nfips_policy __rcu *policy;
	struct nfips_txn *txn;
	u32 txn_portid;			/* its owner, also read without the lock */
	u32 next_txn_id;
	u64 last_serial;

	/* Configuration, read locklessly by the packet path. */
	u8 mode;			/* enum nfips_mode */
	u8 fail_open;
	u32 event_rate;
	u32 stream_depth;		/* bytes per direction, 0 unlimited */
	u32 hooks;			/* NFIPS_HOOK_* wanted */

	/*
	 * The daemon (NFIPS_CMD_DAEMON_REGISTER), read locklessly by the
	 * packet path: first queue << 32 | queues << 16 | epoch; 0 when
	 * there is none. The epoch changes with every registration and
	 * unregistration, so a flow queued to a daemon that went away is
	 * told from one queued to the daemon there is now.
	 */
	u64 daemon;
	u32 daemon_portid;		/* written under lock, read without */
	u16 epoch;			/* under lock: the last epoch given */
	u8 overload;			/* daemon over its memory budget */
	u64 qfail_done;			/* NFQUEUE fail-opens of earlier daemons */
	u64 qfail;			/* ... of the daemon there is, as it reports */

	u32 hooks_on;			/* NFIPS_HOOK_* registered */
	bool ct_on;			/* conntrack (and defrag) enabled */
	struct nf_hook_ops ops[4];	/* v4/v6 x FORWARD/LOCAL_IN */
	struct nfips_flows __rcu *flows;	/* while hooks are on */
	/* block.c: its own table, apart from the policy; changes under lock */
	struct nfips_blocks __rcu *blocks;
	struct delayed_work block_gc;	/* drops expired entries */
	bool blocks_stopped;		/* namespace exit: no more gc */
	u32 blocks_gen;
	struct nfips_pcpu_stats __percpu *stats;
};

extern unsigned int nfips_net_id;
extern unsigned int nfips_max_rules;
extern unsigned long nfips_max_mem;
extern unsigned int nfips_max_flows;

/* main.c: limits and the module-wide memory budget */
bool nfips_mem_charge(bool userns, size_t bytes);
void nfips_mem_charge_force(bool userns, size_t bytes);
void nfips_mem_uncharge(bool userns, size_t bytes);
bool nfips_net_unprivileged(const struct nfips_net *nn);
size_t nfips_net_max_mem(const struct nfips_net *nn);
u32 nfips_net_max_flows(const struct nfips_net *nn);

static inline struct nfips_net *nfips_pernet(struct net *net)
{
	return net_generic(net, nfips_net_id);
}

/* policy.c: all under nn->lock */
void nfips_krule_free(struct nfips_krule *r);
void nfips_policy_free(struct nfips_policy *p);
int nfips_txn_begin(struct nfips_net *nn, u32 portid, u32 *id);
struct nfips_txn *nfips_txn_get(struct nfips_net *nn, u32 id, u32 portid);
int nfips_txn_add(struct nfips_txn *txn, struct nfips_krule *r);
int nfips_txn_add_sel(struct nfips_txn *txn, struct nfips_krule *s);
int nfips_txn_commit(struct nfips_net *nn, struct nfips_txn *txn, u64 *serial,
		     bool *in_hooks);
void nfips_txn_abort(struct nfips_net *nn);
void nfips_policy_flush(struct nfips_net *nn);
void nfips_policy_idle(struct nfips_net *nn);
void nfips_net_stop(struct nfips_net *nn);
void nfips_net_release(struct nfips_net *nn);

/* block.c: blocks (the packet path's first check) */
struct netlink_ext_ack;
struct netlink_callback;
bool nfips_block_drop(struct nfips_net *nn, const struct sk_buff *skb, u8 pf);
int nfips_block_add(struct nfips_net *nn, u8 family, const u8 *addr,
		    u8 plen, u32 timeout, struct netlink_ext_ack *extack);
int nfips_block_del(struct nfips_net *nn, u8 family, const u8 *addr, u8 plen,
		    struct netlink_ext_ack *extack);
int nfips_blocks_dump(struct sk_buff *skb, struct netlink_callback *cb);
u32 nfips_blocks_count(struct nfips_net *nn);
void nfips_blocks_init(struct nfips_net *nn);
void nfips_blocks_stop(struct nfips_net *nn);
void nfips_blocks_release(struct nfips_net *nn);

/* hooks.c: under nn->lock */
int nfips_hooks_set(struct nfips_net *nn, u32 mask);
void nfips_hooks_init(struct nfips_net *nn);

/* netlink.c */
enum { NFIPS_GRP_EVENTS };	/* nfips_genl_family's multicast groups */
struct genl_family;
extern struct genl_family nfips_genl_family;
int nfips_genl_init(void);
void nfips_genl_exit(void);

/* events.c: from the packet path, and stopped at unload */
void nfips_events_stop(void);
struct nfips_pkt;
void nfips_event_send(struct nfips_net *nn, const struct nfips_policy *p,
		      u32 idx, bool blocked, const struct nfips_pkt *pkt,
		      const struct nf_hook_state *state);

static inline u32 nfips_daemon_queue(u64 d)
{
	return d >> 32;
}

static inline u32 nfips_daemon_queues(u64 d)
{
	return (d >> 16) & 0xffff;
}

static inline u16 nfips_daemon_epoch(u64 d)
{
	return d & 0xffff;
}

#endif /* _NFIPS_H */
