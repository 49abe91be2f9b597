/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What nltool.c's subcommands share: one generic netlink socket bound to
 * the "nfips" family, and a message builder for it.
 */
#ifndef NLTOOL_H
#define NLTOOL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#define BUF_SIZE	65536
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct msg {
	size_t len;
	uint8_t data[BUF_SIZE];
};

extern int fd;			/* the socket, bound, extended acks on */
extern uint16_t family;		/* the nfips family's id */
extern char ext_msg[256];	/* the last error's extended ack message */

struct nlmsghdr *msg_init(struct msg *m, uint16_t type, uint16_t flags,
			  uint8_t cmd);
struct nlattr *put(struct msg *m, uint16_t type, const void *data, size_t len);
void put_u32(struct msg *m, uint16_t type, uint32_t v);
void put_u8(struct msg *m, uint16_t type, uint8_t v);
struct nlattr *nest_start(struct msg *m, uint16_t type);
void nest_end(struct msg *m, struct nlattr *a);
int transact(struct msg *m, uint16_t want, uint32_t *out);
int begin(uint32_t version, uint32_t *txn);
int txn_cmd(uint8_t cmd, uint32_t txn);
int fail(const char *what, int err);
int nl_open(void);

/* nltool_mem.c */
int big_policy(long n, int len, unsigned int seed);
int flush_policy(void);
int ns_storm(long n);
int timed_close(void);

/* nltool_block.c */
int bad_blocks(void);

#endif /* NLTOOL_H */
