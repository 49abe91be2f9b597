// SPDX-License-Identifier: GPL-2.0
/*
 * The DNS keywords besides its sticky buffer (rule_buf.c names dns.query
 * and dns_query; its transforms, dotprefix among them, are rule_xform.c's):
 *
 *   dns.opcode    [!]N, N 0-255 (detect.rs parse_opcode): the header's
 *                 opcode of the request (to the server) or the response
 *                 (to the client).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule_int.h"

/* detect.rs parse_opcode: blanks and '!' in any order, then a u8. */
static int opt_dns_opcode(struct pstate *ps, const char *val, size_t voff)
{
	struct nfips_txcheck *c;
	const char *p = val;
	bool neg = false;
	uint32_t v;

	for (; *p == ' ' || *p == '\t' || *p == '!'; p++)
		if (*p == '!')
			neg = true;
	if (!*p || *p == '+' || parse_u32(p, 255, &v))
		return perr(ps, voff, "dns.opcode: expected [!]0-255, found '%s'", val);
	c = grow(ps->r->txchk, ps->r->ntxchk, sizeof(*c));
	if (!c)
		return perr(ps, voff, "out of memory");
	ps->r->txchk = c;
	c += ps->r->ntxchk++;
	c->id = NFIPS_TXINT_DNS_OPCODE;
	c->negate = neg;
	c->val = v;
	ps->r->alproto = NFIPS_ALPROTO_DNS;
	return 0;
}

int opt_dispatch_dns(struct pstate *ps, const char *name, size_t noff,
		     const char *val, size_t voff)
{
	if (!strcasecmp(name, "dns.opcode")) {
		if (!val)
			return perr(ps, noff, "'dns.opcode' needs a value");
		return opt_dns_opcode(ps, val, voff);
	}
	return 1;
}

int rule_dns_finish(struct pstate *ps, uint32_t dirs, uint32_t napp, uint32_t npay,
		    size_t off)
{
	struct nfips_rule *r = ps->r;
	const uint32_t flowdir = r->flow & (NFIPS_FLOW_TO_SERVER | NFIPS_FLOW_TO_CLIENT);

	if (r->proto != NFIPS_PROTO_UDP && r->proto != NFIPS_PROTO_TCP &&
	    r->proto != NFIPS_PROTO_IP)
		return pskip(ps, 0, "dns keywords on protocol %s", r->proto_name);
	if (!dirs)
		return perr(ps, off, "rule mixes keywords with conflicting directions");
	if (flowdir && !(dirs & flowdir))
		return perr(ps, off, "flow direction conflicts with the direction of its dns keywords");
	if (flowdir)
		dirs &= flowdir;
	/*
	 * Payload keywords alone: the packets (UDP) and the stream (TCP) of
	 * flows detected as DNS, as "alert http" with a payload content.
	 */
	if (!napp)
		return npay ? 0 : pskip(ps, 0, "protocol dns without dns keywords");
	/*
	 * Both directions are exact here: a DNS transaction is a request or a
	 * response, inspected in its own direction only.
	 */
	r->app_dir = dirs;
	return 0;
}
