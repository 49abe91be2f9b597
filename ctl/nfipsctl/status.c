// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl status: the running policy (serial, rules), configuration and
 * the namespace's counters, one "key: value" line each.
 */
#include <stdio.h>
#include <string.h>

#include "nfipsctl.h"
#include "kernel/nl.h"

static const char *hooks_name(uint32_t hooks)
{
	switch (hooks & NFIPS_HOOK_ALL) {
	case NFIPS_HOOK_FORWARD:
		return "forward";
	case NFIPS_HOOK_LOCAL_IN:
		return "local_in";
	case NFIPS_HOOK_ALL:
		return "forward,local_in";
	}
	return "none";
}

int cmd_status(int argc, char **argv)
{
	struct nfips_nl_status st;
	struct nfips_nl *nl;
	int ret;

	if (argc > 1) {
		fprintf(stderr, "Usage: %s\n", argv[0]);
		return strcmp(argv[1], "--help") ? 2 : 0;
	}
	nl = ctl_open();
	if (!nl)
		return 1;
	ret = nfips_nl_status(nl, &st);
	if (ret) {
		fprintf(stderr, "nfipsctl: %s\n", nfips_nl_error(nl));
		nfips_nl_close(nl);
		return 1;
	}
	printf("policy serial: %llu\n", (unsigned long long)st.serial);
	printf("inspection: %s\n", st.active ? "on" : "off");
	printf("mode: %s\n", st.mode == NFIPS_MODE_ENFORCE ? "enforce" : "learn");
	printf("hooks: %s\n", hooks_name(st.hooks));
	if (st.daemon)
		printf("daemon: queues %u-%u%s\n", st.queue, st.queue + st.queue_num - 1,
		       st.overload ? " (over its memory budget)" : "");
	else
		printf("daemon: none\n");
	printf("fail: %s\n", st.fail_open ? "open" : "closed");
	printf("event rate: %u/s per CPU%s\n", st.event_rate,
	       st.event_rate ? "" : " (unlimited)");
	if (st.stream_depth)
		printf("stream depth: %u bytes per direction\n", st.stream_depth);
	else
		printf("stream depth: unlimited\n");
	printf("flow table: %u flows%s\n", st.flow_slots,
	       st.flow_slots || !st.active ? "" : " (none: every segment scanned alone)");
	printf("rules: %u\n", st.nrules);
	printf("daemon selectors: %u\n", st.nselectors);
	printf("automaton states: %u\n", st.ac_states);
	printf("memory: %llu\n", (unsigned long long)st.memory);
	printf("packets: %llu\n", (unsigned long long)st.stats.packets);
	printf("bytes scanned: %llu\n", (unsigned long long)st.stats.bytes);
	printf("hits: %llu\n", (unsigned long long)st.stats.hits);
	printf("alerts: %llu\n", (unsigned long long)st.stats.alerts);
	printf("drops: %llu\n", (unsigned long long)st.stats.drops);
	printf("rejects: %llu\n", (unsigned long long)st.stats.rejects);
	printf("queued: %llu (flows %llu)\n", (unsigned long long)st.stats.queued,
	       (unsigned long long)st.stats.flows_queued);
	printf("fail-open: daemon absent %llu, daemon over budget %llu, queue full %llu\n",
	       (unsigned long long)st.stats.daemon_absent,
	       (unsigned long long)st.stats.daemon_overload,
	       (unsigned long long)st.stats.queue_failopen);
	printf("flow verdicts: bypassed %llu, dropped %llu\n",
	       (unsigned long long)st.stats.bypassed,
	       (unsigned long long)st.stats.flow_drops);
	printf("segments ahead of a hole: %llu\n", (unsigned long long)st.stats.ahead);
	printf("SYNs ignored: %llu\n", (unsigned long long)st.stats.syns_ignored);
	printf("events: %llu\n", (unsigned long long)st.stats.events);
	printf("events lost: %llu\n", (unsigned long long)st.stats.events_lost);
	printf("unparsed: %llu\n", (unsigned long long)st.stats.unparsed);
	printf("bytes past depth: %llu\n", (unsigned long long)st.stats.depth_bytes);
	printf("flows: %llu (evicted while live %llu, untracked %llu)\n",
	       (unsigned long long)st.stats.flows,
	       (unsigned long long)st.stats.flows_evicted,
	       (unsigned long long)st.stats.flows_untracked);
	nfips_nl_close(nl);
	return 0;
}
