// SPDX-License-Identifier: GPL-2.0
/*
 * Payload options: content and its modifiers, pcre (compiled with PCRE2 so
 * a bad pattern is a parse error, not a runtime surprise) and isdataat.
 * The checks mirror Suricata's so that a rule Suricata refuses is refused
 * here too, with the position of the offending option.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule_int.h"

struct nfips_match *match_add(struct pstate *ps, size_t off,
			      enum nfips_match_type type)
{
	struct nfips_rule *r = ps->r;
	struct nfips_match *m = grow(r->matches, r->nmatches, sizeof(*m));

	if (!m) {
		perr(ps, off, "out of memory");
		return NULL;
	}
	r->matches = m;
	m += r->nmatches++;
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->opt = ps->cur_opt;
	m->buf = ps->sticky;
	if (ps->sticky)
		m->xf = ps->cur_xf;
	if (ps->b64) {
		/* base64_data's list: the decoded bytes of that buffer. */
		m->buf = ps->b64_buf;
		m->xf = 0;
		m->b64 = true;
	}
	return m;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * [!]"text": |41 42| hex (blanks between bytes ignored) and the escapes
 * \" \; \: \\ (nothing else may follow a backslash, as in Suricata).
 */
int opt_content(struct pstate *ps, const char *val, size_t voff)
{
	const char *p = val;
	struct nfips_match *m;
	struct nfips_content *c;
	bool neg = false, hex = false;
	size_t i, hexstart = 0;
	int hi = -1, d;

	if (*p == '!') {
		neg = true;
		p = skip_ws(p + 1);
	}
	if (*p != '"')
		return perr(ps, voff + (size_t)(p - val), "content must be a quoted string");
	i = (size_t)(p - val) + 1;
	m = match_add(ps, voff, NFIPS_MATCH_CONTENT);
	if (!m)
		return -1;
	c = &m->u.content;
	c->flags = neg ? NFIPS_C_NEGATED : 0;
	c->bytes = malloc(strlen(val) + 1);
	if (!c->bytes)
		return perr(ps, voff, "out of memory");
	for (;; i++) {
		char ch = val[i];

		if (!ch)
			return perr(ps, voff + (size_t)(p - val),
				    hex ? "content: unterminated |hex| section" :
					  "content: missing closing '\"'");
		if (hex) {
			if (ch == '|') {
				if (hi >= 0)
					return perr(ps, voff + i, "content: odd number of hex digits");
				hex = false;
			} else if (ch == '"') {
				return perr(ps, voff + hexstart,
					    "content: unterminated |hex| section");
			} else if (!isspace((unsigned char)ch)) {
				d = hexval(ch);
				if (d < 0)
					return perr(ps, voff + i,
						    "content: invalid hex digit '%c'", ch);
				if (hi < 0) {
					hi = d;
				} else {
					c->bytes[c->len++] = (uint8_t)(hi << 4 | d);
					hi = -1;
				}
			}
			continue;
		}
		if (ch == '"')
			break;
		if (ch == '|') {
			hex = true;
			hexstart = i;
			continue;
		}
		if (ch == '\\') {
			if (!val[i + 1] || !strchr("\";:\\", val[i + 1]))
				return perr(ps, voff + i, "content: invalid escape '\\%c'",
					    val[i + 1] ? val[i + 1] : ' ');
			ch = val[++i];
		}
		c->bytes[c->len++] = (uint8_t)ch;
	}
	if (val[i + 1])
		return perr(ps, voff + i + 1, "content: unexpected text after the string");
	if (!c->len)
		return perr(ps, voff, "content is empty");
	ps->last_content = (int32_t)(ps->r->nmatches - 1);
	ps->last_payload = ps->last_content;
	return 0;
}

static const char *mod_name(uint32_t flag)
{
	switch (flag) {
	case NFIPS_C_NOCASE: return "nocase";
	case NFIPS_C_DEPTH: return "depth";
	case NFIPS_C_OFFSET: return "offset";
	case NFIPS_C_DISTANCE: return "distance";
	case NFIPS_C_WITHIN: return "within";
	case NFIPS_C_STARTSWITH: return "startswith";
	case NFIPS_C_ENDSWITH: return "endswith";
	case NFIPS_C_RAWBYTES: return "rawbytes";
	default: return "fast_pattern";
	}
}

/*
 * Number for depth/offset/distance/within (1), or a byte_extract variable
 * (2, its index in *out).
 */
static int mod_number(struct pstate *ps, const char *name, const char *val,
		      size_t voff, bool sign, int32_t *out)
{
	uint32_t u;
	int k;

	if (sign ? !parse_i32(val, out) : !parse_u32(val, INT32_MAX, &u)) {
		if (!sign)
			*out = (int32_t)u;
		return 1;
	}
	k = byte_var(ps, val, voff, name, &u);
	if (k < 0)
		return -1;
	if (k) {
		*out = (int32_t)u;
		return 2;
	}
	return perr(ps, voff, "%s: invalid number '%s'", name, val);
}

static uint32_t var_flag(uint32_t f)
{
	switch (f) {
	case NFIPS_C_DEPTH: return NFIPS_C_DEPTH_VAR;
	case NFIPS_C_OFFSET: return NFIPS_C_OFFSET_VAR;
	case NFIPS_C_DISTANCE: return NFIPS_C_DISTANCE_VAR;
	case NFIPS_C_WITHIN: return NFIPS_C_WITHIN_VAR;
	}
	return 0;
}

/* Modifiers that cannot be combined on one content (Suricata's rules). */
static uint32_t conflicts(uint32_t f)
{
	const uint32_t abs = NFIPS_C_DEPTH | NFIPS_C_OFFSET;

	switch (f) {
	case NFIPS_C_DEPTH:
	case NFIPS_C_OFFSET:
		return NFIPS_C_RELATIVE | NFIPS_C_STARTSWITH | NFIPS_C_FP_ONLY;
	case NFIPS_C_DISTANCE:
	case NFIPS_C_WITHIN:
		return abs | NFIPS_C_STARTSWITH | NFIPS_C_FP_ONLY;
	case NFIPS_C_STARTSWITH:
		return abs | NFIPS_C_RELATIVE;
	default:
		return 0;
	}
}

static int fast_pattern(struct pstate *ps, struct nfips_content *c,
			const char *val, size_t voff)
{
	uint32_t off, len;
	const char *comma;

	if (ps->has_fp)
		return perr(ps, voff, "fast_pattern: only one content may have it");
	if (ps->b64)
		return perr(ps, voff, "fast_pattern cannot be used on base64_data");
	ps->has_fp = true;
	if (!val)
		return 0;
	if (!strcmp(val, "only")) {
		if (c->flags & NFIPS_C_NEGATED)
			return perr(ps, voff, "fast_pattern:only cannot be used on a negated content");
		if (c->flags & (NFIPS_C_DEPTH | NFIPS_C_OFFSET | NFIPS_C_RELATIVE))
			return perr(ps, voff, "fast_pattern:only cannot be used with depth, offset, distance or within");
		c->flags |= NFIPS_C_FP_ONLY;
		return 0;
	}
	comma = strchr(val, ',');
	if (comma) {
		char buf[32];

		snprintf(buf, sizeof(buf), "%.*s", (int)(comma - val), val);
		if (!parse_u32(buf, UINT32_MAX, &off) &&
		    !parse_u32(skip_ws(comma + 1), UINT32_MAX, &len)) {
			if (!len || (uint64_t)off + len > c->len)
				return perr(ps, voff, "fast_pattern:%u,%u is outside the %u-byte content",
					    off, len, c->len);
			c->flags |= NFIPS_C_FP_CHOP;
			c->fp_off = off;
			c->fp_len = len;
			return 0;
		}
	}
	return perr(ps, voff, "fast_pattern: expected nothing, 'only' or 'offset,length'");
}

/* Is the payload match before @idx a fast_pattern:only content? */
static bool after_fp_only(const struct nfips_rule *r, uint32_t idx)
{
	while (idx-- > 0) {
		if (r->matches[idx].type == NFIPS_MATCH_ISDATAAT)
			continue;
		return r->matches[idx].type == NFIPS_MATCH_CONTENT &&
		       (r->matches[idx].u.content.flags & NFIPS_C_FP_ONLY);
	}
	return false;
}

int opt_content_mod(struct pstate *ps, const char *name, size_t noff,
		    const char *val, size_t voff)
{
	static const uint32_t flags[] = {
		NFIPS_C_NOCASE, NFIPS_C_RAWBYTES, NFIPS_C_DEPTH, NFIPS_C_OFFSET,
		NFIPS_C_DISTANCE, NFIPS_C_WITHIN, NFIPS_C_STARTSWITH,
		NFIPS_C_ENDSWITH, NFIPS_C_FAST_PATTERN,
	};
	struct nfips_content *c;
	uint32_t f = 0, bad, i;
	int32_t v = 0;
	int num = 0;

	if (ps->last_content < 0)
		return perr(ps, noff, "'%s' needs a preceding content", name);
	c = &ps->r->matches[ps->last_content].u.content;
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strcmp(mod_name(flags[i]), name))
			f = flags[i];
	if (c->flags & f)
		return perr(ps, noff, "'%s' given twice for one content", name);
	bad = c->flags & conflicts(f);
	if (bad) {
		uint32_t b = bad & (0 - bad);

		return perr(ps, noff, "'%s' cannot be combined with '%s' on one content",
			    name, b == NFIPS_C_FP_ONLY ? "fast_pattern:only" : mod_name(b));
	}
	if (f == NFIPS_C_FAST_PATTERN) {
		if (fast_pattern(ps, c, val, val ? voff : noff))
			return -1;
		c->flags |= f;
		return 0;
	}
	if (val) {
		num = mod_number(ps, name, val, voff, f == NFIPS_C_DISTANCE, &v);
		if (num < 0)
			return -1;
	}
	c->flags |= f;
	if ((f & NFIPS_C_RELATIVE) && after_fp_only(ps->r, (uint32_t)ps->last_content))
		return perr(ps, noff, "'%s' is relative to a fast_pattern:only content", name);
	if (!num)
		return 0;
	if (num == 2) {
		c->flags |= var_flag(f);
		switch (f) {
		case NFIPS_C_DEPTH: c->depth = (uint32_t)v; break;
		case NFIPS_C_OFFSET: c->offset = (uint32_t)v; break;
		case NFIPS_C_DISTANCE: c->distance = v; break;
		case NFIPS_C_WITHIN: c->within = v; break;
		}
		return 0;
	}
	switch (f) {
	case NFIPS_C_DEPTH:
		if (!v || (uint32_t)v < c->len)
			return perr(ps, voff, "depth %d is smaller than the content (%u bytes)",
				    v, c->len);
		/*
		 * Suricata stores depth + offset; with an offset variable that
		 * adds the variable's index (detect-depth.c), then the
		 * variable's value at run time. Kept as it does.
		 */
		c->depth = (uint32_t)v + ((c->flags & NFIPS_C_OFFSET_VAR) ? c->offset : 0);
		break;
	case NFIPS_C_OFFSET:
		/*
		 * Suricata adds a constant offset to the stored depth, which
		 * for a depth variable is its index: the rule then reads
		 * another variable (detect-offset.c). Not reproducible.
		 */
		if ((c->flags & NFIPS_C_DEPTH_VAR) && c->depth &&
		    pskip(ps, voff, "offset after a depth variable"))
			return -1;
		c->offset = (uint32_t)v;
		break;
	case NFIPS_C_DISTANCE:
		c->distance = v;
		break;
	case NFIPS_C_WITHIN:
		if ((uint32_t)v < c->len)
			return perr(ps, voff, "within %d is smaller than the content (%u bytes)",
				    v, c->len);
		c->within = v;
		break;
	}
	return 0;
}

static const struct {
	char mod;
	uint32_t opt;
} pcre_opts[] = {
	{ 'i', PCRE2_CASELESS }, { 's', PCRE2_DOTALL }, { 'm', PCRE2_MULTILINE },
	{ 'x', PCRE2_EXTENDED }, { 'A', PCRE2_ANCHORED },
	{ 'E', PCRE2_DOLLAR_ENDONLY }, { 'G', PCRE2_UNGREEDY },
};

int opt_pcre(struct pstate *ps, const char *val, size_t voff)
{
	const char *p = val, *q, *slash, *mods, *end;
	struct nfips_match *m;
	struct nfips_pcre *pc;
	bool quoted;
	char bufflag = 0;
	size_t k, len;
	int errcode;
	PCRE2_SIZE erroff;

	m = match_add(ps, voff, NFIPS_MATCH_PCRE);
	if (!m)
		return -1;
	pc = &m->u.pcre;
	if (*p == '!') {
		pc->flags |= NFIPS_P_NEGATED;
		p = skip_ws(p + 1);
	}
	/* Quoted "/regex/flags" or, as Suricata also accepts, bare /regex/flags. */
	quoted = *p == '"';
	len = strlen(p);
	if (quoted && (len < 2 || p[len - 1] != '"'))
		return perr(ps, voff + (size_t)(p - val), "pcre: missing closing quote");
	q = p + quoted;
	end = p + len - quoted;
	slash = end - 1;
	while (slash > q && *slash != '/')
		slash--;
	if (q == end || *q != '/' || slash == q)
		return perr(ps, voff + (size_t)(q - val), "pcre: expected /regex/flags");
	pc->source = xstrndup(q + 1, (size_t)(slash - q - 1));
	mods = slash + 1;
	pc->modifiers = xstrndup(mods, (size_t)(end - mods));
	if (!pc->source || !pc->modifiers)
		return perr(ps, voff, "out of memory");
	for (; mods < end; mods++) {
		size_t moff = voff + (size_t)(mods - val);

		for (k = 0; k < sizeof(pcre_opts) / sizeof(pcre_opts[0]); k++)
			if (pcre_opts[k].mod == *mods)
				break;
		if (k < sizeof(pcre_opts) / sizeof(pcre_opts[0]))
			pc->options |= pcre_opts[k].opt;
		else if (*mods == 'R')
			pc->flags |= NFIPS_P_RELATIVE;
		else if (*mods == 'O')
			pc->flags |= NFIPS_P_MATCH_LIMIT;
		else if (*mods == 'B')
			;	/* rawbytes: Suricata ignores it on the raw payload */
		else if (pcre_flag_buf(*mods) > 0) {
			if (ps->b64)
				return perr(ps, moff, "pcre buffer modifier %c on base64_data", *mods);
			if (bufflag)
				return perr(ps, moff, "pcre: only one buffer modifier is allowed");
			bufflag = *mods;
			/* Under a sticky buffer only that buffer's flag is valid. */
			if (ps->sticky && (uint32_t)pcre_flag_buf(*mods) != ps->sticky)
				return perr(ps, moff, "pcre modifier %c seen with another sticky buffer still set (pkt_data resets it)",
					    *mods);
			if (ps->other_sticky &&
			    pskip(ps, moff, "pcre buffer modifier %c with a sticky buffer", *mods))
				return -1;
			m->buf = (uint32_t)pcre_flag_buf(*mods);
			ps->r->bufs |= 1ull << m->buf;
			/* /Q is Suricata 7's file_data list: uploads too */
			if (*mods == 'Q')
				ps->file_data = true;
			ps->r->alproto = NFIPS_ALPROTO_HTTP;
		} else
			return perr(ps, moff, "pcre: unknown modifier '%c'", *mods);
	}
	pc->code = pcre2_compile((PCRE2_SPTR)pc->source, strlen(pc->source),
				 pc->options, &errcode, &erroff, NULL);
	if (!pc->code) {
		PCRE2_UCHAR msg[120];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		return perr(ps, voff + (size_t)(q + 1 - val) + erroff, "pcre: %s",
			    (const char *)msg);
	}
	ps->last_payload = (int32_t)(ps->r->nmatches - 1);
	return 0;
}

/* isdataat:[!]N[,relative][,rawbytes] */
int opt_isdataat(struct pstate *ps, const char *val, size_t voff)
{
	struct nfips_match *m = match_add(ps, voff, NFIPS_MATCH_ISDATAAT);
	const char *p = val, *e;
	char num[16];
	size_t n;

	if (!m)
		return -1;
	if (*p == '!') {
		m->u.isdataat.flags |= NFIPS_I_NEGATED;
		p = skip_ws(p + 1);
	}
	n = strcspn(p, ", \t");
	snprintf(num, sizeof(num), "%.*s", (int)n, p);
	if (n >= sizeof(num) || parse_u32(num, 65535, &m->u.isdataat.n)) {
		char name[256];
		int k;

		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		k = byte_var(ps, name, voff + (size_t)(p - val), "isdataat", &m->u.isdataat.n);
		if (k < 0)
			return -1;
		if (!k)
			return perr(ps, voff + (size_t)(p - val),
				    "isdataat: invalid number '%.*s'", (int)n, p);
		m->u.isdataat.flags |= NFIPS_I_VAR;
	}
	for (p = skip_ws(p + n); *p; p = skip_ws(e)) {
		if (*p != ',')
			return perr(ps, voff + (size_t)(p - val), "isdataat: expected ','");
		p = skip_ws(p + 1);
		n = strcspn(p, ", \t");
		e = p + n;
		if (n == 8 && !strncmp(p, "relative", n))
			m->u.isdataat.flags |= NFIPS_I_RELATIVE;
		else if (n == 8 && !strncmp(p, "rawbytes", n))
			m->u.isdataat.flags |= NFIPS_I_RAWBYTES;
		else
			return perr(ps, voff + (size_t)(p - val),
				    "isdataat: unknown option '%.*s'", (int)n, p);
	}
	return 0;
}

void match_free(struct nfips_match *m)
{
	switch (m->type) {
	case NFIPS_MATCH_CONTENT:
		free(m->u.content.bytes);
		break;
	case NFIPS_MATCH_PCRE:
		free(m->u.pcre.source);
		free(m->u.pcre.modifiers);
		pcre2_code_free(m->u.pcre.code);
		break;
	case NFIPS_MATCH_BYTE_EXTRACT:
		free(m->u.byteextract.name);
		break;
	case NFIPS_MATCH_ISDATAAT:
	case NFIPS_MATCH_BYTE_TEST:
	case NFIPS_MATCH_BYTE_JUMP:
	case NFIPS_MATCH_BASE64_DECODE:
		break;
	}
}
