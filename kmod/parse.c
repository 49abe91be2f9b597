// SPDX-License-Identifier: GPL-2.0
/*
 * nfips: a packet's headers, read once for the rules, the flow table and
 * events. IPv4 and IPv6 (extension headers skipped), then TCP, UDP or
 * ICMP: addresses, ports, TCP sequence numbers and flags, and where the
 * L4 payload is. A packet that cannot be parsed is let through unscanned
 * and counted (unparsed). What is a packet and where its payload ends
 * follow the daemon's decoder (ctl/lib/net/decode.c, Suricata 7.0.10's
 * view): a packet the daemon does not inspect is not scanned here either,
 * so no kernel rule drops it for bytes the daemon would not have looked
 * at (Documentation/design.rst, "Malformed headers").
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include "nfips.h"
#include "parse.h"

/*
 * A GRO or GSO aggregate stands for several packets on the wire, each of
 * gso_size payload bytes but the last (TCP segments; UDP datagrams, for
 * SKB_GSO_UDP_L4). Rules' offset, depth and dsize are of wire packets,
 * and UDP datagrams are scanned each on its own (match.c). Not for an
 * encapsulated aggregate: its wire packets' payload is not the outer
 * payload cut in pieces (nor for UFO, SKB_GSO_UDP: one datagram).
 */
static u32 wire_seg(const struct sk_buff *skb, const struct nfips_pkt *pkt)
{
	const struct skb_shared_info *sh = skb_shinfo(skb);

	if (!skb_is_gso(skb) || skb->encapsulation ||
	    sh->gso_size == GSO_BY_FRAGS || sh->gso_size >= pkt->len)
		return 0;
	if (pkt->l4proto == IPPROTO_TCP &&
	    (sh->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6)))
		return sh->gso_size;
	if (pkt->l4proto == IPPROTO_UDP && (sh->gso_type & SKB_GSO_UDP_L4))
		return sh->gso_size;
	return 0;
}

/*
 * The transport header at @thoff; the datagram ends with the skb (the
 * stack trimmed it to the IP length, ip_rcv_core() and ip6_rcv_core()).
 */
static bool parse_l4(struct sk_buff *skb, struct nfips_pkt *pkt, u8 proto,
		     unsigned int thoff)
{
	unsigned int off = thoff, ulen = 0;

	pkt->l4proto = proto;
	pkt->rproto = NFIPS_RPROTO_IP;
	pkt->has_ports = false;
	pkt->sport = 0;
	pkt->dport = 0;
	pkt->seq = 0;
	pkt->ack_seq = 0;
	pkt->syn = false;
	pkt->ack = false;
	pkt->fin = false;
	pkt->rst = false;
	switch (proto) {
	case IPPROTO_TCP: {
		struct tcphdr _th;
		const struct tcphdr *th;

		th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
		if (!th || th->doff * 4 < sizeof(*th))
			return false;
		off += th->doff * 4;
		pkt->rproto = NFIPS_RPROTO_TCP;
		pkt->has_ports = true;
		pkt->sport = ntohs(th->source);
		pkt->dport = ntohs(th->dest);
		pkt->seq = ntohl(th->seq);
		pkt->ack_seq = ntohl(th->ack_seq);
		pkt->syn = th->syn;
		pkt->ack = th->ack;
		pkt->fin = th->fin;
		pkt->rst = th->rst;
		break;
	}
	case IPPROTO_UDP: {
		struct udphdr _uh;
		const struct udphdr *uh;

		uh = skb_header_pointer(skb, thoff, sizeof(_uh), &_uh);
		if (!uh)
			return false;
		off += sizeof(*uh);
		ulen = ntohs(uh->len);
		pkt->rproto = NFIPS_RPROTO_UDP;
		pkt->has_ports = true;
		pkt->sport = ntohs(uh->source);
		pkt->dport = ntohs(uh->dest);
		break;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (proto != (pkt->family == NFPROTO_IPV4 ? IPPROTO_ICMP : IPPROTO_ICMPV6))
			break;
		/* type, code, checksum and the 4-byte rest of header */
		off += 8;
		pkt->rproto = NFIPS_RPROTO_ICMP;
		break;
	}
	if (off > skb->len)
		return false;
	pkt->off = off;
	pkt->len = skb->len - off;
	/*
	 * The datagram is what its header says: bytes after it are not the
	 * receiver's, and one longer than the packet is dropped by the
	 * receiver. A length below 8 is dropped by an IPv4 receiver: not
	 * scanned, as the daemon does not inspect it. Over IPv6 a Linux
	 * receiver takes 0 as a jumbogram's, the rest of the packet
	 * (__udp6_lib_rcv()), at any size: scanned so, or an attack would
	 * reach it past every rule (the daemon does not inspect it). Not so
	 * for an aggregate: segmentation rewrites each datagram's length from
	 * gso_size, so whatever the first header says, every byte reaches the
	 * wire (a forged length must not hide the datagrams after it).
	 */
	if (proto == IPPROTO_UDP && !skb_is_gso(skb) &&
	    !(ulen == 0 && pkt->family == NFPROTO_IPV6)) {
		if (ulen < sizeof(struct udphdr) ||
		    ulen - sizeof(struct udphdr) > pkt->len)
			return false;
		pkt->len = ulen - sizeof(struct udphdr);
	}
	pkt->seg = wire_seg(skb, pkt);
	return true;
}

/*
 * The @n bytes of IPv4 options at @off, walked as Suricata's
 * DecodeIPV4Options (and the daemon's decoder): an option whose length is
 * below 2 or runs past the header makes the whole header invalid, and
 * the packet is not inspected. What follows an end-of-list, and a lone
 * last byte, are not looked at. (A router's own input, ip_rcv_options(),
 * drops all of these and more before the FORWARD and LOCAL_IN hooks; a
 * bridge with br_netfilter does not check options.)
 */
static bool v4_options_ok(const struct sk_buff *skb, unsigned int off,
			  unsigned int n)
{
	u8 buf[MAX_IPOPTLEN];
	const u8 *o;
	unsigned int i = 0;

	o = skb_header_pointer(skb, off, n, buf);
	if (!o)
		return false;
	while (i < n) {
		if (o[i] == IPOPT_END)
			break;
		if (o[i] == IPOPT_NOOP) {
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

static bool parse_v4(struct sk_buff *skb, struct nfips_pkt *pkt)
{
	const struct iphdr *iph = ip_hdr(skb);

	pkt->family = NFPROTO_IPV4;
	pkt->saddr.v4 = iph->saddr;
	pkt->daddr.v4 = iph->daddr;
	/* Defragmentation is on: a fragment here could not be reassembled. */
	if (ip_is_fragment(iph))
		return false;
	if (unlikely(iph->ihl > 5) &&
	    !v4_options_ok(skb, skb_network_offset(skb) + sizeof(*iph),
			   ip_hdrlen(skb) - sizeof(*iph)))
		return false;
	return parse_l4(skb, pkt, iph->protocol,
			skb_network_offset(skb) + ip_hdrlen(skb));
}

static bool parse_v6(struct sk_buff *skb, struct nfips_pkt *pkt)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	u8 nexthdr = ip6h->nexthdr;
	__be16 frag_off = 0;
	int thoff;

	pkt->family = NFPROTO_IPV6;
	pkt->saddr.v6 = ip6h->saddr;
	pkt->daddr.v6 = ip6h->daddr;
	/*
	 * Payload length 0: the stack trimmed such a packet to its header
	 * unless a hop-by-hop header follows; then ip6_rcv_core() leaves it
	 * whole, with a jumbo option or without, and a Linux receiver takes
	 * all of it: scanned so, though the daemon (as Suricata) cuts the
	 * payload there, or an attack would reach the receiver past every
	 * rule. A non-zero length: the stack trimmed the skb to it.
	 */
	thoff = ipv6_skip_exthdr(skb, skb_network_offset(skb) + sizeof(*ip6h),
				 &nexthdr, &frag_off);
	if (thoff < 0 || frag_off)
		return false;
	return parse_l4(skb, pkt, nexthdr, thoff);
}

/* @pf: the hook's family (NFPROTO_IPV4 or NFPROTO_IPV6). */
bool nfips_parse(struct sk_buff *skb, u8 pf, struct nfips_pkt *pkt)
{
	return pf == NFPROTO_IPV4 ? parse_v4(skb, pkt) : parse_v6(skb, pkt);
}
