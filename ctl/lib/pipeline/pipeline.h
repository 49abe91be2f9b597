/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The slow path's packet pipeline, shared by nfipsctl replay (packets
 * from a capture) and nfipsd (packets from NFQUEUE): decode, IP
 * defragmentation, the flow table and TCP reassembly, the rule engine,
 * and one EVE JSON record per alert. The caller owns the engine (so a
 * reload can build the next one beside it) and says where records go.
 *
 * Time is the packet's: flows and thresholds age by the timestamps the
 * caller gives (capture time in replay, arrival time in the daemon), so
 * a capture of live traffic replays to the same alerts.
 *
 * One thread at a time per pipeline; no global state.
 */
#ifndef NFIPS_PIPELINE_H
#define NFIPS_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "detect/engine.h"
#include "grade/grade.h"
#include "output/eve.h"
#include "net/net.h"
#include "rules/rule.h"

/* Which alert records carry the packet's payload (payload, payload_printable). */
enum nfips_eve_payload {
	NFIPS_EVE_PAYLOAD_ALL,		/* every record (the default) */
	NFIPS_EVE_PAYLOAD_FIRST,	/* the first record of each incident */
	NFIPS_EVE_PAYLOAD_NONE,
};

struct nfips_pipeline_alert;

struct nfips_pipeline_cfg {
	struct nfips_flowtab_cfg flows;	/* zeroes: defaults */
	const struct nfips_classes *classes;	/* categories; NULL: "" */
	const char *sensor;		/* "host" of the records; NULL: omitted */
	const char *path;		/* nfips.path: "daemon" (default) */
	uint64_t policy_serial;
	/*
	 * A TCP direction past the stream depth is no longer inspected at
	 * all (its packets are tracked, not evaluated), so the daemon can
	 * let the kernel bypass it. Suricata's stream.bypass does this once
	 * both directions reached the depth; this does it per direction (a
	 * download stops being inspected while its requests still are).
	 * Off: past the depth packets are inspected one by one (Suricata's
	 * default), and a direction any rule can match is never bypassed.
	 */
	bool stream_bypass;
	uint64_t bypass_grace_usec;	/* nfips_pipeline_bypass(); 0: 5 s */
	bool learn;		/* drop/reject rules only alert: "allowed" */
	/*
	 * HTTP bodies inspected as Suricata in IDS mode (from the minimal
	 * inspect size on, or once complete); off (the daemon's): inline,
	 * each new piece as it arrives (http-body-inline in IPS mode).
	 */
	bool http_body_ids;
	enum nfips_eve_payload payload;
	/*
	 * NFIPS_EVE_PAYLOAD_FIRST: whether the alert @a (its record not yet
	 * written) opens an incident, asked of the incident tracker. NULL
	 * (no tracker): every alert is its own incident, so every record
	 * carries its payload.
	 */
	bool (*incident_first)(void *arg, const struct nfips_pipeline_alert *a);
	void *incident_arg;
	/*
	 * Grades every alert (nfips.grade, grade_reason, alert.severity from
	 * the grade); NULL: not graded, severity is the rule's priority, as
	 * Suricata's. Must outlive its use (nfips_pipeline_set_grader).
	 */
	const struct nfips_grader *grader;
	/*
	 * Called with each alert's record before it is written out, so the
	 * caller can fill what it knows (nfipsd: the incident id). NULL: none.
	 */
	void (*annotate)(void *arg, struct nfips_eve_alert *a);
	void *annotate_arg;
	/* packet-alert-max (nfips_engine_set_alert_max), for every engine
	 * given; 0: NFIPS_ALERT_MAX_DEFAULT */
	uint32_t alert_max;
};

/* "all", "first", "none" -> @out; -1 for anything else. */
static inline int nfips_eve_payload_parse(const char *s, enum nfips_eve_payload *out)
{
	static const char *const names[] = { "all", "first", "none" };
	int i;

	for (i = 0; i < 3; i++) {
		if (!strcmp(s, names[i])) {
			*out = (enum nfips_eve_payload)i;
			return 0;
		}
	}
	return -1;
}

/* One packet handed to the pipeline. */
struct nfips_pipeline_pkt {
	const uint8_t *data;
	uint32_t len;		/* bytes at @data */
	uint32_t wire_len;	/* length on the wire (>= len); 0: len */
	int link;		/* enum nfips_link of @data */
	uint64_t ts_usec;	/* packet time, microseconds since the epoch */
	uint64_t pkt_no;	/* 1-based; EVE's pcap_cnt when @pcap */
	bool pcap;		/* from a capture file: pcap_cnt, pkt_src */
	const char *in_iface;	/* NULL: omitted */
};

/* An alert as it leaves the pipeline. */
struct nfips_pipeline_alert {
	const struct nfips_pkt *pkt;
	const struct nfips_rule *rule;
	const struct nfips_flowrec *flow;	/* NULL: no flow */
	bool blocked;		/* a drop/reject rule */
	enum nfips_grade grade;	/* UNSET: no grader */
	const char *grade_reason;	/* NULL: no grader */
	const struct nfips_eve_alert *eve;	/* what the record says */
	const char *record;	/* the EVE JSON line, '\n' included */
	size_t len;
};

typedef void (*nfips_pipeline_alert_fn)(void *arg,
					const struct nfips_pipeline_alert *a);

/* What happened to one packet. */
enum nfips_pipeline_status {
	NFIPS_PIPE_EVALUATED,	/* verdict bits are valid */
	NFIPS_PIPE_NOT_IP,
	NFIPS_PIPE_FRAGMENT,	/* held until its datagram completes */
	NFIPS_PIPE_MALFORMED,	/* not evaluated; why in the stats */
	NFIPS_PIPE_BYPASSED,	/* of a flow the caller bypassed: not evaluated */
};

struct nfips_pipeline_result {
	enum nfips_pipeline_status status;
	int verdict;		/* NFIPS_VERDICT_* of nfips_engine_packet() */
	/* The packet's flow (NULL: none, or out of memory) and whether the
	 * engine has nothing left to do on it (passed or dropped as a flow). */
	const struct nfips_flowrec *flow;
	int dir;		/* 0: to server */
	/*
	 * TCP: reassembly could not take the segment while a hole before it
	 * waits (nfips_tcp_result.resend). Inline the caller drops the
	 * packet, so that the sender resends it when the stream can take it
	 * and the hole is never skipped; a replay ignores it.
	 */
	bool resend;
	/*
	 * Malformed (counted so) though evaluated: its TCP, UDP or ICMP
	 * header is bad, so only header and IP-only rules saw it, without a
	 * flow, as Suricata inspects such a packet (status EVALUATED).
	 */
	bool malformed;
};

struct nfips_pipeline_stats {
	uint64_t packets, decoded, malformed, not_ip, fragments, alerts;
	uint64_t bypassed;	/* tracked, not evaluated (stream_bypass) */
	uint64_t stragglers;	/* of flows the caller bypassed (BYPASSED) */
	uint64_t enomem;	/* packets evaluated without all their state */
	uint64_t tunneled;	/* packets decapsulated from tunnels, evaluated */
	uint64_t l4_bad;	/* of the malformed: bad TCP/UDP/ICMP header,
				 * evaluated without flow (header rules) */
	uint64_t output_oom;	/* records lost for memory */
};

struct nfips_pipeline;

/*
 * NULL when out of memory. @engine may be NULL until the first
 * nfips_pipeline_set_engine(); packets are then decoded and tracked but
 * not evaluated.
 */
struct nfips_pipeline *nfips_pipeline_new(const struct nfips_pipeline_cfg *cfg,
					  struct nfips_engine *engine,
					  nfips_pipeline_alert_fn fn, void *arg);
/* Ends every flow (stream data behind holes is inspected), then frees. */
void nfips_pipeline_free(struct nfips_pipeline *p);

/*
 * Evaluates the next packet. Alerts are reported through the callback
 * before this returns.
 */
void nfips_pipeline_packet(struct nfips_pipeline *p,
			   const struct nfips_pipeline_pkt *in,
			   struct nfips_pipeline_result *res);

/*
 * What the slow path still needs of the flow of the packet just given
 * (@res from nfips_pipeline_packet), for the daemon's per-flow verdict in
 * the kernel. @drop: a drop rule dropped the flow (every later packet
 * would be dropped: the kernel may drop them itself). done[0] (to the
 * flow's server as the pipeline oriented it) and done[1] (to its
 * client): no loaded rule can act on any later packet of that direction,
 * because no rule's header and flow direction admit it, its IP-only rules
 * already saw its first packet, the flow was passed, or (stream_bypass)
 * the direction is past the stream depth with nothing skipped.
 *
 * A direction's packets also drive the other's state (handshake, FIN,
 * RST, acknowledgments): a caller may stop sending a flow's packets only
 * once BOTH directions are done, and then forgets the flow
 * (nfips_pipeline_forget), so that a later connection on the same
 * addresses and ports starts afresh as it would in a replay.
 */
struct nfips_flow_advice {
	bool drop;
	bool done[2];
};

void nfips_pipeline_advice(struct nfips_pipeline *p,
			   const struct nfips_pipeline_result *res,
			   struct nfips_flow_advice *adv);

/*
 * The caller stopped sending @f's packets (the daemon told the kernel to
 * bypass the flow once both directions were done) at packet time @now.
 * Packets of it that still arrive (queued before the kernel took the
 * verdict) are tracked but not evaluated (NFIPS_PIPE_BYPASSED), so they
 * raise nothing a replay would not. A TCP SYN without ACK on such a flow,
 * or any packet of it more than @grace_usec later, means the kernel sends
 * a new connection on the same addresses and ports: the old flow is
 * forgotten and the packet starts a new one.
 */
void nfips_pipeline_bypass(struct nfips_pipeline *p, const struct nfips_flowrec *f,
			   uint64_t now);

/*
 * Ends @f now, without inspecting what waits behind its holes (the
 * caller established that no rule can act on it any more).
 */
void nfips_pipeline_forget(struct nfips_pipeline *p, const struct nfips_flowrec *f);

/* Ends every flow now, as at the end of a capture. */
void nfips_pipeline_flush(struct nfips_pipeline *p);

/*
 * Switches to @engine (a reload) for the next packet. Flows in progress
 * keep their place in the flow table, their TCP reassembly and their
 * verdict (a flow passed or dropped stays so: the bytes that decided it
 * are not inspected again), but their rule state (flowbits) starts
 * afresh: it belonged to the old engine's rules. The old engine may be
 * freed after this.
 */
void nfips_pipeline_set_engine(struct nfips_pipeline *p,
			       struct nfips_engine *engine,
			       uint64_t policy_serial);

/*
 * What the next records say (a reload): the categories (@classes must
 * outlive their use, as cfg->classes) and whether drop/reject rules only
 * alert (learn mode: action "allowed").
 */
void nfips_pipeline_set_output(struct nfips_pipeline *p,
			       const struct nfips_classes *classes, bool learn);

/* Grades the next alerts with @g (a reload; NULL: not graded). */
void nfips_pipeline_set_grader(struct nfips_pipeline *p,
			       const struct nfips_grader *g);

void nfips_pipeline_get_stats(const struct nfips_pipeline *p,
			      struct nfips_pipeline_stats *st);
struct nfips_flowtab *nfips_pipeline_flows(struct nfips_pipeline *p);
struct nfips_defrag *nfips_pipeline_defrag(struct nfips_pipeline *p);

/* Malformed packets by reason: calls @fn once per distinct reason. */
void nfips_pipeline_reasons(const struct nfips_pipeline *p,
			    void (*fn)(void *arg, const char *why, uint64_t n,
				       uint64_t first_pkt),
			    void *arg);

#endif /* NFIPS_PIPELINE_H */
