// SPDX-License-Identifier: GPL-2.0
/*
 * The prefilter (fast patterns through the matcher, candidates per
 * buffer) must not change any alert: the engine is run side by side with
 * one that evaluates every rule on every packet (no_prefilter), over the
 * loadable ET Open rules (those of the packet, not the application
 * layer) and random packets built to satisfy a random
 * rule's header with its contents (and other rules' contents) in random
 * payloads, in flows with flowbits, stream data and thresholds, or
 * without a flow (every packet then meets the IP-only rules, which the
 * prefiltering engine finds through its address index). Stream data that
 * is the packet's payload takes the shared packet/stream scan.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>

#include "rule_util.h"
#include "detect/engine.h"

#define ETDIR "../../../shared/data/et-open"
#define NPKT 6000
#define NFLOW 6

static struct nfips_rule **rules;
static size_t nrules, caprules;

static int keep(void *arg, struct nfips_rule *r, const struct nfips_err *e)
{
	(void)arg;
	(void)e;
	if (!r)
		return 0;
	/* Application-layer rules run on transactions, not on these random
	 * packets: applayer_test and the Suricata differential cover them. */
	if (r->skip || r->alproto != NFIPS_ALPROTO_NONE) {
		nfips_rule_free(r);
		return 0;
	}
	if (nrules == caprules) {
		caprules = caprules ? caprules * 2 : 1024;
		rules = realloc(rules, caprules * sizeof(*rules));
	}
	rules[nrules++] = r;
	return 0;
}

static uint64_t rs = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return n ? (uint32_t)(rs % n) : 0;
}

struct out {
	uint32_t sid[256];
	uint32_t flags[256];
	unsigned n;
};

static void on_alert(void *arg, const struct nfips_pkt *p, const struct nfips_flow *f,
		     const struct nfips_alert *a)
{
	struct out *o = arg;

	(void)p;
	(void)f;
	if (o->n < 256) {
		o->sid[o->n] = a->rule->sid;
		o->flags[o->n++] = a->flags;
	}
}

/* An address of @s (IPv4), or random. */
static uint32_t pick_addr(const struct nfips_addrset *s)
{
	const struct nfips_range *r;
	uint64_t span;

	if (!s->n4 || rnd(8) == 0)
		return rnd(UINT32_MAX);
	r = &s->v4[rnd(s->n4)];
	span = (uint64_t)(r->hi - r->lo) + 1;
	return (uint32_t)(r->lo + (span > 1 ? rnd((uint32_t)(span > UINT32_MAX ? UINT32_MAX : span)) : 0));
}

static uint16_t pick_port(const struct nfips_portset *s)
{
	const struct nfips_range *r;

	if (s->any || !s->n || rnd(8) == 0)
		return (uint16_t)(1024 + rnd(60000));
	r = &s->v[rnd(s->n)];
	return (uint16_t)(r->lo + rnd((uint32_t)(r->hi - r->lo) + 1));
}

/* Random bytes, contents of @r in order with gaps, and other contents. */
static uint32_t make_payload(uint8_t *buf, uint32_t cap, const struct nfips_rule *r)
{
	uint32_t len = 0, i, k, n;

	n = rnd(40);
	for (i = 0; i < n && len < cap; i++)
		buf[len++] = (uint8_t)(rnd(4) ? 'a' + rnd(26) : rnd(256));
	for (i = 0; i < r->nmatches; i++) {
		const struct nfips_match *m = &r->matches[i];

		if (m->type != NFIPS_MATCH_CONTENT || (m->u.content.flags & NFIPS_C_NEGATED))
			continue;
		if (rnd(6) == 0)
			continue;	/* sometimes leave one out */
		for (k = 0; k < m->u.content.len && len < cap; k++)
			buf[len++] = m->u.content.bytes[k];
		n = rnd(3) ? rnd(4) : rnd(30);
		for (k = 0; k < n && len < cap; k++)
			buf[len++] = (uint8_t)rnd(256);
	}
	/* A content of another rule now and then. */
	if (rnd(3) == 0) {
		const struct nfips_rule *o = rules[rnd((uint32_t)nrules)];

		for (i = 0; i < o->nmatches; i++) {
			const struct nfips_content *c = &o->matches[i].u.content;

			if (o->matches[i].type != NFIPS_MATCH_CONTENT)
				continue;
			for (k = 0; k < c->len && len < cap; k++)
				buf[len++] = c->bytes[k];
		}
	}
	return len;
}

struct flowpair {
	struct nfips_flowstate *a, *b;
	uint8_t sbuf[2][4096];
	uint32_t slen[2];
	uint64_t soff[2];	/* stream offset of sbuf[dir][0] */
};

int main(void)
{
	struct nfips_engine *ea = NULL, *eb = NULL;
	struct nfips_engine_limits lim = { .no_prefilter = true };
	struct flowpair flows[NFLOW];
	static uint8_t payload[1600];
	unsigned mismatches = 0, alerts = 0, i, fi;
	struct dirent *de;
	DIR *d;

	setup();
	ctx.classes = NULL;	/* ET's classtypes are not in the test table */
	d = opendir(ETDIR);
	if (!d) {
		printf("ok 1 - prefilter oracle # SKIP no ET Open snapshot\n1..1\n");
		return 0;
	}
	while ((de = readdir(d))) {
		char path[512];
		size_t l = strlen(de->d_name);

		if (l < 7 || strcmp(de->d_name + l - 6, ".rules"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", ETDIR, de->d_name);
		nfips_rules_parse_file(path, &ctx, keep, NULL, &err);
	}
	closedir(d);
	tap_ok(&T, nrules > 3000, "loaded %zu loadable ET rules", nrules);
	if (nfips_engine_new(&ea, rules, nrules, NULL, &err) ||
	    nfips_engine_new(&eb, rules, nrules, &lim, &err)) {
		tap_ok(&T, 0, "engines built: %s", err.msg);
		return tap_done(&T);
	}
	memset(flows, 0, sizeof(flows));
	for (fi = 0; fi < NFLOW; fi++) {
		flows[fi].a = nfips_flowstate_new(ea);
		flows[fi].b = nfips_flowstate_new(eb);
	}
	for (i = 0; i < NPKT; i++) {
		const struct nfips_rule *r = rules[rnd((uint32_t)nrules)];
		struct flowpair *fp = &flows[rnd(NFLOW)];
		struct nfips_pkt p = { .family = 4, .ttl = (uint8_t)rnd(256),
				       .pcap_cnt = i + 1, .ts_usec = (uint64_t)i * 100000 };
		struct nfips_flow fa = { 0 }, fb;
		struct nfips_stream st = { 0 }, *stp = NULL;
		struct out oa = { 0 }, ob = { 0 };
		uint32_t sa = htonl(pick_addr(&r->src)), da = htonl(pick_addr(&r->dst));
		int dir, va, vb;
		bool nof;
		unsigned k;

		p.proto = r->proto == NFIPS_PROTO_UDP ? IPPROTO_UDP :
			  r->proto == NFIPS_PROTO_ICMP ? IPPROTO_ICMP : IPPROTO_TCP;
		memcpy(p.src, &sa, 4);
		memcpy(p.dst, &da, 4);
		p.sport = pick_port(&r->sport);
		p.dport = pick_port(&r->dport);
		p.tcp_flags = (uint8_t)(rnd(2) ? NFIPS_TH_ACK | NFIPS_TH_PSH : rnd(256));
		p.icmp_type = (uint8_t)rnd(20);
		p.payload_len = make_payload(payload, rnd(10) ? 600 : sizeof(payload), r);
		p.payload = payload;
		fa.to_server = (r->flow & NFIPS_FLOW_TO_CLIENT) ? rnd(4) == 0 : rnd(4) != 0;
		fa.established = rnd(5) != 0;
		dir = fa.to_server ? 0 : 1;
		if (p.proto == IPPROTO_TCP && rnd(2)) {
			uint32_t old = fp->slen[dir], n = p.payload_len;

			fa.stream_add = true;
			if (old + n > sizeof(fp->sbuf[dir])) {
				/* The window moves on: later bytes, new offset. */
				fp->soff[dir] += old;
				old = fp->slen[dir] = 0;
			}
			memcpy(fp->sbuf[dir] + old, payload, n);
			fp->slen[dir] = old + n;
			if (rnd(3)) {
				st.data = fp->sbuf[dir];
				st.len = fp->slen[dir];
				st.new_from = rnd(3) ? old : 0;
				/* Anchored streams take the incremental prefilter. */
				st.anchored = rnd(2);
				st.stream_off = fp->soff[dir];
				stp = &st;
			}
		}
		fb = fa;
		fa.state = fp->a;
		fb.state = fp->b;
		/* Now and then no flow: IP-only rules (the address index) run every time. */
		nof = rnd(4) == 0;
		va = nfips_engine_packet(ea, &p, nof ? NULL : &fa, nof ? NULL : stp, on_alert, &oa);
		vb = nfips_engine_packet(eb, &p, nof ? NULL : &fb, nof ? NULL : stp, on_alert, &ob);
		alerts += oa.n;
		if (va != vb || oa.n != ob.n ||
		    memcmp(oa.sid, ob.sid, oa.n * sizeof(uint32_t)) ||
		    memcmp(oa.flags, ob.flags, oa.n * sizeof(uint32_t))) {
			mismatches++;
			if (mismatches < 5) {
				tap_diag("packet %u: prefilter %u alerts, oracle %u", i + 1, oa.n, ob.n);
				for (k = 0; k < oa.n || k < ob.n; k++)
					tap_diag("  %u | %u", k < oa.n ? oa.sid[k] : 0,
						 k < ob.n ? ob.sid[k] : 0);
			}
		}
	}
	tap_diag("%u alerts over %d packets", alerts, NPKT);
	tap_ok(&T, alerts >= 300, "the random packets trigger alerts (%u)", alerts);
	tap_ok(&T, !mismatches, "prefilter and oracle agree on every packet (%u differ)",
	       mismatches);
	for (fi = 0; fi < NFLOW; fi++) {
		nfips_flowstate_free(flows[fi].a);
		nfips_flowstate_free(flows[fi].b);
	}
	nfips_engine_free(ea);
	nfips_engine_free(eb);
	for (i = 0; i < nrules; i++)
		nfips_rule_free(rules[i]);
	free(rules);
	teardown();
	return tap_done(&T);
}
