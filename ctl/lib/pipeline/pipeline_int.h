/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pipeline's insides, shared by pipeline.c (flows, evaluation,
 * alerts) and pipeline_tunnel.c (what a decoded packet is: tunnels,
 * malformed transports). Not for other users: pipeline.h is the API.
 */
#ifndef NFIPS_PIPELINE_INT_H
#define NFIPS_PIPELINE_INT_H

#include "output/eve.h"
#include "pipeline.h"

#define MAX_REASONS 32

struct reason {
	const char *why;	/* static, from the decoder */
	uint64_t n, first;	/* count, first packet number */
};

struct nfips_pipeline {
	struct nfips_pipeline_cfg cfg;
	struct nfips_engine *engine;
	nfips_pipeline_alert_fn fn;
	void *arg;

	struct nfips_flowtab *flows;
	struct nfips_defrag *defrag;
	struct nfips_app_ctx *app;	/* NULL until an engine has app rules */
	bool app_on;			/* the parsers run (an engine is loaded) */
	struct nfips_sbuf out;
	uint64_t sequence;
	const char **md;	/* the alerting rule's metadata values */
	uint32_t md_cap;

	/* the packet being evaluated */
	const struct nfips_pipeline_pkt *in;
	const struct nfips_decoded *dec;
	/* tunnels: the captured packet (the records' "tunnel" object) and
	 * the pkt_src of the packet being inspected when dec->depth > 0 */
	const struct nfips_decoded *root;
	const char *tun_src;
	const struct nfips_flowrec *flow;

	struct nfips_pipeline_stats st;
	struct reason reasons[MAX_REASONS];
	size_t nreasons;
};

/* How pipe_inspect() treats a decoded packet (pipeline_tunnel.c decides). */
#define PIPE_NO_FLOW	0x1	/* no flow: every packet runs IP-only rules */
#define PIPE_NO_APP	0x2	/* its payload is a tunnel's: no app layer */
#define PIPE_TUNNEL	0x4	/* its flow carries a tunnel (advice) */

/*
 * Evaluates the decoded packet @d (ts, pcap_cnt filled here) with its
 * flow, or without one (PIPE_NO_FLOW); @wire_len counts toward the flow.
 */
void pipe_inspect(struct nfips_pipeline *p, struct nfips_decoded *d,
		  uint32_t wire_len, unsigned int how,
		  struct nfips_pipeline_result *res);

/* A fragment: the decoded datagram's status once complete (pipeline.c). */
enum nfips_decode_status pipe_reassemble(struct nfips_pipeline *p,
					 struct nfips_decoded *d, uint64_t ts);

void pipe_count_reason(struct nfips_pipeline *p, const char *why);

/* pipeline_alert.c: the engine's alert callback (nfips_alert_fn), @arg the pipeline. */
void pipe_on_alert(void *arg, const struct nfips_pkt *pkt, const struct nfips_flow *flow,
		   const struct nfips_alert *al);

/*
 * A decoded packet (@s its status) at any tunnel level: defragmented,
 * counted, inspected as Suricata would, then the packet inside it if it
 * is a tunnel (pipeline_tunnel.c). @res is the outermost packet's.
 */
void pipe_decoded(struct nfips_pipeline *p, struct nfips_decoded *d,
		  enum nfips_decode_status s, uint32_t wire_len,
		  struct nfips_pipeline_result *res);

#endif /* NFIPS_PIPELINE_INT_H */
