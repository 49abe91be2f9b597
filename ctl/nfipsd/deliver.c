// SPDX-License-Identifier: GPL-2.0
/*
 * Delivery to the SOC: one sender thread per configured collector
 * (ctl/lib/deliver), each reading the EVE log this daemon writes as its
 * spool, with its cursor and status under deliver.dir. Nothing here
 * touches the packet path: the workers write the log as before, the
 * senders read it at their own pace, and a collector that is down or
 * hangs only grows its own backlog (nfipsctl status).
 *
 * A backlog older than deliver.backlog_alarm seconds raises a health
 * record in the EVE log (event_type "nfips_health", MSGID HEALTH on the
 * wire), which therefore reaches the other collectors: once when it
 * crosses the limit, again every limit while it lasts, and once when the
 * collector caught up. The contacts get a mail when it crosses the limit
 * and when it caught up (nfipsd_deliver_on_health), not every limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nfipsd.h"
#include "output/eve.h"

struct nfipsd_delivery {
	struct nfips_sender **senders;
	int64_t *alarmed;	/* per sender: when last raised, 0: not */
	size_t n;
	uint32_t alarm;		/* seconds, 0: off */
	/* the contacts' mail (mail.c), NULL: none */
	void (*on_health)(void *arg, const struct nfips_notify_health *h);
	void *health_arg;
};

void nfipsd_deliver_on_health(struct nfipsd_delivery *dl,
			      void (*fn)(void *arg, const struct nfips_notify_health *h),
			      void *arg)
{
	if (!dl)
		return;
	dl->on_health = fn;
	dl->health_arg = arg;
}

/* The record's facts for the mail. */
static void mail_health(struct nfipsd_delivery *dl, const struct nfips_sender_status *st,
			int64_t now, bool late)
{
	struct nfips_notify_health h = {
		.backlog = st->backlog,
		.oldest_age = st->oldest ? now - st->oldest : 0,
		.late = late,
		.when = now,
	};

	if (!dl->on_health)
		return;
	snprintf(h.collector, sizeof(h.collector), "%.63s", st->name);
	snprintf(h.peer, sizeof(h.peer), "%.299s", st->peer);
	snprintf(h.last_error, sizeof(h.last_error), "%.255s", st->last_error);
	dl->on_health(dl->health_arg, &h);
}

struct nfipsd_delivery *nfipsd_deliver_start(const struct nfipsd_conf *c,
					     const char *sensor)
{
	struct nfipsd_delivery *dl;
	char err[512];
	size_t i;

	if (!c->ncollectors)
		return NULL;
	dl = calloc(1, sizeof(*dl));
	if (!dl || !(dl->senders = calloc(c->ncollectors, sizeof(*dl->senders))) ||
	    !(dl->alarmed = calloc(c->ncollectors, sizeof(*dl->alarmed)))) {
		if (dl)
			free(dl->senders);
		free(dl);
		nfipsd_log(NFIPSD_ERR, "delivery: out of memory: no collector served");
		return NULL;
	}
	dl->alarm = c->backlog_alarm;
	for (i = 0; i < c->ncollectors; i++) {
		const struct nfips_collector_cfg *k = &c->collectors[i];
		struct nfips_spool *sp = nfips_spool_eve_open(c->eve_path, err, sizeof(err));
		struct nfips_sender *s = sp ? nfips_sender_start(k, sp, c->deliver_dir, sensor,
								  err, sizeof(err)) : NULL;

		if (!s) {
			nfipsd_log(NFIPSD_ERR, "collector %s: %s", k->name, err);
			continue;
		}
		dl->senders[dl->n++] = s;
		nfipsd_log(NFIPSD_NOTICE, "collector %s: %s %s:%u, cursor and status in %s",
			   k->name, k->transport == NFIPS_TRANSPORT_RELP ? "relp" :
			   k->transport == NFIPS_TRANSPORT_TLS ? "tls" : "tcp (plain text)",
			   k->host, k->port, c->deliver_dir);
	}
	return dl;
}

uint64_t nfipsd_deliver_max_cursor(const struct nfipsd_conf *c)
{
	uint64_t max = 0, seq;
	char path[4096];
	size_t i;

	for (i = 0; i < c->ncollectors; i++) {
		snprintf(path, sizeof(path), "%s/%s.cursor", c->deliver_dir,
			 c->collectors[i].name);
		if (!nfips_cursor_read(path, &seq) && seq > max)
			max = seq;
	}
	return max;
}

/* One health record: what an analyst needs to see the SOC feed is late. */
static void health(struct nfipsd_evelog *eve, const char *sensor,
		   const struct nfips_sender_status *st, int64_t now, bool raised)
{
	struct nfips_sbuf b = { 0 };
	struct nfips_json j;
	char ts[40];

	nfips_eve_time(ts, sizeof(ts), now, 0);
	nfips_json_init(&j, &b);
	nfips_json_obj(&j, NULL);
	nfips_json_kstr(&j, "timestamp", ts);
	nfips_json_kstr(&j, "event_type", "nfips_health");
	if (sensor && sensor[0])
		nfips_json_kstr(&j, "host", sensor);
	nfips_json_obj(&j, "nfips_health");
	nfips_json_kstr(&j, "check", "delivery_backlog");
	nfips_json_kstr(&j, "state", raised ? "late" : "caught_up");
	nfips_json_kstr(&j, "collector", st->name);
	nfips_json_kstr(&j, "peer", st->peer);
	nfips_json_kuint(&j, "backlog", st->backlog);
	nfips_json_kint(&j, "oldest_age", st->oldest ? now - st->oldest : 0);
	nfips_json_kbool(&j, "connected", st->connected);
	nfips_json_kstr(&j, "last_error", st->last_error);
	nfips_json_obj_end(&j);
	nfips_json_obj(&j, "nfips");
	nfips_json_kuint(&j, "sequence", 0);	/* the log numbers it */
	if (sensor && sensor[0])
		nfips_json_kstr(&j, "sensor", sensor);
	nfips_json_obj_end(&j);
	nfips_json_obj_end(&j);
	nfips_sbuf_add(&b, "\n", 1);
	if (!b.oom)
		nfipsd_evelog_write(eve, b.s, b.len, NULL);
	nfips_sbuf_free(&b);
	nfipsd_log(raised ? NFIPSD_WARNING : NFIPSD_NOTICE, "collector %s: %s: "
		   "backlog %llu records, oldest %lld s%s%s", st->name,
		   raised ? "late" : "caught up", (unsigned long long)st->backlog,
		   (long long)(st->oldest ? now - st->oldest : 0),
		   st->last_error[0] ? ", last error: " : "", st->last_error);
}

void nfipsd_deliver_check(struct nfipsd_delivery *dl, struct nfipsd_evelog *eve,
			  const char *sensor)
{
	int64_t now = time(NULL);
	size_t i;

	if (!dl || !dl->alarm)
		return;
	for (i = 0; i < dl->n; i++) {
		struct nfips_sender_status st;
		bool late;

		nfips_sender_status(dl->senders[i], &st);
		if (!st.updated)
			continue;	/* not looked at its backlog yet */
		late = st.backlog && st.oldest && now - st.oldest > (int64_t)dl->alarm;
		if (late && (!dl->alarmed[i] || now - dl->alarmed[i] >= (int64_t)dl->alarm)) {
			health(eve, sensor, &st, now, true);
			/* the contacts once per outage: late, then caught up */
			if (!dl->alarmed[i])
				mail_health(dl, &st, now, true);
			dl->alarmed[i] = now;
		} else if (!st.backlog && dl->alarmed[i]) {
			health(eve, sensor, &st, now, false);
			mail_health(dl, &st, now, false);
			dl->alarmed[i] = 0;
		}
	}
}

void nfipsd_deliver_stop(struct nfipsd_delivery *dl)
{
	size_t i;

	if (!dl)
		return;
	for (i = 0; i < dl->n; i++)
		nfips_sender_request_stop(dl->senders[i]);
	for (i = 0; i < dl->n; i++)
		nfips_sender_stop(dl->senders[i]);
	free(dl->senders);
	free(dl->alarmed);
	free(dl);
}
