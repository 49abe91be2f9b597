// SPDX-License-Identifier: GPL-2.0
/*
 * Raw generic netlink client for the kernel selftests: sends what nfipsctl
 * never would (bad rules in a transaction, unknown versions, random and
 * malformed messages) and checks the module's answers.
 *
 *   nltool badtxn        a batch with one bad rule is refused whole
 *   nltool badver        an unknown policy wire format version is refused
 *   nltool fuzz N SEED   N random messages; the family must still answer
 *   nltool storm N SEED  N policy commits of random policies, with flushes,
 *                        configuration changes, aborts and dumps in between
 *   nltool daemon QUEUE QUEUES VERDICT AFTER OUT
 *                        a stand-in for nfipsd: binds NFQUEUE QUEUE ..
 *                        QUEUE+QUEUES-1, registers as the daemon, accepts
 *                        every packet and counts them per flow into OUT;
 *                        after AFTER packets of a flow sets its VERDICT
 *                        (none, inspect, bypass, drop), naming the
 *                        conntrack id NFQUEUE gave (NLTOOL_STALE=1: another
 *                        one, for the -ESTALE test); SIGUSR1 reports
 *                        over budget, SIGUSR2 back under, SIGHUP what
 *                        NFQUEUE let through unseen; stops when OUT.stop
 *                        exists or on SIGTERM
 *   nltool verdict VERDICT FAMILY PROTO SADDR SPORT DADDR DPORT
 *                        sets a flow's verdict from another socket than
 *                        the daemon's (the kernel refuses it: -EPERM)
 *   nltool big N LEN SEED
 *                        commits a policy of N random LEN-byte patterns
 *                        (nltool_mem.c): exit 0 and "serial=S memory=M
 *                        flows=F" (its flow table),
 *                        or 3 and the refusal with the kernel's message
 *   nltool flush         flushes the namespace's policy
 *   nltool resolve       opens a socket, resolves the family, closes it
 *   nltool close         the same, but closes it when stdin gives a line,
 *                        and prints how many ms close() took
 *   nltool nsstorm N     N new network namespaces with a policy each,
 *                        destroyed together when stdin closes
 *
 * Exit 0 when the module behaved, 1 otherwise (with the reason on stderr).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netlink.h>

#include "../../kmod/uapi/nfips.h"

#include "nltool.h"

int fd;
uint16_t family;
static uint32_t seq;
static uint8_t buf[BUF_SIZE];
char ext_msg[256];

struct nlmsghdr *msg_init(struct msg *m, uint16_t type, uint16_t flags,
				 uint8_t cmd)
{
	struct nlmsghdr *h = (struct nlmsghdr *)m->data;
	struct genlmsghdr *g;

	memset(m->data, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = ++seq;
	g = (struct genlmsghdr *)(m->data + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = NFIPS_GENL_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	return h;
}

struct nlattr *put(struct msg *m, uint16_t type, const void *data,
			  size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->data + m->len);

	if (m->len + NLA_ALIGN(NLA_HDRLEN + len) > sizeof(m->data))
		return NULL;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
	memset((uint8_t *)a + NLA_HDRLEN + len, 0,
	       NLA_ALIGN(a->nla_len) - a->nla_len);
	m->len += NLA_ALIGN(a->nla_len);
	return a;
}

void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, sizeof(v));
}

void put_u8(struct msg *m, uint16_t type, uint8_t v)
{
	put(m, type, &v, sizeof(v));
}

struct nlattr *nest_start(struct msg *m, uint16_t type)
{
	return put(m, type | NLA_F_NESTED, NULL, 0);
}

void nest_end(struct msg *m, struct nlattr *a)
{
	a->nla_len = m->data + m->len - (uint8_t *)a;
}

/* When set, transact() stores a GET_STATUS reply's QUEUED counter here. */
static uint64_t *queued_out;

static void find_queued(const struct nlmsghdr *r)
{
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN, in;

	while (off + NLA_HDRLEN <= r->nlmsg_len) {
		const struct nlattr *a = (const void *)((const uint8_t *)r + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > r->nlmsg_len)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == NFIPS_A_STATS) {
			for (in = NLA_HDRLEN; in + NLA_HDRLEN + 8 <= a->nla_len;) {
				const struct nlattr *b = (const void *)((const uint8_t *)a + in);

				if (b->nla_len < NLA_HDRLEN)
					return;
				if ((b->nla_type & NLA_TYPE_MASK) == NFIPS_STAT_A_QUEUED &&
				    b->nla_len == NLA_HDRLEN + 8)
					memcpy(queued_out, (const uint8_t *)b + NLA_HDRLEN, 8);
				in += NLA_ALIGN(b->nla_len);
			}
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

/*
 * The extended ack's message (NETLINK_EXT_ACK; NETLINK_CAP_ACK leaves
 * the request out, so the attributes follow struct nlmsgerr) to ext_msg.
 */
static void ext_ack(const struct nlmsghdr *r)
{
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nlmsgerr));

	ext_msg[0] = 0;
	if (!(r->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	while (off + NLA_HDRLEN <= r->nlmsg_len) {
		const struct nlattr *a = (const void *)((const uint8_t *)r + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > r->nlmsg_len)
			return;
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			snprintf(ext_msg, sizeof(ext_msg), "%.*s",
				 (int)(a->nla_len - NLA_HDRLEN),
				 (const char *)a + NLA_HDRLEN);
		off += NLA_ALIGN(a->nla_len);
	}
}

/*
 * Sends @m and reads until its ack. Returns the error (0 or negative
 * errno), or -ETIMEDOUT; a u32 attribute @want of a reply goes to *out.
 */
int transact(struct msg *m, uint16_t want, uint32_t *out)
{
	struct nlmsghdr *h = (struct nlmsghdr *)m->data;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	ssize_t n;

	h->nlmsg_len = m->len;
	if (sendto(fd, m->data, m->len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *r;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		for (r = (struct nlmsghdr *)buf; NLMSG_OK(r, n); r = NLMSG_NEXT(r, n)) {
			if (r->nlmsg_seq != h->nlmsg_seq)
				continue;
			if (r->nlmsg_type == NLMSG_ERROR) {
				ext_ack(r);
				return ((struct nlmsgerr *)NLMSG_DATA(r))->error;
			}
			if (r->nlmsg_type == NLMSG_DONE)
				return 0;
			if (queued_out && r->nlmsg_type == h->nlmsg_type)
				find_queued(r);
			if (out && r->nlmsg_type == h->nlmsg_type) {
				size_t off = NLMSG_HDRLEN + GENL_HDRLEN;

				while (off + NLA_HDRLEN <= r->nlmsg_len) {
					struct nlattr *a = (void *)((uint8_t *)r + off);

					if (a->nla_len < NLA_HDRLEN)
						break;
					/* u16 or u32, little endian host */
					if ((a->nla_type & NLA_TYPE_MASK) == want &&
					    a->nla_len >= NLA_HDRLEN + 2) {
						*out = 0;
						memcpy(out, (uint8_t *)a + NLA_HDRLEN,
						       a->nla_len >= NLA_HDRLEN + 4 ? 4 : 2);
					}
					off += NLA_ALIGN(a->nla_len);
				}
			}
		}
	}
}

static int resolve(void)
{
	static struct msg m;
	uint32_t id = 0;
	int ret;

	msg_init(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY);
	((struct genlmsghdr *)(m.data + NLMSG_HDRLEN))->version = 1;
	put(&m, CTRL_ATTR_FAMILY_NAME, NFIPS_GENL_NAME, sizeof(NFIPS_GENL_NAME));
	/* CTRL_ATTR_FAMILY_ID is a u16: read as u32 on little endian. */
	ret = transact(&m, CTRL_ATTR_FAMILY_ID, &id);
	if (ret)
		return ret;
	family = id & 0xffff;
	return family ? 0 : -ENOENT;
}

static void put_rule(struct msg *m, uint16_t idx, uint32_t sid,
		     const char *pattern, uint32_t depth)
{
	struct nlattr *r = nest_start(m, idx);

	put_u32(m, NFIPS_RULE_A_SID, sid);
	put_u8(m, NFIPS_RULE_A_ACTION, NFIPS_ACT_DROP);
	put_u8(m, NFIPS_RULE_A_PROTO, NFIPS_RPROTO_TCP);
	put(m, NFIPS_RULE_A_PATTERN, pattern, strlen(pattern));
	if (depth)
		put_u32(m, NFIPS_RULE_A_DEPTH, depth);
	nest_end(m, r);
}

int begin(uint32_t version, uint32_t *txn)
{
	static struct msg m;

	msg_init(&m, family, 0, NFIPS_CMD_POLICY_BEGIN);
	put_u32(&m, NFIPS_A_POLICY_VERSION, version);
	return transact(&m, NFIPS_A_TXN_ID, txn);
}

int txn_cmd(uint8_t cmd, uint32_t txn)
{
	static struct msg m;

	msg_init(&m, family, 0, cmd);
	put_u32(&m, NFIPS_A_TXN_ID, txn);
	return transact(&m, 0, NULL);
}

int fail(const char *what, int err)
{
	fprintf(stderr, "nltool: %s: %s\n", what, strerror(-err));
	return 1;
}

/* Good batch, then a batch with a bad rule in the middle, then commit. */
static int badtxn(void)
{
	static struct msg m;
	struct nlattr *list;
	uint32_t txn = 0;
	int ret;

	ret = begin(NFIPS_POLICY_VERSION, &txn);
	if (ret)
		return fail("begin", ret);
	msg_init(&m, family, 0, NFIPS_CMD_POLICY_ADD);
	put_u32(&m, NFIPS_A_TXN_ID, txn);
	list = nest_start(&m, NFIPS_A_RULES);
	put_rule(&m, 1, 9001, "BADTXN-GOOD1", 0);
	nest_end(&m, list);
	ret = transact(&m, 0, NULL);
	if (ret)
		return fail("good batch", ret);

	msg_init(&m, family, 0, NFIPS_CMD_POLICY_ADD);
	put_u32(&m, NFIPS_A_TXN_ID, txn);
	list = nest_start(&m, NFIPS_A_RULES);
	put_rule(&m, 1, 9002, "BADTXN-GOOD2", 0);
	put_rule(&m, 2, 9003, "BADTXN-BAD", 3);	/* depth < pattern */
	put_rule(&m, 3, 9004, "BADTXN-GOOD3", 0);
	nest_end(&m, list);
	ret = transact(&m, 0, NULL);
	if (ret != -EINVAL)
		return fail("bad batch: want EINVAL, got", ret ? ret : -0);
	ret = txn_cmd(NFIPS_CMD_POLICY_COMMIT, txn);
	if (ret != -ENOENT)
		return fail("commit after a refused batch: want ENOENT, got", ret);
	printf("bad batch refused, transaction gone\n");
	return 0;
}

static int badver(void)
{
	uint32_t txn = 0;
	int ret = begin(NFIPS_POLICY_VERSION + 1, &txn);

	if (ret != -EPROTONOSUPPORT)
		return fail("begin with a future version: want EPROTONOSUPPORT, got", ret);
	printf("unknown policy version refused\n");
	return 0;
}

/* Random attribute trees: types, lengths, nesting and truncation. */
static void random_attrs(struct msg *m, int depth)
{
	int i, n = rand() % 6;
	uint8_t junk[64];

	for (i = 0; i < n; i++) {
		uint16_t type = rand() % 28;
		size_t len = rand() % 3 ? (size_t)(rand() % 9) : (size_t)(rand() % 64);
		size_t k;

		if (depth < 3 && rand() % 4 == 0) {
			struct nlattr *a = nest_start(m, type | (rand() % 2 ? 0 : NLA_F_NESTED));

			if (!a)
				return;
			random_attrs(m, depth + 1);
			nest_end(m, a);
			continue;
		}
		for (k = 0; k < len; k++)
			junk[k] = rand() % 4 ? rand() : 0xff;
		if (!put(m, type, junk, len))
			return;
	}
}

static int fuzz(long n, unsigned int seed)
{
	static struct msg m;
	long i, refused = 0, accepted = 0;
	struct nlmsghdr *h;
	uint32_t txn = 0;
	int ret;

	srand(seed);
	for (i = 0; i < n; i++) {
		uint8_t cmd = rand() % (NFIPS_CMD_MAX + 4);

		/* Sometimes a real transaction, so ADD/COMMIT get past the id. */
		if (rand() % 8 == 0)
			begin(NFIPS_POLICY_VERSION, &txn);
		h = msg_init(&m, family, rand() % 16 == 0 ? NLM_F_DUMP : 0, cmd);
		if (rand() % 2)
			put_u32(&m, NFIPS_A_TXN_ID, rand() % 4 ? txn : (uint32_t)rand());
		random_attrs(&m, 0);
		/* Truncated or overlong attribute lengths. */
		if (m.len > NLMSG_HDRLEN + GENL_HDRLEN + 4 && rand() % 8 == 0) {
			struct nlattr *a = (void *)(m.data + NLMSG_HDRLEN + GENL_HDRLEN);

			a->nla_len += rand() % 64;
		}
		if (rand() % 16 == 0)
			m.data[NLMSG_HDRLEN + 2] = rand();	/* reserved */
		ret = transact(&m, 0, NULL);
		(void)h;
		if (ret == -ETIMEDOUT)
			return fail("no answer to a fuzzed message", ret);
		if (ret)
			refused++;
		else
			accepted++;
	}
	/* Whatever state that left, the family must still work. */
	if (txn)
		txn_cmd(NFIPS_CMD_POLICY_ABORT, txn);
	msg_init(&m, family, 0, NFIPS_CMD_GET_STATUS);
	ret = transact(&m, 0, NULL);
	if (ret)
		return fail("status after fuzzing", ret);
	printf("fuzzed %ld messages: %ld refused, %ld accepted\n", n, refused, accepted);
	return 0;
}

/*
 * Patterns of the traffic debug_commit_storm.sh sends while the storm runs:
 * the ping payload (ping -p deadbeef), UDP datagrams, and a TCP stream of
 * zeros that must arrive intact, so only alert or punt rules (fail-open)
 * may match it. The rest never match anything.
 */
static const struct {
	const char *bytes;
	unsigned int len;
	int may_drop;
} storm_pats[] = {
	{ "\xde\xad\xbe\xef\xde\xad\xbe\xef", 8, 1 },
	{ "STORM-UDP-A", 11, 1 },
	{ "storm-udp-b", 11, 1 },
	{ "\0\0\0\0\0\0\0\0", 8, 0 },
	{ "never-seen-on-the-wire", 22, 1 },
	{ "GET /storm", 10, 1 },
};

static void put_storm_rule(struct msg *m, uint16_t idx, uint32_t sid)
{
	unsigned int p = rand() % ARRAY_SIZE(storm_pats);
	struct nlattr *r = nest_start(m, idx);
	uint32_t flags = 0;
	uint8_t action;
	char pat[32];
	unsigned int len;

	if (rand() % 3) {
		len = storm_pats[p].len;
		memcpy(pat, storm_pats[p].bytes, len);
		action = storm_pats[p].may_drop ? rand() % (NFIPS_ACT_MAX + 1) :
			 NFIPS_ACT_ALERT;
	} else {
		len = snprintf(pat, sizeof(pat), "storm-%08x", (unsigned int)rand());
		action = rand() % (NFIPS_ACT_MAX + 1);
	}
	if (rand() % 2)
		flags |= NFIPS_RULE_F_APPROVED;
	if (rand() % 4 == 0)
		flags |= NFIPS_RULE_F_NOCASE;
	if (rand() % 4 == 0)
		flags |= NFIPS_RULE_F_BIDIR;
	put_u32(m, NFIPS_RULE_A_SID, sid);
	put_u32(m, NFIPS_RULE_A_REV, rand() % 5);
	put_u8(m, NFIPS_RULE_A_ACTION, action);
	put_u8(m, NFIPS_RULE_A_PROTO, rand() % (NFIPS_RPROTO_MAX + 1));
	put(m, NFIPS_RULE_A_PATTERN, pat, len);
	if (rand() % 4 == 0)
		put_u32(m, NFIPS_RULE_A_DEPTH, len + rand() % 1500);
	if (rand() % 8 == 0)
		put_u32(m, NFIPS_RULE_A_OFFSET, rand() % 64);
	if (rand() % 4 == 0) {
		struct nfips_prange ports[2] = { { 1, 1024 }, { 7000, 7010 } };

		flags |= NFIPS_RULE_F_DPORT;
		put(m, NFIPS_RULE_A_DPORTS, ports, sizeof(ports));
	}
	if (rand() % 4 == 0) {
		/* 10.0.0.0-10.0.255.255 and fd6e:6669:7073::/48 */
		struct nfips_range4 r4 = { { 10, 0, 0, 0 }, { 10, 0, 255, 255 } };
		struct nfips_range6 r6 = {
			{ 0xfd, 0x6e, 0x66, 0x69, 0x70, 0x73 },
			{ 0xfd, 0x6e, 0x66, 0x69, 0x70, 0x73, 0xff, 0xff, 0xff, 0xff,
			  0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		};

		flags |= NFIPS_RULE_F_SRC;
		put(m, NFIPS_RULE_A_SRC4, &r4, sizeof(r4));
		put(m, NFIPS_RULE_A_SRC6, &r6, sizeof(r6));
	}
	if (rand() % 8 == 0) {
		flags |= NFIPS_RULE_F_DSIZE;
		put_u8(m, NFIPS_RULE_A_DSIZE_OP, NFIPS_DSIZE_GT);
		put(m, NFIPS_RULE_A_DSIZE_LO, &(uint16_t){ rand() % 100 }, 2);
	}
	put_u32(m, NFIPS_RULE_A_FLAGS, flags);
	put(m, NFIPS_RULE_A_MSG, "storm", sizeof("storm"));
	nest_end(m, r);
}

/* A daemon selector: TCP or UDP to some of the storm's ports. */
static void put_storm_sel(struct msg *m, uint16_t idx)
{
	struct nfips_prange ports[2] = { { 7000, 7001 }, { 7003, 7003 } };
	struct nlattr *s = nest_start(m, idx);

	put_u8(m, NFIPS_RULE_A_PROTO, rand() % 2 ? NFIPS_RPROTO_TCP : NFIPS_RPROTO_UDP);
	put_u32(m, NFIPS_RULE_A_FLAGS, NFIPS_RULE_F_DPORT);
	put(m, NFIPS_RULE_A_DPORTS, ports, (1 + rand() % 2) * sizeof(ports[0]));
	nest_end(m, s);
}

/*
 * A transaction of 1..64 random rules in 1..3 batches, sometimes with
 * daemon selectors (no daemon listens: their flows fail open); commit or
 * abort.
 */
static int storm_txn(int commit, uint32_t *serial)
{
	static struct msg m;
	int batches = 1 + rand() % 3, b, i, n, ret;
	uint32_t txn = 0, sid = 1;
	struct nlattr *list;

	ret = begin(NFIPS_POLICY_VERSION, &txn);
	if (ret)
		return ret;
	for (b = 0; b < batches; b++) {
		n = 1 + rand() % 22;
		msg_init(&m, family, 0, NFIPS_CMD_POLICY_ADD);
		put_u32(&m, NFIPS_A_TXN_ID, txn);
		list = nest_start(&m, NFIPS_A_RULES);
		for (i = 0; i < n; i++)
			put_storm_rule(&m, i + 1, sid++);
		nest_end(&m, list);
		if (rand() % 4 == 0) {
			list = nest_start(&m, NFIPS_A_SELECTORS);
			for (i = 0; i < 1 + rand() % 3; i++)
				put_storm_sel(&m, i + 1);
			nest_end(&m, list);
		}
		ret = transact(&m, 0, NULL);
		if (ret)
			return ret;
	}
	if (!commit)
		return txn_cmd(NFIPS_CMD_POLICY_ABORT, txn);
	msg_init(&m, family, 0, NFIPS_CMD_POLICY_COMMIT);
	put_u32(&m, NFIPS_A_TXN_ID, txn);
	return transact(&m, NFIPS_A_SERIAL, serial);
}

static int storm_config(void)
{
	static const uint32_t rates[] = { 0, 1, 50, 1000 };
	static const uint32_t depths[] = { 0, 1, 4096, 1 << 20 };
	static struct msg m;

	msg_init(&m, family, 0, NFIPS_CMD_SET_CONFIG);
	if (rand() % 2)
		put_u8(&m, NFIPS_A_MODE, rand() % (NFIPS_MODE_MAX + 1));
	if (rand() % 2)
		put_u32(&m, NFIPS_A_HOOKS, 1 + rand() % NFIPS_HOOK_ALL);
	if (rand() % 2)
		put_u32(&m, NFIPS_A_EVENT_RATE, rates[rand() % 4]);
	if (rand() % 2)
		put_u32(&m, NFIPS_A_STREAM_DEPTH, depths[rand() % 4]);
	return transact(&m, 0, NULL);
}

/*
 * N operations, most of them commits: with traffic crossing the namespace
 * every commit swaps the automaton under the packet path and frees the old
 * one after a grace period; flushes and hook changes register and
 * unregister netfilter hooks under traffic. EBUSY (another socket's
 * transaction in the same namespace) is the only error allowed.
 */
static int commit_storm(long n, unsigned int seed)
{
	long i, commits = 0, busy = 0, flushes = 0, configs = 0, dumps = 0;
	static struct msg m;
	uint32_t serial = 0;
	int op, ret;

	srand(seed);
	for (i = 0; i < n; i++) {
		op = rand() % 20;
		if (op == 0) {
			msg_init(&m, family, 0, NFIPS_CMD_POLICY_FLUSH);
			ret = transact(&m, 0, NULL);
			flushes++;
		} else if (op <= 2) {
			ret = storm_config();
			configs++;
		} else if (op == 3) {
			ret = storm_txn(0, NULL);
		} else if (op == 4) {
			msg_init(&m, family, NLM_F_DUMP, NFIPS_CMD_GET_RULES);
			ret = transact(&m, 0, NULL);
			dumps++;
		} else {
			ret = storm_txn(1, &serial);
			if (!ret)
				commits++;
		}
		if (ret == -EBUSY) {
			busy++;
			continue;
		}
		if (ret)
			return fail("storm operation", ret);
	}
	msg_init(&m, family, 0, NFIPS_CMD_GET_STATUS);
	ret = transact(&m, 0, NULL);
	if (ret)
		return fail("status after the storm", ret);
	printf("storm: %ld commits (last serial %u), %ld refused busy, %ld flushes, %ld configs, %ld dumps\n",
	       commits, serial, busy, flushes, configs, dumps);
	return 0;
}

/* ---- a stand-in daemon ------------------------------------------------ */

#define MAX_FLOWS	256

struct dflow {
	uint8_t family, proto;
	uint8_t addr[2][16];
	uint16_t port[2];
	int queue, first_syn, mixed, verdict_rc;
	unsigned long packets;
	uint32_t ct_id;		/* of its last packet, as NFQUEUE gave it */
};

static struct dflow dflows[MAX_FLOWS];
static unsigned int ndflows;
/* Set by signals; the loop calls poll() between reads. */
static sig_atomic_t d_stop, d_overload = -1, d_report;
static int d_dirty;	/* flows changed since the last dump */
static int nfq;

static void on_signal(int sig)
{
	if (sig == SIGTERM)
		d_stop = 1;
	else if (sig == SIGHUP)
		d_report = 1;
	else
		d_overload = sig == SIGUSR1;
}

static uint16_t nfips_family(void)
{
	return family;
}

static int nfq_send(uint16_t type, uint16_t queue, const void *attrs, size_t len)
{
	struct {
		struct nlmsghdr h;
		struct nfgenmsg g;
		uint8_t a[64];
	} m = { 0 };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	m.h.nlmsg_len = NLMSG_LENGTH(sizeof(m.g) + len);
	m.h.nlmsg_type = (NFNL_SUBSYS_QUEUE << 8) | type;
	m.h.nlmsg_flags = NLM_F_REQUEST;
	m.h.nlmsg_seq = ++seq;
	m.g.nfgen_family = AF_UNSPEC;
	m.g.version = NFNETLINK_V0;
	m.g.res_id = htons(queue);
	memcpy(m.a, attrs, len);
	return sendto(nfq, &m, m.h.nlmsg_len, 0, (struct sockaddr *)&sa,
		      sizeof(sa)) < 0 ? -errno : 0;
}

static size_t nfq_attr(uint8_t *b, size_t off, uint16_t type, const void *d,
		       size_t len)
{
	struct nlattr *a = (struct nlattr *)(b + off);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(b + off + NLA_HDRLEN, d, len);
	return off + NLA_ALIGN(a->nla_len);
}

/* Binds @queue: whole packets, GSO, fail-open. */
static int nfq_bind(uint16_t queue)
{
	struct nfqnl_msg_config_cmd cmd = { .command = NFQNL_CFG_CMD_BIND };
	struct nfqnl_msg_config_params par = {
		.copy_range = htonl(0xffff), .copy_mode = NFQNL_COPY_PACKET,
	};
	uint32_t fl = htonl(NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO);
	uint8_t b[64];
	size_t n;
	int ret;

	n = nfq_attr(b, 0, NFQA_CFG_CMD, &cmd, sizeof(cmd));
	ret = nfq_send(NFQNL_MSG_CONFIG, queue, b, n);
	if (ret)
		return ret;
	n = nfq_attr(b, 0, NFQA_CFG_PARAMS, &par, sizeof(par));
	n = nfq_attr(b, n, NFQA_CFG_FLAGS, &fl, 4);
	n = nfq_attr(b, n, NFQA_CFG_MASK, &fl, 4);
	ret = nfq_send(NFQNL_MSG_CONFIG, queue, b, n);
	if (ret)
		return ret;
	/*
	 * The conntrack id with each packet (NFQA_CT), for the verdicts.
	 * Without ctnetlink loaded the first try loads it and fails
	 * (EAGAIN): the second takes. Without ctnetlink at all, no ids.
	 */
	fl = htonl(NFQA_CFG_F_CONNTRACK);
	n = nfq_attr(b, 0, NFQA_CFG_FLAGS, &fl, 4);
	n = nfq_attr(b, n, NFQA_CFG_MASK, &fl, 4);
	nfq_send(NFQNL_MSG_CONFIG, queue, b, n);
	return nfq_send(NFQNL_MSG_CONFIG, queue, b, n);
}

static int nfq_verdict(uint16_t queue, uint32_t id, uint32_t verdict)
{
	struct nfqnl_msg_verdict_hdr vh = { htonl(verdict), htonl(id) };
	uint8_t b[32];

	return nfq_send(NFQNL_MSG_VERDICT, queue, b,
			nfq_attr(b, 0, NFQA_VERDICT_HDR, &vh, sizeof(vh)));
}

static const char *const verdict_names[] = {
	[NFIPS_FLOW_INSPECT] = "inspect", [NFIPS_FLOW_QUEUE] = "queue",
	[NFIPS_FLOW_BYPASS] = "bypass", [NFIPS_FLOW_DROP] = "drop",
};

static int verdict_of(const char *s)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(verdict_names); i++)
		if (!strcmp(s, verdict_names[i]))
			return i;
	return -1;
}

/* NFIPS_CMD_FLOW_VERDICT for the flow of @f (as its first packet went). */
static int flow_verdict(uint8_t family, uint8_t proto, const uint8_t *sa,
			uint16_t sport, const uint8_t *da, uint16_t dport,
			uint32_t ct_id, uint8_t v)
{
	static struct msg m;
	size_t alen = family == AF_INET ? 4 : 16;
	struct nlattr *n;

	msg_init(&m, nfips_family(), 0, NFIPS_CMD_FLOW_VERDICT);
	n = nest_start(&m, NFIPS_A_FLOW);
	put_u8(&m, NFIPS_FLOW_A_FAMILY, family);
	put_u8(&m, NFIPS_FLOW_A_L4PROTO, proto);
	put(&m, NFIPS_FLOW_A_SADDR, sa, alen);
	put(&m, NFIPS_FLOW_A_DADDR, da, alen);
	put(&m, NFIPS_FLOW_A_SPORT, &sport, 2);
	put(&m, NFIPS_FLOW_A_DPORT, &dport, 2);
	if (ct_id)
		put(&m, NFIPS_FLOW_A_CT_ID, &ct_id, 4);
	nest_end(&m, n);
	put_u8(&m, NFIPS_A_VERDICT, v);
	return transact(&m, 0, NULL);
}

static void dump_flows(const char *out)
{
	char tmp[4096], a0[64], a1[64];
	unsigned int i;
	FILE *f;

	d_dirty = 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	f = fopen(tmp, "w");
	if (!f)
		return;
	for (i = 0; i < ndflows; i++) {
		struct dflow *d = &dflows[i];

		inet_ntop(d->family, d->addr[0], a0, sizeof(a0));
		inet_ntop(d->family, d->addr[1], a1, sizeof(a1));
		fprintf(f, "flow %s %s %u %s %u queue=%d packets=%lu first_syn=%d mixed=%d verdict_rc=%d ct_id=%u\n",
			d->proto == 6 ? "tcp" : "udp", a0, d->port[0], a1, d->port[1],
			d->queue, d->packets, d->first_syn, d->mixed, d->verdict_rc,
			d->ct_id);
	}
	fclose(f);
	rename(tmp, out);
}

/* One queued packet: count it in its flow (keyed as it first went). */
static void on_packet(uint16_t queue, const uint8_t *p, size_t len,
		      uint32_t ct_id, int verdict, unsigned long after)
{
	const uint8_t *sa, *da, *l4;
	uint8_t family, proto;
	size_t alen, hl;
	uint16_t sport, dport;
	struct dflow *d = NULL;
	unsigned int i;
	int syn = 0;

	if (len < 20)
		return;
	if ((p[0] >> 4) == 4) {
		family = AF_INET;
		alen = 4;
		hl = (p[0] & 15) * 4;
		proto = p[9];
		sa = p + 12;
		da = p + 16;
	} else {
		if (len < 40)
			return;
		family = AF_INET6;
		alen = 16;
		hl = 40;
		proto = p[6];
		sa = p + 8;
		da = p + 24;
	}
	if ((proto != 6 && proto != 17) || len < hl + 8)
		return;
	l4 = p + hl;
	sport = l4[0] << 8 | l4[1];
	dport = l4[2] << 8 | l4[3];
	if (proto == 6 && len >= hl + 14)
		syn = !!(l4[13] & 0x02);
	for (i = 0; i < ndflows && !d; i++) {
		struct dflow *x = &dflows[i];

		if (x->family != family || x->proto != proto)
			continue;
		if ((!memcmp(x->addr[0], sa, alen) && !memcmp(x->addr[1], da, alen) &&
		     x->port[0] == sport && x->port[1] == dport) ||
		    (!memcmp(x->addr[0], da, alen) && !memcmp(x->addr[1], sa, alen) &&
		     x->port[0] == dport && x->port[1] == sport))
			d = x;
	}
	if (!d) {
		if (ndflows == MAX_FLOWS)
			return;
		d = &dflows[ndflows++];
		d->family = family;
		d->proto = proto;
		memcpy(d->addr[0], sa, alen);
		memcpy(d->addr[1], da, alen);
		d->port[0] = sport;
		d->port[1] = dport;
		d->queue = queue;
		d->first_syn = syn;
	}
	if (d->queue != queue)
		d->mixed = 1;
	d->ct_id = ct_id;
	if (++d->packets == after && verdict >= 0)
		d->verdict_rc = flow_verdict(family, proto, sa, sport, da, dport,
					     ct_id, verdict);
}

/* CTA_ID in NFQA_CT @ct (host order), 0 without it. */
static uint32_t ct_id_of(const struct nlattr *ct)
{
	size_t off = NLA_HDRLEN;
	uint32_t id;

	while (off + NLA_HDRLEN <= ct->nla_len) {
		const struct nlattr *a = (const void *)((const uint8_t *)ct + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > ct->nla_len)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == CTA_ID &&
		    a->nla_len >= NLA_HDRLEN + 4) {
			memcpy(&id, (const uint8_t *)a + NLA_HDRLEN, 4);
			return ntohl(id);
		}
		off += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

/* The kernel's QUEUED counter (GET_STATUS). */
static int kernel_queued(uint64_t *v)
{
	static struct msg m;
	int ret;

	*v = 0;
	queued_out = v;
	msg_init(&m, family, 0, NFIPS_CMD_GET_STATUS);
	ret = transact(&m, 0, NULL);
	queued_out = NULL;
	return ret;
}

/*
 * What NFQUEUE let through unseen (queue or socket full, fail-open): what
 * the kernel queued since the registration less what arrived here, once
 * the queues are drained. As nfipsd would count it.
 */
static int report_failopen(uint64_t queued0, uint64_t received)
{
	static struct msg m;
	uint64_t queued, lost;
	int ret;

	ret = kernel_queued(&queued);
	if (ret)
		return ret;
	lost = queued - queued0 > received ? queued - queued0 - received : 0;
	msg_init(&m, family, 0, NFIPS_CMD_DAEMON_REPORT);
	put(&m, NFIPS_A_QUEUE_FAILOPEN, &lost, sizeof(lost));
	printf("failopen %llu\n", (unsigned long long)lost);
	fflush(stdout);
	return transact(&m, 0, NULL);
}

static int daemon_run(uint16_t queue, uint16_t queues, int verdict,
		      unsigned long after, const char *out)
{
	uint64_t queued0, received = 0;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	static uint8_t rbuf[256 * 1024];
	char stop[4096];
	static struct msg m;
	struct pollfd pfd;
	uint32_t stale = getenv("NLTOOL_STALE") ? 1 : 0;
	unsigned int i;
	int ret;

	snprintf(stop, sizeof(stop), "%s.stop", out);
	signal(SIGTERM, on_signal);
	signal(SIGUSR1, on_signal);
	signal(SIGUSR2, on_signal);
	signal(SIGHUP, on_signal);
	nfq = socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
	if (nfq < 0 || bind(nfq, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail("nfnetlink socket", -errno);
	for (i = 0; i < queues; i++) {
		ret = nfq_bind(queue + i);
		if (ret)
			return fail("bind the queue", ret);
	}
	msg_init(&m, family, 0, NFIPS_CMD_DAEMON_REGISTER);
	put(&m, NFIPS_A_QUEUE, &queue, 2);
	put(&m, NFIPS_A_QUEUE_NUM, &queues, 2);
	ret = transact(&m, 0, NULL);
	if (ret)
		return fail("register", ret);
	ret = kernel_queued(&queued0);
	if (ret)
		return fail("status", ret);
	dump_flows(out);
	pfd.fd = nfq;
	pfd.events = POLLIN;
	while (!d_stop && access(stop, F_OK)) {
		struct nlmsghdr *h;
		ssize_t n;

		if (d_overload >= 0) {
			msg_init(&m, family, 0, NFIPS_CMD_DAEMON_REPORT);
			put_u8(&m, NFIPS_A_OVERLOAD, d_overload);
			d_overload = -1;
			ret = transact(&m, 0, NULL);
			if (ret)
				return fail("report", ret);
			printf("reported\n");
			fflush(stdout);
		}
		if (d_report) {
			d_report = 0;
			ret = report_failopen(queued0, received);
			if (ret)
				return fail("report", ret);
		}
		if (poll(&pfd, 1, d_dirty ? 20 : 100) <= 0) {
			/* Idle: OUT shows every packet so far. */
			if (d_dirty)
				dump_flows(out);
			continue;
		}
		n = recv(nfq, rbuf, sizeof(rbuf), 0);
		if (n < 0)
			continue;	/* ENOBUFS: messages lost, the count shows */
		for (h = (void *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			struct nfgenmsg *g = NLMSG_DATA(h);
			const struct nfqnl_msg_packet_hdr *ph = NULL;
			const uint8_t *pl = NULL;
			size_t off, plen = 0;
			uint32_t ct_id = 0;

			if ((h->nlmsg_type & 0xff) != NFQNL_MSG_PACKET)
				continue;
			for (off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*g));
			     off + NLA_HDRLEN <= h->nlmsg_len;) {
				struct nlattr *a = (void *)((uint8_t *)h + off);

				if (a->nla_len < NLA_HDRLEN)
					break;
				if ((a->nla_type & NLA_TYPE_MASK) == NFQA_PACKET_HDR)
					ph = (void *)((uint8_t *)a + NLA_HDRLEN);
				if ((a->nla_type & NLA_TYPE_MASK) == NFQA_PAYLOAD) {
					pl = (uint8_t *)a + NLA_HDRLEN;
					plen = a->nla_len - NLA_HDRLEN;
				}
				if ((a->nla_type & NLA_TYPE_MASK) == NFQA_CT)
					ct_id = ct_id_of(a);
				off += NLA_ALIGN(a->nla_len);
			}
			if (!ph)
				continue;
			received++;
			if (pl)
				on_packet(ntohs(g->res_id), pl, plen,
					  ct_id + stale, verdict, after);
			nfq_verdict(ntohs(g->res_id), ntohl(ph->packet_id), NF_ACCEPT);
			d_dirty = 1;
		}
	}
	dump_flows(out);
	return 0;
}

/* nltool verdict VERDICT FAMILY PROTO SADDR SPORT DADDR DPORT */
static int verdict_cmd(char **argv)
{
	uint8_t sa[16], da[16];
	int v = verdict_of(argv[0]);
	int fam = !strcmp(argv[1], "6") ? AF_INET6 : AF_INET;
	int proto = !strcmp(argv[2], "udp") ? 17 : 6;
	int ret;

	if (v < 0 || inet_pton(fam, argv[3], sa) != 1 ||
	    inet_pton(fam, argv[5], da) != 1) {
		fprintf(stderr, "nltool: bad verdict arguments\n");
		return 2;
	}
	ret = flow_verdict(fam, proto, sa, atoi(argv[4]), da, atoi(argv[6]), 0,
			   v);
	if (ret) {
		fprintf(stderr, "nltool: verdict: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}

/* A new socket in the current namespace, the family resolved: fd, family. */
int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 5 };
	int one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return resolve();
}

int main(int argc, char **argv)
{
	int ret;

	if (argc < 2) {
		fprintf(stderr, "Usage: nltool badtxn|badblock|badver|fuzz N SEED|storm N SEED|daemon ...|verdict ...|big N LEN SEED|flush|resolve|close|nsstorm N\n");
		return 2;
	}
	if (!strcmp(argv[1], "nsstorm") && argc == 3)
		return ns_storm(atol(argv[2]));
	ret = nl_open();
	if (ret)
		return fail("resolve the nfips family", ret);
	if (!strcmp(argv[1], "badtxn"))
		return badtxn();
	if (!strcmp(argv[1], "badblock"))
		return bad_blocks();
	if (!strcmp(argv[1], "badver"))
		return badver();
	if (!strcmp(argv[1], "fuzz") && argc == 4)
		return fuzz(atol(argv[2]), (unsigned int)atoi(argv[3]));
	if (!strcmp(argv[1], "storm") && argc == 4)
		return commit_storm(atol(argv[2]), (unsigned int)atoi(argv[3]));
	if (!strcmp(argv[1], "daemon") && argc == 7)
		return daemon_run(atoi(argv[2]), atoi(argv[3]),
				  strcmp(argv[4], "none") ? verdict_of(argv[4]) : -1,
				  atol(argv[5]), argv[6]);
	if (!strcmp(argv[1], "verdict") && argc == 9)
		return verdict_cmd(argv + 2);
	if (!strcmp(argv[1], "big") && argc == 5)
		return big_policy(atol(argv[2]), atoi(argv[3]),
				  (unsigned int)atoi(argv[4]));
	if (!strcmp(argv[1], "flush") && argc == 2)
		return flush_policy();
	if (!strcmp(argv[1], "resolve") && argc == 2)
		return 0;
	if (!strcmp(argv[1], "close") && argc == 2)
		return timed_close();
	fprintf(stderr, "nltool: unknown command\n");
	return 2;
}
