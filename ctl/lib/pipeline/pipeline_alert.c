// SPDX-License-Identifier: GPL-2.0
/*
 * The EVE record of each alert the pipeline raises (pipeline.c): the
 * packet's, the rule's, the flow's and its transaction's fields, the
 * grade, then the caller's callback with the record.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "applayer/applayer.h"
#include "output/eve.h"
#include "pipeline_int.h"

/* ---- alerts --------------------------------------------------------- */

static const char *category(const struct nfips_pipeline *p,
			    const struct nfips_rule *rule)
{
	const struct nfips_class *c;

	if (!rule->classtype || !p->cfg.classes)
		return "";
	c = nfips_classes_find(p->cfg.classes, rule->classtype);
	return c ? c->desc : "";
}

/* The values of @rule's metadata options, in rule order, into p->md. */
static uint32_t metadata(struct nfips_pipeline *p, const struct nfips_rule *rule)
{
	uint32_t i, n = 0;

	for (i = 0; i < rule->nopts; i++) {
		if (strcmp(rule->opts[i].name, "metadata") || !rule->opts[i].value)
			continue;
		if (n == p->md_cap) {
			uint32_t cap = p->md_cap ? p->md_cap * 2 : 8;
			const char **v = realloc(p->md, cap * sizeof(*v));

			if (!v) {
				p->out.oom = true;
				return n;
			}
			p->md = v;
			p->md_cap = cap;
		}
		p->md[n++] = rule->opts[i].value;
	}
	return n;
}

/* Whether this alert's record carries the packet's payload. */
static bool log_payload(const struct nfips_pipeline *p,
			const struct nfips_pipeline_alert *out)
{
	switch (p->cfg.payload) {
	case NFIPS_EVE_PAYLOAD_NONE:
		return false;
	case NFIPS_EVE_PAYLOAD_FIRST:
		return !p->cfg.incident_first ||
		       p->cfg.incident_first(p->cfg.incident_arg, out);
	case NFIPS_EVE_PAYLOAD_ALL:
		break;
	}
	return true;
}

static void flow_fields(struct nfips_eve_alert *a, const struct nfips_flowrec *f,
			const struct nfips_flow *flow)
{
	a->flow_id = f->id;
	a->has_flow = true;
	a->to_server = flow->to_server;
	a->flow.pkts_toserver = f->pkts[0];
	a->flow.pkts_toclient = f->pkts[1];
	a->flow.bytes_toserver = f->bytes[0];
	a->flow.bytes_toclient = f->bytes[1];
	a->flow.start_sec = (int64_t)(f->start_usec / 1000000);
	a->flow.start_usec = (uint32_t)(f->start_usec % 1000000);
}

/* A decapsulated packet's pkt_src and "tunnel" object (the root's). */
static void tunnel_fields(const struct nfips_pipeline *p, struct nfips_eve_alert *a)
{
	const struct nfips_pkt *r = &p->root->pkt;

	a->pkt_src = p->tun_src;
	a->tunnel.depth = p->dec->depth;
	a->tunnel.family = r->family;
	a->tunnel.proto = r->proto;
	memcpy(a->tunnel.src, r->src, 16);
	memcpy(a->tunnel.dst, r->dst, 16);
	a->tunnel.sport = r->sport;
	a->tunnel.dport = r->dport;
	if (p->in && p->in->pcap) {
		a->tunnel.pcap_cnt = p->in->pkt_no;
		a->tunnel.pkt_src = "wire/pcap";
	}
}

/* The alert's transaction and what its rule inspects, for its object. */
struct app_arg {
	const struct nfips_tx *tx;
	uint32_t flags;		/* NFIPS_TX_EVE_* */
};

static void app_obj(const void *arg, struct nfips_json *j)
{
	const struct app_arg *x = arg;

	x->tx->eve(x->tx, j, x->flags);
}

/*
 * The application layer's part of the record (Suricata's AlertAddAppLayer
 * and EveAddAppProto), built only now that an alert fires.
 */
static void app_fields(struct nfips_eve_alert *a, const struct nfips_flowrec *f,
		       const struct nfips_rule *rule, const struct nfips_tx *tx,
		       struct app_arg *arg)
{
	const char *names[3];

	nfips_app_eve_protos(f->app, f->key.proto == IPPROTO_UDP, names);
	a->app_proto = names[0];
	a->app_proto_ts = names[1];
	a->app_proto_tc = names[2];
	if (tx && tx->eve && tx->tx_id) {
		a->has_tx = true;
		a->tx_id = tx->tx_id(tx);
		arg->tx = tx;
		arg->flags = rule->bufs & (1ull << NFIPS_BUF_JA4_HASH) ? NFIPS_TX_EVE_JA4 : 0;
		a->app_obj = app_obj;
		a->app_arg = arg;
	}
}

void pipe_on_alert(void *arg, const struct nfips_pkt *pkt,
		     const struct nfips_flow *flow, const struct nfips_alert *al)
{
	struct nfips_pipeline *p = arg;
	const struct nfips_rule *rule = al->rule;
	const struct nfips_flowrec *f = p->flow;
	const struct nfips_pipeline_pkt *in = p->in;
	bool pseudo = !pkt->pcap_cnt;
	struct nfips_eve_alert a = {
		.sec = (int64_t)(pkt->ts_usec / 1000000),
		.usec = (uint32_t)(pkt->ts_usec % 1000000),
		/* Suricata numbers captured packets, not the tunnelled */
		.pcap_cnt = in && in->pcap && !(p->dec && p->dec->depth) ?
			    pkt->pcap_cnt : 0,
		.in_iface = in && !pseudo ? in->in_iface : NULL,
		.family = pkt->family,
		.sport = pkt->sport,
		.dport = pkt->dport,
		.proto = pkt->proto,
		.icmp_type = pkt->icmp_type,
		.icmp_code = pkt->icmp_code,
		.blocked = !p->cfg.learn &&
			   (rule->action == NFIPS_ACTION_DROP ||
			    rule->action == NFIPS_ACTION_REJECT),
		.gid = rule->gid,
		.sid = rule->sid,
		.rev = rule->rev,
		.signature = rule->msg,
		.category = category(p, rule),
		.severity = rule->priority,
		.target = rule->flags & NFIPS_R_TARGET_DST ? NFIPS_EVE_TARGET_DST :
			  rule->flags & NFIPS_R_TARGET_SRC ? NFIPS_EVE_TARGET_SRC :
			  NFIPS_EVE_TARGET_NONE,
		/* Suricata's STATE_MATCH: a TCP transaction's alert is a stream one */
		.stream = (al->flags & NFIPS_ALERT_STREAM) ||
			  (al->tx && pkt->proto == IPPROTO_TCP),
		.alerts_discarded = al->discarded,
		.payload = pkt->payload,
		.payload_len = pkt->payload_len,
		.path = p->cfg.path ? p->cfg.path : "daemon",
		.sequence = ++p->sequence,
		.policy_serial = p->cfg.policy_serial,
		.sensor = p->cfg.sensor,
	};
	struct nfips_pipeline_alert out = {
		.pkt = pkt, .rule = rule, .flow = flow ? f : NULL,
		.blocked = a.blocked,
	};
	struct nfips_grade_out go;
	struct app_arg app;

	/* Suricata's names for capture and flow-end pseudo packets. */
	if (pseudo)
		a.pkt_src = "stream (flow timeout)";
	else if (p->dec && p->dec->depth)
		tunnel_fields(p, &a);
	else if (in && in->pcap)
		a.pkt_src = "wire/pcap";
	memcpy(a.src, pkt->src, 16);
	memcpy(a.dst, pkt->dst, 16);
	if (p->dec && !pseudo) {
		a.nvlan = p->dec->nvlan;
		memcpy(a.vlan, p->dec->vlan, sizeof(a.vlan));
	} else if (f) {
		/* A flow-end pseudo packet: the flow's VLAN ids (0 ends them). */
		while (a.nvlan < NFIPS_MAX_VLAN && f->key.vlan[a.nvlan]) {
			a.vlan[a.nvlan] = f->key.vlan[a.nvlan];
			a.nvlan++;
		}
	}
	if (f && flow) {
		flow_fields(&a, f, flow);
		app_fields(&a, f, rule, al->tx, &app);
	}
	/* Suricata writes community_id for the records of a flow. */
	a.community_id = a.has_flow;
	if (p->cfg.grader) {
		const struct nfips_grade_in gi = {
			.rule = rule, .family = pkt->family, .src = pkt->src,
			.dst = pkt->dst, .ts_usec = pkt->ts_usec,
		};

		nfips_grade(p->cfg.grader, &gi, &go);
		a.grade = nfips_grade_name(go.grade);
		a.grade_reason = go.reason;
		a.severity = go.severity;
		out.grade = go.grade;
		out.grade_reason = go.reason;
	}
	p->st.alerts++;
	if (p->cfg.annotate)
		p->cfg.annotate(p->cfg.annotate_arg, &a);
	out.eve = &a;
	nfips_sbuf_reset(&p->out);
	a.log_payload = log_payload(p, &out);
	a.nmetadata = metadata(p, rule);
	a.metadata = p->md;	/* after metadata() grew it */
	nfips_eve_alert(&p->out, &a);
	if (p->out.oom) {
		p->st.output_oom++;
		return;
	}
	out.record = p->out.s;
	out.len = p->out.len;
	p->fn(p->arg, &out);
}

