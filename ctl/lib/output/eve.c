// SPDX-License-Identifier: GPL-2.0
/*
 * EVE JSON alert records; see eve.h for the escaping rules and
 * Documentation/replay.rst for the record.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eve.h"

/* ---- alert records -------------------------------------------------- */

void nfips_eve_time(char *out, size_t len, int64_t sec, uint32_t usec)
{
	time_t t = (time_t)sec;
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		snprintf(out, len, "1970-01-01T00:00:00.000000+0000");
		return;
	}
	snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06u+0000",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, usec % 1000000);
}

static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP;
}

/* alert.source and alert.target (Suricata's AlertJsonSourceTarget). */
static void source_target(struct nfips_json *j, const struct nfips_eve_alert *a,
			  const char *src, const char *dst)
{
	const bool dst_target = a->target == NFIPS_EVE_TARGET_DST;
	static const char *const keys[2] = { "source", "target" };
	int i;

	for (i = 0; i < 2; i++) {
		/* The source is the end that is not the target. */
		const bool is_dst = dst_target ? i == 1 : i == 0;

		nfips_json_obj(j, keys[i]);
		nfips_json_kstr(j, "ip", is_dst ? dst : src);
		if (has_ports(a->proto))
			nfips_json_kuint(j, "port", is_dst ? a->dport : a->sport);
		nfips_json_obj_end(j);
	}
}

static void payload(struct nfips_json *j, const struct nfips_eve_alert *a)
{
	char *b64 = nfips_eve_base64(a->payload, a->payload_len);
	char *pr = malloc(a->payload_len + 1);

	if (!b64 || !pr) {
		j->b->oom = true;
	} else {
		nfips_eve_printable(pr, a->payload, a->payload_len);
		/* Suricata's base64 setter writes nothing for no bytes. */
		if (a->payload_len)
			nfips_json_kstr(j, "payload", b64);
		nfips_json_kstrn(j, "payload_printable", pr, a->payload_len);
	}
	free(b64);
	free(pr);
}

/* Suricata's AlertJsonTunnel: the root packet, ports 0 when it has none. */
static void tunnel(struct nfips_json *j, const struct nfips_eve_alert *a)
{
	const char *pname = nfips_eve_proto_name(a->tunnel.proto);
	char src[48], dst[48], num[8];

	nfips_eve_addr(src, sizeof(src), a->tunnel.family, a->tunnel.src);
	nfips_eve_addr(dst, sizeof(dst), a->tunnel.family, a->tunnel.dst);
	if (!pname) {
		snprintf(num, sizeof(num), "%u", a->tunnel.proto);
		pname = num;
	}
	nfips_json_obj(j, "tunnel");
	nfips_json_kstr(j, "src_ip", src);
	nfips_json_kuint(j, "src_port", a->tunnel.sport);
	nfips_json_kstr(j, "dest_ip", dst);
	nfips_json_kuint(j, "dest_port", a->tunnel.dport);
	nfips_json_kstr(j, "proto", pname);
	nfips_json_kuint(j, "depth", a->tunnel.depth);
	if (a->tunnel.pcap_cnt)
		nfips_json_kuint(j, "pcap_cnt", a->tunnel.pcap_cnt);
	if (a->tunnel.pkt_src)
		nfips_json_kstr(j, "pkt_src", a->tunnel.pkt_src);
	nfips_json_obj_end(j);
}

void nfips_eve_alert(struct nfips_sbuf *b, const struct nfips_eve_alert *a)
{
	char ts[48], src[48], dst[48], num[8], cid[NFIPS_COMMUNITY_ID_LEN];
	const char *pname = nfips_eve_proto_name(a->proto);
	struct nfips_json j;
	uint8_t i;

	nfips_eve_time(ts, sizeof(ts), a->sec, a->usec);
	nfips_eve_addr(src, sizeof(src), a->family, a->src);
	nfips_eve_addr(dst, sizeof(dst), a->family, a->dst);
	if (!pname) {
		snprintf(num, sizeof(num), "%u", a->proto);
		pname = num;
	}

	nfips_json_init(&j, b);
	nfips_json_obj(&j, NULL);
	nfips_json_kstr(&j, "timestamp", ts);
	if (a->flow_id)
		nfips_json_kuint(&j, "flow_id", a->flow_id);
	if (a->in_iface)
		nfips_json_kstr(&j, "in_iface", a->in_iface);
	if (a->pcap_cnt)
		nfips_json_kuint(&j, "pcap_cnt", a->pcap_cnt);
	nfips_json_kstr(&j, "event_type", "alert");
	if (a->nvlan) {
		nfips_json_arr(&j, "vlan");
		for (i = 0; i < a->nvlan && i < 3; i++)
			nfips_json_kuint(&j, NULL, a->vlan[i]);
		nfips_json_arr_end(&j);
	}
	nfips_json_kstr(&j, "src_ip", src);
	if (has_ports(a->proto))
		nfips_json_kuint(&j, "src_port", a->sport);
	nfips_json_kstr(&j, "dest_ip", dst);
	if (has_ports(a->proto))
		nfips_json_kuint(&j, "dest_port", a->dport);
	nfips_json_kstr(&j, "proto", pname);
	if (a->proto == IPPROTO_ICMP || a->proto == IPPROTO_ICMPV6) {
		nfips_json_kuint(&j, "icmp_type", a->icmp_type);
		nfips_json_kuint(&j, "icmp_code", a->icmp_code);
	}
	if (a->pkt_src)
		nfips_json_kstr(&j, "pkt_src", a->pkt_src);
	if (a->community_id &&
	    !nfips_community_id(cid, 0, a->family, a->src, a->dst, a->proto,
				a->sport, a->dport, a->icmp_type, a->icmp_code))
		nfips_json_kstr(&j, "community_id", cid);
	if (a->has_tx)
		nfips_json_kuint(&j, "tx_id", a->tx_id);

	nfips_json_obj(&j, "alert");
	nfips_json_kstr(&j, "action", a->blocked ? "blocked" : "allowed");
	nfips_json_kuint(&j, "gid", a->gid);
	nfips_json_kuint(&j, "signature_id", a->sid);
	nfips_json_kuint(&j, "rev", a->rev);
	nfips_json_kstr(&j, "signature", a->signature ? a->signature : "");
	nfips_json_kstr(&j, "category", a->category ? a->category : "");
	nfips_json_kuint(&j, "severity", a->severity);
	if (a->target != NFIPS_EVE_TARGET_NONE)
		source_target(&j, a, src, dst);
	if (a->nmetadata)
		nfips_eve_metadata(&j, a->metadata, a->nmetadata);
	nfips_json_obj_end(&j);
	if (a->tunnel.depth)
		tunnel(&j, a);

	if (a->has_flow) {
		const char *fsrc = a->to_server ? src : dst;
		const char *fdst = a->to_server ? dst : src;

		if (a->app_obj)
			a->app_obj(a->app_arg, &j);
		if (a->app_proto)
			nfips_json_kstr(&j, "app_proto", a->app_proto);
		if (a->app_proto_ts)
			nfips_json_kstr(&j, "app_proto_ts", a->app_proto_ts);
		if (a->app_proto_tc)
			nfips_json_kstr(&j, "app_proto_tc", a->app_proto_tc);
		nfips_json_kstr(&j, "direction",
				a->to_server ? "to_server" : "to_client");
		nfips_json_obj(&j, "flow");
		nfips_json_kuint(&j, "pkts_toserver", a->flow.pkts_toserver);
		nfips_json_kuint(&j, "pkts_toclient", a->flow.pkts_toclient);
		nfips_json_kuint(&j, "bytes_toserver", a->flow.bytes_toserver);
		nfips_json_kuint(&j, "bytes_toclient", a->flow.bytes_toclient);
		nfips_eve_time(ts, sizeof(ts), a->flow.start_sec,
			       a->flow.start_usec);
		nfips_json_kstr(&j, "start", ts);
		nfips_json_kstr(&j, "src_ip", fsrc);
		nfips_json_kstr(&j, "dest_ip", fdst);
		if (has_ports(a->proto)) {
			nfips_json_kuint(&j, "src_port",
					 a->to_server ? a->sport : a->dport);
			nfips_json_kuint(&j, "dest_port",
					 a->to_server ? a->dport : a->sport);
		}
		nfips_json_obj_end(&j);
	}

	if (a->log_payload) {
		/* A stream match with no packet payload (a flow-end pseudo
		 * packet): Suricata then writes only "stream". */
		if (!a->stream || a->payload_len)
			payload(&j, a);
		nfips_json_kuint(&j, "stream", a->stream);
	}
	/* Suricata adds the sensor-name last. */
	if (a->sensor)
		nfips_json_kstr(&j, "host", a->sensor);

	nfips_json_obj(&j, "nfips");
	if (a->grade)
		nfips_json_kstr(&j, "grade", a->grade);
	if (a->grade_reason)
		nfips_json_kstr(&j, "grade_reason", a->grade_reason);
	if (a->incident_id)
		nfips_json_kuint(&j, "incident_id", a->incident_id);
	if (a->alerts_discarded)
		nfips_json_kuint(&j, "alerts_discarded", a->alerts_discarded);
	nfips_json_kstr(&j, "path", a->path ? a->path : "daemon");
	nfips_json_kuint(&j, "sequence", a->sequence);
	nfips_json_kuint(&j, "policy_serial", a->policy_serial);
	nfips_json_obj_end(&j);
	nfips_json_obj_end(&j);
	nfips_sbuf_add(b, "\n", 1);
}

bool nfips_eve_sequence_span(const char *rec, size_t len, size_t *off,
			     size_t *digits)
{
	static const char nf[] = "\"nfips\":{", key[] = "\"sequence\":";
	const char *p, *start = NULL, *end = rec + len;
	size_t n;

	for (p = rec; (p = memmem(p, (size_t)(end - p), nf, sizeof(nf) - 1));
	     p += sizeof(nf) - 1)
		start = p;
	if (!start)
		return false;
	for (p = start + sizeof(nf) - 2; (p = memmem(p, (size_t)(end - p), key,
						     sizeof(key) - 1)); p++) {
		if (p[-1] != '{' && p[-1] != ',')
			continue;
		p += sizeof(key) - 1;
		for (n = 0; p + n < end && p[n] >= '0' && p[n] <= '9'; n++)
			;
		if (!n)
			return false;
		*off = (size_t)(p - rec);
		*digits = n;
		return true;
	}
	return false;
}
