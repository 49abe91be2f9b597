// SPDX-License-Identifier: GPL-2.0
/*
 * report-bench DIR [ALERTS_PER_DAY [AGG_ROWS_PER_DAY]]: the daily report
 * of a day of ALERTS_PER_DAY raw alerts (default 1,000,000: the issue's
 * target, under 3 s), and the monthly report of a month known only by its
 * daily aggregates, AGG_ROWS_PER_DAY rows a day (default 50,000: distinct
 * signature, source, target, port, grade and action a day), under 3 s
 * too. The day's alerts go through nfips_store_put; the old month's
 * aggregates are written as the roll-up leaves them, and its raw alerts
 * marked purged. Prints "name wall=S cpu=S" lines, best of three.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/report.h"
#include "store/store.h"
#include "store/store_int.h"

static int64_t now_usec;

static int64_t clk(void *a)
{
	(void)a;
	return now_usec;
}

static double secs(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rs = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs % n);
}

static double best(struct nfips_store *s, const char *name, enum nfips_report_kind k,
		   const char *period)
{
	struct nfips_report_opts o = { .kind = k, .tz = "UTC" };
	struct nfips_report r;
	struct nfips_sbuf b = { 0 };
	double t0, dt, min = 1e9, cpu = 1e9;
	clock_t c0;
	char err[256];
	int i;

	nfips_report_parse_period(&o, period);
	for (i = 0; i < 3; i++) {
		t0 = secs();
		c0 = clock();
		if (nfips_report_build(s, &o, &r, err, sizeof(err))) {
			fprintf(stderr, "report-bench: %s\n", err);
			exit(1);
		}
		nfips_report_html(&r, &b);
		dt = secs() - t0;
		if (dt < min)
			min = dt;
		if ((double)(clock() - c0) / CLOCKS_PER_SEC < cpu)
			cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
		if (i == 0)
			fprintf(stderr, "%s: %llu alerts, html %zu bytes\n", name,
				(unsigned long long)r.cur.n, b.len);
		nfips_sbuf_free(&b);
		memset(&b, 0, sizeof(b));
		nfips_report_free(&r);
	}
	/* wall and CPU seconds: on a shared machine the CPU time is the cost */
	printf("%s wall=%.3f cpu=%.3f\n", name, min, cpu);
	return min;
}

int main(int argc, char **argv)
{
	struct nfips_store_opts o = { .clock = clk, .sync_normal = true, .no_tracker = true };
	long per_day = argc > 2 ? atol(argv[2]) : 1000000, agg = argc > 3 ? atol(argv[3]) : 50000;
	static struct nfips_store_alert b[20000];
	int64_t day = 1764892800ll * 1000000;	/* 2025-12-05 00:00 UTC */
	char path[512], err[512];
	struct nfips_store *s;
	sqlite3_stmt *st;
	long i, k = 0;
	int d;

	if (argc < 2) {
		fprintf(stderr, "usage: report-bench DIR [ALERTS_PER_DAY [AGG_ROWS_PER_DAY]]\n");
		return 2;
	}
	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(path, sizeof(path), "%s/report-bench.db", argv[1]);
	remove(path);
	o.path = path;
	now_usec = day + 86400ll * 1000000 + 3600ll * 1000000;
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	if (!s) {
		fprintf(stderr, "report-bench: %s\n", err);
		return 1;
	}
	for (i = 0; i < per_day; i++) {
		struct nfips_store_alert *a = &b[k++];
		uint8_t src[4] = { 198, 51, (uint8_t)rnd(50), (uint8_t)rnd(250) };
		uint8_t dst[4] = { 10, 0, 0, (uint8_t)rnd(40) };

		memset(a, 0, sizeof(*a));
		a->ts = day + i * (86400ll * 1000000 / per_day);
		a->gid = 1;
		a->sid = 1000 + rnd(200);
		nfips_store_addr(a->src, 4, src);
		nfips_store_addr(a->dst, 4, dst);
		a->sport = (uint16_t)rnd(65536);
		a->dport = rnd(5) ? 80 : 22;
		a->proto = 6;
		a->grade = (int8_t)rnd(5);
		a->blocked = !rnd(3);
		snprintf(a->iface, sizeof(a->iface), "eth0");
		snprintf(a->msg, sizeof(a->msg), "bench signature %u", a->sid);
		if (k == 20000 || i + 1 == per_day) {
			if (nfips_store_put(s, b, (size_t)k)) {
				fprintf(stderr, "report-bench: put failed\n");
				return 1;
			}
			k = 0;
		}
	}
	/* June 2025: only its daily aggregates, its raw alerts long gone */
	nfips_store_exec(s, "BEGIN", NULL, 0);
	sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO days VALUES(?,1,?,?,?,?,6,?,?,?)", -1,
			   &st, NULL);
	for (d = 1; d <= 30; d++)
		for (i = 0; i < agg; i++) {
			uint8_t src[4] = { 203, 0, (uint8_t)rnd(250), (uint8_t)rnd(250) }, a[16];
			uint8_t dst[4] = { 10, 0, 1, (uint8_t)rnd(250) }, c[16];

			nfips_store_addr(a, 4, src);
			nfips_store_addr(c, 4, dst);
			sqlite3_bind_int64(st, 1, 20250600 + d);
			sqlite3_bind_int64(st, 2, 1000 + rnd(300));
			sqlite3_bind_blob(st, 3, a, 16, SQLITE_TRANSIENT);
			sqlite3_bind_blob(st, 4, c, 16, SQLITE_TRANSIENT);
			sqlite3_bind_int(st, 5, (int)rnd(1024));
			sqlite3_bind_int(st, 6, (int)rnd(5));
			sqlite3_bind_int(st, 7, (int)rnd(2));
			sqlite3_bind_int64(st, 8, 1 + rnd(20));
			sqlite3_step(st);
			sqlite3_reset(st);
		}
	sqlite3_finalize(st);
	nfips_store_meta_set(s, "purged", day - 90 * 86400ll * 1000000);
	nfips_store_exec(s, "COMMIT", NULL, 0);
	nfips_store_close(s);

	o.readonly = true;
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	if (!s) {
		fprintf(stderr, "report-bench: %s\n", err);
		return 1;
	}
	best(s, "daily_1day_raw", NFIPS_REPORT_DAILY, "2025-12-05");
	best(s, "monthly_aggregates", NFIPS_REPORT_MONTHLY, "2025-06");
	nfips_store_close(s);
	return 0;
}
