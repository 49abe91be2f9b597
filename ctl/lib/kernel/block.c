// SPDX-License-Identifier: GPL-2.0
/*
 * Client of the block commands (NFIPS_CMD_BLOCK_*): add, remove, list.
 * The kernel keeps address, prefix and expiry; who and why are the
 * store's (nfipsctl block records them).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "nl_int.h"

static int put_block(struct nl_msg *msg, const struct nfips_nl_block *b,
		     bool timeout)
{
	struct nlattr *nest = nla_nest_start(msg, NFIPS_A_BLOCK);

	if (!nest ||
	    nla_put_u8(msg, NFIPS_BLOCK_A_FAMILY, b->family) ||
	    nla_put(msg, NFIPS_BLOCK_A_ADDR, b->family == AF_INET ? 4 : 16,
		    b->addr) ||
	    nla_put_u8(msg, NFIPS_BLOCK_A_PREFIX, b->plen) ||
	    (timeout && b->timeout &&
	     nla_put_u32(msg, NFIPS_BLOCK_A_TIMEOUT, b->timeout)))
		return -1;
	nla_nest_end(msg, nest);
	return 0;
}

static int block_cmd(struct nfips_nl *nl, uint8_t cmd,
		     const struct nfips_nl_block *b, const char *what)
{
	struct nl_msg *msg = nfips_nl_new_msg(nl, cmd, 0);

	if (!msg || put_block(msg, b, cmd == NFIPS_CMD_BLOCK_ADD)) {
		nlmsg_free(msg);
		return nfips_nl_seterr(nl, -ENOMEM, "out of memory");
	}
	return nfips_nl_request(nl, msg, what, NULL, NULL, NULL);
}

int nfips_nl_block_add(struct nfips_nl *nl, const struct nfips_nl_block *b)
{
	return block_cmd(nl, NFIPS_CMD_BLOCK_ADD, b, "block");
}

int nfips_nl_block_del(struct nfips_nl *nl, const struct nfips_nl_block *b)
{
	return block_cmd(nl, NFIPS_CMD_BLOCK_DEL, b, "unblock");
}

struct list {
	struct nfips_nl_block *v;
	size_t n, cap;
};

static int block_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[NFIPS_A_MAX + 1], *a[NFIPS_BLOCK_A_MAX + 1];
	struct list *l = arg;
	struct nfips_nl_block *b;
	int alen;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NFIPS_A_MAX, NULL) ||
	    !tb[NFIPS_A_BLOCK] ||
	    nla_parse_nested(a, NFIPS_BLOCK_A_MAX, tb[NFIPS_A_BLOCK], NULL) ||
	    !a[NFIPS_BLOCK_A_FAMILY] || !a[NFIPS_BLOCK_A_ADDR] ||
	    !a[NFIPS_BLOCK_A_PREFIX])
		return -EPROTO;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;

		b = realloc(l->v, cap * sizeof(*b));
		if (!b)
			return -ENOMEM;
		l->v = b;
		l->cap = cap;
	}
	b = &l->v[l->n];
	memset(b, 0, sizeof(*b));
	b->family = nla_get_u8(a[NFIPS_BLOCK_A_FAMILY]);
	alen = b->family == AF_INET ? 4 : 16;
	if (nla_len(a[NFIPS_BLOCK_A_ADDR]) != alen)
		return -EPROTO;
	memcpy(b->addr, nla_data(a[NFIPS_BLOCK_A_ADDR]), alen);
	b->plen = nla_get_u8(a[NFIPS_BLOCK_A_PREFIX]);
	if (a[NFIPS_BLOCK_A_REMAINING]) {
		b->expires = true;
		b->remaining_ms = nla_get_u64(a[NFIPS_BLOCK_A_REMAINING]);
	}
	if (a[NFIPS_BLOCK_A_HITS])
		b->hits = nla_get_u64(a[NFIPS_BLOCK_A_HITS]);
	l->n++;
	return 0;
}

int nfips_nl_block_list(struct nfips_nl *nl,
			int (*fn)(void *arg, const struct nfips_nl_block *b),
			void *arg)
{
	struct list l = { 0 };
	struct nl_msg *msg;
	bool intr = true;
	int tries, ret = 0;
	size_t i;

	/* A change during the dump mixes two tables: start over. */
	for (tries = 0; intr && tries < 5; tries++) {
		l.n = 0;
		msg = nfips_nl_new_msg(nl, NFIPS_CMD_BLOCK_LIST, NLM_F_DUMP);
		if (!msg) {
			ret = nfips_nl_seterr(nl, -ENOMEM, "out of memory");
			goto out;
		}
		ret = nfips_nl_request(nl, msg, "block list", block_reply, &l,
				       &intr);
		if (ret)
			goto out;
	}
	if (intr) {
		ret = nfips_nl_seterr(nl, -EAGAIN,
				      "block list: the blocks kept changing");
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		ret = fn(arg, &l.v[i]);
		if (ret)
			break;
	}
out:
	free(l.v);
	return ret;
}
