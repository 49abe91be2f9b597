// SPDX-License-Identifier: GPL-2.0
/*
 * Client of the "nfips" generic netlink family (libnl-genl-3).
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nl_int.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/*
 * Bytes per POLICY_ADD message: well below the socket's send buffer, and
 * no more than a netlink attribute can hold (nla_len is 16 bits), since
 * all of a message's rules are in one NFIPS_A_RULES nest.
 */
#define BATCH_BYTES	(64 * 1024)

struct nfips_nl {
	struct nl_sock *sk;
	int family;
	char err[512];
	long bad_off;		/* offset of the attribute the kernel refused */
	bool joined;		/* member of the events group */
	uint64_t overruns;	/* receive buffer overruns while listening */
};

struct req {
	struct nfips_nl *nl;
	int (*fn)(struct nl_msg *msg, void *arg);
	void *arg;
	int err;
	bool done, intr;
};

static int seterr(struct nfips_nl *nl, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(nl->err, sizeof(nl->err), fmt, ap);
	va_end(ap);
	return err;
}

const char *nfips_nl_error(const struct nfips_nl *nl)
{
	return nl->err;
}

const char *nfips_nl_action_name(uint8_t action)
{
	static const char *const names[] = {
		[NFIPS_ACT_ALERT] = "alert",
		[NFIPS_ACT_DROP] = "drop",
		[NFIPS_ACT_REJECT] = "reject",
	};

	return action <= NFIPS_ACT_MAX ? names[action] : "?";
}

int nfips_nl_open(struct nfips_nl **out, char *err, size_t errlen)
{
	struct nfips_nl *nl;
	int one = 1, ret;

	*out = NULL;
	nl = calloc(1, sizeof(*nl));
	if (!nl) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		snprintf(err, errlen, "out of memory");
		free(nl);
		return -ENOMEM;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		snprintf(err, errlen, "cannot open a generic netlink socket: %s",
			 nl_geterror(ret));
		nfips_nl_close(nl);
		return -EIO;
	}
	/* Error messages from the kernel; acks without the request echoed. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 1 << 20);
	nl->family = genl_ctrl_resolve(nl->sk, NFIPS_GENL_NAME);
	if (nl->family < 0) {
		snprintf(err, errlen,
			 "the nfips kernel module is not loaded (no generic netlink family \""
			 NFIPS_GENL_NAME "\"): modprobe nfips");
		nfips_nl_close(nl);
		return -ENOENT;
	}
	*out = nl;
	return 0;
}

int nfips_nl_open_offline(struct nfips_nl **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void nfips_nl_close(struct nfips_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl);
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct req *rq = arg;
	int ret;

	if (nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP_INTR)
		rq->intr = true;
	if (!rq->fn)
		return NL_OK;
	ret = rq->fn(msg, rq->arg);
	if (ret) {
		rq->err = ret;
		rq->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct req *rq = arg;

	(void)msg;
	rq->done = true;
	return NL_STOP;
}

/* The extended ack (NLMSGERR_ATTR_*) that follows the error header. */
static void parse_ext_ack(struct nfips_nl *nl, const struct nlmsgerr *e)
{
	const struct nlmsghdr *h = (const void *)((const char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (off >= h->nlmsg_len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)h + off),
		      (int)(h->nlmsg_len - off), NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->err, sizeof(nl->err), "%s",
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS])
		nl->bad_off = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct req *rq = arg;

	(void)who;
	rq->err = e->error;
	rq->done = true;
	rq->nl->err[0] = '\0';
	parse_ext_ack(rq->nl, e);
	return NL_STOP;
}

/* What the usual errors mean to whoever runs nfipsctl. */
static int explain(struct nfips_nl *nl, int err, const char *what)
{
	char kmsg[sizeof(nl->err)];

	snprintf(kmsg, sizeof(kmsg), "%s", nl->err);
	/* The kernel says why when it is not the capability (max_blocks 0). */
	if (err == -EPERM && !kmsg[0])
		return seterr(nl, err, "%s: permission denied (CAP_NET_ADMIN needed)",
			      what);
	if (kmsg[0])
		return seterr(nl, err, "%s: %s (%s)", what, kmsg, strerror(-err));
	return seterr(nl, err, "%s: %s", what, strerror(-err));
}

/* Sends @msg (freed) and reads until the ack, error or end of dump. */
static int request(struct nfips_nl *nl, struct nl_msg *msg, const char *what,
		   int (*fn)(struct nl_msg *, void *), void *arg, bool *intr)
{
	struct req rq = { .nl = nl, .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int ret;

	nl->err[0] = '\0';
	nl->bad_off = -1;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return seterr(nl, -ENOMEM, "out of memory");
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &rq);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &rq);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_finish, &rq);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &rq);
	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		return seterr(nl, -EIO, "%s: cannot send: %s", what, nl_geterror(ret));
	}
	while (!rq.done) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (rq.done)
			break;
		if (ret < 0) {
			nl_cb_put(cb);
			return seterr(nl, -EIO, "%s: %s", what, nl_geterror(ret));
		}
	}
	nl_cb_put(cb);
	if (intr)
		*intr = rq.intr;
	if (rq.err < 0)
		return explain(nl, rq.err, what);
	return rq.err;
}

static struct nl_msg *new_msg(struct nfips_nl *nl, uint8_t cmd, int flags,
			      size_t size)
{
	struct nl_msg *msg = size ? nlmsg_alloc_size(size) : nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, NFIPS_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static struct nlattr **parse(struct nl_msg *msg, struct nlattr **tb)
{
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NFIPS_A_MAX, NULL))
		return NULL;
	return tb;
}

static uint64_t u64_or0(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static uint32_t u32_or0(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static uint8_t u8_or0(struct nlattr *a)
{
	return a ? nla_get_u8(a) : 0;
}

/* For the other files of this folder (nl_int.h). */
struct nl_msg *nfips_nl_new_msg(struct nfips_nl *nl, uint8_t cmd, int flags)
{
	return new_msg(nl, cmd, flags, 0);
}

int nfips_nl_request(struct nfips_nl *nl, struct nl_msg *msg, const char *what,
		     int (*fn)(struct nl_msg *, void *), void *arg, bool *intr)
{
	return request(nl, msg, what, fn, arg, intr);
}

int nfips_nl_seterr(struct nfips_nl *nl, int err, const char *msg)
{
	return seterr(nl, err, "%s", msg);
}

static int status_reply(struct nl_msg *msg, void *arg)
{
	struct nfips_nl_status *st = arg;
	struct nlattr *tb[NFIPS_A_MAX + 1], *s[NFIPS_STAT_A_MAX + 1];

	if (!parse(msg, tb))
		return -EPROTO;
	st->serial = u64_or0(tb[NFIPS_A_SERIAL]);
	st->mode = u8_or0(tb[NFIPS_A_MODE]);
	st->active = u8_or0(tb[NFIPS_A_ACTIVE]);
	st->fail_open = u8_or0(tb[NFIPS_A_FAIL_OPEN]);
	st->hooks = u32_or0(tb[NFIPS_A_HOOKS]);
	st->event_rate = u32_or0(tb[NFIPS_A_EVENT_RATE]);
	st->stream_depth = u32_or0(tb[NFIPS_A_STREAM_DEPTH]);
	st->flow_slots = u32_or0(tb[NFIPS_A_FLOW_SLOTS]);
	st->daemon = u8_or0(tb[NFIPS_A_DAEMON]);
	st->overload = u8_or0(tb[NFIPS_A_OVERLOAD]);
	st->queue = tb[NFIPS_A_QUEUE] ? nla_get_u16(tb[NFIPS_A_QUEUE]) : 0;
	st->queue_num = tb[NFIPS_A_QUEUE_NUM] ? nla_get_u16(tb[NFIPS_A_QUEUE_NUM]) : 0;
	st->nrules = u32_or0(tb[NFIPS_A_NRULES]);
	st->nkernel = u32_or0(tb[NFIPS_A_NRULES_KERNEL]);
	st->nselectors = u32_or0(tb[NFIPS_A_NSELECTORS]);
	st->ac_states = u32_or0(tb[NFIPS_A_AC_STATES]);
	st->memory = u64_or0(tb[NFIPS_A_MEMORY]);
	st->nblocks = u32_or0(tb[NFIPS_A_NBLOCKS]);
	if (tb[NFIPS_A_STATS] &&
	    !nla_parse_nested(s, NFIPS_STAT_A_MAX, tb[NFIPS_A_STATS], NULL)) {
		st->stats.packets = u64_or0(s[NFIPS_STAT_A_PACKETS]);
		st->stats.bytes = u64_or0(s[NFIPS_STAT_A_BYTES]);
		st->stats.hits = u64_or0(s[NFIPS_STAT_A_HITS]);
		st->stats.alerts = u64_or0(s[NFIPS_STAT_A_ALERTS]);
		st->stats.drops = u64_or0(s[NFIPS_STAT_A_DROPS]);
		st->stats.rejects = u64_or0(s[NFIPS_STAT_A_REJECTS]);
		st->stats.queued = u64_or0(s[NFIPS_STAT_A_QUEUED]);
		st->stats.events = u64_or0(s[NFIPS_STAT_A_EVENTS]);
		st->stats.events_lost = u64_or0(s[NFIPS_STAT_A_EVENTS_LOST]);
		st->stats.unparsed = u64_or0(s[NFIPS_STAT_A_UNPARSED]);
		st->stats.depth_bytes = u64_or0(s[NFIPS_STAT_A_DEPTH_BYTES]);
		st->stats.flows = u64_or0(s[NFIPS_STAT_A_FLOWS]);
		st->stats.flows_evicted = u64_or0(s[NFIPS_STAT_A_FLOWS_EVICTED]);
		st->stats.flows_untracked = u64_or0(s[NFIPS_STAT_A_FLOWS_UNTRACKED]);
		st->stats.flows_queued = u64_or0(s[NFIPS_STAT_A_FLOWS_QUEUED]);
		st->stats.daemon_absent = u64_or0(s[NFIPS_STAT_A_DAEMON_ABSENT]);
		st->stats.daemon_overload = u64_or0(s[NFIPS_STAT_A_DAEMON_OVERLOAD]);
		st->stats.queue_failopen = u64_or0(s[NFIPS_STAT_A_QUEUE_FAILOPEN]);
		st->stats.bypassed = u64_or0(s[NFIPS_STAT_A_BYPASSED]);
		st->stats.flow_drops = u64_or0(s[NFIPS_STAT_A_FLOW_DROPS]);
		st->stats.ahead = u64_or0(s[NFIPS_STAT_A_AHEAD]);
		st->stats.syns_ignored = u64_or0(s[NFIPS_STAT_A_SYNS_IGNORED]);
		st->stats.block_drops = u64_or0(s[NFIPS_STAT_A_BLOCK_DROPS]);
	}
	return 0;
}

int nfips_nl_status(struct nfips_nl *nl, struct nfips_nl_status *st)
{
	struct nl_msg *msg = new_msg(nl, NFIPS_CMD_GET_STATUS, 0, 0);

	memset(st, 0, sizeof(*st));
	if (!msg)
		return seterr(nl, -ENOMEM, "out of memory");
	return request(nl, msg, "status", status_reply, st, NULL);
}

int nfips_nl_set_config(struct nfips_nl *nl, const struct nfips_nl_config *c)
{
	struct nl_msg *msg = new_msg(nl, NFIPS_CMD_SET_CONFIG, 0, 0);

	if (!msg)
		return seterr(nl, -ENOMEM, "out of memory");
	if ((c->set_mode && nla_put_u8(msg, NFIPS_A_MODE, c->mode)) ||
	    (c->set_hooks && nla_put_u32(msg, NFIPS_A_HOOKS, c->hooks)) ||
	    (c->set_fail_open && nla_put_u8(msg, NFIPS_A_FAIL_OPEN, c->fail_open)) ||
	    (c->set_event_rate &&
	     nla_put_u32(msg, NFIPS_A_EVENT_RATE, c->event_rate)) ||
	    (c->set_stream_depth &&
	     nla_put_u32(msg, NFIPS_A_STREAM_DEPTH, c->stream_depth))) {
		nlmsg_free(msg);
		return seterr(nl, -ENOMEM, "out of memory");
	}
	return request(nl, msg, "set config", NULL, NULL, NULL);
}

int nfips_nl_flush(struct nfips_nl *nl)
{
	struct nl_msg *msg = new_msg(nl, NFIPS_CMD_POLICY_FLUSH, 0, 0);

	if (!msg)
		return seterr(nl, -ENOMEM, "out of memory");
	return request(nl, msg, "flush", NULL, NULL, NULL);
}

/* ---- policy transaction --------------------------------------------- */

struct u_reply {
	int attr;
	uint64_t v;
};

static int get_reply_attr(struct nl_msg *msg, void *arg)
{
	struct u_reply *r = arg;
	struct nlattr *tb[NFIPS_A_MAX + 1];

	if (!parse(msg, tb) || !tb[r->attr])
		return -EPROTO;
	r->v = r->attr == NFIPS_A_SERIAL ? nla_get_u64(tb[r->attr]) :
					   nla_get_u32(tb[r->attr]);
	return 0;
}

static int txn_simple(struct nfips_nl *nl, uint8_t cmd, uint32_t txn,
		      const char *what, struct u_reply *reply)
{
	struct nl_msg *msg = new_msg(nl, cmd, 0, 0);

	if (!msg || nla_put_u32(msg, NFIPS_A_TXN_ID, txn)) {
		nlmsg_free(msg);
		return seterr(nl, -ENOMEM, "out of memory");
	}
	return request(nl, msg, what, reply ? get_reply_attr : NULL, reply, NULL);
}

/* Rules of one ADD message and where each starts in it. */
struct batch {
	size_t n;
	size_t idx[BATCH_BYTES / 16];
	long off[BATCH_BYTES / 16];
};

/* The rule whose nest holds byte @off of the message, or SIZE_MAX. */
static size_t batch_rule_at(const struct batch *b, long off)
{
	size_t i;

	if (off < 0)
		return SIZE_MAX;
	for (i = b->n; i-- > 0;)
		if (b->off[i] <= off)
			return b->idx[i];
	return SIZE_MAX;
}

/*
 * Fills one ADD message from rules[*next...]; advances *next past what
 * it took. Returns the number of rules added or a negative errno (*bad
 * set on a rule that cannot be represented).
 */
static int fill_batch(struct nfips_nl *nl, struct nl_msg *msg, uint32_t txn,
		      struct nfips_rule *const *rules, size_t n, size_t *next,
		      struct batch *b, size_t *bad)
{
	struct nlattr *list, *nest;
	const char *why = NULL;
	int ret;

	b->n = 0;
	if (nla_put_u32(msg, NFIPS_A_TXN_ID, txn))
		return seterr(nl, -ENOMEM, "out of memory");
	list = nla_nest_start(msg, NFIPS_A_RULES | NLA_F_NESTED);
	if (!list)
		return seterr(nl, -ENOMEM, "out of memory");
	for (; *next < n && b->n < sizeof(b->idx) / sizeof(b->idx[0]); ++*next) {
		long off = (char *)nlmsg_tail(nlmsg_hdr(msg)) - (char *)nlmsg_hdr(msg);

		nest = nla_nest_start(msg, (int)(b->n + 1) | NLA_F_NESTED);
		ret = nest ? nfips_wire_put_rule(msg, rules[*next], &why) : -2;
		if (ret == 1) {
			nla_nest_cancel(msg, nest);
			continue;
		}
		if (ret == -1) {
			*bad = *next;
			return seterr(nl, -EINVAL, "rule %u:%u: %s", rules[*next]->gid,
				      rules[*next]->sid, why);
		}
		if (ret == -2 || nla_nest_end(msg, nest) < 0) {
			if (nest)
				nla_nest_cancel(msg, nest);
			if (!b->n) {
				*bad = *next;
				return seterr(nl, -EMSGSIZE, "rule %u:%u: too large",
					      rules[*next]->gid, rules[*next]->sid);
			}
			break;
		}
		b->idx[b->n] = *next;
		b->off[b->n++] = off;
	}
	/* Cannot overflow with BATCH_BYTES as above; never send it empty. */
	if (nla_nest_end(msg, list) < 0)
		return seterr(nl, -EMSGSIZE, "policy batch larger than a netlink attribute");
	return (int)b->n;
}

/* The daemon selectors, in ADD messages of up to BATCH_BYTES. */
static int send_selectors(struct nfips_nl *nl, uint32_t txn,
			  struct nfips_rule *const *rules, size_t n, bool dry_run)
{
	struct nfips_sels sels;
	struct nlattr *list, *nest;
	struct nl_msg *msg = NULL;
	size_t i = 0, in;
	int ret;

	if (nfips_wire_selectors(rules, n, &sels))
		return seterr(nl, -ENOMEM, "out of memory");
	ret = 0;
	while (i < sels.n && !ret) {
		msg = new_msg(nl, NFIPS_CMD_POLICY_ADD, 0, BATCH_BYTES);
		if (!msg || nla_put_u32(msg, NFIPS_A_TXN_ID, txn) ||
		    !(list = nla_nest_start(msg, NFIPS_A_SELECTORS | NLA_F_NESTED))) {
			ret = seterr(nl, -ENOMEM, "out of memory");
			break;
		}
		for (in = 0; i < sels.n; i++, in++) {
			nest = nla_nest_start(msg, (int)(in + 1) | NLA_F_NESTED);
			if (!nest || nfips_wire_put_sel(msg, &sels.v[i]) ||
			    nla_nest_end(msg, nest) < 0) {
				if (nest)
					nla_nest_cancel(msg, nest);
				break;
			}
		}
		if (!in || nla_nest_end(msg, list) < 0) {
			ret = seterr(nl, -EMSGSIZE, "daemon selector too large");
			break;
		}
		if (dry_run) {
			nlmsg_free(msg);
		} else {
			ret = request(nl, msg, "policy add (selectors)", NULL, NULL, NULL);
		}
		msg = NULL;
	}
	nlmsg_free(msg);
	nfips_sels_free(&sels);
	return ret;
}

int nfips_nl_policy_apply(struct nfips_nl *nl, struct nfips_rule *const *rules,
			  size_t n, bool dry_run, uint64_t *serial, size_t *bad)
{
	struct u_reply reply = { .attr = NFIPS_A_TXN_ID };
	struct batch *b = malloc(sizeof(*b));
	uint32_t txn = 0;
	size_t next = 0;
	struct nl_msg *msg;
	int ret;

	*bad = SIZE_MAX;
	*serial = 0;
	if (!b)
		return seterr(nl, -ENOMEM, "out of memory");
	if (!dry_run) {
		msg = new_msg(nl, NFIPS_CMD_POLICY_BEGIN, 0, 0);
		if (!msg || nla_put_u32(msg, NFIPS_A_POLICY_VERSION,
					NFIPS_POLICY_VERSION)) {
			nlmsg_free(msg);
			ret = seterr(nl, -ENOMEM, "out of memory");
			goto out;
		}
		ret = request(nl, msg, "policy begin", get_reply_attr, &reply, NULL);
		if (ret)
			goto out;
		txn = (uint32_t)reply.v;
	}
	do {
		msg = new_msg(nl, NFIPS_CMD_POLICY_ADD, 0, BATCH_BYTES);
		if (!msg) {
			ret = seterr(nl, -ENOMEM, "out of memory");
			goto abort;
		}
		ret = fill_batch(nl, msg, txn, rules, n, &next, b, bad);
		if (ret <= 0 || dry_run) {
			nlmsg_free(msg);
			if (ret < 0)
				goto abort;
			continue;
		}
		ret = request(nl, msg, "policy add", NULL, NULL, NULL);
		if (ret) {
			*bad = batch_rule_at(b, nl->bad_off);
			if (*bad != SIZE_MAX) {
				char e[sizeof(nl->err)];

				snprintf(e, sizeof(e), "%s", nl->err);
				seterr(nl, ret, "rule %u:%u: %s", rules[*bad]->gid,
				       rules[*bad]->sid, e);
			}
			goto abort;
		}
	} while (next < n);
	ret = send_selectors(nl, txn, rules, n, dry_run);
	if (ret)
		goto abort;
	if (dry_run) {
		ret = 0;
		goto out;
	}
	reply.attr = NFIPS_A_SERIAL;
	ret = txn_simple(nl, NFIPS_CMD_POLICY_COMMIT, txn, "policy commit", &reply);
	if (!ret)
		*serial = reply.v;
	goto out;

abort:
	if (!dry_run) {
		char e[sizeof(nl->err)];

		/* The kernel drops a refused transaction itself; be sure. */
		snprintf(e, sizeof(e), "%s", nl->err);
		txn_simple(nl, NFIPS_CMD_POLICY_ABORT, txn, "policy abort", NULL);
		snprintf(nl->err, sizeof(nl->err), "%s", e);
	}
out:
	free(b);
	return ret;
}

/* ---- rule counters (dump) ------------------------------------------- */

struct dump {
	int (*fn)(void *arg, const struct nfips_nl_rule *r);
	void *arg;
	uint64_t serial;
	struct nfips_nl_rule *rules;
	size_t n, cap;
};

static int rule_reply(struct nl_msg *msg, void *arg)
{
	struct dump *d = arg;
	struct nlattr *tb[NFIPS_A_MAX + 1], *r[NFIPS_RULE_A_MAX + 1];
	struct nfips_nl_rule *x;

	if (!parse(msg, tb) || !tb[NFIPS_A_RULE] ||
	    nla_parse_nested(r, NFIPS_RULE_A_MAX, tb[NFIPS_A_RULE], NULL))
		return -EPROTO;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 256;

		x = realloc(d->rules, cap * sizeof(*x));
		if (!x)
			return -ENOMEM;
		d->rules = x;
		d->cap = cap;
	}
	x = &d->rules[d->n++];
	memset(x, 0, sizeof(*x));
	d->serial = u64_or0(tb[NFIPS_A_SERIAL]);
	x->index = u32_or0(r[NFIPS_RULE_A_INDEX]);
	x->gid = u32_or0(r[NFIPS_RULE_A_GID]);
	x->sid = u32_or0(r[NFIPS_RULE_A_SID]);
	x->rev = u32_or0(r[NFIPS_RULE_A_REV]);
	x->flags = u32_or0(r[NFIPS_RULE_A_FLAGS]);
	x->action = u8_or0(r[NFIPS_RULE_A_ACTION]);
	x->proto = u8_or0(r[NFIPS_RULE_A_PROTO]);
	x->hits = u64_or0(r[NFIPS_RULE_A_HITS]);
	if (r[NFIPS_RULE_A_MSG])
		snprintf(x->msg, sizeof(x->msg), "%s",
			 (const char *)nla_data(r[NFIPS_RULE_A_MSG]));
	return 0;
}

int nfips_nl_rules(struct nfips_nl *nl, uint64_t *serial,
		   int (*fn)(void *arg, const struct nfips_nl_rule *r),
		   void *arg)
{
	struct dump d = { .fn = fn, .arg = arg };
	struct nl_msg *msg;
	bool intr = true;
	int tries, ret = 0;
	size_t i;

	/* A policy swap during the dump mixes two policies: start over. */
	for (tries = 0; intr && tries < 5; tries++) {
		d.n = 0;
		d.serial = 0;
		msg = new_msg(nl, NFIPS_CMD_GET_RULES, NLM_F_DUMP, 0);
		if (!msg) {
			ret = seterr(nl, -ENOMEM, "out of memory");
			goto out;
		}
		ret = request(nl, msg, "rules", rule_reply, &d, &intr);
		if (ret)
			goto out;
	}
	if (intr) {
		ret = seterr(nl, -EAGAIN, "rules: the policy kept changing");
		goto out;
	}
	*serial = d.serial;
	for (i = 0; i < d.n; i++) {
		ret = fn(arg, &d.rules[i]);
		if (ret)
			break;
	}
out:
	free(d.rules);
	return ret;
}

/* ---- events --------------------------------------------------------- */

struct ev_ctx {
	int (*fn)(void *arg, const struct nfips_nl_event *ev);
	void *arg;
	int ret;
};

static int event_reply(struct nl_msg *msg, void *arg)
{
	struct ev_ctx *c = arg;
	struct nlattr *tb[NFIPS_A_MAX + 1], *e[NFIPS_EV_A_MAX + 1];
	struct nfips_nl_event ev = { 0 };
	int alen;

	if (genlmsg_hdr(nlmsg_hdr(msg))->cmd != NFIPS_CMD_EVENT)
		return NL_SKIP;
	if (!parse(msg, tb) || !tb[NFIPS_A_EVENT] ||
	    nla_parse_nested(e, NFIPS_EV_A_MAX, tb[NFIPS_A_EVENT], NULL))
		return NL_SKIP;
	ev.serial = u64_or0(tb[NFIPS_A_SERIAL]);
	ev.time_ns = u64_or0(e[NFIPS_EV_A_TIME]);
	ev.rule = u32_or0(e[NFIPS_EV_A_RULE]);
	ev.gid = u32_or0(e[NFIPS_EV_A_GID]);
	ev.sid = u32_or0(e[NFIPS_EV_A_SID]);
	ev.rev = u32_or0(e[NFIPS_EV_A_REV]);
	ev.ifindex = u32_or0(e[NFIPS_EV_A_IFINDEX]);
	ev.action = u8_or0(e[NFIPS_EV_A_ACTION]);
	ev.blocked = u8_or0(e[NFIPS_EV_A_BLOCKED]);
	ev.family = u8_or0(e[NFIPS_EV_A_FAMILY]);
	ev.l4proto = u8_or0(e[NFIPS_EV_A_L4PROTO]);
	ev.hook = u8_or0(e[NFIPS_EV_A_HOOK]);
	ev.sport = e[NFIPS_EV_A_SPORT] ? nla_get_u16(e[NFIPS_EV_A_SPORT]) : 0;
	ev.dport = e[NFIPS_EV_A_DPORT] ? nla_get_u16(e[NFIPS_EV_A_DPORT]) : 0;
	alen = ev.family == AF_INET ? 4 : 16;
	if (e[NFIPS_EV_A_SADDR] && nla_len(e[NFIPS_EV_A_SADDR]) == alen)
		memcpy(ev.saddr, nla_data(e[NFIPS_EV_A_SADDR]), alen);
	if (e[NFIPS_EV_A_DADDR] && nla_len(e[NFIPS_EV_A_DADDR]) == alen)
		memcpy(ev.daddr, nla_data(e[NFIPS_EV_A_DADDR]), alen);
	if (e[NFIPS_EV_A_IFNAME])
		snprintf(ev.ifname, sizeof(ev.ifname), "%s",
			 (const char *)nla_data(e[NFIPS_EV_A_IFNAME]));
	c->ret = c->fn(c->arg, &ev);
	return c->ret ? NL_STOP : NL_OK;
}

static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int nfips_nl_events_join(struct nfips_nl *nl)
{
	int grp, ret;

	if (nl->joined)
		return 0;
	grp = genl_ctrl_resolve_grp(nl->sk, NFIPS_GENL_NAME, NFIPS_MCGRP_EVENTS);
	if (grp < 0)
		return seterr(nl, -ENOENT, "events: no multicast group \"%s\"",
			      NFIPS_MCGRP_EVENTS);
	ret = nl_socket_add_membership(nl->sk, grp);
	if (ret < 0) {
		if (ret == -NLE_PERM)
			return seterr(nl, -EPERM,
				      "events: permission denied (CAP_NET_ADMIN needed)");
		return seterr(nl, -EIO, "events: cannot join the group: %s",
			      nl_geterror(ret));
	}
	nl->joined = true;
	return 0;
}

uint64_t nfips_nl_events_overruns(const struct nfips_nl *nl)
{
	return nl->overruns;
}

int nfips_nl_events(struct nfips_nl *nl, int timeout_ms,
		    int (*fn)(void *arg, const struct nfips_nl_event *ev),
		    void *arg)
{
	struct ev_ctx c = { .fn = fn, .arg = arg };
	struct pollfd pfd;
	struct nl_cb *cb;
	int ret;

	ret = nfips_nl_events_join(nl);
	if (ret)
		return ret;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return seterr(nl, -ENOMEM, "out of memory");
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, event_reply, &c);
	/* Multicast messages carry no sequence number of ours. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	pfd.fd = nl_socket_get_fd(nl->sk);
	pfd.events = POLLIN;
	for (;;) {
		ret = poll(&pfd, 1, timeout_ms);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			ret = seterr(nl, -errno, "events: poll: %s", strerror(errno));
			break;
		}
		if (!ret)
			break;
		ret = nl_recvmsgs(nl->sk, cb);
		if (c.ret) {
			ret = c.ret;
			break;
		}
		/* Receive buffer overrun: events were lost, keep listening. */
		if (ret == -NLE_NOMEM)
			nl->overruns++;
		if (ret < 0 && ret != -NLE_NOMEM) {
			ret = seterr(nl, -EIO, "events: %s", nl_geterror(ret));
			break;
		}
		ret = 0;
	}
	nl_cb_put(cb);
	return ret;
}

/* ---- the daemon's side ---------------------------------------------- */

int nfips_nl_daemon_register(struct nfips_nl *nl, uint16_t queue,
			     uint16_t queues)
{
	struct nl_msg *msg = new_msg(nl, NFIPS_CMD_DAEMON_REGISTER, 0, 0);

	if (!msg || nla_put_u16(msg, NFIPS_A_QUEUE, queue) ||
	    nla_put_u16(msg, NFIPS_A_QUEUE_NUM, queues)) {
		nlmsg_free(msg);
		return seterr(nl, -ENOMEM, "out of memory");
	}
	return request(nl, msg, "daemon register", NULL, NULL, NULL);
}

int nfips_nl_daemon_unregister(struct nfips_nl *nl)
{
	struct nl_msg *msg = new_msg(nl, NFIPS_CMD_DAEMON_UNREGISTER, 0, 0);

	if (!msg)
		return seterr(nl, -ENOMEM, "out of memory");
	return request(nl, msg, "daemon unregister", NULL, NULL, NULL);
}

int nfips_nl_daemon_report(struct nfips_nl *nl, int overload,
			   const uint64_t *queue_failopen)
{
	struct nl_msg *msg = new_msg(nl, NFIPS_CMD_DAEMON_REPORT, 0, 0);

	if (!msg || (overload >= 0 &&
		     nla_put_u8(msg, NFIPS_A_OVERLOAD, overload ? 1 : 0)) ||
	    (queue_failopen &&
	     nla_put_u64(msg, NFIPS_A_QUEUE_FAILOPEN, *queue_failopen))) {
		nlmsg_free(msg);
		return seterr(nl, -ENOMEM, "out of memory");
	}
	return request(nl, msg, "daemon report", NULL, NULL, NULL);
}

int nfips_nl_flow_verdict(struct nfips_nl *nl, const struct nfips_nl_flow *f,
			  uint8_t verdict)
{
	struct nl_msg *msg = new_msg(nl, NFIPS_CMD_FLOW_VERDICT, 0, 0);
	int alen = f->family == AF_INET ? 4 : 16;
	struct nlattr *nest;

	if (!msg || !(nest = nla_nest_start(msg, NFIPS_A_FLOW | NLA_F_NESTED)) ||
	    nla_put_u8(msg, NFIPS_FLOW_A_FAMILY, f->family) ||
	    nla_put_u8(msg, NFIPS_FLOW_A_L4PROTO, f->l4proto) ||
	    nla_put(msg, NFIPS_FLOW_A_SADDR, alen, f->saddr) ||
	    nla_put(msg, NFIPS_FLOW_A_DADDR, alen, f->daddr) ||
	    nla_put_u16(msg, NFIPS_FLOW_A_SPORT, f->sport) ||
	    nla_put_u16(msg, NFIPS_FLOW_A_DPORT, f->dport) ||
	    (f->ct_id && nla_put_u32(msg, NFIPS_FLOW_A_CT_ID, f->ct_id)) ||
	    nla_nest_end(msg, nest) < 0 ||
	    nla_put_u8(msg, NFIPS_A_VERDICT, verdict)) {
		nlmsg_free(msg);
		return seterr(nl, -ENOMEM, "out of memory");
	}
	return request(nl, msg, "flow verdict", NULL, NULL, NULL);
}
