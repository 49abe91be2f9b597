// SPDX-License-Identifier: GPL-2.0
/*
 * The outgoing mail queue (Documentation/notify.rst): mails to the
 * contacts wait here, each with every attempt and its outcome, so that
 * an SMTP outage delays mail but never loses it and a restart neither
 * forgets a mail nor sends one twice. Same durability as the alerts (WAL,
 * synchronous=FULL): a queued mail is on disk once nfips_mail_queue()
 * returns, and an attempt's outcome once nfips_mail_attempt() does.
 *
 * The notifier and the sender each use a connection of their own; the
 * transactions here are a few rows, so the alert writer waits for them
 * at most that long (and they for it: busy_ms).
 */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static const char *const kind_names[] = {
	"incident", "escalation", "follow-up", "digest", "health", "summary", "report",
};
static const char *const state_names[] = { "pending", "sent", "failed" };

const char *nfips_mail_kind_name(int kind)
{
	return kind >= 0 && kind < (int)(sizeof(kind_names) / sizeof(kind_names[0])) ?
	       kind_names[kind] : "?";
}

const char *nfips_mail_state_name(int state)
{
	return state >= 0 && state < (int)(sizeof(state_names) / sizeof(state_names[0])) ?
	       state_names[state] : "?";
}

static int fail(struct nfips_store *s, sqlite3_stmt *st, char *err, size_t errlen)
{
	if (err)
		snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return -1;
}

static int need_v5(struct nfips_store *s, char *err, size_t errlen)
{
	if (s->version >= 5)
		return 0;
	snprintf(err, errlen, "%s: schema version %lld has no mail queue (nfipsd "
		 "migrates the store when it starts)", s->path, (long long)s->version);
	return -1;
}

int nfips_mail_queue(struct nfips_store *s, const struct nfips_mail *m, size_t n,
		     char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	size_t i;

	if (need_v5(s, err, errlen))
		return -1;
	if (nfips_store_exec(s, "BEGIN IMMEDIATE", err, errlen))
		return -1;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO mails(incident, kind, grade, count,"
			       " rcpt, lang, subject, message, created, next_try)"
			       " VALUES(?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, (int64_t)m[i].incident);
		sqlite3_bind_int(st, 2, m[i].kind);
		if (m[i].grade >= 0)
			sqlite3_bind_int(st, 3, m[i].grade);
		else
			sqlite3_bind_null(st, 3);
		sqlite3_bind_int64(st, 4, (int64_t)m[i].count);
		sqlite3_bind_text(st, 5, m[i].rcpt, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, m[i].lang, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, m[i].subject, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, m[i].message, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 9, m[i].created);
		sqlite3_bind_int64(st, 10, m[i].next_try ? m[i].next_try : m[i].created);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (nfips_store_exec(s, "COMMIT", err, errlen))
		goto rollback;
	return 0;
fail:
	fail(s, st, err, errlen);
rollback:
	nfips_store_exec(s, "ROLLBACK", NULL, 0);
	return -1;
}

int nfips_mail_attempt(struct nfips_store *s, uint64_t id, int64_t ts, bool ok,
		       bool permanent, const char *outcome, int64_t next_try,
		       char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int state = ok ? NFIPS_MAIL_SENT : permanent ? NFIPS_MAIL_FAILED : NFIPS_MAIL_PENDING;

	if (need_v5(s, err, errlen))
		return -1;
	if (nfips_store_exec(s, "BEGIN IMMEDIATE", err, errlen))
		return -1;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO mail_attempts VALUES(?,?,?,?)", -1,
			       &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, (int64_t)id);
	sqlite3_bind_int64(st, 2, ts);
	sqlite3_bind_int(st, 3, ok);
	sqlite3_bind_text(st, 4, outcome, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(s->db, "UPDATE mails SET state = ?2, attempts = attempts + 1,"
			       " next_try = ?3, done = CASE WHEN ?2 != 0 THEN ?4 END,"
			       " last_error = CASE WHEN ?5 THEN last_error ELSE ?6 END"
			       " WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, (int64_t)id);
	sqlite3_bind_int(st, 2, state);
	sqlite3_bind_int64(st, 3, ok || permanent ? ts : next_try);
	sqlite3_bind_int64(st, 4, ts);
	sqlite3_bind_int(st, 5, ok);
	sqlite3_bind_text(st, 6, outcome, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	if (nfips_store_exec(s, "COMMIT", err, errlen))
		goto rollback;
	return 0;
fail:
	fail(s, st, err, errlen);
rollback:
	nfips_store_exec(s, "ROLLBACK", NULL, 0);
	return -1;
}

#define MAIL_COLS "id, incident, kind, grade, count, rcpt, lang, subject, message," \
		  " state, created, next_try, done, attempts, last_error"

static void read_mail(sqlite3_stmt *st, struct nfips_mail *m)
{
	memset(m, 0, sizeof(*m));
	m->id = (uint64_t)sqlite3_column_int64(st, 0);
	m->incident = (uint64_t)sqlite3_column_int64(st, 1);
	m->kind = sqlite3_column_int(st, 2);
	m->grade = sqlite3_column_type(st, 3) == SQLITE_NULL ? NFIPS_SGRADE_UNSET :
		   sqlite3_column_int(st, 3);
	m->count = (uint64_t)sqlite3_column_int64(st, 4);
	m->rcpt = (const char *)sqlite3_column_text(st, 5);
	m->lang = (const char *)sqlite3_column_text(st, 6);
	m->subject = (const char *)sqlite3_column_text(st, 7);
	m->message = (const char *)sqlite3_column_text(st, 8);
	m->state = sqlite3_column_int(st, 9);
	m->created = sqlite3_column_int64(st, 10);
	m->next_try = sqlite3_column_int64(st, 11);
	m->done = sqlite3_column_int64(st, 12);
	m->attempts = (uint32_t)sqlite3_column_int64(st, 13);
	m->last_error = (const char *)sqlite3_column_text(st, 14);
	if (!m->lang)
		m->lang = "";
	if (!m->subject)
		m->subject = "";
}

static int each_mail(struct nfips_store *s, sqlite3_stmt *st,
		     int (*fn)(void *arg, const struct nfips_mail *m), void *arg,
		     char *err, size_t errlen)
{
	struct nfips_mail m;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_mail(st, &m);
		if (fn(arg, &m))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, st, err, errlen);
	sqlite3_finalize(st);
	return 0;
}

int nfips_mail_due(struct nfips_store *s, int64_t now, unsigned limit,
		   int (*fn)(void *arg, const struct nfips_mail *m), void *arg,
		   char *err, size_t errlen)
{
	sqlite3_stmt *st;

	if (need_v5(s, err, errlen))
		return -1;
	if (sqlite3_prepare_v2(s->db, "SELECT " MAIL_COLS " FROM mails WHERE state = 0"
			       " AND next_try <= ? ORDER BY next_try, id LIMIT ?", -1, &st,
			       NULL) != SQLITE_OK)
		return fail(s, NULL, err, errlen);
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, limit);
	return each_mail(s, st, fn, arg, err, errlen);
}

int nfips_mail_list(struct nfips_store *s, uint64_t incident,
		    int (*fn)(void *arg, const struct nfips_mail *m), void *arg,
		    char *err, size_t errlen)
{
	sqlite3_stmt *st;

	if (s->version < 5)
		return 0;	/* an older store: no mail yet */
	if (sqlite3_prepare_v2(s->db, "SELECT " MAIL_COLS " FROM mails WHERE incident = ?"
			       " ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return fail(s, NULL, err, errlen);
	sqlite3_bind_int64(st, 1, (int64_t)incident);
	return each_mail(s, st, fn, arg, err, errlen);
}

int nfips_mail_attempts(struct nfips_store *s, uint64_t mail,
			int (*fn)(void *arg, const struct nfips_mail_attempt_row *a),
			void *arg, char *err, size_t errlen)
{
	struct nfips_mail_attempt_row a;
	sqlite3_stmt *st;
	int rc;

	if (s->version < 5)
		return 0;
	if (sqlite3_prepare_v2(s->db, "SELECT ts, ok, outcome FROM mail_attempts"
			       " WHERE mail = ? ORDER BY rowid", -1, &st, NULL) != SQLITE_OK)
		return fail(s, NULL, err, errlen);
	sqlite3_bind_int64(st, 1, (int64_t)mail);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a.ts = sqlite3_column_int64(st, 0);
		a.ok = sqlite3_column_int(st, 1);
		a.outcome = (const char *)sqlite3_column_text(st, 2);
		if (!a.outcome)
			a.outcome = "";
		if (fn(arg, &a))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, st, err, errlen);
	sqlite3_finalize(st);
	return 0;
}

int nfips_mail_summary(struct nfips_store *s, struct nfips_mail_summary *sum,
		       char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	memset(sum, 0, sizeof(*sum));
	if (s->version < 5)
		return 0;
	if (sqlite3_prepare_v2(s->db, "SELECT"
			       " (SELECT count(*) FROM mails WHERE state = 0),"
			       " (SELECT count(*) FROM mails WHERE state = 1),"
			       " (SELECT count(*) FROM mails WHERE state = 2),"
			       " (SELECT min(created) FROM mails WHERE state = 0),"
			       " (SELECT max(ts) FROM mail_attempts WHERE ok),"
			       " (SELECT ts || ' ' || outcome FROM mail_attempts WHERE NOT ok"
			       "  ORDER BY rowid DESC LIMIT 1)", -1, &st, NULL) != SQLITE_OK)
		return fail(s, NULL, err, errlen);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return fail(s, st, err, errlen);
	sum->pending = (uint64_t)sqlite3_column_int64(st, 0);
	sum->sent = (uint64_t)sqlite3_column_int64(st, 1);
	sum->failed = (uint64_t)sqlite3_column_int64(st, 2);
	sum->oldest_pending = sqlite3_column_int64(st, 3);
	sum->last_success = sqlite3_column_int64(st, 4);
	if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
		const char *e = (const char *)sqlite3_column_text(st, 5), *sp = strchr(e, ' ');

		sum->last_error_ts = strtoll(e, NULL, 10);
		snprintf(sum->last_error, sizeof(sum->last_error), "%s", sp ? sp + 1 : "");
	}
	sqlite3_finalize(st);
	return 0;
}

int nfips_mail_mark(struct nfips_store *s, uint64_t incident,
		    struct nfips_mail_mark *mk)
{
	sqlite3_stmt *st;
	int rc;

	memset(mk, 0, sizeof(*mk));
	mk->grade = NFIPS_SGRADE_UNSET;
	if (s->version < 5)
		return -1;
	if (sqlite3_prepare_v2(s->db, "SELECT max(grade), max(created), max(count),"
			       " count(*) FROM mails WHERE incident = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)incident);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return -1;
	}
	rc = sqlite3_column_int64(st, 3) > 0;
	if (rc) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			mk->grade = sqlite3_column_int(st, 0);
		mk->last = sqlite3_column_int64(st, 1);
		mk->count = (uint64_t)sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return rc;
}

static int64_t scalar(struct nfips_store *s, const char *sql, int64_t a)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (s->version < 5 || sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int64_t nfips_mail_incidents_since(struct nfips_store *s, int64_t since)
{
	return scalar(s, "SELECT count(DISTINCT incident) FROM mails WHERE kind = 0"
		      " AND created >= ?", since);
}

int64_t nfips_mail_last_of_kind(struct nfips_store *s, int kind)
{
	return scalar(s, "SELECT coalesce(max(created), 0) FROM mails WHERE kind = ?", kind);
}

int nfips_store_incident_get(struct nfips_store *s, uint64_t id,
			     int (*fn)(void *arg, const struct nfips_store_incident_row *r),
			     void *arg, char *err, size_t errlen)
{
	struct nfips_store_incident_row r;
	char sql[640];
	sqlite3_stmt *st;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT %s FROM incidents i LEFT JOIN sigs s"
		 " ON s.gid = i.gid AND s.sid = i.sid WHERE i.id = ?",
		 nfips_store_incident_cols(s));
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(s, NULL, err, errlen);
	sqlite3_bind_int64(st, 1, (int64_t)id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		nfips_store_incident_read(st, &r);
		fn(arg, &r);
	} else if (rc != SQLITE_DONE) {
		return fail(s, st, err, errlen);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : 1;
}

int nfips_store_meta_read(struct nfips_store *s, const char *key, int64_t *v)
{
	return nfips_store_meta_get(s, key, v);
}

int nfips_store_meta_write(struct nfips_store *s, const char *key, int64_t v)
{
	return nfips_store_meta_set(s, key, v);
}
