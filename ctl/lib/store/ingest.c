// SPDX-License-Identifier: GPL-2.0
/*
 * Ingestion. nfips_store_put() writes a batch of alerts, the incident
 * rows they update and the signatures they name in one transaction: a
 * commit is what makes an alert stored, a failed transaction stores
 * none of its batch (so a retry can never duplicate one).
 *
 * The writer thread is fed by a ring the packet path copies alerts into
 * under a lock held for one copy only: the writer takes its batch out
 * without the lock (the slots it copies are ones no producer writes
 * until it gives them back), so a producer never waits for SQLite or
 * the disk. A full ring refuses the alert and counts it unstored.
 *
 * Disk full (SQLITE_FULL): the batch is kept, the writer says so once
 * (NFIPS_STORE_FULL: nfipsd raises its own alert) and retries every
 * retry_ms; meanwhile the ring fills and what does not fit is counted.
 * The first commit that succeeds again reports NFIPS_STORE_RESUMED.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_int.h"

/* ---- one transaction ------------------------------------------------ */

static int prepare(struct nfips_store *s)
{
	if (s->ins_alert)
		return 0;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO alerts(ts, seq, gid, sid, rev, src,"
			       " dst, sport, dport, proto, blocked, grade, incident, iface,"
			       " discarded) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1,
			       &s->ins_alert, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT INTO sigs VALUES(?,?,?,?) ON CONFLICT"
			       " DO UPDATE SET rev = excluded.rev, msg = excluded.msg"
			       " WHERE rev IS NOT excluded.rev OR msg IS NOT excluded.msg",
			       -1, &s->ins_sig, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db,
			       "INSERT INTO incidents(id, gid, sid, src, dst, first_seen,"
			       " last_seen, count, blocked, allowed, grade, sample, sport, dport,"
			       " proto, reason)"
			       " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
			       " first_seen = min(first_seen, excluded.first_seen),"
			       " last_seen = max(last_seen, excluded.last_seen),"
			       " count = count + excluded.count,"
			       " blocked = blocked + excluded.blocked,"
			       " allowed = allowed + excluded.allowed,"
			       " grade = CASE WHEN excluded.grade IS NULL THEN grade"
			       "  WHEN grade IS NULL THEN excluded.grade"
			       "  ELSE max(grade, excluded.grade) END,"
			       " reopened = reopened + (state = 2),"
			       " state = CASE WHEN state = 2 THEN 0 ELSE state END,"
			       " sample = coalesce(sample, excluded.sample),"
			       /* the reason of the highest grade: what its mail quotes */
			       " reason = CASE WHEN reason IS NULL OR (excluded.grade IS NOT NULL"
			       "  AND (grade IS NULL OR excluded.grade > grade))"
			       "  THEN coalesce(excluded.reason, reason) ELSE reason END",
			       -1, &s->ups_inc, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT INTO agg VALUES(?,?,?,?,?,?,?,1)"
			       " ON CONFLICT DO UPDATE SET n = n + 1", -1,
			       &s->ups_agg, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT INTO hours VALUES(?, ?) ON CONFLICT(hour)"
			       " DO UPDATE SET n = n + excluded.n", -1,
			       &s->ups_hour, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT INTO days VALUES(" NFIPS_STORE_LOCAL_DAY("?1")
			       ",?2,?3,?4,?5,?6,?7,?8,?9,1) ON CONFLICT DO UPDATE SET n = n + 1",
			       -1, &s->ups_day, NULL) != SQLITE_OK) {
		nfips_store_ingest_finalize(s);
		return -1;
	}
	return 0;
}

void nfips_store_ingest_finalize(struct nfips_store *s)
{
	sqlite3_finalize(s->ins_alert);
	sqlite3_finalize(s->ins_sig);
	sqlite3_finalize(s->ups_inc);
	sqlite3_finalize(s->ups_agg);
	sqlite3_finalize(s->ups_hour);
	sqlite3_finalize(s->ups_day);
	s->ins_alert = s->ins_sig = s->ups_inc = s->ups_agg = s->ups_hour = NULL;
	s->ups_day = NULL;
}

/* One incident's update within a batch. */
struct inc_acc {
	uint64_t id;
	const struct nfips_store_alert *first;	/* carries key, sample */
	int64_t lo, hi;
	uint64_t count, blocked, allowed;
	int grade;
	const struct nfips_store_alert *top;	/* the first of the highest grade */
	const struct nfips_store_alert *sample;
};

#define BATCH_HOURS	8

struct batch_tabs {
	int64_t hour[BATCH_HOURS];	/* alerts per hour: a batch spans few */
	int64_t nhour[BATCH_HOURS];
	size_t nhours;
	struct inc_acc *inc;
	size_t inc_cap;
	uint64_t *sig;		/* gid << 32 | sid, 0 empty; ~0 for 0:0 */
	size_t sig_cap;
};

static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : rc;
}

static int put_sig(struct nfips_store *s, struct batch_tabs *t,
		   const struct nfips_store_alert *a)
{
	uint64_t k = (uint64_t)a->gid << 32 | a->sid;
	size_t h;

	if (!k)
		k = ~0ull;
	for (h = (k * 0x9e3779b97f4a7c15ull) & (t->sig_cap - 1); t->sig[h];
	     h = (h + 1) & (t->sig_cap - 1))
		if (t->sig[h] == k)
			return 0;
	t->sig[h] = k;
	sqlite3_bind_int64(s->ins_sig, 1, a->gid);
	sqlite3_bind_int64(s->ins_sig, 2, a->sid);
	sqlite3_bind_int64(s->ins_sig, 3, a->rev);
	sqlite3_bind_text(s->ins_sig, 4, a->msg, (int)strnlen(a->msg, sizeof(a->msg)),
			  SQLITE_STATIC);
	return step_done(s->ins_sig);
}

static void acc_inc(struct batch_tabs *t, const struct nfips_store_alert *a)
{
	struct inc_acc *c;
	size_t h;

	for (h = (a->incident * 0x9e3779b97f4a7c15ull) & (t->inc_cap - 1);
	     t->inc[h].id && t->inc[h].id != a->incident; h = (h + 1) & (t->inc_cap - 1))
		;
	c = &t->inc[h];
	if (!c->id) {
		c->id = a->incident;
		c->first = a;
		c->lo = c->hi = a->ts;
		c->grade = NFIPS_SGRADE_UNSET;
	}
	if (a->ts < c->lo)
		c->lo = a->ts;
	if (a->ts > c->hi)
		c->hi = a->ts;
	c->count++;
	if (a->blocked)
		c->blocked++;
	else
		c->allowed++;
	if (a->grade > c->grade || !c->top) {
		c->grade = a->grade > c->grade ? a->grade : c->grade;
		c->top = a;
	}
	if (a->incident_new && !c->sample)
		c->sample = a;
}

static int put_inc(struct nfips_store *s, const struct inc_acc *c)
{
	sqlite3_stmt *st = s->ups_inc;
	const struct nfips_store_alert *a = c->first;

	sqlite3_bind_int64(st, 1, (int64_t)c->id);
	sqlite3_bind_int64(st, 2, a->gid);
	sqlite3_bind_int64(st, 3, a->sid);
	sqlite3_bind_blob(st, 4, a->src, 16, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, a->dst, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, c->lo);
	sqlite3_bind_int64(st, 7, c->hi);
	sqlite3_bind_int64(st, 8, (int64_t)c->count);
	sqlite3_bind_int64(st, 9, (int64_t)c->blocked);
	sqlite3_bind_int64(st, 10, (int64_t)c->allowed);
	if (c->grade >= 0)
		sqlite3_bind_int(st, 11, c->grade);
	else
		sqlite3_bind_null(st, 11);
	if (c->sample)
		sqlite3_bind_blob(st, 12, c->sample->sample,
				  c->sample->sample_len > NFIPS_STORE_SAMPLE ?
				  NFIPS_STORE_SAMPLE : c->sample->sample_len,
				  SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 12);
	sqlite3_bind_int(st, 13, a->sport);
	sqlite3_bind_int(st, 14, a->dport);
	sqlite3_bind_int(st, 15, a->proto);
	if (c->top && c->top->reason[0])
		sqlite3_bind_text(st, 16, c->top->reason,
				  (int)strnlen(c->top->reason, sizeof(c->top->reason)),
				  SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 16);
	return step_done(st);
}

static int put_hours(struct nfips_store *s, struct batch_tabs *t)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < t->nhours; i++) {
		sqlite3_bind_int64(s->ups_hour, 1, t->hour[i]);
		sqlite3_bind_int64(s->ups_hour, 2, t->nhour[i]);
		rc = step_done(s->ups_hour);
	}
	t->nhours = 0;
	return rc;
}

/* Counts @a in its hour; a full table is written out first. */
static int count_hour(struct nfips_store *s, struct batch_tabs *t,
		      const struct nfips_store_alert *a)
{
	int64_t h = a->ts >= 0 ? a->ts / USEC_HOUR : (a->ts - USEC_HOUR + 1) / USEC_HOUR;
	size_t i;
	int rc;

	for (i = 0; i < t->nhours; i++)
		if (t->hour[i] == h) {
			t->nhour[i]++;
			return 0;
		}
	if (t->nhours == BATCH_HOURS && (rc = put_hours(s, t)))
		return rc;
	t->hour[t->nhours] = h;
	t->nhour[t->nhours++] = 1;
	return 0;
}

static int put_alert(struct nfips_store *s, const struct nfips_store_alert *a)
{
	sqlite3_stmt *st = s->ins_alert;
	int rc;

	sqlite3_bind_int64(st, 1, a->ts);
	sqlite3_bind_int64(st, 2, (int64_t)a->sequence);
	sqlite3_bind_int64(st, 3, a->gid);
	sqlite3_bind_int64(st, 4, a->sid);
	sqlite3_bind_int64(st, 5, a->rev);
	sqlite3_bind_blob(st, 6, a->src, 16, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, a->dst, 16, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, a->sport);
	sqlite3_bind_int(st, 9, a->dport);
	sqlite3_bind_int(st, 10, a->proto);
	sqlite3_bind_int(st, 11, a->blocked);
	if (a->grade >= 0)
		sqlite3_bind_int(st, 12, a->grade);
	else
		sqlite3_bind_null(st, 12);
	if (a->incident)
		sqlite3_bind_int64(st, 13, (int64_t)a->incident);
	else
		sqlite3_bind_null(st, 13);
	if (a->iface[0])
		sqlite3_bind_text(st, 14, a->iface, (int)strnlen(a->iface, sizeof(a->iface)),
				  SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 14);
	if (a->discarded)
		sqlite3_bind_int64(st, 15, a->discarded);
	else
		sqlite3_bind_null(st, 15);
	rc = step_done(st);
	if (rc || a->ts >= s->rolled)
		return rc;
	/* A late alert for an hour already rolled up: its aggregate too. */
	st = s->ups_agg;
	sqlite3_bind_int64(st, 1, a->ts / USEC_HOUR);
	sqlite3_bind_int64(st, 2, a->gid);
	sqlite3_bind_int64(st, 3, a->sid);
	sqlite3_bind_blob(st, 4, a->src, 16, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, a->dst, 16, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, a->grade >= 0 ? a->grade : -1);
	sqlite3_bind_int(st, 7, a->blocked);
	rc = step_done(st);
	if (rc)
		return rc;
	/* and its day's */
	st = s->ups_day;
	sqlite3_bind_int64(st, 1, a->ts);
	sqlite3_bind_int64(st, 2, a->gid);
	sqlite3_bind_int64(st, 3, a->sid);
	sqlite3_bind_blob(st, 4, a->src, 16, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, a->dst, 16, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, a->dport);
	sqlite3_bind_int(st, 7, a->proto);
	sqlite3_bind_int(st, 8, a->grade >= 0 ? a->grade : -1);
	sqlite3_bind_int(st, 9, a->blocked);
	return step_done(st);
}

static size_t pow2_above(size_t n)
{
	size_t c = 16;

	while (c < 2 * n)
		c *= 2;
	return c;
}

int nfips_store_put(struct nfips_store *s, const struct nfips_store_alert *a,
		    size_t n)
{
	struct batch_tabs t = { 0 };
	int rc = 0;
	size_t i;

	if (!n)
		return 0;
	if (!s->db || prepare(s))
		return -EIO;
	t.inc_cap = t.sig_cap = pow2_above(n);
	t.inc = calloc(t.inc_cap, sizeof(*t.inc));
	t.sig = calloc(t.sig_cap, sizeof(*t.sig));
	if (!t.inc || !t.sig) {
		free(t.inc);
		free(t.sig);
		return -ENOMEM;
	}
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (i = 0; !rc && i < n; i++) {
		rc = put_sig(s, &t, &a[i]);
		if (!rc)
			rc = put_alert(s, &a[i]);
		if (!rc)
			rc = count_hour(s, &t, &a[i]);
		if (!rc && a[i].incident)
			acc_inc(&t, &a[i]);
	}
	for (i = 0; !rc && i < t.inc_cap; i++)
		if (t.inc[i].id)
			rc = put_inc(s, &t.inc[i]);
	if (!rc)
		rc = put_hours(s, &t);
	if (!rc)
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	free(t.inc);
	free(t.sig);
	if (!rc)
		return 0;
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		return -EIO;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return -EBADMSG;
	default:
		return -EINVAL;
	}
}

/* ---- the writer thread ---------------------------------------------- */

struct nfips_store_writer {
	struct nfips_store *s;
	struct nfips_store_writer_cfg c;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct nfips_store_alert *ring;
	size_t head, count;		/* producers add at head */
	size_t tail;			/* the writer's only */
	bool stop;
	struct nfips_store_stats st;	/* under lock */
};

static void deadline_in(struct timespec *ts, uint32_t ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static uint64_t mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* Waits for a batch (or the flush time, or stop); the number to take. */
static size_t wait_batch(struct nfips_store_writer *w, bool *stop)
{
	struct timespec dl;
	size_t n;

	pthread_mutex_lock(&w->lock);
	if (w->count < w->c.batch && !w->stop) {
		deadline_in(&dl, w->c.flush_ms);
		while (w->count < w->c.batch && !w->stop &&
		       pthread_cond_timedwait(&w->cond, &w->lock, &dl) == 0)
			;
	}
	n = w->count < w->c.batch ? w->count : w->c.batch;
	*stop = w->stop;
	pthread_mutex_unlock(&w->lock);
	return n;
}

static void take(struct nfips_store_writer *w, struct nfips_store_alert *out, size_t n)
{
	size_t cap = w->c.queue, first = cap - w->tail < n ? cap - w->tail : n;

	memcpy(out, w->ring + w->tail, first * sizeof(*out));
	memcpy(out + first, w->ring, (n - first) * sizeof(*out));
	w->tail = (w->tail + n) % cap;
	pthread_mutex_lock(&w->lock);
	w->count -= n;
	pthread_mutex_unlock(&w->lock);
}

static void sleep_ms(struct nfips_store_writer *w, uint32_t ms)
{
	struct timespec dl;

	deadline_in(&dl, ms);
	pthread_mutex_lock(&w->lock);
	while (!w->stop && pthread_cond_timedwait(&w->cond, &w->lock, &dl) == 0)
		;
	pthread_mutex_unlock(&w->lock);
}

static void event(struct nfips_store_writer *w, enum nfips_store_event ev,
		  const char *why)
{
	uint64_t unstored;

	pthread_mutex_lock(&w->lock);
	unstored = w->st.unstored;
	pthread_mutex_unlock(&w->lock);
	if (w->c.on_event)
		w->c.on_event(w->c.arg, ev, unstored, why);
}

/*
 * Commits @n alerts. A full disk, a store busy beyond busy_ms or an I/O
 * error is waited out, the batch kept (unless stopping); a corrupt store
 * is moved aside and a fresh one started, then the batch retried. Only
 * another error (a bug) loses the batch.
 */
static void commit(struct nfips_store_writer *w, struct nfips_store_alert *b, size_t n)
{
	bool full = false;
	char why[300];
	int rc;

	for (;;) {
		rc = nfips_store_put(w->s, b, n);
		if (rc != -ENOSPC && rc != -EBUSY && rc != -EIO && rc != -EBADMSG)
			break;
		if (!full) {
			full = true;
			pthread_mutex_lock(&w->lock);
			w->st.full = true;
			pthread_mutex_unlock(&w->lock);
			snprintf(why, sizeof(why), "%s",
				 rc == -ENOSPC ? "no space left on the store's device" :
				 sqlite3_errmsg(w->s->db));
			event(w, NFIPS_STORE_FULL, why);
		}
		if ((rc == -EBADMSG || !w->s->db) &&
		    nfips_store_fresh(w->s, why, sizeof(why)) == 0)
			event(w, NFIPS_STORE_MOVED, why);
		pthread_mutex_lock(&w->lock);
		if (w->stop) {
			w->st.unstored += n;
			pthread_mutex_unlock(&w->lock);
			return;
		}
		pthread_mutex_unlock(&w->lock);
		sleep_ms(w, w->c.retry_ms);
	}
	pthread_mutex_lock(&w->lock);
	if (rc) {
		w->st.unstored += n;
	} else {
		w->st.stored += n;
		w->st.batches++;
	}
	w->st.full = false;
	pthread_mutex_unlock(&w->lock);
	if (rc)
		event(w, NFIPS_STORE_FAILED, sqlite3_errmsg(w->s->db));
	else if (full)
		event(w, NFIPS_STORE_RESUMED, "writing again");
	if (!rc && w->c.on_commit)
		w->c.on_commit(w->c.arg, &b[n - 1], n);
}

static void *writer_main(void *arg)
{
	struct nfips_store_writer *w = arg;
	struct nfips_store_alert *b = malloc(w->c.batch * sizeof(*b));
	uint64_t next_upkeep = 0;
	bool stop = false;
	int more = 0;

	if (!b)
		return NULL;
	for (;;) {
		size_t n = wait_batch(w, &stop);

		if (n) {
			take(w, b, n);
			commit(w, b, n);
		}
		/* Upkeep between batches: each step is short (retention.c). */
		if (!stop && (more > 0 || mono_ms() >= next_upkeep)) {
			more = nfips_store_retention_step(w->s, 2000);
			if (more <= 0)
				next_upkeep = mono_ms() + 10000;
		}
		if (stop && !n)
			break;
	}
	free(b);
	return NULL;
}

struct nfips_store_writer *nfips_store_writer_start(struct nfips_store *s,
						    const struct nfips_store_writer_cfg *c,
						    char *err, size_t errlen)
{
	struct nfips_store_writer *w = calloc(1, sizeof(*w));
	int rc;

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->s = s;
	w->c = *c;
	if (!w->c.queue)
		w->c.queue = 65536;
	if (!w->c.batch)
		w->c.batch = 32768;
	if (!w->c.flush_ms)
		w->c.flush_ms = 200;
	if (!w->c.retry_ms)
		w->c.retry_ms = 1000;
	w->ring = calloc(w->c.queue, sizeof(*w->ring));
	if (!w->ring) {
		snprintf(err, errlen, "out of memory (store queue of %u)", w->c.queue);
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	rc = pthread_create(&w->thread, NULL, writer_main, w);
	if (rc) {
		snprintf(err, errlen, "store writer thread: %s", strerror(rc));
		free(w->ring);
		free(w);
		return NULL;
	}
	return w;
}

bool nfips_store_submit(struct nfips_store_writer *w,
			const struct nfips_store_alert *a)
{
	bool ok;

	pthread_mutex_lock(&w->lock);
	w->st.submitted++;
	ok = w->count < w->c.queue && !w->stop;
	if (ok) {
		w->ring[w->head] = *a;
		w->head = (w->head + 1) % w->c.queue;
		if (++w->count == w->c.batch)
			pthread_cond_signal(&w->cond);
	} else {
		w->st.unstored++;
	}
	pthread_mutex_unlock(&w->lock);
	return ok;
}

void nfips_store_writer_stats(struct nfips_store_writer *w,
			      struct nfips_store_stats *st)
{
	pthread_mutex_lock(&w->lock);
	*st = w->st;
	st->retention_removed = w->s->removed;
	pthread_mutex_unlock(&w->lock);
}

void nfips_store_writer_stop(struct nfips_store_writer *w,
			     struct nfips_store_stats *st)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	if (st)
		nfips_store_writer_stats(w, st);
	nfips_store_close(w->s);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w->ring);
	free(w);
}
