/* SPDX-License-Identifier: GPL-2.0 */
/* What the store's files share (store.h is the public side). */
#ifndef NFIPS_STORE_INT_H
#define NFIPS_STORE_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>

#include "store.h"
#include "util/util.h"

#define USEC_HOUR	(3600ll * 1000000)
#define USEC_DAY	(24 * USEC_HOUR)

/*
 * SQL: the local day (process zone) of a time column in usec, as the
 * integer YYYYMMDD the daily aggregates are keyed by.
 */
#define NFIPS_STORE_LOCAL_DAY(col) \
	"CAST(strftime('%Y%m%d', " col " / 1000000, 'unixepoch', 'localtime') AS INTEGER)"

/* incidents.c: the in-memory fold, keyed by gid, sid, src, dst. */
struct nfips_inc_ent {
	struct nfips_inc_ent *next;		/* hash chain */
	struct nfips_inc_ent *older, *newer;	/* touch order (the LRU) */
	uint64_t hash;
	uint32_t gid, sid;
	uint8_t src[16], dst[16];
	bool overflow;			/* the gid:sid's overflow incident */
	uint64_t id;
	int64_t last;
};

struct nfips_inc_tracker {
	pthread_mutex_t lock;
	struct nfips_hkey key;
	struct nfips_inc_ent **buckets;
	size_t nbuckets, n, max, n_overflow;
	/* least and most recently touched: eviction looks at the oldest only */
	struct nfips_inc_ent *oldest, *newest;
	uint64_t next_id;
	/*
	 * Ids below this are reserved in meta "incident_hwm", committed on
	 * rdb (its own connection: the writer's may be mid-transaction)
	 * before any is handed out, so a crash never re-issues an id the EVE
	 * log already carries.
	 */
	uint64_t reserved;
	sqlite3 *rdb;
	uint64_t reserve_failed;
	int64_t window;
	uint64_t overflowed;		/* alerts folded into an overflow incident */
	uint64_t untracked;		/* beyond even that: an incident each */
	uint64_t visited;		/* entries looked at (tests bound the work) */
};

struct nfips_store {
	sqlite3 *db;
	char *path;
	struct nfips_store_opts o;
	/* ingest.c */
	sqlite3_stmt *ins_alert, *ins_sig, *ups_inc, *ups_agg, *ups_hour, *ups_day;
	/* retention.c: hours before this (usec) are in the aggregates */
	int64_t rolled;
	/* raw alerts before this (usec) may have been removed by retention */
	int64_t purged;
	/* incidents.c; NULL: readonly or no_tracker */
	struct nfips_inc_tracker *trk;
	uint64_t removed;
	int64_t version;		/* the schema's (readers: maybe older) */
};

/* schema.c */
int nfips_store_exec(struct nfips_store *s, const char *sql, char *err,
		     size_t errlen);
int nfips_store_meta_get(struct nfips_store *s, const char *key, int64_t *v);
int nfips_store_meta_set(struct nfips_store *s, const char *key, int64_t v);

/* incidents.c */
int nfips_inc_tracker_load(struct nfips_store *s, char *err, size_t errlen);
void nfips_inc_tracker_free(struct nfips_inc_tracker *t);
/* nfips_store_fresh: ids go on above the old store's, reserved anew. */
void nfips_inc_tracker_reopen(struct nfips_store *s);

/* query.c: one incident row as nfips_store_incidents() gives it */
const char *nfips_store_incident_cols(const struct nfips_store *s);
void nfips_store_incident_read(sqlite3_stmt *st, struct nfips_store_incident_row *r);

/* ingest.c */
void nfips_store_ingest_finalize(struct nfips_store *s);

/* query.c: one incident row as nfips_store_incidents() gives it */
const char *nfips_store_incident_cols(const struct nfips_store *s);
void nfips_store_incident_read(sqlite3_stmt *st, struct nfips_store_incident_row *r);

#endif /* NFIPS_STORE_INT_H */
