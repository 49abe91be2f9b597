// SPDX-License-Identifier: GPL-2.0
/*
 * Rule parser: header (actions, protocols, addresses, ports, variables),
 * option framing, rule files (comments, continuations) and the position
 * of every header and framing error. Options: rules_opts_test.c;
 * classification: rules_classify_test.c.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <unistd.h>

#include "rule_util.h"

typedef unsigned __int128 u128;

static void fmt_v4(char *b, size_t n, u128 a)
{
	snprintf(b, n, "%u.%u.%u.%u", (unsigned)(a >> 24) & 255,
		 (unsigned)(a >> 16) & 255, (unsigned)(a >> 8) & 255,
		 (unsigned)a & 255);
}

static void fmt_v6(char *b, size_t n, u128 a)
{
	unsigned char x[16];
	int i;

	for (i = 15; i >= 0; i--, a >>= 8)
		x[i] = (unsigned char)a;
	inet_ntop(AF_INET6, x, b, (socklen_t)n);
}

/* "lo-hi lo-hi ..." (a single value for lo == hi), v4 before v6. */
static const char *fmt_set(const struct nfips_range *v4, uint32_t n4,
			   const struct nfips_range *v6, uint32_t n6, bool port)
{
	static char out[1024];
	char lo[64], hi[64];
	uint32_t i;
	size_t o = 0;

	out[0] = 0;
	for (i = 0; i < n4 + n6; i++) {
		const struct nfips_range *r = i < n4 ? &v4[i] : &v6[i - n4];

		if (port) {
			snprintf(lo, sizeof(lo), "%u", (unsigned)r->lo);
			snprintf(hi, sizeof(hi), "%u", (unsigned)r->hi);
		} else if (i < n4) {
			fmt_v4(lo, sizeof(lo), r->lo);
			fmt_v4(hi, sizeof(hi), r->hi);
		} else {
			fmt_v6(lo, sizeof(lo), r->lo);
			fmt_v6(hi, sizeof(hi), r->hi);
		}
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s%s%s",
				      o ? " " : "", lo, r->lo == r->hi ? "" : "-",
				      r->lo == r->hi ? "" : hi);
	}
	return out;
}

#define V4ALL "0.0.0.0-255.255.255.255"
#define V6ALL "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
#define HOME "10.0.0.0-10.255.255.255 172.16.0.0-172.31.255.255 " \
	     "192.168.0.0-192.168.255.255"
#define EXTERNAL "0.0.0.0-9.255.255.255 11.0.0.0-172.15.255.255 " \
		 "172.32.0.0-192.167.255.255 192.169.0.0-255.255.255.255"

/* IPv4 address @a by the set's ranges, read one by one. */
static bool in_v4(const struct nfips_addrset *s, uint64_t a)
{
	uint32_t i;

	for (i = 0; i < s->n4; i++)
		if (a >= s->v4[i].lo && a <= s->v4[i].hi)
			return true;
	return false;
}

/*
 * nfips_addrset_has4 (a copy of up to NFIPS_ADDRSET_SMALL ranges in the
 * rule, else a binary search) says what @s's ranges say at both ends of
 * each range and either side of them, and at 0 and 255.255.255.255.
 */
static bool has4_agrees(const struct nfips_addrset *s)
{
	uint64_t probe[4];
	uint32_t i, j;

	for (i = 0; i <= s->n4; i++) {
		probe[0] = i < s->n4 ? (uint64_t)s->v4[i].lo : 0;
		probe[1] = i < s->n4 ? (uint64_t)s->v4[i].hi : 0xffffffffu;
		probe[2] = probe[0] ? probe[0] - 1 : 0;
		probe[3] = probe[1] < 0xffffffffu ? probe[1] + 1 : probe[1];
		for (j = 0; j < 4; j++)
			if (nfips_addrset_has4(s, (uint32_t)probe[j]) != in_v4(s, probe[j]))
				return false;
	}
	return true;
}

static void addr(const char *text, const char *want)
{
	char buf[512];
	struct nfips_rule *r;
	const char *got = "(error)";

	snprintf(buf, sizeof(buf), "alert ip %s any -> any any (sid:1;)", text);
	r = parse(buf);
	if (r)
		got = fmt_set(r->src.v4, r->src.n4, r->src.v6, r->src.n6, false);
	if (strcmp(got, want))
		tap_diag("got %s", got);
	tap_ok(&T, r && !strcmp(got, want) && !strcmp(r->src.text, text) && has4_agrees(&r->src),
	       "address %s", text);
	nfips_rule_free(r);
}

/* Port @p by the set's ranges, read one by one. */
static bool in_ranges(const struct nfips_portset *s, uint32_t p)
{
	uint32_t i;

	for (i = 0; i < s->n; i++)
		if (p >= s->v[i].lo && p <= s->v[i].hi)
			return true;
	return false;
}

/*
 * Port set @text as ranges @want; nfips_portset_has (a copy of up to
 * NFIPS_PORTSET_SMALL ranges in the rule, else a binary search) says
 * the same as the ranges for every port.
 */
static void port(const char *text, const char *want)
{
	char buf[512];
	struct nfips_rule *r;
	const char *got = "(error)";
	uint32_t p, bad = 65536;

	snprintf(buf, sizeof(buf), "alert tcp any any -> any %s (sid:1;)", text);
	r = parse(buf);
	if (r)
		got = fmt_set(r->dport.v, r->dport.n, NULL, 0, true);
	if (strcmp(got, want))
		tap_diag("got %s", got);
	for (p = 0; r && p < 65536 && bad == 65536; p++)
		if (nfips_portset_has(&r->dport, (uint16_t)p) != in_ranges(&r->dport, p))
			bad = p;
	tap_ok(&T, r && !strcmp(got, want) && bad == 65536, "port %s%s", text,
	       bad < 65536 ? ": membership differs from the ranges" : "");
	nfips_rule_free(r);
}

static void test_header(void)
{
	static const char *const actions[] = { "alert", "drop", "reject", "pass" };
	static const struct {
		const char *name;
		enum nfips_proto proto;
	} protos[] = {
		{ "ip", NFIPS_PROTO_IP }, { "tcp", NFIPS_PROTO_TCP },
		{ "udp", NFIPS_PROTO_UDP }, { "icmp", NFIPS_PROTO_ICMP },
		{ "tcp-pkt", NFIPS_PROTO_TCP_PKT },
		{ "tcp-stream", NFIPS_PROTO_TCP_STREAM }, { "TCP", NFIPS_PROTO_TCP },
	};
	struct nfips_rule *r;
	char buf[256];
	unsigned i;

	for (i = 0; i < 4; i++) {
		snprintf(buf, sizeof(buf), "%s tcp any any -> any any (sid:1;)", actions[i]);
		r = parse(buf);
		tap_ok(&T, r && r->action == (enum nfips_action)i && !r->skip &&
		       !strcmp(nfips_action_name(r->action), actions[i]),
		       "action %s", actions[i]);
		nfips_rule_free(r);
	}
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		snprintf(buf, sizeof(buf), "alert %s any any -> any any (sid:1;)",
			 protos[i].name);
		r = parse(buf);
		tap_ok(&T, r && r->proto == protos[i].proto && !r->skip &&
		       !strcmp(r->proto_name, protos[i].name), "protocol %s",
		       protos[i].name);
		nfips_rule_free(r);
	}
	expect_skip("alert http any any -> any any (sid:1;)",
		    "protocol http without http keywords or content");
	expect_skip("alert dns any any -> any any (sid:1;)",
		    "protocol dns without dns keywords");
	expect_skip("alert tls any any -> any any (sid:1;)",
		    "protocol tls without tls keywords or content");
	expect_skip("alert ssh any any -> any any (sid:1;)",
		    "protocol ssh without ssh keywords or content");
	/* Suricata would inspect both sides (two alerts a flow): not done */
	expect_skip("alert ssh any any -> any any (ssh.proto; content:\"2.0\"; sid:1;)",
		    "ssh buffer in both directions (no flow direction)");
	expect_skip("alert smtp any any -> any any (flow:to_server; file.data; content:\"x\"; sid:1;)",
		    "file.data on smtp (MIME decoding not implemented)");
	expect_skip("alert smb any any -> any any (sid:1;)", "protocol smb");
	expect_skip("alert ftp-data any any -> any any (sid:1;)", "protocol ftp-data");
	expect_skip("rejectboth tcp any any -> any any (sid:1;)", "action rejectboth");
	/* The header's first skip reason wins over later ones. */
	expect_skip("alert smb any any -> any any (byte_test:1,>,2,0; sid:1;)",
		    "protocol smb");

	r = parse("alert tcp 1.2.3.4 80 <> 5.6.7.8 [1:3]  (sid:1;)");
	tap_ok(&T, r && (r->flags & NFIPS_R_BIDIR) && r->sport.n == 1 &&
	       !r->sport.any && r->dport.v[0].lo == 1 && r->dport.v[0].hi == 3,
	       "bidirectional <> and extra blanks");
	nfips_rule_free(r);
	r = parse("  alert\ttcp\t[1.2.3.4, 5.6.7.8]\tany -> any any (sid:1;)");
	tap_ok(&T, r && r->src.n4 == 2 && r->src.n6 == 0 && !r->src.any &&
	       r->dst.any && r->sport.any, "tabs, blanks inside a list");
	nfips_rule_free(r);
}

static void test_addresses(void)
{
	struct nfips_rule *r;
	const uint8_t v6a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	const uint8_t v6b[16] = { 0x20, 0x01, 0x0d, 0xb9 };

	addr("any", V4ALL " " V6ALL);
	addr("1.2.3.4", "1.2.3.4");
	addr("1.2.3.4/24", "1.2.3.0-1.2.3.255");
	addr("1.2.3.4/32", "1.2.3.4");
	addr("0.0.0.0/0", V4ALL);
	addr("10.0.0.0/255.0.0.0", "10.0.0.0-10.255.255.255");
	addr("1.1.1.1-1.1.1.5", "1.1.1.1-1.1.1.5");
	addr("::1", "::1");
	addr("2001:db8::/32", "2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
	addr("2001:db8::1-2001:db8::9", "2001:db8::1-2001:db8::9");
	addr("[::1,1.2.3.4]", "1.2.3.4 ::1");
	addr("[1.2.3.4, 5.6.7.8]", "1.2.3.4 5.6.7.8");
	addr("[1.2.3.4,1.2.3.5,1.2.3.3]", "1.2.3.3-1.2.3.5");
	addr("[1.0.0.1,1.0.0.3,1.0.0.5,1.0.0.7,1.0.0.9]",
	     "1.0.0.1 1.0.0.3 1.0.0.5 1.0.0.7 1.0.0.9");
	addr("[10.0.0.0/8,!10.1.0.0/16]",
	     "10.0.0.0-10.0.255.255 10.2.0.0-10.255.255.255");
	/* A pure negation only fills the families it names (Suricata). */
	addr("!1.2.3.4", "0.0.0.0-1.2.3.3 1.2.3.5-255.255.255.255");
	addr("[!1.2.3.4]", "0.0.0.0-1.2.3.3 1.2.3.5-255.255.255.255");
	addr("!::1", ":: ::2-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	addr("[any,!::/0]", V4ALL);
	addr("$HOME_NET", HOME);
	addr("$EXTERNAL_NET", EXTERNAL);
	addr("!$EXTERNAL_NET", HOME);
	addr("![$EXTERNAL_NET]", HOME);
	addr("$HTTP_SERVERS", HOME);
	addr("[$HOME_NET,!10.0.0.0/8]",
	     "172.16.0.0-172.31.255.255 192.168.0.0-192.168.255.255");
	/* Nested non-negated lists are flattened: the ! applies to the whole. */
	addr("[1.0.0.0/8,[2.0.0.0/8,!1.2.0.0/16]]",
	     "1.0.0.0-1.1.255.255 1.3.0.0-2.255.255.255");
	/* A negated list is evaluated first, then excluded. */
	addr("![1.0.0.0/8,!1.2.0.0/16]",
	     "0.0.0.0-0.255.255.255 1.2.0.0-1.2.255.255 2.0.0.0-255.255.255.255");

	r = parse("alert ip $HOME_NET any -> [2001:db8::/32,!2001:db8::2] any (sid:1;)");
	tap_ok(&T, r && nfips_addrset_has4(&r->src, 0x0a010203) &&
	       !nfips_addrset_has4(&r->src, 0x0b000000) &&
	       nfips_addrset_has4(&r->src, 0xc0a8ffff) &&
	       !nfips_addrset_has6(&r->src, v6a) &&
	       nfips_addrset_has6(&r->dst, v6a) && !nfips_addrset_has6(&r->dst, v6b),
	       "address membership tests");
	nfips_rule_free(r);

	nfips_vars_set(&vars, "MY_NET", "[192.0.2.0/24,$MY_HOSTS]");
	nfips_vars_set(&vars, "MY_HOSTS", "198.51.100.7");
	addr("$MY_NET", "192.0.2.0-192.0.2.255 198.51.100.7");
	tap_ok(&T, nfips_vars_set_arg(&vars, "MY_HOSTS=198.51.100.8") == 0 &&
	       !strcmp(nfips_vars_get(&vars, "MY_HOSTS"), "198.51.100.8"),
	       "--var NAME=VALUE replaces a variable");
	addr("$MY_NET", "192.0.2.0-192.0.2.255 198.51.100.8");
	tap_ok(&T, nfips_vars_set_arg(&vars, "NOVALUE") < 0 &&
	       nfips_vars_set_arg(&vars, "=1") < 0 &&
	       nfips_vars_set(&vars, "BAD NAME", "1") < 0,
	       "invalid --var arguments are refused");
}

static void test_ports(void)
{
	struct nfips_rule *r;

	port("any", "0-65535");
	port("80", "80");
	port("0", "0");
	port("1024:", "1024-65535");
	port(":1023", "0-1023");
	port("1:1024", "1-1024");
	port("[80,443,8000:8080]", "80 443 8000-8080");
	port("[79,80,81]", "79-81");
	port("!80", "0-79 81-65535");
	port("[1:100,!50]", "1-49 51-100");
	port("![80,443]", "0-79 81-442 444-65535");
	port("$HTTP_PORTS", "80");
	port("$FILE_DATA_PORTS", "80 110 143");
	port("$SHELLCODE_PORTS", "0-79 81-65535");
	port("[$HTTP_PORTS,!80,8080]", "8080");
	port("$ORACLE_PORTS", "1521");
	port("[1,3,5,7,9]", "1 3 5 7 9");
	port("[1,3,5,7]", "1 3 5 7");
	r = parse("alert tcp any [1:10,!5] -> any any (sid:1;)");
	tap_ok(&T, r && nfips_portset_has(&r->sport, 1) &&
	       !nfips_portset_has(&r->sport, 5) && nfips_portset_has(&r->sport, 10) &&
	       !nfips_portset_has(&r->sport, 11) && nfips_portset_has(&r->dport, 65535),
	       "port membership tests");
	nfips_rule_free(r);
}

static void test_header_errors(void)
{
	nfips_vars_set(&vars, "BAD", "1.2.3.999");
	nfips_vars_set(&vars, "LOOP1", "$LOOP2");
	nfips_vars_set(&vars, "LOOP2", "[1.2.3.4,$LOOP1]");

	expect_error("alarm tcp any any -> any any (sid:1;)", "alarm", "unknown action");
	expect_error("alert tcpx any any -> any any (sid:1;)", "tcpx", "unknown protocol");
	expect_error("alert tcp any any -> any (sid:1;)", " (sid",
		     "ends before the destination port");
	expect_error("alert (sid:1;)", " (sid", "ends before the protocol");
	expect_error("alert tcp any any -> any any", "", "missing '('");
	expect_error("alert tcp any any -> any any extra (sid:1;)", "extra",
		     "unexpected 'extra'");
	expect_error("alert tcp any any <- any any (sid:1;)", "<-", "invalid direction");
	expect_error("alert tcp 1.2.3.300 any -> any any (sid:1;)", "1.2.3.300",
		     "invalid address");
	expect_error("alert tcp any any -> [1.2.3.4,foo] any (sid:1;)", "foo",
		     "invalid address 'foo'");
	expect_error("alert tcp 1.2.3.0/33 any -> any any (sid:1;)", "33",
		     "invalid prefix length");
	expect_error("alert tcp 1.2.3.0/255.0.255.0 any -> any any (sid:1;)",
		     "255.0.255.0", "invalid netmask");
	expect_error("alert tcp 1.1.1.5-1.1.1.1 any -> any any (sid:1;)", "1.1.1.5",
		     "invalid address range");
	expect_error("alert tcp [1.2.3.4 any -> any any (sid:1;)", "[", "missing ']'");
	expect_error("alert tcp [1.2.3.4]] any -> any any (sid:1;)", "] any",
		     "unexpected text after ']'");
	expect_error("alert tcp [1.2.3.4]x any -> any any (sid:1;)", "x",
		     "unexpected text after ']'");
	expect_error("alert tcp ]1.2.3.4 any -> any any (sid:1;)", "]", "unexpected ']'");
	expect_error("alert tcp [1.2.3.4,11111111111111111111111111111111111111111111111111"
		     "111111111111111111111111111111111111111111111111111111111111111111111111"
		     "11111111111] any -> any any (sid:1;)", "111", "address too long");
	expect_error("alert tcp [] any -> any any (sid:1;)", "]", "empty address");
	expect_error("alert tcp [1.2.3.4,] any -> any any (sid:1;)", "]",
		     "empty address");
	expect_error("alert tcp $NOPE any -> any any (sid:1;)", "$NOPE",
		     "undefined variable $NOPE");
	expect_error("alert tcp $ any -> any any (sid:1;)", "$", "invalid variable name");
	expect_error("alert tcp !any any -> any any (sid:1;)", "!any",
		     "negation excludes every address");
	expect_error("alert tcp [1.2.3.4,!1.2.3.4] any -> any any (sid:1;)", "[",
		     "address set is empty");
	expect_error("alert tcp $BAD any -> any any (sid:1;)", "$BAD",
		     "in $BAD: invalid address '1.2.3.999'");
	expect_error("alert tcp [1.2.3.4,$LOOP1] any -> any any (sid:1;)", "$LOOP1",
		     "nested too deep");
	expect_error("alert tcp any $HTTP_PORTS -> $HTTP_PORTS any (sid:1;)",
		     "$HTTP_PORTS any", "in $HTTP_PORTS: invalid address '80'");
	expect_error("alert tcp any 70000 -> any any (sid:1;)", "70000", "invalid port");
	expect_error("alert tcp any 10:5 -> any any (sid:1;)", "10:5",
		     "invalid port range 10:5");
	expect_error("alert tcp any 1:x -> any any (sid:1;)", "x", "invalid port 'x'");
	expect_error("alert tcp any : -> any any (sid:1;)", ":", "invalid port");
	expect_error("alert tcp any -1 -> any any (sid:1;)", "-1", "invalid port");
	expect_error("alert tcp any !0:65535 -> any any (sid:1;)", "!0",
		     "negation excludes every port");
	expect_error("alert tcp any any -> any $HOME_NET (sid:1;)", "$HOME_NET",
		     "in $HOME_NET: invalid port");
}

static void test_framing_errors(void)
{
	expect_error("alert tcp any any -> any any (sid:1;", "", "missing ')'");
	expect_error("alert tcp any any -> any any (sid:1;) x", "x",
		     "unexpected text after ')'");
	expect_error("alert tcp any any -> any any (sid:1)", "sid",
		     "not terminated by ';'");
	expect_error("alert tcp any any -> any any (sid:1; @foo;)", "@foo",
		     "expected an option name");
	expect_error("alert tcp any any -> any any (sid 1;)", "1;)",
		     "expected ':' or ';'");
	expect_error("alert tcp any any -> any any (sid:1; bogus_kw;)", "bogus_kw",
		     "unknown keyword 'bogus_kw'");
	expect_error("alert tcp any any -> any any (sid:1; contnet:\"a\";)", "contnet",
		     "unknown keyword");
	expect_error("alert tcp any any -> any any (sid;)", "sid", "needs a value");
	expect_error("alert tcp any any -> any any (content:\"a\"; nocase:1; sid:1;)",
		     "nocase", "takes no value");
	expect_error("alert tcp any any -> any any (msg:\"x\";)", "(msg", "rule has no sid");
}

static void test_option_list(void)
{
	struct nfips_rule *r;

	r = parse("alert tcp any any -> any any (msg:\"a\\;b\"; content:\"x\"; "
		  "nocase; sid:7;  rev:2 ; )");
	tap_ok(&T, r && r->nopts == 5 && !strcmp(r->opts[0].name, "msg") &&
	       !strcmp(r->opts[0].value, "\"a\\;b\"") && r->opts[0].col == 31 &&
	       !strcmp(r->opts[2].name, "nocase") && !r->opts[2].value &&
	       !strcmp(r->opts[4].value, "2") && r->sid == 7 && r->rev == 2 &&
	       !strcmp(r->msg, "a;b"), "options kept in order with positions");
	tap_ok(&T, r && r->line == 1 && r->gid == 1, "gid defaults to 1");
	nfips_rule_free(r);
}

struct collect {
	int rules, errors;
	uint32_t sid[8], line[8];
	struct nfips_err err[8];
};

static int collect(void *arg, struct nfips_rule *rule, const struct nfips_err *e)
{
	struct collect *c = arg;

	if (rule) {
		if (c->rules < 8) {
			c->sid[c->rules] = rule->sid;
			c->line[c->rules] = rule->line;
		}
		c->rules++;
		nfips_rule_free(rule);
	} else {
		if (c->errors < 8)
			c->err[c->errors] = *e;
		c->errors++;
	}
	return 0;
}

static void test_files(void)
{
	static const char text[] =
		"# a comment\n"
		"\n"
		"alert tcp any any -> any any (msg:\"two lines\"; \\\n"
		"  content:\"x\"; sid:1;)\n"
		"#alert tcp any any -> any any (sid:2; bogus;)\n"
		"   # indented comment\n"
		"\talert udp any any -> any any (sid:3;)\r\n"
		"alert tcp any any -> any any (sid:4; \\\n"
		"  depth:3;)\n"
		"alert tcp any any -> any any (sid:5; \\\n"
		"\\\n"
		"bogus;)\n"
		"alert tcp any any -> any any (sid:6;) \\";
	struct collect c = { 0 };
	char path[] = "/tmp/nfips-rules-XXXXXX", buf[300];
	struct nfips_err ioerr;
	FILE *f;
	int fd;

	nfips_rules_parse_buf("t.rules", text, sizeof(text) - 1, &ctx, collect, &c);
	tap_ok(&T, c.rules == 3 && c.errors == 2, "file: 3 rules, 2 errors, comments skipped");
	tap_ok(&T, c.sid[0] == 1 && c.line[0] == 3 && c.sid[1] == 3 && c.line[1] == 7 &&
	       c.sid[2] == 6 && c.line[2] == 13, "file: rule lines, CRLF, final continuation");
	tap_ok(&T, c.errors == 2 && c.err[0].line == 9 && c.err[0].col == 3 &&
	       !strcmp(c.err[0].file, "t.rules") && strstr(c.err[0].msg, "depth"),
	       "file: error on a continuation line maps to its line and column");
	tap_ok(&T, c.errors == 2 && c.err[1].line == 12 && c.err[1].col == 1,
	       "file: error after an empty continuation line");
	tap_ok(&T, !strcmp(nfips_err_str(&c.err[0], buf, sizeof(buf)),
			   "t.rules:9:3: 'depth' needs a preceding content"),
	       "error string is file:line:col: message");

	memset(&c, 0, sizeof(c));
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	tap_ok(&T, f && !nfips_rules_parse_file(path, &ctx, collect, &c, &ioerr) &&
	       c.rules == 3 && c.errors == 2 && !strcmp(c.err[0].file, path),
	       "nfips_rules_parse_file reads a file");
	unlink(path);
	tap_ok(&T, nfips_rules_parse_file("/nonexistent/x.rules", &ctx, collect, &c,
					  &ioerr) < 0 &&
	       !strcmp(ioerr.file, "/nonexistent/x.rules") && ioerr.msg[0],
	       "unreadable file is an I/O error");
}

int main(void)
{
	setup();
	test_header();
	test_addresses();
	test_ports();
	test_header_errors();
	test_framing_errors();
	test_option_list();
	test_files();
	teardown();
	return tap_done(&T);
}
