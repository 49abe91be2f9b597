// SPDX-License-Identifier: GPL-2.0
/*
 * Rule parser: every supported option keyword, the skip reasons of the
 * unsupported ones, every option error with its column, and the
 * classification.config reader.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>

#include "rule_util.h"

static const struct nfips_content *content(const struct nfips_rule *r, uint32_t i)
{
	if (!r || i >= r->nmatches || r->matches[i].type != NFIPS_MATCH_CONTENT)
		return NULL;
	return &r->matches[i].u.content;
}

static bool bytes_are(const struct nfips_content *c, const char *b, uint32_t len)
{
	return c && c->len == len && !memcmp(c->bytes, b, len);
}

static void test_identity(void)
{
	struct nfips_rule *r;

	r = parse("alert tcp any any -> any any (msg:\"ET \\\"q\\\" a\\;b \\\\ c\\:d \\d\"; "
		  "sid:2001; rev:12; gid:3; classtype:trojan-activity; "
		  "reference:url,example.com/a,b; reference:cve, 2020-1234; "
		  "metadata:created_at 2010_07_30, signature_severity Major, ,former_category  X Y; "
		  "metadata:affected_product Linux;)");
	tap_ok(&T, r && !strcmp(r->msg, "ET \"q\" a;b \\ c:d \\d"), "msg unescapes \\\" \\; \\\\ \\: only");
	tap_ok(&T, r && r->sid == 2001 && r->rev == 12 && r->gid == 3, "sid, rev, gid");
	tap_ok(&T, r && !strcmp(r->classtype, "trojan-activity") && r->priority == 1,
	       "classtype gives the priority");
	tap_ok(&T, r && r->nrefs == 2 && !strcmp(r->refs[0].key, "url") &&
	       !strcmp(r->refs[0].value, "example.com/a,b") &&
	       !strcmp(r->refs[1].key, "cve") && !strcmp(r->refs[1].value, "2020-1234"),
	       "reference type,id");
	tap_ok(&T, r && r->nmetadata == 4 &&
	       !strcmp(r->metadata[0].key, "created_at") &&
	       !strcmp(r->metadata[0].value, "2010_07_30") &&
	       !strcmp(r->metadata[1].key, "signature_severity") &&
	       !strcmp(r->metadata[1].value, "Major") &&
	       !strcmp(r->metadata[2].key, "former_category") &&
	       !strcmp(r->metadata[2].value, "X Y") &&
	       !strcmp(r->metadata[3].key, "affected_product"),
	       "metadata keeps every pair, across keywords");
	nfips_rule_free(r);

	r = parse_opts("msg:unquoted text; classtype:misc-activity; priority:2;");
	tap_ok(&T, r && !strcmp(r->msg, "unquoted text") && r->priority == 2,
	       "unquoted msg; priority overrides the classtype's");
	nfips_rule_free(r);
	r = parse_opts("priority:\"4\";");
	tap_ok(&T, r && r->priority == 4 && !r->classtype && r->rev == 0,
	       "quoted priority; rev defaults to 0");
	nfips_rule_free(r);
	r = parse_opts("msg:\"x\";");
	tap_ok(&T, r && r->priority == 3, "default priority is 3");
	nfips_rule_free(r);

	expect_error("alert tcp any any -> any any (sid:0;)", "0;", "sid: invalid number");
	expect_error("alert tcp any any -> any any (sid:12a;)", "12a", "sid: invalid number");
	expect_error("alert tcp any any -> any any (sid:4294967296;)", "429", "invalid number");
	expect_error("alert tcp any any -> any any (sid:1; sid:2;)", "2;)", "duplicate sid");
	expect_error("alert tcp any any -> any any (rev:x; sid:1;)", "x;", "rev: invalid number");
	expect_error("alert tcp any any -> any any (gid:-1; sid:1;)", "-1", "gid: invalid number");
	expect_error("alert tcp any any -> any any (rev:1; rev:2; sid:1;)", "2;", "duplicate rev");
	expect_error("alert tcp any any -> any any (msg:\"a\"; msg:\"b\"; sid:1;)", "\"b\"",
		     "duplicate msg");
	expect_error("alert tcp any any -> any any (msg:\"abc; sid:1;)", "\"abc",
		     "unterminated string");
	expect_error("alert tcp any any -> any any (msg:\"a\"b\"; sid:1;)", "\"b\"",
		     "must be escaped");
	expect_error("alert tcp any any -> any any (classtype:no-such; sid:1;)", "no-such",
		     "unknown classtype 'no-such'");
	expect_error("alert tcp any any -> any any (classtype:; sid:1;)", "; sid",
		     "classtype: empty name");
	expect_error("alert tcp any any -> any any (classtype:a b; sid:1;)", "a b",
		     "classtype: invalid name");
	expect_error("alert tcp any any -> any any (classtype:misc-activity; "
		     "classtype:misc-activity; sid:1;)", "misc-activity; sid", "duplicate classtype");
	expect_error("alert tcp any any -> any any (priority:0; sid:1;)", "0;", "priority");
	expect_error("alert tcp any any -> any any (priority:256; sid:1;)", "256", "out of range");
	expect_error("alert tcp any any -> any any (reference:nocomma; sid:1;)", "nocomma",
		     "expected 'type,id'");
}

static void test_content(void)
{
	struct nfips_rule *r;
	const struct nfips_content *c;

	r = parse_opts("content:\"a|0d 0A|b|41|\\\"\\;\\:\\\\\"; content:! \"neg\"; "
		       "content:\"|00|\"; content:\"|4142 43|\";");
	tap_ok(&T, bytes_are(content(r, 0), "a\r\nbA\";:\\", 9) &&
	       content(r, 0)->flags == 0, "content: text, |hex| and escapes");
	tap_ok(&T, bytes_are(content(r, 1), "neg", 3) &&
	       content(r, 1)->flags == NFIPS_C_NEGATED, "content: ! negation");
	tap_ok(&T, bytes_are(content(r, 2), "\0", 1) && bytes_are(content(r, 3), "ABC", 3),
	       "content: NUL byte, hex without blanks");
	tap_ok(&T, r && r->nmatches == 4 && r->matches[1].opt == 1, "content: match records its option");
	nfips_rule_free(r);

	r = parse_opts("content:\"abc\"; nocase; depth:10; offset:2; content:\"de\"; "
		       "distance:-3; within:8; content:\"f\"; startswith; endswith; "
		       "content:\"g\"; rawbytes; isdataat:!1,relative;");
	c = content(r, 0);
	tap_ok(&T, c && c->flags == (NFIPS_C_NOCASE | NFIPS_C_DEPTH | NFIPS_C_OFFSET) &&
	       c->depth == 10 && c->offset == 2, "nocase, depth, offset");
	c = content(r, 1);
	tap_ok(&T, c && c->flags == (NFIPS_C_DISTANCE | NFIPS_C_WITHIN) &&
	       c->distance == -3 && c->within == 8, "distance (negative), within");
	c = content(r, 2);
	tap_ok(&T, c && c->flags == (NFIPS_C_STARTSWITH | NFIPS_C_ENDSWITH),
	       "startswith, endswith");
	c = content(r, 3);
	tap_ok(&T, c && c->flags == NFIPS_C_RAWBYTES && r->matches[4].type == NFIPS_MATCH_ISDATAAT &&
	       r->matches[4].u.isdataat.n == 1 &&
	       r->matches[4].u.isdataat.flags == (NFIPS_I_NEGATED | NFIPS_I_RELATIVE),
	       "rawbytes; isdataat:!1,relative");
	tap_ok(&T, r && !r->skip, "raw payload modifiers are not skipped");
	nfips_rule_free(r);

	r = parse_opts("content:\"abc\"; content:\"xyz\"; pcre:\"/a/\"; nocase;");
	tap_ok(&T, content(r, 1) && (content(r, 1)->flags & NFIPS_C_NOCASE) &&
	       !(content(r, 0)->flags & NFIPS_C_NOCASE),
	       "a modifier applies to the last content, even after a pcre");
	nfips_rule_free(r);

	r = parse_opts("isdataat:20; isdataat:5,relative,rawbytes;");
	tap_ok(&T, r && r->nmatches == 2 && r->matches[0].u.isdataat.n == 20 &&
	       r->matches[0].u.isdataat.flags == 0 &&
	       r->matches[1].u.isdataat.flags == (NFIPS_I_RELATIVE | NFIPS_I_RAWBYTES),
	       "isdataat forms");
	nfips_rule_free(r);

#define E(opts, at, msg) expect_error("alert tcp any any -> any any (" opts " sid:1;)", at, msg)
	E("content:abc;", "abc", "quoted string");
	E("content:\"abc;", "\"abc", "missing closing '\"'");
	E("content:\"a\"b\";", "b\"", "unexpected text after the string");
	E("content:\"|41 4|\";", "|\";", "odd number of hex digits");
	E("content:\"|41 4g|\";", "g|", "invalid hex digit 'g'");
	E("content:\"|41\";", "|41", "unterminated |hex|");
	E("content:\"a\\x\";", "\\x", "invalid escape '\\x'");
	E("content:\"\";", "\"\"", "content is empty");
	E("content:\"||\";", "\"||", "content is empty");
	E("nocase;", "nocase", "needs a preceding content");
	E("depth:4;", "depth", "needs a preceding content");
	E("content:\"a\"; nocase; nocase;", "nocase; s", "given twice");
	E("content:\"abc\"; depth:2;", "2;", "depth 2 is smaller than the content");
	E("content:\"abc\"; depth:0;", "0;", "depth 0 is smaller");
	E("content:\"abc\"; depth:x;", "x;", "depth: unknown byte_extract variable 'x'");
	E("content:\"abc\"; depth:_x;", "_x;", "depth: invalid number");
	E("content:\"abc\"; offset:-1;", "-1", "offset: invalid number");
	E("content:\"abc\"; within:2;", "2;", "within 2 is smaller than the content");
	E("content:\"abc\"; distance:1.5;", "1.5", "distance: invalid number");
	E("content:\"abc\"; depth:5; distance:1;", "distance", "cannot be combined with 'depth'");
	E("content:\"abc\"; within:5; offset:1;", "offset", "cannot be combined with 'within'");
	E("content:\"abc\"; startswith; depth:5;", "depth", "cannot be combined with 'startswith'");
	E("content:\"abc\"; offset:1; startswith;", "startswith", "cannot be combined with 'offset'");
	E("content:\"abc\"; endswith; endswith;", "endswith; s", "given twice");
	E("isdataat:x;", "x;", "isdataat: unknown byte_extract variable 'x'");
	E("isdataat:-1;", "-1", "isdataat: invalid number");
	E("isdataat:1,relativ;", "relativ", "isdataat: unknown option");
	E("isdataat:1 relative;", "relative", "expected ','");
}

static void test_fast_pattern(void)
{
	struct nfips_rule *r;

	r = parse_opts("content:\"abcdef\"; fast_pattern:2,3; content:\"xyz\";");
	tap_ok(&T, content(r, 0) &&
	       content(r, 0)->flags == (NFIPS_C_FAST_PATTERN | NFIPS_C_FP_CHOP) &&
	       content(r, 0)->fp_off == 2 && content(r, 0)->fp_len == 3,
	       "fast_pattern:offset,length");
	nfips_rule_free(r);
	r = parse_opts("content:\"abc\"; fast_pattern:only; nocase;");
	tap_ok(&T, content(r, 0) && content(r, 0)->flags ==
	       (NFIPS_C_FAST_PATTERN | NFIPS_C_FP_ONLY | NFIPS_C_NOCASE), "fast_pattern:only");
	nfips_rule_free(r);
	r = parse_opts("content:\"abc\"; content:!\"de\"; fast_pattern;");
	tap_ok(&T, content(r, 1) && content(r, 1)->flags ==
	       (NFIPS_C_FAST_PATTERN | NFIPS_C_NEGATED), "fast_pattern on a negated content");
	nfips_rule_free(r);

	E("content:\"a\"; fast_pattern; content:\"b\"; fast_pattern;", "fast_pattern; s",
	  "only one content");
	E("content:\"abc\"; fast_pattern:2,2;", "2,2", "outside the 3-byte content");
	E("content:\"abc\"; fast_pattern:1,0;", "1,0", "outside");
	E("content:\"abc\"; fast_pattern:first;", "first", "expected nothing, 'only'");
	E("content:!\"abc\"; fast_pattern:only;", "only", "negated content");
	E("content:\"abc\"; depth:4; fast_pattern:only;", "only", "cannot be used with depth");
	E("content:\"abc\"; fast_pattern:only; offset:1;", "offset",
	  "cannot be combined with 'fast_pattern:only'");
	E("content:\"abc\"; fast_pattern:only; content:\"d\"; distance:0;", "distance",
	  "relative to a fast_pattern:only content");
	E("fast_pattern;", "fast_pattern", "needs a preceding content");
}

static void test_pcre(void)
{
	struct nfips_rule *r;
	const struct nfips_pcre *p;

	r = parse_opts("content:\"a\"; pcre:\"/^a[b\\;]+\\/c/ismxAEGRO\"; pcre:!\"/x/\";");
	p = r && r->nmatches == 3 ? &r->matches[1].u.pcre : NULL;
	tap_ok(&T, p && r->matches[1].type == NFIPS_MATCH_PCRE &&
	       !strcmp(p->source, "^a[b\\;]+\\/c") && !strcmp(p->modifiers, "ismxAEGRO"),
	       "pcre source and modifiers");
	tap_ok(&T, p && p->options == (PCRE2_CASELESS | PCRE2_DOTALL | PCRE2_MULTILINE |
				       PCRE2_EXTENDED | PCRE2_ANCHORED |
				       PCRE2_DOLLAR_ENDONLY | PCRE2_UNGREEDY) &&
	       p->flags == (NFIPS_P_RELATIVE | NFIPS_P_MATCH_LIMIT) && p->code,
	       "pcre modifiers i s m x A E G R O, compiled");
	tap_ok(&T, r && r->matches[2].u.pcre.flags == NFIPS_P_NEGATED &&
	       r->matches[2].u.pcre.options == 0 && !r->skip, "pcre negation");
	nfips_rule_free(r);

	/* Suricata takes the regex unquoted as well (ET rules have a few). */
	r = parse_opts("pcre:/a b/i; pcre:!/x/R;");
	tap_ok(&T, r && r->nmatches == 2 && !strcmp(r->matches[0].u.pcre.source, "a b") &&
	       !strcmp(r->matches[0].u.pcre.modifiers, "i") &&
	       r->matches[0].u.pcre.options == PCRE2_CASELESS && r->matches[0].u.pcre.code &&
	       r->matches[1].u.pcre.flags == (NFIPS_P_NEGATED | NFIPS_P_RELATIVE) && !r->skip,
	       "pcre unquoted: /regex/flags and !/regex/flags");
	nfips_rule_free(r);
	E("pcre:abc;", "abc", "expected /regex/");
	E("pcre:/abc;", "/abc", "expected /regex/");
	E("pcre:\"abc\";", "abc", "expected /regex/");
	E("pcre:\"/abc\";", "/abc", "expected /regex/");
	E("pcre:\"/a(b/i\";", "/i\"", "pcre: missing closing parenthesis");
	E("pcre:\"/ab/iq\";", "q\"", "unknown modifier 'q'");
	E("pcre:\"/a/\"x;", "\"/a/\"x", "closing quote");
}

static void test_flow_and_state(void)
{
	struct nfips_rule *r;

	r = parse_opts("flow: established , to_server; flowbits:set,a; flowbits:isset,b|c; "
		       "flowbits:isnotset,d; flowbits:unset,e&f; flowbits:toggle,g; "
		       "flowbits:noalert;");
	tap_ok(&T, r && (r->flags & NFIPS_R_FLOW) &&
	       r->flow == (NFIPS_FLOW_ESTABLISHED | NFIPS_FLOW_TO_SERVER), "flow established,to_server");
	tap_ok(&T, r && r->nflowbits == 5 && r->flowbits[0].cmd == NFIPS_FB_SET &&
	       r->flowbits[0].n == 1 && !strcmp(r->flowbits[0].names[0], "a") &&
	       r->flowbits[1].cmd == NFIPS_FB_ISSET && r->flowbits[1].any &&
	       r->flowbits[1].n == 2 && !strcmp(r->flowbits[1].names[1], "c") &&
	       r->flowbits[2].cmd == NFIPS_FB_ISNOTSET &&
	       r->flowbits[3].cmd == NFIPS_FB_UNSET && !r->flowbits[3].any &&
	       r->flowbits[3].n == 2 && r->flowbits[4].cmd == NFIPS_FB_TOGGLE,
	       "flowbits set/isset (a|b)/isnotset/unset (a&b)/toggle");
	tap_ok(&T, r && (r->flags & NFIPS_R_NOALERT) && !r->skip, "flowbits:noalert");
	nfips_rule_free(r);

	r = parse_opts("flow:from_client,not_established,only_stream;");
	tap_ok(&T, r && r->flow == (NFIPS_FLOW_TO_SERVER | NFIPS_FLOW_NOT_ESTABLISHED |
				    NFIPS_FLOW_ONLY_STREAM), "flow from_client,not_established,only_stream");
	nfips_rule_free(r);
	r = parse_opts("flow:from_server,stateless,no_stream;");
	tap_ok(&T, r && r->flow == (NFIPS_FLOW_TO_CLIENT | NFIPS_FLOW_STATELESS |
				    NFIPS_FLOW_NO_STREAM), "flow from_server,stateless,no_stream");
	nfips_rule_free(r);
	r = parse_opts("flow:to_client;");
	tap_ok(&T, r && r->flow == NFIPS_FLOW_TO_CLIENT, "flow to_client");
	nfips_rule_free(r);

	E("flow:to_server,to_client;", "to_client", "contradicts");
	E("flow:established,not_established;", "not_established", "contradicts");
	E("flow:only_stream,no_stream;", "no_stream", "contradicts");
	E("flow:to_server,from_client;", "from_client", "repeats");
	E("flow:sideways;", "sideways", "flow: unknown option 'sideways'");
	E("flow:established; flow:to_server;", "to_server;", "duplicate flow");
	E("flowbits:flip,a;", "flip", "unknown command 'flip'");
	E("flowbits:set;", "set", "needs a name");
	E("flowbits:noalert,a;", "noalert", "takes no name");
	E("flowbits:set,a|b;", "a|b", "only valid with isset");
	E("flowbits:isset,a|b&c;", "a|b", "cannot mix");
	E("flowbits:set,a b;", "a b", "invalid name 'a b'");
	E("flowbits:isset,a|;", "; sid", "invalid name ''");
}

static void test_dsize_threshold(void)
{
	static const struct {
		const char *text;
		enum nfips_cmp op;
		uint32_t a, b;
	} cases[] = {
		{ "10", NFIPS_CMP_EQ, 10, 0 }, { "!10", NFIPS_CMP_NE, 10, 0 },
		{ "<10", NFIPS_CMP_LT, 10, 0 }, { "<=10", NFIPS_CMP_LE, 10, 0 },
		{ ">10", NFIPS_CMP_GT, 10, 0 }, { ">= 10", NFIPS_CMP_GE, 10, 0 },
		{ "9<>18", NFIPS_CMP_RANGE, 9, 18 }, { "9 - 18", NFIPS_CMP_RANGE, 9, 18 },
	};
	struct nfips_rule *r;
	char buf[64];
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "dsize:%s;", cases[i].text);
		r = parse_opts(buf);
		tap_ok(&T, r && (r->flags & NFIPS_R_DSIZE) && r->dsize.op == cases[i].op &&
		       r->dsize.a == cases[i].a && r->dsize.b == cases[i].b,
		       "dsize:%s", cases[i].text);
		nfips_rule_free(r);
	}
	E("dsize:x;", "x;", "dsize: invalid value");
	E("dsize:70000;", "70000", "dsize: invalid value");
	E("dsize:18<>9;", "18<>9", "is empty");
	E("dsize:1<>x;", "1<>x", "invalid range");
	E("dsize:1; dsize:2;", "2;", "duplicate dsize");

	r = parse_opts("threshold: type limit, track by_src, seconds 60, count 1;");
	tap_ok(&T, r && (r->flags & NFIPS_R_THRESHOLD) &&
	       r->threshold.type == NFIPS_THR_LIMIT && r->threshold.track == NFIPS_TRACK_BY_SRC &&
	       r->threshold.count == 1 && r->threshold.seconds == 60, "threshold limit");
	nfips_rule_free(r);
	r = parse_opts("threshold:type both,track by_dst,count 5,seconds 2;");
	tap_ok(&T, r && r->threshold.type == NFIPS_THR_BOTH &&
	       r->threshold.track == NFIPS_TRACK_BY_DST && r->threshold.count == 5,
	       "threshold both, no blanks");
	nfips_rule_free(r);
	r = parse_opts("threshold:type threshold,track by_rule,count 3,seconds 9;");
	tap_ok(&T, r && r->threshold.type == NFIPS_THR_THRESHOLD &&
	       r->threshold.track == NFIPS_TRACK_BY_RULE, "threshold type threshold, by_rule");
	nfips_rule_free(r);
	r = parse_opts("detection_filter:track by_both, count 15, seconds 2;");
	tap_ok(&T, r && r->threshold.type == NFIPS_THR_DETECTION_FILTER &&
	       r->threshold.track == NFIPS_TRACK_BY_BOTH && r->threshold.count == 15 &&
	       r->threshold.seconds == 2, "detection_filter");
	nfips_rule_free(r);

	E("threshold:type limit, track by_src, count 1;", "type", "needs type, track, count");
	E("threshold:type some, track by_src, count 1, seconds 2;", "type some",
	  "invalid type 'some'");
	E("threshold:type limit, track by_x, count 1, seconds 2;", "track by_x",
	  "invalid track");
	E("threshold:type limit, track by_src, count one, seconds 2;", "count one",
	  "invalid count");
	E("threshold:type limit, type both, track by_src, count 1, seconds 2;", "type both",
	  "duplicate 'type'");
	E("threshold:type limit, track by_src, count 1, seconds 2, when now;", "when",
	  "unknown field 'when'");
	E("detection_filter:type limit, track by_src, count 1, seconds 2;", "type",
	  "unknown field 'type'");
	E("threshold:type limit, track by_src, count 1, seconds 2; "
	  "detection_filter:track by_src, count 1, seconds 2;", "track by_src, count 1, seconds 2; sid",
	  "at most one");
}

static void test_other_keywords(void)
{
	struct nfips_rule *r;

	r = parse_opts("tag:session,300,seconds; target:dest_ip; noalert; pkt_data;");
	tap_ok(&T, r && !r->skip && (r->flags & NFIPS_R_TAG) && !strcmp(r->tag, "session,300,seconds") &&
	       (r->flags & NFIPS_R_TARGET_DST) && (r->flags & NFIPS_R_NOALERT),
	       "tag, target, noalert, pkt_data accepted");
	nfips_rule_free(r);
	r = parse_opts("tag:host,10,packets,src; target:src_ip;");
	tap_ok(&T, r && (r->flags & NFIPS_R_TARGET_SRC), "tag host, target src_ip");
	nfips_rule_free(r);
	E("tag:flow,1,packets;", "flow", "tag: expected session or host");
	E("target:dst;", "dst", "target: expected src_ip or dest_ip");
	E("noalert:1;", "noalert", "takes no value");
}

/* Sticky buffers, content modifiers and pcre flags put keywords in buffers. */
static void test_buffers(void)
{
	static const struct {
		const char *opts;
		uint32_t bufs[4];	/* of each match, in order */
		uint32_t dir;
	} cases[] = {
		{ "http.uri; content:\"a\"; content:\"b\"; distance:0;",
		  { NFIPS_BUF_HTTP_URI, NFIPS_BUF_HTTP_URI }, NFIPS_FLOW_TO_SERVER },
		{ "content:\"GET\"; http_method; content:\"/x\"; http_raw_uri;",
		  { NFIPS_BUF_HTTP_METHOD, NFIPS_BUF_HTTP_URI_RAW }, NFIPS_FLOW_TO_SERVER },
		{ "uricontent:\"/a\"; nocase; pcre:\"/b/V\";",
		  { NFIPS_BUF_HTTP_URI, NFIPS_BUF_HTTP_USER_AGENT }, NFIPS_FLOW_TO_SERVER },
		{ "flow:to_client; file_data; content:\"x\"; http.stat_code; content:\"200\";",
		  { NFIPS_BUF_HTTP_RESPONSE_BODY, NFIPS_BUF_HTTP_STAT_CODE }, NFIPS_FLOW_TO_CLIENT },
		{ "flow:to_server; http.header; content:\"a\"; pkt_data; http_start; content:\"b\";",
		  { NFIPS_BUF_HTTP_HEADER, NFIPS_BUF_HTTP_START }, NFIPS_FLOW_TO_SERVER },
		{ "flow:to_client; pcre:\"/a/Q\"; pcre:\"/b/S\"; pcre:\"/c/Y\"; pcre:\"/d/D\";",
		  { NFIPS_BUF_HTTP_RESPONSE_BODY, NFIPS_BUF_HTTP_STAT_CODE,
		    NFIPS_BUF_HTTP_STAT_MSG, NFIPS_BUF_HTTP_HEADER_RAW }, NFIPS_FLOW_TO_CLIENT },
		{ "http.uri; pcre:\"/a/U\"; http.user_agent; pcre:\"/b/V\";",
		  { NFIPS_BUF_HTTP_URI, NFIPS_BUF_HTTP_USER_AGENT }, NFIPS_FLOW_TO_SERVER },
		{ "http_accept_lang; content:\"en\"; http.host.raw; content:\"X\";",
		  { NFIPS_BUF_HTTP_ACCEPT_LANG, NFIPS_BUF_HTTP_HOST_RAW }, NFIPS_FLOW_TO_SERVER },
	};
	struct nfips_rule *r;
	unsigned i, j;
	bool ok;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = parse_opts(cases[i].opts);
		ok = r && !r->skip && r->alproto == NFIPS_ALPROTO_HTTP &&
		     r->app_dir == cases[i].dir;
		for (j = 0; ok && j < r->nmatches; j++)
			ok = r->matches[j].buf == cases[i].bufs[j];
		tap_ok(&T, ok, "buffers of: %s", cases[i].opts);
		nfips_rule_free(r);
	}
	r = parse_opts("http.uri; bsize:<10; urilen:>2,raw; content:\"a\";");
	tap_ok(&T, r && r->nbufchk == 2 && r->bufchk[0].buf == NFIPS_BUF_HTTP_URI &&
	       r->bufchk[0].cmp.op == NFIPS_CMP_LT && r->bufchk[0].cmp.a == 10 &&
	       r->bufchk[1].buf == NFIPS_BUF_HTTP_URI_RAW && r->bufchk[1].cmp.op == NFIPS_CMP_GT,
	       "bsize on the sticky buffer, urilen on the raw URI");
	nfips_rule_free(r);
	r = parse("alert http any any -> any any (content:\"x\"; sid:1;)");
	tap_ok(&T, r && !r->skip && r->proto == NFIPS_PROTO_TCP &&
	       r->alproto == NFIPS_ALPROTO_HTTP && !r->app_dir,
	       "alert http with a payload content: TCP on flows detected as HTTP");
	nfips_rule_free(r);
}

/* TLS buffers: directions, aliases, Suricata's validate and setup callbacks. */
static void test_tls(void)
{
	static const struct {
		const char *opts;
		uint32_t buf, dir;
	} cases[] = {
		{ "tls.sni; content:\"a\";", NFIPS_BUF_TLS_SNI, NFIPS_FLOW_TO_SERVER },
		{ "tls_sni; content:\"a\";", NFIPS_BUF_TLS_SNI, NFIPS_FLOW_TO_SERVER },
		/* each direction's certificates (the client's to the server) */
		{ "tls.cert_subject; content:\"CN=a\";", NFIPS_BUF_TLS_CERT_SUBJECT,
		  NFIPS_FLOW_TO_SERVER | NFIPS_FLOW_TO_CLIENT },
		{ "flow:to_client; tls_cert_issuer; content:\"a\";", NFIPS_BUF_TLS_CERT_ISSUER,
		  NFIPS_FLOW_TO_CLIENT },
		{ "flow:to_server; tls.certs; content:\"|30 82|\";", NFIPS_BUF_TLS_CERTS,
		  NFIPS_FLOW_TO_SERVER },
		{ "ja3.string; content:\"771,\";", NFIPS_BUF_JA3_STRING, NFIPS_FLOW_TO_SERVER },
		{ "ja3s.string; content:\"771,\";", NFIPS_BUF_JA3S_STRING, NFIPS_FLOW_TO_CLIENT },
		{ "ja4.hash; content:\"t13d\";", NFIPS_BUF_JA4_HASH, NFIPS_FLOW_TO_SERVER },
	};
	struct nfips_rule *r;
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = parse_opts(cases[i].opts);
		tap_ok(&T, r && !r->skip && r->alproto == NFIPS_ALPROTO_TLS &&
		       r->app_dir == cases[i].dir && r->matches[0].buf == cases[i].buf,
		       "tls buffer of: %s", cases[i].opts);
		nfips_rule_free(r);
	}
	/* The buffers are lower case (fingerprint, hashes), upper (serial). */
	r = parse_opts("tls.cert_fingerprint; content:\"AB:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01\";");
	tap_ok(&T, r && !memcmp(r->matches[0].u.content.bytes, "ab:cd:ef", 8),
	       "tls.cert_fingerprint content folded to lower case");
	nfips_rule_free(r);
	r = parse_opts("ja3_hash; content:\"E7D705A3286E19EA42F587B344EE6865\";");
	tap_ok(&T, r && r->matches[0].buf == NFIPS_BUF_JA3_HASH &&
	       !memcmp(r->matches[0].u.content.bytes, "e7d705a3", 8),
	       "ja3_hash content folded to lower case");
	nfips_rule_free(r);
	r = parse_opts("tls.cert_serial; content:\"0a:bc\";");
	tap_ok(&T, r && !memcmp(r->matches[0].u.content.bytes, "0A:BC", 5),
	       "tls.cert_serial content folded to upper case");
	nfips_rule_free(r);
	r = parse_opts("tls.cert_serial; content:\"0a:bc\"; nocase;");
	tap_ok(&T, r && !memcmp(r->matches[0].u.content.bytes, "0a:bc", 5),
	       "tls.cert_serial with nocase: kept");
	nfips_rule_free(r);
	r = parse("alert tls any any -> any 8443 (content:\"|16 03|\"; sid:1;)");
	tap_ok(&T, r && !r->skip && r->proto == NFIPS_PROTO_TCP &&
	       r->alproto == NFIPS_ALPROTO_TLS && !r->app_dir,
	       "alert tls with a payload content: TCP on flows detected as TLS");
	nfips_rule_free(r);
	E("tls.cert_fingerprint; content:\"ab:cd\";", "content:\"ab",
	  "invalid length of the fingerprint");
	E("tls.cert_fingerprint; content:\"abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcde\";",
	  "content:", "no colon delimiters");
	E("ja3.hash; content:\"e7d705a3\";", "content:", "invalid length of the hash");
	E("ja3s.hash; content:!\"e7d705a3\";", "content:", "invalid length of the hash");
	E("tls.cert_serial; content:\"0ABC\";", "content:", "no colon delimiters");
	E("flow:to_client; tls.sni; content:\"a\";", "content:",
	  "flow direction conflicts with the direction of its tls buffers");
	E("tls.sni; content:\"a\"; ja3s.string; content:\"b\";", "content:",
	  "conflicting directions");
	/* tls.version as DetectTlsVersionParse: a prefix, or 0x and 4 digits, raw */
	{
		static const struct {
			const char *opts;
			uint32_t id, val, dir;
		} v[] = {
			{ "tls.version:1.2;", NFIPS_TXINT_TLS_VERSION, 0x0303,
			  NFIPS_FLOW_TO_SERVER | NFIPS_FLOW_TO_CLIENT },
			{ "flow:to_client; tls.version:1.3x;", NFIPS_TXINT_TLS_VERSION, 0x0304,
			  NFIPS_FLOW_TO_CLIENT },
			{ "tls.version:0x7f1c;", NFIPS_TXINT_TLS_VERSION_RAW, 0x7f1c,
			  NFIPS_FLOW_TO_SERVER | NFIPS_FLOW_TO_CLIENT },
		};

		for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			r = parse_opts(v[i].opts);
			tap_ok(&T, r && !r->skip && r->alproto == NFIPS_ALPROTO_TLS && r->ntxchk == 1 &&
			       r->txchk[0].id == v[i].id && r->txchk[0].val == v[i].val &&
			       r->app_dir == v[i].dir, "tls.version of: %s", v[i].opts);
			nfips_rule_free(r);
		}
	}
	E("tls.version:\"1.2\";", "\"1.2\"", "quotes on a keyword that does not take them");
	E("tls.version:2.0;", "2.0", "expected 1.0, 1.1, 1.2, 1.3 or 0xNNNN");
	E("tls.version:0x303;", "0x303", "expected 1.0, 1.1, 1.2, 1.3 or 0xNNNN");
	expect_error("alert http any any -> any any (tls.version:1.2; sid:1;)", "1.2",
		     "tls.version on a rule of another application-layer protocol");
	/* the SNI and the client's certificate: a rule to the server */
	r = parse_opts("tls.sni; content:\"a\"; tls.cert_subject; content:\"b\";");
	tap_ok(&T, r && !r->skip && r->app_dir == NFIPS_FLOW_TO_SERVER,
	       "tls.sni with tls.cert_subject: the client's certificate, to the server");
	nfips_rule_free(r);
	expect_error("alert http any any -> any any (tls.sni; content:\"a\"; sid:1;)", "alert",
		     "tls.sni keywords on a rule of another application-layer protocol");
	expect_error("alert tcp any any -> any any (http.uri; content:\"a\"; tls.sni; content:\"b\"; sid:1;)",
		     "alert", "keywords on a rule of another application-layer protocol");
	expect_error("alert ssl any any -> any any (tls.sni; content:\"a\"; sid:1;)", "ssl",
		     "protocol ssl cannot be used");
	r = parse_opts("tls.sni; content:\"a\"; dotprefix; http.uri; content:\"b\";");
	tap_ok(&T, !r, "dotprefix buffers of two protocols: refused");
	nfips_rule_free(r);
	r = parse_opts("tls.sni; dotprefix; dotprefix; content:\"..a\";");
	tap_ok(&T, r && !r->skip && r->nxforms == 1 && r->xforms[0].buf == NFIPS_BUF_TLS_SNI &&
	       r->xforms[0].n == 2 && r->xforms[0].x[0].type == NFIPS_XF_DOTPREFIX &&
	       r->xforms[0].x[1].type == NFIPS_XF_DOTPREFIX && r->matches[0].xf == 1,
	       "dotprefix twice on tls.sni: one chain of two, the content on it");
	nfips_rule_free(r);
	/* a content before the transform is on tls.sni as it is: two lists */
	expect_skip("alert tls any any -> any any (tls.sni; content:\"a\"; dotprefix; "
		    "content:\".a\"; sid:1;)", "tls.sni used with different transforms in one rule");
	E("dotprefix; content:\"a\";", "dotprefix",
	  "transform 'dotprefix' without a sticky buffer before it");
	E("tls.sni; dotprefix:1; content:\"a\";", "dotprefix", "'dotprefix' takes no value");
	expect_skip("alert tls any any -> any any (sid:1;)",
		    "protocol tls without tls keywords or content");
	expect_skip("alert udp any any -> any any (tls.sni; content:\"a\"; sid:1;)",
		    "tls keywords on protocol udp");
}

static void test_skips(void)
{
	static const struct {
		const char *opts, *reason;
	} cases[] = {
		{ "dns.answer.name; content:\"x\";", "buffer dns.answer.name" },
		{ "tls.random; content:\"x\";", "buffer tls.random" },
		{ "http2.header; content:\"x\";", "buffer http2.header" },
		{ "dns.answer.name; content:\"x\"; bsize:3;", "buffer dns.answer.name" },
		{ "file_data; content:\"x\";", "file.data without flow:to_client (request files)" },
		{ "flow:to_server; http.cookie; content:\"a\"; file.data; content:\"x\";",
		  "file.data without flow:to_client (request files)" },
		{ "http.method; content:\"POST\"; file.data; content:\"x\";",
		  "file.data without flow:to_client (request files)" },
		{ "http.header; content:\"a\"; file.data; content:\"x\";",
		  "file.data without flow:to_client (request files)" },
		{ "content:\"x\"; http_server_body;",
		  "file.data without flow:to_client (request files)" },
		{ "pcre:\"/x/Q\";", "file.data without flow:to_client (request files)" },
		{ "dns.answer.name; pcre:\"/a/U\";", "buffer dns.answer.name" },
		{ "http.uri; content:\"a\"; byte_extract:1,0,v; http.user_agent; content:\"b\"; within:v;",
		  "byte_extract across http buffers" },
		{ "content:\"a\"; asn1:oversize_length 10;", "keyword asn1" },
		{ "ipopts:rr;", "keyword ipopts" },
		{ "byte_math:bytes 1,offset 0,oper +,rvalue 1,result r; content:\"a\"; within:r;",
		  "keyword byte_math" },
		{ "byte_extract:2,0,len,dce; content:\"a\"; within:len;", "dce" },
		{ "byte_extract:0,0,len,string; content:\"a\"; within:len;", "byte_extract of 0 bytes" },
		{ "byte_extract:1,0,n; byte_extract:1,1,m; content:\"a\"; depth:m; offset:3;",
		  "offset after a depth variable" },
		{ "lua:script.lua;", "keyword lua" },
		{ "tcp.mss:<536;", "keyword tcp.mss" },
		{ "icmpv6.mtu:<1280;", "keyword icmpv6.mtu" },
		{ "xbits:toggle,x,track ip_src;", "xbits toggle" },
		{ "flow:established,only_frag;", "flow only_frag" },
		{ "app-layer-event:applayer_mismatch_protocol_both_directions;",
		  "app-layer-event applayer_mismatch_protocol_both_directions" },
		{ "app-layer-event:tls.invalid_record_type;", "app-layer-event on tls" },
		{ "flow:to_server; app-layer-event:http.multipart_generic_error;",
		  "app-layer-event http.multipart_generic_error (not raised: request files, "
		  "protocol changes, double decoding)" },
	};
	char buf[512];
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "alert tcp any any -> any any (%s sid:1;)",
			 cases[i].opts);
		expect_skip(buf, cases[i].reason);
	}
	/*
	 * Payload or packet keywords in an app-layer rule: Suricata's stream
	 * engine and packet checks of the transaction's inspection (engine_app.c).
	 */
	static const char *const mixed[] = {
		"alert tcp any any -> any any (content:\"x\"; http.uri; content:\"/a\"; sid:1;)",
		"alert tcp any any -> any any (http.uri; content:\"/a\"; dsize:>3; sid:1;)",
		"alert tcp any any -> any any (content:\"a\"; pcre:\"/a/U\"; sid:1;)",
	};
	for (i = 0; i < sizeof(mixed) / sizeof(mixed[0]); i++) {
		struct nfips_rule *r = parse(mixed[i]);

		if (r)
			nfips_rule_classify(r);
		tap_ok(&T, r && !r->skip && r->app_dir == NFIPS_FLOW_TO_SERVER &&
		       (r->eflags & NFIPS_E_APP) && (r->eflags & (NFIPS_E_PAYLOAD | NFIPS_E_PACKET)),
		       "loads: %s", mixed[i]);
		nfips_rule_free(r);
	}
	/* Syntax is still checked after a skip reason. */
	E("http.uri; content:\"|4|\";", "|\";", "odd number of hex digits");
	E("byte_test:1,>,2,0; depth:3;", "depth", "needs a preceding content");
	E("content:\"a\"; depth:len;", "len", "depth: unknown byte_extract variable 'len'");
	/* What Suricata 7 refuses in HTTP rules is refused, where it is. */
	E("http.uri; content:\"a\"; http_header;", "http_header",
	  "seen with a sticky buffer still set");
	E("content:\"a\"; http_uri; http_header;", "http_header", "already has a buffer");
	E("content:\"a\"; rawbytes; http_uri;", "http_uri", "cannot be used with rawbytes");
	E("http_uri;", "http_uri", "needs a preceding content");
	E("http.host; content:\"Example\";", "content", "upper case");
	E("http.method; content:\"GET \";", "content", "leading or trailing blank");
	E("content:\"a\"; bsize:3;", "bsize", "needs a sticky buffer");
	E("http.uri; content:\"a\"; http.stat_code; content:\"2\";", "content",
	  "conflicting directions");
	E("flow:to_client; http.uri; content:\"a\";", "content", "flow direction conflicts");
	E("urilen:5,normal;", "5,normal", "expected 'norm' or 'raw'");
	E("pcre:\"/a/UH\";", "H\"", "only one buffer modifier");
	E("http.uri; pcre:\"/a/H\";", "H\"", "another sticky buffer");
	/* byte_math's variables are not checked: the rule is skipped anyway. */
	expect_skip("alert tcp any any -> any any (byte_math:bytes 1,offset 0,oper +,rvalue 1,"
		    "result r; content:\"a\"; depth:r; isdataat:q; sid:1;)", "keyword byte_math");
#undef E
}

/* byte_extract (detect-byte-extract.c): syntax, limits, variables. */
static void test_byte_extract(void)
{
	struct nfips_rule *r;
	const struct nfips_byteextract *be;

#define E(opts, at, msg) expect_error("alert tcp any any -> any any (" opts " sid:1;)", at, msg)
	r = parse_opts("content:\"a\"; byte_extract:2, -3, len, relative, multiplier 3, little, "
		       "align 4; byte_extract:4,0,s,string,hex; content:\"b\"; distance:len; "
		       "within:s; byte_test:1,=,len,s,relative; byte_jump:len,s; isdataat:s,relative;");
	be = r && r->nmatches == 7 && r->matches[1].type == NFIPS_MATCH_BYTE_EXTRACT ?
	     &r->matches[1].u.byteextract : NULL;
	tap_ok(&T, be && be->nbytes == 2 && be->offset == -3 && !strcmp(be->name, "len") &&
	       be->flags == (NFIPS_B_RELATIVE | NFIPS_B_MULTIPLIER | NFIPS_B_LITTLE | NFIPS_B_ALIGN) &&
	       be->multiplier == 3 && be->align == 4 && be->var == 0,
	       "byte_extract: fields and options");
	be = r ? &r->matches[2].u.byteextract : NULL;
	tap_ok(&T, be && be->base == 16 && (be->flags & NFIPS_B_STRING) && be->var == 1,
	       "byte_extract: string, hex; second variable");
	tap_ok(&T, r && (r->matches[3].u.content.flags & (NFIPS_C_DISTANCE_VAR | NFIPS_C_WITHIN_VAR)) ==
			(NFIPS_C_DISTANCE_VAR | NFIPS_C_WITHIN_VAR) &&
	       r->matches[3].u.content.distance == 0 && r->matches[3].u.content.within == 1,
	       "byte_extract: distance and within variables hold their index");
	tap_ok(&T, r && (r->matches[4].u.bytetest.flags & (NFIPS_B_VALUE_VAR | NFIPS_B_OFFSET_VAR)) &&
	       r->matches[4].u.bytetest.value == 0 && r->matches[4].u.bytetest.offset == 1 &&
	       (r->matches[5].u.bytejump.flags & (NFIPS_B_NBYTES_VAR | NFIPS_B_OFFSET_VAR)) ==
			(NFIPS_B_NBYTES_VAR | NFIPS_B_OFFSET_VAR) &&
	       (r->matches[6].u.isdataat.flags & NFIPS_I_VAR) && r->matches[6].u.isdataat.n == 1,
	       "byte_extract: variables in byte_test, byte_jump and isdataat");
	tap_ok(&T, r && !r->skip, "byte_extract: loadable");
	nfips_rule_free(r);
	/* The first byte_extract of a name is the one used. */
	r = parse_opts("byte_extract:1,0,x; byte_extract:1,1,x; content:\"a\"; depth:x;");
	tap_ok(&T, r && r->matches[2].u.content.depth == 0 &&
	       r->matches[1].u.byteextract.var == 1, "byte_extract: a repeated name means the first");
	nfips_rule_free(r);
	r = parse_opts("byte_extract:3,0,x,string; content:\"a\"; offset:x;");
	tap_ok(&T, r && r->matches[0].u.byteextract.base == 10, "byte_extract: string defaults to dec");
	nfips_rule_free(r);
	E("byte_extract:2,0;", "2,0", "expected <bytes>,<offset>,<name>");
	E("byte_extract:9,0,x;", "9,", "at most 8 bytes without string");
	E("byte_extract:21,0,x,string;", "21", "at most 20 characters with string, dec");
	E("byte_extract:15,0,x,string,hex;", "15", "at most 14 characters with string, hex");
	E("byte_extract:24,0,x,string,oct;", "24", "at most 23 characters with string, oct");
	E("byte_extract:256,0,x;", "256", "invalid number of bytes");
	E("byte_extract:2,65536,x;", "65536", "invalid offset");
	E("byte_extract:2,0x10,x;", "0x10", "invalid offset");
	E("byte_extract:2,0,x,hex;", "hex", "hex without string");
	E("byte_extract:2,0,x,hex,string;", "hex", "hex without string");
	E("byte_extract:2,0,x,string,hex,dec;", "dec", "more than one base");
	E("byte_extract:2,0,x,relative,relative;", "relative;", "relative given twice");
	E("byte_extract:2,0,x,big,little;", "little", "endianness given twice");
	E("byte_extract:2,0,x,string,big;", "2,0", "string excludes big");
	E("byte_extract:2,0,x,align 3;", "align", "align must be 2 or 4");
	E("byte_extract:2,0,x,align;", "align", "align must be 2 or 4");
	E("byte_extract:2,0,x,multiplier 0;", "multiplier", "multiplier must be 1..65535");
	E("byte_extract:2,0,x,multiplier 65536;", "multiplier", "multiplier must be 1..65535");
	E("byte_extract:2,0,x,Relative;", "Relative", "unknown option 'Relative'");
	E("byte_extract:2,0,x,relative,,big;", ",big", "invalid option");
	E("byte_extract:2,0,x y;", "x y", "invalid variable name");
	E("byte_extract:2,0,x,relative,big,align 2,multiplier 2,string,dec;", "2,0",
	  "at most five options");
	E("byte_extract:2,0,x; content:\"a\"; within:y;", "y;", "within: unknown byte_extract variable 'y'");
	E("content:\"a\"; distance:x; byte_extract:2,0,x;", "x;", "unknown byte_extract variable 'x'");
	E("byte_extract:2,0,x; byte_test:1,=,y,0;", "y,", "unknown byte_extract variable 'y'");
#undef E
}

/* xbits (detect-xbits.c). */
static void test_xbits(void)
{
	struct nfips_rule *r;

#define E(opts, at, msg) expect_error("alert tcp any any -> any any (" opts " sid:1;)", at, msg)
	r = parse_opts("xbits:set, ET.x, track ip_src, expire 360; xbits:isset,y,track ip_pair; "
		       "xbits:unset,z,track ip_dst,expire 5,whatever;");
	tap_ok(&T, r && r->nxbits == 3 && r->xbits[0].cmd == NFIPS_FB_SET &&
	       !strcmp(r->xbits[0].name, "ET.x") && r->xbits[0].track == NFIPS_XB_IP_SRC &&
	       r->xbits[0].expire == 360 && r->xbits[1].cmd == NFIPS_FB_ISSET &&
	       r->xbits[1].track == NFIPS_XB_IP_PAIR && r->xbits[1].expire == 30 &&
	       r->xbits[2].cmd == NFIPS_FB_UNSET && r->xbits[2].track == NFIPS_XB_IP_DST &&
	       r->xbits[2].expire == 5 && !r->skip,
	       "xbits: commands, names, trackers, expiry (30 s by default)");
	nfips_rule_free(r);
	E("xbits:set,x;", "x;", "expected a name and track");
	E("xbits:set,x,track ip_source;", "ip_source", "track must be ip_src, ip_dst or ip_pair");
	E("xbits:set,x,track tx;", "tx", "track must be");
	E("xbits:set,track ip_src;", "track ip", "expected a name and track");
	E("xbits:set,x,trak ip_src;", "trak", "expected 'track'");
	E("xbits:set,x,track ip_src,expire 0;", "0;", "expire must be");
	E("xbits:set,x,track ip_src,expire -1;", "-1", "expire must be");
	E("xbits:noalert;", "noalert", "expected set, unset, isset");
	E("xbits:noalert,x,track ip_src;", "noalert", "expected set, unset, isset");
	E("xbits:Set,x,track ip_src;", "Set", "expected set, unset, isset");
#undef E
}

static void test_flowint(void)
{
	struct nfips_rule *r;

#define E(opts, at, msg) expect_error("alert tcp any any -> any any (" opts " sid:1;)", at, msg)
	r = parse_opts("flowint: ET.x/y, +, 1; flowint:cnt,<=4294967295; flowint:cnt,==,other_1; "
		       "flowint:cnt,isnotset; flowint:cnt,isset,7; flowint:cnt, -, 2;");
	tap_ok(&T, r && r->nflowints == 6 && !r->skip && !strcmp(r->flowints[0].name, "ET.x/y") &&
	       r->flowints[0].op == NFIPS_FI_ADD && r->flowints[0].value == 1 &&
	       !r->flowints[0].var && r->flowints[1].op == NFIPS_FI_LE &&
	       r->flowints[1].value == UINT32_MAX && r->flowints[2].op == NFIPS_FI_EQ &&
	       r->flowints[2].var && !strcmp(r->flowints[2].var, "other_1") &&
	       r->flowints[3].op == NFIPS_FI_NOTSET && r->flowints[4].op == NFIPS_FI_ISSET &&
	       !r->flowints[4].var && r->flowints[5].op == NFIPS_FI_SUB && r->flowints[5].value == 2,
	       "flowint: names, operators (the comma before the operand optional), values, variables");
	nfips_rule_free(r);
	E("flowint:x,+,1;", "x,+", "expected a name");
	E("flowint:1x,+,1;", "1x", "expected a name");
	E("flowint:cnt+1;", "+1", "expected ','");
	E("flowint:cnt,*,1;", "*,1", "unknown operator");
	E("flowint:cnt,+;", "; sid", "'+' needs a number or a flowint name");
	E("flowint:cnt,==,4294967296;", "4294967296", "more than 4294967295");
	E("flowint:cnt,==,12345678901;", "12345678901", "unexpected");
	E("flowint:cnt,=,y;", "y;", "unexpected 'y'");
	E("flowint:cnt,=,5x;", "5x", "unexpected '5x'");
	E("flowint:cnt,isset,a b;", "a b", "unexpected 'a b'");
#undef E
}

static void test_file_data_direction(void)
{
	struct nfips_rule *b = parse_opts("http.header; content:\"a\"; http.cookie; content:\"b\";");

	tap_ok(&T, b && !b->skip && b->app_dir == (NFIPS_FLOW_TO_SERVER | NFIPS_FLOW_TO_CLIENT),
	       "http buffers of both directions without flow: both directions");
	nfips_rule_free(b);
	b = parse_opts("http.header.raw; content:\"a\"; http.response_body; content:\"b\";");
	tap_ok(&T, b && !b->skip && b->app_dir == NFIPS_FLOW_TO_CLIENT,
	       "http.header.raw without flow next to http.response_body: to_client, as Suricata");
	nfips_rule_free(b);
	b = parse_opts("content:\"x\"; http_server_body; http.stat_code; content:\"200\";");
	tap_ok(&T, b && !b->skip && b->app_dir == NFIPS_FLOW_TO_CLIENT,
	       "http_server_body next to a response-only buffer: to_client (implied)");
	nfips_rule_free(b);
	expect_error("alert tcp any any -> any any (http.header.raw; content:\"a\"; http.method; "
		     "content:\"GET\"; sid:1;)", "content:\"a\"", "http.header.raw without a flow direction");
	struct nfips_rule *r = parse_opts("http.stat_code; content:\"200\"; file.data; content:\"x\";");

	tap_ok(&T, r && !r->skip && r->app_dir == NFIPS_FLOW_TO_CLIENT,
	       "file.data next to a response-only buffer: to_client without flow (implied)");
	nfips_rule_free(r);
}

static void test_app_layer_event(void)
{
	struct nfips_rule *r;

#define E(opts, at, msg) expect_error("alert tcp any any -> any any (" opts " sid:1;)", at, msg)
	r = parse_opts("flow:established; app-layer-event: http.Missing_Host_Header ; "
		       "app-layer-event:http1.request_line_invalid;");
	tap_ok(&T, r && !r->skip && r->alproto == NFIPS_ALPROTO_HTTP && r->ntxchk == 2 &&
	       r->txchk[0].id == NFIPS_TXINT_HTTP_EVENT + NFIPS_HTTP_EV_MISSING_HOST_HEADER &&
	       r->txchk[1].id == NFIPS_TXINT_HTTP_EVENT + NFIPS_HTTP_EV_REQUEST_LINE_INVALID &&
	       r->txchk[0].val == 1 && !r->txchk[0].negate &&
	       r->app_dir == (NFIPS_FLOW_TO_SERVER | NFIPS_FLOW_TO_CLIENT),
	       "app-layer-event: http events (any case, http1), both directions without flow's");
	nfips_rule_free(r);
	r = parse_opts("flow:to_client; app-layer-event:http.response_invalid_status; "
		       "http.stat_code; content:\"200\";");
	tap_ok(&T, r && !r->skip && r->app_dir == NFIPS_FLOW_TO_CLIENT,
	       "app-layer-event next to a response buffer");
	nfips_rule_free(r);
	E("app-layer-event:http.no_such_event;", "no_such_event", "http has no event 'no_such_event'");
	E("app-layer-event:HTTP.missing_host_header;", "HTTP.", "unknown protocol 'HTTP'");
	E("app-layer-event:gopher.x;", "gopher", "unknown protocol 'gopher'");
	E("tls.sni; content:\"a\"; app-layer-event:http.missing_host_header;", "http.missing",
	  "another application-layer protocol");
	expect_error("alert tls any any -> any any (app-layer-event:http.missing_host_header; sid:1;)",
		     "http.missing", "another application-layer protocol");
#undef E
}

static void test_classification_config(void)
{
	static const char bad1[] = "# c\nconfig classification: a,b,c\n";
	static const char bad2[] = "\n  config classificatio: a,b,1\n";
	static const char bad3[] = "config classification: 9a,b,1\n";
	static const char bad4[] = "config classification: abc\n";
	static const char bad5[] = "config classification a,b,1\n";
	char longline[1100];
	static const char good[] = "config  classification :x-y,Desc, with comma , 2\n"
				   "config classification: x-y,Again,3\n";
	struct nfips_classes cl = { 0 };
	const struct nfips_class *c;

	tap_ok(&T, classes.n == 3 && (c = nfips_classes_find(&classes, "Trojan-Activity")) &&
	       c->priority == 1 && !strcmp(c->desc, "A Network Trojan was detected"),
	       "classification.config: entries, case-insensitive lookup");
	tap_ok(&T, !nfips_classes_parse(&cl, "g", good, sizeof(good) - 1, &err) && cl.n == 1 &&
	       !strcmp(cl.v[0].desc, "Again") && cl.v[0].priority == 3,
	       "classification.config: a later definition replaces an earlier one");
	nfips_classes_free(&cl);
	tap_ok(&T, !nfips_classes_parse(&cl, "g", good, (size_t)(strchr(good, '\n') - good), &err) && cl.n == 1 &&
	       !strcmp(cl.v[0].desc, "Desc, with comma") && cl.v[0].priority == 2,
	       "classification.config: commas in the description");
	nfips_classes_free(&cl);
	tap_ok(&T, nfips_classes_parse(&cl, "b", bad1, sizeof(bad1) - 1, &err) &&
	       err.line == 2 && err.col == 28 && strstr(err.msg, "invalid priority"),
	       "classification.config: bad priority at 2:28");
	nfips_classes_free(&cl);
	tap_ok(&T, nfips_classes_parse(&cl, "b", bad2, sizeof(bad2) - 1, &err) &&
	       err.line == 2 && err.col == 10 && !strcmp(err.file, "b"),
	       "classification.config: misspelt keyword at 2:10");
	nfips_classes_free(&cl);
	tap_ok(&T, nfips_classes_parse(&cl, "b", bad3, sizeof(bad3) - 1, &err) &&
	       err.line == 1 && err.col == 24 && strstr(err.msg, "name"),
	       "classification.config: bad name at 1:24");
	nfips_classes_free(&cl);
	tap_ok(&T, nfips_classes_parse(&cl, "b", bad4, sizeof(bad4) - 1, &err) &&
	       err.line == 1 && err.col == 24, "classification.config: missing fields at 1:24");
	nfips_classes_free(&cl);
	tap_ok(&T, nfips_classes_parse(&cl, "b", bad5, sizeof(bad5) - 1, &err) &&
	       err.line == 1 && err.col == 23 && strstr(err.msg, "expected ':'"),
	       "classification.config: missing ':' at 1:23");
	nfips_classes_free(&cl);
	memset(longline, 'a', sizeof(longline));
	longline[0] = '\n';
	tap_ok(&T, nfips_classes_parse(&cl, "b", longline, sizeof(longline), &err) &&
	       err.line == 2 && strstr(err.msg, "too long"),
	       "classification.config: overlong line");
	nfips_classes_free(&cl);
	tap_ok(&T, nfips_classes_load(&cl, "/nonexistent.config", &err) &&
	       !strcmp(err.file, "/nonexistent.config"), "classification.config: missing file");
	nfips_classes_free(&cl);
}

int main(void)
{
	setup();
	test_identity();
	test_content();
	test_fast_pattern();
	test_pcre();
	test_flow_and_state();
	test_dsize_threshold();
	test_other_keywords();
	test_tls();
	test_skips();
	test_buffers();
	test_byte_extract();
	test_xbits();
	test_flowint();
	test_app_layer_event();
	test_file_data_direction();
	test_classification_config();
	teardown();
	return tap_done(&T);
}
