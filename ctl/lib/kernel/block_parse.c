// SPDX-License-Identifier: GPL-2.0
/*
 * Blocks as people write them: "192.0.2.7", "10.0.0.0/8",
 * "2001:db8::/32", and how long: "90s", "2h", "1h30m", "7d".
 * No libnl here: the unit tests build this file alone.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nl.h"

/* Whether @a (@len bytes) has a bit set past its first @plen. */
static int host_bits(const uint8_t *a, unsigned int len, unsigned int plen)
{
	unsigned int i;

	for (i = plen / 8; i < len; i++) {
		uint8_t keep = i == plen / 8 ? (uint8_t)(0xff00 >> (plen % 8)) : 0;

		if (a[i] & (uint8_t)~keep)
			return 1;
	}
	return 0;
}

int nfips_block_parse(const char *s, struct nfips_nl_block *b, char *err,
		      size_t errlen)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned int max;
	unsigned long plen;

	memset(b, 0, sizeof(*b));
	if (!s || !*s || strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "'%s': not an address or CIDR prefix", s ? s : "");
		return -1;
	}
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, b->addr) == 1) {
		b->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, b->addr) == 1) {
		b->family = AF_INET6;
		max = 128;
	} else {
		snprintf(err, errlen, "'%s': not an IPv4 or IPv6 address", buf);
		return -1;
	}
	plen = max;
	if (slash) {
		errno = 0;
		plen = strtoul(slash, &end, 10);
		if (!isdigit((unsigned char)*slash) || *end || errno || plen > max) {
			snprintf(err, errlen, "'%s': prefix length '%s' is not 1 to %u",
				 s, slash, max);
			return -1;
		}
		if (!plen) {
			snprintf(err, errlen,
				 "'%s': a /0 block would drop all %s traffic; refused",
				 s, max == 32 ? "IPv4" : "IPv6");
			return -1;
		}
	}
	b->plen = (uint8_t)plen;
	if (host_bits(b->addr, max / 8, b->plen)) {
		struct nfips_nl_block m = *b;
		char net[NFIPS_BLOCK_STR];
		unsigned int i;

		for (i = 0; i < max / 8; i++) {
			unsigned int bits = b->plen > i * 8 ? b->plen - i * 8 : 0;

			m.addr[i] &= bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);
		}
		nfips_block_str(&m, net, sizeof(net));
		snprintf(err, errlen,
			 "'%s': bits set past the prefix length (the network is %s)",
			 s, net);
		return -1;
	}
	/*
	 * ::ffff:a.b.c.d (what ss shows for IPv4 peers of a dual-stack
	 * socket) crosses the gateway as IPv4: it is blocked as such.
	 */
	if (b->family == AF_INET6 && b->plen >= 96 &&
	    !memcmp(b->addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) {
		memmove(b->addr, b->addr + 12, 4);
		memset(b->addr + 4, 0, 12);
		b->family = AF_INET;
		b->plen -= 96;
		if (!b->plen) {
			snprintf(err, errlen,
				 "'%s': a /0 block would drop all IPv4 traffic; refused", s);
			return -1;
		}
	}
	return 0;
}

void nfips_block_str(const struct nfips_nl_block *b, char *out, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	unsigned int max = b->family == AF_INET ? 32 : 128;

	if (!inet_ntop(b->family, b->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (b->plen == max)
		snprintf(out, len, "%s", a);
	else
		snprintf(out, len, "%s/%u", a, b->plen);
}

static const struct {
	char unit;
	uint32_t secs;
} units[] = {
	{ 'w', 7 * 86400 }, { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 },
};

int nfips_duration_parse(const char *s, uint32_t *secs, char *err,
			 size_t errlen)
{
	const char *p = s;
	uint64_t total = 0;
	size_t last = 0, i;

	if (!s || !*s)
		goto bad;
	while (*p) {
		unsigned long long v;
		char *end;

		if (!isdigit((unsigned char)*p))
			goto bad;
		errno = 0;
		v = strtoull(p, &end, 10);
		if (errno || v > NFIPS_BLOCK_FOR_MAX)
			goto range;
		p = end;
		if (!*p) {
			/* A bare number is seconds, alone: "1h30" is ambiguous. */
			if (last)
				goto bad;
			total += v;
			break;
		}
		for (i = last; i < sizeof(units) / sizeof(units[0]); i++)
			if (units[i].unit == *p)
				break;
		/* Units largest first, each once: "1h30m", not "30m1h". */
		if (i == sizeof(units) / sizeof(units[0]))
			goto bad;
		total += v * units[i].secs;
		if (total > NFIPS_BLOCK_FOR_MAX)
			goto range;
		last = i + 1;
		p++;
	}
	if (!total || total > NFIPS_BLOCK_FOR_MAX)
		goto range;
	*secs = (uint32_t)total;
	return 0;
bad:
	snprintf(err, errlen,
		 "'%s': not a duration (such as 90s, 15m, 2h, 1h30m, 7d, 2w)",
		 s ? s : "");
	return -1;
range:
	snprintf(err, errlen, "'%s': a duration is 1 s to 10 years", s);
	return -1;
}

void nfips_duration_str(uint64_t secs, char *out, size_t len)
{
	size_t i, n = 0;
	int w;

	out[0] = '\0';
	for (i = 1; i < sizeof(units) / sizeof(units[0]) && n < 2; i++) {
		uint64_t v = secs / units[i].secs;

		if (!v && !n)
			continue;
		if (!v)
			break;
		w = snprintf(out + strlen(out), len - strlen(out), "%llu%c",
			     (unsigned long long)v, units[i].unit);
		if (w < 0)
			return;
		secs -= v * units[i].secs;
		n++;
	}
	if (!n)
		snprintf(out, len, "0s");
}
