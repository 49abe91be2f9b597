// SPDX-License-Identifier: GPL-2.0
/*
 * Upkeep, in steps short enough to run between two ingest batches of
 * the writer thread (ingestion waits at most one step, a few ms):
 *
 *  - roll-up: raw alerts into the hourly aggregates (gid, sid, source,
 *    destination, grade, action, hour) and the daily ones (local day,
 *    also destination port and protocol), five minutes of alerts per
 *    statement, once the slice is ROLL_GRACE old. The watermark "rolled"
 *    moves in the same transaction, so a crash never counts a slice
 *    twice; an alert arriving later for a rolled slice updates its
 *    aggregate as it is stored (ingest.c), so the aggregates stay exact.
 *  - removal: raw alerts older than the retention (whole UTC days, the
 *    oldest first) in deletes of at most @rows rows, only once rolled
 *    up; incidents last seen before the same cut; aggregates older than
 *    theirs (13 months hourly, NFIPS_STORE_DAYS_KEEP daily, and host
 *    names not looked up again as long). "purged"
 *    (meta) is the time before which raw alerts may be gone: reports
 *    take those days from the daily aggregates.
 *
 * Small deletes rather than a table per day: every query stays one
 * indexed statement over one table (the 200 ms target), and a delete of
 * a few thousand rows by the ts index costs the writer a few ms.
 */
#include <string.h>
#include <time.h>

#include "store_int.h"

#define SLICE		(5 * 60ll * 1000000)
#define ROLL_GRACE	(5 * 60ll * 1000000)
#define SLICES_PER_STEP	12

static int64_t floor_to(int64_t t, int64_t unit)
{
	return t >= 0 ? t - t % unit : t - (unit + t % unit) % unit;
}

/* YYYYMMDD of the UTC day of @t: the daily aggregates' cut. */
static int64_t day_number(int64_t t)
{
	time_t sec = (time_t)(t / 1000000);
	struct tm tm;

	gmtime_r(&sec, &tm);
	return (tm.tm_year + 1900) * 10000ll + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* The first alert's time at or after @from, or -1 when none. */
static int next_alert(struct nfips_store *s, int64_t from, int64_t *ts)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT min(ts) FROM alerts WHERE ts >= ?", -1,
			       &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, from);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*ts = sqlite3_column_int64(st, 0);
		rc = 1;
	} else {
		rc = rc == SQLITE_ROW ? 0 : -1;
	}
	sqlite3_finalize(st);
	return rc;
}

static int run(struct nfips_store *s, const char *sql, int64_t a, int64_t b,
	       int64_t c, int *changes)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, b);
	if (sqlite3_bind_parameter_count(st) >= 3)
		sqlite3_bind_int64(st, 3, c);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (changes)
		*changes = sqlite3_changes(s->db);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Removes the oldest alerts before @cut, about @rows of them (all those
 * at the last one's time), keeping the per-hour counts exact: the hours
 * before the last removed one's go, that hour's count drops by what
 * left it.
 */
static int remove_alerts(struct nfips_store *s, int64_t cut, unsigned rows, int *n)
{
	sqlite3_stmt *st;
	int64_t bound = cut - 1, bh;
	int rc;

	*n = 0;
	if (!rows)
		return 0;
	if (sqlite3_prepare_v2(s->db, "SELECT ts FROM alerts WHERE ts < ? ORDER BY ts"
			       " LIMIT 1 OFFSET ?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, cut);
	sqlite3_bind_int64(st, 2, (int64_t)rows - 1);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		bound = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	bh = floor_to(bound, USEC_HOUR) / USEC_HOUR;
	if (run(s, "DELETE FROM hours WHERE hour < ?1", bh, 0, 0, NULL) ||
	    run(s, "UPDATE hours SET n = n - (SELECT count(*) FROM alerts WHERE ts >= ?2"
		" AND ts <= ?3) WHERE hour = ?1", bh, bh * USEC_HOUR, bound, NULL) ||
	    run(s, "DELETE FROM hours WHERE hour = ?1 AND n <= 0", bh, 0, 0, NULL))
		return -1;
	if (run(s, "DELETE FROM alerts WHERE ts <= ?1", bound, 0, 0, n))
		return -1;
	/* Reports read days before this from the daily aggregates. */
	if (*n && bound + 1 > s->purged) {
		if (nfips_store_meta_set(s, "purged", bound + 1))
			return -1;
		s->purged = bound + 1;
	}
	return 0;
}

/* Rolls up to SLICES_PER_STEP slices; 1 when more are due. */
static int rollup(struct nfips_store *s, int64_t now)
{
	int64_t from = s->rolled, first;
	int i, rc;

	/*
	 * Every way out saves how far it got: the slices this step inserted
	 * are committed with it, and counted again by the next step if the
	 * watermark stayed behind them.
	 */
	for (i = 0; i < SLICES_PER_STEP; i++) {
		if (from + SLICE + ROLL_GRACE > now)
			break;
		rc = next_alert(s, from, &first);
		if (rc < 0)
			return -1;
		if (rc == 0)	/* nothing to roll before new alerts come */
			break;
		if (floor_to(first, SLICE) > from)
			from = floor_to(first, SLICE);
		if (from + SLICE + ROLL_GRACE > now)
			break;
		if (run(s, "INSERT INTO agg SELECT ?1 / 3600000000, gid, sid, src, dst,"
			" coalesce(grade, -1), blocked, count(*) FROM alerts"
			" WHERE ts >= ?1 AND ts < ?2 GROUP BY 2, 3, 4, 5, 6, 7 ORDER BY 1"
			" ON CONFLICT DO UPDATE SET n = n + excluded.n", from,
			from + SLICE, 0, NULL) ||
		    /* a slice never straddles a local midnight: zones are
		     * whole quarter hours off UTC */
		    run(s, "INSERT INTO days SELECT " NFIPS_STORE_LOCAL_DAY("?1") ", gid, sid,"
			" src, dst, dport, proto, coalesce(grade, -1), blocked, count(*)"
			" FROM alerts WHERE ts >= ?1 AND ts < ?2"
			" GROUP BY 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1"
			" ON CONFLICT DO UPDATE SET n = n + excluded.n", from,
			from + SLICE, 0, NULL))
			return -1;
		from += SLICE;
	}
	if (from != s->rolled && nfips_store_meta_set(s, "rolled", from))
		return -1;
	s->rolled = from;
	return i == SLICES_PER_STEP;
}

int nfips_store_retention_step(struct nfips_store *s, unsigned rows)
{
	int64_t now = nfips_store_now(s), day = floor_to(now, USEC_DAY);
	int64_t cut = day - (int64_t)s->o.retention_days * USEC_DAY;
	int64_t acut = day - (int64_t)s->o.agg_days * USEC_DAY;
	int64_t dcut = day_number(day - (int64_t)s->o.days_keep * USEC_DAY);
	int64_t rolled = s->rolled;
	int more = 0, n = 0, m = 0, k = 0, d = 0, rc;

	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	rc = rollup(s, now);
	if (rc < 0)
		goto fail;
	more = rc;
	/* Raw alerts leave only once their slice is in the aggregates. */
	if (remove_alerts(s, cut < s->rolled ? cut : s->rolled, rows, &n) ||
	    run(s, "DELETE FROM incidents WHERE id IN (SELECT id FROM incidents"
		" WHERE last_seen < ?1 LIMIT ?2)", cut, rows, 0, &m) ||
	    run(s, "DELETE FROM incident_log WHERE ts < ?1", cut, 0, 0, NULL) ||
	    /* mails sent or failed as long ago as the alerts they were about */
	    run(s, "DELETE FROM mail_attempts WHERE mail IN (SELECT id FROM mails"
		" WHERE state != 0 AND created < ?1 LIMIT ?2)", cut, rows, 0, NULL) ||
	    run(s, "DELETE FROM mails WHERE id IN (SELECT id FROM mails"
		" WHERE state != 0 AND created < ?1 LIMIT ?2)", cut, rows, 0, NULL) ||
	    run(s, "DELETE FROM agg WHERE rowid IN (SELECT rowid FROM agg"
		" WHERE hour < ?1 LIMIT ?2)", acut / USEC_HOUR, rows, 0, &k) ||
	    run(s, "DELETE FROM days WHERE (day, gid, sid, src, dst, dport, proto, grade,"
		" blocked) IN (SELECT day, gid, sid, src, dst, dport, proto, grade, blocked"
		" FROM days WHERE day < ?1 LIMIT ?2)", dcut, rows, 0, &d) ||
	    /* host names as long as the daily aggregates that show them */
	    run(s, "DELETE FROM names WHERE (addr, ts) IN (SELECT addr, ts FROM names"
		" WHERE checked < ?1 LIMIT ?2)", day - (int64_t)s->o.days_keep * USEC_DAY,
		rows, 0, NULL))
		goto fail;
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	s->removed += (uint64_t)n;
	return more || (unsigned)n >= rows || (unsigned)m == rows || (unsigned)k == rows ||
	       (unsigned)d == rows;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->rolled = rolled;
	return -1;
}
