// SPDX-License-Identifier: GPL-2.0
/*
 * nltool's policies of a chosen size, for the memory tests
 * (policy_userns.sh, policy_kill.sh, policy_budget.sh, netns_storm.sh):
 * N distinct random patterns make a trie of about N x LEN states, so the
 * size of the automaton the kernel must build is known in advance.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>

#include "../../kmod/uapi/nfips.h"
#include "nltool.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int refusal(const char *what, int err)
{
	printf("%s refused: %s (%s)\n", what, strerror(-err),
	       ext_msg[0] ? ext_msg : "no message");
	return 3;
}

/*
 * The policy's memory and the flow table's size as GET_STATUS reports
 * them (NFIPS_A_MEMORY, NFIPS_A_FLOW_SLOTS).
 */
static unsigned long long policy_memory(uint32_t *flows)
{
	static struct msg m;
	struct nlmsghdr *r = (struct nlmsghdr *)m.data;
	unsigned long long mem = 0;
	size_t off;
	ssize_t n;

	msg_init(&m, family, 0, NFIPS_CMD_GET_STATUS);
	r->nlmsg_len = m.len;
	if (send(fd, m.data, m.len, 0) < 0)
		return 0;
	/* The reply comes first, then the ack. */
	n = recv(fd, m.data, sizeof(m.data), 0);
	if (n < (ssize_t)NLMSG_HDRLEN || r->nlmsg_type != family)
		return 0;
	for (off = NLMSG_HDRLEN + GENL_HDRLEN; off + NLA_HDRLEN <= r->nlmsg_len;) {
		const struct nlattr *a = (const void *)(m.data + off);

		if (a->nla_len < NLA_HDRLEN)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NFIPS_A_MEMORY &&
		    a->nla_len == NLA_HDRLEN + 8)
			memcpy(&mem, (const uint8_t *)a + NLA_HDRLEN, 8);
		if ((a->nla_type & NLA_TYPE_MASK) == NFIPS_A_FLOW_SLOTS &&
		    a->nla_len == NLA_HDRLEN + 4)
			memcpy(flows, (const uint8_t *)a + NLA_HDRLEN, 4);
		off += NLA_ALIGN(a->nla_len);
	}
	recv(fd, m.data, sizeof(m.data), 0);	/* the ack */
	return mem;
}

/* A transaction of @n random @len-byte patterns; "committing" before the commit. */
static int commit_random(long n, int len, unsigned int seed, uint32_t *serial,
			 int verbose)
{
	static struct msg m;
	long i = 0, per_batch;
	uint32_t txn = 0;
	char pat[256];
	int k, ret;

	srand(seed);
	ret = begin(NFIPS_POLICY_VERSION, &txn);
	if (ret)
		return ret;
	per_batch = (BUF_SIZE - 256) / (48 + NLA_ALIGN(len));
	while (i < n) {
		struct nlattr *list;
		long b;

		msg_init(&m, family, 0, NFIPS_CMD_POLICY_ADD);
		put_u32(&m, NFIPS_A_TXN_ID, txn);
		list = nest_start(&m, NFIPS_A_RULES);
		for (b = 0; b < per_batch && i < n; b++, i++) {
			struct nlattr *r = nest_start(&m, b + 1);

			for (k = 0; k < len; k++)
				pat[k] = 'a' + rand() % 26;
			put_u32(&m, NFIPS_RULE_A_SID, 1000000 + i);
			put_u8(&m, NFIPS_RULE_A_ACTION, NFIPS_ACT_ALERT);
			put_u8(&m, NFIPS_RULE_A_PROTO, NFIPS_RPROTO_TCP);
			put(&m, NFIPS_RULE_A_PATTERN, pat, len);
			nest_end(&m, r);
		}
		nest_end(&m, list);
		ret = transact(&m, 0, NULL);
		if (ret)
			return ret;
	}
	if (verbose) {
		printf("committing\n");
		fflush(stdout);
	}
	msg_init(&m, family, 0, NFIPS_CMD_POLICY_COMMIT);
	put_u32(&m, NFIPS_A_TXN_ID, txn);
	return transact(&m, NFIPS_A_SERIAL, serial);
}

/*
 * Prints "committing" just before the commit, so that a test can signal
 * the build itself, then how the commit ended and how long it took.
 */
int big_policy(long n, int len, unsigned int seed)
{
	struct timeval tv = { .tv_sec = 900 };
	uint32_t serial = 0, flows = 0;
	unsigned long long mem;
	double t0;
	int ret;

	if (n < 1 || len < 4 || len > 255) {
		fprintf(stderr, "nltool big: N >= 1, 4 <= LEN <= 255\n");
		return 2;
	}
	/* Builds of hundreds of MB take minutes under TCG. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	t0 = now_ms();
	ret = commit_random(n, len, seed, &serial, 1);
	if (ret) {
		printf("after %.0f ms: ", now_ms() - t0);
		return refusal("policy", ret);
	}
	t0 = now_ms() - t0;
	mem = policy_memory(&flows);
	printf("serial=%u memory=%llu flows=%u ms=%.0f\n", serial, mem, flows, t0);
	return 0;
}

/*
 * @n network namespaces, each with a small policy (hooks on, flow table,
 * automaton), kept alive by their sockets; exiting destroys them all at
 * once. Prints "ready N" once they exist, then waits for stdin to close.
 */
int ns_storm(long n)
{
	uint32_t serial;
	char c;
	long i;
	int ret;

	for (i = 0; i < n; i++) {
		if (unshare(CLONE_NEWNET))
			return fail("unshare", -errno);
		ret = nl_open();
		if (ret)
			return fail("socket in a new namespace", ret);
		ret = commit_random(4, 8, i, &serial, 0);
		if (ret)
			return fail("policy in a new namespace", ret);
	}
	printf("ready %ld\n", n);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}

/*
 * Closing a generic netlink socket runs the module's NETLINK_URELEASE
 * notifier: how long that takes, from a process already in the
 * namespace (starting one is slow in the guest).
 */
int timed_close(void)
{
	char line[16];
	double t0;

	printf("ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	t0 = now_ms();
	close(fd);
	printf("%.0f\n", now_ms() - t0);
	return 0;
}

int flush_policy(void)
{
	static struct msg m;
	int ret;

	msg_init(&m, family, 0, NFIPS_CMD_POLICY_FLUSH);
	ret = transact(&m, 0, NULL);
	return ret ? fail("flush", ret) : 0;
}
