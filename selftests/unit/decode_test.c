// SPDX-License-Identifier: GPL-2.0
/*
 * Packet decoder: fields of valid packets on every link type, and
 * robustness: every prefix of every valid packet, bit flips and random
 * bytes, each copied into a buffer of exactly its length so that the
 * sanitizers (this test is built with -fsanitize=address,undefined) see
 * any read past the end.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "tap.h"

static struct tap T;

struct pkt {
	const char *name;
	int link;
	uint8_t b[256];
	uint32_t len;
};

static void put(struct pkt *p, const void *src, uint32_t n)
{
	memcpy(p->b + p->len, src, n);
	p->len += n;
}

static void put16(struct pkt *p, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(p, b, 2);
}

static void put32(struct pkt *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p, (uint16_t)v);
}

static void eth(struct pkt *p, uint16_t type)
{
	static const uint8_t mac[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };

	put(p, mac, 12);
	put16(p, type);
}

static void ipv4(struct pkt *p, uint8_t proto, uint16_t l4len, uint16_t frag)
{
	static const uint8_t addrs[8] = { 10, 0, 0, 1, 192, 168, 1, 2 };

	put16(p, 0x4510);		/* v4, ihl 5, tos 0x10 */
	put16(p, (uint16_t)(20 + l4len));
	put16(p, 0x1234);		/* id */
	put16(p, frag);
	put16(p, (uint16_t)(64 << 8 | proto));
	put16(p, 0);			/* checksum: not checked */
	put(p, addrs, 8);
}

static void ipv6(struct pkt *p, uint8_t nh, uint16_t plen)
{
	uint8_t a[32] = { 0x20, 0x01, 0x0d, 0xb8 };

	a[15] = 1;
	a[16] = 0x20;
	a[17] = 0x01;
	a[18] = 0x0d;
	a[19] = 0xb8;
	a[31] = 2;
	put32(p, 0x6a000000);		/* traffic class 0xa0 */
	put16(p, plen);
	put16(p, (uint16_t)(nh << 8 | 33));
	put(p, a, 32);
}

static void tcp(struct pkt *p, const char *data)
{
	put16(p, 40000);
	put16(p, 80);
	put32(p, 1000);
	put32(p, 2000);
	put16(p, 0x6018);		/* doff 6 (4 option bytes), PSH|ACK */
	put16(p, 512);
	put32(p, 0);
	put32(p, 0x01010101);		/* NOP options */
	put(p, data, (uint32_t)strlen(data));
}

static void udp(struct pkt *p, const char *data)
{
	put16(p, 5353);
	put16(p, 53);
	put16(p, (uint16_t)(8 + strlen(data)));
	put16(p, 0);
	put(p, data, (uint32_t)strlen(data));
}

static void icmp(struct pkt *p, uint8_t type, const char *data)
{
	put16(p, (uint16_t)(type << 8));
	put16(p, 0);
	put16(p, 0x77);			/* id */
	put16(p, 5);			/* seq */
	put(p, data, (uint32_t)strlen(data));
}

/*
 * Decodes a copy of exactly @len bytes of @b; the copy lives until the
 * next call, so that @d's pointers can be checked.
 */
static enum nfips_decode_status dec(int link, const uint8_t *b, uint32_t len,
				    struct nfips_decoded *d)
{
	static uint8_t *copy;
	enum nfips_decode_status s;

	free(copy);
	copy = malloc(len ? len : 1);
	memcpy(copy, b, len);
	s = nfips_decode(link, copy, len, d);
	/* Pointers must stay inside the packet. */
	if (s == NFIPS_DEC_OK &&
	    (d->pkt.payload < copy || d->pkt.payload + d->pkt.payload_len > copy + len))
		s = (enum nfips_decode_status)-1;
	return s;
}

static struct pkt pkts[16];
static int npkts;

static struct pkt *new_pkt(const char *name, int link)
{
	struct pkt *p = &pkts[npkts++];

	p->name = name;
	p->link = link;
	return p;
}

static void build(void)
{
	struct pkt *p;

	p = new_pkt("ethernet ipv4 tcp", NFIPS_LINK_ETHERNET);
	eth(p, 0x0800);
	ipv4(p, IPPROTO_TCP, 24 + 5, 0x4000);
	tcp(p, "hello");
	put(p, "\0\0\0\0", 4);		/* Ethernet padding: not payload */

	p = new_pkt("ethernet qinq ipv4 icmp", NFIPS_LINK_ETHERNET);
	eth(p, 0x88a8);
	put16(p, 100);
	put16(p, 0x8100);
	put16(p, 0x2000 | 200);		/* priority bits are not the id */
	put16(p, 0x0800);
	ipv4(p, IPPROTO_ICMP, 8 + 4, 0);
	icmp(p, 8, "ping");

	p = new_pkt("ethernet ipv6 hop+dst+frag(atomic) udp", NFIPS_LINK_ETHERNET);
	eth(p, 0x86dd);
	ipv6(p, IPPROTO_HOPOPTS, 8 + 16 + 8 + 8 + 3);
	put(p, (uint8_t[]){ IPPROTO_DSTOPTS, 0, 1, 4, 0, 0, 0, 0 }, 8);
	put(p, (uint8_t[]){ IPPROTO_FRAGMENT, 1, 1, 12, 0, 0, 0, 0,
			    0, 0, 0, 0, 0, 0, 0, 0 }, 16);
	put(p, (uint8_t[]){ IPPROTO_UDP, 0, 0, 0, 0, 0, 0, 9 }, 8);
	udp(p, "dns");

	p = new_pkt("linux sll ipv6 icmpv6", NFIPS_LINK_SLL);
	put16(p, 0);			/* packet type: to us */
	put16(p, 1);			/* ARPHRD_ETHER */
	put16(p, 6);
	put(p, "\2\0\0\0\0\1\0\0", 8);
	put16(p, 0x86dd);
	ipv6(p, IPPROTO_ICMPV6, 8 + 2);
	icmp(p, 128, "v6");

	p = new_pkt("linux sll2 vlan ipv4 udp", NFIPS_LINK_SLL2);
	put16(p, 0x8100);
	put16(p, 0);
	put32(p, 3);			/* ifindex */
	put16(p, 1);
	p->b[p->len++] = 0;
	p->b[p->len++] = 6;
	put(p, "\2\0\0\0\0\1\0\0", 8);
	put16(p, 7);
	put16(p, 0x0800);
	ipv4(p, IPPROTO_UDP, 8 + 3, 0);
	udp(p, "abc");

	p = new_pkt("raw ipv4 tcp", NFIPS_LINK_RAW);
	ipv4(p, IPPROTO_TCP, 24 + 2, 0);
	tcp(p, "hi");

	p = new_pkt("null ipv6 udp", NFIPS_LINK_NULL);
	put(p, (uint8_t[]){ 30, 0, 0, 0 }, 4);	/* AF_INET6 on macOS, LE */
	ipv6(p, IPPROTO_UDP, 8 + 1);
	udp(p, "x");

	p = new_pkt("ipv4 link: fragment", NFIPS_LINK_IPV4);
	ipv4(p, IPPROTO_TCP, 8, 0x2000);	/* MF */
	put(p, "fragment", 8);

	p = new_pkt("ethernet mpls(2 labels) ipv4 udp", NFIPS_LINK_ETHERNET);
	eth(p, 0x8847);
	put32(p, 100u << 12 | 64);		/* not the bottom */
	put32(p, 200u << 12 | 0x100 | 64);	/* bottom: IPv4 by its nibble */
	ipv4(p, IPPROTO_UDP, 8 + 4, 0);
	udp(p, "mpls");

	p = new_pkt("ethernet pppoe(1-byte protocol) ipv6 udp", NFIPS_LINK_ETHERNET);
	eth(p, 0x8864);
	put(p, (uint8_t[]){ 0x11, 0, 0, 1 }, 4);
	put16(p, 1 + 40 + 8 + 2);
	p->b[p->len++] = 0x57;
	ipv6(p, IPPROTO_UDP, 8 + 2);
	udp(p, "pp");

	p = new_pkt("ethernet 802.1ah vlan ipv4 tcp", NFIPS_LINK_ETHERNET);
	eth(p, 0x88e7);
	put32(p, 7);				/* I-tag */
	put(p, "\2\0\0\0\0\3\2\0\0\0\0\4", 12);
	put16(p, 0x8100);
	put16(p, 42);
	put16(p, 0x0800);
	ipv4(p, IPPROTO_TCP, 24 + 3, 0);
	tcp(p, "pbb");

	p = new_pkt("ethernet dce ethernet ipv4 icmp", NFIPS_LINK_ETHERNET);
	eth(p, 0x8903);
	put16(p, 0);
	eth(p, 0x0800);
	ipv4(p, IPPROTO_ICMP, 8 + 3, 0);
	icmp(p, 8, "dce");
}

static void fields(void)
{
	struct nfips_decoded d;
	enum nfips_decode_status s;

	s = dec(pkts[0].link, pkts[0].b, pkts[0].len, &d);
	tap_ok(&T, s == NFIPS_DEC_OK && d.pkt.family == 4 &&
	       d.pkt.proto == IPPROTO_TCP && d.pkt.sport == 40000 &&
	       d.pkt.dport == 80 && d.pkt.tcp_seq == 1000 && d.pkt.tcp_ack == 2000 &&
	       d.pkt.tcp_flags == (NFIPS_TH_PSH | NFIPS_TH_ACK) &&
	       d.pkt.tcp_win == 512 && d.pkt.payload_len == 5 &&
	       !memcmp(d.pkt.payload, "hello", 5) && d.pkt.ttl == 64 &&
	       d.pkt.tos == 0x10 && d.pkt.ip_id == 0x1234 &&
	       d.pkt.ip_flags == NFIPS_IPF_DF && d.pkt.src[0] == 10 &&
	       d.pkt.dst[0] == 192 && d.nvlan == 0,
	       "ethernet/ipv4/tcp: fields, options skipped, padding trimmed");

	s = dec(pkts[1].link, pkts[1].b, pkts[1].len, &d);
	tap_ok(&T, s == NFIPS_DEC_OK && d.nvlan == 2 && d.vlan[0] == 100 &&
	       d.vlan[1] == 200 && d.pkt.proto == IPPROTO_ICMP &&
	       d.pkt.icmp_type == 8 && d.pkt.icmp_id == 0x77 &&
	       d.pkt.icmp_seq == 5 && d.pkt.payload_len == 4 &&
	       !memcmp(d.pkt.payload, "ping", 4),
	       "QinQ: two VLAN ids, ICMP echo after 8 header bytes");

	s = dec(pkts[2].link, pkts[2].b, pkts[2].len, &d);
	tap_ok(&T, s == NFIPS_DEC_OK && d.pkt.family == 6 &&
	       d.pkt.proto == IPPROTO_UDP && d.pkt.dport == 53 &&
	       d.pkt.payload_len == 3 && !memcmp(d.pkt.payload, "dns", 3) &&
	       d.pkt.tos == 0xa0 && d.pkt.ttl == 33 && d.pkt.src[15] == 1 &&
	       d.pkt.dst[15] == 2,
	       "IPv6 extension headers (hop-by-hop, destination, atomic fragment)");

	s = dec(pkts[3].link, pkts[3].b, pkts[3].len, &d);
	tap_ok(&T, s == NFIPS_DEC_OK && d.pkt.proto == IPPROTO_ICMPV6 &&
	       d.pkt.icmp_type == 128 && d.pkt.payload_len == 2,
	       "Linux cooked capture: IPv6/ICMPv6");

	s = dec(pkts[4].link, pkts[4].b, pkts[4].len, &d);
	tap_ok(&T, s == NFIPS_DEC_OK && d.nvlan == 1 && d.vlan[0] == 7 &&
	       d.pkt.proto == IPPROTO_UDP && d.pkt.payload_len == 3,
	       "Linux cooked capture v2 with a VLAN tag");

	s = dec(pkts[5].link, pkts[5].b, pkts[5].len, &d);
	tap_ok(&T, s == NFIPS_DEC_OK && d.pkt.payload_len == 2, "raw IP");

	s = dec(pkts[6].link, pkts[6].b, pkts[6].len, &d);
	tap_ok(&T, s == NFIPS_DEC_OK && d.pkt.family == 6 && d.pkt.payload_len == 1,
	       "BSD loopback, little-endian family");

	s = dec(pkts[7].link, pkts[7].b, pkts[7].len, &d);
	tap_ok(&T, s == NFIPS_DEC_FRAGMENT, "IPv4 fragment reported, not decoded");

	s = dec(NFIPS_LINK_ETHERNET, (const uint8_t *)"\1\2\3\4\5\6\1\2\3\4\5\6\x08\x06"
		"arp-payload....", 29, &d);
	tap_ok(&T, s == NFIPS_DEC_NOT_IP, "ARP is well formed, not IP");

	s = dec(12345, pkts[0].b, pkts[0].len, &d);
	tap_ok(&T, s == NFIPS_DEC_MALFORMED && d.why, "unknown link type refused");
}

/* Link layers before IP, and Suricata's layer count (decode.h). */
static void link_layers(void)
{
	const struct pkt *mpls = &pkts[8], *pppoe = &pkts[9], *pbb = &pkts[10];
	const struct pkt *dce = &pkts[11];
	enum nfips_decode_status s;
	struct nfips_decoded d;

	s = dec(mpls->link, mpls->b, mpls->len, &d);
	tap_ok(&T, s == NFIPS_DEC_OK && d.pkt.family == 4 && d.pkt.dport == 53 &&
	       d.pkt.payload_len == 4 && d.layers == 3,
	       "MPLS: a label stack, IPv4 by the first nibble; one layer for the stack");
	s = dec(pppoe->link, pppoe->b, pppoe->len, &d);
	tap_ok(&T, s == NFIPS_DEC_OK && d.pkt.family == 6 && d.pkt.payload_len == 2 &&
	       d.layers == 2, "PPPoE session, one-byte PPP protocol: IPv6; no layer of its own");
	s = dec(pbb->link, pbb->b, pbb->len, &d);
	tap_ok(&T, s == NFIPS_DEC_OK && d.nvlan == 1 && d.vlan[0] == 42 &&
	       d.pkt.proto == IPPROTO_TCP && d.layers == 3,
	       "802.1ah then a VLAN tag: the customer frame's tag, no layer for 802.1ah");
	s = dec(dce->link, dce->b, dce->len, &d);
	tap_ok(&T, s == NFIPS_DEC_OK && d.pkt.proto == IPPROTO_ICMP && d.layers == 3,
	       "Cisco Fabric Path (DCE): a second Ethernet header, a layer");
	s = nfips_decode_at(mpls->link, mpls->b, mpls->len, 12, &d);
	tap_ok(&T, s == NFIPS_DEC_OK && d.layers == 15, "15 layers: decoded");
	s = nfips_decode_at(mpls->link, mpls->b, mpls->len, 13, &d);
	tap_ok(&T, s == NFIPS_DEC_MALFORMED && d.why && !strcmp(d.why, "too many layers") &&
	       !d.l4_bad, "16 layers: Suricata's decoder.max-layers, not decoded");
}

static void prefixes(void)
{
	struct nfips_decoded d;
	int i, bad;
	uint32_t n, full;

	for (i = 0; i < npkts; i++) {
		enum nfips_decode_status want = dec(pkts[i].link, pkts[i].b,
						    pkts[i].len, &d);

		full = pkts[i].len;
		bad = 0;
		for (n = 0; n < full; n++) {
			enum nfips_decode_status s = dec(pkts[i].link, pkts[i].b, n, &d);

			/* Shorter is malformed, except the Ethernet padding. */
			if (s == (enum nfips_decode_status)-1 ||
			    (s != NFIPS_DEC_MALFORMED && !(i == 0 && n >= full - 4 && s == want)) ||
			    (s == NFIPS_DEC_MALFORMED && !d.why))
				bad++;
		}
		tap_ok(&T, !bad, "%s: every prefix is malformed with a reason (%d wrong)",
		       pkts[i].name, bad);
	}
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void fuzz(void)
{
	static const int links[] = { NFIPS_LINK_ETHERNET, NFIPS_LINK_SLL,
		NFIPS_LINK_SLL2, NFIPS_LINK_RAW, NFIPS_LINK_NULL,
		NFIPS_LINK_IPV4, NFIPS_LINK_IPV6 };
	struct nfips_decoded d;
	uint8_t b[256];
	int i, j, bad = 0, ok = 0;
	uint32_t len;

	/* Bit flips and byte changes of the valid packets. */
	for (i = 0; i < 40000; i++) {
		struct pkt *p = &pkts[next_rand() % npkts];

		memcpy(b, p->b, p->len);
		for (j = 0; j < 1 + (int)(next_rand() % 4); j++)
			b[next_rand() % p->len] ^= (uint8_t)(1 + next_rand() % 255);
		len = p->len - next_rand() % 8 % p->len;
		bad += dec(p->link, b, len, &d) == (enum nfips_decode_status)-1;
	}
	tap_ok(&T, !bad, "40000 mutated packets decode inside their bounds");

	/* Random bytes, with a plausible first nibble half the time. */
	for (i = 0; i < 40000; i++) {
		len = next_rand() % 200;
		for (j = 0; j < (int)len; j++)
			b[j] = (uint8_t)next_rand();
		j = links[next_rand() % (sizeof(links) / sizeof(links[0]))];
		if (len >= 40 && i & 1) {
			/* A plausible IP header with a consistent length. */
			j = NFIPS_LINK_RAW;
			b[0] = i & 2 ? 0x45 : 0x60;
			b[i & 2 ? 2 : 4] = 0;
			b[i & 2 ? 3 : 5] = (uint8_t)(i & 2 ? len : len - 40);
			b[i & 2 ? 6 : 7] &= i & 2 ? 0x40 : 0xff;	/* no fragment */
		}
		switch (dec(j, b, len, &d)) {
		case NFIPS_DEC_OK:
			ok++;
			break;
		case NFIPS_DEC_MALFORMED:
			bad += !d.why;
			break;
		case NFIPS_DEC_NOT_IP:
		case NFIPS_DEC_FRAGMENT:
			break;
		default:
			bad++;
		}
	}
	tap_ok(&T, !bad, "40000 random packets decode inside their bounds (%d decoded)",
	       ok);
}

/* TCP Fast Open options, as Suricata's decoder finds them. */
static bool tfo(const uint8_t *opt, uint8_t olen)
{
	struct nfips_decoded d;
	struct pkt p = { .name = "tfo", .link = NFIPS_LINK_RAW };

	ipv4(&p, IPPROTO_TCP, (uint16_t)(20 + olen + 1), 0);
	put16(&p, 40000);
	put16(&p, 80);
	put32(&p, 1000);
	put32(&p, 0);
	put16(&p, (uint16_t)((5 + olen / 4) << 12 | NFIPS_TH_SYN));
	put16(&p, 512);
	put32(&p, 0);
	put(&p, opt, olen);
	put(&p, "x", 1);
	return dec(p.link, p.b, p.len, &d) == NFIPS_DEC_OK && d.pkt.payload_len == 1 &&
	       d.pkt.tcp_tfo;
}

static void fast_open(void)
{
	tap_ok(&T, tfo((uint8_t[]){ 2, 4, 5, 0xb4, 1, 1, 34, 10, 1, 2, 3, 4, 5, 6, 7, 8 }, 16),
	       "TCP Fast Open option (kind 34) after MSS and NOPs");
	tap_ok(&T, tfo((uint8_t[]){ 34, 2, 1, 1 }, 4), "Fast Open cookie request (kind 34, length 2)");
	tap_ok(&T, tfo((uint8_t[]){ 254, 4, 0xf9, 0x89 }, 4),
	       "experimental Fast Open (kind 254, magic 0xF989)");
	tap_ok(&T, !tfo((uint8_t[]){ 254, 4, 0x12, 0x34 }, 4) &&
	       !tfo((uint8_t[]){ 34, 5, 1, 2, 3, 1, 1, 1 }, 8) &&
	       !tfo((uint8_t[]){ 0, 0, 34, 2 }, 4) && !tfo((uint8_t[]){ 1, 34, 9, 1 }, 4),
	       "no Fast Open: other magic, odd length, after the end, truncated");
}

int main(void)
{
	build();
	fields();
	link_layers();
	fast_open();
	prefixes();
	fuzz();
	return tap_done(&T);
}
