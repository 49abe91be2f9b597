// SPDX-License-Identifier: GPL-2.0
/*
 * nfips: events. Each rule a packet hit is told to the listeners of the
 * events multicast group (nfipsd, nfipsctl monitor), one message per rule,
 * within a per-CPU budget of NFIPS_A_EVENT_RATE a second; an event over
 * the budget, without memory or that no listener could take counts as
 * lost (events_lost). Sent from the packet path: never sleeps.
 */
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <net/genetlink.h>
#include "nfips.h"
#include "parse.h"

/* Cleared at unload, a grace period before the family goes. */
static bool nfips_events_on __read_mostly = true;

/*
 * No event is sent once this returns: senders run under rcu_read_lock()
 * (the hooks), and the flag is seen by all after the grace period.
 */
void nfips_events_stop(void)
{
	WRITE_ONCE(nfips_events_on, false);
	synchronize_rcu();
}

/* Per-CPU budget of NFIPS_A_EVENT_RATE events per second; BH context. */
static bool event_budget(struct nfips_net *nn)
{
	struct nfips_pcpu_stats *st = this_cpu_ptr(nn->stats);
	u32 rate = READ_ONCE(nn->event_rate);

	if (!rate)
		return true;
	if (time_after(jiffies, st->ev_window + HZ)) {
		st->ev_window = jiffies;
		st->ev_count = 0;
	}
	if (st->ev_count >= rate)
		return false;
	st->ev_count++;
	return true;
}

static int put_event(struct sk_buff *msg, const struct nfips_policy *p, u32 idx,
		     bool blocked, const struct nfips_pkt *pkt,
		     const struct nf_hook_state *state)
{
	const struct nfips_krule *r = p->rules[idx];
	int alen = pkt->family == NFPROTO_IPV4 ? 4 : 16;
	const struct net_device *in = state->in;
	struct nlattr *nest;

	if (nla_put_u64_64bit(msg, NFIPS_A_SERIAL, p->serial, NFIPS_A_PAD))
		return -EMSGSIZE;
	nest = nla_nest_start(msg, NFIPS_A_EVENT);
	if (!nest ||
	    nla_put_u32(msg, NFIPS_EV_A_RULE, idx) ||
	    nla_put_u32(msg, NFIPS_EV_A_GID, r->gid) ||
	    nla_put_u32(msg, NFIPS_EV_A_SID, r->sid) ||
	    nla_put_u32(msg, NFIPS_EV_A_REV, r->rev) ||
	    nla_put_u8(msg, NFIPS_EV_A_ACTION, r->action) ||
	    nla_put_u8(msg, NFIPS_EV_A_BLOCKED, blocked) ||
	    nla_put_u8(msg, NFIPS_EV_A_FAMILY,
		       pkt->family == NFPROTO_IPV4 ? AF_INET : AF_INET6) ||
	    nla_put_u8(msg, NFIPS_EV_A_L4PROTO, pkt->l4proto) ||
	    nla_put(msg, NFIPS_EV_A_SADDR, alen, &pkt->saddr) ||
	    nla_put(msg, NFIPS_EV_A_DADDR, alen, &pkt->daddr) ||
	    nla_put_u16(msg, NFIPS_EV_A_SPORT, pkt->sport) ||
	    nla_put_u16(msg, NFIPS_EV_A_DPORT, pkt->dport) ||
	    nla_put_u8(msg, NFIPS_EV_A_HOOK,
		       state->hook == NF_INET_FORWARD ? NFIPS_HOOK_FORWARD :
							NFIPS_HOOK_LOCAL_IN) ||
	    nla_put_u64_64bit(msg, NFIPS_EV_A_TIME, ktime_get_real_ns(),
			      NFIPS_EV_A_PAD))
		return -EMSGSIZE;
	if (in && (nla_put_u32(msg, NFIPS_EV_A_IFINDEX, in->ifindex) ||
		   nla_put_string(msg, NFIPS_EV_A_IFNAME, in->name)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* Called from the packet path, under rcu_read_lock() with BHs off. */
void nfips_event_send(struct nfips_net *nn, const struct nfips_policy *p,
		      u32 idx, bool blocked, const struct nfips_pkt *pkt,
		      const struct nf_hook_state *state)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (!READ_ONCE(nfips_events_on) ||
	    !genl_has_listeners(&nfips_genl_family, nn->net, NFIPS_GRP_EVENTS))
		return;
	if (!event_budget(nn))
		goto lost;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		goto lost;
	hdr = genlmsg_put(msg, 0, 0, &nfips_genl_family, 0, NFIPS_CMD_EVENT);
	if (!hdr || put_event(msg, p, idx, blocked, pkt, state)) {
		nlmsg_free(msg);
		goto lost;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_multicast_netns(&nfips_genl_family, nn->net, msg, 0,
				      NFIPS_GRP_EVENTS, GFP_ATOMIC);
	if (ret && ret != -ESRCH)
		goto lost;
	if (!ret)
		this_cpu_inc(nn->stats->events);
	return;

lost:
	this_cpu_inc(nn->stats->events_lost);
}
