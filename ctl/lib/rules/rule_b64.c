// SPDX-License-Identifier: GPL-2.0
/*
 * base64_decode and base64_data, keywords in Suricata 7
 * (detect-base64-decode.c, detect-base64-data.c): base64_decode is a
 * keyword of the current buffer (the sticky one, else that of the last
 * content, pcre, byte_* or isdataat, else the payload); base64_data makes
 * the keywords after it inspect what it decoded, and no buffer may follow.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule_int.h"

/* Suricata's BASE64_DECODE_MAX: the bytes decoded when none are given. */
#define B64_DECODE_MAX	65535u

/* A decimal number of at most @max; the text after it in *end. */
static int number(const char *s, uint32_t max, uint32_t *v, const char **end)
{
	unsigned long long x;
	char *e;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &e, 10);
	if (errno || x > max)
		return -1;
	*v = (uint32_t)x;
	*end = e;
	return 0;
}

/* "bytes N", "offset N", "relative", in that order, each optional. */
static int parse_decode(struct pstate *ps, struct nfips_b64decode *d, const char *val,
			size_t voff)
{
	const char *p = skip_ws(val), *e;

	if (!strncmp(p, "bytes", 5) && (p[5] == ' ' || p[5] == '\t')) {
		if (number(skip_ws(p + 5), 65535, &d->bytes, &e))
			return perr(ps, voff + (size_t)(p - val), "base64_decode: bad value for bytes");
		p = skip_ws(e);
		if (*p == ',')
			p = skip_ws(p + 1);
	}
	if (!strncmp(p, "offset", 6) && (p[6] == ' ' || p[6] == '\t')) {
		if (number(skip_ws(p + 6), UINT32_MAX, &d->offset, &e))
			return perr(ps, voff + (size_t)(p - val), "base64_decode: bad value for offset");
		p = skip_ws(e);
		if (*p == ',')
			p = skip_ws(p + 1);
	}
	if (!strncmp(p, "relative", 8)) {
		d->relative = true;
		p = skip_ws(p + 8);
	}
	if (*p)
		return perr(ps, voff + (size_t)(p - val),
			    "base64_decode: expected bytes N, offset N, relative (in that order), found '%s'",
			    p);
	return 0;
}

int opt_dispatch_b64(struct pstate *ps, const char *name, size_t noff,
		     const char *val, size_t voff)
{
	struct nfips_rule *r = ps->r;
	struct nfips_match *m;
	uint32_t buf = ps->sticky;

	if (!strcasecmp(name, "base64_data")) {
		if (val)
			return perr(ps, noff, "'base64_data' takes no value");
		if (ps->b64_decode < 0)
			return perr(ps, noff, "base64_data without a preceding base64_decode");
		ps->b64 = true;
		ps->b64_buf = r->matches[ps->b64_decode].buf;
		return 0;
	}
	if (strcasecmp(name, "base64_decode"))
		return 1;
	if (ps->b64)
		return pskip(ps, noff, "base64_decode after base64_data");
	if (ps->b64_decode >= 0)
		return pskip(ps, noff, "several base64_decode");
	/* Without a sticky buffer: the list of the last payload keyword. */
	if (!ps->sticky && !ps->other_sticky && r->nmatches)
		buf = r->matches[r->nmatches - 1].buf;
	m = match_add(ps, noff, NFIPS_MATCH_BASE64_DECODE);
	if (!m)
		return -1;
	m->buf = buf;
	if (val && parse_decode(ps, &m->u.b64decode, val, voff))
		return -1;
	if (!m->u.b64decode.bytes)
		m->u.b64decode.bytes = B64_DECODE_MAX;
	ps->b64_decode = (int32_t)(r->nmatches - 1);
	return 0;
}
