// SPDX-License-Identifier: GPL-2.0
/*
 * One worker thread per NFQUEUE queue (after libnetfilter_queue's
 * examples/nf-queue.c): its own netlink socket, pipeline and engine, so
 * a flow (always queued to the same queue) has exact state without any
 * locking on the packet path.
 *
 * The queue is configured with the whole packet copied (rules need every
 * byte), NFQA_CFG_F_GSO (no segmentation for our sake) and
 * NFQA_CFG_F_FAIL_OPEN (a full queue or socket passes packets instead of
 * dropping them: fail-open per failure). Verdicts are accept, drop or
 * drop after a reject, never NF_REPEAT (the hook would see the packet
 * again). Accepts are batched (NFQNL_MSG_VERDICT_BATCH covers every id up
 * to the last one): the worker reads what is waiting without blocking, up
 * to conf.batch packets, and sends one verdict for the accepted run; a
 * drop ends the run first so the batch never covers it.
 *
 * Reload: nfipsd_policy_install() leaves the next policy in w->next and
 * wakes the worker, which switches engines between two packets.
 *
 * Stop: the queue's maxlen goes to 0, so nfnetlink_queue passes new
 * packets (fail-open) while the ones already queued stay; the worker
 * gives those their verdicts until /proc/net/netfilter/nfnetlink_queue
 * shows none left (or stop_timeout), and only then closes the socket:
 * closing it would make the kernel drop whatever is still queued.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#include "nfipsd.h"

#define COPY_RANGE	0xffff
/* packets read per system call, at most (each up to COPY_RANGE and headers) */
#define RECV_VEC	32

/* ---- configuration messages ----------------------------------------- */

static int on_packet(const struct nlmsghdr *nlh, void *data);
static void stamp(void *pctx);
static void flush_batch(struct nfipsd_worker *w);

/*
 * Sends a configuration message and waits for its ack. Packets may
 * arrive meanwhile (the queue is bound): they are evaluated as usual.
 */
static int send_cfg(struct nfipsd_worker *w, struct nlmsghdr *nlh)
{
	char *buf = w->buf;
	uint32_t seq = (uint32_t)time(NULL) ^ ((uint32_t)w->qnum << 16);
	ssize_t len;
	int ret = 1;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(w->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	while (ret > 0) {
		const struct nlmsghdr *m;
		int left;

		len = mnl_socket_recvfrom(w->nl, buf, w->buflen);
		if (len < 0) {
			if (errno == ENOBUFS || errno == EINTR)
				continue;
			return -errno;
		}
		left = (int)len;
		for (m = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(m, left);
		     m = mnl_nlmsg_next(m, &left)) {
			if (m->nlmsg_type == NLMSG_ERROR && m->nlmsg_seq == seq) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);

				ret = e->error;
				break;
			}
			if (m->nlmsg_type == ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET)) {
				stamp(w->pctx);
				on_packet(m, w->pctx);
			}
		}
	}
	flush_batch(w);
	return ret;
}

static int set_maxlen(struct nfipsd_worker *w, uint32_t maxlen, bool ack)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, w->qnum);

	nfq_nlmsg_cfg_put_qmaxlen(nlh, maxlen);
	if (ack)
		return send_cfg(w, nlh);
	return mnl_socket_sendto(w->nl, nlh, nlh->nlmsg_len) < 0 ? -errno : 0;
}

/* Opens and binds the queue; called before the thread starts. */
static int queue_open(struct nfipsd_worker *w, char *err, size_t errlen)
{
	const struct nfipsd_conf *c = &w->d->conf;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	uint32_t flags = NFQA_CFG_F_GSO | NFQA_CFG_F_FAIL_OPEN;
	int ret, one = 1;

	w->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!w->nl) {
		snprintf(err, errlen, "netlink socket: %s", strerror(errno));
		return -1;
	}
	if (mnl_socket_bind(w->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "netlink bind: %s", strerror(errno));
		return -1;
	}
	w->portid = mnl_socket_get_portid(w->nl);
	/* Verdicts that fail report back; acks are not echoed in full. */
	mnl_socket_setsockopt(w->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(w->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	if (c->rcvbuf) {
		int sz = (int)c->rcvbuf;

		/* RCVBUFFORCE as root can go beyond rmem_max. */
		if (setsockopt(mnl_socket_get_fd(w->nl), SOL_SOCKET, SO_RCVBUFFORCE,
			       &sz, sizeof(sz)))
			setsockopt(mnl_socket_get_fd(w->nl), SOL_SOCKET, SO_RCVBUF,
				   &sz, sizeof(sz));
	}

	/*
	 * One message: bind, then the copy mode, flags and maxlen, so that no
	 * packet is ever queued with the default (metadata only) copy mode.
	 */
	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, w->qnum);
	nfq_nlmsg_cfg_put_cmd(nlh, AF_INET, NFQNL_CFG_CMD_BIND);
	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, COPY_RANGE);
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(flags));
	nfq_nlmsg_cfg_put_qmaxlen(nlh, c->queue_maxlen);
	ret = send_cfg(w, nlh);
	if (ret) {
		snprintf(err, errlen, "queue %u: bind: %s%s", w->qnum, strerror(-ret),
			 ret == -EBUSY ? " (another process has it)" :
			 ret == -EPERM ? " (CAP_NET_ADMIN needed)" : "");
		return -1;
	}
	atomic_store(&w->bound, true);
	/*
	 * The conntrack id with each packet (NFQA_CT), so that a flow verdict
	 * names its connection and never lands on the next one on the same
	 * ports. Without ctnetlink loaded the first try loads it and fails
	 * (EAGAIN), the second takes; without ctnetlink at all, verdicts go
	 * without an id. Not fatal either way.
	 */
	flags = NFQA_CFG_F_CONNTRACK;
	for (int i = 0; i < 2; i++) {
		nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, w->qnum);
		mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(flags));
		mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(flags));
		if (!send_cfg(w, nlh))
			break;
	}
	return 0;
}

/* CTA_ID in NFQA_CT (host order), 0 without it. */
static int ct_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTA_ID && !mnl_attr_validate(a, MNL_TYPE_U32))
		*(uint32_t *)data = ntohl(mnl_attr_get_u32(a));
	return MNL_CB_OK;
}

static uint32_t ct_id(const struct nlattr *ct)
{
	uint32_t id = 0;

	if (ct)
		mnl_attr_parse_nested(ct, ct_attr, &id);
	return id;
}

/* ---- verdicts ------------------------------------------------------- */

static void send_verdict(struct nfipsd_worker *w, int type, uint32_t id, int v)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nfq_nlmsg_put(buf, type, w->qnum);

	nfq_nlmsg_verdict_put(nlh, (int)id, v);
	if (mnl_socket_sendto(w->nl, nlh, nlh->nlmsg_len) < 0) {
		if (!atomic_fetch_add(&w->st.verdict_errors, 1))
			nfipsd_log(NFIPSD_ERR, "queue %u: verdict: %s", w->qnum,
				   strerror(errno));
	}
}

static void flush_batch(struct nfipsd_worker *w)
{
	if (!w->nbatch)
		return;
	if (w->nbatch == 1)
		send_verdict(w, NFQNL_MSG_VERDICT, w->batch_id, NF_ACCEPT);
	else
		send_verdict(w, NFQNL_MSG_VERDICT_BATCH, w->batch_id, NF_ACCEPT);
	w->nbatch = 0;
}

static void accept_pkt(struct nfipsd_worker *w, uint32_t id)
{
	w->batch_id = id;
	w->nbatch++;
	atomic_fetch_add(&w->st.accepted, 1);
}

static void drop_pkt(struct nfipsd_worker *w, uint32_t id)
{
	flush_batch(w);
	send_verdict(w, NFQNL_MSG_VERDICT, id, NF_DROP);
	atomic_fetch_add(&w->st.dropped, 1);
}

/* ---- packets -------------------------------------------------------- */

/* Before the record is made: its incident (store.c). */
static void annotate(void *arg, struct nfips_eve_alert *a)
{
	struct nfipsd_worker *w = arg;

	w->inc_new = nfipsd_store_annotate(w->d, a);
}

/* log.payload "first": the record of an incident's first alert. */
static bool incident_first(void *arg, const struct nfips_pipeline_alert *a)
{
	const struct nfipsd_worker *w = arg;

	/* Without the store, every alert is an incident of its own. */
	return !a->eve->incident_id || w->inc_new;
}

static void on_alert(void *arg, const struct nfips_pipeline_alert *a)
{
	struct nfipsd_worker *w = arg;
	uint64_t seq;

	atomic_fetch_add(&w->st.alerts, 1);
	/*
	 * The log numbers the record (a->eve->sequence is this pipeline's
	 * own count): the store keeps the log's number. The worker's policy
	 * cannot change under it here (switch_policy runs in this thread).
	 */
	nfipsd_evelog_write(w->d->eve, a->record, a->len, &seq);
	nfipsd_store_alert(w->d, a->eve, w->inc_new, a->pkt->payload,
			   a->pkt->payload_len, seq);
}

static void switch_policy(struct nfipsd_worker *w)
{
	struct nfipsd_policy *n = atomic_exchange(&w->next, NULL);

	if (!n)
		return;
	nfips_pipeline_set_engine(w->pipe, n->engines[w->index], n->serial);
	nfips_pipeline_set_output(w->pipe, &n->classes, !n->enforce);
	nfips_pipeline_set_grader(w->pipe, n->grader);
	w->pol = n;
	atomic_store(&w->serial, n->serial);
}

static uint64_t now_usec(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

/* Interface names by index: a miss costs an ioctl, so keep a few. */
struct ifcache {
	uint32_t idx[8];
	char name[8][IF_NAMESIZE];
	unsigned int next;
};

static const char *ifname(struct ifcache *c, uint32_t idx)
{
	unsigned int i, slot;

	if (!idx)
		return NULL;
	for (i = 0; i < 8; i++)
		if (c->idx[i] == idx)
			return c->name[i];
	slot = c->next++ % 8;
	if (!if_indextoname(idx, c->name[slot]))
		return NULL;
	c->idx[slot] = idx;
	return c->name[slot];
}

struct pkt_ctx {
	struct nfipsd_worker *w;
	struct ifcache ifc;
	uint64_t last_ts;
	uint64_t now;		/* when the packets being handled were read */
};

/* The time of what was just read (packets without a timestamp of theirs). */
static void stamp(void *pctx)
{
	((struct pkt_ctx *)pctx)->now = now_usec();
}

static int on_packet(const struct nlmsghdr *nlh, void *data)
{
	struct pkt_ctx *x = data;
	struct nfipsd_worker *w = x->w;
	struct nlattr *attr[NFQA_MAX + 1] = { 0 };
	struct nfqnl_msg_packet_hdr *ph;
	struct nfips_pipeline_result res;
	struct nfips_pipeline_pkt in = { .link = NFIPS_LINK_RAW };
	uint32_t id, caplen;
	uint64_t ts;

	if (nfq_nlmsg_parse(nlh, attr) < 0 || !attr[NFQA_PACKET_HDR])
		return MNL_CB_OK;
	ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
	id = ntohl(ph->packet_id);
	atomic_fetch_add(&w->st.packets, 1);
	switch_policy(w);
	if (!attr[NFQA_PAYLOAD]) {
		accept_pkt(w, id);
		return MNL_CB_OK;
	}
	in.data = mnl_attr_get_payload(attr[NFQA_PAYLOAD]);
	in.len = mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]);
	caplen = attr[NFQA_CAP_LEN] ? ntohl(mnl_attr_get_u32(attr[NFQA_CAP_LEN])) : 0;
	in.wire_len = caplen > in.len ? caplen : 0;
	if (attr[NFQA_TIMESTAMP]) {
		struct nfqnl_msg_packet_timestamp *t =
			mnl_attr_get_payload(attr[NFQA_TIMESTAMP]);

		ts = be64toh(t->sec) * 1000000 + be64toh(t->usec);
	} else {
		ts = x->now;
	}
	/* Flows and thresholds age by packet time: never backwards. */
	if (ts < x->last_ts)
		ts = x->last_ts;
	x->last_ts = ts;
	in.ts_usec = ts;
	in.pkt_no = ++w->pkt_no;
	atomic_fetch_add(&w->st.bytes, in.len);
	in.in_iface = attr[NFQA_IFINDEX_INDEV] ?
		ifname(&x->ifc, ntohl(mnl_attr_get_u32(attr[NFQA_IFINDEX_INDEV]))) : NULL;

	nfips_pipeline_packet(w->pipe, &in, &res);
	if (res.status == NFIPS_PIPE_MALFORMED || res.malformed)
		atomic_fetch_add(&w->st.malformed, 1);
	if ((w->pkt_no & 1023) == 0)
		nfipsd_budget_admit(w);
	nfipsd_kernel_flow(w, &res, ts, ct_id(attr[NFQA_CT]));
	if (res.status == NFIPS_PIPE_EVALUATED && (res.verdict & NFIPS_VERDICT_DROP) &&
	    w->pol && w->pol->enforce) {
		if (res.verdict & NFIPS_VERDICT_REJECT) {
			nfipsd_reject(w, in.data, in.len);
			atomic_fetch_add(&w->st.rejected, 1);
		}
		drop_pkt(w, id);
	} else if (res.resend) {
		/* Not a block: TCP resends it when the stream can take it. */
		drop_pkt(w, id);
	} else {
		accept_pkt(w, id);
	}
	return MNL_CB_OK;
}

/*
 * Reads what is waiting, up to a batch, without blocking; <0: socket gone.
 * Each queued packet is a netlink message of its own: recvmmsg() takes up
 * to w->nvec of them per system call, and one that returns fewer than
 * asked for has emptied the socket, so no further call is made to learn
 * that (recv() took one call per packet plus one that failed with
 * EAGAIN). The messages are handled in the order read, as before.
 */
static int read_batch(struct nfipsd_worker *w, struct pkt_ctx *x)
{
	int fd = mnl_socket_get_fd(w->nl);
	uint32_t n = 0, tries = 0, want, i;

	while (n < w->d->conf.batch && tries++ < w->d->conf.batch) {
		int got;

		want = w->d->conf.batch - n;
		if (want > w->nvec)
			want = w->nvec;
		for (i = 0; i < want; i++)
			w->msgs[i].msg_hdr.msg_flags = 0;
		got = recvmmsg(fd, w->msgs, want, MSG_DONTWAIT, NULL);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == ENOBUFS) {
				/*
				 * The socket overflowed: nfnetlink_queue passed
				 * those packets (fail-open). Count and go on.
				 */
				atomic_fetch_add(&w->st.enobufs, 1);
				continue;
			}
			nfipsd_log(NFIPSD_ERR, "queue %u: receive: %s", w->qnum,
				   strerror(errno));
			flush_batch(w);
			return -1;
		}
		/*
		 * Forwarded packets seldom carry a timestamp (the kernel
		 * stamps them only while some socket asks for timestamps):
		 * theirs is the time they were read, one clock reading per
		 * call rather than per packet (a system call and a timer
		 * read each where the clock source has no vDSO, as the
		 * guests' HPET).
		 */
		stamp(x);
		for (i = 0; i < (uint32_t)got; i++) {
			if (mnl_cb_run(w->iov[i].iov_base, w->msgs[i].msg_len, 0, w->portid,
				       on_packet, x) < 0 &&
			    !atomic_fetch_add(&w->st.verdict_errors, 1))
				/* an error message: a verdict the kernel refused */
				nfipsd_log(NFIPSD_ERR, "queue %u: a verdict was refused: %s",
					   w->qnum, strerror(errno));
		}
		n += (uint32_t)got;
		if ((uint32_t)got < want)
			break;		/* the socket is empty */
	}
	flush_batch(w);
	return (int)n;
}

int nfipsd_queue_total(uint16_t qnum, uint64_t *total)
{
	FILE *f = fopen("/proc/net/netfilter/nfnetlink_queue", "re");
	unsigned int q, portid;
	unsigned long long t;
	char line[256];
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%u %u %llu", &q, &portid, &t) == 3 && q == qnum) {
			*total = t;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

static void *worker_main(void *arg)
{
	struct nfipsd_worker *w = arg;
	struct nfipsd *d = w->d;
	struct pkt_ctx *x = w->pctx;
	struct pollfd pfd[2] = {
		{ .fd = mnl_socket_get_fd(w->nl), .events = POLLIN },
		{ .fd = w->wakefd, .events = POLLIN },
	};
	struct timespec deadline = { 0 }, t;
	bool draining = false;
	uint64_t total, v;
	int n;

	for (;;) {
		if (!draining && atomic_load(&d->stopping)) {
			/* New packets now pass (fail-open); the queued stay ours. */
			if (set_maxlen(w, 0, false))
				nfipsd_log(NFIPSD_WARNING, "queue %u: cannot close the "
					   "queue to new packets: %s", w->qnum, strerror(errno));
			clock_gettime(CLOCK_MONOTONIC, &deadline);
			deadline.tv_sec += d->conf.stop_timeout;
			draining = true;
		}
		/* whole seconds: the coarse clock, read without a system call */
		clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
		atomic_store(&w->beat, (int64_t)t.tv_sec);
		n = poll(pfd, 2, draining ? 50 : 1000);
		if (n < 0 && errno != EINTR) {
			nfipsd_log(NFIPSD_ERR, "queue %u: poll: %s", w->qnum, strerror(errno));
			break;
		}
		if (n > 0 && (pfd[1].revents & POLLIN))
			(void)!read(w->wakefd, &v, sizeof(v));
		switch_policy(w);
		n = read_batch(w, x);
		if (n < 0)
			break;
		if (draining && n == 0) {
			if (!nfipsd_queue_total(w->qnum, &total) && total == 0)
				break;
			clock_gettime(CLOCK_MONOTONIC, &t);
			if (t.tv_sec > deadline.tv_sec ||
			    (t.tv_sec == deadline.tv_sec && t.tv_nsec >= deadline.tv_nsec)) {
				nfipsd_log(NFIPSD_WARNING, "queue %u: %" PRIu64 " packets "
					   "still queued after %us: the kernel drops them",
					   w->qnum, total, d->conf.stop_timeout);
				break;
			}
		}
	}
	switch_policy(w);
	return NULL;
}

/* ---- life ----------------------------------------------------------- */

int nfipsd_worker_start(struct nfipsd_worker *w)
{
	struct nfipsd *d = w->d;
	struct nfips_pipeline_cfg pc = {
		.flows = d->conf.flows,
		.sensor = d->sensor[0] ? d->sensor : NULL,
		.path = "daemon",
		.payload = d->conf.eve_payload,
		.annotate = annotate,
		.annotate_arg = w,
		.incident_first = incident_first,
		.incident_arg = w,
		.alert_max = d->conf.alert_max,
	};
	char err[256];
	int ret;

	/*
	 * A policy file's stream settings (midstream, depth, bypass) as
	 * replay --policy takes them; they hold until nfipsd restarts.
	 */
	if (d->policy && d->policy->file) {
		nfips_policy_pipeline_cfg(d->policy->file, &pc);
		pc.sensor = d->sensor[0] ? d->sensor : pc.sensor;
		pc.path = "daemon";
		pc.annotate = annotate;
		pc.annotate_arg = w;
	}

	w->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	/* a multiple of 64: each buffer's netlink headers stay aligned */
	w->buflen = (COPY_RANGE + MNL_SOCKET_BUFFER_SIZE / 2 + 63) & ~(size_t)63;
	w->nvec = d->conf.batch < RECV_VEC ? d->conf.batch : RECV_VEC;
	/* w->buf is the first of the receive buffers (send_cfg's too) */
	w->buf = malloc(w->buflen * w->nvec);
	w->iov = calloc(w->nvec, sizeof(*w->iov));
	w->msgs = calloc(w->nvec, sizeof(*w->msgs));
	for (uint32_t i = 0; w->buf && w->iov && w->msgs && i < w->nvec; i++) {
		w->iov[i] = (struct iovec){ w->buf + i * w->buflen, w->buflen };
		w->msgs[i].msg_hdr.msg_iov = &w->iov[i];
		w->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	w->pipe = nfips_pipeline_new(&pc, NULL, on_alert, w);
	w->pctx = calloc(1, sizeof(struct pkt_ctx));
	if (w->pctx)
		((struct pkt_ctx *)w->pctx)->w = w;
	if (w->wakefd < 0 || !w->buf || !w->iov || !w->msgs || !w->pipe || !w->pctx) {
		nfipsd_log(NFIPSD_ERR, "queue %u: out of memory", w->qnum);
		return -1;
	}
	switch_policy(w);
	if (nfipsd_reject_open(w))
		nfipsd_log(NFIPSD_WARNING, "queue %u: no raw sockets for rejects "
			   "(%s): reject rules drop silently", w->qnum, strerror(errno));
	if (queue_open(w, err, sizeof(err))) {
		nfipsd_log(NFIPSD_ERR, "%s", err);
		return -1;
	}
	ret = pthread_create(&w->thread, NULL, worker_main, w);
	if (ret) {
		nfipsd_log(NFIPSD_ERR, "queue %u: thread: %s", w->qnum, strerror(ret));
		return -1;
	}
	w->started = true;
	return 0;
}

void nfipsd_worker_wake(struct nfipsd_worker *w)
{
	uint64_t one = 1;

	if (w->wakefd >= 0)
		(void)!write(w->wakefd, &one, sizeof(one));
}

void nfipsd_worker_join(struct nfipsd_worker *w)
{
	if (w->started) {
		nfipsd_worker_wake(w);
		pthread_join(w->thread, NULL);
		w->started = false;
	}
	/* Ends every flow: alerts on data left behind holes are written. */
	nfips_pipeline_free(w->pipe);
	w->pipe = NULL;
	if (w->nl)
		mnl_socket_close(w->nl);
	w->nl = NULL;
	nfipsd_reject_close(w);
	if (w->wakefd >= 0)
		close(w->wakefd);
	w->wakefd = -1;
	free(w->buf);
	w->buf = NULL;
	free(w->iov);
	w->iov = NULL;
	free(w->msgs);
	w->msgs = NULL;
	free(w->pctx);
	w->pctx = NULL;
}
