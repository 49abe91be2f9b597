// SPDX-License-Identifier: GPL-2.0
/*
 * Packet decoder: link layer, VLAN, MPLS, PPPoE, 802.1ah, DCE, IPv4/IPv6,
 * TCP/UDP/ICMP. Every read is checked against the captured length first;
 * see decode.h.
 */
#include <netinet/in.h>
#include <string.h>

#include "decode.h"

#define ETH_HLEN	14
#define SLL_HLEN	16
#define SLL2_HLEN	20
#define IPV4_HLEN	20
#define IPV6_HLEN	40
#define TCP_HLEN	20
#define UDP_HLEN	8
#define ICMP_HLEN	8	/* type, code, checksum, and 4 more: Suricata's */
#define SCTP_HLEN	12	/* ports, verification tag, checksum */
#define ESP_HLEN	8	/* SPI, sequence number */
#define IPV4_OPT_EOL	0
#define IPV4_OPT_NOP	1

#define ETHERTYPE_IPV4	0x0800
#define ETHERTYPE_IPV6	0x86dd
#define ETHERTYPE_VLAN	0x8100	/* 802.1Q */
#define ETHERTYPE_QINQ	0x88a8	/* 802.1ad */
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETHERTYPE_MPLS	0x8847	/* unicast */
#define ETHERTYPE_MPLS_MC 0x8848
#define ETHERTYPE_PPPOE	0x8864	/* session */
#define ETHERTYPE_8021AH 0x88e7	/* provider backbone bridging (PBB) */
#define ETHERTYPE_DCE	0x8903	/* Cisco Fabric Path */
#define VLAN_HLEN	4
#define MPLS_HLEN	4
#define MPLS_PW_LEN	4	/* pseudowire control word before Ethernet */
#define MPLS_MAX_RESERVED 15
#define PPPOE_HLEN	7	/* with a one-byte PPP protocol */
#define PBB_HLEN	18	/* I-tag, customer addresses, ethertype */
#define DCE_HLEN	16	/* 2 bytes, then an Ethernet header */
#define PPP_IPV4	0x21
#define PPP_VJ_UNCOMP	0x2f
#define PPP_IPV6	0x57

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static enum nfips_decode_status bad(struct nfips_decoded *d, const char *why)
{
	d->why = why;
	return NFIPS_DEC_MALFORMED;
}

/*
 * One more decoded layer (Suricata's PacketIncreaseCheckLayers): false
 * when the count reaches NFIPS_MAX_LAYERS, the decoder then failing.
 */
static bool layer(struct nfips_decoded *d)
{
	return ++d->layers < NFIPS_MAX_LAYERS;
}

static enum nfips_decode_status too_many(struct nfips_decoded *d)
{
	return bad(d, "too many layers");
}

/* A bad transport header under a valid IP header (decode.h: l4_bad). */
static enum nfips_decode_status bad_l4(struct nfips_decoded *d, const char *why)
{
	struct nfips_pkt *k = &d->pkt;

	k->sport = k->dport = 0;
	k->icmp_type = k->icmp_code = 0;
	k->payload = d->l4;
	k->payload_len = 0;
	d->l4_bad = true;
	return bad(d, why);
}

bool nfips_link_supported(int link)
{
	return nfips_link_name(link) != NULL;
}

const char *nfips_link_name(int link)
{
	switch (link) {
	case NFIPS_LINK_NULL:
		return "null";
	case NFIPS_LINK_ETHERNET:
		return "ethernet";
	case NFIPS_LINK_RAW:
		return "raw";
	case NFIPS_LINK_SLL:
		return "linux-sll";
	case NFIPS_LINK_IPV4:
		return "ipv4";
	case NFIPS_LINK_IPV6:
		return "ipv6";
	case NFIPS_LINK_SLL2:
		return "linux-sll2";
	}
	return NULL;
}

const char *nfips_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_ICMP:
		return "ICMP";
	case IPPROTO_ICMPV6:
		return "IPv6-ICMP";
	case IPPROTO_SCTP:
		return "SCTP";
	case IPPROTO_GRE:
		return "GRE";
	case IPPROTO_ESP:
		return "ESP";
	case IPPROTO_AH:
		return "AH";
	}
	return NULL;
}

static bool is_echo(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_ICMP)
		return type == 0 || type == 8;
	return type == 128 || type == 129;
}

/*
 * A TCP Fast Open option among the @n bytes of options, as Suricata's
 * decoder finds one: kind 34 of length 2 (a cookie request) or an even
 * 6..18, or the experimental kind 254 with magic 0xF989.
 */
static bool tcp_tfo(const uint8_t *o, uint32_t n)
{
	uint32_t i = 0, len;

	while (i < n && o[i] != 0) {
		if (o[i] == 1) {	/* NOP */
			i++;
			continue;
		}
		if (i + 1 >= n || (len = o[i + 1]) < 2 || i + len > n)
			return false;
		if (o[i] == 34 && (len == 2 || (len >= 6 && len <= 18 && len % 2 == 0)))
			return true;
		if (o[i] == 254 && len >= 4 && rd16(o + i + 2) == 0xf989)
			return true;
		i += len;
	}
	return false;
}

/* The transport header at d->l4 (d->l4_len bytes). */
static enum nfips_decode_status decode_l4(struct nfips_decoded *d)
{
	struct nfips_pkt *k = &d->pkt;
	const uint8_t *p = d->l4;
	uint32_t len = d->l4_len, hl;

	switch (k->proto) {
	case IPPROTO_TCP:
		if (len < TCP_HLEN)
			return bad_l4(d, "TCP header truncated");
		hl = (uint32_t)(p[12] >> 4) * 4;
		if (hl < TCP_HLEN)
			return bad_l4(d, "TCP data offset below 5");
		if (hl > len)
			return bad_l4(d, "TCP options truncated");
		k->sport = rd16(p);
		k->dport = rd16(p + 2);
		k->tcp_seq = rd32(p + 4);
		k->tcp_ack = rd32(p + 8);
		k->tcp_flags = p[13];
		k->tcp_win = rd16(p + 14);
		k->tcp_tfo = tcp_tfo(p + TCP_HLEN, hl - TCP_HLEN);
		k->payload = p + hl;
		k->payload_len = len - hl;
		return NFIPS_DEC_OK;
	case IPPROTO_UDP:
		if (len < UDP_HLEN)
			return bad_l4(d, "UDP header truncated");
		hl = rd16(p + 4);
		if (hl < UDP_HLEN)
			return bad_l4(d, "UDP length below 8");
		if (hl > len)
			return bad_l4(d, "UDP datagram truncated");
		k->sport = rd16(p);
		k->dport = rd16(p + 2);
		k->payload = p + UDP_HLEN;
		k->payload_len = hl - UDP_HLEN;
		return NFIPS_DEC_OK;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (len < ICMP_HLEN)
			return bad_l4(d, "ICMP header truncated");
		k->icmp_type = p[0];
		k->icmp_code = p[1];
		if (is_echo(k->proto, p[0])) {
			k->icmp_id = rd16(p + 4);
			k->icmp_seq = rd16(p + 6);
		}
		k->payload = p + ICMP_HLEN;
		k->payload_len = len - ICMP_HLEN;
		return NFIPS_DEC_OK;
	case IPPROTO_SCTP:
		/* Suricata's: ports, the payload after the common header */
		if (len < SCTP_HLEN)
			return bad_l4(d, "SCTP header truncated");
		k->sport = rd16(p);
		k->dport = rd16(p + 2);
		k->payload = p + SCTP_HLEN;
		k->payload_len = len - SCTP_HLEN;
		return NFIPS_DEC_OK;
	case IPPROTO_ESP:
		/*
		 * Suricata's: a flow per SPI, the payload after SPI and
		 * sequence; DecodeESP counts a layer, the only transport
		 * decoder that does.
		 */
		if (!layer(d))
			return bad_l4(d, "too many layers");
		if (len < ESP_HLEN)
			return bad_l4(d, "ESP header truncated");
		d->spi = rd32(p);
		k->payload = p + ESP_HLEN;
		k->payload_len = len - ESP_HLEN;
		return NFIPS_DEC_OK;
	default:
		/* Other protocols (GRE, tunnels ...): no ports, opaque data. */
		k->payload = p;
		k->payload_len = len;
		return NFIPS_DEC_OK;
	}
}

/*
 * The @n bytes of IPv4 options at @o, walked as Suricata's
 * DecodeIPV4Options: an option whose length is below 2 or runs past the
 * header makes the whole IPv4 header invalid (no packet, no tunnel). What
 * follows an end-of-list and a lone last byte are not looked at.
 */
static bool ipv4_options_ok(const uint8_t *o, uint32_t n)
{
	uint32_t i = 0;

	while (i < n) {
		if (o[i] == IPV4_OPT_EOL)
			break;
		if (o[i] == IPV4_OPT_NOP) {
			i++;
			continue;
		}
		if (n - i < 2)
			break;
		if (o[i + 1] < 2 || o[i + 1] > n - i)
			return false;
		i += o[i + 1];
	}
	return true;
}

static enum nfips_decode_status decode_ipv4(const uint8_t *p, uint32_t len,
					    struct nfips_decoded *d)
{
	uint32_t hl, tl;
	uint16_t frag;

	if (!layer(d))
		return too_many(d);
	if (len < IPV4_HLEN)
		return bad(d, "IPv4 header truncated");
	if (p[0] >> 4 != 4)
		return bad(d, "IPv4 version field is not 4");
	hl = (uint32_t)(p[0] & 0x0f) * 4;
	if (hl < IPV4_HLEN)
		return bad(d, "IPv4 header length below 5");
	if (hl > len)
		return bad(d, "IPv4 options truncated");
	if (!ipv4_options_ok(p + IPV4_HLEN, hl - IPV4_HLEN))
		return bad(d, "IPv4 option length invalid");
	tl = rd16(p + 2);
	/* 0: a segmentation-offload capture; the captured length stands. */
	if (tl == 0)
		tl = len;
	if (tl < hl)
		return bad(d, "IPv4 total length below header length");
	if (tl > len)
		return bad(d, "IPv4 datagram truncated");
	frag = rd16(p + 6);
	d->pkt.family = 4;
	d->pkt.proto = p[9];
	d->pkt.ttl = p[8];
	d->pkt.tos = p[1];
	d->pkt.ip_id = rd16(p + 4);
	d->pkt.ip_flags = (uint8_t)(frag >> 13);
	memcpy(d->pkt.src, p + 12, 4);
	memcpy(d->pkt.dst, p + 16, 4);
	d->l3 = p;
	d->l3_len = tl;
	if (frag & 0x3fff) {	/* MF or an offset: a fragment */
		d->frag.id = d->pkt.ip_id;
		d->frag.off = (uint32_t)(frag & 0x1fff) * 8;
		d->frag.more = frag & 0x2000;
		d->frag.hlen = hl;
		return NFIPS_DEC_FRAGMENT;
	}
	d->l4 = p + hl;
	d->l4_len = tl - hl;
	return decode_l4(d);
}

/*
 * A bad extension header at @off of a valid IPv6 header: Suricata still
 * inspects the packet, its protocol @proto (the broken header's, or the
 * last one's when fewer than 2 bytes are left), without a flow (as a bad
 * transport header: decode.h l4_bad), with an invalid event.
 */
static enum nfips_decode_status bad_ext(struct nfips_decoded *d, const uint8_t *p,
					uint32_t off, uint8_t proto, const char *why)
{
	d->pkt.proto = proto;
	d->pkt.only_iponly = proto == 0;
	d->l4 = p + off;
	d->l4_len = 0;
	return bad_l4(d, why);
}

/*
 * Whether Suricata's option walk (DecodeIPV6ExtHdrs) raises a decoder
 * event on the @n option bytes of a hop-by-hop or destination options
 * header: an option running past the header, a PadN of length 0, an
 * option it does not know, a known one too short, or padding alone.
 */
static bool ipv6_opts_event(const uint8_t *o, uint32_t n)
{
	uint32_t i = 0, pad = 0, other = 0, olen;

	while (i < n) {
		if (o[i] == 0) {		/* Pad1 */
			pad++;
			i++;
			continue;
		}
		if (i + 1 >= n)
			return true;
		olen = o[i + 1];
		if (i + 1 + olen > n)
			return true;
		switch (o[i]) {
		case 1:				/* PadN */
			pad++;
			if (!olen)
				return true;
			break;
		case 5:				/* router alert */
			if (olen < 2)
				return true;
			other++;
			break;
		case 0xc2:			/* jumbo payload */
			if (olen < 4)
				return true;
			break;
		case 0xc9:			/* home address */
			if (olen < 16)
				return true;
			other++;
			break;
		default:
			return true;
		}
		i += olen + 2;
	}
	return pad && !other;
}

/* The next headers Suricata reads in its extension header walk. */
static bool ipv6_ext(uint8_t nh)
{
	switch (nh) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_DSTOPTS:
	case IPPROTO_FRAGMENT:
	case IPPROTO_AH:
	case IPPROTO_ESP:
	case 135:	/* mobility */
		return true;
	}
	return false;
}

/*
 * IPv6 and its extension headers as Suricata's DecodeIPV6ExtHdrs walks
 * them: its protocol is the last extension header's (0, HOPOPT, before
 * any: "unset"; mobility headers are skipped without being one), and the
 * decoder events that matter with protocol 0 (struct nfips_pkt
 * only_iponly) are noted on the way.
 */
static enum nfips_decode_status decode_ipv6(const uint8_t *p, uint32_t len,
					    struct nfips_decoded *d)
{
	uint32_t tl, off, hl, nh_off = 6;
	uint8_t nh, last = 0;
	bool ev = false, hh = false, rh = false;
	uint16_t fo;

	if (!layer(d))
		return too_many(d);
	if (len < IPV6_HLEN)
		return bad(d, "IPv6 header truncated");
	if (p[0] >> 4 != 6)
		return bad(d, "IPv6 version field is not 6");
	tl = rd16(p + 4);
	/*
	 * Payload length 0 is an empty payload, as Suricata reads it: a
	 * Teredo bubble (next header 59) is a packet, and a jumbogram's
	 * hop-by-hop header is then cut (inspected without a flow, bad_ext).
	 */
	tl += IPV6_HLEN;
	if (tl > len)
		return bad(d, "IPv6 datagram truncated");
	d->pkt.family = 6;
	d->pkt.ttl = p[7];
	d->pkt.tos = (uint8_t)((p[0] & 0x0f) << 4 | p[1] >> 4);
	memcpy(d->pkt.src, p + 8, 16);
	memcpy(d->pkt.dst, p + 24, 16);
	d->l3 = p;
	d->l3_len = tl;
	nh = p[6];
	off = IPV6_HLEN;
	/* Extension headers: each is at least 8 bytes, so this ends. */
	for (;;) {
		if (nh != IPPROTO_NONE && tl - off < 2 && (off > IPV6_HLEN || ipv6_ext(nh)))
			return bad_ext(d, p, off, last, "IPv6 extension header truncated");
		switch (nh) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
		case 135:	/* mobility */
			if (tl - off < 8)
				return bad_ext(d, p, off, nh == 135 ? last : nh,
					       "IPv6 extension header truncated");
			hl = ((uint32_t)p[off + 1] + 1) * 8;
			if (hl > tl - off)
				break;
			if (nh == IPPROTO_HOPOPTS) {
				ev |= hh || ipv6_opts_event(p + off + 2, hl - 2);
				hh = true;
			} else if (nh == IPPROTO_DSTOPTS) {
				ev |= ipv6_opts_event(p + off + 2, hl - 2);
			} else if (nh == IPPROTO_ROUTING) {
				ev |= rh || p[off + 2] == 0;	/* type 0 */
				rh = true;
			}
			break;
		case IPPROTO_AH:
			if (tl - off < 8)
				return bad_ext(d, p, off, nh, "IPv6 AH header truncated");
			hl = ((uint32_t)p[off + 1] + 2) * 4;
			break;
		case IPPROTO_FRAGMENT:
			if (tl - off < 8)
				return bad_ext(d, p, off, nh,
					       "IPv6 fragment header truncated");
			d->pkt.proto = p[off];
			fo = rd16(p + off + 2);
			/* Offset or M flag: a fragment; an atomic one is not. */
			if (fo & 0xfff9) {
				d->frag.id = rd32(p + off + 4);
				d->frag.off = fo & 0xfff8;
				d->frag.more = fo & 1;
				d->frag.hlen = off + 8;
				d->frag.nh_off = nh_off;
				d->frag.nh = p[off];
				return NFIPS_DEC_FRAGMENT;
			}
			/* an atomic fragment header: Suricata's "useless" event */
			ev = true;
			hl = 8;
			break;
		case IPPROTO_NONE:
			/*
			 * Suricata's protocol is then the last extension
			 * header's, 0 without one (IPv6's l4 protocol unset):
			 * no flow, IP-only rules (tunnel.c); data after it is
			 * an event.
			 */
			d->pkt.proto = last;
			d->pkt.only_iponly = last == 0 && (ev || tl > off);
			d->l4 = p + tl;
			d->l4_len = 0;
			d->pkt.payload = p + tl;
			d->pkt.payload_len = 0;
			return NFIPS_DEC_OK;
		case IPPROTO_ICMP:
			/* ICMPv4 in IPv6: an event, not decoded, no protocol */
			d->pkt.proto = last;
			d->pkt.only_iponly = last == 0;
			d->l4 = p + tl;
			d->l4_len = 0;
			d->pkt.payload = p + tl;
			d->pkt.payload_len = 0;
			return NFIPS_DEC_OK;
		default:
			d->pkt.proto = nh;
			d->l4 = p + off;
			d->l4_len = tl - off;
			return decode_l4(d);
		}
		if (hl > tl - off)
			return bad_ext(d, p, off, nh == 135 ? last : nh,
				       "IPv6 extension header truncated");
		if (nh != 135)
			last = nh;
		nh = p[off];
		nh_off = off;
		off += hl;
	}
}

static enum nfips_decode_status decode_ip(const uint8_t *pkt, uint32_t len,
					 struct nfips_decoded *d)
{
	if (len < 1)
		return bad(d, "empty IP packet");
	switch (pkt[0] >> 4) {
	case 4:
		return decode_ipv4(pkt, len, d);
	case 6:
		return decode_ipv6(pkt, len, d);
	}
	return bad(d, "IP version is neither 4 nor 6");
}

enum nfips_decode_status nfips_decode_ip(const uint8_t *pkt, uint32_t len,
					 struct nfips_decoded *d)
{
	memset(d, 0, sizeof(*d));
	return decode_ip(pkt, len, d);
}

static enum nfips_decode_status decode_ethertype(uint16_t type, const uint8_t *p,
						 uint32_t len, struct nfips_decoded *d);

static enum nfips_decode_status decode_ethernet(const uint8_t *p, uint32_t len,
						struct nfips_decoded *d)
{
	if (len < ETH_HLEN)
		return bad(d, "Ethernet header truncated");
	if (!layer(d))
		return too_many(d);
	return decode_ethertype(rd16(p + 12), p + ETH_HLEN, len - ETH_HLEN, d);
}

/* A VLAN tag (802.1Q, 802.1ad, 0x9100) and what follows it. */
static enum nfips_decode_status decode_vlan(const uint8_t *p, uint32_t len,
					    struct nfips_decoded *d)
{
	if (d->nvlan == NFIPS_MAX_VLAN)
		return bad(d, "more than 3 VLAN tags");
	if (len < VLAN_HLEN)
		return bad(d, "VLAN tag truncated");
	if (!layer(d))
		return too_many(d);
	d->vlan[d->nvlan++] = rd16(p) & 0x0fff;
	return decode_ethertype(rd16(p + 2), p + VLAN_HLEN, len - VLAN_HLEN, d);
}

/*
 * An MPLS label stack (decode-mpls.c): one layer for the stack; the
 * bottom label 0 is IPv4, 2 IPv6, the other reserved ones (below 15) end
 * decoding; above them the first nibble guesses IPv4, IPv6 or, for 0, a
 * pseudowire control word and an Ethernet frame.
 */
static enum nfips_decode_status decode_mpls(const uint8_t *p, uint32_t len,
					    struct nfips_decoded *d)
{
	uint32_t shim, label;

	if (!layer(d))
		return too_many(d);
	do {
		if (len < MPLS_HLEN)
			return bad(d, "MPLS header truncated");
		shim = rd32(p);
		p += MPLS_HLEN;
		len -= MPLS_HLEN;
	} while (!(shim & 0x100));
	label = shim >> 12;
	if (label == 0)
		return decode_ipv4(p, len, d);
	if (label == 2)
		return decode_ipv6(p, len, d);
	if (label < MPLS_MAX_RESERVED)
		return NFIPS_DEC_NOT_IP;
	if (len < MPLS_PW_LEN)
		return bad(d, "MPLS payload truncated");
	switch (p[0] >> 4) {
	case 4:
		return decode_ipv4(p, len, d);
	case 6:
		return decode_ipv6(p, len, d);
	case 0:
		return decode_ethernet(p + MPLS_PW_LEN, len - MPLS_PW_LEN, d);
	}
	return NFIPS_DEC_NOT_IP;
}

/*
 * A PPPoE session frame (decode-pppoe.c, no layer of its own): a length
 * of 0 carries nothing; the PPP protocol takes one byte when its first
 * has the low bit set, else two; IPv4 (0x21, or Van Jacobson uncompressed
 * TCP 0x2f with a version 4 header) and IPv6 (0x57) are decoded; without
 * room for the IP header the frame is invalid (Suricata's event).
 */
static enum nfips_decode_status decode_pppoe(const uint8_t *p, uint32_t len,
					     struct nfips_decoded *d)
{
	uint32_t hl = PPPOE_HLEN;
	uint16_t proto;

	if (len < PPPOE_HLEN)
		return bad(d, "PPPoE header truncated");
	if (rd16(p + 4) == 0)
		return NFIPS_DEC_NOT_IP;
	proto = p[6];
	if (!(proto & 0x01)) {
		if (len < PPPOE_HLEN + 1)
			return bad(d, "PPPoE header truncated");
		proto = rd16(p + 6);
		hl++;
	}
	p += hl;
	len -= hl;
	switch (proto) {
	case PPP_VJ_UNCOMP:
		if (len < IPV4_HLEN)
			return bad(d, "PPPoE: IPv4 header truncated");
		if (p[0] >> 4 != 4)
			return NFIPS_DEC_NOT_IP;
		return decode_ipv4(p, len, d);
	case PPP_IPV4:
		if (len < IPV4_HLEN)
			return bad(d, "PPPoE: IPv4 header truncated");
		return decode_ipv4(p, len, d);
	case PPP_IPV6:
		if (len < IPV6_HLEN)
			return bad(d, "PPPoE: IPv6 header truncated");
		return decode_ipv6(p, len, d);
	}
	return NFIPS_DEC_NOT_IP;
}

/*
 * An EtherType and what follows it (Suricata's DecodeNetworkLayer).
 * 802.1ah (no layer of its own) is read in a loop: a chain of them adds
 * no recursion. Cisco Fabric Path (DCE) is 2 bytes then another
 * Ethernet header.
 */
static enum nfips_decode_status decode_ethertype(uint16_t type, const uint8_t *p,
						 uint32_t len, struct nfips_decoded *d)
{
	for (;;) {
		switch (type) {
		case ETHERTYPE_VLAN:
		case ETHERTYPE_QINQ:
		case ETHERTYPE_QINQ_OLD:
			return decode_vlan(p, len, d);
		case ETHERTYPE_IPV4:
			return decode_ipv4(p, len, d);
		case ETHERTYPE_IPV6:
			return decode_ipv6(p, len, d);
		case ETHERTYPE_MPLS:
		case ETHERTYPE_MPLS_MC:
			return decode_mpls(p, len, d);
		case ETHERTYPE_PPPOE:
			return decode_pppoe(p, len, d);
		case ETHERTYPE_DCE:
			if (len < DCE_HLEN)
				return bad(d, "DCE header truncated");
			return decode_ethernet(p + 2, len - 2, d);
		case ETHERTYPE_8021AH:
			if (len < PBB_HLEN)
				return bad(d, "802.1ah header truncated");
			type = rd16(p + PBB_HLEN - 2);
			p += PBB_HLEN;
			len -= PBB_HLEN;
			continue;
		}
		return NFIPS_DEC_NOT_IP;
	}
}

static enum nfips_decode_status decode_null(const uint8_t *p, uint32_t len,
					    struct nfips_decoded *d)
{
	uint32_t af;

	if (len < 4)
		return bad(d, "loopback header truncated");
	/* The family is in the capturing host's byte order. */
	af = rd32(p);
	if (af > 0xffff)
		af = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
		     (uint32_t)p[1] << 8 | p[0];
	switch (af) {
	case 2:
		return decode_ipv4(p + 4, len - 4, d);
	case 10: case 24: case 28: case 30:	/* AF_INET6: Linux, BSDs, macOS */
		return decode_ipv6(p + 4, len - 4, d);
	}
	return NFIPS_DEC_NOT_IP;
}

enum nfips_decode_status nfips_decode(int link, const uint8_t *pkt, uint32_t len,
				      struct nfips_decoded *d)
{
	return nfips_decode_at(link, pkt, len, 0, d);
}

enum nfips_decode_status nfips_decode_at(int link, const uint8_t *pkt, uint32_t len,
					 uint8_t layers, struct nfips_decoded *d)
{
	memset(d, 0, sizeof(*d));
	d->layers = layers;
	switch (link) {
	case NFIPS_LINK_ETHERNET:
		return decode_ethernet(pkt, len, d);
	case NFIPS_LINK_SLL:
		/* a layer, as Suricata's DecodeSll (measured; v2 as v1) */
		if (len < SLL_HLEN)
			return bad(d, "Linux cooked header truncated");
		if (!layer(d))
			return too_many(d);
		return decode_ethertype(rd16(pkt + 14), pkt + SLL_HLEN,
					len - SLL_HLEN, d);
	case NFIPS_LINK_SLL2:
		if (len < SLL2_HLEN)
			return bad(d, "Linux cooked v2 header truncated");
		if (!layer(d))
			return too_many(d);
		return decode_ethertype(rd16(pkt), pkt + SLL2_HLEN,
					len - SLL2_HLEN, d);
	case NFIPS_LINK_RAW:
		return decode_ip(pkt, len, d);
	case NFIPS_LINK_IPV4:
		return decode_ipv4(pkt, len, d);
	case NFIPS_LINK_IPV6:
		return decode_ipv6(pkt, len, d);
	case NFIPS_LINK_NULL:
		return decode_null(pkt, len, d);
	case NFIPS_LINK_VLAN:
		return decode_vlan(pkt, len, d);
	}
	return bad(d, "unsupported link type");
}
