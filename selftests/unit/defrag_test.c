// SPDX-License-Identifier: GPL-2.0
/*
 * IP fragment reassembly (ctl/lib/defrag.c): order, first-wins overlaps,
 * invalid fragments, timeout, IPv6 fragment header removal. Built with
 * the sanitizers.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "tap.h"

static struct tap T;
static uint8_t pktbuf[16][128];
static int npkt;

/* An IPv4 fragment of a UDP datagram (data counted from the UDP header). */
static const uint8_t *frag4(uint16_t id, uint32_t off, bool more, const char *data,
			    uint32_t *len)
{
	uint8_t *p = pktbuf[npkt++ % 16];
	/* The UDP header starts with a NUL byte: it is 8 bytes long. */
	uint32_t n = data[0] ? (uint32_t)strlen(data) : 8;
	uint16_t fo = (uint16_t)(off / 8 | (more ? 0x2000 : 0));

	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = (uint8_t)((20 + n) >> 8);
	p[3] = (uint8_t)(20 + n);
	p[4] = (uint8_t)(id >> 8);
	p[5] = (uint8_t)id;
	p[6] = (uint8_t)(fo >> 8);
	p[7] = (uint8_t)fo;
	p[8] = 64;
	p[9] = IPPROTO_UDP;
	p[12] = 10;
	p[15] = 1;
	p[16] = 10;
	p[19] = 2;
	memcpy(p + 20, data, n);
	*len = 20 + n;
	return p;
}

/* Feeds one fragment; on completion decodes the datagram into @out. */
static enum nfips_defrag_result feed(struct nfips_defrag *df, const uint8_t *p,
				     uint32_t len, uint64_t now,
				     struct nfips_decoded *out)
{
	struct nfips_decoded d;
	const uint8_t *dg;
	uint32_t dglen;
	enum nfips_defrag_result r;
	static uint8_t *keep;

	if (nfips_decode_ip(p, len, &d) != NFIPS_DEC_FRAGMENT)
		return (enum nfips_defrag_result)-1;
	r = nfips_defrag_add(df, &d, now, &dg, &dglen);
	if (r == NFIPS_DEFRAG_DONE) {
		free(keep);
		keep = malloc(dglen);	/* exactly sized for the sanitizer */
		memcpy(keep, dg, dglen);
		if (nfips_decode_ip(keep, dglen, out) != NFIPS_DEC_OK)
			return (enum nfips_defrag_result)-2;
	}
	return r;
}

/* UDP header (8 bytes: ports 1 -> 53, length 8 + 16) and 16 data bytes. */
#define UDPH "\x00\x01\x00\x35\x00\x18\x00\x00"

int main(void)
{
	struct nfips_defrag *df = nfips_defrag_new(NULL);
	struct nfips_defrag_stats st;
	struct nfips_decoded d;
	const uint8_t *p;
	uint32_t n;
	int r1, r2, r3;

	/* In order: header + 8, 8, last 8. */
	p = frag4(1, 0, true, UDPH, &n);
	r1 = feed(df, p, n, 0, &d);
	p = frag4(1, 8, true, "ABCDEFGH", &n);
	r2 = feed(df, p, n, 0, &d);
	p = frag4(1, 16, false, "IJKLMNOP", &n);
	r3 = feed(df, p, n, 0, &d);
	tap_ok(&T, r1 == NFIPS_DEFRAG_WAIT && r2 == NFIPS_DEFRAG_WAIT &&
	       r3 == NFIPS_DEFRAG_DONE && d.pkt.proto == IPPROTO_UDP &&
	       d.pkt.dport == 53 && d.pkt.payload_len == 16 &&
	       !memcmp(d.pkt.payload, "ABCDEFGHIJKLMNOP", 16) && !d.pkt.ip_flags,
	       "IPv4: three fragments make one UDP datagram");

	/* Reverse order, and an overlap with different bytes: first wins. */
	p = frag4(2, 16, false, "IJKLMNOP", &n);
	r1 = feed(df, p, n, 0, &d);
	p = frag4(2, 8, true, "ABCDEFGH", &n);
	r2 = feed(df, p, n, 0, &d);
	p = frag4(2, 8, true, "XXXXXXXXYYYYYYYY", &n);	/* overlaps both */
	feed(df, p, n, 0, &d);
	p = frag4(2, 0, true, UDPH, &n);
	r3 = feed(df, p, n, 0, &d);
	nfips_defrag_get_stats(df, &st);
	tap_ok(&T, r1 == NFIPS_DEFRAG_WAIT && r3 == NFIPS_DEFRAG_DONE &&
	       !memcmp(d.pkt.payload, "ABCDEFGHIJKLMNOP", 16) && st.overlaps == 1,
	       "out of order with an overlap: first bytes win");

	p = frag4(3, 0, true, "1234567", &n);		/* not a multiple of 8 */
	r1 = feed(df, p, n, 0, &d);
	p = frag4(3, 65528, true, "12345678", &n);	/* beyond 65535 */
	r2 = feed(df, p, n, 0, &d);
	p = frag4(3, 8, false, "12345678", &n);
	feed(df, p, n, 0, &d);
	p = frag4(3, 16, true, "12345678", &n);		/* after the last */
	r3 = feed(df, p, n, 0, &d);
	tap_ok(&T, r1 == NFIPS_DEFRAG_INVALID && r2 == NFIPS_DEFRAG_INVALID &&
	       r3 == NFIPS_DEFRAG_INVALID, "invalid fragments refused");

	/* Timeout: the first fragment is forgotten after 60 s. */
	p = frag4(4, 0, true, UDPH, &n);
	feed(df, p, n, 0, &d);
	p = frag4(4, 8, false, "ABCDEFGHIJKLMNOP", &n);
	r1 = feed(df, p, n, 61000000ull + 1, &d);
	nfips_defrag_get_stats(df, &st);
	tap_ok(&T, r1 == NFIPS_DEFRAG_WAIT && st.timeouts >= 1,
	       "incomplete datagram dropped after the timeout");

	/* IPv6: hop-by-hop, then the fragment header, which goes away. */
	{
		uint8_t a[48 + 8 + 8 + 16], b[48 + 8 + 8];

		memset(a, 0, sizeof(a));
		a[0] = 0x60;
		a[5] = 8 + 8 + 8 + 16;
		a[6] = IPPROTO_HOPOPTS;
		a[7] = 64;
		a[8] = 0x20;
		a[39] = 2;
		a[40] = IPPROTO_FRAGMENT;	/* hop-by-hop: next is fragment */
		a[48] = IPPROTO_UDP;		/* fragment header */
		a[51] = 1;			/* offset 0, M */
		a[55] = 9;			/* id */
		memcpy(a + 56, UDPH, 8);
		memcpy(a + 64, "ABCDEFGHIJKLMNOP", 16);
		memcpy(b, a, 56);
		b[5] = 8 + 8 + 8;
		b[50] = 0;
		b[51] = 24;			/* offset 24 bytes, last */
		memcpy(b + 56, "QRSTUVWX", 8);
		a[69] = 'a';
		a[56 + 5] = 32;			/* UDP length: 8 + 24 */
		r1 = feed(df, b, sizeof(b), 100, &d);
		r2 = feed(df, a, sizeof(a), 100, &d);
		tap_ok(&T, r1 == NFIPS_DEFRAG_WAIT && r2 == NFIPS_DEFRAG_DONE &&
		       d.pkt.family == 6 && d.pkt.proto == IPPROTO_UDP &&
		       d.pkt.payload_len == 24 &&
		       !memcmp(d.pkt.payload, "ABCDEaGHIJKLMNOPQRSTUVWX", 24),
		       "IPv6: fragment header removed, extension headers kept");
	}
	nfips_defrag_free(df);
	return tap_done(&T);
}
