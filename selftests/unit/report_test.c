// SPDX-License-Identifier: GPL-2.0
/*
 * Daily and monthly reports (ctl/lib/report/): a store filled with a known
 * set of alerts and incidents across days, in the customer's zone
 * (Asia/Tokyo: a UTC day is not the customer's), and one old month whose
 * raw alerts retention has removed (only its daily aggregates are left),
 * gives every section's numbers exactly: totals by grade and action,
 * incidents by state with their notes, top signatures, sources, targets
 * and ports, the histogram, new signatures, the previous period, the
 * alert table with its interface. Text in both languages fits 100
 * columns; the HTML is self-contained and well-formed; the JSON reads
 * back with the same numbers (report_check.py). Top sources and targets
 * carry the host names the store recorded (nfipsd's lookups, schema 8):
 * the name an address had at the period's end, or for an old month the
 * first one recorded after it, "unconfirmed" when it did not
 * forward-confirm; the report itself looks nothing up.
 *
 * With a directory argument the store and the rendered files are kept
 * there (report_cli.sh runs nfipsctl report against them).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/report.h"
#include "store/store.h"
#include "store/store_int.h"	/* the purge mark the split is checked against */
#include "tap.h"

static struct tap T;
static int64_t now_usec;

static int64_t test_clock(void *arg)
{
	(void)arg;
	return now_usec;
}

/* y-m-d H:M:S in Tokyo (UTC+9, no daylight saving), as usec. */
static int64_t jst(int y, int m, int d, int H, int M, int S)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = H,
			 .tm_min = M, .tm_sec = S };

	return ((int64_t)timegm(&tm) - 9 * 3600) * 1000000;
}

static void v4(uint8_t out[16], const char *s)
{
	uint8_t lo[16], hi[16];

	nfips_store_cidr(s, lo, hi);
	memcpy(out, lo, 16);
}

static struct nfips_store_alert batch[4096];
static size_t nbatch;

/* @n alerts, @step usec apart from @t. */
static void add(int64_t t, int64_t step, int n, uint32_t sid, const char *msg,
		const char *src, const char *dst, uint16_t sport, uint16_t dport,
		uint8_t proto, int grade, bool blocked, uint64_t incident, const char *iface)
{
	int i;

	for (i = 0; i < n; i++) {
		struct nfips_store_alert *a = &batch[nbatch++];

		memset(a, 0, sizeof(*a));
		a->ts = t + i * step;
		a->sequence = nbatch;
		a->gid = 1;
		a->sid = sid;
		a->rev = 1;
		v4(a->src, src);
		v4(a->dst, dst);
		a->sport = (uint16_t)(sport + i);
		a->dport = dport;
		a->proto = proto;
		a->grade = (int8_t)grade;
		a->blocked = blocked;
		a->incident = incident;
		a->incident_new = i == 0;
		snprintf(a->msg, sizeof(a->msg), "%s", msg);
		snprintf(a->iface, sizeof(a->iface), "%s", iface);
	}
}

#define MIN	(60ll * 1000000)

/*
 * The known set. 2026-12-05 (Tokyo) is the report's day, 2026-12-04 the
 * previous one, June 2026 the old month (gone to aggregates), May its
 * previous month.
 */
static void fill(void)
{
	/* the previous day: 8 nmap probes, its own incident */
	add(jst(2026, 12, 4, 10, 0, 0), MIN, 8, 1001, "ET SCAN nmap probe", "203.0.113.5",
	    "10.0.0.10", 40000, 22, 6, NFIPS_SGRADE_LOW, false, 5, "eth0");
	/* the day: 00:30 Tokyo is still 12-04 in UTC */
	add(jst(2026, 12, 5, 0, 30, 0), MIN, 10, 1001, "ET SCAN nmap probe", "203.0.113.5",
	    "10.0.0.10", 41000, 22, 6, NFIPS_SGRADE_LOW, false, 1, "eth0");
	add(jst(2026, 12, 5, 23, 0, 0), MIN, 20, 1001, "ET SCAN nmap probe", "203.0.113.5",
	    "10.0.0.11", 42000, 22, 6, NFIPS_SGRADE_LOW, false, 1, "eth0");
	add(jst(2026, 12, 5, 13, 0, 0), MIN, 12, 2001, "WEB exploit <script> & 'quote'",
	    "198.51.100.7", "10.0.0.20", 50000, 80, 6, NFIPS_SGRADE_HIGH, true, 2, "eth1");
	add(jst(2026, 12, 5, 14, 0, 0), MIN, 5, 3001, "DNS amplification",
	    "2001:db8::66", "10.0.0.53", 53, 53, 17, NFIPS_SGRADE_MEDIUM, false, 3, "eth0");
	add(jst(2026, 12, 5, 15, 0, 0), MIN, 2, 4001, "ICMP unusual", "192.0.2.9",
	    "10.0.0.1", 0, 0, 1, NFIPS_SGRADE_UNSET, false, 4, "");
	/* the next day: not in the report */
	add(jst(2026, 12, 6, 0, 0, 0), MIN, 3, 2001, "WEB exploit <script> & 'quote'",
	    "198.51.100.7", "10.0.0.20", 50000, 80, 6, NFIPS_SGRADE_HIGH, true, 6, "eth1");

	/* May (Tokyo): its last evening is 05-31 in UTC too */
	add(jst(2026, 5, 31, 23, 30, 0), MIN, 7, 1001, "ET SCAN nmap probe", "203.0.113.5",
	    "10.0.0.10", 1000, 22, 6, NFIPS_SGRADE_LOW, false, 0, "eth0");
	/* June: 6 nmap a day on days 1-10, 40 blocked exploits on the 15th */
	for (int d = 1; d <= 10; d++)
		add(jst(2026, 6, d, 8, 0, 0), MIN, 6, 1001, "ET SCAN nmap probe", "203.0.113.5",
		    "10.0.0.10", 2000, 22, 6, NFIPS_SGRADE_LOW, false, 0, "eth0");
	add(jst(2026, 6, 15, 12, 0, 0), MIN, 40, 2001, "WEB exploit <script> & 'quote'",
	    "198.51.100.7", "10.0.0.20", 3000, 80, 6, NFIPS_SGRADE_HIGH, true, 0, "eth1");
	/* 06-30 23:59 Tokyo is June; 07-01 00:10 Tokyo is July (both 06-30 in UTC) */
	add(jst(2026, 6, 30, 23, 59, 0), MIN, 1, 3001, "DNS amplification", "2001:db8::66",
	    "10.0.0.53", 53, 53, 17, NFIPS_SGRADE_MEDIUM, false, 0, "eth0");
	add(jst(2026, 7, 1, 0, 10, 0), MIN, 1, 3001, "DNS amplification", "2001:db8::66",
	    "10.0.0.53", 53, 53, 17, NFIPS_SGRADE_MEDIUM, false, 0, "eth0");
	/* September: retention's cut (92 days before 12-06) is 09-05 00:00 UTC */
	for (int d = 1; d <= 10; d++)
		add(jst(2026, 9, d, 12, 0, 0), MIN, 3, 5001, "SMB probe", "192.0.2.50",
		    "10.0.0.30", 3000, 445, 6, NFIPS_SGRADE_MEDIUM, false, 0, "eth0");
}

static struct nfips_report rep;

/* One lookup's result recorded at @ts, as nfipsd's resolver does. */
static int name_at(struct nfips_store *s, int64_t ts, const char *addr, int status,
		   const char *name)
{
	struct nfips_store_name n = { .status = status };
	char err[512];

	if (strchr(addr, ':')) {
		struct in6_addr a6;

		inet_pton(AF_INET6, addr, &a6);
		memcpy(n.addr, &a6, 16);
	} else {
		v4(n.addr, addr);
	}
	snprintf(n.name, sizeof(n.name), "%s", name);
	if (nfips_store_names_put(s, &n, 1, ts, NULL, 0, err, sizeof(err))) {
		tap_diag("names: %s", err);
		return -1;
	}
	return 0;
}

/*
 * 203.0.113.5 had another name in June than now; 198.51.100.7 was first
 * looked up in December, its name does not forward-confirm; 2001:db8::66
 * has no PTR; the target 10.0.0.10 has a name; 192.0.2.9 was never looked
 * up. A failed lookup after a name never hides it.
 */
static int fill_names(struct nfips_store *s)
{
	return name_at(s, jst(2026, 6, 1, 9, 0, 0), "203.0.113.5", NFIPS_NAME_OK,
		       "scanner-old.example.net") ||
	       name_at(s, jst(2026, 6, 20, 9, 0, 0), "203.0.113.5", NFIPS_NAME_OK,
		       "scanner-old.example.net") ||
	       name_at(s, jst(2026, 12, 1, 9, 0, 0), "203.0.113.5", NFIPS_NAME_OK,
		       "scanner.example.net") ||
	       name_at(s, jst(2026, 12, 5, 13, 0, 0), "203.0.113.5", NFIPS_NAME_FAILED, "") ||
	       name_at(s, jst(2026, 12, 5, 13, 0, 0), "198.51.100.7", NFIPS_NAME_UNCONFIRMED,
		       "mail.customer.example") ||
	       name_at(s, jst(2026, 12, 5, 14, 0, 0), "2001:db8::66", NFIPS_NAME_NONE, "") ||
	       name_at(s, jst(2026, 12, 4, 10, 0, 0), "10.0.0.10", NFIPS_NAME_OK,
		       "web1.example.internal");
}

static const struct nfips_report_top *find_addr(const struct nfips_report_list *l,
						const char *addr)
{
	char buf[64];
	size_t i;

	for (i = 0; i < l->n; i++) {
		nfips_store_addr_str(buf, sizeof(buf), l->v[i].addr);
		if (!strcmp(buf, addr))
			return &l->v[i];
	}
	return NULL;
}

static bool rdns_is(const struct nfips_report_top *t, int status, const char *name, int64_t ts)
{
	return t && t->rdns_status == status && (name ? t->rdns && !strcmp(t->rdns, name) :
						 !t->rdns) && (!ts || t->rdns_ts == ts);
}

/* A block or unblock record at @ts; @until 0: until removed. */
static int block_rec(struct nfips_store *s, int64_t ts, bool unblock, const char *addr,
		     int64_t until, const char *reason, const char *by)
{
	struct nfips_store_block b = {
		.ts = ts, .unblock = unblock, .addr = addr, .until = until,
		.reason = reason, .by = by,
	};
	char err[256];

	if (nfips_store_block_put(s, &b, err, sizeof(err))) {
		tap_diag("%s", err);
		return -1;
	}
	return 0;
}

#define HOUR	(60 * MIN)

/*
 * The SOC's blocks around 2026-12-05 (Tokyo): four belong in that day's
 * report (one expired in it, one in force from the day before and
 * unblocked in it, one still in force, one blocked again in it, which is
 * two), two do not (expired the day before, made the day after).
 */
static int fill_blocks(struct nfips_store *s)
{
	return block_rec(s, jst(2026, 12, 3, 9, 0, 0), false, "203.0.113.99",
			 jst(2026, 12, 4, 9, 0, 0), "old scan", "bob") ||
	       block_rec(s, jst(2026, 12, 4, 20, 0, 0), false, "10.9.0.0/16", 0,
			 "worm on a partner network", "tanaka") ||
	       block_rec(s, jst(2026, 12, 5, 8, 0, 0), false, "192.0.2.8",
			 jst(2026, 12, 5, 9, 0, 0), "ssh brute force", "suzuki") ||
	       block_rec(s, jst(2026, 12, 5, 8, 30, 0), false, "192.0.2.8",
			 jst(2026, 12, 5, 10, 30, 0), "ssh brute force, longer", "suzuki") ||
	       block_rec(s, jst(2026, 12, 5, 9, 0, 0), true, "10.9.0.0/16", 0,
			 "partner fixed it", "tanaka") ||
	       block_rec(s, jst(2026, 12, 5, 13, 30, 0), false, "198.51.100.7", 0,
			 "web exploit <script>", "suzuki") ||
	       block_rec(s, jst(2026, 12, 6, 1, 0, 0), false, "198.51.100.50",
			 jst(2026, 12, 6, 2, 0, 0), "next day", "bob");
}

static const struct nfips_report_block *find_block(const char *addr, size_t nth)
{
	size_t i;

	for (i = 0; i < rep.nblocks; i++)
		if (!strcmp(rep.blocks[i].addr, addr) && !nth--)
			return &rep.blocks[i];
	return NULL;
}

static void check_blocks(void)
{
	const struct nfips_report_block *a = find_block("10.9.0.0/16", 0);
	const struct nfips_report_block *b = find_block("192.0.2.8", 0);
	const struct nfips_report_block *c = find_block("192.0.2.8", 1);
	const struct nfips_report_block *d = find_block("198.51.100.7", 0);
	struct nfips_sbuf t = { 0 };

	tap_ok(&T, rep.nblocks == 4 && !find_block("203.0.113.99", 0) &&
	       !find_block("198.51.100.50", 0),
	       "daily blocks: 4 made or in force that day, not those of other days (got %zu)",
	       rep.nblocks);
	tap_ok(&T, a && a->state == NFIPS_RBLOCK_UNBLOCKED && a->ts == jst(2026, 12, 4, 20, 0, 0) &&
	       a->ended == jst(2026, 12, 5, 9, 0, 0) && a->ended_by &&
	       !strcmp(a->ended_by, "tanaka") && !a->until && !strcmp(a->by, "tanaka"),
	       "a block of the day before, unblocked that day: who and when");
	tap_ok(&T, b && b->state == NFIPS_RBLOCK_REPLACED && b->ended == jst(2026, 12, 5, 8, 30, 0) &&
	       c && c->state == NFIPS_RBLOCK_EXPIRED && c->until == jst(2026, 12, 5, 10, 30, 0) &&
	       !strcmp(c->reason, "ssh brute force, longer"),
	       "a block blocked again, then expired");
	tap_ok(&T, d && d->state == NFIPS_RBLOCK_IN_FORCE && !d->until,
	       "a block still in force at the end of the day");
	nfips_report_text(&rep, &t);
	tap_ok(&T, t.s && strstr(t.s, "Blocks (temporary, by the SOC)\n") &&
	       strstr(t.s, "10.9.0.0/16               2026-12-04 20:00  until removed     "
		      "2026-12-05 09:00 unblocked (tanaka)\n"
		      "        Reason: worm on a partner network (by tanaka)\n") &&
	       strstr(t.s, "198.51.100.7              2026-12-05 13:30  until removed     in force"),
	       "text: the blocks with how each ended, who and why");
	if (t.s && !strstr(t.s, "in force"))
		tap_diag("%s", t.s);
	nfips_sbuf_free(&t);
}

static int build(struct nfips_store *s, enum nfips_report_kind k, const char *period,
		 enum nfips_report_lang lang)
{
	struct nfips_report_opts o = {
		.kind = k, .lang = lang, .customer = "Example Corp (example)",
		.sensor = "gw1", .tz = "Asia/Tokyo", .generated = now_usec,
	};
	char err[512];

	if (nfips_report_parse_period(&o, period)) {
		tap_diag("bad period %s", period);
		return -1;
	}
	if (nfips_report_build(s, &o, &rep, err, sizeof(err))) {
		tap_diag("build: %s", err);
		return -1;
	}
	return 0;
}

static const struct nfips_report_top *find_sig(const struct nfips_report_list *l, uint32_t sid)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].sid == sid)
			return &l->v[i];
	return NULL;
}

static int write_file(const char *dir, const char *name, const struct nfips_sbuf *b)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (!f)
		return -1;
	fwrite(b->s, 1, b->len, f);
	return fclose(f);
}

/* Every line at most 100 columns. */
static size_t widest(const char *s)
{
	size_t max = 0;
	char line[4096];

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s), w;

		if (n >= sizeof(line))
			return n;
		memcpy(line, s, n);
		line[n] = '\0';
		w = nfips_report_width(line);
		if (w > max)
			max = w;
		s += n + (nl ? 1 : 0);
	}
	return max;
}

static void render_all(const char *dir, const char *stem)
{
	static const char *const ext[] = { "txt", "json", "html" };
	char name[128];
	int f;

	for (f = 0; f < 3; f++) {
		struct nfips_sbuf b = { 0 };

		nfips_report_render(&rep, (enum nfips_report_format)f, &b);
		snprintf(name, sizeof(name), "%s.%s", stem, ext[f]);
		write_file(dir, name, &b);
		if (f == 0)
			tap_ok(&T, widest(b.s) <= 100, "%s: text lines fit 100 columns (widest %zu)",
			       stem, widest(b.s));
		nfips_sbuf_free(&b);
	}
}

static void daily(struct nfips_store *s, const char *dir)
{
	uint64_t hist_sum = 0;
	unsigned i;
	bool sorted = true, iface = false;

	if (!tap_ok(&T, !build(s, NFIPS_REPORT_DAILY, "2026-12-05", NFIPS_REPORT_EN),
		    "daily report of 2026-12-05 builds"))
		return;
	tap_ok(&T, rep.cur.n == 49 && rep.cur.blocked == 12 && rep.cur.alerted == 37,
	       "daily: 49 alerts in the Tokyo day, 12 blocked, 37 alerted (got %llu %llu %llu)",
	       (unsigned long long)rep.cur.n, (unsigned long long)rep.cur.blocked,
	       (unsigned long long)rep.cur.alerted);
	tap_ok(&T, rep.cur.by_grade[NFIPS_SGRADE_HIGH + 1][1] == 12 &&
	       rep.cur.by_grade[NFIPS_SGRADE_LOW + 1][0] == 30 &&
	       rep.cur.by_grade[NFIPS_SGRADE_MEDIUM + 1][0] == 5 &&
	       rep.cur.by_grade[0][0] == 2 && rep.cur.by_grade[NFIPS_SGRADE_EMERGENCY + 1][0] == 0,
	       "daily: by grade and action: high 12 blocked, low 30, medium 5, not graded 2");
	tap_ok(&T, rep.prev.n == 8 && !strcmp(rep.prev_period, "2026-12-04") && !rep.agg_days,
	       "daily: the previous day had 8, all from raw alerts (got %llu)",
	       (unsigned long long)rep.prev.n);
	tap_ok(&T, rep.sigs.n == 4 && rep.sigs.v[0].sid == 1001 && rep.sigs.v[0].n == 30 &&
	       rep.sigs.v[1].sid == 2001 && rep.sigs.v[1].n == 12 && rep.sigs.v[1].blocked == 12 &&
	       rep.sigs.v[0].msg && !strcmp(rep.sigs.v[0].msg, "ET SCAN nmap probe"),
	       "daily: top signatures 1001 (30), 2001 (12 blocked), with their messages");
	tap_ok(&T, rep.srcs.n == 4 && rep.srcs.v[0].n == 30 && rep.dsts.n == 5 &&
	       rep.dsts.v[0].n == 20, "daily: top sources and targets with their counts");
	tap_ok(&T, rep.ports.n == 3 && rep.ports.v[0].port == 22 && rep.ports.v[0].n == 30 &&
	       rep.ports.v[1].port == 80 && rep.ports.v[2].port == 53 &&
	       rep.ports.v[2].proto == 17, "daily: top ports 22/tcp 30, 80/tcp 12, 53/udp 5 "
	       "(ICMP has none)");
	tap_ok(&T, rep.rdns &&
	       rdns_is(find_addr(&rep.srcs, "203.0.113.5"), NFIPS_NAME_OK, "scanner.example.net",
		       jst(2026, 12, 1, 9, 0, 0)) &&
	       rdns_is(find_addr(&rep.srcs, "198.51.100.7"), NFIPS_NAME_UNCONFIRMED,
		       "mail.customer.example", 0) &&
	       rdns_is(find_addr(&rep.srcs, "2001:db8::66"), NFIPS_NAME_NONE, NULL, 0) &&
	       rdns_is(find_addr(&rep.srcs, "192.0.2.9"), -1, NULL, 0) &&
	       rdns_is(find_addr(&rep.dsts, "10.0.0.10"), NFIPS_NAME_OK, "web1.example.internal",
		       0),
	       "daily: top sources and targets with the names the store recorded (the "
	       "current one, a failed lookup not hiding it; unconfirmed; no PTR; never "
	       "looked up)");
	for (i = 0; i < rep.nhist; i++)
		hist_sum += rep.hist[i];
	tap_ok(&T, rep.nhist == 24 && rep.hist[0] == 10 && rep.hist[23] == 20 &&
	       rep.hist[13] == 12 && rep.hist_blocked[13] == 12 && rep.hist[14] == 5 &&
	       rep.hist[15] == 2 && hist_sum == 49 && !rep.hist_partial,
	       "daily: hourly histogram in Tokyo hours (00: 10, 13: 12 blocked, 23: 20)");
	tap_ok(&T, rep.new_sigs.n == 1 && find_sig(&rep.new_sigs, 4001),
	       "daily: only 4001 seen for the first time (1001 the day before, 2001 and "
	       "3001 in June, known from the aggregates)");
	tap_ok(&T, rep.inc_total == 4 && rep.inc_state[0] == 2 && rep.inc_state[1] == 1 &&
	       rep.inc_state[2] == 1, "daily: 4 incidents: 2 open, 1 acknowledged, 1 closed");
	tap_ok(&T, rep.ninc == 4 && rep.inc[0].id == 2 && rep.inc[0].note &&
	       !strcmp(rep.inc[0].note, "web server patched") && rep.inc[0].by &&
	       !strcmp(rep.inc[0].by, "alice") && rep.inc[0].state == 1 && rep.inc[0].count == 12,
	       "daily: the high incident first, acknowledged with its note and who");
	for (i = 1; i < rep.nalerts; i++)
		if (rep.alerts[i].ts < rep.alerts[i - 1].ts)
			sorted = false;
	for (i = 0; i < rep.nalerts; i++)
		if (rep.alerts[i].sid == 2001 && !strcmp(rep.alerts[i].iface, "eth1") &&
		    rep.alerts[i].dport == 80 && rep.alerts[i].blocked)
			iface = true;
	tap_ok(&T, rep.nalerts == 49 && rep.alerts_raw == 49 && sorted && iface &&
	       rep.alerts[0].ts == jst(2026, 12, 5, 0, 30, 0) && rep.alerts[0].sport == 41000,
	       "daily: the alert table: 49 rows in time order, ports and interface");
	check_blocks();
	render_all(dir, "daily-en");
	nfips_report_free(&rep);

	if (build(s, NFIPS_REPORT_DAILY, "2026-12-05", NFIPS_REPORT_JA))
		return;
	render_all(dir, "daily-ja");
	nfips_report_free(&rep);

	/* the table cut to 5 rows says so */
	{
		struct nfips_report_opts o = {
			.kind = NFIPS_REPORT_DAILY, .tz = "Asia/Tokyo", .rows = 5,
			.generated = now_usec,
		};
		struct nfips_sbuf b = { 0 };
		char err[256];

		nfips_report_parse_period(&o, "2026-12-05");
		if (!nfips_report_build(s, &o, &rep, err, sizeof(err))) {
			nfips_report_text(&rep, &b);
			tap_ok(&T, rep.nalerts == 5 && rep.alerts_raw == 49 && b.s &&
			       strstr(b.s, "shown: the first 5 of 49"),
			       "daily: --rows 5 lists 5 of 49 and says so");
			nfips_sbuf_free(&b);
			nfips_report_free(&rep);
		} else {
			tap_ok(&T, 0, "daily --rows 5: %s", err);
		}
	}
}

static void monthly(struct nfips_store *s, const char *dir)
{
	unsigned i;
	uint64_t sum = 0;

	if (!tap_ok(&T, !build(s, NFIPS_REPORT_MONTHLY, "2026-06", NFIPS_REPORT_EN),
		    "monthly report of 2026-06 builds"))
		return;
	tap_ok(&T, rep.agg_days == 30 && rep.alerts_raw == 0 && rep.nalerts == 0,
	       "monthly: June's 30 days all from the daily aggregates (raw alerts gone: %u)",
	       rep.agg_days);
	tap_ok(&T, rep.cur.n == 101 && rep.cur.blocked == 40 && rep.cur.alerted == 61 &&
	       rep.cur.by_grade[NFIPS_SGRADE_LOW + 1][0] == 60 &&
	       rep.cur.by_grade[NFIPS_SGRADE_HIGH + 1][1] == 40 &&
	       rep.cur.by_grade[NFIPS_SGRADE_MEDIUM + 1][0] == 1,
	       "monthly: 101 alerts in Tokyo's June (06-30 23:59 in, 07-01 00:10 out), "
	       "40 blocked (got %llu)", (unsigned long long)rep.cur.n);
	tap_ok(&T, rep.prev.n == 7 && !strcmp(rep.prev_period, "2026-05"),
	       "monthly: May, the previous month, 7 (aggregates too)");
	for (i = 0; i < rep.nhist; i++)
		sum += rep.hist[i];
	tap_ok(&T, rep.nhist == 30 && rep.hist[0] == 6 && rep.hist[9] == 6 && rep.hist[10] == 0 &&
	       rep.hist[14] == 40 && rep.hist_blocked[14] == 40 && rep.hist[29] == 1 && sum == 101,
	       "monthly: daily histogram from aggregates (1-10: 6 each, 15: 40 blocked, 30: 1)");
	tap_ok(&T, rep.sigs.n == 3 && rep.sigs.v[0].sid == 1001 && rep.sigs.v[0].n == 60 &&
	       rep.sigs.v[1].sid == 2001 && rep.sigs.v[1].n == 40 &&
	       rep.ports.n == 3 && rep.ports.v[0].port == 22 && rep.dsts.n == 3,
	       "monthly: top signatures, targets and ports from aggregates");
	tap_ok(&T, rep.new_sigs.n == 2 && find_sig(&rep.new_sigs, 2001) &&
	       find_sig(&rep.new_sigs, 3001),
	       "monthly: 2001 and 3001 new in June, 1001 seen in May");
	tap_ok(&T, rdns_is(find_addr(&rep.srcs, "203.0.113.5"), NFIPS_NAME_OK,
			   "scanner-old.example.net", jst(2026, 6, 1, 9, 0, 0)) &&
	       rdns_is(find_addr(&rep.srcs, "198.51.100.7"), NFIPS_NAME_UNCONFIRMED,
		       "mail.customer.example", jst(2026, 12, 5, 13, 0, 0)),
	       "monthly: June from aggregates shows the name 203.0.113.5 had then, and "
	       "198.51.100.7's as stored (looked up later)");
	render_all(dir, "monthly-en");
	nfips_report_free(&rep);
	if (!build(s, NFIPS_REPORT_MONTHLY, "2026-06", NFIPS_REPORT_JA)) {
		render_all(dir, "monthly-ja");
		nfips_report_free(&rep);
	}
	/* September: cut by retention mid-month */
	if (!build(s, NFIPS_REPORT_MONTHLY, "2026-09", NFIPS_REPORT_EN)) {
		tap_ok(&T, rep.agg_days == 4 && rep.cur.n == 30 && rep.alerts_raw == 18 &&
		       rep.hist[0] == 3 && rep.hist[3] == 3 && rep.hist[4] == 3 && rep.hist[9] == 3 &&
		       rep.hist[10] == 0 && rep.sigs.n == 1 && rep.sigs.v[0].n == 30,
		       "monthly: September, days 1-4 from the aggregates and 5-10 raw, adds up to "
		       "30 (agg days %u, raw %llu)", rep.agg_days,
		       (unsigned long long)rep.alerts_raw);
		nfips_report_free(&rep);
	}
	/* a day past retention: from its aggregates, no hours, no table */
	if (!build(s, NFIPS_REPORT_DAILY, "2026-06-15", NFIPS_REPORT_EN)) {
		tap_ok(&T, rep.agg_days == 1 && rep.cur.n == 40 && rep.cur.blocked == 40 &&
		       rep.hist_partial && rep.nalerts == 0 && rep.prev.n == 0,
		       "daily: 2026-06-15, past retention, from its aggregates (40 blocked), "
		       "hours and table said missing");
		nfips_report_free(&rep);
	}
	/* December: raw alerts; November before it had none */
	if (!build(s, NFIPS_REPORT_MONTHLY, "2026-12", NFIPS_REPORT_EN)) {
		tap_ok(&T, rep.cur.n == 60 && rep.agg_days == 0 && rep.prev.n == 0 &&
		       rep.hist[3] == 8 && rep.hist[4] == 49 && rep.hist[5] == 3,
		       "monthly: December from raw alerts: 60, days 4, 5, 6: 8, 49, 3");
		nfips_report_free(&rep);
	}
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/nfips_report_test.XXXXXX", path[600], cmd[1400], err[512];
	const char *dir = argc > 1 ? argv[1] : mkdtemp(tmpl);
	struct nfips_store_opts o = { .clock = test_clock, .sync_normal = true, .no_tracker = true };
	struct nfips_store *s;
	int steps = 0, rc;

	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	if (!dir || (argc > 1 && mkdir(dir, 0755) && access(dir, W_OK))) {
		perror("report_test: directory");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/alerts.db", dir);
	unlink(path);
	o.path = path;
	/* the clock: 2026-12-06 12:00 in Tokyo */
	now_usec = jst(2026, 12, 6, 12, 0, 0);
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	if (!tap_ok(&T, s != NULL, "a store opens: %s", s ? path : err))
		return tap_done(&T);
	fill();
	tap_ok(&T, !nfips_store_put(s, batch, nbatch), "%zu known alerts stored", nbatch);
	tap_ok(&T, !nfips_store_incident_set(s, 2, NFIPS_INCIDENT_ACKED, "web server patched",
					     "alice", err, sizeof(err)) &&
	       !nfips_store_incident_set(s, 3, NFIPS_INCIDENT_CLOSED, "ISP informed", "bob",
					 err, sizeof(err)), "incidents 2 acked, 3 closed");
	tap_ok(&T, !fill_blocks(s), "the SOC's blocks recorded");
	tap_ok(&T, !fill_names(s), "host names recorded as nfipsd's resolver does");
	/* retention as the writer runs it: June and May leave the raw alerts */
	while ((rc = nfips_store_retention_step(s, 2000)) == 1 && steps < 100000)
		steps++;
	tap_ok(&T, rc == 0 && s->purged > jst(2026, 9, 4, 12, 0, 0) &&
	       s->purged <= jst(2026, 9, 5, 9, 0, 0),
	       "retention removed the alerts before 09-05 UTC (%d steps)", steps);
	daily(s, dir);
	monthly(s, dir);
	nfips_store_close(s);

	/* daily aggregates past their keeping (here 100 days) go too */
	if (argc <= 1) {
		o.days_keep = 100;
		s = nfips_store_open(&o, err, sizeof(err), NULL);
		steps = 0;
		while (s && (rc = nfips_store_retention_step(s, 7)) == 1 && steps < 1000)
			steps++;
		if (s && !build(s, NFIPS_REPORT_MONTHLY, "2026-06", NFIPS_REPORT_EN)) {
			struct nfips_store_name n;
			uint8_t a[16];

			v4(a, "203.0.113.5");
			tap_ok(&T, rc == 0 && rep.cur.n == 0 && steps > 1,
			       "daily aggregates older than their keeping are removed, in steps of "
			       "at most 7 rows (%d steps): June is empty", steps);
			tap_ok(&T, nfips_store_name_get(s, a, jst(2026, 7, 1, 0, 0, 0), &n) == 0 &&
			       !strcmp(n.name, "scanner.example.net"),
			       "host names not looked up again within the keeping go with the "
			       "aggregates (June's name of 203.0.113.5 removed, December's kept)");
			nfips_report_free(&rep);
		} else {
			tap_ok(&T, 0, "the store reopens for aggregate retention");
		}
		nfips_store_close(s);
	}

	/* beside this program */
	{
		const char *slash = strrchr(argv[0], '/');

		snprintf(cmd, sizeof(cmd), "python3 %.*s/report_check.py %s",
			 slash ? (int)(slash - argv[0]) : 1, slash ? argv[0] : ".", dir);
	}
	tap_ok(&T, system(cmd) == 0, "report_check.py: the JSON reads back with the numbers, "
	       "the HTML is well-formed and self-contained");
	if (argc <= 1) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			tap_diag("could not remove %s", dir);
	}
	return tap_done(&T);
}
