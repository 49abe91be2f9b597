// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl: the nfips command-line tool. Like wireguard-tools' wg, this
 * file only dispatches; each subcommand lives in its own file.
 */
#include <stdio.h>
#include <string.h>

#include "nfipsctl.h"
#include "kernel/nl.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} subcommands[] = {
	{ "rules", cmd_rules, "check rule files (Snort/Suricata rule language)" },
	{ "replay", cmd_replay, "evaluate rules on a capture file, alerts as EVE JSON" },
	{ "policy", cmd_policy, "check or apply a policy file (or rule files)" },
	{ "status", cmd_status, "policy serial, mode, configuration and counters" },
	{ "stats", cmd_stats, "per-rule hit counters (--json)" },
	{ "mode", cmd_mode, "learn (never drop) or enforce (--policy: in the file)" },
	{ "disable", cmd_disable, "disable a sid in the policy file and apply it" },
	{ "enable", cmd_enable, "enable a sid in the policy file and apply it" },
	{ "approve", cmd_approve, "record a Block approval for a sid and apply it" },
	{ "revoke", cmd_revoke, "remove a sid's Block approval and apply it" },
	{ "grade", cmd_grade, "set a sid's grade in the policy file and apply it" },
	{ "suppress", cmd_suppress, "suppress a sid's alerts to some destinations (policy file)" },
	{ "tune", cmd_tune, "learn-mode tuning suggestions from the store (--apply)" },
	{ "config", cmd_config, "hooks, fail-open, event rate, stream depth" },
	{ "flush", cmd_flush, "remove the policy: inspection off" },
	{ "events", cmd_events, "print kernel-decided alerts as they happen" },
	{ "alerts", cmd_alerts, "stored alerts: filters, counts (--count-by)" },
	{ "incidents", cmd_incidents, "stored incidents (--open)" },
	{ "incident", cmd_incident, "show an incident and its mails; ack or close it with a note" },
	{ "report", cmd_report, "daily or monthly report (text, json, html, pdf)" },
	{ "push", cmd_push, "push a policy to gateways over ssh (check, apply, roll back)" },
	{ "fleet", cmd_fleet, "fleet status: each gateway's health over ssh" },
	{ "gateway", cmd_gateway, "a push account's forced command on a gateway" },
	{ "block", cmd_block, "drop all traffic from or to an address (--list)" },
	{ "unblock", cmd_unblock, "remove a block" },
};

struct nfips_nl *ctl_open(void)
{
	struct nfips_nl *nl;
	char err[512];

	if (nfips_nl_open(&nl, err, sizeof(err))) {
		fprintf(stderr, "nfipsctl: %s\n", err);
		return NULL;
	}
	return nl;
}

static void usage(FILE *f, const char *prog)
{
	size_t i;

	fprintf(f, "Usage: %s <command> [<args>]\n\nCommands:\n", prog);
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name, subcommands[i].help);
	fprintf(f, "\n'%s <command> --help' describes a command.\n", prog);
}

int main(int argc, char **argv)
{
	const char *prog = argc > 0 ? argv[0] : "nfipsctl";
	size_t i;

	if (argc < 2) {
		usage(stderr, prog);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout, prog);
		return 0;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
	usage(stderr, prog);
	return 2;
}
