// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl report daily [--date YYYY-MM-DD]
 * nfipsctl report monthly [--month YYYY-MM]
 *     [--format text|json|html|pdf] [-o FILE] [--lang en|ja]
 *     [--store PATH] [--policy FILE] [--tz ZONE] [--rows N] [--top N]
 *
 * A report from the store alone (Documentation/report.rst). Days are the
 * customer's: the zone is --tz, else the policy's customer.timezone (the
 * policy nfipsd.conf names, or --policy), else UTC. The default period is
 * yesterday, or last month, in that zone.
 */
#include <getopt.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nfipsctl.h"
#include "policy/policy.h"
#include "report/report.h"
#include "util/util.h"

#define NFIPSD_CONF	"/etc/nfips/nfipsd.conf"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nfipsctl report daily [--date YYYY-MM-DD]\n"
		"       nfipsctl report monthly [--month YYYY-MM]\n"
		"  [--format text|json|html|pdf] [-o FILE] [--lang en|ja] [--store PATH]\n"
		"  [--policy FILE] [--tz ZONE] [--rows N] [--top N]\n"
		"Totals by grade and action, incidents, top signatures, sources, targets\n"
		"and ports, a time histogram, new signatures, the previous period, and the\n"
		"alert table; days in the customer's zone (--tz, else the policy's\n"
		"customer.timezone). Default: yesterday, or last month. --rows 0: every\n"
		"alert in the table (default %d). PDF needs -o and headless Chromium.\n",
		NFIPS_REPORT_ROWS);
}

/* The policy nfipsd.conf names (as nfipsd resolves it); NULL when none. */
static char *conf_policy(void)
{
	const char *conf = getenv("NFIPSD_CONF") ? getenv("NFIPSD_CONF") : NFIPSD_CONF;
	const char *p, *slash = strrchr(conf, '/');
	char *out = NULL;
	config_t cf;

	if (access(conf, R_OK))
		return NULL;
	config_init(&cf);
	if (config_read_file(&cf, conf) && config_lookup_string(&cf, "policy", &p)) {
		if (p[0] != '/' && slash) {
			if (asprintf(&out, "%.*s/%s", (int)(slash - conf), conf, p) < 0)
				out = NULL;
		} else {
			out = strdup(p);
		}
	}
	config_destroy(&cf);
	return out;
}

static bool zone_ok(const char *tz)
{
	char p[512];

	if (!strcmp(tz, "UTC"))
		return true;
	if (!*tz || tz[0] == '/' || strstr(tz, ".."))
		return false;
	snprintf(p, sizeof(p), "/usr/share/zoneinfo/%s", tz);
	return !access(p, R_OK);
}

struct args {
	struct nfips_report_opts o;
	enum nfips_report_format fmt;
	const char *period, *out, *store, *policy, *tz;
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "date", required_argument, NULL, 'd' },
		{ "month", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "lang", required_argument, NULL, 'l' },
		{ "store", required_argument, NULL, 's' },
		{ "policy", required_argument, NULL, 'p' },
		{ "tz", required_argument, NULL, 'z' },
		{ "rows", required_argument, NULL, 'r' },
		{ "top", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char *const fmts[] = { "text", "json", "html", "pdf" };
	unsigned long v;
	char *end;
	int c, i;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
		case 'm':
			if ((c == 'd') != (a->o.kind == NFIPS_REPORT_DAILY)) {
				fprintf(stderr, "nfipsctl report: --%s is for a %s report\n",
					c == 'd' ? "date" : "month", c == 'd' ? "daily" : "monthly");
				return -1;
			}
			a->period = optarg;
			break;
		case 'f':
			for (i = 0; i < 4 && strcmp(optarg, fmts[i]); i++)
				;
			if (i == 4) {
				fprintf(stderr, "nfipsctl report: --format: text, json, html or "
					"pdf, not '%s'\n", optarg);
				return -1;
			}
			a->fmt = (enum nfips_report_format)i;
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'l':
			if (strcmp(optarg, "en") && strcmp(optarg, "ja")) {
				fprintf(stderr, "nfipsctl report: --lang: en or ja, not '%s'\n",
					optarg);
				return -1;
			}
			a->o.lang = strcmp(optarg, "ja") ? NFIPS_REPORT_EN : NFIPS_REPORT_JA;
			break;
		case 's':
			a->store = optarg;
			break;
		case 'p':
			a->policy = optarg;
			break;
		case 'z':
			a->tz = optarg;
			break;
		case 'r':
		case 't':
			v = strtoul(optarg, &end, 10);
			if (!*optarg || *end || optarg[0] == '-' || (c == 't' && !v)) {
				fprintf(stderr, "nfipsctl report: --%s: not a number: '%s'\n",
					c == 'r' ? "rows" : "top", optarg);
				return -1;
			}
			if (c == 'r')
				a->o.rows = v ? v : SIZE_MAX;
			else
				a->o.top = v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nfipsctl report: unexpected '%s'\n", argv[optind]);
		return -1;
	}
	if (a->fmt == NFIPS_REPORT_PDF && !a->out) {
		fprintf(stderr, "nfipsctl report: --format pdf needs -o FILE\n");
		return -1;
	}
	return 0;
}

/* Customer, sensor and zone from the policy (--policy, else nfipsd.conf's). */
static int from_policy(struct args *a, struct nfips_policy **pol)
{
	struct nfips_policy_opts po = { .flags = NFIPS_POLICY_NO_RULES };
	struct nfips_diags d = { 0 };
	char *path = a->policy ? strdup(a->policy) : conf_policy();
	int rc = 0;

	*pol = NULL;
	if (!path || (!a->policy && access(path, R_OK))) {
		free(path);
		return 0;	/* none: UTC, no names */
	}
	if (nfips_policy_load(path, &po, pol, &d)) {
		fprintf(stderr, "nfipsctl report: %s: not a valid policy (nfipsctl policy "
			"check %s says why)\n", path, path);
		rc = -1;
	}
	nfips_diags_free(&d);
	free(path);
	return rc;
}

/* Yesterday, or last month, in the zone set. */
static void default_period(struct nfips_report_opts *o)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	if (o->kind == NFIPS_REPORT_DAILY) {
		tm.tm_mday--;
		tm.tm_hour = 12;
		tm.tm_isdst = -1;
		now = mktime(&tm);
		localtime_r(&now, &tm);
		o->day = tm.tm_mday;
	} else {
		tm.tm_mon--;
		if (tm.tm_mon < 0) {
			tm.tm_mon = 11;
			tm.tm_year--;
		}
		o->day = 1;
	}
	o->year = tm.tm_year + 1900;
	o->month = tm.tm_mon + 1;
}

static int write_out(const struct args *a, const struct nfips_sbuf *b)
{
	char err[512];
	int rc;

	if (a->fmt == NFIPS_REPORT_PDF) {
		if (nfips_report_pdf(b->s, b->len, a->out, err, sizeof(err))) {
			fprintf(stderr, "nfipsctl report: %s\n", err);
			return -1;
		}
		return 0;
	}
	if (!a->out || !strcmp(a->out, "-")) {
		fwrite(b->s, 1, b->len, stdout);
		return fflush(stdout) ? -1 : 0;
	}
	rc = nfips_file_replace(a->out, b->s, b->len);
	if (rc) {
		fprintf(stderr, "nfipsctl report: %s: %s\n", a->out, strerror(-rc));
		return -1;
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	struct args a = { .o.kind = NFIPS_REPORT_DAILY };
	struct nfips_policy *pol = NULL;
	struct nfips_report r;
	struct nfips_sbuf b = { 0 };
	struct nfips_store *s;
	char err[1024], customer[256];
	int rc = 1;

	if (argc < 2 || (strcmp(argv[1], "daily") && strcmp(argv[1], "monthly"))) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			usage(stdout);
			return 0;
		}
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "monthly"))
		a.o.kind = NFIPS_REPORT_MONTHLY;
	if (parse(argc - 1, argv + 1, &a) || from_policy(&a, &pol))
		return 2;
	if (!a.tz)
		a.tz = pol && pol->timezone ? pol->timezone : "UTC";
	if (!zone_ok(a.tz)) {
		fprintf(stderr, "nfipsctl report: --tz: '%s' is not a zone of "
			"/usr/share/zoneinfo (e.g. Asia/Tokyo, UTC)\n", a.tz);
		rc = 2;
		goto out;
	}
	/* the customer's days, as the store's daily aggregates are keyed */
	setenv("TZ", a.tz, 1);
	tzset();
	a.o.tz = a.tz;
	if (pol && pol->customer_id) {
		if (pol->customer_name)
			snprintf(customer, sizeof(customer), "%s (%s)", pol->customer_name,
				 pol->customer_id);
		else
			snprintf(customer, sizeof(customer), "%s", pol->customer_id);
		a.o.customer = customer;
		a.o.sensor = pol->sensor_name ? pol->sensor_name : pol->sensor_id;
	}
	if (a.period && nfips_report_parse_period(&a.o, a.period)) {
		fprintf(stderr, "nfipsctl report: --%s: not a %s: '%s'\n",
			a.o.kind == NFIPS_REPORT_DAILY ? "date" : "month",
			a.o.kind == NFIPS_REPORT_DAILY ? "date (YYYY-MM-DD)" : "month (YYYY-MM)",
			a.period);
		rc = 2;
		goto out;
	}
	if (!a.period)
		default_period(&a.o);
	s = ctl_store_open(a.store, false);
	if (!s)
		goto out;
	if (nfips_report_build(s, &a.o, &r, err, sizeof(err))) {
		fprintf(stderr, "nfipsctl report: %s\n", err);
		nfips_store_close(s);
		goto out;
	}
	nfips_store_close(s);
	nfips_report_render(&r, a.fmt, &b);
	nfips_report_free(&r);
	if (b.oom)
		fprintf(stderr, "nfipsctl report: out of memory\n");
	else if (!write_out(&a, &b))
		rc = 0;
	nfips_sbuf_free(&b);
out:
	nfips_policy_free(pol);
	return rc;
}
