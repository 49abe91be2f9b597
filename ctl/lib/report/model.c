// SPDX-License-Identifier: GPL-2.0
/*
 * The figures of a report, read from the store. A period is split where
 * retention has been: its days from the first one whose raw alerts may be
 * gone (meta "purged") backwards come from the daily aggregates (table
 * days), the rest from the raw alerts. Every figure the two can both give
 * (totals, top lists, days of the histogram) is one statement over their
 * union, so a month half raw and half aggregated adds up exactly; what
 * only raw alerts have (the hours of a day, the alert table, incidents,
 * which retention removes with them) is said to be missing.
 *
 * The statements read the store's tables as query.c does (store_int.h):
 * the report is the store's other reader.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report_int.h"
#include "store/store_int.h"

/* The union of raw alerts [?1, ?2) and aggregate days [?3, ?4). */
#define UNION \
	"WITH u(gid, sid, src, dst, dport, proto, grade, blocked, n) AS (" \
	"SELECT gid, sid, src, dst, dport, proto, coalesce(grade, -1), blocked, 1" \
	" FROM alerts WHERE ts >= ?1 AND ts < ?2 UNION ALL" \
	" SELECT gid, sid, src, dst, dport, proto, grade, blocked, n" \
	" FROM days WHERE day >= ?3 AND day < ?4) "

/* The parts of a period: raw [raw_lo, raw_hi), aggregates [day_lo, day_hi). */
struct part {
	int64_t raw_lo, raw_hi;
	int64_t day_lo, day_hi;		/* YYYYMMDD */
	unsigned agg_days;
};

struct ctx {
	struct nfips_store *s;
	char *err;
	size_t errlen;
};

static int64_t local_midnight(int y, int m, int d)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
			 .tm_isdst = -1 };

	return (int64_t)mktime(&tm) * 1000000;
}

/* The local hour @h of day y-m-d (DST: mktime's reading of it). */
static int64_t local_hour(int y, int m, int d, int h)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
			 .tm_hour = h, .tm_isdst = -1 };

	return (int64_t)mktime(&tm) * 1000000;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* Normalizes y-m-d (d may be 0 or past the month's end). */
static void norm(int *y, int *m, int *d)
{
	struct tm tm = { .tm_year = *y - 1900, .tm_mon = *m - 1, .tm_mday = *d,
			 .tm_hour = 12 };
	time_t t = timegm(&tm);

	gmtime_r(&t, &tm);
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
}

int nfips_report_parse_period(struct nfips_report_opts *o, const char *s)
{
	int y, m, d, n = 0;

	if (o->kind == NFIPS_REPORT_DAILY) {
		if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] || y < 1970 ||
		    m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
			return -1;
		o->day = d;
	} else {
		if (sscanf(s, "%4d-%2d%n", &y, &m, &n) != 2 || s[n] || y < 1970 ||
		    m < 1 || m > 12)
			return -1;
		o->day = 1;
	}
	o->year = y;
	o->month = m;
	return 0;
}

/* Splits [lo, hi) (local midnights, days y-m-d on) at the store's purge mark. */
static void split(const struct nfips_store *s, int y, int m, int d, int ndays,
		  int64_t hi, struct part *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->raw_hi = hi;
	p->raw_lo = hi;
	for (i = 0; i < ndays; i++) {
		int yy = y, mm = m, dd = d + i;
		int64_t t;

		norm(&yy, &mm, &dd);
		t = local_midnight(yy, mm, dd);
		if (t >= s->purged) {
			p->raw_lo = t;
			break;
		}
		if (!p->day_lo)
			p->day_lo = yy * 10000ll + mm * 100 + dd;
		p->day_hi = yy * 10000ll + mm * 100 + dd + 1;
		p->agg_days++;
	}
}

static sqlite3_stmt *prep(struct ctx *c, const char *sql, const struct part *p)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(c->s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(c->err, c->errlen, "%s: %s", c->s->path, sqlite3_errmsg(c->s->db));
		return NULL;
	}
	if (p) {
		sqlite3_bind_int64(st, 1, p->raw_lo);
		sqlite3_bind_int64(st, 2, p->raw_hi);
		sqlite3_bind_int64(st, 3, p->day_lo);
		sqlite3_bind_int64(st, 4, p->day_hi);
	}
	return st;
}

static int done(struct ctx *c, sqlite3_stmt *st, int rc)
{
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	snprintf(c->err, c->errlen, "%s: %s", c->s->path, sqlite3_errmsg(c->s->db));
	return -1;
}

static void blob16(sqlite3_stmt *st, int col, uint8_t out[16])
{
	if (sqlite3_column_bytes(st, col) == 16)
		memcpy(out, sqlite3_column_blob(st, col), 16);
	else
		memset(out, 0, 16);
}

static char *col_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? strdup((const char *)t) : NULL;
}

static int totals(struct ctx *c, const struct part *p, struct nfips_report_totals *t)
{
	sqlite3_stmt *st = prep(c, UNION "SELECT grade, blocked, sum(n) FROM u GROUP BY 1, 2", p);
	int rc;

	if (!st)
		return -1;
	memset(t, 0, sizeof(*t));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int g = sqlite3_column_int(st, 0), b = !!sqlite3_column_int(st, 1);
		uint64_t n = (uint64_t)sqlite3_column_int64(st, 2);

		if (g < -1 || g > NFIPS_SGRADE_EMERGENCY)
			g = -1;
		t->by_grade[g + 1][b] += n;
		t->n += n;
		if (b)
			t->blocked += n;
		else
			t->alerted += n;
	}
	return done(c, st, rc);
}

/* The signature's message (NULL: none stored). */
static int sig_msg(struct ctx *c, struct nfips_report_top *t)
{
	sqlite3_stmt *st = prep(c, "SELECT msg FROM sigs WHERE gid = ?1 AND sid = ?2", NULL);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, t->gid);
	sqlite3_bind_int64(st, 2, t->sid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t->msg = col_dup(st, 0);
		rc = SQLITE_DONE;
	}
	return done(c, st, rc);
}

/* The histogram bucket of @ts: bounds[i] <= ts < bounds[i + 1]. */
static int find_bucket(const int64_t *bounds, unsigned n, int64_t ts)
{
	unsigned lo = 0, hi = n;

	if (ts < bounds[0] || ts >= bounds[n])
		return -1;
	while (hi - lo > 1) {
		unsigned mid = (lo + hi) / 2;

		if (ts >= bounds[mid])
			lo = mid;
		else
			hi = mid;
	}
	return (int)lo;
}

static void row_cols(sqlite3_stmt *st, struct nfips_report_row *w)
{
	w->gid = (uint32_t)sqlite3_column_int64(st, 0);
	w->sid = (uint32_t)sqlite3_column_int64(st, 1);
	blob16(st, 2, w->src);
	blob16(st, 3, w->dst);
	w->dport = (uint16_t)sqlite3_column_int(st, 4);
	w->proto = (uint8_t)sqlite3_column_int(st, 5);
	w->grade = sqlite3_column_int(st, 6);
	w->blocked = sqlite3_column_int(st, 7) != 0;
}

/*
 * The period's raw alerts and aggregate days, each row counted once into
 * @acc: the histogram's buckets are local hours (daily) or days.
 */
static int scan(struct ctx *c, const struct part *p, struct nfips_report *r,
		struct nfips_report_acc *acc)
{
	int64_t bounds[32];
	sqlite3_stmt *st;
	unsigned i;
	int rc;

	for (i = 0; i < r->nhist; i++)
		bounds[i] = r->o.kind == NFIPS_REPORT_DAILY ?
			    local_hour(r->o.year, r->o.month, r->o.day, (int)i) :
			    local_midnight(r->o.year, r->o.month, (int)i + 1);
	bounds[r->nhist] = r->end;
	st = prep(c, "SELECT gid, sid, src, dst, dport, proto, coalesce(grade, -1), blocked, ts"
		  " FROM alerts WHERE ts >= ?1 AND ts < ?2", p);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct nfips_report_row w = { .n = 1 };

		row_cols(st, &w);
		w.bucket = find_bucket(bounds, r->nhist, sqlite3_column_int64(st, 8));
		r->alerts_raw++;
		if (nfips_report_acc_add(acc, &w)) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	if (done(c, st, rc))
		return -1;
	if (!p->agg_days)
		return 0;
	/* a day known by its aggregates only has no hours */
	if (r->o.kind == NFIPS_REPORT_DAILY)
		r->hist_partial = true;
	st = prep(c, "SELECT gid, sid, src, dst, dport, proto, grade, blocked, n, day"
		  " FROM days WHERE day >= ?3 AND day < ?4", p);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct nfips_report_row w = { 0 };

		row_cols(st, &w);
		w.n = (uint64_t)sqlite3_column_int64(st, 8);
		w.bucket = r->o.kind == NFIPS_REPORT_MONTHLY ?
			   (int)(sqlite3_column_int64(st, 9) % 100) - 1 : -1;
		if (nfips_report_acc_add(acc, &w)) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	return done(c, st, rc);
}

/* Seen before @start anywhere the store remembers (aggregates, then raw). */
static int seen_before(struct ctx *c, const struct nfips_report_top *t, int64_t start,
		       int64_t start_day, bool *seen)
{
	sqlite3_stmt *st = prep(c, "SELECT EXISTS(SELECT 1 FROM days WHERE sid = ?1 AND"
			       " gid = ?2 AND day < ?3) OR EXISTS(SELECT 1 FROM alerts"
			       " WHERE ts >= ?4 AND ts < ?5 AND sid = ?1 AND gid = ?2)", NULL);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, t->sid);
	sqlite3_bind_int64(st, 2, t->gid);
	sqlite3_bind_int64(st, 3, start_day);
	/* what the aggregates may not hold yet: not rolled up */
	sqlite3_bind_int64(st, 4, c->s->rolled < start ? c->s->rolled : start);
	sqlite3_bind_int64(st, 5, start);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seen = sqlite3_column_int(st, 0);
		rc = SQLITE_DONE;
	}
	return done(c, st, rc);
}

/*
 * The top signatures (@all: every signature of the period, highest count
 * first) and those of them seen for the first time, with their messages.
 */
static int sigs(struct ctx *c, struct nfips_report *r, struct nfips_report_list *all,
		size_t top_n)
{
	int64_t start_day = r->o.year * 10000ll + r->o.month * 100 + r->o.day;
	size_t i;
	int rc = 0;

	r->sigs.v = calloc(all->n + 1, sizeof(*r->sigs.v));
	r->new_sigs.v = calloc(all->n + 1, sizeof(*r->new_sigs.v));
	if (!r->sigs.v || !r->new_sigs.v) {
		snprintf(c->err, c->errlen, "out of memory");
		return -1;
	}
	for (i = 0; !rc && i < all->n; i++) {
		struct nfips_report_top t = all->v[i];
		bool seen = true;

		rc = seen_before(c, &t, r->start, start_day, &seen);
		if (rc || (i >= top_n && seen))
			continue;
		rc = sig_msg(c, &t);
		if (i < top_n)
			r->sigs.v[r->sigs.n++] = t;
		if (!seen) {
			r->new_sigs.v[r->new_sigs.n] = t;
			/* each list owns its strings */
			if (i < top_n && t.msg)
				r->new_sigs.v[r->new_sigs.n].msg = strdup(t.msg);
			r->new_sigs.n++;
		}
	}
	return rc;
}

static int incidents(struct ctx *c, struct nfips_report *r)
{
	sqlite3_stmt *st = prep(c, "SELECT state, count(*) FROM incidents WHERE"
			       " last_seen >= ?1 AND first_seen < ?2 GROUP BY 1", NULL);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->start);
	sqlite3_bind_int64(st, 2, r->end);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int state = sqlite3_column_int(st, 0);
		uint64_t n = (uint64_t)sqlite3_column_int64(st, 1);

		if (state >= 0 && state < 3)
			r->inc_state[state] += n;
		r->inc_total += n;
	}
	if (done(c, st, rc))
		return -1;
	if (!r->inc_total)
		return 0;
	r->inc = calloc(r->inc_total < NFIPS_REPORT_INCIDENTS ? r->inc_total :
			NFIPS_REPORT_INCIDENTS, sizeof(*r->inc));
	if (!r->inc) {
		snprintf(c->err, c->errlen, "out of memory");
		return -1;
	}
	/* the highest grades first, then the largest */
	st = prep(c, "SELECT i.id, i.gid, i.sid, s.msg, src, dst, first_seen, last_seen,"
		  " changed, count, blocked, coalesce(grade, -1), state, note, by"
		  " FROM incidents i LEFT JOIN sigs s ON s.gid = i.gid AND s.sid = i.sid"
		  " WHERE last_seen >= ?1 AND first_seen < ?2"
		  " ORDER BY coalesce(grade, -1) DESC, count DESC, i.id LIMIT ?3", NULL);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, r->start);
	sqlite3_bind_int64(st, 2, r->end);
	sqlite3_bind_int64(st, 3, NFIPS_REPORT_INCIDENTS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && r->ninc < NFIPS_REPORT_INCIDENTS) {
		struct nfips_report_incident *i = &r->inc[r->ninc++];

		i->id = (uint64_t)sqlite3_column_int64(st, 0);
		i->gid = (uint32_t)sqlite3_column_int64(st, 1);
		i->sid = (uint32_t)sqlite3_column_int64(st, 2);
		i->msg = col_dup(st, 3);
		blob16(st, 4, i->src);
		blob16(st, 5, i->dst);
		i->first_seen = sqlite3_column_int64(st, 6);
		i->last_seen = sqlite3_column_int64(st, 7);
		i->changed = sqlite3_column_int64(st, 8);
		i->count = (uint64_t)sqlite3_column_int64(st, 9);
		i->blocked = (uint64_t)sqlite3_column_int64(st, 10);
		i->grade = sqlite3_column_int(st, 11);
		i->state = sqlite3_column_int(st, 12);
		i->note = col_dup(st, 13);
		i->by = col_dup(st, 14);
	}
	return done(c, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

static int alert_table(struct ctx *c, const struct part *p, struct nfips_report *r)
{
	size_t max = r->o.rows ? r->o.rows : NFIPS_REPORT_ROWS;
	sqlite3_stmt *st;
	int rc;

	/* r->alerts_raw: counted by scan() */
	if (!r->alerts_raw)
		return 0;
	if (max > r->alerts_raw)
		max = (size_t)r->alerts_raw;
	r->alerts = calloc(max, sizeof(*r->alerts));
	if (!r->alerts) {
		snprintf(c->err, c->errlen, "out of memory");
		return -1;
	}
	st = prep(c, "SELECT ts, a.gid, a.sid, s.msg, src, dst, sport, dport, proto, blocked,"
		  " coalesce(grade, -1), iface FROM alerts a LEFT JOIN sigs s"
		  " ON s.gid = a.gid AND s.sid = a.sid WHERE ts >= ?1 AND ts < ?2"
		  " ORDER BY ts, a.id LIMIT ?5", p);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 5, (int64_t)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && r->nalerts < max) {
		struct nfips_report_alert *a = &r->alerts[r->nalerts++];
		const unsigned char *ifc = sqlite3_column_text(st, 11);

		a->ts = sqlite3_column_int64(st, 0);
		a->gid = (uint32_t)sqlite3_column_int64(st, 1);
		a->sid = (uint32_t)sqlite3_column_int64(st, 2);
		a->msg = col_dup(st, 3);
		blob16(st, 4, a->src);
		blob16(st, 5, a->dst);
		a->sport = (uint16_t)sqlite3_column_int(st, 6);
		a->dport = (uint16_t)sqlite3_column_int(st, 7);
		a->proto = (uint8_t)sqlite3_column_int(st, 8);
		a->blocked = sqlite3_column_int(st, 9);
		a->grade = sqlite3_column_int(st, 10);
		if (ifc)
			snprintf(a->iface, sizeof(a->iface), "%s", (const char *)ifc);
	}
	return done(c, st, rc == SQLITE_ROW ? SQLITE_DONE : rc);
}

/*
 * The host names of a top list's addresses, as the store recorded them
 * (the name an address had at the period's end, else the first one
 * recorded after): never a lookup here.
 */
static int names(struct ctx *c, struct nfips_report *r, struct nfips_report_list *l)
{
	struct nfips_store_name n;
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct nfips_report_top *t = &l->v[i];
		int rc = nfips_store_name_get(c->s, t->addr, r->end, &n);

		t->rdns_status = -1;
		if (rc < 0) {
			snprintf(c->err, c->errlen, "%s: %s", c->s->path, sqlite3_errmsg(c->s->db));
			return -1;
		}
		if (rc)
			continue;
		t->rdns_status = n.status;
		t->rdns_ts = n.ts;
		if (n.name[0] && !(t->rdns = strdup(n.name))) {
			snprintf(c->err, c->errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

/* The period of @o and the one before it, as local midnights. */
static void bounds(struct nfips_report *r, int *ndays, int *pndays)
{
	const struct nfips_report_opts *o = &r->o;
	int y = o->year, m = o->month, d = o->day, py, pm, pd;

	if (o->kind == NFIPS_REPORT_DAILY) {
		int ny = y, nm = m, nd = d + 1;

		norm(&ny, &nm, &nd);
		py = y;
		pm = m;
		pd = d - 1;
		norm(&py, &pm, &pd);
		r->start = local_midnight(y, m, d);
		r->end = local_midnight(ny, nm, nd);
		r->prev_start = local_midnight(py, pm, pd);
		snprintf(r->period, sizeof(r->period), "%04d-%02d-%02d", y, m, d);
		snprintf(r->prev_period, sizeof(r->prev_period), "%04d-%02d-%02d", py, pm, pd);
		*ndays = *pndays = 1;
	} else {
		py = m == 1 ? y - 1 : y;
		pm = m == 1 ? 12 : m - 1;
		r->start = local_midnight(y, m, 1);
		r->end = local_midnight(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
		r->prev_start = local_midnight(py, pm, 1);
		snprintf(r->period, sizeof(r->period), "%04d-%02d", y, m);
		snprintf(r->prev_period, sizeof(r->prev_period), "%04d-%02d", py, pm);
		*ndays = days_in_month(y, m);
		*pndays = days_in_month(py, pm);
	}
	r->prev_end = r->start;
}

int nfips_report_build(struct nfips_store *s, const struct nfips_report_opts *o,
		       struct nfips_report *r, char *err, size_t errlen)
{
	struct ctx c = { .s = s, .err = err, .errlen = errlen };
	struct nfips_report_list all = { 0 };
	struct nfips_report_acc *acc;
	struct part cur, prev;
	int ndays, pndays, py, pm, pd;
	size_t top_n = o->top ? o->top : NFIPS_REPORT_TOP;

	memset(r, 0, sizeof(*r));
	r->o = *o;
	err[0] = '\0';
	if (s->version < 4) {
		snprintf(err, errlen, "%s: schema version %lld has no daily aggregates: nfipsd "
			 "upgrades it when it starts", s->path, (long long)s->version);
		return -1;
	}
	if (!r->o.generated) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		r->o.generated = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	}
	bounds(r, &ndays, &pndays);
	split(s, o->year, o->month, o->day, ndays, r->end, &cur);
	if (o->kind == NFIPS_REPORT_DAILY) {
		py = o->year;
		pm = o->month;
		pd = o->day - 1;
		norm(&py, &pm, &pd);
	} else {
		py = o->month == 1 ? o->year - 1 : o->year;
		pm = o->month == 1 ? 12 : o->month - 1;
		pd = 1;
	}
	split(s, py, pm, pd, pndays, r->prev_end, &prev);
	r->rdns = s->version >= 8;
	r->agg_days = cur.agg_days;
	r->prev_agg_days = prev.agg_days;
	r->nhist = o->kind == NFIPS_REPORT_DAILY ? 24 : (unsigned)days_in_month(o->year, o->month);
	acc = nfips_report_acc_new();
	if (!acc || nfips_store_exec(s, "BEGIN", err, errlen)) {
		nfips_report_acc_free(acc);
		return -1;
	}
	if (scan(&c, &cur, r, acc) || totals(&c, &prev, &r->prev))
		goto fail;
	r->cur = acc->t;
	memcpy(r->hist, acc->hist, sizeof(r->hist));
	memcpy(r->hist_blocked, acc->hist_blocked, sizeof(r->hist_blocked));
	if (nfips_report_acc_top(acc, NFIPS_TOP_SIG, SIZE_MAX, &all) ||
	    nfips_report_acc_top(acc, NFIPS_TOP_SRC, top_n, &r->srcs) ||
	    nfips_report_acc_top(acc, NFIPS_TOP_DST, top_n, &r->dsts) ||
	    nfips_report_acc_top(acc, NFIPS_TOP_PORT, top_n, &r->ports) ||
	    names(&c, r, &r->srcs) || names(&c, r, &r->dsts) ||
	    sigs(&c, r, &all, top_n) || incidents(&c, r) || alert_table(&c, &cur, r) ||
	    nfips_report_blocks(s, r, err, errlen))
		goto fail;
	free(all.v);
	nfips_report_acc_free(acc);
	nfips_store_exec(s, "COMMIT", NULL, 0);
	return 0;
fail:
	free(all.v);
	nfips_report_acc_free(acc);
	nfips_store_exec(s, "ROLLBACK", NULL, 0);
	if (!err[0])
		snprintf(err, errlen, "out of memory");
	nfips_report_free(r);
	return -1;
}

static void free_list(struct nfips_report_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].msg);
		free(l->v[i].rdns);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void nfips_report_free(struct nfips_report *r)
{
	size_t i;

	free_list(&r->sigs);
	free_list(&r->srcs);
	free_list(&r->dsts);
	free_list(&r->ports);
	free_list(&r->new_sigs);
	for (i = 0; i < r->ninc; i++) {
		free(r->inc[i].msg);
		free(r->inc[i].note);
		free(r->inc[i].by);
	}
	free(r->inc);
	for (i = 0; i < r->nalerts; i++)
		free(r->alerts[i].msg);
	free(r->alerts);
	nfips_report_blocks_free(r);
	r->inc = NULL;
	r->alerts = NULL;
	r->ninc = r->nalerts = 0;
}
