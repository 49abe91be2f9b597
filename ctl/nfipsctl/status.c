// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl status: the running policy (serial, rules), configuration and
 * the namespace's counters, one "key: value" line each; then nfipsd's
 * collectors, from the status files its senders rewrite every second
 * (lib/deliver/status.c): the daemon needs no control socket for it.
 *
 *   nfipsctl status [--collectors] [--deliver-dir DIR] [--mail] [--store PATH]
 *   nfipsctl status --json [--config NFIPSD.CONF]
 *
 * and the contacts' mail queue from the store (nfipsctl mail.c).
 * --json is the machine-readable form push and fleet status read: one
 * object with the policy file's serial and mode, the kernel's status and
 * counters (when the module is loaded), nfipsd's (pid, running serial,
 * reloads), delivery backlog, the last alert and the verdict (health.c).
 */
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nfipsctl.h"
#include "deliver/deliver.h"
#include "kernel/nl.h"

#define DELIVER_DIR "/var/lib/nfips/deliver"

static void ago(char *out, size_t len, int64_t t, int64_t now)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char ts[32];

	if (!t) {
		snprintf(out, len, "never");
		return;
	}
	localtime_r(&tt, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(out, len, "%s (%lld s ago)", ts, (long long)(now - t));
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* One block per collector; 0, or 1 when the directory is unreadable. */
static int print_collectors(const char *dir, bool quiet_if_none)
{
	struct dirent **ents;
	int i, n = scandir(dir, &ents, NULL, by_name), shown = 0;
	int64_t now = time(NULL);

	if (n < 0) {
		if (quiet_if_none)
			return 0;
		fprintf(stderr, "nfipsctl: %s: %m (no collector configured?)\n", dir);
		return 1;
	}
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		size_t len = strlen(name);
		struct nfips_sender_status st;
		char path[4096], a[64], b[64];

		if (len < 8 || strcmp(name + len - 7, ".status"))
			goto next;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (nfips_status_read(path, &st))
			goto next;
		shown++;
		printf("collector %s: %s %s\n", st.name, st.transport, st.peer);
		if (now - st.updated > 5)
			printf("  state: unknown: status not updated for %lld s "
			       "(nfipsd not running?)\n", (long long)(now - st.updated));
		printf("  connected: %s\n", st.connected ? "yes" : "no");
		if (st.backlog)
			printf("  backlog: %llu alerts, oldest %lld s old\n",
			       (unsigned long long)st.backlog,
			       st.oldest ? (long long)(now - st.oldest) : 0LL);
		else
			printf("  backlog: 0 alerts\n");
		printf("  acknowledged up to: sequence %llu of %llu\n",
		       (unsigned long long)st.cursor, (unsigned long long)st.last_seq);
		ago(a, sizeof(a), st.last_success, now);
		printf("  last success: %s\n", a);
		ago(b, sizeof(b), st.last_error_time, now);
		if (st.last_error_time)
			printf("  last error: %s: %s\n", b, st.last_error);
		else
			printf("  last error: none\n");
		printf("  sent %llu, acknowledged %llu, failures %llu\n",
		       (unsigned long long)st.sent, (unsigned long long)st.acked,
		       (unsigned long long)st.failures);
next:
		free(ents[i]);
	}
	free(ents);
	if (!shown && !quiet_if_none)
		printf("collectors: none\n");
	return 0;
}

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
	static const struct option lopts[] = {
		{ "collectors", no_argument, NULL, 'C' },
		{ "deliver-dir", required_argument, NULL, 'd' },
		{ "mail", no_argument, NULL, 'M' },
		{ "store", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = DELIVER_DIR, *conf = NULL;
	bool only_collectors = false, only_mail = false, json = false;
	const char *store = NULL;
	struct nfips_nl_status st;
	struct nfips_nl *nl;
	int ret, opt;

	while ((opt = getopt_long(argc, argv, "Cd:jc:MS:h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'c':
			conf = optarg;
			break;
		case 'C':
			only_collectors = true;
			break;
		case 'M':
			only_mail = true;
			break;
		case 'S':
			store = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		default:
			fprintf(stderr, "Usage: %s [--collectors] [--deliver-dir DIR] [--mail] [--store PATH]\n"
				"       %s --json [--config NFIPSD.CONF]\n", argv[0], argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "Usage: %s [--collectors] [--deliver-dir DIR] [--mail] [--store PATH]\n", argv[0]);
		return 2;
	}
	if (only_collectors || only_mail) {
		ret = only_collectors ? print_collectors(dir, false) : 0;
		return ret ? ret : only_mail ? ctl_print_mail_status(store, false) : 0;
	}
	if (json) {
		struct ctl_health h;
		struct ctl_gw g;

		if (ctl_gw_load(&g, conf))
			return 1;
		ctl_health_read(&g, &h);
		ctl_health_json(&h);
		ctl_gw_free(&g);
		return 0;
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
	printf("blocks: %u (dropped %llu packets)\n", st.nblocks,
	       (unsigned long long)st.stats.block_drops);
	printf("events: %llu\n", (unsigned long long)st.stats.events);
	printf("events lost: %llu\n", (unsigned long long)st.stats.events_lost);
	printf("unparsed: %llu\n", (unsigned long long)st.stats.unparsed);
	printf("bytes past depth: %llu\n", (unsigned long long)st.stats.depth_bytes);
	printf("flows: %llu (evicted while live %llu, untracked %llu)\n",
	       (unsigned long long)st.stats.flows,
	       (unsigned long long)st.stats.flows_evicted,
	       (unsigned long long)st.stats.flows_untracked);
	nfips_nl_close(nl);
	ret = print_collectors(dir, true);
	return ret ? ret : ctl_print_mail_status(store, true);
}
