// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsd's EVE log writer: the directory's last level is created, records
 * from several threads never interleave, a process killed while writing
 * loses at most the record being written (one write() per record, no
 * buffer; the kernel may stop a write short on SIGKILL, so reopening ends
 * a cut line and the next records are whole), a
 * reopen after logrotate's rename writes the new file, and a full disk
 * counts records lost; the number a write gives back is the one in its
 * line. Built with the sanitizers.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nfipsd.h"
#include "tap.h"

#define THREADS	4
#define PER_THREAD 2000

static struct tap T;
static char dir[] = "/tmp/nfipsd_evelog_test.XXXXXX";

/* The daemon's log function, for the objects under test. */
void nfipsd_log(int prio, const char *fmt, ...)
{
	(void)prio;
	(void)fmt;
}

struct writer {
	struct nfipsd_evelog *l;
	int id;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	char rec[600];
	int i, n;

	for (i = 0; i < PER_THREAD; i++) {
		/* Records of varied length, up to a few hundred bytes. */
		n = snprintf(rec, sizeof(rec), "{\"thread\":%d,\"n\":%d,\"pad\":\"%.*s\"}\n",
			     w->id, i, (i * 37) % 500,
			     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		nfipsd_evelog_write(w->l, rec, (size_t)n, NULL);
	}
	return NULL;
}

/* Every line whole: "{...}\n"; returns the number of lines, -1 if not. */
static long whole_lines(const char *path, long per_thread_seen[THREADS])
{
	FILE *f = fopen(path, "r");
	char line[1024];
	long n = 0;
	int t, i;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		if (len < 3 || line[0] != '{' || line[len - 1] != '\n' || line[len - 2] != '}' ||
		    sscanf(line, "{\"thread\":%d,\"n\":%d,", &t, &i) != 2 ||
		    t < 0 || t >= THREADS) {
			fclose(f);
			return -1;
		}
		if (per_thread_seen && i != per_thread_seen[t]++) {
			fclose(f);
			return -1;	/* a thread's records out of order or missing */
		}
		n++;
	}
	fclose(f);
	return n;
}

static void threads(void)
{
	char path[256], err[256];
	struct writer w[THREADS];
	pthread_t th[THREADS];
	long seen[THREADS] = { 0 };
	struct nfipsd_evelog *l;
	int i;

	snprintf(path, sizeof(path), "%s/log/eve.json", dir);
	l = nfipsd_evelog_open(path, err, sizeof(err));
	if (!tap_ok(&T, l != NULL, "open creates the log directory")) {
		tap_diag("%s", err);
		return;
	}
	for (i = 0; i < THREADS; i++) {
		w[i] = (struct writer){ .l = l, .id = i };
		pthread_create(&th[i], NULL, writer_main, &w[i]);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	tap_ok(&T, nfipsd_evelog_written(l) == THREADS * PER_THREAD &&
	       !nfipsd_evelog_lost(l), "%d records written, none lost", THREADS * PER_THREAD);
	tap_ok(&T, whole_lines(path, seen) == THREADS * PER_THREAD,
	       "%d threads at once: whole lines, each thread's in order", THREADS);

	/* logrotate: rename, then reopen; new records go to the new file. */
	{
		char rotated[300];

		snprintf(rotated, sizeof(rotated), "%s.1", path);
		rename(path, rotated);
		nfipsd_evelog_write(l, "{\"thread\":0,\"n\":0}\n", 19, NULL);
		tap_ok(&T, nfipsd_evelog_reopen(l) == 0, "reopen");
		nfipsd_evelog_write(l, "{\"thread\":1,\"n\":0}\n", 19, NULL);
		tap_ok(&T, whole_lines(path, NULL) == 1 &&
		       whole_lines(rotated, NULL) == THREADS * PER_THREAD + 1,
		       "after the rename: the old file gets nothing more after reopen");
	}
	nfipsd_evelog_close(l);

	/* Appends to what is there. */
	l = nfipsd_evelog_open(path, err, sizeof(err));
	nfipsd_evelog_write(l, "{\"thread\":2,\"n\":0}\n", 19, NULL);
	nfipsd_evelog_close(l);
	tap_ok(&T, whole_lines(path, NULL) == 2, "reopened at start: appends");
}

/*
 * Lines of a log written by killed processes: each kill may have cut the
 * record being written (one bad line), every other line is whole, and the
 * "restart" marker written after each kill is intact.
 */
static int after_kills(const char *path, int kills, int *cut)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	int bad = 0, markers = 0, t, i;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		if (!strcmp(line, "{\"restart\":1}\n")) {
			markers++;
			continue;
		}
		if (len < 3 || line[0] != '{' || line[len - 1] != '\n' || line[len - 2] != '}' ||
		    sscanf(line, "{\"thread\":%d,\"n\":%d,", &t, &i) != 2)
			bad++;
	}
	fclose(f);
	*cut = bad;
	return markers == kills && bad <= kills;
}

static void killed(void)
{
	char path[256], err[256];
	int round, status, cut = 0;
	struct nfipsd_evelog *l;

	snprintf(path, sizeof(path), "%s/killed.json", dir);
	for (round = 0; round < 8; round++) {
		pid_t pid = fork();

		if (pid == 0) {
			struct writer w[THREADS];
			pthread_t th[THREADS];
			int i;

			l = nfipsd_evelog_open(path, err, sizeof(err));
			if (!l)
				_exit(1);
			for (i = 0; i < THREADS; i++) {
				w[i] = (struct writer){ .l = l, .id = i };
				pthread_create(&th[i], NULL, writer_main, &w[i]);
			}
			for (i = 0; i < THREADS; i++)
				pthread_join(th[i], NULL);
			_exit(0);
		}
		usleep(2000 + (useconds_t)round * 3000);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		/* The restart: its first record must be whole. */
		l = nfipsd_evelog_open(path, err, sizeof(err));
		if (l) {
			nfipsd_evelog_write(l, "{\"restart\":1}\n", 14, NULL);
			nfipsd_evelog_close(l);
		}
	}
	tap_ok(&T, after_kills(path, 8, &cut),
	       "kill -9 while %d threads write, 8 times: at most the record being "
	       "written lost each time, the next whole", THREADS);
	tap_diag("%d records cut by the kills", cut);
}

static void full_disk(void)
{
	char err[256];
	struct nfipsd_evelog *l = nfipsd_evelog_open("/dev/full", err, sizeof(err));

	if (!l) {
		tap_ok(&T, 1, "full disk # SKIP no /dev/full");
		return;
	}
	{
		static const char rec[] = "{\"nfips\":{\"sequence\":7}}\n";
		uint64_t seq = 99;

		tap_ok(&T, nfipsd_evelog_write(l, rec, sizeof(rec) - 1, &seq) == -ENOSPC &&
		       nfipsd_evelog_lost(l) == 1 && nfipsd_evelog_written(l) == 0 &&
		       seq == 0,
		       "full disk: the record is counted lost, its number given as 0");
	}
	nfipsd_evelog_close(l);
}

/*
 * The number nfipsd_evelog_write gives back is the one in the record's
 * line, for records of several threads at once (the store keeps it, the
 * SOC gets the line: both must key the alert alike); unique; a record
 * without nfips.sequence gets 0.
 */
#define NUM_PER 500
static uint64_t given[THREADS][NUM_PER];

static void *numbered_main(void *arg)
{
	struct writer *w = arg;
	char rec[200];
	int i, n;

	for (i = 0; i < NUM_PER; i++) {
		/* the pipeline's own count (i + 1) in place, as queue workers do */
		n = snprintf(rec, sizeof(rec), "{\"event_type\":\"alert\",\"t\":%d,\"n\":%d,"
			     "\"nfips\":{\"path\":\"queue\",\"sequence\":%d}}\n",
			     w->id, i, i + 1);
		if (nfipsd_evelog_write(w->l, rec, (size_t)n, &given[w->id][i]))
			given[w->id][i] = UINT64_MAX;
	}
	return NULL;
}

static void returned(void)
{
	static const char stats[] = "{\"event_type\":\"stats\"}\n";
	char path[256], err[256], line[256];
	struct writer w[THREADS];
	pthread_t th[THREADS];
	unsigned long long seq, prev = 0;
	uint64_t other = 1;
	long lines = 0, bad = 0;
	struct nfipsd_evelog *l;
	FILE *f;
	int i, t, n;

	snprintf(path, sizeof(path), "%s/returned.json", dir);
	l = nfipsd_evelog_open(path, err, sizeof(err));
	if (!l) {
		tap_ok(&T, 0, "open %s: %s", path, err);
		return;
	}
	for (i = 0; i < THREADS; i++) {
		w[i] = (struct writer){ .l = l, .id = i };
		pthread_create(&th[i], NULL, numbered_main, &w[i]);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	nfipsd_evelog_write(l, stats, sizeof(stats) - 1, &other);
	nfipsd_evelog_close(l);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "{\"event_type\":\"alert\",\"t\":%d,\"n\":%d,"
			   "\"nfips\":{\"path\":\"queue\",\"sequence\":%llu}}",
			   &t, &n, &seq) != 3)
			continue;
		lines++;
		/* in file order, so strictly increasing means unique */
		if (t < 0 || t >= THREADS || n < 0 || n >= NUM_PER ||
		    given[t][n] != seq || seq <= prev) {
			if (!bad++)
				tap_diag("line %ld: thread %d record %d: %llu in the log, "
					 "%llu returned", lines, t, n, seq,
					 t >= 0 && t < THREADS && n >= 0 && n < NUM_PER ?
					 (unsigned long long)given[t][n] : 0ULL);
		}
		prev = seq;
	}
	if (f)
		fclose(f);
	tap_ok(&T, lines == THREADS * NUM_PER && !bad,
	       "%d threads: each record's returned number is its line's nfips.sequence, "
	       "unique", THREADS);
	tap_ok(&T, other == 0, "a record without nfips.sequence: 0 returned");
}

/* An alert record's nfips.sequence is the log's: in order, continued. */
static void numbering(void)
{
	static const char rec[] = "{\"event_type\":\"alert\",\"nfips\":{\"path\":\"daemon\","
				  "\"sequence\":1,\"sensor\":\"s\"}}\n";
	char path[256], err[256], buf[1024];
	struct nfipsd_evelog *l;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/numbered.json", dir);
	l = nfipsd_evelog_open(path, err, sizeof(err));
	nfipsd_evelog_write(l, rec, sizeof(rec) - 1, NULL);
	nfipsd_evelog_write(l, rec, sizeof(rec) - 1, NULL);
	nfipsd_evelog_close(l);
	/* reopened: continues; a collector's cursor beyond the log: above it */
	l = nfipsd_evelog_open(path, err, sizeof(err));
	nfipsd_evelog_write(l, rec, sizeof(rec) - 1, NULL);
	nfipsd_evelog_sequence_at_least(l, 1000);
	nfipsd_evelog_write(l, rec, sizeof(rec) - 1, NULL);
	nfipsd_evelog_close(l);
	f = fopen(path, "r");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	tap_ok(&T, strstr(buf, "\"sequence\":1,") && strstr(buf, "\"sequence\":2,") &&
	       strstr(buf, "\"sequence\":3,") && strstr(buf, "\"sequence\":1001,") &&
	       n == 4 * (sizeof(rec) - 1) + 3,
	       "records numbered 1, 2, 3 across a reopen, then past a cursor of 1000");
	if (T.failed)
		tap_diag("%s", buf);
}

int main(void)
{
	char cmd[300];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	threads();
	killed();
	full_disk();
	numbering();
	returned();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		tap_diag("cannot remove %s", dir);
	return tap_done(&T);
}
