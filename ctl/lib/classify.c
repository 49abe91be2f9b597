// SPDX-License-Identifier: GPL-2.0
/*
 * Fast pattern choice and kernel/slow-path classification.
 *
 * The fast pattern is what the kernel's Aho-Corasick pass looks for: a
 * positive content every match of the rule must contain. A rule is
 * kernel-decided only when that pattern plus header checks answer the
 * whole rule: anything needing flow state, other contents, regexes,
 * counters or positions relative to another match goes to the daemon.
 * The conditions are deliberately conservative (Documentation/rules.rst).
 */
#include "ac.h"
#include "rule_int.h"

/* Longest positive content, the first one on ties; fast_pattern wins. */
static int32_t pick(const struct nfips_rule *r)
{
	int32_t best = -1;
	uint32_t i, len = 0;

	for (i = 0; i < r->nmatches; i++) {
		const struct nfips_content *c = &r->matches[i].u.content;

		if (r->matches[i].type != NFIPS_MATCH_CONTENT ||
		    (c->flags & NFIPS_C_NEGATED))
			continue;
		/* A negated fast_pattern cannot prefilter: it is ignored. */
		if (c->flags & NFIPS_C_FAST_PATTERN)
			return (int32_t)i;
		if (c->len > len) {
			best = (int32_t)i;
			len = c->len;
		}
	}
	return best;
}

static const char *slow_reason(const struct nfips_rule *r)
{
	const struct nfips_content *fp;
	uint32_t i, ncontent = 0;

	if (r->fp < 0)
		return "no fast pattern";
	/* pass suppresses later alerts of the flow: flow state. */
	if (r->action == NFIPS_ACTION_PASS)
		return "pass";
	if (r->proto == NFIPS_PROTO_TCP_STREAM)
		return "tcp-stream";
	/* Direction and establishment need conntrack-derived state. */
	if ((r->flags & NFIPS_R_FLOW) && r->flow != NFIPS_FLOW_STATELESS)
		return "flow";
	if (r->nflowbits || (r->flags & NFIPS_R_NOALERT))
		return "flowbits";
	if (r->flags & NFIPS_R_THRESHOLD)
		return "threshold";
	for (i = 0; i < r->nmatches; i++) {
		if (r->matches[i].type == NFIPS_MATCH_PCRE)
			return "pcre";
		if (r->matches[i].type == NFIPS_MATCH_ISDATAAT)
			return "isdataat";
		ncontent++;
	}
	if (ncontent > 1)
		return "several contents";
	fp = &r->matches[r->fp].u.content;
	if (fp->flags & (NFIPS_C_RELATIVE | NFIPS_C_ENDSWITH))
		return "relative or endswith";
	/*
	 * On "tcp" (and "ip", which covers TCP) Suricata inspects the
	 * reassembled stream too, where depth and offset do not count from
	 * the packet's first byte; dsize pins a rule to packet payloads (as
	 * in Suricata), making them exact again.
	 */
	if ((r->proto == NFIPS_PROTO_TCP || r->proto == NFIPS_PROTO_IP) &&
	    !(r->flags & NFIPS_R_DSIZE) &&
	    (fp->flags & (NFIPS_C_DEPTH | NFIPS_C_OFFSET | NFIPS_C_STARTSWITH)))
		return "positional content on a tcp stream";
	if (fp->flags & NFIPS_C_FP_CHOP)
		return "partial fast pattern";
	if (fp->len > NFIPS_AC_MAX_LEN)
		return "content longer than the matcher's limit";
	return NULL;
}

void nfips_rule_classify(struct nfips_rule *r)
{
	const struct nfips_content *c;

	r->fp = pick(r);
	r->fp_off = r->fp_len = 0;
	r->fp_nocase = false;
	r->why_slow = NULL;
	if (r->fp >= 0) {
		c = &r->matches[r->fp].u.content;
		r->fp_nocase = c->flags & NFIPS_C_NOCASE;
		if (c->flags & NFIPS_C_FP_CHOP) {
			r->fp_off = c->fp_off;
			r->fp_len = c->fp_len;
		} else {
			r->fp_len = c->len;
		}
		/* A prefix still prefilters exactly; the rest is checked later. */
		if (r->fp_len > NFIPS_AC_MAX_LEN)
			r->fp_len = NFIPS_AC_MAX_LEN;
	}
	if (r->skip) {
		r->cls = NFIPS_CLASS_SKIPPED;
		return;
	}
	r->why_slow = slow_reason(r);
	r->cls = r->why_slow ? NFIPS_CLASS_SLOW : NFIPS_CLASS_KERNEL;
}

const uint8_t *nfips_rule_fp(const struct nfips_rule *r, uint32_t *len)
{
	if (r->fp < 0) {
		*len = 0;
		return NULL;
	}
	*len = r->fp_len;
	return r->matches[r->fp].u.content.bytes + r->fp_off;
}
