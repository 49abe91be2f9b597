// SPDX-License-Identifier: GPL-2.0
/* What every format shows the same way: numbers, times, addresses, names. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "net/decode.h"
#include "report_int.h"
#include "store/store.h"

void nfips_report_change(char *buf, size_t len, uint64_t now, uint64_t before)
{
	int64_t d = (int64_t)now - (int64_t)before;

	if (!before) {
		snprintf(buf, len, d ? "+%" PRId64 : "0", d);
		return;
	}
	snprintf(buf, len, d > 0 ? "+%" PRId64 " (%+.0f%%)" : "%" PRId64 " (%+.0f%%)", d,
		 100.0 * (double)d / (double)before);
}

void nfips_report_time(char *buf, size_t len, int64_t usec, const char *fmt)
{
	time_t t = (time_t)(usec >= 0 ? usec / 1000000 : (usec - 999999) / 1000000);
	struct tm tm;

	localtime_r(&t, &tm);
	if (!strftime(buf, len, fmt, &tm) && len)
		buf[0] = '\0';
}

const char *nfips_report_proto(uint8_t proto)
{
	static char num[8];
	const char *p = nfips_proto_name(proto);

	if (p)
		return p;
	snprintf(num, sizeof(num), "%u", proto);
	return num;
}

void nfips_report_addr(char *buf, size_t len, const uint8_t a[16], uint16_t port,
		       uint8_t proto)
{
	char addr[64];

	nfips_store_addr_str(addr, sizeof(addr), a);
	if (proto == 6 || proto == 17 || proto == 132)
		snprintf(buf, len, strchr(addr, ':') ? "[%s]:%u" : "%s:%u", addr, port);
	else
		snprintf(buf, len, "%s", addr);
}

void nfips_report_top_label(char *buf, size_t len, const struct nfips_report_top *t,
			    int kind)
{
	switch (kind) {
	case 0:
		snprintf(buf, len, "%" PRIu32 ":%" PRIu32 " %s", t->gid, t->sid,
			 t->msg ? t->msg : "");
		break;
	case 1:
	case 2:
		nfips_report_addr(buf, len, t->addr, 0, 0);
		break;
	default:
		snprintf(buf, len, "%u/%s", t->port, nfips_report_proto(t->proto));
		break;
	}
}

void nfips_report_rdns(char *buf, size_t len, const struct nfips_report *r,
		       const struct nfips_report_top *t)
{
	char day[32];

	buf[0] = '\0';
	if (!t->rdns)
		return;
	nfips_report_time(day, sizeof(day), t->rdns_ts, "%Y-%m-%d");
	if (t->rdns_status == NFIPS_NAME_OK)
		snprintf(buf, len, "%s (%s)", t->rdns, day);
	else
		snprintf(buf, len, "%s (%s, %s)", t->rdns, nfips_report_word(r->o.lang,
			 W_UNCONFIRMED), day);
}

void nfips_report_wrap(struct nfips_sbuf *b, const char *s, size_t width)
{
	while (*s) {
		size_t take = 0, w = 0, space = 0, i = 0;

		while (s[i]) {
			size_t n = 1;
			char one[5] = { 0 };

			while (((unsigned char)s[i + n] & 0xc0) == 0x80 && n < 4)
				n++;
			memcpy(one, s + i, n);
			if (w + nfips_report_width(one) > width)
				break;
			w += nfips_report_width(one);
			i += n;
			if (s[i - 1] == ' ')
				space = i;
		}
		take = s[i] && space ? space : i;
		if (!take)	/* one character wider than the line */
			take = 1;
		nfips_sbuf_add(b, s, take);
		nfips_sbuf_puts(b, "\n");
		s += take;
		while (*s == ' ')
			s++;
	}
}

void nfips_report_render(const struct nfips_report *r, enum nfips_report_format fmt,
			 struct nfips_sbuf *b)
{
	switch (fmt) {
	case NFIPS_REPORT_JSON:
		nfips_report_json(r, b);
		break;
	case NFIPS_REPORT_HTML:
	case NFIPS_REPORT_PDF:
		nfips_report_html(r, b);
		break;
	default:
		nfips_report_text(r, b);
		break;
	}
}

void nfips_report_file_name(char *buf, size_t len, const struct nfips_report *r,
			    enum nfips_report_format fmt)
{
	static const char *const ext[] = { "txt", "json", "html", "pdf" };

	snprintf(buf, len, "nfips-%s-%s.%s", r->o.kind == NFIPS_REPORT_DAILY ? "daily" :
		 "monthly", r->period, ext[fmt]);
}
