// SPDX-License-Identifier: GPL-2.0
/*
 * Community ID v1 (github.com/corelight/community-id-spec): the flow
 * hash Zeek, Suricata, Elastic and Security Onion share, so that an
 * analyst can pivot from an nfips alert to the same connection in the
 * other tools. SHA-1 (libcrypto) over seed, ordered endpoints,
 * protocol, padding and ports, base64, "1:" in front.
 */
#include <netinet/in.h>
#include <openssl/evp.h>
#include <string.h>

#include "eve.h"

/*
 * ICMP messages that have a reply: the message type stands for the
 * source port, its counterpart for the destination port, and the pair
 * is ordered as ports are. Any other message is one way: type and code
 * as the ports, never reordered. Tables of the specification (Zeek's
 * ICMP4_counterpart / ICMP6_counterpart).
 */
static int icmp_counterpart(uint8_t proto, uint8_t type)
{
	if (proto == IPPROTO_ICMP) {
		switch (type) {
		case 8: return 0;	/* echo */
		case 0: return 8;
		case 13: return 14;	/* timestamp */
		case 14: return 13;
		case 15: return 16;	/* information */
		case 16: return 15;
		case 10: return 9;	/* router solicitation (one way back) */
		case 17: return 18;	/* address mask */
		case 18: return 17;
		}
		return -1;
	}
	switch (type) {
	case 128: return 129;	/* echo */
	case 129: return 128;
	case 133: return 134;	/* router solicitation, advertisement */
	case 134: return 133;
	case 135: return 136;	/* neighbor solicitation, advertisement */
	case 136: return 135;
	case 130: return 131;	/* MLD listener query, report */
	case 131: return 130;
	case 139: return 140;	/* node information query, reply */
	case 140: return 139;
	case 144: return 145;	/* home agent address discovery */
	case 145: return 144;
	}
	return -1;
}

static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP || proto == IPPROTO_ICMP ||
	       proto == IPPROTO_ICMPV6;
}

int nfips_community_id(char out[NFIPS_COMMUNITY_ID_LEN], uint16_t seed,
		       uint8_t family, const uint8_t *src, const uint8_t *dst,
		       uint8_t proto, uint16_t sport, uint16_t dport,
		       uint8_t icmp_type, uint8_t icmp_code)
{
	const size_t alen = family == 6 ? 16 : 4;
	uint8_t buf[2 + 16 + 16 + 2 + 4], md[EVP_MAX_MD_SIZE];
	const uint8_t *a = src, *b = dst;
	uint16_t pa = sport, pb = dport;
	unsigned int mdlen = 0;
	bool one_way = false;
	size_t n = 0;
	int cmp;

	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) {
		int peer = icmp_counterpart(proto, icmp_type);

		pa = icmp_type;
		pb = peer < 0 ? icmp_code : (uint16_t)peer;
		one_way = peer < 0;
	}
	cmp = memcmp(src, dst, alen);
	if (!one_way && !(cmp < 0 || (cmp == 0 && pa < pb))) {
		uint16_t t = pa;

		a = dst;
		b = src;
		pa = pb;
		pb = t;
	}
	buf[n++] = (uint8_t)(seed >> 8);
	buf[n++] = (uint8_t)seed;
	memcpy(buf + n, a, alen);
	n += alen;
	memcpy(buf + n, b, alen);
	n += alen;
	buf[n++] = proto;
	buf[n++] = 0;
	if (has_ports(proto)) {
		buf[n++] = (uint8_t)(pa >> 8);
		buf[n++] = (uint8_t)pa;
		buf[n++] = (uint8_t)(pb >> 8);
		buf[n++] = (uint8_t)pb;
	}
	if (!EVP_Digest(buf, n, md, &mdlen, EVP_sha1(), NULL) || mdlen != 20)
		return -1;
	memcpy(out, "1:", 2);
	EVP_EncodeBlock((unsigned char *)out + 2, md, (int)mdlen);
	return 0;
}
