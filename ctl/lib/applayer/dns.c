// SPDX-License-Identifier: GPL-2.0
/*
 * The DNS message parser and detection probes of dns.h, written to accept
 * and refuse exactly what Suricata 7.0's nom parser (parser.rs) does: a
 * "streaming" field cut short is Incomplete, a bad label type, a pointer
 * past the message or a loop without a way out is an Error; every read is
 * bounded by the slice it belongs to.
 */
#include <string.h>

#include "dns.h"

#define NO_PIVOT	UINT32_MAX

/* Record types whose data parser.rs reads (dns_parse_rdata). */
enum {
	T_A = 1, T_NS = 2, T_CNAME = 5, T_SOA = 6, T_PTR = 12, T_MX = 15,
	T_TXT = 16, T_AAAA = 28, T_SRV = 33, T_SSHFP = 44, T_NULL = 10,
};

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * parser.rs dns_parse_name. The slice being read is [pos, end); a
 * pointer continues in the whole message. Its self-reference test
 * compares the pointed-to suffix of the message with the current slice
 * by content, as Rust's slice equality does.
 */
int dns_name(const uint8_t *m, uint32_t mlen, uint32_t pos, uint32_t end,
	     uint8_t *out, uint32_t *olen, uint32_t *next)
{
	return dns_name_trunc(m, mlen, pos, end, out, olen, next, NULL);
}

int dns_name_trunc(const uint8_t *m, uint32_t mlen, uint32_t pos, uint32_t end,
		   uint8_t *out, uint32_t *olen, uint32_t *next, bool *truncated)
{
	uint32_t pivot = NO_PIVOT, count = 0, len = 0, off;
	bool trunc = false;
	uint8_t l;

	for (;;) {
		if (pos >= end)
			break;
		l = m[pos];
		if (l == 0) {
			pos++;
			break;
		}
		if ((l & 0xc0) == 0) {
			if (end - pos < 1u + l)
				return DNS_INCOMPLETE;
			if (!trunc) {
				if (len && out)
					out[len] = '.';
				len += len ? 1 : 0;
				if (out)
					memcpy(out + len, m + pos + 1, l);
				len += l;
			}
			pos += 1u + l;
		} else if ((l & 0xc0) == 0xc0) {
			if (end - pos < 2)
				return DNS_INCOMPLETE;
			off = be16(m + pos) & 0x3fff;
			if (off > mlen)
				return DNS_ERROR;
			if (mlen - off == end - pos &&
			    (off == pos || !memcmp(m + off, m + pos, end - pos))) {
				/* a pointer to itself */
				if (pivot != NO_PIVOT)
					break;
				return DNS_ERROR;
			}
			if (pivot == NO_PIVOT)
				pivot = pos + 2;
			pos = off;
			end = mlen;
		} else {
			return DNS_ERROR;
		}
		if (++count > 255) {
			if (pivot != NO_PIVOT) {
				trunc = true;
				break;	/* truncated */
			}
			return DNS_ERROR;
		}
		if (len > DNS_MAX_NAME) {
			len = DNS_MAX_NAME;
			trunc = true;
			if (pivot != NO_PIVOT)
				break;
		}
	}
	if (olen)
		*olen = len;
	if (truncated)
		*truncated = trunc;
	*next = pivot != NO_PIVOT ? pivot : pos;
	return 0;
}

/* One record's data as many_m_n(1, n, complete(dns_parse_rdata)). */
static int rdata(const uint8_t *m, uint32_t mlen, uint16_t type, uint32_t pos,
		 uint32_t end)
{
	uint32_t next;

	if (pos == end)
		return DNS_ERROR;	/* many_m_n(1, ..) needs one entry */
	switch (type) {
	case T_CNAME:
	case T_PTR:
	case T_NS:
		return dns_name(m, mlen, pos, end, NULL, NULL, &next) ? DNS_ERROR : 0;
	case T_MX:
		if (end - pos < 2)
			return DNS_ERROR;
		return dns_name(m, mlen, pos + 2, end, NULL, NULL, &next) ? DNS_ERROR : 0;
	case T_SRV:
		if (end - pos < 6)
			return DNS_ERROR;
		return dns_name(m, mlen, pos + 6, end, NULL, NULL, &next) ? DNS_ERROR : 0;
	case T_SOA:
		if (dns_name(m, mlen, pos, end, NULL, NULL, &next) ||
		    dns_name(m, mlen, next, end, NULL, NULL, &next) || end - next < 20)
			return DNS_ERROR;
		return 0;
	case T_TXT:
		/* the first string must be whole; parsing stops at the rest */
		return 1u + m[pos] <= end - pos ? 0 : DNS_ERROR;
	case T_SSHFP:
		return end - pos >= 2 ? 0 : DNS_ERROR;
	default:
		return 0;	/* A, AAAA, NULL and the rest: the bytes as they are */
	}
}

/* parser.rs dns_parse_answer: @n records from *pos. */
static int answers(const uint8_t *m, uint32_t mlen, uint32_t n, uint32_t *pos)
{
	uint32_t i, rdlen;
	uint16_t type;
	int r;

	for (i = 0; i < n; i++) {
		r = dns_name(m, mlen, *pos, mlen, NULL, NULL, pos);
		if (r)
			return r;
		if (mlen - *pos < 10)
			return DNS_INCOMPLETE;
		type = be16(m + *pos);
		rdlen = be16(m + *pos + 8);
		*pos += 10;
		if (mlen - *pos < rdlen)
			return DNS_INCOMPLETE;
		if (rdata(m, mlen, type, *pos, *pos + rdlen))
			return DNS_ERROR;
		*pos += rdlen;
	}
	return 0;
}

int dns_parse(const uint8_t *m, uint32_t mlen, bool response, struct dns_hdr *h,
	      uint32_t *qoff)
{
	uint32_t pos = DNS_HDR_LEN, i;
	int r;

	if (mlen < DNS_HDR_LEN)
		return DNS_INCOMPLETE;
	h->id = be16(m);
	h->flags = be16(m + 2);
	h->qd = be16(m + 4);
	h->an = be16(m + 6);
	h->ns = be16(m + 8);
	h->ar = be16(m + 10);
	for (i = 0; i < h->qd; i++) {
		if (qoff)
			qoff[i] = pos;
		r = dns_name(m, mlen, pos, mlen, NULL, NULL, &pos);
		if (r)
			return r;
		if (mlen - pos < 4)
			return DNS_INCOMPLETE;
		pos += 4;
	}
	if (!response)
		return 0;
	r = answers(m, mlen, h->an, &pos);
	return r ? r : answers(m, mlen, h->ns, &pos);
}

/* dns.rs probe_header_validity against @rlen, the message's length. */
static int header_valid(const struct dns_hdr *h, uint32_t rlen, bool *request)
{
	/* 7.0 has no opcode test here (8.0 refuses opcodes of 7 and more) */
	if (2ull * ((uint64_t)h->qd + h->an + h->ns + h->ar) + DNS_HDR_LEN > rlen)
		return 0;
	*request = !(h->flags & 0x8000);
	return 1;
}

/* dns.rs probe(input, dlen): 1 DNS, 0 not, -1 incomplete. */
static int probe(const uint8_t *d, uint32_t n, uint32_t dlen, bool *request)
{
	struct dns_hdr h;
	int r;

	if (n > dlen)
		n = dlen;
	if (n < dlen) {
		/* not all of it yet: the header alone */
		if (n < DNS_HDR_LEN)
			return 0;
		dns_parse(d, DNS_HDR_LEN, false, &h, NULL);
		return header_valid(&h, dlen, request);
	}
	r = dns_parse(d, n, false, &h, NULL);
	if (r == 0)
		return header_valid(&h, dlen, request);
	if (r == DNS_INCOMPLETE) {
		if (n < DNS_HDR_LEN)
			return -1;
		return header_valid(&h, dlen, request);
	}
	return 0;
}

int dns_probe_udp(const uint8_t *d, uint32_t n, bool *request)
{
	if (n < DNS_HDR_LEN)
		return -1;	/* ALPROTO_UNKNOWN */
	return probe(d, n, n, request) == 1;
}

int dns_probe_tcp(const uint8_t *d, uint32_t n, bool *request)
{
	if (n < DNS_HDR_LEN + 2)
		return -1;
	return probe(d + 2, n - 2, be16(d), request) == 1;
}
