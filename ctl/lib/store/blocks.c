// SPDX-License-Identifier: GPL-2.0
/*
 * Blocks and unblocks in the store (Documentation/store.rst, "blocks"):
 * one row per operator action, never removed by retention (an audit
 * record, a few rows a day). The address is kept as the operator's
 * canonical text and as the store's 16-byte range [lo, hi], so that
 * reports can find the blocks covering an alert's source.
 */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

int nfips_store_block_put(struct nfips_store *s, struct nfips_store_block *b,
			  char *err, size_t errlen)
{
	uint8_t lo[16], hi[16];
	sqlite3_stmt *st;
	int rc;

	if (nfips_store_cidr(b->addr, lo, hi)) {
		snprintf(err, errlen, "'%s': not an address or CIDR prefix",
			 b->addr ? b->addr : "");
		return -1;
	}
	if (s->o.readonly) {
		snprintf(err, errlen, "%s: opened read-only", s->path);
		return -1;
	}
	if (sqlite3_prepare_v2(s->db, "INSERT INTO blocks(ts, unblock, addr, lo,"
			       " hi, until, reason, by) VALUES(?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, b->ts ? b->ts : nfips_store_now(s));
	sqlite3_bind_int(st, 2, b->unblock);
	sqlite3_bind_text(st, 3, b->addr, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, lo, 16, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, hi, 16, SQLITE_STATIC);
	if (b->until)
		sqlite3_bind_int64(st, 6, b->until);
	if (b->reason)
		sqlite3_bind_text(st, 7, b->reason, -1, SQLITE_STATIC);
	if (b->by)
		sqlite3_bind_text(st, 8, b->by, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", s->path, sqlite3_errstr(rc));
		return -1;
	}
	b->id = (uint64_t)sqlite3_last_insert_rowid(s->db);
	return 0;
}

int nfips_store_blocks(struct nfips_store *s,
		       const struct nfips_store_block_filter *f,
		       int (*fn)(void *arg, const struct nfips_store_block *b),
		       void *arg, char *err, size_t errlen)
{
	char sql[512];
	sqlite3_stmt *st;
	int rc, n = 1;

	/* A reader of a store nfipsd has not migrated yet: no blocks. */
	if (s->version < 6)
		return 0;
	snprintf(sql, sizeof(sql),
		 "SELECT id, ts, unblock, addr, until, reason, by FROM blocks"
		 " WHERE (?1 = 0 OR ts >= ?1) AND (?2 = 0 OR ts < ?2)"
		 " AND (?3 IS NULL OR addr = ?3) ORDER BY ts %s, id %s%s",
		 f->newest_first ? "DESC" : "ASC", f->newest_first ? "DESC" : "ASC",
		 f->limit ? " LIMIT ?4" : "");
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, f->since);
	sqlite3_bind_int64(st, 2, f->until);
	if (f->addr)
		sqlite3_bind_text(st, 3, f->addr, -1, SQLITE_STATIC);
	if (f->limit)
		sqlite3_bind_int64(st, 4, (int64_t)f->limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct nfips_store_block b = {
			.id = (uint64_t)sqlite3_column_int64(st, 0),
			.ts = sqlite3_column_int64(st, 1),
			.unblock = sqlite3_column_int(st, 2),
			.addr = (const char *)sqlite3_column_text(st, 3),
			.until = sqlite3_column_int64(st, 4),
			.reason = (const char *)sqlite3_column_text(st, 5),
			.by = (const char *)sqlite3_column_text(st, 6),
		};

		n = fn(arg, &b);
		if (n)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", s->path, sqlite3_errstr(rc));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}
