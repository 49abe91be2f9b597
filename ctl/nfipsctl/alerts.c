// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl alerts [--since T] [--until T] [--sid N] [--grade G]
 *                 [--src CIDR] [--dst CIDR] [--action blocked|allowed]
 *                 [--json] [--limit N] [--utc] [--store PATH]
 *                 [--count-by sid|src|dst|grade|hour|day]
 *
 * Alerts from the store (never the EVE log), newest first: aligned
 * columns in local time (UTC with --utc), or one JSON object per line.
 * --count-by: the number of alerts per sid, source, destination, grade
 * (highest count first) or per hour or day (in time order).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "nfipsctl.h"
#include "net/decode.h"
#include "output/eve.h"
#include "util/util.h"

#define DEFAULT_LIMIT	100

struct out {
	struct ctl_query *q;
	struct ctl_table t;
	struct nfips_sbuf b;
	enum nfips_count_by by;
	uint64_t n;
};

static void json_line(struct out *o)
{
	fwrite(o->b.s, 1, o->b.len, stdout);
	putchar('\n');
	nfips_sbuf_reset(&o->b);
}

static void endpoint(char *buf, size_t len, const uint8_t a[16], uint16_t port,
		     uint8_t proto)
{
	char addr[64];

	nfips_store_addr_str(addr, sizeof(addr), a);
	if (proto == 6 || proto == 17 || proto == 132)
		snprintf(buf, len, strchr(addr, ':') ? "[%s]:%u" : "%s:%u", addr, port);
	else
		snprintf(buf, len, "%s", addr);
}

static const char *grade_str(int g)
{
	const char *s = nfips_store_grade_name(g);

	return s ? s : "-";
}

static int on_alert(void *arg, const struct nfips_store_row *r)
{
	struct out *o = arg;
	const struct nfips_store_alert *a = &r->a;
	char ts[48], src[80], dst[80], sig[32], inc[24], addr[64];
	const char *proto = nfips_proto_name(a->proto);
	char pnum[8];

	o->n++;
	if (!proto) {
		snprintf(pnum, sizeof(pnum), "%u", a->proto);
		proto = pnum;
	}
	if (o->q->json) {
		struct nfips_json j;

		nfips_json_init(&j, &o->b);
		nfips_json_obj(&j, NULL);
		nfips_eve_time(ts, sizeof(ts), a->ts / 1000000, (uint32_t)(a->ts % 1000000));
		nfips_json_kstr(&j, "timestamp", ts);
		nfips_json_kstr(&j, "action", a->blocked ? "blocked" : "allowed");
		if (nfips_store_grade_name(a->grade))
			nfips_json_kstr(&j, "grade", nfips_store_grade_name(a->grade));
		else
			nfips_json_knull(&j, "grade");
		nfips_json_kuint(&j, "gid", a->gid);
		nfips_json_kuint(&j, "signature_id", a->sid);
		nfips_json_kuint(&j, "rev", a->rev);
		nfips_json_kstr(&j, "signature", r->msg);
		nfips_store_addr_str(addr, sizeof(addr), a->src);
		nfips_json_kstr(&j, "src_ip", addr);
		nfips_json_kuint(&j, "src_port", a->sport);
		nfips_store_addr_str(addr, sizeof(addr), a->dst);
		nfips_json_kstr(&j, "dest_ip", addr);
		nfips_json_kuint(&j, "dest_port", a->dport);
		nfips_json_kstr(&j, "proto", proto);
		if (a->incident)
			nfips_json_kuint(&j, "incident_id", a->incident);
		/* 0: stored without a line in the EVE log (nfipsd.h). */
		if (a->sequence)
			nfips_json_kuint(&j, "sequence", a->sequence);
		else
			nfips_json_knull(&j, "sequence");
		nfips_json_obj_end(&j);
		json_line(o);
		return 0;
	}
	ctl_fmt_time(ts, sizeof(ts), a->ts, o->q->utc);
	endpoint(src, sizeof(src), a->src, a->sport, a->proto);
	endpoint(dst, sizeof(dst), a->dst, a->dport, a->proto);
	snprintf(sig, sizeof(sig), "%u:%u", a->gid, a->sid);
	if (a->incident)
		snprintf(inc, sizeof(inc), "%" PRIu64, a->incident);
	else
		snprintf(inc, sizeof(inc), "-");
	{
		const char *cells[] = { ts, a->blocked ? "blocked" : "allowed",
					grade_str(a->grade), sig, proto, src, dst, inc, r->msg };

		ctl_table_add(&o->t, cells);
	}
	return 0;
}

static int on_count(void *arg, const struct nfips_store_count *c)
{
	static const char *const keys[] = { "sid", "src", "dst", "grade", "hour", "day" };
	struct out *o = arg;
	char key[64], n[24];

	switch (o->by) {
	case NFIPS_BY_SID:
		snprintf(key, sizeof(key), "%" PRId64, c->key);
		break;
	case NFIPS_BY_SRC:
	case NFIPS_BY_DST:
		nfips_store_addr_str(key, sizeof(key), c->addr);
		break;
	case NFIPS_BY_GRADE:
		snprintf(key, sizeof(key), "%s", nfips_store_grade_name((int)c->key) ?
			 nfips_store_grade_name((int)c->key) : "unset");
		break;
	case NFIPS_BY_HOUR:
	case NFIPS_BY_DAY:
		if (o->q->json) {
			nfips_eve_time(key, sizeof(key), c->key / 1000000, 0);
		} else {
			ctl_fmt_time(key, sizeof(key), c->key, o->q->utc);
			if (o->by == NFIPS_BY_DAY)
				key[10] = '\0';
			else
				key[16] = '\0';
		}
		break;
	}
	if (o->q->json) {
		struct nfips_json j;

		nfips_json_init(&j, &o->b);
		nfips_json_obj(&j, NULL);
		if (o->by == NFIPS_BY_SID)
			nfips_json_kuint(&j, keys[o->by], (uint64_t)c->key);
		else
			nfips_json_kstr(&j, keys[o->by], key);
		nfips_json_kuint(&j, "count", c->n);
		nfips_json_obj_end(&j);
		json_line(o);
		return 0;
	}
	snprintf(n, sizeof(n), "%" PRIu64, c->n);
	{
		const char *cells[] = { key, n };

		ctl_table_add(&o->t, cells);
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: nfipsctl alerts [--since T] [--until T] [--sid N] [--grade G]\n"
		"         [--src CIDR] [--dst CIDR] [--action blocked|allowed] [--json]\n"
		"         [--limit N] [--utc] [--store PATH]\n"
		"       nfipsctl alerts --count-by sid|src|dst|grade|hour|day [filters]\n"
		"T: YYYY-MM-DD[ HH:MM[:SS]] (local time; UTC with --utc or a Z), @EPOCH,\n"
		"or a time ago: 30m, 2h, 7d. --limit: default %d rows, 0: all.\n",
		DEFAULT_LIMIT);
}

int cmd_alerts(int argc, char **argv)
{
	static const struct option lopts[] = {
		CTL_FILTER_OPTIONS,
		{ "count-by", required_argument, NULL, CTL_OPT_COUNT_BY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_query q = { 0 };
	struct out o = { .q = &q };
	struct nfips_store *s;
	int opt, by = -1, rc;
	char err[1024];

	nfips_store_filter_init(&q.f);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 0;
		}
		if (opt == CTL_OPT_COUNT_BY) {
			by = nfips_count_by_parse(optarg);
			if (by < 0) {
				fprintf(stderr, "nfipsctl: --count-by: sid, src, dst, grade, "
					"hour or day, not '%s'\n", optarg);
				return 2;
			}
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
		fprintf(stderr, "nfipsctl alerts: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (ctl_filter_done(&q))
		return 2;
	if (!q.limit_set && by < 0 && !q.json)
		q.f.limit = DEFAULT_LIMIT;
	s = ctl_store_open(q.store, false);
	if (!s)
		return 1;
	if (by >= 0) {
		static const char *const head[][2] = {
			{ "SID", "COUNT" }, { "SOURCE", "COUNT" }, { "DESTINATION", "COUNT" },
			{ "GRADE", "COUNT" }, { "HOUR", "COUNT" }, { "DAY", "COUNT" },
		};

		o.by = (enum nfips_count_by)by;
		o.t.ncols = 2;
		rc = nfips_store_count(s, &q.f, o.by, q.utc, on_count, &o, err, sizeof(err));
		if (!rc && !q.json)
			ctl_table_print(&o.t, head[by]);
	} else {
		static const char *const head[] = {
			"TIME", "ACTION", "GRADE", "GID:SID", "PROTO", "SOURCE",
			"DESTINATION", "INCIDENT", "SIGNATURE",
		};

		o.t.ncols = 9;
		rc = nfips_store_alerts(s, &q.f, on_alert, &o, err, sizeof(err));
		if (!rc && !q.json)
			ctl_table_print(&o.t, head);
	}
	nfips_store_close(s);
	nfips_sbuf_free(&o.b);
	if (rc) {
		fprintf(stderr, "nfipsctl: %s\n", err);
		return 1;
	}
	return 0;
}
