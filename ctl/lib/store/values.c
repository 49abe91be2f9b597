// SPDX-License-Identifier: GPL-2.0
/*
 * The store's value conventions: grades as ordered integers (NULL in the
 * database for an alert not graded), addresses as 16 bytes with IPv4
 * mapped (::ffff:a.b.c.d) so that one index orders both families and a
 * CIDR is a byte range.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "store.h"

static const char *const grades[] = { "ignore", "low", "medium", "high", "emergency" };

int nfips_store_grade_parse(const char *s)
{
	int i;

	if (!s)
		return NFIPS_SGRADE_UNSET;
	for (i = 0; i < 5; i++)
		if (!strcmp(s, grades[i]))
			return i;
	if (!strcmp(s, "unset"))
		return NFIPS_SGRADE_UNSET;
	return -2;
}

const char *nfips_store_grade_name(int g)
{
	return g >= 0 && g < 5 ? grades[g] : NULL;
}

const char *nfips_incident_state_name(int st)
{
	switch (st) {
	case NFIPS_INCIDENT_OPEN: return "open";
	case NFIPS_INCIDENT_ACKED: return "acked";
	case NFIPS_INCIDENT_CLOSED: return "closed";
	}
	return "?";
}

static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

void nfips_store_addr(uint8_t out[16], uint8_t family, const uint8_t *addr)
{
	if (family == 4) {
		memcpy(out, mapped, 12);
		memcpy(out + 12, addr, 4);
	} else {
		memcpy(out, addr, 16);
	}
}

void nfips_store_addr_str(char *out, size_t len, const uint8_t a[16])
{
	const char *r;

	if (!memcmp(a, mapped, 12))
		r = inet_ntop(AF_INET, a + 12, out, (socklen_t)len);
	else
		r = inet_ntop(AF_INET6, a, out, (socklen_t)len);
	if (!r)
		snprintf(out, len, "?");
}

int nfips_store_cidr(const char *s, uint8_t lo[16], uint8_t hi[16])
{
	char buf[64], *slash, *end;
	uint8_t a[16];
	long bits;
	int i, plen;

	if (!s || strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, a + 12) == 1) {
		memcpy(a, mapped, 12);
		plen = 32;
	} else if (inet_pton(AF_INET6, buf, a) == 1) {
		plen = 128;
	} else {
		return -1;
	}
	bits = plen;
	if (slash) {
		bits = strtol(slash, &end, 10);
		if (!*slash || *end || bits < 0 || bits > plen)
			return -1;
	}
	bits += 128 - plen;
	for (i = 0; i < 16; i++) {
		int keep = bits >= 8 * (i + 1) ? 8 : bits > 8 * i ? (int)(bits - 8 * i) : 0;
		uint8_t mask = keep ? (uint8_t)(0xff << (8 - keep)) : 0;

		lo[i] = a[i] & mask;
		hi[i] = (uint8_t)(a[i] | (uint8_t)~mask);
	}
	return 0;
}
