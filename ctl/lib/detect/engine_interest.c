// SPDX-License-Identifier: GPL-2.0
/*
 * Which directions of a flow the loaded rules can act on at all, so that
 * the daemon can let the kernel stop queueing a direction no rule can
 * ever match (pipeline.h, nfips_pipeline_advice). A direction counts as
 * wanted when some signature's protocol, addresses, ports and flow
 * direction admit its packets, unless what the application layer knows
 * of the flow (struct nfips_flow_outlook) rules it out as sig_matches
 * would; IP-only signatures only want the first packet of each
 * direction, as they are evaluated only there.
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

uint8_t nfips_sig_outlook(const struct nfips_rule *r)
{
	_Static_assert(NFIPS_ALPROTO_COUNT <= SO_ALPROTO + 1, "SO_ALPROTO too narrow");
	/*
	 * Integer tests of the transaction's state (tls.version, dns.opcode)
	 * can change with any record, even once the parser is idle: such a
	 * rule is never ruled out by that.
	 */
	return (uint8_t)(r->alproto | (r->eflags & NFIPS_E_PAYLOAD ? SO_PAYLOAD : 0) |
			 ((r->eflags & NFIPS_E_APP) && !r->ntxchk ? SO_APP : 0));
}

/* False when @o says signature @s can never match the flow again (sig_matches). */
static bool may_match(const struct sig *s, const struct nfips_flow_outlook *o)
{
	const unsigned int alproto = s->outlook & SO_ALPROTO;

	if (!o)
		return true;
	/* a rule of an app-layer protocol needs a flow detected as that */
	if (alproto && (o->alproto ? alproto != o->alproto : o->alproto_final))
		return false;
	if ((s->outlook & SO_PAYLOAD) && o->no_payload)
		return false;
	/* its transactions' buffers: nothing new will be handed out */
	if ((s->outlook & SO_APP) && o->app_idle)
		return false;
	return true;
}

/* The outlook as a cache key, never 0; NULL rules out what nothing does. */
static uint8_t outlook_key(const struct nfips_flow_outlook *o)
{
	_Static_assert(NFIPS_ALPROTO_COUNT <= 16, "the key holds 4 bits of alproto");
	if (!o)
		return 1;
	return (uint8_t)(1 | o->alproto_final << 1 | o->no_payload << 2 | o->app_idle << 3 |
			 (unsigned int)o->alproto << 4);
}

static void flow_interest(const struct nfips_engine *e, const struct nfips_pkt *p,
			  bool to_server, const struct nfips_flow_outlook *o, uint8_t out[2])
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
		const struct nfips_rule *r;

		if (!(s->proto_mask & (1u << pm)) || !may_match(s, o))
			continue;
		r = s->r;
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
			  const struct nfips_pkt *p, bool to_server,
			  const struct nfips_flow_outlook *o, uint8_t want[2])
{
	const uint8_t key = outlook_key(o);

	if (fs->want_key != key) {
		flow_interest(e, p, to_server, o, fs->want);
		fs->want_key = key;
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
