// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 5424 messages. The header fields are restricted to printable
 * US-ASCII (section 6): a sensor name outside it is written with '_'
 * in HOSTNAME and escaped as RFC 5424 says in the SD-PARAM, where its
 * UTF-8 is allowed. MSG is the EVE record as stored, without BOM (the
 * MSG-ANY form), so the collector writes back the very same bytes.
 */
#include <stdio.h>
#include <string.h>

#include "deliver.h"

int nfips_deliver_severity(const struct nfips_deliver_rec *r)
{
	static const struct { const char *grade; int sev; } map[] = {
		{ "emergency", 1 }, { "high", 2 }, { "medium", 4 },
		{ "low", 5 }, { "ignore", 6 },
	};
	size_t i;

	if (r->kind == NFIPS_DELIVER_HEALTH)
		return 4;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(r->grade, map[i].grade))
			return map[i].sev;
	switch (r->alert_severity) {
	case 1:
		return 2;
	case 2:
		return 4;
	case 3:
		return 5;
	}
	return 6;
}

int nfips_deliver_facility(const char *name)
{
	static const char *const names[] = {
		"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
		"uucp", "cron", "authpriv", "ftp", "ntp", "security", "console",
		"solaris-cron", "local0", "local1", "local2", "local3", "local4",
		"local5", "local6", "local7",
	};
	int i;

	for (i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

/* HOSTNAME: 1..255 PRINTUSASCII (33..126), else "-". */
static void put_hostname(struct nfips_sbuf *b, const char *s)
{
	char h[255];
	size_t i;

	for (i = 0; s[i] && i < sizeof(h); i++)
		h[i] = s[i] < 33 || s[i] > 126 ? '_' : s[i];
	nfips_sbuf_add(b, i ? h : "-", i ? i : 1);
}

/* PARAM-VALUE: '"', '\' and ']' escaped with '\' (section 6.3.3). */
static void put_param(struct nfips_sbuf *b, const char *name, const char *v)
{
	size_t run;

	nfips_sbuf_add(b, " ", 1);
	nfips_sbuf_puts(b, name);
	nfips_sbuf_add(b, "=\"", 2);
	while (*v) {
		run = strcspn(v, "\"\\]");
		nfips_sbuf_add(b, v, run);
		v += run;
		if (!*v)
			break;
		nfips_sbuf_add(b, "\\", 1);
		nfips_sbuf_add(b, v++, 1);
	}
	nfips_sbuf_add(b, "\"", 1);
}

/* @v in decimal at @p, @width digits at least: the end. */
static char *put_uint(char *p, uint64_t v, int width)
{
	char d[24];
	int n = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) || n < width);
	while (n)
		*p++ = d[--n];
	return p;
}

/* The date of day @z since 1970-01-01 (H. Hinnant's civil_from_days). */
static void civil(int64_t z, int64_t *y, unsigned int *m, unsigned int *d)
{
	int64_t era;
	unsigned int doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned int)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/*
 * "<PRI>1 YYYY-MM-DDTHH:MM:SS.UUUUUUZ " into @p (64 bytes are enough),
 * by hand: printf and strftime were a tenth of the sender's time.
 */
static size_t put_header(char *p0, int pri, int64_t sec, uint32_t usec)
{
	int64_t days = sec / 86400, rem = sec % 86400, y;
	unsigned int m, d;
	char *p = p0;

	if (rem < 0)
		rem += 86400, days--;
	civil(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 0;		/* not a time a record has: the form stays valid */
	*p++ = '<';
	p = put_uint(p, (uint64_t)pri, 1);
	*p++ = '>';
	*p++ = '1';
	*p++ = ' ';
	p = put_uint(p, (uint64_t)y, 4);
	*p++ = '-';
	p = put_uint(p, m, 2);
	*p++ = '-';
	p = put_uint(p, d, 2);
	*p++ = 'T';
	p = put_uint(p, (uint64_t)(rem / 3600), 2);
	*p++ = ':';
	p = put_uint(p, (uint64_t)(rem / 60 % 60), 2);
	*p++ = ':';
	p = put_uint(p, (uint64_t)(rem % 60), 2);
	*p++ = '.';
	p = put_uint(p, usec % 1000000, 6);
	*p++ = 'Z';
	*p++ = ' ';
	return (size_t)(p - p0);
}

void nfips_deliver_format(struct nfips_sbuf *b, const struct nfips_deliver_rec *r,
			  int facility, const char *hostname)
{
	static const char *const msgid[] = {
		[NFIPS_DELIVER_ALERT] = " nfipsd - ALERT [" NFIPS_SD_ID,
		[NFIPS_DELIVER_INCIDENT] = " nfipsd - INCIDENT [" NFIPS_SD_ID,
		[NFIPS_DELIVER_HEALTH] = " nfipsd - HEALTH [" NFIPS_SD_ID,
	};
	const char *host = r->sensor[0] ? r->sensor : hostname ? hostname : "";
	char head[64], num[24];

	nfips_sbuf_add(b, head, put_header(head, facility * 8 + nfips_deliver_severity(r),
					   r->sec, r->usec));
	put_hostname(b, host);
	nfips_sbuf_puts(b, msgid[r->kind]);
	if (host[0])
		put_param(b, "sensor", host);
	*put_uint(num, r->sequence, 1) = '\0';
	put_param(b, "sequence", num);
	if (r->grade[0])
		put_param(b, "grade", r->grade);
	if (r->sid) {
		*put_uint(num, r->sid, 1) = '\0';
		put_param(b, "sid", num);
	}
	nfips_sbuf_add(b, "] ", 2);
	nfips_sbuf_add(b, r->eve, r->len);
}
