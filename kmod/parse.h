/* SPDX-License-Identifier: GPL-2.0 */
/* parse.c: what the packet path knows about a packet, from its headers. */
#ifndef _NFIPS_PARSE_H
#define _NFIPS_PARSE_H

#include <linux/in6.h>
#include <linux/skbuff.h>
#include <linux/types.h>

/* What the packet path knows about a packet, for rules and events. */
struct nfips_pkt {
	u8 family;		/* NFPROTO_IPV4 / NFPROTO_IPV6 */
	u8 l4proto;		/* IPPROTO_* */
	u8 rproto;		/* enum nfips_rule_proto */
	bool has_ports;
	union {
		__be32 v4;
		struct in6_addr v6;
	} saddr, daddr;
	u16 sport, dport;	/* host order */
	u32 off, len;		/* L4 payload in the skb */
	u32 seq;		/* TCP: sequence number of the first byte */
	u32 ack_seq;		/* TCP: acknowledgment number, with @ack */
	bool syn;		/* TCP: SYN flag */
	bool ack;		/* TCP: ACK flag */
	bool fin;		/* TCP: FIN flag */
	bool rst;		/* TCP: RST flag */
};

bool nfips_parse(struct sk_buff *skb, u8 pf, struct nfips_pkt *pkt);

#endif /* _NFIPS_PARSE_H */
