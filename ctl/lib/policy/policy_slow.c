// SPDX-License-Identifier: GPL-2.0
/*
 * A policy as the slow path runs it (nfipsd, nfipsctl replay --policy):
 * the same rule set, settings and suppressions in both, so a capture of
 * the gateway's traffic replays to the gateway's verdicts.
 */
#include <sys/socket.h>

#include "policy_int.h"

void nfips_policy_learn_demote(struct nfips_policy *p)
{
	size_t i;

	if (p->mode != NFIPS_POLICY_LEARN)
		return;
	for (i = 0; i < p->nrules; i++) {
		struct nfips_rule *r = p->rules[i];

		if (r->action == NFIPS_ACTION_DROP || r->action == NFIPS_ACTION_REJECT)
			r->action = NFIPS_ACTION_ALERT;
	}
}

void nfips_policy_pipeline_cfg(const struct nfips_policy *p,
			       struct nfips_pipeline_cfg *cfg)
{
	cfg->classes = &p->classes;
	cfg->sensor = p->sensor_id;
	cfg->policy_serial = p->serial > 0 ? (uint64_t)p->serial : 0;
	cfg->flows.stream.midstream = p->stream.midstream;
	if (p->stream.depth_set)
		cfg->flows.stream.depth = p->stream.depth ? p->stream.depth :
					  NFIPS_STREAM_MAX;
	cfg->stream_bypass = p->stream.bypass;
}

static bool suppressed(void *arg, const struct nfips_rule *r,
		       const struct nfips_pkt *pkt)
{
	const struct nfips_policy *p = arg;

	return nfips_policy_suppressed(p, r->gid, r->sid,
				       pkt->family == 6 ? AF_INET6 : AF_INET,
				       pkt->src, pkt->dst);
}

int nfips_policy_engine(const struct nfips_policy *p,
			const struct nfips_engine_limits *lim,
			struct nfips_engine **out, struct nfips_err *err)
{
	int ret = nfips_engine_new(out, p->rules, p->nrules, lim, err);

	if (!ret && p->nsuppressions)
		nfips_engine_set_suppress(*out, suppressed, (void *)p);
	return ret;
}
