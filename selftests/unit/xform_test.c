// SPDX-License-Identifier: GPL-2.0
/*
 * Application-layer rules on one transaction the test builds itself:
 * transforms as Suricata 7.0.10 applies them (edge cases the
 * differential test's captures do not reach: a trailing or invalid
 * percent escape, whitespace runs, header names, pseudo-header lines,
 * chains with digests), each instance of a multi-buffer transformed and
 * prefiltered by its transformed list's matcher, and the engine's
 * inspection by progress (a rule tried again while its buffer grows,
 * never again once it is final, one alert per transaction).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>

#include "rule_util.h"
#include "detect/engine.h"

/* A transaction with one buffer, the test's to change. */
struct fake_tx {
	struct nfips_tx view;	/* first */
	struct nfips_txdet det;
	uint32_t id;
	const char *data;	/* NULL: the buffer is missing */
	bool final;
	uint64_t ident;		/* the parser's name for data's bytes (fake_ident) */
};

static bool fake_get(const struct nfips_tx *tx, uint32_t id, const uint8_t **data,
		     uint32_t *len)
{
	const struct fake_tx *f = (const struct fake_tx *)tx;

	if (id != f->id || !f->data)
		return false;
	*data = (const uint8_t *)f->data;
	*len = (uint32_t)strlen(f->data);
	return true;
}

static bool fake_final(const struct nfips_tx *tx, uint32_t id)
{
	(void)id;
	return ((const struct fake_tx *)tx)->final;
}

static bool fake_ident(const struct nfips_tx *tx, uint32_t id, uint64_t *ident)
{
	const struct fake_tx *f = (const struct fake_tx *)tx;

	if (id != f->id || !f->data)
		return false;
	*ident = f->ident;
	return true;
}

static unsigned nalerts;

static void on_alert(void *arg, const struct nfips_pkt *p, const struct nfips_flow *f,
		     const struct nfips_alert *a)
{
	(void)arg;
	(void)p;
	(void)f;
	(void)a;
	nalerts++;
}

/* One to-server packet with @tx; the number of alerts. */
static unsigned run(struct nfips_engine *e, struct nfips_flowstate *fs, struct fake_tx *tx)
{
	const struct nfips_tx *txs[1] = { &tx->view };
	struct nfips_flow flow = {
		.state = fs, .to_server = true, .established = true,
		.alproto = NFIPS_ALPROTO_HTTP, .txs = txs, .ntxs = 1,
	};
	struct nfips_pkt p = { .family = 4, .proto = IPPROTO_TCP, .ttl = 64, .pcap_cnt = 1,
			       .sport = 1234, .dport = 80 };
	uint32_t a = htonl(0x0a000001), b = htonl(0x0a000002);

	memcpy(p.src, &a, 4);
	memcpy(p.dst, &b, 4);
	nalerts = 0;
	nfips_engine_packet(e, &p, &flow, NULL, on_alert, NULL);
	return nalerts;
}

/* @opts as an http rule on buffer @id holding @data: does it alert? */
static void expect(const char *opts, uint32_t id, const char *data, bool want)
{
	char text[1024];
	struct nfips_rule *r;
	struct nfips_engine *e = NULL;
	struct nfips_flowstate *fs;
	struct fake_tx tx = { .view = { .get = fake_get }, .id = id, .data = data };
	unsigned n = 0;

	snprintf(text, sizeof(text),
		 "alert http any any -> any any (flow:established,to_server; %s sid:7;)", opts);
	r = parse(text);
	if (r && r->skip)
		tap_diag("skipped: %s", r->skip);
	if (r && !r->skip && !nfips_engine_new(&e, &r, 1, NULL, &err)) {
		fs = nfips_flowstate_new(e);
		n = run(e, fs, &tx);
		nfips_flowstate_free(fs);
		nfips_engine_free(e);
	}
	tap_ok(&T, r && n == (want ? 1u : 0u), "%s on \"%s\": %s", opts, data,
	       want ? "alerts" : "no alert");
	nfips_rule_free(r);
}

static void test_transforms(void)
{
	const uint32_t uri = NFIPS_BUF_HTTP_URI, hdr = NFIPS_BUF_HTTP_HEADER;

	expect("http.uri; url_decode; content:\"/aA%4\"; bsize:5;", uri, "/a%41%4", true);
	expect("http.uri; url_decode; content:\"%zz +\"; bsize:5;", uri, "%zz+%2B", true);
	expect("http.uri; url_decode; content:\"%4\"; endswith;", uri, "/%4", true);
	expect("http.uri; compress_whitespace; content:\"a|20|b\"; bsize:3;", uri,
	       "a \t\t b", true);
	expect("http.uri; compress_whitespace; content:\"a|09|b\"; bsize:3;", uri,
	       "a\t  b", true);
	expect("http.uri; strip_whitespace; content:\"abc\"; bsize:3;", uri, " a\tb\r\nc ", true);
	expect("http.header; header_lowercase; content:\"x-y: Z:W|0d 0a|\"; endswith;", hdr,
	       "Host: A.B\r\nX-Y: Z:W\r\n", true);
	expect("http.header; header_lowercase; content:\"A.B\";", hdr, "Host: A.B\r\n", true);
	expect("http.header; strip_pseudo_headers; content:\"Host: x|0d 0a|\"; bsize:9;", hdr,
	       ":method: GET\r\nHost: x\r\n", true);
	expect("http.uri; pcrexform:\"id=([0-9]+)\"; content:\"42\"; bsize:2;", uri,
	       "/a?id=42&b=1", true);
	expect("http.uri; pcrexform:\"zz([0-9]+)\"; content:\"/a?id=42\"; startswith;", uri,
	       "/a?id=42", true);
	expect("http.uri; dotprefix; to_md5; content:\"|ef bf 95 76 16 00 7e 52 59 f0 29 c6 a8 7e da d6|\"; bsize:16;",
	       uri, "/x", true);
	expect("http.uri; xor:\"0102\"; content:\"|2e 63 2e|\"; bsize:3;", uri, "/a/", true);
	expect("http.uri; to_uppercase; url_decode; content:\"/AB \"; bsize:4;", uri, "/aB+", true);
	expect("http.uri; to_lowercase; content:\"/ab\"; bsize:4;", uri, "/aB", false);
	/* bsize sees the transformed buffer, urilen never does (skipped). */
	expect("http.uri; dotprefix; bsize:3;", uri, "/a", true);
}

/* A DNS request with the questions @q[0 .. n) (dns.query instances). */
struct fake_dns {
	struct nfips_tx view;	/* first */
	const char *const *q;
	uint32_t n;
};

static bool dns_get(const struct nfips_tx *tx, uint32_t id, const uint8_t **data,
		    uint32_t *len)
{
	(void)tx;
	(void)id;
	(void)data;
	(void)len;
	return false;	/* dns.query is a multi-buffer: get_nth only */
}

static bool dns_get_nth(const struct nfips_tx *tx, uint32_t id, uint32_t i,
			const uint8_t **data, uint32_t *len)
{
	const struct fake_dns *f = (const struct fake_dns *)tx;

	if (id != NFIPS_BUF_DNS_QUERY || i >= f->n)
		return false;
	*data = (const uint8_t *)f->q[i];
	*len = (uint32_t)strlen(f->q[i]);
	return true;
}

static uint64_t dns_sids;	/* bit sid - 1 per alert */

static void on_dns_alert(void *arg, const struct nfips_pkt *p, const struct nfips_flow *f,
			 const struct nfips_alert *a)
{
	(void)arg;
	(void)p;
	(void)f;
	dns_sids |= 1ull << (a->rule->sid - 1);
}

/*
 * The rules @text[0 .. n) (sid i + 1) in one engine, prefiltered or not,
 * on one UDP request with @tx: the bits of the sids that alert.
 */
static uint64_t run_dns(const char *const *text, uint32_t n, struct fake_dns *tx,
			bool prefilter)
{
	const struct nfips_engine_limits lim = { .no_prefilter = !prefilter };
	const struct nfips_tx *txs[1] = { &tx->view };
	struct nfips_flow flow = { .to_server = true, .alproto = NFIPS_ALPROTO_DNS,
				   .txs = txs, .ntxs = 1 };
	struct nfips_pkt p = { .family = 4, .proto = IPPROTO_UDP, .ttl = 64, .pcap_cnt = 1,
			       .sport = 1234, .dport = 53 };
	uint32_t a = htonl(0x0a000001), b = htonl(0x0a000002), i;
	struct nfips_rule *r[8] = { NULL };
	struct nfips_engine *e = NULL;

	memcpy(p.src, &a, 4);
	memcpy(p.dst, &b, 4);
	dns_sids = 0;
	for (i = 0; i < n; i++) {
		r[i] = parse(text[i]);
		if (!r[i] || r[i]->skip) {
			tap_diag("rule %u not loadable: %s", i + 1, r[i] ? r[i]->skip : "error");
			dns_sids = ~0ull;
		}
	}
	if (!dns_sids && !nfips_engine_new(&e, r, n, &lim, &err)) {
		flow.state = nfips_flowstate_new(e);
		nfips_engine_packet(e, &p, &flow, NULL, on_dns_alert, NULL);
		nfips_flowstate_free(flow.state);
		nfips_engine_free(e);
	}
	for (i = 0; i < n; i++)
		nfips_rule_free(r[i]);
	return dns_sids;
}

/*
 * Transforms on a multi-buffer (dns.query: one instance per question):
 * Suricata transforms each instance and inspects it on its own, and a
 * transformed list has its own MPM (here a matcher per buffer and
 * transform chain, the chain's options included).
 */
static void test_multi(void)
{
	static const char *const q[] = { "A.EXAMPLE", "Evil.COM" };
	static const char *const rules[] = {
		"alert dns any any -> any any (dns.query; to_lowercase; content:\"evil.com\"; "
		"bsize:8; sid:1;)",
		"alert dns any any -> any any (dns.query; dotprefix; to_lowercase; "
		"content:\".evil.com\"; endswith; sid:2;)",
		/* both contents must be in one instance */
		"alert dns any any -> any any (dns.query; dotprefix; content:\".a.example\"; "
		"nocase; content:\"evil\"; nocase; sid:3;)",
		"alert dns any any -> any any (dns.query; to_uppercase; content:\"A.EXAMPLE\"; "
		"sid:4;)",
		/* same transform, other key: another list */
		"alert dns any any -> any any (dns.query; xor:\"01\"; content:\"Dwhm/BNL\"; sid:5;)",
		"alert dns any any -> any any (dns.query; xor:\"02\"; content:\"Gtkn,AMO\"; sid:6;)",
		/* the empty question stays empty under dotprefix */
		"alert dns any any -> any any (dns.query; dotprefix; bsize:0; sid:7;)",
	};
	static const char *const q2[] = { "x.org", "" };
	struct fake_dns tx = { .view = { .get = dns_get, .get_nth = dns_get_nth }, .q = q,
			       .n = 2 };
	const uint64_t want = 0x1 | 0x2 | 0x8 | 0x10 | 0x20;
	uint64_t pf, nopf;

	pf = run_dns(rules, 6, &tx, true);
	nopf = run_dns(rules, 6, &tx, false);
	tap_ok(&T, pf == want && nopf == want,
	       "multi-buffer: each instance transformed, one list per chain (alerts %#llx, "
	       "unprefiltered %#llx, want %#llx)", (unsigned long long)pf,
	       (unsigned long long)nopf, (unsigned long long)want);
	tx.q = q2;
	pf = run_dns(rules + 6, 1, &tx, true);
	tap_ok(&T, pf == 0x40, "multi-buffer: dotprefix leaves an empty instance empty");
}

/*
 * The engine's side of inspection by progress (struct nfips_tx final,
 * det), with a rule without fast pattern (a candidate each time).
 */
static void test_progress(void)
{
	struct nfips_rule *r = parse("alert http any any -> any any (flow:established,to_server; "
				     "http.request_body; pcre:\"/evil/\"; sid:8;)");
	struct nfips_engine *e = NULL;
	struct nfips_flowstate *fs;
	struct fake_tx tx = { .view = { .get = fake_get, .final = fake_final },
			      .id = NFIPS_BUF_HTTP_REQUEST_BODY };
	unsigned a1, a2, a3;

	if (!r || nfips_engine_new(&e, &r, 1, NULL, &err)) {
		tap_ok(&T, false, "progress: engine");
		nfips_rule_free(r);
		return;
	}
	fs = nfips_flowstate_new(e);
	tx.view.det = &tx.det;
	tx.data = "harmless so far";
	a1 = run(e, fs, &tx);
	tx.data = "harmless so far, then evil";
	a2 = run(e, fs, &tx);
	a3 = run(e, fs, &tx);
	tap_ok(&T, !a1 && a2 == 1 && !a3,
	       "progress: a rule failing on a growing buffer is tried again, alerts once");
	nfips_txdet_free(&tx.det);

	tx.data = "harmless and complete";
	tx.final = true;
	a1 = run(e, fs, &tx);
	tx.data = "evil";	/* cannot happen with libhtp: checks it is not tried */
	a2 = run(e, fs, &tx);
	tap_ok(&T, !a1 && !a2, "progress: a rule failing on a final buffer is not tried again");
	nfips_txdet_free(&tx.det);

	tx.data = NULL;
	tx.final = false;
	a1 = run(e, fs, &tx);
	tx.data = "evil";
	a2 = run(e, fs, &tx);
	tap_ok(&T, !a1 && a2 == 1, "progress: a buffer missing for now is waited for");
	nfips_txdet_free(&tx.det);

	tx.view.det = NULL;	/* handed out once: evaluated each time */
	a1 = run(e, fs, &tx);
	a2 = run(e, fs, &tx);
	tap_ok(&T, a1 == 1 && a2 == 1, "progress: without det memory every call evaluates");
	nfips_flowstate_free(fs);
	nfips_engine_free(e);
	nfips_rule_free(r);
}

/*
 * A rule waiting on a transaction is skipped while its buffers are
 * unchanged, and evaluated again as soon as they change: here in place,
 * at the same address and length (what a pointer or length comparison
 * would miss), through a transform whose output is cached per hand-out.
 */
static void test_unchanged(void)
{
	static const char *const text[] = {
		"alert http any any -> any any (flow:established,to_server; http.request_body; "
		"to_lowercase; content:\"harm\"; fast_pattern; content:\"evil\"; sid:9;)",
		"alert http any any -> any any (flow:established,to_server; http.request_body; "
		"pcre:\"/EVIL/\"; sid:10;)",
	};
	struct nfips_rule *r[2] = { parse(text[0]), parse(text[1]) };
	struct nfips_engine *e = NULL;
	struct nfips_flowstate *fs;
	char body[] = "harmless";
	struct fake_tx tx = { .view = { .get = fake_get, .final = fake_final },
			      .id = NFIPS_BUF_HTTP_REQUEST_BODY, .data = body };
	unsigned a[5];

	if (!r[0] || !r[1] || nfips_engine_new(&e, r, 2, NULL, &err)) {
		tap_ok(&T, false, "unchanged: engine");
		goto out;
	}
	fs = nfips_flowstate_new(e);
	tx.view.det = &tx.det;
	a[0] = run(e, fs, &tx);
	a[1] = run(e, fs, &tx);
	memcpy(body, "HARMEVIL", 8);
	a[2] = run(e, fs, &tx);
	a[3] = run(e, fs, &tx);
	memcpy(body, "harmless", 8);
	a[4] = run(e, fs, &tx);
	tap_ok(&T, !a[0] && !a[1] && a[2] == 2 && !a[3] && !a[4],
	       "unchanged: waiting rules evaluated again when their buffer changes in place "
	       "(alerts %u %u %u %u %u, want 0 0 2 0 0)", a[0], a[1], a[2], a[3], a[4]);
	nfips_txdet_free(&tx.det);
	nfips_flowstate_free(fs);
	nfips_engine_free(e);
out:
	nfips_rule_free(r[0]);
	nfips_rule_free(r[1]);
}

/*
 * A buffer the parser names (struct nfips_tx's ident, an HTTP body): a
 * rule waiting on it is evaluated again when the name changes, and not
 * while it stays, without the engine reading the bytes: the bytes
 * changed in place under the same name (which the parser's contract
 * rules out) are not looked at. What keeps that exact is the parser's
 * name; applayer_test checks HTTP's.
 */
static void test_ident(void)
{
	struct nfips_rule *r = parse("alert http any any -> any any (flow:established,to_server; "
				     "http.request_body; pcre:\"/evil/\"; sid:11;)");
	struct nfips_engine *e = NULL;
	struct nfips_flowstate *fs;
	char body[] = "harmless, for now";
	struct fake_tx tx = { .view = { .get = fake_get, .final = fake_final,
					.ident = fake_ident },
			      .id = NFIPS_BUF_HTTP_REQUEST_BODY, .data = body, .ident = 1 };
	unsigned a[4];

	if (!r || nfips_engine_new(&e, &r, 1, NULL, &err)) {
		tap_ok(&T, false, "ident: engine");
		nfips_rule_free(r);
		return;
	}
	fs = nfips_flowstate_new(e);
	tx.view.det = &tx.det;
	a[0] = run(e, fs, &tx);
	memcpy(body, "evil", 4);
	a[1] = run(e, fs, &tx);		/* same name: not evaluated */
	tx.ident = 2;
	a[2] = run(e, fs, &tx);		/* a new name: evaluated */
	a[3] = run(e, fs, &tx);		/* alerted: done with the side */
	tap_ok(&T, !a[0] && !a[1] && a[2] == 1 && !a[3],
	       "ident: a waiting rule is evaluated again when the buffer's name changes, "
	       "the bytes not read while it stays (alerts %u %u %u %u, want 0 0 1 0)",
	       a[0], a[1], a[2], a[3]);
	nfips_txdet_free(&tx.det);
	nfips_flowstate_free(fs);
	nfips_engine_free(e);
	nfips_rule_free(r);
}

int main(void)
{
	setup();
	test_transforms();
	test_multi();
	test_progress();
	test_unchanged();
	test_ident();
	teardown();
	return tap_done(&T);
}
