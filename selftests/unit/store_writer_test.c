// SPDX-License-Identifier: GPL-2.0
/*
 * The store's writer thread, as nfipsd runs it:
 *
 *  - kill -9 mid-ingest: a child process ingests numbered alerts through
 *    the writer and reports each committed batch's last number on a pipe
 *    (after the commit); the parent kills it at a random moment, five
 *    times over the same store. Each time the store opens cleanly and
 *    holds exactly the alerts 1..K, K at least the last reported: no
 *    committed alert missing, none duplicated.
 *  - disk full (as root, a 1 MiB tmpfs): ingestion stops with one
 *    NFIPS_STORE_FULL event, alerts that do not fit the queue are
 *    counted, nothing blocks the submitter; once space returns the
 *    writer resumes (NFIPS_STORE_RESUMED) and every alert is either
 *    stored or counted unstored.
 */
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "tap.h"

static struct tap T;
static char dir[64];

static int report_fd = -1;

static void on_commit(void *arg, const struct nfips_store_alert *last, size_t n)
{
	char line[32];
	int len = snprintf(line, sizeof(line), "%llu\n", (unsigned long long)last->sequence);

	(void)arg;
	(void)n;
	if (write(report_fd, line, (size_t)len) != len)
		_exit(3);
}

/*
 * An hour ago: the writer's retention goes by the real clock, and alerts
 * older than 92 days would (rightly) be rolled up and removed under the
 * test's feet.
 */
static int64_t base_ts;

static void make_alert(struct nfips_store_alert *a, uint64_t seq)
{
	uint8_t s[4] = { 10, 0, 0, (uint8_t)(seq % 200) }, d[4] = { 192, 0, 2, 1 };

	if (!base_ts)
		base_ts = ((int64_t)time(NULL) - 3600) * 1000000;
	memset(a, 0, sizeof(*a));
	a->ts = base_ts + (int64_t)seq * 1000;
	a->sequence = seq;
	a->gid = 1;
	a->sid = 1000 + (uint32_t)(seq % 7);
	nfips_store_addr(a->src, 4, s);
	nfips_store_addr(a->dst, 4, d);
	a->grade = NFIPS_SGRADE_LOW;
	snprintf(a->msg, sizeof(a->msg), "crash test %u", a->sid);
}

/* The child: ingests from @first on, forever. */
static void child(const char *path, uint64_t first, int fd)
{
	struct nfips_store_opts o = { .path = path };
	struct nfips_store_writer_cfg c = {
		.queue = 8192, .batch = 500, .flush_ms = 20, .on_commit = on_commit,
	};
	struct nfips_store_writer *w;
	struct nfips_store_alert a;
	struct nfips_store *s;
	char err[512];
	uint64_t seq = first;

	report_fd = fd;
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	if (!s)
		_exit(2);
	w = nfips_store_writer_start(s, &c, err, sizeof(err));
	if (!w)
		_exit(2);
	for (;;) {
		make_alert(&a, seq);
		if (nfips_store_submit(w, &a))
			seq++;
		else
			usleep(1000);	/* full queue: offer the same one again */
	}
}

static int64_t q1(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void crash(void)
{
	char path[300], buf[4096], err[512];
	uint64_t next = 1;
	int round;

	snprintf(path, sizeof(path), "%s/crash.db", dir);
	srand((unsigned)time(NULL));
	for (round = 0; round < 5; round++) {
		uint64_t last = 0;
		int p[2], status;
		struct timespec t0, t;
		pid_t pid;
		sqlite3 *db;
		int64_t n, lo, hi, distinct;
		long delay_ms = 300 + rand() % 700;
		struct nfips_store_opts o = { .path = path, .no_tracker = true };
		struct nfips_store *s;
		bool moved;

		if (pipe(p))
			return;
		pid = fork();
		if (pid == 0) {
			close(p[0]);
			child(path, next, p[1]);
		}
		close(p[1]);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (;;) {
			ssize_t r;
			char *line, *save;

			clock_gettime(CLOCK_MONOTONIC, &t);
			if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >=
			    delay_ms)
				break;
			r = read(p[0], buf, sizeof(buf) - 1);
			if (r <= 0)
				break;
			buf[r] = '\0';
			for (line = strtok_r(buf, "\n", &save); line;
			     line = strtok_r(NULL, "\n", &save))
				last = strtoull(line, NULL, 10);
		}
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		/* what was reported before the kill landed */
		while (read(p[0], buf, sizeof(buf) - 1) > 0)
			;
		close(p[0]);
		/* It opens cleanly (integrity checked: it is small). */
		s = nfips_store_open(&o, err, sizeof(err), &moved);
		if (!tap_ok(&T, s && !moved, "round %d: the store opens cleanly after kill -9%s%s",
			    round + 1, s ? "" : ": ", s ? "" : err))
			return;
		nfips_store_close(s);
		if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
			return;
		n = q1(db, "SELECT count(*) FROM alerts");
		lo = q1(db, "SELECT min(seq) FROM alerts");
		hi = q1(db, "SELECT max(seq) FROM alerts");
		distinct = q1(db, "SELECT count(DISTINCT seq) FROM alerts");
		sqlite3_close(db);
		tap_ok(&T, WIFSIGNALED(status) && last >= next && lo == 1 && n == hi &&
		       distinct == n && (uint64_t)hi >= last,
		       "round %d: killed after %ld ms; alerts 1..%lld stored once each, the "
		       "last reported commit (%llu) among them", round + 1, delay_ms,
		       (long long)hi, (unsigned long long)last);
		next = (uint64_t)hi + 1;
	}
}

/* ---- disk full ------------------------------------------------------ */

static _Atomic int full_events, resumed_events;

static void on_event(void *arg, enum nfips_store_event ev, uint64_t unstored,
		     const char *why)
{
	(void)arg;
	(void)unstored;
	(void)why;
	if (ev == NFIPS_STORE_FULL)
		full_events++;
	else if (ev == NFIPS_STORE_RESUMED)
		resumed_events++;
}

static void disk_full(void)
{
	char mnt[300], path[400], filler[400], err[512];
	struct nfips_store_opts o = { .sync_normal = true, .no_tracker = true };
	struct nfips_store_writer_cfg c = {
		.queue = 500, .batch = 100, .flush_ms = 10, .retry_ms = 50,
		.on_event = on_event,
	};
	struct nfips_store_stats st;
	struct nfips_store_writer *w;
	struct nfips_store_alert a;
	struct nfips_store *s;
	uint64_t seq = 1, at_full, refused = 0, stored_full;
	struct timespec t0, t1;
	double max_submit = 0;
	sqlite3 *db;
	int i;
	FILE *f;

	snprintf(mnt, sizeof(mnt), "%s/small", dir);
	mkdir(mnt, 0700);
	if (geteuid() != 0 || mount("nfips-test", mnt, "tmpfs", 0, "size=1m")) {
		tap_ok(&T, 1, "disk full # SKIP needs root to mount a small tmpfs (%s)",
		       strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/alerts.db", mnt);
	snprintf(filler, sizeof(filler), "%s/filler", mnt);
	/* Room given back later: 384 KiB the test frees. */
	f = fopen(filler, "w");
	memset(err, 'x', sizeof(err));
	for (i = 0; f && i < 768; i++)
		if (fwrite(err, 1, 512, f) != 512)
			break;
	if (f)
		fclose(f);
	o.path = path;
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	w = s ? nfips_store_writer_start(s, &c, err, sizeof(err)) : NULL;
	if (!tap_ok(&T, w != NULL, "store on a 1 MiB tmpfs%s%s", w ? "" : ": ", w ? "" : err))
		goto out;
	/* Ingest until the writer says the disk is full. */
	for (i = 0; i < 200000 && !full_events; i++) {
		make_alert(&a, seq++);
		if (!nfips_store_submit(w, &a))
			usleep(1000);
		if (i % 100 == 0)
			usleep(200);
	}
	nfips_store_writer_stats(w, &st);
	at_full = st.stored;
	tap_ok(&T, full_events == 1 && st.full && at_full > 0,
	       "ingestion stops at disk full with one event (%llu alerts stored before)",
	       (unsigned long long)at_full);
	/* While full: nothing stored, the queue fills, the rest counted. */
	for (i = 0; i < 5000; i++) {
		double us;

		make_alert(&a, seq++);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		refused += !nfips_store_submit(w, &a);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		us = (double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
		if (us > max_submit)
			max_submit = us;
	}
	usleep(200000);
	nfips_store_writer_stats(w, &st);
	stored_full = st.stored;
	tap_ok(&T, st.full && stored_full == at_full && refused >= 4000 &&
	       st.unstored >= refused,
	       "while full nothing is written and what overflows the queue is counted "
	       "(%llu unstored); the slowest submit took %.0f us",
	       (unsigned long long)st.unstored, max_submit);
	unlink(filler);
	for (i = 0; i < 100 && !resumed_events; i++)
		usleep(20000);
	nfips_store_writer_stats(w, &st);
	tap_ok(&T, resumed_events >= 1 && st.stored > stored_full,
	       "space returns: writing resumes (%llu stored; %d full, %d resumed events)",
	       (unsigned long long)st.stored, full_events, resumed_events);
	nfips_store_writer_stop(w, &st);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		int64_t n = q1(db, "SELECT count(*) FROM alerts");

		tap_ok(&T, n > 0 && (uint64_t)n + st.unstored == seq - 1 && n == (int64_t)st.stored &&
		       st.submitted == seq - 1,
		       "every alert offered (%llu) is stored (%lld) or counted unstored (%llu)",
		       (unsigned long long)seq - 1, (long long)n, (unsigned long long)st.unstored);
		sqlite3_close(db);
	}
out:
	umount2(mnt, MNT_DETACH);
}

/*
 * Another process holds the store's write lock longer than busy_ms
 * (SQLITE_BUSY): the batch is kept and retried, not dropped, one
 * NFIPS_STORE_FULL event says writing stopped; once the lock goes, every
 * alert is stored.
 */
static void busy_store(void)
{
	char path[400], err[512];
	struct nfips_store_opts o = { .sync_normal = true, .no_tracker = true,
				      .busy_ms = 20 };
	struct nfips_store_writer_cfg c = {
		.queue = 500, .batch = 100, .flush_ms = 10, .retry_ms = 20,
		.on_event = on_event,
	};
	struct nfips_store_stats st;
	struct nfips_store_writer *w;
	struct nfips_store_alert a;
	struct nfips_store *s;
	sqlite3 *db = NULL;
	int i;

	full_events = resumed_events = 0;
	snprintf(path, sizeof(path), "%s/busy.db", dir);
	o.path = path;
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	w = s ? nfips_store_writer_start(s, &c, err, sizeof(err)) : NULL;
	if (!tap_ok(&T, w != NULL && sqlite3_open(path, &db) == SQLITE_OK &&
		    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK,
		    "busy store opens, another connection holds its write lock"))
		goto out;
	for (i = 0; i < 200; i++) {
		make_alert(&a, (uint64_t)i + 1);
		nfips_store_submit(w, &a);
	}
	usleep(300000);
	nfips_store_writer_stats(w, &st);
	tap_ok(&T, full_events == 1 && st.stored == 0 && st.unstored == 0,
	       "store busy: one event, the batch kept (%llu stored, %llu unstored, %d "
	       "events)", (unsigned long long)st.stored, (unsigned long long)st.unstored,
	       (int)full_events);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	for (i = 0; i < 100 && st.stored < 200; i++) {
		usleep(20000);
		nfips_store_writer_stats(w, &st);
	}
	tap_ok(&T, st.stored == 200 && st.unstored == 0 && resumed_events == 1,
	       "the lock goes: every alert is stored (%llu)", (unsigned long long)st.stored);
out:
	sqlite3_close(db);
	if (w)
		nfips_store_writer_stop(w, &st);
	else
		nfips_store_close(s);
}

/*
 * The store goes corrupt under the running writer: it is moved aside and
 * a new store started, the batch then stored there, not dropped.
 */
static int moved_events;

static void on_moved(void *arg, enum nfips_store_event ev, uint64_t unstored,
		     const char *why)
{
	on_event(arg, ev, unstored, why);
	if (ev == NFIPS_STORE_MOVED)
		moved_events++;
}

static void corrupt_store(void)
{
	char path[400], err[512], junk[4096];
	struct nfips_store_opts o = { .sync_normal = true, .no_tracker = true };
	struct nfips_store_writer_cfg c = {
		.queue = 500, .batch = 100, .flush_ms = 10, .retry_ms = 20,
		.on_event = on_moved,
	};
	struct nfips_store_stats st;
	struct nfips_store_writer *w;
	struct nfips_store_alert a;
	struct nfips_store *s;
	struct stat sb;
	sqlite3 *db;
	FILE *f;
	int i;

	full_events = resumed_events = 0;
	snprintf(path, sizeof(path), "%s/corrupt.db", dir);
	o.path = path;
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	w = s ? nfips_store_writer_start(s, &c, err, sizeof(err)) : NULL;
	if (!tap_ok(&T, w != NULL, "corrupt store opens"))
		return;
	for (i = 0; i < 100; i++) {
		make_alert(&a, (uint64_t)i + 1);
		nfips_store_submit(w, &a);
	}
	usleep(200000);
	/*
	 * Everything into the main file, then garbage over every page and
	 * over the WAL index, so the writer's connection reads the pages anew.
	 */
	if (sqlite3_open(path, &db) == SQLITE_OK)
		sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	sqlite3_close(db);
	memset(junk, 0x5a, sizeof(junk));
	f = fopen(path, "r+");
	for (i = 0; f && !stat(path, &sb) && i * (long)sizeof(junk) < sb.st_size; i++)
		fwrite(junk, 1, sizeof(junk), f);
	if (f)
		fclose(f);
	snprintf(err, sizeof(err), "%s-shm", path);
	f = fopen(err, "r+");
	for (i = 0; f && !stat(err, &sb) && i * (long)sizeof(junk) < sb.st_size; i++)
		fwrite(junk, 1, sizeof(junk), f);
	if (f)
		fclose(f);
	for (i = 0; i < 200; i++) {
		make_alert(&a, (uint64_t)i + 101);
		nfips_store_submit(w, &a);
	}
	for (i = 0; i < 100 && !resumed_events; i++)
		usleep(20000);
	nfips_store_writer_stop(w, &st);
	db = NULL;
	tap_ok(&T, full_events == 1 && moved_events == 1 && st.unstored == 0 &&
	       sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	       q1(db, "SELECT count(*) FROM alerts") == 200,
	       "a store gone corrupt is moved aside, a new one started, no batch lost "
	       "(%d writing-stopped, %d moved events, %llu unstored)", (int)full_events,
	       moved_events, (unsigned long long)st.unstored);
	sqlite3_close(db);
}

/*
 * The power-cut test's two halves (selftests/store_powercut.sh):
 * --writer PATH: ingest numbered alerts into PATH forever, printing each
 * committed batch's last number; --check PATH LAST: the store opens
 * cleanly and holds exactly the alerts 1..K, K >= LAST.
 */
static int powercut_half(int argc, char **argv)
{
	char err[512];

	if (argc == 3 && !strcmp(argv[1], "--writer")) {
		setvbuf(stdout, NULL, _IONBF, 0);
		child(argv[2], 1, 1);
	}
	if (argc == 4 && !strcmp(argv[1], "--check")) {
		struct nfips_store_opts o = { .path = argv[2], .no_tracker = true };
		unsigned long long last = strtoull(argv[3], NULL, 10);
		struct nfips_store *s;
		int64_t n, hi, distinct, lo;
		bool moved;
		sqlite3 *db;

		s = nfips_store_open(&o, err, sizeof(err), &moved);
		if (!s || moved) {
			printf("not ok 1 - the store opens cleanly after the power cut: %s\n",
			       err);
			return 1;
		}
		nfips_store_close(s);
		if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
			return 1;
		n = q1(db, "SELECT count(*) FROM alerts");
		lo = q1(db, "SELECT min(seq) FROM alerts");
		hi = q1(db, "SELECT max(seq) FROM alerts");
		distinct = q1(db, "SELECT count(DISTINCT seq) FROM alerts");
		sqlite3_close(db);
		printf("ok 1 - the store opens cleanly after the power cut\n");
		if (lo == 1 && n == hi && distinct == n && (uint64_t)hi >= last) {
			printf("ok 2 - alerts 1..%lld stored once each, the last reported "
			       "commit (%llu) among them\n", (long long)hi, last);
			return 0;
		}
		printf("not ok 2 - after the power cut: %lld alerts, seq %lld..%lld, %lld "
		       "distinct; the last reported commit was %llu\n", (long long)n,
		       (long long)lo, (long long)hi, (long long)distinct, last);
		return 1;
	}
	fprintf(stderr, "usage: store_writer_test [--writer PATH | --check PATH LAST]\n");
	return 2;
}

int main(int argc, char **argv)
{
	char cmd[400];

	if (argc > 1)
		return powercut_half(argc, argv);
	/* kill -9 keeps the page cache: tmpfs tests the same and is fast */
	strcpy(dir, access("/dev/shm", W_OK) ? "/tmp/nfips_store_writer.XXXXXX" :
	       "/dev/shm/nfips_store_writer.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	crash();
	disk_full();
	busy_store();
	corrupt_store();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		tap_diag("cleanup failed");
	return tap_done(&T);
}
