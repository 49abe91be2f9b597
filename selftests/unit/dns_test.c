// SPDX-License-Identifier: GPL-2.0
/*
 * The DNS parser (ctl/lib/applayer/dns.c, dns_flow.c), built from its
 * sources with the sanitizers: names as Suricata 7.0's parser.rs reads
 * them (pointers, loops, limits), what makes a message malformed, the
 * detection probes, TCP framing across segments, and mutated messages
 * that must never make it read outside the message (each message is fed
 * in a buffer of exactly its size, so ASan sees any byte past it).
 */
#include <stdlib.h>
#include <string.h>

#include "applayer/dns.h"
#include "tap.h"
#include "util/util.h"

static struct tap T;

/* A copy of @n bytes in a block of exactly that size. */
static uint8_t *exact(const void *d, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	memcpy(p, d, n);
	return p;
}

static size_t put_name(uint8_t *p, const char *n)
{
	size_t o = 0;

	while (*n) {
		const char *dot = strchr(n, '.');
		size_t l = dot ? (size_t)(dot - n) : strlen(n);

		p[o++] = (uint8_t)l;
		memcpy(p + o, n, l);
		o += l;
		n += l + (dot ? 1 : 0);
	}
	p[o++] = 0;
	return o;
}

/* A request of @nq questions named @names, id 7, opcode @op. */
static size_t request(uint8_t *p, const char *const *names, int nq, int op)
{
	size_t o = 12;
	int i;

	memset(p, 0, 12);
	p[1] = 7;
	p[2] = (uint8_t)(op << 3) | 1;
	p[5] = (uint8_t)nq;
	for (i = 0; i < nq; i++) {
		o += put_name(p + o, names[i]);
		memcpy(p + o, "\0\1\0\1", 4);
		o += 4;
	}
	return o;
}

static int name_of(const uint8_t *m, size_t n, uint32_t pos, char *out, uint32_t *next)
{
	uint8_t *c = exact(m, n), buf[DNS_NAME_BUF];
	uint32_t len = 0;
	int r = dns_name(c, (uint32_t)n, pos, (uint32_t)n, buf, &len, next);

	free(c);
	if (!r) {
		memcpy(out, buf, len);
		out[len] = 0;
	}
	return r;
}

static void test_names(void)
{
	uint8_t m[4096];
	char out[DNS_NAME_BUF + 1];
	uint32_t next;
	size_t n;
	int i;

	memset(m, 0, 12);
	n = 12 + put_name(m + 12, "Www.Example.com");
	tap_ok(&T, !name_of(m, n, 12, out, &next) && !strcmp(out, "Www.Example.com") &&
	       next == n, "labels joined by dots, case kept, end after the zero");
	/* a label then a pointer back to the first name */
	m[n] = 3;
	memcpy(m + n + 1, "sub\xc0\x0c", 5);
	tap_ok(&T, !name_of(m, n + 6, (uint32_t)n, out, &next) &&
	       !strcmp(out, "sub.Www.Example.com") && next == n + 6,
	       "a pointer: the name goes on there, the end is after the pointer");
	/* a pointer to itself, first thing: an error */
	memcpy(m + 12, "\xc0\x0c", 2);
	tap_ok(&T, name_of(m, 14, 12, out, &next) == DNS_ERROR,
	       "a pointer to itself before any other pointer is an error");
	/* a pointer past the message, at its end */
	memcpy(m + 12, "\x01x\xc0\x10", 4);
	tap_ok(&T, name_of(m, 16, 12, out, &next) == 0 && !strcmp(out, "x") && next == 16,
	       "a pointer to the message's end: the name ends there");
	memcpy(m + 12, "\x01x\xc0\x11", 4);
	tap_ok(&T, name_of(m, 16, 12, out, &next) == DNS_ERROR,
	       "a pointer past the message's end is an error");
	/* two pointers pointing at each other: 255 steps, then truncated */
	memcpy(m + 12, "\x04loop\xc0\x13\xc0\x11", 9);
	tap_ok(&T, name_of(m, 21, 12, out, &next) == 0 && !strcmp(out, "loop") && next == 19,
	       "a pointer loop ends after 255 steps with what it read");
	/* a loop with a label in it grows the name: cut at 1025 bytes */
	memcpy(m + 12, "\x3f", 1);
	memset(m + 13, 'a', 63);
	memcpy(m + 76, "\xc0\x0c", 2);
	tap_ok(&T, name_of(m, 78, 12, out, &next) == 0 && strlen(out) == DNS_MAX_NAME &&
	       next == 78, "a looping label: the name is cut at %d bytes", DNS_MAX_NAME);
	/* reserved label types, a label past the end, a cut pointer */
	memcpy(m + 12, "\x43" "abc\0", 5);
	tap_ok(&T, name_of(m, 17, 12, out, &next) == DNS_ERROR, "label type 01 is an error");
	memcpy(m + 12, "\x83" "abc\0", 5);
	tap_ok(&T, name_of(m, 17, 12, out, &next) == DNS_ERROR, "label type 10 is an error");
	memcpy(m + 12, "\x09" "abc\0", 5);
	tap_ok(&T, name_of(m, 17, 12, out, &next) == DNS_INCOMPLETE,
	       "a label longer than what is left is incomplete");
	memcpy(m + 12, "\x01x\xc0", 3);
	tap_ok(&T, name_of(m, 15, 12, out, &next) == DNS_INCOMPLETE,
	       "a pointer cut after one byte is incomplete");
	/* no zero at the end: the name ends with the data */
	memcpy(m + 12, "\x03" "abc", 4);
	tap_ok(&T, name_of(m, 16, 12, out, &next) == 0 && !strcmp(out, "abc") && next == 16,
	       "a name without its zero ends with the data");
	/* 300 labels without a pointer: more than 255 steps is an error */
	for (i = 0; i < 300; i++)
		memcpy(m + 12 + i * 2, "\x01z", 2);
	m[612] = 0;
	tap_ok(&T, name_of(m, 613, 12, out, &next) == DNS_ERROR,
	       "more than 255 labels without a pointer is an error");
}

static int parse(const void *d, size_t n, bool response, struct dns_hdr *h)
{
	uint8_t *c = exact(d, n);
	int r = dns_parse(c, (uint32_t)n, response, h, NULL);

	free(c);
	return r;
}

static void test_messages(void)
{
	static const char *const names[] = { "evil.example.net", "b.example" };
	uint8_t m[512];
	struct dns_hdr h;
	size_t n, a;

	n = request(m, names, 2, 0);
	tap_ok(&T, !parse(m, n, false, &h) && h.id == 7 && h.qd == 2,
	       "a request of two questions");
	tap_ok(&T, parse(m, n - 1, false, &h) == DNS_INCOMPLETE, "a question cut short");
	tap_ok(&T, parse(m, 11, false, &h) == DNS_INCOMPLETE, "a header cut short");
	/* a response: one answer of each kind pointing at the question */
	n = request(m, names, 1, 0);
	m[2] |= 0x80;
	m[7] = 1;
	a = n;
	memcpy(m + a, "\xc0\x0c\x00\x05\x00\x01\x00\x00\x00\x10\x00\x02\xc0\x0c", 14);
	tap_ok(&T, !parse(m, a + 14, true, &h) && h.an == 1, "a response with a CNAME");
	memcpy(m + a + 12, "\x10x", 2);
	tap_ok(&T, parse(m, a + 14, true, &h) == DNS_ERROR,
	       "a CNAME whose name runs past its data is an error");
	tap_ok(&T, !parse(m, a + 14, false, &h),
	       "as a request only its questions are read");
	memcpy(m + a, "\xc0\x0c\x00\x10\x00\x01\x00\x00\x00\x10\x00\x04\x05hel", 16);
	tap_ok(&T, parse(m, a + 16, true, &h) == DNS_ERROR,
	       "a TXT whose first string runs past its data is an error");
	memcpy(m + a, "\xc0\x0c\x00\x10\x00\x01\x00\x00\x00\x10\x00\x04\x02hi\x09", 16);
	tap_ok(&T, !parse(m, a + 16, true, &h),
	       "a TXT whose second string is cut: the first is enough");
	memcpy(m + a, "\xc0\x0c\x00\x2c\x00\x01\x00\x00\x00\x10\x00\x01\x01", 13);
	tap_ok(&T, parse(m, a + 13, true, &h) == DNS_ERROR, "an SSHFP of one byte");
	memcpy(m + a, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x10\x00\x00", 12);
	tap_ok(&T, parse(m, a + 12, true, &h) == DNS_ERROR,
	       "an A record without data is an error (dns.rs: one entry at least)");
	memcpy(m + a, "\xc0\x0c\x00\x63\x00\x01\x00\x00\x00\x10\x00\x00", 12);
	tap_ok(&T, parse(m, a + 12, true, &h) == DNS_ERROR,
	       "a record of an unknown type without data is an error");
	tap_ok(&T, !parse(m, a + 12, false, &h),
	       "as a request, a record without data is not read");
	memcpy(m + a, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x10\x00\x05\x01", 13);
	tap_ok(&T, parse(m, a + 13, true, &h) == DNS_INCOMPLETE,
	       "record data longer than the message");
}

static void test_probes(void)
{
	static const char *const names[] = { "evil.example.net" };
	uint8_t m[512], t[514];
	bool req = false;
	size_t n;

	n = request(m, names, 1, 0);
	tap_ok(&T, dns_probe_udp(m, (uint32_t)n, &req) == 1 && req, "a query is DNS, a request");
	m[2] |= 0x80;
	tap_ok(&T, dns_probe_udp(m, (uint32_t)n, &req) == 1 && !req, "QR set: a response");
	n = request(m, names, 1, 15);
	tap_ok(&T, dns_probe_udp(m, (uint32_t)n, &req) == 1, "opcode 15 is DNS for 7.0");
	m[7] = 15;	/* 16 records: 2 * 16 + 12 > 34 */
	tap_ok(&T, dns_probe_udp(m, (uint32_t)n, &req) == 0,
	       "more records than the message can hold is not DNS");
	tap_ok(&T, dns_probe_udp((const uint8_t *)"hello world", 11, &req) == -1,
	       "fewer than 12 bytes: cannot tell");
	tap_ok(&T, dns_probe_udp((const uint8_t *)"hello this is not dns", 21, &req) == 0,
	       "text is not DNS");
	n = request(m, names, 1, 0);
	t[0] = 0;
	t[1] = (uint8_t)n;
	memcpy(t + 2, m, n);
	tap_ok(&T, dns_probe_tcp(t, 13, &req) == -1, "TCP: fewer than 14 bytes: cannot tell");
	tap_ok(&T, dns_probe_tcp(t, 20, &req) == 1 && req,
	       "TCP: the header of a longer message is enough");
	tap_ok(&T, dns_probe_tcp(t, (uint32_t)n + 2, &req) == 1, "TCP: a whole message");
}

static uint32_t queries(const struct nfips_tx *tx, char names[][64])
{
	const uint8_t *d;
	uint32_t i, len;

	for (i = 0; tx->get_nth(tx, NFIPS_BUF_DNS_QUERY, i, &d, &len); i++) {
		memcpy(names[i], d, len);
		names[i][len] = 0;
	}
	return i;
}

/* The alert's "dns" object of @tx, as the EVE record would carry it. */
static const char *eve_of(const struct nfips_tx *tx, struct nfips_sbuf *b)
{
	struct nfips_json j;

	nfips_sbuf_reset(b);
	nfips_json_init(&j, b);
	nfips_json_obj(&j, NULL);
	tx->eve(tx, &j, 0);
	nfips_json_obj_end(&j);
	return b->s && !b->oom ? b->s : "";
}

static void test_flow(void)
{
	static const char *const names[] = { "a.example", "", "c.example" };
	static const char *const one[] = { "evil.example.net" };
	const struct nfips_tx *const *txs;
	struct nfips_dns *s = dns_new();
	uint8_t m[512], stream[2048];
	char got[4][64];
	uint64_t op = 9;
	size_t n, sl = 0, i;
	uint32_t nt, total = 0;
	struct nfips_sbuf eb = { 0 };

	n = request(m, names, 3, 4);
	dns_udp(s, 0, m, (uint32_t)n);
	nt = dns_ready(s, 0, &txs);
	tap_ok(&T, nt == 1 && queries(txs[0], got) == 1 && !strcmp(got[0], "a.example") &&
	       txs[0]->get_int(txs[0], NFIPS_TXINT_DNS_OPCODE, &op) && op == 4,
	       "UDP: one transaction; the empty name ends the queries; opcode 4");
	/* Suricata's alert lists every question, the empty name too */
	tap_ok(&T, nt == 1 && txs[0]->tx_id(txs[0]) == 0 &&
	       strstr(eve_of(txs[0], &eb), "{\"dns\":{\"version\":2,\"query\":[{\"type\":"
		      "\"query\",\"id\":") &&
	       strstr(eb.s, "\"rrname\":\"a.example\",\"rrtype\":\"A\",\"tx_id\":0,"
		      "\"opcode\":4}") &&
	       strstr(eb.s, "\"rrname\":\"\",") && strstr(eb.s, "\"rrname\":\"c.example\"") &&
	       !strstr(eb.s, "answer"),
	       "the request's alert object: tx_id 0, its three questions");
	dns_udp(s, 0, m, 11);
	tap_ok(&T, dns_ready(s, 0, &txs) == 0, "a malformed datagram: no transaction");
	m[2] |= 0x80;
	dns_udp(s, 0, m, (uint32_t)n);
	tap_ok(&T, dns_ready(s, 0, &txs) == 0, "a response sent to the server: none");
	dns_udp(s, 1, m, (uint32_t)n);
	nt = dns_ready(s, 1, &txs);
	tap_ok(&T, nt == 1 && !txs[0]->get_nth(txs[0], NFIPS_BUF_DNS_QUERY, 0,
					       &(const uint8_t *){ NULL }, &(uint32_t){ 0 }),
	       "a response: a transaction without dns.query");
	tap_ok(&T, nt == 1 && txs[0]->tx_id(txs[0]) == 1 &&
	       strstr(eve_of(txs[0], &eb), "\"answer\":{\"version\":2,\"type\":\"answer\",") &&
	       strstr(eb.s, "\"qr\":true,\"rd\":true,\"opcode\":4,\"rrname\":\"a.example\","
		      "\"rrtype\":\"A\",\"rcode\":\"NOERROR\"}}") && !strstr(eb.s, "query"),
	       "the response's: tx_id 1 (the flow's second transaction), its answer header");
	dns_free(s);
	nfips_sbuf_free(&eb);

	/* TCP: three messages and a zero length, fed a byte at a time */
	s = dns_new();
	n = request(m, one, 1, 0);
	for (i = 0; i < 3; i++) {
		stream[sl++] = 0;
		stream[sl++] = (uint8_t)n;
		memcpy(stream + sl, m, n);
		sl += n;
		if (!i) {
			stream[sl++] = 0;
			stream[sl++] = 0;
		}
	}
	for (i = 0; i < sl; i++) {
		dns_tcp(s, 0, stream + i, 1);
		nt = dns_ready(s, 0, &txs);
		if (nt && queries(txs[0], got) == 1 && !strcmp(got[0], "evil.example.net"))
			total += nt;
	}
	tap_ok(&T, total == 3, "TCP: messages split at every byte, a zero length skipped (%u)",
	       total);
	dns_tcp(s, 0, stream, (uint32_t)sl);
	tap_ok(&T, dns_ready(s, 0, &txs) == 3, "TCP: three messages in one segment");
	/* a message that does not parse ends the parsing of both directions */
	stream[2 + 12] = 0x43;
	dns_tcp(s, 0, stream, (uint32_t)sl);
	tap_ok(&T, dns_ready(s, 0, &txs) == 0, "TCP: a bad first message, none after it");
	dns_tcp(s, 1, stream + n + 4, (uint32_t)(sl - n - 4));
	tap_ok(&T, dns_ready(s, 1, &txs) == 0, "TCP: and none in the other direction");
	dns_free(s);
}

/* Mutated messages through every entry point; ASan and UBSan watch. */
static void test_mutations(void)
{
	static const char *const names[] = { "evil.example.net", "x.y" };
	uint8_t base[512], out[DNS_NAME_BUF], *c;
	const struct nfips_tx *const *txs;
	struct nfips_dns *s = dns_new(), *tcp = NULL;
	uint32_t seed = 14, i, j, n0, n, next, len, good = 0, bad = 0, objs = 0;
	struct nfips_sbuf eb = { 0 };
	struct dns_hdr h;
	bool req;

	n0 = (uint32_t)request(base, names, 2, 0);
	memcpy(base + n0, "\xc0\x0c\x00\x05\x00\x01\x00\x00\x00\x10\x00\x02\xc0\x1e", 14);
	base[7] = 1;
	n0 += 14;
	/* the same record as an authority: the alert's answer details it */
	memcpy(base + n0, base + n0 - 14, 14);
	base[9] = 1;
	n0 += 14;
	for (i = 0; i < 20000; i++) {
		uint8_t m[512];

		if (!(i % 64)) {
			dns_free(tcp);
			tcp = dns_new();
		}
		memcpy(m, base, n0);
		for (j = 0; j < 1 + i % 4; j++) {
			seed = seed * 1103515245u + 12345u;
			m[(seed >> 8) % n0] = (uint8_t)(seed >> 20);
		}
		seed = seed * 1103515245u + 12345u;
		n = (seed & 0x10000) ? n0 : (seed >> 17) % (n0 + 1);	/* cut half of them */
		c = exact(m, n);
		if (dns_parse(c, n, true, &h, NULL))
			bad++;
		else
			good++;
		dns_probe_udp(c, n, &req);
		dns_probe_tcp(c, n, &req);
		if (n)
			dns_name(c, n, (seed >> 4) % n, n, out, &len, &next);
		dns_udp(s, (int)(i & 1), c, n);
		dns_tcp(tcp, (int)(i & 1), c, n);
		if (dns_ready(s, (int)(i & 1), &txs)) {
			for (j = 0; j < 4 && txs[0]->get_nth(txs[0], NFIPS_BUF_DNS_QUERY, j,
							     &(const uint8_t *){ NULL }, &len); j++)
				;
			objs += !!strstr(eve_of(txs[0], &eb), "{\"dns\":{\"version\":2");
		}
		for (j = dns_ready(tcp, (int)(i & 1), &txs); j; j--)
			objs += !!strstr(eve_of(txs[j - 1], &eb), "{\"dns\":{\"version\":2");
		free(c);
	}
	dns_free(s);
	dns_free(tcp);
	nfips_sbuf_free(&eb);
	tap_ok(&T, good > 1000 && bad > 1000,
	       "20000 mutated messages (%u parse, %u do not), none read outside itself",
	       good, bad);
	tap_ok(&T, objs > 1000, "... and their alert objects written (%u), none either", objs);
}

int main(void)
{
	test_names();
	test_messages();
	test_probes();
	test_flow();
	test_mutations();
	return tap_done(&T);
}
