// SPDX-License-Identifier: GPL-2.0
/*
 * What the syslog message needs from an EVE record, read by a scanner
 * that walks the JSON grammar without building anything: the sender
 * reads every record of the spool once per collector, and a full parser
 * (json-c: an object per value, a hash table per object) was a tenth of
 * its time. It is still a parser, not a search: every string, number,
 * object and array is checked and skipped as JSON says, so a field name
 * inside a string (a payload, a signature) is never mistaken for a
 * field, and a line that is not one JSON object (the one a crash cut)
 * is refused. Of the members, only the top-level ones and those of
 * "alert" and "nfips" are looked at; the record itself is sent
 * unchanged.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deliver.h"

/* Deeper than any EVE record; bounds the recursion on hostile input. */
#define MAX_DEPTH 64

struct scan {
	const char *p, *end;
};

/* A string value as found: its raw bytes between the quotes. */
struct span {
	const char *s;
	size_t len;
	bool escaped;		/* has a '\': decode before use */
};

static void skip_ws(struct scan *sc)
{
	while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t' || *sc->p == '\n' ||
				   *sc->p == '\r'))
		sc->p++;
}

static int hex4(const char *p, unsigned int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned int)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* At the opening quote: the string checked and skipped. */
static int scan_string(struct scan *sc, struct span *out)
{
	const char *p = sc->p + 1;

	out->s = p;
	out->escaped = false;
	/*
	 * A raw control character is taken, as json-c took it: JSON forbids
	 * it, but refusing it would skip the record, which is worse than
	 * sending it (nfips' own writer escapes them all).
	 */
	for (;;) {
		while (p < sc->end && *p != '"' && *p != '\\')
			p++;
		if (p >= sc->end)
			return -1;
		if (*p == '"')
			break;
		out->escaped = true;
		if (p + 1 >= sc->end)
			return -1;
		if (p[1] == 'u') {
			unsigned int v;

			if (sc->end - p < 6 || hex4(p + 2, &v))
				return -1;
			p += 6;
		} else if (p[1] && strchr("\"\\/bfnrt", p[1])) {
			p += 2;
		} else {
			return -1;
		}
	}
	out->len = (size_t)(p - out->s);
	sc->p = p + 1;
	return 0;
}

/* A number as JSON writes it; *integer: no fraction, no exponent. */
static int scan_number(struct scan *sc, bool *integer)
{
	const char *p = sc->p;

	*integer = true;
	if (p < sc->end && *p == '-')
		p++;
	if (p >= sc->end || *p < '0' || *p > '9')
		return -1;
	if (*p == '0')
		p++;
	else
		while (p < sc->end && *p >= '0' && *p <= '9')
			p++;
	if (p < sc->end && *p == '.') {
		*integer = false;
		if (++p >= sc->end || *p < '0' || *p > '9')
			return -1;
		while (p < sc->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < sc->end && (*p == 'e' || *p == 'E')) {
		*integer = false;
		p++;
		if (p < sc->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= sc->end || *p < '0' || *p > '9')
			return -1;
		while (p < sc->end && *p >= '0' && *p <= '9')
			p++;
	}
	sc->p = p;
	return 0;
}

static int scan_value(struct scan *sc, int depth);

/*
 * The members of the object at sc->p ('{'), each given to @member with
 * the scanner at its value, which it consumes (or NULL: all skipped).
 */
static int scan_object(struct scan *sc, int depth,
		       int (*member)(struct scan *sc, const struct span *key, void *arg, int depth),
		       void *arg)
{
	struct span key;

	if (depth > MAX_DEPTH)
		return -1;
	sc->p++;
	skip_ws(sc);
	if (sc->p < sc->end && *sc->p == '}') {
		sc->p++;
		return 0;
	}
	for (;;) {
		skip_ws(sc);
		if (sc->p >= sc->end || *sc->p != '"' || scan_string(sc, &key))
			return -1;
		skip_ws(sc);
		if (sc->p >= sc->end || *sc->p != ':')
			return -1;
		sc->p++;
		skip_ws(sc);
		if (member ? member(sc, &key, arg, depth + 1) : scan_value(sc, depth + 1))
			return -1;
		skip_ws(sc);
		if (sc->p >= sc->end)
			return -1;
		if (*sc->p == '}') {
			sc->p++;
			return 0;
		}
		if (*sc->p++ != ',')
			return -1;
	}
}

static int scan_array(struct scan *sc, int depth)
{
	if (depth > MAX_DEPTH)
		return -1;
	sc->p++;
	skip_ws(sc);
	if (sc->p < sc->end && *sc->p == ']') {
		sc->p++;
		return 0;
	}
	for (;;) {
		skip_ws(sc);
		if (scan_value(sc, depth + 1))
			return -1;
		skip_ws(sc);
		if (sc->p >= sc->end)
			return -1;
		if (*sc->p == ']') {
			sc->p++;
			return 0;
		}
		if (*sc->p++ != ',')
			return -1;
	}
}

static int scan_word(struct scan *sc, const char *w, size_t n)
{
	if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, w, n))
		return -1;
	sc->p += n;
	return 0;
}

static int scan_value(struct scan *sc, int depth)
{
	struct span s;
	bool integer;

	if (sc->p >= sc->end)
		return -1;
	switch (*sc->p) {
	case '{':
		return scan_object(sc, depth, NULL, NULL);
	case '[':
		return scan_array(sc, depth);
	case '"':
		return scan_string(sc, &s);
	case 't':
		return scan_word(sc, "true", 4);
	case 'f':
		return scan_word(sc, "false", 5);
	case 'n':
		return scan_word(sc, "null", 4);
	default:
		return scan_number(sc, &integer);
	}
}

static void put_utf8(char *out, size_t cap, size_t *o, unsigned int cp, bool *cut)
{
	char u[4];
	size_t n, i;

	if (cp < 0x80) {
		u[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	for (i = 0; i < n; i++) {
		if (*o + 1 >= cap) {
			*cut = true;
			return;
		}
		out[(*o)++] = u[i];
	}
}

/*
 * The string's value, decoded (escapes, \u with surrogate pairs to
 * UTF-8) into @out, cut to @cap - 1 bytes: false when it was cut.
 */
static bool decode(const struct span *s, char *out, size_t cap)
{
	const char *p = s->s, *end = s->s + s->len;
	bool cut = false;
	size_t o = 0;

	if (!s->escaped) {
		size_t n = s->len < cap ? s->len : cap - 1;

		memcpy(out, s->s, n);
		out[n] = '\0';
		return n == s->len;
	}
	while (p < end && !cut) {
		unsigned int cp, lo;

		if (*p != '\\') {	/* raw bytes (UTF-8 included) as they are */
			if (o + 1 >= cap)
				cut = true;
			else
				out[o++] = *p++;
			continue;
		}
		switch (p[1]) {
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			hex4(p + 2, &cp);	/* checked by scan_string */
			if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 12 && p[6] == '\\' &&
			    p[7] == 'u' && !hex4(p + 8, &lo) && lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else if (cp >= 0xd800 && cp < 0xe000) {
				cp = 0xfffd;	/* a lone surrogate, as json-c */
			}
			p += 4;
			break;
		default: cp = (unsigned char)p[1]; break;	/* " \ / */
		}
		p += 2;
		put_utf8(out, cap, &o, cp, &cut);
	}
	out[o] = '\0';
	return !cut;
}

/* A key compared with a name, escapes decoded. */
static bool key_is(const struct span *k, const char *name)
{
	char buf[32];

	if (!k->escaped)
		return k->len == strlen(name) && !memcmp(k->s, name, k->len);
	return decode(k, buf, sizeof(buf)) && !strcmp(buf, name);
}

/* An integer value: its number, and whether it was one (no fraction). */
static int scan_int(struct scan *sc, bool *is_int, long long *v, int depth)
{
	const char *start = sc->p;
	bool integer;

	*is_int = false;
	if (sc->p >= sc->end || (*sc->p != '-' && (*sc->p < '0' || *sc->p > '9')))
		return scan_value(sc, depth);
	if (scan_number(sc, &integer))
		return -1;
	if (integer) {
		char buf[32];
		size_t n = (size_t)(sc->p - start);

		if (n >= sizeof(buf))
			return 0;	/* beyond 64 bits: as json-c, not an int */
		memcpy(buf, start, n);
		buf[n] = '\0';
		if (*start == '-') {
			*v = strtoll(buf, NULL, 10);
		} else {
			unsigned long long u = strtoull(buf, NULL, 10);

			*v = u > (unsigned long long)__LONG_LONG_MAX__ ? __LONG_LONG_MAX__ :
			     (long long)u;
		}
		*is_int = true;
	}
	return 0;
}

static int scan_str(struct scan *sc, struct span *s, bool *found, int depth)
{
	*found = false;
	if (sc->p < sc->end && *sc->p == '"') {
		*found = true;
		return scan_string(sc, s);
	}
	return scan_value(sc, depth);
}

/* What the members of the record give, before their checks. */
struct fields {
	struct span event_type, timestamp, host, grade, nf_sensor;
	bool has_event_type, has_timestamp, has_host, has_grade, has_nf_sensor;
	bool nfips_obj, has_seq, has_sid, has_sev;
	long long seq, sid, sev;
};

static int alert_member(struct scan *sc, const struct span *k, void *arg, int depth)
{
	struct fields *f = arg;
	bool is_int;
	long long v;

	if (key_is(k, "signature_id")) {
		if (scan_int(sc, &is_int, &v, depth))
			return -1;
		f->has_sid = is_int;
		f->sid = v;
		return 0;
	}
	if (key_is(k, "severity")) {
		if (scan_int(sc, &is_int, &v, depth))
			return -1;
		f->has_sev = is_int;
		f->sev = v;
		return 0;
	}
	return scan_value(sc, depth);
}

static int nfips_member(struct scan *sc, const struct span *k, void *arg, int depth)
{
	struct fields *f = arg;
	bool is_int;
	long long v;

	if (key_is(k, "sequence")) {
		if (scan_int(sc, &is_int, &v, depth))
			return -1;
		f->has_seq = is_int;
		f->seq = v;
		return 0;
	}
	if (key_is(k, "grade"))
		return scan_str(sc, &f->grade, &f->has_grade, depth);
	if (key_is(k, "sensor"))
		return scan_str(sc, &f->nf_sensor, &f->has_nf_sensor, depth);
	return scan_value(sc, depth);
}

static int top_member(struct scan *sc, const struct span *k, void *arg, int depth)
{
	struct fields *f = arg;
	bool obj = sc->p < sc->end && *sc->p == '{';

	if (key_is(k, "event_type"))
		return scan_str(sc, &f->event_type, &f->has_event_type, depth);
	if (key_is(k, "timestamp"))
		return scan_str(sc, &f->timestamp, &f->has_timestamp, depth);
	if (key_is(k, "host"))
		return scan_str(sc, &f->host, &f->has_host, depth);
	if (key_is(k, "alert")) {	/* the last one counts, as a parser keeps it */
		f->has_sid = f->has_sev = false;
		return obj ? scan_object(sc, depth, alert_member, f) : scan_value(sc, depth);
	}
	if (key_is(k, "nfips")) {
		f->nfips_obj = obj;
		f->has_seq = f->has_grade = f->has_nf_sensor = false;
		return obj ? scan_object(sc, depth, nfips_member, f) : scan_value(sc, depth);
	}
	return scan_value(sc, depth);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's). */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era;
	unsigned int yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned int)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *p, int n, unsigned int *v)
{
	*v = 0;
	while (n--) {
		if (*p < '0' || *p > '9')
			return false;
		*v = *v * 10 + (unsigned int)(*p++ - '0');
	}
	return true;
}

/* "2024-01-02T03:04:05.678901+0000" (Suricata's form), any UTC offset. */
static int parse_time(const char *s, int64_t *sec, uint32_t *usec)
{
	unsigned int y, mo, d, h, mi, se, frac = 0, n = 0, oh, om;
	struct tm tm = { 0 };
	int off = 0;
	const char *p;

	/* The form EVE writes, without strptime and timegm. */
	if (strlen(s) >= 19 && digits(s, 4, &y) && s[4] == '-' && digits(s + 5, 2, &mo) &&
	    s[7] == '-' && digits(s + 8, 2, &d) && s[10] == 'T' && digits(s + 11, 2, &h) &&
	    s[13] == ':' && digits(s + 14, 2, &mi) && s[16] == ':' && digits(s + 17, 2, &se) &&
	    mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && se <= 60) {
		*sec = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
		p = s + 19;
	} else {
		p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
		if (!p)
			return -1;
		*sec = (int64_t)timegm(&tm);
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (n < 6)
				frac = frac * 10 + (unsigned int)(*p - '0'), n++;
		while (n < 6)
			frac *= 10, n++;
	}
	if ((*p == '+' || *p == '-') && digits(p + 1, 2, &oh)) {
		const char *m = p + 3 + (p[3] == ':');

		if (digits(m, 2, &om))
			off = (int)((oh * 60 + om) * 60) * (*p == '-' ? -1 : 1);
	}
	*sec -= off;
	*usec = frac;
	return 0;
}

int nfips_deliver_record_parse(struct nfips_deliver_rec *r, const char *eve,
			       size_t len, char *err, size_t errlen)
{
	struct scan sc = { eve, eve + len };
	struct fields f = { 0 };
	char buf[40];

	memset(r, 0, sizeof(*r));
	skip_ws(&sc);
	if (sc.p >= sc.end || *sc.p != '{' || scan_object(&sc, 1, top_member, &f) ||
	    sc.p != sc.end) {
		snprintf(err, errlen, "not a JSON object");
		return -1;
	}
	if (!f.nfips_obj || !f.has_seq || f.seq <= 0) {
		snprintf(err, errlen, "no nfips.sequence");
		return -1;
	}
	r->sequence = (uint64_t)f.seq;
	r->kind = NFIPS_DELIVER_HEALTH;
	if (f.has_event_type && decode(&f.event_type, buf, sizeof(buf))) {
		if (!strcmp(buf, "alert"))
			r->kind = NFIPS_DELIVER_ALERT;
		else if (!strcmp(buf, "incident"))
			r->kind = NFIPS_DELIVER_INCIDENT;
	}
	if (!f.has_timestamp || !decode(&f.timestamp, buf, sizeof(buf)) ||
	    parse_time(buf, &r->sec, &r->usec)) {
		snprintf(err, errlen, "sequence %llu: no timestamp",
			 (unsigned long long)r->sequence);
		return -1;
	}
	if (f.has_sid)
		r->sid = (uint32_t)f.sid;
	if (f.has_sev)
		r->alert_severity = f.sev > __INT_MAX__ ? __INT_MAX__ :
				    f.sev < -__INT_MAX__ ? -__INT_MAX__ : (int)f.sev;
	if (f.has_grade)
		decode(&f.grade, r->grade, sizeof(r->grade));
	if (f.has_host)
		decode(&f.host, r->sensor, sizeof(r->sensor));
	else if (f.has_nf_sensor)
		decode(&f.nf_sensor, r->sensor, sizeof(r->sensor));
	r->eve = eve;
	r->len = len;
	return 0;
}
