// SPDX-License-Identifier: GPL-2.0
/*
 * Opening the store: the file is checked before it is trusted, created
 * or migrated to NFIPS_STORE_VERSION, and set to WAL with the fsync
 * policy of Documentation/store.rst (synchronous=FULL: a commit is on
 * disk when it returns, so "committed" survives a power cut).
 *
 * A file that is not a database, is shorter than its header says
 * (truncated) or fails SQLite's quick_check is never written over: it is
 * renamed PATH.corrupt-YYYYmmddTHHMMSSZ with its WAL, and only a writer
 * then starts a new store. A schema newer than this code is refused: an
 * older nfipsd must not write into a newer layout.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store_int.h"

/* quick_check reads every page: at start only below this size. */
#define QUICK_CHECK_MAX	(256ll << 20)

static const char *const schema_v1[] = {
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER) WITHOUT ROWID",
	"CREATE TABLE sigs(gid INTEGER, sid INTEGER, rev INTEGER, msg TEXT,"
	" PRIMARY KEY(gid, sid)) WITHOUT ROWID",
	/* grade NULL: not graded. id: the order alerts were committed in. */
	"CREATE TABLE alerts(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,"
	" seq INTEGER, gid INTEGER, sid INTEGER, rev INTEGER, src BLOB, dst BLOB,"
	" sport INTEGER, dport INTEGER, proto INTEGER, blocked INTEGER,"
	" grade INTEGER, incident INTEGER)",
	/* time ranges, retention, counts by hour and day */
	"CREATE INDEX alerts_ts ON alerts(ts)",
	/* a sid and a source network (the 200 ms query) */
	"CREATE INDEX alerts_sid ON alerts(sid, src, ts)",
	/* state: 0 open, 1 acked, 2 closed */
	"CREATE TABLE incidents(id INTEGER PRIMARY KEY, gid INTEGER, sid INTEGER,"
	" src BLOB, dst BLOB, first_seen INTEGER, last_seen INTEGER,"
	" count INTEGER, blocked INTEGER, allowed INTEGER, grade INTEGER,"
	" state INTEGER NOT NULL DEFAULT 0, reopened INTEGER NOT NULL DEFAULT 0,"
	" note TEXT, by TEXT, changed INTEGER, sample BLOB)",
	"CREATE INDEX incidents_last ON incidents(last_seen)",
	"CREATE TABLE incident_log(incident INTEGER, ts INTEGER, state INTEGER,"
	" note TEXT, by TEXT)",
	/* hourly aggregates kept 13 months; grade -1: not graded */
	"CREATE TABLE agg(hour INTEGER, gid INTEGER, sid INTEGER, src BLOB,"
	" dst BLOB, grade INTEGER, blocked INTEGER, n INTEGER,"
	" UNIQUE(hour, gid, sid, src, dst, grade, blocked))",
	NULL,
};

/*
 * Version 2: alerts per UTC hour, kept with the raw alerts (ingest adds,
 * retention subtracts what it removes), so that counting days or hours
 * of 92 days reads a few thousand rows instead of 9 million index
 * entries. Migrating fills it from the alerts there are.
 */
static const char *const schema_v2[] = {
	"CREATE TABLE hours(hour INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
	"INSERT INTO hours SELECT ts / 3600000000, count(*) FROM alerts GROUP BY 1",
	NULL,
};

/*
 * Version 3: the (sid, src) index carries every column a listing shows,
 * so that one sid and a source network read one contiguous stretch of
 * the index instead of one table lookup per alert (9 M alerts: 18,000
 * rows in well under 200 ms).
 */
static const char *const schema_v3[] = {
	"DROP INDEX alerts_sid",
	"CREATE INDEX alerts_sid ON alerts(sid, src, ts, dst, sport, dport, proto,"
	" blocked, grade, incident, gid, rev, seq)",
	NULL,
};

/*
 * Version 4: the interface an alert came in on (the reports' classic
 * table), and daily aggregates for the monthly reports of months whose
 * raw alerts retention removed: per local day of the customer (the
 * process's zone, nfipsd sets it from customer.timezone), signature,
 * source, destination, destination port, protocol, grade and action,
 * rolled up with the hourly ones and kept years (NFIPS_STORE_DAYS_KEEP).
 * Migrating fills them from the alerts already rolled up.
 */
static const char *const schema_v4[] = {
	"ALTER TABLE alerts ADD COLUMN iface TEXT",
	/* without rowid: a report reads a range of days in key order, n in
	 * the row, no lookups */
	"CREATE TABLE days(day INTEGER, gid INTEGER, sid INTEGER, src BLOB, dst BLOB,"
	" dport INTEGER, proto INTEGER, grade INTEGER, blocked INTEGER, n INTEGER,"
	" PRIMARY KEY(day, gid, sid, src, dst, dport, proto, grade, blocked)) WITHOUT ROWID",
	"CREATE INDEX days_sid ON days(sid, gid, day)",
	"INSERT INTO days SELECT " NFIPS_STORE_LOCAL_DAY("ts") ", gid, sid, src, dst,"
	" dport, proto, coalesce(grade, -1), blocked, count(*) FROM alerts"
	" WHERE ts < coalesce((SELECT value FROM meta WHERE key = 'rolled'), 0)"
	" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9",
	NULL,
};

/*
 * Version 5: mail to the contacts (Documentation/notify.rst). An
 * incident keeps its first alert's ports and protocol and the reason of
 * its highest grade, which its mail quotes; the outgoing mails are a
 * queue here, with every attempt, so that an SMTP outage delays mail
 * but never loses it, and a restart neither forgets nor repeats one.
 * state: 0 pending, 1 sent, 2 failed for good.
 */
static const char *const schema_v5[] = {
	"ALTER TABLE incidents ADD COLUMN sport INTEGER",
	"ALTER TABLE incidents ADD COLUMN dport INTEGER",
	"ALTER TABLE incidents ADD COLUMN proto INTEGER",
	"ALTER TABLE incidents ADD COLUMN reason TEXT",
	"CREATE TABLE mails(id INTEGER PRIMARY KEY, incident INTEGER NOT NULL,"
	" kind INTEGER NOT NULL, grade INTEGER, count INTEGER, rcpt TEXT NOT NULL,"
	" lang TEXT, subject TEXT, message TEXT NOT NULL,"
	" state INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL,"
	" next_try INTEGER NOT NULL, done INTEGER, attempts INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT)",
	"CREATE INDEX mails_incident ON mails(incident)",
	"CREATE INDEX mails_due ON mails(state, next_try)",
	/* the hour's count of incidents mailed (notify.max_per_hour) */
	"CREATE INDEX mails_created ON mails(kind, created)",
	"CREATE TABLE mail_attempts(mail INTEGER NOT NULL, ts INTEGER NOT NULL,"
	" ok INTEGER NOT NULL, outcome TEXT)",
	"CREATE INDEX mail_attempts_mail ON mail_attempts(mail)",
	NULL,
};

/*
 * Version 6: blocks and unblocks (nfipsctl block, unblock), one row each,
 * kept for good: who, why, when, until (blocks.c).
 */
static const char *const schema_v6[] = {
	"CREATE TABLE blocks(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,"
	" unblock INTEGER NOT NULL, addr TEXT NOT NULL, lo BLOB, hi BLOB,"
	" until INTEGER, reason TEXT, by TEXT)",
	"CREATE INDEX blocks_ts ON blocks(ts)",
	"CREATE INDEX blocks_addr ON blocks(addr, ts)",
	NULL,
};

/*
 * Version 7: an alert's packet raised more than packet-alert-max alerts;
 * how many of them were discarded (NULL: none), as its EVE record's
 * nfips.alerts_discarded.
 */
static const char *const schema_v7[] = {
	"ALTER TABLE alerts ADD COLUMN discarded INTEGER",
	NULL,
};

/*
 * Version 8: reverse DNS of the alerts' addresses, looked up by nfipsd
 * when they were stored (names.c), never by a report. One row per
 * address and result: a lookup giving the address's last result again
 * moves its checked time; a different result is a new row, so a report
 * of an old month shows the name the address had then. status: 0 name
 * forward-confirmed, 1 name not forward-confirmed, 2 no name (no PTR),
 * 3 the lookup failed (timeout, server failure).
 */
static const char *const schema_v8[] = {
	"CREATE TABLE names(addr BLOB NOT NULL, ts INTEGER NOT NULL,"
	" checked INTEGER NOT NULL, status INTEGER NOT NULL, name TEXT,"
	" PRIMARY KEY(addr, ts)) WITHOUT ROWID",
	"CREATE INDEX names_checked ON names(checked)",
	NULL,
};

static const char *const *const migrations[] = {
	schema_v1, schema_v2, schema_v3, schema_v4, schema_v5, schema_v6, schema_v7,
	schema_v8,
};

int nfips_store_exec(struct nfips_store *s, const char *sql, char *err,
		     size_t errlen)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		if (err)
			snprintf(err, errlen, "%s: %s", s->path,
				 msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

int nfips_store_meta_get(struct nfips_store *s, const char *key, int64_t *v)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int nfips_store_meta_set(struct nfips_store *s, const char *key, int64_t v)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "INSERT INTO meta VALUES(?, ?) ON CONFLICT(key)"
			       " DO UPDATE SET value = excluded.value", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int64_t nfips_store_now(const struct nfips_store *s)
{
	struct timespec t;

	if (s->o.clock)
		return s->o.clock(s->o.clock_arg);
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

const char *nfips_store_path(const struct nfips_store *s)
{
	return s->path;
}

/* A non-empty PATH-wal: commits a checkpoint has not copied yet. */
static bool wal_pending(const char *path)
{
	char wal[4200];
	struct stat st;

	if ((size_t)snprintf(wal, sizeof(wal), "%s-wal", path) >= sizeof(wal))
		return false;
	return !stat(wal, &st) && st.st_size > 0;
}

/*
 * What the file's own header says, before SQLite reads it: 0 fine (or
 * empty), else why not. A truncated file is shorter than page size x
 * page count (bytes 16-17 and 28-31), which SQLite would only notice at
 * the first read of a missing page.
 */
static const char *header_problem(const char *path, struct stat *st)
{
	unsigned char h[100];
	uint32_t psize, pages;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = fstat(fd, st) ? -1 : read(fd, h, sizeof(h));
	close(fd);
	if (n == 0)
		return NULL;
	if (n < (ssize_t)sizeof(h) || memcmp(h, "SQLite format 3", 16))
		return "not an SQLite database";
	psize = (uint32_t)h[16] << 8 | h[17];
	if (psize == 1)
		psize = 65536;
	pages = (uint32_t)h[28] << 24 | (uint32_t)h[29] << 16 | (uint32_t)h[30] << 8 | h[31];
	if (psize < 512 || (psize & (psize - 1)))
		return "bad page size in the header";
	/*
	 * The header count is valid when its version-valid-for matches. With
	 * a WAL beside it, a checkpoint cut short (a power cut) can leave page
	 * 1 written before the file grew: the WAL still holds every page and
	 * SQLite completes it, so the file is not judged by its size then.
	 */
	if (!memcmp(h + 24, h + 92, 4) && pages && !wal_pending(path) &&
	    (uint64_t)st->st_size < (uint64_t)psize * pages)
		return "truncated (shorter than its header says)";
	return NULL;
}

/* Renames @path (and its WAL) aside; the new name in @to. */
static int move_aside(const char *path, char *to, size_t tolen)
{
	char ts[32], a[4300], b[4300];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
	if ((size_t)snprintf(to, tolen, "%s.corrupt-%s", path, ts) >= tolen ||
	    strlen(to) + 5 > sizeof(b)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (rename(path, to))
		return -1;
	snprintf(a, sizeof(a), "%s-wal", path);
	snprintf(b, sizeof(b), "%s-wal", to);
	rename(a, b);
	snprintf(a, sizeof(a), "%s-shm", path);
	unlink(a);
	return 0;
}

static int open_db(struct nfips_store *s, int flags)
{
	int rc = sqlite3_open_v2(s->path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_extended_result_codes(s->db, 0);
	sqlite3_busy_timeout(s->db, s->o.busy_ms ? (int)s->o.busy_ms : 5000);
	return 0;
}

static void close_db(struct nfips_store *s)
{
	nfips_store_ingest_finalize(s);
	sqlite3_close_v2(s->db);
	s->db = NULL;
}

/* 0 fine, 1 corrupt (@why set), -1 another error (@err set). */
static int check(struct nfips_store *s, bool big, const char **why,
		 int64_t *version, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
		*why = sqlite3_errstr(rc);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
		return -1;
	}
	if (big || *version > NFIPS_STORE_VERSION)
		return 0;
	rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "ok")) {
		static char msg[256];

		snprintf(msg, sizeof(msg), "quick_check: %s", sqlite3_column_text(st, 0));
		*why = msg;
		rc = SQLITE_CORRUPT;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
		if (!*why)
			*why = sqlite3_errstr(rc);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

/* From @version (0: an empty file) to NFIPS_STORE_VERSION, one transaction. */
static int migrate(struct nfips_store *s, int64_t version, char *err, size_t errlen)
{
	char sql[64];
	int64_t v;
	int i;

	if (nfips_store_exec(s, "BEGIN IMMEDIATE", err, errlen))
		return -1;
	for (v = version; v < NFIPS_STORE_VERSION; v++)
		for (i = 0; migrations[v][i]; i++)
			if (nfips_store_exec(s, migrations[v][i], err, errlen))
				goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", NFIPS_STORE_VERSION);
	if (nfips_store_exec(s, sql, err, errlen) ||
	    nfips_store_exec(s, "COMMIT", err, errlen))
		goto fail;
	return 0;
fail:
	nfips_store_exec(s, "ROLLBACK", NULL, 0);
	return -1;
}

static int pragmas(struct nfips_store *s, char *err, size_t errlen)
{
	char sql[128], cache[64];

	snprintf(cache, sizeof(cache), "PRAGMA cache_size = -%u",
		 (s->o.cache_mb ? s->o.cache_mb : 64) * 1024);
	if (nfips_store_exec(s, cache, err, errlen))
		return -1;
	/* Readers map the file: no read() and copy per page visited. */
	if (s->o.readonly)
		return nfips_store_exec(s, "PRAGMA mmap_size = 4294967296", err, errlen) ?
		       -1 : 0;
	snprintf(sql, sizeof(sql), "PRAGMA synchronous = %s",
		 s->o.sync_normal ? "NORMAL" : "FULL");
	if (nfips_store_exec(s, "PRAGMA journal_mode = WAL", err, errlen) ||
	    nfips_store_exec(s, sql, err, errlen) ||
	    /* the WAL is cut back to this after checkpoints */
	    nfips_store_exec(s, "PRAGMA journal_size_limit = 67108864", err, errlen) ||
	    nfips_store_exec(s, "PRAGMA temp_store = MEMORY", err, errlen))
		return -1;
	return 0;
}

struct nfips_store *nfips_store_open(const struct nfips_store_opts *o,
				     char *err, size_t errlen, bool *moved)
{
	struct nfips_store *s = calloc(1, sizeof(*s));
	const char *why = NULL;
	int64_t version = 0;
	char aside[4200];
	struct stat st = { 0 };
	int flags, rc;

	if (moved)
		*moved = false;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->o = *o;
	s->path = strdup(o->path ? o->path : NFIPS_STORE_PATH);
	if (!s->path) {
		snprintf(err, errlen, "out of memory");
		free(s);
		return NULL;
	}
	s->o.path = s->path;
	if (!s->o.retention_days)
		s->o.retention_days = NFIPS_STORE_RETENTION_DAYS;
	if (!s->o.agg_days)
		s->o.agg_days = NFIPS_STORE_AGG_DAYS;
	if (!s->o.days_keep)
		s->o.days_keep = NFIPS_STORE_DAYS_KEEP;
	if (!s->o.window_usec)
		s->o.window_usec = NFIPS_STORE_WINDOW_USEC;

	if (o->readonly && access(s->path, F_OK)) {
		snprintf(err, errlen, "%s: %s (nfipsd creates the store when it "
			 "starts with one configured)", s->path, strerror(errno));
		goto fail;
	}
	if (!o->readonly) {
		/* /var/lib/nfips on a fresh install: create the last level. */
		char *dir = strdup(s->path), *slash = dir ? strrchr(dir, '/') : NULL;

		if (slash && slash != dir) {
			*slash = '\0';
			mkdir(dir, 0750);
		}
		free(dir);
	}
	/*
	 * Not for a second connection of this process (trusted): closing the
	 * descriptor header_problem() reads through would drop every POSIX
	 * lock the process holds on the file, the first connection's shared
	 * lock included, and the next process to close its own connection
	 * would think itself the last one and delete the WAL under nfipsd's
	 * writer (whose commits nobody would see again).
	 */
	if (!o->trusted)
		why = header_problem(s->path, &st);
	flags = o->readonly ? SQLITE_OPEN_READONLY :
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (!why) {
		rc = open_db(s, flags);
		if (rc) {
			snprintf(err, errlen, "%s: %s", s->path, sqlite3_errstr(rc));
			goto fail;
		}
		rc = check(s, st.st_size > QUICK_CHECK_MAX || o->trusted, &why, &version, err, errlen);
		if (rc < 0)
			goto fail;
		if (rc > 0)
			close_db(s);
	}
	if (why) {
		if (o->readonly) {
			snprintf(err, errlen, "%s: corrupt (%s); nfipsd moves it aside "
				 "when it starts", s->path, why);
			goto fail;
		}
		if (move_aside(s->path, aside, sizeof(aside))) {
			snprintf(err, errlen, "%s: corrupt (%s) and cannot be moved "
				 "aside: %s", s->path, why, strerror(errno));
			goto fail;
		}
		snprintf(err, errlen, "%s: corrupt (%s): moved aside as %s, a new "
			 "store is started", s->path, why, aside);
		if (moved)
			*moved = true;
		version = 0;
		rc = open_db(s, flags);
		if (rc) {
			snprintf(err, errlen, "%s: %s", s->path, sqlite3_errstr(rc));
			goto fail;
		}
	}
	if (version > NFIPS_STORE_VERSION) {
		snprintf(err, errlen, "%s: schema version %lld is newer than this "
			 "nfips (%d): refused, upgrade nfips", s->path,
			 (long long)version, NFIPS_STORE_VERSION);
		goto fail;
	}
	if (pragmas(s, err, errlen))
		goto fail;
	if (version == 0 && o->readonly) {
		snprintf(err, errlen, "%s: not an nfips store (empty)", s->path);
		goto fail;
	}
	/* An older schema: readers use what it has, a writer migrates it. */
	s->version = version;
	if (version < NFIPS_STORE_VERSION && !o->readonly) {
		if (migrate(s, version, err, errlen))
			goto fail;
		s->version = NFIPS_STORE_VERSION;
	}
	if (nfips_store_meta_get(s, "rolled", &s->rolled) < 0 ||
	    nfips_store_meta_get(s, "purged", &s->purged) < 0) {
		snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
		goto fail;
	}
	if (!o->readonly && !o->no_tracker && nfips_inc_tracker_load(s, err, errlen))
		goto fail;
	return s;
fail:
	nfips_store_close(s);
	return NULL;
}

int nfips_store_fresh(struct nfips_store *s, char *msg, size_t len)
{
	char aside[4200] = "(the file was gone)";
	int rc;

	if (s->db)
		close_db(s);
	if (!access(s->path, F_OK) && move_aside(s->path, aside, sizeof(aside))) {
		snprintf(msg, len, "%s: corrupt, cannot move it aside: %s", s->path,
			 strerror(errno));
		return -1;
	}
	rc = open_db(s, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	if (rc) {
		snprintf(msg, len, "%s: %s", s->path, sqlite3_errstr(rc));
		if (s->db)
			close_db(s);
		return -1;
	}
	if (pragmas(s, msg, len) || migrate(s, 0, msg, len)) {
		close_db(s);
		return -1;
	}
	s->version = NFIPS_STORE_VERSION;
	s->rolled = 0;
	s->purged = 0;
	nfips_inc_tracker_reopen(s);
	snprintf(msg, len, "%s: corrupt: moved aside as %s, a new store is started",
		 s->path, aside);
	return 0;
}

void nfips_store_close(struct nfips_store *s)
{
	if (!s)
		return;
	/* its id connection first: the store's is the last, it checkpoints */
	nfips_inc_tracker_free(s->trk);
	if (s->db)
		close_db(s);
	free(s->path);
	free(s);
}
