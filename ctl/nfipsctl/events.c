// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl events [--count N] [--timeout SEC] [--json]
 *
 * Listens on the family's "events" multicast group (CAP_NET_ADMIN) and
 * prints one line per kernel-decided alert, as key=value pairs or one
 * JSON object. Stops after N events or SEC seconds without one.
 * "# listening" on stderr says the group is joined.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "nfipsctl.h"
#include "kernel/nl.h"
#include "util/util.h"

struct listen {
	unsigned long count, seen;
	bool json;
};

static int print_event(void *arg, const struct nfips_nl_event *ev)
{
	struct listen *l = arg;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	int af = ev->family == AF_INET ? AF_INET : AF_INET6;
	const char *hook = ev->hook == NFIPS_HOOK_LOCAL_IN ? "local_in" : "forward";

	inet_ntop(af, ev->saddr, src, sizeof(src));
	inet_ntop(af, ev->daddr, dst, sizeof(dst));
	if (l->json) {
		struct nfips_sbuf b = { 0 };
		struct nfips_json j;

		nfips_json_init(&j, &b);
		nfips_json_obj(&j, NULL);
		nfips_json_kuint(&j, "time_ns", ev->time_ns);
		nfips_json_kuint(&j, "serial", ev->serial);
		nfips_json_kuint(&j, "rule", ev->rule);
		nfips_json_kuint(&j, "gid", ev->gid);
		nfips_json_kuint(&j, "sid", ev->sid);
		nfips_json_kuint(&j, "rev", ev->rev);
		nfips_json_kstr(&j, "action", nfips_nl_action_name(ev->action));
		nfips_json_kbool(&j, "blocked", ev->blocked);
		nfips_json_kuint(&j, "proto", ev->l4proto);
		nfips_json_kstr(&j, "src_ip", src);
		nfips_json_kuint(&j, "src_port", ev->sport);
		nfips_json_kstr(&j, "dest_ip", dst);
		nfips_json_kuint(&j, "dest_port", ev->dport);
		/* Interface names are bytes: the writer keeps them valid JSON. */
		nfips_json_kstr(&j, "in_iface", ev->ifname);
		nfips_json_kstr(&j, "hook", hook);
		nfips_json_obj_end(&j);
		nfips_sbuf_add(&b, "\n", 1);
		if (!b.oom)
			fwrite(b.s, 1, b.len, stdout);
		nfips_sbuf_free(&b);
	} else {
		printf("time_ns=%llu serial=%llu rule=%u gid=%u sid=%u rev=%u "
		       "action=%s blocked=%u proto=%u src=%s sport=%u dst=%s "
		       "dport=%u in=%s hook=%s\n",
		       (unsigned long long)ev->time_ns,
		       (unsigned long long)ev->serial, ev->rule, ev->gid, ev->sid,
		       ev->rev, nfips_nl_action_name(ev->action), ev->blocked,
		       ev->l4proto, src, ev->sport, dst, ev->dport, ev->ifname,
		       hook);
	}
	fflush(stdout);
	return l->count && ++l->seen >= l->count;
}

int cmd_events(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct listen l = { 0 };
	struct nfips_nl *nl;
	int opt, ret, timeout_ms = -1;

	while ((opt = getopt_long(argc, argv, "n:t:jh", lopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			l.count = strtoul(optarg, NULL, 10);
			break;
		case 't':
			timeout_ms = atoi(optarg) * 1000;
			break;
		case 'j':
			l.json = true;
			break;
		default:
			fprintf(opt == 'h' ? stdout : stderr,
				"Usage: nfipsctl events [--count N] [--timeout SEC] [--json]\n");
			return opt == 'h' ? 0 : 2;
		}
	}
	nl = ctl_open();
	if (!nl)
		return 1;
	ret = nfips_nl_events_join(nl);
	if (!ret) {
		fprintf(stderr, "# listening\n");
		fflush(stderr);
		ret = nfips_nl_events(nl, timeout_ms, print_event, &l);
	}
	if (ret < 0)
		fprintf(stderr, "nfipsctl: %s\n", nfips_nl_error(nl));
	nfips_nl_close(nl);
	return ret < 0 ? 1 : 0;
}
