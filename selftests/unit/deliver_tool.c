// SPDX-License-Identifier: GPL-2.0
/*
 * The delivery tests' driver, made of nfipsd's own parts (not a test by
 * itself; deliver_rsyslog.sh uses it):
 *
 *   deliver_tool append LOG N SENSOR [RATE]
 *                                      N alert records through nfipsd's
 *                                      EVE log writer (which numbers them),
 *                                      RATE a second (paced every 10 ms;
 *                                      the achieved rate on stdout)
 *   deliver_tool run CONF              nfipsd's delivery (the senders of
 *                                      CONF's collectors) until SIGTERM
 *   deliver_tool format LOG            each record's RFC 5424 message
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nfipsd.h"
#include "output/eve.h"

void nfipsd_log(int prio, const char *fmt, ...)
{
	va_list ap;

	(void)prio;
	va_start(ap, fmt);
	fprintf(stderr, "deliver_tool: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Records as varied as real ones: quotes, ']', backslashes, UTF-8. */
static double mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Waits until @n of the records are due at @rate a second from @t0. */
static void pace(double t0, unsigned long n, unsigned long rate)
{
	double due = t0 + (double)n / (double)rate, now = mono();
	struct timespec t;

	if (due <= now)
		return;		/* behind: write on at once, the rate shows it */
	t.tv_sec = (time_t)(due - now);
	t.tv_nsec = (long)((due - now - (double)t.tv_sec) * 1e9);
	nanosleep(&t, NULL);
}

static int append(const char *log, unsigned long n, const char *sensor, unsigned long rate)
{
	static const char *const sigs[] = {
		"ET EXPLOIT \"quoted\" [bracket] attempt",
		"GPL WEB_SERVER /etc/passwd \\ backslash",
		"ET SCAN nmap ] SYN scan — 日本語",
		"plain signature",
	};
	static const char *const grades[] = { "emergency", "high", "medium", "low", "ignore", NULL };
	struct nfipsd_evelog *l;
	struct nfips_sbuf b = { 0 };
	char err[512];
	int64_t now = time(NULL);
	unsigned long i, step = rate / 100 ? rate / 100 : 1;
	double t0 = mono();

	l = nfipsd_evelog_open(log, err, sizeof(err));
	if (!l) {
		fprintf(stderr, "deliver_tool: %s\n", err);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (rate && i % step == 0)
			pace(t0, i, rate);
		struct nfips_eve_alert a = {
			.sec = now, .usec = (uint32_t)(i * 7919 % 1000000),
			.flow_id = 1000 + i, .family = 4, .sport = (uint16_t)(40000 + i % 20000),
			.dport = 80, .proto = 6, .gid = 1, .sid = 2100000 + (uint32_t)(i % 97),
			.rev = 3, .signature = sigs[i % 4], .category = "Attempted Administrator Privilege Gain",
			.severity = 1 + (uint32_t)(i % 3), .grade = grades[i % 6], .path = "daemon",
			.sequence = 1, .policy_serial = 7, .sensor = sensor,
		};

		a.src[0] = 10, a.src[3] = (uint8_t)(i % 250 + 1);
		a.dst[0] = 192, a.dst[1] = 168, a.dst[3] = 10;
		nfips_sbuf_reset(&b);
		nfips_eve_alert(&b, &a);
		if (b.oom || nfipsd_evelog_write(l, b.s, b.len, NULL)) {
			fprintf(stderr, "deliver_tool: %s: write failed\n", log);
			return 1;
		}
	}
	nfips_sbuf_free(&b);
	nfipsd_evelog_close(l);
	if (rate)
		printf("appended %lu in %.3f s: %.0f/s\n", n, mono() - t0, n / (mono() - t0));
	return 0;
}

static int run(const char *conf)
{
	struct nfipsd_conf c;
	struct nfipsd_delivery *dl;
	struct nfipsd_evelog *eve;
	struct timespec tick = { 1, 0 };
	char err[512];
	sigset_t set;

	if (nfipsd_conf_load(&c, conf, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	eve = nfipsd_evelog_open(c.eve_path, err, sizeof(err));
	if (eve)	/* as nfipsd does */
		nfipsd_evelog_sequence_at_least(eve, nfipsd_deliver_max_cursor(&c));
	dl = eve ? nfipsd_deliver_start(&c, c.sensor ? c.sensor : "sensor") : NULL;
	if (!dl) {
		nfipsd_evelog_close(eve);
		nfipsd_conf_free(&c);
		return 1;
	}
	/* As nfipsd's main loop: signals, and the backlog check each second. */
	while (sigtimedwait(&set, NULL, &tick) < 0)
		nfipsd_deliver_check(dl, eve, c.sensor ? c.sensor : "sensor");
	nfipsd_deliver_stop(dl);
	nfipsd_evelog_close(eve);
	nfipsd_conf_free(&c);
	return 0;
}

static int format(const char *log)
{
	struct nfips_spool *sp;
	struct nfips_spool_batch b = { 0 };
	struct nfips_sbuf m = { 0 };
	uint64_t after = 0;
	char err[512];
	size_t i;

	sp = nfips_spool_eve_open(log, err, sizeof(err));
	if (!sp)
		return 1;
	for (;;) {
		if (sp->ops->fetch(sp, after, 1000, &b, err, sizeof(err))) {
			fprintf(stderr, "deliver_tool: %s\n", err);
			return 1;
		}
		if (!b.n)
			break;
		for (i = 0; i < b.n; i++) {
			nfips_sbuf_reset(&m);
			nfips_deliver_format(&m, &b.recs[i], 21, "host");
			fwrite(m.s, 1, m.len, stdout);
			putchar('\n');
			after = b.recs[i].sequence;
		}
	}
	nfips_sbuf_free(&m);
	nfips_spool_batch_free(&b);
	sp->ops->close(sp);
	return 0;
}

int main(int argc, char **argv)
{
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "append"))
		return append(argv[2], strtoul(argv[3], NULL, 10), argv[4],
			      argc == 6 ? strtoul(argv[5], NULL, 10) : 0);
	if (argc == 3 && !strcmp(argv[1], "run"))
		return run(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "format"))
		return format(argv[2]);
	fprintf(stderr, "usage: deliver_tool append LOG N SENSOR [RATE] | run CONF | format LOG\n");
	return 2;
}
