// SPDX-License-Identifier: GPL-2.0
/*
 * The packet pipeline's advice to the daemon (what it still needs of a
 * flow, per direction, also from what its application layer says) and
 * stream_bypass: a direction is only declared
 * done when no loaded rule could act on any later packet of it, so live
 * verdicts can equal a replay. Packets are raw IPv4 TCP built here.
 */
#include <arpa/inet.h>
#include <string.h>

#include "detect/engine.h"
#include "pipeline/pipeline.h"
#include "rules/rule.h"
#include "tap.h"

static struct tap T;

struct run {
	struct nfips_rule *rules[8];
	size_t nrules;
	struct nfips_engine *e;
	struct nfips_pipeline *p;
	uint32_t sids[64];
	bool payload[64];	/* the record has payload_printable */
	size_t nalerts;
	uint32_t seq[2];
	uint64_t pkt_no;
	struct nfips_pipeline_result res;
};

static void on_alert(void *arg, const struct nfips_pipeline_alert *a)
{
	struct run *r = arg;

	if (r->nalerts < 64) {
		r->payload[r->nalerts] = memmem(a->record, a->len, "\"payload_printable\"", 19);
		r->sids[r->nalerts++] = a->rule->sid;
	}
}

static int on_rule(void *arg, struct nfips_rule *rule, const struct nfips_err *err)
{
	struct run *r = arg;

	if (!rule) {
		tap_diag("rule error: %s", err->msg);
		return -1;
	}
	r->rules[r->nrules++] = rule;
	return 0;
}

static bool start_cfg(struct run *r, const char *rules, struct nfips_pipeline_cfg cfg)
{
	struct nfips_parse_ctx ctx = { 0 };
	struct nfips_err err;

	memset(r, 0, sizeof(*r));
	r->seq[0] = 1000;
	r->seq[1] = 5000;
	cfg.flows.stream.depth = 4096;
	if (nfips_rules_parse_buf("test", rules, strlen(rules), &ctx, on_rule, r) ||
	    nfips_engine_new(&r->e, r->rules, r->nrules,
			     &(struct nfips_engine_limits){ 0 }, &err))
		return false;
	r->p = nfips_pipeline_new(&cfg, r->e, on_alert, r);
	return r->p;
}

static bool start(struct run *r, const char *rules, bool stream_bypass)
{
	return start_cfg(r, rules, (struct nfips_pipeline_cfg){ .stream_bypass = stream_bypass });
}

static void stop(struct run *r)
{
	size_t i;

	nfips_pipeline_free(r->p);
	nfips_engine_free(r->e);
	for (i = 0; i < r->nrules; i++)
		nfips_rule_free(r->rules[i]);
}

/* One TCP segment: dir 0 client 10.0.0.1:40000 -> server 10.0.0.2:80. */
static void send_tcp(struct run *r, int dir, uint8_t flags, const char *data, size_t len)
{
	uint8_t pkt[1500] = { 0x45 };
	uint16_t v;
	uint32_t w;
	struct nfips_pipeline_pkt in = { .data = pkt, .link = NFIPS_LINK_RAW };

	v = htons((uint16_t)(40 + len));
	memcpy(pkt + 2, &v, 2);
	pkt[8] = 64;
	pkt[9] = 6;
	pkt[12] = 10, pkt[15] = dir ? 2 : 1;
	pkt[16] = 10, pkt[19] = dir ? 1 : 2;
	v = htons(dir ? 80 : 40000);
	memcpy(pkt + 20, &v, 2);
	v = htons(dir ? 40000 : 80);
	memcpy(pkt + 22, &v, 2);
	w = htonl(r->seq[dir]);
	memcpy(pkt + 24, &w, 4);
	w = htonl(r->seq[!dir]);
	memcpy(pkt + 28, &w, 4);
	pkt[32] = 5 << 4;
	pkt[33] = flags;
	pkt[34] = pkt[35] = 0xff;
	memcpy(pkt + 40, data, len);
	r->seq[dir] += (uint32_t)len + ((flags & 0x03) ? 1 : 0);
	in.len = (uint32_t)(40 + len);
	in.pkt_no = ++r->pkt_no;
	in.ts_usec = 1700000000000000ull + r->pkt_no * 1000;
	nfips_pipeline_packet(r->p, &in, &r->res);
}

static void handshake(struct run *r)
{
	send_tcp(r, 0, 0x02, "", 0);
	send_tcp(r, 1, 0x12, "", 0);
	send_tcp(r, 0, 0x10, "", 0);
}

static void advice(struct run *r, struct nfips_flow_advice *a)
{
	nfips_pipeline_advice(r->p, &r->res, a);
}

static void header_and_direction(void)
{
	struct nfips_flow_advice a;
	struct run r;

	if (!tap_ok(&T, start(&r, "alert tcp any any -> any 80 (flow:to_server; content:\"x\"; sid:1;)\n", false),
		    "setup: a to_server rule on port 80"))
		return;
	handshake(&r);
	advice(&r, &a);
	tap_ok(&T, !a.drop && !a.done[0] && a.done[1],
	       "a to_server rule: the request direction is needed, the responses are not");
	stop(&r);

	if (!start(&r, "alert tcp any any -> any 443 (content:\"x\"; sid:1;)\n", false))
		return;
	handshake(&r);
	advice(&r, &a);
	tap_ok(&T, a.done[0] && a.done[1], "no rule's ports admit the flow: both directions done");
	{
		struct nfips_flowtab_stats fs;

		nfips_pipeline_forget(r.p, r.res.flow);
		send_tcp(&r, 0, 0x02, "", 0);
		nfips_flowtab_get_stats(nfips_pipeline_flows(r.p), &fs);
		tap_ok(&T, fs.created == 2 && fs.active == 1,
		       "a forgotten flow's next packet starts a new flow");
	}
	stop(&r);

	if (!start(&r, "alert tcp any 80 -> any any (content:\"x\"; sid:1;)\n", false))
		return;
	handshake(&r);
	advice(&r, &a);
	tap_ok(&T, a.done[0] && !a.done[1],
	       "a rule from source port 80: only the server's direction is needed");
	stop(&r);
}

static void iponly_pass_drop(void)
{
	struct nfips_flow_advice a;
	struct run r;

	if (!start(&r, "alert ip any any -> 10.0.0.0/8 any (msg:\"ip-only\"; sid:3;)\n", false))
		return;
	send_tcp(&r, 0, 0x02, "", 0);
	advice(&r, &a);
	tap_ok(&T, a.done[0] && !a.done[1],
	       "IP-only rule: done with a direction once its first packet was seen");
	send_tcp(&r, 1, 0x12, "", 0);
	advice(&r, &a);
	tap_ok(&T, a.done[0] && a.done[1] && r.nalerts == 2 && r.sids[1] == 3,
	       "IP-only rule: both directions done after the reply, one alert each");
	stop(&r);

	if (!start(&r, "pass tcp any any -> any any (content:\"trusted\"; sid:4;)\n"
		   "alert tcp any any -> any any (content:\"evil\"; sid:5;)\n", false))
		return;
	handshake(&r);
	send_tcp(&r, 0, 0x18, "GET trusted", 11);
	advice(&r, &a);
	tap_ok(&T, a.done[0] && a.done[1] && !a.drop,
	       "a pass rule matched on the stream: the whole flow is done");
	stop(&r);

	if (!start(&r, "drop tcp any any -> any any (content:\"evil\"; sid:6;)\n", false))
		return;
	handshake(&r);
	send_tcp(&r, 0, 0x18, "GET evil", 8);
	advice(&r, &a);
	tap_ok(&T, a.drop && (r.res.verdict & NFIPS_VERDICT_DROP),
	       "a drop rule matched on the stream: the flow is to be dropped");
	stop(&r);
}

static bool suppress_all(void *arg, const struct nfips_rule *r,
			 const struct nfips_pkt *p)
{
	(void)arg;
	(void)p;
	return r->sid == 6;
}

static void suppressed_drop(void)
{
	struct nfips_flow_advice a;
	struct run r;

	if (!start(&r, "drop tcp any any -> any any (content:\"evil\"; sid:6;)\n"
		   "alert tcp any any -> any any (content:\"GET\"; sid:8;)\n", false))
		return;
	nfips_engine_set_suppress(r.e, suppress_all, NULL);
	handshake(&r);
	send_tcp(&r, 0, 0x18, "GET evil", 8);
	advice(&r, &a);
	tap_ok(&T, a.drop && (r.res.verdict & NFIPS_VERDICT_DROP) && r.nalerts == 1 &&
	       r.sids[0] == 8,
	       "a suppressed drop rule still drops, without its alert (Suricata's suppress)");
	stop(&r);
}

static void bypassed_flow(void)
{
	struct nfips_pipeline_stats st;
	struct run r;

	if (!start(&r, "alert ip any any -> any any (msg:\"first\"; sid:9;)\n"
		   "alert tcp any any -> any any (content:\"late\"; sid:10;)\n", false))
		return;
	handshake(&r);
	nfips_pipeline_bypass(r.p, r.res.flow, 1700000000000000ull + r.pkt_no * 1000);
	send_tcp(&r, 0, 0x18, "late", 4);
	nfips_pipeline_get_stats(r.p, &st);
	tap_ok(&T, r.res.status == NFIPS_PIPE_BYPASSED && st.stragglers == 1 && r.nalerts == 2,
	       "a packet of a bypassed flow still in the queue is not evaluated");
	r.seq[0] += 100000;
	send_tcp(&r, 0, 0x02, "", 0);
	tap_ok(&T, r.res.status == NFIPS_PIPE_EVALUATED && r.nalerts == 3 && r.sids[2] == 9,
	       "a SYN on a bypassed flow starts a new flow, evaluated afresh");
	stop(&r);
}

/*
 * HTTP inspected as the transaction progresses (Suricata's inspection
 * engines by progress): a drop rule on the URI drops the packet that
 * completes the request line and headers, not the end of a body that may
 * never come; a rule alerts once per transaction however many packets
 * follow; a flow forgotten after a bypass has its unfinished
 * transactions inspected as at a flow's end.
 */
#define HTTP_PROGRESS_RULES \
	"drop http any any -> any any (msg:\"uri\"; flow:to_server; " \
	"http.uri; content:\"/upload/evil\"; sid:20;)\n" \
	"alert http any any -> any any (msg:\"ua\"; flow:to_server; " \
	"http.user_agent; content:\"BadBot\"; sid:21;)\n" \
	"alert http any any -> any any (msg:\"body\"; flow:to_server; " \
	"http.request_body; content:\"MARK\"; sid:22;)\n"

static void http_progress(void)
{
	static const char hdr[] = "P/1.1\r\nHost: up.example.com\r\n"
				  "User-Agent: BadBot/1\r\nContent-Length: 100000\r\n\r\nMARK";
	static char body[1000];
	struct run r;

	memset(body, 'b', sizeof(body));
	/* Bodies as in IDS mode (replay's default): from 32 KiB on or complete. */
	if (!start_cfg(&r, HTTP_PROGRESS_RULES, (struct nfips_pipeline_cfg){ .http_body_ids = true }))
		return;
	handshake(&r);
	send_tcp(&r, 0, 0x18, "POST /upload/evil HTT", 21);
	tap_ok(&T, r.nalerts == 0 && !(r.res.verdict & NFIPS_VERDICT_DROP),
	       "http: a partial request line raises nothing");
	send_tcp(&r, 0, 0x18, hdr, sizeof(hdr) - 1);
	tap_ok(&T, r.nalerts == 2 && r.sids[0] == 20 && r.sids[1] == 21 &&
	       (r.res.verdict & NFIPS_VERDICT_DROP),
	       "http: the packet completing the headers is dropped (uri) and alerts (user agent), the body still to come");
	send_tcp(&r, 0, 0x18, body, sizeof(body));
	send_tcp(&r, 0, 0x18, body, sizeof(body));
	tap_ok(&T, r.nalerts == 2,
	       "http: later body packets of the transaction raise no second alert");
	/* The daemon bypasses the flow; a new connection on its ports forgets it. */
	nfips_pipeline_bypass(r.p, r.res.flow, 1700000000000000ull + r.pkt_no * 1000);
	r.seq[0] += 100000;
	send_tcp(&r, 0, 0x02, "", 0);
	tap_ok(&T, r.nalerts == 3 && r.sids[2] == 22,
	       "http: a forgotten flow's unfinished request is inspected as far as it got (body rule)");
	stop(&r);
	/* Inline (the daemon's default): the body's first bytes with their packet. */
	if (!start(&r, HTTP_PROGRESS_RULES, false))
		return;
	handshake(&r);
	send_tcp(&r, 0, 0x18, "POST /upload/evil HTT", 21);
	send_tcp(&r, 0, 0x18, hdr, sizeof(hdr) - 1);
	tap_ok(&T, r.nalerts == 3 && r.sids[2] == 22 && (r.res.verdict & NFIPS_VERDICT_DROP),
	       "http inline: the body's first bytes are inspected with the packet bringing them");
	stop(&r);
}

static void stream_bypass(void)
{
	static char chunk[1024];
	struct nfips_flow_advice a;
	struct nfips_pipeline_stats st;
	struct run r;
	int i;

	memset(chunk, 'A', sizeof(chunk));
	for (int bypass = 0; bypass < 2; bypass++) {
		if (!start(&r, "alert tcp any any -> any any (content:\"MARK\"; sid:7;)\n", bypass))
			return;
		handshake(&r);
		for (i = 0; i < 5; i++)	/* 5 KiB: the 4 KiB depth, then 2 past it */
			send_tcp(&r, 1, 0x10, chunk, sizeof(chunk));
		advice(&r, &a);
		send_tcp(&r, 1, 0x18, "MARK", 4);
		nfips_pipeline_get_stats(r.p, &st);
		if (bypass)
			tap_ok(&T, a.done[1] && !a.done[0] && r.nalerts == 0 && st.bypassed == 2,
			       "stream_bypass: past the depth the direction is done and not evaluated");
		else
			tap_ok(&T, !a.done[1] && !a.done[0] && r.nalerts == 1 && !st.bypassed,
			       "without stream_bypass: past the depth packets are still inspected");
		stop(&r);
	}
}

/* An incident tracker that opens one incident per sid. */
static bool first_of_sid(void *arg, const struct nfips_pipeline_alert *a)
{
	uint32_t *seen = arg;

	if (seen[0] == a->rule->sid || seen[1] == a->rule->sid)
		return false;
	seen[seen[0] ? 1 : 0] = a->rule->sid;
	return true;
}

static void payload_policy(void)
{
	static const char rules[] =
		"alert tcp any any -> any any (content:\"A\"; sid:1;)\n"
		"alert tcp any any -> any any (content:\"B\"; sid:2;)\n";
	uint32_t seen[2] = { 0 };
	struct run r;

	if (!start_cfg(&r, rules, (struct nfips_pipeline_cfg){
			.payload = NFIPS_EVE_PAYLOAD_FIRST,
			.incident_first = first_of_sid, .incident_arg = seen }))
		return;
	handshake(&r);
	send_tcp(&r, 0, 0x18, "xA", 2);
	send_tcp(&r, 0, 0x18, "yA", 2);
	send_tcp(&r, 0, 0x18, "zB", 2);
	tap_ok(&T, r.nalerts == 3 && r.payload[0] && !r.payload[1] && r.payload[2],
	       "payload \"first\": only the alert that opens an incident carries the payload");
	stop(&r);
	if (!start_cfg(&r, rules, (struct nfips_pipeline_cfg){ .payload = NFIPS_EVE_PAYLOAD_NONE }))
		return;
	handshake(&r);
	send_tcp(&r, 0, 0x18, "xA", 2);
	tap_ok(&T, r.nalerts == 1 && !r.payload[0], "payload \"none\": no payload fields");
	stop(&r);
	if (!start_cfg(&r, rules, (struct nfips_pipeline_cfg){ 0 }))
		return;
	handshake(&r);
	send_tcp(&r, 0, 0x18, "xA", 2);
	send_tcp(&r, 0, 0x18, "yA", 2);
	tap_ok(&T, r.nalerts == 2 && r.payload[0] && r.payload[1],
	       "payload by default: every record");
	stop(&r);
}

/* A TLS record of @type around @n bytes of @body, appended at @out. */
static size_t tls_record(uint8_t *out, uint8_t type, const uint8_t *body, size_t n)
{
	out[0] = type;
	out[1] = 3;
	out[2] = 3;
	out[3] = (uint8_t)(n >> 8);
	out[4] = (uint8_t)n;
	memcpy(out + 5, body, n);
	return n + 5;
}

/* A hello (1: client, 2: server) without extensions, in its record. */
static size_t tls_hello(uint8_t *out, uint8_t type)
{
	uint8_t b[64] = { type, 0, 0, 0, 3, 3 };
	size_t n = 6 + 32;

	b[n++] = 0;			/* session id */
	if (type == 1) {
		b[n++] = 0, b[n++] = 2;	/* one cipher suite */
		b[n++] = 0x13, b[n++] = 0x01;
		b[n++] = 1, b[n++] = 0;	/* no compression */
	} else {
		b[n++] = 0x13, b[n++] = 0x01;
		b[n++] = 0;
	}
	b[3] = (uint8_t)(n - 4);
	return tls_record(out, 22, b, n);
}

static void tls_send(struct run *r, int dir, uint8_t type)
{
	uint8_t rec[128];
	size_t n = type == 23 ? tls_record(rec, 23, (const uint8_t *)"cipher", 6) :
		   type == 20 ? tls_record(rec, 20, (const uint8_t *)"\x01", 1) :
				tls_hello(rec, dir ? 2 : 1);

	send_tcp(r, dir, 0x18, (const char *)rec, n);
}

/*
 * The application layer's part of the contract (pipeline.c's advice): a
 * flow is let go once its protocol rules a rule out (another protocol's,
 * none detected on either side), and a TLS flow once its handshake is
 * over, both sides inspected and application data seen (payload
 * inspection ends there, Suricata's encryption-handling default), unless
 * a rule needs neither payload nor buffers. HTTP never: its next request
 * may come at any time.
 */
static void app_contract(void)
{
	static const char tls_and_raw[] =
		"alert tls any any -> any any (tls.sni; content:\"evil\"; sid:1;)\n"
		"alert tcp any any -> any any (content:\"attack\"; sid:2;)\n"
		"alert http any any -> any any (http.uri; content:\"/x\"; sid:3;)\n";
	static const char req[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	struct nfips_flow_advice a;
	struct run r;

	if (!tap_ok(&T, start(&r, tls_and_raw, false), "setup: TLS, raw and HTTP rules"))
		return;
	handshake(&r);
	tls_send(&r, 0, 22);
	tls_send(&r, 1, 22);
	advice(&r, &a);
	tap_ok(&T, !a.done[0] && !a.done[1], "TLS hellos exchanged: the flow is still wanted");
	tls_send(&r, 1, 20);
	tls_send(&r, 0, 20);
	tls_send(&r, 0, 23);
	advice(&r, &a);
	tap_ok(&T, a.done[0] && a.done[1],
	       "ChangeCipherSpec both ways, the client's application data: nothing more to hand out, let go");
	tls_send(&r, 1, 23);
	advice(&r, &a);
	tap_ok(&T, a.done[0] && a.done[1] && !r.nalerts,
	       "... and after the server's: still let go");
	/*
	 * Bytes behind a hole, inspected at the flow's end (a review: the
	 * pseudo packets did not say payload inspection had ended, so the
	 * full replay alerted what the let-go flow, and Suricata, did not).
	 */
	r.seq[0] += 100;
	send_tcp(&r, 0, 0x18, "attack", 6);
	nfips_pipeline_flush(r.p);
	tap_ok(&T, !r.nalerts, "after application data, bytes flushed at the end: no payload alert");
	stop(&r);

	if (!start(&r, tls_and_raw, false))
		return;
	handshake(&r);
	tls_send(&r, 0, 22);
	tls_send(&r, 1, 22);
	tls_send(&r, 0, 23);
	tls_send(&r, 1, 23);
	advice(&r, &a);
	tap_ok(&T, !a.done[0] && !a.done[1],
	       "no ChangeCipherSpec: a later hello would still be read, the flow stays wanted");
	stop(&r);

	if (!start(&r, "alert tls any any -> any any (tls.sni; content:\"evil\"; sid:1;)\n"
		   "alert tcp any any -> any any (dsize:>1000; sid:5;)\n", false))
		return;
	handshake(&r);
	tls_send(&r, 0, 22);
	tls_send(&r, 1, 22);
	tls_send(&r, 1, 20);
	tls_send(&r, 0, 20);
	tls_send(&r, 0, 23);
	tls_send(&r, 1, 23);
	advice(&r, &a);
	tap_ok(&T, !a.done[0] && !a.done[1],
	       "a rule on packet sizes (no payload keyword) keeps an encrypted flow wanted");
	stop(&r);

	if (!start(&r, tls_and_raw, false))
		return;
	handshake(&r);
	send_tcp(&r, 0, 0x18, req, sizeof(req) - 1);
	send_tcp(&r, 1, 0x18, resp, sizeof(resp) - 1);
	advice(&r, &a);
	tap_ok(&T, !a.done[0] && !a.done[1] && r.nalerts == 0,
	       "HTTP with HTTP rules: wanted after a whole transaction");
	stop(&r);

	if (!start(&r, "alert tls any any -> any any (tls.sni; content:\"evil\"; sid:1;)\n",
		   false))
		return;
	handshake(&r);
	send_tcp(&r, 0, 0x18, req, sizeof(req) - 1);
	advice(&r, &a);
	tap_ok(&T, a.done[0] && a.done[1], "HTTP with only TLS rules: let go once detected");
	stop(&r);

	if (!start(&r, "alert http any any -> any any (http.uri; content:\"/x\"; sid:3;)\n",
		   false))
		return;
	handshake(&r);
	send_tcp(&r, 0, 0x18, "\x01\x02 binary", 9);
	advice(&r, &a);
	tap_ok(&T, !a.done[0] && !a.done[1],
	       "only HTTP rules, the client's bytes not HTTP: the server's may still be");
	send_tcp(&r, 1, 0x18, "\x03\x04 binary", 9);
	advice(&r, &a);
	tap_ok(&T, a.done[0] && a.done[1],
	       "only HTTP rules, neither side HTTP (nor any protocol): let go");
	stop(&r);
}

/* Inline, a segment reassembly cannot take behind a hole is dropped. */
static void resend_beyond_window(void)
{
	struct nfips_pipeline_cfg cfg = { 0 };
	char far[61];
	uint32_t base;
	struct run r;

	cfg.flows.stream.ooo_max = 64;
	if (!tap_ok(&T, start_cfg(&r, "alert tcp any any -> any 80 (content:\"ATTACK\"; sid:1;)\n",
				  cfg), "setup: a 64-byte window"))
		return;
	handshake(&r);
	base = r.seq[0];
	memset(far, 'z', 60);
	far[60] = '\0';
	r.seq[0] = base + 1;
	send_tcp(&r, 0, 0x18, "TTACK", 5);		/* a 1-byte hole before it */
	r.seq[0] = base + 100;
	send_tcp(&r, 0, 0x18, far, 60);			/* beyond the window: held */
	tap_ok(&T, !r.res.resend, "segment beyond the window behind a hole: held, forwarded");
	r.seq[0] = base + 200;
	send_tcp(&r, 0, 0x18, far, 60);			/* past the holding bound */
	tap_ok(&T, r.res.resend, "past what reassembly holds: resend (the daemon drops it)");
	r.seq[0] = base;
	send_tcp(&r, 0, 0x18, "A", 1);
	tap_ok(&T, r.nalerts == 1 && r.sids[0] == 1 && !r.res.resend,
	       "the hole filled: ATTACK matched across it, no gap");
	stop(&r);
}

static void send_raw(struct run *r, const uint8_t *pkt, uint32_t len)
{
	struct nfips_pipeline_pkt in = { .data = pkt, .len = len, .link = NFIPS_LINK_RAW };

	in.pkt_no = ++r->pkt_no;
	in.ts_usec = 1700000000000000ull + r->pkt_no * 1000;
	nfips_pipeline_packet(r->p, &in, &r->res);
}

/* An IPv4 header of @tot bytes, protocol @proto, 10.0.0.@a -> 10.0.0.@b. */
static void ip4(uint8_t *p, uint16_t tot, uint8_t proto, uint8_t a, uint8_t b)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = (uint8_t)(tot >> 8), p[3] = (uint8_t)tot;
	p[8] = 64;
	p[9] = proto;
	p[12] = 10, p[15] = a;
	p[16] = 10, p[19] = b;
}

/*
 * What nfipsd acts on: a packet whose TCP header is bad is evaluated
 * (a drop rule drops it inline) without a flow, and counted malformed;
 * a UDP flow carrying VXLAN is never "done" for the daemon, whatever the
 * rules say of UDP, since its inner flows need every packet.
 */
static void bad_transport_and_tunnel(void)
{
	uint8_t pkt[200] = { 0 };
	struct nfips_flow_advice a;
	struct run r;
	int i;

	if (!tap_ok(&T, start(&r, "drop ip 10.0.0.1 any -> any any (msg:\"host\"; sid:1;)\n"
			      "alert tcp any any -> any 80 (content:\"ATTACK\"; sid:2;)\n", false),
		    "bad transport: engine"))
		return;
	for (i = 0; i < 2; i++) {
		ip4(pkt, 40, 6, 1, 2);
		pkt[32] = 3 << 4;	/* data offset 3: a bad TCP header */
		send_raw(&r, pkt, 40);
		tap_ok(&T, r.res.status == NFIPS_PIPE_EVALUATED && r.res.malformed &&
		       !r.res.flow && (r.res.verdict & NFIPS_VERDICT_DROP) &&
		       r.nalerts == (size_t)i + 1 && r.sids[i] == 1,
		       "bad TCP header %d: IP-only drop rule evaluated, no flow, malformed", i + 1);
	}
	stop(&r);

	if (!tap_ok(&T, start(&r, "alert tcp any any -> any 80 (content:\"ATTACK\"; sid:2;)\n",
			      false), "tunnel: engine"))
		return;
	/* 10.0.0.7:1234 -> 10.0.0.8:4789 VXLAN, Ethernet, 10.0.0.1:40000 ->
	 * 10.0.0.2:80 TCP with ATTACK */
	ip4(pkt, 20 + 8 + 8 + 14 + 20 + 20 + 6, 17, 7, 8);
	pkt[20] = 0x04, pkt[21] = 0xd2;		/* 1234 */
	pkt[22] = 0x12, pkt[23] = 0xb5;		/* 4789 */
	pkt[25] = 8 + 8 + 14 + 20 + 20 + 6;
	pkt[28] = 0x08;				/* VXLAN flag I */
	pkt[36 + 12] = 0x08;			/* ethertype IPv4 */
	ip4(pkt + 50, 20 + 20 + 6, 6, 1, 2);
	pkt[70] = 0x9c, pkt[71] = 0x40;		/* 40000 */
	pkt[73] = 80;
	pkt[82] = 5 << 4;
	pkt[83] = 0x18;				/* PSH ACK */
	memcpy(pkt + 90, "ATTACK", 6);
	send_raw(&r, pkt, 96);
	advice(&r, &a);
	tap_ok(&T, r.res.status == NFIPS_PIPE_EVALUATED && r.res.flow &&
	       r.res.flow->key.proto == IPPROTO_UDP && r.res.flow->tunnel &&
	       !a.done[0] && !a.done[1],
	       "VXLAN: the outer UDP flow carries a tunnel, the daemon keeps it");
	stop(&r);
}

int main(void)
{
	header_and_direction();
	iponly_pass_drop();
	suppressed_drop();
	bypassed_flow();
	http_progress();
	stream_bypass();
	payload_policy();
	resend_beyond_window();
	app_contract();
	bad_transport_and_tunnel();
	printf("1..%d\n", T.n);
	return T.failed ? 1 : 0;
}
