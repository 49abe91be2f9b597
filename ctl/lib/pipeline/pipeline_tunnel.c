// SPDX-License-Identifier: GPL-2.0
/*
 * What the pipeline does with a decoded packet before its flow and the
 * rules see it, as Suricata 7.0.10 does (Documentation/replay.rst,
 * "Tunnels"):
 *
 * - an IP fragment is inspected as a packet without flow and payload,
 *   then reassembled (Suricata's: pipe_fragment);
 * - a packet whose TCP, UDP or ICMP header is bad (decode.h l4_bad) has
 *   no flow and no payload, but its header and IP-only rules still run on
 *   it, every such packet (Suricata: DecodeTCP/UDP fail, no
 *   FlowSetupPacket; the detection engine still inspects the packet);
 * - the outer packet of a tunnel (net/tunnel.h) is inspected with its own
 *   addresses but without payload (Suricata's
 *   DecodeSetNoPayloadInspectionFlag), without a flow for GRE and for
 *   IPv6 carrying IP; then the inner packet goes through all of this
 *   again, a packet of its own flow at the next tunnel level, as deep as
 *   Suricata's layer limit lets it (net/tunnel.h).
 */
#include <netinet/in.h>
#include <string.h>

#include "net/tunnel.h"
#include "pipeline_int.h"

/* Suricata's pkt_src of a packet its tunnel decoder made. */
static const char *pkt_src(const struct nfips_tunnel *t, const struct nfips_decoded *outer)
{
	switch (t->type) {
	case NFIPS_TUN_GRE:
		return "gre tunnel";
	case NFIPS_TUN_IP:
		return outer->pkt.family == 4 ? "ipv4 tunnel" : "ipv6 tunnel";
	case NFIPS_TUN_TEREDO:
		return "teredo tunnel";
	case NFIPS_TUN_VXLAN:
		return "vxlan encapsulation";
	case NFIPS_TUN_GENEVE:
		return "geneve encapsulation";
	case NFIPS_TUN_NONE:
		break;
	}
	return NULL;
}

/*
 * An IP fragment is a packet of its own for Suricata 7.0.10, whether its
 * datagram completes or not (decode-ipv4.c, decode-ipv6.c: the fragment
 * goes on through detection, its reassembly as another packet): no flow,
 * no ports (a rule with ports never matches it), no payload, an IPv6 one
 * with protocol 44 (IPv6-Frag), so that IP-only, header and port-less
 * protocol rules see every fragment
 * (measured: tunnel_cases.py "fragments"). An inner drop drops the
 * carrier; a pass passes nothing else.
 */
static void pipe_fragment(struct nfips_pipeline *p, struct nfips_decoded *d,
			  uint32_t wire_len, struct nfips_pipeline_result *res)
{
	struct nfips_pipeline_result fres;
	uint8_t proto = d->pkt.proto;

	memset(&fres, 0, sizeof(fres));
	if (d->pkt.family == 6)
		d->pkt.proto = IPPROTO_FRAGMENT;
	d->pkt.payload_len = 0;
	d->pkt.fragment = true;
	pipe_inspect(p, d, wire_len, PIPE_NO_FLOW, &fres);
	d->pkt.fragment = false;
	d->pkt.proto = proto;
	res->verdict |= fres.verdict & ~NFIPS_VERDICT_PASS;
}

void pipe_decoded(struct nfips_pipeline *p, struct nfips_decoded *d,
		  enum nfips_decode_status s, uint32_t wire_len,
		  struct nfips_pipeline_result *res)
{
	const bool top = d->depth == 0;
	struct nfips_pipeline_result ires;
	enum nfips_decode_status is;
	struct nfips_decoded in;
	struct nfips_tunnel t;
	unsigned int how = 0;
	bool tun;

	memset(&ires, 0, sizeof(ires));
	if (top)
		p->root = d;
	if (s == NFIPS_DEC_FRAGMENT) {
		pipe_fragment(p, d, wire_len, res);
		s = pipe_reassemble(p, d, p->in->ts_usec);
	}
	switch (s) {
	case NFIPS_DEC_OK:
		break;
	case NFIPS_DEC_NOT_IP:
		if (top) {
			p->st.not_ip++;
			res->status = NFIPS_PIPE_NOT_IP;
		}
		return;
	case NFIPS_DEC_FRAGMENT:
		if (top)
			res->status = NFIPS_PIPE_FRAGMENT;
		return;		/* waits for the rest of its datagram */
	case NFIPS_DEC_MALFORMED:
		p->st.malformed++;
		pipe_count_reason(p, d->why);
		if (top)
			res->status = NFIPS_PIPE_MALFORMED;
		if (!d->l4_bad)
			return;
		/* Header and IP-only rules, without a flow: Suricata's. */
		p->st.l4_bad++;
		pipe_inspect(p, d, wire_len, PIPE_NO_FLOW, top ? res : &ires);
		if (top)
			res->malformed = true;
		if (!top)
			res->verdict |= ires.verdict & ~NFIPS_VERDICT_PASS;
		return;
	}
	if (top)
		p->st.decoded++;
	else
		p->st.tunneled++;

	nfips_tunnel_find(d, &t);
	/* Suricata's too_many_layers event: the carrier is still inspected */
	if (t.too_deep)
		pipe_count_reason(p, "tunnel not decoded: too many layers");
	tun = t.type != NFIPS_TUN_NONE && nfips_tunnel_decode(d, &t, &in, &is);
	if (t.no_flow)
		how |= PIPE_NO_FLOW;
	if (tun)
		how |= PIPE_TUNNEL | PIPE_NO_APP;
	/*
	 * A UDP flow on a tunnel port is a carrier from its first datagram
	 * on, whatever that one held (ARP in VXLAN, a Teredo bubble, not a
	 * tunnel at all): the daemon must never let the kernel bypass it
	 * (a review: the later datagrams' inner packets went uninspected).
	 */
	if (d->pkt.proto == IPPROTO_UDP &&
	    (nfips_tunnel_udp_port(d->pkt.sport) || nfips_tunnel_udp_port(d->pkt.dport)))
		how |= PIPE_TUNNEL;
	/* The payload is the tunnelled packet's, inspected as that. */
	if (t.no_payload || tun)
		d->pkt.payload_len = 0;
	if (top) {
		pipe_inspect(p, d, wire_len, how, res);
		/* a flow the caller bypassed: the kernel no longer sends it */
		if (res->status == NFIPS_PIPE_BYPASSED)
			return;
	} else {
		/* an inner drop drops the packet that carries it; a pass
		 * passes only the inner flow */
		pipe_inspect(p, d, wire_len, how, &ires);
		res->verdict |= ires.verdict & ~NFIPS_VERDICT_PASS;
	}
	/* Nothing of the outer packet is used after this: the inner may be
	 * a fragment that completes in the buffer the outer came from. */
	if (tun) {
		p->tun_src = pkt_src(&t, d);
		pipe_decoded(p, &in, is, t.len, res);
	}
}
