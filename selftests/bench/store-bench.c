// SPDX-License-Identifier: GPL-2.0
/*
 * The alert store's benchmark (Documentation/performance.rst, "Alert
 * store"):
 *
 *   store-bench ingest DIR [SECONDS]
 *       nfipsd's path on one core (the process and the writer thread
 *       pinned to the last CPU): each alert gets its incident, its EVE
 *       record (written to DIR/eve.json with one write() each, as
 *       nfipsd's log) and is queued to the writer, which commits batches
 *       (synchronous=FULL). A full queue makes the producer wait, so the
 *       rate is what the store sustains. Prints "ingest: ...".
 *   store-bench gen DIR DAYS PER_DAY
 *       DAYS x PER_DAY alerts ending now into DIR/alerts.db: 500 sids
 *       (skewed: a few are most of the alerts), sources from 40 /24s and
 *       random addresses, 400 destinations in 10.0.0.0/16.
 *   store-bench query DIR RUNS
 *       the queries of the targets, each RUNS times (median and worst):
 *       one sid and one source network (all matching rows), and the
 *       count by day of every alert. Prints "query: ..." lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output/eve.h"
#include "store/store.h"
#include "util/util.h"

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* CPU seconds of the whole process (every thread). */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static uint64_t rs = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

/* Skewed: sid 2000000 + k, k small far more often. */
static uint32_t pick_sid(void)
{
	uint64_t r = rnd() % 1000;

	if (r < 500)
		return 2000000 + (uint32_t)(rnd() % 5);
	if (r < 800)
		return 2000000 + (uint32_t)(rnd() % 50);
	return 2000000 + (uint32_t)(rnd() % 500);
}

static void pick_src(uint8_t a[4])
{
	uint64_t r = rnd();

	if (r % 10 < 7) {
		/* 40 networks 198.18.N.0/24 .. attackers */
		a[0] = 198;
		a[1] = 18;
		a[2] = (uint8_t)(r >> 8) % 40;
		a[3] = (uint8_t)(r >> 16);
	} else {
		a[0] = (uint8_t)(1 + (r >> 8) % 223);
		a[1] = (uint8_t)(r >> 16);
		a[2] = (uint8_t)(r >> 24);
		a[3] = (uint8_t)(r >> 32);
	}
}

static void make_eve(struct nfips_eve_alert *e, int64_t ts, uint64_t seq)
{
	static char msg[64];

	memset(e, 0, sizeof(*e));
	e->sec = ts / 1000000;
	e->usec = (uint32_t)(ts % 1000000);
	e->flow_id = rnd() & 0xffffffffffff;
	e->in_iface = "eth1";
	e->family = 4;
	pick_src(e->src);
	e->dst[0] = 10;
	e->dst[1] = 0;
	e->dst[2] = (uint8_t)(rnd() % 2);
	e->dst[3] = (uint8_t)(rnd() % 200);
	e->sport = (uint16_t)(1024 + rnd() % 60000);
	e->dport = 80;
	e->proto = 6;
	e->blocked = rnd() % 4 == 0;
	e->gid = 1;
	e->sid = pick_sid();
	e->rev = 3;
	snprintf(msg, sizeof(msg), "ET BENCH signature %u", e->sid);
	e->signature = msg;
	e->category = "Attempted Administrator Privilege Gain";
	e->severity = 1;
	e->grade = nfips_store_grade_name((int)(rnd() % 5));
	e->path = "daemon";
	e->sequence = seq;
	e->policy_serial = 1;
	e->sensor = "bench";
}

static void to_store(struct nfips_store_alert *s, const struct nfips_eve_alert *e)
{
	memset(s, 0, offsetof(struct nfips_store_alert, msg));
	s->ts = e->sec * 1000000 + e->usec;
	s->sequence = e->sequence;
	s->incident = e->incident_id;
	s->gid = e->gid;
	s->sid = e->sid;
	s->rev = e->rev;
	nfips_store_addr(s->src, 4, e->src);
	nfips_store_addr(s->dst, 4, e->dst);
	s->sport = e->sport;
	s->dport = e->dport;
	s->proto = e->proto;
	s->blocked = e->blocked;
	s->grade = (int8_t)nfips_store_grade_parse(e->grade);
	snprintf(s->msg, sizeof(s->msg), "%s", e->signature);
}

static void pin_last_cpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((int)(n > 0 ? n - 1 : 0), &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("sched_setaffinity");
}

static int ingest(const char *dir, double seconds)
{
	char path[4096], err[1024];
	struct nfips_store_opts o = { .path = path };
	struct nfips_store_writer_cfg c = { 0 };
	struct nfips_store_writer *w;
	struct nfips_store_stats st;
	struct nfips_store *s;
	struct nfips_sbuf b = { 0 };
	struct nfips_eve_alert e;
	struct nfips_store_alert a;
	uint64_t seq = 0, eve_bytes = 0, waits = 0;
	double t0, t1, c0, c1;
	int fd;

	pin_last_cpu();		/* before the writer thread: it inherits */
	snprintf(path, sizeof(path), "%s/eve.json", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	snprintf(path, sizeof(path), "%s/ingest.db", dir);
	unlink(path);
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	w = s ? nfips_store_writer_start(s, &c, err, sizeof(err)) : NULL;
	if (fd < 0 || !w) {
		fprintf(stderr, "store-bench: %s\n", fd < 0 ? strerror(errno) : err);
		return 1;
	}
	t0 = now_s();
	c0 = cpu_s();
	do {
		int i;

		for (i = 0; i < 1000; i++) {
			struct timespec ts;
			bool is_new;
			uint8_t sa[16], da[16];

			clock_gettime(CLOCK_REALTIME, &ts);
			make_eve(&e, (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, ++seq);
			nfips_store_addr(sa, 4, e.src);
			nfips_store_addr(da, 4, e.dst);
			e.incident_id = nfips_store_incident(s, e.gid, e.sid, sa, da,
							     e.sec * 1000000 + e.usec, &is_new);
			nfips_sbuf_reset(&b);
			nfips_eve_alert(&b, &e);
			if (write(fd, b.s, b.len) != (ssize_t)b.len)
				return 1;
			eve_bytes += b.len;
			to_store(&a, &e);
			a.incident_new = is_new;
			while (!nfips_store_submit(w, &a)) {
				/* counted unstored by the queue: the bench waits
				 * instead, to measure what the writer sustains */
				waits++;
				sched_yield();
			}
		}
	} while (now_s() - t0 < seconds);
	nfips_store_writer_stop(w, &st);
	t1 = now_s();
	c1 = cpu_s();
	close(fd);
	/*
	 * rate: by the wall clock (the process pinned to one CPU it may
	 * share with others); cpu_rate: per CPU second the process got, what
	 * one core of its own would sustain (fsync waits are not CPU time:
	 * cpu_rate holds only while the disk keeps up, which rate shows).
	 */
	printf("ingest: alerts=%" PRIu64 " seconds=%.2f rate=%.0f cpu_seconds=%.2f cpu_rate=%.0f"
	       " stored=%" PRIu64 " batches=%" PRIu64 " eve_bytes=%" PRIu64
	       " queue_full_waits=%" PRIu64 "\n",
	       seq, t1 - t0, (double)st.stored / (t1 - t0), c1 - c0,
	       (double)st.stored / (c1 - c0), st.stored, st.batches, eve_bytes, waits);
	return st.stored == seq ? 0 : 1;
}

static int gen(const char *dir, int days, int per_day)
{
	char path[4096], err[1024];
	struct nfips_store_opts o = { .path = path, .cache_mb = 512, .no_tracker = true };
	const size_t batch = 50000;
	struct nfips_store_alert *b = calloc(batch, sizeof(*b));
	struct nfips_store *s;
	struct nfips_eve_alert e;
	int64_t now = (int64_t)time(NULL) * 1000000, start, span;
	uint64_t total = (uint64_t)days * (uint64_t)per_day, i, seq = 0;
	double t0 = now_s();
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/alerts.db", dir);
	unlink(path);
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	if (!s || !b) {
		fprintf(stderr, "store-bench: %s\n", s ? "out of memory" : err);
		return 1;
	}
	span = (int64_t)days * 86400 * 1000000;
	start = now - span;
	for (i = 0; i < total; i++) {
		make_eve(&e, start + (int64_t)((double)span * (double)i / (double)total), ++seq);
		to_store(&b[n++], &e);
		if (n == batch || i + 1 == total) {
			if (nfips_store_put(s, b, n)) {
				fprintf(stderr, "store-bench: put failed\n");
				return 1;
			}
			n = 0;
		}
	}
	nfips_store_close(s);
	printf("gen: alerts=%" PRIu64 " days=%d seconds=%.1f rate=%.0f\n", total, days,
	       now_s() - t0, (double)total / (now_s() - t0));
	return 0;
}

static int count_rows(void *arg, const struct nfips_store_row *r)
{
	(void)r;
	++*(uint64_t *)arg;
	return 0;
}

static int count_buckets(void *arg, const struct nfips_store_count *c)
{
	((uint64_t *)arg)[0]++;
	((uint64_t *)arg)[1] += c->n;
	return 0;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int query(const char *dir, int runs)
{
	char path[4096], err[1024];
	struct nfips_store_opts o = { .path = path, .readonly = true };
	struct nfips_store_filter f, all;
	struct nfips_store *s;
	double t[64], cpu[64], first;
	uint64_t rows = 0, cb[2] = { 0 };
	int i;

	if (runs > 64)
		runs = 64;
	snprintf(path, sizeof(path), "%s/alerts.db", dir);
	/* Opened once as nfipsd would (an older schema is migrated). */
	{
		struct nfips_store_opts w = { .path = path, .no_tracker = true };
		double t0 = now_s();

		s = nfips_store_open(&w, err, sizeof(err), NULL);
		if (!s) {
			fprintf(stderr, "store-bench: %s\n", err);
			return 1;
		}
		nfips_store_close(s);
		printf("query: open-as-writer seconds=%.1f\n", now_s() - t0);
	}
	nfips_store_filter_init(&f);
	nfips_store_filter_init(&all);
	f.has_sid = true;
	f.sid = 2000001;
	f.has_src = true;
	nfips_store_cidr("198.18.7.0/24", f.src_lo, f.src_hi);
	for (i = 0; i < runs; i++) {
		double t0 = now_s(), c0 = cpu_s();

		s = nfips_store_open(&o, err, sizeof(err), NULL);
		rows = 0;
		if (!s || nfips_store_alerts(s, &f, count_rows, &rows, err, sizeof(err))) {
			fprintf(stderr, "store-bench: %s\n", err);
			return 1;
		}
		nfips_store_close(s);
		t[i] = now_s() - t0;
		cpu[i] = cpu_s() - c0;
	}
	first = t[0];
	qsort(t, (size_t)runs, sizeof(t[0]), cmp_d);
	qsort(cpu, (size_t)runs, sizeof(cpu[0]), cmp_d);
	printf("query: sid-src rows=%" PRIu64 " first_ms=%.1f median_ms=%.1f max_ms=%.1f"
	       " cpu_median_ms=%.1f\n", rows, first * 1e3, t[runs / 2] * 1e3,
	       t[runs - 1] * 1e3, cpu[runs / 2] * 1e3);
	for (i = 0; i < runs; i++) {
		double t0 = now_s(), c0 = cpu_s();

		s = nfips_store_open(&o, err, sizeof(err), NULL);
		cb[0] = cb[1] = 0;
		if (!s || nfips_store_count(s, &all, NFIPS_BY_DAY, false, count_buckets, cb,
					    err, sizeof(err))) {
			fprintf(stderr, "store-bench: %s\n", err);
			return 1;
		}
		nfips_store_close(s);
		t[i] = now_s() - t0;
		cpu[i] = cpu_s() - c0;
	}
	first = t[0];
	qsort(t, (size_t)runs, sizeof(t[0]), cmp_d);
	qsort(cpu, (size_t)runs, sizeof(cpu[0]), cmp_d);
	printf("query: count-by-day days=%" PRIu64 " alerts=%" PRIu64
	       " first_ms=%.1f median_ms=%.1f max_ms=%.1f cpu_median_ms=%.1f\n",
	       cb[0], cb[1], first * 1e3, t[runs / 2] * 1e3, t[runs - 1] * 1e3,
	       cpu[runs / 2] * 1e3);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "ingest"))
		return ingest(argv[2], argc > 3 ? atof(argv[3]) : 20);
	if (argc == 5 && !strcmp(argv[1], "gen"))
		return gen(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc >= 3 && !strcmp(argv[1], "query"))
		return query(argv[2], argc > 3 ? atoi(argv[3]) : 5);
	fprintf(stderr, "usage: store-bench ingest DIR [SECONDS] | gen DIR DAYS PER_DAY | "
		"query DIR [RUNS]\n");
	return 2;
}
