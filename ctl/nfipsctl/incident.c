// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl incident ack|close ID [--note TEXT] [--by NAME] [--store PATH]
 * nfipsctl incident close ID --false-positive [--note TEXT] [...]
 * nfipsctl incident ID [--store PATH]
 *
 * The second shows the incident, its mails to the contacts and every
 * attempt to send each (Documentation/notify.rst).
 *
 * Acknowledges or closes an incident in the store, with a note and who
 * did it (default: $SUDO_USER, else $USER). Works while nfipsd runs: the
 * store is in WAL mode and both wait for each other's short transactions.
 * A closed incident re-opens when its alerts come again within the
 * window. Every change is kept in the incident's log.
 *
 * --false-positive: the customer says the traffic was legitimate; the
 * note then starts "false positive", which is how nfipsctl tune knows
 * (a signature with such an incident is never a Block candidate).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfipsctl.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: nfipsctl incident ack|close ID [--note TEXT] [--by NAME] "
		"[--store PATH]\n"
		"       nfipsctl incident close ID --false-positive [--note TEXT] [...]\n"
		"       nfipsctl incident ID [--store PATH]\n");
}

int cmd_incident(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "note", required_argument, NULL, CTL_OPT_NOTE },
		{ "by", required_argument, NULL, CTL_OPT_BY },
		{ "store", required_argument, NULL, CTL_OPT_STORE },
		{ "false-positive", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *note = NULL, *by = NULL, *store = NULL, *verb;
	enum nfips_incident_state st;
	unsigned long long id;
	struct nfips_store *s;
	char err[1024], *end, *fp = NULL;
	bool false_positive = false;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (opt) {
		case CTL_OPT_NOTE: note = optarg; break;
		case CTL_OPT_BY: by = optarg; break;
		case CTL_OPT_STORE: store = optarg; break;
		case 'f': false_positive = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (argc - optind == 1) {
		id = strtoull(argv[optind], &end, 10);
		if (!argv[optind][0] || *end || !id) {
			fprintf(stderr, "nfipsctl incident: not an incident id: '%s'\n",
				argv[optind]);
			return 2;
		}
		return ctl_show_incident(store, id);
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	verb = argv[optind];
	if (!strcmp(verb, "ack")) {
		st = NFIPS_INCIDENT_ACKED;
	} else if (!strcmp(verb, "close")) {
		st = NFIPS_INCIDENT_CLOSED;
	} else {
		fprintf(stderr, "nfipsctl incident: 'ack' or 'close', not '%s'\n", verb);
		return 2;
	}
	id = strtoull(argv[optind + 1], &end, 10);
	if (!argv[optind + 1][0] || *end || !id) {
		fprintf(stderr, "nfipsctl incident: not an incident id: '%s'\n",
			argv[optind + 1]);
		return 2;
	}
	if (false_positive) {
		if (st != NFIPS_INCIDENT_CLOSED) {
			fprintf(stderr, "nfipsctl incident: --false-positive is for close\n");
			return 2;
		}
		if (asprintf(&fp, "false positive%s%s", note ? ": " : "",
			     note ? note : "") < 0) {
			fprintf(stderr, "nfipsctl incident: out of memory\n");
			return 1;
		}
		note = fp;
	}
	if (!by)
		by = getenv("SUDO_USER") ? getenv("SUDO_USER") : getenv("USER");
	s = ctl_store_open(store, true);
	if (!s) {
		free(fp);
		return 1;
	}
	rc = nfips_store_incident_set(s, id, st, note, by, err, sizeof(err));
	nfips_store_close(s);
	free(fp);
	if (rc) {
		fprintf(stderr, "nfipsctl: %s\n", err);
		return 1;
	}
	printf("incident %llu %s\n", id, st == NFIPS_INCIDENT_ACKED ? "acknowledged" :
	       "closed");
	return 0;
}
