// SPDX-License-Identifier: GPL-2.0
/*
 * nfips: NFIPS_CMD_BLOCK_ADD and NFIPS_CMD_BLOCK_DEL (block.c keeps the
 * table, netlink.c lists the commands). Each command's nest has its own
 * strict policy: a DEL carrying a timeout, or an ADD carrying what only
 * a LIST reply holds, is refused.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <net/genetlink.h>
#include "nfips.h"
#include "block_nl.h"

static const struct nla_policy block_add_attrs[NFIPS_BLOCK_A_MAX + 1] = {
	[NFIPS_BLOCK_A_FAMILY]	= { .type = NLA_U8 },
	[NFIPS_BLOCK_A_ADDR]	= NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[NFIPS_BLOCK_A_PREFIX]	= NLA_POLICY_RANGE(NLA_U8, 1, 128),
	[NFIPS_BLOCK_A_TIMEOUT]	= NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy block_del_attrs[NFIPS_BLOCK_A_MAX + 1] = {
	[NFIPS_BLOCK_A_FAMILY]	= { .type = NLA_U8 },
	[NFIPS_BLOCK_A_ADDR]	= NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[NFIPS_BLOCK_A_PREFIX]	= NLA_POLICY_RANGE(NLA_U8, 1, 128),
};

const struct nla_policy nfips_block_add_policy[NFIPS_A_BLOCK + 1] = {
	[NFIPS_A_BLOCK]		= NLA_POLICY_NESTED(block_add_attrs),
};

const struct nla_policy nfips_block_del_policy[NFIPS_A_BLOCK + 1] = {
	[NFIPS_A_BLOCK]		= NLA_POLICY_NESTED(block_del_attrs),
};

struct block_key {
	u8 family, plen;
	u8 addr[16];
	u32 timeout;
};

/* Whether @addr has a bit set past the first @plen of @len bytes. */
/* The first 96 bits of an IPv4-mapped IPv6 address (::ffff:0:0/96). */
static const u8 v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static bool host_bits(const u8 *addr, unsigned int len, unsigned int plen)
{
	unsigned int i;

	for (i = plen / 8; i < len; i++) {
		u8 keep = i == plen / 8 ? (u8)(0xff00 >> (plen % 8)) : 0;

		if (addr[i] & ~keep)
			return true;
	}
	return false;
}

static int block_from_attrs(struct genl_info *info,
			    const struct nla_policy *policy,
			    struct block_key *k)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *nest = info->attrs[NFIPS_A_BLOCK];
	struct nlattr *tb[NFIPS_BLOCK_A_MAX + 1];
	unsigned int alen;
	int ret;

	if (!nest) {
		NL_SET_ERR_MSG(extack, "block missing");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, NFIPS_BLOCK_A_MAX, nest, policy, extack);
	if (ret)
		return ret;
	if (!tb[NFIPS_BLOCK_A_FAMILY] || !tb[NFIPS_BLOCK_A_ADDR] ||
	    !tb[NFIPS_BLOCK_A_PREFIX]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "block needs family, address and prefix length");
		return -EINVAL;
	}
	k->family = nla_get_u8(tb[NFIPS_BLOCK_A_FAMILY]);
	if (k->family != AF_INET && k->family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPS_BLOCK_A_FAMILY],
				    "family is AF_INET or AF_INET6");
		return -EINVAL;
	}
	alen = k->family == AF_INET ? 4 : 16;
	if (nla_len(tb[NFIPS_BLOCK_A_ADDR]) != alen) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPS_BLOCK_A_ADDR],
				    "address length not the family's");
		return -EINVAL;
	}
	k->plen = nla_get_u8(tb[NFIPS_BLOCK_A_PREFIX]);
	if (k->plen > alen * 8) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPS_BLOCK_A_PREFIX],
				    "prefix length longer than the address");
		return -EINVAL;
	}
	memcpy(k->addr, nla_data(tb[NFIPS_BLOCK_A_ADDR]), alen);
	if (host_bits(k->addr, alen, k->plen)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPS_BLOCK_A_ADDR],
				    "address has bits set past the prefix length");
		return -EINVAL;
	}
	/* Such packets reach the hooks as IPv4: the block could never act. */
	if (k->family == AF_INET6 && k->plen >= 96 &&
	    !memcmp(k->addr, v4mapped, sizeof(v4mapped))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPS_BLOCK_A_ADDR],
				    "IPv4-mapped address: block the IPv4 address instead");
		return -EINVAL;
	}
	k->timeout = tb[NFIPS_BLOCK_A_TIMEOUT] ?
		     nla_get_u32(tb[NFIPS_BLOCK_A_TIMEOUT]) : 0;
	return 0;
}

int nfips_block_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct block_key k;
	int ret;

	ret = block_from_attrs(info, block_add_attrs, &k);
	if (ret)
		return ret;
	return nfips_block_add(nfips_pernet(genl_info_net(info)), k.family,
			       k.addr, k.plen, k.timeout, info->extack);
}

int nfips_block_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct block_key k;
	int ret;

	ret = block_from_attrs(info, block_del_attrs, &k);
	if (ret)
		return ret;
	return nfips_block_del(nfips_pernet(genl_info_net(info)), k.family,
			       k.addr, k.plen, info->extack);
}
