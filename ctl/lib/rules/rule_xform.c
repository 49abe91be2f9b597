// SPDX-License-Identifier: GPL-2.0
/*
 * Transforms on sticky buffers, as Suricata 7.0.10 parses them
 * (detect-transform-*.c, detect-engine.c DetectSignatureAddTransform):
 * after a sticky buffer keyword, at most 16 per buffer, applied in rule
 * order to the buffer the keywords after them see (a content before the
 * transform stays on the buffer as it is: Suricata 7.0.10 accepts such a
 * rule and does not transform for that content), a transform after a
 * keyword on the transformed buffer is refused; a content a transform's
 * output can never contain is refused (TransformValidate). A rule that
 * uses one buffer with two different transform chains (Suricata's two
 * derived lists) is skipped: the engine keeps one chain per buffer.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule_int.h"

static const struct {
	const char *name;
	enum nfips_xform_type type;
	bool val;		/* takes a value */
} xforms[] = {
	{ "to_lowercase", NFIPS_XF_TO_LOWERCASE, false },
	{ "to_uppercase", NFIPS_XF_TO_UPPERCASE, false },
	{ "strip_whitespace", NFIPS_XF_STRIP_WHITESPACE, false },
	{ "compress_whitespace", NFIPS_XF_COMPRESS_WHITESPACE, false },
	{ "url_decode", NFIPS_XF_URL_DECODE, false },
	{ "dotprefix", NFIPS_XF_DOTPREFIX, false },
	{ "to_md5", NFIPS_XF_TO_MD5, false },
	{ "to_sha1", NFIPS_XF_TO_SHA1, false },
	{ "to_sha256", NFIPS_XF_TO_SHA256, false },
	{ "pcrexform", NFIPS_XF_PCREXFORM, true },
	{ "xor", NFIPS_XF_XOR, true },
	{ "header_lowercase", NFIPS_XF_HEADER_LOWERCASE, false },
	{ "strip_pseudo_headers", NFIPS_XF_STRIP_PSEUDO_HEADERS, false },
};

const struct nfips_xforms *nfips_rule_xforms(const struct nfips_rule *r, uint32_t buf)
{
	uint32_t i;

	for (i = 0; i < r->nxforms; i++)
		if (r->xforms[i].buf == buf)
			return &r->xforms[i];
	return NULL;
}

void xforms_free(struct nfips_rule *r)
{
	uint32_t i, j;

	for (i = 0; i < r->nxforms; i++) {
		for (j = 0; j < r->xforms[i].n; j++) {
			free(r->xforms[i].x[j].key);
			free(r->xforms[i].x[j].source);
			pcre2_code_free(r->xforms[i].x[j].code);
		}
	}
	free(r->xforms);
	r->xforms = NULL;
	r->nxforms = 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The value without its double quotes, if it has them; NULL if unbalanced. */
static char *unquote(const char *val)
{
	size_t n = strlen(val);

	if (n && val[0] == '"') {
		if (n < 2 || val[n - 1] != '"')
			return NULL;
		return xstrndup(val + 1, n - 2);
	}
	return xstrndup(val, n);
}

/* xor:"HEX": an even number of hex digits, a key of 1..255 bytes. */
static int parse_xor(struct pstate *ps, struct nfips_xform *x, const char *val, size_t voff)
{
	char *k = unquote(val);
	size_t n, i;
	int hi, lo;

	if (!k)
		return perr(ps, voff, "xor: missing closing quote");
	n = strlen(k);
	if (!n || n % 2) {
		free(k);
		return perr(ps, voff, "xor: the key's length must be an even number of hex digits");
	}
	if (n / 2 > 255) {
		free(k);
		return perr(ps, voff, "xor: key longer than 255 bytes");
	}
	x->key = malloc(n / 2);
	if (!x->key) {
		free(k);
		return perr(ps, voff, "out of memory");
	}
	for (i = 0; i < n / 2; i++) {
		hi = hexval(k[2 * i]);
		lo = hexval(k[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(k);
			return perr(ps, voff + 2 * i, "xor: the key must be hex digits");
		}
		x->key[i] = (uint8_t)(hi << 4 | lo);
	}
	x->keylen = (uint32_t)(n / 2);
	free(k);
	return 0;
}

/* pcrexform:"REGEX": compiled without options, at least one capture. */
static int parse_pcrexform(struct pstate *ps, struct nfips_xform *x, const char *val,
			   size_t voff)
{
	PCRE2_SIZE erroff;
	uint32_t caps = 0;
	int errcode;

	x->source = unquote(val);
	if (!x->source)
		return perr(ps, voff, "pcrexform: missing closing quote");
	x->code = pcre2_compile((PCRE2_SPTR)x->source, strlen(x->source), 0, &errcode,
				&erroff, NULL);
	if (!x->code) {
		PCRE2_UCHAR msg[120];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		return perr(ps, voff + 1 + erroff, "pcrexform: %s", (const char *)msg);
	}
	pcre2_pattern_info(x->code, PCRE2_INFO_CAPTURECOUNT, &caps);
	if (!caps)
		return perr(ps, voff, "pcrexform: the regex needs a capture group");
	return 0;
}

/* A match or a length test on chain @xf (1-based) already. */
static bool chain_used(const struct nfips_rule *r, uint32_t xf)
{
	uint32_t i;

	for (i = 0; i < r->nmatches; i++)
		if (r->matches[i].xf == xf)
			return true;
	for (i = 0; i < r->nbufchk; i++)
		if (r->bufchk[i].xf == xf)
			return true;
	return false;
}

int opt_dispatch_xform(struct pstate *ps, const char *name, size_t noff,
		       const char *val, size_t voff)
{
	struct nfips_rule *r = ps->r;
	struct nfips_xforms *c;
	struct nfips_xform *x;
	size_t i;

	for (i = 0; i < sizeof(xforms) / sizeof(xforms[0]); i++)
		if (!strcasecmp(name, xforms[i].name))
			break;
	if (i == sizeof(xforms) / sizeof(xforms[0]))
		return 1;
	if (xforms[i].val && !val)
		return perr(ps, noff, "'%s' needs a value", name);
	if (!xforms[i].val && val)
		return perr(ps, noff, "'%s' takes no value", name);
	if (ps->other_sticky)
		return 0;	/* on a buffer of a skipped rule */
	if (!ps->sticky)
		return perr(ps, noff, "transform '%s' without a sticky buffer before it", name);
	/*
	 * Suricata's list_set: a keyword on the transformed list consumes
	 * its transforms; a transform after it is refused (7.0.10 fails
	 * "http.uri; dotprefix; content:...; dotprefix;").
	 */
	if (ps->cur_xf && chain_used(r, ps->cur_xf))
		return perr(ps, noff, "transforms must directly follow stickybuffers ('%s')",
			    name);
	if (!ps->cur_xf) {
		c = grow(r->xforms, r->nxforms, sizeof(*c));
		if (!c)
			return perr(ps, noff, "out of memory");
		r->xforms = c;
		c += r->nxforms++;
		memset(c, 0, sizeof(*c));
		c->buf = ps->sticky;
		ps->cur_xf = r->nxforms;
	}
	c = &r->xforms[ps->cur_xf - 1];
	if (c->n == NFIPS_MAX_XFORMS)
		return perr(ps, noff, "more than %d transforms on %s", NFIPS_MAX_XFORMS,
			    nfips_buf_def(c->buf)->name);
	x = &c->x[c->n++];
	x->type = xforms[i].type;
	if (x->type == NFIPS_XF_XOR)
		return parse_xor(ps, x, val, voff);
	if (x->type == NFIPS_XF_PCREXFORM)
		return parse_pcrexform(ps, x, val, voff);
	return 0;
}

/* Suricata's TransformValidate: can the transform's output hold @c? */
static bool fits(enum nfips_xform_type t, const struct nfips_content *c)
{
	uint32_t i;

	for (i = 0; i < c->len; i++) {
		const int b = c->bytes[i];

		if (t == NFIPS_XF_TO_LOWERCASE && isupper(b))
			return false;
		if (t == NFIPS_XF_TO_UPPERCASE && islower(b))
			return false;
		if (t == NFIPS_XF_STRIP_WHITESPACE && isspace(b))
			return false;
		if (t == NFIPS_XF_COMPRESS_WHITESPACE && i && isspace(b) &&
		    isspace(c->bytes[i - 1]))
			return false;
	}
	return true;
}

bool xform_compatible(const struct nfips_rule *r, const struct nfips_match *m)
{
	const struct nfips_xforms *c = &r->xforms[m->xf - 1];
	uint32_t j;

	for (j = 0; j < c->n; j++)
		if (!fits(c->x[j].type, &m->u.content))
			return false;
	return true;
}

/*
 * After the last option: one chain per buffer (a buffer used again
 * without or with other transforms is Suricata's second list, which this
 * engine does not keep).
 */
int xform_finish(struct pstate *ps)
{
	struct nfips_rule *r = ps->r;
	uint32_t i, j, xf[NFIPS_BUF_COUNT];
	bool seen[NFIPS_BUF_COUNT] = { false };

	/*
	 * Suricata transforms per keyword: the keywords before a buffer's
	 * transforms stay on the buffer as it is, those after are on the
	 * transformed list. A chain no keyword follows changes nothing:
	 * dropped (buf 0 is no buffer), so it is not applied to the others.
	 */
	for (i = 0; i < r->nxforms; i++) {
		bool after = false;

		for (j = 0; j < r->nmatches + r->nbufchk; j++) {
			const struct nfips_xforms *c = &r->xforms[i];

			if (j < r->nmatches ? r->matches[j].buf == c->buf &&
					      r->matches[j].xf == i + 1 :
			    r->bufchk[j - r->nmatches].buf == c->buf &&
			    r->bufchk[j - r->nmatches].xf == i + 1)
				after = true;
		}
		if (!after)
			r->xforms[i].buf = 0;
	}
	/* urilen is on the URI as it is (Suricata's http_uri list). */
	for (i = 0; i < r->nxforms; i++) {
		for (j = 0; j < r->nbufchk; j++)
			if (r->bufchk[j].buf == r->xforms[i].buf && !r->bufchk[j].xf)
				return pskip(ps, 0, "urilen on a transformed %s",
					     nfips_buf_def(r->xforms[i].buf)->name);
	}
	for (i = 0; i < r->nmatches + r->nbufchk; i++) {
		const uint32_t buf = i < r->nmatches ? r->matches[i].buf :
				     r->bufchk[i - r->nmatches].buf;
		const uint32_t x = i < r->nmatches ? r->matches[i].xf :
				   r->bufchk[i - r->nmatches].xf;

		if (!buf)
			continue;
		if (seen[buf] && xf[buf] != x)
			return pskip(ps, 0, "%s used with different transforms in one rule",
				     nfips_buf_def(buf)->name);
		seen[buf] = true;
		xf[buf] = x;
	}
	return 0;
}
