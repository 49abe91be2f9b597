/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tunnels, decapsulated as Suricata 7.0.10 does with its default
 * configuration (decode-gre.c, decode-ipv4.c, decode-ipv6.c,
 * decode-teredo.c, decode-vxlan.c, decode-geneve.c, decode-erspan.c),
 * so that the packet inside is inspected as a packet of its own flow:
 *
 *   GRE version 0 (any flags but routing-recursion and version-1
 *     flags; key, sequence number, checksum and source routes skipped)
 *     carrying IPv4, IPv6, Ethernet (0x6558), 802.1Q or ERSPAN type I
 *     or II (0x88be); over IPv4 or IPv6; GRE version 1 (PPTP) carrying
 *     PPP with IPv4 or IPv6;
 *   IPv6 in IPv4 (protocol 41), IPv4 and IPv6 in IPv6 (next header 4
 *     and 41); IPv4 in IPv4 (protocol 4) is NOT a tunnel for Suricata
 *     7.0.10: only its outer packet is inspected;
 *   Teredo (UDP port 3544 either side: IPv6, after an origin
 *     indication if any), VXLAN (UDP 4789: flag I, Ethernet with IPv4
 *     or IPv6), Geneve (UDP 6081: version 0, options consistent, IPv4,
 *     IPv6 or Ethernet).
 *
 * What Suricata does with the outer packet (tested against it, see
 * Documentation/replay.rst "Tunnels"): it is still inspected, with its
 * own addresses, by header and IP-only rules, but its payload is not
 * (payload keywords never match it). GRE packets and IPv6 packets
 * carrying IPv4/IPv6 have no flow (IP-only rules match every one of
 * them); IPv4 packets carrying IPv6 and the UDP tunnels keep their flow.
 * The inner packet is decoded at the outer's depth + 1 (part of its flow
 * key, as Suricata's recursion level).
 *
 * How deep: as Suricata 7.0.10 with decoder.max-layers 16, by decoded
 * layers (decode.h), not by tunnels. The tunnel decoders GRE, PPP, VXLAN,
 * Geneve and ERSPAN type II count one each (Teredo, ERSPAN type I none),
 * and making the packet inside counts one (Suricata's
 * PacketTunnelPktSetup); the inner packet starts with its carrier's
 * count. A tunnel whose packet would start at the limit is not decoded
 * (Suricata: too_many_layers on the carrier, which is then inspected as
 * a carrier with nothing decoded inside: payload and all for UDP, as a
 * Teredo packet refused); a packet inside whose own decoders reach it is
 * malformed ("too many layers") and not inspected, its carrier's payload
 * not either when the failing decoder was not its first. Measured against
 * Suricata (tunnel_cases.py "tunnel-depth"): six IPv6-in-IPv6 or Teredo
 * levels, four GRE, VXLAN or Geneve levels, three of GRE carrying
 * Ethernet.
 */
#ifndef NFIPS_TUNNEL_H
#define NFIPS_TUNNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"

enum nfips_tunnel_type {
	NFIPS_TUN_NONE,
	NFIPS_TUN_GRE,
	NFIPS_TUN_IP,		/* IPv6 in IPv4, IPv4/IPv6 in IPv6 */
	NFIPS_TUN_TEREDO,
	NFIPS_TUN_VXLAN,
	NFIPS_TUN_GENEVE,
};

/* What the outer packet of a decoded packet is, for the pipeline. */
struct nfips_tunnel {
	enum nfips_tunnel_type type;
	/*
	 * The outer packet is inspected without a flow (GRE, IPv6 carrying
	 * IPv4/IPv6, IPv4-in-IPv4) whether a tunnel decodes or not.
	 */
	bool no_flow;
	/* The outer payload is never inspected (the IP-level kinds). */
	bool no_payload;
	/* The inner packet, when type is not NONE. */
	int link;		/* NFIPS_LINK_IPV4, _IPV6, _ETHERNET or _VLAN */
	const uint8_t *data;
	uint32_t len;
	uint16_t vlan;		/* ERSPAN II's VLAN id (0: none) */
	/* Layers counted when the inner packet's link layer starts */
	uint8_t layers;
	/*
	 * A tunnel was found but not decoded: too many layers (Suricata's
	 * too_many_layers event on this packet).
	 */
	bool too_deep;
};

/*
 * What the packet @d (NFIPS_DEC_OK) carries. t->type is NONE when it is
 * no tunnel Suricata decodes, or too many layers deep (t->too_deep). A
 * protocol Suricata has no decoder for (not TCP, UDP, ICMP, ICMPv6,
 * SCTP, ESP nor a tunnel) is inspected as Suricata does, without flow
 * and payload (no_flow, no_payload).
 */
void nfips_tunnel_find(const struct nfips_decoded *d, struct nfips_tunnel *t);

/*
 * A UDP port a tunnel is decoded on (Teredo, VXLAN, Geneve): a flow with
 * it at either end may carry one with any later datagram.
 */
bool nfips_tunnel_udp_port(uint16_t port);

/*
 * Decodes the inner packet of @t into @in, at @outer's depth + 1. Returns
 * true when Suricata would make it a packet of its own (its IP header is
 * valid; for Teredo also its transport header, and no tunnel in it left
 * undecoded for too many layers): the outer's payload is
 * then not inspected. @st is the inner's decode status (a fragment is
 * left to defrag.h, a bad transport header is inspected as decode.h's
 * l4_bad says; NOT_IP: an inner Ethernet frame that is not IP, which
 * Suricata still counts as a tunnel packet).
 */
bool nfips_tunnel_decode(const struct nfips_decoded *outer, const struct nfips_tunnel *t,
			 struct nfips_decoded *in, enum nfips_decode_status *st);

#endif /* NFIPS_TUNNEL_H */
