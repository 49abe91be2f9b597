// SPDX-License-Identifier: GPL-2.0
/*
 * Incidents: alerts of one gid:sid from one source to one destination
 * fold into one incident while each comes at most the window (default
 * one hour) after the one before, so a flood lasting longer than the
 * window is still one incident.
 *
 * The packet path needs the incident's id before the EVE record is
 * written, and must not wait for the disk: the fold is a table in
 * memory (key -> id, last seen), loaded at open from the incidents still
 * within their window, so incidents carry on across a restart. The rows
 * (count, first/last seen, grade, actions) are updated by the writer in
 * its batches (ingest.c); ack and close are written by nfipsctl into the
 * same rows, and an alert folding into a closed incident re-opens it
 * there (the database decides, so nfipsd needs no word from nfipsctl).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/*
 * Overflow incidents (one per gid:sid whose new keys found the table
 * full) may exceed the cap by this many: they are bounded by the rules.
 */
#define OVERFLOW_MAX	65536u
#define EVICT_PER_ADD	2	/* stale keys dropped per new key: O(1) */
#define ID_BLOCK	4096	/* incident ids reserved per commit */
#define RESERVE_WAIT_MS	200	/* the packet path waits no longer */

static uint64_t hash_key(const struct nfips_inc_tracker *t, uint32_t gid,
			 uint32_t sid, const uint8_t *src, const uint8_t *dst,
			 bool overflow)
{
	uint8_t k[41];

	memcpy(k, &gid, 4);
	memcpy(k + 4, &sid, 4);
	memcpy(k + 8, src, 16);
	memcpy(k + 24, dst, 16);
	k[40] = overflow;
	return nfips_siphash(&t->key, k, sizeof(k));
}

static int grow(struct nfips_inc_tracker *t)
{
	size_t nb = t->nbuckets ? t->nbuckets * 2 : 1024, i;
	struct nfips_inc_ent **b = calloc(nb, sizeof(*b));

	if (!b)
		return -1;
	for (i = 0; i < t->nbuckets; i++) {
		struct nfips_inc_ent *e = t->buckets[i], *next;

		for (; e; e = next) {
			size_t h = e->hash & (nb - 1);

			next = e->next;
			e->next = b[h];
			b[h] = e;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = nb;
	return 0;
}

static void lru_unlink(struct nfips_inc_tracker *t, struct nfips_inc_ent *e)
{
	if (e->older)
		e->older->newer = e->newer;
	else
		t->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		t->newest = e->older;
	e->older = e->newer = NULL;
}

static void lru_push(struct nfips_inc_tracker *t, struct nfips_inc_ent *e)
{
	e->older = t->newest;
	e->newer = NULL;
	if (t->newest)
		t->newest->newer = e;
	else
		t->oldest = e;
	t->newest = e;
}

static void drop(struct nfips_inc_tracker *t, struct nfips_inc_ent *e)
{
	struct nfips_inc_ent **pp = &t->buckets[e->hash & (t->nbuckets - 1)];

	for (; *pp != e; pp = &(*pp)->next)
		t->visited++;
	*pp = e->next;
	lru_unlink(t, e);
	if (e->overflow)
		t->n_overflow--;
	else
		t->n--;
	free(e);
}

/*
 * Drops up to @max of the least recently touched keys whose incident
 * ended before @now - window. Alerts come nearly in time order, so the
 * least recently touched is the stalest: when it is still live, so is
 * (nearly) every other key, and there is nothing to look further for.
 */
static void evict(struct nfips_inc_tracker *t, int64_t now, int max)
{
	while (max-- > 0 && t->oldest) {
		t->visited++;
		if (now - t->oldest->last <= t->window)
			return;
		drop(t, t->oldest);
	}
}

static struct nfips_inc_ent *add(struct nfips_inc_tracker *t, uint32_t gid,
				 uint32_t sid, const uint8_t *src,
				 const uint8_t *dst, bool overflow, int64_t ts)
{
	struct nfips_inc_ent *e;
	size_t h;

	evict(t, ts, EVICT_PER_ADD);
	if (overflow ? t->n_overflow >= OVERFLOW_MAX : t->n >= t->max)
		return NULL;
	if (t->n + t->n_overflow >= t->nbuckets && grow(t))
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->gid = gid;
	e->sid = sid;
	memcpy(e->src, src, 16);
	memcpy(e->dst, dst, 16);
	e->overflow = overflow;
	e->last = ts;
	e->hash = hash_key(t, gid, sid, src, dst, overflow);
	h = e->hash & (t->nbuckets - 1);
	e->next = t->buckets[h];
	t->buckets[h] = e;
	lru_push(t, e);
	if (overflow)
		t->n_overflow++;
	else
		t->n++;
	return e;
}

static struct nfips_inc_ent *find(struct nfips_inc_tracker *t, uint32_t gid,
				  uint32_t sid, const uint8_t *src,
				  const uint8_t *dst, bool overflow)
{
	struct nfips_inc_ent *e;

	if (!t->nbuckets)
		return NULL;
	e = t->buckets[hash_key(t, gid, sid, src, dst, overflow) & (t->nbuckets - 1)];
	for (; e; e = e->next) {
		t->visited++;
		if (e->gid == gid && e->sid == sid && e->overflow == overflow &&
		    !memcmp(e->src, src, 16) && !memcmp(e->dst, dst, 16))
			return e;
	}
	return NULL;
}

/*
 * Commits meta incident_hwm = next_id + ID_BLOCK. Once per ID_BLOCK new
 * incidents, on the packet path: it waits for the writer's transaction
 * (one batch), at most RESERVE_WAIT_MS. If it fails, ids are still handed out (alerts are
 * not held back), counted in reserve_failed.
 */
static int reserve(struct nfips_inc_tracker *t)
{
	uint64_t hwm = t->next_id + ID_BLOCK;
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_ERROR;

	if (t->rdb && sqlite3_prepare_v2(t->rdb, "INSERT INTO meta VALUES('incident_hwm', ?)"
					 " ON CONFLICT(key) DO UPDATE SET value ="
					 " max(value, excluded.value)", -1, &st,
					 NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (int64_t)hwm);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	/*
	 * Failed (the store busy or not writable): the block is handed out
	 * anyway, so that the packet path tries again one block later, not
	 * at every new incident.
	 */
	t->reserved = hwm;
	if (rc != SQLITE_DONE)
		t->reserve_failed++;
	return rc == SQLITE_DONE ? 0 : -1;
}

static uint64_t new_id(struct nfips_inc_tracker *t)
{
	if (t->next_id >= t->reserved)
		reserve(t);
	return t->next_id++;
}

/* The key's incident: the current one within the window, else a new one. */
static uint64_t fold(struct nfips_inc_tracker *t, struct nfips_inc_ent *e,
		     int64_t ts, bool *is_new)
{
	lru_unlink(t, e);
	lru_push(t, e);
	if (ts - e->last <= t->window && e->id) {
		/* Workers' alerts may come slightly out of time order. */
		if (ts > e->last)
			e->last = ts;
		return e->id;
	}
	e->id = new_id(t);
	e->last = ts;
	*is_new = true;
	return e->id;
}

uint64_t nfips_store_incident(struct nfips_store *s, uint32_t gid, uint32_t sid,
			      const uint8_t src[16], const uint8_t dst[16],
			      int64_t ts, bool *is_new)
{
	struct nfips_inc_tracker *t = s ? s->trk : NULL;
	struct nfips_inc_ent *e;
	uint64_t id;

	*is_new = false;
	if (!t)
		return 0;
	pthread_mutex_lock(&t->lock);
	e = find(t, gid, sid, src, dst, false);
	if (!e)
		e = add(t, gid, sid, src, dst, false, ts);
	if (!e) {
		/*
		 * Full of live keys (a flood of spoofed sources): the new
		 * key's alerts fold into the sid's overflow incident, which
		 * carries the first such alert's source and destination.
		 */
		static const uint8_t any[16];

		e = find(t, gid, sid, any, any, true);
		if (!e)
			e = add(t, gid, sid, any, any, true, ts);
		if (e)
			t->overflowed++;
	}
	if (e) {
		id = fold(t, e, ts, is_new);
	} else {
		id = new_id(t);
		*is_new = true;
		t->untracked++;
	}
	pthread_mutex_unlock(&t->lock);
	return id;
}

void nfips_store_set_window(struct nfips_store *s, uint64_t usec)
{
	/* A policy reload, while workers fold alerts under this lock. */
	if (!s->trk) {
		s->o.window_usec = usec;
		return;
	}
	pthread_mutex_lock(&s->trk->lock);
	s->o.window_usec = usec;
	s->trk->window = (int64_t)usec;
	pthread_mutex_unlock(&s->trk->lock);
}

int nfips_inc_tracker_load(struct nfips_store *s, char *err, size_t errlen)
{
	struct nfips_inc_tracker *t = calloc(1, sizeof(*t));
	sqlite3_stmt *st = NULL;
	int64_t now = nfips_store_now(s);
	int rc;

	if (!t) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pthread_mutex_init(&t->lock, NULL);
	nfips_hkey_random(&t->key);
	t->window = (int64_t)s->o.window_usec;
	t->max = s->o.incident_keys ? s->o.incident_keys : NFIPS_STORE_INCIDENT_KEYS;
	t->next_id = 1;
	s->trk = t;
	if (sqlite3_prepare_v2(s->db, "SELECT coalesce(max(id), 0) FROM incidents",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	t->next_id = (uint64_t)sqlite3_column_int64(st, 0) + 1;
	sqlite3_finalize(st);
	st = NULL;
	{
		int64_t hwm = 0;

		if (nfips_store_meta_get(s, "incident_hwm", &hwm) < 0)
			goto fail;
		if (hwm > 0 && (uint64_t)hwm > t->next_id)
			t->next_id = (uint64_t)hwm;
	}
	if (sqlite3_open_v2(s->path, &t->rdb, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: incident ids: %s", s->path,
			 t->rdb ? sqlite3_errmsg(t->rdb) : "out of memory");
		return -1;
	}
	sqlite3_busy_timeout(t->rdb, RESERVE_WAIT_MS);
	if (reserve(t)) {
		snprintf(err, errlen, "%s: incident ids: %s", s->path,
			 sqlite3_errmsg(t->rdb));
		return -1;
	}
	if (sqlite3_prepare_v2(s->db, "SELECT id, gid, sid, src, dst, last_seen FROM"
			       " incidents WHERE last_seen >= ? ORDER BY id", -1,
			       &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, now - t->window);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *src = sqlite3_column_blob(st, 3), *dst = sqlite3_column_blob(st, 4);
		struct nfips_inc_ent *e;

		if (sqlite3_column_bytes(st, 3) != 16 || sqlite3_column_bytes(st, 4) != 16)
			continue;
		e = find(t, (uint32_t)sqlite3_column_int64(st, 1),
			 (uint32_t)sqlite3_column_int64(st, 2), src, dst, false);
		if (!e)
			e = add(t, (uint32_t)sqlite3_column_int64(st, 1),
				(uint32_t)sqlite3_column_int64(st, 2), src, dst, false,
				sqlite3_column_int64(st, 5));
		if (!e)
			break;
		e->last = sqlite3_column_int64(st, 5);
		/* a later incident of the same key replaces an earlier one */
		e->id = (uint64_t)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return 0;
fail:
	snprintf(err, errlen, "%s: incidents: %s", s->path, sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return -1;
}

void nfips_inc_tracker_reopen(struct nfips_store *s)
{
	struct nfips_inc_tracker *t = s->trk;

	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	sqlite3_close(t->rdb);
	t->rdb = NULL;
	if (sqlite3_open_v2(s->path, &t->rdb, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK)
		sqlite3_busy_timeout(t->rdb, RESERVE_WAIT_MS);
	reserve(t);
	pthread_mutex_unlock(&t->lock);
}

void nfips_inc_tracker_free(struct nfips_inc_tracker *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nbuckets; i++) {
		struct nfips_inc_ent *e = t->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(t->buckets);
	sqlite3_close(t->rdb);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

int nfips_store_incident_set(struct nfips_store *s, uint64_t id,
			     enum nfips_incident_state state, const char *note,
			     const char *by, char *err, size_t errlen)
{
	sqlite3_stmt *up = NULL, *log = NULL;
	int64_t now = nfips_store_now(s);
	int rc;

	if (nfips_store_exec(s, "BEGIN IMMEDIATE", err, errlen))
		return -1;
	rc = sqlite3_prepare_v2(s->db, "UPDATE incidents SET state = ?, note = ?,"
				" by = ?, changed = ? WHERE id = ?", -1, &up, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, "INSERT INTO incident_log VALUES(?, ?, ?, ?, ?)",
					-1, &log, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_bind_int(up, 1, (int)state);
	sqlite3_bind_text(up, 2, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(up, 3, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(up, 4, now);
	sqlite3_bind_int64(up, 5, (int64_t)id);
	if (sqlite3_step(up) != SQLITE_DONE)
		goto fail;
	if (!sqlite3_changes(s->db)) {
		snprintf(err, errlen, "%s: no incident %llu", s->path,
			 (unsigned long long)id);
		goto out;
	}
	sqlite3_bind_int64(log, 1, (int64_t)id);
	sqlite3_bind_int64(log, 2, now);
	sqlite3_bind_int(log, 3, (int)state);
	sqlite3_bind_text(log, 4, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(log, 5, by, -1, SQLITE_STATIC);
	if (sqlite3_step(log) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(up);
	sqlite3_finalize(log);
	return nfips_store_exec(s, "COMMIT", err, errlen) ? -1 : 0;
fail:
	snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
out:
	sqlite3_finalize(up);
	sqlite3_finalize(log);
	nfips_store_exec(s, "ROLLBACK", NULL, 0);
	return -1;
}
