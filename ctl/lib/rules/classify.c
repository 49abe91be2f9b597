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

/*
 * Suricata's PatternStrength() (detect-engine-mpm.c): how rare a pattern's
 * bytes are likely to be. A byte's first occurrence scores 3 for a letter,
 * 4 for another printable byte or 0x00, 0x01, 0xff (common in binary
 * protocols), 6 for any other; each repetition 1. In the C locale, as
 * Suricata's isalpha()/isprint().
 */
static uint32_t pattern_strength(const uint8_t *b, uint32_t len)
{
	bool seen[256] = { false };
	uint32_t i, s = 0;

	for (i = 0; i < len; i++) {
		uint8_t c = b[i];

		if (seen[c]) {
			s++;
			continue;
		}
		seen[c] = true;
		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			s += 3;
		else if ((c >= 0x20 && c < 0x7f) || c == 0x00 || c == 0x01 || c == 0xff)
			s += 4;
		else
			s += 6;
	}
	return s;
}

/*
 * Suricata 7's choice (RetrieveFPForSig, GetMpmForList): the fast_pattern
 * content; else the longest positive content, and among the longest the
 * strongest (pattern_strength()), the first of equal strength.
 */
static int32_t pick(const struct nfips_rule *r)
{
	int32_t best = -1;
	uint32_t i, len = 0, strength = 0;

	for (i = 0; i < r->nmatches; i++) {
		const struct nfips_content *c = &r->matches[i].u.content;

		/* App-layer buffers are not in the packet bytes the kernel sees. */
		if (r->matches[i].type != NFIPS_MATCH_CONTENT || r->matches[i].buf ||
		    r->matches[i].b64 || (c->flags & NFIPS_C_NEGATED))
			continue;
		/* A negated fast_pattern cannot prefilter: it is ignored. */
		if (c->flags & NFIPS_C_FAST_PATTERN)
			return (int32_t)i;
		if (c->len > len) {
			best = (int32_t)i;
			len = c->len;
			strength = pattern_strength(c->bytes, c->len);
		} else if (c->len == len && pattern_strength(c->bytes, c->len) > strength) {
			best = (int32_t)i;
			strength = pattern_strength(c->bytes, c->len);
		}
	}
	return best;
}

static const char *slow_reason(const struct nfips_rule *r)
{
	const struct nfips_content *fp;
	uint32_t i, ncontent = 0;

	if (r->alproto)
		return "application layer";
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
	if (r->nxbits)
		return "xbits";
	if (r->nflowints)
		return "flowint";
	/* The kernel's rule format has no header keywords yet (uapi/nfips.h). */
	if (r->npkt || r->has_ipproto)
		return "header keyword";
	if (r->flags & NFIPS_R_THRESHOLD)
		return "threshold";
	for (i = 0; i < r->nmatches; i++) {
		switch (r->matches[i].type) {
		case NFIPS_MATCH_PCRE:
			return "pcre";
		case NFIPS_MATCH_ISDATAAT:
			return "isdataat";
		case NFIPS_MATCH_BYTE_TEST:
			return "byte_test";
		case NFIPS_MATCH_BYTE_JUMP:
			return "byte_jump";
		case NFIPS_MATCH_BYTE_EXTRACT:
			return "byte_extract";
		case NFIPS_MATCH_BASE64_DECODE:
			return "base64_decode";
		case NFIPS_MATCH_CONTENT:
			ncontent++;
			break;
		}
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
	if ((r->eflags & NFIPS_E_STREAM) &&
	    (fp->flags & (NFIPS_C_DEPTH | NFIPS_C_OFFSET | NFIPS_C_STARTSWITH)))
		return "positional content on a tcp stream";
	if (fp->flags & NFIPS_C_FP_CHOP)
		return "partial fast pattern";
	if (fp->len > NFIPS_AC_MAX_LEN)
		return "content longer than the matcher's limit";
	return NULL;
}

static bool is_relative(const struct nfips_match *m)
{
	switch (m->type) {
	case NFIPS_MATCH_CONTENT:
		return m->u.content.flags & NFIPS_C_RELATIVE;
	case NFIPS_MATCH_PCRE:
		return m->u.pcre.flags & NFIPS_P_RELATIVE;
	case NFIPS_MATCH_ISDATAAT:
		return m->u.isdataat.flags & NFIPS_I_RELATIVE;
	case NFIPS_MATCH_BYTE_TEST:
		return m->u.bytetest.flags & NFIPS_B_RELATIVE;
	case NFIPS_MATCH_BYTE_JUMP:
		return m->u.bytejump.flags & NFIPS_B_RELATIVE;
	case NFIPS_MATCH_BYTE_EXTRACT:
		return m->u.byteextract.flags & NFIPS_B_RELATIVE;
	case NFIPS_MATCH_BASE64_DECODE:
		return false;	/* Suricata flags nothing before it */
	}
	return false;
}

/*
 * Which contents and pcres are worth retrying at their next occurrence
 * when the rest of the rule fails: Suricata flags the last content or
 * pcre before each relative keyword (detect-within.c, detect-distance.c,
 * detect-pcre.c, detect-isdataat.c, detect-bytetest.c, detect-bytejump.c,
 * detect-byte-extract.c).
 * A positive distance-only content does not make its anchor retried: a
 * later anchor only shrinks its window.
 */
static void chain_flags(struct nfips_rule *r)
{
	uint32_t i, j;

	for (i = 0; i < r->nmatches; i++)
		r->matches[i].mflags = 0;
	for (j = 0; j < r->nmatches; j++) {
		const struct nfips_match *m = &r->matches[j];
		struct nfips_match *prev = NULL;

		if (!is_relative(m))
			continue;
		/* Relative keywords chain within their own buffer. */
		for (i = j; i-- > 0;) {
			if (r->matches[i].buf != m->buf || r->matches[i].b64 != m->b64)
				continue;
			if (r->matches[i].type == NFIPS_MATCH_CONTENT ||
			    r->matches[i].type == NFIPS_MATCH_PCRE) {
				prev = &r->matches[i];
				break;
			}
		}
		if (!prev)
			continue;
		prev->mflags |= NFIPS_M_RELNEXT;
		if (prev->type == NFIPS_MATCH_PCRE ||
		    m->type != NFIPS_MATCH_CONTENT ||
		    (m->u.content.flags & (NFIPS_C_WITHIN | NFIPS_C_NEGATED)))
			prev->mflags |= NFIPS_M_RETRY;
	}
}

/*
 * Suricata's packet/stream split (detect-parse.c SigValidate): header
 * keywords, dsize, tcp-pkt and flow:no_stream pin a rule to packets;
 * tcp-stream and flow:only_stream to the stream; other payload rules
 * covering TCP inspect the stream, and packets too when a content has
 * depth or offset. IP-only rules (signature type IPONLY) are those without
 * payload, flow, header or flowbits tests other than flowbits:set, and
 * without negated addresses; Suricata runs them once per flow direction.
 * With a negated address such a rule is "like IP-only" (LIKE_IPONLY): run
 * on every packet, but its pass or drop acts on the whole flow.
 */
static uint32_t inspect_flags(const struct nfips_rule *r)
{
	uint32_t e = 0, i, npay = 0;
	bool ssize = false;
	bool tcp = r->proto == NFIPS_PROTO_TCP || r->proto == NFIPS_PROTO_IP ||
		   r->proto == NFIPS_PROTO_TCP_PKT || r->proto == NFIPS_PROTO_TCP_STREAM;

	for (i = 0; i < r->nmatches; i++)
		npay += !r->matches[i].buf;
	if (r->app_dir)
		e |= NFIPS_E_APP;
	if (npay)
		e |= NFIPS_E_PAYLOAD;
	for (i = 0; i < r->npkt; i++) {
		e |= NFIPS_E_PKTKW;
		/* stream_size does not ask for packets itself (see below). */
		if (r->pkt[i].kw == NFIPS_PK_STREAM_SIZE)
			ssize = true;
		else
			e |= NFIPS_E_PACKET;
	}
	if ((r->flags & NFIPS_R_DSIZE) || r->proto == NFIPS_PROTO_TCP_PKT ||
	    (r->flow & NFIPS_FLOW_NO_STREAM))
		e |= NFIPS_E_PACKET;
	if (r->proto == NFIPS_PROTO_TCP_STREAM || (r->flow & NFIPS_FLOW_ONLY_STREAM))
		e |= NFIPS_E_STREAM | NFIPS_E_STREAM_ONLY;
	if (tcp && npay && !(e & (NFIPS_E_PACKET | NFIPS_E_STREAM))) {
		e |= NFIPS_E_STREAM;
		if (ssize)	/* "if stream_size is in use, also inspect packets" */
			e |= NFIPS_E_PACKET;
		for (i = 0; i < r->nmatches; i++) {
			const struct nfips_match *m = &r->matches[i];

			if (m->type == NFIPS_MATCH_CONTENT &&
			    (m->u.content.flags & (NFIPS_C_DEPTH | NFIPS_C_OFFSET |
						   NFIPS_C_STARTSWITH)))
				e |= NFIPS_E_PACKET;
		}
	}
	if (!r->nmatches && !r->alproto && !(r->flags & (NFIPS_R_FLOW | NFIPS_R_DSIZE)) &&
	    !r->npkt && !r->has_ipproto) {
		e |= r->src.negated || r->dst.negated ? NFIPS_E_LIKE_IPONLY : NFIPS_E_IPONLY;
		for (i = 0; i < r->nflowbits; i++)
			if (r->flowbits[i].cmd != NFIPS_FB_SET)
				e &= ~(NFIPS_E_IPONLY | NFIPS_E_LIKE_IPONLY);
		/* flowint is not IP-only compatible (SignatureIsIPOnly) */
		if (r->nflowints)
			e &= ~(NFIPS_E_IPONLY | NFIPS_E_LIKE_IPONLY);
	}
	return e;
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
	chain_flags(r);
	r->eflags = inspect_flags(r);
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

bool nfips_rule_short_fp(const struct nfips_rule *r)
{
	uint32_t i, len;

	if (!nfips_rule_fp(r, &len) || len > NFIPS_SHORT_FP)
		return false;
	if (r->cls == NFIPS_CLASS_KERNEL)	/* its only content */
		return true;
	for (i = 0; i < r->nmatches; i++) {
		const struct nfips_content *c = &r->matches[i].u.content;

		if (r->matches[i].type == NFIPS_MATCH_CONTENT &&
		    !r->matches[i].buf && !(c->flags & NFIPS_C_NEGATED) &&
		    c->len > NFIPS_SHORT_FP && c->len <= NFIPS_AC_MAX_LEN)
			return false;
	}
	return true;
}
