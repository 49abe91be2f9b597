/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The alert store (Documentation/store.rst): every alert and incident
 * update in one SQLite database in WAL mode under /var/lib/nfips/, kept
 * 92 days (hourly aggregates 13 months), answering nfipsctl's queries.
 * One concern per file:
 *
 *   schema.c     open, create, migrate; corrupt files moved aside,
 *                schemas from a future version refused
 *   ingest.c     one transaction per batch of alerts; the writer thread
 *                fed by a bounded queue that never blocks its producers;
 *                disk full: stop, count, retry, resume
 *   incidents.c  folding alerts into incidents (in memory, for the EVE
 *                record's id) and their rows (count, grade, ack, close)
 *   retention.c  hourly and daily aggregates, removal of old days in
 *                small steps
 *   query.c      alerts, counts and incidents for nfipsctl
 *   blocks.c     blocks and unblocks: who, why, when, until
 *   names.c      reverse DNS of the alerts' addresses, as nfipsd looked
 *                it up (never at report time)
 *
 * Times are microseconds since the epoch (UTC). Addresses are 16 bytes,
 * IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d), so that a CIDR is a range.
 */
#ifndef NFIPS_STORE_H
#define NFIPS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NFIPS_STORE_PATH	"/var/lib/nfips/alerts.db"
/* The schema this code writes (PRAGMA user_version). */
#define NFIPS_STORE_VERSION	8
#define NFIPS_STORE_RETENTION_DAYS	92
#define NFIPS_STORE_AGG_DAYS	397	/* 13 months */
#define NFIPS_STORE_DAYS_KEEP	1830	/* daily aggregates: 5 years */
#define NFIPS_STORE_IFACE	16	/* IFNAMSIZ */
#define NFIPS_STORE_WINDOW_USEC	(3600ull * 1000000)
#define NFIPS_STORE_INCIDENT_KEYS (1u << 20)
#define NFIPS_STORE_SAMPLE	128	/* payload bytes kept per incident */
#define NFIPS_STORE_MSG		120	/* signature bytes carried per alert */
#define NFIPS_STORE_REASON	160	/* grade reason bytes carried per alert */

/* nfipsd's own alerts (Documentation/store.rst): gid 9000. */
#define NFIPS_GID_INTERNAL	9000
#define NFIPS_SID_STORE_FULL	1	/* the store stopped: disk full */
#define NFIPS_SID_STORE_RESUMED	2	/* the store writes again */

/* Grades, ordered: a higher value is a higher grade. */
enum nfips_store_grade {
	NFIPS_SGRADE_UNSET = -1,		/* not graded (stored as NULL) */
	NFIPS_SGRADE_IGNORE = 0,
	NFIPS_SGRADE_LOW,
	NFIPS_SGRADE_MEDIUM,
	NFIPS_SGRADE_HIGH,
	NFIPS_SGRADE_EMERGENCY,
};

/* "high" -> NFIPS_SGRADE_HIGH; NULL -> UNSET; unknown -> -2. */
int nfips_store_grade_parse(const char *s);
/* NULL for UNSET. */
const char *nfips_store_grade_name(int g);

/* 4- or 16-byte address (@family 4 or 6) into the store's 16 bytes. */
void nfips_store_addr(uint8_t out[16], uint8_t family, const uint8_t *addr);
/* The store's 16 bytes as text: dotted quad for IPv4-mapped. */
void nfips_store_addr_str(char *out, size_t len, const uint8_t a[16]);
/* "10.0.0.0/8", "2001:db8::/32", "10.1.2.3": the range [lo, hi]. 0 or -1. */
int nfips_store_cidr(const char *s, uint8_t lo[16], uint8_t hi[16]);

/* One alert as the store keeps it (a fixed size: queue entries own it). */
struct nfips_store_alert {
	int64_t ts;			/* usec */
	uint64_t sequence;		/* nfips.sequence of the EVE record */
	uint64_t incident;		/* 0: none */
	uint32_t gid, sid, rev;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint8_t proto;
	bool blocked;
	int8_t grade;			/* enum nfips_store_grade */
	bool incident_new;		/* the first alert of its incident */
	char iface[NFIPS_STORE_IFACE];	/* interface it came in on, "" unknown */
	uint32_t discarded;		/* its packet's alerts past packet-alert-max */
	uint16_t sample_len;		/* payload bytes in @sample */
	char msg[NFIPS_STORE_MSG];	/* '\0'-ended, may be cut */
	/* the grade's reason ('\0'-ended, may be cut): the incident keeps
	 * the one of its highest grade, which its mail quotes */
	char reason[NFIPS_STORE_REASON];
	uint8_t sample[NFIPS_STORE_SAMPLE];
};

typedef int64_t (*nfips_store_clock_fn)(void *arg);

struct nfips_store_opts {
	const char *path;		/* NULL: NFIPS_STORE_PATH */
	bool readonly;			/* queries only (nfipsctl) */
	/* A write needs no incident tracker (nfipsctl incident ack). */
	bool no_tracker;
	/*
	 * Another connection of this process already checked the file
	 * (nfipsd's report, mail and reverse DNS threads): no header check
	 * (its close() would drop the process's locks on the file) nor
	 * quick_check at open.
	 */
	bool trusted;
	uint32_t retention_days;	/* 0: NFIPS_STORE_RETENTION_DAYS */
	uint32_t agg_days;		/* 0: NFIPS_STORE_AGG_DAYS */
	uint32_t days_keep;		/* daily aggregates; 0: NFIPS_STORE_DAYS_KEEP */
	uint64_t window_usec;		/* incidents; 0: one hour */
	/* incident keys held in memory; 0: NFIPS_STORE_INCIDENT_KEYS */
	uint32_t incident_keys;
	uint32_t busy_ms;		/* 0: 5000 */
	bool sync_normal;		/* synchronous=NORMAL (tests, bench) */
	uint32_t cache_mb;		/* SQLite page cache; 0: 64 */
	/* The time retention and incidents go by; NULL: the real clock. */
	nfips_store_clock_fn clock;
	void *clock_arg;
};

struct nfips_store;

/*
 * Opens (creates) the store. A file SQLite cannot read as a database,
 * or whose integrity check fails, is renamed PATH.corrupt-YYYYmmddTHHMMSS
 * (with its -wal) and reported in @err: a writer then starts a new store
 * (and says so in @err, *moved set), a reader fails. A schema newer than
 * NFIPS_STORE_VERSION is refused. NULL on failure, @err says why.
 */
struct nfips_store *nfips_store_open(const struct nfips_store_opts *o,
				     char *err, size_t errlen, bool *moved);
void nfips_store_close(struct nfips_store *s);
/*
 * The writer found the store corrupt: moves it aside (as at open) and
 * starts a new one in its place; incidents and their ids carry on. 0 done
 * (@msg names the file aside), -1 not (@msg says why; retry later).
 */
int nfips_store_fresh(struct nfips_store *s, char *msg, size_t len);
int64_t nfips_store_now(const struct nfips_store *s);
const char *nfips_store_path(const struct nfips_store *s);

/*
 * Stores @n alerts and their incident updates in one transaction
 * (ingest.c). 0 once committed; -ENOSPC (disk full), -EIO otherwise,
 * nothing stored then. Called from one thread at a time.
 */
int nfips_store_put(struct nfips_store *s, const struct nfips_store_alert *a,
		    size_t n);

/* ---- the writer thread (ingest.c) ----------------------------------- */

enum nfips_store_event {
	/* writing stopped (disk full, busy, I/O error, corrupt): retried */
	NFIPS_STORE_FULL,
	NFIPS_STORE_RESUMED,		/* writing again */
	NFIPS_STORE_FAILED,		/* another error; the batch is lost */
	NFIPS_STORE_MOVED,		/* corrupt: moved aside, a new one */
};

struct nfips_store_writer_cfg {
	uint32_t queue;			/* entries; 0: 65536 */
	uint32_t batch;			/* most alerts per transaction; 0: 32768 */
	uint32_t flush_ms;		/* longest wait for a batch; 0: 200 */
	uint32_t retry_ms;		/* writing stopped: retry every; 0: 1000 */
	/* From the writer thread: the daemon logs and raises its alert. */
	void (*on_event)(void *arg, enum nfips_store_event ev, uint64_t unstored,
			 const char *why);
	void *arg;
	/* After each commit, the last alert's sequence (crash tests). */
	void (*on_commit)(void *arg, const struct nfips_store_alert *last, size_t n);
};

struct nfips_store_stats {
	uint64_t submitted;		/* handed to the queue */
	uint64_t stored;		/* committed */
	uint64_t unstored;		/* queue full, or lost with a failed batch */
	uint64_t batches;
	uint64_t retention_removed;	/* raw alerts removed by age */
	bool full;			/* writing stopped for space now */
};

struct nfips_store_writer;

/* Takes over @s (closed by nfips_store_writer_stop). NULL: @err. */
struct nfips_store_writer *nfips_store_writer_start(struct nfips_store *s,
						    const struct nfips_store_writer_cfg *c,
						    char *err, size_t errlen);
/*
 * Queues a copy of @a; never waits. false: the queue is full, the alert
 * is counted unstored.
 */
bool nfips_store_submit(struct nfips_store_writer *w,
			const struct nfips_store_alert *a);
void nfips_store_writer_stats(struct nfips_store_writer *w,
			      struct nfips_store_stats *st);
/*
 * Stores what is queued (unless the disk is full: counted unstored),
 * stops, closes the store; the last counters into @st (may be NULL).
 */
void nfips_store_writer_stop(struct nfips_store_writer *w,
			     struct nfips_store_stats *st);

/* ---- incidents (incidents.c) ---------------------------------------- */

/*
 * The incident of an alert of @gid:@sid from @src to @dst at @ts: the
 * current one of that triple if its last alert is at most the window
 * before @ts, else a new one (*is_new). Memory only, thread-safe, never
 * touches the disk: the packet path calls it. 0 if the store has no
 * tracker.
 */
uint64_t nfips_store_incident(struct nfips_store *s, uint32_t gid, uint32_t sid,
			      const uint8_t src[16], const uint8_t dst[16],
			      int64_t ts, bool *is_new);

enum nfips_incident_state {
	NFIPS_INCIDENT_OPEN,
	NFIPS_INCIDENT_ACKED,
	NFIPS_INCIDENT_CLOSED,
};

const char *nfips_incident_state_name(int st);

/* The window from now on (a policy reload). */
void nfips_store_set_window(struct nfips_store *s, uint64_t usec);

/* ack or close @id with a note, by someone. 0, or -1 with @err. */
int nfips_store_incident_set(struct nfips_store *s, uint64_t id,
			     enum nfips_incident_state st, const char *note,
			     const char *by, char *err, size_t errlen);

/* ---- retention (retention.c) ---------------------------------------- */

/*
 * One bounded step of upkeep: rolls up completed hours into the
 * aggregates, removes at most @rows raw alerts older than the retention
 * (oldest day first) and aggregates older than theirs. 1: more to do,
 * 0: done, -1: error. The writer runs it between batches.
 */
int nfips_store_retention_step(struct nfips_store *s, unsigned rows);

/* ---- queries (query.c) ---------------------------------------------- */

struct nfips_store_filter {
	int64_t since, until;		/* usec, [since, until); 0: open */
	bool has_sid;
	uint32_t sid;
	int grade;			/* -2: any; NFIPS_SGRADE_UNSET: unset */
	bool has_src, has_dst;
	uint8_t src_lo[16], src_hi[16], dst_lo[16], dst_hi[16];
	int action;			/* -1: any, 0: allowed, 1: blocked */
	uint64_t limit;			/* 0: all */
	bool open_only;			/* incidents: not closed */
};

void nfips_store_filter_init(struct nfips_store_filter *f);

/* A stored alert (query results). */
struct nfips_store_row {
	uint64_t id;
	struct nfips_store_alert a;
	const char *msg;		/* the signature (full) */
};

/* Newest first. The callback returns non-zero to stop. 0, or -1 + @err. */
int nfips_store_alerts(struct nfips_store *s, const struct nfips_store_filter *f,
		       int (*fn)(void *arg, const struct nfips_store_row *r),
		       void *arg, char *err, size_t errlen);

enum nfips_count_by {
	NFIPS_BY_SID, NFIPS_BY_SRC, NFIPS_BY_DST, NFIPS_BY_GRADE,
	NFIPS_BY_HOUR, NFIPS_BY_DAY,
};

int nfips_count_by_parse(const char *s);

/*
 * Counts the alerts @f selects, by @by. The key given to @fn: the sid,
 * grade (as int64), address (@addr), or the bucket's start (usec) in
 * local time (or UTC when @utc) for hour and day, in time order; the
 * others by count, highest first.
 */
struct nfips_store_count {
	int64_t key;
	uint8_t addr[16];
	uint64_t n;
};

int nfips_store_count(struct nfips_store *s, const struct nfips_store_filter *f,
		      enum nfips_count_by by, bool utc,
		      int (*fn)(void *arg, const struct nfips_store_count *c),
		      void *arg, char *err, size_t errlen);

struct nfips_store_incident_row {
	uint64_t id;
	uint32_t gid, sid;
	uint8_t src[16], dst[16];
	int64_t first_seen, last_seen;
	uint64_t count, blocked, allowed;
	int grade;
	int state;
	uint64_t reopened;
	const char *note, *by;		/* NULL: none */
	int64_t changed;		/* when acked or closed, 0: never */
	const char *msg;
	const uint8_t *sample;
	size_t sample_len;
	/* schema 5: the first alert's ports and protocol, the highest
	 * grade's reason (NULL: none or an older store) */
	uint16_t sport, dport;
	uint8_t proto;
	const char *reason;
};

/* Most recently seen first; @f: since/until on last_seen, sid, src, dst,
 * grade (the highest), open_only, limit. */
int nfips_store_incidents(struct nfips_store *s, const struct nfips_store_filter *f,
			  int (*fn)(void *arg, const struct nfips_store_incident_row *r),
			  void *arg, char *err, size_t errlen);

/* One incident by id: 0 found (@fn called), 1 no such incident, -1 @err. */
int nfips_store_incident_get(struct nfips_store *s, uint64_t id,
			     int (*fn)(void *arg, const struct nfips_store_incident_row *r),
			     void *arg, char *err, size_t errlen);

/* ---- the mail queue (mail.c, Documentation/notify.rst) -------------- */

enum nfips_mail_kind {
	NFIPS_MAIL_INCIDENT,		/* the first mail of an incident */
	NFIPS_MAIL_ESCALATION,		/* its grade went up */
	NFIPS_MAIL_FOLLOWUP,		/* it keeps firing (at most every N min) */
	NFIPS_MAIL_DIGEST,		/* the daily digest of lower grades */
	NFIPS_MAIL_HEALTH,		/* the sensor itself (a late collector) */
	NFIPS_MAIL_SUMMARY,		/* incidents beyond notify.max_per_hour */
	NFIPS_MAIL_REPORT,		/* a daily or monthly report (notify.reports) */
};

enum nfips_mail_state {
	NFIPS_MAIL_PENDING,		/* waiting for its (next) attempt */
	NFIPS_MAIL_SENT,		/* the relay accepted it */
	NFIPS_MAIL_FAILED,		/* refused for good (5xx): not retried */
};

const char *nfips_mail_kind_name(int kind);
const char *nfips_mail_state_name(int state);

/* One queued mail (the strings point into the query's row). */
struct nfips_mail {
	uint64_t id;
	uint64_t incident;		/* 0: digest, health */
	int kind;			/* enum nfips_mail_kind */
	int grade;			/* the incident's when queued (store grade) */
	uint64_t count;			/* the incident's count when queued */
	const char *rcpt;		/* the contact's address */
	const char *lang;		/* "en", "ja" */
	const char *subject;		/* as the contact reads it (UTF-8) */
	const char *message;		/* the whole RFC 5322 message, CRLF */
	int state;			/* enum nfips_mail_state */
	int64_t created, next_try, done;	/* usec; done: sent or failed */
	uint32_t attempts;
	const char *last_error;		/* NULL: none */
};

/*
 * Queues @n mails (an incident's, one per contact) in one transaction:
 * all or none, durable once it returns 0 (as alerts: synchronous=FULL).
 * -1 with @err.
 */
int nfips_mail_queue(struct nfips_store *s, const struct nfips_mail *m, size_t n,
		     char *err, size_t errlen);
/*
 * Records one attempt of mail @id at @ts and its outcome in one
 * transaction: @ok sent; else @permanent failed for good, or pending
 * again from @next_try. -1 with @err.
 */
int nfips_mail_attempt(struct nfips_store *s, uint64_t id, int64_t ts, bool ok,
		       bool permanent, const char *outcome, int64_t next_try,
		       char *err, size_t errlen);
/* Pending mails due at @now, oldest first, at most @limit. 0 or -1. */
int nfips_mail_due(struct nfips_store *s, int64_t now, unsigned limit,
		   int (*fn)(void *arg, const struct nfips_mail *m), void *arg,
		   char *err, size_t errlen);
/* The mails of @incident (0: those of none: digests, health), oldest first. */
int nfips_mail_list(struct nfips_store *s, uint64_t incident,
		    int (*fn)(void *arg, const struct nfips_mail *m), void *arg,
		    char *err, size_t errlen);

struct nfips_mail_attempt_row {
	int64_t ts;
	bool ok;
	const char *outcome;
};

int nfips_mail_attempts(struct nfips_store *s, uint64_t mail,
			int (*fn)(void *arg, const struct nfips_mail_attempt_row *a),
			void *arg, char *err, size_t errlen);

/* What nfipsctl status shows of the queue. */
struct nfips_mail_summary {
	uint64_t pending, sent, failed;
	int64_t oldest_pending;		/* created, usec; 0: none pending */
	int64_t last_success;		/* usec; 0: never */
	int64_t last_error_ts;		/* usec; 0: never */
	char last_error[256];
};

int nfips_mail_summary(struct nfips_store *s, struct nfips_mail_summary *sum,
		       char *err, size_t errlen);

/*
 * What the incident's mails so far say (the notifier's memory, in the
 * store so that it survives restarts): the highest grade mailed, when the
 * last was queued and the count it gave. 0 none yet, 1 some, -1 error.
 */
struct nfips_mail_mark {
	int grade;
	int64_t last;
	uint64_t count;
};

int nfips_mail_mark(struct nfips_store *s, uint64_t incident,
		    struct nfips_mail_mark *mk);
/*
 * Incidents given their first mail since @since (usec), and when the last
 * mail of @kind was queued (0: never). -1 on error.
 */
int64_t nfips_mail_incidents_since(struct nfips_store *s, int64_t since);
int64_t nfips_mail_last_of_kind(struct nfips_store *s, int kind);
/* The meta key @key (the digest's last day); 0 found, 1 absent, -1. */
int nfips_store_meta_read(struct nfips_store *s, const char *key, int64_t *v);
int nfips_store_meta_write(struct nfips_store *s, const char *key, int64_t v);
/* ---- blocks (blocks.c) --------------------------------------------- */

/*
 * A block or unblock an operator made (nfipsctl block, unblock): the
 * kernel keeps address, prefix and expiry; this is the record of it.
 */
struct nfips_store_block {
	uint64_t id;
	int64_t ts;			/* when, usec */
	bool unblock;			/* an unblock (else a block) */
	const char *addr;		/* "192.0.2.7", "10.0.0.0/8", "2001:db8::/32" */
	int64_t until;			/* usec when it expires; 0 until removed */
	const char *reason, *by;	/* NULL: none */
};

/* Records @b (its id set). 0, or -1 with @err (a bad address too). */
int nfips_store_block_put(struct nfips_store *s, struct nfips_store_block *b,
			  char *err, size_t errlen);

struct nfips_store_block_filter {
	int64_t since, until;		/* usec, ts in [since, until); 0: open */
	const char *addr;		/* this block's records only; NULL: all */
	bool newest_first;
	uint64_t limit;			/* 0: all */
};

/*
 * The records @f selects, oldest first unless @f->newest_first. A store
 * of a schema before blocks has none. The callback returns non-zero to
 * stop. 0, or -1 with @err.
 */
int nfips_store_blocks(struct nfips_store *s,
		       const struct nfips_store_block_filter *f,
		       int (*fn)(void *arg, const struct nfips_store_block *b),
		       void *arg, char *err, size_t errlen);

/* ---- host names (names.c) ------------------------------------------ */

/* What a reverse lookup of an address gave (names.status). */
enum nfips_name_status {
	NFIPS_NAME_OK,			/* PTR name, which resolves back to it */
	NFIPS_NAME_UNCONFIRMED,		/* PTR name that does not resolve back */
	NFIPS_NAME_NONE,		/* no PTR record (NXDOMAIN, no data) */
	NFIPS_NAME_FAILED,		/* no answer in time, server failure */
};

#define NFIPS_STORE_NAME	256	/* a DNS name, '\0'-ended */

struct nfips_store_name {
	uint8_t addr[16];
	int64_t ts;			/* first looked up with this result, usec */
	int64_t checked;		/* last looked up with it, usec */
	int status;			/* enum nfips_name_status */
	char name[NFIPS_STORE_NAME];	/* "" unless OK or UNCONFIRMED */
};

/* "confirmed", "unconfirmed", "none", "failed". */
const char *nfips_name_status_name(int status);

/*
 * Records @n lookups made at @now (usec) in one transaction, with the
 * meta key @key set to @value (the resolver's place in the alerts; NULL:
 * none). An address's result equal to its last one moves that row's
 * checked time; another result is a new row, except that a failed lookup
 * never stands over a name or a "none" already known. 0, or -1 with @err.
 */
int nfips_store_names_put(struct nfips_store *s, const struct nfips_store_name *n,
			  size_t count, int64_t now, const char *key, int64_t value,
			  char *err, size_t errlen);
/*
 * The name @addr had at @at (usec; 0: now): its last result looked up
 * before @at, else the first after it (the name as stored). A store
 * before schema 8 has none. 0 found (@out), 1 none, -1 error.
 */
int nfips_store_name_get(struct nfips_store *s, const uint8_t addr[16], int64_t at,
			 struct nfips_store_name *out);
/* Every address's last result checked at or after @since, for a cache. */
int nfips_store_names_since(struct nfips_store *s, int64_t since,
			    int (*fn)(void *arg, const struct nfips_store_name *n),
			    void *arg);
/*
 * The alerts committed after id @after (at most @limit, in id order):
 * their source and destination to @fn, *@last the last id read (kept
 * when none). 0 or -1.
 */
int nfips_store_alert_addrs(struct nfips_store *s, uint64_t after, unsigned limit,
			    int (*fn)(void *arg, const uint8_t src[16], const uint8_t dst[16]),
			    void *arg, uint64_t *last);
/* The first alert id at or after @ts (usec); past the last one: max + 1. */
uint64_t nfips_store_alert_id_at(struct nfips_store *s, int64_t ts);

/* ---- tuning (sigs.c) ------------------------------------------------ */

/* One signature's alerts in a period. */
struct nfips_store_sig_stat {
	uint32_t gid, sid;
	uint64_t n;			/* alerts */
	uint64_t srcs, dsts;		/* distinct sources, targets */
	uint64_t hours;			/* distinct UTC hours with an alert */
	int min_grade, max_grade;	/* of the graded ones; UNSET: none */
	uint64_t high;			/* graded high or emergency */
	uint64_t blocked;
	const char *msg;		/* NULL: not recorded */
};

/* Every signature with alerts in [@since, @until) (0: open), most first. */
int nfips_store_sig_stats(struct nfips_store *s, int64_t since, int64_t until,
			  int (*fn)(void *arg, const struct nfips_store_sig_stat *r),
			  void *arg, char *err, size_t errlen);
/* The targets of @gid:@sid in the period and their alerts, most first. */
int nfips_store_sig_targets(struct nfips_store *s, int64_t since, int64_t until,
			    uint32_t gid, uint32_t sid,
			    int (*fn)(void *arg, const uint8_t dst[16], uint64_t n),
			    void *arg, char *err, size_t errlen);
/*
 * The signatures the customer marked legitimate traffic: those with
 * incidents ever closed with a note starting "false positive" (any
 * case), and how many such incidents.
 */
int nfips_store_false_positives(struct nfips_store *s,
				int (*fn)(void *arg, uint32_t gid, uint32_t sid,
					  uint64_t incidents),
				void *arg, char *err, size_t errlen);

#endif /* NFIPS_STORE_H */
