// SPDX-License-Identifier: GPL-2.0
/*
 * Classifier: which content becomes the fast pattern, and whether a rule
 * is kernel-decided, slow-path or skipped (with the first reason it is
 * not kernel-decided).
 */
#include <stdio.h>

#include "rule_util.h"

/* Fast pattern of a tcp rule with @opts: its match index and bytes. */
static void fp(const char *opts, int32_t idx, const char *bytes, bool nocase)
{
	struct nfips_rule *r = parse_opts(opts);
	const uint8_t *b = NULL;
	uint32_t len = 0;
	int ok;

	if (r) {
		nfips_rule_classify(r);
		b = nfips_rule_fp(r, &len);
	}
	ok = r && r->fp == idx &&
	     (bytes ? b && len == strlen(bytes) && !memcmp(b, bytes, len) : !b && !len) &&
	     r->fp_nocase == nocase;
	if (r && !ok)
		tap_diag("fp=%d len=%u '%.*s' nocase=%d", r->fp, len, (int)len,
			 b ? (const char *)b : "", r->fp_nocase);
	tap_ok(&T, ok, "fast pattern %s: %s", bytes ? bytes : "(none)", opts);
	nfips_rule_free(r);
}

/* Class of @rule; @why is the expected first slow-path reason. */
static void cls(const char *rule, enum nfips_rule_class want, const char *why)
{
	struct nfips_rule *r = parse(rule);
	int ok;

	if (r)
		nfips_rule_classify(r);
	ok = r && r->cls == want &&
	     (why ? r->why_slow && !strcmp(r->why_slow, why) : !r->why_slow);
	if (r && !ok)
		tap_diag("got %s (%s)", nfips_class_name(r->cls),
			 r->why_slow ? r->why_slow : "-");
	tap_ok(&T, ok, "%s%s%s: %s", nfips_class_name(want), why ? " because " : "",
	       why ? why : "", rule);
	nfips_rule_free(r);
}

static void test_fast_pattern(void)
{
	char big[400], opts[420];
	struct nfips_rule *r;
	uint32_t len;

	fp("content:\"abc\";", 0, "abc", false);
	fp("content:\"ab\"; content:\"abcd\"; content:\"xyz\";", 1, "abcd", false);
	fp("content:\"abc\"; content:\"xyz\"; nocase;", 0, "abc", false);
	fp("content:\"abc\"; content:\"xyzw\"; nocase;", 1, "xyzw", true);
	/* Equally long: Suricata's PatternStrength() picks the rarer bytes. */
	fp("content:\"aaaa\"; content:\"|01 02 03 04|\";", 1, "\1\2\3\4", false);
	fp("content:\"abab\"; content:\"ab|0d 0a|\"; content:\"abcd\";", 1, "ab\r\n", false);
	fp("content:\"abcd\"; content:\"efgh\"; nocase;", 0, "abcd", false);
	fp("content:!\"longest\"; content:\"ab\";", 1, "ab", false);
	fp("content:\"longest\"; content:\"ab\"; fast_pattern;", 1, "ab", false);
	fp("content:\"ab\"; pcre:\"/x/\"; content:\"cdefg\"; fast_pattern:only;", 2, "cdefg", false);
	fp("content:\"abcdef\"; fast_pattern:1,3; content:\"longerthanthat\";", 0, "bcd", false);
	/* A negated fast_pattern cannot prefilter: the longest positive wins. */
	fp("content:\"ab\"; content:!\"xyz\"; fast_pattern; content:\"abc\";", 2, "abc", false);
	fp("content:!\"abc\";", -1, NULL, false);
	fp("pcre:\"/abc/\";", -1, NULL, false);
	fp("dsize:0;", -1, NULL, false);
	fp("isdataat:1; content:\"|01 02|\";", 1, "\1\2", false);

	memset(big, 'A', 300);
	big[300] = 0;
	snprintf(opts, sizeof(opts), "content:\"%s\";", big);
	r = parse_opts(opts);
	if (r)
		nfips_rule_classify(r);
	tap_ok(&T, r && r->fp == 0 && nfips_rule_fp(r, &len) && len == 255 &&
	       r->cls == NFIPS_CLASS_SLOW,
	       "a content longer than the matcher's limit prefilters on its prefix, slow path");
	nfips_rule_free(r);

	r = parse_opts("content:\"x\"; content:\"y\";");
	if (r) {
		nfips_rule_classify(r);
		nfips_rule_classify(r);
	}
	tap_ok(&T, r && r->fp == 0 && r->cls == NFIPS_CLASS_SLOW, "classify is idempotent");
	nfips_rule_free(r);
}

#define RULE(opts) "alert tcp any any -> any any (" opts " sid:1;)"

static void test_classes(void)
{
	cls(RULE("content:\"abc\";"), NFIPS_CLASS_KERNEL, NULL);
	cls("alert udp any any -> any any (content:\"abc\"; nocase; depth:10; offset:2; sid:1;)",
	    NFIPS_CLASS_KERNEL, NULL);
	cls("alert tcp-pkt any any -> any any (content:\"abc\"; startswith; sid:1;)",
	    NFIPS_CLASS_KERNEL, NULL);
	cls(RULE("content:\"abc\"; startswith; dsize:<100;"), NFIPS_CLASS_KERNEL, NULL);
	cls(RULE("content:\"abc\"; depth:10;"), NFIPS_CLASS_SLOW, "positional content on a tcp stream");
	cls(RULE("content:\"abc\"; offset:1;"), NFIPS_CLASS_SLOW, "positional content on a tcp stream");
	cls(RULE("content:\"abc\"; startswith;"), NFIPS_CLASS_SLOW, "positional content on a tcp stream");
	cls("alert ip any any -> any any (content:\"abc\"; depth:5; sid:1;)", NFIPS_CLASS_SLOW,
	    "positional content on a tcp stream");
	cls(RULE("content:\"abc\"; fast_pattern; dsize:>10;"), NFIPS_CLASS_KERNEL, NULL);
	cls(RULE("content:\"abc\"; fast_pattern:only;"), NFIPS_CLASS_KERNEL, NULL);
	cls(RULE("flow:stateless; content:\"abc\";"), NFIPS_CLASS_KERNEL, NULL);
	cls(RULE("content:\"abc\"; msg:\"m\"; classtype:misc-activity; reference:url,x; "
		 "metadata:a b; tag:session,5,packets; target:src_ip; rev:2;"),
	    NFIPS_CLASS_KERNEL, NULL);
	cls("drop udp $HOME_NET any -> !$HOME_NET [53,5353] (content:\"a\"; sid:1;)",
	    NFIPS_CLASS_KERNEL, NULL);
	cls("reject tcp-pkt any any <> any any (content:\"a\"; sid:1;)", NFIPS_CLASS_KERNEL, NULL);
	cls("alert icmp any any -> any any (content:\"a\"; sid:1;)", NFIPS_CLASS_KERNEL, NULL);
	cls("alert ip any any -> any any (content:\"a\"; sid:1;)", NFIPS_CLASS_KERNEL, NULL);

	cls(RULE("msg:\"header only\";"), NFIPS_CLASS_SLOW, "no fast pattern");
	cls(RULE("pcre:\"/abc/\";"), NFIPS_CLASS_SLOW, "no fast pattern");
	cls(RULE("content:!\"abc\";"), NFIPS_CLASS_SLOW, "no fast pattern");
	cls(RULE("dsize:0;"), NFIPS_CLASS_SLOW, "no fast pattern");
	cls("pass tcp any any -> any any (content:\"a\"; sid:1;)", NFIPS_CLASS_SLOW, "pass");
	cls("alert tcp-stream any any -> any any (content:\"a\"; sid:1;)", NFIPS_CLASS_SLOW,
	    "tcp-stream");
	cls(RULE("flow:established,to_server; content:\"abc\";"), NFIPS_CLASS_SLOW, "flow");
	cls(RULE("flow:to_client; content:\"abc\";"), NFIPS_CLASS_SLOW, "flow");
	cls(RULE("content:\"abc\"; flowbits:set,x;"), NFIPS_CLASS_SLOW, "flowbits");
	cls(RULE("content:\"abc\"; flowbits:noalert;"), NFIPS_CLASS_SLOW, "flowbits");
	cls(RULE("content:\"abc\"; noalert;"), NFIPS_CLASS_SLOW, "flowbits");
	cls(RULE("content:\"abc\"; flowint:cnt,+,1;"), NFIPS_CLASS_SLOW, "flowint");
	cls(RULE("content:\"abc\"; threshold:type limit,track by_src,count 1,seconds 60;"),
	    NFIPS_CLASS_SLOW, "threshold");
	cls(RULE("content:\"abc\"; detection_filter:track by_src,count 2,seconds 60;"),
	    NFIPS_CLASS_SLOW, "threshold");
	cls(RULE("content:\"abc\"; pcre:\"/abc/R\";"), NFIPS_CLASS_SLOW, "pcre");
	cls(RULE("content:\"abc\"; isdataat:1,relative;"), NFIPS_CLASS_SLOW, "isdataat");
	cls(RULE("content:\"abc\"; content:\"d\";"), NFIPS_CLASS_SLOW, "several contents");
	cls(RULE("content:\"abc\"; content:!\"d\";"), NFIPS_CLASS_SLOW, "several contents");
	cls(RULE("content:\"abc\"; distance:0;"), NFIPS_CLASS_SLOW, "relative or endswith");
	cls(RULE("content:\"abc\"; within:5;"), NFIPS_CLASS_SLOW, "relative or endswith");
	cls(RULE("content:\"abc\"; endswith;"), NFIPS_CLASS_SLOW, "relative or endswith");
	cls(RULE("content:\"abcdef\"; fast_pattern:0,3;"), NFIPS_CLASS_SLOW,
	    "partial fast pattern");

	/* App-layer buffers are not in the packets: the daemon decides. */
	cls("alert http any any -> any any (content:\"a\"; sid:1;)", NFIPS_CLASS_SLOW,
	    "application layer");
	cls(RULE("http.uri; content:\"abc\";"), NFIPS_CLASS_SLOW, "application layer");
	cls(RULE("http.method; content:\"POST\"; file.data; content:\"a\";"), NFIPS_CLASS_SKIPPED, NULL);
	cls(RULE("content:\"a\"; byte_test:1,>,2,0;"), NFIPS_CLASS_SLOW, "byte_test");
	cls(RULE("content:\"a\"; asn1:oversize_length 10;"), NFIPS_CLASS_SKIPPED, NULL);
	tap_ok(&T, !strcmp(nfips_class_name(NFIPS_CLASS_KERNEL), "kernel") &&
	       !strcmp(nfips_class_name(NFIPS_CLASS_SLOW), "slow") &&
	       !strcmp(nfips_class_name(NFIPS_CLASS_SKIPPED), "skipped"), "class names");
}

/* Whether the kernel's pattern for a tcp rule with @opts is 1-2 bytes. */
static void short_fp(const char *opts, bool want)
{
	struct nfips_rule *r = parse_opts(opts);

	if (r)
		nfips_rule_classify(r);
	tap_ok(&T, r && nfips_rule_short_fp(r) == want, "%s fast pattern: %s",
	       want ? "short" : "not a short", opts);
	nfips_rule_free(r);
}

/* What nfipsctl rules check reports as rules with only short contents. */
static void test_short_fp(void)
{
	short_fp("content:\"ab\";", true);
	short_fp("content:\"a\"; content:\"bc\";", true);
	short_fp("content:\"abc\";", false);
	short_fp("content:\"ab\"; fast_pattern; content:\"longer\";", false);
	short_fp("content:\"ab\"; content:!\"negated\";", true);
	/* the kernel gets the whole content, not the 2 bytes chopped */
	short_fp("content:\"abcdef\"; fast_pattern:0,2;", false);
	short_fp("pcre:\"/x/\";", false);
}

int main(void)
{
	setup();
	test_fast_pattern();
	test_classes();
	test_short_fp();
	teardown();
	return tap_done(&T);
}
