// SPDX-License-Identifier: GPL-2.0
/*
 * Daily and monthly reports into nfipsd.conf's reports.dir
 * (Documentation/report.rst): yesterday's every morning from
 * reports.hour, last month's from that hour on the first. A report is
 * due while its file is missing, so one missed while nfipsd was down is
 * written when it is back, and a restart never writes one twice. A
 * report is built in a thread of its own on a read-only connection to
 * the store (WAL: the writer never waits for it); a failure is logged
 * and retried an hour later.
 *
 * Days are the customer's: nfipsd runs in customer.timezone (TZ, set at
 * start before any thread), which is also the day the store's daily
 * aggregates are keyed by. A changed zone applies at the next start.
 *
 * A finished report's files are logged (nfipsd_reports_written()) and,
 * when the policy's notify.reports asks, the report is mailed to the
 * contacts in their languages through the store's mail queue.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nfipsd.h"
#include "notify/notify.h"
#include "policy/policy.h"

#define RETRY_S	3600

struct report_job {
	struct nfipsd *d;
	struct nfips_report_opts o;
	char customer[256], sensor[256], tz[64];
};

static char zone[64] = "UTC";	/* the zone nfipsd runs in */

void nfipsd_reports_zone(struct nfipsd *d)
{
	const char *tz = d->policy && d->policy->file && d->policy->file->timezone ?
			 d->policy->file->timezone : "UTC";

	snprintf(zone, sizeof(zone), "%s", tz);
	setenv("TZ", zone, 1);
	tzset();
	nfipsd_log(NFIPSD_INFO, "local time: %s (customer.timezone): days of reports and "
		   "of the store's daily aggregates", zone);
}

bool nfipsd_report_due(const struct nfipsd_conf *c, time_t now, enum nfips_report_kind kind,
		       struct nfips_report_opts *o)
{
	static const char *const ext[] = { "txt", "json", "html", "pdf" };
	struct tm tm;
	char path[4200];
	int fmt = 0;

	if (!c->report_dir || !c->report_formats ||
	    !(kind == NFIPS_REPORT_DAILY ? c->report_daily : c->report_monthly))
		return false;
	localtime_r(&now, &tm);
	if ((uint32_t)tm.tm_hour < c->report_hour)
		return false;
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	if (kind == NFIPS_REPORT_DAILY) {
		tm.tm_mday--;
		tm.tm_hour = 12;
		tm.tm_isdst = -1;
		now = mktime(&tm);
		localtime_r(&now, &tm);
		o->day = tm.tm_mday;
	} else {
		if (--tm.tm_mon < 0) {
			tm.tm_mon = 11;
			tm.tm_year--;
		}
		o->day = 1;
	}
	o->year = tm.tm_year + 1900;
	o->month = tm.tm_mon + 1;
	while (!(c->report_formats & (1u << fmt)))
		fmt++;
	if (kind == NFIPS_REPORT_DAILY)
		snprintf(path, sizeof(path), "%s/nfips-daily-%04d-%02d-%02d.%s", c->report_dir,
			 o->year, o->month, o->day, ext[fmt]);
	else
		snprintf(path, sizeof(path), "%s/nfips-monthly-%04d-%02d.%s", c->report_dir,
			 o->year, o->month, ext[fmt]);
	return access(path, F_OK) != 0;
}

void nfipsd_reports_written(struct nfipsd *d, const struct nfips_report_opts *o,
			    const struct nfips_report_files *f)
{
	size_t i;

	(void)d;
	for (i = 0; i < f->n; i++)
		nfipsd_log(NFIPSD_NOTICE, "report: %s %04d-%02d%s written: %s",
			   o->kind == NFIPS_REPORT_DAILY ? "daily" : "monthly", o->year, o->month,
			   o->kind == NFIPS_REPORT_DAILY ? "-dd" : "", f->paths[i]);
}

/*
 * The report mailed to the contacts when the policy's notify.reports asks
 * and mail is configured: queued in the store (a connection of its own:
 * @ro is read-only), sent by the notifier. Once the files are written,
 * so a report retried an hour later is mailed once, then.
 */
static void mail_report(struct nfipsd *d, struct nfips_store *ro,
			const struct nfips_report_opts *o)
{
	struct nfips_store_opts so = { .path = d->conf.store_path, .no_tracker = true,
				       .trusted = true };
	struct nfips_report_mail_cfg mc = {
		.from = d->conf.mail.from,
		.from_name = d->conf.mail.from_name,
	};
	struct nfips_notify_policy np;
	struct nfips_store *rw;
	struct timespec t;
	char err[1024];
	bool have = false;
	int n;

	if (!d->conf.mail.url)
		return;
	pthread_rwlock_rdlock(&d->pol_lock);
	if (d->policy && d->policy->file) {
		nfips_notify_policy_from(&np, d->policy->file, d->sensor);
		have = true;
	}
	pthread_rwlock_unlock(&d->pol_lock);
	if (!have || !(np.reports & (o->kind == NFIPS_REPORT_DAILY ? NFIPS_NOTIFY_REPORT_DAILY :
				     NFIPS_NOTIFY_REPORT_MONTHLY)))
		return;
	clock_gettime(CLOCK_REALTIME, &t);
	mc.now = (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
	rw = nfips_store_open(&so, err, sizeof(err), NULL);
	n = rw ? nfips_report_mail(ro, rw, &np, o, &mc, err, sizeof(err)) : -1;
	if (n < 0)
		nfipsd_log(NFIPSD_ERR, "report: %s %04d-%02d-%02d not mailed: %s",
			   o->kind == NFIPS_REPORT_DAILY ? "daily" : "monthly", o->year, o->month,
			   o->day, err);
	else
		nfipsd_log(NFIPSD_NOTICE, "report: %s %04d-%02d-%02d mailed to %d contact%s "
			   "(queued)", o->kind == NFIPS_REPORT_DAILY ? "daily" : "monthly", o->year,
			   o->month, o->day, n, n == 1 ? "" : "s");
	nfips_store_close(rw);
}

static void *report_thread(void *arg)
{
	struct report_job *j = arg;
	struct nfipsd *d = j->d;
	struct nfips_store_opts so = { .path = d->conf.store_path, .readonly = true,
				       .no_tracker = true };
	struct nfips_report_files f = { 0 };
	struct nfips_store *s;
	char err[1024];
	bool written = false;

	s = nfips_store_open(&so, err, sizeof(err), NULL);
	if (!s || nfips_report_publish(s, &j->o, d->conf.report_dir, d->conf.report_formats,
				       &f, err, sizeof(err))) {
		nfipsd_log(NFIPSD_ERR, "report: %s %04d-%02d-%02d not written (retried in an "
			   "hour): %s", j->o.kind == NFIPS_REPORT_DAILY ? "daily" : "monthly",
			   j->o.year, j->o.month, j->o.day, err);
		d->report_retry = time(NULL) + RETRY_S;
	} else {
		written = true;
	}
	if (f.n)
		nfipsd_reports_written(d, &j->o, &f);
	/* only a whole report: one retried an hour later is mailed then */
	if (written)
		mail_report(d, s, &j->o);
	nfips_report_files_free(&f);
	nfips_store_close(s);
	free(j);
	atomic_store(&d->report_running, false);
	return NULL;
}

static void start(struct nfipsd *d, const struct nfips_report_opts *o)
{
	struct report_job *j = calloc(1, sizeof(*j));
	const struct nfips_policy *p;

	if (!j)
		return;
	j->d = d;
	j->o = *o;
	j->o.lang = d->conf.report_lang;
	snprintf(j->tz, sizeof(j->tz), "%s", zone);
	j->o.tz = j->tz;
	pthread_rwlock_rdlock(&d->pol_lock);
	p = d->policy ? d->policy->file : NULL;
	if (p && p->customer_id) {
		if (p->customer_name)
			snprintf(j->customer, sizeof(j->customer), "%s (%s)", p->customer_name,
				 p->customer_id);
		else
			snprintf(j->customer, sizeof(j->customer), "%s", p->customer_id);
		j->o.customer = j->customer;
	}
	snprintf(j->sensor, sizeof(j->sensor), "%s", d->sensor);
	pthread_rwlock_unlock(&d->pol_lock);
	if (j->sensor[0])
		j->o.sensor = j->sensor;
	atomic_store(&d->report_running, true);
	if (pthread_create(&d->report_thread, NULL, report_thread, j)) {
		atomic_store(&d->report_running, false);
		free(j);
		return;
	}
	d->report_joinable = true;
}

/* A reloaded policy with another zone: said once; it applies at restart. */
static void zone_changed(struct nfipsd *d)
{
	static char said[64];
	const char *tz;

	pthread_rwlock_rdlock(&d->pol_lock);
	tz = d->policy && d->policy->file && d->policy->file->timezone ?
	     d->policy->file->timezone : "UTC";
	if (strcmp(tz, zone) && strcmp(tz, said)) {
		snprintf(said, sizeof(said), "%s", tz);
		nfipsd_log(NFIPSD_WARNING, "customer.timezone is now %s: nfipsd keeps %s for "
			   "days (reports, daily aggregates) until it restarts", said, zone);
	}
	pthread_rwlock_unlock(&d->pol_lock);
}

void nfipsd_reports_check(struct nfipsd *d)
{
	struct nfips_report_opts o;
	time_t now = time(NULL);

	zone_changed(d);
	if (d->report_joinable && !atomic_load(&d->report_running)) {
		pthread_join(d->report_thread, NULL);
		d->report_joinable = false;
	}
	if (!d->conf.report_dir || d->report_joinable || now < d->report_retry)
		return;
	if (nfipsd_report_due(&d->conf, now, NFIPS_REPORT_DAILY, &o) ||
	    nfipsd_report_due(&d->conf, now, NFIPS_REPORT_MONTHLY, &o))
		start(d, &o);
}

void nfipsd_reports_stop(struct nfipsd *d)
{
	if (d->report_joinable) {
		pthread_join(d->report_thread, NULL);
		d->report_joinable = false;
	}
}
