// SPDX-License-Identifier: GPL-2.0
/*
 * The policy text as libconfig 1.5 lexes it (scanner.l): comments (#, //,
 * C style), strings with escapes, integers (decimal, hex, L suffix),
 * floats, booleans, names and punctuation. Used for two things libconfig
 * does not do: refusing what it accepts silently wrong (an integer too
 * large for its type is truncated, so sid = 5000000000 would become sid
 * 705032704; @include would read other files), and giving the byte span
 * of every setting so that an edit changes only the text of the settings
 * it touches and every comment survives.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

#define PTEXT_MAX_DEPTH 32

enum tok { T_EOF, T_NAME, T_STRING, T_NUMBER, T_PUNCT, T_BAD };

struct lexer {
	const char *name, *s;
	size_t len, pos;
	uint32_t line;
	struct nfips_diags *d;
	int errors;	/* libconfig must not see the text */
	int range;	/* integers out of range: reported, libconfig may go on */
	bool quiet;	/* second pass: already reported */
	/* the current token */
	enum tok t;
	size_t ts, te;
	uint32_t tline;
	char c;
};

static void lex_err(struct lexer *lx, uint32_t line, const char *msg)
{
	if (!lx->quiet)
		nfips_diag_add(lx->d, NFIPS_DIAG_ERROR, lx->name, line, "%s", msg);
	lx->errors++;
}

static bool is_name0(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*';
}

static bool is_name(char c)
{
	return is_name0(c) || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_xdigit(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Checks an integer literal [s, e) against the type libconfig gives it. */
static void check_int(struct lexer *lx, size_t s, size_t e, bool hex, int nl)
{
	char buf[64];
	size_t n = e - s - (size_t)nl;
	bool bad = false;

	if (n >= sizeof(buf)) {
		bad = true;
	} else {
		char *end;

		memcpy(buf, lx->s + s, n);
		buf[n] = 0;
		errno = 0;
		if (hex) {
			unsigned long long v = strtoull(buf, &end, 16);

			bad = errno || (nl ? v > (unsigned long long)INT64_MAX : v > INT32_MAX);
		} else {
			long long v = strtoll(buf, &end, 10);

			bad = errno || (!nl && (v > INT32_MAX || v < INT32_MIN));
		}
	}
	if (bad && !lx->quiet)
		nfips_diag_add(lx->d, NFIPS_DIAG_ERROR, lx->name, lx->tline, "%s",
			       nl ? "integer out of range" :
			       "integer out of range (more than 32 bits)");
	if (bad)
		lx->range++;
}

/* Skips blanks and comments; false at the end. */
static void skip_space(struct lexer *lx)
{
	while (lx->pos < lx->len) {
		char c = lx->s[lx->pos];

		if (c == '\n') {
			lx->line++;
			lx->pos++;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			lx->pos++;
		} else if (c == '#' || (c == '/' && lx->pos + 1 < lx->len &&
					lx->s[lx->pos + 1] == '/')) {
			while (lx->pos < lx->len && lx->s[lx->pos] != '\n')
				lx->pos++;
		} else if (c == '/' && lx->pos + 1 < lx->len && lx->s[lx->pos + 1] == '*') {
			uint32_t l0 = lx->line;

			lx->pos += 2;
			while (lx->pos + 1 < lx->len &&
			       !(lx->s[lx->pos] == '*' && lx->s[lx->pos + 1] == '/')) {
				if (lx->s[lx->pos] == '\n')
					lx->line++;
				lx->pos++;
			}
			if (lx->pos + 1 >= lx->len) {
				lex_err(lx, l0, "unterminated comment");
				lx->pos = lx->len;
				return;
			}
			lx->pos += 2;
		} else {
			return;
		}
	}
}

static void next(struct lexer *lx)
{
	const char *s = lx->s;
	size_t p;

	skip_space(lx);
	lx->ts = p = lx->pos;
	lx->tline = lx->line;
	if (p >= lx->len) {
		lx->t = T_EOF;
		lx->te = p;
		return;
	}
	if (s[p] == '"') {
		p++;
		while (p < lx->len && s[p] != '"') {
			if (s[p] == '\n') {
				lex_err(lx, lx->tline, "newline in string");
				lx->t = T_BAD;
				lx->pos = lx->te = p;
				return;
			}
			if (s[p] == '\\' && p + 1 < lx->len)
				p++;
			p++;
		}
		if (p >= lx->len) {
			lex_err(lx, lx->tline, "unterminated string");
			lx->t = T_BAD;
			lx->pos = lx->te = lx->len;
			return;
		}
		lx->t = T_STRING;
		lx->pos = lx->te = p + 1;
		return;
	}
	if (is_digit(s[p]) || ((s[p] == '-' || s[p] == '+' || s[p] == '.') &&
			       p + 1 < lx->len && (is_digit(s[p + 1]) || s[p + 1] == '.'))) {
		size_t st = p;
		bool flt = false, hex = false;
		int nl = 0;

		if (s[p] == '-' || s[p] == '+')
			p++;
		if (p + 1 < lx->len && s[p] == '0' && (s[p + 1] == 'x' || s[p + 1] == 'X')) {
			hex = true;
			p += 2;
			while (p < lx->len && is_xdigit(s[p]))
				p++;
		} else {
			while (p < lx->len && is_digit(s[p]))
				p++;
			if (p < lx->len && s[p] == '.') {
				flt = true;
				p++;
				while (p < lx->len && is_digit(s[p]))
					p++;
			}
			if (p < lx->len && (s[p] == 'e' || s[p] == 'E')) {
				flt = true;
				p++;
				if (p < lx->len && (s[p] == '-' || s[p] == '+'))
					p++;
				while (p < lx->len && is_digit(s[p]))
					p++;
			}
		}
		if (!flt)
			while (p < lx->len && s[p] == 'L' && nl < 2) {
				nl++;
				p++;
			}
		lx->t = T_NUMBER;
		lx->pos = lx->te = p;
		if (!flt)
			check_int(lx, hex ? st + 2 + (s[st] == '-' || s[st] == '+') : st,
				  p, hex, nl);
		if (hex && (s[st] == '-' || s[st] == '+'))
			lex_err(lx, lx->tline, "signed hex number");
		return;
	}
	if (is_name0(s[p])) {
		while (p < lx->len && is_name(s[p]))
			p++;
		lx->t = T_NAME;
		lx->pos = lx->te = p;
		return;
	}
	if (strchr("=:;,{}()[]", s[p])) {
		lx->t = T_PUNCT;
		lx->c = s[p];
		lx->pos = lx->te = p + 1;
		return;
	}
	if (s[p] == '@')
		lex_err(lx, lx->tline, "@include and other directives are not allowed "
			"in a policy file");
	lx->t = T_BAD;
	lx->pos = lx->te = p + 1;
}

static bool punct(const struct lexer *lx, char c)
{
	return lx->t == T_PUNCT && lx->c == c;
}

static int parse_value(struct lexer *lx, struct pnode *n, int depth);

static int add_kid(struct pnode *n, struct pnode **out)
{
	struct pnode *k = realloc(n->kids, (n->nkids + 1) * sizeof(*k));

	if (!k)
		return -1;
	n->kids = k;
	*out = &k[n->nkids++];
	memset(*out, 0, sizeof(**out));
	(*out)->comma = SIZE_MAX;
	return 0;
}

/* settings until @close (0: end of text) into @n's kids. */
static int parse_settings(struct lexer *lx, struct pnode *n, char close, int depth)
{
	for (;;) {
		struct pnode *k;

		if (close ? punct(lx, close) : lx->t == T_EOF)
			return 0;
		if (lx->t != T_NAME || add_kid(n, &k))
			return -1;
		k->named = true;
		k->start = k->name_start = lx->ts;
		k->name_end = lx->te;
		k->line = lx->tline;
		next(lx);
		if (!punct(lx, '=') && !punct(lx, ':'))
			return -1;
		next(lx);
		if (parse_value(lx, k, depth + 1))
			return -1;
		k->end = k->vend;
		if (punct(lx, ';') || punct(lx, ',')) {
			k->has_term = true;
			k->end = lx->te;
			next(lx);
		}
	}
}

static int parse_elems(struct lexer *lx, struct pnode *n, char close, int depth)
{
	struct pnode *k;

	if (punct(lx, close))
		return 0;
	for (;;) {
		if (add_kid(n, &k))
			return -1;
		k->line = lx->tline;
		if (parse_value(lx, k, depth + 1))
			return -1;
		k->start = k->vstart;
		k->end = k->vend;
		if (punct(lx, close))
			return 0;
		if (!punct(lx, ','))
			return -1;
		k->comma = lx->ts;
		next(lx);
	}
}

static int parse_value(struct lexer *lx, struct pnode *n, int depth)
{
	if (depth > PTEXT_MAX_DEPTH)
		return -1;
	n->vstart = lx->ts;
	if (lx->t == T_STRING) {
		n->vtype = PV_SCALAR;
		while (lx->t == T_STRING) {
			n->vend = lx->te;
			next(lx);
		}
		return 0;
	}
	if (lx->t == T_NUMBER || lx->t == T_NAME) {	/* true, false */
		n->vtype = PV_SCALAR;
		n->vend = lx->te;
		next(lx);
		return 0;
	}
	if (punct(lx, '{')) {
		n->vtype = PV_GROUP;
		next(lx);
		if (parse_settings(lx, n, '}', depth))
			return -1;
	} else if (punct(lx, '(') || punct(lx, '[')) {
		char close = lx->c == '(' ? ')' : ']';

		n->vtype = close == ')' ? PV_LIST : PV_ARRAY;
		next(lx);
		if (parse_elems(lx, n, close, depth))
			return -1;
	} else {
		return -1;
	}
	n->vend = lx->te;
	next(lx);
	return 0;
}

void pnode_free(struct pnode *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		pnode_free(&n->kids[i]);
	free(n->kids);
	n->kids = NULL;
	n->nkids = 0;
}

int ptext_scan(const char *name, const char *text, size_t len,
	       struct nfips_diags *d, struct pnode *root)
{
	struct lexer lx = { .name = name, .s = text, .len = len, .line = 1, .d = d };
	size_t i;
	uint32_t line = 1;
	int ret;

	for (i = 0; i < len; i++) {
		if (text[i] == '\n')
			line++;
		if (!text[i]) {
			nfips_diag_add(d, NFIPS_DIAG_ERROR, name, line,
				       "NUL byte: not a text file");
			return -2;
		}
	}
	/* Lex everything once for the checks. */
	do
		next(&lx);
	while (lx.t != T_EOF);
	if (lx.errors)
		return -2;
	if (!root)
		return lx.range ? 1 : 0;
	memset(root, 0, sizeof(*root));
	root->vtype = PV_GROUP;
	root->comma = SIZE_MAX;
	root->end = root->vend = len;
	lx.pos = 0;
	lx.line = 1;
	lx.quiet = true;
	next(&lx);
	ret = parse_settings(&lx, root, 0, 0);
	if (ret || lx.errors) {
		pnode_free(root);
		return -1;
	}
	return lx.range ? 1 : 0;
}

const struct pnode *pnode_find(const struct pnode *group, const char *text,
			       const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < group->nkids; i++) {
		const struct pnode *k = &group->kids[i];

		if (k->named && k->name_end - k->name_start == n &&
		    !memcmp(text + k->name_start, name, n))
			return k;
	}
	return NULL;
}
