// SPDX-License-Identifier: GPL-2.0
/*
 * The application layer (ctl/lib/applayer/): HTTP detection by content,
 * DNS and TLS detection through the protocols' table,
 * and the buffers of transactions libhtp parsed, as Suricata 7 builds
 * them (normalised URI, header buffers without cookies, header names,
 * http.start, dechunked and decompressed bodies), with data split at
 * every byte so that the parser is fed as TCP delivers.
 */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "applayer/applayer.h"
#include "tap.h"

static struct tap T;

static void test_detect(void)
{
	static const struct {
		const char *d;
		bool to_server;
		int want;
	} cases[] = {
		{ "GET / HTTP/1.1", true, 1 },
		{ "get\t/", true, 1 },
		{ "BASELINE-CONTROL x", true, 1 },
		{ "GETX / HTTP/1.1", true, 0 },
		{ "GE", true, -1 },
		{ "PROP", true, -1 },
		{ "HELLO GET /", true, 0 },
		{ "HTTP/1.1 200 OK", false, 1 },
		{ "http/1.0 404", false, 1 },
		{ "HTTP/2.0 200", false, 0 },
		{ "HTTP/1", false, -1 },
		{ "GET / HTTP/1.1", false, 0 },
		{ "HTTP/1.1 200", true, 0 },
	};
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tap_ok(&T, nfips_app_detect_http((const uint8_t *)cases[i].d,
						 (uint32_t)strlen(cases[i].d),
						 cases[i].to_server) == cases[i].want,
		       "detect %s \"%s\" -> %d", cases[i].to_server ? "to server" : "to client",
		       cases[i].d, cases[i].want);
}

/* Feeds @s to direction @dir one byte at a time, as a growing stream. */
static void feed(struct nfips_app *a, int dir, const char *s, size_t n, uint64_t *off,
		 char *stream)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct nfips_stream st;

		stream[*off] = s[i];
		(*off)++;
		st = (struct nfips_stream){ (const uint8_t *)stream, (uint32_t)*off,
					    (uint32_t)*off - 1, true, 0 };
		nfips_app_data(a, dir, &st, NULL, 1000);
	}
}

static bool buf_is(const struct nfips_tx *tx, uint32_t id, const char *want, size_t n)
{
	const uint8_t *d;
	uint32_t len;

	if (!tx->get(tx, id, &d, &len)) {
		if (want)
			tap_diag("buffer %u: absent", id);
		return want == NULL;
	}
	if (!want || len != n || memcmp(d, want, n)) {
		tap_diag("buffer %u: \"%.*s\" (%u bytes)", id, (int)len, (const char *)d, len);
		return false;
	}
	return true;
}

/* @s gzip-compressed into @out; its length. */
static unsigned long gzip(uint8_t *out, size_t cap, const char *s)
{
	z_stream z = { 0 };
	unsigned long n;

	deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (Bytef *)s;
	z.avail_in = (uInt)strlen(s);
	z.next_out = out;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	n = z.total_out;
	deflateEnd(&z);
	return n;
}

#define IS(tx, id, s) buf_is(tx, id, s, sizeof(s) - 1)

static void test_http(struct nfips_app_ctx *ctx)
{
	static char cs[4096], ss[4096];
	static const char req[] =
		"POST /a%2Fb/../c%20d?x=%41+1#frag HTTP/1.1\r\n"
		"Host: WWW.Example.COM:8080\r\n"
		"User-Agent: First\r\n"
		"Cookie: s=1\r\n"
		"user-agent: Second\r\n"
		"Transfer-Encoding: chunked\r\n"
		"\r\n"
		"5\r\nhello\r\n3\r\n wo\r\n0\r\n\r\n"
		"GET /second HTTP/1.1\r\nHost: b\r\n\r\n";
	const char *body = "compressed response body";
	uint8_t gz[256];
	char res[1024];
	unsigned long gzlen;
	const struct nfips_tx *const *txs;
	struct nfips_app *a = nfips_app_new(ctx);
	uint64_t coff = 0, soff = 0;
	uint32_t n;
	int len;

	gzlen = gzip(gz, sizeof(gz), body);
	len = snprintf(res, sizeof(res), "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
		       "Set-Cookie: t=2\r\nServer: test\r\nContent-Length: %lu\r\n\r\n",
		       (unsigned long)gzlen);
	memcpy(res + len, gz, gzlen);
	len += (int)gzlen;

	feed(a, 0, req, sizeof(req) - 1, &coff, cs);
	tap_ok(&T, nfips_app_proto(a) == NFIPS_ALPROTO_HTTP, "a request makes the flow HTTP");
	n = nfips_app_ready(a, 0, false, &txs);
	tap_ok(&T, n == 2, "two pipelined requests complete: %u", n);
	if (n == 2) {
		tap_ok(&T, IS(txs[0], NFIPS_BUF_HTTP_URI, "/a/c d?x=%41+1#frag"),
		       "http.uri: path decoded and normalised, query and fragment kept");
		tap_ok(&T, IS(txs[0], NFIPS_BUF_HTTP_URI_RAW, "/a%2Fb/../c%20d?x=%41+1#frag"),
		       "http.uri.raw: as sent");
		/* libhtp 0.5.50 keeps the case (so does Suricata 7's buffer). */
		tap_ok(&T, IS(txs[0], NFIPS_BUF_HTTP_HOST, "WWW.Example.COM"),
		       "http.host: the host name without the port");
		tap_ok(&T, IS(txs[0], NFIPS_BUF_HTTP_HOST_RAW, "WWW.Example.COM:8080"),
		       "http.host.raw: the Host header");
		tap_ok(&T, IS(txs[0], NFIPS_BUF_HTTP_USER_AGENT, "First, Second"),
		       "http.user_agent: repeated headers joined");
		tap_ok(&T, IS(txs[0], NFIPS_BUF_HTTP_HEADER,
			      "Host: WWW.Example.COM:8080\r\nUser-Agent: First, Second\r\n"
			      "Transfer-Encoding: chunked\r\n"), "http.header: no Cookie");
		tap_ok(&T, IS(txs[0], NFIPS_BUF_HTTP_HEADER_NAMES,
			      "\r\nHost\r\nUser-Agent\r\nCookie\r\nTransfer-Encoding\r\n\r\n"),
		       "http.header_names");
		tap_ok(&T, IS(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY, "hello wo"),
		       "http.request_body: dechunked");
		tap_ok(&T, IS(txs[0], NFIPS_BUF_HTTP_COOKIE, "s=1"), "http.cookie");
		tap_ok(&T, IS(txs[1], NFIPS_BUF_HTTP_START,
			      "GET /second HTTP/1.1\r\nHost: b\r\n\r\n"), "http.start");
		tap_ok(&T, buf_is(txs[1], NFIPS_BUF_HTTP_USER_AGENT, NULL, 0),
		       "no User-Agent: no buffer");
		tap_ok(&T, buf_is(txs[0], NFIPS_BUF_HTTP_STAT_CODE, NULL, 0),
		       "no response yet: no status");
	}
	feed(a, 1, res, (size_t)len, &soff, ss);
	n = nfips_app_ready(a, 1, false, &txs);
	tap_ok(&T, n == 1, "one response complete: %u", n);
	if (n == 1) {
		tap_ok(&T, IS(txs[0], NFIPS_BUF_HTTP_RESPONSE_BODY, "compressed response body"),
		       "file.data: decompressed");
		tap_ok(&T, IS(txs[0], NFIPS_BUF_HTTP_COOKIE, "t=2"), "http.cookie: Set-Cookie");
		tap_ok(&T, IS(txs[0], NFIPS_BUF_HTTP_STAT_CODE, "200") &&
		       IS(txs[0], NFIPS_BUF_HTTP_RESPONSE_LINE, "HTTP/1.1 200 OK") &&
		       IS(txs[0], NFIPS_BUF_HTTP_SERVER, "test"), "status, response line, server");
		tap_ok(&T, IS(txs[0], NFIPS_BUF_HTTP_HEADER_NAMES,
			      "\r\nContent-Encoding\r\nSet-Cookie\r\nServer\r\nContent-Length\r\n\r\n"),
		       "http.header_names of the response, not the request's");
	}
	tap_ok(&T, nfips_app_ready(a, 1, false, &txs) == 0, "a side is handed out once");
	nfips_app_eof(a, 2000);
	n = nfips_app_ready(a, 1, true, &txs);
	tap_ok(&T, n == 0, "at the end: the second response never started: %u", n);
	nfips_app_free(a);

	/* Not HTTP: nothing parsed, no transactions. */
	a = nfips_app_new(ctx);
	coff = 0;
	feed(a, 0, "HELLO GET / HTTP/1.1\r\n\r\n", 24, &coff, cs);
	nfips_app_eof(a, 3000);
	tap_ok(&T, nfips_app_proto(a) == NFIPS_ALPROTO_NONE &&
	       nfips_app_ready(a, 0, true, &txs) == 0, "a greeting is not HTTP");
	nfips_app_free(a);
}

/* Whether a request for @uri is among the transactions ready to server. */
static bool has_uri(struct nfips_app *a, const char *uri)
{
	const struct nfips_tx *const *txs;
	uint32_t i, n = nfips_app_ready(a, 0, false, &txs);
	const uint8_t *d;
	uint32_t len;

	for (i = 0; i < n; i++)
		if (txs[i]->get(txs[i], NFIPS_BUF_HTTP_URI, &d, &len) &&
		    len == strlen(uri) && !memcmp(d, uri, len))
			return true;
	return false;
}

/* @s as the stream after a gap: it starts at stream offset @off. */
static void after_gap(struct nfips_app *a, const char *s, uint64_t off)
{
	struct nfips_stream st = { (const uint8_t *)s, (uint32_t)strlen(s), 0, true, off };

	nfips_app_data(a, 0, &st, NULL, 2000);
}

/*
 * Bytes lost (a gap) go to libhtp as Suricata passes them: inside a body
 * it counts them and parses the next request; in the headers, libhtp
 * 0.5.50 skips them and parses what follows.
 */
static void test_gap(struct nfips_app_ctx *ctx)
{
	static const char post[] = "POST /up HTTP/1.1\r\nContent-Length: 20\r\n\r\nAAAAA";
	static const char get[] = "GET /x HTTP/1.1\r\nHo";
	static char cs[256];
	struct nfips_app *a = nfips_app_new(ctx);
	uint64_t off = 0;

	if (!tap_ok(&T, a != NULL, "gap: flow state"))
		return;
	feed(a, 0, post, sizeof(post) - 1, &off, cs);
	after_gap(a, "BBBBBBBBBBGET /evil HTTP/1.1\r\nHost: x\r\n\r\n", off + 5);
	tap_ok(&T, has_uri(a, "/evil"), "gap of 5 bytes inside a body: the next request parsed");
	nfips_app_free(a);

	a = nfips_app_new(ctx);
	off = 0;
	feed(a, 0, get, sizeof(get) - 1, &off, cs);
	after_gap(a, "t: x\r\n\r\nGET /after HTTP/1.1\r\n\r\n", off + 3);
	tap_ok(&T, has_uri(a, "/after"),
	       "gap inside the headers: libhtp (0.5.50) goes on with what follows, as in Suricata");
	nfips_app_free(a);
}

/* Appends @n bytes of @s to the stream of direction @dir in one segment. */
static void feed_seg(struct nfips_app *a, int dir, const char *s, size_t n, uint64_t *off,
		     char *stream)
{
	struct nfips_stream st;

	memcpy(stream + *off, s, n);
	st = (struct nfips_stream){ (const uint8_t *)stream, (uint32_t)(*off + n),
				    (uint32_t)*off, true, 0 };
	*off += n;
	nfips_app_data(a, dir, &st, NULL, 1000);
}

/*
 * A transaction side is handed out as it progresses, each buffer
 * available (and final) at the progress Suricata's inspection engine
 * has: the request line's buffers before the headers end, the header
 * buffers before the body, the body past 32 KiB before its end.
 */
static void test_progress(struct nfips_app_ctx *ctx)
{
	static char cs[65536], body[40000];
	static const char line[] = "POST /up?x=1 HTTP/1.1\r\nHost: h\r\nUser-Agent: U\r\n";
	static const char rest[] = "Content-Length: 40000\r\n\r\n";
	struct nfips_app *a = nfips_app_new(ctx);
	const struct nfips_tx *const *txs;
	const struct nfips_tx *tx = NULL;
	uint64_t off = 0;
	uint32_t n;

	memset(body, 'b', sizeof(body));
	feed_seg(a, 0, line, sizeof(line) - 1, &off, cs);
	n = nfips_app_ready(a, 0, false, &txs);
	if (n == 1)
		tx = txs[0];
	tap_ok(&T, tx && IS(tx, NFIPS_BUF_HTTP_URI, "/up?x=1") &&
	       tx->final(tx, NFIPS_BUF_HTTP_URI) &&
	       buf_is(tx, NFIPS_BUF_HTTP_HEADER, NULL, 0) &&
	       !tx->final(tx, NFIPS_BUF_HTTP_HEADER) && !tx->final(tx, NFIPS_BUF_HTTP_HOST_RAW),
	       "progress: request line parsed, headers not: uri final, headers to come");
	feed_seg(a, 0, rest, sizeof(rest) - 1, &off, cs);
	feed_seg(a, 0, body, 1000, &off, cs);
	n = nfips_app_ready(a, 0, false, &txs);
	tap_ok(&T, n == 1 && IS(txs[0], NFIPS_BUF_HTTP_USER_AGENT, "U") &&
	       txs[0]->final(txs[0], NFIPS_BUF_HTTP_HEADER_NAMES) &&
	       !txs[0]->final(txs[0], NFIPS_BUF_HTTP_HEADER) &&
	       buf_is(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY, NULL, 0) &&
	       !txs[0]->final(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY),
	       "progress: headers complete and final (http.header not before a trailer), a short partial body not inspected yet");
	tap_ok(&T, nfips_app_ready(a, 0, false, &txs) == 0,
	       "progress: nothing new, nothing handed out");
	feed_seg(a, 0, body + 1000, 32000, &off, cs);
	n = nfips_app_ready(a, 0, false, &txs);
	tap_ok(&T, n == 1 && buf_is(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY, body, 33000) &&
	       !txs[0]->final(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY),
	       "progress: past 32 KiB the partial body is inspected, not final");
	feed_seg(a, 0, body + 33000, 3000, &off, cs);
	n = nfips_app_ready(a, 0, false, &txs);
	tap_ok(&T, n == 1 && buf_is(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY, body + 31904, 4096),
	       "progress: past 32 KiB, new body with the 4 KiB inspect window before it");
	feed_seg(a, 0, body + 36000, 4000, &off, cs);
	n = nfips_app_ready(a, 0, false, &txs);
	tap_ok(&T, n == 1 && buf_is(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY, body + 35904, 4096) &&
	       txs[0]->final(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY),
	       "progress: the complete body's last window, final");
	tap_ok(&T, nfips_app_ready(a, 0, false, &txs) == 0 &&
	       nfips_app_ready(a, 0, true, &txs) == 0,
	       "progress: a complete side is not handed out again, not even at the end");
	nfips_app_free(a);
}

/* A DNS query for "a.example" (type A), its 2-byte TCP length in front. */
static const char dns_tcp_query[] =
	"\x00\x1b" "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
	"\x01" "a" "\x07" "example" "\x00" "\x00\x01\x00\x01";

static bool first_query_is(const struct nfips_tx *tx, const char *want)
{
	const uint8_t *d;
	uint32_t len;

	return tx->get_nth && tx->get_nth(tx, NFIPS_BUF_DNS_QUERY, 0, &d, &len) &&
	       len == strlen(want) && !memcmp(d, want, len);
}

/*
 * The protocols of the ops table (protos.c) besides HTTP: DNS over TCP
 * on its port only, DNS over UDP with its reversal, TLS by its pattern.
 */
static void test_protos(struct nfips_app_ctx *ctx)
{
	const struct nfips_tx *const *txs;
	struct nfips_app *a;
	char stream[64];
	uint64_t off = 0;
	uint8_t resp[27];

	a = nfips_app_new(ctx);
	nfips_app_set_port(a, 53);
	feed(a, 0, dns_tcp_query, sizeof(dns_tcp_query) - 1, &off, stream);
	tap_ok(&T, nfips_app_proto(a) == NFIPS_ALPROTO_DNS &&
	       nfips_app_ready(a, 0, false, &txs) == 1 && first_query_is(txs[0], "a.example"),
	       "DNS over TCP to port 53, a byte at a time: one request, its dns.query");
	nfips_app_free(a);

	a = nfips_app_new(ctx);
	nfips_app_set_port(a, 5353);
	off = 0;
	feed(a, 0, dns_tcp_query, sizeof(dns_tcp_query) - 1, &off, stream);
	tap_ok(&T, nfips_app_proto(a) == NFIPS_ALPROTO_NONE,
	       "the same bytes to port 5353: not DNS");
	nfips_app_free(a);

	/* The query answered (QR set), sent to the server: the flow reverses. */
	memcpy(resp, dns_tcp_query + 2, sizeof(resp));
	resp[2] |= 0x80;
	a = nfips_app_new(ctx);
	nfips_app_set_port(a, 53);
	tap_ok(&T, nfips_app_udp(a, 0, resp, sizeof(resp)) &&
	       nfips_app_proto(a) == NFIPS_ALPROTO_DNS &&
	       nfips_app_ready(a, 0, false, &txs) == 0 &&
	       nfips_app_ready(a, 1, false, &txs) == 1,
	       "DNS over UDP: a response sent to the server reverses the flow");
	tap_ok(&T, !nfips_app_udp(a, 0, (const uint8_t *)dns_tcp_query + 2, sizeof(resp)) &&
	       nfips_app_ready(a, 0, false, &txs) == 1 && first_query_is(txs[0], "a.example"),
	       "... and the next datagram is parsed without probing");
	nfips_app_free(a);

	a = nfips_app_new(ctx);
	nfips_app_set_port(a, 53);
	off = 0;
	feed(a, 0, "\x16\x03\x01", 3, &off, stream);
	tap_ok(&T, nfips_app_proto(a) == NFIPS_ALPROTO_TLS,
	       "a TLS handshake record to port 53: TLS");
	nfips_app_free(a);
}

/* The side's name for the bytes of buffer @id (struct nfips_tx's ident); 0: none. */
static uint64_t ident_of(const struct nfips_tx *tx, uint32_t id)
{
	uint64_t v = 0;

	return tx->ident && tx->ident(tx, id, &v) ? v : 0;
}

/*
 * Inline, each new piece of a request body is inspected as it arrives.
 * The body's name (ident, what the engine compares instead of hashing
 * the body) is new at every hand-out here, where every window's bytes
 * differ, windows of the same length included, and stays while nothing
 * new came.
 */
static void test_inline(struct nfips_app_ctx *ctx)
{
	static char cs[65536], body[40000];
	static const char head[] = "POST /in HTTP/1.1\r\nContent-Length: 40000\r\n\r\n";
	static const uint32_t step[] = { 100, 200, 36000, 10, 3000 };
	struct nfips_app *a;
	const struct nfips_tx *const *txs;
	uint64_t off = 0, id[5] = { 0 };
	uint32_t n, i, j;
	bool distinct = true, kept = true;

	nfips_app_ctx_body_inline(ctx, true);
	a = nfips_app_new(ctx);
	for (i = 0; i < sizeof(body); i++)
		body[i] = (char)('a' + i % 23);
	feed_seg(a, 0, head, sizeof(head) - 1, &off, cs);
	feed_seg(a, 0, body, step[0], &off, cs);
	n = nfips_app_ready(a, 0, false, &txs);
	id[0] = n == 1 ? ident_of(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY) : 0;
	tap_ok(&T, n == 1 && buf_is(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY, body, 100) &&
	       !txs[0]->final(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY),
	       "inline: the first 100 body bytes are inspected at once");
	feed_seg(a, 0, body + 100, step[1], &off, cs);
	n = nfips_app_ready(a, 0, false, &txs);
	id[1] = n == 1 ? ident_of(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY) : 0;
	tap_ok(&T, n == 1 && buf_is(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY, body, 300),
	       "inline: below 32 KiB the body so far, again on new data");
	feed_seg(a, 0, body + 300, step[2], &off, cs);
	n = nfips_app_ready(a, 0, false, &txs);
	id[2] = n == 1 ? ident_of(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY) : 0;
	tap_ok(&T, n == 1 && buf_is(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY, body, 36300),
	       "inline: up to 32 KiB inspected before, the whole body so far");
	feed_seg(a, 0, body + 36300, step[3], &off, cs);
	n = nfips_app_ready(a, 0, false, &txs);
	id[3] = n == 1 ? ident_of(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY) : 0;
	tap_ok(&T, n == 1 && buf_is(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY, body + 36310 - 4096, 4096),
	       "inline: past 32 KiB 10 new bytes with the inspect window before them");
	kept = n == 1 && ident_of(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY) == id[3];
	feed_seg(a, 0, body + 36310, step[4], &off, cs);
	n = nfips_app_ready(a, 0, false, &txs);
	id[4] = n == 1 ? ident_of(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY) : 0;
	tap_ok(&T, n == 1 && buf_is(txs[0], NFIPS_BUF_HTTP_REQUEST_BODY, body + 39310 - 4096, 4096),
	       "inline: 3000 new bytes, the window before them: as long as the last one, other bytes");
	for (i = 0; i < 5; i++)
		for (j = 0; j < i; j++)
			distinct &= id[i] && id[i] != id[j];
	tap_ok(&T, distinct && kept && n == 1 && !ident_of(txs[0], NFIPS_BUF_HTTP_URI) &&
	       !ident_of(txs[0], NFIPS_BUF_HTTP_RESPONSE_BODY),
	       "inline: the body's name is new with every new window, kept without new data "
	       "(%llx %llx %llx %llx %llx); other buffers are hashed",
	       (unsigned long long)id[0], (unsigned long long)id[1], (unsigned long long)id[2],
	       (unsigned long long)id[3], (unsigned long long)id[4]);
	nfips_app_free(a);
	nfips_app_ctx_body_inline(ctx, false);
}

/*
 * What the parsers hold (nfips_app_held, nfipsd's memory budget) is back
 * where it was once a flow is freed, after a buffer assembled with
 * nothing to assemble (http.start of a response without a status line):
 * it used to be marked by a capacity of UINT32_MAX, which freeing took
 * off the count, leaving it 4 GiB short, so that an nfipsd with a budget
 * saw itself over it for good and let every new flow go unqueued.
 */
static void test_held(struct nfips_app_ctx *ctx)
{
	static char cs[256], ss[256];
	static const char req[] = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
	static const char res[] = "no status line here\r\n";
	struct nfips_app *a = nfips_app_new(ctx);
	const struct nfips_tx *const *txs;
	uint64_t coff = 0, soff = 0, before = nfips_app_held();
	bool none;
	uint32_t n;

	feed_seg(a, 0, req, sizeof(req) - 1, &coff, cs);
	nfips_app_ready(a, 0, false, &txs);
	feed_seg(a, 1, res, sizeof(res) - 1, &soff, ss);
	n = nfips_app_ready(a, 1, false, &txs);
	none = n == 1 && buf_is(txs[0], NFIPS_BUF_HTTP_START, NULL, 0) &&
	       buf_is(txs[0], NFIPS_BUF_HTTP_START, NULL, 0);
	nfips_app_free(a);
	tap_ok(&T, none && nfips_app_held() == before,
	       "held: back to its start after a flow with an empty assembled buffer "
	       "(%lld bytes off)", (long long)(nfips_app_held() - before));
}

int main(void)
{
	struct nfips_app_ctx *ctx = nfips_app_ctx_new();

	test_detect();
	if (ctx) {
		/* The tests but test_inline's: Suricata's IDS mode. */
		nfips_app_ctx_body_inline(ctx, false);
		test_http(ctx);
		test_gap(ctx);
		test_progress(ctx);
		test_protos(ctx);
		test_inline(ctx);
		test_held(ctx);
	} else
		tap_ok(&T, false, "libhtp configuration");
	nfips_app_ctx_free(ctx);
	return tap_done(&T);
}
