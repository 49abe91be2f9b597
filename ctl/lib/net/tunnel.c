// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnel decapsulation as Suricata 7.0.10's decoders; see tunnel.h. Every
 * read is checked against the outer packet's bytes first.
 */
#include <netinet/in.h>
#include <string.h>

#include "tunnel.h"

#define GRE_HLEN	4
#define GRE_PROTO_PPP	0x880b
#define PPP_IPV4	0x0021
#define PPP_IPV6	0x0057
#define PPP_VJ_UNCOMP	0x002f
#define ERSPAN2_HLEN	8
#define VXLAN_HLEN	8
#define GENEVE_HLEN	8
#define TEREDO_ORIGIN	8	/* origin indication */
#define IPV6_HLEN	40
#define ETH_HLEN	14
#define ETHERTYPE_IPV4	0x0800
#define ETHERTYPE_IPV6	0x86dd
#define ETHERTYPE_VLAN	0x8100
#define ETHERTYPE_QINQ	0x88a8	/* 802.1ad */
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETHERTYPE_TEB	0x6558	/* transparent Ethernet bridging */
#define ETHERTYPE_ERSPAN 0x88be

#define PORT_TEREDO	3544
#define PORT_VXLAN	4789
#define PORT_GENEVE	6081

#ifndef IPPROTO_IPIP
#define IPPROTO_IPIP	4
#endif

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The inner packet of ethertype @type at @p (@len bytes). */
static bool inner_ethertype(struct nfips_tunnel *t, uint16_t type, const uint8_t *p,
			    uint32_t len)
{
	t->data = p;
	t->len = len;
	switch (type) {
	case ETHERTYPE_IPV4:
		t->link = NFIPS_LINK_IPV4;
		return true;
	case ETHERTYPE_IPV6:
		t->link = NFIPS_LINK_IPV6;
		return true;
	}
	return false;
}

/*
 * PPP in GRE version 1, framed as Suricata's DecodePPP (decode-ppp.c)
 * reads it: an address byte 0xff means address and control (2 bytes,
 * the control byte not checked); a protocol whose first byte has its low
 * bit set is compressed to that byte (RFC 1661 protocol field
 * compression). IPv4 is 0x21 or 0x2f (Van Jacobson "uncompressed TCP",
 * a plain IPv4 header), IPv6 0x57, each in either width (measured
 * against Suricata 7.0.10). Anything else is no tunnel.
 */
static void ppp(struct nfips_tunnel *t)
{
	uint32_t off = 0, hl;
	uint16_t proto;

	if (t->len < 1)
		return;
	if (t->data[0] == 0xff)
		off = 2;
	if (t->len < off + 1)
		return;
	if (t->data[off] & 0x01) {
		proto = t->data[off];
		hl = off + 1;
	} else {
		if (t->len < off + 2)
			return;
		proto = rd16(t->data + off);
		hl = off + 2;
	}
	t->data += hl;
	t->len -= hl;
	t->layers++;		/* DecodePPP's */
	if ((proto == PPP_IPV4 || proto == PPP_VJ_UNCOMP) && t->len >= 20 &&
	    t->data[0] >> 4 == 4)
		t->link = NFIPS_LINK_IPV4;
	else if (proto == PPP_IPV6 && t->len >= 40 && t->data[0] >> 4 == 6)
		t->link = NFIPS_LINK_IPV6;
	else
		return;
	t->type = NFIPS_TUN_GRE;
}

/*
 * GRE version 1 (PPTP, RFC 2637): key set, protocol PPP, no checksum,
 * routing, strict source route, recursion or other flags; the key's
 * payload length 0 carries nothing.
 */
static void gre_v1(const uint8_t *p, uint32_t len, struct nfips_tunnel *t)
{
	uint32_t hl = GRE_HLEN + 4;

	if ((p[0] & 0xcf) != 0 || (p[1] & 0x78) || !(p[0] & 0x20) ||
	    rd16(p + 2) != GRE_PROTO_PPP)
		return;
	if (p[0] & 0x10)		/* sequence number */
		hl += 4;
	if (p[1] & 0x80)		/* acknowledgment number */
		hl += 4;
	if (hl > len || rd16(p + 4) == 0)
		return;
	t->data = p + hl;
	t->len = len - hl;
	ppp(t);
}

/*
 * GRE (decode-gre.c): version 0 without recursion control or version-1
 * flags; its key, sequence number, checksum/offset and source route
 * entries skipped. Version 1 is PPTP's (gre_v1).
 */
static void gre(const uint8_t *p, uint32_t len, struct nfips_tunnel *t)
{
	uint32_t hl = GRE_HLEN;

	if (len < GRE_HLEN)
		return;
	if ((p[1] & 0x07) == 1) {
		gre_v1(p, len, t);
		return;
	}
	if ((p[1] & 0x07) != 0)		/* versions 0 and 1 only */
		return;
	/* recursion; version-1 flags (Suricata ignores the ack bit, 0x80) */
	if ((p[0] & 0x07) || (p[1] & 0x78))
		return;
	if (p[0] & 0x20)		/* key */
		hl += 4;
	if (p[0] & 0x10)		/* sequence number */
		hl += 4;
	if (p[0] & 0xc0)		/* checksum or routing: + offset */
		hl += 4;
	if (hl > len)
		return;
	if (p[0] & 0x40) {		/* source route entries, to a null one */
		for (;;) {
			uint8_t sre_len;

			if (hl + 4 > len)
				return;
			sre_len = p[hl + 3];
			if (rd16(p + hl) == 0 && sre_len == 0) {
				hl += 4;
				break;
			}
			hl += 4 + sre_len;
			if (hl > len)
				return;
		}
	}
	t->data = p + hl;
	t->len = len - hl;
	switch (rd16(p + 2)) {
	case ETHERTYPE_IPV4:
		t->link = NFIPS_LINK_IPV4;
		break;
	case ETHERTYPE_IPV6:
		t->link = NFIPS_LINK_IPV6;
		break;
	case ETHERTYPE_TEB:
		t->link = NFIPS_LINK_ETHERNET;
		break;
	case ETHERTYPE_VLAN:
		/* an 802.1Q tag then an ethertype: Ethernet without addresses */
		t->link = NFIPS_LINK_VLAN;
		break;
	case ETHERTYPE_ERSPAN:
		t->link = NFIPS_LINK_ETHERNET;
		/* type II (sequence flag) has an 8-byte header: version 1 */
		if (p[0] & 0x10) {
			if (t->len < ERSPAN2_HLEN || rd16(t->data) >> 12 != 1)
				return;
			t->vlan = rd16(t->data) & 0x0fff;
			t->layers++;	/* DecodeERSPAN's */
			t->data += ERSPAN2_HLEN;
			t->len -= ERSPAN2_HLEN;
		}
		break;
	default:
		return;
	}
	t->type = NFIPS_TUN_GRE;
}

/* Teredo (decode-teredo.c): IPv6 that fills the datagram exactly. */
static void teredo(const uint8_t *p, uint32_t len, struct nfips_tunnel *t)
{
	const uint8_t *s = p;

	if (len < IPV6_HLEN)
		return;
	if (s[0] == 0) {
		/* an origin indication is skipped; authentication is not a tunnel */
		if (s[1] != 0 || len < TEREDO_ORIGIN + IPV6_HLEN)
			return;
		s += TEREDO_ORIGIN;
	}
	if (s[0] >> 4 != 6 || s[7] == 0)	/* hop limit 0: not Teredo */
		return;
	if (s[6] == 0 && rd16(s + 4) < 8)	/* hop-by-hop without room */
		return;
	if (len != IPV6_HLEN + rd16(s + 4) + (uint32_t)(s - p))
		return;
	t->type = NFIPS_TUN_TEREDO;
	t->link = NFIPS_LINK_IPV6;
	t->data = s;
	t->len = len - (uint32_t)(s - p);
}

/*
 * VXLAN (decode-vxlan.c): flag I, reserved byte 0, Ethernet with IP or
 * VLAN tags (802.1Q, 802.1ad, 0x9100), the frame read from its tags on
 * as Suricata's DECODE_TUNNEL_VLAN (tunnel.h NFIPS_LINK_VLAN).
 */
static void vxlan(const uint8_t *p, uint32_t len, struct nfips_tunnel *t)
{
	uint16_t type;

	if (len < VXLAN_HLEN + ETH_HLEN || !(p[0] & 0x08) || p[7] != 0)
		return;
	type = rd16(p + VXLAN_HLEN + 12);
	if (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
		t->link = NFIPS_LINK_VLAN;
		t->data = p + VXLAN_HLEN + ETH_HLEN;
		t->len = len - VXLAN_HLEN - ETH_HLEN;
		t->type = NFIPS_TUN_VXLAN;
		return;
	}
	if (inner_ethertype(t, type, p + VXLAN_HLEN + ETH_HLEN, len - VXLAN_HLEN - ETH_HLEN))
		t->type = NFIPS_TUN_VXLAN;
}

/* Geneve (decode-geneve.c): version 0, options adding up, IP or Ethernet. */
static void geneve(const uint8_t *p, uint32_t len, struct nfips_tunnel *t)
{
	uint32_t hl, i;
	uint16_t type;

	if (len < GENEVE_HLEN)
		return;
	hl = GENEVE_HLEN + (uint32_t)(p[0] & 0x3f) * 4;
	if (len < hl || p[0] >> 6 != 0 || (p[1] & 0x3f) || p[7] != 0)
		return;
	/* each option: 4 bytes and its length in words; they must end at hl */
	for (i = GENEVE_HLEN; i < hl; )
		i += 4 + (uint32_t)(p[i + 3] & 0x1f) * 4;
	if (i != hl)
		return;
	type = rd16(p + 2);
	if (type == ETHERTYPE_TEB) {
		t->link = NFIPS_LINK_ETHERNET;
		t->data = p + hl;
		t->len = len - hl;
	} else if (!inner_ethertype(t, type, p + hl, len - hl)) {
		return;
	}
	t->type = NFIPS_TUN_GENEVE;
}

bool nfips_tunnel_udp_port(uint16_t port)
{
	return port == PORT_TEREDO || port == PORT_VXLAN || port == PORT_GENEVE;
}

/*
 * Layers (tunnel.h): @own those the carrier's tunnel decoder counted, the
 * packet inside starting one further (plus its own headers PPP and
 * ERSPAN II counted, t->layers). At the limit, no tunnel.
 */
static void count_layers(const struct nfips_decoded *d, struct nfips_tunnel *t,
			 unsigned int own)
{
	unsigned int start = d->layers + own + 1 + t->layers;

	if (t->type == NFIPS_TUN_NONE)
		return;
	if (start >= NFIPS_MAX_LAYERS) {
		t->type = NFIPS_TUN_NONE;
		t->too_deep = true;
		return;
	}
	t->layers = (uint8_t)start;
}

void nfips_tunnel_find(const struct nfips_decoded *d, struct nfips_tunnel *t)
{
	const struct nfips_pkt *k = &d->pkt;
	unsigned int own = 0;

	memset(t, 0, sizeof(*t));
	switch (k->proto) {
	case IPPROTO_GRE:
		t->no_flow = t->no_payload = true;
		gre(d->l4, d->l4_len, t);
		count_layers(d, t, 1);
		return;
	case IPPROTO_IPV6:
	case IPPROTO_IPIP:
		/* IPv4-in-IPv4 is no tunnel for Suricata 7.0.10, and no flow */
		t->no_flow = k->family == 6 || k->proto == IPPROTO_IPIP;
		t->no_payload = true;
		if (k->family == 4 && k->proto == IPPROTO_IPIP)
			return;
		/*
		 * Suricata's IPv6 extension header walk decapsulates IPv4
		 * but not IPv6: IPv6 in IPv6 only right after the header.
		 */
		if (k->family == 6 && k->proto == IPPROTO_IPV6 && d->l4 != d->l3 + IPV6_HLEN)
			return;
		t->type = NFIPS_TUN_IP;
		t->link = k->proto == IPPROTO_IPV6 ? NFIPS_LINK_IPV6 : NFIPS_LINK_IPV4;
		t->data = d->l4;
		t->len = d->l4_len;
		count_layers(d, t, 0);
		return;
	case IPPROTO_UDP:
		/*
		 * Suricata's order: Geneve, Teredo, VXLAN. Geneve and VXLAN
		 * count their layer once their minimum length is there,
		 * decoded or not.
		 */
		if (k->sport == PORT_GENEVE || k->dport == PORT_GENEVE) {
			geneve(k->payload, k->payload_len, t);
			own += k->payload_len >= GENEVE_HLEN;
			if (t->type) {
				count_layers(d, t, own);
				return;
			}
		}
		if (k->sport == PORT_TEREDO || k->dport == PORT_TEREDO) {
			teredo(k->payload, k->payload_len, t);
			if (t->type) {
				count_layers(d, t, own);
				return;
			}
		}
		if (k->sport == PORT_VXLAN || k->dport == PORT_VXLAN) {
			vxlan(k->payload, k->payload_len, t);
			own += k->payload_len >= VXLAN_HLEN + ETH_HLEN;
			count_layers(d, t, own);
		}
		return;
	case IPPROTO_TCP:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
	case IPPROTO_SCTP:
	case IPPROTO_ESP:
	case IPPROTO_NONE:
		return;
	}
	/*
	 * A protocol Suricata 7.0.10 has no decoder for (AH over IPv4, PIM,
	 * OSPF, ...): no flow, and no payload (measured: IP-only rules match
	 * each packet, dsize:0 matches, contents never).
	 */
	t->no_flow = t->no_payload = true;
}

bool nfips_tunnel_decode(const struct nfips_decoded *outer, const struct nfips_tunnel *t,
			 struct nfips_decoded *in, enum nfips_decode_status *st)
{
	bool ether = t->link == NFIPS_LINK_ETHERNET || t->link == NFIPS_LINK_VLAN;
	struct nfips_tunnel next;

	*st = nfips_decode_at(t->link, t->data, t->len, t->layers, in);
	in->depth = outer->depth + 1;
	if (t->vlan && *st != NFIPS_DEC_MALFORMED) {
		/* ERSPAN II's VLAN id comes before those of the frame */
		if (in->nvlan == NFIPS_MAX_VLAN) {
			*st = NFIPS_DEC_MALFORMED;
			in->why = "ERSPAN: more than 3 VLAN tags";
			return false;
		}
		memmove(in->vlan + 1, in->vlan, in->nvlan * sizeof(in->vlan[0]));
		in->vlan[0] = t->vlan;
		in->nvlan++;
	}
	/*
	 * An inner Ethernet frame is a tunnel packet whatever it carries
	 * (DecodeEthernet, DecodeVLAN succeed once their header is there and
	 * counted), even when what follows is past the layer limit; raw IP
	 * only when its IP header decodes, and for Teredo only when nothing
	 * in it is invalid, a tunnel in it refused for too many layers
	 * included (Suricata's event on it).
	 */
	if (ether)
		return t->len >= (t->link == NFIPS_LINK_VLAN ? 4u : ETH_HLEN) &&
		       t->layers + 1 < NFIPS_MAX_LAYERS;
	if (*st == NFIPS_DEC_MALFORMED && !in->l4_bad)
		return false;
	if (t->type == NFIPS_TUN_TEREDO) {
		if (*st == NFIPS_DEC_MALFORMED)
			return false;
		if (*st == NFIPS_DEC_OK) {
			nfips_tunnel_find(in, &next);
			if (next.too_deep)
				return false;
		}
	}
	return true;
}
