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
#include <time.h>

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
	size_t i, n = strlen(s);

	if (!n) {
		nfips_sbuf_add(b, "-", 1);
		return;
	}
	for (i = 0; i < n && i < 255; i++) {
		char c = s[i];

		if (c < 33 || c > 126)
			c = '_';
		nfips_sbuf_add(b, &c, 1);
	}
}

/* PARAM-VALUE: '"', '\' and ']' escaped with '\' (section 6.3.3). */
static void put_param(struct nfips_sbuf *b, const char *name, const char *v)
{
	nfips_sbuf_printf(b, " %s=\"", name);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\' || *v == ']')
			nfips_sbuf_add(b, "\\", 1);
		nfips_sbuf_add(b, v, 1);
	}
	nfips_sbuf_add(b, "\"", 1);
}

void nfips_deliver_format(struct nfips_sbuf *b, const struct nfips_deliver_rec *r,
			  int facility, const char *hostname)
{
	static const char *const msgid[] = {
		[NFIPS_DELIVER_ALERT] = "ALERT",
		[NFIPS_DELIVER_INCIDENT] = "INCIDENT",
		[NFIPS_DELIVER_HEALTH] = "HEALTH",
	};
	const char *host = r->sensor[0] ? r->sensor : hostname ? hostname : "";
	char ts[40], num[24];
	time_t t = (time_t)r->sec;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	nfips_sbuf_printf(b, "<%d>1 %s.%06uZ ", facility * 8 + nfips_deliver_severity(r),
			  ts, r->usec);
	put_hostname(b, host);
	nfips_sbuf_printf(b, " nfipsd - %s [" NFIPS_SD_ID, msgid[r->kind]);
	if (host[0])
		put_param(b, "sensor", host);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)r->sequence);
	put_param(b, "sequence", num);
	if (r->grade[0])
		put_param(b, "grade", r->grade);
	if (r->sid) {
		snprintf(num, sizeof(num), "%u", r->sid);
		put_param(b, "sid", num);
	}
	nfips_sbuf_add(b, "] ", 2);
	nfips_sbuf_add(b, r->eve, r->len);
}
