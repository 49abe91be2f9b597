// SPDX-License-Identifier: GPL-2.0
/*
 * Mail to the contacts (ctl/lib/notify, ctl/lib/store/mail.c): the
 * customer's local time against glibc's (every shipped zone the tests
 * name, years 1990-2060: the files' transitions and their footer rules),
 * the shipped templates in both languages with every field an operator
 * acts on, the headers (RFC 2047 subject decoded back, Date, Message-ID,
 * MIME), template errors named FILE:LINE, and the queue: states,
 * attempts, the summary, a restart.
 */
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "notify/notify.h"
#include "store/store.h"
#include "tap.h"

static struct tap T;
static char dir[256];

/* ---- time zones: against glibc's localtime_r (this test is one thread) */

static void tz_against_libc(const char *zone)
{
	char err[256];
	struct nfips_tz *z = nfips_tz_load(zone, err, sizeof(err));
	int64_t t, bad = 0, n = 0;

	if (!tap_ok(&T, z != NULL, "%s loads: %s", zone, z ? "" : err))
		return;
	setenv("TZ", zone, 1);
	tzset();
	/* 1990 to 2060 every 7 hours 13 minutes: both sides of every change */
	for (t = 631152000; t < 2871763200; t += 7 * 3600 + 13 * 60) {
		time_t tt = (time_t)t;
		struct tm want;
		const char *abbr;
		int32_t off = nfips_tz_offset(z, t, &abbr);

		localtime_r(&tt, &want);
		n++;
		if (off != want.tm_gmtoff || strcmp(abbr, want.tm_zone)) {
			if (!bad)
				tap_diag("%s at %" PRId64 ": %d %s, glibc %ld %s", zone, t, off, abbr,
					 want.tm_gmtoff, want.tm_zone);
			bad++;
		}
	}
	tap_ok(&T, !bad, "%s: offset and abbreviation as glibc's at %" PRId64 " times "
	       "1990-2060 (%" PRId64 " differ)", zone, n, bad);
	nfips_tz_free(z);
}

static void tz_tests(void)
{
	static const char *const zones[] = {
		"Asia/Tokyo", "Europe/Berlin", "America/New_York", "Australia/Sydney",
		"Asia/Kolkata", "America/Sao_Paulo", "UTC", "Pacific/Chatham",
	};
	char err[256], buf[128];
	struct nfips_tz *z;
	size_t i;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		tz_against_libc(zones[i]);
	z = nfips_tz_load("Asia/Tokyo", err, sizeof(err));
	nfips_tz_format(z, 1796601600, buf, sizeof(buf));	/* 2026-12-07 00:00 UTC */
	tap_ok(&T, !strcmp(buf, "2026-12-07 09:00:00 JST (UTC+09:00, Asia/Tokyo)"),
	       "a time in the customer's zone: %s", buf);
	nfips_tz_free(z);
	tap_ok(&T, !nfips_tz_load("../etc/passwd", err, sizeof(err)) &&
	       strstr(err, "not an IANA zone name"), "a path is not a zone: %s", err);
	tap_ok(&T, !nfips_tz_load("Mars/Olympus", err, sizeof(err)) &&
	       strstr(err, "/usr/share/zoneinfo/Mars/Olympus"), "a missing zone: %s", err);
}

/* ---- rendering ------------------------------------------------------- */

static char *b64dec(const char *s, size_t n)
{
	char *out = calloc(1, n + 4);
	char *clean = calloc(1, n + 1);
	size_t k = 0, i;
	int len;

	for (i = 0; i < n; i++)
		if (s[i] != '\r' && s[i] != '\n')
			clean[k++] = s[i];
	len = EVP_DecodeBlock((unsigned char *)out, (unsigned char *)clean, (int)k);
	while (k && clean[k - 1] == '=' && len > 0) {	/* padding decodes as zeros */
		len--;
		k--;
	}
	out[len < 0 ? 0 : len] = '\0';
	free(clean);
	return out;
}

/* The value of header @name, RFC 2047 words decoded and unfolded. */
static void header(const char *msg, const char *name, char *out, size_t len)
{
	char key[64];
	const char *p, *e;
	size_t o = 0;

	out[0] = '\0';
	snprintf(key, sizeof(key), "\r\n%s: ", name);
	p = strstr(msg, key);
	if (!p && !strncmp(msg, key + 2, strlen(key) - 2))
		p = msg - 2;
	if (!p)
		return;
	p += strlen(key);
	for (;;) {
		e = strstr(p, "\r\n");
		if (!e)
			return;
		while (p < e && o + 1 < len) {
			if (!strncmp(p, "=?UTF-8?B?", 10)) {
				const char *q = strstr(p + 10, "?=");
				char *d = b64dec(p + 10, (size_t)(q - p - 10));

				o += (size_t)snprintf(out + o, len - o, "%s", d);
				free(d);
				p = q + 2;
			} else {
				out[o++] = *p++;
			}
		}
		out[o] = '\0';
		if (e[2] != ' ')
			return;
		p = e + 3;	/* folded: the next encoded-word follows */
	}
}

static char *body_of(const char *msg)
{
	const char *b = strstr(msg, "\r\n\r\n");
	char *out;

	if (!b)
		return strdup("");
	b += 4;
	if (strstr(msg, "Content-Transfer-Encoding: base64"))
		return b64dec(b, strlen(b));
	out = strdup(b);
	return out;
}

static struct nfips_store_incident_row sample_incident(void)
{
	struct nfips_store_incident_row r = { 0 };

	r.id = 4242;
	r.gid = 1;
	r.sid = 2100498;
	nfips_store_cidr("203.0.113.7", r.src, r.src);
	nfips_store_cidr("192.0.2.80", r.dst, r.dst);
	r.sport = 51514;
	r.dport = 80;
	r.proto = 6;
	r.first_seen = 1796601600ll * 1000000;		/* 2026-12-07 00:00:00 UTC */
	r.last_seen = (1796601600ll + 95) * 1000000;
	r.count = 37;
	r.blocked = 37;
	r.grade = NFIPS_SGRADE_HIGH;
	r.msg = "ET WEB_SERVER Apache Struts OGNL injection attempt";
	r.reason = "high: web-application-attack against web1 (192.0.2.80), runs apache";
	return r;
}

static void render_lang(const char *tpldir, const char *lang, const char *subj_want,
			const char *const *body_want)
{
	char err[512], hdr[1024], tzerr[128];
	struct nfips_templates *t = nfips_templates_load(tpldir, lang, err, sizeof(err));
	struct nfips_tz *tz = nfips_tz_load("Asia/Tokyo", tzerr, sizeof(tzerr));
	struct nfips_store_incident_row r = sample_incident();
	struct nfips_sbuf subject = { 0 }, body = { 0 }, msg = { 0 };
	struct nfips_incident_mail m = {
		.inc = &r, .kind = NFIPS_MAIL_INCIDENT, .previous_grade = NFIPS_SGRADE_UNSET,
		.every = 30, .sensor = "kitanohara-gw1", .customer = "Kitanohara Shoji K.K.",
		.contact = "佐藤 健二", .now = 1796601700,
	};
	struct nfips_mail_head h = {
		.from = "nfips@gw1.example.jp", .from_name = "nfips kitanohara-gw1",
		.to_name = "佐藤 健二", .to = "k.sato@kitanohara.example.co.jp",
		.domain = "gw1.example.jp", .msgid_left = "nfips.4242.0.1", .date = 1796601700,
		.tz = tz, .incident = 4242, .sensor = "kitanohara-gw1", .grade = "high",
	};
	char *plain;
	bool all = true, ascii = true;
	size_t i;

	if (!tap_ok(&T, t && tz, "%s: the shipped template loads: %s", lang, t ? "" : err))
		return;
	tap_ok(&T, !nfips_render_incident(t, tz, &m, &subject, &body) &&
	       !nfips_mail_build(&h, subject.s, body.s, &msg), "%s: renders", lang);
	for (i = 0; msg.s[i] && msg.s[i] != '\r'; i++)
		;
	/* headers are ASCII whatever the language */
	for (i = 0; i < (size_t)(strstr(msg.s, "\r\n\r\n") - msg.s); i++)
		ascii &= (unsigned char)msg.s[i] < 0x80;
	tap_ok(&T, ascii, "%s: every header line is ASCII (RFC 5322)", lang);
	header(msg.s, "Subject", hdr, sizeof(hdr));
	tap_ok(&T, !strcmp(hdr, subj_want), "%s: Subject decodes to '%s' (got '%s')", lang,
	       subj_want, hdr);
	header(msg.s, "To", hdr, sizeof(hdr));
	tap_ok(&T, !strcmp(hdr, "佐藤 健二 <k.sato@kitanohara.example.co.jp>"),
	       "%s: To with the contact's name encoded: %s", lang, hdr);
	header(msg.s, "Date", hdr, sizeof(hdr));
	tap_ok(&T, !strcmp(hdr, "Mon, 07 Dec 2026 09:01:40 +0900"),
	       "%s: Date in the customer's offset: %s", lang, hdr);
	header(msg.s, "Message-ID", hdr, sizeof(hdr));
	tap_ok(&T, !strcmp(hdr, "<nfips.4242.0.1@gw1.example.jp>"), "%s: Message-ID %s",
	       lang, hdr);
	tap_ok(&T, strstr(msg.s, "\r\nContent-Type: text/plain; charset=UTF-8\r\n") &&
	       strstr(msg.s, "\r\nMIME-Version: 1.0\r\n") &&
	       strstr(msg.s, "\r\nX-Nfips-Incident: 4242\r\n"),
	       "%s: MIME text/plain UTF-8, X-Nfips-Incident", lang);
	plain = body_of(msg.s);
	for (i = 0; body_want[i]; i++)
		if (!strstr(plain, body_want[i])) {
			tap_diag("%s: missing '%s'", lang, body_want[i]);
			all = false;
		}
	tap_ok(&T, all, "%s: the body has what happened, when (JST), source and destination "
	       "with ports, action, count, reason, next steps, the incident id", lang);
	if (!all)
		tap_diag("%s", plain);
	/* every line of the encoded subject within 78 characters */
	{
		const char *p = strstr(msg.s, "Subject: "), *e;
		bool short_lines = true;

		while (p && (e = strstr(p, "\r\n")) && p != e) {
			short_lines &= e - p <= 78;
			p = e + 2;
			if (*p != ' ')
				break;
		}
		tap_ok(&T, short_lines, "%s: Subject folded into lines of at most 78", lang);
	}
	free(plain);
	nfips_sbuf_free(&subject);
	nfips_sbuf_free(&body);
	nfips_sbuf_free(&msg);
	nfips_templates_free(t);
	nfips_tz_free(tz);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static void render_tests(const char *tpldir)
{
	static const char *const en[] = {
		"Dear 佐藤 健二", "ET WEB_SERVER Apache Struts OGNL injection attempt",
		"sid 2100498", "203.0.113.7:51514", "192.0.2.80:80 (TCP)",
		"2026-12-07 09:00:00 JST (UTC+09:00, Asia/Tokyo)",
		"2026-12-07 09:01:35 JST", "37 so far (37 blocked, 0 allowed)",
		"blocked by the sensor", "high: web-application-attack against web1",
		"What to check next", "quote incident 4242", NULL,
	};
	static const char *const ja[] = {
		"佐藤 健二 様", "ET WEB_SERVER Apache Struts OGNL injection attempt",
		"203.0.113.7:51514", "192.0.2.80:80 (TCP)",
		"2026-12-07 09:00:00 JST (UTC+09:00, Asia/Tokyo)", "累計 37 件",
		"遮断済み", "high: web-application-attack against web1",
		"次にご確認いただきたいこと", "インシデント番号 4242", NULL,
	};
	char bad[300], err[512];
	struct nfips_templates *t;

	render_lang(tpldir, "en", "[nfips HIGH] ET WEB_SERVER Apache Struts OGNL injection "
		    "attempt against 192.0.2.80:80 (incident 4242)", en);
	render_lang(tpldir, "ja", "[nfips 高] 192.0.2.80:80 への攻撃: ET WEB_SERVER Apache "
		    "Struts OGNL injection attempt (インシデント 4242)", ja);

	snprintf(bad, sizeof(bad), "%s/xx.txt", dir);
	write_file(bad, "# comment\n[subject.incident]\nhello {grade}\n[body]\n\nx {gradee}\n");
	t = nfips_templates_load(dir, "xx", err, sizeof(err));
	tap_ok(&T, !t && strstr(err, "xx.txt:6: unknown placeholder '{gradee}'"),
	       "an unknown placeholder is named FILE:LINE: %s", err);
	write_file(bad, "[subject.incident]\na\nb\n");
	t = nfips_templates_load(dir, "xx", err, sizeof(err));
	tap_ok(&T, !t && strstr(err, "xx.txt:1: [subject.incident] is one line"),
	       "a two-line subject is refused: %s", err);
	write_file(bad, "[subject.incident]\na\n[body]\nb\n");
	t = nfips_templates_load(dir, "xx", err, sizeof(err));
	tap_ok(&T, !t && strstr(err, "section [subject.escalation] is missing"),
	       "a missing section is refused: %s", err);
	write_file(bad, "[body]\n\xff\xfe\n");
	t = nfips_templates_load(dir, "xx", err, sizeof(err));
	tap_ok(&T, !t && strstr(err, "xx.txt:2: not UTF-8"), "bytes that are not UTF-8: %s",
	       err);
	write_file(bad, "[body]\na\n[body]\n");
	t = nfips_templates_load(dir, "xx", err, sizeof(err));
	tap_ok(&T, !t && strstr(err, "xx.txt:3: [body] given twice (first at line 1)"),
	       "a section given twice: %s", err);
	{
		struct nfips_sbuf o = { 0 };
		char dec[256];
		/* 40 three-byte characters: more than one encoded-word */
		const char *s = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらり";

		nfips_rfc2047(s, &o);
		nfips_sbuf_puts(&o, "\r\n");
		{
			char *m = malloc(o.len + 16);

			sprintf(m, "\r\nX: %s", o.s);
			header(m, "X", dec, sizeof(dec));
			free(m);
		}
		tap_ok(&T, !strcmp(dec, s) && strstr(o.s, "?=\r\n =?UTF-8?B?"),
		       "a long subject: several encoded-words, no character split, folded");
		nfips_sbuf_free(&o);
	}
}

/* ---- the queue ------------------------------------------------------- */

static int count_cb(void *arg, const struct nfips_mail *m)
{
	(void)m;
	(*(int *)arg)++;
	return 0;
}

static int first_cb(void *arg, const struct nfips_mail *m)
{
	struct nfips_mail *out = arg;

	*out = *m;
	out->rcpt = out->message = out->subject = out->lang = out->last_error = NULL;
	return 1;
}

static int attempts_cb(void *arg, const struct nfips_mail_attempt_row *a)
{
	char *s = arg;

	strcat(s, a->ok ? "ok:" : "fail:");
	strcat(s, a->outcome);
	strcat(s, ";");
	return 0;
}

static void queue_tests(void)
{
	struct nfips_store_opts o = { 0 };
	struct nfips_mail_summary sum;
	struct nfips_mail_mark mk;
	struct nfips_mail m[2] = {
		{ .incident = 7, .kind = NFIPS_MAIL_INCIDENT, .grade = NFIPS_SGRADE_HIGH,
		  .count = 3, .rcpt = "a@x.example", .lang = "en", .subject = "s1",
		  .message = "Subject: s1\r\n\r\nbody\r\n", .created = 1000000 },
		{ .incident = 7, .kind = NFIPS_MAIL_INCIDENT, .grade = NFIPS_SGRADE_HIGH,
		  .count = 3, .rcpt = "b@x.example", .lang = "ja", .subject = "s2",
		  .message = "Subject: s2\r\n\r\nbody\r\n", .created = 1000000 },
	};
	struct nfips_mail got;
	char path[300], err[512], att[512] = "";
	struct nfips_store *s;
	bool moved;
	int n = 0;

	snprintf(path, sizeof(path), "%s/q.db", dir);
	o.path = path;
	o.no_tracker = true;
	s = nfips_store_open(&o, err, sizeof(err), &moved);
	tap_ok(&T, s && nfips_mail_mark(s, 7, &mk) == 0, "no mail yet for incident 7");
	tap_ok(&T, !nfips_mail_queue(s, m, 2, err, sizeof(err)), "two mails queued: %s", err);
	nfips_mail_due(s, 999999, 10, count_cb, &n, err, sizeof(err));
	tap_ok(&T, n == 0, "not due before their time");
	n = 0;
	nfips_mail_due(s, 1000000, 10, count_cb, &n, err, sizeof(err));
	tap_ok(&T, n == 2, "both due at their time (%d)", n);
	nfips_mail_due(s, 1000000, 10, first_cb, &got, err, sizeof(err));
	tap_ok(&T, !nfips_mail_attempt(s, got.id, 2000000, false, false,
				       "Failed to connect to server", 5000000, err, sizeof(err)),
	       "a failed attempt recorded");
	nfips_mail_summary(s, &sum, err, sizeof(err));
	tap_ok(&T, sum.pending == 2 && sum.sent == 0 && sum.oldest_pending == 1000000 &&
	       sum.last_error_ts == 2000000 && !strcmp(sum.last_error, "Failed to connect to server"),
	       "status: 2 pending, the oldest's age, the last error");
	nfips_store_close(s);
	/* a restart: the queue is what it was */
	s = nfips_store_open(&o, err, sizeof(err), &moved);
	n = 0;
	nfips_mail_due(s, 4999999, 10, count_cb, &n, err, sizeof(err));
	tap_ok(&T, n == 1, "after a restart: the failed one waits for its retry, the other is due");
	n = 0;
	nfips_mail_due(s, 5000000, 10, count_cb, &n, err, sizeof(err));
	tap_ok(&T, n == 2, "both due once the retry time came");
	nfips_mail_attempt(s, got.id, 6000000, true, false, "accepted (250)", 0, err, sizeof(err));
	nfips_mail_due(s, 6000000, 10, first_cb, &got, err, sizeof(err));
	nfips_mail_attempt(s, got.id, 6500000, false, true, "Failed sending data to the peer (SMTP 550)",
			   0, err, sizeof(err));
	n = 0;
	nfips_mail_due(s, 99000000, 10, count_cb, &n, err, sizeof(err));
	nfips_mail_summary(s, &sum, err, sizeof(err));
	tap_ok(&T, n == 0 && sum.pending == 0 && sum.sent == 1 && sum.failed == 1 &&
	       sum.last_success == 6000000, "sent and failed for good: neither due again");
	nfips_mail_attempts(s, 1, attempts_cb, att, err, sizeof(err));
	tap_ok(&T, !strcmp(att, "fail:Failed to connect to server;ok:accepted (250);"),
	       "every attempt of a mail with its outcome: %s", att);
	n = 0;
	nfips_mail_list(s, 7, count_cb, &n, err, sizeof(err));
	tap_ok(&T, n == 2 && nfips_mail_mark(s, 7, &mk) == 1 && mk.grade == NFIPS_SGRADE_HIGH &&
	       mk.count == 3 && mk.last == 1000000, "the incident's mails and what they said");
	nfips_store_close(s);
}

int main(int argc, char **argv)
{
	const char *tpldir = argc > 1 ? argv[1] : "../../ctl/notify";

	snprintf(dir, sizeof(dir), "/tmp/nfips-notify-test.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	tz_tests();
	render_tests(tpldir);
	queue_tests();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			tap_diag("could not remove %s", dir);
	}
	return tap_done(&T);
}
