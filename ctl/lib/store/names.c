// SPDX-License-Identifier: GPL-2.0
/*
 * Host names of the alerts' addresses (table names, schema 8): what
 * nfipsd's resolver found when it looked an address up, and when. A
 * report reads them and never asks a resolver itself (it must not depend
 * on one, nor tell an attacker's name server that it is being written).
 *
 * History, not just the latest: an address whose PTR changes gets a new
 * row, so a monthly report of a month long gone shows the name the
 * address had then. A repeated result only moves its row's checked time,
 * so a source seen daily for years is one row. A failed lookup (timeout)
 * tells nothing about the name: it is kept only for an address with
 * nothing better.
 */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

const char *nfips_name_status_name(int status)
{
	switch (status) {
	case NFIPS_NAME_OK:
		return "confirmed";
	case NFIPS_NAME_UNCONFIRMED:
		return "unconfirmed";
	case NFIPS_NAME_NONE:
		return "none";
	default:
		return "failed";
	}
}

static int fail(struct nfips_store *s, char *err, size_t errlen)
{
	if (err)
		snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
	return -1;
}

/* One result: 0 or an SQLite error. */
static int put_one(sqlite3_stmt *last, sqlite3_stmt *touch, sqlite3_stmt *ins,
		   const struct nfips_store_name *n, int64_t now)
{
	const char *name = n->status <= NFIPS_NAME_UNCONFIRMED ? n->name : NULL;
	int rc;

	sqlite3_bind_blob(last, 1, n->addr, 16, SQLITE_STATIC);
	rc = sqlite3_step(last);
	if (rc == SQLITE_ROW) {
		int64_t ts = sqlite3_column_int64(last, 0);
		int status = sqlite3_column_int(last, 1);
		const unsigned char *was = sqlite3_column_text(last, 2);
		bool same = status == n->status &&
			    (!name || (was && !strcmp((const char *)was, name)));

		sqlite3_reset(last);
		if (!same && n->status == NFIPS_NAME_FAILED)
			return 0;
		if (same) {
			sqlite3_bind_int64(touch, 1, now);
			sqlite3_bind_blob(touch, 2, n->addr, 16, SQLITE_STATIC);
			sqlite3_bind_int64(touch, 3, ts);
			rc = sqlite3_step(touch);
			sqlite3_reset(touch);
			return rc == SQLITE_DONE ? 0 : rc;
		}
	} else {
		sqlite3_reset(last);
		if (rc != SQLITE_DONE)
			return rc;
	}
	sqlite3_bind_blob(ins, 1, n->addr, 16, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 2, now);
	sqlite3_bind_int(ins, 3, n->status);
	if (name)
		sqlite3_bind_text(ins, 4, name, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(ins, 4);
	rc = sqlite3_step(ins);
	sqlite3_reset(ins);
	/* two results of one address in one batch at the same time: the first */
	return rc == SQLITE_DONE || rc == SQLITE_CONSTRAINT ? 0 : rc;
}

int nfips_store_names_put(struct nfips_store *s, const struct nfips_store_name *n,
			  size_t count, int64_t now, const char *key, int64_t value,
			  char *err, size_t errlen)
{
	sqlite3_stmt *last = NULL, *touch = NULL, *ins = NULL;
	size_t i;
	int rc = 0;

	if (s->version < 8) {
		snprintf(err, errlen, "%s: schema version %lld has no host names", s->path,
			 (long long)s->version);
		return -1;
	}
	if (sqlite3_prepare_v2(s->db, "SELECT ts, status, name FROM names WHERE addr = ?"
			       " ORDER BY ts DESC LIMIT 1", -1, &last, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "UPDATE names SET checked = ? WHERE addr = ? AND ts = ?",
			       -1, &touch, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT INTO names VALUES(?1, ?2, ?2, ?3, ?4)", -1,
			       &ins, NULL) != SQLITE_OK ||
	    sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		fail(s, err, errlen);
		rc = -1;
		goto out;
	}
	for (i = 0; !rc && i < count; i++)
		rc = put_one(last, touch, ins, &n[i], now);
	if (!rc && key && nfips_store_meta_set(s, key, value))
		rc = SQLITE_ERROR;
	if (!rc)
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc) {
		fail(s, err, errlen);
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		rc = -1;
	}
out:
	sqlite3_finalize(last);
	sqlite3_finalize(touch);
	sqlite3_finalize(ins);
	return rc;
}

static void read_row(sqlite3_stmt *st, struct nfips_store_name *n)
{
	const unsigned char *name = sqlite3_column_text(st, 4);

	memset(n, 0, sizeof(*n));
	if (sqlite3_column_bytes(st, 0) == 16)
		memcpy(n->addr, sqlite3_column_blob(st, 0), 16);
	n->ts = sqlite3_column_int64(st, 1);
	n->checked = sqlite3_column_int64(st, 2);
	n->status = sqlite3_column_int(st, 3);
	if (name)
		snprintf(n->name, sizeof(n->name), "%s", (const char *)name);
}

int nfips_store_name_get(struct nfips_store *s, const uint8_t addr[16], int64_t at,
			 struct nfips_store_name *out)
{
	/* the last one before @at, else the first one after */
	static const char *const sql[] = {
		"SELECT addr, ts, checked, status, name FROM names WHERE addr = ?1"
		" AND ts < ?2 ORDER BY ts DESC LIMIT 1",
		"SELECT addr, ts, checked, status, name FROM names WHERE addr = ?1"
		" ORDER BY ts LIMIT 1",
	};
	sqlite3_stmt *st;
	int i, rc = SQLITE_DONE;

	if (s->version < 8)
		return 1;
	for (i = 0; i < 2 && rc == SQLITE_DONE; i++) {
		if (sqlite3_prepare_v2(s->db, sql[i], -1, &st, NULL) != SQLITE_OK)
			return -1;
		sqlite3_bind_blob(st, 1, addr, 16, SQLITE_STATIC);
		if (i == 0)
			sqlite3_bind_int64(st, 2, at ? at : INT64_MAX);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			read_row(st, out);
		sqlite3_finalize(st);
	}
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int nfips_store_names_since(struct nfips_store *s, int64_t since,
			    int (*fn)(void *arg, const struct nfips_store_name *n),
			    void *arg)
{
	struct nfips_store_name n;
	sqlite3_stmt *st;
	int rc;

	if (s->version < 8)
		return 0;
	/* an address's rows in time order: the last one given wins */
	if (sqlite3_prepare_v2(s->db, "SELECT addr, ts, checked, status, name FROM names"
			       " WHERE checked >= ? ORDER BY addr, ts", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, &n);
		if (fn(arg, &n))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int nfips_store_alert_addrs(struct nfips_store *s, uint64_t after, unsigned limit,
			    int (*fn)(void *arg, const uint8_t src[16], const uint8_t dst[16]),
			    void *arg, uint64_t *last)
{
	uint8_t src[16], dst[16];
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT id, src, dst FROM alerts WHERE id > ?"
			       " ORDER BY id LIMIT ?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)after);
	sqlite3_bind_int64(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*last = (uint64_t)sqlite3_column_int64(st, 0);
		memset(src, 0, 16);
		memset(dst, 0, 16);
		if (sqlite3_column_bytes(st, 1) == 16)
			memcpy(src, sqlite3_column_blob(st, 1), 16);
		if (sqlite3_column_bytes(st, 2) == 16)
			memcpy(dst, sqlite3_column_blob(st, 2), 16);
		if (fn(arg, src, dst))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

uint64_t nfips_store_alert_id_at(struct nfips_store *s, int64_t ts)
{
	sqlite3_stmt *st;
	uint64_t id = 1;

	if (sqlite3_prepare_v2(s->db, "SELECT coalesce((SELECT id FROM alerts WHERE ts >= ?"
			       " ORDER BY ts LIMIT 1), (SELECT max(id) + 1 FROM alerts), 1)", -1, &st,
			       NULL) != SQLITE_OK)
		return 1;
	sqlite3_bind_int64(st, 1, ts);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}
