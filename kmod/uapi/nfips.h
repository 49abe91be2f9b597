/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * nfips generic netlink interface, shared by nfips.ko and ctl/.
 * Documentation/netlink.rst describes every command and attribute.
 *
 * Every command needs CAP_NET_ADMIN in the user namespace owning the
 * network namespace of the socket, and acts on that network namespace.
 * Integers are in host byte order, addresses in network byte order.
 */
#ifndef _UAPI_NFIPS_H
#define _UAPI_NFIPS_H

#define NFIPS_GENL_NAME		"nfips"
#define NFIPS_GENL_VERSION	1
#define NFIPS_MCGRP_EVENTS	"events"

/*
 * Version of the policy wire format (the NFIPS_RULE_A_* set and their
 * meaning, and the daemon selectors). NFIPS_CMD_POLICY_BEGIN carries the
 * version the client speaks; the module refuses any other with
 * EPROTONOSUPPORT.
 */
#define NFIPS_POLICY_VERSION	2

#define NFIPS_PATTERN_MAX	255	/* bytes of a fast pattern */
#define NFIPS_MSG_MAX		255	/* bytes of a rule's msg */

enum nfips_cmd {
	NFIPS_CMD_UNSPEC,
	NFIPS_CMD_POLICY_BEGIN,		/* POLICY_VERSION -> TXN_ID */
	NFIPS_CMD_POLICY_ADD,		/* TXN_ID, RULES and/or SELECTORS */
	NFIPS_CMD_POLICY_COMMIT,	/* TXN_ID -> SERIAL */
	NFIPS_CMD_POLICY_ABORT,		/* TXN_ID */
	NFIPS_CMD_POLICY_FLUSH,		/* no policy, hooks off */
	NFIPS_CMD_GET_STATUS,		/* -> status attributes, STATS */
	NFIPS_CMD_GET_RULES,		/* dump: SERIAL, RULE per rule */
	NFIPS_CMD_SET_CONFIG,		/* MODE HOOKS FAIL_OPEN EVENT_RATE STREAM_DEPTH */
	NFIPS_CMD_EVENT,		/* multicast "events": SERIAL, EVENT */
	NFIPS_CMD_DAEMON_REGISTER,	/* QUEUE, QUEUE_NUM: the socket is the daemon */
	NFIPS_CMD_DAEMON_UNREGISTER,	/* the daemon's socket only */
	NFIPS_CMD_DAEMON_REPORT,	/* OVERLOAD, QUEUE_FAILOPEN (daemon's socket) */
	NFIPS_CMD_FLOW_VERDICT,		/* FLOW, VERDICT (daemon's socket) */
	NFIPS_CMD_BLOCK_ADD,		/* BLOCK: drop an address or prefix's traffic */
	NFIPS_CMD_BLOCK_DEL,		/* BLOCK (family, address, prefix) */
	NFIPS_CMD_BLOCK_LIST,		/* dump: BLOCK per block in effect */
	__NFIPS_CMD_MAX
};

#define NFIPS_CMD_MAX (__NFIPS_CMD_MAX - 1)

enum nfips_attr {
	NFIPS_A_UNSPEC,
	NFIPS_A_PAD,
	NFIPS_A_POLICY_VERSION,		/* u32 */
	NFIPS_A_TXN_ID,			/* u32 */
	NFIPS_A_RULES,			/* nested array of NFIPS_RULE_A_* */
	NFIPS_A_SERIAL,			/* u64: policy serial, 0 none */
	NFIPS_A_MODE,			/* u8: enum nfips_mode */
	NFIPS_A_HOOKS,			/* u32: NFIPS_HOOK_* */
	NFIPS_A_QUEUE,			/* u16: the daemon's first NFQUEUE */
	NFIPS_A_FAIL_OPEN,		/* u8: 0 or 1 */
	NFIPS_A_EVENT_RATE,		/* u32: events/s per CPU, 0 unlimited */
	NFIPS_A_ACTIVE,			/* u8: hooks registered */
	NFIPS_A_NRULES,			/* u32 */
	NFIPS_A_NRULES_KERNEL,		/* u32: alert, drop, reject */
	NFIPS_A_NSELECTORS,		/* u32: daemon selectors in the policy */
	NFIPS_A_AC_STATES,		/* u32 */
	NFIPS_A_MEMORY,			/* u64: bytes held by the policy */
	NFIPS_A_STATS,			/* nested NFIPS_STAT_A_* */
	NFIPS_A_RULE,			/* nested NFIPS_RULE_A_* (dump) */
	NFIPS_A_EVENT,			/* nested NFIPS_EV_A_* */
	NFIPS_A_TXN_RULES,		/* u32: rules added to the transaction */
	NFIPS_A_STREAM_DEPTH,		/* u32: TCP bytes scanned per direction, 0 all */
	NFIPS_A_FLOW_SLOTS,		/* u32: flows the table holds, 0 none */
	NFIPS_A_SELECTORS,		/* nested array of NFIPS_RULE_A_* headers */
	NFIPS_A_QUEUE_NUM,		/* u16: the daemon's queues, 1..NFIPS_QUEUES_MAX */
	NFIPS_A_DAEMON,			/* u8: a daemon is registered (status) */
	NFIPS_A_OVERLOAD,		/* u8: daemon over its memory budget */
	NFIPS_A_QUEUE_FAILOPEN,		/* u64: packets NFQUEUE let through (daemon's count) */
	NFIPS_A_FLOW,			/* nested NFIPS_FLOW_A_* */
	NFIPS_A_VERDICT,		/* u8: enum nfips_flow_verdict */
	NFIPS_A_BLOCK,			/* nested NFIPS_BLOCK_A_* */
	NFIPS_A_NBLOCKS,		/* u32: blocks in effect (status) */
	__NFIPS_A_MAX
};

#define NFIPS_A_MAX (__NFIPS_A_MAX - 1)

/*
 * A block (Documentation/netlink.rst, "Blocks"): every packet from or to
 * an address of the prefix is dropped, in learn mode too, before any
 * rule, until it expires or is removed. Per namespace, apart from the
 * policy: a policy swap or flush leaves the blocks as they are.
 */
enum nfips_block_attr {
	NFIPS_BLOCK_A_UNSPEC,
	NFIPS_BLOCK_A_PAD,
	NFIPS_BLOCK_A_FAMILY,		/* u8: AF_INET or AF_INET6, required */
	NFIPS_BLOCK_A_ADDR,		/* binary 4 or 16, network order, required */
	NFIPS_BLOCK_A_PREFIX,		/* u8: 1..32 or 1..128, required */
	NFIPS_BLOCK_A_TIMEOUT,		/* u32: seconds from now (ADD); absent: until removed */
	NFIPS_BLOCK_A_REMAINING,	/* u64: ms until it expires (LIST); absent: until removed */
	NFIPS_BLOCK_A_HITS,		/* u64: packets it dropped (LIST) */
	__NFIPS_BLOCK_A_MAX
};

#define NFIPS_BLOCK_A_MAX (__NFIPS_BLOCK_A_MAX - 1)

/* Most NFQUEUE queues one daemon may spread its flows over. */
#define NFIPS_QUEUES_MAX	256

/*
 * What the kernel does with the rest of a flow (Documentation/design.rst).
 * A flow starts in INSPECT, or in QUEUE when a daemon selector matches its
 * first packet; the daemon moves it with NFIPS_CMD_FLOW_VERDICT to INSPECT,
 * BYPASS or DROP (not to QUEUE).
 */
enum nfips_flow_verdict {
	NFIPS_FLOW_INSPECT,		/* kernel rules only */
	NFIPS_FLOW_QUEUE,		/* kernel rules, then the daemon's NFQUEUE */
	NFIPS_FLOW_BYPASS,		/* accept without scanning or queueing */
	NFIPS_FLOW_DROP,		/* drop */
	__NFIPS_FLOW_MAX
};

#define NFIPS_FLOW_MAX (__NFIPS_FLOW_MAX - 1)

/* A flow, as the daemon names it: any packet of it, in either direction. */
enum nfips_flow_attr {
	NFIPS_FLOW_A_UNSPEC,
	NFIPS_FLOW_A_FAMILY,		/* u8: AF_INET or AF_INET6, required */
	NFIPS_FLOW_A_L4PROTO,		/* u8: IPPROTO_TCP or IPPROTO_UDP, required */
	NFIPS_FLOW_A_SADDR,		/* binary 4 or 16, network order, required */
	NFIPS_FLOW_A_DADDR,		/* required */
	NFIPS_FLOW_A_SPORT,		/* u16, required */
	NFIPS_FLOW_A_DPORT,		/* u16, required */
	NFIPS_FLOW_A_CT_ID,		/* u32: conntrack id (CTA_ID, read big-endian), optional */
	__NFIPS_FLOW_A_MAX
};

#define NFIPS_FLOW_A_MAX (__NFIPS_FLOW_A_MAX - 1)

enum nfips_mode {
	NFIPS_MODE_LEARN,		/* never drops: drop rules alert */
	NFIPS_MODE_ENFORCE,
	__NFIPS_MODE_MAX
};

#define NFIPS_MODE_MAX (__NFIPS_MODE_MAX - 1)

#define NFIPS_HOOK_FORWARD	0x1
#define NFIPS_HOOK_LOCAL_IN	0x2
#define NFIPS_HOOK_ALL		(NFIPS_HOOK_FORWARD | NFIPS_HOOK_LOCAL_IN)

/* What a rule does when its fast pattern and conditions match. */
enum nfips_rule_action {
	NFIPS_ACT_ALERT,		/* accept, event */
	NFIPS_ACT_DROP,			/* drop (enforce, approved), event */
	NFIPS_ACT_REJECT,		/* as drop, plus TCP reset / ICMP unreachable */
	__NFIPS_ACT_MAX
};

#define NFIPS_ACT_MAX (__NFIPS_ACT_MAX - 1)

enum nfips_rule_proto {
	NFIPS_RPROTO_IP,		/* any: payload after the L4 header */
	NFIPS_RPROTO_TCP,
	NFIPS_RPROTO_UDP,
	NFIPS_RPROTO_ICMP,		/* ICMP and ICMPv6 */
	__NFIPS_RPROTO_MAX
};

#define NFIPS_RPROTO_MAX (__NFIPS_RPROTO_MAX - 1)

/* dsize comparisons, as the rule language's (range is exclusive). */
enum nfips_dsize_op {
	NFIPS_DSIZE_EQ,
	NFIPS_DSIZE_NE,
	NFIPS_DSIZE_LT,
	NFIPS_DSIZE_LE,
	NFIPS_DSIZE_GT,
	NFIPS_DSIZE_GE,
	NFIPS_DSIZE_RANGE,		/* lo < dsize < hi */
	__NFIPS_DSIZE_MAX
};

#define NFIPS_DSIZE_MAX (__NFIPS_DSIZE_MAX - 1)

/* NFIPS_RULE_A_FLAGS */
#define NFIPS_RULE_F_NOCASE	0x01	/* pattern is ASCII case-insensitive */
#define NFIPS_RULE_F_BIDIR	0x02	/* <>: either direction matches */
#define NFIPS_RULE_F_APPROVED	0x04	/* drop/reject may drop */
#define NFIPS_RULE_F_SRC	0x08	/* source restricted to SRC4/SRC6 */
#define NFIPS_RULE_F_DST	0x10	/* destination restricted to DST4/DST6 */
#define NFIPS_RULE_F_SPORT	0x20	/* source port restricted to SPORTS */
#define NFIPS_RULE_F_DPORT	0x40	/* destination port restricted to DPORTS */
#define NFIPS_RULE_F_DSIZE	0x80	/* DSIZE_* present */
#define NFIPS_RULE_F_ALL	0xff
/* The flags a daemon selector may carry (BIDIR is accepted, see design.rst). */
#define NFIPS_SEL_F_ALL		(NFIPS_RULE_F_BIDIR | NFIPS_RULE_F_SRC | \
				 NFIPS_RULE_F_DST | NFIPS_RULE_F_SPORT | \
				 NFIPS_RULE_F_DPORT)

/*
 * A rule. The pattern must lie within [OFFSET, OFFSET + DEPTH) of the
 * L4 payload (DEPTH 0: no limit). Address lists are arrays of inclusive
 * ranges: struct nfips_range4 / nfips_range6; port lists of
 * struct nfips_prange. With the F_SRC (...) flag clear the dimension
 * matches anything; with it set, a family without a list matches nothing.
 *
 * A daemon selector (NFIPS_A_SELECTORS) is a header only: PROTO, FLAGS
 * (NFIPS_SEL_F_ALL) and the address and port lists; a flow whose first
 * packet it matches, in either orientation, is queued to the daemon.
 */
enum nfips_rule_attr {
	NFIPS_RULE_A_UNSPEC,
	NFIPS_RULE_A_PAD,
	NFIPS_RULE_A_INDEX,		/* u32: position in the policy (out) */
	NFIPS_RULE_A_GID,		/* u32 */
	NFIPS_RULE_A_SID,		/* u32, required */
	NFIPS_RULE_A_REV,		/* u32 */
	NFIPS_RULE_A_ACTION,		/* u8: enum nfips_rule_action, required */
	NFIPS_RULE_A_PROTO,		/* u8: enum nfips_rule_proto, required */
	NFIPS_RULE_A_FLAGS,		/* u32: NFIPS_RULE_F_* */
	NFIPS_RULE_A_PATTERN,		/* binary 1..NFIPS_PATTERN_MAX, required */
	NFIPS_RULE_A_OFFSET,		/* u32 */
	NFIPS_RULE_A_DEPTH,		/* u32 */
	NFIPS_RULE_A_DSIZE_OP,		/* u8: enum nfips_dsize_op */
	NFIPS_RULE_A_DSIZE_LO,		/* u16 */
	NFIPS_RULE_A_DSIZE_HI,		/* u16 */
	NFIPS_RULE_A_SRC4,		/* struct nfips_range4[] */
	NFIPS_RULE_A_DST4,
	NFIPS_RULE_A_SRC6,		/* struct nfips_range6[] */
	NFIPS_RULE_A_DST6,
	NFIPS_RULE_A_SPORTS,		/* struct nfips_prange[] */
	NFIPS_RULE_A_DPORTS,
	NFIPS_RULE_A_MSG,		/* string, up to NFIPS_MSG_MAX bytes */
	NFIPS_RULE_A_HITS,		/* u64 (out) */
	__NFIPS_RULE_A_MAX
};

#define NFIPS_RULE_A_MAX (__NFIPS_RULE_A_MAX - 1)

#define NFIPS_RANGES_MAX	1024	/* entries in one address or port list */

/*
 * Anchored rules: a rule whose pattern has at most NFIPS_ANCHOR_PATLEN
 * bytes and a DEPTH of at most NFIPS_ANCHOR_DEPTH is looked for in that
 * window of each wire packet instead of by the automaton, for up to
 * NFIPS_ANCHOR_RULES rules of a policy, the shortest patterns first (the
 * others stay in the automaton; the choice: kmod/anchor.h, which nfipsctl
 * shares). It decides exactly as it would there, in the same order.
 * Such a pattern ("|00 03|", depth 2) occurs every few hundred bytes of
 * binary payload: in the automaton it would weaken the prefilter for
 * every other pattern and stop the scan at each occurrence
 * (Documentation/matcher.rst, "Anchored short patterns").
 */
#define NFIPS_ANCHOR_PATLEN	4
#define NFIPS_ANCHOR_DEPTH	32
#define NFIPS_ANCHOR_RULES	64

struct nfips_range4 {
	unsigned char lo[4], hi[4];	/* network byte order */
};

struct nfips_range6 {
	unsigned char lo[16], hi[16];	/* network byte order */
};

struct nfips_prange {
	unsigned short lo, hi;		/* host byte order */
};

/* Per-namespace counters, summed over CPUs (u64 each). */
enum nfips_stat_attr {
	NFIPS_STAT_A_UNSPEC,
	NFIPS_STAT_A_PAD,
	NFIPS_STAT_A_PACKETS,		/* packets inspected */
	NFIPS_STAT_A_BYTES,		/* payload bytes scanned */
	NFIPS_STAT_A_HITS,		/* rule matches (header and modifiers) */
	NFIPS_STAT_A_ALERTS,		/* packets accepted with an alert */
	NFIPS_STAT_A_DROPS,		/* packets dropped (drop and reject) */
	NFIPS_STAT_A_REJECTS,		/* of which answered */
	NFIPS_STAT_A_QUEUED,		/* packets queued to the daemon */
	NFIPS_STAT_A_EVENTS,		/* events multicast */
	NFIPS_STAT_A_EVENTS_LOST,	/* rate limit, no memory, full sockets */
	NFIPS_STAT_A_UNPARSED,		/* malformed headers: accepted */
	NFIPS_STAT_A_DEPTH_BYTES,	/* TCP payload past the stream depth */
	NFIPS_STAT_A_FLOWS,		/* TCP and UDP flows entered in the table */
	NFIPS_STAT_A_FLOWS_EVICTED,	/* of which pushed out while live */
	NFIPS_STAT_A_FLOWS_UNTRACKED,	/* new flows that found no entry they may take */
	NFIPS_STAT_A_FLOWS_QUEUED,	/* flows a daemon selector chose (entries) */
	NFIPS_STAT_A_DAEMON_ABSENT,	/* packets of chosen flows passed: no daemon */
	NFIPS_STAT_A_DAEMON_OVERLOAD,	/* packets of chosen flows passed: over budget */
	NFIPS_STAT_A_QUEUE_FAILOPEN,	/* packets NFQUEUE passed (the daemon's count) */
	NFIPS_STAT_A_BYPASSED,		/* packets accepted by a bypass verdict */
	NFIPS_STAT_A_FLOW_DROPS,	/* packets dropped by a drop verdict */
	NFIPS_STAT_A_AHEAD,		/* TCP segments ahead of a hole (dropped in enforce) */
	NFIPS_STAT_A_SYNS_IGNORED,	/* SYNs on established connections, not honoured */
	NFIPS_STAT_A_BLOCK_DROPS,	/* packets dropped by a block */
	__NFIPS_STAT_A_MAX
};

#define NFIPS_STAT_A_MAX (__NFIPS_STAT_A_MAX - 1)

/* One kernel-decided alert. */
enum nfips_event_attr {
	NFIPS_EV_A_UNSPEC,
	NFIPS_EV_A_PAD,
	NFIPS_EV_A_RULE,		/* u32: rule index */
	NFIPS_EV_A_GID,			/* u32 */
	NFIPS_EV_A_SID,			/* u32 */
	NFIPS_EV_A_REV,			/* u32 */
	NFIPS_EV_A_ACTION,		/* u8: enum nfips_rule_action */
	NFIPS_EV_A_BLOCKED,		/* u8: 1 packet dropped, 0 accepted */
	NFIPS_EV_A_FAMILY,		/* u8: AF_INET or AF_INET6 */
	NFIPS_EV_A_L4PROTO,		/* u8: IPPROTO_* */
	NFIPS_EV_A_SADDR,		/* binary 4 or 16, network order */
	NFIPS_EV_A_DADDR,
	NFIPS_EV_A_SPORT,		/* u16, 0 without ports */
	NFIPS_EV_A_DPORT,
	NFIPS_EV_A_IFINDEX,		/* u32: input interface */
	NFIPS_EV_A_IFNAME,		/* string */
	NFIPS_EV_A_TIME,		/* u64: ns since the epoch (CLOCK_REALTIME) */
	NFIPS_EV_A_HOOK,		/* u8: NFIPS_HOOK_* it was seen at */
	__NFIPS_EV_A_MAX
};

#define NFIPS_EV_A_MAX (__NFIPS_EV_A_MAX - 1)

#endif /* _UAPI_NFIPS_H */
