// SPDX-License-Identifier: GPL-2.0
/*
 * The customer's local time without touching the process's time zone.
 * localtime_r() goes by $TZ, one setting for the whole process: setting
 * it for a mail would change the time every other thread (the EVE
 * records' timestamps) shows meanwhile. So the zone's TZif file
 * (tzfile(5), /usr/share/zoneinfo/NAME) is read here: its transitions
 * give the UTC offset at any time they cover, and the POSIX TZ string of
 * its footer (std offset dst[offset],Mm.w.d[/time],Mm.w.d[/time]) the
 * offset after the last one (a "slim" file has few transitions).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "notify.h"

#define TZ_MAX_BYTES	(1 << 20)

struct tz_type {
	int32_t utoff;
	char abbr[16];
};

/* The footer's rule: std all year, or dst between two yearly dates. */
struct tz_rule {
	bool valid, has_dst;
	struct tz_type std, dst;
	int mon[2], week[2], wday[2];	/* start, end: Mm.w.d */
	int32_t at[2];			/* seconds after local midnight */
};

struct nfips_tz {
	char name[64];
	int64_t *when;		/* transitions, ascending */
	uint8_t *idx;		/* the type from each */
	size_t n;
	struct tz_type *types;
	size_t ntypes;
	struct tz_rule rule;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* A name: "JST", or "<+09>". Returns the rest, NULL if none. */
static const char *rule_name(const char *s, char *out, size_t len)
{
	size_t n = 0;

	if (*s == '<') {
		for (s++; *s && *s != '>'; s++)
			if (n + 1 < len)
				out[n++] = *s;
		if (*s != '>')
			return NULL;
		s++;
	} else {
		for (; (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'); s++)
			if (n + 1 < len)
				out[n++] = *s;
	}
	out[n] = '\0';
	return n >= 3 ? s : NULL;
}

/* [+-]hh[:mm[:ss]] in seconds. */
static const char *rule_time(const char *s, int32_t *out)
{
	int sign = 1, h = 0, m = 0, sec = 0;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (*s < '0' || *s > '9')
		return NULL;
	h = (int)strtol(s, (char **)&s, 10);
	if (*s == ':') {
		m = (int)strtol(s + 1, (char **)&s, 10);
		if (*s == ':')
			sec = (int)strtol(s + 1, (char **)&s, 10);
	}
	*out = sign * (h * 3600 + m * 60 + sec);
	return s;
}

/* ",Mm.w.d[/time]"; Julian forms (Jn, n) are left invalid: no zone uses them. */
static const char *rule_date(const char *s, struct tz_rule *r, int i)
{
	if (*s++ != ',' || *s++ != 'M')
		return NULL;
	r->mon[i] = (int)strtol(s, (char **)&s, 10);
	if (*s++ != '.')
		return NULL;
	r->week[i] = (int)strtol(s, (char **)&s, 10);
	if (*s++ != '.')
		return NULL;
	r->wday[i] = (int)strtol(s, (char **)&s, 10);
	r->at[i] = 7200;
	if (*s == '/' && !(s = rule_time(s + 1, &r->at[i])))
		return NULL;
	if (r->mon[i] < 1 || r->mon[i] > 12 || r->week[i] < 1 || r->week[i] > 5 ||
	    r->wday[i] < 0 || r->wday[i] > 6)
		return NULL;
	return s;
}

static void parse_rule(const char *s, struct tz_rule *r)
{
	int32_t off;

	memset(r, 0, sizeof(*r));
	if (!(s = rule_name(s, r->std.abbr, sizeof(r->std.abbr))) || !(s = rule_time(s, &off)))
		return;
	r->std.utoff = -off;	/* POSIX counts west of Greenwich */
	if (!*s) {
		r->valid = true;
		return;
	}
	if (!(s = rule_name(s, r->dst.abbr, sizeof(r->dst.abbr))))
		return;
	r->dst.utoff = r->std.utoff + 3600;
	if (*s != ',') {
		if (!(s = rule_time(s, &off)))
			return;
		r->dst.utoff = -off;
	}
	if (!(s = rule_date(s, r, 0)) || !(s = rule_date(s, r, 1)) || *s)
		return;
	r->has_dst = r->valid = true;
}

static int fail(char *err, size_t errlen, const char *path, const char *why)
{
	snprintf(err, errlen, "%s: %s", path, why);
	return -1;
}

/* The v2+ (64-bit) block of @d, else the v1 one; its footer's rule. */
static int parse(struct nfips_tz *z, const uint8_t *d, size_t len, const char *path,
		 char *err, size_t errlen)
{
	size_t cnt[6], i, off = 0, need, tsize = 4;
	const uint8_t *p;

	for (;;) {
		if (len - off < 44 || memcmp(d + off, "TZif", 4))
			return fail(err, errlen, path, "not a TZif file");
		for (i = 0; i < 6; i++)
			cnt[i] = be32(d + off + 20 + 4 * i);
		/* isut, isstd, leap, time, type, char */
		need = 44 + cnt[3] * (tsize + 1) + cnt[4] * 6 + cnt[5] +
		       cnt[2] * (tsize + 4) + cnt[1] + cnt[0];
		if (cnt[4] == 0 || cnt[4] > 256 || cnt[3] > 100000 || need > len - off)
			return fail(err, errlen, path, "truncated or bad counts");
		if (tsize == 4 && d[off + 4] >= '2') {
			off += need;	/* skip the 32-bit block */
			tsize = 8;
			continue;
		}
		break;
	}
	p = d + off + 44;
	z->n = cnt[3];
	z->ntypes = cnt[4];
	z->when = calloc(z->n + 1, sizeof(*z->when));
	z->idx = calloc(z->n + 1, 1);
	z->types = calloc(z->ntypes, sizeof(*z->types));
	if (!z->when || !z->idx || !z->types)
		return fail(err, errlen, path, "out of memory");
	for (i = 0; i < z->n; i++, p += tsize)
		z->when[i] = tsize == 8 ? be64(p) : (int32_t)be32(p);
	for (i = 0; i < z->n; i++, p++) {
		if (*p >= z->ntypes)
			return fail(err, errlen, path, "transition to a type it does not have");
		z->idx[i] = *p;
	}
	{
		const uint8_t *chars = p + z->ntypes * 6;

		for (i = 0; i < z->ntypes; i++, p += 6) {
			size_t a = p[5], k;

			z->types[i].utoff = (int32_t)be32(p);
			for (k = 0; a + k < cnt[5] && chars[a + k] && k + 1 < 16; k++)
				z->types[i].abbr[k] = (char)chars[a + k];
		}
		p = chars + cnt[5] + cnt[2] * (tsize + 4) + cnt[1] + cnt[0];
	}
	/* v2+: "\nTZ string\n" after the 64-bit block */
	if (tsize == 8 && (size_t)(p - d) < len && *p == '\n') {
		const uint8_t *end = memchr(p + 1, '\n', len - (size_t)(p - d) - 1);
		char tzs[128];

		if (end && (size_t)(end - p - 1) < sizeof(tzs)) {
			memcpy(tzs, p + 1, (size_t)(end - p - 1));
			tzs[end - p - 1] = '\0';
			parse_rule(tzs, &z->rule);
		}
	}
	return 0;
}

struct nfips_tz *nfips_tz_load(const char *name, char *err, size_t errlen)
{
	struct nfips_tz *z;
	char path[512];
	uint8_t *d;
	size_t len;
	FILE *f;
	const char *c;

	for (c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("/_+-", *c)))
			break;
	if (!*name || *c || *name == '/' || strstr(name, "..") || strlen(name) >= 64) {
		snprintf(err, errlen, "time zone '%s': not an IANA zone name", name);
		return NULL;
	}
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	d = malloc(TZ_MAX_BYTES);
	len = d ? fread(d, 1, TZ_MAX_BYTES, f) : 0;
	fclose(f);
	z = calloc(1, sizeof(*z));
	if (!d || !z) {
		free(d);
		free(z);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(z->name, sizeof(z->name), "%s", name);
	if (parse(z, d, len, path, err, errlen)) {
		free(d);
		nfips_tz_free(z);
		return NULL;
	}
	free(d);
	return z;
}

void nfips_tz_free(struct nfips_tz *z)
{
	if (!z)
		return;
	free(z->when);
	free(z->idx);
	free(z->types);
	free(z);
}

const char *nfips_tz_name(const struct nfips_tz *z)
{
	return z->name;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Local midnight (as days since the epoch) of rule date @i in @year. */
static int64_t rule_day(const struct tz_rule *r, int i, int64_t year)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int m = r->mon[i], len = mdays[m - 1];
	int64_t first = days_from_civil(year, m, 1);
	int wd1 = (int)(((first + 4) % 7 + 7) % 7);	/* 1970-01-01 was a Thursday */
	int day = 1 + ((r->wday[i] - wd1) % 7 + 7) % 7 + (r->week[i] - 1) * 7;

	if (m == 2 && ((year % 4 == 0 && year % 100) || year % 400 == 0))
		len = 29;
	while (day > len)
		day -= 7;
	return first + day - 1;
}

static const struct tz_type *rule_type(const struct tz_rule *r, int64_t t)
{
	struct tm tm;
	time_t lt = (time_t)(t + r->std.utoff);
	int64_t start, end;

	if (!r->has_dst)
		return &r->std;
	gmtime_r(&lt, &tm);
	start = rule_day(r, 0, tm.tm_year + 1900LL) * 86400 + r->at[0] - r->std.utoff;
	end = rule_day(r, 1, tm.tm_year + 1900LL) * 86400 + r->at[1] - r->dst.utoff;
	if (start < end)
		return t >= start && t < end ? &r->dst : &r->std;
	return t >= end && t < start ? &r->std : &r->dst;	/* southern summer */
}

int32_t nfips_tz_offset(const struct nfips_tz *z, int64_t t, const char **abbr)
{
	const struct tz_type *ty;
	size_t lo = 0, hi = z->n;

	if (z->n && t >= z->when[z->n - 1] && z->rule.valid) {
		ty = rule_type(&z->rule, t);
	} else if (!z->n || t < z->when[0]) {
		ty = &z->types[0];
	} else {
		while (hi - lo > 1) {	/* the last transition at or before t */
			size_t mid = (lo + hi) / 2;

			if (z->when[mid] <= t)
				lo = mid;
			else
				hi = mid;
		}
		ty = &z->types[z->idx[lo]];
	}
	if (abbr)
		*abbr = ty->abbr;
	return ty->utoff;
}

void nfips_tz_local(const struct nfips_tz *z, int64_t t, struct tm *tm, int32_t *utoff,
		    const char **abbr)
{
	int32_t off = nfips_tz_offset(z, t, abbr);
	time_t lt = (time_t)(t + off);

	gmtime_r(&lt, tm);
	tm->tm_gmtoff = off;
	if (utoff)
		*utoff = off;
}

void nfips_tz_format(const struct nfips_tz *z, int64_t t, char *out, size_t len)
{
	const char *abbr;
	int32_t off;
	struct tm tm;
	char day[32];

	nfips_tz_local(z, t, &tm, &off, &abbr);
	strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(out, len, "%s %s (UTC%c%02d:%02d, %s)", day, abbr, off < 0 ? '-' : '+',
		 abs(off) / 3600, abs(off) / 60 % 60, z->name);
}
