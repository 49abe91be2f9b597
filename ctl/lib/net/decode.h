/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet decoder for offline replay (and the daemon's queue): link layer,
 * VLAN tags, MPLS, PPPoE sessions, 802.1ah and Cisco Fabric Path (DCE)
 * headers, IPv4/IPv6 (with extension headers), TCP/UDP/ICMP, SCTP's
 * ports and ESP's SPI, as Suricata 7.0.10's decoders read them
 * (decode-ethernet.c, decode-vlan.c, decode-mpls.c, decode-pppoe.c,
 * decode-sctp.c, decode-esp.c).
 *
 * Layers are counted as Suricata counts them (its nb_decoded_layers,
 * decoder.max-layers 16): Ethernet, a Linux cooked header, each VLAN
 * tag, an MPLS label stack, IPv4, IPv6 and ESP count one each (raw IP
 * and BSD loopback links, PPPoE, 802.1ah, TCP, UDP, ICMP and SCTP none;
 * measured against Suricata 7.0.10); a decoder that
 * would make the count reach NFIPS_MAX_LAYERS fails, and what it would
 * have decoded is malformed ("too many layers"). Tunnels (tunnel.h)
 * carry the count into the packet inside.
 *
 * The decoder never reads outside [pkt, pkt + len) and never allocates:
 * every pointer in struct nfips_decoded points into the caller's buffer.
 * Checksums are not verified (as Suricata's pcap-file default on captures
 * taken with checksum offload). A fragment is reported as such, with what
 * defrag.h needs to reassemble it.
 */
#ifndef NFIPS_DECODE_H
#define NFIPS_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "packet.h"

/* Link types: the LINKTYPE_ values of pcap/pcapng files. */
enum nfips_link {
	NFIPS_LINK_NULL = 0,		/* BSD loopback: 4-byte address family */
	NFIPS_LINK_ETHERNET = 1,
	NFIPS_LINK_RAW = 101,		/* raw IPv4 or IPv6 */
	NFIPS_LINK_SLL = 113,		/* Linux cooked capture v1 */
	NFIPS_LINK_IPV4 = 228,
	NFIPS_LINK_IPV6 = 229,
	NFIPS_LINK_SLL2 = 276,		/* Linux cooked capture v2 */
	/* Not a capture's: a VLAN tag then an ethertype (GRE's 0x8100, VXLAN's tags) */
	NFIPS_LINK_VLAN = 0x10000,
};

/* True when nfips_decode() knows the link type. */
bool nfips_link_supported(int link);
const char *nfips_link_name(int link);

enum nfips_decode_status {
	NFIPS_DEC_OK,		/* IP packet; transport decoded when known */
	NFIPS_DEC_NOT_IP,	/* well formed, but not IP (ARP, LLDP, ...) */
	NFIPS_DEC_FRAGMENT,	/* IP fragment: not reassembled, not inspected */
	NFIPS_DEC_MALFORMED,	/* truncated or invalid: see ->why */
};

#define NFIPS_MAX_VLAN 3	/* as Suricata: more tags is malformed */
#define NFIPS_MAX_LAYERS 16	/* Suricata's decoder.max-layers default */

/*
 * A decoded packet: the engine's struct nfips_pkt (ts_usec and pcap_cnt
 * are left to the caller) and what only the decoder and the flow table
 * need.
 */
struct nfips_decoded {
	struct nfips_pkt pkt;
	uint8_t nvlan;
	uint16_t vlan[NFIPS_MAX_VLAN];	/* outermost first */
	const uint8_t *l3;	/* IP header ... end of the IP datagram */
	uint32_t l3_len;
	const uint8_t *l4;	/* transport header; NULL for a fragment */
	uint32_t l4_len;
	const char *why;	/* NFIPS_DEC_MALFORMED: a static description */
	/*
	 * NFIPS_DEC_MALFORMED with only the transport header bad (TCP, UDP,
	 * ICMP, SCTP or ESP too short or inconsistent): the IP fields of pkt
	 * are valid, ports are 0 and the payload is empty. Suricata still
	 * inspects such a packet, without a flow (header and IP-only rules:
	 * pipeline.h).
	 */
	bool l4_bad;
	/* Tunnel level: 0 for the captured packet, n inside n tunnels
	 * (Suricata's recursion_level; a flow key part) */
	uint8_t depth;
	/* Layers decoded so far, Suricata's nb_decoded_layers (see above) */
	uint8_t layers;
	/* ESP's security parameter index: a flow key part, as Suricata's */
	uint32_t spi;
	/* NFIPS_DEC_FRAGMENT: what reassembly (defrag.h) needs */
	struct {
		uint32_t id;	/* IPv4 identification, IPv6 fragment id */
		uint32_t off;	/* offset of this fragment's data, bytes */
		bool more;	/* more fragments follow (MF, M) */
		uint32_t hlen;	/* bytes of l3 before the data */
		uint32_t nh_off; /* IPv6: offset in l3 of the next-header
				  * byte that names the fragment header */
		uint8_t nh;	/* IPv6: the header after the fragment header */
	} frag;
};

/*
 * Decodes @len bytes captured on a @link link. Fills @d as far as the
 * packet goes and returns its status; never fails otherwise. Bytes after
 * the end of the IP datagram (Ethernet padding) are not payload.
 */
enum nfips_decode_status nfips_decode(int link, const uint8_t *pkt, uint32_t len,
				      struct nfips_decoded *d);

/*
 * nfips_decode() of a packet inside a tunnel, @layers already counted
 * before its link layer (tunnel.h).
 */
enum nfips_decode_status nfips_decode_at(int link, const uint8_t *pkt, uint32_t len,
					 uint8_t layers, struct nfips_decoded *d);

/* Decodes an IP datagram (raw IPv4 or IPv6, as from NFQUEUE, or defrag). */
enum nfips_decode_status nfips_decode_ip(const uint8_t *pkt, uint32_t len,
					 struct nfips_decoded *d);

/* "TCP", "UDP", "ICMP", "IPv6-ICMP" as Suricata's EVE, else NULL. */
const char *nfips_proto_name(uint8_t proto);

#endif /* NFIPS_DECODE_H */
