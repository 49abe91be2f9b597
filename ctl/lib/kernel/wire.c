// SPDX-License-Identifier: GPL-2.0
/*
 * Parser rule -> policy wire format (NFIPS_RULE_A_*, version
 * NFIPS_POLICY_VERSION). A kernel-decided rule carries its fast pattern,
 * header conditions and packet content modifiers. A daemon rule is not a
 * kernel rule: its header becomes a daemon selector (wire_sel.c), and the
 * daemon sees every flow it can concern from the flow's first packet.
 */
#include <errno.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "anchor.h"
#include "nl.h"

bool nfips_wire_approved(const struct nfips_rule *r)
{
	return (r->action == NFIPS_ACTION_DROP || r->action == NFIPS_ACTION_REJECT) &&
	       (r->flags & NFIPS_R_APPROVED);
}

int nfips_wire_action(const struct nfips_rule *r, uint8_t *action,
		      const char **why)
{
	*why = NULL;
	switch (r->cls) {
	case NFIPS_CLASS_SKIPPED:
		return 1;
	case NFIPS_CLASS_SLOW:
		return 1;
	case NFIPS_CLASS_KERNEL:
		break;
	}
	switch (r->action) {
	case NFIPS_ACTION_ALERT:
		*action = NFIPS_ACT_ALERT;
		return 0;
	case NFIPS_ACTION_DROP:
		*action = NFIPS_ACT_DROP;
		return 0;
	case NFIPS_ACTION_REJECT:
		*action = NFIPS_ACT_REJECT;
		return 0;
	case NFIPS_ACTION_PASS:
		break;
	}
	*why = "action cannot be decided in the kernel";
	return -1;
}

static int wire_proto(enum nfips_proto p, uint8_t *out)
{
	switch (p) {
	case NFIPS_PROTO_IP:
		*out = NFIPS_RPROTO_IP;
		return 0;
	case NFIPS_PROTO_TCP:
	case NFIPS_PROTO_TCP_PKT:
	case NFIPS_PROTO_TCP_STREAM:
		*out = NFIPS_RPROTO_TCP;
		return 0;
	case NFIPS_PROTO_UDP:
		*out = NFIPS_RPROTO_UDP;
		return 0;
	case NFIPS_PROTO_ICMP:
		*out = NFIPS_RPROTO_ICMP;
		return 0;
	case NFIPS_PROTO_OTHER:
		break;
	}
	return -1;
}

static void be_bytes(unsigned __int128 v, uint8_t *out, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

#define NLA_PUT_OR(msg, ret)	do { if (ret) return -2; } while (0)

/*
 * Address set: no condition for "any"; otherwise the flag and one list
 * per family that has ranges (a family without a list matches nothing).
 * A kernel rule with more ranges than the kernel takes cannot load; a
 * slow rule just loses this prefilter (the daemon checks it exactly).
 */
static int put_addrs(struct nl_msg *msg, const struct nfips_addrset *s,
		     int a4, int a6, uint32_t flag, uint32_t *flags, bool kernel,
		     const char **why)
{
	uint8_t buf[NFIPS_RANGES_MAX * sizeof(struct nfips_range6)];
	uint32_t i;

	if (s->any)
		return 0;
	if (s->n4 > NFIPS_RANGES_MAX || s->n6 > NFIPS_RANGES_MAX) {
		if (!kernel)
			return 0;
		*why = "address list longer than the kernel's limit";
		return -1;
	}
	*flags |= flag;
	if (s->n4) {
		struct nfips_range4 *r = (struct nfips_range4 *)buf;

		for (i = 0; i < s->n4; i++) {
			be_bytes(s->v4[i].lo, r[i].lo, 4);
			be_bytes(s->v4[i].hi, r[i].hi, 4);
		}
		NLA_PUT_OR(msg, nla_put(msg, a4, s->n4 * sizeof(*r), r));
	}
	if (s->n6) {
		struct nfips_range6 *r = (struct nfips_range6 *)buf;

		for (i = 0; i < s->n6; i++) {
			be_bytes(s->v6[i].lo, r[i].lo, 16);
			be_bytes(s->v6[i].hi, r[i].hi, 16);
		}
		NLA_PUT_OR(msg, nla_put(msg, a6, s->n6 * sizeof(*r), r));
	}
	return 0;
}

static int put_ports(struct nl_msg *msg, const struct nfips_portset *s,
		     int attr, uint32_t flag, uint32_t *flags, bool kernel,
		     const char **why)
{
	struct nfips_prange r[NFIPS_RANGES_MAX];
	uint32_t i;

	if (s->any)
		return 0;
	if (s->n > NFIPS_RANGES_MAX) {
		if (!kernel)
			return 0;
		*why = "port list longer than the kernel's limit";
		return -1;
	}
	*flags |= flag;
	for (i = 0; i < s->n; i++) {
		r[i].lo = (unsigned short)s->v[i].lo;
		r[i].hi = (unsigned short)s->v[i].hi;
	}
	if (s->n)
		NLA_PUT_OR(msg, nla_put(msg, attr, s->n * sizeof(r[0]), r));
	return 0;
}

static uint32_t clamp16(uint32_t v)
{
	return v > 65535 ? 65535 : v;
}

/* Where a kernel rule's pattern must lie: [offset, offset + depth), 0 none. */
static void window(const struct nfips_rule *r, uint32_t *offset, uint32_t *depth)
{
	const struct nfips_content *c = &r->matches[r->fp].u.content;

	*offset = *depth = 0;
	if (c->flags & NFIPS_C_STARTSWITH) {
		*depth = c->len;
	} else {
		if (c->flags & NFIPS_C_OFFSET)
			*offset = c->offset;
		if (c->flags & NFIPS_C_DEPTH)
			*depth = c->depth;
	}
	/* Payloads are shorter than 64 KiB: a larger depth limits nothing. */
	if (*depth > 65535)
		*depth = 0;
}

/* anchor.h's view of rule @i of the vector: only the rules the module gets. */
static bool anchor_get(const void *ctx, u32 i, u32 *patlen, u32 *depth)
{
	const struct nfips_rule *r = ((struct nfips_rule *const *)ctx)[i];
	uint32_t offset, len;
	const char *why;
	uint8_t action;

	if (nfips_wire_action(r, &action, &why) || !nfips_rule_fp(r, &len))
		return false;
	window(r, &offset, depth);
	*patlen = len;
	return true;
}

size_t nfips_wire_anchored(struct nfips_rule *const *v, size_t n, bool *anchored,
			   size_t *eligible)
{
	u32 idx[NFIPS_ANCHOR_RULES], k, i, patlen, depth;

	/* Policies are far below 2^32 rules (the module's max_rules). */
	if (n > UINT32_MAX)
		n = UINT32_MAX;
	memset(anchored, 0, n * sizeof(*anchored));
	*eligible = 0;
	for (i = 0; i < n; i++)
		*eligible += anchor_get(v, i, &patlen, &depth) &&
			     nfips_anchorable(patlen, depth);
	k = nfips_anchor_pick((u32)n, anchor_get, v, idx);
	for (i = 0; i < k; i++)
		anchored[idx[i]] = true;
	return k;
}

/* Content modifiers the kernel checks on the packet payload. */
static int put_modifiers(struct nl_msg *msg, const struct nfips_rule *r,
			 uint32_t *flags)
{
	uint32_t offset, depth;

	window(r, &offset, &depth);
	if (offset)
		NLA_PUT_OR(msg, nla_put_u32(msg, NFIPS_RULE_A_OFFSET, clamp16(offset)));
	if (depth)
		NLA_PUT_OR(msg, nla_put_u32(msg, NFIPS_RULE_A_DEPTH, depth));
	if (r->flags & NFIPS_R_DSIZE) {
		*flags |= NFIPS_RULE_F_DSIZE;
		NLA_PUT_OR(msg, nla_put_u8(msg, NFIPS_RULE_A_DSIZE_OP, (uint8_t)r->dsize.op));
		NLA_PUT_OR(msg, nla_put_u16(msg, NFIPS_RULE_A_DSIZE_LO,
					    (uint16_t)clamp16(r->dsize.a)));
		if (r->dsize.op == NFIPS_CMP_RANGE)
			NLA_PUT_OR(msg, nla_put_u16(msg, NFIPS_RULE_A_DSIZE_HI,
						    (uint16_t)clamp16(r->dsize.b)));
	}
	return 0;
}

int nfips_wire_put_rule(struct nl_msg *msg, const struct nfips_rule *r,
			const char **why)
{
	char text[NFIPS_MSG_MAX + 1];
	const uint8_t *fp;
	uint32_t fplen, flags = 0;
	uint8_t action, proto;
	bool kernel = true;
	int ret;

	ret = nfips_wire_action(r, &action, why);
	if (ret)
		return ret;
	if (wire_proto(r->proto, &proto)) {
		*why = "protocol not handled by the kernel";
		return -1;
	}
	fp = nfips_rule_fp(r, &fplen);
	if (!fp || !fplen || fplen > NFIPS_PATTERN_MAX) {
		*why = "fast pattern unusable";
		return -1;
	}
	if (r->fp_nocase)
		flags |= NFIPS_RULE_F_NOCASE;
	if (r->flags & NFIPS_R_BIDIR)
		flags |= NFIPS_RULE_F_BIDIR;
	/* A drop needs the customer's approval (the policy's, or --approve-all). */
	if (nfips_wire_approved(r))
		flags |= NFIPS_RULE_F_APPROVED;

	NLA_PUT_OR(msg, nla_put_u32(msg, NFIPS_RULE_A_GID, r->gid));
	NLA_PUT_OR(msg, nla_put_u32(msg, NFIPS_RULE_A_SID, r->sid));
	NLA_PUT_OR(msg, nla_put_u32(msg, NFIPS_RULE_A_REV, r->rev));
	NLA_PUT_OR(msg, nla_put_u8(msg, NFIPS_RULE_A_ACTION, action));
	NLA_PUT_OR(msg, nla_put_u8(msg, NFIPS_RULE_A_PROTO, proto));
	NLA_PUT_OR(msg, nla_put(msg, NFIPS_RULE_A_PATTERN, (int)fplen, fp));
	if (kernel) {
		ret = put_modifiers(msg, r, &flags);
		if (ret)
			return ret;
	}
	ret = put_addrs(msg, &r->src, NFIPS_RULE_A_SRC4, NFIPS_RULE_A_SRC6,
			NFIPS_RULE_F_SRC, &flags, kernel, why);
	if (!ret)
		ret = put_addrs(msg, &r->dst, NFIPS_RULE_A_DST4, NFIPS_RULE_A_DST6,
				NFIPS_RULE_F_DST, &flags, kernel, why);
	if (!ret)
		ret = put_ports(msg, &r->sport, NFIPS_RULE_A_SPORTS,
				NFIPS_RULE_F_SPORT, &flags, kernel, why);
	if (!ret)
		ret = put_ports(msg, &r->dport, NFIPS_RULE_A_DPORTS,
				NFIPS_RULE_F_DPORT, &flags, kernel, why);
	if (ret)
		return ret;
	NLA_PUT_OR(msg, nla_put_u32(msg, NFIPS_RULE_A_FLAGS, flags));
	if (r->msg) {
		/* Truncated on a UTF-8 character boundary. */
		size_t n = strlen(r->msg);

		if (n > NFIPS_MSG_MAX) {
			n = NFIPS_MSG_MAX;
			while (n && ((uint8_t)r->msg[n] & 0xc0) == 0x80)
				n--;
		}
		memcpy(text, r->msg, n);
		text[n] = '\0';
		NLA_PUT_OR(msg, nla_put_string(msg, NFIPS_RULE_A_MSG, text));
	}
	return 0;
}
