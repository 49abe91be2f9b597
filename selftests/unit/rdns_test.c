// SPDX-License-Identifier: GPL-2.0
/*
 * Reverse DNS of the stored alerts (ctl/lib/rdns/, the store's names).
 *
 * Without arguments (no resolver needed): a schema-7 store migrates to 8
 * with every row of every table kept, and a reader of the old schema
 * still makes a report (without names); a second connection of nfipsd's
 * process (the resolver's, as the report and mail threads') leaves the
 * writer's locks alone, so another process closing its connection does
 * not delete the WAL under the writer; the cache stays bounded; which
 * addresses are worth a lookup.
 *
 * rdns_dns.sh runs the rest in a mount namespace whose resolv.conf names
 * a server it started (the real resolver path: glibc, nsswitch, DNS):
 *
 *   dns DIR      dnsmasq serves PTR records for 10.x: the store writer
 *                takes alerts, the resolver reads them from the store and
 *                records each source's and target's name (confirmed, not
 *                forward-confirmed, no PTR); a name is looked up once
 *                while cached. The store is left in DIR for the report.
 *   timeout DIR  a server that never answers (2 s timeout): alerts are
 *                stored as fast as ever while the lookups wait, the queue stays bounded
 *                (the rest dropped, counted), the lookups end as failed
 *                after the timeout, and stopping does not wait for them.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rdns/rdns.h"
#include "report/report.h"
#include "store/store.h"
#include "store/store_int.h"	/* the schema's tables, read raw */
#include "tap.h"

static struct tap T;

static void v4(uint8_t out[16], const char *s)
{
	struct in_addr a;

	if (strchr(s, ':')) {
		inet_pton(AF_INET6, s, out);
		return;
	}
	memset(out, 0, 16);
	out[10] = out[11] = 0xff;
	inet_pton(AF_INET, s, &a);
	memcpy(out + 12, &a, 4);
}

static double mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void sleep_ms(unsigned ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&t, NULL);
}

static void alert(struct nfips_store_alert *a, int64_t ts, const char *src, const char *dst,
		  uint32_t sid, uint64_t incident)
{
	memset(a, 0, sizeof(*a));
	a->ts = ts;
	a->gid = 1;
	a->sid = sid;
	a->rev = 1;
	v4(a->src, src);
	v4(a->dst, dst);
	a->sport = 40000;
	a->dport = 80;
	a->proto = 6;
	a->grade = NFIPS_SGRADE_HIGH;
	a->incident = incident;
	a->incident_new = true;
	snprintf(a->msg, sizeof(a->msg), "test %u", sid);
	snprintf(a->iface, sizeof(a->iface), "eth0");
}

static int64_t now_usec(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* ---- migration from schema 7 ------------------------------------------ */

/* Every table's rows, as an order-free sum of row hashes, and counts. */
static int table_sums(sqlite3 *db, char *out, size_t len)
{
	sqlite3_stmt *tabs;
	size_t used = 0;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'"
			       " AND name != 'names' ORDER BY name", -1, &tabs, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(tabs) == SQLITE_ROW) {
		char sql[160];
		sqlite3_stmt *st;
		uint64_t sum = 0, rows = 0;

		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", sqlite3_column_text(tabs, 0));
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			break;
		while (sqlite3_step(st) == SQLITE_ROW) {
			uint64_t h = 1469598103934665603ull;
			int c, i;

			for (c = 0; c < sqlite3_column_count(st); c++) {
				const unsigned char *p = sqlite3_column_blob(st, c);
				int n = sqlite3_column_bytes(st, c);

				h = (h ^ (uint64_t)sqlite3_column_type(st, c)) * 1099511628211ull;
				for (i = 0; i < n; i++)
					h = (h ^ p[i]) * 1099511628211ull;
			}
			sum += h;
			rows++;
		}
		sqlite3_finalize(st);
		used += (size_t)snprintf(out + used, len - used, "%s:%llu:%016llx ",
					 sqlite3_column_text(tabs, 0), (unsigned long long)rows,
					 (unsigned long long)sum);
		if (used >= len)
			break;
	}
	sqlite3_finalize(tabs);
	return 0;
}

static void migration(void)
{
	char tmpl[] = "/tmp/nfips_rdns_test.XXXXXX", path[300], err[512];
	char before[4096], after[4096];
	const char *dir = mkdtemp(tmpl);
	struct nfips_store_opts o = { .sync_normal = true, .no_tracker = true };
	struct nfips_store_alert a[300];
	struct nfips_store_block blk = { .addr = "10.1.2.3", .reason = "scan", .by = "soc" };
	struct nfips_report_opts ro = { .kind = NFIPS_REPORT_DAILY };
	struct nfips_report rep;
	struct nfips_store_name n;
	struct nfips_store *s;
	int64_t t0 = now_usec() - 3600ll * 1000000;
	struct tm tm;
	time_t day;
	sqlite3 *db;
	size_t i;
	int ok;

	if (!dir) {
		tap_ok(&T, 0, "a temporary directory");
		return;
	}
	snprintf(path, sizeof(path), "%s/alerts.db", dir);
	o.path = path;
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	if (!tap_ok(&T, s != NULL, "a store opens: %s", s ? path : err))
		return;
	for (i = 0; i < 300; i++)
		alert(&a[i], t0 + (int64_t)i * 1000000, i % 3 ? "10.1.2.3" : "10.9.9.9",
		      "10.0.0.10", 1000 + (uint32_t)(i % 4), 1 + i % 4);
	ok = !nfips_store_put(s, a, 300) &&
	     !nfips_store_incident_set(s, 2, NFIPS_INCIDENT_ACKED, "seen", "soc", err, sizeof(err)) &&
	     !nfips_store_block_put(s, &blk, err, sizeof(err));
	while (ok && nfips_store_retention_step(s, 2000) == 1)
		;
	nfips_store_close(s);
	/*
	 * What nfips of schema 7 left: version 8 only added the names table
	 * (and its index, dropped with it), so this is that layout exactly.
	 */
	ok = ok && sqlite3_open(path, &db) == SQLITE_OK &&
	     sqlite3_exec(db, "DROP TABLE names; PRAGMA user_version = 7", NULL, NULL,
			  NULL) == SQLITE_OK && !table_sums(db, before, sizeof(before));
	sqlite3_close(db);
	tap_ok(&T, ok, "a schema-7 store with 300 alerts, incidents, an ack, a block, "
	       "aggregates: %s", ok ? before : err);

	/* a reader (nfipsctl) of a store nfipsd has not migrated yet */
	o.readonly = true;
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	day = (time_t)(t0 / 1000000);
	localtime_r(&day, &tm);
	ro.year = tm.tm_year + 1900;
	ro.month = tm.tm_mon + 1;
	ro.day = tm.tm_mday;
	ok = s && !nfips_report_build(s, &ro, &rep, err, sizeof(err));
	tap_ok(&T, ok && !rep.rdns && rep.srcs.n && rep.srcs.v[0].rdns_status == -1 &&
	       !rep.srcs.v[0].rdns, "a report from the schema-7 store: no host names recorded, "
	       "none made up: %s", ok ? "rdns_recorded false" : err);
	if (ok)
		nfips_report_free(&rep);
	nfips_store_close(s);

	o.readonly = false;
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	ok = s && sqlite3_open(path, &db) == SQLITE_OK && !table_sums(db, after, sizeof(after));
	sqlite3_close(db);
	tap_ok(&T, ok && s->version == 8 && !strcmp(before, after),
	       "nfipsd's writer migrates it to schema 8, every row of every table kept%s%s",
	       ok && strcmp(before, after) ? ": now " : "", ok && strcmp(before, after) ? after : "");
	memset(&n, 0, sizeof(n));
	v4(n.addr, "10.1.2.3");
	snprintf(n.name, sizeof(n.name), "scanner.attack.test");
	ok = s && !nfips_store_names_put(s, &n, 1, now_usec(), "rdns_id", 300, err, sizeof(err)) &&
	     nfips_store_name_get(s, n.addr, 0, &n) == 0 && !strcmp(n.name, "scanner.attack.test");
	tap_ok(&T, ok, "the migrated store records and gives back a host name");
	nfips_store_close(s);
	snprintf(err, sizeof(err), "rm -rf %s", dir);
	if (system(err))
		tap_diag("could not remove %s", dir);
}

/* ---- a second connection in nfipsd's process ------------------------ */

static const char *self;

/* Another process (nfipsctl incident close, incidents): this program again. */
static int other(const char *what, const char *db, char *out, size_t len)
{
	char cmd[1024];
	FILE *f;
	int rc;

	snprintf(cmd, sizeof(cmd), "'%s' %s '%s'", self, what, db);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	out[0] = '\0';
	if (!fgets(out, (int)len, f))
		out[0] = '\0';
	rc = pclose(f);
	return rc;
}

static int count_cb(void *arg, const struct nfips_store_incident_row *r)
{
	*(uint64_t *)arg = r->count;
	return 0;
}

/* The child's side: close incident 1, or print its count (fresh connections). */
static int child(const char *what, const char *db)
{
	struct nfips_store_opts o = { .path = db, .no_tracker = true };
	struct nfips_store *s;
	uint64_t n = 0;
	char err[512];
	int rc;

	o.readonly = !strcmp(what, "count");
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	if (!s)
		return 1;
	if (o.readonly)
		rc = nfips_store_incident_get(s, 1, count_cb, &n, err, sizeof(err));
	else
		rc = nfips_store_incident_set(s, 1, NFIPS_INCIDENT_CLOSED, "done", "soc", err,
					      sizeof(err));
	nfips_store_close(s);
	printf("%llu\n", (unsigned long long)n);
	return rc ? 1 : 0;
}

/*
 * nfipsd's writer holds the store; a thread opens its own connection
 * (trusted) and closes it; nfipsctl closes an incident from another
 * process; the writer stores more alerts of it: another process must
 * see them. Reading the file's header through a descriptor of its own
 * and closing it dropped the writer's POSIX locks, nfipsctl's close
 * then took itself for the last connection and deleted the WAL: the
 * count stayed what it was when nfipsctl closed.
 */
static void second_connection(void)
{
	char tmpl[] = "/tmp/nfips_rdns_conn.XXXXXX", path[300], err[512], out[64];
	const char *dir = mkdtemp(tmpl);
	struct nfips_store_opts o = { .sync_normal = true };
	struct nfips_store_alert a[15];
	struct nfips_store *w, *t;
	int64_t t0 = now_usec();
	size_t i;
	int ok;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/alerts.db", dir);
	o.path = path;
	w = nfips_store_open(&o, err, sizeof(err), NULL);
	for (i = 0; i < 15; i++)
		alert(&a[i], t0 + (int64_t)i, "10.1.2.3", "10.0.0.10", 1000, 1);
	ok = w && !nfips_store_put(w, a, 10);
	/* the resolver's connection, as nfips_rdns_start() opens it */
	o.trusted = true;
	o.no_tracker = true;
	t = ok ? nfips_store_open(&o, err, sizeof(err), NULL) : NULL;
	nfips_store_close(t);
	ok = ok && t && other("close", path, out, sizeof(out)) == 0 &&
	     !nfips_store_put(w, a + 10, 5) && other("count", path, out, sizeof(out)) == 0;
	out[strcspn(out, "\n")] = '\0';
	tap_ok(&T, ok && !strcmp(out, "15"), "a second connection in nfipsd's process, then "
	       "nfipsctl closing an incident: the writer's later alerts are seen by other "
	       "processes (count %s, want 15)", ok ? out : "?");
	nfips_store_close(w);
	snprintf(err, sizeof(err), "rm -rf %s", dir);
	if (system(err))
		tap_diag("could not remove %s", dir);
}

static void cache(void)
{
	struct nfips_rdns_cache *c = nfips_rdns_cache_new(16);
	uint8_t a[16], b[16];
	int full = 0, i;

	v4(a, "10.1.2.3");
	tap_ok(&T, c && nfips_rdns_cache_claim(c, a, 100) == 1 &&
	       nfips_rdns_cache_claim(c, a, 100) == 0,
	       "cache: an address is due once, then pending");
	nfips_rdns_cache_set(c, a, 200);
	tap_ok(&T, nfips_rdns_cache_claim(c, a, 199) == 0 && nfips_rdns_cache_claim(c, a, 200) == 1,
	       "cache: known until its TTL, due again after");
	/* 16 entries, all pending: the rest has no room (dropped, not grown) */
	for (i = 0; i < 1000; i++) {
		b[0] = 0x20;
		memset(b + 1, 0, 11);
		b[12] = (uint8_t)(i >> 8);
		b[13] = (uint8_t)i;
		b[14] = b[15] = 1;
		full += nfips_rdns_cache_claim(c, b, 300) < 0;
	}
	tap_ok(&T, full >= 1000 - 16, "cache: bounded, %d of 1000 pending addresses refused", full);
	nfips_rdns_cache_free(c);
}

static void wanted(void)
{
	static const struct {
		const char *a;
		bool want;
	} cases[] = {
		{ "10.1.2.3", true }, { "203.0.113.5", true }, { "2001:db8::66", true },
		{ "0.0.0.0", false }, { "127.0.0.1", false }, { "224.0.0.251", false },
		{ "255.255.255.255", false }, { "::", false }, { "::1", false },
		{ "ff02::1", false },
	};
	bool all = true;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t a[16];

		if (strchr(cases[i].a, ':'))
			inet_pton(AF_INET6, cases[i].a, a);
		else
			v4(a, cases[i].a);
		if (nfips_rdns_wanted(a) != cases[i].want) {
			tap_diag("%s: wanted %d", cases[i].a, cases[i].want);
			all = false;
		}
	}
	tap_ok(&T, all, "unicast addresses are looked up; unspecified, loopback, multicast, "
	       "broadcast are not");
}

/* ---- with a resolver (rdns_dns.sh) ------------------------------------ */

struct daemon {
	struct nfips_store_writer *w;
	struct nfips_rdns *r;
	char path[300];
};

static int start(struct daemon *d, const char *dir, uint32_t queue, uint32_t timeout)
{
	struct nfips_store_opts o = { .sync_normal = true };
	struct nfips_store_writer_cfg wc = { .flush_ms = 20 };
	struct nfips_rdns_cfg rc = {
		.destinations = true, .threads = 2, .rate = 100, .timeout = timeout,
		.queue = queue, .interval_ms = 100,
	};
	struct nfips_store *s;
	char err[512];

	snprintf(d->path, sizeof(d->path), "%s/alerts.db", dir);
	o.path = d->path;
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	d->w = s ? nfips_store_writer_start(s, &wc, err, sizeof(err)) : NULL;
	rc.store_path = d->path;
	d->r = d->w ? nfips_rdns_start(&rc, err, sizeof(err)) : NULL;
	if (!d->r)
		tap_diag("start: %s", err);
	return d->r ? 0 : -1;
}

/* The store as another process reads it (nfipsctl). */
static int name_of(const char *path, const char *addr, struct nfips_store_name *n)
{
	struct nfips_store_opts o = { .path = path, .readonly = true };
	struct nfips_store *s;
	uint8_t a[16];
	char err[512];
	int rc;

	s = nfips_store_open(&o, err, sizeof(err), NULL);
	if (!s)
		return -1;
	v4(a, addr);
	rc = nfips_store_name_get(s, a, 0, n);
	nfips_store_close(s);
	return rc;
}

static bool is(const struct nfips_store_name *n, int status, const char *name)
{
	return n->status == status && !strcmp(n->name, name);
}

static void dns(const char *dir)
{
	static const char *const want[] = {
		"10.1.2.3", "10.1.2.4", "10.9.9.9", "10.0.0.10", "10.0.0.11", "fd6e::66",
	};
	struct nfips_store_name n[6], lo;
	struct nfips_rdns_stats st, st2;
	struct nfips_store_alert a;
	struct nfips_store_stats ws;
	struct daemon d;
	int64_t t0 = now_usec();
	double until;
	size_t i, got = 0;

	if (!tap_ok(&T, !start(&d, dir, 64, 2), "the store writer and the resolver start"))
		return;
	alert(&a, t0, "10.1.2.3", "10.0.0.10", 1, 1);
	nfips_store_submit(d.w, &a);
	alert(&a, t0, "10.1.2.4", "10.0.0.10", 1, 2);
	nfips_store_submit(d.w, &a);
	alert(&a, t0, "10.9.9.9", "10.0.0.11", 2, 3);
	nfips_store_submit(d.w, &a);
	alert(&a, t0, "127.0.0.1", "10.0.0.11", 2, 4);
	nfips_store_submit(d.w, &a);
	alert(&a, t0, "fd6e::66", "::1", 3, 5);
	nfips_store_submit(d.w, &a);
	for (until = mono() + 10; got < 6 && mono() < until; sleep_ms(50))
		for (got = 0, i = 0; i < 6; i++)
			got += name_of(d.path, want[i], &n[i]) == 0;
	tap_ok(&T, got == 6, "the names of the stored alerts' sources and targets are in the "
	       "store within seconds (%zu of 6)", got);
	if (got == 6) {
		tap_ok(&T, is(&n[0], NFIPS_NAME_OK, "scanner.attack.test"),
		       "10.1.2.3: scanner.attack.test, forward-confirmed (%s %s)", n[0].name,
		       nfips_name_status_name(n[0].status));
		tap_ok(&T, is(&n[1], NFIPS_NAME_UNCONFIRMED, "liar.attack.test"),
		       "10.1.2.4: liar.attack.test, whose A record does not exist: unconfirmed "
		       "(%s %s)", n[1].name, nfips_name_status_name(n[1].status));
		tap_ok(&T, is(&n[2], NFIPS_NAME_NONE, "") && is(&n[4], NFIPS_NAME_NONE, ""),
		       "10.9.9.9, 10.0.0.11: no PTR (NXDOMAIN), recorded as none");
		tap_ok(&T, is(&n[3], NFIPS_NAME_OK, "web1.customer.test"),
		       "10.0.0.10, a target: web1.customer.test");
		tap_ok(&T, is(&n[5], NFIPS_NAME_OK, "attacker6.attack.test"),
		       "fd6e::66: attacker6.attack.test, confirmed by its AAAA record (%s %s)",
		       n[5].name, nfips_name_status_name(n[5].status));
		tap_ok(&T, n[0].ts >= t0 && n[0].ts <= now_usec() && n[0].checked == n[0].ts,
		       "each name with the time it was looked up");
	}
	tap_ok(&T, name_of(d.path, "127.0.0.1", &lo) == 1 && name_of(d.path, "::1", &lo) == 1,
	       "loopback is not looked up");
	/* the same addresses again: cached, no second lookup */
	nfips_rdns_stats(d.r, &st);
	for (i = 0; i < 50; i++) {
		alert(&a, now_usec(), "10.1.2.3", "10.0.0.10", 1, 1);
		nfips_store_submit(d.w, &a);
	}
	sleep_ms(600);
	nfips_rdns_stats(d.r, &st2);
	tap_ok(&T, st.queued == 6 && st2.queued == 6 && st.confirmed == 3 &&
	       st.unconfirmed == 1 && st.none == 2 && st2.stored == 6 && !st2.dropped,
	       "50 more alerts of known addresses: no lookup (cached); 6 lookups in all "
	       "(queued %llu, confirmed %llu, unconfirmed %llu, none %llu, stored %llu)",
	       (unsigned long long)st2.queued, (unsigned long long)st2.confirmed,
	       (unsigned long long)st2.unconfirmed, (unsigned long long)st2.none,
	       (unsigned long long)st2.stored);
	nfips_rdns_stop(d.r);
	nfips_store_writer_stop(d.w, &ws);
	tap_ok(&T, ws.stored == 55 && !ws.unstored, "every alert stored (%llu)",
	       (unsigned long long)ws.stored);
}

static void timeout(const char *dir)
{
	struct nfips_rdns_stats st;
	struct nfips_store_alert a;
	struct nfips_store_stats ws;
	struct nfips_store_name n;
	struct daemon d;
	double t, stored_in, stop_in;
	char src[32];
	int i;

	if (!tap_ok(&T, !start(&d, dir, 8, 2), "the store writer and the resolver start"))
		return;
	/* 40 sources, 25 alerts each: the resolver's queue holds 8 */
	for (i = 0; i < 1000; i++) {
		snprintf(src, sizeof(src), "10.7.0.%d", 1 + i % 40);
		alert(&a, now_usec(), src, "10.0.0.10", 1, 1 + (uint64_t)(i % 40));
		nfips_store_submit(d.w, &a);
		if (i % 100 == 99)
			sleep_ms(20);
	}
	/* a writer waiting for a lookup would take 2 s per lookup */
	t = mono();
	do {
		sleep_ms(10);
		nfips_store_writer_stats(d.w, &ws);
	} while (ws.stored < 1000 && mono() - t < 5);
	stored_in = mono() - t;
	nfips_rdns_stats(d.r, &st);
	tap_ok(&T, ws.stored == 1000 && stored_in < 1.5 && st.pending > 0 &&
	       !st.failed && !st.confirmed,
	       "a name server that never answers (timeout 2 s): 1000 alerts stored %.2f s "
	       "after the last one came, while the lookups wait (%llu pending)", stored_in,
	       (unsigned long long)st.pending);
	tap_ok(&T, st.pending <= 8 && st.dropped > 0,
	       "the lookups' queue stays bounded (%llu pending of 8), the rest dropped "
	       "(%llu) to be tried when seen again", (unsigned long long)st.pending,
	       (unsigned long long)st.dropped);
	/* 2 s per query and server, one attempt: two rounds of two lookups
	 * (glibc's default, 5 s and two attempts, would give two in all) */
	sleep_ms(5500);
	nfips_rdns_stats(d.r, &st);
	tap_ok(&T, st.failed >= 4 && !st.confirmed && !st.none,
	       "the lookups end as failed after the timeout, each of them: 2 threads, "
	       "%llu failed in 5.5 s", (unsigned long long)st.failed);
	tap_ok(&T, name_of(d.path, "10.7.0.1", &n) == 0 && n.status == NFIPS_NAME_FAILED &&
	       !n.name[0], "a failed lookup is recorded as failed, without a name");
	/* more alerts while lookups hang: still stored at once */
	t = mono();
	for (i = 0; i < 200; i++) {
		alert(&a, now_usec(), "10.8.0.1", "10.0.0.10", 1, 99);
		nfips_store_submit(d.w, &a);
	}
	do {
		sleep_ms(10);
		nfips_store_writer_stats(d.w, &ws);
	} while (ws.stored < 1200 && mono() - t < 5);
	tap_ok(&T, ws.stored == 1200 && mono() - t < 1.5,
	       "200 more alerts stored in %.2f s", mono() - t);
	t = mono();
	nfips_rdns_stop(d.r);
	stop_in = mono() - t;
	tap_ok(&T, stop_in < 0.5, "the resolver stops in %.2f s, not waiting for the lookups "
	       "in flight", stop_in);
	nfips_store_writer_stop(d.w, &ws);
	tap_ok(&T, ws.stored == 1200 && !ws.unstored, "no alert unstored");
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc == 3 && (!strcmp(argv[1], "close") || !strcmp(argv[1], "count")))
		return child(argv[1], argv[2]);
	if (argc == 3 && !strcmp(argv[1], "dns")) {
		dns(argv[2]);
	} else if (argc == 3 && !strcmp(argv[1], "timeout")) {
		timeout(argv[2]);
	} else if (argc == 1) {
		migration();
		second_connection();
		cache();
		wanted();
	} else {
		fprintf(stderr, "usage: rdns_test [dns|timeout DIR]\n");
		return 2;
	}
	return tap_done(&T);
}
