/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfipsd: the slow path. Packets the kernel queues over NFQUEUE get an
 * exact verdict from the same pipeline nfipsctl replay runs; the alerts
 * and the kernel's events go into one EVE log. One file per concern:
 *
 *   main.c     arguments, signals, start and stop, the periodic work
 *   config.c   /etc/nfips/nfipsd.conf (libconfig), every error file:line
 *   policy.c   rules, variables, mode, classification -> one engine per
 *              queue; the memory budget
 *   queue.c    one worker thread per NFQUEUE queue: receive, pipeline,
 *              batched verdicts, the engine switch at a packet boundary
 *   reject.c   TCP resets and ICMP unreachables to the sender (raw sockets)
 *   events.c   the kernel's events group -> EVE records, path "kernel"
 *   evelog.c   the EVE log: O_APPEND, one write() per record
 *   reload.c   SIGHUP: the next policy built beside the running one
 *   state.c    the state file and the outage record
 *   notify.c   systemd's NOTIFY_SOCKET protocol
 *   deliver.c  one sender per SOC collector over the EVE log (lib/deliver)
 *   kernel.c   what the daemon asks of nfips.ko (registration, budget)
 *   store.c    alerts into the store (incident ids, the writer thread,
 *              the store's own emergency alert when its disk is full)
 *   reports.c  daily and monthly reports into reports.dir
 *   rdns.c     reverse DNS of the stored alerts' addresses (lib/rdns)
 */
#ifndef NFIPSD_H
#define NFIPSD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "deliver/deliver.h"
#include "detect/engine.h"
#include "kernel/nl.h"
#include "notify/notify.h"
#include "net/net.h"
#include "pipeline/pipeline.h"
#include "policy/policy.h"
#include "rdns/rdns.h"
#include "rules/rule.h"
#include "report/report.h"
#include "store/store.h"

#define NFIPSD_CONF		"/etc/nfips/nfipsd.conf"
#define NFIPSD_EVE		"/var/log/nfips/eve.json"
#define NFIPSD_STATE		"/var/lib/nfips/nfipsd.state"
/* nfipsctl policy apply signals the daemon named here to reload. */
#define NFIPSD_PIDFILE		"/run/nfipsd.pid"
#define NFIPSD_CLASSIFICATION	NFIPS_CLASSIFICATION_DEFAULT
#define NFIPSD_MAX_QUEUES	64
#define NFIPSD_MAX_RULE_FILES	64
#define NFIPSD_CONF_MAX_BYTES	(1u << 20)

/* ---- logging (stderr: the journal under systemd) -------------------- */

/* Syslog priorities as sd-daemon(3) prefixes: "<3>..." */
#define NFIPSD_ERR	3
#define NFIPSD_WARNING	4
#define NFIPSD_NOTICE	5
#define NFIPSD_INFO	6

void nfipsd_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- configuration (config.c) --------------------------------------- */

struct nfipsd_var {
	char *name, *value;
};

/*
 * The policy part: what nfipsd_policy_load() turns into engines: the
 * customer policy file, or (tests, labs) rules, variables and mode
 * given in nfipsd.conf itself.
 */
struct nfipsd_policy_conf {
	char *policy_file;		/* "policy": the customer policy file */
	char *rules[NFIPSD_MAX_RULE_FILES];
	size_t nrules;
	struct nfipsd_var *vars;
	size_t nvars;
	bool enforce;			/* mode = "enforce" */
	char *classification;		/* NULL: NFIPSD_CLASSIFICATION if readable */
};

struct nfipsd_conf {
	char *path;			/* the file read */
	uint16_t queue_base, queue_count;
	uint32_t queue_maxlen;
	uint32_t rcvbuf;		/* netlink receive buffer, 0: kernel default */
	uint32_t batch;			/* packets per batched verdict */
	char *eve_path, *state_path, *pid_path, *sensor;
	enum nfips_eve_payload eve_payload;	/* log.payload */
	uint32_t state_interval;	/* seconds */
	uint64_t memory_budget;		/* bytes, 0: none */
	struct nfips_flowtab_cfg flows;
	uint32_t stop_timeout;		/* seconds to drain the queues at stop */
	uint32_t alert_max;		/* packet_alert_max; 0: the default */
	/* the alert store (Documentation/store.rst) */
	char *store_path;
	uint32_t store_retention;	/* days */
	uint32_t store_queue;		/* alerts waiting for the writer */
	bool store_off;
	/* reverse DNS of the stored alerts (Documentation/nfipsd.rst) */
	bool rdns_off;
	struct nfips_rdns_cfg rdns;	/* store_path set at start */
	/* reports (Documentation/report.rst); report_dir NULL: none written */
	char *report_dir;
	unsigned report_formats;	/* 1 << enum nfips_report_format */
	enum nfips_report_lang report_lang;
	uint32_t report_hour;		/* local hour from which yesterday's is due */
	bool report_daily, report_monthly;
	struct nfipsd_policy_conf pol;
	struct nfips_collector_cfg *collectors;	/* "collectors" */
	size_t ncollectors;
	char *deliver_dir;		/* cursors and status files */
	uint32_t backlog_alarm;		/* seconds, 0: no health record */
	/* mail to the contacts (Documentation/notify.rst); url NULL: none */
	struct nfipsd_mail_conf {
		char *url, *ca, *user, *password, *from, *from_name, *templates;
		enum nfips_smtp_tls tls;
		uint32_t timeout;		/* seconds */
		uint32_t retry_min, retry_max;	/* ms */
	} mail;
};

/*
 * Reads @path into @c (defaults for what is absent). Errors are
 * "FILE:LINE: message" in @err; every key not known is one.
 */
int nfipsd_conf_load(struct nfipsd_conf *c, const char *path, char *err,
		     size_t errlen);
void nfipsd_conf_free(struct nfipsd_conf *c);

/* ---- policy (policy.c) ---------------------------------------------- */

/* A sid's description for kernel events. */
struct nfipsd_sigref {
	uint32_t gid, sid;
	const struct nfips_rule *rule;
};

struct nfipsd_policy {
	uint64_t serial;
	bool enforce;
	/*
	 * The customer policy file when nfipsd.conf names one: it owns the
	 * rules and the classification table then (borrowed below), and its
	 * suppressions, stream settings and next_change apply.
	 */
	struct nfips_policy *file;
	struct nfips_rule **rules;
	size_t nrules;
	struct nfips_classes classes;
	struct nfips_engine **engines;	/* one per queue */
	size_t nengines;
	struct nfipsd_sigref *sigs;	/* sorted by gid, sid */
	size_t nsigs;
	uint64_t memory;		/* what the budget counts */
	struct nfips_engine_stats est;
	unsigned long rule_errors;
	/* Grades both paths' alerts (NULL: not graded; nfipsd_policy_grader). */
	struct nfips_grader *grader;
};

/*
 * The one function that reads the policy (the customer policy file, or
 * nfipsd.conf's rules, vars, mode and classification)
 * and builds @nengines engines from it. 0, or -1 with every problem
 * logged through @report (file:line each) and nothing left allocated.
 */
typedef void (*nfipsd_report_fn)(void *arg, const char *msg);
struct nfipsd_policy *nfipsd_policy_load(const struct nfipsd_conf *c,
					 size_t nengines, uint64_t serial,
					 nfipsd_report_fn report, void *arg);
void nfipsd_policy_free(struct nfipsd_policy *p);
/*
 * Gives @p its grader (its policy file's grading, or the default table),
 * recording attacks into @mem, the daemon's one recent-attack table that
 * outlives reloads. 0, or -1 out of memory.
 */
int nfipsd_policy_grader(struct nfipsd_policy *p, struct nfips_grade_memory *mem);
const struct nfips_rule *nfipsd_policy_sig(const struct nfipsd_policy *p,
					   uint32_t gid, uint32_t sid);
const char *nfipsd_policy_category(const struct nfipsd_policy *p,
				   const struct nfips_rule *r);

/* ---- EVE log (evelog.c) --------------------------------------------- */

struct nfipsd_evelog;

/* Opens (creating the directory's last level if needed) for appending. */
struct nfipsd_evelog *nfipsd_evelog_open(const char *path, char *err,
					 size_t errlen);
/*
 * Appends one record (a complete line) with a single write(): a crash
 * loses at most this record. Thread-safe (one writer at a time). An
 * alert record gets the sensor's next sequence number in place of the
 * one it carries (nfips.sequence: in file order, continued across
 * restarts from the log's last record).
 * *@seq (may be NULL): the number the record was given, 0 if it was not
 * written whole or carries no nfips.sequence. The store keeps that number
 * with the alert, so `nfipsctl alerts` and the SOC's (sensor, sequence)
 * key name the same record.
 * 0, or -errno (the record is counted as lost).
 */
int nfipsd_evelog_write(struct nfipsd_evelog *l, const char *rec, size_t len,
			uint64_t *seq);
/*
 * The next record's number is above @seq: a collector's cursor says
 * records up to it were delivered, and a log deleted or rotated away
 * while nfipsd was down must not start the numbers again below it.
 */
void nfipsd_evelog_sequence_at_least(struct nfipsd_evelog *l, uint64_t seq);
/* Opens the path again (after logrotate moved the file). */
int nfipsd_evelog_reopen(struct nfipsd_evelog *l);
uint64_t nfipsd_evelog_written(struct nfipsd_evelog *l);
uint64_t nfipsd_evelog_lost(struct nfipsd_evelog *l);
void nfipsd_evelog_close(struct nfipsd_evelog *l);

/* ---- the daemon ----------------------------------------------------- */

struct nfipsd;

struct nfipsd_qstats {
	_Atomic uint64_t packets, bytes, accepted, dropped, rejected, alerts;
	_Atomic uint64_t enobufs, malformed, verdict_errors, uninspected;
	_Atomic uint64_t over_budget;
};

struct nfipsd_worker {
	struct nfipsd *d;
	uint16_t qnum;
	size_t index;
	pthread_t thread;
	bool started;
	struct mnl_socket *nl;
	unsigned int portid;
	int wakefd;			/* eventfd: stop, reload */
	int rawfd4, rawfd6, icmpfd4, icmpfd6;	/* rejects */
	struct nfips_pipeline *pipe;
	uint64_t pkt_no;
	uint64_t dropped_flow;		/* id of the last flow told to drop */
	/* reload: the engine to switch to, taken at a packet boundary */
	_Atomic(struct nfipsd_policy *) next;
	_Atomic uint64_t serial;	/* of the engine in use */
	const struct nfipsd_policy *pol;	/* in use (worker's view) */
	struct nfipsd_qstats st;
	char *buf;			/* nvec receive buffers of buflen */
	size_t buflen;
	struct mmsghdr *msgs;		/* recvmmsg()'s, one per buffer */
	struct iovec *iov;
	uint32_t nvec;
	void *pctx;			/* queue.c's per-packet context */
	bool inc_new;			/* the alert being made opened an incident */
	/* batched accept verdicts */
	uint32_t batch_id;
	uint32_t nbatch;
	/* stop */
	_Atomic bool bound;
	_Atomic int64_t beat;		/* CLOCK_MONOTONIC s of the last loop */
};

struct nfipsd {
	struct nfipsd_conf conf;
	struct nfipsd_evelog *eve;
	struct nfipsd_worker *workers;
	size_t nworkers;
	/* the running policy: workers switch, events read it under lock */
	pthread_rwlock_t pol_lock;
	struct nfipsd_policy *policy;
	uint64_t next_serial;
	/* recent attacks for grading, shared by every policy (grade.h) */
	struct nfips_grade_memory *gmem;
	_Atomic bool stopping;		/* workers: drain, then leave */
	_Atomic bool draining;
	/* kernel events */
	pthread_t events_thread;
	bool events_started;
	_Atomic uint64_t kernel_events, kernel_lost;
	/* reload */
	pthread_t reload_thread;
	_Atomic bool reload_running;
	_Atomic uint64_t reloads, reloads_refused;	/* ended; refused */
	bool reload_joinable;
	char sensor[256];
	/*
	 * nfips.ko (kernel.c): the registered daemon socket; every request
	 * on it under knl_lock (workers send flow verdicts on it).
	 */
	pthread_mutex_t knl_lock;
	struct nfips_nl *knl;		/* NULL: not registered */
	_Atomic bool kregistered;	/* knl is set: workers look without the lock */
	bool overload_said;		/* last overload state told */
	_Atomic uint64_t flow_bypass, flow_drop, flow_verdict_errors;
	_Atomic bool reload_kernel;	/* the next reload also applies to nfips.ko */
	/* store.c: NULL when there is none (off, or it could not open) */
	struct nfips_store *store;
	struct nfips_store_writer *writer;
	_Atomic uint64_t store_internal_seq;
	_Atomic uint64_t store_absent;	/* alerts while the store could not open */
	struct nfips_rdns *rdns;	/* rdns.c: NULL when off */
	struct nfipsd_delivery *delivery;	/* NULL: no collectors */
	/* reports.c: the report being written */
	pthread_t report_thread;
	_Atomic bool report_running;
	bool report_joinable;
	time_t report_retry;		/* a failed one: not before */
	/* mail.c: NULL without mail (or the store) */
	_Atomic(struct nfips_notifier *) notifier;
};

/* queue.c */
int nfipsd_worker_start(struct nfipsd_worker *w);
void nfipsd_worker_wake(struct nfipsd_worker *w);
void nfipsd_worker_join(struct nfipsd_worker *w);
/* /proc/net/netfilter/nfnetlink_queue: packets waiting for a verdict. */
int nfipsd_queue_total(uint16_t qnum, uint64_t *total);

/* reject.c */
int nfipsd_reject_open(struct nfipsd_worker *w);
void nfipsd_reject_close(struct nfipsd_worker *w);
void nfipsd_reject(struct nfipsd_worker *w, const uint8_t *pkt, size_t len);

/* events.c */
int nfipsd_events_start(struct nfipsd *d);
void nfipsd_events_stop(struct nfipsd *d);
/*
 * One kernel event as an EVE record into @b (tests use it); its grade
 * (UNSET: @pol has no grader).
 */
struct nfips_sbuf;
enum nfips_grade nfipsd_event_record(struct nfips_sbuf *b,
				     const struct nfips_nl_event *ev,
				     const struct nfipsd_policy *pol,
				     const char *sensor, uint64_t sequence);

/* reload.c */
/* Starts a reload unless one is running; false when one was. */
bool nfipsd_reload_start(struct nfipsd *d);
void nfipsd_reload_reap(struct nfipsd *d, bool wait);
/* Hands @p to every worker and waits until each switched; frees the old. */
void nfipsd_policy_install(struct nfipsd *d, struct nfipsd_policy *p);

/* state.c */
struct nfipsd_state {
	bool clean;			/* the run that wrote it stopped cleanly */
	int64_t time;			/* when it was written */
	int64_t started;
	uint64_t kpackets, kabsent;	/* the kernel's counters then */
	bool have_kernel;
	int64_t policy_serial;		/* the running policy file's */
	uint64_t reloads, reloads_refused;	/* ended, and of them refused */
};
int nfipsd_state_write(const char *path, const struct nfipsd_state *s);
int nfipsd_state_read(const char *path, struct nfipsd_state *s);
/* Start: logs the outage the previous run left, if it ended uncleanly. */
void nfipsd_outage_check(const char *path, struct nfipsd_state *now);
/* Kernel counters now (false: module absent). */
bool nfipsd_kernel_counters(uint64_t *packets, uint64_t *absent);

/* reports.c */
/* The process's zone from customer.timezone: at start, before any thread. */
void nfipsd_reports_zone(struct nfipsd *d);
/*
 * Whether the @kind report is due at @now (local time) under @c: its
 * period (yesterday, last month) into @o; due from reports.hour while its
 * first format's file (text, json, html, pdf: the first configured) is not
 * in reports.dir.
 */
bool nfipsd_report_due(const struct nfipsd_conf *c, time_t now, enum nfips_report_kind kind,
		       struct nfips_report_opts *o);
/* Each tick: reaps the report thread, starts one for a report due. */
void nfipsd_reports_check(struct nfipsd *d);
void nfipsd_reports_stop(struct nfipsd *d);
/*
 * A report's files are written (@f: their paths): logged; the hook where
 * mailing them to the policy's contacts goes.
 */
void nfipsd_reports_written(struct nfipsd *d, const struct nfips_report_opts *o,
			    const struct nfips_report_files *f);

/* store.c */
/* Opens the store and starts its writer; without one nfipsd runs on. */
void nfipsd_store_start(struct nfipsd *d);
void nfipsd_store_stop(struct nfipsd *d);
/* The policy's incidents.window (seconds) for alerts from now on. */
void nfipsd_store_window(struct nfipsd *d, uint32_t seconds);
/* Before the record is written: its incident id; true: a new incident. */
bool nfipsd_store_annotate(struct nfipsd *d, struct nfips_eve_alert *a);
/*
 * After the record is written: a copy of the alert (the payload with a
 * new incident's) queued, with @sequence, the number the EVE log gave
 * the record (nfipsd_evelog_write), so the store and the SOC's collectors
 * key an alert alike. An alert stored without a log line (the record
 * could not be made or written) has sequence 0, which `nfipsctl alerts
 * --json` shows as null.
 */
void nfipsd_store_alert(struct nfipsd *d, const struct nfips_eve_alert *a,
			bool is_new, const uint8_t *payload, size_t len,
			uint64_t sequence);
/*
 * nfipsd_store_alert in two steps, for a caller whose alert's strings
 * must not be used past a lock it wants to let go before the log write:
 * the copy (false: no store, nothing to submit), then its submission.
 */
bool nfipsd_store_copy(struct nfipsd *d, struct nfips_store_alert *s,
		       const struct nfips_eve_alert *a, bool is_new,
		       const uint8_t *payload, size_t len);
void nfipsd_store_submit(struct nfipsd *d, struct nfips_store_alert *s,
			 uint64_t sequence);
void nfipsd_store_log_stats(struct nfipsd *d);
/* rdns.c: the resolver of the stored alerts' addresses, once the store runs */
void nfipsd_rdns_start(struct nfipsd *d);
void nfipsd_rdns_stop(struct nfipsd *d);
void nfipsd_rdns_log_stats(struct nfipsd *d);
/* deliver.c: one sender per collector, reading the EVE log. */
struct nfipsd_delivery;
struct nfipsd_delivery *nfipsd_deliver_start(const struct nfipsd_conf *c,
					     const char *sensor);
/* The highest cursor of the configured collectors (0: none). */
uint64_t nfipsd_deliver_max_cursor(const struct nfipsd_conf *c);
/* Each second: a health record for a backlog older than backlog_alarm. */
void nfipsd_deliver_check(struct nfipsd_delivery *dl, struct nfipsd_evelog *eve,
			  const char *sensor);
void nfipsd_deliver_stop(struct nfipsd_delivery *dl);
/* Each health record raised is also handed to @fn (the contacts' mail). */
void nfipsd_deliver_on_health(struct nfipsd_delivery *dl,
			      void (*fn)(void *arg, const struct nfips_notify_health *h),
			      void *arg);

/* mail.c: the contacts' mail (lib/notify) over the store's mail queue */
/* 0 started or not configured; -1 configured but cannot run (logged). */
int nfipsd_mail_start(struct nfipsd *d);
void nfipsd_mail_stop(struct nfipsd *d);
/* The store committed alerts: the notifier looks. Never waits. */
void nfipsd_mail_kick(struct nfipsd *d);
/* deliver.c's health record, also mailed to the contacts. */
void nfipsd_mail_health(struct nfipsd *d, const struct nfips_notify_health *h);
/* --check: the templates the configuration names load. 0 or -1 (@err). */
int nfipsd_mail_check(const struct nfipsd_conf *c, char *err, size_t errlen);

/* notify.c */
void nfipsd_notify(const char *msg);
/* Microseconds between WATCHDOG=1, 0: no watchdog. */
uint64_t nfipsd_watchdog_usec(void);

/* kernel.c: what nfips.ko's registration/flow-verdict API will provide */
int nfipsd_kernel_register(struct nfipsd *d);
void nfipsd_kernel_unregister(struct nfipsd *d);
/* After a packet: the flow's verdict to the kernel when one is due. */
void nfipsd_kernel_flow(struct nfipsd_worker *w, const struct nfips_pipeline_result *res,
			uint64_t now, uint32_t ct_id);
/* The policy file's next approval change is due: re-apply it (kernel). */
int nfipsd_kernel_apply(struct nfipsd *d, const struct nfipsd_policy *p);
bool nfipsd_budget_admit(struct nfipsd_worker *w);

#endif /* NFIPSD_H */
