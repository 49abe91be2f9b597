/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client of nfips.ko's "nfips" generic netlink family (libnl-genl-3),
 * shared by nfipsctl and nfipsd. Documentation/netlink.rst describes the
 * protocol; kmod/uapi/nfips.h its constants.
 *
 * Every call returns 0 or a negative errno; nfips_nl_error() then tells
 * what went wrong in words (the kernel's extended ack message when there
 * is one, a hint for the usual causes: module not loaded, no
 * CAP_NET_ADMIN).
 */
#ifndef NFIPS_NL_H
#define NFIPS_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/rule.h"
#include "uapi/nfips.h"

struct nfips_nl;

/* Opens a socket in the caller's network namespace and finds the family. */
int nfips_nl_open(struct nfips_nl **out, char *err, size_t errlen);
/* No socket: for nfips_nl_policy_apply(dry_run) only. */
int nfips_nl_open_offline(struct nfips_nl **out);
void nfips_nl_close(struct nfips_nl *nl);
const char *nfips_nl_error(const struct nfips_nl *nl);

/* NFIPS_STAT_A_*, Documentation/netlink.rst */
struct nfips_nl_stats {
	uint64_t packets, bytes, hits, alerts, drops, rejects, queued;
	uint64_t events, events_lost, unparsed;
	uint64_t depth_bytes, flows, flows_evicted, flows_untracked;
	uint64_t flows_queued, daemon_absent, daemon_overload, queue_failopen;
	uint64_t bypassed, flow_drops, ahead, syns_ignored;
	uint64_t block_drops;
};

struct nfips_nl_status {
	uint64_t serial;	/* 0: no policy */
	uint8_t mode, active, fail_open;
	uint32_t hooks, event_rate;
	uint32_t stream_depth, flow_slots;
	uint8_t daemon, overload;	/* a daemon is registered; over budget */
	uint16_t queue, queue_num;	/* its queues */
	uint32_t nrules, nkernel, nselectors, ac_states;
	uint64_t memory;
	uint32_t nblocks;	/* blocks in effect */
	struct nfips_nl_stats stats;
};

int nfips_nl_status(struct nfips_nl *nl, struct nfips_nl_status *st);

/* Fields to change; the others stay as they are. */
struct nfips_nl_config {
	bool set_mode, set_hooks, set_fail_open, set_event_rate;
	bool set_stream_depth;
	uint8_t mode;
	uint32_t hooks;
	uint8_t fail_open;
	uint32_t event_rate;
	uint32_t stream_depth;
};

int nfips_nl_set_config(struct nfips_nl *nl, const struct nfips_nl_config *c);
int nfips_nl_flush(struct nfips_nl *nl);

/*
 * One policy rule on the wire, from a classified parser rule. Returns 0,
 * 1 when the rule does not go to the kernel (skipped), or -1 with @why
 * set when it cannot be represented (then the policy must not apply).
 */
int nfips_wire_action(const struct nfips_rule *r, uint8_t *action,
		      const char **why);

/*
 * Whether @r goes to the kernel approved (NFIPS_RULE_F_APPROVED: a drop
 * or reject rule that drops in enforce mode): only with NFIPS_R_APPROVED.
 */
bool nfips_wire_approved(const struct nfips_rule *r);

/*
 * Which of the @n rules of @v (the vector nfips_nl_policy_apply() sends)
 * nfips.ko looks for in their window instead of with its automaton:
 * kmod/anchor.h's choice, as the module makes it, among the rules it
 * receives, its cap included (uapi/nfips.h, NFIPS_ANCHOR_*). Sets
 * @anchored[0..n), and in *@eligible how many could be; returns how many
 * are.
 */
size_t nfips_wire_anchored(struct nfips_rule *const *v, size_t n, bool *anchored,
			   size_t *eligible);

/*
 * Appends the NFIPS_RULE_A_* attributes of @r to @msg (inside a nest the
 * caller opened). Returns 0, 1 (rule not for the kernel), -1 with @why
 * (cannot be represented), or -2 when @msg is full.
 */
struct nl_msg;
int nfips_wire_put_rule(struct nl_msg *msg, const struct nfips_rule *r,
			const char **why);

/*
 * Daemon selectors (wire_sel.c): the distinct headers of the daemon's
 * rules (class NFIPS_CLASS_SLOW) in @rules, deduplicated, each the
 * NFIPS_RULE_A_* attributes of one NFIPS_A_SELECTORS entry. @rules
 * counts the daemon rules they came from. Free with nfips_sels_free().
 */
struct nfips_sel {
	uint8_t *data;
	size_t len;
};

struct nfips_sels {
	struct nfips_sel *v;
	size_t n, cap, rules;
};

int nfips_wire_selectors(struct nfips_rule *const *rules, size_t n,
			 struct nfips_sels *out);
void nfips_sels_free(struct nfips_sels *s);
/* Appends one selector's attributes (inside a nest); -2 when @msg is full. */
int nfips_wire_put_sel(struct nl_msg *msg, const struct nfips_sel *s);

/*
 * Sends @rules (classified; skipped ones are left out) in one
 * transaction: begin, batches of adds (kernel rules, then the daemon
 * selectors of the daemon rules), commit. A policy without daemon rules
 * has no selectors: no flow is queued. On any error the
 * transaction is aborted and the running policy stays; *bad is then the
 * index in @rules of the rule the kernel refused, or SIZE_MAX.
 * @dry_run encodes every rule without talking to the kernel.
 */
int nfips_nl_policy_apply(struct nfips_nl *nl, struct nfips_rule *const *rules,
			  size_t n, bool dry_run, uint64_t *serial, size_t *bad);

struct nfips_nl_rule {
	uint32_t index, gid, sid, rev, flags;
	uint8_t action, proto;
	uint64_t hits;
	char msg[NFIPS_MSG_MAX + 1];
};

/*
 * Calls @fn for every rule of the running policy, all from the same
 * policy (a dump interrupted by a policy swap restarts). *serial: the
 * policy's serial. A nonzero return of @fn stops with that value.
 */
int nfips_nl_rules(struct nfips_nl *nl, uint64_t *serial,
		   int (*fn)(void *arg, const struct nfips_nl_rule *r),
		   void *arg);

struct nfips_nl_event {
	uint64_t serial, time_ns;
	uint32_t rule, gid, sid, rev, ifindex;
	uint8_t action, blocked, family, l4proto, hook;
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
	char ifname[16];
};

/*
 * Joins the events group (nfips_nl_events_join() does only that, so
 * that a caller can tell when it listens) and calls @fn per event until it returns
 * nonzero (returned) or @timeout_ms passes without an event (0 returned;
 * negative timeout: wait for ever).
 */
int nfips_nl_events_join(struct nfips_nl *nl);
int nfips_nl_events(struct nfips_nl *nl, int timeout_ms,
		    int (*fn)(void *arg, const struct nfips_nl_event *ev),
		    void *arg);

/*
 * Times the events socket's receive buffer overflowed while
 * nfips_nl_events() listened (events lost in this process, beside the
 * kernel's events_lost).
 */
uint64_t nfips_nl_events_overruns(const struct nfips_nl *nl);

const char *nfips_nl_action_name(uint8_t action);

/* ---- the daemon's side of the contract (Documentation/design.rst) ---- */

/*
 * Makes this socket the namespace's daemon: flows the policy's selectors
 * choose are queued from their first packet to NFQUEUE @queue ..
 * @queue + @queues - 1 (1..NFIPS_QUEUES_MAX), a flow always to the same
 * queue (by a hash of its addresses and ports, the same both ways), with
 * the bypass flag. Bind the queues first (with NFQA_CFG_F_FAIL_OPEN and
 * NFQA_CFG_F_GSO): until then the kernel's queueing fails open unseen.
 * -EBUSY when another socket is the daemon. The registration ends with
 * nfips_nl_daemon_unregister() or when this socket closes (exit, crash,
 * kill -9): flows being queued then go back to kernel inspection, their
 * packets counted as daemon_absent. Registering again with the same
 * queues from the same socket changes nothing.
 */
int nfips_nl_daemon_register(struct nfips_nl *nl, uint16_t queue,
			     uint16_t queues);
int nfips_nl_daemon_unregister(struct nfips_nl *nl);

/*
 * From the registered daemon's socket: @overload (0 or 1; -1 leaves it)
 * says whether it is over its memory budget (while it is, new flows its
 * selectors choose are not queued, counted as daemon_overload);
 * @queue_failopen (NULL leaves it) is how many packets NFQUEUE let
 * through since this registration because a queue or the socket was full
 * (the kernel cannot count those: nfnetlink_queue accepts them without a
 * trace). Count them as the kernel's QUEUED counter (nfips_nl_status())
 * since the registration less the packets received, once the queues are
 * drained; ENOBUFS on the queue socket says some were lost. Status shows
 * the figure as queue_failopen.
 */
int nfips_nl_daemon_report(struct nfips_nl *nl, int overload,
			   const uint64_t *queue_failopen);

/* A flow as the daemon names it: any packet of it, either direction. */
struct nfips_nl_flow {
	uint8_t family;			/* AF_INET or AF_INET6 */
	uint8_t l4proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t saddr[16], daddr[16];	/* network order, IPv4 in 4 bytes */
	uint16_t sport, dport;		/* host order */
	/*
	 * The conntrack id of the connection the verdict is for (CTA_ID in
	 * NFQUEUE's NFQA_CT, with NFQA_CFG_F_CONNTRACK); 0: not given, the
	 * verdict applies to whatever connection the flow's entry holds.
	 */
	uint32_t ct_id;
};

/*
 * The rest of flow @f: NFIPS_FLOW_BYPASS (accept without queueing or
 * scanning), NFIPS_FLOW_DROP (drop), NFIPS_FLOW_INSPECT (back to the
 * kernel's rules alone, not queued). Takes effect from the next packet
 * the kernel sees; packets already queued still need their NFQUEUE
 * verdict. -ENOENT when the kernel's flow table has no entry for the
 * flow (never had one, or it expired): its packets keep coming. -ESTALE
 * when @f->ct_id is not the entry's connection (a new connection on the
 * same addresses and ports began); -EPERM unless @nl is the socket that
 * registered as the daemon.
 */
int nfips_nl_flow_verdict(struct nfips_nl *nl, const struct nfips_nl_flow *f,
			  uint8_t verdict);

/* ---- blocks (block.c, block_parse.c; Documentation/netlink.rst) ---- */

/* One block: every packet from or to addr/plen is dropped. */
struct nfips_nl_block {
	uint8_t family;			/* AF_INET or AF_INET6 */
	uint8_t plen;			/* 1..32 or 1..128 */
	uint8_t addr[16];		/* network order, IPv4 in 4 bytes */
	uint32_t timeout;		/* add: seconds; 0 until removed */
	bool expires;			/* list: it has an expiry */
	uint64_t remaining_ms;		/* list: until it expires */
	uint64_t hits;			/* list: packets it dropped */
};

/* Longest text of a block's address (nfips_block_str()). */
#define NFIPS_BLOCK_STR	(46 + 4)

/*
 * "192.0.2.7", "10.0.0.0/8", "2001:db8::/32" into @b (its timeout 0).
 * Refuses, saying why in @err: not an address, a prefix length out of
 * range (0, past 32 or 128), bits set past the prefix length.
 */
int nfips_block_parse(const char *s, struct nfips_nl_block *b, char *err,
		      size_t errlen);
/* The canonical text: the address alone for a full-length prefix. */
void nfips_block_str(const struct nfips_nl_block *b, char *out, size_t len);
/*
 * "90", "90s", "15m", "2h", "7d", "1w", "1h30m" into seconds, 1 to
 * NFIPS_BLOCK_FOR_MAX. -1 with @err otherwise.
 */
#define NFIPS_BLOCK_FOR_MAX	(366u * 86400 * 10)	/* ten years */
int nfips_duration_parse(const char *s, uint32_t *secs, char *err,
			 size_t errlen);
/* "1d2h", "5m3s", "0s" (largest two units). */
void nfips_duration_str(uint64_t secs, char *out, size_t len);

/*
 * Adds the block (or, if it is there, gives it @b->timeout from now);
 * takes effect at once, in learn mode too. -E2BIG past the namespace's
 * max_blocks, -ENOBUFS past max_total_mem.
 */
int nfips_nl_block_add(struct nfips_nl *nl, const struct nfips_nl_block *b);
/* -ENOENT: no such block in effect (never added, or expired). */
int nfips_nl_block_del(struct nfips_nl *nl, const struct nfips_nl_block *b);
/* Calls @fn for each block in effect; a nonzero return stops with it. */
int nfips_nl_block_list(struct nfips_nl *nl,
			int (*fn)(void *arg, const struct nfips_nl_block *b),
			void *arg);

#endif /* NFIPS_NL_H */
