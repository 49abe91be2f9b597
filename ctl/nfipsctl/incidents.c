// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl incidents [--open] [--since T] [--until T] [--sid N]
 *                    [--grade G] [--src CIDR] [--dst CIDR]
 *                    [--action blocked|allowed] [--json] [--limit N]
 *                    [--utc] [--store PATH]
 *
 * Incidents from the store, most recently seen first: id, state, first
 * and last seen, count, highest grade, actions taken, the signature,
 * source and destination; --json adds the note, who set it and the
 * first packet's payload sample. --since/--until select by last seen,
 * --grade by the highest grade, --action by an action taken.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "nfipsctl.h"
#include "output/eve.h"
#include "util/util.h"

#define DEFAULT_LIMIT	100

struct out {
	struct ctl_query *q;
	struct ctl_table t;
	struct nfips_sbuf b;
};

static void json_row(struct out *o, const struct nfips_store_incident_row *r)
{
	struct nfips_json j;
	char ts[48], addr[64];

	nfips_json_init(&j, &o->b);
	nfips_json_obj(&j, NULL);
	nfips_json_kuint(&j, "id", r->id);
	nfips_json_kstr(&j, "state", nfips_incident_state_name(r->state));
	nfips_eve_time(ts, sizeof(ts), r->first_seen / 1000000,
		       (uint32_t)(r->first_seen % 1000000));
	nfips_json_kstr(&j, "first_seen", ts);
	nfips_eve_time(ts, sizeof(ts), r->last_seen / 1000000,
		       (uint32_t)(r->last_seen % 1000000));
	nfips_json_kstr(&j, "last_seen", ts);
	nfips_json_kuint(&j, "count", r->count);
	nfips_json_kuint(&j, "blocked", r->blocked);
	nfips_json_kuint(&j, "allowed", r->allowed);
	if (nfips_store_grade_name(r->grade))
		nfips_json_kstr(&j, "grade", nfips_store_grade_name(r->grade));
	else
		nfips_json_knull(&j, "grade");
	nfips_json_kuint(&j, "gid", r->gid);
	nfips_json_kuint(&j, "signature_id", r->sid);
	nfips_json_kstr(&j, "signature", r->msg);
	nfips_store_addr_str(addr, sizeof(addr), r->src);
	nfips_json_kstr(&j, "src_ip", addr);
	nfips_store_addr_str(addr, sizeof(addr), r->dst);
	nfips_json_kstr(&j, "dest_ip", addr);
	nfips_json_kuint(&j, "reopened", r->reopened);
	if (r->note)
		nfips_json_kstr(&j, "note", r->note);
	if (r->by)
		nfips_json_kstr(&j, "by", r->by);
	if (r->changed) {
		nfips_eve_time(ts, sizeof(ts), r->changed / 1000000,
			       (uint32_t)(r->changed % 1000000));
		nfips_json_kstr(&j, "changed", ts);
	}
	if (r->sample_len) {
		/* as the EVE log writes it: printable ASCII, CR, LF, else '.' */
		char pr[NFIPS_STORE_SAMPLE];
		size_t n = r->sample_len < sizeof(pr) ? r->sample_len : sizeof(pr);

		nfips_eve_printable(pr, r->sample, n);
		nfips_json_kstrn(&j, "payload_printable", pr, n);
	}
	nfips_json_obj_end(&j);
	fwrite(o->b.s, 1, o->b.len, stdout);
	putchar('\n');
	nfips_sbuf_reset(&o->b);
}

static int on_incident(void *arg, const struct nfips_store_incident_row *r)
{
	struct out *o = arg;
	char id[24], first[40], last[40], count[24], actions[48], sig[32];
	char src[64], dst[64];

	if (o->q->json) {
		json_row(o, r);
		return 0;
	}
	snprintf(id, sizeof(id), "%" PRIu64, r->id);
	ctl_fmt_time(first, sizeof(first), r->first_seen, o->q->utc);
	ctl_fmt_time(last, sizeof(last), r->last_seen, o->q->utc);
	snprintf(count, sizeof(count), "%" PRIu64, r->count);
	if (r->blocked && r->allowed)
		snprintf(actions, sizeof(actions), "blocked,alerted");
	else
		snprintf(actions, sizeof(actions), "%s", r->blocked ? "blocked" : "alerted");
	snprintf(sig, sizeof(sig), "%u:%u", r->gid, r->sid);
	nfips_store_addr_str(src, sizeof(src), r->src);
	nfips_store_addr_str(dst, sizeof(dst), r->dst);
	{
		const char *g = nfips_store_grade_name(r->grade);
		const char *cells[] = { id, nfips_incident_state_name(r->state), first, last,
					count, g ? g : "-", actions, sig, src, dst, r->msg };

		ctl_table_add(&o->t, cells);
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: nfipsctl incidents [--open] [--since T] [--until T] [--sid N]\n"
		"         [--grade G] [--src CIDR] [--dst CIDR] [--action blocked|allowed]\n"
		"         [--json] [--limit N] [--utc] [--store PATH]\n"
		"--open: not closed. --since/--until: last seen. --limit: default %d, 0: all.\n",
		DEFAULT_LIMIT);
}

int cmd_incidents(int argc, char **argv)
{
	static const struct option lopts[] = {
		CTL_FILTER_OPTIONS,
		{ "open", no_argument, NULL, CTL_OPT_OPEN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const head[] = {
		"ID", "STATE", "FIRST SEEN", "LAST SEEN", "COUNT", "GRADE", "ACTIONS",
		"GID:SID", "SOURCE", "DESTINATION", "SIGNATURE",
	};
	struct ctl_query q = { 0 };
	struct out o = { .q = &q, .t = { .ncols = 11 } };
	struct nfips_store *s;
	char err[1024];
	int opt, rc;

	nfips_store_filter_init(&q.f);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 0;
		}
		if (opt == CTL_OPT_OPEN) {
			q.f.open_only = true;
			continue;
		}
		rc = ctl_filter_opt(opt, optarg, &q);
		if (rc) {
			if (rc > 0)
				usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nfipsctl incidents: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (ctl_filter_done(&q))
		return 2;
	if (!q.limit_set && !q.json)
		q.f.limit = DEFAULT_LIMIT;
	s = ctl_store_open(q.store, false);
	if (!s)
		return 1;
	rc = nfips_store_incidents(s, &q.f, on_incident, &o, err, sizeof(err));
	if (!rc && !q.json)
		ctl_table_print(&o.t, head);
	nfips_store_close(s);
	nfips_sbuf_free(&o.b);
	if (rc) {
		fprintf(stderr, "nfipsctl: %s\n", err);
		return 1;
	}
	return 0;
}
