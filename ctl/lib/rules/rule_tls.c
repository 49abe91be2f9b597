// SPDX-License-Identifier: GPL-2.0
/*
 * The TLS keywords besides its sticky buffers (rule_buf.c):
 *
 *   tls.version   1.0, 1.1, 1.2, 1.3 (what starts so: Suricata compares
 *                 the first 3 characters), or 0x and 4 hex digits (the
 *                 whole value 6 characters long), unquoted: the
 *                 version the direction of the packet holds (Suricata's
 *                 DetectTlsVersionMatch on its connp: record headers
 *                 until the hello, the hello's, supported_versions'),
 *                 a TLS 1.3 draft (0x7fxx) counting as 1.3 but for a hex
 *                 value. Inspected on every packet, never final.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule_int.h"

/* Suricata's PARSE_REGEX: ^\s*([A-z0-9\.]+)\s*$ (quotes are refused before) */
static bool version_chars(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((p[i] >= 'A' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '.'))
			return false;
	return n > 0;
}

static int opt_tls_version(struct pstate *ps, const char *val, size_t voff)
{
	static const struct {
		const char *name;
		uint16_t v;
	} names[] = { { "1.0", 0x0301 }, { "1.1", 0x0302 }, { "1.2", 0x0303 }, { "1.3", 0x0304 } };
	struct nfips_txcheck *c;
	const char *p = val;
	size_t n, i;
	bool raw = false;
	long v = -1;

	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	/* Suricata 7.0.10's parser refuses a quoted value for this keyword */
	if (strchr(val, '"'))
		return perr(ps, voff, "tls.version: quotes on a keyword that does not take them");
	if (!version_chars(p, n))
		return perr(ps, voff, "tls.version: expected 1.0, 1.1, 1.2, 1.3 or 0xNNNN, found '%s'",
			    val);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (n >= 3 && !strncmp(p, names[i].name, 3))
			v = names[i].v;
	if (v < 0 && n >= 2 && !strncmp(p, "0x", 2) && strlen(val) == 6) {
		v = strtol(p, NULL, 0) & 0xffff;
		raw = true;
	}
	if (v < 0)
		return perr(ps, voff, "tls.version: expected 1.0, 1.1, 1.2, 1.3 or 0xNNNN, found '%s'",
			    val);
	c = grow(ps->r->txchk, ps->r->ntxchk, sizeof(*c));
	if (!c)
		return perr(ps, voff, "out of memory");
	ps->r->txchk = c;
	c += ps->r->ntxchk++;
	c->id = raw ? NFIPS_TXINT_TLS_VERSION_RAW : NFIPS_TXINT_TLS_VERSION;
	c->negate = false;
	c->val = (uint64_t)v;
	if (ps->r->alproto && ps->r->alproto != NFIPS_ALPROTO_TLS)
		return perr(ps, voff, "tls.version on a rule of another application-layer protocol (%s)",
			    ps->r->proto_name);
	ps->r->alproto = NFIPS_ALPROTO_TLS;
	return 0;
}

int opt_dispatch_tls(struct pstate *ps, const char *name, size_t noff,
		     const char *val, size_t voff)
{
	if (!strcasecmp(name, "tls.version")) {
		if (!val)
			return perr(ps, noff, "'tls.version' needs a value");
		return opt_tls_version(ps, val, voff);
	}
	return 1;
}
