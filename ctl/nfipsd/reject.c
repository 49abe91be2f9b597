// SPDX-License-Identifier: GPL-2.0
/*
 * Reject as the kernel does it (kmod/hooks.c, nf_send_reset/nf_send_unreach):
 * the packet is dropped and its sender gets a TCP reset (TCP) or an ICMP
 * port unreachable (anything else), here through raw sockets. The reset
 * claims to come from the packet's destination, with the sequence number
 * the sender expects (RFC 793: the packet's ack, else 0 with an ack of
 * everything it sent); the unreachable comes from the gateway and quotes
 * the packet. Nothing answers a reset or an ICMP error.
 */
/* Before netinet/ip_icmp.h, whose icmp_id macro would clash with packet.h. */
#include "nfipsd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int nfipsd_reject_open(struct nfipsd_worker *w)
{
	w->rawfd4 = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	w->rawfd6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	w->icmpfd4 = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	w->icmpfd6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (w->rawfd4 < 0 || w->rawfd6 < 0 || w->icmpfd4 < 0 || w->icmpfd6 < 0)
		return -1;
	return 0;
}

void nfipsd_reject_close(struct nfipsd_worker *w)
{
	int *fds[] = { &w->rawfd4, &w->rawfd6, &w->icmpfd4, &w->icmpfd6 };
	size_t i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

static uint32_t sum16(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;

	for (; len > 1; len -= 2, b += 2)
		sum += (uint32_t)b[0] << 8 | b[1];
	if (len)
		sum += (uint32_t)b[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* The reset for TCP segment @th of @paylen bytes; addresses done by caller. */
static void build_rst(struct tcphdr *rst, const struct tcphdr *th, uint32_t paylen)
{
	memset(rst, 0, sizeof(*rst));
	rst->source = th->dest;
	rst->dest = th->source;
	rst->doff = sizeof(*rst) / 4;
	rst->rst = 1;
	if (th->ack) {
		rst->seq = th->ack_seq;
	} else {
		rst->ack = 1;
		rst->ack_seq = htonl(ntohl(th->seq) + th->syn + th->fin + paylen);
	}
}

static void reset4(struct nfipsd_worker *w, const struct iphdr *ip,
		   const uint8_t *pkt, size_t len)
{
	size_t ihl = (size_t)ip->ihl * 4;
	const struct tcphdr *th = (const void *)(pkt + ihl);
	struct {
		struct iphdr ip;
		struct tcphdr tcp;
	} out;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = ip->saddr };
	uint32_t tlen = ntohs(ip->tot_len), paylen, sum;

	if (len < ihl + sizeof(*th) || th->rst || tlen < ihl + (size_t)th->doff * 4)
		return;
	paylen = tlen - (uint32_t)ihl - (uint32_t)th->doff * 4;
	build_rst(&out.tcp, th, paylen);
	memset(&out.ip, 0, sizeof(out.ip));
	out.ip.version = 4;
	out.ip.ihl = 5;
	out.ip.tot_len = htons(sizeof(out));
	out.ip.ttl = 64;
	out.ip.protocol = IPPROTO_TCP;
	out.ip.saddr = ip->daddr;
	out.ip.daddr = ip->saddr;
	sum = sum16(&out.ip.saddr, 8, IPPROTO_TCP + sizeof(out.tcp));
	out.tcp.check = fold(sum16(&out.tcp, sizeof(out.tcp), sum));
	/* The kernel fills in the IP id and checksum. */
	sendto(w->rawfd4, &out, sizeof(out), 0, (struct sockaddr *)&to, sizeof(to));
}

static void unreach4(struct nfipsd_worker *w, const struct iphdr *ip,
		     const uint8_t *pkt, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = ip->saddr };
	uint8_t out[8 + 548];
	size_t quote = len < sizeof(out) - 8 ? len : sizeof(out) - 8;
	struct icmphdr *ih = (struct icmphdr *)out;

	if (ip->protocol == IPPROTO_ICMP && len >= (size_t)ip->ihl * 4 + 1 &&
	    pkt[ip->ihl * 4] != ICMP_ECHO && pkt[ip->ihl * 4] != ICMP_TIMESTAMP)
		return;	/* never answer an ICMP error */
	memset(ih, 0, 8);
	ih->type = ICMP_DEST_UNREACH;
	ih->code = ICMP_PORT_UNREACH;
	memcpy(out + 8, pkt, quote);
	ih->checksum = fold(sum16(out, 8 + quote, 0));
	sendto(w->icmpfd4, out, 8 + quote, 0, (struct sockaddr *)&to, sizeof(to));
}

static void reset6(struct nfipsd_worker *w, const struct ip6_hdr *ip6,
		   const uint8_t *pkt, size_t len)
{
	const struct tcphdr *th = (const void *)(pkt + sizeof(*ip6));
	struct {
		struct ip6_hdr ip6;
		struct tcphdr tcp;
	} out;
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_addr = ip6->ip6_src };
	uint32_t plen = ntohs(ip6->ip6_plen), paylen, sum;

	if (len < sizeof(*ip6) + sizeof(*th) || th->rst || plen < (uint32_t)th->doff * 4)
		return;
	paylen = plen - (uint32_t)th->doff * 4;
	build_rst(&out.tcp, th, paylen);
	memset(&out.ip6, 0, sizeof(out.ip6));
	out.ip6.ip6_flow = htonl(6u << 28);
	out.ip6.ip6_plen = htons(sizeof(out.tcp));
	out.ip6.ip6_nxt = IPPROTO_TCP;
	out.ip6.ip6_hlim = 64;
	out.ip6.ip6_src = ip6->ip6_dst;
	out.ip6.ip6_dst = ip6->ip6_src;
	sum = sum16(&out.ip6.ip6_src, 32, IPPROTO_TCP + sizeof(out.tcp));
	out.tcp.check = fold(sum16(&out.tcp, sizeof(out.tcp), sum));
	sendto(w->rawfd6, &out, sizeof(out), 0, (struct sockaddr *)&to, sizeof(to));
}

static void unreach6(struct nfipsd_worker *w, const struct ip6_hdr *ip6,
		     const uint8_t *pkt, size_t len)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_addr = ip6->ip6_src };
	uint8_t out[1280 - 40];
	size_t quote = len < sizeof(out) - 8 ? len : sizeof(out) - 8;
	struct icmp6_hdr *ih = (struct icmp6_hdr *)out;

	if (ip6->ip6_nxt == IPPROTO_ICMPV6 && len > sizeof(*ip6) &&
	    pkt[sizeof(*ip6)] < 128)
		return;	/* never answer an ICMPv6 error */
	memset(ih, 0, 8);
	ih->icmp6_type = ICMP6_DST_UNREACH;
	ih->icmp6_code = ICMP6_DST_UNREACH_NOPORT;
	memcpy(out + 8, pkt, quote);
	/* The kernel computes the ICMPv6 checksum (pseudo header). */
	sendto(w->icmpfd6, out, 8 + quote, 0, (struct sockaddr *)&to, sizeof(to));
}

void nfipsd_reject(struct nfipsd_worker *w, const uint8_t *pkt, size_t len)
{
	if (len < 1)
		return;
	if ((pkt[0] >> 4) == 4 && len >= sizeof(struct iphdr)) {
		const struct iphdr *ip = (const void *)pkt;

		if (ip->ihl < 5 || len < (size_t)ip->ihl * 4 ||
		    (ntohs(ip->frag_off) & 0x1fff))
			return;
		if (ip->protocol == IPPROTO_TCP)
			reset4(w, ip, pkt, len);
		else
			unreach4(w, ip, pkt, len);
	} else if ((pkt[0] >> 4) == 6 && len >= sizeof(struct ip6_hdr)) {
		const struct ip6_hdr *ip6 = (const void *)pkt;

		if (ip6->ip6_nxt == IPPROTO_TCP)
			reset6(w, ip6, pkt, len);
		else
			unreach6(w, ip6, pkt, len);
	}
}
