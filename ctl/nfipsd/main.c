// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsd [-c FILE] [--check]
 *
 * The slow-path daemon (Documentation/nfipsd.rst). Runs in the
 * foreground; under systemd as Type=notify (ctl/nfipsd/nfipsd.service).
 * Signals, all taken by the main thread with sigtimedwait() (no handler,
 * no global state): SIGHUP reload, SIGTERM/SIGINT clean stop, SIGUSR1
 * statistics to the log. Every other thread blocks them.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nfipsd.h"

void nfipsd_log(int prio, const char *fmt, ...)
{
	static const char *const names[] = {
		[NFIPSD_ERR] = "error: ", [NFIPSD_WARNING] = "warning: ",
		[NFIPSD_NOTICE] = "", [NFIPSD_INFO] = "",
	};
	char buf[1024];
	va_list ap;
	int n;

	/* Under systemd the journal reads the priority prefix. */
	if (getenv("JOURNAL_STREAM"))
		n = snprintf(buf, sizeof(buf), "<%d>", prio);
	else
		n = snprintf(buf, sizeof(buf), "nfipsd: %s", names[prio]);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	n = (int)strlen(buf);
	buf[n++] = '\n';
	/* One write per line: threads' lines never mix. */
	(void)!write(STDERR_FILENO, buf, (size_t)n);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nfipsd [-c FILE] [--check]\n"
		"\n"
		"The nfips slow path: full rule evaluation of the packets queued over\n"
		"NFQUEUE, verdicts, and the EVE log of daemon and kernel alerts.\n"
		"\n"
		"  -c, --config FILE   configuration (default " NFIPSD_CONF ")\n"
		"  -t, --check         validate the configuration and the rules, exit 0/1\n"
		"  -h, --help          this text\n"
		"\n"
		"Signals: HUP reloads the policy, TERM stops cleanly, USR1 logs statistics.\n");
}

static void report_stderr(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

static int check(const char *path)
{
	struct nfipsd_conf c;
	struct nfipsd_policy *p;
	char err[512];

	if (nfipsd_conf_load(&c, path, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		nfipsd_conf_free(&c);
		return 1;
	}
	if (nfipsd_mail_check(&c, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		nfipsd_conf_free(&c);
		return 1;
	}
	p = nfipsd_policy_load(&c, c.queue_count, 0, report_stderr, NULL);
	if (p)
		printf("%s: ok: queues %u..%u, %u rules loaded, %u skipped, %s mode, "
		       "%" PRIu64 " bytes of engines\n", path, c.queue_base,
		       c.queue_base + c.queue_count - 1, p->est.rules,
		       p->est.skipped + p->est.duplicates,
		       p->enforce ? "enforce" : "learn", p->memory);
	nfipsd_policy_free(p);
	nfipsd_conf_free(&c);
	return p ? 0 : 1;
}

static void log_stats(struct nfipsd *d)
{
	size_t i;

	for (i = 0; i < d->nworkers; i++) {
		struct nfipsd_qstats *s = &d->workers[i].st;

		nfipsd_log(NFIPSD_INFO, "stats: queue=%u packets=%" PRIu64
			   " bytes=%" PRIu64 " accepted=%" PRIu64 " dropped=%" PRIu64 " rejected=%" PRIu64
			   " alerts=%" PRIu64 " malformed=%" PRIu64 " enobufs=%" PRIu64
			   " verdict_errors=%" PRIu64 " over_budget=%" PRIu64
			   " policy=%" PRIu64, d->workers[i].qnum,
			   atomic_load(&s->packets), atomic_load(&s->bytes),
			   atomic_load(&s->accepted),
			   atomic_load(&s->dropped), atomic_load(&s->rejected),
			   atomic_load(&s->alerts), atomic_load(&s->malformed),
			   atomic_load(&s->enobufs), atomic_load(&s->verdict_errors),
			   atomic_load(&s->over_budget), atomic_load(&d->workers[i].serial));
	}
	nfipsd_log(NFIPSD_INFO, "stats: kernel_events=%" PRIu64 " kernel_events_lost=%"
		   PRIu64 " eve_records=%" PRIu64 " eve_lost=%" PRIu64,
		   atomic_load(&d->kernel_events), atomic_load(&d->kernel_lost),
		   nfipsd_evelog_written(d->eve), nfipsd_evelog_lost(d->eve));
	nfipsd_store_log_stats(d);
	nfipsd_rdns_log_stats(d);
}

static void save_state(struct nfipsd *d, struct nfipsd_state *s, bool clean)
{
	int ret;

	s->clean = clean;
	s->time = time(NULL);
	s->have_kernel = nfipsd_kernel_counters(&s->kpackets, &s->kabsent);
	s->reloads_refused = atomic_load(&d->reloads_refused);
	s->reloads = atomic_load(&d->reloads);
	pthread_rwlock_rdlock(&d->pol_lock);
	s->policy_serial = d->policy && d->policy->file ? d->policy->file->serial : 0;
	pthread_rwlock_unlock(&d->pol_lock);
	ret = nfipsd_state_write(d->conf.state_path, s);
	if (ret)
		nfipsd_log(NFIPSD_WARNING, "state: %s: %s", d->conf.state_path,
			   strerror(-ret));
}

static int start_workers(struct nfipsd *d)
{
	struct timespec now;
	size_t i;

	d->workers = calloc(d->nworkers, sizeof(*d->workers));
	if (!d->workers)
		return -1;
	for (i = 0; i < d->nworkers; i++) {
		struct nfipsd_worker *w = &d->workers[i];

		w->d = d;
		w->index = i;
		w->qnum = (uint16_t)(d->conf.queue_base + i);
		w->wakefd = w->rawfd4 = w->rawfd6 = w->icmpfd4 = w->icmpfd6 = -1;
		atomic_store(&w->next, d->policy);
		clock_gettime(CLOCK_MONOTONIC, &now);
		atomic_store(&w->beat, (int64_t)now.tv_sec);
	}
	for (i = 0; i < d->nworkers; i++)
		if (nfipsd_worker_start(&d->workers[i]))
			return -1;
	return 0;
}

static void stop_workers(struct nfipsd *d)
{
	size_t i;

	if (!d->workers)
		return;
	atomic_store(&d->stopping, true);
	nfipsd_kernel_unregister(d);
	for (i = 0; i < d->nworkers; i++)
		nfipsd_worker_wake(&d->workers[i]);
	for (i = 0; i < d->nworkers; i++)
		nfipsd_worker_join(&d->workers[i]);
}

/* The watchdog is fed only while every worker goes round its loop. */
static bool workers_alive(struct nfipsd *d, int64_t now)
{
	size_t i;

	for (i = 0; i < d->nworkers; i++)
		if (now - atomic_load(&d->workers[i].beat) > 10)
			return false;
	return true;
}

/* The pid for nfipsctl policy apply, which signals a reload. */
static void write_pid(const char *path)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return;
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) ||
	    rename(tmp, path))
		nfipsd_log(NFIPSD_WARNING, "pid file %s: %s", path, strerror(errno));
}

/*
 * A customer policy's Block approvals are evaluated when it loads: when
 * one starts or ends (its next_change), the policy is loaded and applied
 * again, kernel included, so an expired approval stops dropping.
 */
static bool approval_due(struct nfipsd *d)
{
	time_t next = 0;

	pthread_rwlock_rdlock(&d->pol_lock);
	if (d->policy && d->policy->file)
		next = d->policy->file->next_change;
	pthread_rwlock_unlock(&d->pol_lock);
	return next && time(NULL) >= next && !atomic_load(&d->reload_running);
}

/* A collector's health record also goes to the contacts. */
static void health_mail(void *arg, const struct nfips_notify_health *h)
{
	nfipsd_mail_health(arg, h);
}

static int run(struct nfipsd *d)
{
	struct nfipsd_state st = { .started = time(NULL) };
	uint64_t wd_usec = nfipsd_watchdog_usec();
	struct timespec tick = { 1, 0 }, last_wd = { 0 }, now;
	time_t last_state;
	sigset_t set;
	siginfo_t si;
	char err[512], status[128];
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	/* Before any thread exists: they inherit the mask. */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	d->eve = nfipsd_evelog_open(d->conf.eve_path, err, sizeof(err));
	if (!d->eve) {
		nfipsd_log(NFIPSD_ERR, "eve log: %s", err);
		return 1;
	}
	/* Numbers continue past what a collector already acknowledged. */
	nfipsd_evelog_sequence_at_least(d->eve, nfipsd_deliver_max_cursor(&d->conf));
	if (d->conf.sensor)
		snprintf(d->sensor, sizeof(d->sensor), "%s", d->conf.sensor);
	else if (gethostname(d->sensor, sizeof(d->sensor) - 1))
		d->sensor[0] = '\0';
	d->nworkers = d->conf.queue_count;
	d->policy = nfipsd_policy_load(&d->conf, d->nworkers, ++d->next_serial,
				       report_stderr, NULL);
	if (!d->policy) {
		nfipsd_log(NFIPSD_ERR, "no policy to run: not starting");
		return 1;
	}
	/* Its size holds until a restart; reloads keep what it remembers. */
	d->gmem = nfips_grade_memory_new(d->policy->file ?
					 d->policy->file->grading.hosts : 0);
	if (!d->gmem || nfipsd_policy_grader(d->policy, d->gmem)) {
		nfipsd_log(NFIPSD_ERR, "out of memory: not starting");
		return 1;
	}
	/* Before any thread: the customer's days (reports, daily aggregates). */
	nfipsd_reports_zone(d);
	/* The customer policy names the sensor, as replay --policy takes it. */
	if (!d->conf.sensor && d->policy->file && d->policy->file->sensor_id)
		snprintf(d->sensor, sizeof(d->sensor), "%s", d->policy->file->sensor_id);
	nfipsd_log(NFIPSD_NOTICE, "policy %" PRIu64 ": %u rules loaded, %u skipped, "
		   "%s mode, %" PRIu64 " bytes of engines", d->policy->serial,
		   d->policy->est.rules, d->policy->est.skipped + d->policy->est.duplicates,
		   d->policy->enforce ? "enforce" : "learn", d->policy->memory);

	/* The outage the previous run left, then this run is alive. */
	st.time = time(NULL);
	st.have_kernel = nfipsd_kernel_counters(&st.kpackets, &st.kabsent);
	nfipsd_outage_check(d->conf.state_path, &st);
	save_state(d, &st, false);
	last_state = time(NULL);

	/* Before any alert: the store gives each its incident. */
	nfipsd_store_start(d);
	/* Names of the stored alerts' addresses, from the store (not the packets). */
	nfipsd_rdns_start(d);
	if (d->policy->file)
		nfipsd_store_window(d, d->policy->file->incident_window);
	/* The contacts' mail: its threads wait for the store's commits. */
	if (nfipsd_mail_start(d)) {
		nfipsd_log(NFIPSD_ERR, "cannot start: stopping");
		return 1;
	}
	if (nfipsd_events_start(d) || start_workers(d) || nfipsd_kernel_register(d)) {
		nfipsd_log(NFIPSD_ERR, "cannot start: stopping");
		stop_workers(d);
		return 1;
	}
	write_pid(d->conf.pid_path);
	d->delivery = nfipsd_deliver_start(&d->conf, d->sensor);
	nfipsd_deliver_on_health(d->delivery, health_mail, d);
	nfipsd_log(NFIPSD_NOTICE, "queues %u..%u bound, eve log %s: running",
		   d->conf.queue_base, d->conf.queue_base + d->conf.queue_count - 1,
		   d->conf.eve_path);
	snprintf(status, sizeof(status), "READY=1\nSTATUS=policy %" PRIu64 ", queues %u..%u",
		 d->policy->serial, d->conf.queue_base,
		 d->conf.queue_base + d->conf.queue_count - 1);
	nfipsd_notify(status);

	for (;;) {
		/* While a reload runs, its end is noticed (state file) within 50 ms. */
		struct timespec fast = { 0, 50 * 1000 * 1000 };

		sig = sigtimedwait(&set, &si, atomic_load(&d->reload_running) ? &fast : &tick);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		if (sig == SIGHUP) {
			if (nfipsd_evelog_reopen(d->eve))
				nfipsd_log(NFIPSD_WARNING, "eve log: cannot reopen %s",
					   d->conf.eve_path);
			if (!nfipsd_reload_start(d))
				nfipsd_log(NFIPSD_WARNING, "reload: one is running; "
					   "signal again when it is done");
		} else if (sig == SIGUSR1) {
			log_stats(d);
		}
		nfipsd_reload_reap(d, false);
		if (approval_due(d) && nfipsd_reload_start(d)) {
			atomic_store(&d->reload_kernel, true);
			nfipsd_log(NFIPSD_NOTICE, "a Block approval starts or ends: "
				   "policy applied again");
		}
		nfipsd_deliver_check(d->delivery, d->eve, d->sensor);
		nfipsd_reports_check(d);
		/* A reload that ended is said at once (nfipsctl policy install waits). */
		if (time(NULL) - last_state >= (time_t)d->conf.state_interval ||
		    atomic_load(&d->reloads) != st.reloads) {
			save_state(d, &st, false);
			last_state = time(NULL);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (wd_usec && workers_alive(d, (int64_t)now.tv_sec) && (uint64_t)(now.tv_sec - last_wd.tv_sec) * 1000000 +
			       (uint64_t)(now.tv_nsec - last_wd.tv_nsec) / 1000 >= wd_usec / 2) {
			nfipsd_notify("WATCHDOG=1");
			last_wd = now;
		}
	}
	nfipsd_notify("STOPPING=1");
	nfipsd_log(NFIPSD_NOTICE, "stopping: draining the queues");
	nfipsd_reload_reap(d, true);
	stop_workers(d);
	atomic_store(&d->stopping, true);
	nfipsd_events_stop(d);
	/* After the last record is written: the senders take it if they can. */
	nfipsd_deliver_stop(d->delivery);
	d->delivery = NULL;
	/* What is queued stays queued: sent after the next start. */
	nfipsd_mail_stop(d);
	log_stats(d);
	nfipsd_reports_stop(d);
	nfipsd_rdns_stop(d);
	nfipsd_store_stop(d);
	save_state(d, &st, true);
	unlink(d->conf.pid_path);
	nfipsd_log(NFIPSD_NOTICE, "stopped cleanly");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NFIPSD_CONF;
	struct nfipsd d = { 0 };
	bool only_check = false;
	char err[512];
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "c:th", lopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 't':
			only_check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nfipsd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (only_check)
		return check(path);

	if (nfipsd_conf_load(&d.conf, path, err, sizeof(err))) {
		nfipsd_log(NFIPSD_ERR, "%s", err);
		nfipsd_conf_free(&d.conf);
		return 1;
	}
	pthread_rwlock_init(&d.pol_lock, NULL);
	pthread_mutex_init(&d.knl_lock, NULL);
	ret = run(&d);
	atomic_store(&d.stopping, true);
	nfipsd_events_stop(&d);
	nfipsd_mail_stop(&d);
	nfipsd_rdns_stop(&d);
	nfipsd_store_stop(&d);
	free(d.workers);
	nfipsd_policy_free(d.policy);
	nfips_grade_memory_free(d.gmem);
	nfipsd_evelog_close(d.eve);
	pthread_rwlock_destroy(&d.pol_lock);
	nfipsd_conf_free(&d.conf);
	return ret;
}
