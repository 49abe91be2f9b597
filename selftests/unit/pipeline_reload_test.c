// SPDX-License-Identifier: GPL-2.0
/*
 * nfips_pipeline_set_engine() (nfipsd's reload): a flow dropped by a
 * stream match stays dropped under the new engine, so the sender's
 * retransmission of the dropped segment (bytes the stream already has,
 * never inspected again) is dropped too; flowbits start afresh; a flow
 * not dropped keeps being inspected by the new engine.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "detect/engine.h"
#include "pipeline/pipeline.h"
#include "tap.h"

static struct tap T;
static unsigned long alerts;

static void on_alert(void *arg, const struct nfips_pipeline_alert *a)
{
	(void)arg;
	(void)a;
	alerts++;
}

/* An IPv4 TCP segment 10.0.1.2:sport <-> 10.0.2.2:7001 into @buf. */
static uint32_t seg(uint8_t *buf, int to_server, uint16_t sport, uint8_t flags,
		    uint32_t seq, uint32_t ack, const char *data)
{
	uint32_t len = data ? (uint32_t)strlen(data) : 0;
	uint8_t a[4] = { 10, 0, 1, 2 }, b[4] = { 10, 0, 2, 2 };
	uint16_t ports[2] = { htons(sport), htons(7001) };

	memset(buf, 0, 40);
	buf[0] = 0x45;
	buf[2] = (uint8_t)((40 + len) >> 8);
	buf[3] = (uint8_t)(40 + len);
	buf[8] = 64;
	buf[9] = 6;
	memcpy(buf + 12, to_server ? a : b, 4);
	memcpy(buf + 16, to_server ? b : a, 4);
	memcpy(buf + 20, &ports[!to_server], 2);
	memcpy(buf + 22, &ports[to_server], 2);
	seq = htonl(seq);
	ack = htonl(ack);
	memcpy(buf + 24, &seq, 4);
	memcpy(buf + 28, &ack, 4);
	buf[32] = 5 << 4;
	buf[33] = flags;
	buf[34] = 0xff;
	buf[35] = 0xff;
	if (len)
		memcpy(buf + 40, data, len);
	return 40 + len;
}

struct run {
	struct nfips_pipeline *p;
	uint64_t pkt_no, ts;
};

static int pkt(struct run *r, int to_server, uint16_t sport, uint8_t flags,
		uint32_t seq, uint32_t ack, const char *data)
{
	uint8_t buf[256];
	struct nfips_pipeline_pkt in = { .data = buf, .link = NFIPS_LINK_RAW };
	struct nfips_pipeline_result res;

	in.len = seg(buf, to_server, sport, flags, seq, ack, data);
	in.pkt_no = ++r->pkt_no;
	in.ts_usec = r->ts += 1000;
	nfips_pipeline_packet(r->p, &in, &res);
	return res.verdict;
}

/* Handshake of a session from @sport: client ISN 1000, server ISN 5000. */
static void handshake(struct run *r, uint16_t sport)
{
	pkt(r, 1, sport, 0x02, 1000, 0, NULL);
	pkt(r, 0, sport, 0x12, 5000, 1001, NULL);
	pkt(r, 1, sport, 0x10, 1001, 5001, NULL);
}

static struct nfips_engine *engine(struct nfips_rule ***rules, size_t *n)
{
	static const char text[] =
		"drop tcp any any -> any 7001 (msg:\"evil\"; flow:established,to_server; "
		"content:\"EVIL\"; pcre:\"/EVIL\\d{3}X/\"; sid:1;)\n"
		"alert tcp any any -> any 7001 (msg:\"login\"; flow:established,to_server; "
		"content:\"LOGIN\"; flowbits:set,in; flowbits:noalert; sid:2;)\n"
		"alert tcp any any -> any 7001 (msg:\"cmd\"; flow:established,to_server; "
		"content:\"CMD\"; flowbits:isset,in; sid:3;)\n";
	struct nfips_engine_limits lim = { 0 };
	struct nfips_engine *e = NULL;
	struct nfips_err err;
	const char *line = text, *end;

	*rules = calloc(8, sizeof(**rules));
	*n = 0;
	while ((end = strchr(line, '\n'))) {
		char buf[512];

		memcpy(buf, line, (size_t)(end - line));
		buf[end - line] = '\0';
		if (nfips_rule_parse(buf, NULL, &(*rules)[*n], &err) == 0)
			(*n)++;
		else
			tap_diag("rule: %s", err.msg);
		line = end + 1;
	}
	if (nfips_engine_new(&e, *rules, *n, &lim, &err))
		tap_diag("engine: %s", err.msg);
	return e;
}

int main(void)
{
	struct nfips_pipeline_cfg cfg = { 0 };
	struct nfips_rule **r1, **r2;
	size_t n1, n2, i;
	struct nfips_engine *e1 = engine(&r1, &n1), *e2 = engine(&r2, &n2);
	struct run r = { .ts = 1700000000000000ull };
	int v;

	if (!tap_ok(&T, e1 && e2 && n1 == 3, "two engines from the same rules"))
		return tap_done(&T);
	r.p = nfips_pipeline_new(&cfg, e1, on_alert, NULL);

	/* Flow A: dropped by a stream match before the reload. */
	handshake(&r, 40001);
	v = pkt(&r, 1, 40001, 0x18, 1001, 5001, "hi EVIL123X");
	tap_ok(&T, (v & NFIPS_VERDICT_DROP) && alerts == 1, "the attack is dropped");
	/* Flow B: a flowbit set before the reload. */
	handshake(&r, 40002);
	pkt(&r, 1, 40002, 0x18, 1001, 5001, "LOGIN bob ");
	/* Flow C: benign before the reload. */
	handshake(&r, 40003);
	v = pkt(&r, 1, 40003, 0x18, 1001, 5001, "hello ");
	tap_ok(&T, !(v & NFIPS_VERDICT_DROP), "a benign flow passes");

	nfips_pipeline_set_engine(r.p, e2, 2);
	nfips_engine_free(e1);	/* allowed once switched */

	v = pkt(&r, 1, 40001, 0x18, 1001, 5001, "hi EVIL123X");
	tap_ok(&T, v & NFIPS_VERDICT_DROP, "after the reload the retransmission is still dropped");
	v = pkt(&r, 1, 40001, 0x18, 1012, 5001, "more");
	tap_ok(&T, v & NFIPS_VERDICT_DROP, "and the rest of the dropped flow");
	alerts = 0;
	pkt(&r, 1, 40002, 0x18, 1011, 5001, "CMD x");
	tap_ok(&T, alerts == 0, "flowbits start afresh (the old engine's rules set them)");
	v = pkt(&r, 1, 40003, 0x18, 1007, 5001, "now EVIL999X");
	tap_ok(&T, (v & NFIPS_VERDICT_DROP) && alerts == 1,
	       "a flow under way is inspected by the new engine");

	nfips_pipeline_free(r.p);
	nfips_engine_free(e2);
	for (i = 0; i < n1; i++)
		nfips_rule_free(r1[i]);
	for (i = 0; i < n2; i++)
		nfips_rule_free(r2[i]);
	free(r1);
	free(r2);
	return tap_done(&T);
}
