// SPDX-License-Identifier: GPL-2.0
/*
 * The report as one JSON object: the model as it is, numbers as numbers,
 * times as ISO 8601 with the zone's offset, for a portal or a script
 * (Documentation/report.rst lists the members). Words stay out of it: a
 * consumer translates grades and states itself.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report_int.h"
#include "store/store.h"

/* ISO 8601 in the customer's zone, with its offset: 2026-12-05T00:30:00+0900. */
static void ts(struct nfips_json *j, const char *key, int64_t usec)
{
	char buf[48];

	nfips_report_time(buf, sizeof(buf), usec, "%Y-%m-%dT%H:%M:%S%z");
	nfips_json_kstr(j, key, buf);
}

static void addr(struct nfips_json *j, const char *key, const uint8_t a[16])
{
	char buf[64];

	nfips_store_addr_str(buf, sizeof(buf), a);
	nfips_json_kstr(j, key, buf);
}

static void grade(struct nfips_json *j, const char *key, int g)
{
	const char *s = nfips_store_grade_name(g);

	if (s)
		nfips_json_kstr(j, key, s);
	else
		nfips_json_knull(j, key);
}

static void totals(struct nfips_json *j, const char *key, const struct nfips_report_totals *t)
{
	int g;

	nfips_json_obj(j, key);
	nfips_json_kuint(j, "total", t->n);
	nfips_json_kuint(j, "blocked", t->blocked);
	nfips_json_kuint(j, "alerted", t->alerted);
	nfips_json_obj(j, "by_grade");
	for (g = 0; g < 6; g++) {
		const char *name = nfips_store_grade_name(g - 1);

		nfips_json_obj(j, name ? name : "unset");
		nfips_json_kuint(j, "blocked", t->by_grade[g][1]);
		nfips_json_kuint(j, "alerted", t->by_grade[g][0]);
		nfips_json_obj_end(j);
	}
	nfips_json_obj_end(j);
	nfips_json_obj_end(j);
}

static void list(struct nfips_json *j, const char *key, const struct nfips_report_list *l,
		 int kind)
{
	size_t i;

	nfips_json_arr(j, key);
	for (i = 0; i < l->n; i++) {
		const struct nfips_report_top *t = &l->v[i];

		nfips_json_obj(j, NULL);
		if (kind == 0) {
			nfips_json_kuint(j, "gid", t->gid);
			nfips_json_kuint(j, "sid", t->sid);
			nfips_json_kstr(j, "signature", t->msg ? t->msg : "");
		} else if (kind == 3) {
			nfips_json_kuint(j, "port", t->port);
			nfips_json_kstr(j, "proto", nfips_report_proto(t->proto));
		} else {
			addr(j, "ip", t->addr);
			/* as the store recorded it: never looked up here */
			if (t->rdns)
				nfips_json_kstr(j, "rdns", t->rdns);
			else
				nfips_json_knull(j, "rdns");
			if (t->rdns_status >= 0) {
				nfips_json_kstr(j, "rdns_status",
						nfips_name_status_name(t->rdns_status));
				ts(j, "rdns_looked_up", t->rdns_ts);
			} else {
				nfips_json_knull(j, "rdns_status");
				nfips_json_knull(j, "rdns_looked_up");
			}
		}
		nfips_json_kuint(j, "count", t->n);
		nfips_json_kuint(j, "blocked", t->blocked);
		nfips_json_obj_end(j);
	}
	nfips_json_arr_end(j);
}

static void incidents(struct nfips_json *j, const struct nfips_report *r)
{
	size_t i;

	nfips_json_obj(j, "incidents");
	nfips_json_kuint(j, "total", r->inc_total);
	nfips_json_kuint(j, "open", r->inc_state[0]);
	nfips_json_kuint(j, "acknowledged", r->inc_state[1]);
	nfips_json_kuint(j, "closed", r->inc_state[2]);
	nfips_json_arr(j, "list");
	for (i = 0; i < r->ninc; i++) {
		const struct nfips_report_incident *n = &r->inc[i];

		nfips_json_obj(j, NULL);
		nfips_json_kuint(j, "id", n->id);
		nfips_json_kuint(j, "gid", n->gid);
		nfips_json_kuint(j, "sid", n->sid);
		nfips_json_kstr(j, "signature", n->msg ? n->msg : "");
		addr(j, "src_ip", n->src);
		addr(j, "dest_ip", n->dst);
		ts(j, "first_seen", n->first_seen);
		ts(j, "last_seen", n->last_seen);
		nfips_json_kuint(j, "count", n->count);
		nfips_json_kuint(j, "blocked", n->blocked);
		grade(j, "grade", n->grade);
		nfips_json_kstr(j, "state", n->state == 1 ? "acknowledged" :
				n->state == 2 ? "closed" : "open");
		if (n->note) {
			nfips_json_kstr(j, "note", n->note);
			nfips_json_kstr(j, "by", n->by ? n->by : "");
			ts(j, "changed", n->changed);
		}
		nfips_json_obj_end(j);
	}
	nfips_json_arr_end(j);
	nfips_json_obj_end(j);
}

static void alerts(struct nfips_json *j, const struct nfips_report *r)
{
	size_t i;

	nfips_json_obj(j, "alerts");
	nfips_json_kuint(j, "total", r->alerts_raw);
	nfips_json_kuint(j, "shown", r->nalerts);
	nfips_json_arr(j, "list");
	for (i = 0; i < r->nalerts; i++) {
		const struct nfips_report_alert *a = &r->alerts[i];
		char d[16], t[16];

		nfips_json_obj(j, NULL);
		ts(j, "timestamp", a->ts);
		nfips_report_time(d, sizeof(d), a->ts, "%Y-%m-%d");
		nfips_report_time(t, sizeof(t), a->ts, "%H:%M:%S");
		nfips_json_kstr(j, "date", d);
		nfips_json_kstr(j, "time", t);
		nfips_json_kuint(j, "gid", a->gid);
		nfips_json_kuint(j, "sid", a->sid);
		nfips_json_kstr(j, "signature", a->msg ? a->msg : "");
		addr(j, "src_ip", a->src);
		nfips_json_kuint(j, "src_port", a->sport);
		addr(j, "dest_ip", a->dst);
		nfips_json_kuint(j, "dest_port", a->dport);
		nfips_json_kstr(j, "proto", nfips_report_proto(a->proto));
		if (a->iface[0])
			nfips_json_kstr(j, "in_iface", a->iface);
		else
			nfips_json_knull(j, "in_iface");
		nfips_json_kstr(j, "action", a->blocked ? "blocked" : "allowed");
		grade(j, "grade", a->grade);
		nfips_json_obj_end(j);
	}
	nfips_json_arr_end(j);
	nfips_json_obj_end(j);
}

static void blocks(struct nfips_json *j, const struct nfips_report *r)
{
	static const char *const states[] = { "in_force", "expired", "unblocked", "replaced" };
	size_t i;

	nfips_json_arr(j, "blocks");
	for (i = 0; i < r->nblocks; i++) {
		const struct nfips_report_block *k = &r->blocks[i];

		nfips_json_obj(j, NULL);
		nfips_json_kstr(j, "address", k->addr);
		ts(j, "blocked_at", k->ts);
		if (k->until)
			ts(j, "until", k->until);
		else
			nfips_json_knull(j, "until");
		nfips_json_kstr(j, "by", k->by ? k->by : "");
		nfips_json_kstr(j, "reason", k->reason ? k->reason : "");
		nfips_json_kstr(j, "state", states[k->state & 3]);
		if (k->state == NFIPS_RBLOCK_IN_FORCE)
			nfips_json_knull(j, "ended");
		else
			ts(j, "ended", k->state == NFIPS_RBLOCK_EXPIRED ? k->until : k->ended);
		if (k->ended_by)
			nfips_json_kstr(j, "unblocked_by", k->ended_by);
		if (k->ended_reason)
			nfips_json_kstr(j, "unblock_reason", k->ended_reason);
		nfips_json_obj_end(j);
	}
	nfips_json_arr_end(j);
}

void nfips_report_json(const struct nfips_report *r, struct nfips_sbuf *b)
{
	struct nfips_json j;
	unsigned i;

	nfips_json_init(&j, b);
	nfips_json_obj(&j, NULL);
	nfips_json_kstr(&j, "report", r->o.kind == NFIPS_REPORT_DAILY ? "daily" : "monthly");
	nfips_json_kstr(&j, "period", r->period);
	nfips_json_kstr(&j, "timezone", r->o.tz ? r->o.tz : "UTC");
	ts(&j, "start", r->start);
	ts(&j, "end", r->end);
	ts(&j, "generated", r->o.generated);
	if (r->o.customer)
		nfips_json_kstr(&j, "customer", r->o.customer);
	if (r->o.sensor)
		nfips_json_kstr(&j, "sensor", r->o.sensor);
	nfips_json_kstr(&j, "lang", r->o.lang == NFIPS_REPORT_JA ? "ja" : "en");
	nfips_json_kuint(&j, "aggregate_days", r->agg_days);
	nfips_json_kbool(&j, "rdns_recorded", r->rdns);
	totals(&j, "totals", &r->cur);
	nfips_json_obj(&j, "previous");
	nfips_json_kstr(&j, "period", r->prev_period);
	nfips_json_kuint(&j, "aggregate_days", r->prev_agg_days);
	nfips_json_obj_end(&j);
	totals(&j, "previous_totals", &r->prev);
	incidents(&j, r);
	blocks(&j, r);
	list(&j, "top_signatures", &r->sigs, 0);
	list(&j, "top_sources", &r->srcs, 1);
	list(&j, "top_targets", &r->dsts, 2);
	list(&j, "top_ports", &r->ports, 3);
	list(&j, "new_signatures", &r->new_sigs, 0);
	nfips_json_obj(&j, "histogram");
	nfips_json_kstr(&j, "unit", r->o.kind == NFIPS_REPORT_DAILY ? "hour" : "day");
	nfips_json_kbool(&j, "complete", !r->hist_partial);
	nfips_json_arr(&j, "buckets");
	for (i = 0; !r->hist_partial && i < r->nhist; i++) {
		nfips_json_obj(&j, NULL);
		nfips_json_kuint(&j, r->o.kind == NFIPS_REPORT_DAILY ? "hour" : "day",
				 r->o.kind == NFIPS_REPORT_DAILY ? i : i + 1);
		nfips_json_kuint(&j, "count", r->hist[i]);
		nfips_json_kuint(&j, "blocked", r->hist_blocked[i]);
		nfips_json_obj_end(&j);
	}
	nfips_json_arr_end(&j);
	nfips_json_obj_end(&j);
	alerts(&j, r);
	nfips_json_obj_end(&j);
	nfips_sbuf_puts(b, "\n");
}
