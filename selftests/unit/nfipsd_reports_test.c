// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsd's reports (ctl/nfipsd/reports.c): nfipsd.conf's reports group
 * (defaults, every bad value named with its line); when a report is due
 * (from reports.hour in the customer's zone, while its file is missing:
 * a restart does not write it twice, a day missed while down is written);
 * and the report thread writing yesterday's and last month's reports into
 * the directory from a real store, each file whole, the hook given every
 * path written.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nfipsd.h"
#include "policy/policy.h"
#include "tap.h"

static struct tap T;
static char dir[] = "/tmp/nfipsd_reports_test.XXXXXX";
static char logged[8192];

void nfipsd_log(int prio, const char *fmt, ...)
{
	size_t l = strlen(logged);
	va_list ap;

	(void)prio;
	va_start(ap, fmt);
	if (l < sizeof(logged) - 2) {
		vsnprintf(logged + l, sizeof(logged) - l - 1, fmt, ap);
		strcat(logged, "\n");
	}
	va_end(ap);
}

static const char *write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(1);
	}
	return path;
}

static int load(const char *text, struct nfipsd_conf *c, char *err, size_t len)
{
	return nfipsd_conf_load(c, write_file("n.conf", text), err, len);
}

static void bad(const char *name, const char *text, const char *want)
{
	struct nfipsd_conf c;
	char err[512];
	int ret = load(text, &c, err, sizeof(err));

	if (!tap_ok(&T, ret && strstr(err, want), "refused: %s", name))
		tap_diag("ret %d, error '%s', want '...%s...'", ret, ret ? err : "", want);
	nfipsd_conf_free(&c);
}

static void config(void)
{
	struct nfipsd_conf c;
	char err[512];
	int ret;

	ret = load("rules = \"r\";\n", &c, err, sizeof(err));
	tap_ok(&T, !ret && !c.report_dir, "no reports group: no reports written");
	nfipsd_conf_free(&c);
	ret = load("rules = \"r\";\nreports = { dir = \"www\"; };\n", &c, err, sizeof(err));
	tap_ok(&T, !ret && c.report_dir && !strcmp(c.report_dir + strlen(c.report_dir) - 4, "/www") &&
	       c.report_daily && c.report_monthly && c.report_hour == 6 &&
	       c.report_lang == NFIPS_REPORT_EN &&
	       c.report_formats == (1u << NFIPS_REPORT_HTML | 1u << NFIPS_REPORT_JSON |
				    1u << NFIPS_REPORT_TEXT),
	       "reports defaults: daily and monthly from 06:00, html json text, en; dir "
	       "relative to the file");
	nfipsd_conf_free(&c);
	ret = load("rules = \"r\";\nreports = { dir = \"/w\"; formats = \"pdf, html\";"
		   " lang = \"ja\"; hour = 7; monthly = false; };\n", &c, err, sizeof(err));
	tap_ok(&T, !ret && c.report_formats == (1u << NFIPS_REPORT_PDF | 1u << NFIPS_REPORT_HTML) &&
	       c.report_lang == NFIPS_REPORT_JA && c.report_hour == 7 && !c.report_monthly,
	       "reports: formats, lang, hour, monthly off");
	nfipsd_conf_free(&c);
	bad("reports without dir", "rules = \"r\";\nreports = { hour = 6; };\n",
	    ":2: reports: 'dir' is needed");
	bad("an unknown format", "rules = \"r\";\nreports = {\n dir = \"/w\";\n formats = \"html,doc\";\n};\n",
	    ":4: reports: 'formats': a list of html, json, text, pdf, not \"html,doc\"");
	bad("a language not offered", "rules = \"r\";\nreports = { dir = \"/w\"; lang = \"fr\"; };\n",
	    ":2: reports: 'lang': en or ja, not \"fr\"");
	bad("an hour past 23", "rules = \"r\";\nreports = { dir = \"/w\"; hour = 24; };\n",
	    "'hour' = 24 out of range 0..23");
	bad("reports without the store", "rules = \"r\";\nstore = { enabled = false; };\n"
	    "reports = { dir = \"/w\"; };\n", ":3: reports are made from the alert store");
	bad("an unknown key", "rules = \"r\";\nreports = { dir = \"/w\"; daliy = true; };\n",
	    "unknown setting 'daliy'");
}

/* y-m-d H:M in Tokyo as a time_t. */
static time_t jst(int y, int m, int d, int H, int M)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = H,
			 .tm_min = M };

	return timegm(&tm) - 9 * 3600;
}

static void due(void)
{
	struct nfipsd_conf c = { .report_dir = dir, .report_hour = 6, .report_daily = true,
				 .report_monthly = true,
				 .report_formats = 1u << NFIPS_REPORT_HTML | 1u << NFIPS_REPORT_JSON };
	struct nfips_report_opts o;

	tap_ok(&T, !nfipsd_report_due(&c, jst(2026, 12, 6, 5, 59), NFIPS_REPORT_DAILY, &o),
	       "due: not before 06:00 Tokyo");
	tap_ok(&T, nfipsd_report_due(&c, jst(2026, 12, 6, 6, 0), NFIPS_REPORT_DAILY, &o) &&
	       o.year == 2026 && o.month == 12 && o.day == 5,
	       "due: at 06:00 Tokyo (21:00 UTC the day before), yesterday's daily: 2026-12-05");
	tap_ok(&T, nfipsd_report_due(&c, jst(2027, 1, 1, 6, 0), NFIPS_REPORT_DAILY, &o) &&
	       o.year == 2026 && o.month == 12 && o.day == 31 &&
	       nfipsd_report_due(&c, jst(2027, 1, 1, 6, 0), NFIPS_REPORT_MONTHLY, &o) &&
	       o.year == 2026 && o.month == 12,
	       "due: on the first, yesterday is the 31st and the month is December");
	write_file("nfips-daily-2026-12-05.json", "x");
	tap_ok(&T, !nfipsd_report_due(&c, jst(2026, 12, 6, 9, 0), NFIPS_REPORT_DAILY, &o),
	       "due: not once its file is there (a restart writes it once)");
	tap_ok(&T, nfipsd_report_due(&c, jst(2026, 12, 9, 9, 0), NFIPS_REPORT_MONTHLY, &o) &&
	       o.month == 11, "due: a month missed while down is written later in the month");
	c.report_daily = false;
	tap_ok(&T, !nfipsd_report_due(&c, jst(2026, 12, 7, 9, 0), NFIPS_REPORT_DAILY, &o),
	       "due: daily = false: never");
	unlink(write_file("nfips-daily-2026-12-05.json", "x"));
}

/* The thread, on the real clock: yesterday's and last month's reports. */
static void thread(void)
{
	struct nfipsd d = { 0 };
	struct nfipsd_policy dp = { 0 };
	struct nfips_policy *pf = NULL;
	struct nfips_store_opts so = { .sync_normal = true, .no_tracker = true };
	struct nfips_store_alert a = { 0 };
	struct nfips_report_opts o;
	struct nfips_store *s;
	char err[512], store[300], out[300], name[400];
	uint8_t src[4] = { 192, 0, 2, 1 }, dst[4] = { 10, 0, 0, 1 };
	struct stat st;
	time_t now = time(NULL);
	int i;

	snprintf(store, sizeof(store), "%s/alerts.db", dir);
	snprintf(out, sizeof(out), "%s/www", dir);
	mkdir(out, 0755);
	so.path = store;
	s = nfips_store_open(&so, err, sizeof(err), NULL);
	if (!tap_ok(&T, s != NULL, "a store: %s", s ? store : err))
		return;
	/* one alert yesterday at noon */
	{
		struct tm tm;

		localtime_r(&now, &tm);
		tm.tm_mday--;
		tm.tm_hour = 12;
		tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		a.ts = (int64_t)mktime(&tm) * 1000000;
	}
	a.gid = 1;
	a.sid = 7;
	nfips_store_addr(a.src, 4, src);
	nfips_store_addr(a.dst, 4, dst);
	a.proto = 6;
	a.dport = 80;
	a.grade = NFIPS_SGRADE_HIGH;
	snprintf(a.msg, sizeof(a.msg), "test attack");
	nfips_store_put(s, &a, 1);
	nfips_store_close(s);

	/*
	 * The shipped example policy: three contacts, notify.reports = both,
	 * and mail configured (a relay that is never reached: the mails stay
	 * queued, mail_smtp.sh sends them).
	 */
	{
		struct nfips_diags dg = { 0 };

		if (nfips_policy_load("../../policies/example-small-company.conf", NULL, &pf, &dg))
			pf = NULL;
		nfips_diags_free(&dg);
	}
	tap_ok(&T, pf && pf->notify.reports == (NFIPS_NOTIFY_REPORT_DAILY |
						NFIPS_NOTIFY_REPORT_MONTHLY) && pf->ncontacts == 3,
	       "the example policy: notify.reports = both, three contacts");
	dp.file = pf;
	d.policy = &dp;
	d.conf.mail.url = (char *)"smtp://127.0.0.1:1";
	d.conf.mail.from = (char *)"nfips@gw-test.example";
	d.conf.store_path = store;
	d.conf.report_dir = out;
	d.conf.report_formats = 1u << NFIPS_REPORT_HTML | 1u << NFIPS_REPORT_JSON;
	d.conf.report_daily = d.conf.report_monthly = true;
	d.conf.report_hour = 0;
	pthread_rwlock_init(&d.pol_lock, NULL);
	snprintf(d.sensor, sizeof(d.sensor), "gw-test");
	logged[0] = '\0';
	/* two reports due: one thread after the other, a tick each */
	for (i = 0; i < 600 && (nfipsd_report_due(&d.conf, time(NULL), NFIPS_REPORT_DAILY, &o) ||
				nfipsd_report_due(&d.conf, time(NULL), NFIPS_REPORT_MONTHLY, &o) ||
				d.report_joinable); i++) {
		struct timespec ts = { 0, 50 * 1000000 };

		nfipsd_reports_check(&d);
		nanosleep(&ts, NULL);
	}
	nfipsd_reports_stop(&d);
	{
		struct tm tm;

		localtime_r(&now, &tm);
		tm.tm_mday--;
		tm.tm_hour = 12;
		tm.tm_isdst = -1;
		now = mktime(&tm);
		localtime_r(&now, &tm);
		snprintf(name, sizeof(name), "%s/nfips-daily-%04d-%02d-%02d.json", out,
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	}
	tap_ok(&T, !stat(name, &st) && st.st_size > 100 && strstr(logged, name),
	       "the thread wrote yesterday's daily report and the hook got its path: %s", name);
	*strrchr(name, '.') = '\0';
	strcat(name, ".html");
	tap_ok(&T, !stat(name, &st) && strstr(logged, name), "and its HTML");
	tap_ok(&T, strstr(logged, "nfips-monthly-") != NULL,
	       "and last month's monthly report");
	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "grep -q '\"total\":1,' %s/nfips-daily-*.json", out);
		tap_ok(&T, system(cmd) == 0, "the daily report counts yesterday's alert");
		snprintf(cmd, sizeof(cmd), "test -z \"$(ls %s | grep tmp)\"", out);
		tap_ok(&T, system(cmd) == 0, "no temporary file left in the directory");
	}
	s = nfips_store_open(&so, err, sizeof(err), NULL);
	{
		struct nfips_mail_summary sum = { 0 };
		bool got = s && !nfips_mail_summary(s, &sum, err, sizeof(err));

		tap_ok(&T, got && sum.pending == 6,
		       "both reports queued for mail to the three contacts (%" PRIu64 ")",
		       sum.pending);
	}
	nfips_store_close(s);
	tap_ok(&T, strstr(logged, "report: daily") && strstr(logged, "mailed to 3 contacts (queued)"),
	       "and logged");
	logged[0] = '\0';
	nfipsd_reports_check(&d);
	tap_ok(&T, !d.report_joinable, "nothing due afterwards: nothing started");
	pthread_rwlock_destroy(&d.pol_lock);
	nfips_policy_free(pf);
}

int main(void)
{
	char cmd[300];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	config();
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	due();
	thread();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		tap_diag("cannot remove %s", dir);
	return tap_done(&T);
}
