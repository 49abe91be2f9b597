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
#include "nl.h"

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

struct out {
	bool json;
	unsigned long n;
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
	printf("%s{\"gid\":%u,\"sid\":%u,\"rev\":%u,\"action\":\"%s\",\"hits\":%llu,\"msg\":",
	       o->n++ ? "," : "", r->gid, r->sid, r->rev,
	       nfips_nl_action_name(r->action), (unsigned long long)r->hits);
	json_str(r->msg);
	putchar('}');
	return 0;
}

static void print_counters(const struct nfips_nl_stats *s, bool json)
{
	static const char *const names[] = {
		"packets", "bytes", "hits", "alerts", "drops", "rejects", "queued",
		"events", "events_lost", "unparsed", "depth_bytes", "flows",
		"flows_evicted", "flows_untracked", "flows_queued",
		"daemon_absent", "daemon_overload", "queue_failopen", "bypassed",
		"flow_drops", "ahead", "syns_ignored",
	};
	const uint64_t v[] = {
		s->packets, s->bytes, s->hits, s->alerts, s->drops, s->rejects,
		s->queued, s->events, s->events_lost, s->unparsed,
		s->depth_bytes, s->flows, s->flows_evicted, s->flows_untracked,
		s->flows_queued, s->daemon_absent, s->daemon_overload,
		s->queue_failopen, s->bypassed, s->flow_drops, s->ahead,
		s->syns_ignored,
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (json)
			printf("%s\"%s\":%llu", i ? "," : "", names[i],
			       (unsigned long long)v[i]);
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
		printf("{\"counters\":{");
		print_counters(&st.stats, true);
		printf("},\"rules\":[");
	} else {
		print_counters(&st.stats, false);
	}
	ret = nfips_nl_rules(nl, &serial, print_rule, &o);
	if (ret)
		goto err;
	if (o.json)
		printf("],\"serial\":%llu}\n", (unsigned long long)(serial ?: st.serial));
	nfips_nl_close(nl);
	return 0;

err:
	fflush(stdout);
	fprintf(stderr, "nfipsctl: %s\n", nfips_nl_error(nl));
	nfips_nl_close(nl);
	return 1;
}
