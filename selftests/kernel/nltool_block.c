// SPDX-License-Identifier: GPL-2.0
/*
 * nltool badblock: block commands the kernel must refuse, each with
 * EINVAL and an extended ack message saying what is wrong, and a good
 * one it must take (then removed). One line per case; exit 1 on the
 * first case the kernel answers otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "nltool.h"
#include "uapi/nfips.h"

enum {
	F_FAMILY = 1, F_ADDR = 2, F_PREFIX = 4, F_TIMEOUT = 8, F_UNKNOWN = 16,
	F_ZERO_ADDR = 32, F_EXTRA_TOP = 64, F_HITS = 128,
};

struct bcase {
	const char *name;
	uint8_t cmd;
	unsigned int fields;
	uint8_t family;
	const char *addr;
	uint8_t prefix;
	int want;		/* errno, negative; 0 accepted */
	const char *msg;	/* in the extended ack */
};

static const struct bcase cases[] = {
	{ "IPv4 prefix 33", NFIPS_CMD_BLOCK_ADD, F_FAMILY | F_ADDR | F_PREFIX,
	  AF_INET, "192.0.2.0", 33, -EINVAL, "prefix length longer than the address" },
	{ "IPv6 prefix 129", NFIPS_CMD_BLOCK_ADD, F_FAMILY | F_ADDR | F_PREFIX,
	  AF_INET6, "2001:db8::", 129, -ERANGE, "" },
	{ "prefix 0", NFIPS_CMD_BLOCK_ADD, F_FAMILY | F_ADDR | F_PREFIX,
	  AF_INET, "0.0.0.0", 0, -ERANGE, "" },
	{ "unknown attribute in the block", NFIPS_CMD_BLOCK_ADD,
	  F_FAMILY | F_ADDR | F_PREFIX | F_UNKNOWN, AF_INET, "192.0.2.1", 32,
	  -EINVAL, "" },
	{ "unknown top-level attribute", NFIPS_CMD_BLOCK_ADD,
	  F_FAMILY | F_ADDR | F_PREFIX | F_EXTRA_TOP, AF_INET, "192.0.2.1", 32,
	  -EINVAL, "" },
	{ "zero-length address", NFIPS_CMD_BLOCK_ADD,
	  F_FAMILY | F_ZERO_ADDR | F_PREFIX, AF_INET, "192.0.2.1", 32, -ERANGE, "" },
	{ "IPv6 address for AF_INET", NFIPS_CMD_BLOCK_ADD,
	  F_FAMILY | F_ADDR | F_PREFIX, AF_INET, "2001:db8::1", 32, -EINVAL,
	  "address length not the family's" },
	{ "unknown family", NFIPS_CMD_BLOCK_ADD, F_FAMILY | F_ADDR | F_PREFIX,
	  AF_PACKET, "192.0.2.1", 32, -EINVAL, "family is AF_INET or AF_INET6" },
	{ "host bits past the prefix", NFIPS_CMD_BLOCK_ADD,
	  F_FAMILY | F_ADDR | F_PREFIX, AF_INET, "192.0.2.1", 24, -EINVAL,
	  "address has bits set past the prefix length" },
	{ "no prefix", NFIPS_CMD_BLOCK_ADD, F_FAMILY | F_ADDR, AF_INET,
	  "192.0.2.1", 32, -EINVAL, "block needs family, address and prefix length" },
	{ "timeout on an unblock", NFIPS_CMD_BLOCK_DEL,
	  F_FAMILY | F_ADDR | F_PREFIX | F_TIMEOUT, AF_INET, "192.0.2.1", 32,
	  -EINVAL, "" },
	{ "a list reply's hits on a block", NFIPS_CMD_BLOCK_ADD,
	  F_FAMILY | F_ADDR | F_PREFIX | F_HITS, AF_INET, "192.0.2.1", 32,
	  -EINVAL, "" },
	{ "IPv4-mapped IPv6 address", NFIPS_CMD_BLOCK_ADD, F_FAMILY | F_ADDR | F_PREFIX,
	  AF_INET6, "::ffff:192.0.2.1", 128, -EINVAL, "IPv4-mapped address" },
	{ "good IPv6 /64", NFIPS_CMD_BLOCK_ADD, F_FAMILY | F_ADDR | F_PREFIX,
	  AF_INET6, "2001:db8:0:1::", 64, 0, NULL },
	{ "remove it", NFIPS_CMD_BLOCK_DEL, F_FAMILY | F_ADDR | F_PREFIX,
	  AF_INET6, "2001:db8:0:1::", 64, 0, NULL },
	{ "remove it again", NFIPS_CMD_BLOCK_DEL, F_FAMILY | F_ADDR | F_PREFIX,
	  AF_INET6, "2001:db8:0:1::", 64, -ENOENT, "no such block" },
};

static void build(struct msg *m, const struct bcase *c)
{
	uint8_t a[16] = { 0 };
	int alen = 4;
	struct nlattr *nest;

	if (inet_pton(AF_INET6, c->addr, a) == 1)
		alen = 16;
	else
		inet_pton(AF_INET, c->addr, a);
	msg_init(m, family, 0, c->cmd);
	nest = nest_start(m, NFIPS_A_BLOCK);
	if (c->fields & F_FAMILY)
		put_u8(m, NFIPS_BLOCK_A_FAMILY, c->family);
	if (c->fields & F_ADDR)
		put(m, NFIPS_BLOCK_A_ADDR, a, alen);
	if (c->fields & F_ZERO_ADDR)
		put(m, NFIPS_BLOCK_A_ADDR, NULL, 0);
	if (c->fields & F_PREFIX)
		put_u8(m, NFIPS_BLOCK_A_PREFIX, c->prefix);
	if (c->fields & F_TIMEOUT)
		put_u32(m, NFIPS_BLOCK_A_TIMEOUT, 60);
	if (c->fields & F_HITS)
		put_u32(m, NFIPS_BLOCK_A_HITS, 1);
	if (c->fields & F_UNKNOWN)
		put_u32(m, NFIPS_BLOCK_A_MAX + 1, 1);
	nest_end(m, nest);
	if (c->fields & F_EXTRA_TOP)
		put_u32(m, NFIPS_A_TXN_ID, 1);
}

int bad_blocks(void)
{
	static struct msg m;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct bcase *c = &cases[i];

		build(&m, c);
		ret = transact(&m, 0, NULL);
		if (ret != c->want) {
			fprintf(stderr, "nltool: %s: want %s, got %s (%s)\n", c->name,
				c->want ? strerror(-c->want) : "success",
				ret ? strerror(-ret) : "success", ext_msg);
			return 1;
		}
		if (c->msg && (!ext_msg[0] || !strstr(ext_msg, c->msg))) {
			fprintf(stderr, "nltool: %s: message '%s', want '%s'\n",
				c->name, ext_msg, c->msg[0] ? c->msg : "(any)");
			return 1;
		}
		printf("%s: %s%s%s\n", c->name, ret ? strerror(-ret) : "accepted",
		       ext_msg[0] && ret ? ": " : "", ret ? ext_msg : "");
	}
	return 0;
}
