// SPDX-License-Identifier: GPL-2.0
/*
 * Daemon selectors (ctl/lib/kernel/wire_sel.c): the headers of the
 * daemon's rules as the kernel receives them. A DNS rule selects only
 * what DNS detection can make DNS: UDP and TCP flows to port 53 (or its
 * own ports when it has some).
 */
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>

#include "kernel/nl.h"
#include "uapi/nfips.h"
#include "rule_util.h"

struct sel {
	uint8_t proto;
	uint32_t flags;
	uint16_t sport, dport;	/* the first range's low end, 0 none */
};

static void decode(const struct nfips_sel *s, struct sel *out)
{
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	while (off + NLA_HDRLEN <= s->len) {
		const struct nlattr *a = (const void *)(s->data + off);
		const uint8_t *v = s->data + off + NLA_HDRLEN;
		struct nfips_prange pr;

		if (a->nla_type == NFIPS_RULE_A_PROTO)
			out->proto = v[0];
		else if (a->nla_type == NFIPS_RULE_A_FLAGS)
			memcpy(&out->flags, v, 4);
		else if (a->nla_type == NFIPS_RULE_A_SPORTS || a->nla_type == NFIPS_RULE_A_DPORTS) {
			memcpy(&pr, v, sizeof(pr));
			*(a->nla_type == NFIPS_RULE_A_SPORTS ? &out->sport : &out->dport) = pr.lo;
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

/* The selectors of one rule, decoded; their number. */
static size_t sels_of(const char *text, struct sel *out, size_t max)
{
	struct nfips_rule *r = parse(text);
	struct nfips_sels s;
	size_t i, n = 0;

	if (!r)
		return 0;
	nfips_rule_classify(r);
	if (!nfips_wire_selectors(&r, 1, &s)) {
		for (i = 0; i < s.n && i < max; i++)
			decode(&s.v[i], &out[n++]);
		nfips_sels_free(&s);
	}
	nfips_rule_free(r);
	return n;
}

/* Either orientation is the same selector: the port 53 is on one side. */
static bool port53(const struct sel *s)
{
	return ((s->flags & NFIPS_RULE_F_DPORT) && s->dport == 53 &&
		!(s->flags & NFIPS_RULE_F_SPORT)) ||
	       ((s->flags & NFIPS_RULE_F_SPORT) && s->sport == 53 &&
		!(s->flags & NFIPS_RULE_F_DPORT));
}

int main(void)
{
	struct sel s[4];
	size_t n;

	setup();
	n = sels_of("alert dns any any -> any any (dns.query; content:\"evil\"; sid:1;)", s, 4);
	tap_ok(&T, n == 2 && s[0].proto == NFIPS_RPROTO_TCP && s[1].proto == NFIPS_RPROTO_UDP &&
	       port53(&s[0]) && port53(&s[1]),
	       "alert dns: TCP and UDP flows to port 53 (%zu selectors)", n);
	n = sels_of("alert dns any any -> any any (content:\"evil\"; sid:1;)", s, 4);
	tap_ok(&T, n == 2 && port53(&s[0]) && port53(&s[1]),
	       "alert dns with a payload content: the same");
	n = sels_of("alert udp $HOME_NET any -> any any (dns_query; content:\"x\"; sid:1;)", s, 4);
	tap_ok(&T, n == 1 && s[0].proto == NFIPS_RPROTO_UDP && port53(&s[0]),
	       "alert udp with dns_query: UDP to port 53");
	n = sels_of("alert dns any 5353 -> any any (dns.opcode:4; sid:1;)", s, 4);
	tap_ok(&T, n == 2 && (s[0].flags & NFIPS_RULE_F_SPORT) && s[0].sport == 5353 &&
	       !(s[0].flags & NFIPS_RULE_F_DPORT),
	       "a DNS rule's own ports stay as they are");
	n = sels_of("alert udp any any -> any any (content:\"a\"; pcre:\"/a/\"; sid:1;)", s, 4);
	tap_ok(&T, n == 1 && s[0].proto == NFIPS_RPROTO_UDP &&
	       !(s[0].flags & (NFIPS_RULE_F_SPORT | NFIPS_RULE_F_DPORT)),
	       "other rules: their header, unchanged");
	n = sels_of("alert http any any -> any any (http.uri; content:\"/a\"; sid:1;)", s, 4);
	tap_ok(&T, n == 1 && s[0].proto == NFIPS_RPROTO_TCP && !s[0].flags,
	       "alert http: every TCP flow");
	teardown();
	return tap_done(&T);
}
