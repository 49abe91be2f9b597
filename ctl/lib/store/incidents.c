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

#define TRACK_MAX	(1u << 20)	/* keys held; beyond, stale ones go */

static uint64_t hash_key(const struct nfips_inc_tracker *t, uint32_t gid,
			 uint32_t sid, const uint8_t *src, const uint8_t *dst)
{
	uint8_t k[40];

	memcpy(k, &gid, 4);
	memcpy(k + 4, &sid, 4);
	memcpy(k + 8, src, 16);
	memcpy(k + 24, dst, 16);
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
			size_t h = hash_key(t, e->gid, e->sid, e->src, e->dst) & (nb - 1);

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

/* Drops the keys whose incident ended before @now - window. */
static void sweep(struct nfips_inc_tracker *t, int64_t now)
{
	size_t i;

	for (i = 0; i < t->nbuckets; i++) {
		struct nfips_inc_ent **pp = &t->buckets[i], *e;

		while ((e = *pp)) {
			if (now - e->last > t->window) {
				*pp = e->next;
				free(e);
				t->n--;
			} else {
				pp = &e->next;
			}
		}
	}
}

static struct nfips_inc_ent *add(struct nfips_inc_tracker *t, uint32_t gid,
				 uint32_t sid, const uint8_t *src,
				 const uint8_t *dst, int64_t ts)
{
	struct nfips_inc_ent *e;
	size_t h;

	if (t->n >= t->max)
		sweep(t, ts);
	if (t->n >= t->max)
		return NULL;
	if (t->n >= t->nbuckets && grow(t))
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->gid = gid;
	e->sid = sid;
	memcpy(e->src, src, 16);
	memcpy(e->dst, dst, 16);
	e->last = ts;
	h = hash_key(t, gid, sid, src, dst) & (t->nbuckets - 1);
	e->next = t->buckets[h];
	t->buckets[h] = e;
	t->n++;
	return e;
}

uint64_t nfips_store_incident(struct nfips_store *s, uint32_t gid, uint32_t sid,
			      const uint8_t src[16], const uint8_t dst[16],
			      int64_t ts, bool *is_new)
{
	struct nfips_inc_tracker *t = s ? s->trk : NULL;
	struct nfips_inc_ent *e = NULL;
	uint64_t id;

	*is_new = false;
	if (!t)
		return 0;
	pthread_mutex_lock(&t->lock);
	if (t->nbuckets) {
		size_t h = hash_key(t, gid, sid, src, dst) & (t->nbuckets - 1);

		for (e = t->buckets[h]; e; e = e->next)
			if (e->gid == gid && e->sid == sid && !memcmp(e->src, src, 16) &&
			    !memcmp(e->dst, dst, 16))
				break;
	}
	if (e && ts - e->last <= t->window) {
		/* Workers' alerts may come slightly out of time order. */
		if (ts > e->last)
			e->last = ts;
		id = e->id;
	} else {
		if (!e)
			e = add(t, gid, sid, src, dst, ts);
		id = t->next_id++;
		*is_new = true;
		if (e) {
			e->id = id;
			e->last = ts;
		} else {
			t->untracked++;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return id;
}

void nfips_store_set_window(struct nfips_store *s, uint64_t usec)
{
	s->o.window_usec = usec;
	if (!s->trk)
		return;
	pthread_mutex_lock(&s->trk->lock);
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
	t->max = TRACK_MAX;
	t->next_id = 1;
	s->trk = t;
	if (sqlite3_prepare_v2(s->db, "SELECT coalesce(max(id), 0) FROM incidents",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	t->next_id = (uint64_t)sqlite3_column_int64(st, 0) + 1;
	sqlite3_finalize(st);
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
		e = add(t, (uint32_t)sqlite3_column_int64(st, 1),
			(uint32_t)sqlite3_column_int64(st, 2), src, dst,
			sqlite3_column_int64(st, 5));
		if (!e)
			break;
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
