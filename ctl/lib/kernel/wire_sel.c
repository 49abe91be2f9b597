// SPDX-License-Identifier: GPL-2.0
/*
 * Daemon selectors: the distinct headers of the rules the daemon
 * evaluates, for the policy transaction (NFIPS_A_SELECTORS). A flow whose
 * first packet a selector matches, in either orientation, is queued to
 * the daemon from that packet on (Documentation/design.rst).
 *
 * A selector is a header only (protocol, address and port lists, after
 * variables), encoded as the NFIPS_RULE_A_* attributes the kernel reads.
 * Both orientations of a flow are tested, so a header and its mirror
 * image, and -> and <>, select the same flows: each selector is stored in
 * the orientation whose encoding sorts first, and equal encodings are
 * sent once. A header that restricts nothing makes the others of its
 * protocol (or, for ip, all others) redundant. ET Open's ~3,500 daemon
 * rules come down to a few hundred selectors.
 *
 * A selector may only be wider than its rules, never narrower: a list
 * longer than the kernel takes restricts nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "nl.h"

struct buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
};

static void put(struct buf *b, uint16_t type, const void *data, size_t len)
{
	size_t need = NLA_ALIGN(NLA_HDRLEN + len);
	struct nlattr *a;

	if (b->oom)
		return;
	if (b->len + need > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		uint8_t *p;

		while (cap < b->len + need)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	a = (struct nlattr *)(b->p + b->len);
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
	memset((uint8_t *)a + NLA_HDRLEN + len, 0, need - NLA_HDRLEN - len);
	b->len += need;
}

static void be_bytes(unsigned __int128 v, uint8_t *out, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

static bool addrs_any(const struct nfips_addrset *s)
{
	return s->any || s->n4 > NFIPS_RANGES_MAX || s->n6 > NFIPS_RANGES_MAX;
}

static bool ports_any(const struct nfips_portset *s, bool ports)
{
	return !ports || s->any || s->n > NFIPS_RANGES_MAX;
}

static void put_addrs(struct buf *b, const struct nfips_addrset *s, int a4, int a6)
{
	struct nfips_range6 r6[NFIPS_RANGES_MAX];
	struct nfips_range4 r4[NFIPS_RANGES_MAX];
	uint32_t i;

	for (i = 0; i < s->n4; i++) {
		be_bytes(s->v4[i].lo, r4[i].lo, 4);
		be_bytes(s->v4[i].hi, r4[i].hi, 4);
	}
	if (s->n4)
		put(b, a4, r4, s->n4 * sizeof(r4[0]));
	for (i = 0; i < s->n6; i++) {
		be_bytes(s->v6[i].lo, r6[i].lo, 16);
		be_bytes(s->v6[i].hi, r6[i].hi, 16);
	}
	if (s->n6)
		put(b, a6, r6, s->n6 * sizeof(r6[0]));
}

static void put_ports(struct buf *b, const struct nfips_portset *s, int attr)
{
	struct nfips_prange r[NFIPS_RANGES_MAX];
	uint32_t i;

	for (i = 0; i < s->n; i++) {
		r[i].lo = (unsigned short)s->v[i].lo;
		r[i].hi = (unsigned short)s->v[i].hi;
	}
	/* No list with the flag: matches nothing, as in the rule. */
	if (s->n)
		put(b, attr, r, s->n * sizeof(r[0]));
}

/* One orientation of @r's header: @swap puts the destination first. */
static void encode(struct buf *b, const struct nfips_rule *r, uint8_t proto,
		   bool swap)
{
	const struct nfips_addrset *src = swap ? &r->dst : &r->src;
	const struct nfips_addrset *dst = swap ? &r->src : &r->dst;
	const struct nfips_portset *sp = swap ? &r->dport : &r->sport;
	const struct nfips_portset *dp = swap ? &r->sport : &r->dport;
	bool ports = proto == NFIPS_RPROTO_TCP || proto == NFIPS_RPROTO_UDP;
	uint32_t flags = 0;

	b->len = 0;
	if (!addrs_any(src))
		flags |= NFIPS_RULE_F_SRC;
	if (!addrs_any(dst))
		flags |= NFIPS_RULE_F_DST;
	if (!ports_any(sp, ports))
		flags |= NFIPS_RULE_F_SPORT;
	if (!ports_any(dp, ports))
		flags |= NFIPS_RULE_F_DPORT;
	put(b, NFIPS_RULE_A_PROTO, &proto, 1);
	put(b, NFIPS_RULE_A_FLAGS, &flags, 4);
	if (flags & NFIPS_RULE_F_SRC)
		put_addrs(b, src, NFIPS_RULE_A_SRC4, NFIPS_RULE_A_SRC6);
	if (flags & NFIPS_RULE_F_DST)
		put_addrs(b, dst, NFIPS_RULE_A_DST4, NFIPS_RULE_A_DST6);
	if (flags & NFIPS_RULE_F_SPORT)
		put_ports(b, sp, NFIPS_RULE_A_SPORTS);
	if (flags & NFIPS_RULE_F_DPORT)
		put_ports(b, dp, NFIPS_RULE_A_DPORTS);
}

static uint8_t sel_proto(enum nfips_proto p)
{
	switch (p) {
	case NFIPS_PROTO_TCP:
	case NFIPS_PROTO_TCP_PKT:
	case NFIPS_PROTO_TCP_STREAM:
		return NFIPS_RPROTO_TCP;
	case NFIPS_PROTO_UDP:
		return NFIPS_RPROTO_UDP;
	case NFIPS_PROTO_ICMP:
		return NFIPS_RPROTO_ICMP;
	case NFIPS_PROTO_IP:
	case NFIPS_PROTO_OTHER:
		break;
	}
	/* Whatever the daemon makes of it, it may be in any flow. */
	return NFIPS_RPROTO_IP;
}

static int cmp_blob(const struct nfips_sel *a, const struct nfips_sel *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->data, b->data, n);

	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int cmp_sel(const void *a, const void *b)
{
	return cmp_blob(a, b);
}

void nfips_sels_free(struct nfips_sels *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].data);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Restricts nothing: only the protocol and a zero flags word. */
static bool sel_all(const struct nfips_sel *s)
{
	const struct nlattr *f = (const void *)(s->data + NLA_ALIGN(NLA_HDRLEN + 1));

	return s->len == NLA_ALIGN(NLA_HDRLEN + 1) + NLA_ALIGN(NLA_HDRLEN + 4) &&
	       !*(const uint32_t *)((const uint8_t *)f + NLA_HDRLEN);
}

static uint8_t sel_rproto(const struct nfips_sel *s)
{
	return s->data[NLA_HDRLEN];
}

/*
 * A DNS rule (alert dns, or a DNS keyword) can only act on flows detected
 * as DNS: UDP or TCP flows whose first packet went to port 53 (the
 * application layer's detection, applayer.h). Its selectors are one per
 * transport, to port 53 when the rule's ports say nothing narrower.
 */
static uint32_t sel_variants(const struct nfips_rule *r, struct nfips_rule *v,
			     uint8_t *protos)
{
	static struct nfips_range dns_port = { 53, 53 };

	*v = *r;
	if (r->alproto != NFIPS_ALPROTO_DNS) {
		protos[0] = sel_proto(r->proto);
		return 1;
	}
	if (r->sport.any && r->dport.any) {
		v->dport.any = false;
		v->dport.v = &dns_port;
		v->dport.n = 1;
	}
	if (r->proto != NFIPS_PROTO_IP) {
		protos[0] = sel_proto(r->proto);
		return 1;
	}
	protos[0] = NFIPS_RPROTO_TCP;
	protos[1] = NFIPS_RPROTO_UDP;
	return 2;
}

/* One selector of @r for @proto, in the orientation that sorts first. */
static int add_sel(struct nfips_sels *out, struct buf *a, struct buf *b,
		   const struct nfips_rule *r, uint8_t proto)
{
	struct buf *pick;

	encode(a, r, proto, false);
	encode(b, r, proto, true);
	if (a->oom || b->oom)
		return -ENOMEM;
	pick = cmp_blob(&(struct nfips_sel){ a->p, a->len },
			&(struct nfips_sel){ b->p, b->len }) <= 0 ? a : b;
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 64;
		struct nfips_sel *v = realloc(out->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		out->v = v;
		out->cap = cap;
	}
	out->v[out->n].data = malloc(pick->len);
	if (!out->v[out->n].data)
		return -ENOMEM;
	memcpy(out->v[out->n].data, pick->p, pick->len);
	out->v[out->n++].len = pick->len;
	return 0;
}

int nfips_wire_selectors(struct nfips_rule *const *rules, size_t n,
			 struct nfips_sels *out)
{
	struct buf a = { 0 }, b = { 0 };
	bool all[NFIPS_RPROTO_MAX + 1] = { false };
	struct nfips_rule rv;
	uint8_t protos[2];
	uint32_t np, j;
	size_t i, k;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		if (rules[i]->cls != NFIPS_CLASS_SLOW)
			continue;
		np = sel_variants(rules[i], &rv, protos);
		for (j = 0; j < np; j++)
			if (add_sel(out, &a, &b, &rv, protos[j]))
				goto oom;
	}
	free(a.p);
	free(b.p);
	out->rules = out->n;
	if (!out->n)
		return 0;
	qsort(out->v, out->n, sizeof(out->v[0]), cmp_sel);
	for (i = 0; i < out->n; i++)
		if (sel_all(&out->v[i]))
			all[sel_rproto(&out->v[i])] = true;
	for (i = k = 0; i < out->n; i++) {
		struct nfips_sel *s = &out->v[i];
		uint8_t p = sel_rproto(s);
		bool keep = !(k && !cmp_blob(&out->v[k - 1], s));

		if ((all[NFIPS_RPROTO_IP] && p != NFIPS_RPROTO_IP) ||
		    (all[p] && !sel_all(s)))
			keep = false;
		if (keep)
			out->v[k++] = *s;
		else
			free(s->data);
	}
	out->n = k;
	return 0;

oom:
	free(a.p);
	free(b.p);
	nfips_sels_free(out);
	return -ENOMEM;
}

int nfips_wire_put_sel(struct nl_msg *msg, const struct nfips_sel *s)
{
	void *p = nlmsg_reserve(msg, s->len, NLMSG_ALIGNTO);

	if (!p)
		return -2;
	memcpy(p, s->data, s->len);
	return 0;
}
