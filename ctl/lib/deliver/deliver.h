/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Delivery to the SOC (Documentation/nfipsd.rst, "Collectors"): every
 * record of the spool reaches every configured collector, in sequence
 * order, at least once, across outages and restarts of either side.
 *
 *   syslog.c     the RFC 5424 message of a record (severity from grade)
 *   record.c     the fields of an EVE record the message needs (a scanner)
 *   spool_eve.c  the spool over the EVE log nfipsd writes
 *   cursor.c     the per-collector cursor file (atomic rewrite)
 *   relp.c       RELP through librelp (acknowledged)
 *   tls.c        syslog over TLS (RFC 5425) or plain TCP, octet-counted
 *   sender.c     one thread per collector: fetch, send, acknowledge,
 *                back off; never blocks the caller nor the others
 *   status.c     the per-collector status file nfipsctl status reads
 *
 * Guarantee and its window: a collector's cursor is the last sequence
 * number it acknowledged (RELP: the collector's "200 OK"; TLS and TCP,
 * which have no acknowledgment, the collector's TCP having received the
 * bytes). After any failure (connection refused or broken, timeout,
 * garbage from the collector, kill -9 of nfipsd) sending starts again
 * from the cursor: nothing after it is lost, and what the collector got
 * past the cursor comes again. Duplicates are therefore the records
 * between the cursor on disk and the failure (at most the RELP window,
 * or what one TCP send buffer holds, plus what was acknowledged since
 * the cursor was last written: at most 200 ms and 4 windows' worth),
 * recognisable by (sensor, sequence).
 */
#ifndef NFIPS_DELIVER_H
#define NFIPS_DELIVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/* ---- records -------------------------------------------------------- */

enum nfips_deliver_kind {
	NFIPS_DELIVER_ALERT,		/* MSGID ALERT: event_type "alert" */
	NFIPS_DELIVER_INCIDENT,		/* MSGID INCIDENT: "incident" */
	NFIPS_DELIVER_HEALTH,		/* MSGID HEALTH: anything else */
};

/*
 * One record of the spool, as stored: @eve is the EVE JSON object
 * without its '\n', sent unchanged as the message. The other fields
 * come from it (nfips_deliver_record_parse()).
 */
struct nfips_deliver_rec {
	uint64_t sequence;		/* nfips.sequence: per sensor, from 1 */
	enum nfips_deliver_kind kind;
	int64_t sec;			/* "timestamp", UTC */
	uint32_t usec;
	uint32_t sid;			/* alert.signature_id, 0: none */
	char grade[16];			/* nfips.grade, "": not graded */
	int alert_severity;		/* alert.severity, 0: none */
	char sensor[256];		/* "host", else nfips.sensor, "": none */
	const char *eve;
	size_t len;
};

/*
 * Fills @r from the EVE object @eve (@len bytes, no '\n'): 0, or -1
 * with the reason in @err when it is not an nfips record (not JSON, no
 * nfips.sequence).
 */
int nfips_deliver_record_parse(struct nfips_deliver_rec *r, const char *eve,
			       size_t len, char *err, size_t errlen);

/* ---- the RFC 5424 message (syslog.c) -------------------------------- */

/*
 * The structured data element's SD-ID: "nfips@32473". 32473 is the
 * example Private Enterprise Number of RFC 5612 (for documentation):
 * a deployment that registered its own PEN replaces it here, and the
 * collector configuration (Documentation/collector/) matches on it.
 */
#define NFIPS_SD_ID		"nfips@32473"

/*
 * Syslog severity (RFC 5424 section 6.2.1) of a grade: emergency 1
 * (alert: act now; 0 "system unusable" describes the sender, not an
 * attack), high 2 (critical), medium 4 (warning), low 5 (notice),
 * ignore 6 (informational). Not graded: from alert.severity (Suricata's
 * priority) 1 -> 2, 2 -> 4, 3 -> 5, else 6. Health records: 4.
 */
int nfips_deliver_severity(const struct nfips_deliver_rec *r);

/* "kern".."local7" -> 0..23, -1: not a facility name. */
int nfips_deliver_facility(const char *name);

/*
 * Appends the RFC 5424 message of @r to @b (no framing, no '\n'):
 *
 *   <PRI>1 TIMESTAMP HOSTNAME nfipsd - MSGID
 *     [nfips@32473 sensor="..." sequence="N" grade="..." sid="N"] EVE
 *
 * TIMESTAMP is the record's, HOSTNAME the sensor (or @hostname when the
 * record names none), MSG the EVE record byte for byte.
 */
void nfips_deliver_format(struct nfips_sbuf *b, const struct nfips_deliver_rec *r,
			  int facility, const char *hostname);

/* ---- the spool ------------------------------------------------------ */

/*
 * Where the sender reads what to deliver. The store (issue 12,
 * ctl/lib/store/) implements it over its alerts and incident updates;
 * until then nfips_spool_eve_open() implements it over the EVE log.
 * One spool object per sender thread: its functions are called from
 * that thread only.
 */
struct nfips_spool;

struct nfips_spool_batch {
	struct nfips_deliver_rec *recs;
	size_t n, cap;
	struct nfips_sbuf text;		/* the records' EVE text */
};

struct nfips_spool_ops {
	/*
	 * Replaces @out's content with up to @max records whose sequence is
	 * greater than @after, in sequence order: the records stored after
	 * it, none skipped (a number the spool never stored, e.g. a record
	 * a crash cut, is simply absent). 0 (none: @out->n == 0), or
	 * -errno with the reason in @err.
	 */
	int (*fetch)(struct nfips_spool *s, uint64_t after, size_t max,
		     struct nfips_spool_batch *out, char *err, size_t errlen);
	/* The last sequence stored (0: none) and when it was, for the backlog. */
	int (*last)(struct nfips_spool *s, uint64_t *seq);
	void (*close)(struct nfips_spool *s);
};

struct nfips_spool {
	const struct nfips_spool_ops *ops;
};

void nfips_spool_batch_free(struct nfips_spool_batch *b);

/*
 * The EVE log @path (and @path.1, logrotate's previous file) as a spool:
 * the records nfipsd's EVE log numbered (nfips.sequence, in file order).
 * Replaced by the store's spool when the store lands.
 */
struct nfips_spool *nfips_spool_eve_open(const char *path, char *err, size_t errlen);

/* ---- cursor (cursor.c) ---------------------------------------------- */

/* 0 and the cursor (0 when the file does not exist), or -errno. */
int nfips_cursor_read(const char *path, uint64_t *seq);
/* Temporary file, fsync, rename, fsync of the directory: 0 or -errno. */
int nfips_cursor_write(const char *path, uint64_t seq);

/* ---- collectors ----------------------------------------------------- */

enum nfips_transport {
	NFIPS_TRANSPORT_RELP,
	NFIPS_TRANSPORT_TLS,
	NFIPS_TRANSPORT_TCP,
};

struct nfips_collector_cfg {
	char *name;			/* [A-Za-z0-9_.-]: names the state files */
	enum nfips_transport transport;
	char *host;
	uint16_t port;
	char *ca;			/* TLS: CA file the server's certificate chains to */
	char *cert, *key;		/* TLS: optional client certificate */
	char *server_name;		/* TLS: name verified, NULL: host */
	int facility;			/* default 21 (local5, as Suricata) */
	uint32_t timeout;		/* seconds without progress = failure */
	uint32_t window;		/* RELP: frames unacknowledged at most */
	uint32_t batch;			/* records fetched at once */
	uint32_t retry_min_ms, retry_max_ms;	/* backoff bounds */
};

/* A connection to one collector (relp.c, tls.c). */
struct nfips_transport_conn;

/* ---- the sender (sender.c) ------------------------------------------ */

struct nfips_sender;

/* What a sender reports (status.c writes it for nfipsctl status). */
struct nfips_sender_status {
	char name[64];
	char transport[8];
	char peer[300];			/* host:port */
	bool connected;
	uint64_t cursor;		/* last sequence acknowledged */
	uint64_t last_seq;		/* last stored */
	uint64_t backlog;		/* records not acknowledged */
	int64_t oldest;			/* time of the oldest of them, 0: none */
	int64_t last_success;		/* last acknowledgment, 0: never */
	int64_t last_error_time;
	char last_error[512];
	uint64_t sent, acked, failures;
	int64_t updated;		/* when this was written */
};

/*
 * Starts @cfg's thread: it reads @spool (the sender owns it from now
 * on), keeps its cursor in DIR/NAME.cursor and its status in
 * DIR/NAME.status (@state_dir, created if missing). @hostname names
 * the sensor in messages whose record has none. NULL with @err on a
 * bad configuration; a collector that cannot be reached is not an
 * error here, the thread keeps trying.
 */
struct nfips_sender *nfips_sender_start(const struct nfips_collector_cfg *cfg,
					struct nfips_spool *spool,
					const char *state_dir, const char *hostname,
					char *err, size_t errlen);
/* The sender's status now (thread-safe). */
void nfips_sender_status(struct nfips_sender *s, struct nfips_sender_status *st);
/* Tells the thread to stop (several senders stop together). */
void nfips_sender_request_stop(struct nfips_sender *s);
/*
 * Stops the thread, writes the status, frees. A thread held by a hung
 * collector past two seconds is left to the process's exit (its cursor
 * on disk is one the collector acknowledged).
 */
void nfips_sender_stop(struct nfips_sender *s);

/* ---- status files (status.c) ---------------------------------------- */

int nfips_status_write(const char *path, const struct nfips_sender_status *st);
int nfips_status_read(const char *path, struct nfips_sender_status *st);

#endif /* NFIPS_DELIVER_H */
