// SPDX-License-Identifier: GPL-2.0
/*
 * nfips: the "nfips" generic netlink family (Documentation/netlink.rst).
 * Every command has its own strict policy and needs CAP_NET_ADMIN in the
 * user namespace that owns the socket's network namespace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include "block_nl.h"
#include "nfips.h"
#include "ranges.h"
#include "stream.h"

static struct netlink_range_validation u16_range = { .max = U16_MAX };
static struct netlink_range_validation rate_range = { .max = 1000000 };
/*
 * NLA_POLICY_RANGE() keeps its bounds in s16: the longest IPv6 address
 * list (32 KiB) does not fit, and 6.1 warns on a negative bound.
 */
static struct netlink_range_validation range6_len = {
	.min = sizeof(struct nfips_range6),
	.max = NFIPS_RANGES_MAX * sizeof(struct nfips_range6),
};

static const struct nla_policy rule_policy[NFIPS_RULE_A_MAX + 1] = {
	[NFIPS_RULE_A_GID]	= { .type = NLA_U32 },
	[NFIPS_RULE_A_SID]	= { .type = NLA_U32 },
	[NFIPS_RULE_A_REV]	= { .type = NLA_U32 },
	[NFIPS_RULE_A_ACTION]	= NLA_POLICY_MAX(NLA_U8, NFIPS_ACT_MAX),
	[NFIPS_RULE_A_PROTO]	= NLA_POLICY_MAX(NLA_U8, NFIPS_RPROTO_MAX),
	[NFIPS_RULE_A_FLAGS]	= NLA_POLICY_MASK(NLA_U32, NFIPS_RULE_F_ALL),
	[NFIPS_RULE_A_PATTERN]	= NLA_POLICY_RANGE(NLA_BINARY, 1, NFIPS_PATTERN_MAX),
	[NFIPS_RULE_A_OFFSET]	= NLA_POLICY_FULL_RANGE(NLA_U32, &u16_range),
	[NFIPS_RULE_A_DEPTH]	= NLA_POLICY_FULL_RANGE(NLA_U32, &u16_range),
	[NFIPS_RULE_A_DSIZE_OP]	= NLA_POLICY_MAX(NLA_U8, NFIPS_DSIZE_MAX),
	[NFIPS_RULE_A_DSIZE_LO]	= { .type = NLA_U16 },
	[NFIPS_RULE_A_DSIZE_HI]	= { .type = NLA_U16 },
	[NFIPS_RULE_A_SRC4]	= NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct nfips_range4),
						   NFIPS_RANGES_MAX * sizeof(struct nfips_range4)),
	[NFIPS_RULE_A_DST4]	= NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct nfips_range4),
						   NFIPS_RANGES_MAX * sizeof(struct nfips_range4)),
	[NFIPS_RULE_A_SRC6]	= NLA_POLICY_FULL_RANGE(NLA_BINARY, &range6_len),
	[NFIPS_RULE_A_DST6]	= NLA_POLICY_FULL_RANGE(NLA_BINARY, &range6_len),
	[NFIPS_RULE_A_SPORTS]	= NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct nfips_prange),
						   NFIPS_RANGES_MAX * sizeof(struct nfips_prange)),
	[NFIPS_RULE_A_DPORTS]	= NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct nfips_prange),
						   NFIPS_RANGES_MAX * sizeof(struct nfips_prange)),
	[NFIPS_RULE_A_MSG]	= { .type = NLA_NUL_STRING, .len = NFIPS_MSG_MAX },
};

/* A daemon selector: a rule's header only. */
static const struct nla_policy sel_policy[NFIPS_RULE_A_MAX + 1] = {
	[NFIPS_RULE_A_PROTO]	= NLA_POLICY_MAX(NLA_U8, NFIPS_RPROTO_MAX),
	[NFIPS_RULE_A_FLAGS]	= NLA_POLICY_MASK(NLA_U32, NFIPS_SEL_F_ALL),
	[NFIPS_RULE_A_SRC4]	= NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct nfips_range4),
						   NFIPS_RANGES_MAX * sizeof(struct nfips_range4)),
	[NFIPS_RULE_A_DST4]	= NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct nfips_range4),
						   NFIPS_RANGES_MAX * sizeof(struct nfips_range4)),
	[NFIPS_RULE_A_SRC6]	= NLA_POLICY_FULL_RANGE(NLA_BINARY, &range6_len),
	[NFIPS_RULE_A_DST6]	= NLA_POLICY_FULL_RANGE(NLA_BINARY, &range6_len),
	[NFIPS_RULE_A_SPORTS]	= NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct nfips_prange),
						   NFIPS_RANGES_MAX * sizeof(struct nfips_prange)),
	[NFIPS_RULE_A_DPORTS]	= NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct nfips_prange),
						   NFIPS_RANGES_MAX * sizeof(struct nfips_prange)),
};

static const struct nla_policy flow_policy[NFIPS_FLOW_A_MAX + 1] = {
	[NFIPS_FLOW_A_FAMILY]	= { .type = NLA_U8 },
	[NFIPS_FLOW_A_L4PROTO]	= { .type = NLA_U8 },
	[NFIPS_FLOW_A_SADDR]	= NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[NFIPS_FLOW_A_DADDR]	= NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[NFIPS_FLOW_A_SPORT]	= { .type = NLA_U16 },
	[NFIPS_FLOW_A_DPORT]	= { .type = NLA_U16 },
	[NFIPS_FLOW_A_CT_ID]	= { .type = NLA_U32 },
};

/* Commands without attributes: strict validation refuses any. */
static const struct nla_policy none_policy[NFIPS_A_PAD + 1] = {};

static const struct nla_policy begin_policy[NFIPS_A_POLICY_VERSION + 1] = {
	[NFIPS_A_POLICY_VERSION] = { .type = NLA_U32 },
};

static const struct nla_policy txn_policy[NFIPS_A_TXN_ID + 1] = {
	[NFIPS_A_TXN_ID]	= { .type = NLA_U32 },
};

static const struct nla_policy add_policy[NFIPS_A_SELECTORS + 1] = {
	[NFIPS_A_TXN_ID]	= { .type = NLA_U32 },
	[NFIPS_A_RULES]		= NLA_POLICY_NESTED_ARRAY(rule_policy),
	[NFIPS_A_SELECTORS]	= NLA_POLICY_NESTED_ARRAY(sel_policy),
};

static const struct nla_policy register_policy[NFIPS_A_QUEUE_NUM + 1] = {
	[NFIPS_A_QUEUE]		= { .type = NLA_U16 },
	[NFIPS_A_QUEUE_NUM]	= NLA_POLICY_RANGE(NLA_U16, 1, NFIPS_QUEUES_MAX),
};

static const struct nla_policy report_policy[NFIPS_A_QUEUE_FAILOPEN + 1] = {
	[NFIPS_A_OVERLOAD]	= NLA_POLICY_MAX(NLA_U8, 1),
	[NFIPS_A_QUEUE_FAILOPEN] = { .type = NLA_U64 },
};

static const struct nla_policy verdict_policy[NFIPS_A_VERDICT + 1] = {
	[NFIPS_A_FLOW]		= NLA_POLICY_NESTED(flow_policy),
	[NFIPS_A_VERDICT]	= NLA_POLICY_MAX(NLA_U8, NFIPS_FLOW_MAX),
};

static const struct nla_policy config_policy[NFIPS_A_STREAM_DEPTH + 1] = {
	[NFIPS_A_MODE]		= NLA_POLICY_MAX(NLA_U8, NFIPS_MODE_MAX),
	[NFIPS_A_HOOKS]		= NLA_POLICY_RANGE(NLA_U32, 1, NFIPS_HOOK_ALL),
	[NFIPS_A_FAIL_OPEN]	= NLA_POLICY_MAX(NLA_U8, 1),
	[NFIPS_A_EVENT_RATE]	= NLA_POLICY_FULL_RANGE(NLA_U32, &rate_range),
	[NFIPS_A_STREAM_DEPTH]	= { .type = NLA_U32 },
};

static struct nfips_net *info_nn(struct genl_info *info)
{
	return nfips_pernet(genl_info_net(info));
}

/*
 * A policy, batch or transaction refused for its size or the memory it
 * needs, in words (NL_SET_ERR_MSG*() take string literals). @attr, the
 * rule or attribute at fault, may be NULL.
 */
static void limit_msg(struct netlink_ext_ack *extack,
		      const struct nlattr *attr, int err)
{
	switch (err) {
	case -E2BIG:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "more rules than the module allows (max_rules)");
		break;
	case -EFBIG:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "policy over the namespace's memory limit (max_mem, userns_max_mem)");
		break;
	case -ENOSPC:
		NL_SET_ERR_MSG_ATTR(extack, attr, "too many automaton states");
		break;
	case -ENOBUFS:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "module-wide memory budget exhausted (max_total_mem; userns_max_total_mem in a namespace of an unprivileged user)");
		break;
	case -ENOMEM:
		NL_SET_ERR_MSG_ATTR(extack, attr, "out of memory");
		break;
	case -EPERM:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "no policies in namespaces of unprivileged users (userns_max_mem is 0)");
		break;
	case -EINTR:
		NL_SET_ERR_MSG_ATTR(extack, attr, "interrupted by a fatal signal");
		break;
	case -EINVAL:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "pattern empty, longer than 255 bytes or with unknown flags");
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, attr, "policy refused");
		break;
	}
}

static int nfips_begin(struct sk_buff *skb, struct genl_info *info)
{
	struct nfips_net *nn = info_nn(info);
	struct nlattr *ver = info->attrs[NFIPS_A_POLICY_VERSION];
	struct sk_buff *msg;
	void *hdr;
	u32 id;
	int ret;

	if (!ver) {
		NL_SET_ERR_MSG(info->extack, "policy wire format version missing");
		return -EINVAL;
	}
	if (nla_get_u32(ver) != NFIPS_POLICY_VERSION) {
		NL_SET_ERR_MSG_ATTR(info->extack, ver,
				    "unsupported policy wire format version");
		return -EPROTONOSUPPORT;
	}
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, "out of memory");
		return -ENOMEM;
	}
	hdr = genlmsg_put_reply(msg, info, &nfips_genl_family, 0,
				NFIPS_CMD_POLICY_BEGIN);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err;
	}
	mutex_lock(&nn->lock);
	ret = nfips_txn_begin(nn, info->snd_portid, &id);
	mutex_unlock(&nn->lock);
	if (ret) {
		if (ret == -EBUSY)
			NL_SET_ERR_MSG(info->extack,
				       "another transaction is in progress");
		else
			limit_msg(info->extack, NULL, ret);
		goto err;
	}
	if (nla_put_u32(msg, NFIPS_A_TXN_ID, id)) {
		ret = -EMSGSIZE;
		goto err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err:
	nlmsg_free(msg);
	return ret;
}

/* Copies a validated list attribute of @size-byte entries, if present. */
static int get_list(struct nlattr *a, size_t size, void **out, u16 *n,
		    struct netlink_ext_ack *extack)
{
	int len;

	if (!a)
		return 0;
	len = nla_len(a);
	if (len % size) {
		NL_SET_ERR_MSG_ATTR(extack, a, "list length not a multiple of its entry");
		return -EINVAL;
	}
	*out = kmemdup(nla_data(a), len, GFP_KERNEL_ACCOUNT);
	if (!*out) {
		NL_SET_ERR_MSG_ATTR(extack, a, "out of memory");
		return -ENOMEM;
	}
	*n = len / size;
	return 0;
}

static int get_lists(struct nlattr **tb, struct nfips_krule *r,
		     struct netlink_ext_ack *extack)
{
	return get_list(tb[NFIPS_RULE_A_SRC4], sizeof(*r->src4),
			(void **)&r->src4, &r->nsrc4, extack) ?:
	       get_list(tb[NFIPS_RULE_A_DST4], sizeof(*r->dst4),
			(void **)&r->dst4, &r->ndst4, extack) ?:
	       get_list(tb[NFIPS_RULE_A_SRC6], sizeof(*r->src6),
			(void **)&r->src6, &r->nsrc6, extack) ?:
	       get_list(tb[NFIPS_RULE_A_DST6], sizeof(*r->dst6),
			(void **)&r->dst6, &r->ndst6, extack) ?:
	       get_list(tb[NFIPS_RULE_A_SPORTS], sizeof(*r->sports),
			(void **)&r->sports, &r->nsports, extack) ?:
	       get_list(tb[NFIPS_RULE_A_DPORTS], sizeof(*r->dports),
			(void **)&r->dports, &r->ndports, extack);
}

static bool ranges_ok(const struct nfips_krule *r)
{
	return nfips_ranges_ordered(r->src4, r->nsrc4, sizeof(*r->src4),
				    nfips_cmp_addr4) &&
	       nfips_ranges_ordered(r->dst4, r->ndst4, sizeof(*r->dst4),
				    nfips_cmp_addr4) &&
	       nfips_ranges_ordered(r->src6, r->nsrc6, sizeof(*r->src6),
				    nfips_cmp_addr6) &&
	       nfips_ranges_ordered(r->dst6, r->ndst6, sizeof(*r->dst6),
				    nfips_cmp_addr6) &&
	       nfips_ranges_ordered(r->sports, r->nsports, sizeof(*r->sports),
				    nfips_cmp_port) &&
	       nfips_ranges_ordered(r->dports, r->ndports, sizeof(*r->dports),
				    nfips_cmp_port);
}

static const struct {
	unsigned int attr;
	u32 flag;
} list_flags[] = {
	{ NFIPS_RULE_A_SRC4, NFIPS_RULE_F_SRC },
	{ NFIPS_RULE_A_SRC6, NFIPS_RULE_F_SRC },
	{ NFIPS_RULE_A_DST4, NFIPS_RULE_F_DST },
	{ NFIPS_RULE_A_DST6, NFIPS_RULE_F_DST },
	{ NFIPS_RULE_A_SPORTS, NFIPS_RULE_F_SPORT },
	{ NFIPS_RULE_A_DPORTS, NFIPS_RULE_F_DPORT },
};

/* Checks what the policy cannot: presence and consistency. */
static int rule_check(struct nlattr *nest, struct nlattr **tb,
		      struct netlink_ext_ack *extack)
{
	u32 flags = tb[NFIPS_RULE_A_FLAGS] ?
		    nla_get_u32(tb[NFIPS_RULE_A_FLAGS]) : 0;
	bool dsize = tb[NFIPS_RULE_A_DSIZE_OP];
	unsigned int i;

	if (!tb[NFIPS_RULE_A_SID] || !tb[NFIPS_RULE_A_ACTION] ||
	    !tb[NFIPS_RULE_A_PROTO] || !tb[NFIPS_RULE_A_PATTERN]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "rule needs sid, action, proto and pattern");
		return -EINVAL;
	}
	if (!!(flags & NFIPS_RULE_F_DSIZE) != dsize ||
	    (dsize && !tb[NFIPS_RULE_A_DSIZE_LO])) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "inconsistent dsize");
		return -EINVAL;
	}
	if (dsize && nla_get_u8(tb[NFIPS_RULE_A_DSIZE_OP]) == NFIPS_DSIZE_RANGE &&
	    !tb[NFIPS_RULE_A_DSIZE_HI]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "dsize range needs its upper bound");
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(list_flags); i++) {
		if (tb[list_flags[i].attr] && !(flags & list_flags[i].flag)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[list_flags[i].attr],
					    "address or port list without its flag");
			return -EINVAL;
		}
	}
	return 0;
}

static struct nfips_krule *rule_from_attrs(struct nlattr *nest,
					   struct netlink_ext_ack *extack,
					   int *err)
{
	struct nlattr *tb[NFIPS_RULE_A_MAX + 1];
	struct nfips_krule *r;
	struct nlattr *a;
	int ret;

	ret = nla_parse_nested(tb, NFIPS_RULE_A_MAX, nest, rule_policy, extack);
	if (ret)
		goto err;
	ret = rule_check(nest, tb, extack);
	if (ret)
		goto err;
	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "out of memory");
		ret = -ENOMEM;
		goto err;
	}
	r->sid = nla_get_u32(tb[NFIPS_RULE_A_SID]);
	r->gid = tb[NFIPS_RULE_A_GID] ? nla_get_u32(tb[NFIPS_RULE_A_GID]) : 1;
	r->rev = tb[NFIPS_RULE_A_REV] ? nla_get_u32(tb[NFIPS_RULE_A_REV]) : 0;
	r->action = nla_get_u8(tb[NFIPS_RULE_A_ACTION]);
	r->proto = nla_get_u8(tb[NFIPS_RULE_A_PROTO]);
	if (tb[NFIPS_RULE_A_FLAGS])
		r->flags = nla_get_u32(tb[NFIPS_RULE_A_FLAGS]);
	if (tb[NFIPS_RULE_A_OFFSET])
		r->offset = nla_get_u32(tb[NFIPS_RULE_A_OFFSET]);
	if (tb[NFIPS_RULE_A_DEPTH])
		r->depth = nla_get_u32(tb[NFIPS_RULE_A_DEPTH]);
	if (tb[NFIPS_RULE_A_DSIZE_OP]) {
		r->dsize_op = nla_get_u8(tb[NFIPS_RULE_A_DSIZE_OP]);
		r->dsize_lo = nla_get_u16(tb[NFIPS_RULE_A_DSIZE_LO]);
		if (tb[NFIPS_RULE_A_DSIZE_HI])
			r->dsize_hi = nla_get_u16(tb[NFIPS_RULE_A_DSIZE_HI]);
	}
	a = tb[NFIPS_RULE_A_PATTERN];
	if (r->depth && r->depth < nla_len(a)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPS_RULE_A_DEPTH],
				    "depth shorter than the pattern");
		ret = -EINVAL;
		goto err_rule;
	}
	r->patlen = nla_len(a);
	r->pattern = kmemdup(nla_data(a), r->patlen, GFP_KERNEL_ACCOUNT);
	ret = -ENOMEM;
	if (!r->pattern)
		goto err_nomem;
	if (tb[NFIPS_RULE_A_MSG]) {
		r->msg = nla_strdup(tb[NFIPS_RULE_A_MSG], GFP_KERNEL_ACCOUNT);
		if (!r->msg)
			goto err_nomem;
	}
	ret = get_lists(tb, r, extack);
	if (ret)
		goto err_rule;
	if (!ranges_ok(r)) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "range with lo > hi");
		ret = -EINVAL;
		goto err_rule;
	}
	return r;

err_nomem:
	NL_SET_ERR_MSG_ATTR(extack, nest, "out of memory");
err_rule:
	nfips_krule_free(r);
err:
	*err = ret;
	return NULL;
}

static struct nfips_krule *sel_from_attrs(struct nlattr *nest,
					  struct netlink_ext_ack *extack,
					  int *err)
{
	struct nlattr *tb[NFIPS_RULE_A_MAX + 1];
	struct nfips_krule *s;
	unsigned int i;
	int ret;

	ret = nla_parse_nested(tb, NFIPS_RULE_A_MAX, nest, sel_policy, extack);
	if (ret)
		goto err;
	ret = -EINVAL;
	if (!tb[NFIPS_RULE_A_PROTO]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "selector needs a protocol");
		goto err;
	}
	for (i = 0; i < ARRAY_SIZE(list_flags); i++) {
		if (tb[list_flags[i].attr] &&
		    !(tb[NFIPS_RULE_A_FLAGS] &&
		      (nla_get_u32(tb[NFIPS_RULE_A_FLAGS]) & list_flags[i].flag))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[list_flags[i].attr],
					    "address or port list without its flag");
			goto err;
		}
	}
	ret = -ENOMEM;
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "out of memory");
		goto err;
	}
	s->proto = nla_get_u8(tb[NFIPS_RULE_A_PROTO]);
	if (tb[NFIPS_RULE_A_FLAGS])
		s->flags = nla_get_u32(tb[NFIPS_RULE_A_FLAGS]);
	ret = get_lists(tb, s, extack);
	if (!ret && !ranges_ok(s)) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "range with lo > hi");
		ret = -EINVAL;
	}
	if (!ret)
		return s;
	nfips_krule_free(s);
err:
	*err = ret;
	return NULL;
}

static int nfips_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nfips_net *nn = info_nn(info);
	struct nfips_krule *r;
	struct nfips_txn *txn;
	struct nlattr *nest;
	int rem, ret = 0;

	if (!info->attrs[NFIPS_A_TXN_ID] ||
	    (!info->attrs[NFIPS_A_RULES] && !info->attrs[NFIPS_A_SELECTORS])) {
		NL_SET_ERR_MSG(info->extack, "transaction id, rules or selectors missing");
		return -EINVAL;
	}
	mutex_lock(&nn->lock);
	txn = nfips_txn_get(nn, nla_get_u32(info->attrs[NFIPS_A_TXN_ID]),
			    info->snd_portid);
	if (!txn) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFIPS_A_TXN_ID],
				    "no such transaction on this socket");
		ret = -ENOENT;
		goto out;
	}
	if (info->attrs[NFIPS_A_RULES]) {
		nla_for_each_nested(nest, info->attrs[NFIPS_A_RULES], rem) {
			r = rule_from_attrs(nest, info->extack, &ret);
			if (!r)
				break;
			ret = nfips_txn_add(txn, r);
			if (ret) {
				nfips_krule_free(r);
				limit_msg(info->extack, nest, ret);
				break;
			}
		}
	}
	if (!ret && info->attrs[NFIPS_A_SELECTORS]) {
		nla_for_each_nested(nest, info->attrs[NFIPS_A_SELECTORS], rem) {
			r = sel_from_attrs(nest, info->extack, &ret);
			if (!r)
				break;
			ret = nfips_txn_add_sel(txn, r);
			if (ret) {
				nfips_krule_free(r);
				limit_msg(info->extack, nest, ret);
				break;
			}
		}
	}
	/* A transaction with a bad rule is rejected whole. */
	if (ret)
		nfips_txn_abort(nn);
out:
	mutex_unlock(&nn->lock);
	return ret;
}

static int nfips_commit(struct sk_buff *skb, struct genl_info *info)
{
	struct nfips_net *nn = info_nn(info);
	bool in_hooks = false;
	struct nfips_txn *txn;
	struct sk_buff *msg;
	u64 serial = 0;
	void *hdr;
	int ret;

	if (!info->attrs[NFIPS_A_TXN_ID]) {
		NL_SET_ERR_MSG(info->extack, "transaction id missing");
		return -EINVAL;
	}
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, "out of memory");
		return -ENOMEM;
	}
	hdr = genlmsg_put_reply(msg, info, &nfips_genl_family, 0,
				NFIPS_CMD_POLICY_COMMIT);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err;
	}
	mutex_lock(&nn->lock);
	txn = nfips_txn_get(nn, nla_get_u32(info->attrs[NFIPS_A_TXN_ID]),
			    info->snd_portid);
	if (txn)
		ret = nfips_txn_commit(nn, txn, &serial, &in_hooks);
	mutex_unlock(&nn->lock);
	if (!txn) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[NFIPS_A_TXN_ID],
				    "no such transaction on this socket");
		ret = -ENOENT;
		goto err;
	}
	if (ret) {
		if (in_hooks)
			NL_SET_ERR_MSG(info->extack,
				       "cannot register the netfilter hooks");
		else
			limit_msg(info->extack, NULL, ret);
		goto err;
	}
	if (nla_put_u64_64bit(msg, NFIPS_A_SERIAL, serial, NFIPS_A_PAD)) {
		ret = -EMSGSIZE;
		goto err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err:
	nlmsg_free(msg);
	return ret;
}

static int nfips_abort(struct sk_buff *skb, struct genl_info *info)
{
	struct nfips_net *nn = info_nn(info);
	int ret = 0;

	if (!info->attrs[NFIPS_A_TXN_ID]) {
		NL_SET_ERR_MSG(info->extack, "transaction id missing");
		return -EINVAL;
	}
	mutex_lock(&nn->lock);
	if (nfips_txn_get(nn, nla_get_u32(info->attrs[NFIPS_A_TXN_ID]),
			  info->snd_portid))
		nfips_txn_abort(nn);
	else
		ret = -ENOENT;
	mutex_unlock(&nn->lock);
	return ret;
}

static int nfips_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct nfips_net *nn = info_nn(info);

	mutex_lock(&nn->lock);
	nfips_policy_flush(nn);
	mutex_unlock(&nn->lock);
	return 0;
}

#define STAT(a, f) { NFIPS_STAT_A_##a, offsetof(struct nfips_pcpu_stats, f) }

static const struct {
	u16 attr;
	u16 off;
} stat_attrs[] = {
	STAT(PACKETS, packets), STAT(BYTES, bytes), STAT(HITS, hits),
	STAT(ALERTS, alerts), STAT(DROPS, drops), STAT(REJECTS, rejects),
	STAT(QUEUED, queued), STAT(EVENTS, events),
	STAT(EVENTS_LOST, events_lost), STAT(UNPARSED, unparsed),
	STAT(DEPTH_BYTES, depth_bytes), STAT(FLOWS, flows),
	STAT(FLOWS_EVICTED, flows_evicted),
	STAT(FLOWS_UNTRACKED, flows_untracked),
	STAT(FLOWS_QUEUED, flows_queued), STAT(DAEMON_ABSENT, daemon_absent),
	STAT(DAEMON_OVERLOAD, daemon_overload), STAT(BYPASSED, bypassed),
	STAT(FLOW_DROPS, flow_drops), STAT(AHEAD, ahead),
	STAT(SYNS_IGNORED, syns_ignored), STAT(BLOCK_DROPS, block_drops),
};

static int put_stats(struct sk_buff *msg, struct nfips_net *nn)
{
	struct nlattr *nest;
	unsigned int i;
	int cpu;

	nest = nla_nest_start(msg, NFIPS_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(stat_attrs); i++) {
		u64 sum = 0;

		for_each_possible_cpu(cpu) {
			const void *s = per_cpu_ptr(nn->stats, cpu);

			sum += READ_ONCE(*(const u64 *)(s + stat_attrs[i].off));
		}
		if (nla_put_u64_64bit(msg, stat_attrs[i].attr, sum,
				      NFIPS_STAT_A_PAD))
			return -EMSGSIZE;
	}
	if (nla_put_u64_64bit(msg, NFIPS_STAT_A_QUEUE_FAILOPEN,
			      nn->qfail_done + nn->qfail, NFIPS_STAT_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_status(struct sk_buff *msg, struct nfips_net *nn)
{
	const struct nfips_policy *p;
	const struct nfips_flows *flows;
	u64 d = nn->daemon;

	p = rcu_dereference_protected(nn->policy, lockdep_is_held(&nn->lock));
	flows = rcu_dereference_protected(nn->flows, lockdep_is_held(&nn->lock));
	if (nla_put_u64_64bit(msg, NFIPS_A_SERIAL, p ? p->serial : 0, NFIPS_A_PAD) ||
	    nla_put_u8(msg, NFIPS_A_MODE, nn->mode) ||
	    nla_put_u32(msg, NFIPS_A_HOOKS, nn->hooks) ||
	    nla_put_u8(msg, NFIPS_A_ACTIVE, !!nn->hooks_on) ||
	    nla_put_u8(msg, NFIPS_A_DAEMON, !!d) ||
	    nla_put_u16(msg, NFIPS_A_QUEUE, nfips_daemon_queue(d)) ||
	    nla_put_u16(msg, NFIPS_A_QUEUE_NUM, nfips_daemon_queues(d)) ||
	    nla_put_u8(msg, NFIPS_A_OVERLOAD, nn->overload) ||
	    nla_put_u8(msg, NFIPS_A_FAIL_OPEN, nn->fail_open) ||
	    nla_put_u32(msg, NFIPS_A_EVENT_RATE, nn->event_rate) ||
	    nla_put_u32(msg, NFIPS_A_STREAM_DEPTH, nn->stream_depth) ||
	    nla_put_u32(msg, NFIPS_A_FLOW_SLOTS, nfips_flows_size(flows)) ||
	    nla_put_u32(msg, NFIPS_A_NRULES, p ? p->nrules : 0) ||
	    nla_put_u32(msg, NFIPS_A_NRULES_KERNEL, p ? p->nkernel : 0) ||
	    nla_put_u32(msg, NFIPS_A_NSELECTORS, p ? p->nsels : 0) ||
	    nla_put_u32(msg, NFIPS_A_AC_STATES,
			p && p->ac ? nfips_ac_states(p->ac) : 0) ||
	    nla_put_u64_64bit(msg, NFIPS_A_MEMORY, p ? p->mem : 0, NFIPS_A_PAD))
		return -EMSGSIZE;
	if (nla_put_u32(msg, NFIPS_A_NBLOCKS, nfips_blocks_count(nn)))
		return -EMSGSIZE;
	if (nn->txn && nla_put_u32(msg, NFIPS_A_TXN_RULES, nn->txn->nrules))
		return -EMSGSIZE;
	return put_stats(msg, nn);
}

static int nfips_status(struct sk_buff *skb, struct genl_info *info)
{
	struct nfips_net *nn = info_nn(info);
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, "out of memory");
		return -ENOMEM;
	}
	hdr = genlmsg_put_reply(msg, info, &nfips_genl_family, 0,
				NFIPS_CMD_GET_STATUS);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err;
	}
	mutex_lock(&nn->lock);
	ret = put_status(msg, nn);
	mutex_unlock(&nn->lock);
	if (ret)
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err:
	nlmsg_free(msg);
	return ret;
}

/* The packets rule @i hit, summed over the CPUs. */
static u64 rule_hits(const struct nfips_policy *p, u32 i)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(nfips_hits_row(p, cpu)[i]);
	return sum;
}

static int put_rule(struct sk_buff *msg, const struct nfips_policy *p, u32 i)
{
	const struct nfips_krule *r = p->rules[i];
	struct nlattr *nest;

	nest = nla_nest_start(msg, NFIPS_A_RULE);
	if (!nest ||
	    nla_put_u32(msg, NFIPS_RULE_A_INDEX, i) ||
	    nla_put_u32(msg, NFIPS_RULE_A_GID, r->gid) ||
	    nla_put_u32(msg, NFIPS_RULE_A_SID, r->sid) ||
	    nla_put_u32(msg, NFIPS_RULE_A_REV, r->rev) ||
	    nla_put_u8(msg, NFIPS_RULE_A_ACTION, r->action) ||
	    nla_put_u8(msg, NFIPS_RULE_A_PROTO, r->proto) ||
	    nla_put_u32(msg, NFIPS_RULE_A_FLAGS, r->flags) ||
	    (r->msg && nla_put_string(msg, NFIPS_RULE_A_MSG, r->msg)) ||
	    nla_put_u64_64bit(msg, NFIPS_RULE_A_HITS, rule_hits(p, i),
			      NFIPS_RULE_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * One message per rule. cb->args[0] is the next rule; cb->seq carries the
 * serial so that a dump spanning a policy swap is flagged NLM_F_DUMP_INTR.
 */
static int nfips_rules_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nfips_net *nn = nfips_pernet(sock_net(skb->sk));
	const struct nfips_policy *p;
	u32 i = cb->args[0];
	void *hdr;

	rcu_read_lock();
	p = rcu_dereference(nn->policy);
	if (!p)
		goto out;
	cb->seq = (u32)p->serial ?: 1;
	for (; i < p->nrules; i++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nfips_genl_family,
				  NLM_F_MULTI, NFIPS_CMD_GET_RULES);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (nla_put_u64_64bit(skb, NFIPS_A_SERIAL, p->serial, NFIPS_A_PAD) ||
		    put_rule(skb, p, i)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
out:
	rcu_read_unlock();
	return skb->len;
}

static int nfips_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nfips_net *nn = info_nn(info);
	struct nlattr **a = info->attrs;
	int ret = 0;

	mutex_lock(&nn->lock);
	if (a[NFIPS_A_HOOKS]) {
		u32 hooks = nla_get_u32(a[NFIPS_A_HOOKS]);

		/* Registered hooks follow at once; otherwise at the next commit. */
		if (nn->hooks_on)
			ret = nfips_hooks_set(nn, hooks);
		if (ret) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[NFIPS_A_HOOKS],
					    "cannot register the netfilter hooks");
			goto out;
		}
		nn->hooks = hooks;
	}
	if (a[NFIPS_A_MODE])
		WRITE_ONCE(nn->mode, nla_get_u8(a[NFIPS_A_MODE]));
	if (a[NFIPS_A_FAIL_OPEN])
		WRITE_ONCE(nn->fail_open, nla_get_u8(a[NFIPS_A_FAIL_OPEN]));
	if (a[NFIPS_A_EVENT_RATE])
		WRITE_ONCE(nn->event_rate, nla_get_u32(a[NFIPS_A_EVENT_RATE]));
	if (a[NFIPS_A_STREAM_DEPTH])
		WRITE_ONCE(nn->stream_depth, nla_get_u32(a[NFIPS_A_STREAM_DEPTH]));
out:
	mutex_unlock(&nn->lock);
	return ret;
}

/*
 * The daemon's registration, under nn->lock: @queues 0 removes it. A new
 * epoch unless the same socket registers the same queues again: flows
 * queued to an earlier daemon go back to the kernel (hooks.c).
 */
static void daemon_set(struct nfips_net *nn, u16 queue, u16 queues, u32 portid)
{
	u64 d = nn->daemon;

	lockdep_assert_held(&nn->lock);
	if (queues && d && portid == nn->daemon_portid &&
	    nfips_daemon_queue(d) == queue && nfips_daemon_queues(d) == queues)
		return;
	if (!++nn->epoch)
		++nn->epoch;
	d = queues ? (u64)queue << 32 | (u64)queues << 16 | nn->epoch : 0;
	WRITE_ONCE(nn->daemon, d);
	WRITE_ONCE(nn->daemon_portid, queues ? portid : 0);
	nn->qfail_done += nn->qfail;
	nn->qfail = 0;
	WRITE_ONCE(nn->overload, 0);
}

static int nfips_daemon_register(struct sk_buff *skb, struct genl_info *info)
{
	struct nfips_net *nn = info_nn(info);
	struct nlattr **a = info->attrs;
	u16 queue, queues;
	int ret = 0;

	if (!a[NFIPS_A_QUEUE] || !a[NFIPS_A_QUEUE_NUM]) {
		NL_SET_ERR_MSG(info->extack, "first queue and number of queues needed");
		return -EINVAL;
	}
	queue = nla_get_u16(a[NFIPS_A_QUEUE]);
	queues = nla_get_u16(a[NFIPS_A_QUEUE_NUM]);
	if ((u32)queue + queues - 1 > U16_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[NFIPS_A_QUEUE_NUM],
				    "queues past 65535");
		return -ERANGE;
	}
	mutex_lock(&nn->lock);
	if (nn->daemon && nn->daemon_portid != info->snd_portid) {
		NL_SET_ERR_MSG(info->extack, "another daemon is registered");
		ret = -EBUSY;
	} else {
		daemon_set(nn, queue, queues, info->snd_portid);
	}
	mutex_unlock(&nn->lock);
	return ret;
}

static int nfips_daemon_unregister(struct sk_buff *skb, struct genl_info *info)
{
	struct nfips_net *nn = info_nn(info);
	int ret = 0;

	mutex_lock(&nn->lock);
	if (nn->daemon && nn->daemon_portid == info->snd_portid)
		daemon_set(nn, 0, 0, 0);
	else
		ret = -ENOENT;
	mutex_unlock(&nn->lock);
	if (ret)
		NL_SET_ERR_MSG(info->extack, "this socket is not the registered daemon");
	return ret;
}

static int nfips_daemon_report(struct sk_buff *skb, struct genl_info *info)
{
	struct nfips_net *nn = info_nn(info);
	struct nlattr **a = info->attrs;
	int ret = 0;

	mutex_lock(&nn->lock);
	if (!nn->daemon || nn->daemon_portid != info->snd_portid) {
		NL_SET_ERR_MSG(info->extack, "this socket is not the registered daemon");
		ret = -ENOENT;
		goto out;
	}
	if (a[NFIPS_A_OVERLOAD])
		WRITE_ONCE(nn->overload, nla_get_u8(a[NFIPS_A_OVERLOAD]));
	if (a[NFIPS_A_QUEUE_FAILOPEN])
		nn->qfail = nla_get_u64(a[NFIPS_A_QUEUE_FAILOPEN]);
out:
	mutex_unlock(&nn->lock);
	return ret;
}

/* The flow key of NFIPS_A_FLOW, as the packet path builds it. */
static int flow_from_attrs(struct nlattr *nest, struct nfips_flow_key *key,
			   u32 *ct_id, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFIPS_FLOW_A_MAX + 1];
	struct nfips_pkt pkt = { 0 };
	unsigned int dir, alen;
	int ret;

	ret = nla_parse_nested(tb, NFIPS_FLOW_A_MAX, nest, flow_policy, extack);
	if (ret)
		return ret;
	if (!tb[NFIPS_FLOW_A_FAMILY] || !tb[NFIPS_FLOW_A_L4PROTO] ||
	    !tb[NFIPS_FLOW_A_SADDR] || !tb[NFIPS_FLOW_A_DADDR] ||
	    !tb[NFIPS_FLOW_A_SPORT] || !tb[NFIPS_FLOW_A_DPORT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "flow needs family, protocol, addresses and ports");
		return -EINVAL;
	}
	pkt.family = nla_get_u8(tb[NFIPS_FLOW_A_FAMILY]);
	pkt.l4proto = nla_get_u8(tb[NFIPS_FLOW_A_L4PROTO]);
	if (pkt.family != AF_INET && pkt.family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPS_FLOW_A_FAMILY],
				    "family is AF_INET or AF_INET6");
		return -EINVAL;
	}
	if (pkt.l4proto != IPPROTO_TCP && pkt.l4proto != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPS_FLOW_A_L4PROTO],
				    "protocol is IPPROTO_TCP or IPPROTO_UDP");
		return -EINVAL;
	}
	/* AF_INET and AF_INET6 are NFPROTO_IPV4 and NFPROTO_IPV6. */
	alen = pkt.family == AF_INET ? 4 : 16;
	if (nla_len(tb[NFIPS_FLOW_A_SADDR]) != alen ||
	    nla_len(tb[NFIPS_FLOW_A_DADDR]) != alen) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "address length not the family's");
		return -EINVAL;
	}
	memcpy(&pkt.saddr, nla_data(tb[NFIPS_FLOW_A_SADDR]), alen);
	memcpy(&pkt.daddr, nla_data(tb[NFIPS_FLOW_A_DADDR]), alen);
	pkt.sport = nla_get_u16(tb[NFIPS_FLOW_A_SPORT]);
	pkt.dport = nla_get_u16(tb[NFIPS_FLOW_A_DPORT]);
	nfips_flow_key(&pkt, key, &dir);
	*ct_id = tb[NFIPS_FLOW_A_CT_ID] ? nla_get_u32(tb[NFIPS_FLOW_A_CT_ID]) : 0;
	return 0;
}

static int nfips_flow_verdict(struct sk_buff *skb, struct genl_info *info)
{
	struct nfips_net *nn = info_nn(info);
	struct nlattr **a = info->attrs;
	struct nfips_flow_key key;
	struct nfips_flows *ft;
	u32 ct_id;
	u8 v;
	int ret;

	if (!a[NFIPS_A_FLOW] || !a[NFIPS_A_VERDICT]) {
		NL_SET_ERR_MSG(info->extack, "flow and verdict needed");
		return -EINVAL;
	}
	v = nla_get_u8(a[NFIPS_A_VERDICT]);
	if (v == NFIPS_FLOW_QUEUE) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[NFIPS_A_VERDICT],
				    "only a selector queues a flow");
		return -EINVAL;
	}
	ret = flow_from_attrs(a[NFIPS_A_FLOW], &key, &ct_id, info->extack);
	if (ret)
		return ret;
	/* The daemon decides for the flows queued to it; nobody else. */
	mutex_lock(&nn->lock);
	if (!nn->daemon || nn->daemon_portid != info->snd_portid) {
		mutex_unlock(&nn->lock);
		NL_SET_ERR_MSG(info->extack, "this socket is not the registered daemon");
		return -EPERM;
	}
	rcu_read_lock();
	ft = rcu_dereference(nn->flows);
	ret = ft ? nfips_flow_set_verdict(ft, &key, ct_id, v) : -ENOENT;
	rcu_read_unlock();
	mutex_unlock(&nn->lock);
	if (ret == -ESTALE)
		NL_SET_ERR_MSG(info->extack,
			       "the flow's connection is not the conntrack id's");
	else if (ret)
		NL_SET_ERR_MSG(info->extack, "no such flow in the flow table");
	return ret;
}

static const struct genl_ops nfips_genl_ops[] = {
	{
		.cmd = NFIPS_CMD_POLICY_BEGIN,
		.doit = nfips_begin,
		.policy = begin_policy,
		.maxattr = ARRAY_SIZE(begin_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFIPS_CMD_POLICY_ADD,
		.doit = nfips_add,
		.policy = add_policy,
		.maxattr = ARRAY_SIZE(add_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFIPS_CMD_POLICY_COMMIT,
		.doit = nfips_commit,
		.policy = txn_policy,
		.maxattr = ARRAY_SIZE(txn_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFIPS_CMD_POLICY_ABORT,
		.doit = nfips_abort,
		.policy = txn_policy,
		.maxattr = ARRAY_SIZE(txn_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFIPS_CMD_POLICY_FLUSH,
		.doit = nfips_flush,
		.policy = none_policy,
		.maxattr = ARRAY_SIZE(none_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFIPS_CMD_GET_STATUS,
		.doit = nfips_status,
		.policy = none_policy,
		.maxattr = ARRAY_SIZE(none_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFIPS_CMD_GET_RULES,
		.dumpit = nfips_rules_dump,
		.policy = none_policy,
		.maxattr = ARRAY_SIZE(none_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFIPS_CMD_SET_CONFIG,
		.doit = nfips_set_config,
		.policy = config_policy,
		.maxattr = ARRAY_SIZE(config_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFIPS_CMD_DAEMON_REGISTER,
		.doit = nfips_daemon_register,
		.policy = register_policy,
		.maxattr = ARRAY_SIZE(register_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFIPS_CMD_DAEMON_UNREGISTER,
		.doit = nfips_daemon_unregister,
		.policy = none_policy,
		.maxattr = ARRAY_SIZE(none_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFIPS_CMD_DAEMON_REPORT,
		.doit = nfips_daemon_report,
		.policy = report_policy,
		.maxattr = ARRAY_SIZE(report_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFIPS_CMD_FLOW_VERDICT,
		.doit = nfips_flow_verdict,
		.policy = verdict_policy,
		.maxattr = ARRAY_SIZE(verdict_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFIPS_CMD_BLOCK_ADD,
		.doit = nfips_block_add_doit,
		.policy = nfips_block_add_policy,
		.maxattr = NFIPS_A_BLOCK,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFIPS_CMD_BLOCK_DEL,
		.doit = nfips_block_del_doit,
		.policy = nfips_block_del_policy,
		.maxattr = NFIPS_A_BLOCK,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NFIPS_CMD_BLOCK_LIST,
		.dumpit = nfips_blocks_dump,
		.policy = none_policy,
		.maxattr = ARRAY_SIZE(none_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

/*
 * Events name addresses and ports of the namespace's traffic: only
 * CAP_NET_ADMIN (in the namespace's user namespace) may listen. Kernels
 * before GENL_MCAST_CAP_NET_ADMIN (6.7, and the stable releases it was
 * backported to) let anyone join any group; the module does not build
 * there rather than open the group silently.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
/* Linux 6.7, or a stable kernel it was backported to. */
#error "nfips needs GENL_MCAST_CAP_NET_ADMIN to keep its events group admin-only"
#endif

static const struct genl_multicast_group nfips_mcgrps[] = {
	[NFIPS_GRP_EVENTS] = {
		.name = NFIPS_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family nfips_genl_family __ro_after_init = {
	.name = NFIPS_GENL_NAME,
	.version = NFIPS_GENL_VERSION,
	.maxattr = NFIPS_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.ops = nfips_genl_ops,
	.n_ops = ARRAY_SIZE(nfips_genl_ops),
	.resv_start_op = NFIPS_CMD_UNSPEC + 1,
	.mcgrps = nfips_mcgrps,
	.n_mcgrps = ARRAY_SIZE(nfips_mcgrps),
	.module = THIS_MODULE,
};

/*
 * A socket closed with a transaction open: drop the transaction. The
 * daemon's socket closed (it stopped or was killed): no daemon.
 */
static int nfips_nl_notify(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct netlink_notify *n = ptr;
	struct nfips_net *nn;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	nn = nfips_pernet(n->net);
	/*
	 * Nearly every genl socket closed in the namespace is neither; those
	 * must not wait for a commit holding the lock. A socket that is
	 * closing begins no transaction and registers no daemon, so an owner
	 * that is not this socket now will not become it.
	 */
	if (READ_ONCE(nn->txn_portid) != n->portid &&
	    READ_ONCE(nn->daemon_portid) != n->portid)
		return NOTIFY_DONE;
	mutex_lock(&nn->lock);
	if (nn->txn && nn->txn->portid == n->portid)
		nfips_txn_abort(nn);
	if (nn->daemon && nn->daemon_portid == n->portid)
		daemon_set(nn, 0, 0, 0);
	mutex_unlock(&nn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block nfips_nl_notifier = {
	.notifier_call = nfips_nl_notify,
};

int __init nfips_genl_init(void)
{
	int ret;

	ret = netlink_register_notifier(&nfips_nl_notifier);
	if (ret)
		return ret;
	ret = genl_register_family(&nfips_genl_family);
	if (ret)
		goto err_notifier;
	return 0;

err_notifier:
	netlink_unregister_notifier(&nfips_nl_notifier);
	return ret;
}

void nfips_genl_exit(void)
{
	genl_unregister_family(&nfips_genl_family);
	netlink_unregister_notifier(&nfips_nl_notifier);
}
