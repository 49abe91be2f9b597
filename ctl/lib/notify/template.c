// SPDX-License-Identifier: GPL-2.0
/*
 * Template files (DIR/LANG.txt, UTF-8): lines before the first section
 * are comments; "[name]" starts a section, whose text runs to the next
 * one (trailing blank lines dropped). In the text "{name}" is replaced
 * by a value and "{{" is a literal "{". Everything is checked when the
 * file loads, each problem named FILE:LINE: a section missing or given
 * twice, an unknown section or placeholder, text that is not UTF-8, a
 * subject of more than one line. A mail can then never come out with a
 * hole in it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"

#define TEMPLATE_MAX_BYTES	(256 << 10)

static const char *const var_names[NV_COUNT_OF_VARS] = {
	[NV_INCIDENT] = "incident", [NV_GRADE] = "grade",
	[NV_PREVIOUS_GRADE] = "previous_grade", [NV_SIGNATURE] = "signature",
	[NV_GID] = "gid", [NV_SID] = "sid", [NV_TARGET] = "target", [NV_SRC] = "src",
	[NV_SPORT] = "sport", [NV_DST] = "dst", [NV_DPORT] = "dport",
	[NV_PROTO] = "proto", [NV_FIRST_SEEN] = "first_seen",
	[NV_LAST_SEEN] = "last_seen", [NV_NOW] = "now", [NV_ACTION] = "action",
	[NV_COUNT] = "count", [NV_BLOCKED] = "blocked", [NV_ALLOWED] = "allowed",
	[NV_REASON] = "reason", [NV_STATE] = "state", [NV_SENSOR] = "sensor",
	[NV_CUSTOMER] = "customer", [NV_CONTACT] = "contact", [NV_KIND] = "kind",
	[NV_NEXT] = "next", [NV_EVERY] = "every", [NV_COLLECTOR] = "collector",
	[NV_PEER] = "peer", [NV_BACKLOG] = "backlog", [NV_OLDEST_AGE] = "oldest_age",
	[NV_LAST_ERROR] = "last_error", [NV_DAY] = "day", [NV_INCIDENTS] = "incidents",
	[NV_N] = "n",
};

static const char *const sect_names[NS_COUNT_OF_SECTS] = {
	[NS_SUBJECT_INCIDENT] = "subject.incident",
	[NS_SUBJECT_ESCALATION] = "subject.escalation",
	[NS_SUBJECT_FOLLOWUP] = "subject.followup", [NS_BODY] = "body",
	[NS_KIND_INCIDENT] = "kind.incident", [NS_KIND_ESCALATION] = "kind.escalation",
	[NS_KIND_FOLLOWUP] = "kind.followup", [NS_ACTION_BLOCKED] = "action.blocked",
	[NS_ACTION_ALLOWED] = "action.allowed", [NS_ACTION_MIXED] = "action.mixed",
	[NS_NEXT_BLOCKED] = "next.blocked", [NS_NEXT_ALLOWED] = "next.allowed",
	[NS_NEXT_MIXED] = "next.mixed", [NS_GRADE_EMERGENCY] = "grade.emergency",
	[NS_GRADE_HIGH] = "grade.high", [NS_GRADE_MEDIUM] = "grade.medium",
	[NS_GRADE_LOW] = "grade.low", [NS_GRADE_IGNORE] = "grade.ignore",
	[NS_DIGEST_SUBJECT] = "digest.subject", [NS_DIGEST_BODY] = "digest.body",
	[NS_DIGEST_LINE] = "digest.line",
	[NS_HEALTH_SUBJECT_LATE] = "health.subject.late",
	[NS_HEALTH_SUBJECT_CAUGHT_UP] = "health.subject.caught_up",
	[NS_HEALTH_BODY_LATE] = "health.body.late",
	[NS_HEALTH_BODY_CAUGHT_UP] = "health.body.caught_up",
	[NS_SUMMARY_SUBJECT] = "summary.subject", [NS_SUMMARY_BODY] = "summary.body",
};

/* One line only: these go into a header or a sentence. */
static bool one_line(enum nfips_notify_sect s)
{
	return s <= NS_SUBJECT_FOLLOWUP || (s >= NS_ACTION_BLOCKED && s <= NS_ACTION_MIXED) ||
	       (s >= NS_GRADE_EMERGENCY && s <= NS_GRADE_IGNORE) || s == NS_DIGEST_SUBJECT ||
	       s == NS_DIGEST_LINE || s == NS_HEALTH_SUBJECT_LATE ||
	       s == NS_HEALTH_SUBJECT_CAUGHT_UP || s == NS_SUMMARY_SUBJECT;
}

struct nfips_templates {
	char lang[8];
	char *text[NS_COUNT_OF_SECTS];
};

const char *nfips_templates_lang(const struct nfips_templates *t)
{
	return t->lang;
}

void nfips_templates_free(struct nfips_templates *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < NS_COUNT_OF_SECTS; i++)
		free(t->text[i]);
	free(t);
}

/* Well-formed UTF-8 (no overlongs, no surrogates): 0, else the bad byte's offset + 1. */
static size_t utf8_bad(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	uint32_t c;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			len = 2;
			c = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			len = 3;
			c = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			len = 4;
			c = s[i] & 0x07;
		} else {
			return i + 1;
		}
		if (i + len > n)
			return i + 1;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i + 1;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
		    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return i + 1;
		i += len;
	}
	return 0;
}

static int find(const char *const *names, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && strlen(names[i]) == len && !memcmp(names[i], s, len))
			return (int)i;
	return -1;
}

/* Every {name} of @text (its first line at @line) known. */
static int check_vars(const char *path, unsigned line, const char *text, char *err,
		      size_t errlen)
{
	const char *p, *e;

	for (p = text; *p; p++) {
		if (*p == '\n')
			line++;
		if (*p != '{')
			continue;
		if (p[1] == '{') {
			p++;
			continue;
		}
		e = strchr(p, '}');
		if (!e || memchr(p, '\n', (size_t)(e - p)) ||
		    find(var_names, NV_COUNT_OF_VARS, p + 1, (size_t)(e - p - 1)) < 0) {
			snprintf(err, errlen, "%s:%u: unknown placeholder '%.*s' (known: {incident}, "
				 "{grade}, {signature}, ... Documentation/notify.rst)", path, line,
				 e && !memchr(p, '\n', (size_t)(e - p)) ? (int)(e - p + 1) : 1, p);
			return -1;
		}
		p = e;
	}
	return 0;
}

static int end_section(struct nfips_templates *t, int cur, unsigned at,
		       struct nfips_sbuf *b, const char *path, char *err, size_t errlen)
{
	if (cur < 0)
		return 0;
	while (b->len && b->s[b->len - 1] == '\n')
		b->s[--b->len] = '\0';
	if (!b->s)
		b->s = strdup("");
	if (b->oom || !b->s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (one_line(cur) && strchr(b->s, '\n')) {
		snprintf(err, errlen, "%s:%u: [%s] is one line", path, at, sect_names[cur]);
		return -1;
	}
	if (check_vars(path, at + 1, b->s, err, errlen))
		return -1;
	t->text[cur] = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return 0;
}

struct nfips_templates *nfips_templates_load(const char *dir, const char *lang,
					     char *err, size_t errlen)
{
	struct nfips_templates *t = calloc(1, sizeof(*t));
	unsigned lineno = 0, at = 0, sect_line[NS_COUNT_OF_SECTS] = { 0 };
	struct nfips_sbuf b = { 0 };
	char path[4200], *data = NULL, *line, *next;
	size_t len, bad;
	int cur = -1, i;
	FILE *f;

	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(t->lang, sizeof(t->lang), "%s", lang);
	snprintf(path, sizeof(path), "%s/%s.txt", dir, lang);
	f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	data = malloc(TEMPLATE_MAX_BYTES + 1);
	len = data ? fread(data, 1, TEMPLATE_MAX_BYTES + 1, f) : 0;
	fclose(f);
	if (!data || len > TEMPLATE_MAX_BYTES) {
		snprintf(err, errlen, "%s: %s", path, data ? "larger than 256 KiB" :
			 "out of memory");
		goto fail;
	}
	data[len] = '\0';
	bad = utf8_bad((unsigned char *)data, len);
	if (bad || strlen(data) != len) {
		for (i = 0, lineno = 1; bad && (size_t)i < bad - 1; i++)
			lineno += data[i] == '\n';
		snprintf(err, errlen, "%s:%u: not UTF-8 text", path, lineno);
		goto fail;
	}
	for (line = data; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (line[0] && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (line[0] == '[' && line[strlen(line) - 1] == ']') {
			int s = find(sect_names, NS_COUNT_OF_SECTS, line + 1, strlen(line) - 2);

			if (s < 0) {
				snprintf(err, errlen, "%s:%u: unknown section %s", path, lineno, line);
				goto fail;
			}
			if (sect_line[s]) {
				snprintf(err, errlen, "%s:%u: %s given twice (first at line %u)",
					 path, lineno, line, sect_line[s]);
				goto fail;
			}
			if (end_section(t, cur, at, &b, path, err, errlen))
				goto fail;
			cur = s;
			at = sect_line[s] = lineno;
			continue;
		}
		if (cur < 0)
			continue;	/* comments before the first section */
		nfips_sbuf_puts(&b, line);
		nfips_sbuf_add(&b, "\n", 1);
	}
	if (end_section(t, cur, at, &b, path, err, errlen))
		goto fail;
	for (i = 0; i < NS_COUNT_OF_SECTS; i++)
		if (!t->text[i]) {
			snprintf(err, errlen, "%s: section [%s] is missing", path, sect_names[i]);
			goto fail;
		}
	free(data);
	return t;
fail:
	nfips_sbuf_free(&b);
	free(data);
	nfips_templates_free(t);
	return NULL;
}

const char *nfips_template_text(const struct nfips_templates *t, enum nfips_notify_sect s)
{
	return t->text[s];
}

void nfips_template_fill(const struct nfips_templates *t, enum nfips_notify_sect s,
			 const char *const vals[NV_COUNT_OF_VARS], struct nfips_sbuf *out)
{
	const char *p = t->text[s], *e;
	int v;

	while (*p) {
		e = strchr(p, '{');
		if (!e) {
			nfips_sbuf_puts(out, p);
			return;
		}
		nfips_sbuf_add(out, p, (size_t)(e - p));
		if (e[1] == '{') {
			nfips_sbuf_add(out, "{", 1);
			p = e + 2;
			continue;
		}
		p = strchr(e, '}');	/* checked at load: there is one, and known */
		v = find(var_names, NV_COUNT_OF_VARS, e + 1, (size_t)(p - e - 1));
		if (v >= 0 && vals[v])
			nfips_sbuf_puts(out, vals[v]);
		p++;
	}
}
