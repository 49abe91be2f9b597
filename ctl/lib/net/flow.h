/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flow table: both directions of a 5-tuple (plus VLAN ids, as Suricata's
 * vlan.use-for-tracking, and the tunnel level) are one flow. Flows time out by capture time
 * with Suricata's default flow-timeouts, and the table holds at most
 * max_flows flows: when full, the least recently seen flow is ended to
 * make room. TCP flows carry their struct nfips_tcp session.
 *
 * A flow's id is a hash of its canonical 5-tuple and start time: stable
 * across runs and machines (unlike Suricata's, which is seeded at
 * random), 51 bits like Suricata's so that JSON consumers that read
 * numbers as doubles keep it exact, and never 0.
 */
#ifndef NFIPS_FLOW_H
#define NFIPS_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"
#include "stream.h"

#define NFIPS_FLOWTAB_MAX	65536

/* Timeouts in seconds; 0 takes Suricata's default (in brackets). */
struct nfips_flow_timeouts {
	uint32_t tcp_new;	/* [60] before the handshake completed */
	uint32_t tcp_est;	/* [600] */
	uint32_t tcp_closed;	/* [60] after FINs both ways or a RST */
	uint32_t udp_new;	/* [30] before a reply */
	uint32_t udp_est;	/* [300] */
	uint32_t other_new;	/* [30] ICMP and others */
	uint32_t other_est;	/* [300] */
};

struct nfips_flowtab_cfg {
	uint32_t max_flows;	/* 0: NFIPS_FLOWTAB_MAX */
	struct nfips_flow_timeouts to;
	struct nfips_stream_cfg stream;
};

/* Canonical key: the lower (address, port) end first; no padding. */
struct nfips_flow_key {
	uint8_t addr[2][16];
	uint16_t port[2];
	uint16_t vlan[NFIPS_MAX_VLAN];
	uint8_t family, proto;
	/* tunnel level (decode.h): a flow inside a tunnel is not the same
	 * flow as one on the wire (Suricata's recursion level) */
	uint16_t depth;
	uint16_t spi[2];	/* ESP: its SPI, as Suricata keys ESP flows */
};

struct nfips_flowrec {
	struct nfips_flowrec *hnext;		/* hash chain */
	struct nfips_flowrec *lprev, *lnext;	/* by last packet, oldest first */
	struct nfips_flow_key key;
	uint32_t hash;
	uint8_t cli[16];	/* the client's address and port */
	uint16_t cli_port;
	bool seen[2];		/* a packet in direction 0 / 1 */
	uint64_t id;
	uint64_t start_usec, last_usec;
	uint64_t pkts[2], bytes[2];	/* [0] to server, [1] to client */
	struct nfips_tcp tcp;	/* TCP only */
	void *user;		/* the caller's (engine flow state) */
	void *app;		/* the caller's (application-layer parsers) */
	uint64_t bypass_usec;	/* the pipeline's caller bypassed it then; 0 not */
	bool tunnel;		/* its packets carry a tunnel's: the inner
				 * flows' rules need every one of them */
};

/* Why a flow ends. */
enum nfips_flow_end {
	NFIPS_FLOW_END_TIMEOUT,
	NFIPS_FLOW_END_EVICTED,	/* table full */
	NFIPS_FLOW_END_REUSED,	/* a new TCP session on the same 5-tuple */
	NFIPS_FLOW_END_FLUSH,	/* end of capture or table freed */
};

/*
 * Called before a flow is freed: the caller flushes stream data waiting
 * behind holes (nfips_tcp_flush) and frees f->user. @now_usec is the
 * time the flow ended (its last packet for a flush).
 */
typedef void (*nfips_flow_end_fn)(void *arg, struct nfips_flowrec *f,
				  enum nfips_flow_end why, uint64_t now_usec);

struct nfips_flowtab_stats {
	uint64_t created, timed_out, evicted, reused, flushed;
	uint64_t active, peak;
};

struct nfips_flowtab;

/* NULL when out of memory. */
struct nfips_flowtab *nfips_flowtab_new(const struct nfips_flowtab_cfg *cfg,
					nfips_flow_end_fn end, void *arg);

/*
 * The flow of a decoded IP packet at capture time @now_usec, created if
 * needed (@created), with the packet's direction in @dir (0 to server).
 * Ends flows that timed out on the way. NULL when out of memory.
 */
struct nfips_flowrec *nfips_flowtab_get(struct nfips_flowtab *t,
					const struct nfips_decoded *d,
					uint64_t now_usec, int *dir,
					bool *created);

/* What nfips_flow_update() tells the engine. */
struct nfips_flow_update {
	struct nfips_tcp_result tcp;	/* TCP only */
	bool established;
};

/*
 * Accounts the packet to its flow (counters, state, TCP tracking and
 * reassembly) and fills @up.
 */
void nfips_flow_update(struct nfips_flowtab *t, struct nfips_flowrec *f,
		       int dir, const struct nfips_pkt *p, uint32_t wire_len,
		       struct nfips_flow_update *up);

/* The stream context of the table (for nfips_tcp_flush). */
struct nfips_stream_ctx *nfips_flowtab_stream(struct nfips_flowtab *t);

/* Ends every flow, oldest first. */
void nfips_flowtab_flush(struct nfips_flowtab *t);
void nfips_flowtab_get_stats(const struct nfips_flowtab *t,
			     struct nfips_flowtab_stats *st);
/* Ends one flow now (the end callback runs, reason FLUSH). */
void nfips_flowtab_end(struct nfips_flowtab *t, struct nfips_flowrec *f);
/* Calls @fn on every flow, oldest first; @fn must not end flows. */
void nfips_flowtab_foreach(struct nfips_flowtab *t,
			   void (*fn)(void *arg, struct nfips_flowrec *f),
			   void *arg);
/* Flushes, then frees the table. */
void nfips_flowtab_free(struct nfips_flowtab *t);

#endif /* NFIPS_FLOW_H */
