// SPDX-License-Identifier: GPL-2.0
/*
 * Which directions of a flow the loaded rules can act on at all, so that
 * the daemon can let the kernel stop queueing a direction no rule can
 * ever match (pipeline.h, nfips_pipeline_advice). A direction counts as
 * wanted when some signature's protocol, addresses, ports and flow
 * direction admit its packets; IP-only signatures only want the first
 * packet of each direction, as they are evaluated only there.
 */
#include <netinet/in.h>
#include <string.h>

#include "engine_int.h"

static int pm_bit(uint8_t proto)
{
	if (proto == IPPROTO_TCP)
		return 0;
	if (proto == IPPROTO_UDP)
		return 1;
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6 ? 2 : 3;
}

/* @p reversed: a packet of the other direction of the same flow. */
static void reverse(struct nfips_pkt *q, const struct nfips_pkt *p)
{
	*q = *p;
	memcpy(q->src, p->dst, sizeof(q->src));
	memcpy(q->dst, p->src, sizeof(q->dst));
	q->sport = p->dport;
	q->dport = p->sport;
}

static void flow_interest(const struct nfips_engine *e, const struct nfips_pkt *p,
			  bool to_server, uint8_t out[2])
{
	struct nfips_pkt q[2];
	const int pm = pm_bit(p->proto);
	const int d0 = to_server ? 0 : 1;
	uint32_t i;
	int d;

	q[d0] = *p;
	reverse(&q[!d0], p);
	out[0] = out[1] = 0;
	for (i = 0; i < e->nsigs; i++) {
		const struct sig *s = &e->sigs[i];
		const struct nfips_rule *r = s->r;

		if (!(s->proto_mask & (1u << pm)))
			continue;
		for (d = 0; d < 2; d++) {
			if (out[d] & NFIPS_WANT_ALL)
				continue;
			if ((r->flags & NFIPS_R_FLOW) &&
			    (r->flow & (d ? NFIPS_FLOW_TO_SERVER : NFIPS_FLOW_TO_CLIENT)))
				continue;
			if (!nfips_eval_header(r, &q[d], s->rev))
				continue;
			out[d] |= (r->eflags & NFIPS_E_IPONLY) ? NFIPS_WANT_FIRST :
								  NFIPS_WANT_ALL;
		}
		if ((out[0] & NFIPS_WANT_ALL) && (out[1] & NFIPS_WANT_ALL))
			break;
	}
}

void nfips_flowstate_want(const struct nfips_engine *e, struct nfips_flowstate *fs,
			  const struct nfips_pkt *p, bool to_server, uint8_t want[2])
{
	if (!fs->want_known) {
		flow_interest(e, p, to_server, fs->want);
		fs->want_known = true;
	}
	want[0] = fs->want[0];
	want[1] = fs->want[1];
	/* IP-only signatures are done once a direction's first packet was seen. */
	if (fs->seen[0])
		want[0] &= (uint8_t)~NFIPS_WANT_FIRST;
	if (fs->seen[1])
		want[1] &= (uint8_t)~NFIPS_WANT_FIRST;
}

bool nfips_flowstate_dropped(const struct nfips_flowstate *fs)
{
	return fs && fs->action == FLOW_ACT_DROP;
}
