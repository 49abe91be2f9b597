// SPDX-License-Identifier: GPL-2.0
/*
 * The notifier: two threads, each with its own store connection, neither
 * of which the packet path, the store's writer or the collectors ever
 * wait for.
 *
 * The scanner looks at the incidents the store committed (woken by each
 * commit, and at least every scan_ms): an incident at or above the
 * policy's notify.grade that has no mail yet gets one per contact; one
 * whose grade rose above what was mailed gets an escalation; one that
 * keeps firing gets a follow-up at most every notify.every minutes
 * (not for an acknowledged one). What was mailed is read back from the
 * queue itself, so a restart (or a crash between a commit and the mail)
 * neither forgets nor repeats a mail: the first scan looks back over the
 * incident window. It also queues the daily digest and health mails.
 *
 * The sender takes the due mails oldest first and sends each over SMTP;
 * every attempt and its outcome is recorded with the mail. A failure
 * leaves it pending with a capped exponential backoff (jittered); a 5xx
 * refusal fails it for good. An SMTP outage therefore delays mail,
 * never loses it.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "notify.h"

#define HEALTH_MAX	16
#define SEND_BATCH	16
#define FULL_SCAN_SEC	20	/* follow-ups of quiet periods: a wider look */
#define SCAN_MARGIN_SEC	60	/* alerts are committed after their time */
#define MAX_CANDIDATES	4096

struct nfips_notifier {
	struct nfips_notifier_cfg c;
	struct nfips_store *scan_db, *send_db;
	struct nfips_templates *tpl[2];	/* en, ja */
	pthread_t scan_thr, send_thr;
	bool scan_started, send_started;
	pthread_mutex_t lock;
	pthread_cond_t scan_cv, send_cv;
	bool kicked, send_kicked, stop;
	_Atomic bool cancel;		/* stop: abandon the SMTP transaction */
	struct nfips_notify_health health[HEALTH_MAX];
	size_t nhealth;
	uint64_t health_dropped;
	/* scanner's own */
	struct nfips_tz *tz;
	int64_t last_scan, last_full;	/* seconds */
	uint64_t seq;			/* Message-ID uniqueness within a usec */
};

static void logf_(struct nfips_notifier *n, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void logf_(struct nfips_notifier *n, int prio, const char *fmt, ...)
{
	char buf[768];
	va_list ap;

	if (!n->c.log)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n->c.log(n->c.arg, prio, buf);
}

static int64_t now_usec(struct nfips_notifier *n)
{
	struct timespec t;

	if (n->c.clock)
		return n->c.clock(n->c.arg) * 1000000;
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void wait_ms(pthread_cond_t *cv, pthread_mutex_t *m, uint32_t ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(cv, m, &t);
}

static const struct nfips_templates *tpl_for(struct nfips_notifier *n, const char *lang)
{
	return !strcmp(lang, "ja") ? n->tpl[1] : n->tpl[0];
}

/* ---- the scanner ---------------------------------------------------- */

/* The mails of one decision, one per contact, queued together. */
struct batch {
	struct nfips_mail m[3];
	struct nfips_rendered r[3];
	char msgid[3][384];
	size_t n;
};

static void batch_free(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		nfips_rendered_free(&b->r[i]);
	b->n = 0;
}

static void batch_queue(struct nfips_notifier *n, struct batch *b, const char *what)
{
	char err[512];

	if (!b->n)
		return;
	if (nfips_mail_queue(n->scan_db, b->m, b->n, err, sizeof(err)))
		logf_(n, LOG_ERR, "mail: %s not queued (tried again at the next look): %s",
		      what, err);
	batch_free(b);
}

/* One mail to contact @i: headers around what the caller rendered. */
static int batch_add(struct nfips_notifier *n, struct batch *b,
		     const struct nfips_notify_policy *p, size_t i, uint64_t incident,
		     int kind, int grade, uint64_t count, int64_t now,
		     struct nfips_sbuf *subject, struct nfips_sbuf *body)
{
	const struct nfips_notify_contact *ct = &p->contacts[i];
	struct nfips_rendered *r = &b->r[b->n];
	char from_name[300];
	struct nfips_mail_head h = {
		.from = n->c.smtp.from,
		.to_name = ct->name,
		.to = ct->email,
		.date = now / 1000000,
		.tz = n->tz,
		.incident = incident,
		.sensor = p->sensor,
		.grade = incident ? nfips_store_grade_name(grade) : NULL,
		.kind = nfips_mail_kind_name(kind),
	};
	const char *at = strrchr(n->c.smtp.from, '@');

	snprintf(from_name, sizeof(from_name), "nfips %s", p->sensor);
	h.from_name = n->c.from_name ? n->c.from_name : from_name;
	h.domain = at ? at + 1 : "nfips.invalid";
	snprintf(b->msgid[b->n], sizeof(b->msgid[0]), "nfips.%s.%" PRIu64 ".%d.%" PRId64 ".%" PRIu64,
		 p->sensor[0] ? p->sensor : "sensor", incident, kind, now, ++n->seq);
	h.msgid_left = b->msgid[b->n];
	memset(r, 0, sizeof(*r));
	r->subject = *subject;
	memset(subject, 0, sizeof(*subject));
	if (nfips_mail_build(&h, r->subject.s ? r->subject.s : "", body->s ? body->s : "",
			     &r->message)) {
		nfips_rendered_free(r);
		return -1;
	}
	b->m[b->n] = (struct nfips_mail){
		.incident = incident,
		.kind = kind,
		.grade = grade,
		.count = count,
		.rcpt = ct->email,
		.lang = ct->lang,
		.subject = r->subject.s ? r->subject.s : "",
		.message = r->message.s,
		.created = now,
	};
	b->n++;
	return 0;
}

struct decide {
	struct nfips_notifier *n;
	const struct nfips_notify_policy *p;
	struct nfips_mail_mark mk;
	bool have_mark;
	bool over_cap;			/* notify.max_per_hour reached this hour */
	int64_t now;			/* usec */
	struct batch b;
	int kind;
	struct rows *over;		/* new incidents beyond the cap */
};

/* Incident rows kept past their query (the digest, the summary). */
struct rows {
	struct nfips_store_incident_row *rows;
	char **msgs, **reasons;
	size_t n, cap, total;
};

static int rows_init(struct rows *r, size_t cap)
{
	memset(r, 0, sizeof(*r));
	r->cap = cap;
	r->rows = calloc(cap, sizeof(*r->rows));
	r->msgs = calloc(cap, sizeof(*r->msgs));
	r->reasons = calloc(cap, sizeof(*r->reasons));
	return r->rows && r->msgs && r->reasons ? 0 : -1;
}

static void rows_free(struct rows *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->msgs[i]);
		free(r->reasons[i]);
	}
	free(r->rows);
	free(r->msgs);
	free(r->reasons);
}

static void rows_add(struct rows *d, const struct nfips_store_incident_row *r)
{
	d->total++;
	if (d->n == d->cap)
		return;
	d->rows[d->n] = *r;
	d->msgs[d->n] = strdup(r->msg);
	d->reasons[d->n] = r->reason ? strdup(r->reason) : NULL;
	d->rows[d->n].msg = d->msgs[d->n] ? d->msgs[d->n] : "";
	d->rows[d->n].reason = d->reasons[d->n];
	d->rows[d->n].note = d->rows[d->n].by = NULL;
	d->rows[d->n].sample = NULL;
	d->n++;
}

static int decide_incident(void *arg, const struct nfips_store_incident_row *r)
{
	struct decide *d = arg;
	const struct nfips_notify_policy *p = d->p;
	size_t i;

	if (r->grade < p->grade)
		return 0;
	/* evidence of a successful attack is never held back by the cap */
	if (!d->have_mark && d->over_cap && r->grade < NFIPS_SGRADE_EMERGENCY) {
		rows_add(d->over, r);	/* in the hour's summary instead */
		return 0;
	}
	if (!d->have_mark)
		d->kind = NFIPS_MAIL_INCIDENT;
	else if (r->grade > d->mk.grade)
		d->kind = NFIPS_MAIL_ESCALATION;
	else if (r->state != NFIPS_INCIDENT_ACKED && r->count > d->mk.count &&
		 d->now - d->mk.last >= (int64_t)p->every * 60 * 1000000)
		d->kind = NFIPS_MAIL_FOLLOWUP;
	else
		return 0;
	for (i = 0; i < p->ncontacts; i++) {
		struct nfips_sbuf subject = { 0 }, body = { 0 };
		struct nfips_incident_mail m = {
			.inc = r,
			.kind = d->kind,
			.previous_grade = d->have_mark ? d->mk.grade : NFIPS_SGRADE_UNSET,
			.every = p->every,
			.sensor = p->sensor,
			.customer = p->customer,
			.contact = p->contacts[i].name,
			.now = d->now / 1000000,
		};

		if (nfips_render_incident(tpl_for(d->n, p->contacts[i].lang), d->n->tz, &m,
					  &subject, &body) ||
		    batch_add(d->n, &d->b, p, i, r->id, d->kind, r->grade, r->count, d->now,
			      &subject, &body))
			logf_(d->n, LOG_ERR, "mail: incident %" PRIu64 ": out of memory", r->id);
		nfips_sbuf_free(&subject);
		nfips_sbuf_free(&body);
	}
	return 0;
}

struct collect {
	uint64_t *ids;
	size_t n, cap;
	int min_grade;
	int max_grade;			/* digest: below the notify grade */
};

static int collect_id(void *arg, const struct nfips_store_incident_row *r)
{
	struct collect *c = arg;

	if (r->grade < c->min_grade || r->grade > c->max_grade)
		return 0;
	if (c->n == c->cap)
		return 1;
	c->ids[c->n++] = r->id;
	return 0;
}

/*
 * One mail per contact for the incidents beyond notify.max_per_hour,
 * at most once an hour: a flood from spoofed sources is many incidents,
 * and a contact's mailbox must not get one mail per source.
 */
static bool summary(struct nfips_notifier *n, const struct nfips_notify_policy *p,
		    struct rows *over, int64_t now)
{
	const struct nfips_store_incident_row **ptr;
	int64_t last = nfips_mail_last_of_kind(n->scan_db, NFIPS_MAIL_SUMMARY);
	struct batch b = { 0 };
	size_t i;

	if (!over->total || last < 0 || (last && now * 1000000 - last < 3600ll * 1000000))
		return false;
	ptr = calloc(over->n + 1, sizeof(*ptr));
	if (!ptr)
		return false;
	for (i = 0; i < over->n; i++)
		ptr[i] = &over->rows[i];
	for (i = 0; i < p->ncontacts; i++) {
		struct nfips_sbuf subject = { 0 }, body = { 0 };

		if (nfips_render_summary(tpl_for(n, p->contacts[i].lang), n->tz, ptr, over->n,
					 over->total, p->grade, p->max_per_hour, now, p->sensor,
					 p->customer, p->contacts[i].name, &subject, &body) ||
		    batch_add(n, &b, p, i, 0, NFIPS_MAIL_SUMMARY, p->grade, over->total,
			      now * 1000000, &subject, &body))
			logf_(n, LOG_ERR, "mail: summary: out of memory");
		nfips_sbuf_free(&subject);
		nfips_sbuf_free(&body);
	}
	free(ptr);
	logf_(n, LOG_WARNING, "mail: more than %u incidents an hour: %zu more in one summary mail",
	      p->max_per_hour, over->total);
	i = b.n;
	batch_queue(n, &b, "the summary mail");
	return i > 0;
}

static bool scan_incidents(struct nfips_notifier *n, const struct nfips_notify_policy *p,
			   int64_t now, int64_t since)
{
	struct collect c = { .cap = MAX_CANDIDATES, .min_grade = p->grade,
			     .max_grade = NFIPS_SGRADE_EMERGENCY };
	struct nfips_store_filter f;
	struct rows over;
	int64_t mailed;
	bool queued = false;
	char err[512];
	size_t i;

	if (!p->ncontacts)
		return false;
	c.ids = calloc(c.cap, sizeof(*c.ids));
	if (!c.ids || rows_init(&over, 50)) {
		free(c.ids);
		rows_free(&over);
		return false;
	}
	mailed = nfips_mail_incidents_since(n->scan_db, (now - 3600) * 1000000);
	nfips_store_filter_init(&f);
	f.since = since * 1000000;
	if (nfips_store_incidents(n->scan_db, &f, collect_id, &c, err, sizeof(err)))
		logf_(n, LOG_ERR, "mail: reading incidents: %s", err);
	for (i = 0; i < c.n; i++) {
		struct decide d = { .n = n, .p = p, .now = now * 1000000, .over = &over,
				    .over_cap = mailed >= (int64_t)p->max_per_hour };
		int mk = nfips_mail_mark(n->scan_db, c.ids[i], &d.mk);
		char what[64];

		if (mk < 0)
			continue;
		d.have_mark = mk > 0;
		if (nfips_store_incident_get(n->scan_db, c.ids[i], decide_incident, &d, err,
					     sizeof(err)) < 0)
			logf_(n, LOG_ERR, "mail: incident %" PRIu64 ": %s", c.ids[i], err);
		queued |= d.b.n > 0;
		if (d.b.n && d.kind == NFIPS_MAIL_INCIDENT)
			mailed++;
		snprintf(what, sizeof(what), "the mail of incident %" PRIu64, c.ids[i]);
		batch_queue(n, &d.b, what);
	}
	queued |= summary(n, p, &over, now);
	rows_free(&over);
	free(c.ids);
	return queued;
}

struct digest_rows {
	struct rows r;
	int below;
};

static int digest_row(void *arg, const struct nfips_store_incident_row *r)
{
	struct digest_rows *d = arg;

	if (r->grade < NFIPS_SGRADE_LOW || r->grade >= d->below)
		return 0;
	if (d->r.n == d->r.cap)
		return 1;
	rows_add(&d->r, r);
	return 0;
}

/* Once a day at digest_hour of the customer's day: the lower grades. */
static bool digest(struct nfips_notifier *n, const struct nfips_notify_policy *p, int64_t now)
{
	struct digest_rows d = { .below = p->grade };
	const struct nfips_store_incident_row **ptr = NULL;
	struct nfips_store_filter f;
	struct batch b = { 0 };
	int64_t today, done = -1, day_start;
	bool any = false;
	int32_t off;
	struct tm tm;
	char err[512];
	size_t i;

	if (!p->digest || !p->ncontacts)
		return false;
	nfips_tz_local(n->tz, now, &tm, &off, NULL);
	if ((uint32_t)tm.tm_hour != p->digest_hour)
		return false;
	today = (now + off) / 86400;
	if (nfips_store_meta_read(n->scan_db, "digest_day", &done) < 0 || done >= today)
		return false;
	day_start = now - tm.tm_min * 60 - tm.tm_sec - (int64_t)tm.tm_hour * 3600;
	ptr = calloc(500, sizeof(*ptr));
	if (rows_init(&d.r, 500) || !ptr)
		goto out;
	nfips_store_filter_init(&f);
	/* the 24 hours up to this hour */
	f.since = (now - tm.tm_min * 60 - tm.tm_sec - 86400) * 1000000;
	f.until = (now - tm.tm_min * 60 - tm.tm_sec) * 1000000;
	if (nfips_store_incidents(n->scan_db, &f, digest_row, &d, err, sizeof(err))) {
		logf_(n, LOG_ERR, "mail: digest: %s", err);
		goto out;
	}
	for (i = 0; i < d.r.n; i++)
		ptr[i] = &d.r.rows[i];
	for (i = 0; d.r.n && i < p->ncontacts; i++) {
		struct nfips_sbuf subject = { 0 }, body = { 0 };

		if (nfips_render_digest(tpl_for(n, p->contacts[i].lang), n->tz, ptr, d.r.n,
					day_start - 86400, p->sensor, p->customer,
					p->contacts[i].name, &subject, &body) ||
		    batch_add(n, &b, p, i, 0, NFIPS_MAIL_DIGEST, NFIPS_SGRADE_UNSET, d.r.n,
			      now * 1000000, &subject, &body))
			logf_(n, LOG_ERR, "mail: digest: out of memory");
		nfips_sbuf_free(&subject);
		nfips_sbuf_free(&body);
	}
	any = b.n > 0;
	batch_queue(n, &b, "the daily digest");
	nfips_store_meta_write(n->scan_db, "digest_day", today);
out:
	rows_free(&d.r);
	free(ptr);
	return any;
}

static bool health(struct nfips_notifier *n, const struct nfips_notify_policy *p,
		   const struct nfips_notify_health *h, int64_t now)
{
	struct batch b = { 0 };
	size_t i;

	for (i = 0; i < p->ncontacts; i++) {
		struct nfips_sbuf subject = { 0 }, body = { 0 };

		if (nfips_render_health(tpl_for(n, p->contacts[i].lang), n->tz, h, p->sensor,
					p->customer, p->contacts[i].name, &subject, &body) ||
		    batch_add(n, &b, p, i, 0, NFIPS_MAIL_HEALTH, NFIPS_SGRADE_UNSET, h->backlog,
			      now * 1000000, &subject, &body))
			logf_(n, LOG_ERR, "mail: health: out of memory");
		nfips_sbuf_free(&subject);
		nfips_sbuf_free(&body);
	}
	i = b.n;
	batch_queue(n, &b, "a health mail");
	return i > 0;
}

static void *scan_main(void *arg)
{
	struct nfips_notifier *n = arg;
	struct nfips_notify_health h[HEALTH_MAX];
	struct nfips_notify_policy p;
	char err[512];
	size_t nh, i;

	for (;;) {
		bool queued = false;
		int64_t now, since;

		pthread_mutex_lock(&n->lock);
		if (!n->stop && !n->kicked && !n->nhealth)
			wait_ms(&n->scan_cv, &n->lock, n->c.scan_ms);
		if (n->stop) {
			pthread_mutex_unlock(&n->lock);
			break;
		}
		n->kicked = false;
		nh = n->nhealth;
		memcpy(h, n->health, nh * sizeof(h[0]));
		n->nhealth = 0;
		pthread_mutex_unlock(&n->lock);

		if (!n->c.policy(n->c.arg, &p))
			continue;
		if (!n->tz || strcmp(nfips_tz_name(n->tz), p.timezone)) {
			struct nfips_tz *z = nfips_tz_load(p.timezone, err, sizeof(err));

			if (!z) {
				logf_(n, LOG_ERR, "mail: %s: times shown in UTC", err);
				z = nfips_tz_load("UTC", err, sizeof(err));
			}
			if (z) {
				nfips_tz_free(n->tz);
				n->tz = z;
			}
			if (!n->tz)
				continue;
		}
		now = now_usec(n) / 1000000;
		if (!n->last_scan) {
			/* a (re)start: what a crash may have left unmailed */
			since = now - (int64_t)p.window - SCAN_MARGIN_SEC;
			n->last_full = now;
		} else if (now - n->last_full >= FULL_SCAN_SEC) {
			since = now - (int64_t)p.every * 60 - SCAN_MARGIN_SEC;
			n->last_full = now;
		} else {
			since = n->last_scan - SCAN_MARGIN_SEC;
		}
		n->last_scan = now;
		queued |= scan_incidents(n, &p, now, since);
		for (i = 0; i < nh; i++)
			queued |= health(n, &p, &h[i], now);
		queued |= digest(n, &p, now);
		if (queued) {
			pthread_mutex_lock(&n->lock);
			n->send_kicked = true;
			pthread_cond_signal(&n->send_cv);
			pthread_mutex_unlock(&n->lock);
		}
	}
	return NULL;
}

/* ---- the sender ----------------------------------------------------- */

struct due {
	uint64_t id;
	uint32_t attempts;
	char *rcpt, *message;
};

struct due_list {
	struct due d[SEND_BATCH];
	size_t n;
};

static int take_due(void *arg, const struct nfips_mail *m)
{
	struct due_list *l = arg;
	struct due *d = &l->d[l->n];

	d->id = m->id;
	d->attempts = m->attempts;
	d->rcpt = strdup(m->rcpt);
	d->message = strdup(m->message);
	if (d->rcpt && d->message)
		l->n++;
	else {
		free(d->rcpt);
		free(d->message);
	}
	return l->n == SEND_BATCH;
}

static int64_t backoff_usec(struct nfips_notifier *n, uint32_t attempts)
{
	uint64_t ms = n->c.retry_min_ms;
	uint32_t i;

	for (i = 0; i < attempts && ms < n->c.retry_max_ms; i++)
		ms *= 2;
	if (ms > n->c.retry_max_ms)
		ms = n->c.retry_max_ms;
	/* between half and all of it: senders of a fleet do not retry in step */
	ms = ms / 2 + (uint64_t)random() % (ms / 2 + 1);
	return (int64_t)ms * 1000;
}

static void *send_main(void *arg)
{
	struct nfips_notifier *n = arg;
	bool more = true;
	char err[512];

	for (;;) {
		struct due_list l = { .n = 0 };
		size_t i;

		pthread_mutex_lock(&n->lock);
		if (!n->stop && !n->send_kicked && !more)
			wait_ms(&n->send_cv, &n->lock, 250);
		n->send_kicked = false;
		if (n->stop) {
			pthread_mutex_unlock(&n->lock);
			break;
		}
		pthread_mutex_unlock(&n->lock);
		if (nfips_mail_due(n->send_db, now_usec(n), SEND_BATCH, take_due, &l, err,
				   sizeof(err)))
			logf_(n, LOG_ERR, "mail: reading the queue: %s", err);
		more = l.n == SEND_BATCH;
		for (i = 0; i < l.n; i++) {
			struct nfips_smtp_result r;
			int64_t ts, next;
			bool stopping;

			pthread_mutex_lock(&n->lock);
			stopping = n->stop;
			pthread_mutex_unlock(&n->lock);
			if (!stopping) {
				nfips_smtp_send(&n->c.smtp, l.d[i].rcpt, l.d[i].message, &r);
				if (!r.ok && atomic_load(&n->cancel)) {
					/* abandoned by the stop, not refused: no attempt
					 * to record (it would hide the last real error) */
					free(l.d[i].rcpt);
					free(l.d[i].message);
					continue;
				}
				ts = now_usec(n);
				next = ts + backoff_usec(n, l.d[i].attempts);
				if (nfips_mail_attempt(n->send_db, l.d[i].id, ts, r.ok, r.permanent,
						       r.text, next, err, sizeof(err)))
					logf_(n, LOG_ERR, "mail %" PRIu64 ": attempt not recorded: %s",
					      l.d[i].id, err);
				if (r.ok)
					logf_(n, LOG_INFO, "mail %" PRIu64 " to %s: %s", l.d[i].id,
					      l.d[i].rcpt, r.text);
				else
					logf_(n, r.permanent ? LOG_ERR : LOG_WARNING,
					      "mail %" PRIu64 " to %s: %s%s", l.d[i].id, l.d[i].rcpt,
					      r.text, r.permanent ? ": refused for good, not retried" :
					      ": retried later");
			}
			free(l.d[i].rcpt);
			free(l.d[i].message);
		}
	}
	return NULL;
}

/* ---- start and stop ------------------------------------------------- */

static struct nfips_store *open_db(const char *path, char *err, size_t errlen)
{
	struct nfips_store_opts o = {
		.path = path,
		.no_tracker = true,
		.trusted = true,
	};
	char e[1024];
	bool moved;
	struct nfips_store *s = nfips_store_open(&o, e, sizeof(e), &moved);

	if (!s)
		snprintf(err, errlen, "%s", e);
	return s;
}

struct nfips_notifier *nfips_notifier_start(const struct nfips_notifier_cfg *c,
					    char *err, size_t errlen)
{
	struct nfips_notifier *n = calloc(1, sizeof(*n));
	const char *dir = c->templates ? c->templates : NFIPS_NOTIFY_TEMPLATES;
	pthread_condattr_t ca;

	if (!n) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	n->c = *c;
	if (!n->c.retry_min_ms)
		n->c.retry_min_ms = 1000;
	if (!n->c.retry_max_ms)
		n->c.retry_max_ms = 300000;
	if (n->c.retry_max_ms < n->c.retry_min_ms)
		n->c.retry_max_ms = n->c.retry_min_ms;
	if (!n->c.scan_ms)
		n->c.scan_ms = 500;
	if (!n->c.smtp.timeout)
		n->c.smtp.timeout = 30;
	n->c.smtp.cancel = &n->cancel;
	pthread_mutex_init(&n->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&n->scan_cv, &ca);
	pthread_cond_init(&n->send_cv, &ca);
	pthread_condattr_destroy(&ca);
	if (!(n->tpl[0] = nfips_templates_load(dir, "en", err, errlen)) ||
	    !(n->tpl[1] = nfips_templates_load(dir, "ja", err, errlen)) ||
	    !(n->scan_db = open_db(c->store_path, err, errlen)) ||
	    !(n->send_db = open_db(c->store_path, err, errlen)))
		goto fail;
	if (pthread_create(&n->scan_thr, NULL, scan_main, n)) {
		snprintf(err, errlen, "cannot start a thread");
		goto fail;
	}
	n->scan_started = true;
	if (pthread_create(&n->send_thr, NULL, send_main, n)) {
		snprintf(err, errlen, "cannot start a thread");
		goto fail;
	}
	n->send_started = true;
	return n;
fail:
	nfips_notifier_stop(n);
	return NULL;
}

void nfips_notifier_kick(struct nfips_notifier *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	n->kicked = true;
	pthread_cond_signal(&n->scan_cv);
	pthread_mutex_unlock(&n->lock);
}

void nfips_notifier_health(struct nfips_notifier *n, const struct nfips_notify_health *h)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	if (n->nhealth < HEALTH_MAX)
		n->health[n->nhealth++] = *h;
	else
		n->health_dropped++;
	pthread_cond_signal(&n->scan_cv);
	pthread_mutex_unlock(&n->lock);
}

void nfips_notifier_stop(struct nfips_notifier *n)
{
	if (!n)
		return;
	atomic_store(&n->cancel, true);
	pthread_mutex_lock(&n->lock);
	n->stop = true;
	pthread_cond_broadcast(&n->scan_cv);
	pthread_cond_broadcast(&n->send_cv);
	pthread_mutex_unlock(&n->lock);
	if (n->scan_started)
		pthread_join(n->scan_thr, NULL);
	if (n->send_started)
		pthread_join(n->send_thr, NULL);
	nfips_store_close(n->scan_db);
	nfips_store_close(n->send_db);
	nfips_templates_free(n->tpl[0]);
	nfips_templates_free(n->tpl[1]);
	nfips_tz_free(n->tz);
	pthread_mutex_destroy(&n->lock);
	pthread_cond_destroy(&n->scan_cv);
	pthread_cond_destroy(&n->send_cv);
	free(n);
}
