// SPDX-License-Identifier: GPL-2.0
/*
 * Evaluator: a table of rule x payload -> verdict, each case built from
 * the documented semantics of its keywords. "doc:" names the section of
 * the Suricata 7 rule documentation (docs.suricata.io, the rules/ pages) or
 * the Suricata unit test the expectation comes from.
 */
#include <netinet/in.h>
#include <stdio.h>

#include "detect/eval.h"
#include "rule_util.h"

static struct nfips_eval *ev;

/* Printable form of a payload for test names (TAP lines are single lines). */
static const char *esc(const char *s, uint32_t len)
{
	static char buf[256];
	size_t o = 0;
	uint32_t i;

	for (i = 0; i < len && o + 5 < sizeof(buf); i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\x%02x", ch);
	}
	buf[o] = 0;
	return buf;
}

struct pcase {
	const char *opts;	/* rule options, sid added */
	const char *payload;
	int len;		/* -1: strlen(payload) */
	int want;
	const char *doc;
};

/* Payload keywords: nfips_eval_payload() on one buffer. */
static const struct pcase pcases[] = {
	/* doc: payload-keywords.html#content */
	{ "content:\"abc\";", "xxabcxx", -1, 1, "content" },
	{ "content:\"abc\";", "xxabxcx", -1, 0, "content" },
	{ "content:\"|41 42|C\";", "xABCx", -1, 1, "content |hex|" },
	{ "content:\"a|00|b\";", "a\0b", 3, 1, "content with NUL" },
	/* doc: payload-keywords.html#nocase */
	{ "content:\"AbC\"; nocase;", "xaBcx", -1, 1, "nocase" },
	{ "content:\"AbC\";", "xaBcx", -1, 0, "case matters without nocase" },
	/* doc: payload-keywords.html#depth (counted from offset) */
	{ "content:\"abc\"; depth:3;", "abcd", -1, 1, "depth" },
	{ "content:\"abc\"; depth:3;", "xabc", -1, 0, "depth" },
	/* doc: payload-keywords.html#offset */
	{ "content:\"abc\"; offset:1;", "abc", -1, 0, "offset" },
	{ "content:\"abc\"; offset:1;", "xabc", -1, 1, "offset" },
	{ "content:\"abc\"; offset:2; depth:3;", "xxabc", -1, 1, "offset+depth" },
	{ "content:\"abc\"; offset:2; depth:3;", "xxxabc", -1, 0, "offset+depth" },
	/* doc: payload-keywords.html#distance */
	{ "content:\"a\"; content:\"b\"; distance:1;", "ab", -1, 0, "distance" },
	{ "content:\"a\"; content:\"b\"; distance:1;", "axb", -1, 1, "distance" },
	{ "content:\"a\"; content:\"b\"; distance:0;", "ba", -1, 0, "distance 0: after" },
	/* doc: payload-keywords.html#within */
	{ "content:\"a\"; content:\"b\"; within:2;", "axb", -1, 1, "within" },
	{ "content:\"a\"; content:\"b\"; within:2;", "axxb", -1, 0, "within" },
	{ "content:\"a\"; content:\"bc\"; distance:1; within:2;", "axbc", -1, 1, "distance+within" },
	{ "content:\"a\"; content:\"bc\"; distance:1; within:2;", "abc", -1, 0, "distance+within" },
	/* doc: Suricata detect-engine-payload.c PayloadTestSig03 (negative distance) */
	{ "content:\"aBc\"; nocase; content:\"abca\"; distance:-10; within:4;", "abcaBcd", -1, 1,
	  "negative distance" },
	/* doc: PayloadTestSig01: a later 'abc' is tried for the relative 'd' */
	{ "content:\"abc\"; content:\"d\"; distance:0; within:1;", "abcabcd", -1, 1,
	  "recursive relative matching" },
	/* doc: PayloadTestSig05 */
	{ "content:\"this\"; content:\"is\"; within:9; content:\"big\"; within:12; "
	  "content:\"string\"; within:8;", "now this is is is big big big string now", -1, 1,
	  "recursive, three levels" },
	/* doc: PayloadTestSig07 */
	{ "content:\"thus\"; offset:8; content:\"is\"; within:6; content:\"big\"; within:8;",
	  "         thus thus is a big", -1, 1, "recursive after offset" },
	{ "content:\"abc\"; content:\"d\"; distance:0; within:1;", "abcabcxd", -1, 0,
	  "recursive: no occurrence fits" },
	/* doc: payload-keywords.html#content (negation) */
	{ "content:!\"evil\";", "good", -1, 1, "negated content absent" },
	{ "content:!\"evil\";", "so evil", -1, 0, "negated content present" },
	{ "content:\"GET\"; content:!\"Host\"; distance:0;", "GET / Host", -1, 0,
	  "negated relative present" },
	{ "content:\"GET\"; content:!\"Host\"; distance:0;", "Host GET /", -1, 1,
	  "negated relative before the anchor" },
	/* doc: PayloadTestSig08: the second 'fix this' has no 'and' after it */
	{ "content:\"fix\"; content:\"this\"; within:6; content:!\"and\"; distance:0;",
	  "we need to fix this and yes fix this now", -1, 1,
	  "negated relative retries the anchors" },
	{ "content:\"fix\"; content:\"this\"; within:6; content:!\"and\"; distance:0;",
	  "we fix this and that", -1, 0, "negated relative after the only anchor" },
	/* doc: payload-keywords.html#startswith / #endswith */
	{ "content:\"GET\"; startswith;", "GET /", -1, 1, "startswith" },
	{ "content:\"GET\"; startswith;", " GET /", -1, 0, "startswith" },
	{ "content:\"end\"; endswith;", "the end", -1, 1, "endswith" },
	{ "content:\"end\"; endswith;", "the ends", -1, 0, "endswith" },
	{ "content:\"end\"; endswith;", "end of the end", -1, 1, "endswith: last occurrence" },
	/* doc: payload-keywords.html#isdataat */
	{ "content:\"a\"; isdataat:2,relative;", "abc", -1, 1, "isdataat relative" },
	{ "content:\"a\"; isdataat:2,relative;", "xab", -1, 0, "isdataat relative" },
	{ "content:\"a\"; isdataat:!1,relative;", "xya", -1, 1, "isdataat negated" },
	{ "content:\"1\"; isdataat:5;", "12345", -1, 0, "isdataat absolute" },
	{ "content:\"1\"; isdataat:5;", "123456", -1, 1, "isdataat absolute" },
	/* doc: payload-keywords.html#pcre */
	{ "pcre:\"/ab+c/\";", "xabbbcx", -1, 1, "pcre" },
	{ "pcre:\"/ab+c/\";", "xaBBcx", -1, 0, "pcre" },
	{ "pcre:\"/ab+c/i\";", "xaBBcx", -1, 1, "pcre i" },
	{ "pcre:!\"/evil/\";", "good", -1, 1, "pcre negated" },
	{ "pcre:!\"/evil/\";", "evil", -1, 0, "pcre negated" },
	{ "content:\"x\"; pcre:\"/^y/R\";", "xy", -1, 1, "pcre R anchors after the content" },
	{ "content:\"x\"; pcre:\"/^y/R\";", "x y", -1, 0, "pcre R" },
	{ "content:\"x\"; pcre:\"/^y/R\";", "xzxy", -1, 1, "pcre R retries the content" },
	{ "pcre:\"/a.c/\"; content:\"d\"; distance:0; within:1;", "abcxaxcd", -1, 1,
	  "content relative to pcre, pcre retried" },
	/* doc: PayloadTestSig09 */
	{ "pcre:\"/super/\"; content:\"nova\"; within:7;",
	  "this is a super duper nova in super nova now", -1, 1, "pcre recursion" },
	{ "pcre:\"/^abc$/m\";", "x\nabc\ny", -1, 1, "pcre m" },
	/* doc: payload-keywords.html#byte-test */
	{ "byte_test:1,>,5,0;", "\x06", 1, 1, "byte_test >" },
	{ "byte_test:1,>,5,0;", "\x05", 1, 0, "byte_test >" },
	{ "byte_test:2,=,258,0;", "\x01\x02", 2, 1, "byte_test big endian" },
	{ "byte_test:2,=,258,0,little;", "\x02\x01", 2, 1, "byte_test little endian" },
	{ "byte_test:2,=,258,0,little;", "\x01\x02", 2, 0, "byte_test little endian" },
	{ "byte_test:3,=,123,0,string,dec;", "123x", -1, 1, "byte_test string dec" },
	{ "byte_test:2,=,255,1,string,hex;", "xff", -1, 1, "byte_test string hex" },
	{ "byte_test:2,<,10,0,string,oct;", "07", -1, 1, "byte_test string oct" },
	{ "byte_test:1,&,0x80,0;", "\x81", 1, 1, "byte_test &" },
	{ "byte_test:1,!&,0x80,0;", "\x81", 1, 0, "byte_test !&" },
	{ "byte_test:1,!=,3,0;", "\x04", 1, 1, "byte_test !=" },
	{ "byte_test:1,>=,4,0;", "\x04", 1, 1, "byte_test >=" },
	{ "byte_test:1,<=,3,0;", "\x04", 1, 0, "byte_test <=" },
	{ "byte_test:1,^,4,0;", "\x04", 1, 0, "byte_test ^" },
	{ "content:\"x\"; byte_test:1,=,65,0,relative;", "xA", -1, 1, "byte_test relative" },
	{ "content:\"x\"; byte_test:1,=,65,1,relative;", "xBA", -1, 1, "byte_test relative offset" },
	{ "content:\"x\"; byte_test:1,=,65,0,relative;", "xBxA", -1, 1, "byte_test retries content" },
	{ "byte_test:4,=,1,0;", "\x00\x00\x01", 3, 0, "byte_test beyond the buffer" },
	/* 0x0100 & 0x0f00 = 0x0100, shifted by the mask's 8 trailing zeros */
	{ "byte_test:2,=,1,0,bitmask 0x0f00;", "\x01\x00", 2, 1, "byte_test bitmask" },
	/* doc: payload-keywords.html#byte-jump */
	{ "content:\"len\"; byte_jump:1,0,relative; content:\"X\"; within:1;", "len\x02" "abX",
	  -1, 1, "byte_jump relative" },
	{ "content:\"len\"; byte_jump:1,0,relative; content:\"X\"; within:1;", "len\x01" "abX",
	  -1, 0, "byte_jump relative" },
	{ "byte_jump:1,0,from_beginning; content:\"Z\"; within:1;", "\x03" "abZ", -1, 1,
	  "byte_jump from_beginning" },
	{ "byte_jump:1,0,post_offset 1; content:\"Z\"; within:1;", "\x00" "aZ", 3, 1,
	  "byte_jump post_offset" },
	{ "byte_jump:1,0,multiplier 2; content:\"Z\"; within:1;", "\x02" "abcdZ", -1, 1,
	  "byte_jump multiplier" },
	{ "byte_jump:1,0,align; content:\"Z\"; within:1;", "\x01" "abcdZ", -1, 1,
	  "byte_jump align" },
	{ "byte_jump:2,0,string,dec; content:\"Z\"; within:1;", "03abcZ", -1, 1,
	  "byte_jump string" },
	{ "byte_jump:1,0; content:\"Z\";", "\x09" "ab", -1, 0, "byte_jump past the end" },
	{ "byte_jump:1,0,from_end,post_offset -2; content:\"Z\"; within:1;", "\x00" "abZc",
	  5, 1, "byte_jump from_end" },
	/* doc: payload-keywords.html#byte-extract, its three examples */
	{ "content:\"Alice\"; byte_extract:2,0,size; content:\"Bob\"; distance:size; within:3;",
	  "\x00\x05" "AliceBob", 10, 1, "byte_extract: distance from a variable" },
	{ "content:\"Alice\"; byte_extract:2,0,size; content:\"Bob\"; distance:size; within:3;",
	  "\x00\x04" "AliceBob", 10, 0, "byte_extract: distance from a variable" },
	{ "content:\"|00 FF|\"; byte_extract:1,0,len,relative; content:\"|5c 00|\"; distance:2; "
	  "within:len;", "\x00\xff\x06" "ab\x5c\x00", 7, 1, "byte_extract: within from a variable" },
	{ "content:\"|00 FF|\"; byte_extract:1,0,len,relative; content:\"|5c 00|\"; distance:2; "
	  "within:len;", "\x00\xff\x01" "ab\x5c\x00", 7, 0, "byte_extract: within from a variable" },
	{ "content:\"|00 FF|\"; byte_extract:2,0,cmp_ver,relative; content:\"FooBar\"; distance:0; "
	  "byte_test:2,=,cmp_ver,0;", "\x00\xff\x00\xff" "FooBar", 10, 1,
	  "byte_extract: byte_test value from a variable" },
	{ "content:\"|00 FF|\"; byte_extract:2,0,cmp_ver,relative; content:\"FooBar\"; distance:0; "
	  "byte_test:2,=,cmp_ver,0;", "\x00\xff\x01\x02" "FooBar", 10, 0,
	  "byte_extract: byte_test value from a variable" },
	/* multiplier, then align rounds up: 1 * 3 -> 4 */
	{ "byte_extract:1,0,n,multiplier 3,align 4; content:\"Z\"; offset:n;", "\x01" "abcZ", 5, 1,
	  "byte_extract: multiplier and align (offset variable)" },
	{ "byte_extract:1,0,n,multiplier 3,align 4; content:\"Z\"; offset:n;", "\x01" "abZc", 5, 0,
	  "byte_extract: multiplier and align (offset variable)" },
	{ "byte_extract:2,0,n,little; byte_test:2,=,n,2;", "\x01\x02\x02\x01", 4, 1,
	  "byte_extract: little endian" },
	{ "byte_extract:3,0,n,string; isdataat:n;", "003abc", -1, 1, "byte_extract: string, dec" },
	{ "byte_extract:3,0,n,string; isdataat:n;", "012abc", -1, 0, "byte_extract: string, dec" },
	{ "byte_extract:2,0,n,string,hex; isdataat:n;", "1fab", -1, 0, "byte_extract: string, hex" },
	{ "byte_extract:2,0,n,string,hex; isdataat:n;", "03ab", -1, 1, "byte_extract: string, hex" },
	/* The position moves past the characters strtoull used, not nbytes. */
	{ "byte_extract:4,0,n,string; content:\"x\"; distance:0; within:1;", "12xyz", -1, 1,
	  "byte_extract: string moves past the digits used" },
	{ "byte_extract:2,0,n,string;", "ab", -1, 0, "byte_extract: string without digits" },
	{ "content:\"abc\"; byte_extract:1,-3,n,relative; byte_test:1,=,n,0;", "abc", -1, 1,
	  "byte_extract: negative relative offset" },
	{ "byte_extract:4,0,n;", "\x00\x00\x01", 3, 0, "byte_extract beyond the buffer" },
	{ "content:\"a\"; byte_extract:1,5,n,relative;", "a\x01", 2, 0,
	  "byte_extract: relative beyond the buffer" },
	/* depth from a variable counts from the offset (constant or variable) */
	{ "byte_extract:1,0,d; content:\"Z\"; depth:d;", "\x03" "abZ", 4, 0, "byte_extract: depth variable" },
	{ "byte_extract:1,0,d; content:\"Z\"; depth:d;", "\x04" "abZ", 4, 1, "byte_extract: depth variable" },
	{ "byte_extract:1,0,d; content:\"Z\"; offset:2; depth:d;", "\x02" "aZb", 4, 1,
	  "byte_extract: depth variable after an offset" },
	{ "byte_extract:1,0,d; content:\"Z\"; offset:2; depth:d;", "\x01" "abZ", 4, 0,
	  "byte_extract: depth variable after an offset" },
	/*
	 * Suricata's parser adds the offset variable's index (1 here) to a
	 * depth given after it (detect-depth.c): the window is [o, o + 2 + 1).
	 */
	{ "byte_extract:1,0,a; byte_extract:1,1,o; content:\"Z\"; offset:o; depth:2;",
	  "\x00\x02" "xyZ", 5, 1, "byte_extract: constant depth after an offset variable" },
	{ "byte_extract:1,0,a; byte_extract:1,1,o; content:\"Z\"; offset:o; depth:2;",
	  "\x00\x02" "xyaZ", 6, 0, "byte_extract: constant depth after an offset variable" },
	{ "content:\"a\"; byte_extract:1,0,n,relative; isdataat:n,relative;", "a\x02xy", 4, 1,
	  "byte_extract: isdataat variable" },
	{ "content:\"a\"; byte_extract:1,0,n,relative; isdataat:n,relative;", "a\x03xy", 4, 0,
	  "byte_extract: isdataat variable" },
	/* A failing isdataat variable is not final: the next 'a' is tried. */
	{ "content:\"a\"; byte_extract:1,0,n,relative; isdataat:n,relative;", "a\x09" "a\x01x", 5, 1,
	  "byte_extract: isdataat variable retries the anchor" },
	{ "content:\"a\"; byte_extract:1,0,n,relative; isdataat:!n,relative;", "a\x01x", 3, 0,
	  "byte_extract: negated isdataat variable" },
	{ "byte_extract:1,0,nb; byte_test:nb,=,0x0102,1;", "\x02\x01\x02", 3, 1,
	  "byte_extract: byte_test bytes from a variable" },
	{ "byte_extract:1,0,nb; byte_test:nb,=,0x0102,1;", "\x09\x01\x02", 3, 0,
	  "byte_extract: byte_test of 9 bytes never matches" },
	{ "byte_extract:1,0,nb; byte_jump:nb,1; content:\"Z\"; within:1;", "\x01\x02" "abZ", 5, 1,
	  "byte_extract: byte_jump bytes from a variable" },
	{ "byte_extract:1,0,o; byte_jump:1,o; content:\"Z\"; within:1;", "\x02" "a\x01" "bZ", 5, 1,
	  "byte_extract: byte_jump offset from a variable" },
	/* A later anchor re-runs the extraction: values follow the path. */
	{ "content:\"k\"; byte_extract:1,0,n,relative; content:\"Z\"; distance:n; within:1;",
	  "k\x05" "abk\x01" "aZ", 8, 1, "byte_extract: first anchor" },
	{ "content:\"k\"; byte_extract:1,0,n,relative; content:\"Z\"; distance:n; within:1;",
	  "k\x04" "abk\x01" "aZ", 8, 1, "byte_extract: the next anchor's value" },
	{ "content:\"k\"; byte_extract:1,0,n,relative; content:\"Z\"; distance:n; within:1;",
	  "k\x04" "abk\x02" "aZ", 8, 0, "byte_extract: no anchor's value fits" },
};

static void test_payload(void)
{
	unsigned i;

	for (i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++) {
		const struct pcase *c = &pcases[i];
		struct nfips_rule *r = parse_opts(c->opts);
		struct nfips_buf b = { (const uint8_t *)c->payload,
				       c->len < 0 ? (uint32_t)strlen(c->payload) : (uint32_t)c->len,
				       0, 0, NFIPS_BUF_PAYLOAD };
		int got = -1;

		if (r) {
			nfips_rule_classify(r);
			if (r->skip)
				tap_diag("skipped: %s", r->skip);
			else
				got = nfips_eval_payload(ev, r, &b);
		}
		tap_ok(&T, got == c->want, "%s: %s on \"%s\" -> %d", c->doc, c->opts,
		       esc(c->payload, b.len), c->want);
		nfips_rule_free(r);
	}
}

/* A match must end in the new bytes when new_from is set (engine.h). */
static void test_new_from(void)
{
	static const struct {
		const char *opts, *data;
		uint32_t new_from;
		int want;
	} cases[] = {
		{ "content:\"abcd\";", "xxabcdyy", 4, 1 },	/* spans the boundary */
		{ "content:\"abcd\";", "xxabcdyy", 6, 0 },	/* ends in old bytes */
		{ "content:\"abcd\";", "abcdxxabcd", 6, 1 },	/* a second occurrence */
		{ "content:\"a\"; content:\"b\";", "bxxxa", 4, 1 },
		{ "content:\"a\"; content:\"b\";", "abxxa", 4, 1 },	/* any content may end it */
		{ "content:\"a\"; content:\"b\";", "abxxc", 4, 0 },
		{ "content:\"GET\"; depth:3;", "GETxxxx", 3, 0 },
		{ "content:!\"x\";", "abcd", 2, 1 },		/* no positive: buffer end */
	};
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nfips_rule *r = parse_opts(cases[i].opts);
		struct nfips_buf b = { (const uint8_t *)cases[i].data,
				       (uint32_t)strlen(cases[i].data), cases[i].new_from, 0,
				       NFIPS_BUF_PAYLOAD };
		int got = -1;

		if (r) {
			nfips_rule_classify(r);
			got = nfips_eval_payload(ev, r, &b);
		}
		tap_ok(&T, got == cases[i].want, "new bytes from %u: %s on \"%s\" -> %d",
		       cases[i].new_from, cases[i].opts, cases[i].data, cases[i].want);
		nfips_rule_free(r);
	}
	/* Anchored: depth counts from the stream start, not data[0]. */
	{
		struct nfips_rule *r = parse_opts("content:\"GET\"; depth:3;");
		struct nfips_buf b = { (const uint8_t *)"GET", 3, 0, 100, NFIPS_BUF_PAYLOAD };

		nfips_rule_classify(r);
		tap_ok(&T, !nfips_eval_payload(ev, r, &b), "anchored depth beyond the stream start");
		b.base = 0;
		tap_ok(&T, nfips_eval_payload(ev, r, &b), "anchored depth at the stream start");
		nfips_rule_free(r);
	}
}

/* Header keywords: nfips_eval_header_kw() on one packet. */
static void test_header_kw(void)
{
	static const struct {
		const char *opts;
		uint8_t proto, ttl, tcp_flags, itype, icode, ip_flags;
		uint16_t plen;
		int want;
		const char *doc;
	} cases[] = {
		/* doc: header-keywords.html#ttl */
		{ "ttl:64;", IPPROTO_TCP, 64, 0, 0, 0, 0, 0, 1, "ttl" },
		{ "ttl:<10;", IPPROTO_TCP, 64, 0, 0, 0, 0, 0, 0, "ttl <" },
		{ "ttl:10-70;", IPPROTO_TCP, 64, 0, 0, 0, 0, 0, 1, "ttl range" },
		/* doc: header-keywords.html#itype / #icode */
		{ "itype:8;", IPPROTO_ICMP, 64, 0, 8, 0, 0, 0, 1, "itype" },
		{ "itype:8;", IPPROTO_TCP, 64, 0, 8, 0, 0, 0, 0, "itype on tcp" },
		{ "itype:>5; icode:0;", IPPROTO_ICMP, 64, 0, 8, 0, 0, 0, 1, "itype > and icode" },
		{ "icode:>0;", IPPROTO_ICMP, 64, 0, 3, 0, 0, 0, 0, "icode >" },
		/* doc: header-keywords.html#flags: exact, +, *, !, ignore mask */
		{ "flags:S;", IPPROTO_TCP, 64, NFIPS_TH_SYN, 0, 0, 0, 0, 1, "flags S" },
		{ "flags:S;", IPPROTO_TCP, 64, NFIPS_TH_SYN | NFIPS_TH_ACK, 0, 0, 0, 0, 0, "flags exact" },
		{ "flags:S+;", IPPROTO_TCP, 64, NFIPS_TH_SYN | NFIPS_TH_ACK, 0, 0, 0, 0, 1, "flags +" },
		{ "flags:*SF;", IPPROTO_TCP, 64, NFIPS_TH_FIN, 0, 0, 0, 0, 1, "flags *" },
		{ "flags:!R;", IPPROTO_TCP, 64, NFIPS_TH_ACK, 0, 0, 0, 0, 1, "flags !" },
		{ "flags:S,12;", IPPROTO_TCP, 64, NFIPS_TH_SYN | NFIPS_TH_ECE | NFIPS_TH_CWR, 0, 0,
		  0, 0, 1, "flags ignore mask" },
		{ "flags:0;", IPPROTO_TCP, 64, 0, 0, 0, 0, 0, 1, "flags 0" },
		{ "flags:0;", IPPROTO_TCP, 64, NFIPS_TH_ACK, 0, 0, 0, 0, 0, "flags 0" },
		/* doc: header-keywords.html#fragbits */
		{ "fragbits:M;", IPPROTO_UDP, 64, 0, 0, 0, NFIPS_IPF_MF, 0, 1, "fragbits" },
		{ "fragbits:!D;", IPPROTO_UDP, 64, 0, 0, 0, NFIPS_IPF_DF, 0, 0, "fragbits !" },
		{ "fragbits:+D;", IPPROTO_UDP, 64, 0, 0, 0, NFIPS_IPF_DF, 0, 0, "fragbits + needs more" },
		/* doc: payload-keywords.html#dsize */
		{ "dsize:>5;", IPPROTO_UDP, 64, 0, 0, 0, 0, 6, 1, "dsize" },
		{ "dsize:3<>6;", IPPROTO_UDP, 64, 0, 0, 0, 0, 6, 0, "dsize range exclusive" },
		/* doc: header-keywords.html#ip-proto */
		{ "ip_proto:17;", IPPROTO_UDP, 64, 0, 0, 0, 0, 0, 1, "ip_proto" },
		{ "ip_proto:!udp;", IPPROTO_UDP, 64, 0, 0, 0, 0, 0, 0, "ip_proto !name" },
	};
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[256];
		struct nfips_rule *r;
		struct nfips_pkt p = { .family = 4, .pcap_cnt = 1 };
		int got = -1;

		snprintf(text, sizeof(text), "alert ip any any -> any any (%s sid:1;)", cases[i].opts);
		r = parse(text);
		p.proto = cases[i].proto;
		p.ttl = cases[i].ttl;
		p.tcp_flags = cases[i].tcp_flags;
		p.icmp_type = cases[i].itype;
		p.icmp_code = cases[i].icode;
		p.ip_flags = cases[i].ip_flags;
		p.payload_len = cases[i].plen;
		if (r) {
			nfips_rule_classify(r);
			got = !r->skip && nfips_eval_header_kw(r, &p);
		}
		tap_ok(&T, got == cases[i].want, "%s: %s -> %d", cases[i].doc, cases[i].opts,
		       cases[i].want);
		nfips_rule_free(r);
	}
}

/* Rejected as skip reasons or errors, as Suricata does. */
static void test_parse(void)
{
	expect_skip("alert tcp any any -> any any (content:\"a\"; byte_test:4,=,1,0,relative,dce; sid:1;)",
		    "dce");
	expect_skip("alert tcp any any -> any any (content:\"a\"; byte_jump:4,0,relative,dce; sid:1;)",
		    "dce");
	expect_error("alert tcp any any -> any any (byte_test:9,=,1,0; sid:1;)", "9,",
		     "at most 8 bytes");
	expect_error("alert tcp any any -> any any (byte_test:2,=,1,0,hex; sid:1;)", "2,",
		     "a base needs string");
	expect_error("alert tcp any any -> any any (byte_test:2,~,1,0; sid:1;)", "~",
		     "invalid operator");
	expect_error("alert tcp any any -> any any (byte_jump:2,0,from_end,from_beginning; sid:1;)",
		     "2,0", "exclude each other");
	expect_error("alert tcp any any -> any any (flags:SX; sid:1;)", "X", "unknown flag");
}

int main(void)
{
	setup();
	ev = nfips_eval_new(0, 0);
	test_payload();
	test_new_from();
	test_header_kw();
	test_parse();
	nfips_eval_free(ev);
	teardown();
	return tap_done(&T);
}
