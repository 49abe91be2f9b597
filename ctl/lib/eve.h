/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EVE JSON: Suricata's one-object-per-line event log, event_type "alert",
 * plus the "nfips" object of DESIGN.md. Field names and order follow
 * Suricata's output-json.c / output-json-alert.c so that SOC tooling
 * (Wazuh, Filebeat, Splunk) ingests the records unchanged; see
 * Documentation/replay.rst for the record.
 *
 * String escaping: '"', '\\' and control characters are escaped (\n \r \t
 * \b \f, else \u00XX); valid UTF-8 passes through; every byte that is not
 * part of a valid UTF-8 sequence is written as \u00XX of its value (the
 * byte read as Latin-1), so the output is always valid UTF-8 JSON and the
 * original bytes are recoverable.
 */
#ifndef NFIPS_EVE_H
#define NFIPS_EVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A growable string; .oom is set (and output dropped) if realloc fails. */
struct nfips_buf {
	char *s;
	size_t len, cap;
	bool oom;
};

void nfips_buf_reset(struct nfips_buf *b);
void nfips_buf_free(struct nfips_buf *b);
void nfips_buf_add(struct nfips_buf *b, const void *p, size_t n);
void nfips_buf_puts(struct nfips_buf *b, const char *s);
void nfips_buf_printf(struct nfips_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends @n bytes of @s as a quoted JSON string. */
void nfips_json_str(struct nfips_buf *b, const char *s, size_t n);

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
void nfips_eve_alert(struct nfips_buf *b, const struct nfips_eve_alert *a);

#endif /* NFIPS_EVE_H */
