// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl stats [--json]: the running policy's per-rule hit counters
 * (with sid and msg) and the namespace's counters. Text: one
 * "gid:sid:rev action hits msg" line per rule; --json: one object.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "nfipsctl.h"
#include "kernel/nl.h"
#include "util/util.h"

struct out {
	bool json;
	struct nfips_sbuf buf;
	struct nfips_json j;
};

static int print_rule(void *arg, const struct nfips_nl_rule *r)
{
	struct out *o = arg;

	if (!o->json) {
		printf("%u:%u:%u %s %llu %s\n", r->gid, r->sid, r->rev,
		       nfips_nl_action_name(r->action),
		       (unsigned long long)r->hits, r->msg);
		return 0;
	}
	nfips_json_obj(&o->j, NULL);
	nfips_json_kuint(&o->j, "gid", r->gid);
	nfips_json_kuint(&o->j, "sid", r->sid);
	nfips_json_kuint(&o->j, "rev", r->rev);
	nfips_json_kstr(&o->j, "action", nfips_nl_action_name(r->action));
	nfips_json_kuint(&o->j, "hits", r->hits);
	nfips_json_kstr(&o->j, "msg", r->msg);
	nfips_json_obj_end(&o->j);
	return 0;
}

static void print_counters(const struct nfips_nl_stats *s, struct out *o)
{
	static const char *const names[] = {
		"packets", "bytes", "hits", "alerts", "drops", "rejects", "queued",
		"events", "events_lost", "unparsed", "depth_bytes", "flows",
		"flows_evicted", "flows_untracked", "flows_queued",
		"daemon_absent", "daemon_overload", "queue_failopen", "bypassed",
		"flow_drops", "ahead", "syns_ignored", "block_drops",
	};
	const uint64_t v[] = {
		s->packets, s->bytes, s->hits, s->alerts, s->drops, s->rejects,
		s->queued, s->events, s->events_lost, s->unparsed,
		s->depth_bytes, s->flows, s->flows_evicted, s->flows_untracked,
		s->flows_queued, s->daemon_absent, s->daemon_overload,
		s->queue_failopen, s->bypassed, s->flow_drops, s->ahead,
		s->syns_ignored, s->block_drops,
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (o->json)
			nfips_json_kuint(&o->j, names[i], v[i]);
		else
			printf("%s=%llu%s", names[i], (unsigned long long)v[i],
			       i + 1 < sizeof(v) / sizeof(v[0]) ? " " : "\n");
	}
}

int cmd_stats(int argc, char **argv)
{
	struct out o = { 0 };
	struct nfips_nl_status st;
	struct nfips_nl *nl;
	uint64_t serial = 0;
	int ret;

	if (argc == 2 && !strcmp(argv[1], "--json")) {
		o.json = true;
	} else if (argc != 1) {
		fprintf(stderr, "Usage: nfipsctl stats [--json]\n");
		return 2;
	}
	nl = ctl_open();
	if (!nl)
		return 1;
	ret = nfips_nl_status(nl, &st);
	if (ret)
		goto err;
	if (o.json) {
		nfips_json_init(&o.j, &o.buf);
		nfips_json_obj(&o.j, NULL);
		nfips_json_obj(&o.j, "counters");
		print_counters(&st.stats, &o);
		nfips_json_obj_end(&o.j);
		nfips_json_arr(&o.j, "rules");
	} else {
		print_counters(&st.stats, &o);
	}
	ret = nfips_nl_rules(nl, &serial, print_rule, &o);
	if (ret)
		goto err;
	if (o.json) {
		nfips_json_arr_end(&o.j);
		nfips_json_kuint(&o.j, "serial", serial ?: st.serial);
		nfips_json_obj_end(&o.j);
		nfips_sbuf_add(&o.buf, "\n", 1);
		if (o.buf.oom) {
			fprintf(stderr, "nfipsctl: out of memory\n");
			ret = 1;
		} else {
			fwrite(o.buf.s, 1, o.buf.len, stdout);
		}
	}
	nfips_sbuf_free(&o.buf);
	nfips_nl_close(nl);
	return ret;

err:
	nfips_sbuf_free(&o.buf);
	fflush(stdout);
	fprintf(stderr, "nfipsctl: %s\n", nfips_nl_error(nl));
	nfips_nl_close(nl);
	return 1;
}
