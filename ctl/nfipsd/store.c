// SPDX-License-Identifier: GPL-2.0
/*
 * Alerts into the store (ctl/lib/store/, Documentation/store.rst). The
 * packet path (queue workers, the kernel events thread) only folds the
 * alert into its incident in memory (for the record's nfips.incident_id)
 * and copies it into the writer's queue, which never waits: the writer
 * thread commits batches, and what does not fit is counted unstored.
 *
 * The store's own alerts (gid NFIPS_GID_INTERNAL) go to the EVE log and
 * the journal: sid 1, grade emergency, when its disk is full and writing
 * stops; sid 2 when it writes again; each names the alerts not stored.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nfipsd.h"
#include "output/eve.h"

static void internal_alert(struct nfipsd *d, uint32_t sid, const char *grade,
			   const char *msg)
{
	struct nfips_sbuf b = { 0 };
	struct timespec t;
	struct nfips_eve_alert a = {
		.family = 4,
		.proto = 0,
		.gid = NFIPS_GID_INTERNAL,
		.sid = sid,
		.rev = 1,
		.signature = msg,
		.category = "Not Suspicious Traffic",
		.severity = sid == NFIPS_SID_STORE_FULL ? 1 : 3,
		.grade = grade,
		.path = "daemon",
		.sequence = atomic_fetch_add(&d->store_internal_seq, 1) + 1,
		.sensor = d->sensor[0] ? d->sensor : NULL,
	};

	clock_gettime(CLOCK_REALTIME, &t);
	a.sec = t.tv_sec;
	a.usec = (uint32_t)(t.tv_nsec / 1000);
	nfips_eve_alert(&b, &a);
	if (!b.oom && d->eve)
		nfipsd_evelog_write(d->eve, b.s, b.len, NULL);
	nfips_sbuf_free(&b);
}

static void on_store_event(void *arg, enum nfips_store_event ev, uint64_t unstored,
			   const char *why)
{
	struct nfipsd *d = arg;
	char msg[256];

	switch (ev) {
	case NFIPS_STORE_FULL:
		snprintf(msg, sizeof(msg), "nfips: alert store not writable, alerts are not "
			 "stored (%" PRIu64 " so far): %s", unstored, why);
		nfipsd_log(NFIPSD_ERR, "store: %s: writing stopped: %s; %" PRIu64
			   " alerts not stored so far", nfips_store_path(d->store), why,
			   unstored);
		internal_alert(d, NFIPS_SID_STORE_FULL, "emergency", msg);
		break;
	case NFIPS_STORE_RESUMED:
		snprintf(msg, sizeof(msg), "nfips: alert store writes again (%" PRIu64
			 " alerts were not stored)", unstored);
		nfipsd_log(NFIPSD_NOTICE, "store: writing again; %" PRIu64 " alerts were "
			   "not stored", unstored);
		internal_alert(d, NFIPS_SID_STORE_RESUMED, "low", msg);
		break;
	case NFIPS_STORE_MOVED:
		nfipsd_log(NFIPSD_ERR, "store: %s", why);
		break;
	case NFIPS_STORE_FAILED:
		nfipsd_log(NFIPSD_ERR, "store: a batch was lost: %s (%" PRIu64
			   " alerts not stored so far)", why, unstored);
		break;
	}
}

/* Committed: incidents the contacts must hear of may be among them. */
static void on_commit(void *arg, const struct nfips_store_alert *last, size_t n)
{
	(void)last;
	(void)n;
	nfipsd_mail_kick(arg);
}

void nfipsd_store_start(struct nfipsd *d)
{
	struct nfips_store_opts o = {
		.path = d->conf.store_path,
		.retention_days = d->conf.store_retention,
	};
	struct nfips_store_writer_cfg c = {
		.queue = d->conf.store_queue,
		.on_event = on_store_event,
		.arg = d,
		.on_commit = on_commit,
	};
	char err[1024];
	bool moved;

	if (d->conf.store_off)
		return;
	d->store = nfips_store_open(&o, err, sizeof(err), &moved);
	if (!d->store) {
		nfipsd_log(NFIPSD_ERR, "store: %s: running without the store", err);
		return;
	}
	if (moved)
		nfipsd_log(NFIPSD_ERR, "store: %s", err);
	d->writer = nfips_store_writer_start(d->store, &c, err, sizeof(err));
	if (!d->writer) {
		nfipsd_log(NFIPSD_ERR, "store: %s: running without the store", err);
		nfips_store_close(d->store);
		d->store = NULL;
		return;
	}
	nfipsd_log(NFIPSD_NOTICE, "store %s: %u days of alerts", d->conf.store_path,
		   d->conf.store_retention);
}

void nfipsd_store_window(struct nfipsd *d, uint32_t seconds)
{
	if (d->store && seconds)
		nfips_store_set_window(d->store, (uint64_t)seconds * 1000000);
}

bool nfipsd_store_annotate(struct nfipsd *d, struct nfips_eve_alert *a)
{
	uint8_t src[16], dst[16];
	bool is_new;

	if (!d->writer)
		return false;
	nfips_store_addr(src, a->family, a->src);
	nfips_store_addr(dst, a->family, a->dst);
	a->incident_id = nfips_store_incident(d->store, a->gid, a->sid, src, dst,
					      a->sec * 1000000 + a->usec, &is_new);
	return is_new;
}

bool nfipsd_store_copy(struct nfipsd *d, struct nfips_store_alert *s,
		       const struct nfips_eve_alert *a, bool is_new,
		       const uint8_t *payload, size_t len)
{
	if (!d->writer) {
		if (!d->conf.store_off)
			atomic_fetch_add(&d->store_absent, 1);
		return false;
	}
	memset(s, 0, offsetof(struct nfips_store_alert, msg));
	s->ts = a->sec * 1000000 + a->usec;
	/* a->sequence is the pipeline's own: the log's comes at submit. */
	s->incident = a->incident_id;
	s->incident_new = is_new;
	s->gid = a->gid;
	s->sid = a->sid;
	s->rev = a->rev;
	nfips_store_addr(s->src, a->family, a->src);
	nfips_store_addr(s->dst, a->family, a->dst);
	s->sport = a->sport;
	s->dport = a->dport;
	s->proto = a->proto;
	s->blocked = a->blocked;
	if (a->in_iface)
		snprintf(s->iface, sizeof(s->iface), "%s", a->in_iface);
	s->discarded = a->alerts_discarded;
	s->grade = (int8_t)nfips_store_grade_parse(a->grade);
	if (s->grade < NFIPS_SGRADE_UNSET)
		s->grade = NFIPS_SGRADE_UNSET;
	snprintf(s->msg, sizeof(s->msg), "%s", a->signature ? a->signature : "");
	snprintf(s->reason, sizeof(s->reason), "%s", a->grade_reason ? a->grade_reason : "");
	/* The payload is kept with an incident's first alert only. */
	if (is_new && payload) {
		s->sample_len = (uint16_t)(len < NFIPS_STORE_SAMPLE ? len : NFIPS_STORE_SAMPLE);
		memcpy(s->sample, payload, s->sample_len);
	}
	return true;
}

void nfipsd_store_submit(struct nfipsd *d, struct nfips_store_alert *s,
			 uint64_t sequence)
{
	s->sequence = sequence;
	nfips_store_submit(d->writer, s);
}

void nfipsd_store_alert(struct nfipsd *d, const struct nfips_eve_alert *a,
			bool is_new, const uint8_t *payload, size_t len,
			uint64_t sequence)
{
	struct nfips_store_alert s;

	if (nfipsd_store_copy(d, &s, a, is_new, payload, len))
		nfipsd_store_submit(d, &s, sequence);
}

void nfipsd_store_log_stats(struct nfipsd *d)
{
	struct nfips_store_stats st;

	if (!d->writer) {
		if (!d->conf.store_off)
			nfipsd_log(NFIPSD_INFO, "stats: store_absent=%" PRIu64 " (alerts not "
				   "stored: the store could not be opened)",
				   atomic_load(&d->store_absent));
		return;
	}
	nfips_store_writer_stats(d->writer, &st);
	nfipsd_log(NFIPSD_INFO, "stats: store_stored=%" PRIu64 " store_unstored=%" PRIu64
		   " store_batches=%" PRIu64 " store_removed=%" PRIu64 " store_full=%d",
		   st.stored, st.unstored, st.batches, st.retention_removed, st.full);
}

void nfipsd_store_stop(struct nfipsd *d)
{
	struct nfips_store_stats st;

	if (!d->writer)
		return;
	nfips_store_writer_stop(d->writer, &st);
	d->writer = NULL;
	d->store = NULL;
	nfipsd_log(NFIPSD_NOTICE, "store: %" PRIu64 " alerts stored, %" PRIu64
		   " not stored", st.stored, st.unstored);
}
