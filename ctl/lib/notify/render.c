// SPDX-License-Identifier: GPL-2.0
/*
 * Rendering a mail: the template of the contact's language filled with
 * the incident (times in the customer's zone), then an RFC 5322 message
 * around it. Headers are ASCII: a subject or name that is not is sent as
 * RFC 2047 "B" encoded-words of its UTF-8 (each at most 75 characters,
 * never splitting a character, folded); the body is text/plain;
 * charset=UTF-8, 7bit when it is ASCII, else base64 (a relay without
 * 8BITMIME must not see raw UTF-8). Date carries the customer's offset,
 * Message-ID is unique per mail and stays the same across retries.
 */
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "grade/grade.h"
#include "notify.h"
#include "policy/policy.h"

void nfips_notify_policy_from(struct nfips_notify_policy *np,
			      const struct nfips_policy *p, const char *sensor)
{
	size_t i;

	memset(np, 0, sizeof(*np));
	snprintf(np->customer, sizeof(np->customer), "%s",
		 p->customer_name ? p->customer_name : p->customer_id ? p->customer_id : "");
	snprintf(np->sensor, sizeof(np->sensor), "%s",
		 sensor && sensor[0] ? sensor : p->sensor_id ? p->sensor_id : "");
	snprintf(np->timezone, sizeof(np->timezone), "%s", p->timezone ? p->timezone : "UTC");
	for (i = 0; i < p->ncontacts && i < 3; i++) {
		struct nfips_notify_contact *c = &np->contacts[np->ncontacts++];

		snprintf(c->name, sizeof(c->name), "%s", p->contacts[i].name);
		snprintf(c->email, sizeof(c->email), "%s", p->contacts[i].email);
		snprintf(c->lang, sizeof(c->lang), "%s",
			 p->contacts[i].lang == NFIPS_LANG_JA ? "ja" : "en");
	}
	/* the policy's grades count down from emergency, the store's up */
	switch (p->notify.grade) {
	case NFIPS_GRADE_EMERGENCY:
		np->grade = NFIPS_SGRADE_EMERGENCY;
		break;
	case NFIPS_GRADE_MEDIUM:
		np->grade = NFIPS_SGRADE_MEDIUM;
		break;
	case NFIPS_GRADE_LOW:
		np->grade = NFIPS_SGRADE_LOW;
		break;
	default:
		np->grade = NFIPS_SGRADE_HIGH;
	}
	np->every = p->notify.every ? p->notify.every : 30;
	np->digest = p->notify.digest;
	np->digest_hour = p->notify.digest_hour;
	np->window = p->incident_window ? p->incident_window : 3600;
	np->max_per_hour = p->notify.max_per_hour ? p->notify.max_per_hour : 20;
	np->reports = p->notify.reports;
}

void nfips_rendered_free(struct nfips_rendered *r)
{
	nfips_sbuf_free(&r->subject);
	nfips_sbuf_free(&r->message);
}

static bool ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80 || *s == '\r' || *s == '\n')
			return false;
	return true;
}

static void b64(struct nfips_sbuf *out, const void *p, size_t n)
{
	unsigned char enc[100];	/* 4 * ceil(57 / 3) + 1 */

	while (n) {
		size_t k = n < 57 ? n : 57;
		int len = EVP_EncodeBlock(enc, p, (int)k);

		nfips_sbuf_add(out, enc, (size_t)len);
		p = (const char *)p + k;
		n -= k;
		if (n)
			nfips_sbuf_add(out, "\r\n", 2);
	}
}

void nfips_rfc2047(const char *s, struct nfips_sbuf *out)
{
	size_t n = strlen(s), i = 0, k, room = 39;
	unsigned char enc[64];
	int len;

	while (i < n) {
		/* at most 39 bytes (52 base64 characters: with "Subject: " a line
		 * stays within 78): whole characters only */
		k = n - i < room ? n - i : room;
		while (k < n - i && k && ((unsigned char)s[i + k] & 0xc0) == 0x80)
			k--;
		len = EVP_EncodeBlock(enc, (const unsigned char *)s + i, (int)k);
		if (i)
			nfips_sbuf_add(out, "\r\n ", 3);
		nfips_sbuf_puts(out, "=?UTF-8?B?");
		nfips_sbuf_add(out, enc, (size_t)len);
		nfips_sbuf_puts(out, "?=");
		i += k;
	}
}

/* A display name: quoted ASCII, or encoded-words. */
static void phrase(struct nfips_sbuf *out, const char *name)
{
	if (!ascii(name)) {
		nfips_rfc2047(name, out);
		return;
	}
	nfips_sbuf_add(out, "\"", 1);
	for (; *name; name++) {
		if (*name == '"' || *name == '\\')
			nfips_sbuf_add(out, "\\", 1);
		nfips_sbuf_add(out, name, 1);
	}
	nfips_sbuf_add(out, "\"", 1);
}

static bool body_7bit(const char *s)
{
	size_t col = 0;

	for (; *s; s++) {
		if ((unsigned char)*s >= 0x80 || *s == '\r')
			return false;
		col = *s == '\n' ? 0 : col + 1;
		if (col > 990)
			return false;
	}
	return true;
}

/*
 * The parts' separator: with an attachment both parts are base64, whose
 * lines cannot hold "=_" (RFC 2045 6.7: that is why it is there).
 */
#define BOUNDARY "=_nfips_part_boundary_7d1c"

int nfips_mail_build(const struct nfips_mail_head *h, const char *subject,
		     const char *body, struct nfips_sbuf *out)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mons[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct nfips_sbuf crlf = { 0 };
	int32_t off = 0;
	struct tm tm;
	const char *p;

	if (h->tz) {
		nfips_tz_local(h->tz, h->date, &tm, &off, NULL);
	} else {
		time_t t = (time_t)h->date;

		gmtime_r(&t, &tm);
	}
	nfips_sbuf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d %c%02d%02d\r\n",
			  days[tm.tm_wday], tm.tm_mday, mons[tm.tm_mon], tm.tm_year + 1900,
			  tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
			  (off < 0 ? -off : off) / 3600, (off < 0 ? -off : off) / 60 % 60);
	nfips_sbuf_puts(out, "From: ");
	phrase(out, h->from_name && h->from_name[0] ? h->from_name : "nfips");
	nfips_sbuf_printf(out, " <%s>\r\nTo: ", h->from);
	if (h->to_name && h->to_name[0]) {
		phrase(out, h->to_name);
		nfips_sbuf_printf(out, " <%s>\r\n", h->to);
	} else {
		nfips_sbuf_printf(out, "<%s>\r\n", h->to);
	}
	nfips_sbuf_puts(out, "Subject: ");
	if (ascii(subject) && strlen(subject) <= 68)
		nfips_sbuf_puts(out, subject);
	else
		nfips_rfc2047(subject, out);
	nfips_sbuf_printf(out, "\r\nMessage-ID: <%s@%s>\r\n", h->msgid_left, h->domain);
	nfips_sbuf_puts(out, "MIME-Version: 1.0\r\n");
	if (h->att)
		nfips_sbuf_printf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n",
				  BOUNDARY);
	else
		nfips_sbuf_puts(out, "Content-Type: text/plain; charset=UTF-8\r\n");
	/* RFC 3834: no vacation auto-replies to a machine's mail */
	nfips_sbuf_puts(out, "Auto-Submitted: auto-generated\r\n");
	if (h->incident)
		nfips_sbuf_printf(out, "X-Nfips-Incident: %" PRIu64 "\r\n", h->incident);
	if (h->sensor && h->sensor[0] && ascii(h->sensor))
		nfips_sbuf_printf(out, "X-Nfips-Sensor: %s\r\n", h->sensor);
	if (h->grade)
		nfips_sbuf_printf(out, "X-Nfips-Grade: %s\r\n", h->grade);
	if (h->kind)
		nfips_sbuf_printf(out, "X-Nfips-Kind: %s\r\n", h->kind);
	if (h->att)
		/* the text part's own headers follow the preamble */
		nfips_sbuf_printf(out, "\r\nThis is a MIME message.\r\n--%s\r\n"
				  "Content-Type: text/plain; charset=UTF-8\r\n", BOUNDARY);
	for (p = body; *p; p++) {
		if (*p == '\n')
			nfips_sbuf_add(&crlf, "\r", 1);
		nfips_sbuf_add(&crlf, p, 1);
	}
	nfips_sbuf_add(&crlf, "\r\n", 2);
	if (!h->att && body_7bit(body)) {
		nfips_sbuf_puts(out, "Content-Transfer-Encoding: 7bit\r\n\r\n");
		nfips_sbuf_add(out, crlf.s, crlf.len);
	} else {
		nfips_sbuf_puts(out, "Content-Transfer-Encoding: base64\r\n\r\n");
		b64(out, crlf.s, crlf.len);
		nfips_sbuf_add(out, "\r\n", 2);
	}
	nfips_sbuf_free(&crlf);
	if (h->att) {
		/* base64 whatever it holds: its bytes arrive exactly */
		nfips_sbuf_printf(out, "--%s\r\nContent-Type: %s; name=\"%s\"\r\n"
				  "Content-Disposition: attachment; filename=\"%s\"\r\n"
				  "Content-Transfer-Encoding: base64\r\n\r\n", BOUNDARY,
				  h->att->type, h->att->name, h->att->name);
		b64(out, h->att->data, h->att->len);
		nfips_sbuf_printf(out, "\r\n--%s--\r\n", BOUNDARY);
	}
	return out->oom || crlf.oom ? -1 : 0;
}

/* ---- the variables -------------------------------------------------- */

static const char *proto_name(uint8_t p, char *buf, size_t len)
{
	switch (p) {
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 1:
		return "ICMP";
	case 58:
		return "ICMPv6";
	}
	snprintf(buf, len, "%u", p);
	return buf;
}

static enum nfips_notify_sect grade_sect(int g)
{
	switch (g) {
	case NFIPS_SGRADE_EMERGENCY:
		return NS_GRADE_EMERGENCY;
	case NFIPS_SGRADE_HIGH:
		return NS_GRADE_HIGH;
	case NFIPS_SGRADE_MEDIUM:
		return NS_GRADE_MEDIUM;
	case NFIPS_SGRADE_LOW:
		return NS_GRADE_LOW;
	}
	return NS_GRADE_IGNORE;
}

/* "192.0.2.10" or "[2001:db8::1]" with a port. */
static void endpoint(char *out, size_t len, const uint8_t a[16], uint16_t port,
		     bool with_port)
{
	char ip[46];
	static const uint8_t v4[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	bool is4 = !memcmp(a, v4, 12);

	nfips_store_addr_str(ip, sizeof(ip), a);
	if (!with_port)
		snprintf(out, len, "%s", ip);
	else if (is4)
		snprintf(out, len, "%s:%u", ip, port);
	else
		snprintf(out, len, "[%s]:%u", ip, port);
}

int nfips_render_incident(const struct nfips_templates *t, const struct nfips_tz *tz,
			  const struct nfips_incident_mail *m, struct nfips_sbuf *subject,
			  struct nfips_sbuf *body)
{
	const struct nfips_store_incident_row *r = m->inc;
	char id[24], gid[16], sid[16], sport[8], dport[8], src[72], dst[72], target[80];
	char first[96], last[96], now[96], count[24], blocked[24], allowed[24], every[16];
	char pbuf[8];
	const char *vals[NV_COUNT_OF_VARS] = { 0 };
	enum nfips_notify_sect act, next, subj, kind;
	struct nfips_sbuf kindtxt = { 0 }, nexttxt = { 0 };
	bool ports = r->proto == 6 || r->proto == 17;

	snprintf(id, sizeof(id), "%" PRIu64, r->id);
	snprintf(gid, sizeof(gid), "%u", r->gid);
	snprintf(sid, sizeof(sid), "%u", r->sid);
	snprintf(sport, sizeof(sport), "%u", r->sport);
	snprintf(dport, sizeof(dport), "%u", r->dport);
	endpoint(src, sizeof(src), r->src, r->sport, ports);
	endpoint(dst, sizeof(dst), r->dst, r->dport, ports);
	snprintf(target, sizeof(target), "%s", dst);
	nfips_tz_format(tz, r->first_seen / 1000000, first, sizeof(first));
	nfips_tz_format(tz, r->last_seen / 1000000, last, sizeof(last));
	nfips_tz_format(tz, m->now, now, sizeof(now));
	snprintf(count, sizeof(count), "%" PRIu64, r->count);
	snprintf(blocked, sizeof(blocked), "%" PRIu64, r->blocked);
	snprintf(allowed, sizeof(allowed), "%" PRIu64, r->allowed);
	snprintf(every, sizeof(every), "%u", m->every);
	if (r->blocked && !r->allowed) {
		act = NS_ACTION_BLOCKED;
		next = NS_NEXT_BLOCKED;
	} else if (!r->blocked) {
		act = NS_ACTION_ALLOWED;
		next = NS_NEXT_ALLOWED;
	} else {
		act = NS_ACTION_MIXED;
		next = NS_NEXT_MIXED;
	}
	switch (m->kind) {
	case NFIPS_MAIL_ESCALATION:
		subj = NS_SUBJECT_ESCALATION;
		kind = NS_KIND_ESCALATION;
		break;
	case NFIPS_MAIL_FOLLOWUP:
		subj = NS_SUBJECT_FOLLOWUP;
		kind = NS_KIND_FOLLOWUP;
		break;
	default:
		subj = NS_SUBJECT_INCIDENT;
		kind = NS_KIND_INCIDENT;
	}
	vals[NV_INCIDENT] = id;
	vals[NV_GRADE] = nfips_template_text(t, grade_sect(r->grade));
	vals[NV_PREVIOUS_GRADE] = nfips_template_text(t, grade_sect(m->previous_grade));
	vals[NV_SIGNATURE] = r->msg;
	vals[NV_GID] = gid;
	vals[NV_SID] = sid;
	vals[NV_TARGET] = target;
	vals[NV_SRC] = src;
	vals[NV_SPORT] = sport;
	vals[NV_DST] = dst;
	vals[NV_DPORT] = dport;
	vals[NV_PROTO] = proto_name(r->proto, pbuf, sizeof(pbuf));
	vals[NV_FIRST_SEEN] = first;
	vals[NV_LAST_SEEN] = last;
	vals[NV_NOW] = now;
	vals[NV_ACTION] = nfips_template_text(t, act);
	vals[NV_COUNT] = count;
	vals[NV_BLOCKED] = blocked;
	vals[NV_ALLOWED] = allowed;
	vals[NV_REASON] = r->reason && r->reason[0] ? r->reason : "-";
	vals[NV_STATE] = nfips_incident_state_name(r->state);
	vals[NV_SENSOR] = m->sensor;
	vals[NV_CUSTOMER] = m->customer;
	vals[NV_CONTACT] = m->contact;
	vals[NV_EVERY] = every;
	/* {kind} and {next} are sections themselves, filled first */
	nfips_template_fill(t, kind, vals, &kindtxt);
	nfips_template_fill(t, next, vals, &nexttxt);
	vals[NV_KIND] = kindtxt.s ? kindtxt.s : "";
	vals[NV_NEXT] = nexttxt.s ? nexttxt.s : "";
	nfips_template_fill(t, subj, vals, subject);
	nfips_template_fill(t, NS_BODY, vals, body);
	nfips_sbuf_free(&kindtxt);
	nfips_sbuf_free(&nexttxt);
	return subject->oom || body->oom ? -1 : 0;
}

int nfips_render_health(const struct nfips_templates *t, const struct nfips_tz *tz,
			const struct nfips_notify_health *h, const char *sensor,
			const char *customer, const char *contact,
			struct nfips_sbuf *subject, struct nfips_sbuf *body)
{
	const char *vals[NV_COUNT_OF_VARS] = { 0 };
	char now[96], backlog[24], age[24];

	nfips_tz_format(tz, h->when, now, sizeof(now));
	snprintf(backlog, sizeof(backlog), "%" PRIu64, h->backlog);
	snprintf(age, sizeof(age), "%" PRId64, h->oldest_age);
	vals[NV_NOW] = now;
	vals[NV_COLLECTOR] = h->collector;
	vals[NV_PEER] = h->peer;
	vals[NV_BACKLOG] = backlog;
	vals[NV_OLDEST_AGE] = age;
	vals[NV_LAST_ERROR] = h->last_error[0] ? h->last_error : "-";
	vals[NV_SENSOR] = sensor;
	vals[NV_CUSTOMER] = customer;
	vals[NV_CONTACT] = contact;
	nfips_template_fill(t, h->late ? NS_HEALTH_SUBJECT_LATE : NS_HEALTH_SUBJECT_CAUGHT_UP,
			    vals, subject);
	nfips_template_fill(t, h->late ? NS_HEALTH_BODY_LATE : NS_HEALTH_BODY_CAUGHT_UP,
			    vals, body);
	return subject->oom || body->oom ? -1 : 0;
}

/* One digest.line per incident. */
static void list_lines(const struct nfips_templates *t, const struct nfips_tz *tz,
		       const struct nfips_store_incident_row *const *inc, size_t n,
		       struct nfips_sbuf *lines)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct nfips_store_incident_row *r = inc[i];
		char id[24], src[72], dst[72], count[24], first[96], last[96], sid[16], pbuf[8];
		const char *lv[NV_COUNT_OF_VARS] = { 0 };
		bool ports = r->proto == 6 || r->proto == 17;

		snprintf(id, sizeof(id), "%" PRIu64, r->id);
		snprintf(sid, sizeof(sid), "%u", r->sid);
		snprintf(count, sizeof(count), "%" PRIu64, r->count);
		endpoint(src, sizeof(src), r->src, r->sport, ports);
		endpoint(dst, sizeof(dst), r->dst, r->dport, ports);
		nfips_tz_format(tz, r->first_seen / 1000000, first, sizeof(first));
		nfips_tz_format(tz, r->last_seen / 1000000, last, sizeof(last));
		lv[NV_INCIDENT] = id;
		lv[NV_GRADE] = nfips_template_text(t, grade_sect(r->grade));
		lv[NV_SIGNATURE] = r->msg;
		lv[NV_SID] = sid;
		lv[NV_SRC] = src;
		lv[NV_DST] = dst;
		lv[NV_TARGET] = dst;
		lv[NV_PROTO] = proto_name(r->proto, pbuf, sizeof(pbuf));
		lv[NV_COUNT] = count;
		lv[NV_FIRST_SEEN] = first;
		lv[NV_LAST_SEEN] = last;
		lv[NV_ACTION] = nfips_template_text(t, r->blocked && !r->allowed ?
						    NS_ACTION_BLOCKED : !r->blocked ?
						    NS_ACTION_ALLOWED : NS_ACTION_MIXED);
		lv[NV_REASON] = r->reason && r->reason[0] ? r->reason : "-";
		nfips_template_fill(t, NS_DIGEST_LINE, lv, lines);
		nfips_sbuf_add(lines, "\n", 1);
	}
}

int nfips_render_digest(const struct nfips_templates *t, const struct nfips_tz *tz,
			const struct nfips_store_incident_row *const *inc, size_t n,
			int64_t day_start, const char *sensor, const char *customer,
			const char *contact, struct nfips_sbuf *subject,
			struct nfips_sbuf *body)
{
	const char *vals[NV_COUNT_OF_VARS] = { 0 };
	struct nfips_sbuf lines = { 0 };
	char day[32], nbuf[24];
	struct tm tm;

	nfips_tz_local(tz, day_start, &tm, NULL, NULL);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	list_lines(t, tz, inc, n, &lines);
	snprintf(nbuf, sizeof(nbuf), "%zu", n);
	vals[NV_DAY] = day;
	vals[NV_N] = nbuf;
	vals[NV_INCIDENTS] = lines.s ? lines.s : "";
	vals[NV_SENSOR] = sensor;
	vals[NV_CUSTOMER] = customer;
	vals[NV_CONTACT] = contact;
	nfips_template_fill(t, NS_DIGEST_SUBJECT, vals, subject);
	nfips_template_fill(t, NS_DIGEST_BODY, vals, body);
	nfips_sbuf_free(&lines);
	return subject->oom || body->oom ? -1 : 0;
}

int nfips_render_summary(const struct nfips_templates *t, const struct nfips_tz *tz,
			 const struct nfips_store_incident_row *const *inc, size_t n,
			 size_t total, int grade, uint32_t cap, int64_t now,
			 const char *sensor, const char *customer, const char *contact,
			 struct nfips_sbuf *subject, struct nfips_sbuf *body)
{
	const char *vals[NV_COUNT_OF_VARS] = { 0 };
	struct nfips_sbuf lines = { 0 };
	char nbuf[24], capbuf[16], nowbuf[96];

	list_lines(t, tz, inc, n, &lines);
	snprintf(nbuf, sizeof(nbuf), "%zu", total);
	snprintf(capbuf, sizeof(capbuf), "%u", cap);
	nfips_tz_format(tz, now, nowbuf, sizeof(nowbuf));
	vals[NV_N] = nbuf;
	vals[NV_EVERY] = capbuf;
	vals[NV_GRADE] = nfips_template_text(t, grade_sect(grade));
	vals[NV_NOW] = nowbuf;
	vals[NV_INCIDENTS] = lines.s ? lines.s : "";
	vals[NV_SENSOR] = sensor;
	vals[NV_CUSTOMER] = customer;
	vals[NV_CONTACT] = contact;
	nfips_template_fill(t, NS_SUMMARY_SUBJECT, vals, subject);
	nfips_template_fill(t, NS_SUMMARY_BODY, vals, body);
	nfips_sbuf_free(&lines);
	return subject->oom || body->oom ? -1 : 0;
}
