// SPDX-License-Identifier: GPL-2.0
/*
 * EVE JSON alert records; see eve.h for the escaping rules and
 * Documentation/replay.rst for the record.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "decode.h"
#include "eve.h"

/* ---- growable buffer ------------------------------------------------ */

static bool buf_reserve(struct nfips_buf *b, size_t n)
{
	size_t cap;
	char *s;

	if (b->oom)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + n + 1) {
		if (cap > SIZE_MAX / 2)
			goto oom;
		cap *= 2;
	}
	s = realloc(b->s, cap);
	if (!s)
		goto oom;
	b->s = s;
	b->cap = cap;
	return true;
oom:
	b->oom = true;
	return false;
}

void nfips_buf_reset(struct nfips_buf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->s)
		b->s[0] = '\0';
}

void nfips_buf_free(struct nfips_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

void nfips_buf_add(struct nfips_buf *b, const void *p, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void nfips_buf_puts(struct nfips_buf *b, const char *s)
{
	nfips_buf_add(b, s, strlen(s));
}

void nfips_buf_printf(struct nfips_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!buf_reserve(b, 64))
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (!buf_reserve(b, (size_t)n))
			return;
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/* ---- JSON strings --------------------------------------------------- */

/*
 * Length of the valid UTF-8 sequence at @s (at most @n bytes), 0 if the
 * bytes there are not one: overlong forms, surrogates and code points
 * above U+10FFFF are invalid (RFC 3629).
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	unsigned char lo = 0x80, hi = 0xbf;	/* bounds of the second byte */

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void nfips_json_str(struct nfips_buf *b, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run, u;
	char esc[6] = { '\\', 'u', '0', '0', 0, 0 };

	nfips_buf_add(b, "\"", 1);
	while (i < n) {
		/* Copy the longest run that needs no escaping at once. */
		run = i;
		while (run < n && s[run] >= 0x20 && s[run] < 0x7f &&
		       s[run] != '"' && s[run] != '\\')
			run++;
		if (run > i) {
			nfips_buf_add(b, s + i, run - i);
			i = run;
			continue;
		}
		switch (s[i]) {
		case '"':
			nfips_buf_add(b, "\\\"", 2);
			i++;
			continue;
		case '\\':
			nfips_buf_add(b, "\\\\", 2);
			i++;
			continue;
		case '\n':
			nfips_buf_add(b, "\\n", 2);
			i++;
			continue;
		case '\r':
			nfips_buf_add(b, "\\r", 2);
			i++;
			continue;
		case '\t':
			nfips_buf_add(b, "\\t", 2);
			i++;
			continue;
		case '\b':
			nfips_buf_add(b, "\\b", 2);
			i++;
			continue;
		case '\f':
			nfips_buf_add(b, "\\f", 2);
			i++;
			continue;
		}
		u = s[i] >= 0x80 ? utf8_len(s + i, n - i) : 0;
		if (u) {
			nfips_buf_add(b, s + i, u);
			i += u;
			continue;
		}
		/* A control character, DEL, or a byte of invalid UTF-8. */
		esc[4] = hex[s[i] >> 4];
		esc[5] = hex[s[i] & 15];
		nfips_buf_add(b, esc, sizeof(esc));
		i++;
	}
	nfips_buf_add(b, "\"", 1);
}

static void json_key(struct nfips_buf *b, bool *first, const char *key)
{
	if (!*first)
		nfips_buf_add(b, ",", 1);
	*first = false;
	nfips_buf_printf(b, "\"%s\":", key);	/* keys are literals here */
}

static void json_kstr(struct nfips_buf *b, bool *first, const char *key,
		      const char *val)
{
	json_key(b, first, key);
	nfips_json_str(b, val, strlen(val));
}

static void json_kuint(struct nfips_buf *b, bool *first, const char *key,
		       uint64_t val)
{
	json_key(b, first, key);
	nfips_buf_printf(b, "%llu", (unsigned long long)val);
}

/* ---- alert records -------------------------------------------------- */

void nfips_eve_time(char *out, size_t len, int64_t sec, uint32_t usec)
{
	time_t t = (time_t)sec;
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		snprintf(out, len, "1970-01-01T00:00:00.000000+0000");
		return;
	}
	snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06u+0000",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, usec % 1000000);
}

static void addr_str(char *out, size_t len, uint8_t family, const uint8_t *a)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, out, (socklen_t)len))
		snprintf(out, len, "?");
}

static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP;
}

void nfips_eve_alert(struct nfips_buf *b, const struct nfips_eve_alert *a)
{
	char ts[48], src[48], dst[48], num[8];
	const char *pname = nfips_proto_name(a->proto);
	bool first = true, sub;
	uint8_t i;

	nfips_eve_time(ts, sizeof(ts), a->sec, a->usec);
	addr_str(src, sizeof(src), a->family, a->src);
	addr_str(dst, sizeof(dst), a->family, a->dst);
	if (!pname) {
		snprintf(num, sizeof(num), "%u", a->proto);
		pname = num;
	}

	nfips_buf_add(b, "{", 1);
	json_kstr(b, &first, "timestamp", ts);
	if (a->flow_id)
		json_kuint(b, &first, "flow_id", a->flow_id);
	if (a->in_iface)
		json_kstr(b, &first, "in_iface", a->in_iface);
	if (a->pcap_cnt)
		json_kuint(b, &first, "pcap_cnt", a->pcap_cnt);
	json_kstr(b, &first, "event_type", "alert");
	if (a->nvlan) {
		json_key(b, &first, "vlan");
		nfips_buf_add(b, "[", 1);
		for (i = 0; i < a->nvlan && i < 3; i++)
			nfips_buf_printf(b, "%s%u", i ? "," : "", a->vlan[i]);
		nfips_buf_add(b, "]", 1);
	}
	json_kstr(b, &first, "src_ip", src);
	if (has_ports(a->proto))
		json_kuint(b, &first, "src_port", a->sport);
	json_kstr(b, &first, "dest_ip", dst);
	if (has_ports(a->proto))
		json_kuint(b, &first, "dest_port", a->dport);
	json_kstr(b, &first, "proto", pname);
	if (a->proto == IPPROTO_ICMP || a->proto == IPPROTO_ICMPV6) {
		json_kuint(b, &first, "icmp_type", a->icmp_type);
		json_kuint(b, &first, "icmp_code", a->icmp_code);
	}
	if (a->pkt_src)
		json_kstr(b, &first, "pkt_src", a->pkt_src);

	json_key(b, &first, "alert");
	sub = true;
	nfips_buf_add(b, "{", 1);
	json_kstr(b, &sub, "action", a->blocked ? "blocked" : "allowed");
	json_kuint(b, &sub, "gid", a->gid);
	json_kuint(b, &sub, "signature_id", a->sid);
	json_kuint(b, &sub, "rev", a->rev);
	json_kstr(b, &sub, "signature", a->signature ? a->signature : "");
	json_kstr(b, &sub, "category", a->category ? a->category : "");
	json_kuint(b, &sub, "severity", a->severity);
	nfips_buf_add(b, "}", 1);

	if (a->has_flow) {
		const char *fsrc = a->to_server ? src : dst;
		const char *fdst = a->to_server ? dst : src;

		json_kstr(b, &first, "direction",
			  a->to_server ? "to_server" : "to_client");
		json_key(b, &first, "flow");
		sub = true;
		nfips_buf_add(b, "{", 1);
		json_kuint(b, &sub, "pkts_toserver", a->flow.pkts_toserver);
		json_kuint(b, &sub, "pkts_toclient", a->flow.pkts_toclient);
		json_kuint(b, &sub, "bytes_toserver", a->flow.bytes_toserver);
		json_kuint(b, &sub, "bytes_toclient", a->flow.bytes_toclient);
		nfips_eve_time(ts, sizeof(ts), a->flow.start_sec,
			       a->flow.start_usec);
		json_kstr(b, &sub, "start", ts);
		json_kstr(b, &sub, "src_ip", fsrc);
		json_kstr(b, &sub, "dest_ip", fdst);
		if (has_ports(a->proto)) {
			json_kuint(b, &sub, "src_port",
				   a->to_server ? a->sport : a->dport);
			json_kuint(b, &sub, "dest_port",
				   a->to_server ? a->dport : a->sport);
		}
		nfips_buf_add(b, "}", 1);
	}

	json_key(b, &first, "nfips");
	sub = true;
	nfips_buf_add(b, "{", 1);
	if (a->grade)
		json_kstr(b, &sub, "grade", a->grade);
	json_kstr(b, &sub, "path", a->path ? a->path : "daemon");
	json_kuint(b, &sub, "sequence", a->sequence);
	json_kuint(b, &sub, "policy_serial", a->policy_serial);
	if (a->sensor)
		json_kstr(b, &sub, "sensor", a->sensor);
	nfips_buf_add(b, "}", 1);

	nfips_buf_add(b, "}\n", 2);
}
