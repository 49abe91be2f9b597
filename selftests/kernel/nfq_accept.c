// SPDX-License-Identifier: GPL-2.0
/*
 * nfq_accept QUEUE MARK OUT: a plain NFQUEUE listener, after the kernel
 * selftests' tools/testing/selftests/net/netfilter/nf_queue.c. Binds
 * QUEUE, accepts every packet it receives and counts them, and those whose
 * first bytes (up to 2048) contain MARK. The counts go to OUT as
 * "packets=N marked=M" once bound and whenever the queue is idle; stops
 * when OUT.stop exists, after writing OUT a last time.
 *
 * It registers with nothing else: the hooks after the queueing one then
 * run from nf_reinject() in this process's verdict, in process context
 * (queue_context.sh). The queue does not fail open: a packet that could
 * not be queued is dropped, so every packet the later hooks see was
 * verdicted here.
 *
 * Exit 0 when stopped, 1 on an error (with the reason on stderr).
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netlink.h>

/* Enough for the marks, which the tests send in small packets. */
#define COPY_RANGE	2048

static int nfq;
static uint32_t seq;
static size_t put_attr(uint8_t *b, size_t off, uint16_t type, const void *d,
		       size_t len)
{
	struct nlattr *a = (struct nlattr *)(b + off);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(b + off + NLA_HDRLEN, d, len);
	return off + NLA_ALIGN(a->nla_len);
}

/* One nfnetlink queue message with @len bytes of attributes, acked. */
static int nfq_send(uint16_t type, uint16_t queue, const void *attrs,
		    size_t len, int ack)
{
	struct {
		struct nlmsghdr h;
		struct nfgenmsg g;
		uint8_t a[64];
	} m = { 0 };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	m.h.nlmsg_len = NLMSG_LENGTH(sizeof(m.g) + len);
	m.h.nlmsg_type = (NFNL_SUBSYS_QUEUE << 8) | type;
	m.h.nlmsg_flags = NLM_F_REQUEST | (ack ? NLM_F_ACK : 0);
	m.h.nlmsg_seq = ++seq;
	m.g.nfgen_family = AF_UNSPEC;
	m.g.version = NFNETLINK_V0;
	m.g.res_id = htons(queue);
	memcpy(m.a, attrs, len);
	if (sendto(nfq, &m, m.h.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	if (ack) {
		uint8_t r[512];
		struct nlmsghdr *h = (struct nlmsghdr *)r;
		ssize_t n = recv(nfq, r, sizeof(r), 0);

		if (n < 0)
			return -errno;
		if (!NLMSG_OK(h, n) || h->nlmsg_type != NLMSG_ERROR)
			return -EPROTO;
		return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	}
	return 0;
}

/* Binds @queue, copying the first COPY_RANGE bytes of each packet. */
static int bind_queue(uint16_t queue)
{
	struct nfqnl_msg_config_cmd cmd = { .command = NFQNL_CFG_CMD_BIND };
	struct nfqnl_msg_config_params par = {
		.copy_range = htonl(COPY_RANGE), .copy_mode = NFQNL_COPY_PACKET,
	};
	/* GSO packets queued whole, as nfips then sees them. */
	uint32_t fl = htonl(NFQA_CFG_F_GSO);
	uint8_t b[64];
	size_t n;
	int ret;

	n = put_attr(b, 0, NFQA_CFG_CMD, &cmd, sizeof(cmd));
	ret = nfq_send(NFQNL_MSG_CONFIG, queue, b, n, 1);
	if (ret)
		return ret;
	n = put_attr(b, 0, NFQA_CFG_PARAMS, &par, sizeof(par));
	n = put_attr(b, n, NFQA_CFG_FLAGS, &fl, 4);
	n = put_attr(b, n, NFQA_CFG_MASK, &fl, 4);
	return nfq_send(NFQNL_MSG_CONFIG, queue, b, n, 1);
}

static int accept_packet(uint16_t queue, uint32_t id)
{
	struct nfqnl_msg_verdict_hdr vh = { htonl(NF_ACCEPT), htonl(id) };
	uint8_t b[32];

	return nfq_send(NFQNL_MSG_VERDICT, queue, b,
			put_attr(b, 0, NFQA_VERDICT_HDR, &vh, sizeof(vh)), 0);
}

/* OUT replaced whole, so that a reader never sees half a line. */
static int write_counts(const char *out, unsigned long packets,
			unsigned long marked)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "packets=%lu marked=%lu\n", packets, marked);
	if (fclose(f) || rename(tmp, out))
		return -errno;
	return 0;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "nfq_accept: %s: %s\n", what, strerror(-err));
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	static uint8_t rbuf[256 * 1024];
	unsigned long packets = 0, marked = 0;
	int one = 1, rcvbuf = 8 << 20, dirty = 0, ret;
	const char *mark, *out;
	char stopfile[4096];
	struct pollfd pfd;
	uint16_t queue;

	if (argc != 4 || !*argv[2]) {
		fprintf(stderr, "Usage: nfq_accept QUEUE MARK OUT\n");
		return 2;
	}
	queue = atoi(argv[1]);
	mark = argv[2];
	out = argv[3];
	snprintf(stopfile, sizeof(stopfile), "%s.stop", out);

	nfq = socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
	if (nfq < 0 || bind(nfq, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail("nfnetlink socket", -errno);
	/*
	 * A message the socket cannot take is lost, and so is its packet,
	 * which would then wait in the queue for ever: room for a full queue.
	 */
	setsockopt(nfq, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	setsockopt(nfq, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	ret = bind_queue(queue);
	if (ret)
		return fail("bind the queue", ret);
	ret = write_counts(out, 0, 0);
	if (ret)
		return fail(out, ret);

	pfd.fd = nfq;
	pfd.events = POLLIN;
	while (access(stopfile, F_OK)) {
		struct nlmsghdr *h;
		ssize_t n;

		if (poll(&pfd, 1, 50) <= 0) {
			if (dirty) {
				ret = write_counts(out, packets, marked);
				if (ret)
					return fail(out, ret);
				dirty = 0;
			}
			continue;
		}
		n = recv(nfq, rbuf, sizeof(rbuf), 0);
		if (n < 0)
			return fail("recv", -errno);
		for (h = (void *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			struct nfgenmsg *g = NLMSG_DATA(h);
			const struct nfqnl_msg_packet_hdr *ph = NULL;
			const uint8_t *pl = NULL;
			size_t off, plen = 0;

			if (h->nlmsg_type == NLMSG_ERROR)
				return fail("queue", ((struct nlmsgerr *)NLMSG_DATA(h))->error);
			if ((h->nlmsg_type & 0xff) != NFQNL_MSG_PACKET)
				continue;
			for (off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*g));
			     off + NLA_HDRLEN <= h->nlmsg_len;) {
				struct nlattr *a = (void *)((uint8_t *)h + off);

				if (a->nla_len < NLA_HDRLEN ||
				    a->nla_len > h->nlmsg_len - off)
					break;
				if ((a->nla_type & NLA_TYPE_MASK) == NFQA_PACKET_HDR)
					ph = (void *)((uint8_t *)a + NLA_HDRLEN);
				if ((a->nla_type & NLA_TYPE_MASK) == NFQA_PAYLOAD) {
					pl = (uint8_t *)a + NLA_HDRLEN;
					plen = a->nla_len - NLA_HDRLEN;
				}
				off += NLA_ALIGN(a->nla_len);
			}
			if (!ph)
				continue;
			packets++;
			if (pl && memmem(pl, plen, mark, strlen(mark)))
				marked++;
			ret = accept_packet(ntohs(g->res_id), ntohl(ph->packet_id));
			if (ret)
				return fail("verdict", ret);
			dirty = 1;
		}
	}
	ret = write_counts(out, packets, marked);
	return ret ? fail(out, ret) : 0;
}
