/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet model shared by the decoder, the flow table, TCP
 * reassembly and the rule engine: what one decoded packet is, and what a
 * window of reassembled stream data is. Part of net.h.
 */
#ifndef NFIPS_PACKET_H
#define NFIPS_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- what a decoder gives per packet -------------------------------- */

/* TCP flags as in the TCP header's 14th byte. */
#define NFIPS_TH_FIN	0x01
#define NFIPS_TH_SYN	0x02
#define NFIPS_TH_RST	0x04
#define NFIPS_TH_PSH	0x08
#define NFIPS_TH_ACK	0x10
#define NFIPS_TH_URG	0x20
#define NFIPS_TH_ECE	0x40	/* Suricata/Snort flag letter E (was 2) */
#define NFIPS_TH_CWR	0x80	/* letter C (was 1) */

/* IPv4 fragment bits (fragbits:), as in the header's flags field. */
#define NFIPS_IPF_RB	0x4	/* reserved, letter R */
#define NFIPS_IPF_DF	0x2	/* letter D */
#define NFIPS_IPF_MF	0x1	/* letter M */

struct nfips_pkt {
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;		/* IPPROTO_TCP/UDP/ICMP/ICMPV6/...: the
				 * transport after IPv6 extension headers */
	uint8_t ttl;		/* IPv4 TTL or IPv6 hop limit */
	uint8_t tos;		/* IPv4 TOS or IPv6 traffic class */
	uint16_t ip_id;		/* IPv4 identification; 0 for IPv6 */
	uint8_t ip_flags;	/* NFIPS_IPF_*; 0 for IPv6 */
	uint8_t tcp_flags;	/* NFIPS_TH_*; 0 unless TCP */
	uint8_t src[16], dst[16];	/* network order; IPv4 in the first 4 */
	uint16_t sport, dport;	/* host order; 0 unless TCP/UDP */
	uint32_t tcp_seq, tcp_ack;	/* host order; 0 unless TCP */
	uint16_t tcp_win;	/* host order, unscaled */
	bool tcp_tfo;		/* a TCP Fast Open option (Suricata's TCP_HAS_TFO) */
	/*
	 * An IP fragment inspected as a packet of its own (Suricata's
	 * PKT_IS_FRAGMENT): no ports, so that a rule with ports never
	 * matches it.
	 */
	bool fragment;
	/*
	 * Suricata's protocol 0 (IPv6's transport unset, or a hop-by-hop
	 * header last) with a decoder event on the packet: it inspects it
	 * with its decoder-event rule group, so only IP-only rules match.
	 */
	bool only_iponly;
	uint8_t icmp_type, icmp_code;	/* ICMP or ICMPv6; 0 otherwise */
	uint16_t icmp_id, icmp_seq;	/* bytes 4-5 and 6-7 of the ICMP
					 * header, host order (icmp_id/icmp_seq
					 * test them on echo-type messages) */
	/*
	 * Suricata's packet payload: the bytes after the TCP or UDP header,
	 * after the first 8 bytes of an ICMP/ICMPv6 message, after the IP
	 * header(s) for other protocols. Reassembled IPv4/IPv6 fragments are
	 * given as one packet. Borrowed for the duration of the call.
	 */
	const uint8_t *payload;
	uint32_t payload_len;
	uint64_t ts_usec;	/* capture time, microseconds since the epoch:
				 * threshold windows use it, never the clock */
	uint64_t pcap_cnt;	/* 1-based packet number; 0 for a flow-end
				 * pseudo packet (stream data flushed at the end
				 * of a flow: header keywords never match it) */
};

/*
 * Reassembled data of the packet's direction made inspectable by this
 * packet. data[0..len) is contiguous, in-order stream data; bytes before
 * @new_from were passed in an earlier call of the same direction (context
 * so that matches spanning segments are found), bytes from @new_from on
 * are new. With new_from > 0 a rule alerts on this inspection only if it
 * has a match that ends in the new bytes (the end of a match is the end
 * of its last-ending positive content or pcre match; the buffer's end for
 * a rule without any), every occurrence of its contents being tried, so
 * a match is reported once, on the packet that completed it. With
 * new_from 0 the buffer is inspected as Suricata inspects a raw stream
 * chunk (its first match decides).
 *
 * offset/depth/startswith, absolute isdataat and byte_test/byte_jump
 * offsets count from data[0], or, when @anchored, from the start of the
 * stream (@stream_off is where data[0] lies), as they would on one buffer
 * holding the whole stream; pcre's ^ still means data[0].
 *
 * Cost: anchored, the engine scans only the new bytes for fast patterns
 * (it remembers, per flow direction, the matcher state and where each
 * pattern last occurred, as long as each call's new bytes follow the
 * previous call's) and, with new_from set, evaluates a rule on the window
 * only when one of its contents ends in the new bytes; so a long window
 * costs little more than a short one. When the new bytes are the packet's
 * payload (stream_add, an in-order segment), that one scan also finds the
 * payload's fast patterns. Unanchored, the whole window is scanned each
 * call.
 */
struct nfips_stream {
	const uint8_t *data;
	uint32_t len;
	uint32_t new_from;	/* <= len */
	bool anchored;		/* stream_off is valid */
	uint64_t stream_off;	/* offset of data[0] from the stream start */
};

#endif /* NFIPS_PACKET_H */
