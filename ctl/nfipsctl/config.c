// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl config [--hooks forward|local_in|forward,local_in]
 *                 [--fail-open|--fail-closed] [--event-rate N]
 *                 [--stream-depth BYTES]
 *
 * Changes the namespace's configuration; what is not given stays.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfipsctl.h"
#include "kernel/nl.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nfipsctl config [--hooks forward|local_in|forward,local_in]\n"
		"                       [--fail-open|--fail-closed]\n"
		"                       [--event-rate N] [--stream-depth BYTES]\n"
		"\n"
		"  --hooks        where packets are inspected (default forward)\n"
		"  --fail-open    a packet for the daemon that it cannot have (no daemon,\n"
		"                 queue full, daemon over budget) passes (default)\n"
		"  --fail-closed  ... is dropped\n"
		"  --event-rate N events per second and CPU, 0 unlimited (default 1000)\n"
		"  --stream-depth BYTES\n"
		"                 TCP payload inspected per flow and direction; k, m, g\n"
		"                 suffixes; 0 inspects everything (default 1m)\n");
}

static int parse_u32(const char *s, unsigned long max, uint32_t *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* BYTES with an optional k, m or g (binary) suffix, below 4 GiB. */
static int parse_size(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned int shift = 0;

	if (!*s || *s == '-' || end == s)
		return -1;
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'm' || *end == 'M')
		shift = 20;
	else if (*end == 'g' || *end == 'G')
		shift = 30;
	if (shift)
		end++;
	if (*end || v > (UINT32_MAX >> shift))
		return -1;
	*out = (uint32_t)(v << shift);
	return 0;
}

static int parse_hooks(const char *s, uint32_t *out)
{
	char buf[64], *tok, *save;

	*out = 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "forward"))
			*out |= NFIPS_HOOK_FORWARD;
		else if (!strcmp(tok, "local_in") || !strcmp(tok, "input"))
			*out |= NFIPS_HOOK_LOCAL_IN;
		else
			return -1;
	}
	return *out ? 0 : -1;
}

int cmd_config(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "hooks", required_argument, NULL, 'H' },
		{ "fail-open", no_argument, NULL, 'o' },
		{ "fail-closed", no_argument, NULL, 'C' },
		{ "event-rate", required_argument, NULL, 'r' },
		{ "stream-depth", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nfips_nl_config c = { 0 };
	struct nfips_nl *nl;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "H:oCr:d:h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'H':
			if (parse_hooks(optarg, &c.hooks)) {
				fprintf(stderr, "nfipsctl: --hooks forward,local_in\n");
				return 2;
			}
			c.set_hooks = true;
			break;
		case 'o':
		case 'C':
			c.fail_open = opt == 'o';
			c.set_fail_open = true;
			break;
		case 'r':
			if (parse_u32(optarg, 1000000, &c.event_rate)) {
				fprintf(stderr, "nfipsctl: --event-rate 0..1000000\n");
				return 2;
			}
			c.set_event_rate = true;
			break;
		case 'd':
			if (parse_size(optarg, &c.stream_depth)) {
				fprintf(stderr, "nfipsctl: --stream-depth: bytes below 4g, e.g. 1m; 0 for all\n");
				return 2;
			}
			c.set_stream_depth = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	nl = ctl_open();
	if (!nl)
		return 1;
	ret = nfips_nl_set_config(nl, &c);
	if (ret)
		fprintf(stderr, "nfipsctl: %s\n", nfips_nl_error(nl));
	nfips_nl_close(nl);
	return ret ? 1 : 0;
}
