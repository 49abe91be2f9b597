// SPDX-License-Identifier: GPL-2.0
/*
 * Per-signature figures of a period for tuning (nfipsctl tune,
 * ctl/lib/tune/): how often each signature fired, from how many sources
 * at how many targets, in how many hours, at which grades; the targets
 * of one signature; and which signatures the customer called false
 * positives (an incident of theirs closed with a note starting "false
 * positive", as nfipsctl incident close --false-positive writes it).
 */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

static int prep(struct nfips_store *s, const char *sql, sqlite3_stmt **st,
		char *err, size_t errlen)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
	return -1;
}

static int done(struct nfips_store *s, sqlite3_stmt *st, int rc, char *err,
		size_t errlen)
{
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	snprintf(err, errlen, "%s: %s", s->path, sqlite3_errstr(rc));
	return -1;
}

int nfips_store_sig_stats(struct nfips_store *s, int64_t since, int64_t until,
			  int (*fn)(void *arg, const struct nfips_store_sig_stat *r),
			  void *arg, char *err, size_t errlen)
{
	struct nfips_store_sig_stat r;
	sqlite3_stmt *st;
	int rc;

	/* grade NULL (not graded) counts as neither the lowest nor highest */
	if (prep(s, "SELECT a.gid, a.sid, count(*), count(DISTINCT a.src),"
		 " count(DISTINCT a.dst), count(DISTINCT a.ts / 3600000000),"
		 " min(a.grade), max(a.grade), sum(a.grade >= 3), sum(a.blocked),"
		 " (SELECT msg FROM sigs g WHERE g.gid = a.gid AND g.sid = a.sid)"
		 " FROM alerts a WHERE (?1 = 0 OR a.ts >= ?1) AND (?2 = 0 OR a.ts < ?2)"
		 " GROUP BY a.gid, a.sid ORDER BY 3 DESC, a.gid, a.sid",
		 &st, err, errlen))
		return -1;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, until);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.gid = (uint32_t)sqlite3_column_int64(st, 0);
		r.sid = (uint32_t)sqlite3_column_int64(st, 1);
		r.n = (uint64_t)sqlite3_column_int64(st, 2);
		r.srcs = (uint64_t)sqlite3_column_int64(st, 3);
		r.dsts = (uint64_t)sqlite3_column_int64(st, 4);
		r.hours = (uint64_t)sqlite3_column_int64(st, 5);
		r.min_grade = sqlite3_column_type(st, 6) == SQLITE_NULL ?
			NFIPS_SGRADE_UNSET : sqlite3_column_int(st, 6);
		r.max_grade = sqlite3_column_type(st, 7) == SQLITE_NULL ?
			NFIPS_SGRADE_UNSET : sqlite3_column_int(st, 7);
		r.high = (uint64_t)sqlite3_column_int64(st, 8);
		r.blocked = (uint64_t)sqlite3_column_int64(st, 9);
		r.msg = (const char *)sqlite3_column_text(st, 10);
		if (fn(arg, &r)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return done(s, st, rc, err, errlen);
}

int nfips_store_sig_targets(struct nfips_store *s, int64_t since, int64_t until,
			    uint32_t gid, uint32_t sid,
			    int (*fn)(void *arg, const uint8_t dst[16], uint64_t n),
			    void *arg, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	/* alerts_sid leads with sid: one stretch of the index */
	if (prep(s, "SELECT dst, count(*) FROM alerts WHERE sid = ?3 AND gid = ?4"
		 " AND (?1 = 0 OR ts >= ?1) AND (?2 = 0 OR ts < ?2)"
		 " GROUP BY dst ORDER BY 2 DESC, dst", &st, err, errlen))
		return -1;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, until);
	sqlite3_bind_int64(st, 3, sid);
	sqlite3_bind_int64(st, 4, gid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		uint8_t a[16] = { 0 };

		if (sqlite3_column_bytes(st, 0) == 16)
			memcpy(a, sqlite3_column_blob(st, 0), 16);
		if (fn(arg, a, (uint64_t)sqlite3_column_int64(st, 1))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return done(s, st, rc, err, errlen);
}

int nfips_store_false_positives(struct nfips_store *s,
				int (*fn)(void *arg, uint32_t gid, uint32_t sid,
					  uint64_t incidents),
				void *arg, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	/*
	 * Every close is in incident_log (an incident closed as a false
	 * positive that fired again later is open now, and still was one).
	 */
	if (prep(s, "SELECT i.gid, i.sid, count(DISTINCT i.id) FROM incident_log l"
		 " JOIN incidents i ON i.id = l.incident WHERE l.state = 2"
		 " AND lower(substr(l.note, 1, 14)) = 'false positive'"
		 " GROUP BY i.gid, i.sid", &st, err, errlen))
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fn(arg, (uint32_t)sqlite3_column_int64(st, 0),
		       (uint32_t)sqlite3_column_int64(st, 1),
		       (uint64_t)sqlite3_column_int64(st, 2))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return done(s, st, rc, err, errlen);
}
