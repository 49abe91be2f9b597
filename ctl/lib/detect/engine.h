/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rule engine: exact evaluation of the loadable rules on packets and on
 * reassembled TCP streams, with Suricata 7's semantics.
 *
 * Interface contract (shared with the replay: pcap, decode, flow, stream,
 * eve). Changes to it are additive; an incompatible change is listed here.
 *   v1  first version. Compatible additions since: struct nfips_flow's
 *       tcp_sizes/client_size/server_size (stream_size), the limits'
 *       no_prefilter, NFIPS_VERDICT_DROP for flow drops; documentation of
 *       Suricata 7's packet/stream split and of the stream cost; xbits
 *       (engine-wide host and address-pair bits, see nfips_engine_packet)
 *       and byte_extract; the shared packet/stream scan and the IP-only
 *       address index (costs only, no change in results); struct
 *       nfips_pkt's tcp_tfo; like-IP-only signatures (a negated address)
 *       acting on the flow, and dropped flows no longer inspected, as in
 *       Suricata 7; application-layer rules (struct nfips_tx, nfips_flow's
 *       alproto/txs), evaluated per transaction (engine_app.c); the
 *       prefilter's signature groups (engine_group.c: costs only);
 *       struct nfips_tx's grows and nfips_txdet's pf (costs only).
 *
 * Division of work. The CALLER decodes packets, tracks flows (direction,
 * establishment), reassembles TCP and decides when reassembled data is
 * inspected; it owns one opaque struct nfips_flowstate per flow. The
 * ENGINE owns everything rule-related: header matching, payload
 * evaluation, flow keywords, flowbits, pass, threshold/detection_filter,
 * and the order in which rules are evaluated and alerts reported.
 *
 * One call per packet. nfips_engine_packet() runs every rule once on the
 * packet, as Suricata 7's detection does for each packet (detect.c):
 *   - IP-only rules (no payload, flow, header or flowbits-test keywords,
 *     no negated address) only on the first packet of each direction of
 *     a flow (every packet without a flow), before the others; with a
 *     negated address they are "like IP-only" and run with the others;
 *   - every other rule, in Suricata's signature order (below), whose
 *     fast pattern was seen by the prefilter, or that has none: header,
 *     flow keyword, header keywords, flowbits tests, then its payload
 *     keywords on
 *       the reassembled stream (@st), for rules Suricata inspects on the
 *       stream (SIG_FLAG_REQUIRE_STREAM: "tcp" and "ip" payload rules,
 *       tcp-stream, flow:only_stream), when @st has new data; then, if
 *       that did not match, the packet payload, except when the packet's
 *       data went into the stream (flow->stream_add, PKT_STREAM_ADD) and
 *       the rule does not also want packets;
 *       the packet payload for packet rules (SIG_FLAG_REQUIRE_PACKET:
 *       udp/icmp rules, tcp-pkt, dsize, header keywords, flow:no_stream,
 *       and "tcp" rules with a depth/offset/startswith content, which
 *       want both);
 *   - flowbits set/unset/toggle and xbits set/unset of a matching rule
 *     take effect at once, so later rules of the same packet see them
 *     (xbits are kept per engine, by host or address pair, across flows,
 *     expiring by packet time);
 *   - then, in signature order, threshold/detection_filter and actions:
 *     a matching pass rule hides its own alert and all later ones of the
 *     packet; if it matched on the stream (or is IP-only or like IP-only)
 *     the whole flow is passed: later packets are not inspected at all. A
 *     drop/reject rule sets NFIPS_VERDICT_DROP (IPS); on the stream or
 *     (like) IP-only it drops the flow: later packets return
 *     NFIPS_VERDICT_DROP without being inspected.
 * So for a tracked, established TCP session the alerts of a "tcp" rule
 * come from stream inspections, attributed to the packet in whose call
 * the stream data was passed, never twice for the same bytes (see struct
 * nfips_stream), while a rule with depth/offset also alerts on packets.
 * Flow-end pseudo packets (pcap_cnt 0) skip packet-only rules.
 *
 * Signature order (detect-engine-sigorder.c, default): action (pass,
 * drop, reject, alert), then flowbits (rules that only set before those
 * that set and test, before those that only test, before the rest), then
 * rules testing xbits of hosts, then of address pairs, before the rest,
 * then priority (lower first), then sid. A "<>" rule whose two ends differ is
 * two signatures, one per direction, as in Suricata.
 *
 * Attribution and Suricata. Suricata 7 in IDS mode inspects a direction's
 * stream on a packet of that direction once the other side acknowledged
 * enough data (stream.reassembly chunk sizes, randomised by default) or
 * an app-layer parser asked for it, in chunks that do not overlap: a match
 * that straddles two chunks is missed, and the alert carries the packet
 * that triggered the inspection. This engine does whatever the caller's
 * calls describe: give the data of such a chunk with new_from 0 to get
 * Suricata's result exactly, or the stream so far with new_from at the new
 * bytes to find every match once, on the packet that completed it.
 *
 * Threading: an engine is used by one thread at a time (threshold tables
 * and scratch space are mutated by evaluation). No global state: any
 * number of engines may coexist.
 */
#ifndef NFIPS_ENGINE_H
#define NFIPS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/net.h"
#include "rules/rule.h"

struct nfips_json;

/* ---- flows ---------------------------------------------------------- */

/*
 * Per-flow engine state: flowbits, the pass/drop verdict, which
 * directions were seen (IP-only rules), the stream prefilter's memory.
 * Created when the caller creates a flow, freed with it. Opaque. Call the
 * engine for every packet of the flow, in capture order.
 */
struct nfips_flowstate;

/*
 * One application-layer transaction (an HTTP request and its response) as
 * a parser (applayer/) shows it to the engine: its buffers by id.
 */
struct nfips_tx {
	/*
	 * Buffer @id (enum nfips_buf_id) of the transaction as far as the
	 * transaction has progressed; false when it has none (a header not
	 * sent, a response not seen yet, a part not reached yet).
	 */
	bool (*get)(const struct nfips_tx *tx, uint32_t id, const uint8_t **data,
		    uint32_t *len);
	/*
	 * Instance @i of multi-buffer @id (nfips_buf_multi(); dns.query: one
	 * per question); false past the last. Valid until the next call on
	 * the same protocol state. NULL when the protocol has none.
	 */
	bool (*get_nth)(const struct nfips_tx *tx, uint32_t id, uint32_t i,
			const uint8_t **data, uint32_t *len);
	/*
	 * Optional, for the engine's memory of rules waiting on the side
	 * (engine_appmemo.c): true with @ident (never 0) when single buffer
	 * @id is present and the parser can name its bytes without the
	 * engine reading them: two calls on the same side giving the same
	 * @ident give the same bytes (an append-only buffer: its window's
	 * start and end). False: the engine hashes the bytes. NULL: none.
	 */
	bool (*ident)(const struct nfips_tx *tx, uint32_t id, uint64_t *ident);
	/* Integer field @id (enum nfips_txint_id); false when it has none. */
	bool (*get_int)(const struct nfips_tx *tx, uint32_t id, uint64_t *v);
	/*
	 * True when integer field @id can no longer change (a test failing
	 * on it fails for good); NULL: every field is final (set with the
	 * transaction's header, as dns.opcode).
	 */
	bool (*final_int)(const struct nfips_tx *tx, uint32_t id);
	/*
	 * True when buffer @id can no longer change (Suricata's inspection
	 * engine "eof": the transaction's progress is past the buffer's): a
	 * rule that fails on it now fails for good on this transaction, one
	 * that fails on a buffer not final is tried again when the
	 * transaction progresses. NULL: every buffer is final.
	 */
	bool (*final)(const struct nfips_tx *tx, uint32_t id);
	/*
	 * The engine's memory of this transaction side (the rules done
	 * with it: alerted once or unable to match), owned by the parser
	 * and freed with nfips_txdet_free(); NULL when the side is handed
	 * out only once.
	 */
	struct nfips_txdet *det;
	/*
	 * Bits (1ull << id) of the single buffers that only ever grow at
	 * their end while the side lasts: bytes handed out once never
	 * change (a response body). With det, the prefilter then scans
	 * only what was added since the last hand-out. 0: none.
	 */
	uint64_t grows;
	/*
	 * For an alert's record only, never on the packet path: the
	 * transaction's number in its flow (Suricata's tx_id) and its
	 * protocol's EVE object(s) as Suricata 7's alert writes them (the
	 * whole transaction as it stands, both sides), added to @j's open
	 * object. NULL: the protocol has no object (the alert then carries
	 * no tx_id either).
	 */
	uint64_t (*tx_id)(const struct nfips_tx *tx);
	void (*eve)(const struct nfips_tx *tx, struct nfips_json *j, uint32_t flags);
};

/* struct nfips_tx's eve @flags: what the alerting rule inspects. */
#define NFIPS_TX_EVE_JA4	0x1	/* ja4.hash: Suricata 7.0's alert writes "ja4" */

/* Rules done with a transaction side, by the engine that inspected it. */
struct nfips_txdet {
	uint64_t engine;	/* serial of the engine the bits are of (a reload resets them) */
	uint8_t *done;		/* one bit per app-layer rule of that engine */
	uint32_t nbits;
	/* the rules waiting on it and its buffers as they saw them */
	struct nfips_txmemo *memo;
	/* the prefilter's progress in its growing buffers (engine_app.c) */
	struct nfips_txpf *pf;
};

void nfips_txdet_free(struct nfips_txdet *d);

/* What the caller knows about the packet's flow. */
struct nfips_flow {
	struct nfips_flowstate *state;	/* from nfips_flowstate_new() */
	/* From the flow's client (first SYN sender, else first packet's
	 * source) to its server: flow:to_server / from_client. */
	bool to_server;
	/*
	 * Suricata's FLOW_PKT_ESTABLISHED: TCP once the three-way handshake
	 * completed (the third packet is established) until the session is
	 * closed; UDP and other protocols once packets were seen in both
	 * directions (the first reply is established).
	 */
	bool established;
	/*
	 * Suricata's PKT_STREAM_ADD: this TCP packet's payload was handed to
	 * the stream reassembly of its direction, so "tcp" rules inspect it
	 * through the stream and not as a packet.
	 */
	bool stream_add;
	/*
	 * For stream_size: Suricata's next_seq - isn of the client and of
	 * the server stream after this packet (sequence space used so far,
	 * the SYN counting one). tcp_sizes false: no TCP session, stream_size
	 * does not match.
	 */
	bool tcp_sizes;
	uint32_t client_size, server_size;
	/*
	 * The flow's application-layer protocol as detected so far (rules
	 * with an app-layer protocol need it), and the transactions whose
	 * part in this packet's direction progressed with this packet (or
	 * as far as it got, at the flow's end): every rule with buffers of
	 * that direction is evaluated on each until it alerted or cannot
	 * match any more (struct nfips_tx's final and det), as Suricata's
	 * stateful detection inspects each buffer as soon as the
	 * transaction's progress makes it available and alerts a rule at
	 * most once per transaction.
	 */
	enum nfips_alproto alproto;
	const struct nfips_tx *const *txs;
	uint32_t ntxs;
	/*
	 * Suricata's FLOW_NOPAYLOAD_INSPECTION: the parser stopped payload
	 * inspection of the flow (TLS application data, encryption-handling
	 * default): payload keywords no longer match, on the stream or on
	 * packets; application-layer buffers still do.
	 */
	bool no_payload;
};


/* ---- engine --------------------------------------------------------- */

struct nfips_engine_limits {
	uint32_t max_patterns;	/* matcher limits; 0 = no limit */
	uint32_t max_states;
	size_t max_bytes;
	uint32_t max_threshold_entries;	/* all rules together; 0 = 1Mi; the
					 * live xbits are bounded alike */
	uint32_t pcre_match_limit;	/* 0 = Suricata's 3500 */
	uint32_t pcre_recursion_limit;	/* 0 = Suricata's 1500 */
	bool no_prefilter;	/* evaluate every rule on every packet (tests) */
};

struct nfips_engine;

/* Figures of a built engine. */
struct nfips_engine_stats {
	uint32_t rules;		/* loaded */
	uint32_t skipped;	/* rule->skip set: not loaded */
	uint32_t duplicates;	/* same gid:sid, lower or equal rev: dropped */
	uint32_t kernel, slow;	/* classification of the loaded */
	uint32_t no_fast_pattern;	/* evaluated on every header match */
	uint32_t patterns;	/* matcher patterns */
	size_t matcher_bytes;
};

/*
 * Compiles @rules[0..n): every rule whose skip is NULL is loaded (the
 * others are counted and ignored). Rules are borrowed and must outlive
 * the engine; they are classified (nfips_rule_classify) as a side
 * effect. Of several rules with the same gid:sid the highest rev is kept
 * (the first of equals), as Suricata does. Returns 0 and the engine in
 * @out, or a negative errno with @err->msg saying why (matcher limits).
 */
int nfips_engine_new(struct nfips_engine **out, struct nfips_rule *const *rules,
		     size_t n, const struct nfips_engine_limits *lim,
		     struct nfips_err *err);
void nfips_engine_free(struct nfips_engine *e);
void nfips_engine_get_stats(const struct nfips_engine *e,
			    struct nfips_engine_stats *st);


/* NULL when out of memory. Freeing NULL is a no-op. */
struct nfips_flowstate *nfips_flowstate_new(struct nfips_engine *e);
void nfips_flowstate_free(struct nfips_flowstate *fs);
/*
 * A flow's state for engine @e (a reload) from its state @old under
 * another engine: the flow's verdict (passed, dropped) is kept, as
 * Suricata keeps its flow flags across rule reloads (a dropped flow's
 * retransmissions stay dropped: their bytes are not inspected again);
 * flowbits and the rest start afresh. NULL when out of memory.
 */
struct nfips_flowstate *nfips_flowstate_renew(struct nfips_engine *e,
					      const struct nfips_flowstate *old);
/* True once a pass rule matched in the flow (nothing more alerts). */
bool nfips_flowstate_passed(const struct nfips_flowstate *fs);

/* True once a drop rule dropped the flow (every later packet is dropped). */
bool nfips_flowstate_dropped(const struct nfips_flowstate *fs);

#define NFIPS_WANT_FIRST	0x1	/* IP-only signatures: the direction's
					 * first packet, not yet seen */
#define NFIPS_WANT_ALL		0x2	/* other signatures: every packet */

/*
 * What a flow's application layer says of the rest of the flow: the
 * signatures it rules out can never match again (sig_matches) and want
 * nothing of it.
 */
struct nfips_flow_outlook {
	enum nfips_alproto alproto;	/* detected (then for good) */
	bool alproto_final;	/* none detected, and none can be any more */
	bool no_payload;	/* struct nfips_flow's: payload keywords are over */
	bool app_idle;		/* no transaction of the flow will progress again */
};

/*
 * What the loaded signatures can still want of each direction of the
 * flow of @p (@to_server: @p's direction) in @want[0] (to server) and
 * @want[1] (to client): NFIPS_WANT_* bits, 0 when no signature's
 * protocol, addresses, ports and flow direction admit that direction,
 * or @o (NULL: nothing known) says it can no longer match: a rule of
 * another application-layer protocol than the flow's, payload keywords
 * once payload inspection stopped, application-layer buffers once the
 * parser has nothing more to hand out. Computed once per flow and outlook
 * (a pass over the signatures), then cached.
 */
void nfips_flowstate_want(const struct nfips_engine *e, struct nfips_flowstate *fs,
			  const struct nfips_pkt *p, bool to_server,
			  const struct nfips_flow_outlook *o, uint8_t want[2]);

/*
 * Suppressions (threshold.config's "suppress", the customer policy's):
 * a matching rule for which @fn returns true raises no alert and counts
 * toward no threshold, but its actions (drop, reject, pass) still apply,
 * as Suricata's suppress (PacketAlertFinalize: the actions of a
 * suppressed match are applied, only the alert is removed); its flowbits
 * were already set by the match.
 */
typedef bool (*nfips_suppress_fn)(void *arg, const struct nfips_rule *r,
				  const struct nfips_pkt *p);
void nfips_engine_set_suppress(struct nfips_engine *e, nfips_suppress_fn fn,
			       void *arg);

/*
 * Suricata's packet-alert-max: at most @max alerts (1..255) are raised
 * per packet, the first in signature order (PacketAlertFinalize); the
 * rest are discarded, and counted in each raised alert's "discarded".
 * A discarded alert's actions (drop, reject, pass) still apply and its
 * threshold still counts, as in Suricata, so the cap never loses a drop.
 */
#define NFIPS_ALERT_MAX_DEFAULT	15
#define NFIPS_ALERT_MAX_LIMIT	255
/* 0: the default */
void nfips_engine_set_alert_max(struct nfips_engine *e, uint32_t max);

/* ---- evaluation ----------------------------------------------------- */

#define NFIPS_ALERT_STREAM	0x1	/* matched on reassembled data */

struct nfips_alert {
	const struct nfips_rule *rule;
	uint32_t flags;		/* NFIPS_ALERT_* */
	/* alerts of this packet past packet-alert-max, not raised; 0: none */
	uint32_t discarded;
	/*
	 * The transaction an app-layer rule alerted on (valid during the
	 * callback); NULL: a packet, stream or IP-only match.
	 */
	const struct nfips_tx *tx;
};

/*
 * Called for each alert to record, in the order Suricata would log them
 * for the packet. Not called for pass rules, noalert rules, or alerts
 * suppressed by threshold/detection_filter.
 */
typedef void (*nfips_alert_fn)(void *arg, const struct nfips_pkt *pkt,
			       const struct nfips_flow *flow,
			       const struct nfips_alert *alert);

/* Bits of nfips_engine_packet()'s result. */
#define NFIPS_VERDICT_ALERT	0x1	/* at least one alert reported */
#define NFIPS_VERDICT_DROP	0x2	/* a drop or reject rule matched (now, or
					 * on the stream/IP-only earlier in the
					 * flow: Suricata's flow drop) */
#define NFIPS_VERDICT_REJECT	0x4	/* a reject rule alerted */
#define NFIPS_VERDICT_PASS	0x8	/* a pass rule matched (now or before) */

/*
 * Evaluates every loaded rule on one packet (see the top of this file).
 * @flow may be NULL for a packet without a flow: flow:established and
 * direction keywords then fail, flowbits read as unset and are not set.
 * @st may be NULL (no stream data ready), and only makes sense for TCP.
 * Returns the NFIPS_VERDICT_* bits, or -ENOMEM (state may have missed
 * an update, the packet was still evaluated as far as possible).
 */
int nfips_engine_packet(struct nfips_engine *e, const struct nfips_pkt *pkt,
			const struct nfips_flow *flow,
			const struct nfips_stream *st,
			nfips_alert_fn fn, void *arg);

#endif /* NFIPS_ENGINE_H */
