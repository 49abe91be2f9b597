// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's events: one thread joins the "events" group of the nfips
 * family (as nfipsctl events does) and writes each kernel-decided alert
 * into the EVE log as the same record the pipeline writes, nfips.path
 * "kernel", with signature, category and rev from the running policy's
 * rule of that gid:sid. Events the kernel could not send (its
 * events_lost) and overruns of our socket are counted and logged.
 *
 * The module may be absent or loaded later: the thread keeps trying.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nfipsd.h"
#include "output/eve.h"
#include "util/util.h"

#define LOST_CHECK_SEC	5
/* Metadata options of one rule written (ET rules have one). */
#define NFIPSD_EVENT_MAX_METADATA	32
#define RETRY_SEC	5

/* A kernel alert's record and what its fields point into. */
struct event_rec {
	struct nfips_eve_alert a;
	char ifname[sizeof(((struct nfips_nl_event *)0)->ifname) + 1];
	const char *md[NFIPSD_EVENT_MAX_METADATA];
	struct nfips_grade_out go;
};

static void event_alert(struct event_rec *e, const struct nfips_nl_event *ev,
			const struct nfipsd_policy *pol, const char *sensor,
			uint64_t sequence)
{
	const struct nfips_rule *r = nfipsd_policy_sig(pol, ev->gid, ev->sid);
	struct nfips_eve_alert a = {
		.sec = (int64_t)(ev->time_ns / 1000000000),
		.usec = (uint32_t)(ev->time_ns % 1000000000 / 1000),
		.family = ev->family == AF_INET ? 4 : 6,
		.sport = ev->sport,
		.dport = ev->dport,
		.proto = ev->l4proto,
		.blocked = ev->blocked,
		.gid = ev->gid,
		.sid = ev->sid,
		.rev = r ? r->rev : ev->rev,
		.signature = r && r->msg ? r->msg : "",
		.category = nfipsd_policy_category(pol, r),
		.severity = r ? r->priority : 3,
		.path = "kernel",
		.sequence = sequence,
		.policy_serial = ev->serial,
		.sensor = sensor,
	};
	uint32_t i;

	e->go.grade = NFIPS_GRADE_UNSET;
	/*
	 * The same alert object as the pipeline's: metadata and target from
	 * the rule. The kernel's event carries neither the payload nor the
	 * ICMP type and code: no payload fields, and no community_id for
	 * ICMP (its hash takes the type and code).
	 */
	if (r) {
		a.target = r->flags & NFIPS_R_TARGET_DST ? NFIPS_EVE_TARGET_DST :
			   r->flags & NFIPS_R_TARGET_SRC ? NFIPS_EVE_TARGET_SRC :
			   NFIPS_EVE_TARGET_NONE;
		for (i = 0; i < r->nopts && a.nmetadata < NFIPSD_EVENT_MAX_METADATA; i++)
			if (!strcmp(r->opts[i].name, "metadata") && r->opts[i].value)
				e->md[a.nmetadata++] = r->opts[i].value;
		a.metadata = e->md;
	}
	a.community_id = ev->l4proto != IPPROTO_ICMP && ev->l4proto != IPPROTO_ICMPV6;
	memcpy(e->ifname, ev->ifname, sizeof(ev->ifname));
	e->ifname[sizeof(ev->ifname)] = '\0';
	a.in_iface = e->ifname[0] ? e->ifname : NULL;
	memcpy(a.src, ev->saddr, 16);
	memcpy(a.dst, ev->daddr, 16);
	/*
	 * Graded as the daemon's alerts, in the same recent-attack table; a
	 * sid the policy lost (a reload raced the event) by its priority.
	 */
	if (pol && pol->grader) {
		const struct nfips_rule unknown = {
			.gid = ev->gid, .sid = ev->sid, .priority = 3,
		};
		const struct nfips_grade_in gi = {
			.rule = r ? r : &unknown, .family = a.family,
			.src = a.src, .dst = a.dst, .ts_usec = ev->time_ns / 1000,
		};

		nfips_grade(pol->grader, &gi, &e->go);
		a.grade = nfips_grade_name(e->go.grade);
		a.grade_reason = e->go.reason;
		a.severity = e->go.severity;
	}
	e->a = a;
}

enum nfips_grade nfipsd_event_record(struct nfips_sbuf *b,
				     const struct nfips_nl_event *ev,
				     const struct nfipsd_policy *pol,
				     const char *sensor, uint64_t sequence)
{
	struct event_rec e;

	event_alert(&e, ev, pol, sensor, sequence);
	nfips_eve_alert(b, &e.a);
	return e.go.grade;
}

struct ev_ctx {
	struct nfipsd *d;
	struct nfips_sbuf b;
	uint64_t sequence;
};

static int on_event(void *arg, const struct nfips_nl_event *ev)
{
	struct ev_ctx *x = arg;
	struct nfipsd *d = x->d;
	struct nfips_store_alert s;
	struct event_rec e;
	uint64_t seq = 0;
	bool is_new, store;

	nfips_sbuf_reset(&x->b);
	pthread_rwlock_rdlock(&d->pol_lock);
	/* The policy's suppressions hold for the kernel's alerts too. */
	if (d->policy && d->policy->file &&
	    nfips_policy_suppressed(d->policy->file, ev->gid, ev->sid, ev->family,
				    ev->saddr, ev->daddr)) {
		pthread_rwlock_unlock(&d->pol_lock);
		return atomic_load(&d->stopping) ? 1 : 0;
	}
	event_alert(&e, ev, d->policy, d->sensor[0] ? d->sensor : NULL,
		    ++x->sequence);
	is_new = nfipsd_store_annotate(d, &e.a);
	nfips_eve_alert(&x->b, &e.a);
	/*
	 * The record's strings belong to the policy, which a reload may free
	 * once the lock is let go: the store's copy is taken now, and the
	 * log's write (which may wait on the disk) comes after the unlock.
	 */
	store = nfipsd_store_copy(d, &s, &e.a, is_new, NULL, 0);
	pthread_rwlock_unlock(&d->pol_lock);
	atomic_fetch_add(&d->kernel_events, 1);
	if (x->b.oom) {
		atomic_fetch_add(&d->kernel_lost, 1);
		x->b.oom = false;
	} else {
		nfipsd_evelog_write(d->eve, x->b.s, x->b.len, &seq);
	}
	/* The log's number (0: no log line), the one the SOC keys it by. */
	if (store)
		nfipsd_store_submit(d, &s, seq);
	return atomic_load(&d->stopping) ? 1 : 0;
}

static void *events_main(void *arg)
{
	struct nfipsd *d = arg;
	struct ev_ctx x = { .d = d };
	struct nfips_nl *nl = NULL, *ctl = NULL;
	struct nfips_nl_status st;
	uint64_t klost = 0, overruns = 0, n;
	time_t last_check = 0, last_try = 0, now;
	bool have_base = false, said_absent = false;
	char err[256];
	int ret;

	while (!atomic_load(&d->stopping)) {
		now = time(NULL);
		if (!nl) {
			if (now - last_try < RETRY_SEC) {
				usleep(200 * 1000);
				continue;
			}
			last_try = now;
			if (nfips_nl_open(&nl, err, sizeof(err)) ||
			    nfips_nl_events_join(nl) ||
			    nfips_nl_open(&ctl, err, sizeof(err))) {
				if (!said_absent)
					nfipsd_log(NFIPSD_WARNING, "kernel events: %s; "
						   "retrying every %ds", nl ? nfips_nl_error(nl) : err,
						   RETRY_SEC);
				said_absent = true;
				nfips_nl_close(nl);
				nfips_nl_close(ctl);
				nl = ctl = NULL;
				continue;
			}
			if (said_absent)
				nfipsd_log(NFIPSD_NOTICE, "kernel events: listening");
			said_absent = false;
			have_base = false;
		}
		ret = nfips_nl_events(nl, 500, on_event, &x);
		if (ret < 0) {
			nfipsd_log(NFIPSD_WARNING, "kernel events: %s", nfips_nl_error(nl));
			nfips_nl_close(nl);
			nfips_nl_close(ctl);
			nl = ctl = NULL;
			continue;
		}
		n = nfips_nl_events_overruns(nl);
		if (n != overruns) {
			nfipsd_log(NFIPSD_WARNING, "kernel events: receive buffer "
				   "overran %" PRIu64 " times: events lost", n - overruns);
			atomic_fetch_add(&d->kernel_lost, n - overruns);
			overruns = n;
		}
		if (now - last_check >= LOST_CHECK_SEC && !nfips_nl_status(ctl, &st)) {
			last_check = now;
			if (have_base && st.stats.events_lost > klost) {
				nfipsd_log(NFIPSD_WARNING, "kernel events: %" PRIu64
					   " lost in the kernel (rate limit or full "
					   "buffers)", st.stats.events_lost - klost);
				atomic_fetch_add(&d->kernel_lost, st.stats.events_lost - klost);
			}
			klost = st.stats.events_lost;
			have_base = true;
		}
	}
	nfips_nl_close(nl);
	nfips_nl_close(ctl);
	nfips_sbuf_free(&x.b);
	return NULL;
}

int nfipsd_events_start(struct nfipsd *d)
{
	int ret = pthread_create(&d->events_thread, NULL, events_main, d);

	if (ret) {
		nfipsd_log(NFIPSD_ERR, "events thread: %s", strerror(ret));
		return -1;
	}
	d->events_started = true;
	return 0;
}

void nfipsd_events_stop(struct nfipsd *d)
{
	if (d->events_started)
		pthread_join(d->events_thread, NULL);
	d->events_started = false;
}
