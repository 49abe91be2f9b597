// SPDX-License-Identifier: GPL-2.0
/*
 * Queries for nfipsctl: alerts (newest first), counts by a column or by
 * hour/day, incidents. Each is one statement over the indexes of
 * schema.c: a sid and a source network use alerts_sid as an equality
 * and a byte range; a time range uses alerts_ts. Counts by hour and day
 * count each bucket's time range, bucket bounds in local time (or UTC),
 * so a day is the operator's day, daylight saving changes included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_int.h"

void nfips_store_filter_init(struct nfips_store_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->grade = -2;
	f->action = -1;
}

/* WHERE clause of @f over table columns named @ts, "src", "dst"... */
static void where(struct nfips_sbuf *q, const struct nfips_store_filter *f,
		  const char *t, const char *ts, bool has_action)
{
	nfips_sbuf_puts(q, " WHERE 1");
	if (f->since)
		nfips_sbuf_printf(q, " AND %s%s >= :since", t, ts);
	if (f->until)
		nfips_sbuf_printf(q, " AND %s%s < :until", t, ts);
	if (f->has_sid)
		nfips_sbuf_printf(q, " AND %ssid = :sid", t);
	if (f->has_src)
		nfips_sbuf_printf(q, " AND %ssrc BETWEEN :srclo AND :srchi", t);
	if (f->has_dst)
		nfips_sbuf_printf(q, " AND %sdst BETWEEN :dstlo AND :dsthi", t);
	if (f->grade == NFIPS_SGRADE_UNSET)
		nfips_sbuf_printf(q, " AND %sgrade IS NULL", t);
	else if (f->grade >= 0)
		nfips_sbuf_printf(q, " AND %sgrade = :grade", t);
	if (has_action && f->action >= 0)
		nfips_sbuf_printf(q, " AND %sblocked = :action", t);
}

static void bind_named(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i)
		sqlite3_bind_int64(st, i, v);
}

static void bind_blob(sqlite3_stmt *st, const char *name, const uint8_t *v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i)
		sqlite3_bind_blob(st, i, v, 16, SQLITE_STATIC);
}

static void bind(sqlite3_stmt *st, const struct nfips_store_filter *f)
{
	bind_named(st, ":since", f->since);
	bind_named(st, ":until", f->until);
	bind_named(st, ":sid", f->sid);
	bind_blob(st, ":srclo", f->src_lo);
	bind_blob(st, ":srchi", f->src_hi);
	bind_blob(st, ":dstlo", f->dst_lo);
	bind_blob(st, ":dsthi", f->dst_hi);
	bind_named(st, ":grade", f->grade);
	bind_named(st, ":action", f->action);
	bind_named(st, ":limit", f->limit ? (int64_t)f->limit : -1);
}

static sqlite3_stmt *prep(struct nfips_store *s, struct nfips_sbuf *q,
			  const struct nfips_store_filter *f, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;

	if (q->oom) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (sqlite3_prepare_v2(s->db, q->s, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
		return NULL;
	}
	bind(st, f);
	return st;
}

static int finish(struct nfips_store *s, sqlite3_stmt *st, int rc, char *err,
		  size_t errlen)
{
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

static void blob16(sqlite3_stmt *st, int col, uint8_t out[16])
{
	if (sqlite3_column_bytes(st, col) == 16)
		memcpy(out, sqlite3_column_blob(st, col), 16);
	else
		memset(out, 0, 16);
}

static int grade_col(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? NFIPS_SGRADE_UNSET :
	       sqlite3_column_int(st, col);
}

int nfips_store_alerts(struct nfips_store *s, const struct nfips_store_filter *f,
		       int (*fn)(void *arg, const struct nfips_store_row *r),
		       void *arg, char *err, size_t errlen)
{
	struct nfips_sbuf q = { 0 };
	sqlite3_stmt *st;
	int rc;

	nfips_sbuf_puts(&q, "SELECT a.id, ts, seq, a.gid, a.sid, a.rev, src, dst, sport,"
			" dport, proto, blocked, grade, incident, s.msg FROM alerts a"
			" LEFT JOIN sigs s ON s.gid = a.gid AND s.sid = a.sid");
	where(&q, f, "a.", "ts", true);
	nfips_sbuf_puts(&q, " ORDER BY ts DESC, a.id DESC LIMIT :limit");
	st = prep(s, &q, f, err, errlen);
	nfips_sbuf_free(&q);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct nfips_store_row r = { 0 };

		r.id = (uint64_t)sqlite3_column_int64(st, 0);
		r.a.ts = sqlite3_column_int64(st, 1);
		r.a.sequence = (uint64_t)sqlite3_column_int64(st, 2);
		r.a.gid = (uint32_t)sqlite3_column_int64(st, 3);
		r.a.sid = (uint32_t)sqlite3_column_int64(st, 4);
		r.a.rev = (uint32_t)sqlite3_column_int64(st, 5);
		blob16(st, 6, r.a.src);
		blob16(st, 7, r.a.dst);
		r.a.sport = (uint16_t)sqlite3_column_int(st, 8);
		r.a.dport = (uint16_t)sqlite3_column_int(st, 9);
		r.a.proto = (uint8_t)sqlite3_column_int(st, 10);
		r.a.blocked = sqlite3_column_int(st, 11);
		r.a.grade = (int8_t)grade_col(st, 12);
		r.a.incident = (uint64_t)sqlite3_column_int64(st, 13);
		r.msg = (const char *)sqlite3_column_text(st, 14);
		if (!r.msg)
			r.msg = "";
		if (fn(arg, &r))
			break;
	}
	return finish(s, st, rc, err, errlen);
}

int nfips_count_by_parse(const char *s)
{
	static const char *const names[] = { "sid", "src", "dst", "grade", "hour", "day" };
	int i;

	for (i = 0; i < 6; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* The start of the bucket after the one holding @t (usec). */
static int64_t next_bucket(int64_t t, enum nfips_count_by by, bool utc,
			   int64_t *start)
{
	time_t sec = (time_t)(t >= 0 ? t / 1000000 : (t - 999999) / 1000000);
	struct tm tm;
	time_t b, e;

	if (utc)
		gmtime_r(&sec, &tm);
	else
		localtime_r(&sec, &tm);
	tm.tm_sec = 0;
	tm.tm_min = 0;
	if (by == NFIPS_BY_DAY)
		tm.tm_hour = 0;
	tm.tm_isdst = -1;
	b = utc ? timegm(&tm) : mktime(&tm);
	if (by == NFIPS_BY_DAY)
		tm.tm_mday++;
	else
		tm.tm_hour++;
	tm.tm_isdst = -1;
	e = utc ? timegm(&tm) : mktime(&tm);
	if (e <= sec)		/* a repeated local hour: go by the clock */
		e = sec + 3600 - sec % 3600;
	*start = (int64_t)b * 1000000;
	return (int64_t)e * 1000000;
}

/* One aggregate of the first column, or @dflt when NULL. */
static int scalar(struct nfips_store *s, const char *sql, const struct nfips_store_filter *f,
		  int64_t dflt, int64_t *out, char *err, size_t errlen)
{
	struct nfips_sbuf q = { 0 };
	sqlite3_stmt *st;
	int rc;

	nfips_sbuf_puts(&q, sql);
	where(&q, f, "", "ts", true);
	st = prep(s, &q, f, err, errlen);
	nfips_sbuf_free(&q);
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL ?
	       sqlite3_column_int64(st, 0) : dflt;
	return finish(s, st, rc, err, errlen);
}

static int64_t ceil_hour(int64_t t)
{
	int64_t r = t % USEC_HOUR;

	return r == 0 ? t : r > 0 ? t + USEC_HOUR - r : t - r;
}

static int64_t floor_hour(int64_t t)
{
	int64_t r = t % USEC_HOUR;

	return r >= 0 ? t - r : t - r - USEC_HOUR;
}

static int count_range(sqlite3_stmt *st, int64_t lo, int64_t hi, int64_t *n)
{
	int rc;

	*n = 0;
	if (lo >= hi)
		return SQLITE_DONE;
	sqlite3_reset(st);
	bind_named(st, ":since", lo);
	bind_named(st, ":until", hi);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return rc;
	*n = sqlite3_column_int64(st, 0);
	return SQLITE_DONE;
}

/*
 * Per hour or day: each bucket's range counted. Without a filter but
 * time, the whole UTC hours inside a bucket come from the per-hour
 * counts (schema version 2) and only its ragged ends (a half-hour zone)
 * from the alerts.
 */
static int count_time(struct nfips_store *s, const struct nfips_store_filter *f,
		      enum nfips_count_by by, bool utc,
		      int (*fn)(void *arg, const struct nfips_store_count *c),
		      void *arg, char *err, size_t errlen)
{
	bool hours = s->version >= 2 && !f->has_sid && !f->has_src && !f->has_dst &&
		     f->grade == -2 && f->action < 0;
	struct nfips_store_filter g = *f;
	struct nfips_sbuf q = { 0 };
	sqlite3_stmt *st, *hst = NULL;
	int64_t t, end, start;
	int rc = SQLITE_DONE;

	/* The range: the filter's, narrowed to the alerts there are (two
	 * statements: min() and max() alone each read one index entry). */
	if (scalar(s, "SELECT min(ts) FROM alerts", f, INT64_MAX, &t, err, errlen) ||
	    scalar(s, "SELECT max(ts) FROM alerts", f, INT64_MIN, &end, err, errlen))
		return -1;
	if (t > end)
		return 0;

	g.since = g.until = 1;	/* both bound in the statement */
	nfips_sbuf_puts(&q, "SELECT count(*) FROM alerts");
	where(&q, &g, "", "ts", true);
	st = prep(s, &q, f, err, errlen);
	nfips_sbuf_free(&q);
	if (!st)
		return -1;
	if (hours && sqlite3_prepare_v2(s->db, "SELECT coalesce(sum(n), 0) FROM hours"
					" WHERE hour >= :since AND hour < :until", -1,
					&hst, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return -1;
	}
	while (t <= end) {
		struct nfips_store_count c = { 0 };
		int64_t next = next_bucket(t, by, utc, &start);
		int64_t hi = f->until && f->until < next ? f->until : next;
		int64_t n, a, b;

		if (hst && ceil_hour(t) < floor_hour(hi)) {
			a = ceil_hour(t);
			b = floor_hour(hi);
			rc = count_range(st, t, a, &n);
			c.n += (uint64_t)n;
			if (rc == SQLITE_DONE)
				rc = count_range(st, b, hi, &n);
			c.n += (uint64_t)n;
			if (rc == SQLITE_DONE)
				rc = count_range(hst, a / USEC_HOUR, b / USEC_HOUR, &n);
			c.n += (uint64_t)n;
		} else {
			rc = count_range(st, t, hi, &n);
			c.n = (uint64_t)n;
		}
		if (rc != SQLITE_DONE)
			break;
		c.key = start;
		t = next;
		if (c.n && fn(arg, &c))
			break;
	}
	sqlite3_finalize(hst);
	return finish(s, st, rc, err, errlen);
}

int nfips_store_count(struct nfips_store *s, const struct nfips_store_filter *f,
		      enum nfips_count_by by, bool utc,
		      int (*fn)(void *arg, const struct nfips_store_count *c),
		      void *arg, char *err, size_t errlen)
{
	static const char *const cols[] = { "sid", "src", "dst", "grade" };
	struct nfips_sbuf q = { 0 };
	sqlite3_stmt *st;
	int rc;

	if (by == NFIPS_BY_HOUR || by == NFIPS_BY_DAY)
		return count_time(s, f, by, utc, fn, arg, err, errlen);
	nfips_sbuf_printf(&q, "SELECT %s, count(*) FROM alerts", cols[by]);
	where(&q, f, "", "ts", true);
	nfips_sbuf_printf(&q, " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT :limit");
	st = prep(s, &q, f, err, errlen);
	nfips_sbuf_free(&q);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct nfips_store_count c = { 0 };

		if (by == NFIPS_BY_SRC || by == NFIPS_BY_DST)
			blob16(st, 0, c.addr);
		else if (by == NFIPS_BY_GRADE)
			c.key = grade_col(st, 0);
		else
			c.key = sqlite3_column_int64(st, 0);
		c.n = (uint64_t)sqlite3_column_int64(st, 1);
		if (fn(arg, &c))
			break;
	}
	return finish(s, st, rc, err, errlen);
}

/* The incident columns nfips_store_incident_read() takes, in order. */
const char *nfips_store_incident_cols(const struct nfips_store *s)
{
	return s->version >= 5 ?
	       "i.id, i.gid, i.sid, src, dst, first_seen, last_seen,"
	       " count, blocked, allowed, grade, state, reopened, note, by,"
	       " changed, s.msg, sample, sport, dport, proto, reason" :
	       "i.id, i.gid, i.sid, src, dst, first_seen, last_seen,"
	       " count, blocked, allowed, grade, state, reopened, note, by,"
	       " changed, s.msg, sample";
}

void nfips_store_incident_read(sqlite3_stmt *st, struct nfips_store_incident_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = (uint64_t)sqlite3_column_int64(st, 0);
	r->gid = (uint32_t)sqlite3_column_int64(st, 1);
	r->sid = (uint32_t)sqlite3_column_int64(st, 2);
	blob16(st, 3, r->src);
	blob16(st, 4, r->dst);
	r->first_seen = sqlite3_column_int64(st, 5);
	r->last_seen = sqlite3_column_int64(st, 6);
	r->count = (uint64_t)sqlite3_column_int64(st, 7);
	r->blocked = (uint64_t)sqlite3_column_int64(st, 8);
	r->allowed = (uint64_t)sqlite3_column_int64(st, 9);
	r->grade = grade_col(st, 10);
	r->state = sqlite3_column_int(st, 11);
	r->reopened = (uint64_t)sqlite3_column_int64(st, 12);
	r->note = (const char *)sqlite3_column_text(st, 13);
	r->by = (const char *)sqlite3_column_text(st, 14);
	r->changed = sqlite3_column_int64(st, 15);
	r->msg = (const char *)sqlite3_column_text(st, 16);
	if (!r->msg)
		r->msg = "";
	r->sample = sqlite3_column_blob(st, 17);
	r->sample_len = (size_t)sqlite3_column_bytes(st, 17);
	if (sqlite3_column_count(st) > 21) {
		r->sport = (uint16_t)sqlite3_column_int(st, 18);
		r->dport = (uint16_t)sqlite3_column_int(st, 19);
		r->proto = (uint8_t)sqlite3_column_int(st, 20);
		r->reason = (const char *)sqlite3_column_text(st, 21);
	}
}

int nfips_store_incidents(struct nfips_store *s, const struct nfips_store_filter *f,
			  int (*fn)(void *arg, const struct nfips_store_incident_row *r),
			  void *arg, char *err, size_t errlen)
{
	struct nfips_sbuf q = { 0 };
	sqlite3_stmt *st;
	int rc;

	nfips_sbuf_printf(&q, "SELECT %s FROM incidents i"
			  " LEFT JOIN sigs s ON s.gid = i.gid AND s.sid = i.sid",
			  nfips_store_incident_cols(s));
	where(&q, f, "i.", "last_seen", false);
	if (f->action == 1)
		nfips_sbuf_puts(&q, " AND blocked > 0");
	else if (f->action == 0)
		nfips_sbuf_puts(&q, " AND allowed > 0");
	if (f->open_only)
		nfips_sbuf_puts(&q, " AND state != 2");
	nfips_sbuf_puts(&q, " ORDER BY last_seen DESC, i.id DESC LIMIT :limit");
	st = prep(s, &q, f, err, errlen);
	nfips_sbuf_free(&q);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct nfips_store_incident_row r;

		nfips_store_incident_read(st, &r);
		if (fn(arg, &r))
			break;
	}
	return finish(s, st, rc, err, errlen);
}
