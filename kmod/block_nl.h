/* SPDX-License-Identifier: GPL-2.0 */
/* block_nl.c: the block commands' policies and handlers, for netlink.c. */
#ifndef _NFIPS_BLOCK_NL_H
#define _NFIPS_BLOCK_NL_H

#include <net/genetlink.h>
#include "uapi/nfips.h"

extern const struct nla_policy nfips_block_add_policy[NFIPS_A_BLOCK + 1];
extern const struct nla_policy nfips_block_del_policy[NFIPS_A_BLOCK + 1];

int nfips_block_add_doit(struct sk_buff *skb, struct genl_info *info);
int nfips_block_del_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* _NFIPS_BLOCK_NL_H */
