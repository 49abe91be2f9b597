// SPDX-License-Identifier: GPL-2.0
/*
 * EVE JSON writer: string escaping (control characters, quotes, UTF-8
 * kept, invalid UTF-8 bytes as \u00XX), timestamps, and one whole alert
 * record compared byte for byte. Built with the sanitizers.
 */
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

static void record(void)
{
	struct nfips_sbuf b = { 0 };
	struct nfips_eve_alert a = {
		.sec = 1704164645, .usec = 678901,
		.flow_id = 1234567890123, .pcap_cnt = 7,
		.nvlan = 1, .vlan = { 10 },
		.family = 4,
		.src = { 10, 0, 0, 1 }, .dst = { 10, 0, 0, 2 },
		.sport = 40000, .dport = 80, .proto = IPPROTO_TCP,
		.pkt_src = "wire/pcap",
		.blocked = true, .gid = 1, .sid = 1000001, .rev = 3,
		.signature = "ET TEST \"quoted\"\n",
		.category = "Attempted Administrator Privilege Gain",
		.severity = 1,
		.has_flow = true, .to_server = false,
		.flow = { 3, 2, 300, 200, 1704164640, 5 },
		.path = "daemon", .sequence = 9, .sensor = "gw1",
	};
	const char *want =
		"{\"timestamp\":\"2024-01-02T03:04:05.678901+0000\","
		"\"flow_id\":1234567890123,\"pcap_cnt\":7,\"event_type\":\"alert\","
		"\"vlan\":[10],\"src_ip\":\"10.0.0.1\",\"src_port\":40000,"
		"\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"proto\":\"TCP\","
		"\"pkt_src\":\"wire/pcap\",\"alert\":{\"action\":\"blocked\","
		"\"gid\":1,\"signature_id\":1000001,\"rev\":3,"
		"\"signature\":\"ET TEST \\\"quoted\\\"\\n\","
		"\"category\":\"Attempted Administrator Privilege Gain\","
		"\"severity\":1},\"direction\":\"to_client\",\"flow\":{"
		"\"pkts_toserver\":3,\"pkts_toclient\":2,\"bytes_toserver\":300,"
		"\"bytes_toclient\":200,\"start\":\"2024-01-02T03:04:00.000005+0000\","
		"\"src_ip\":\"10.0.0.2\",\"dest_ip\":\"10.0.0.1\",\"src_port\":80,"
		"\"dest_port\":40000},\"nfips\":{\"path\":\"daemon\",\"sequence\":9,"
		"\"policy_serial\":0,\"sensor\":\"gw1\"}}\n";

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
	want = "{\"timestamp\":\"1970-01-01T00:00:01.000000+0000\","
	       "\"event_type\":\"alert\",\"src_ip\":\"2001::1\","
	       "\"dest_ip\":\"fe80::2\",\"proto\":\"IPv6-ICMP\",\"icmp_type\":128,"
	       "\"icmp_code\":0,\"alert\":{\"action\":\"allowed\",\"gid\":0,"
	       "\"signature_id\":5,\"rev\":0,\"signature\":\"\",\"category\":\"\","
	       "\"severity\":0},\"nfips\":{\"path\":\"daemon\",\"sequence\":0,"
	       "\"policy_serial\":0}}\n";
	nfips_eve_alert(&b, &a);
	if (!tap_ok(&T, b.s && !strcmp(b.s, want),
		    "ICMPv6 record: no ports, icmp fields, optional fields omitted"))
		tap_diag("got  %s", b.s);
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

int main(void)
{
	escaping();
	timestamps();
	record();
	return tap_done(&T);
}
