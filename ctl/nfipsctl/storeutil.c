// SPDX-License-Identifier: GPL-2.0
/*
 * What the store's subcommands (alerts, incidents, incident) share: the
 * store's path (nfipsd.conf's store.path, as nfipsd reads it), the
 * filter options, times in and out (local unless --utc), and aligned
 * columns.
 */
#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nfipsctl.h"

#define NFIPSD_CONF	"/etc/nfips/nfipsd.conf"

static struct nfips_store *store_open(const char *path, bool write,
				      bool create)
{
	struct nfips_store_opts o = { .readonly = !write, .no_tracker = true };
	const char *conf = getenv("NFIPSD_CONF") ? getenv("NFIPSD_CONF") : NFIPSD_CONF;
	struct nfips_store *s;
	char err[1024], *from_conf = NULL;
	const char *p;
	config_t cf;

	if (!path && !access(conf, R_OK)) {
		config_init(&cf);
		if (config_read_file(&cf, conf) &&
		    config_lookup_string(&cf, "store.path", &p)) {
			/* relative: to the configuration's directory, as nfipsd */
			const char *slash = strrchr(conf, '/');

			if (p[0] != '/' && slash) {
				if (asprintf(&from_conf, "%.*s/%s", (int)(slash - conf), conf, p) < 0)
					from_conf = NULL;
			} else {
				from_conf = strdup(p);
			}
		}
		config_destroy(&cf);
		path = from_conf;
	}
	o.path = path;
	/* A record that must not wait for nfipsd's first start (blocks). */
	if (create && access(path ? path : NFIPS_STORE_PATH, F_OK) && errno == ENOENT)
		write = false, o.readonly = false;
	if (write) {
		/* Checked read-only first: nfipsctl never creates a store nor
		 * moves a corrupt one aside (nfipsd does, and says so). */
		o.readonly = true;
		s = nfips_store_open(&o, err, sizeof(err), NULL);
		nfips_store_close(s);
		o.readonly = false;
		if (!s) {
			fprintf(stderr, "nfipsctl: store: %s\n", err);
			free(from_conf);
			return NULL;
		}
	}
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	if (!s)
		fprintf(stderr, "nfipsctl: store: %s\n", err);
	free(from_conf);
	return s;
}

struct nfips_store *ctl_store_open(const char *path, bool write)
{
	return store_open(path, write, false);
}

struct nfips_store *ctl_store_open_create(const char *path)
{
	return store_open(path, true, true);
}

/*
 * "2026-12-06", "2026-12-06 13:00[:05]", "2026-12-06T13:00:05[Z]",
 * "@EPOCH", or a time ago: "90m", "2h", "7d". Local unless @utc or Z.
 */
int ctl_parse_time(const char *s, bool utc, int64_t *out)
{
	static const char *const fmts[] = {
		"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M",
		"%Y-%m-%d %H:%M", "%Y-%m-%d", NULL,
	};
	struct tm tm;
	char *end;
	int i;

	if (s[0] == '@') {
		long long v = strtoll(s + 1, &end, 10);

		if (end == s + 1 || *end)
			return -1;
		*out = v * 1000000;
		return 0;
	}
	if (s[0] >= '0' && s[0] <= '9') {
		long long v = strtoll(s, &end, 10);
		long long unit = 0;

		if (end != s && end[1] == '\0') {
			switch (*end) {
			case 's': unit = 1; break;
			case 'm': unit = 60; break;
			case 'h': unit = 3600; break;
			case 'd': unit = 86400; break;
			}
			if (unit) {
				*out = ((long long)time(NULL) - v * unit) * 1000000;
				return 0;
			}
		}
	}
	for (i = 0; fmts[i]; i++) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, fmts[i], &tm);
		if (!end)
			continue;
		if (*end == 'Z' && end[1] == '\0')
			utc = true;
		else if (*end)
			continue;
		tm.tm_isdst = -1;
		*out = (int64_t)(utc ? timegm(&tm) : mktime(&tm)) * 1000000;
		return 0;
	}
	return -1;
}

void ctl_fmt_time(char *buf, size_t len, int64_t usec, bool utc)
{
	time_t t = (time_t)(usec / 1000000);
	struct tm tm;

	if (utc)
		gmtime_r(&t, &tm);
	else
		localtime_r(&t, &tm);
	strftime(buf, len, utc ? "%Y-%m-%d %H:%M:%SZ" : "%Y-%m-%d %H:%M:%S", &tm);
}

/* One filter option; 1: not a filter option, 0 taken, -1 bad (said). */
int ctl_filter_opt(int opt, const char *arg, struct ctl_query *q)
{
	struct nfips_store_filter *f = &q->f;
	char *end;

	switch (opt) {
	case CTL_OPT_SINCE:
	case CTL_OPT_UNTIL:
		/* parsed after all options: --utc may come later */
		if (opt == CTL_OPT_SINCE)
			q->since = arg;
		else
			q->until = arg;
		return 0;
	case CTL_OPT_SID: {
		unsigned long v = strtoul(arg, &end, 10);

		if (!*arg || *end || v == 0 || v > UINT32_MAX) {
			fprintf(stderr, "nfipsctl: --sid: not a sid: '%s'\n", arg);
			return -1;
		}
		f->has_sid = true;
		f->sid = (uint32_t)v;
		return 0;
	}
	case CTL_OPT_GRADE:
		f->grade = nfips_store_grade_parse(arg);
		if (f->grade < NFIPS_SGRADE_UNSET) {
			fprintf(stderr, "nfipsctl: --grade: '%s' is not emergency, high, "
				"medium, low, ignore or unset\n", arg);
			return -1;
		}
		return 0;
	case CTL_OPT_SRC:
	case CTL_OPT_DST:
		if (nfips_store_cidr(arg, opt == CTL_OPT_SRC ? f->src_lo : f->dst_lo,
				     opt == CTL_OPT_SRC ? f->src_hi : f->dst_hi)) {
			fprintf(stderr, "nfipsctl: --%s: not an address or CIDR: '%s'\n",
				opt == CTL_OPT_SRC ? "src" : "dst", arg);
			return -1;
		}
		if (opt == CTL_OPT_SRC)
			f->has_src = true;
		else
			f->has_dst = true;
		return 0;
	case CTL_OPT_ACTION:
		if (!strcmp(arg, "blocked")) {
			f->action = 1;
		} else if (!strcmp(arg, "allowed")) {
			f->action = 0;
		} else {
			fprintf(stderr, "nfipsctl: --action: blocked or allowed, not '%s'\n", arg);
			return -1;
		}
		return 0;
	case CTL_OPT_LIMIT: {
		unsigned long long v = strtoull(arg, &end, 10);

		if (!*arg || *end || arg[0] == '-') {
			fprintf(stderr, "nfipsctl: --limit: not a number: '%s'\n", arg);
			return -1;
		}
		f->limit = v;
		q->limit_set = true;
		return 0;
	}
	case CTL_OPT_JSON:
		q->json = true;
		return 0;
	case CTL_OPT_UTC:
		q->utc = true;
		return 0;
	case CTL_OPT_STORE:
		q->store = arg;
		return 0;
	}
	return 1;
}

int ctl_filter_done(struct ctl_query *q)
{
	if (q->since && ctl_parse_time(q->since, q->utc, &q->f.since)) {
		fprintf(stderr, "nfipsctl: --since: not a time: '%s' (YYYY-MM-DD[ HH:MM[:SS]], "
			"@EPOCH, or 30m, 2h, 7d ago)\n", q->since);
		return -1;
	}
	if (q->until && ctl_parse_time(q->until, q->utc, &q->f.until)) {
		fprintf(stderr, "nfipsctl: --until: not a time: '%s'\n", q->until);
		return -1;
	}
	return 0;
}

/* ---- aligned columns ------------------------------------------------ */

void ctl_table_add(struct ctl_table *t, const char *const *cells)
{
	size_t i;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **r = realloc(t->cells, cap * t->ncols * sizeof(*r));

		if (!r)
			return;
		t->cells = r;
		t->cap = cap;
	}
	for (i = 0; i < t->ncols; i++)
		t->cells[t->n * t->ncols + i] = strdup(cells[i] ? cells[i] : "");
	t->n++;
}

void ctl_table_print(struct ctl_table *t, const char *const *head)
{
	size_t w[CTL_TABLE_MAX] = { 0 }, r, c;

	for (c = 0; c < t->ncols; c++)
		w[c] = strlen(head[c]);
	for (r = 0; r < t->n; r++)
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			size_t l = s ? strlen(s) : 0;

			if (l > w[c])
				w[c] = l;
		}
	for (c = 0; c < t->ncols; c++)
		printf("%-*s%s", c + 1 < t->ncols ? (int)w[c] : 0, head[c],
		       c + 1 < t->ncols ? "  " : "\n");
	for (r = 0; r < t->n; r++)
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];

			printf("%-*s%s", c + 1 < t->ncols ? (int)w[c] : 0, s ? s : "",
			       c + 1 < t->ncols ? "  " : "\n");
		}
	for (r = 0; r < t->n * t->ncols; r++)
		free(t->cells[r]);
	free(t->cells);
	t->cells = NULL;
	t->n = t->cap = 0;
}
