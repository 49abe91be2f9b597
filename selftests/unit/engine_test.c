// SPDX-License-Identifier: GPL-2.0
/*
 * Engine: flow semantics across packets (flowbits, pass, IP-only,
 * stream/packet inspection, thresholds) on small rule sets, each case
 * citing the Suricata 7 behaviour it checks; then the prefilter against
 * an oracle that evaluates every rule on every packet.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>

#include "rule_util.h"
#include "detect/engine.h"

#define MAXR 16

struct set {
	struct nfips_rule *r[MAXR];
	unsigned n;
	struct nfips_engine *e;
	struct nfips_flowstate *fs;
	struct nfips_flow flow;
	uint32_t sids[64];
	unsigned nsids;
	uint32_t discarded;	/* the last alert's */
};

static void on_alert(void *arg, const struct nfips_pkt *p, const struct nfips_flow *f,
		     const struct nfips_alert *a)
{
	struct set *s = arg;

	(void)p;
	(void)f;
	if (s->nsids < 64)
		s->sids[s->nsids++] = a->rule->sid;
	s->discarded = a->discarded;
}

static int load(struct set *s, const char *const *rules)
{
	memset(s, 0, sizeof(*s));
	for (; *rules; rules++) {
		s->r[s->n] = parse(*rules);
		if (!s->r[s->n])
			return -1;
		s->n++;
	}
	if (nfips_engine_new(&s->e, s->r, s->n, NULL, &err)) {
		tap_diag("engine: %s", err.msg);
		return -1;
	}
	s->fs = nfips_flowstate_new(s->e);
	s->flow.state = s->fs;
	s->flow.to_server = true;
	s->flow.established = true;
	return 0;
}

static void unload(struct set *s)
{
	unsigned i;

	nfips_flowstate_free(s->fs);
	nfips_engine_free(s->e);
	for (i = 0; i < s->n; i++)
		nfips_rule_free(s->r[i]);
}

/* A TCP packet 10.0.0.1:1234 -> 10.0.0.2:80 (or back) with @payload. */
static struct nfips_pkt pkt(const char *payload, uint8_t proto, bool to_server,
			    uint64_t n, uint64_t ts)
{
	struct nfips_pkt p = { .family = 4, .proto = proto, .ttl = 64,
			       .payload = (const uint8_t *)payload,
			       .payload_len = (uint32_t)strlen(payload),
			       .pcap_cnt = n, .ts_usec = ts };
	uint32_t a = htonl(0x0a000001), b = htonl(0x0a000002);

	memcpy(to_server ? p.src : p.dst, &a, 4);
	memcpy(to_server ? p.dst : p.src, &b, 4);
	p.sport = to_server ? 1234 : 80;
	p.dport = to_server ? 80 : 1234;
	return p;
}

/* Runs one packet; returns the alerted sids as "1,2" (static buffer). */
static const char *run(struct set *s, const struct nfips_pkt *p,
		       const struct nfips_stream *st, int *verdict)
{
	static char buf[256];
	size_t o = 0;
	unsigned i;
	int v;

	s->nsids = 0;
	v = nfips_engine_packet(s->e, p, &s->flow, st, on_alert, s);
	if (verdict)
		*verdict = v;
	buf[0] = 0;
	for (i = 0; i < s->nsids && o < sizeof(buf) - 12; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%u", i ? "," : "", s->sids[i]);
	return buf;
}

#define EXPECT(s, p, st, want, name) do {				\
	const char *got_ = run(s, p, st, NULL);				\
	if (strcmp(got_, want))						\
		tap_diag("got \"%s\"", got_);				\
	tap_ok(&T, !strcmp(got_, want), "%s", name);			\
} while (0)

/* doc: rules/flow-keywords.html#flowbits; sigorder puts setters first. */
static void test_flowbits(void)
{
	static const char *const rules[] = {
		"alert tcp any any -> any any (content:\"secret\"; flowbits:isset,auth; sid:2;)",
		"alert tcp any any -> any any (content:\"login\"; flowbits:set,auth; flowbits:noalert; sid:1;)",
		"alert tcp any any -> any any (content:\"logout\"; flowbits:unset,auth; sid:3;)",
		"alert tcp any any -> any any (content:\"secret\"; flowbits:isnotset,auth; sid:4;)",
		NULL,
	};
	struct set s;
	struct nfips_pkt p;

	if (load(&s, rules))
		return;
	p = pkt("secret", IPPROTO_TCP, true, 1, 0);
	EXPECT(&s, &p, NULL, "4", "flowbits: isset fails, isnotset matches before set");
	p = pkt("login", IPPROTO_TCP, true, 2, 0);
	EXPECT(&s, &p, NULL, "", "flowbits: set with noalert");
	p = pkt("secret", IPPROTO_TCP, true, 3, 0);
	EXPECT(&s, &p, NULL, "2", "flowbits: isset after set in an earlier packet");
	p = pkt("logout secret", IPPROTO_TCP, true, 4, 0);
	EXPECT(&s, &p, NULL, "3,4", "flowbits: unset applies before later readers");
	unload(&s);

	if (load(&s, rules))
		return;
	p = pkt("login secret", IPPROTO_TCP, true, 1, 0);
	EXPECT(&s, &p, NULL, "2", "flowbits: set and isset in one packet (setter ordered first)");
	unload(&s);
}

/*
 * detect.h signature_properties: IP-only and "like IP-only" (a negated
 * address) signatures act on the flow; a dropped flow is not inspected.
 */
static void test_flow_action(void)
{
	static const char *const passes[] = {
		"alert tcp any any -> any any (content:\"bad\"; sid:10;)",
		"pass tcp !10.0.0.9 any -> any 80 (sid:12;)",
		NULL,
	};
	static const char *const drops[] = {
		"alert tcp any any -> any any (content:\"bad\"; sid:10;)",
		"drop tcp !10.0.0.9 any -> any 80 (sid:13;)",
		NULL,
	};
	struct set s;
	struct nfips_pkt p;
	int v;

	if (load(&s, passes))
		return;
	s.flow.stream_add = false;
	p = pkt("bad", IPPROTO_TCP, true, 1, 0);
	run(&s, &p, NULL, &v);
	tap_ok(&T, (v & NFIPS_VERDICT_PASS) && nfips_flowstate_passed(s.fs) && !s.nsids,
	       "pass with a negated address (like IP-only) passes the flow");
	s.flow.to_server = false;
	p = pkt("bad", IPPROTO_TCP, false, 2, 0);
	EXPECT(&s, &p, NULL, "", "... and its replies");
	unload(&s);

	if (load(&s, drops))
		return;
	s.flow.stream_add = false;
	p = pkt("bad", IPPROTO_TCP, true, 1, 0);
	run(&s, &p, NULL, &v);
	tap_ok(&T, (v & NFIPS_VERDICT_DROP) && s.nsids == 2,
	       "drop with a negated address: both rules alert on the packet");
	s.flow.to_server = false;
	p = pkt("bad", IPPROTO_TCP, false, 2, 0);
	run(&s, &p, NULL, &v);
	tap_ok(&T, v == NFIPS_VERDICT_DROP && !s.nsids,
	       "a dropped flow: later packets dropped, not inspected");
	unload(&s);
}

/* doc: rules/intro.html#action "pass"; detect-engine-alert.c pass handling. */
static void test_pass(void)
{
	static const char *const rules[] = {
		"alert tcp any any -> any any (content:\"bad\"; sid:10;)",
		"pass tcp any any -> any any (content:\"okay\"; sid:11;)",
		NULL,
	};
	struct set s;
	struct nfips_pkt p;
	struct nfips_stream st = { 0 };
	int v;

	if (load(&s, rules))
		return;
	/* Packet-level pass: this packet only. */
	s.flow.stream_add = false;
	p = pkt("okay bad", IPPROTO_TCP, true, 1, 0);
	EXPECT(&s, &p, NULL, "", "pass on a packet hides the packet's alerts");
	p = pkt("bad", IPPROTO_TCP, true, 2, 0);
	EXPECT(&s, &p, NULL, "10", "pass on a packet does not pass the flow");
	/* Stream pass: the whole flow. */
	s.flow.stream_add = true;
	st.data = (const uint8_t *)"okay";
	st.len = 4;
	p = pkt("okay", IPPROTO_TCP, true, 3, 0);
	run(&s, &p, &st, &v);
	tap_ok(&T, (v & NFIPS_VERDICT_PASS) && nfips_flowstate_passed(s.fs),
	       "pass on the stream passes the flow");
	st.data = (const uint8_t *)"okaybad";
	st.len = 7;
	st.new_from = 4;
	p = pkt("bad", IPPROTO_TCP, true, 4, 0);
	EXPECT(&s, &p, &st, "", "nothing alerts in a passed flow");
	unload(&s);
	test_flow_action();
}

/* detect.c: IP-only rules run on the first packet of each direction. */
/*
 * The address index of IP-only rules (engine_iponly.c) against the
 * definition: each packet's IP-only alerts, IPv4 and IPv6, "<>" rules
 * (reversed copy), "any" and lists, on both sides.
 */
static void test_iponly_index(void)
{
	static const char *const rules[] = {
		"alert ip [10.0.0.0/8,2001:db8::/32] any -> any any (sid:30;)",
		"alert ip any any <> [192.168.1.0/24,8.8.4.4] any (sid:31;)",
		"alert ip any any -> any any (sid:32;)",
		"alert ip [1.1.1.0/24,5.5.5.5] any -> [2.2.2.0/24,2001:db8:1::/48] any (sid:33;)",
		"alert udp 3.3.3.3 any -> 0.0.0.0/0 any (sid:34;)",
		NULL,
	};
	static const struct {
		const char *src, *dst;
		uint8_t proto;
		const char *want;
	} cases[] = {
		{ "10.1.1.1", "8.8.8.8", IPPROTO_TCP, "30,32" },
		{ "8.8.8.8", "192.168.1.5", IPPROTO_TCP, "31,32" },
		{ "192.168.1.5", "8.8.8.8", IPPROTO_TCP, "31,32" },
		{ "8.8.4.4", "10.0.0.1", IPPROTO_TCP, "31,32" },
		{ "10.0.0.1", "8.8.4.4", IPPROTO_TCP, "30,31,32" },
		{ "2001:db8::1", "2001:db9::1", IPPROTO_TCP, "30,32" },
		{ "1.1.1.7", "2.2.2.9", IPPROTO_TCP, "32,33" },
		{ "5.5.5.5", "2.2.3.9", IPPROTO_TCP, "32" },
		{ "3.3.3.3", "9.9.9.9", IPPROTO_UDP, "32,34" },
		{ "3.3.3.3", "9.9.9.9", IPPROTO_TCP, "32" },
		{ "::1", "2001:db8:1::5", IPPROTO_TCP, "32" },
	};
	struct set s;
	unsigned i;

	if (load(&s, rules))
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nfips_pkt p = pkt("", cases[i].proto, true, i + 1, 0);
		static char got[256];
		size_t o = 0;
		unsigned k;
		bool v6 = strchr(cases[i].src, ':');

		p.family = v6 ? 6 : 4;
		memset(p.src, 0, 16);
		memset(p.dst, 0, 16);
		inet_pton(v6 ? AF_INET6 : AF_INET, cases[i].src, p.src);
		inet_pton(v6 ? AF_INET6 : AF_INET, cases[i].dst, p.dst);
		s.nsids = 0;
		nfips_engine_packet(s.e, &p, NULL, NULL, on_alert, &s);
		got[0] = 0;
		for (k = 0; k < s.nsids; k++)
			o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%u", k ? "," : "", s.sids[k]);
		if (strcmp(got, cases[i].want))
			tap_diag("got \"%s\"", got);
		tap_ok(&T, !strcmp(got, cases[i].want), "IP-only index: %s -> %s: %s",
		       cases[i].src, cases[i].dst, cases[i].want);
	}
	unload(&s);
}

static void test_iponly(void)
{
	static const char *const rules[] = {
		"alert ip 10.0.0.0/8 any -> any any (sid:20;)",
		"alert tcp any any -> any 80 (flow:to_server; sid:21;)",
		"alert ip !192.168.0.1 any -> any any (sid:22;)",
		NULL,
	};
	struct set s;
	struct nfips_pkt p;

	if (load(&s, rules))
		return;
	p = pkt("", IPPROTO_TCP, true, 1, 0);
	EXPECT(&s, &p, NULL, "20,21,22", "first to-server packet: IP-only and packet rules");
	p = pkt("", IPPROTO_TCP, true, 2, 0);
	EXPECT(&s, &p, NULL, "21,22", "IP-only once per direction; negated address is per packet");
	s.flow.to_server = false;
	p = pkt("", IPPROTO_TCP, false, 3, 0);
	EXPECT(&s, &p, NULL, "20,22", "IP-only again on the first reply");
	unload(&s);
	test_iponly_index();
}

/* detect-parse.c SigValidate: tcp payload rules inspect the stream. */
static void test_stream(void)
{
	static const char *const rules[] = {
		"alert tcp any any -> any any (content:\"attack\"; sid:30;)",
		"alert tcp any any -> any any (content:\"GET\"; depth:3; sid:31;)",
		"alert tcp any any -> any any (content:\"evil\"; dsize:>0; sid:32;)",
		"alert udp any any -> any any (content:\"attack\"; sid:33;)",
		NULL,
	};
	struct set s;
	struct nfips_pkt p;
	struct nfips_stream st = { 0 };

	if (load(&s, rules))
		return;
	s.flow.stream_add = true;
	p = pkt("GET /att", IPPROTO_TCP, true, 1, 0);
	EXPECT(&s, &p, NULL, "31", "depth rule wants packets too; stream rule waits");
	st.data = (const uint8_t *)"GET /attack evil";
	st.len = 16;
	st.new_from = 8;
	p = pkt("ack evil", IPPROTO_TCP, true, 2, 0);
	EXPECT(&s, &p, &st, "30,32", "match spanning segments on the stream; dsize on the packet");
	st.data = (const uint8_t *)"GET /attack evil x";
	st.len = 18;
	st.new_from = 16;
	p = pkt(" x", IPPROTO_TCP, true, 3, 0);
	EXPECT(&s, &p, &st, "", "a match is reported once, not for old bytes");
	s.flow.stream_add = false;
	p = pkt("attack", IPPROTO_TCP, true, 4, 0);
	EXPECT(&s, &p, NULL, "30", "packets outside the stream are inspected alone");
	p = pkt("attack", IPPROTO_UDP, true, 5, 0);
	EXPECT(&s, &p, NULL, "33", "udp rules inspect packets");
	unload(&s);
}

/* detect-engine-threshold.c (Suricata 7). */
static void test_threshold(void)
{
	static const char *const rules[] = {
		"alert tcp any any -> any any (content:\"L\"; threshold:type limit,track by_src,count 2,seconds 60; sid:40;)",
		"alert tcp any any -> any any (content:\"T\"; threshold:type threshold,track by_dst,count 3,seconds 60; sid:41;)",
		"alert tcp any any -> any any (content:\"B\"; threshold:type both,track by_src,count 2,seconds 60; sid:42;)",
		"alert tcp any any -> any any (content:\"D\"; detection_filter:track by_src,count 2,seconds 60; sid:43;)",
		NULL,
	};
	struct set s;
	struct nfips_pkt p;
	char name[64];
	unsigned i;

	if (load(&s, rules))
		return;
	s.flow.stream_add = false;
	for (i = 0; i < 6; i++) {
		/* Every packet matches all four; the verdicts follow the counts. */
		p = pkt("L T B D", IPPROTO_TCP, true, i + 1, (uint64_t)i * 1000000);
		snprintf(name, sizeof(name), "threshold counts, match %u", i + 1);
		{
			/* expected per match number: limit 1,2; threshold 3,6; both 2; df >2 */
			char exp[32] = "";
			size_t o = 0;

			if (i < 2)
				o += (size_t)snprintf(exp + o, sizeof(exp) - o, "40,");
			if (i == 2 || i == 5)
				o += (size_t)snprintf(exp + o, sizeof(exp) - o, "41,");
			if (i == 1)
				o += (size_t)snprintf(exp + o, sizeof(exp) - o, "42,");
			if (i >= 2)
				o += (size_t)snprintf(exp + o, sizeof(exp) - o, "43,");
			if (o)
				exp[o - 1] = 0;
			EXPECT(&s, &p, NULL, exp, name);
		}
	}
	unload(&s);
}

/* Tracking keys and the window edge (ts <= start + seconds is inside). */
static void test_threshold_track(void)
{
	static const char *const rules[] = {
		"alert tcp any any -> any any (content:\"S\"; threshold:type limit,track by_src,count 1,seconds 10; sid:70;)",
		"alert tcp any any -> any any (content:\"R\"; threshold:type limit,track by_rule,count 1,seconds 10; sid:71;)",
		"alert tcp any any -> any any (content:\"P\"; threshold:type limit,track by_both,count 1,seconds 10; sid:72;)",
		NULL,
	};
	struct set s;
	struct nfips_pkt p;

	if (load(&s, rules))
		return;
	s.flow.stream_add = false;
	p = pkt("S R P", IPPROTO_TCP, true, 1, 0);
	EXPECT(&s, &p, NULL, "70,71,72", "first match of each key alerts");
	p = pkt("S R P", IPPROTO_TCP, false, 2, 1000000);
	EXPECT(&s, &p, NULL, "70", "by_src: other source; by_rule: one key; by_both: same pair");
	p = pkt("S", IPPROTO_TCP, true, 3, 10000000);
	EXPECT(&s, &p, NULL, "", "window end is inclusive");
	p = pkt("S", IPPROTO_TCP, true, 4, 10000001);
	EXPECT(&s, &p, NULL, "70", "a new window after it");
	unload(&s);
}

/* doc: rules/flow-keywords.html#stream-size (next_seq - isn per side). */
static void test_stream_size(void)
{
	static const char *const rules[] = {
		"alert tcp any any -> any any (flow:established; stream_size:server,<,5; sid:50;)",
		"alert tcp any any -> any any (stream_size:either,>=,100; content:\"x\"; sid:51;)",
		NULL,
	};
	struct set s;
	struct nfips_pkt p;

	if (load(&s, rules))
		return;
	p = pkt("", IPPROTO_TCP, true, 1, 0);
	EXPECT(&s, &p, NULL, "", "stream_size: no TCP session, no match");
	s.flow.tcp_sizes = true;
	s.flow.server_size = 1;
	s.flow.client_size = 200;
	EXPECT(&s, &p, NULL, "50", "stream_size server <");
	s.flow.server_size = 5;
	p = pkt("x", IPPROTO_TCP, true, 2, 0);
	s.flow.stream_add = true;
	EXPECT(&s, &p, NULL, "51", "stream_size either; with content it inspects packets too");
	unload(&s);
}

/* Suricata: duplicate gid:sid keep the highest rev; <> is two signatures. */
/* A TCP packet between two 10.0.0.x hosts, no flow (xbits do not need one). */
static const char *run_hosts(struct set *s, const char *payload, unsigned src, unsigned dst,
			     uint64_t ts)
{
	static char buf[256];
	struct nfips_pkt p = pkt(payload, IPPROTO_TCP, true, 1, ts);
	uint32_t a = htonl(0x0a000000 | src), b = htonl(0x0a000000 | dst);
	size_t o = 0;
	unsigned i;

	memcpy(p.src, &a, 4);
	memcpy(p.dst, &b, 4);
	s->nsids = 0;
	nfips_engine_packet(s->e, &p, NULL, NULL, on_alert, s);
	buf[0] = 0;
	for (i = 0; i < s->nsids && o < sizeof(buf) - 12; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%u", i ? "," : "", s->sids[i]);
	return buf;
}

#define XB(s, payload, src, dst, ts, want, name) do {			\
	const char *got_ = run_hosts(s, payload, src, dst, ts);		\
	if (strcmp(got_, want))						\
		tap_diag("got \"%s\"", got_);				\
	tap_ok(&T, !strcmp(got_, want), "%s", name);			\
} while (0)

#define SEC 1000000ull

/*
 * doc: rules/xbits.html; detect-xbits.c, host-bit.c, ippair-bit.c: bits on
 * hosts or address pairs, across flows, until their expiry (30 s default).
 */
static void test_xbits(void)
{
	static const char *const rules[] = {
		"alert tcp any any -> any any (content:\"setsrc\"; xbits:set,h,track ip_src,expire 10; sid:1;)",
		"alert tcp any any -> any any (content:\"setdst\"; xbits:set,h,track ip_dst; sid:2;)",
		"alert tcp any any -> any any (content:\"setpair\"; xbits:set,h,track ip_pair; sid:3;)",
		"alert tcp any any -> any any (content:\"unset\"; xbits:unset,h,track ip_src; sid:4;)",
		"alert tcp any any -> any any (content:\"q\"; xbits:isset,h,track ip_src; sid:10;)",
		"alert tcp any any -> any any (content:\"q\"; xbits:isset,h,track ip_dst; sid:11;)",
		"alert tcp any any -> any any (content:\"q\"; xbits:isset,h,track ip_pair; sid:12;)",
		"alert tcp any any -> any any (content:\"q\"; xbits:isnotset,h,track ip_src; sid:13;)",
		NULL,
	};
	static const char *const order[] = {
		"alert tcp any any -> any any (content:\"x\"; xbits:set,b,track ip_src; sid:1;)",
		"alert tcp any any -> any any (content:\"x\"; xbits:isset,b,track ip_src; sid:2;)",
		"alert ip any any -> any any (xbits:isset,b,track ip_src; sid:3;)",
		NULL,
	};
	struct set s;

	if (load(&s, rules))
		return;
	XB(&s, "q", 1, 2, 100 * SEC, "13", "xbits: nothing set yet, isnotset matches");
	XB(&s, "setsrc", 1, 2, 100 * SEC + SEC / 2, "1", "xbits: set on the source host");
	XB(&s, "q", 1, 3, 101 * SEC, "10", "xbits: ip_src isset on another flow of that host");
	XB(&s, "q", 3, 1, 101 * SEC, "11,13", "xbits: ip_dst reads the same host's bits");
	XB(&s, "q", 1, 2, 110 * SEC + SEC - 1, "10", "xbits: set until the expiry second ends (100 + 10)");
	XB(&s, "q", 1, 2, 111 * SEC, "13", "xbits: expired after it");
	XB(&s, "setsrc", 1, 2, 200 * SEC, "1", "xbits: set again");
	XB(&s, "unset", 1, 2, 201 * SEC, "4", "xbits: unset");
	XB(&s, "q", 1, 2, 201 * SEC, "13", "xbits: unset bit reads as unset");
	XB(&s, "setdst", 5, 6, 300 * SEC, "2", "xbits: ip_dst sets on the destination host");
	XB(&s, "q", 6, 7, 301 * SEC, "10", "xbits: ... which is then a source");
	XB(&s, "q", 5, 7, 301 * SEC, "13", "xbits: not on the other host");
	XB(&s, "q", 6, 7, 330 * SEC + SEC - 1, "10", "xbits: default expiry 30 s (300 + 30)");
	XB(&s, "q", 6, 7, 331 * SEC, "13", "xbits: default expiry over");
	XB(&s, "setpair", 8, 9, 400 * SEC, "3", "xbits: ip_pair");
	/* host-bit readers are ordered before pair-bit readers */
	XB(&s, "q", 9, 8, 401 * SEC, "13,12", "xbits: ip_pair in either direction, apart from host bits");
	XB(&s, "q", 8, 10, 401 * SEC, "13", "xbits: ip_pair needs both addresses");
	unload(&s);

	/*
	 * detect-engine-sigorder.c: readers of host bits come before the rules
	 * without (SCSigGetXbitsType counts xbits set as no use), so a set is
	 * seen by the next packet, not by a reader of the same packet.
	 */
	if (load(&s, order))
		return;
	XB(&s, "x", 1, 2, 10 * SEC, "1", "xbits: readers run before the setter of the same packet");
	XB(&s, "x", 1, 2, 11 * SEC, "2,3,1", "xbits: IP-only reader too; alerts in signature order");
	unload(&s);
}

static void test_load(void)
{
	static const char *const rules[] = {
		"alert tcp any any -> any any (content:\"aa\"; sid:60; rev:1;)",
		"alert tcp any any -> any any (content:\"bb\"; sid:60; rev:2;)",
		"alert tcp any any -> any any (content:\"cc\"; sid:60; rev:2;)",
		"alert tcp 10.0.0.1 any <> 10.0.0.2 80 (content:\"dd\"; sid:61;)",
		"alert tcp any any <> any any (content:\"ee\"; sid:62;)",
		NULL,
	};
	struct nfips_engine_stats st;
	struct set s;
	struct nfips_pkt p;

	if (load(&s, rules))
		return;
	nfips_engine_get_stats(s.e, &st);
	tap_ok(&T, st.rules == 3 && st.duplicates == 2, "duplicates dropped (%u rules, %u dups)",
	       st.rules, st.duplicates);
	s.flow.stream_add = false;
	p = pkt("aa cc", IPPROTO_TCP, true, 1, 0);
	EXPECT(&s, &p, NULL, "", "lower rev and later equal rev are gone");
	p = pkt("bb", IPPROTO_TCP, true, 2, 0);
	EXPECT(&s, &p, NULL, "60", "highest rev kept");
	p = pkt("dd", IPPROTO_TCP, false, 3, 0);
	EXPECT(&s, &p, NULL, "61", "<> matches the reverse direction");
	p = pkt("ee", IPPROTO_TCP, true, 4, 0);
	EXPECT(&s, &p, NULL, "62", "<> with equal ends is one signature");
	unload(&s);
}

/*
 * detect-engine-alert.c PacketAlertFinalize: packet-alert-max alerts per
 * packet, the first in signature order (drop before alert); the actions
 * of the discarded ones still apply.
 */
static void test_alert_max(void)
{
	static const char *const rules[] = {
		"alert tcp any any -> any any (content:\"x\"; sid:5;)",
		"alert tcp any any -> any any (content:\"x\"; sid:4;)",
		"alert tcp any any -> any any (content:\"x\"; sid:3;)",
		"drop tcp any any -> any any (content:\"x\"; sid:9;)",
		"drop tcp any any -> any any (content:\"x\"; sid:8;)",
		"reject tcp any any -> any any (content:\"x\"; sid:7;)",
		NULL,
	};
	struct set s;
	struct nfips_pkt p;
	const char *got;
	int v;

	if (load(&s, rules))
		return;
	p = pkt("x", IPPROTO_TCP, true, 1, 0);
	EXPECT(&s, &p, NULL, "8,9,7,3,4,5", "default cap (15): every alert");
	tap_ok(&T, s.discarded == 0, "nothing discarded under the cap");
	nfips_engine_set_alert_max(s.e, 3);
	got = run(&s, &p, NULL, &v);
	tap_ok(&T, !strcmp(got, "8,9,7") && s.discarded == 3,
	       "packet-alert-max 3: the first three in signature order, three discarded (%s)", got);
	nfips_engine_set_alert_max(s.e, 1);
	got = run(&s, &p, NULL, &v);
	tap_ok(&T, !strcmp(got, "8") && s.discarded == 5 && (v & NFIPS_VERDICT_DROP) &&
	       (v & NFIPS_VERDICT_REJECT) && (v & NFIPS_VERDICT_ALERT),
	       "packet-alert-max 1: one alert; the discarded reject still rejects");
	unload(&s);
}

/* Runs @p in flow @f (NULL: none); the alerted sids as "1,2". */
static const char *run_in(struct set *s, const struct nfips_pkt *p, struct nfips_flow *f,
			  const struct nfips_stream *st)
{
	struct nfips_flow keep = s->flow;
	const char *got;

	if (f)
		s->flow = *f;
	s->nsids = 0;
	if (f) {
		got = run(s, p, st, NULL);
	} else {
		static char buf[64];
		size_t o = 0;
		unsigned i;

		nfips_engine_packet(s->e, p, NULL, st, on_alert, s);
		buf[0] = 0;
		for (i = 0; i < s->nsids && o < sizeof(buf) - 12; i++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%u", i ? "," : "",
					      s->sids[i]);
		got = buf;
	}
	s->flow = keep;
	return got;
}

#define EXPECT_IN(s, p, f, st, want, name) do {				\
	const char *got_ = run_in(s, p, f, st);				\
	if (strcmp(got_, want))						\
		tap_diag("got \"%s\"", got_);				\
	tap_ok(&T, !strcmp(got_, want), "%s", name);			\
} while (0)

/*
 * The prefilter's signature groups (engine_group.c: protocol class, flow
 * direction, server port) must hold every signature that can match a
 * packet of the group: one left out is a missed alert.
 */
static void test_groups(void)
{
	static const char *const rules[] = {
		"alert tcp any any -> any any (content:\"both\"; sid:10;)",
		"alert ip any any -> any any (content:\"ipany\"; sid:11;)",
		"alert tcp any any -> any any (flow:to_server; content:\"fless\"; sid:12;)",
		"alert tcp any any -> any any (flow:to_client; content:\"fless\"; sid:13;)",
		"alert tcp any any -> any any (flow:established; content:\"strm\"; sid:14;)",
		"alert tcp any any -> any 80 (content:\"port\"; sid:15;)",
		"alert tcp any 80 -> any any (flow:to_client; content:\"port\"; sid:16;)",
		"alert tcp any 80 <> any any (content:\"bidi\"; sid:17;)",
		"alert tcp any 80 -> any any (content:\"resp\"; sid:18;)",
		"alert udp any any -> any !53 (content:\"notdns\"; sid:19;)",
		"alert tcp any 80 <> any 9999 (content:\"rev\"; sid:20;)",
		NULL,
	};
	struct nfips_flow to_cli;
	struct nfips_stream st = { 0 };
	struct nfips_pkt p;
	struct set s;

	if (load(&s, rules))
		return;
	to_cli = s.flow;
	to_cli.to_server = false;
	p = pkt("x both x", IPPROTO_TCP, true, 1, 0);
	EXPECT(&s, &p, NULL, "10", "a rule without direction: to server");
	p = pkt("x both x", IPPROTO_TCP, false, 2, 0);
	EXPECT_IN(&s, &p, &to_cli, NULL, "10", "a rule without direction: to client");
	p = pkt("ipany", IPPROTO_UDP, true, 3, 0);
	EXPECT(&s, &p, NULL, "11", "an ip rule on UDP");
	p = pkt("ipany", IPPROTO_ICMP, false, 4, 0);
	p.sport = p.dport = 0;
	EXPECT_IN(&s, &p, &to_cli, NULL, "11", "an ip rule on ICMP to client");
	p = pkt("fless", IPPROTO_TCP, false, 5, 0);
	EXPECT_IN(&s, &p, NULL, NULL, "12", "a packet without flow meets the to-server rules");
	p = pkt("fless resp", IPPROTO_TCP, false, 6, 0);
	p.dport = 9999;
	EXPECT_IN(&s, &p, NULL, NULL, "12,18",
		  "a packet without flow from port 80: the rules of its source port");
	p = pkt("port bidi", IPPROTO_TCP, true, 7, 0);
	EXPECT(&s, &p, NULL, "15,17", "port group of port 80 to server, reversed <> rule");
	p = pkt("port bidi", IPPROTO_TCP, false, 8, 0);
	EXPECT_IN(&s, &p, &to_cli, NULL, "16,17", "port group of port 80 to client");
	p = pkt("rev", IPPROTO_TCP, true, 9, 0);
	p.sport = 9999;
	EXPECT(&s, &p, NULL, "20", "the reversed copy of a <> rule: its own destination port");
	p = pkt("port", IPPROTO_TCP, false, 9, 0);
	p.dport = 8080;
	EXPECT_IN(&s, &p, &to_cli, NULL, "16", "to client: the group of the source port");
	p = pkt("port bidi", IPPROTO_TCP, true, 9, 0);
	p.dport = 8080;
	EXPECT(&s, &p, NULL, "", "port group of 8080: the port-80 rules cannot match");
	p = pkt("notdns", IPPROTO_UDP, true, 10, 0);
	p.dport = 53;
	EXPECT(&s, &p, NULL, "", "negated port: not in the group of its port");
	p.dport = 5060;
	EXPECT(&s, &p, NULL, "19", "negated port: in the group of another port");
	/* a direction-less stream rule on the server's stream */
	to_cli.stream_add = true;
	st.data = (const uint8_t *)"abc st";
	st.len = 6;
	st.anchored = true;
	p = pkt("abc st", IPPROTO_TCP, false, 11, 0);
	EXPECT_IN(&s, &p, &to_cli, &st, "", "stream to client, no match yet");
	st.data = (const uint8_t *)"abc strm";
	st.len = 8;
	st.new_from = 6;
	p = pkt("rm", IPPROTO_TCP, false, 12, 0);
	EXPECT_IN(&s, &p, &to_cli, &st, "14", "a direction-less stream rule on the to-client stream");
	unload(&s);
}

int main(void)
{
	setup();
	test_flowbits();
	test_pass();
	test_iponly();
	test_stream();
	test_threshold();
	test_threshold_track();
	test_stream_size();
	test_xbits();
	test_load();
	test_alert_max();
	test_groups();
	teardown();
	return tap_done(&T);
}
