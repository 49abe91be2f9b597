// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the packet pipeline that replay and nfipsd share
 * (decode, defrag, flows, TCP reassembly, engine, EVE records), with a
 * fixed rule set that uses stream matching, relative contents, pcre,
 * flowbits, thresholds, byte_test, dsize and IP-only rules, HTTP rules
 * (protocol detection, libhtp, the HTTP buffers) and DNS rules (UDP and
 * TCP detection, the DNS parser, dns.query with dotprefix, dns.opcode)
 * and TLS rules (records and SSLv2 ones, handshake framing, hellos,
 * certificate chains, JA3/JA3S/JA4, tls.version).
 *
 * The input is a capture the fuzzer builds. Its first byte chooses:
 *   even: raw frames, each [u16 length][bytes], of the link type in bits
 *         1-2 (raw IP, Ethernet, Linux cooked, BSD loopback);
 *   odd:  one TCP or UDP conversation between two fixed hosts (server
 *         port 53 when bit 1 is set, DNS then; else 80), each packet
 *         [op][u16 seq][u16 ack][u8 len][len bytes]: op bit 0 the
 *         direction, bits 1-5 SYN ACK FIN RST PSH, bit 6 UDP, bit 7 a
 *         gap of 400 s before it (flow timeouts); seq and ack count from
 *         each side's initial sequence number, so segments can overlap,
 *         repeat, leave holes and arrive out of order.
 * Every record ends in a valid EVE JSON line (checked by shape here; the
 * writer's escaping has its own unit test).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/engine.h"
#include "pipeline/pipeline.h"
#include "rules/rule.h"

static const char rules_text[] =
	"alert tcp any any -> any any (msg:\"stream\"; flow:to_server,established; content:\"GET \"; content:\"/admin\"; distance:0; within:64; sid:1;)\n"
	"alert tcp any any -> any any (msg:\"pcre\"; content:\"passwd\"; pcre:\"/etc\\/pass?wd/i\"; sid:2;)\n"
	"alert tcp any any -> any any (msg:\"set\"; content:\"LOGIN\"; flowbits:set,login; flowbits:noalert; sid:3;)\n"
	"alert tcp any any -> any any (msg:\"isset\"; content:\"PRIV\"; flowbits:isset,login; sid:4;)\n"
	"alert tcp any any -> any any (msg:\"thr\"; content:\"x\"; threshold:type both,track by_src,count 3,seconds 60; sid:5;)\n"
	"alert tcp any any -> any any (msg:\"bt\"; content:\"LEN\"; byte_test:2,>,1000,0,relative; sid:6;)\n"
	"drop tcp any any -> any any (msg:\"drop\"; content:\"EVIL\"; nocase; sid:7;)\n"
	"alert udp any any -> any any (msg:\"udp\"; content:\"|00 01|\"; depth:2; dsize:>8; sid:8;)\n"
	"pass ip 10.9.9.9 any -> any any (msg:\"pass host\"; sid:9;)\n"
	"alert ip any any -> any any (msg:\"ttl\"; ttl:1; sid:10;)\n"
	"alert tcp any any -> any any (msg:\"server\"; flow:to_client; content:\"200 OK\"; sid:11;)\n"
	"alert tcp any any -> any 80 (msg:\"stream only\"; flow:only_stream; content:\"split\"; sid:12;)\n"
	/* HTTP: detection, libhtp and every kind of buffer (applayer/) */
	"alert http any any -> any any (msg:\"uri\"; flow:to_server; http.uri; content:\"/a\"; http.header; content:\"Host\"; http.header_names; content:\"|0d 0a|\"; http.start; bsize:>4; sid:13;)\n"
	"alert http any any -> any any (msg:\"body\"; flow:to_client; file.data; content:\"x\"; http.cookie; pcre:\"/=/\"; http.stat_code; content:\"2\"; sid:14;)\n"
	"alert http any any -> any any (msg:\"req\"; flow:to_server; urilen:>1,raw; http.request_body; content:!\"y\"; http.host.raw; isdataat:1; sid:15;)\n"
	"alert http any any -> any any (msg:\"raw\"; content:\"GET\"; sid:16;)\n"
	/* DNS: detection on port 53, messages, TCP framing (applayer/dns*) */
	"alert dns any any -> any any (msg:\"q\"; dns.query; dotprefix; content:\".a.b\"; endswith; bsize:>4; sid:17;)\n"
	"alert dns any any -> any any (msg:\"q2\"; dns_query; content:\"x\"; pcre:\"/x\\.[a-z]+$/\"; sid:18;)\n"
	"alert dns any any -> any any (msg:\"op\"; dns.opcode:!0; sid:19;)\n"
	"alert dns any any -> any any (msg:\"raw dns\"; content:\"|00 01|\"; sid:20;)\n"
	/* payload and packet keywords in app rules, transforms (engine_app*.c) */
	"alert http any any -> any any (msg:\"mixed\"; flow:to_server; content:\"../\"; depth:200; http.uri; content:\"/a\"; sid:21;)\n"
	"alert http any any -> any any (msg:\"mixed tc\"; flow:to_client; content:\"X-\"; stream_size:server,>,10; http.stat_code; content:\"2\"; sid:22;)\n"
	"alert http any any -> any any (msg:\"xf\"; flow:to_server; http.cookie; to_lowercase; content:\"ab\"; fast_pattern; content:\"zz\"; sid:23;)\n"
	"alert dns any any -> any any (msg:\"mixed dns\"; content:\"|00 01|\"; dns.query; to_uppercase; content:\"A\"; sid:24;)\n"
	/* TLS: records, SSLv2, handshake framing, hellos, chains, versions (applayer/tls*) */
	"alert tls any any -> any any (msg:\"sni\"; tls.sni; dotprefix; content:\".example.com\"; endswith; sid:31;)\n"
	"alert tls any any -> any any (msg:\"cert\"; tls.cert_subject; content:\"CN=\"; tls.certs; content:\"|30|\"; sid:32;)\n"
	"alert tls any any -> any any (msg:\"ja3\"; flow:to_server; ja3.hash; bsize:32; ja4.hash; content:\"t1\"; sid:33;)\n"
	"alert tls any any -> any any (msg:\"ja3s\"; flow:to_client; ja3s.string; content:\",\"; tls.cert_serial; content:\":\"; sid:34;)\n"
	"alert tls any any -> any any (msg:\"v13\"; tls.version:1.3; sid:35;)\n"
	"alert tls any any -> any any (msg:\"v2\"; flow:to_client; tls.version:0x0200; sid:36;)\n"
	/* SSH banners and records, FTP and SMTP detection (applayer/ssh.c, cmdproto.c) */
	"alert ssh any any -> any any (msg:\"ssh\"; flow:to_server; ssh.software; content:\"x\"; ssh.proto; bsize:>1; sid:41;)\n"
	"alert ssh any any -> any any (msg:\"ssh pay\"; flow:to_client; content:\"|14|\"; offset:5; sid:42;)\n"
	"alert ftp any any -> any any (msg:\"ftp\"; content:\"MKD\"; sid:43;)\n"
	"alert smtp any any -> any any (msg:\"smtp\"; content:\"RCPT\"; sid:44;)\n";

struct input {
	const uint8_t *d;
	size_t n;
};

static bool take(struct input *in, size_t k, const uint8_t **out)
{
	if (in->n < k)
		return false;
	*out = in->d;
	in->d += k;
	in->n -= k;
	return true;
}

static void on_alert(void *arg, const struct nfips_pipeline_alert *a)
{
	(void)arg;
	if (a->len < 3 || a->record[0] != '{' || a->record[a->len - 1] != '\n' ||
	    a->record[a->len - 2] != '}' || memchr(a->record, '\n', a->len - 1)) {
		fprintf(stderr, "malformed EVE record: %.*s\n", (int)a->len, a->record);
		abort();
	}
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* One IPv4 packet of the conversation into @pkt; its length. */
static size_t build(uint8_t *pkt, uint8_t op, uint16_t seq, uint16_t ack,
		    const uint8_t *pl, uint8_t len, uint16_t port)
{
	static const uint32_t isn[2] = { 1000000, 7000000 };
	const int dir = op & 1, udp = op & 0x40;
	const size_t l4 = udp ? 8 : 20, tot = 20 + l4 + len;
	uint8_t *ip = pkt, *th = pkt + 20;
	uint16_t v;
	uint32_t w;

	memset(pkt, 0, 20 + l4);
	ip[0] = 0x45;
	v = htons((uint16_t)tot);
	memcpy(ip + 2, &v, 2);
	ip[8] = 64;
	ip[9] = udp ? 17 : 6;
	ip[12] = 10, ip[15] = dir ? 2 : 1;
	ip[16] = 10, ip[19] = dir ? 1 : 2;
	v = htons(csum(ip, 20));
	memcpy(ip + 10, &v, 2);
	v = htons(dir ? port : 40000);
	memcpy(th, &v, 2);
	v = htons(dir ? 40000 : port);
	memcpy(th + 2, &v, 2);
	if (udp) {
		v = htons((uint16_t)(8 + len));
		memcpy(th + 4, &v, 2);
	} else {
		w = htonl(isn[dir] + seq);
		memcpy(th + 4, &w, 4);
		w = htonl(isn[!dir] + ack);
		memcpy(th + 8, &w, 4);
		th[12] = 5 << 4;
		/* SYN ACK FIN RST PSH from op bits 1-5, in TCP's bit order. */
		th[13] = (uint8_t)((op & 0x02 ? 0x02 : 0) | (op & 0x04 ? 0x10 : 0) |
				   (op & 0x08 ? 0x01 : 0) | (op & 0x10 ? 0x04 : 0) |
				   (op & 0x20 ? 0x08 : 0));
		v = htons(65535);
		memcpy(th + 14, &v, 2);
	}
	memcpy(th + l4, pl, len);
	return tot;
}

static void conversation(struct nfips_pipeline *p, struct input *in, uint16_t port)
{
	struct nfips_pipeline_pkt pk = { .link = NFIPS_LINK_RAW,
					 .ts_usec = 1700000000000000ull };
	struct nfips_pipeline_result res;
	uint8_t pkt[20 + 20 + 255];
	const uint8_t *h, *pl;

	while (take(in, 6, &h) && take(in, h[5], &pl)) {
		pk.data = pkt;
		pk.len = (uint32_t)build(pkt, h[0], (uint16_t)(h[1] << 8 | h[2]),
					 (uint16_t)(h[3] << 8 | h[4]), pl, h[5], port);
		pk.ts_usec += h[0] & 0x80 ? 400000000ull : 1000;
		pk.pkt_no++;
		nfips_pipeline_packet(p, &pk, &res);
	}
}

static void frames(struct nfips_pipeline *p, struct input *in, uint8_t mode)
{
	static const int links[] = { NFIPS_LINK_RAW, NFIPS_LINK_ETHERNET,
				     NFIPS_LINK_SLL, NFIPS_LINK_NULL };
	struct nfips_pipeline_pkt pk = { .link = links[(mode >> 1) & 3],
					 .ts_usec = 1700000000000000ull, .pcap = true };
	struct nfips_pipeline_result res;
	const uint8_t *h, *d;

	while (take(in, 2, &h) && take(in, (size_t)(h[0] << 8 | h[1]) % 2048, &d)) {
		/* A copy of exactly the frame, so any overread is caught. */
		uint8_t *copy = malloc((size_t)(h[0] << 8 | h[1]) % 2048 + 1);

		if (!copy)
			return;
		pk.len = (uint32_t)((h[0] << 8 | h[1]) % 2048);
		memcpy(copy, d, pk.len);
		pk.data = copy;
		pk.ts_usec += 1000;
		pk.pkt_no++;
		nfips_pipeline_packet(p, &pk, &res);
		free(copy);
	}
}

struct rule_vec {
	struct nfips_rule **next, **limit;
};

static int on_rule(void *arg, struct nfips_rule *rule, const struct nfips_err *err)
{
	struct rule_vec *v = arg;

	if (!rule) {
		fprintf(stderr, "fuzz rule set: %s\n", err->msg);
		abort();
	}
	if (v->next == v->limit) {
		fprintf(stderr, "fuzz rule set: more rules than the harness holds\n");
		abort();
	}
	*v->next++ = rule;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfips_rule *rules[128];
	struct rule_vec vec = { rules, rules + 128 };
	struct nfips_pipeline_cfg cfg = { .sensor = "fuzz" };
	struct nfips_parse_ctx ctx = { 0 };
	struct nfips_engine *e = NULL;
	struct nfips_grade_memory *gmem;
	struct nfips_grader *grader;
	struct nfips_pipeline *p;
	struct input in = { data, size };
	struct nfips_err err;
	const uint8_t *mode;
	struct nfips_rule **r;

	if (!take(&in, 1, &mode))
		return 0;
	nfips_rules_parse_buf("fuzz", rules_text, sizeof(rules_text) - 1, &ctx,
			      on_rule, &vec);
	if (nfips_engine_new(&e, rules, (size_t)(vec.next - rules),
			     &(struct nfips_engine_limits){ 0 }, &err)) {
		fprintf(stderr, "fuzz rule set: %s\n", err.msg);
		abort();
	}
	cfg.flows.max_flows = 64;	/* small: eviction is exercised too */
	cfg.flows.stream.depth = 4096;
	/* every alert graded, into a small recent-attack table (eviction) */
	gmem = nfips_grade_memory_new(64);
	grader = gmem ? nfips_grader_new(NULL, gmem) : NULL;
	cfg.grader = grader;
	p = nfips_pipeline_new(&cfg, e, on_alert, NULL);
	if (p) {
		if (*mode & 1)
			conversation(p, &in, *mode & 2 ? 53 : 80);
		else
			frames(p, &in, *mode);
		nfips_pipeline_free(p);
	}
	nfips_engine_free(e);
	nfips_grader_free(grader);
	nfips_grade_memory_free(gmem);
	for (r = rules; r < vec.next; r++)
		nfips_rule_free(*r);
	return 0;
}
