// SPDX-License-Identifier: GPL-2.0
/*
 * EVE JSON writer: string escaping (control characters, quotes, UTF-8
 * kept, invalid UTF-8 bytes as \u00XX), timestamps, whole alert records
 * compared byte for byte with what Suricata 7 writes, community_id
 * against the specification's vectors, metadata, payload and protocol
 * names. Built with the sanitizers.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "output/eve.h"
#include "tap.h"

static struct tap T;

static void esc(const char *in, size_t n, const char *want, const char *name)
{
	struct nfips_sbuf b = { 0 };

	nfips_json_str(&b, in, n);
	if (!tap_ok(&T, b.s && !strcmp(b.s, want), "escape: %s", name))
		tap_diag("got %s want %s", b.s ? b.s : "(null)", want);
	nfips_sbuf_free(&b);
}

static void escaping(void)
{
	esc("", 0, "\"\"", "empty");
	esc("plain ASCII", 11, "\"plain ASCII\"", "ASCII passes");
	esc("a\"b\\c/", 6, "\"a\\\"b\\\\c/\"", "quote and backslash");
	esc("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"", "short escapes");
	esc("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"", "control characters and DEL");
	esc("a\0b", 3, "\"a\\u0000b\"", "NUL inside the string");
	esc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", "valid UTF-8 kept");
	esc("\xff\xfe", 2, "\"\\u00ff\\u00fe\"", "invalid bytes as \\u00XX");
	esc("\xc3", 1, "\"\\u00c3\"", "truncated sequence");
	esc("\xc0\xaf", 2, "\"\\u00c0\\u00af\"", "overlong form");
	esc("\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"", "UTF-16 surrogate");
	esc("\xf4\x90\x80\x80", 4, "\"\\u00f4\\u0090\\u0080\\u0080\"",
	    "above U+10FFFF");
	esc("\xe2\x82x", 3, "\"\\u00e2\\u0082x\"", "bad continuation byte");
}

static void timestamps(void)
{
	char ts[48];

	nfips_eve_time(ts, sizeof(ts), 1704164645, 678901);
	tap_ok(&T, !strcmp(ts, "2024-01-02T03:04:05.678901+0000"),
	       "timestamp in Suricata's format (UTC): %s", ts);
	nfips_eve_time(ts, sizeof(ts), 0, 5);
	tap_ok(&T, !strcmp(ts, "1970-01-01T00:00:00.000005+0000"),
	       "microseconds zero-padded: %s", ts);
}

/* An app-layer object writer, as a parser's (struct nfips_tx's eve). */
static void app_http(const void *arg, struct nfips_json *j)
{
	nfips_json_obj(j, "http");
	nfips_json_kstr(j, "hostname", arg);
	nfips_json_kuint(j, "length", 0);
	nfips_json_obj_end(j);
}

/*
 * An alert of a transaction: tx_id before "alert", the protocol's object,
 * then app_proto and the failed direction before "direction", as
 * Suricata's AlertJson; without a flow none of the flow's part.
 */
static void record_app(void)
{
	struct nfips_sbuf b = { 0 };
	struct nfips_eve_alert a = {
		.sec = 1, .family = 4, .src = { 10, 0, 0, 1 }, .dst = { 10, 0, 0, 2 },
		.sport = 40000, .dport = 80, .proto = IPPROTO_TCP, .sid = 7,
		.has_tx = true, .tx_id = 3, .app_obj = app_http, .app_arg = "h\"x",
		.app_proto = "http", .app_proto_tc = "failed",
		.has_flow = true, .to_server = true, .path = "daemon",
	};
	const char *want =
		"{\"timestamp\":\"1970-01-01T00:00:01.000000+0000\","
		"\"event_type\":\"alert\",\"src_ip\":\"10.0.0.1\",\"src_port\":40000,"
		"\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"proto\":\"TCP\","
		"\"tx_id\":3,\"alert\":{\"action\":\"allowed\",\"gid\":0,"
		"\"signature_id\":7,\"rev\":0,\"signature\":\"\",\"category\":\"\","
		"\"severity\":0},\"http\":{\"hostname\":\"h\\\"x\",\"length\":0},"
		"\"app_proto\":\"http\",\"app_proto_tc\":\"failed\","
		"\"direction\":\"to_server\",\"flow\":{\"pkts_toserver\":0,"
		"\"pkts_toclient\":0,\"bytes_toserver\":0,\"bytes_toclient\":0,"
		"\"start\":\"1970-01-01T00:00:00.000000+0000\",\"src_ip\":\"10.0.0.1\","
		"\"dest_ip\":\"10.0.0.2\",\"src_port\":40000,\"dest_port\":80},"
		"\"nfips\":{\"path\":\"daemon\",\"sequence\":0,\"policy_serial\":0}}\n";

	nfips_eve_alert(&b, &a);
	if (!tap_ok(&T, b.s && !strcmp(b.s, want),
		    "transaction alert: tx_id before alert, its object and app_proto "
		    "before direction"))
		tap_diag("got  %s", b.s);
	nfips_sbuf_reset(&b);
	a.has_flow = false;
	nfips_eve_alert(&b, &a);
	tap_ok(&T, b.s && strstr(b.s, "\"tx_id\":3,\"alert\"") && !strstr(b.s, "http") &&
	       !strstr(b.s, "app_proto"),
	       "without a flow: tx_id only, no object nor app_proto (Suricata's p->flow)");
	nfips_sbuf_free(&b);
}

static void record(void)
{
	struct nfips_sbuf b = { 0 };
	static const uint8_t pl[] = "GET /\x01\xff\r\n";
	static const char *const md[] = {
		"signature_severity Major, attack_target Server",
		"created_at 2024_01_01",
	};
	struct nfips_eve_alert a = {
		.sec = 1704164645, .usec = 678901,
		.flow_id = 1234567890123, .pcap_cnt = 7,
		.nvlan = 1, .vlan = { 10 },
		.family = 4,
		.src = { 10, 0, 0, 1 }, .dst = { 10, 0, 0, 2 },
		.sport = 40000, .dport = 80, .proto = IPPROTO_TCP,
		.pkt_src = "wire/pcap", .community_id = true,
		.blocked = true, .gid = 1, .sid = 1000001, .rev = 3,
		.signature = "ET TEST \"quoted\"\n",
		.category = "Attempted Administrator Privilege Gain",
		.severity = 1, .target = NFIPS_EVE_TARGET_SRC,
		.metadata = md, .nmetadata = 2,
		.has_flow = true, .to_server = false,
		.flow = { 3, 2, 300, 200, 1704164640, 5 },
		.log_payload = true, .stream = true,
		.payload = pl, .payload_len = sizeof(pl) - 1,
		.path = "daemon", .sequence = 9, .sensor = "gw1",
	};
	/* Suricata 7's record for the same alert, in its field order. */
	const char *want =
		"{\"timestamp\":\"2024-01-02T03:04:05.678901+0000\","
		"\"flow_id\":1234567890123,\"pcap_cnt\":7,\"event_type\":\"alert\","
		"\"vlan\":[10],\"src_ip\":\"10.0.0.1\",\"src_port\":40000,"
		"\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"proto\":\"TCP\","
		"\"pkt_src\":\"wire/pcap\","
		"\"community_id\":\"1:3k1SoWXs/FltHw2aBCgUTgbDQF4=\","
		"\"alert\":{\"action\":\"blocked\","
		"\"gid\":1,\"signature_id\":1000001,\"rev\":3,"
		"\"signature\":\"ET TEST \\\"quoted\\\"\\n\","
		"\"category\":\"Attempted Administrator Privilege Gain\","
		"\"severity\":1,\"source\":{\"ip\":\"10.0.0.2\",\"port\":80},"
		"\"target\":{\"ip\":\"10.0.0.1\",\"port\":40000},"
		"\"metadata\":{\"attack_target\":[\"Server\"],"
		"\"created_at\":[\"2024_01_01\"],\"signature_severity\":[\"Major\"]}},"
		"\"direction\":\"to_client\",\"flow\":{"
		"\"pkts_toserver\":3,\"pkts_toclient\":2,\"bytes_toserver\":300,"
		"\"bytes_toclient\":200,\"start\":\"2024-01-02T03:04:00.000005+0000\","
		"\"src_ip\":\"10.0.0.2\",\"dest_ip\":\"10.0.0.1\",\"src_port\":80,"
		"\"dest_port\":40000},\"payload\":\"R0VUIC8B/w0K\","
		"\"payload_printable\":\"GET /..\\r\\n\",\"stream\":1,\"host\":\"gw1\","
		"\"nfips\":{\"path\":\"daemon\",\"sequence\":9,\"policy_serial\":0}}\n";

	nfips_eve_alert(&b, &a);
	if (!tap_ok(&T, b.s && !strcmp(b.s, want), "TCP alert record, field order"))
		tap_diag("got  %s", b.s);

	nfips_sbuf_reset(&b);
	memset(&a, 0, sizeof(a));
	a.sec = 1;
	a.family = 6;
	a.src[0] = 0x20; a.src[1] = 0x01; a.src[15] = 1;
	a.dst[0] = 0xfe; a.dst[1] = 0x80; a.dst[15] = 2;
	a.proto = IPPROTO_ICMPV6;
	a.icmp_type = 128;
	a.sid = 5;
	a.target = NFIPS_EVE_TARGET_DST;
	want = "{\"timestamp\":\"1970-01-01T00:00:01.000000+0000\","
	       "\"event_type\":\"alert\","
	       "\"src_ip\":\"2001:0000:0000:0000:0000:0000:0000:0001\","
	       "\"dest_ip\":\"fe80:0000:0000:0000:0000:0000:0000:0002\","
	       "\"proto\":\"IPv6-ICMP\",\"icmp_type\":128,"
	       "\"icmp_code\":0,\"alert\":{\"action\":\"allowed\",\"gid\":0,"
	       "\"signature_id\":5,\"rev\":0,\"signature\":\"\",\"category\":\"\","
	       "\"severity\":0,"
	       "\"source\":{\"ip\":\"2001:0000:0000:0000:0000:0000:0000:0001\"},"
	       "\"target\":{\"ip\":\"fe80:0000:0000:0000:0000:0000:0000:0002\"}},"
	       "\"nfips\":{\"path\":\"daemon\",\"sequence\":0,"
	       "\"policy_serial\":0}}\n";
	nfips_eve_alert(&b, &a);
	if (!tap_ok(&T, b.s && !strcmp(b.s, want),
		    "ICMPv6 record: addresses in full, no ports (target too), "
		    "optional fields omitted"))
		tap_diag("got  %s", b.s);

	nfips_sbuf_reset(&b);
	a.log_payload = true;
	a.stream = true;	/* a flow-end pseudo packet: no payload */
	nfips_eve_alert(&b, &a);
	tap_ok(&T, b.s && strstr(b.s, "}},\"stream\":1,\"nfips\":") &&
	       !strstr(b.s, "\"payload"),
	       "stream match without packet payload: only \"stream\", as Suricata");
	nfips_sbuf_reset(&b);
	a.stream = false;
	nfips_eve_alert(&b, &a);
	tap_ok(&T, b.s && strstr(b.s, "}},\"payload_printable\":\"\",\"stream\":0,"),
	       "packet match without payload: no payload, empty payload_printable "
	       "(as Suricata)");

	nfips_sbuf_reset(&b);
	a.grade = "high";
	a.grade_reason = "classtype attempted-admin; host critical";
	a.incident_id = 42;
	nfips_eve_alert(&b, &a);
	tap_ok(&T, b.s && strstr(b.s, "\"nfips\":{\"grade\":\"high\","
				 "\"grade_reason\":\"classtype attempted-admin; "
				 "host critical\",\"incident_id\":42,"),
	       "grade, grade_reason and incident_id in the nfips object");
	nfips_sbuf_free(&b);
}

/* The Community ID specification's baseline (baseline/baseline_deflt.json). */
static void community_id(void)
{
	static const struct {
		uint8_t proto;
		const char *src, *dst;
		uint16_t sport, dport;	/* ICMP: type and code */
		const char *want;
	} v[] = {
		{ 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 0,
		  "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
		{ 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 0,
		  "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
		{ 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 0,
		  "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
		{ 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 0,
		  "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
		{ 58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0,
		  "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=" },
		{ 58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da",
		  1, 4, "1:hLZd0XGWojozrvxqE0dWB1iM6R0=" },
		{ 58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 0,
		  "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
		{ 58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 0,
		  "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
		{ 58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 0,
		  "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=" },
		{ 58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 0,
		  "1:pkvHqCL88/tg1k4cPigmZXUtL00=" },
		{ 1, "192.168.0.89", "192.168.0.1", 8, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
		{ 1, "192.168.0.1", "192.168.0.89", 0, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
		{ 1, "10.0.0.1", "10.0.0.2", 11, 0, "1:YHxtAirCG//0OzkcVAukqKQN9xM=" },
		{ 6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a",
		  63943, 25, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
		{ 6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887",
		  25, 63943, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
		{ 132, "192.168.170.8", "192.168.170.56", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
		{ 132, "192.168.170.56", "192.168.170.8", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
		{ 6, "128.232.110.120", "66.35.250.204", 34855, 80,
		  "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
		{ 6, "66.35.250.204", "128.232.110.120", 80, 34855,
		  "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
		{ 17, "192.168.1.52", "8.8.8.8", 54585, 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
		{ 17, "8.8.8.8", "192.168.1.52", 53, 54585, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
		{ 46, "10.1.12.1", "10.1.12.2", 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
		{ 46, "10.1.12.2", "10.1.12.1", 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
	};
	char got[NFIPS_COMMUNITY_ID_LEN];
	uint8_t s[16], d[16];
	size_t i, bad = 0;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const uint8_t fam = strchr(v[i].src, ':') ? 6 : 4;
		const bool icmp = v[i].proto == 1 || v[i].proto == 58;

		inet_pton(fam == 6 ? AF_INET6 : AF_INET, v[i].src, s);
		inet_pton(fam == 6 ? AF_INET6 : AF_INET, v[i].dst, d);
		if (nfips_community_id(got, 0, fam, s, d, v[i].proto,
				       icmp ? 0 : v[i].sport, icmp ? 0 : v[i].dport,
				       icmp ? (uint8_t)v[i].sport : 0,
				       icmp ? (uint8_t)v[i].dport : 0) ||
		    strcmp(got, v[i].want)) {
			tap_diag("vector %zu (%s -> %s proto %u): got %s want %s", i,
				 v[i].src, v[i].dst, v[i].proto, got, v[i].want);
			bad++;
		}
	}
	tap_ok(&T, !bad, "community_id: the specification's %zu baseline vectors", i);
}

static void fields(void)
{
	static const char *const md[] = {
		"zeta 1, alpha x, zeta 2, mid  q r , alpha y, Beta 3, zeta 1, nokey,, ",
		"alpha z",
	};
	static const char *const st[] = { "toto 1", "titi 2, jaivu gros_minet" };
	struct nfips_sbuf b = { 0 };
	struct nfips_json j;
	uint8_t all[256];
	char pr[256];
	int i, ok = 1;

	/* What Suricata 7.0.10 writes for these two metadata options. */
	nfips_json_init(&j, &b);
	nfips_json_obj(&j, NULL);
	nfips_eve_metadata(&j, md, 2);
	nfips_json_obj_end(&j);
	if (!tap_ok(&T, b.s && !strcmp(b.s, "{\"metadata\":{\"alpha\":[\"z\",\"y\",\"x\"],"
				       "\"Beta\":[\"3\"],\"mid\":[\"q r \"],"
				       "\"zeta\":[\"1\",\"2\",\"1\"]}}"),
		    "metadata: keys sorted without case, values last first, "
		    "items without value dropped, trailing blanks kept"))
		tap_diag("got %s", b.s);
	nfips_sbuf_reset(&b);
	nfips_json_init(&j, &b);
	nfips_json_obj(&j, NULL);
	nfips_eve_metadata(&j, st, 2);
	nfips_json_obj_end(&j);
	tap_ok(&T, b.s && !strcmp(b.s, "{\"metadata\":{\"jaivu\":[\"gros_minet\"],"
				 "\"titi\":[\"2\"],\"toto\":[\"1\"]}}"),
	       "metadata: Suricata's DetectMetadataParseTest02 string");
	nfips_sbuf_reset(&b);
	nfips_json_init(&j, &b);
	nfips_json_obj(&j, NULL);
	nfips_eve_metadata(&j, (const char *const[]){ "novalue", " " }, 2);
	nfips_json_obj_end(&j);
	tap_ok(&T, b.s && !strcmp(b.s, "{}"), "metadata without any pair: omitted");
	nfips_sbuf_free(&b);

	for (i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	nfips_eve_printable(pr, all, 256);
	for (i = 0; i < 256; i++)
		ok &= pr[i] == ((i >= 32 && i < 127) || i == '\n' || i == '\r' ? i : '.');
	tap_ok(&T, ok, "payload_printable: printable ASCII, CR and LF kept, others '.'");

	tap_ok(&T, !strcmp(nfips_eve_proto_name(4), "IP-in-IP") &&
	       !strcmp(nfips_eve_proto_name(47), "GRE") &&
	       !strcmp(nfips_eve_proto_name(50), "ESP") &&
	       !strcmp(nfips_eve_proto_name(51), "AH") &&
	       !strcmp(nfips_eve_proto_name(132), "SCTP") &&
	       !strcmp(nfips_eve_proto_name(41), "IPv6") &&
	       !strcmp(nfips_eve_proto_name(0), "HOPOPT") &&
	       !strcmp(nfips_eve_proto_name(61), "Any") &&
	       !strcmp(nfips_eve_proto_name(136), "UDPLite") &&
	       !strcmp(nfips_eve_proto_name(143), "Ethernet") &&
	       !nfips_eve_proto_name(144) && !nfips_eve_proto_name(255),
	       "protocol names as Suricata 7 writes them");
}

/*
 * Records with every field the writer has, each optional field both
 * present and absent, into @path for eve_schema.sh (Suricata's schema).
 */
static int corpus(const char *path)
{
	static const uint8_t pl[] = "GET /\x01\xff\r\n";
	static const char *const md[] = { "signature_severity Major, a b, A c", "tag x" };
	struct nfips_sbuf b = { 0 };
	struct nfips_eve_alert a = {
		.sec = 1704164645, .usec = 1, .flow_id = 77, .pcap_cnt = 3,
		.in_iface = "eth0", .nvlan = 2, .vlan = { 10, 20 }, .family = 4,
		.src = { 192, 0, 2, 1 }, .dst = { 198, 51, 100, 7 },
		.sport = 1, .dport = 2, .proto = IPPROTO_TCP, .pkt_src = "wire/pcap",
		.community_id = true, .blocked = true, .gid = 1, .sid = 2, .rev = 3,
		.signature = "s", .category = "c", .severity = 1,
		.target = NFIPS_EVE_TARGET_DST, .metadata = md, .nmetadata = 2,
		.has_flow = true, .to_server = true, .flow = { 1, 2, 3, 4, 5, 6 },
		.log_payload = true, .stream = true, .payload = pl,
		.payload_len = sizeof(pl) - 1, .sensor = "gw", .grade = "emergency",
		.grade_reason = "r", .path = "daemon", .sequence = 1,
		.policy_serial = 4, .incident_id = 9,
		.has_tx = true, .tx_id = 2, .app_obj = app_http, .app_arg = "h",
		.app_proto = "http", .app_proto_ts = "failed", .app_proto_tc = "failed",
	};
	static const uint8_t protos[] = { IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_SCTP,
					  IPPROTO_ESP, 4, 200 };
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f)
		return 1;
	nfips_eve_alert(&b, &a);
	/* The kernel's record: no flow, no payload, no metadata, source target. */
	a.has_tx = false;
	a.app_obj = NULL;
	a.app_proto = a.app_proto_ts = a.app_proto_tc = NULL;
	a.flow_id = a.pcap_cnt = 0;
	a.has_flow = a.log_payload = false;
	a.nmetadata = 0;
	a.target = NFIPS_EVE_TARGET_SRC;
	a.path = "kernel";
	a.grade = a.grade_reason = NULL;
	a.incident_id = 0;
	nfips_eve_alert(&b, &a);
	a.family = 6;
	a.src[0] = 0x20;
	a.dst[0] = 0xfe;
	for (i = 0; i < sizeof(protos); i++) {
		a.proto = protos[i];
		a.icmp_type = 3;
		a.log_payload = i & 1;
		a.stream = false;
		a.target = i & 1 ? NFIPS_EVE_TARGET_NONE : NFIPS_EVE_TARGET_DST;
		a.sensor = i & 1 ? NULL : "gw";
		a.in_iface = i & 1 ? NULL : "eth1";
		a.nvlan = 0;
		nfips_eve_alert(&b, &a);
	}
	fwrite(b.s, 1, b.len, f);
	nfips_sbuf_free(&b);
	return fclose(f) || b.oom;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--corpus"))
		return corpus(argv[2]);
	escaping();
	timestamps();
	record();
	record_app();
	community_id();
	fields();
	return tap_done(&T);
}
