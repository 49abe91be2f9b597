// SPDX-License-Identifier: GPL-2.0
/*
 * Rule parser, issue 14's keywords: transforms on sticky buffers,
 * base64_decode/base64_data, the DNS keywords, each accepted as Suricata
 * 7.0.10 accepts it, refused with its error and column, or skipped with
 * its reason (rules_opts_test.c has the other keywords).
 */
#include <stdio.h>

#include "rule_util.h"

/* Transforms on sticky buffers (Suricata 7.0.10's detect-transform-*.c). */
static void test_transforms(void)
{
	const struct nfips_xforms *xf;
	struct nfips_rule *r;
	char many[1024] = "flow:to_server; http.uri;";
	int i;

	r = parse_opts("flow:to_server; http.uri; to_lowercase; url_decode; content:\"/a b\"; "
		       "bsize:3; http.user_agent; content:\"x\";");
	xf = r ? nfips_rule_xforms(r, NFIPS_BUF_HTTP_URI) : NULL;
	tap_ok(&T, r && !r->skip && xf && r->nxforms == 1 && xf->n == 2 &&
	       xf->x[0].type == NFIPS_XF_TO_LOWERCASE && xf->x[1].type == NFIPS_XF_URL_DECODE &&
	       r->matches[0].xf == 1 && r->bufchk[0].xf == 1 && !r->matches[1].xf &&
	       !nfips_rule_xforms(r, NFIPS_BUF_HTTP_USER_AGENT),
	       "transforms: a chain on its buffer, its content and bsize, not the next buffer's");
	nfips_rule_free(r);
	r = parse_opts("flow:to_client; file.data; xor:\"0d0AC8ff\"; content:\"a\";");
	xf = r ? nfips_rule_xforms(r, NFIPS_BUF_HTTP_RESPONSE_BODY) : NULL;
	tap_ok(&T, r && !r->skip && xf && xf->x[0].keylen == 4 &&
	       !memcmp(xf->x[0].key, "\x0d\x0a\xc8\xff", 4), "xor: the key in hex");
	nfips_rule_free(r);
	r = parse_opts("flow:to_server; http.uri; pcrexform:\"id=([0-9]+)\"; content:\"1\";");
	tap_ok(&T, r && !r->skip && r->xforms[0].x[0].code, "pcrexform: compiled");
	nfips_rule_free(r);
	for (i = 0; i < 17; i++)
		strcat(many, " dotprefix;");
	strcat(many, " content:\".\";");
#define E(opts, at, msg) expect_error("alert tcp any any -> any any (" opts " sid:1;)", at, msg)
	E("flow:to_server; http.uri; to_lowercase; content:\"A\";", "content", "not compatible");
	E("flow:to_server; http.uri; to_uppercase; content:\"a\";", "content", "not compatible");
	E("flow:to_server; http.uri; strip_whitespace; content:\"a b\";", "content",
	  "not compatible");
	E("flow:to_server; http.uri; compress_whitespace; content:\"a  b\";", "content",
	  "not compatible");
	E("flow:to_server; http.uri; xor:\"0d0\"; content:\"x\";", "\"0d0", "even number");
	E("flow:to_server; http.uri; xor:\"0g\"; content:\"x\";", "\"0g", "hex digits");
	E("flow:to_server; http.uri; pcrexform:\"a.c\"; content:\"x\";", "\"a.c", "capture group");
	E("flow:to_server; http.uri; pcrexform:\"a(\"; content:\"x\";", "\"; content", "pcrexform:");
	E("to_lowercase; content:\"x\";", "to_lowercase", "without a sticky buffer");
	E("flow:to_server; http.uri; to_md5:1; content:\"x\";", "to_md5", "takes no value");
	E("flow:to_server; http.uri; xor; content:\"x\";", "xor", "needs a value");
	expect_error(strcat(strcat(strcpy((char[1100]){ 0 }, "alert tcp any any -> any any ("),
				   many), " sid:1;)"),
		     "dotprefix; content", "more than 16 transforms");
#undef E
	expect_skip("alert tcp any any -> any any (flow:to_server; http.uri; content:\"a\"; "
		    "to_lowercase; content:\"b\"; sid:1;)",
		    "http.uri used with different transforms in one rule");
	expect_skip("alert tcp any any -> any any (flow:to_server; http.uri; to_lowercase; "
		    "content:\"a\"; urilen:3; sid:1;)", "urilen on a transformed http.uri");
	/* A skipped buffer's transforms are accepted with it. */
	expect_skip("alert tcp any any -> any any (tls.random; dotprefix; content:\".x\"; sid:1;)",
		    "buffer tls.random");
}

/* base64_decode / base64_data (detect-base64-decode.c, detect-base64-data.c). */
static void test_base64(void)
{
	struct nfips_rule *r;

	r = parse_opts("flow:to_server; http.uri; content:\"q=\"; "
		       "base64_decode:bytes 8, offset 2, relative; base64_data; content:\"x\";");
	tap_ok(&T, r && !r->skip && r->nmatches == 3 &&
	       r->matches[1].type == NFIPS_MATCH_BASE64_DECODE &&
	       r->matches[1].buf == NFIPS_BUF_HTTP_URI && r->matches[1].u.b64decode.bytes == 8 &&
	       r->matches[1].u.b64decode.offset == 2 && r->matches[1].u.b64decode.relative &&
	       r->matches[2].b64 && r->matches[2].buf == NFIPS_BUF_HTTP_URI && !r->matches[0].b64,
	       "base64_decode on the sticky buffer, base64_data's content on what it decodes");
	nfips_rule_free(r);
	r = parse_opts("content:\"a\"; http_uri; base64_decode; base64_data; content:\"b\";");
	tap_ok(&T, r && !r->skip && r->matches[1].buf == NFIPS_BUF_HTTP_URI &&
	       r->matches[1].u.b64decode.bytes == 65535 && r->matches[2].b64,
	       "base64_decode without a sticky buffer: the last content's buffer, 65535 bytes");
	nfips_rule_free(r);
	r = parse_opts("content:\"B64:\"; base64_decode:relative; base64_data; content:\"evil\";");
	if (r)
		nfips_rule_classify(r);
	tap_ok(&T, r && !r->skip && r->fp == 0 && !r->matches[2].buf && r->matches[2].b64,
	       "payload base64: the fast pattern is not the decoded content");
	nfips_rule_free(r);
#define E(opts, at, msg) expect_error("alert tcp any any -> any any (" opts " sid:1;)", at, msg)
	E("content:\"a\"; base64_data; content:\"b\";", "base64_data",
	  "without a preceding base64_decode");
	E("flow:to_server; http.uri; base64_decode; base64_data; content:\"b\"; http.host; content:\"c\";",
	  "http.host", "cannot change after base64_data");
	E("content:\"a\"; base64_decode; base64_data; pkt_data; content:\"c\";", "pkt_data",
	  "cannot change after base64_data");
	E("content:\"a\"; base64_decode; base64_data; content:\"b\"; fast_pattern;",
	  "fast_pattern", "fast_pattern cannot be used on base64_data");
	E("content:\"a\"; base64_decode:bytes x;", "bytes x", "bad value for bytes");
	E("content:\"a\"; base64_decode:relative, bytes 4;", ", bytes", "in that order");
	E("content:\"a\"; base64_decode; base64_data; content:\"b\"; http_uri;", "http_uri",
	  "on a base64_data content");
#undef E
	expect_skip("alert tcp any any -> any any (content:\"a\"; base64_decode; base64_data; "
		    "content:\"b\"; base64_decode; sid:1;)", "base64_decode after base64_data");
	expect_skip("alert tcp any any -> any any (content:\"a\"; base64_decode; content:\"b\"; "
		    "base64_decode; base64_data; content:\"c\"; sid:1;)", "several base64_decode");
}

/* DNS keywords (rules/rule_dns.c): as Suricata 7.0.10 reads them. */
static void test_dns(void)
{
	struct nfips_rule *r;

	r = parse("alert dns any any -> any any (dns.query; dotprefix; content:\".evil.com\"; "
		  "nocase; endswith; bsize:>9; sid:1;)");
	tap_ok(&T, r && !r->skip && r->proto == NFIPS_PROTO_IP &&
	       r->alproto == NFIPS_ALPROTO_DNS && r->app_dir == NFIPS_FLOW_TO_SERVER &&
	       r->nmatches == 1 && r->matches[0].buf == NFIPS_BUF_DNS_QUERY &&
	       r->nxforms == 1 && r->xforms[0].buf == NFIPS_BUF_DNS_QUERY &&
	       r->xforms[0].n == 1 && r->xforms[0].x[0].type == NFIPS_XF_DOTPREFIX &&
	       r->matches[0].xf == 1 && r->bufchk[0].xf == 1 &&
	       r->nbufchk == 1, "dns.query; dotprefix; content; bsize: a request rule");
	nfips_rule_free(r);
	r = parse("alert udp any any -> any 53 (dns_query; content:\"abc\"; sid:1;)");
	tap_ok(&T, r && !r->skip && r->proto == NFIPS_PROTO_UDP &&
	       r->alproto == NFIPS_ALPROTO_DNS && r->matches[0].buf == NFIPS_BUF_DNS_QUERY,
	       "alert udp with the legacy dns_query sticky buffer: DNS over UDP");
	nfips_rule_free(r);
	r = parse("alert dns any any -> any any (dns.opcode:! 4; sid:1;)");
	tap_ok(&T, r && !r->skip && r->ntxchk == 1 && r->txchk[0].negate &&
	       r->txchk[0].val == 4 && r->app_dir == (NFIPS_FLOW_TO_SERVER | NFIPS_FLOW_TO_CLIENT),
	       "dns.opcode:! 4 alone: requests and responses");
	nfips_rule_free(r);
	r = parse("alert dns any any -> any any (flow:to_client; dns.opcode:0; sid:1;)");
	tap_ok(&T, r && !r->skip && r->app_dir == NFIPS_FLOW_TO_CLIENT,
	       "dns.opcode with flow:to_client: responses");
	nfips_rule_free(r);
	expect_error("alert dns any any -> any any (dns.opcode:256; sid:1;)", "256",
		     "dns.opcode: expected [!]0-255");
	expect_error("alert dns any any -> any any (dns.opcode:x; sid:1;)", "x",
		     "dns.opcode: expected [!]0-255");
	/* Suricata 7.0.10 accepts it (two lists of dns.query): skipped */
	expect_skip("alert dns any any -> any any (dns.query; content:\"a\"; dotprefix; "
		    "content:\".b\"; sid:1;)", "dns.query used with different transforms in one rule");
	expect_error("alert dns any any -> any any (dns.query; dotprefix; content:\".a\"; dotprefix; sid:1;)",
		     "dotprefix; sid", "transforms must directly follow stickybuffers");
	expect_error("alert dns any any -> any any (dotprefix; sid:1;)",
		     "dotprefix", "transform 'dotprefix' without a sticky buffer before it");
	expect_error("alert dns any any -> any any (flow:to_client; dns.query; content:\"a\"; sid:1;)",
		     "content", "flow direction conflicts with the direction of its dns keywords");
	expect_skip("alert dns any any -> any any (dns.query; content:\"a\"; dns.query; "
		    "dotprefix; content:\".b\"; sid:1;)",
		    "dns.query used with different transforms in one rule");
	expect_skip("alert dns any any -> any any (dns.query; dotprefix; content:\".a\"; "
		    "dns.query; content:\"b\"; sid:1;)",
		    "dns.query selected again after its transforms");
	r = parse("alert dns any any -> any any (content:\"a\"; sid:1;)");
	tap_ok(&T, r && !r->skip && r->alproto == NFIPS_ALPROTO_DNS && !r->app_dir,
	       "alert dns with a payload content: packets and stream of DNS flows");
	nfips_rule_free(r);
	r = parse("alert dns any any -> any any (content:\"|00 18|\"; dns.query; content:\"a\"; "
		  "dsize:>3; sid:1;)");
	if (r)
		nfips_rule_classify(r);
	tap_ok(&T, r && !r->skip && r->app_dir && (r->eflags & NFIPS_E_PAYLOAD),
	       "dns keywords with payload and packet keywords: one transaction inspection");
	nfips_rule_free(r);
	expect_skip("alert icmp any any -> any any (dns.query; content:\"a\"; sid:1;)",
		    "dns keywords on protocol icmp");
}

int main(void)
{
	setup();
	test_transforms();
	test_base64();
	test_dns();
	teardown();
	return tap_done(&T);
}
