/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EVE JSON: Suricata's one-object-per-line event log, event_type "alert",
 * plus the "nfips" object of DESIGN.md. Field names and order follow
 * Suricata's output-json.c / output-json-alert.c so that SOC tooling
 * (Wazuh, Filebeat, Splunk) ingests the records unchanged; see
 * Documentation/replay.rst for the record.
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

	/* alert */
	bool blocked;			/* action "blocked" else "allowed" */
	uint32_t gid, sid, rev;
	const char *signature;		/* msg */
	const char *category;		/* classtype description, NULL: "" */
	uint32_t severity;		/* priority */

	/* after alert: "direction" and "flow" when the packet has a flow */
	bool has_flow;
	bool to_server;
	struct nfips_eve_flow flow;

	/* nfips */
	const char *grade;		/* NULL: omitted (not graded) */
	const char *path;		/* "kernel" or "daemon" */
	uint64_t sequence;
	uint64_t policy_serial;
	const char *sensor;		/* NULL: omitted */
};

/* Appends one alert record and its '\n' to @b. */
void nfips_eve_alert(struct nfips_sbuf *b, const struct nfips_eve_alert *a);

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
