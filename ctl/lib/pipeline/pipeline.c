// SPDX-License-Identifier: GPL-2.0
/*
 * The packet pipeline of pipeline.h: what replay and the daemon do with
 * each packet, in one place so both give the same alerts.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "applayer/applayer.h"
#include "output/eve.h"
#include "pipeline_int.h"

static int evaluate(struct nfips_pipeline *p, const struct nfips_pkt *pkt,
		    const struct nfips_flow *flow, const struct nfips_stream *st)
{
	int v;

	if (!p->engine)
		return 0;
	v = nfips_engine_packet(p->engine, pkt, flow, st, pipe_on_alert, p);
	if (v == -ENOMEM) {
		p->st.enomem++;
		return 0;
	}
	return v;
}

/* ---- flows ---------------------------------------------------------- */

/* Which end of the flow's key is the client. */
static int cli_end(const struct nfips_flowrec *f)
{
	return memcmp(f->key.addr[0], f->cli, 16) || f->key.port[0] != f->cli_port;
}

/* A flow-end pseudo packet (pcap_cnt 0) of direction @dir (0: to server). */
static void pseudo_pkt(const struct nfips_flowrec *f, int dir, uint64_t now,
		       struct nfips_pkt *pkt)
{
	/* The key's end that sends in this direction. */
	int from = cli_end(f) ^ dir;

	memset(pkt, 0, sizeof(*pkt));
	pkt->family = f->key.family;
	pkt->proto = f->key.proto;
	memcpy(pkt->src, f->key.addr[from], 16);
	memcpy(pkt->dst, f->key.addr[!from], 16);
	pkt->sport = f->key.port[from];
	pkt->dport = f->key.port[!from];
	pkt->ts_usec = now;
}

/* Direction @dir's reassembled bytes the parser has not seen yet. */
static void app_catch_up(struct nfips_flowrec *f, int dir, uint64_t now)
{
	const struct nfips_tcp_dir *d = &f->tcp.dir[dir];
	struct nfips_stream st = {
		.data = d->data, .len = d->len, .anchored = true, .stream_off = d->data_abs,
	};

	if (f->key.proto == IPPROTO_TCP && d->data)
		nfips_app_catch_up(f->app, dir, &st, now);
}

/*
 * The application layer sees both streams end (a response delimited by
 * the connection's close completes); transactions not inspected yet are,
 * as they are, with a pseudo packet per direction, as Suricata's flow
 * timeout does.
 */
static void app_end(struct nfips_pipeline *p, struct nfips_flowrec *f,
		    struct nfips_flowstate *fs, uint64_t now)
{
	struct nfips_pkt pkt;
	struct nfips_flow flow;
	int dir;

	for (dir = 0; dir < 2; dir++)
		app_catch_up(f, dir, now);
	nfips_app_eof(f->app, now);
	for (dir = 0; dir < 2; dir++) {
		flow = (struct nfips_flow){
			.state = fs,
			.to_server = dir == 0,
			.established = f->tcp.established,
			.alproto = nfips_app_proto(f->app),
			.no_payload = nfips_app_no_payload(f->app),
		};
		const struct nfips_tcp_dir *d = &f->tcp.dir[dir];
		/* nothing new, but app rules' payload keywords see it */
		struct nfips_stream st = {
			.data = d->data, .len = d->len, .new_from = d->len, .anchored = true,
			.stream_off = d->data_abs,
		};

		flow.ntxs = nfips_app_ready(f->app, dir, true, &flow.txs);
		if (!flow.ntxs)
			continue;
		pseudo_pkt(f, dir, now, &pkt);
		p->dec = NULL;
		p->flow = f;
		evaluate(p, &pkt, &flow, f->key.proto == IPPROTO_TCP && d->data ? &st : NULL);
	}
}

/*
 * A TCP flow ends: stream data still waiting behind a hole is inspected
 * with pseudo packets (pcap_cnt 0), as Suricata does at flow end, and
 * goes to the application layer (DNS resumes after a gap; HTTP not).
 */
static void on_flow_end(void *arg, struct nfips_flowrec *f,
			enum nfips_flow_end why, uint64_t now)
{
	struct nfips_pipeline *p = arg;
	struct nfips_flowstate *fs = f->user;
	struct nfips_stream st;
	struct nfips_pkt pkt;
	struct nfips_flow flow;
	int dir;

	(void)why;
	if (f->key.proto == IPPROTO_TCP && fs) {
		for (dir = 0; dir < 2; dir++) {
			while (nfips_tcp_flush(nfips_flowtab_stream(p->flows),
					       &f->tcp, dir, &st)) {
				nfips_app_data(f->app, dir, &st, NULL, now);
				pseudo_pkt(f, dir, now, &pkt);
				flow = (struct nfips_flow){
					.state = fs,
					.to_server = dir == 0,
					.established = f->tcp.established,
					.alproto = nfips_app_proto(f->app),
					.no_payload = nfips_app_no_payload(f->app),
				};
				p->dec = NULL;
				p->flow = f;
				evaluate(p, &pkt, &flow, &st);
			}
		}
	}
	if (f->app) {
		if (fs)
			app_end(p, f, fs, now);
		nfips_app_free(f->app);
		f->app = NULL;
	}
	nfips_flowstate_free(fs);
	f->user = NULL;
}

/* ---- packets -------------------------------------------------------- */

/*
 * A TCP direction whose stream reached the depth with every byte before
 * it reassembled (stream_bypass). A direction that skipped a hole does
 * not count: a sender could otherwise jump its own sequence numbers past
 * the depth and send the real data into the hole uninspected.
 */
static bool past_depth(struct nfips_pipeline *p, const struct nfips_flowrec *f,
		       int dir)
{
	const struct nfips_tcp_dir *d = &f->tcp.dir[dir];

	return f->key.proto == IPPROTO_TCP && d->known && !d->gen &&
	       d->next_abs >= nfips_flowtab_stream(p->flows)->cfg.depth;
}

void pipe_count_reason(struct nfips_pipeline *p, const char *why)
{
	size_t i;

	for (i = 0; i < p->nreasons; i++) {
		if (p->reasons[i].why == why || !strcmp(p->reasons[i].why, why)) {
			p->reasons[i].n++;
			return;
		}
	}
	if (p->nreasons < MAX_REASONS) {
		p->reasons[p->nreasons].why = why;
		p->reasons[p->nreasons].n = 1;
		p->reasons[p->nreasons++].first = p->in ? p->in->pkt_no : 0;
	}
}

/*
 * A fragment: when it completes its datagram, @d becomes the decoded
 * datagram (with the fragment's VLAN ids) and its status is returned;
 * otherwise NFIPS_DEC_FRAGMENT.
 */
enum nfips_decode_status pipe_reassemble(struct nfips_pipeline *p,
					 struct nfips_decoded *d, uint64_t ts)
{
	uint16_t vlan[NFIPS_MAX_VLAN];
	uint8_t nvlan = d->nvlan, depth = d->depth;
	enum nfips_decode_status s;
	const uint8_t *dg;
	uint32_t len;

	p->st.fragments++;
	if (nfips_defrag_add(p->defrag, d, ts, &dg, &len) != NFIPS_DEFRAG_DONE)
		return NFIPS_DEC_FRAGMENT;
	memcpy(vlan, d->vlan, sizeof(vlan));
	s = nfips_decode_ip(dg, len, d);
	d->depth = depth;
	d->nvlan = nvlan;
	memcpy(d->vlan, vlan, sizeof(vlan));
	return s;
}

/*
 * New stream data to the flow's application layer (created at its first
 * data), then its protocol and the transactions this packet completed
 * into @flow.
 */
static void app_packet(struct nfips_pipeline *p, struct nfips_flowrec *f, int dir,
		       const struct nfips_flow_update *up, struct nfips_flow *flow)
{
	if (!f->app && up->tcp.inspect) {
		f->app = nfips_app_new(p->app);
		if (!f->app)
			p->st.enomem++;
		nfips_app_set_port(f->app, f->key.port[!cli_end(f)]);
	}
	if (!f->app)
		return;
	if (up->tcp.inspect) {
		const struct nfips_tcp_dir *o = &f->tcp.dir[!dir];
		struct nfips_stream other = {
			.data = o->data, .len = o->len, .anchored = true,
			.stream_off = o->data_abs,
		};

		nfips_app_data(f->app, dir, &up->tcp.st, o->data ? &other : NULL,
			       p->in->ts_usec);
	}
	flow->alproto = nfips_app_proto(f->app);
	flow->no_payload = nfips_app_no_payload(f->app);
	flow->ntxs = nfips_app_ready(f->app, dir, false, &flow->txs);
}

/* Suricata's FlowSwap: the other end becomes the flow's client. */
static void flow_reverse(struct nfips_flowrec *f)
{
	const int c = cli_end(f);
	uint64_t t;
	bool b;

	memcpy(f->cli, f->key.addr[!c], 16);
	f->cli_port = f->key.port[!c];
	b = f->seen[0];
	f->seen[0] = f->seen[1];
	f->seen[1] = b;
	t = f->pkts[0];
	f->pkts[0] = f->pkts[1];
	f->pkts[1] = t;
	t = f->bytes[0];
	f->bytes[0] = f->bytes[1];
	f->bytes[1] = t;
}

/*
 * A UDP datagram to the flow's application layer (DNS, applayer.h), then
 * its protocol and the transactions of this datagram into @flow; the
 * datagram's direction (detection may reverse the flow).
 */
static int app_udp(struct nfips_pipeline *p, struct nfips_flowrec *f, int dir,
		   const struct nfips_pkt *pkt, struct nfips_flow *flow)
{
	if (!f->app) {
		f->app = nfips_app_new(p->app);
		if (!f->app) {
			p->st.enomem++;
			return dir;
		}
		nfips_app_set_port(f->app, f->key.port[!cli_end(f)]);
	}
	if (nfips_app_udp(f->app, dir, pkt->payload, pkt->payload_len)) {
		flow_reverse(f);
		dir = !dir;
		flow->to_server = dir == 0;
	}
	flow->alproto = nfips_app_proto(f->app);
	flow->ntxs = nfips_app_ready(f->app, dir, false, &flow->txs);
	return dir;
}

void nfips_pipeline_packet(struct nfips_pipeline *p,
			   const struct nfips_pipeline_pkt *in,
			   struct nfips_pipeline_result *res)
{
	struct nfips_decoded d;
	enum nfips_decode_status s;

	memset(res, 0, sizeof(*res));
	p->st.packets++;
	p->in = in;
	s = nfips_decode(in->link, in->data, in->len, &d);
	pipe_decoded(p, &d, s, in->wire_len ? in->wire_len : in->len, res);
}

void pipe_inspect(struct nfips_pipeline *p, struct nfips_decoded *d,
		  uint32_t wire_len, unsigned int how,
		  struct nfips_pipeline_result *res)
{
	const struct nfips_pipeline_pkt *in = p->in;
	struct nfips_flow_update up;
	struct nfips_flowrec *f;
	struct nfips_flow flow;
	bool created, past;
	int dir;

	res->status = NFIPS_PIPE_EVALUATED;
	d->pkt.ts_usec = in->ts_usec;
	d->pkt.pcap_cnt = in->pkt_no;
	p->dec = d;
	if (how & PIPE_NO_FLOW) {
		p->flow = NULL;
		res->verdict = evaluate(p, &d->pkt, NULL, NULL);
		return;
	}

	f = nfips_flowtab_get(p->flows, d, d->pkt.ts_usec, &dir, &created);
	if (f && f->bypass_usec) {
		const uint64_t grace = p->cfg.bypass_grace_usec ?: 5000000;
		const bool syn = d->pkt.proto == IPPROTO_TCP &&
				 (d->pkt.tcp_flags & (NFIPS_TH_SYN | NFIPS_TH_ACK)) ==
				 NFIPS_TH_SYN;

		if (!syn && d->pkt.ts_usec - f->bypass_usec <= grace) {
			/* it lives: its entry must not time out under it */
			if (d->pkt.ts_usec > f->last_usec)
				f->last_usec = d->pkt.ts_usec;
			p->st.stragglers++;
			res->status = NFIPS_PIPE_BYPASSED;
			return;
		}
		nfips_pipeline_forget(p, f);
		f = nfips_flowtab_get(p->flows, d, d->pkt.ts_usec, &dir, &created);
	}
	p->dec = d;
	if (!f) {
		p->st.enomem++;
		p->flow = NULL;
		res->verdict = evaluate(p, &d->pkt, NULL, NULL);
		return;
	}
	if (how & PIPE_TUNNEL)
		f->tunnel = true;
	if (!f->user && p->engine && !(f->user = nfips_flowstate_new(p->engine)))
		p->st.enomem++;
	past = past_depth(p, f, dir);
	nfips_flow_update(p->flows, f, dir, &d->pkt, wire_len, &up);
	res->flow = f;
	res->dir = dir;
	res->resend = up.tcp.resend;
	if (past && p->cfg.stream_bypass) {
		p->st.bypassed++;
		return;
	}
	flow = (struct nfips_flow){
		.state = f->user,
		.to_server = dir == 0,
		.established = up.established,
		.stream_add = up.tcp.stream_add,
	};
	/*
	 * stream_size: Suricata's next_seq - isn per side, the SYN counting
	 * one (next_abs counts from the byte after it); a side not known yet
	 * (its SYN not seen) is 0, as Suricata's zeroed stream.
	 */
	if (d->pkt.proto == IPPROTO_TCP) {
		const struct nfips_tcp_dir *cd = &f->tcp.dir[0], *sd = &f->tcp.dir[1];

		flow.tcp_sizes = true;
		flow.client_size = cd->known ? (uint32_t)cd->next_abs + 1 : 0;
		flow.server_size = sd->known ? (uint32_t)sd->next_abs + 1 : 0;
	}
	if (p->app_on && d->pkt.proto == IPPROTO_TCP)
		app_packet(p, f, dir, &up, &flow);
	else if (p->app_on && d->pkt.proto == IPPROTO_UDP && !(how & PIPE_NO_APP))
		res->dir = app_udp(p, f, dir, &d->pkt, &flow);
	p->flow = f;
	res->verdict = evaluate(p, &d->pkt, f->user ? &flow : NULL,
				up.tcp.inspect ? &up.tcp.st : NULL);
	(void)created;
}

void nfips_pipeline_advice(struct nfips_pipeline *p,
			   const struct nfips_pipeline_result *res,
			   struct nfips_flow_advice *adv)
{
	const struct nfips_flowrec *f = res->flow;
	struct nfips_flowstate *fs = f ? f->user : NULL;
	uint8_t want[2] = { NFIPS_WANT_ALL, NFIPS_WANT_ALL };
	struct nfips_flow_outlook o = { 0 };
	struct nfips_pkt key = { 0 };
	int d;

	memset(adv, 0, sizeof(*adv));
	if (!f || !fs || !p->engine || f->tunnel)
		return;		/* no state, or a tunnel: everything is still needed */
	if (nfips_flowstate_dropped(fs)) {
		adv->drop = true;
		return;
	}
	if (nfips_flowstate_passed(fs)) {
		adv->done[0] = adv->done[1] = true;
		return;
	}
	/* The flow as a packet to its server: which rules can want it. */
	key.family = f->key.family;
	key.proto = f->key.proto;
	d = cli_end(f);
	memcpy(key.src, f->key.addr[d], 16);
	memcpy(key.dst, f->key.addr[!d], 16);
	key.sport = f->key.port[d];
	key.dport = f->key.port[!d];
	/*
	 * The application layer's part of the contract: a flow stays with
	 * the daemon while its protocol is unsettled and its parser may still
	 * hand out buffers; a TLS flow once its handshake is over (payload
	 * inspection ended, both sides inspected) wants only the rules that
	 * need neither.
	 */
	if (!p->app_on) {
		o.alproto_final = true;		/* no engine, or no memory: no parser */
	} else if (f->app) {
		/*
		 * Detection may still swap a UDP flow's ends (a DNS message of
		 * the other direction's kind first, Suricata's FlowSwap): the
		 * client, and with it which rules want the flow, is not
		 * settled, and want[] is not computed (nor cached) before.
		 */
		if (f->key.proto == IPPROTO_UDP && !nfips_app_udp_settled(f->app))
			return;
		o.alproto = nfips_app_proto(f->app);
		o.alproto_final = nfips_app_proto_final(f->app, f->key.proto == IPPROTO_UDP);
		o.no_payload = nfips_app_no_payload(f->app);
		o.app_idle = nfips_app_idle(f->app);
	}
	nfips_flowstate_want(p->engine, fs, &key, true, &o, want);
	for (d = 0; d < 2; d++)
		adv->done[d] = !want[d] ||
			       (p->cfg.stream_bypass && past_depth(p, f, d));
}

/* ---- life ----------------------------------------------------------- */

/*
 * The application layer runs whatever the rules, as Suricata's parsers
 * do: it also ends payload inspection (TLS application data, SSH after
 * NEWKEYS), so that payload rules alone do not match encrypted bytes,
 * and it lets the kernel have such flows back after their handshake.
 */
static int set_app(struct nfips_pipeline *p, const struct nfips_engine *engine)
{
	p->app_on = engine != NULL;
	if (p->app_on && !p->app) {
		p->app = nfips_app_ctx_new();
		if (!p->app)
			return -1;
		nfips_app_ctx_body_inline(p->app, !p->cfg.http_body_ids);
	}
	return 0;
}

struct nfips_pipeline *nfips_pipeline_new(const struct nfips_pipeline_cfg *cfg,
					  struct nfips_engine *engine,
					  nfips_pipeline_alert_fn fn, void *arg)
{
	struct nfips_pipeline *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->cfg = *cfg;
	p->engine = engine;
	if (engine)
		nfips_engine_set_alert_max(engine, cfg->alert_max);
	p->fn = fn;
	p->arg = arg;
	p->flows = nfips_flowtab_new(&cfg->flows, on_flow_end, p);
	p->defrag = nfips_defrag_new(NULL);
	if (!p->flows || !p->defrag || set_app(p, engine)) {
		nfips_pipeline_free(p);
		return NULL;
	}
	return p;
}

void nfips_pipeline_bypass(struct nfips_pipeline *p, const struct nfips_flowrec *f,
			   uint64_t now)
{
	(void)p;
	((struct nfips_flowrec *)f)->bypass_usec = now ? now : 1;
}

void nfips_pipeline_forget(struct nfips_pipeline *p, const struct nfips_flowrec *f)
{
	struct nfips_flowrec *fr = (struct nfips_flowrec *)f;

	/*
	 * Transactions not finished (an upload cut short by the bypass) are
	 * inspected as far as they got, as at the flow's end; what waits
	 * behind holes is not.
	 */
	if (fr->app && fr->user) {
		const struct nfips_pipeline_pkt *in = p->in;

		p->in = NULL;
		app_end(p, fr, fr->user, fr->last_usec);
		p->in = in;
	}
	nfips_flowstate_free(fr->user);
	fr->user = NULL;	/* on_flow_end: nothing left to inspect */
	nfips_flowtab_end(p->flows, fr);
}

void nfips_pipeline_flush(struct nfips_pipeline *p)
{
	p->in = NULL;
	nfips_flowtab_flush(p->flows);
}

void nfips_pipeline_free(struct nfips_pipeline *p)
{
	if (!p)
		return;
	p->in = NULL;
	nfips_flowtab_free(p->flows);
	nfips_defrag_free(p->defrag);
	nfips_app_ctx_free(p->app);
	nfips_sbuf_free(&p->out);
	free(p->md);
	free(p);
}

/* The flow's verdict carries over to the new engine, its rule state not. */
static void renew_state(void *arg, struct nfips_flowrec *f)
{
	struct nfips_engine *engine = arg;
	struct nfips_flowstate *old = f->user;

	f->user = engine && old ? nfips_flowstate_renew(engine, old) : NULL;
	nfips_flowstate_free(old);
}

void nfips_pipeline_set_engine(struct nfips_pipeline *p,
			       struct nfips_engine *engine,
			       uint64_t policy_serial)
{
	nfips_flowtab_foreach(p->flows, renew_state, engine);
	p->engine = engine;
	if (engine)
		nfips_engine_set_alert_max(engine, p->cfg.alert_max);
	if (set_app(p, engine))
		p->app_on = false;	/* out of memory: no app layer */
	p->cfg.policy_serial = policy_serial;
}

void nfips_pipeline_set_output(struct nfips_pipeline *p,
			       const struct nfips_classes *classes, bool learn)
{
	p->cfg.classes = classes;
	p->cfg.learn = learn;
}

void nfips_pipeline_set_grader(struct nfips_pipeline *p,
			       const struct nfips_grader *g)
{
	p->cfg.grader = g;
}

void nfips_pipeline_get_stats(const struct nfips_pipeline *p,
			      struct nfips_pipeline_stats *st)
{
	*st = p->st;
}

struct nfips_flowtab *nfips_pipeline_flows(struct nfips_pipeline *p)
{
	return p->flows;
}

struct nfips_defrag *nfips_pipeline_defrag(struct nfips_pipeline *p)
{
	return p->defrag;
}

void nfips_pipeline_reasons(const struct nfips_pipeline *p,
			    void (*fn)(void *arg, const char *why, uint64_t n,
				       uint64_t first_pkt),
			    void *arg)
{
	size_t i;

	for (i = 0; i < p->nreasons; i++)
		fn(arg, p->reasons[i].why, p->reasons[i].n, p->reasons[i].first);
}
