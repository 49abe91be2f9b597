// SPDX-License-Identifier: GPL-2.0
/*
 * The alert store (ctl/lib/store/): a store filled with known alerts
 * answers every filter and every count exactly as a naive computation
 * over the same alerts does (UTC, and local time in a zone with a
 * half-hour offset); incidents fold, are acknowledged, closed, re-opened
 * by a new alert and carry on after the store is reopened; retention
 * under a clock the test controls removes old days in bounded steps
 * while alerts keep coming, and the hourly aggregates stay exact; corrupt,
 * truncated and future-schema files are reported, moved aside or refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_int.h"	/* the tracker's work counter */
#include "tap.h"

#define N_ALERTS	6000
#define DAY		(86400ll * 1000000)
#define HOUR		(3600ll * 1000000)

static struct tap T;
static char dir[] = "/tmp/////nfips_store_test.XXXXXX";
static char path[256];
static int64_t now_usec;

static int64_t test_clock(void *arg)
{
	(void)arg;
	return now_usec;
}

static uint64_t rnd_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static struct nfips_store *open_store(const char *p, bool ro, char *err, size_t len)
{
	struct nfips_store_opts o = {
		.path = p, .readonly = ro, .clock = test_clock, .sync_normal = true,
	};

	return nfips_store_open(&o, err, len, NULL);
}

static void v4(uint8_t out[16], uint32_t a)
{
	uint8_t b[4] = { a >> 24, a >> 16, a >> 8, a };

	nfips_store_addr(out, 4, b);
}

/* ---- filters and counts against a naive computation ----------------- */

static struct nfips_store_alert known[N_ALERTS];

static void fill_known(void)
{
	static const uint32_t sids[] = { 1000, 1001, 2000, 3000, 4242 };
	static const uint32_t nets[] = { 0x0a000000, 0x0a000100, 0xc0a80000, 0x08080800 };
	int64_t base = 1700000000ll * 1000000;
	int i;

	for (i = 0; i < N_ALERTS; i++) {
		struct nfips_store_alert *a = &known[i];

		memset(a, 0, sizeof(*a));
		a->ts = base + (int64_t)(rnd() % (uint64_t)(10 * DAY));
		a->sequence = (uint64_t)i + 1;
		a->gid = 1;
		a->sid = sids[rnd() % 5];
		a->rev = 1;
		v4(a->src, nets[rnd() % 4] | (uint32_t)(rnd() % 8));
		if (i % 7 == 0) {
			uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8 };

			s6[15] = (uint8_t)(rnd() % 4);
			memcpy(a->dst, s6, 16);
		} else {
			v4(a->dst, 0xc0000200 | (uint32_t)(rnd() % 3));
		}
		a->sport = 40000;
		a->dport = 80;
		a->proto = 6;
		a->blocked = rnd() % 3 == 0;
		a->grade = (int8_t)((int)(rnd() % 6) - 1);
		snprintf(a->msg, sizeof(a->msg), "sig %u", a->sid);
	}
}

static bool in_range(const uint8_t *a, const uint8_t *lo, const uint8_t *hi)
{
	return memcmp(a, lo, 16) >= 0 && memcmp(a, hi, 16) <= 0;
}

static bool naive_match(const struct nfips_store_filter *f,
			const struct nfips_store_alert *a)
{
	return (!f->since || a->ts >= f->since) && (!f->until || a->ts < f->until) &&
	       (!f->has_sid || a->sid == f->sid) &&
	       (!f->has_src || in_range(a->src, f->src_lo, f->src_hi)) &&
	       (!f->has_dst || in_range(a->dst, f->dst_lo, f->dst_hi)) &&
	       (f->grade == -2 || a->grade == f->grade) &&
	       (f->action < 0 || a->blocked == f->action);
}

struct collect {
	uint64_t n, seqsum;
	int64_t last_ts;
	bool ordered, fields_ok;
};

static int on_row(void *arg, const struct nfips_store_row *r)
{
	struct collect *c = arg;
	const struct nfips_store_alert *k = &known[r->a.sequence - 1];

	if (c->n && r->a.ts > c->last_ts)
		c->ordered = false;
	c->last_ts = r->a.ts;
	c->n++;
	c->seqsum += r->a.sequence;
	if (r->a.ts != k->ts || r->a.sid != k->sid || memcmp(r->a.src, k->src, 16) ||
	    memcmp(r->a.dst, k->dst, 16) || r->a.grade != k->grade ||
	    r->a.blocked != k->blocked || strcmp(r->msg, k->msg))
		c->fields_ok = false;
	return 0;
}

static void check_filter(struct nfips_store *s, const struct nfips_store_filter *f,
			 const char *name)
{
	struct collect c = { .ordered = true, .fields_ok = true };
	uint64_t n = 0, sum = 0;
	char err[512];
	int i, rc;

	for (i = 0; i < N_ALERTS; i++)
		if (naive_match(f, &known[i])) {
			n++;
			sum += known[i].sequence;
		}
	rc = nfips_store_alerts(s, f, on_row, &c, err, sizeof(err));
	tap_ok(&T, !rc && c.n == n && c.seqsum == sum && c.ordered && c.fields_ok,
	       "alerts %s: %llu rows as computed (%llu), newest first, fields intact",
	       name, (unsigned long long)c.n, (unsigned long long)n);
}

struct counts {
	enum nfips_count_by by;
	int64_t key[4096];
	uint8_t addr[4096][16];
	uint64_t n[4096];
	size_t len;
};

static int on_count(void *arg, const struct nfips_store_count *c)
{
	struct counts *x = arg;

	if (x->len < 4096) {
		x->key[x->len] = c->key;
		memcpy(x->addr[x->len], c->addr, 16);
		x->n[x->len++] = c->n;
	}
	return 0;
}

static int64_t naive_bucket(int64_t ts, enum nfips_count_by by, bool utc)
{
	time_t t = (time_t)(ts / 1000000);
	struct tm tm;

	if (utc)
		gmtime_r(&t, &tm);
	else
		localtime_r(&t, &tm);
	tm.tm_min = tm.tm_sec = 0;
	if (by == NFIPS_BY_DAY)
		tm.tm_hour = 0;
	tm.tm_isdst = -1;
	return (int64_t)(utc ? timegm(&tm) : mktime(&tm)) * 1000000;
}

/* The naive count of alerts in @f whose key (by @by) equals entry @i. */
static uint64_t naive_count(const struct nfips_store_filter *f, const struct counts *x,
			    size_t i, bool utc)
{
	uint64_t n = 0;
	int j;

	for (j = 0; j < N_ALERTS; j++) {
		const struct nfips_store_alert *a = &known[j];
		bool eq;

		if (!naive_match(f, a))
			continue;
		switch (x->by) {
		case NFIPS_BY_SID: eq = a->sid == (uint32_t)x->key[i]; break;
		case NFIPS_BY_SRC: eq = !memcmp(a->src, x->addr[i], 16); break;
		case NFIPS_BY_DST: eq = !memcmp(a->dst, x->addr[i], 16); break;
		case NFIPS_BY_GRADE: eq = a->grade == x->key[i]; break;
		default: eq = naive_bucket(a->ts, x->by, utc) == x->key[i]; break;
		}
		n += eq;
	}
	return n;
}

static void check_count(struct nfips_store *s, const struct nfips_store_filter *f,
			enum nfips_count_by by, bool utc, const char *name)
{
	static struct counts x;
	uint64_t total = 0, want = 0;
	char err[512];
	bool ok = true, order = true;
	size_t i;
	int j, rc;

	memset(&x, 0, sizeof(x));
	x.by = by;
	rc = nfips_store_count(s, f, by, utc, on_count, &x, err, sizeof(err));
	for (i = 0; i < x.len; i++) {
		if (naive_count(f, &x, i, utc) != x.n[i])
			ok = false;
		total += x.n[i];
		if (i && (by >= NFIPS_BY_HOUR ? x.key[i] <= x.key[i - 1] : x.n[i] > x.n[i - 1]))
			order = false;
	}
	for (j = 0; j < N_ALERTS; j++)
		want += naive_match(f, &known[j]);
	tap_ok(&T, !rc && ok && order && total == want && x.len > 0,
	       "count-by %s%s: %zu buckets, each as computed, all %llu alerts, in order",
	       name, utc ? " (UTC)" : " (local)", x.len, (unsigned long long)want);
}

static void queries(void)
{
	static const char *const bys[] = { "sid", "src", "dst", "grade", "hour", "day" };
	struct nfips_store_filter f, g;
	struct nfips_store *s;
	char err[512];
	int i, by;

	fill_known();
	snprintf(path, sizeof(path), "%s/q.db", dir);
	s = open_store(path, false, err, sizeof(err));
	if (!tap_ok(&T, s != NULL, "a new store opens: %s", s ? path : err))
		return;
	for (i = 0; i < N_ALERTS; i += 1000)
		if (nfips_store_put(s, known + i, 1000))
			break;
	tap_ok(&T, i >= N_ALERTS, "%d alerts stored in batches", N_ALERTS);
	nfips_store_close(s);
	s = open_store(path, true, err, sizeof(err));
	if (!tap_ok(&T, s != NULL, "the store opens read-only (nfipsctl): %s", s ? "" : err))
		return;

	nfips_store_filter_init(&f);
	check_filter(s, &f, "unfiltered");
	g = f; g.has_sid = true; g.sid = 2000;
	check_filter(s, &g, "--sid 2000");
	g = f; g.grade = NFIPS_SGRADE_HIGH;
	check_filter(s, &g, "--grade high");
	g = f; g.grade = NFIPS_SGRADE_UNSET;
	check_filter(s, &g, "--grade unset");
	g = f; g.action = 1;
	check_filter(s, &g, "--action blocked");
	g = f; g.action = 0;
	check_filter(s, &g, "--action allowed");
	g = f; g.has_src = true;
	nfips_store_cidr("10.0.0.0/23", g.src_lo, g.src_hi);
	check_filter(s, &g, "--src 10.0.0.0/23");
	g = f; g.has_src = true;
	nfips_store_cidr("10.0.1.4/30", g.src_lo, g.src_hi);
	check_filter(s, &g, "--src 10.0.1.4/30");
	g = f; g.has_dst = true;
	nfips_store_cidr("2001:db8::/32", g.dst_lo, g.dst_hi);
	check_filter(s, &g, "--dst 2001:db8::/32");
	g = f; g.has_dst = true;
	nfips_store_cidr("192.0.2.1", g.dst_lo, g.dst_hi);
	check_filter(s, &g, "--dst 192.0.2.1");
	g = f; g.since = known[10].ts; g.until = known[20].ts;
	if (g.until < g.since) {
		g.until = known[10].ts;
		g.since = known[20].ts;
	}
	check_filter(s, &g, "--since --until");
	g = f; g.has_sid = true; g.sid = 1000; g.has_src = true;
	nfips_store_cidr("192.168.0.0/16", g.src_lo, g.src_hi);
	g.action = 0; g.grade = NFIPS_SGRADE_LOW; g.since = known[5].ts - 3 * DAY;
	check_filter(s, &g, "sid, src, action, grade and since together");

	for (by = 0; by <= NFIPS_BY_DAY; by++) {
		check_count(s, &f, by, true, bys[by]);
		g = f; g.has_sid = true; g.sid = 3000; g.action = 1;
		check_count(s, &g, by, true, bys[by]);
	}
	/* Kolkata is UTC+05:30: days and hours are not UTC's there. */
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	check_count(s, &f, NFIPS_BY_DAY, false, "day");
	check_count(s, &f, NFIPS_BY_HOUR, false, "hour");
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	check_count(s, &f, NFIPS_BY_DAY, false, "day");
	unsetenv("TZ");
	tzset();
	nfips_store_close(s);
}

/* ---- incidents ------------------------------------------------------ */

struct inc_get {
	uint64_t id;
	struct nfips_store_incident_row r;
	char note[64], by[64];
	uint8_t sample[NFIPS_STORE_SAMPLE];
	bool found;
};

static int on_inc(void *arg, const struct nfips_store_incident_row *r)
{
	struct inc_get *g = arg;

	if (r->id != g->id)
		return 0;
	g->r = *r;
	snprintf(g->note, sizeof(g->note), "%s", r->note ? r->note : "");
	snprintf(g->by, sizeof(g->by), "%s", r->by ? r->by : "");
	memcpy(g->sample, r->sample, r->sample_len < sizeof(g->sample) ? r->sample_len :
	       sizeof(g->sample));
	g->found = true;
	return 0;
}

static bool get_inc(struct nfips_store *s, uint64_t id, struct inc_get *g)
{
	struct nfips_store_filter f;
	char err[256];

	memset(g, 0, sizeof(*g));
	g->id = id;
	nfips_store_filter_init(&f);
	return !nfips_store_incidents(s, &f, on_inc, g, err, sizeof(err)) && g->found;
}

static void alert_at(struct nfips_store *s, struct nfips_store_alert *a, int64_t ts,
		     uint32_t sid, uint32_t src, int grade, bool blocked)
{
	memset(a, 0, sizeof(*a));
	a->ts = ts;
	a->gid = 1;
	a->sid = sid;
	v4(a->src, src);
	v4(a->dst, 0xc0000201);
	a->grade = (int8_t)grade;
	a->blocked = blocked;
	snprintf(a->msg, sizeof(a->msg), "flood %u", sid);
	a->incident = nfips_store_incident(s, a->gid, a->sid, a->src, a->dst, ts,
					   &a->incident_new);
	if (a->incident_new) {
		memcpy(a->sample, "GET /evil", 9);
		a->sample_len = 9;
	}
}

static void incidents(void)
{
	static struct nfips_store_alert b[10000];
	struct nfips_store *s;
	struct inc_get g;
	uint64_t id, id2;
	char err[512], p[300];
	int64_t t0 = 1750000000ll * 1000000;
	int i, ok = 1;

	snprintf(p, sizeof(p), "%s/inc.db", dir);
	now_usec = t0;
	s = open_store(p, false, err, sizeof(err));
	if (!tap_ok(&T, s != NULL, "incident store opens"))
		return;
	/* 100,000 alerts of one sid, source and destination: one incident. */
	for (i = 0; i < 100000; i++) {
		alert_at(s, &b[i % 10000], t0 + i * 1000, 7000, 0x0a000001,
			 i == 5000 ? NFIPS_SGRADE_HIGH : NFIPS_SGRADE_LOW, i % 2);
		if (i % 10000 == 9999 && nfips_store_put(s, b, 10000))
			ok = 0;
	}
	id = b[0].incident;
	ok = ok && id && get_inc(s, id, &g);
	tap_ok(&T, ok && g.r.count == 100000 &&
	       g.r.blocked == 50000 && g.r.allowed == 50000 &&
	       g.r.grade == NFIPS_SGRADE_HIGH && g.r.first_seen == t0 &&
	       g.r.last_seen == t0 + 99999 * 1000 && g.r.sample_len == 9 &&
	       !memcmp(g.sample, "GET /evil", 9) && g.r.state == NFIPS_INCIDENT_OPEN,
	       "a flood of 100,000 alerts is one incident: count, actions, highest "
	       "grade, first/last seen, payload sample (count %llu)",
	       (unsigned long long)g.r.count);
	alert_at(s, &b[0], t0 + 200 * 1000000, 7000, 0x0a000002, NFIPS_SGRADE_LOW, false);
	tap_ok(&T, b[0].incident != id && b[0].incident_new,
	       "another source is another incident");
	nfips_store_put(s, b, 1);

	tap_ok(&T, !nfips_store_incident_set(s, id, NFIPS_INCIDENT_ACKED, "looking", "ann",
					     err, sizeof(err)) &&
	       get_inc(s, id, &g) && g.r.state == NFIPS_INCIDENT_ACKED &&
	       !strcmp(g.note, "looking") && !strcmp(g.by, "ann"),
	       "ack with a note and a name");
	alert_at(s, &b[0], t0 + 300 * 1000000, 7000, 0x0a000001, NFIPS_SGRADE_LOW, false);
	nfips_store_put(s, b, 1);
	tap_ok(&T, b[0].incident == id && get_inc(s, id, &g) &&
	       g.r.state == NFIPS_INCIDENT_ACKED && g.r.count == 100001,
	       "an acknowledged incident stays acknowledged as it fires");
	tap_ok(&T, !nfips_store_incident_set(s, id, NFIPS_INCIDENT_CLOSED, "blocked at fw",
					     "bob", err, sizeof(err)) &&
	       get_inc(s, id, &g) && g.r.state == NFIPS_INCIDENT_CLOSED,
	       "close with a note");
	tap_ok(&T, nfips_store_incident_set(s, 999999, NFIPS_INCIDENT_CLOSED, "x", "y",
					    err, sizeof(err)) && strstr(err, "no incident"),
	       "closing an incident that does not exist fails: %s", err);
	nfips_store_close(s);

	/* The daemon restarts: the fold carries on. */
	now_usec = t0 + 400 * 1000000;
	s = open_store(p, false, err, sizeof(err));
	alert_at(s, &b[0], t0 + 400 * 1000000, 7000, 0x0a000001, NFIPS_SGRADE_LOW, false);
	nfips_store_put(s, b, 1);
	ok = s && get_inc(s, id, &g);
	tap_ok(&T, ok && b[0].incident == id && !b[0].incident_new &&
	       g.r.state == NFIPS_INCIDENT_OPEN && g.r.reopened == 1 && g.r.count == 100002,
	       "after a restart the same flood folds into the same incident, which "
	       "re-opens (closed -> open, count %llu)", (unsigned long long)g.r.count);
	/* More than the window later: a new incident. */
	alert_at(s, &b[0], t0 + 400 * 1000000 + HOUR + 1, 7000, 0x0a000001,
		 NFIPS_SGRADE_LOW, false);
	id2 = b[0].incident;
	nfips_store_put(s, b, 1);
	tap_ok(&T, id2 != id && b[0].incident_new && get_inc(s, id2, &g) && g.r.count == 1,
	       "an alert more than the window after the last starts a new incident");
	nfips_store_close(s);
}

/*
 * A spoofed-source flood: once the tracker is full of keys still within
 * their window, each alert of a new key must cost a bounded amount of
 * work under the tracker's lock (it used to sweep the whole table, 105 ms
 * an alert at a million keys), and must not open an incident of its own
 * (one row and payload an alert): it folds into the sid's overflow
 * incident. Keys that go stale are evicted as new ones come.
 */
static void incident_flood(void)
{
	enum { KEYS = 2000, EXTRA = 20000 };
	struct nfips_store_opts o = {
		.clock = test_clock, .sync_normal = true, .incident_keys = KEYS,
	};
	struct nfips_store_alert a;
	struct nfips_store *s;
	uint64_t work, news = 0, ovf = 0, tracked;
	int64_t t0 = 1750000000ll * 1000000;
	char err[512], p[300];
	bool same = true;
	int i;

	snprintf(p, sizeof(p), "%s/flood.db", dir);
	o.path = p;
	now_usec = t0;
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	if (!tap_ok(&T, s != NULL, "flood store opens: %s", err))
		return;
	for (i = 0; i < KEYS; i++)
		alert_at(s, &a, t0 + i, 9000, 0x0b000000 + (uint32_t)i, 1, true);
	tracked = a.incident;
	work = s->trk->visited;
	for (i = 0; i < EXTRA; i++) {
		alert_at(s, &a, t0 + KEYS + i, 9000, 0x0c000000 + (uint32_t)i, 1, true);
		news += a.incident_new;
		if (i == 0)
			ovf = a.incident;
		same = same && a.incident == ovf;
	}
	work = s->trk->visited - work;
	tap_ok(&T, work <= 8ull * EXTRA,
	       "a full tracker: %d alerts of new sources look at %llu entries (at most 8 "
	       "each)", EXTRA, (unsigned long long)work);
	tap_ok(&T, news == 1 && same && ovf != tracked,
	       "they fold into one overflow incident of the sid (%llu new incidents)",
	       (unsigned long long)news);
	alert_at(s, &a, t0 + KEYS + EXTRA, 9000, 0x0b000000 + KEYS - 1, 1, true);
	tap_ok(&T, a.incident == tracked && !a.incident_new,
	       "a key already tracked still folds into its own incident");
	/* A window later the old keys are stale: new sources are tracked again. */
	work = s->trk->visited;
	for (i = 0; i < 100; i++) {
		alert_at(s, &a, t0 + HOUR + KEYS + EXTRA + 1 + i, 9000,
			 0x0d000000 + (uint32_t)i, 1, true);
		news += a.incident_new;
		same = a.incident != ovf;
	}
	work = s->trk->visited - work;
	tap_ok(&T, news == 101 && same && work <= 8 * 100,
	       "a window later stale keys are evicted as new ones come: each new source "
	       "its own incident (%llu entries looked at)", (unsigned long long)work);
	nfips_store_close(s);
}

/*
 * The EVE log carries incident ids before the writer commits their rows:
 * after a crash (ids handed out, nothing stored) a restart must not hand
 * out the same ids again for other incidents.
 */
static void incident_ids_after_crash(void)
{
	struct nfips_store_alert a;
	struct nfips_store *s;
	uint64_t high = 0;
	int64_t t0 = 1750000000ll * 1000000;
	char err[512], p[300];
	int i;

	snprintf(p, sizeof(p), "%s/ids.db", dir);
	now_usec = t0;
	s = open_store(p, false, err, sizeof(err));
	if (!tap_ok(&T, s != NULL, "ids store opens: %s", err))
		return;
	alert_at(s, &a, t0, 9100, 0x0e000000, 1, true);
	nfips_store_put(s, &a, 1);
	for (i = 1; i < 5000; i++) {
		alert_at(s, &a, t0 + i, 9100, 0x0e000000 + (uint32_t)i, 1, true);
		if (a.incident > high)
			high = a.incident;
	}
	nfips_store_close(s);	/* the crash: those alerts never stored */
	s = open_store(p, false, err, sizeof(err));
	if (!tap_ok(&T, s != NULL, "ids store reopens: %s", err))
		return;
	alert_at(s, &a, t0 + 10000, 9100, 0x0f000000, 1, true);
	tap_ok(&T, a.incident_new && a.incident > high,
	       "after a crash new incident ids are above every id handed out (%llu > %llu)",
	       (unsigned long long)a.incident, (unsigned long long)high);
	nfips_store_close(s);
}

/*
 * nfipsctl incidents --json: the sample's payload_printable is as
 * Suricata writes it (printable ASCII, CR, LF; every other byte '.'), not
 * the raw bytes (control characters, invalid UTF-8).
 */
static void incidents_cli_printable(void)
{
	static const char ctl[] = "../../ctl/nfipsctl/nfipsctl";
	struct nfips_store_alert a;
	struct nfips_store *s;
	char err[512], p[300], cmd[700], out[4096] = "";
	FILE *f;
	size_t n = 0;

	snprintf(p, sizeof(p), "%s/cli.db", dir);
	now_usec = 1750000000ll * 1000000;
	s = open_store(p, false, err, sizeof(err));
	if (!tap_ok(&T, s != NULL, "cli store opens: %s", err))
		return;
	alert_at(s, &a, now_usec, 9200, 0x0a000009, 1, true);
	memcpy(a.sample, "GET \x01\x7f\xffx\r\n", 10);
	a.sample_len = 10;
	nfips_store_put(s, &a, 1);
	nfips_store_close(s);
	snprintf(cmd, sizeof(cmd), "%s incidents --json --store %s 2>&1", ctl, p);
	f = access(ctl, X_OK) ? NULL : popen(cmd, "r");
	if (f) {
		n = fread(out, 1, sizeof(out) - 1, f);
		out[n] = 0;
		pclose(f);
	}
	tap_ok(&T, f && strstr(out, "\"payload_printable\":\"GET ...x\\r\\n\""),
	       "nfipsctl incidents --json: payload_printable has every byte not "
	       "printable as '.'%s: %.200s", f ? "" : " (build nfipsctl: make)", out);
}

/* ---- retention ------------------------------------------------------ */

static int64_t count_sql(const char *p, const char *sql, int64_t arg)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_bind_parameter_count(st))
			sqlite3_bind_int64(st, 1, arg);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return n;
}

static void retention(void)
{
	static struct nfips_store_alert b[24 * 4];
	int64_t d0 = 1760000000ll * 1000000 / DAY * DAY, day, cut;
	struct nfips_store *s;
	char err[512], p[300];
	int steps = 0, maxstep_ok = 1, rc, i;
	int64_t before, after, total = 0;

	snprintf(p, sizeof(p), "%s/ret.db", dir);
	now_usec = d0;
	s = open_store(p, false, err, sizeof(err));
	if (!tap_ok(&T, s != NULL, "retention store opens"))
		return;
	/* 100 days, 4 alerts an hour, the clock moving with them. */
	for (day = 0; day < 100; day++) {
		for (i = 0; i < 96; i++)
			alert_at(s, &b[i], d0 + day * DAY + i * (HOUR / 4), 100 + (uint32_t)(i % 3),
				 0x0a000000 + (uint32_t)(i % 5), NFIPS_SGRADE_LOW, false);
		nfips_store_put(s, b, 96);
		total += 96;
		now_usec = d0 + (day + 1) * DAY;
		/* Upkeep before the retention applies: only roll-ups. */
		if (day < 90)
			while (nfips_store_retention_step(s, 500) > 0)
				;
	}
	before = count_sql(p, "SELECT count(*) FROM alerts", 0);
	/* Now day 100: days 0..7 are beyond 92 days. Ingest continues. */
	cut = d0 + 100 * DAY - 92 * DAY;
	do {
		int64_t n0 = count_sql(p, "SELECT count(*) FROM alerts", 0);

		rc = nfips_store_retention_step(s, 100);
		if (n0 - count_sql(p, "SELECT count(*) FROM alerts", 0) > 100)
			maxstep_ok = 0;
		alert_at(s, &b[0], now_usec, 555, 0x0a0000ff, NFIPS_SGRADE_MEDIUM, true);
		now_usec += 1000000;
		nfips_store_put(s, b, 1);
		total++;
		steps++;
	} while (rc > 0 && steps < 10000);
	after = count_sql(p, "SELECT count(*) FROM alerts", 0);
	tap_ok(&T, rc == 0 && maxstep_ok && before == 9600 &&
	       count_sql(p, "SELECT count(*) FROM alerts WHERE ts < ?", cut) == 0 &&
	       count_sql(p, "SELECT count(*) FROM alerts WHERE ts >= ? AND sid != 555", cut) ==
	       92 * 96 && after == 92 * 96 + steps,
	       "retention: the 8 days beyond 92 removed in %d steps of at most 100 rows "
	       "while %d alerts were stored between them; every newer alert kept", steps,
	       steps);
	tap_ok(&T, count_sql(p, "SELECT count(*) FROM (SELECT ts / 3600000000 AS h, count(*) AS c"
			     " FROM alerts GROUP BY 1) LEFT JOIN hours ON hour = h"
			     " WHERE n IS NOT c", 0) == 0 &&
	       count_sql(p, "SELECT count(*) FROM hours WHERE hour NOT IN"
			 " (SELECT ts / 3600000000 FROM alerts)", 0) == 0,
	       "the per-hour counts match the alerts left, hour by hour");
	/* Aggregates: every alert ever stored, exactly, per hour. */
	for (i = 0; i < 20; i++)
		nfips_store_retention_step(s, 1000);
	tap_ok(&T, count_sql(p, "SELECT sum(n) FROM agg WHERE hour < ?", (now_usec - HOUR) /
			     HOUR) ==
	       count_sql(p, "SELECT count(*) FROM alerts WHERE ts < ?",
			 (now_usec - HOUR) / HOUR * HOUR) + 8 * 96,
	       "hourly aggregates count the removed days and the kept ones exactly");
	/* A late alert for an hour already rolled up counts there too. */
	before = count_sql(p, "SELECT sum(n) FROM agg WHERE hour = ?", (d0 + 50 * DAY) / HOUR);
	alert_at(s, &b[0], d0 + 50 * DAY + 60, 100, 0x0a000000, NFIPS_SGRADE_LOW, false);
	nfips_store_put(s, b, 1);
	tap_ok(&T, count_sql(p, "SELECT sum(n) FROM agg WHERE hour = ?", (d0 + 50 * DAY) /
			     HOUR) == before + 1,
	       "an alert stored late for a rolled-up hour is added to its aggregate");
	/* 13 months on, the aggregates of the first days go too. */
	now_usec = d0 + 420 * DAY;
	while (nfips_store_retention_step(s, 1000) > 0)
		;
	tap_ok(&T, count_sql(p, "SELECT count(*) FROM agg WHERE hour < ?",
			     (d0 + 23 * DAY) / HOUR) == 0 &&
	       count_sql(p, "SELECT count(*) FROM agg", 0) > 0,
	       "aggregates older than 13 months are removed, newer ones kept");
	(void)total;
	nfips_store_close(s);
}

/* ---- bad files ------------------------------------------------------ */

static int sum_counts(void *arg, const struct nfips_store_count *c)
{
	*(uint64_t *)arg += c->n;
	return 0;
}

static int count_aside(const char *p)
{
	char pat[400];
	glob_t g;
	int n;

	snprintf(pat, sizeof(pat), "%s.corrupt-*", p);
	if (glob(pat, 0, NULL, &g))
		return 0;
	n = (int)g.gl_pathc;
	globfree(&g);
	return n;
}

static void bad_files(void)
{
	struct nfips_store_alert a[50];
	struct nfips_store_opts o = { .sync_normal = true };
	struct nfips_store *s;
	char err[1024], p[300];
	struct stat st;
	bool moved;
	int fd, i;

	snprintf(p, sizeof(p), "%s/garbage.db", dir);
	fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	for (i = 0; i < 100; i++)
		if (write(fd, "this is not a database, nor anything else\n", 42) != 42)
			break;
	close(fd);
	o.path = p;
	o.readonly = true;
	s = nfips_store_open(&o, err, sizeof(err), &moved);
	tap_ok(&T, !s && strstr(err, "corrupt") && count_aside(p) == 0 && !stat(p, &st),
	       "a garbage file: nfipsctl reports it and leaves it: %s", err);
	o.readonly = false;
	s = nfips_store_open(&o, err, sizeof(err), &moved);
	tap_ok(&T, s && moved && strstr(err, "moved aside") && count_aside(p) == 1,
	       "a garbage file: the writer moves it aside and says so: %s", err);
	nfips_store_close(s);

	snprintf(p, sizeof(p), "%s/trunc.db", dir);
	o.path = p;
	s = nfips_store_open(&o, err, sizeof(err), &moved);
	for (i = 0; i < 50; i++)
		alert_at(s, &a[i], 1750000000ll * 1000000 + i, 1, 2, 1, false);
	for (i = 0; i < 40; i++)
		nfips_store_put(s, a, 50);
	nfips_store_close(s);
	stat(p, &st);
	if (truncate(p, st.st_size / 2))
		tap_diag("truncate: %s", strerror(errno));
	s = nfips_store_open(&o, err, sizeof(err), &moved);
	tap_ok(&T, s && moved && strstr(err, "truncated") && count_aside(p) == 1,
	       "a truncated store is moved aside, not written over: %s", err);
	nfips_store_close(s);

	/* A version 1 store (no per-hour counts) is migrated by a writer. */
	{
		sqlite3 *db;
		struct nfips_store_filter f;
		uint64_t total = 0;

		snprintf(p, sizeof(p), "%s/v1.db", dir);
		o.path = p;
		s = nfips_store_open(&o, err, sizeof(err), &moved);
		for (i = 0; i < 50; i++)
			alert_at(s, &a[i], 1750000000ll * 1000000 + i * (HOUR / 10), 1, 2, 1, false);
		nfips_store_put(s, a, 50);
		nfips_store_close(s);
		sqlite3_open(p, &db);
		/* what version 1 did not have: hours (2), days and the alerts'
		 * interface (4), the mail queue and the incidents' columns (5),
		 * the blocks (6), the alerts' discarded count (7), the host
		 * names (8) */
		sqlite3_exec(db, "DROP TABLE hours; DROP TABLE days;"
			     " ALTER TABLE alerts DROP COLUMN iface;"
			     " DROP TABLE mails; DROP TABLE mail_attempts;"
			     " ALTER TABLE incidents DROP COLUMN sport;"
			     " ALTER TABLE incidents DROP COLUMN dport;"
			     " ALTER TABLE incidents DROP COLUMN proto;"
			     " ALTER TABLE incidents DROP COLUMN reason;"
			     " DROP TABLE blocks;"
			     " ALTER TABLE alerts DROP COLUMN discarded;"
			     " DROP TABLE names;"
			     " PRAGMA user_version = 1", NULL, NULL, NULL);
		sqlite3_close(db);
		s = nfips_store_open(&o, err, sizeof(err), &moved);
		nfips_store_filter_init(&f);
		if (s)
			nfips_store_count(s, &f, NFIPS_BY_DAY, true, sum_counts, &total, err,
					  sizeof(err));
		nfips_store_close(s);
		tap_ok(&T, s && total == 50 &&
		       count_sql(p, "SELECT sum(n) FROM hours", 0) == 50 &&
		       count_sql(p, "PRAGMA user_version", 0) == NFIPS_STORE_VERSION,
		       "a version 1 store is migrated: per-hour counts built from its alerts");
	}

	/*
	 * A version 3 store (no interface, no daily aggregates) is migrated:
	 * the daily aggregates are built from the alerts already rolled up,
	 * so a monthly report of a month retention later removes has them.
	 */
	{
		sqlite3 *db;

		snprintf(p, sizeof(p), "%s/v3.db", dir);
		o.path = p;
		/* a day ago (this store goes by the real clock): rolled up, kept */
		int64_t t0 = ((int64_t)time(NULL) - 86400) * 1000000;

		s = nfips_store_open(&o, err, sizeof(err), &moved);
		for (i = 0; i < 50; i++)
			alert_at(s, &a[i], t0 + i * (HOUR / 10), 1, 2, 1, false);
		nfips_store_put(s, a, 50);
		while (nfips_store_retention_step(s, 2000) == 1)
			;
		/* the writer runs steps between all its batches: more change nothing */
		nfips_store_retention_step(s, 2000);
		nfips_store_retention_step(s, 2000);
		nfips_store_close(s);
		tap_ok(&T, count_sql(p, "SELECT sum(n) FROM agg", 0) == 50 &&
		       count_sql(p, "SELECT sum(n) FROM days", 0) == 50 &&
		       count_sql(p, "SELECT count(*) FROM alerts WHERE ts >= (SELECT value FROM meta"
				 " WHERE key = 'rolled')", 0) == 0,
		       "retention steps after the roll-up is done count no slice twice "
		       "(agg %lld, days %lld of 50)",
		       (long long)count_sql(p, "SELECT sum(n) FROM agg", 0),
		       (long long)count_sql(p, "SELECT sum(n) FROM days", 0));
		sqlite3_open(p, &db);
		sqlite3_exec(db, "DROP TABLE days; ALTER TABLE alerts DROP COLUMN iface;"
			     " DROP TABLE mails; DROP TABLE mail_attempts;"
			     " ALTER TABLE incidents DROP COLUMN sport;"
			     " ALTER TABLE incidents DROP COLUMN dport;"
			     " ALTER TABLE incidents DROP COLUMN proto;"
			     " ALTER TABLE incidents DROP COLUMN reason;"
			     " DROP TABLE blocks;"
			     " ALTER TABLE alerts DROP COLUMN discarded;"
			     " DROP TABLE names;"
			     " PRAGMA user_version = 3", NULL, NULL, NULL);
		sqlite3_close(db);
		tap_ok(&T, count_sql(p, "SELECT count(*) FROM sqlite_master WHERE name = 'days'",
				     0) == 0, "a version 3 store has no daily aggregates");
		s = nfips_store_open(&o, err, sizeof(err), &moved);
		nfips_store_close(s);
		tap_ok(&T, s && count_sql(p, "SELECT sum(n) FROM days", 0) == 50 &&
		       count_sql(p, "PRAGMA user_version", 0) == NFIPS_STORE_VERSION &&
		       count_sql(p, "SELECT count(*) FROM alerts WHERE iface IS NULL", 0) == 50,
		       "a version 3 store is migrated: daily aggregates built from its rolled-up "
		       "alerts, interface NULL for the old ones");
	}

	snprintf(p, sizeof(p), "%s/future.db", dir);
	o.path = p;
	s = nfips_store_open(&o, err, sizeof(err), &moved);
	nfips_store_close(s);
	{
		sqlite3 *db;

		sqlite3_open(p, &db);
		sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	s = nfips_store_open(&o, err, sizeof(err), &moved);
	tap_ok(&T, !s && strstr(err, "version 99 is newer") && count_aside(p) == 0 &&
	       !stat(p, &st), "a schema from a future version is refused, the file kept: %s",
	       err);
}

/* An alert of a packet capped by packet-alert-max keeps the count. */
static void discarded(void)
{
	struct nfips_store_alert a[2];
	struct nfips_store *s;
	int64_t t0 = 1750000000ll * 1000000;
	char err[512], p[300];

	snprintf(p, sizeof(p), "%s/discarded.db", dir);
	now_usec = t0;
	s = open_store(p, false, err, sizeof(err));
	if (!tap_ok(&T, s != NULL, "discarded store opens: %s", err))
		return;
	alert_at(s, &a[0], t0, 9200, 0x0e000001, 1, false);
	a[0].discarded = 7;
	alert_at(s, &a[1], t0 + 1, 9201, 0x0e000001, 1, false);
	nfips_store_put(s, a, 2);
	nfips_store_close(s);
	tap_ok(&T, count_sql(p, "SELECT discarded FROM alerts WHERE sid = 9200", 0) == 7 &&
	       count_sql(p, "SELECT count(*) FROM alerts WHERE sid = 9201 AND discarded IS NULL",
			 0) == 1,
	       "an alert keeps its packet's discarded count (none: NULL)");
}

int main(void)
{
	/* tmpfs when there is one: the test is about SQL, not fsync speed */
	if (!access("/dev/shm", W_OK))
		memcpy(dir, "/dev/shm", 8);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	queries();
	incidents();
	incident_flood();
	incident_ids_after_crash();
	incidents_cli_printable();
	retention();
	bad_files();
	discarded();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			tap_diag("cleanup failed");
	}
	return tap_done(&T);
}
