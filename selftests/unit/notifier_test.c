// SPDX-License-Identifier: GPL-2.0
/*
 * What the notifier decides to mail (ctl/lib/notify/notifier.c), under a
 * test clock, with a relay that refuses every connection (the mails stay
 * in the queue, where the test counts them; sending itself is
 * daemon_mail.sh's): one mail per contact for a high incident, none more
 * for a flood of it, a follow-up only after notify.every minutes while it
 * keeps firing and not once acknowledged, an escalation at once, nothing
 * for a medium incident, nothing repeated after a restart, the daily
 * digest of the lower grades once at its hour, a health mail, the
 * incidents beyond notify.max_per_hour in one summary mail an hour.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "notify/notify.h"
#include "store/store.h"
#include "tap.h"

static struct tap T;
static _Atomic int64_t now_s;
static bool digest_on;
static uint32_t cap = 20;

static int64_t test_clock(void *arg)
{
	(void)arg;
	return atomic_load(&now_s);
}

static int64_t store_clock(void *arg)
{
	(void)arg;
	return atomic_load(&now_s) * 1000000;
}

static bool policy(void *arg, struct nfips_notify_policy *p)
{
	(void)arg;
	memset(p, 0, sizeof(*p));
	snprintf(p->customer, sizeof(p->customer), "Test K.K.");
	snprintf(p->sensor, sizeof(p->sensor), "gw-test");
	snprintf(p->timezone, sizeof(p->timezone), "Asia/Tokyo");
	snprintf(p->contacts[0].name, sizeof(p->contacts[0].name), "A");
	snprintf(p->contacts[0].email, sizeof(p->contacts[0].email), "a@x.example");
	snprintf(p->contacts[0].lang, sizeof(p->contacts[0].lang), "en");
	snprintf(p->contacts[1].name, sizeof(p->contacts[1].name), "B");
	snprintf(p->contacts[1].email, sizeof(p->contacts[1].email), "b@x.example");
	snprintf(p->contacts[1].lang, sizeof(p->contacts[1].lang), "ja");
	p->ncontacts = 2;
	p->grade = NFIPS_SGRADE_HIGH;
	p->every = 30;
	p->digest = digest_on;
	p->digest_hour = 8;
	p->window = 3600;
	p->max_per_hour = cap;
	return true;
}

static void v4(uint8_t out[16], uint32_t a)
{
	uint8_t b[4] = { a >> 24, a >> 16, a >> 8, a };

	nfips_store_addr(out, 4, b);
}

/* @n alerts of sid @sid from @src at the clock's time; the incident id. */
static uint64_t put(struct nfips_store *s, uint32_t sid, uint32_t src, int grade, int n)
{
	struct nfips_store_alert *a = calloc((size_t)n, sizeof(*a));
	uint64_t id = 0;
	int i;

	for (i = 0; i < n; i++) {
		a[i].ts = atomic_load(&now_s) * 1000000 + i;
		a[i].gid = 1;
		a[i].sid = sid;
		v4(a[i].src, src);
		v4(a[i].dst, 0xc0000250);
		a[i].sport = 40000;
		a[i].dport = 80;
		a[i].proto = 6;
		a[i].grade = (int8_t)grade;
		snprintf(a[i].msg, sizeof(a[i].msg), "test attack %u", sid);
		snprintf(a[i].reason, sizeof(a[i].reason), "test reason");
		a[i].incident = nfips_store_incident(s, 1, sid, a[i].src, a[i].dst, a[i].ts,
						     &a[i].incident_new);
		id = a[i].incident;
	}
	nfips_store_put(s, a, (size_t)n);
	free(a);
	return id;
}

struct counts {
	int kind[6];
	int total;
};

static int count_mail(void *arg, const struct nfips_mail *m)
{
	struct counts *c = arg;

	c->kind[m->kind]++;
	c->total++;
	return 0;
}

/* The English digest names the medium incident, not the high one. */
static int digest_cb(void *arg, const struct nfips_mail *m)
{
	int *ok = arg;

	if (m->kind == NFIPS_MAIL_DIGEST && !strcmp(m->lang, "en"))
		*ok = strstr(m->message, "test attack 1002") &&
		      !strstr(m->message, "test attack 1001") &&
		      strstr(m->message, "[medium]") ? 1 : 0;
	return 0;
}

static struct counts mails_of(struct nfips_store *s, uint64_t incident)
{
	struct counts c = { { 0 }, 0 };
	char err[256];

	nfips_mail_list(s, incident, count_mail, &c, err, sizeof(err));
	return c;
}

/*
 * Kicks until the incident's mails reach @want (or 5 s), then looks 0.9 s
 * more (six scans at least) for any beyond it.
 */
static struct counts settle(struct nfips_notifier *n, struct nfips_store *s,
			    uint64_t incident, int want)
{
	struct counts c;
	int i;

	for (i = 0; i < 50; i++) {
		nfips_notifier_kick(n);
		usleep(100000);
		c = mails_of(s, incident);
		if (c.total >= want)
			break;
	}
	for (i = 0; i < 6; i++) {
		nfips_notifier_kick(n);
		usleep(150000);
	}
	return mails_of(s, incident);
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/nfips-notifier-test.XXXXXX", path[300], err[1024];
	const char *tpldir = argc > 1 ? argv[1] : "../../ctl/notify";
	struct nfips_store_opts o = { .clock = store_clock };
	struct nfips_notifier_cfg c = {
		.smtp = { .url = "smtp://127.0.0.1:1", .tls = NFIPS_SMTP_TLS_OFF,
			  .from = "nfips@gw-test.example", .timeout = 2 },
		.templates = tpldir,
		.retry_min_ms = 60000,
		.scan_ms = 100,
		.policy = policy,
		.clock = test_clock,
	};
	struct nfips_notify_health h = { .collector = "soc1", .peer = "soc1.example:2514",
					 .backlog = 1500, .oldest_age = 312, .late = true };
	struct nfips_notifier *n;
	struct nfips_store *s;
	struct counts k;
	uint64_t inc, med;
	bool moved;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/alerts.db", dir);
	o.path = path;
	c.store_path = path;
	/* 2026-12-07 10:00 JST (not the digest's hour) */
	atomic_store(&now_s, 1796605200);
	s = nfips_store_open(&o, err, sizeof(err), &moved);
	n = s ? nfips_notifier_start(&c, err, sizeof(err)) : NULL;
	if (!tap_ok(&T, n != NULL, "the notifier starts: %s", n ? "" : err))
		return tap_done(&T);

	inc = put(s, 1001, 0xcb007107, NFIPS_SGRADE_HIGH, 1);
	k = settle(n, s, inc, 2);
	tap_ok(&T, k.total == 2 && k.kind[NFIPS_MAIL_INCIDENT] == 2,
	       "a high incident: one mail per contact (%d)", k.total);

	put(s, 1001, 0xcb007107, NFIPS_SGRADE_HIGH, 5000);
	atomic_fetch_add(&now_s, 600);
	put(s, 1001, 0xcb007107, NFIPS_SGRADE_HIGH, 100);
	k = settle(n, s, inc, 2);
	tap_ok(&T, k.total == 2, "a flood of it for 10 minutes: no further mail (%d)", k.total);

	atomic_fetch_add(&now_s, 1300);		/* 31 min 40 s after the first mail */
	put(s, 1001, 0xcb007107, NFIPS_SGRADE_HIGH, 10);
	k = settle(n, s, inc, 4);
	tap_ok(&T, k.total == 4 && k.kind[NFIPS_MAIL_FOLLOWUP] == 2,
	       "still firing after notify.every (30 min): one follow-up per contact (%d)", k.total);

	atomic_fetch_add(&now_s, 60);
	put(s, 1001, 0xcb007107, NFIPS_SGRADE_EMERGENCY, 1);
	k = settle(n, s, inc, 6);
	tap_ok(&T, k.total == 6 && k.kind[NFIPS_MAIL_ESCALATION] == 2,
	       "raised to emergency: an escalation at once (%d)", k.total);

	err[0] = '\0';
	tap_ok(&T, !nfips_store_incident_set(s, inc, NFIPS_INCIDENT_ACKED, "on it", "soc", err,
					      sizeof(err)), "acknowledged%s%s", err[0] ? ": " : "", err);
	atomic_fetch_add(&now_s, 3000);
	put(s, 1001, 0xcb007107, NFIPS_SGRADE_EMERGENCY, 10);
	k = settle(n, s, inc, 6);
	tap_ok(&T, k.total == 6, "acknowledged: no follow-up (%d)", k.total);

	med = put(s, 1002, 0xcb007108, NFIPS_SGRADE_MEDIUM, 3);
	k = settle(n, s, med, 0);
	tap_ok(&T, k.total == 0, "a medium incident: no mail at once (%d)", k.total);

	nfips_notifier_stop(n);
	n = nfips_notifier_start(&c, err, sizeof(err));
	k = settle(n, s, inc, 6);
	tap_ok(&T, k.total == 6, "a restart: nothing mailed again (%d)", k.total);

	/* notify.max_per_hour 3: six new incidents at once */
	{
		uint64_t ids[7];
		int mailed = 0, i, sum = 0;
		struct counts z;

		cap = 3;
		for (i = 0; i < 6; i++)
			ids[i] = put(s, 3000, 0xc6336401 + (uint32_t)i, NFIPS_SGRADE_HIGH, 1);
		settle(n, s, ids[0], 2);
		for (i = 0; i < 6; i++)
			mailed += mails_of(s, ids[i]).kind[NFIPS_MAIL_INCIDENT] == 2;
		z = mails_of(s, 0);
		sum = z.kind[NFIPS_MAIL_SUMMARY];
		tap_ok(&T, mailed == 3 && sum == 2, "max_per_hour 3: three incidents mailed, the "
		       "other three in one summary per contact (%d, %d)", mailed, sum);
		ids[6] = put(s, 3000, 0xc6336409, NFIPS_SGRADE_HIGH, 1);
		z = settle(n, s, 0, 2);
		tap_ok(&T, z.kind[NFIPS_MAIL_SUMMARY] == 2 && mails_of(s, ids[6]).total == 0,
		       "a seventh within the hour: no mail, no second summary");
		ids[6] = put(s, 3001, 0xc633640a, NFIPS_SGRADE_EMERGENCY, 1);
		z = settle(n, s, ids[6], 2);
		tap_ok(&T, z.kind[NFIPS_MAIL_INCIDENT] == 2,
		       "an emergency incident beyond the cap: mailed all the same");
		cap = 20;
	}

	nfips_notifier_health(n, &h);
	k = settle(n, s, 0, 4);
	tap_ok(&T, k.kind[NFIPS_MAIL_HEALTH] == 2, "a late collector: a health mail per contact");
	nfips_notifier_stop(n);

	/* 2026-12-08 08:00 JST: the digest's hour, the digest on */
	digest_on = true;
	atomic_store(&now_s, 1796605200 + 22 * 3600);
	n = nfips_notifier_start(&c, err, sizeof(err));
	k = settle(n, s, 0, 6);
	tap_ok(&T, k.kind[NFIPS_MAIL_DIGEST] == 2, "the daily digest at its hour, one per contact (%d)",
	       k.kind[NFIPS_MAIL_DIGEST]);
	{
		int ok = -1;

		nfips_mail_list(s, 0, digest_cb, &ok, err, sizeof(err));
		tap_ok(&T, ok == 1, "the digest lists the medium incident, not the high one");
	}
	atomic_fetch_add(&now_s, 1800);
	k = settle(n, s, 0, 6);
	tap_ok(&T, k.kind[NFIPS_MAIL_DIGEST] == 2, "once a day only (%d)", k.kind[NFIPS_MAIL_DIGEST]);
	nfips_notifier_stop(n);
	nfips_store_close(s);
	snprintf(err, sizeof(err), "rm -rf %s", dir);
	if (system(err))
		tap_diag("could not remove %s", dir);
	return tap_done(&T);
}
