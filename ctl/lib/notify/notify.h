/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mail to the customer's contacts (Documentation/notify.rst): incidents
 * graded at or above the policy's notify.grade, follow-ups, the daily
 * digest and the sensor's health, rendered from the shipped templates
 * in the contact's language and sent over SMTP through the store's mail
 * queue. One concern per file:
 *
 *   tz.c        the customer's local time from its TZif file, without
 *               touching the process's $TZ
 *   template.c  the template files: sections, placeholders, checked at load
 *   render.c    a mail: the template filled, RFC 5322 headers (RFC 2047
 *               subject and names, Date, Message-ID), the MIME body
 *   smtp.c      one SMTP transaction through libcurl
 *   notifier.c  the two threads: deciding what to mail (into the queue)
 *               and sending what is due (with retries)
 */
#ifndef NFIPS_NOTIFY_H
#define NFIPS_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdatomic.h>
#include <time.h>

#include "store/store.h"
#include "util/util.h"

#define NFIPS_NOTIFY_TEMPLATES	"/usr/share/nfips/notify"

/* ---- time zones (tz.c) ---------------------------------------------- */

struct nfips_tz;

/* /usr/share/zoneinfo/@name. NULL with @err. */
struct nfips_tz *nfips_tz_load(const char *name, char *err, size_t errlen);
void nfips_tz_free(struct nfips_tz *z);
const char *nfips_tz_name(const struct nfips_tz *z);
/* Seconds east of UTC at @t (seconds since the epoch); its abbreviation. */
int32_t nfips_tz_offset(const struct nfips_tz *z, int64_t t, const char **abbr);
/* @t as the zone's broken-down time (tm_gmtoff set). */
void nfips_tz_local(const struct nfips_tz *z, int64_t t, struct tm *tm,
		    int32_t *utoff, const char **abbr);
/* "2026-12-07 09:15:02 JST (UTC+09:00, Asia/Tokyo)" */
void nfips_tz_format(const struct nfips_tz *z, int64_t t, char *out, size_t len);

/* ---- templates (template.c) ----------------------------------------- */

/* What a template may name, as {name}. */
enum nfips_notify_var {
	NV_INCIDENT, NV_GRADE, NV_PREVIOUS_GRADE, NV_SIGNATURE, NV_GID, NV_SID,
	NV_TARGET, NV_SRC, NV_SPORT, NV_DST, NV_DPORT, NV_PROTO, NV_FIRST_SEEN,
	NV_LAST_SEEN, NV_NOW, NV_ACTION, NV_COUNT, NV_BLOCKED, NV_ALLOWED,
	NV_REASON, NV_STATE, NV_SENSOR, NV_CUSTOMER, NV_CONTACT, NV_KIND, NV_NEXT,
	NV_EVERY, NV_COLLECTOR, NV_PEER, NV_BACKLOG, NV_OLDEST_AGE, NV_LAST_ERROR,
	NV_DAY, NV_INCIDENTS, NV_N,
	NV_COUNT_OF_VARS,
};

/* The sections every template file has (Documentation/notify.rst). */
enum nfips_notify_sect {
	NS_SUBJECT_INCIDENT, NS_SUBJECT_ESCALATION, NS_SUBJECT_FOLLOWUP, NS_BODY,
	NS_KIND_INCIDENT, NS_KIND_ESCALATION, NS_KIND_FOLLOWUP,
	NS_ACTION_BLOCKED, NS_ACTION_ALLOWED, NS_ACTION_MIXED,
	NS_NEXT_BLOCKED, NS_NEXT_ALLOWED, NS_NEXT_MIXED,
	NS_GRADE_EMERGENCY, NS_GRADE_HIGH, NS_GRADE_MEDIUM, NS_GRADE_LOW,
	NS_GRADE_IGNORE,
	NS_DIGEST_SUBJECT, NS_DIGEST_BODY, NS_DIGEST_LINE,
	NS_HEALTH_SUBJECT_LATE, NS_HEALTH_SUBJECT_CAUGHT_UP, NS_HEALTH_BODY_LATE,
	NS_HEALTH_BODY_CAUGHT_UP, NS_SUMMARY_SUBJECT, NS_SUMMARY_BODY,
	NS_COUNT_OF_SECTS,
};

struct nfips_templates;

/*
 * DIR/LANG.txt: every section present, every {name} known, UTF-8; else
 * NULL with "FILE:LINE: why" in @err.
 */
struct nfips_templates *nfips_templates_load(const char *dir, const char *lang,
					     char *err, size_t errlen);
void nfips_templates_free(struct nfips_templates *t);
const char *nfips_templates_lang(const struct nfips_templates *t);
/* Section @s with {name} replaced by @vals[name] (NULL: empty) onto @out. */
void nfips_template_fill(const struct nfips_templates *t, enum nfips_notify_sect s,
			 const char *const vals[NV_COUNT_OF_VARS], struct nfips_sbuf *out);
/* The section's text as written (grade names, action words). */
const char *nfips_template_text(const struct nfips_templates *t, enum nfips_notify_sect s);

/* ---- rendering (render.c) ------------------------------------------- */

/* What the notifier copies of the policy (under the daemon's lock). */
struct nfips_notify_contact {
	char name[129];
	char email[255];
	char lang[4];			/* "en", "ja" */
};

struct nfips_notify_policy {
	char customer[257];
	char sensor[257];		/* the sensor id (or the host name) */
	char timezone[65];
	struct nfips_notify_contact contacts[3];
	size_t ncontacts;
	int grade;			/* store grade: mailed at once from this */
	uint32_t every;			/* minutes between follow-ups */
	bool digest;
	uint32_t digest_hour;		/* local hour of the digest */
	uint32_t window;		/* incidents.window, seconds */
	uint32_t max_per_hour;		/* incidents mailed one by one an hour */
	unsigned reports;		/* NFIPS_NOTIFY_REPORT_* mailed */
};

struct nfips_policy;
/* The notification part of a loaded customer policy. */
void nfips_notify_policy_from(struct nfips_notify_policy *np,
			      const struct nfips_policy *p, const char *sensor);

/* A rendered mail. */
struct nfips_rendered {
	struct nfips_sbuf subject;	/* UTF-8, as the contact reads it */
	struct nfips_sbuf message;	/* RFC 5322, CRLF lines */
};

void nfips_rendered_free(struct nfips_rendered *r);

/* A file attached to a mail (a report): its name, MIME type and bytes. */
struct nfips_mail_attach {
	const char *name;		/* ASCII file name */
	const char *type;		/* "text/html; charset=UTF-8" */
	const char *data;
	size_t len;
};

/* Envelope and header parts common to a mail's recipients. */
struct nfips_mail_head {
	const char *from;		/* address */
	const char *from_name;		/* display name, may be UTF-8 */
	const char *to_name;		/* the contact's name */
	const char *to;			/* the contact's address */
	const char *domain;		/* Message-ID's right side */
	const char *msgid_left;		/* unique per mail */
	int64_t date;			/* seconds since the epoch */
	const struct nfips_tz *tz;	/* Date's offset */
	/* X-Nfips-* headers: tooling can sort the mails */
	uint64_t incident;
	const char *sensor;
	const char *grade;		/* NULL: none */
	const char *kind;		/* incident, follow-up, digest, ...: X-Nfips-Kind */
	/* NULL: the body alone; else multipart/mixed, the body then this */
	const struct nfips_mail_attach *att;
};

/*
 * Builds the message: headers (Date, From, To, Subject RFC 2047 encoded
 * when not plain ASCII, Message-ID, MIME), then @body: 7bit when it is
 * ASCII, else base64 of the UTF-8; with h->att, multipart/mixed of the
 * body and the attachment (base64). 0, or -1 out of memory.
 */
int nfips_mail_build(const struct nfips_mail_head *h, const char *subject,
		     const char *body, struct nfips_sbuf *out);

/* RFC 2047 "B" encoded-words of UTF-8 @s (never splits a character). */
void nfips_rfc2047(const char *s, struct nfips_sbuf *out);

/* An incident mail's variables: @inc, in @tz, for @kind. */
struct nfips_incident_mail {
	const struct nfips_store_incident_row *inc;
	int kind;			/* enum nfips_mail_kind */
	int previous_grade;		/* escalation: the grade mailed before */
	uint32_t every;
	const char *sensor, *customer, *contact;
	int64_t now;			/* seconds */
};

int nfips_render_incident(const struct nfips_templates *t, const struct nfips_tz *tz,
			  const struct nfips_incident_mail *m, struct nfips_sbuf *subject,
			  struct nfips_sbuf *body);

/* The health of the sensor's delivery to a collector. */
struct nfips_notify_health {
	char collector[64];
	char peer[300];
	uint64_t backlog;
	int64_t oldest_age;		/* seconds */
	char last_error[256];
	bool late;			/* false: caught up */
	int64_t when;			/* seconds */
};

int nfips_render_health(const struct nfips_templates *t, const struct nfips_tz *tz,
			const struct nfips_notify_health *h, const char *sensor,
			const char *customer, const char *contact,
			struct nfips_sbuf *subject, struct nfips_sbuf *body);

/* The daily digest: @n incidents of the lower grades. */
int nfips_render_digest(const struct nfips_templates *t, const struct nfips_tz *tz,
			const struct nfips_store_incident_row *const *inc, size_t n,
			int64_t day_start, const char *sensor, const char *customer,
			const char *contact, struct nfips_sbuf *subject,
			struct nfips_sbuf *body);

/*
 * Beyond notify.max_per_hour: @n incidents (@total in all) not mailed one
 * by one. {grade} is the notify grade, {n} @total, {every} the cap.
 */
int nfips_render_summary(const struct nfips_templates *t, const struct nfips_tz *tz,
			 const struct nfips_store_incident_row *const *inc, size_t n,
			 size_t total, int grade, uint32_t cap, int64_t now,
			 const char *sensor, const char *customer, const char *contact,
			 struct nfips_sbuf *subject, struct nfips_sbuf *body);

/* ---- reports by mail (report_mail.c) -------------------------------- */

struct nfips_report_opts;

/* What the report mails say about their sender. */
struct nfips_report_mail_cfg {
	const char *from, *from_name;	/* from_name NULL: "nfips SENSOR" */
	int64_t now;			/* usec: Date, Message-ID, created */
};

/*
 * The report of @o (built from @ro) mailed to each contact of @p in the
 * contact's language, if @p's notify.reports asks for its kind: the text
 * report as the body, the HTML report attached; queued in @rw's mail
 * queue in one transaction (sent and retried by the notifier). The
 * number queued (0: not asked, or no contacts), or -1 with @err.
 */
int nfips_report_mail(struct nfips_store *ro, struct nfips_store *rw,
		      const struct nfips_notify_policy *p, const struct nfips_report_opts *o,
		      const struct nfips_report_mail_cfg *c, char *err, size_t errlen);

/* ---- SMTP (smtp.c) --------------------------------------------------- */

enum nfips_smtp_tls {
	NFIPS_SMTP_TLS_REQUIRED,	/* STARTTLS or smtps://, else fail */
	NFIPS_SMTP_TLS_OPPORTUNISTIC,	/* STARTTLS when the relay offers it */
	NFIPS_SMTP_TLS_OFF,		/* plain text (a local relay) */
};

struct nfips_smtp_cfg {
	const char *url;		/* smtp://host:port or smtps://host:port */
	enum nfips_smtp_tls tls;
	const char *ca;			/* CA file, NULL: the system's */
	const char *user, *password;	/* NULL: no authentication */
	const char *from;		/* envelope sender */
	uint32_t timeout;		/* seconds for the whole transaction */
	/* Set (by another thread): the transaction is abandoned (stop). */
	const _Atomic bool *cancel;
};

struct nfips_smtp_result {
	bool ok;
	bool permanent;			/* 5xx: retrying will not help */
	long code;			/* the relay's last reply, 0: none */
	char text[256];			/* what to record */
};

/* Process-wide libcurl set-up, before any thread sends. 0 or -1. */
int nfips_smtp_global_init(void);
void nfips_smtp_send(const struct nfips_smtp_cfg *c, const char *rcpt,
		     const char *message, struct nfips_smtp_result *r);

/* ---- the notifier (notifier.c) -------------------------------------- */

struct nfips_notifier_cfg {
	const char *store_path;
	struct nfips_smtp_cfg smtp;
	const char *from_name;		/* NULL: "nfips SENSOR" */
	const char *templates;		/* directory, NULL: NFIPS_NOTIFY_TEMPLATES */
	uint32_t retry_min_ms, retry_max_ms;	/* 0: 1000, 300000 */
	uint32_t scan_ms;		/* longest wait between looks: 0: 500 */
	/* The policy now (false: none loaded). Called from the notifier. */
	bool (*policy)(void *arg, struct nfips_notify_policy *p);
	/* Log lines (priority as syslog's). */
	void (*log)(void *arg, int prio, const char *msg);
	void *arg;
	/* Tests and the bench: the time, seconds since the epoch (NULL: real). */
	int64_t (*clock)(void *arg);
};

struct nfips_notifier;

/* Opens its store connections, loads the templates, starts. NULL: @err. */
struct nfips_notifier *nfips_notifier_start(const struct nfips_notifier_cfg *c,
					    char *err, size_t errlen);
/* Alerts were committed: look now. Never waits. */
void nfips_notifier_kick(struct nfips_notifier *n);
/* A collector is late (or caught up): a mail to the contacts. Never waits. */
void nfips_notifier_health(struct nfips_notifier *n, const struct nfips_notify_health *h);
void nfips_notifier_stop(struct nfips_notifier *n);

#endif /* NFIPS_NOTIFY_H */
