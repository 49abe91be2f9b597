/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EVE JSON: Suricata's one-object-per-line event log, event_type "alert",
 * plus the "nfips" object of DESIGN.md. Field names, formats and order
 * follow Suricata 7's output-json.c / output-json-alert.c (its EVE output
 * with community-id, payload and payload-printable on, sensor-name set)
 * so that SOC tooling (Wazuh, Filebeat, Splunk) ingests the records
 * unchanged; the nfips-specific fields are all in the one top-level
 * "nfips" object, the only key Suricata's schema does not have
 * (selftests/eve/). See Documentation/replay.rst for the record.
 *
 * Strings are escaped by nfips_json_str() (util.h): the output is always
 * valid UTF-8 JSON and the original bytes are recoverable.
 */
#ifndef NFIPS_EVE_H
#define NFIPS_EVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/util.h"

/* "2024-01-02T03:04:05.678901+0000" (UTC) into @out (>= 32 bytes). */
void nfips_eve_time(char *out, size_t len, int64_t sec, uint32_t usec);

/* Flow counters for the "flow" object, as Suricata's EveAddFlow. */
struct nfips_eve_flow {
	uint64_t pkts_toserver, pkts_toclient;
	uint64_t bytes_toserver, bytes_toclient;
	int64_t start_sec;
	uint32_t start_usec;
};

/* alert.source / alert.target, from the rule's target: keyword. */
enum nfips_eve_target {
	NFIPS_EVE_TARGET_NONE,
	NFIPS_EVE_TARGET_DST,	/* target:dest_ip */
	NFIPS_EVE_TARGET_SRC,	/* target:src_ip */
};

struct nfips_eve_alert {
	/* header */
	int64_t sec;
	uint32_t usec;
	uint64_t flow_id;		/* 0: no flow, field omitted */
	uint64_t pcap_cnt;		/* 0: not from a capture, omitted */
	const char *in_iface;		/* NULL: omitted */
	uint8_t nvlan;
	uint16_t vlan[3];
	uint8_t family;			/* 4 or 6 */
	uint8_t src[16], dst[16];	/* of the packet, network order */
	uint16_t sport, dport;		/* TCP, UDP, SCTP only */
	uint8_t proto;
	uint8_t icmp_type, icmp_code;	/* ICMP, ICMPv6 only */
	const char *pkt_src;		/* "wire/pcap" (Suricata), NULL: omitted */
	bool community_id;		/* write community_id (Suricata: records
					 * of a flow) from the fields above */

	/* alert */
	bool blocked;			/* action "blocked" else "allowed" */
	uint32_t gid, sid, rev;
	const char *signature;		/* msg */
	const char *category;		/* classtype description, NULL: "" */
	uint32_t severity;		/* priority */
	enum nfips_eve_target target;	/* alert.source/target */
	/*
	 * The values of the rule's metadata options as written, in rule
	 * order: alert.metadata as Suricata 7 builds it (keys sorted
	 * without case, each key's values last first). None: omitted.
	 */
	const char *const *metadata;
	uint32_t nmetadata;

	/*
	 * after alert: Suricata's "tunnel" object for a packet decapsulated
	 * from a tunnel (depth > 0): the captured packet that carried it
	 * (its addresses, ports, protocol, pcap_cnt and pkt_src) and the
	 * tunnel level. depth 0: omitted.
	 */
	struct {
		uint8_t depth, family, proto;
		uint8_t src[16], dst[16];
		uint16_t sport, dport;
		uint64_t pcap_cnt;	/* 0: omitted */
		const char *pkt_src;	/* NULL: omitted */
	} tunnel;

	/*
	 * The application layer, as Suricata's alert with its default
	 * metadata (app-layer) option: "tx_id" before "alert" for an alert
	 * of a transaction (@has_tx), and for a packet of a flow, after
	 * "tunnel", the transaction's protocol object(s) written by
	 * @app_obj(@app_arg) into the record's open object (NULL: none),
	 * then "app_proto", "app_proto_ts", "app_proto_tc" (NULL: omitted).
	 * Filled only for alerts: nothing of it is built on the packet path.
	 */
	bool has_tx;
	uint64_t tx_id;
	void (*app_obj)(const void *arg, struct nfips_json *j);
	const void *app_arg;
	const char *app_proto, *app_proto_ts, *app_proto_tc;

	/* after alert: "direction" and "flow" when the packet has a flow */
	bool has_flow;
	bool to_server;
	struct nfips_eve_flow flow;

	/*
	 * payload (base64), payload_printable and stream, as Suricata's
	 * payload and payload-printable options write them: the packet's
	 * payload (for a stream match too: see Documentation/replay.rst).
	 */
	bool log_payload;
	bool stream;			/* the rule matched reassembled data */
	const uint8_t *payload;
	uint32_t payload_len;

	const char *sensor;		/* top-level "host"; NULL: omitted */

	/* nfips */
	const char *grade;		/* NULL: omitted (not graded) */
	const char *grade_reason;	/* NULL: omitted */
	uint64_t incident_id;		/* 0: omitted (no incident) */
	/* the packet's alerts past packet-alert-max, not raised; 0: omitted */
	uint32_t alerts_discarded;
	const char *path;		/* "kernel" or "daemon" */
	uint64_t sequence;
	uint64_t policy_serial;
};

/* Appends one alert record and its '\n' to @b. */
void nfips_eve_alert(struct nfips_sbuf *b, const struct nfips_eve_alert *a);

/*
 * An address as Suricata writes it: IPv4 dotted, IPv6 in full (eight
 * groups of four lowercase hex digits, no "::"). @out >= 40 bytes.
 */
void nfips_eve_addr(char *out, size_t len, uint8_t family, const uint8_t *a);

/* Suricata's name of IP protocol @proto (its known_proto table), NULL: none. */
const char *nfips_eve_proto_name(uint8_t proto);

/* alert.metadata from the rules' metadata option values (see above). */
void nfips_eve_metadata(struct nfips_json *j, const char *const *values,
			uint32_t n);

/*
 * Suricata's PrintStringsToBuffer: printable ASCII, CR and LF kept,
 * every other byte '.'; @out has room for @len bytes (no terminator).
 */
void nfips_eve_printable(char *out, const uint8_t *in, size_t len);

/* Base64 of @in (RFC 4648, padded), NUL-terminated, malloc'd; NULL: ENOMEM. */
char *nfips_eve_base64(const uint8_t *in, size_t len);

/*
 * Community ID v1: "1:" + base64(SHA-1(...)), NUL-terminated. Ports for
 * TCP, UDP and SCTP; ICMP and ICMPv6 take type and code. 0, or -1 when
 * libcrypto fails.
 */
#define NFIPS_COMMUNITY_ID_LEN 31
int nfips_community_id(char out[NFIPS_COMMUNITY_ID_LEN], uint16_t seed,
		       uint8_t family, const uint8_t *src, const uint8_t *dst,
		       uint8_t proto, uint16_t sport, uint16_t dport,
		       uint8_t icmp_type, uint8_t icmp_code);

/*
 * Where nfips.sequence's digits are in a record nfips_eve_alert() wrote:
 * true and their offset and length. The EVE log numbers records with it
 * (one sequence per sensor, in file order) after the record is built.
 * Only a "sequence" key right after '{' or ',' inside the last
 * "nfips":{ counts: in a string a '"' is always escaped.
 */
bool nfips_eve_sequence_span(const char *rec, size_t len, size_t *off,
			     size_t *digits);

#endif /* NFIPS_EVE_H */
