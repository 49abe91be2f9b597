// SPDX-License-Identifier: GPL-2.0
/*
 * Transforms of a rule's sticky buffer, applied as Suricata 7.0.10's
 * detect-transform-*.c apply them: each to the previous one's output, in
 * rule order, into the engine's two scratch buffers in turn.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <openssl/evp.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

/* Scratch @i with room for @n bytes; NULL without memory. */
static uint8_t *room(struct nfips_engine *e, int i, size_t n)
{
	if (n > UINT32_MAX / 2)
		return NULL;
	if (n > e->xbuf_cap[i]) {
		uint8_t *p = realloc(e->xbuf[i], n ? n : 1);

		if (!p)
			return NULL;
		e->xbuf[i] = p;
		e->xbuf_cap[i] = (uint32_t)n;
	}
	return e->xbuf[i];
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (uint8_t)tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* BufferUrlDecode: %HH with two hex digits, '+' as a space, else as is. */
static uint32_t url_decode(const uint8_t *in, uint32_t n, uint8_t *out)
{
	uint32_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (in[i] == '%' && i + 2 < n && isxdigit(in[i + 1]) && isxdigit(in[i + 2])) {
			out[o++] = (uint8_t)(hexval(in[i + 1]) << 4 | hexval(in[i + 2]));
			i += 2;
		} else {
			out[o++] = in[i] == '+' ? ' ' : in[i];
		}
	}
	return o;
}

/* Lines (ending with '\n') that start with ':' left out. */
static uint32_t strip_pseudo(const uint8_t *in, uint32_t n, uint8_t *out)
{
	uint32_t i = 0, o = 0, end;

	while (i < n) {
		const uint8_t *nl = memchr(in + i, '\n', n - i);

		end = nl ? (uint32_t)(nl - in) + 1 : n;
		if (in[i] != ':') {
			memcpy(out + o, in + i, end - i);
			o += end - i;
		}
		i = end;
	}
	return o;
}

/* pcrexform: the first capture of a match, else the buffer unchanged. */
static bool pcrexform(const struct nfips_xform *x, const uint8_t *in, uint32_t n,
		      uint8_t *out, uint32_t *olen)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(x->code, NULL);
	PCRE2_SIZE *ov;
	bool changed = false;

	if (!md)
		return false;
	if (pcre2_match(x->code, in, n, 0, 0, md, NULL) > 0) {
		ov = pcre2_get_ovector_pointer(md);
		if (ov[2] != PCRE2_UNSET && ov[3] >= ov[2]) {
			memcpy(out, in + ov[2], ov[3] - ov[2]);
			*olen = (uint32_t)(ov[3] - ov[2]);
			changed = true;
		}
	}
	pcre2_match_data_free(md);
	return changed;
}

static bool digest(enum nfips_xform_type t, const uint8_t *in, uint32_t n, uint8_t *out,
		   uint32_t *olen)
{
	const EVP_MD *md = t == NFIPS_XF_TO_MD5 ? EVP_md5() :
			   t == NFIPS_XF_TO_SHA1 ? EVP_sha1() : EVP_sha256();
	unsigned int len = 0;

	if (!EVP_Digest(in, n, out, &len, md, NULL))
		return false;
	*olen = len;
	return true;
}

/* One transform from @in into scratch @i; false without memory. */
static bool one(struct nfips_engine *e, const struct nfips_xform *x, int i,
		const uint8_t *in, uint32_t n, uint32_t *olen)
{
	uint8_t *out = room(e, i, (size_t)n + (x->type == NFIPS_XF_DOTPREFIX) + 64);
	uint32_t k, o = 0;

	if (!out)
		return false;
	switch (x->type) {
	case NFIPS_XF_TO_LOWERCASE:
	case NFIPS_XF_TO_UPPERCASE:
		for (k = 0; k < n; k++)
			out[k] = (uint8_t)(x->type == NFIPS_XF_TO_LOWERCASE ?
					   tolower(in[k]) : toupper(in[k]));
		o = n;
		break;
	case NFIPS_XF_STRIP_WHITESPACE:
		for (k = 0; k < n; k++)
			if (!isspace(in[k]))
				out[o++] = in[k];
		break;
	case NFIPS_XF_COMPRESS_WHITESPACE:
		for (k = 0; k < n; k++)
			if (!(isspace(in[k]) && k && isspace(in[k - 1])))
				out[o++] = in[k];
		break;
	case NFIPS_XF_URL_DECODE:
		o = url_decode(in, n, out);
		break;
	case NFIPS_XF_DOTPREFIX:
		/* transform-dotprefix.c: an empty buffer stays empty */
		if (n)
			out[o++] = '.';
		memcpy(out + o, in, n);
		o += n;
		break;
	case NFIPS_XF_TO_MD5:
	case NFIPS_XF_TO_SHA1:
	case NFIPS_XF_TO_SHA256:
		return digest(x->type, in, n, out, olen);
	case NFIPS_XF_PCREXFORM:
		if (!pcrexform(x, in, n, out, &o)) {
			memcpy(out, in, n);
			o = n;
		}
		break;
	case NFIPS_XF_XOR:
		for (k = 0; k < n; k++)
			out[k] = in[k] ^ x->key[k % x->keylen];
		o = n;
		break;
	case NFIPS_XF_HEADER_LOWERCASE: {
		bool name = true;	/* before the line's first ':' */

		for (k = 0; k < n; k++) {
			out[k] = name ? (uint8_t)tolower(in[k]) : in[k];
			if (name && in[k] == ':')
				name = false;
			else if (!name && in[k] == '\n')
				name = true;
		}
		o = n;
		break;
	}
	case NFIPS_XF_STRIP_PSEUDO_HEADERS:
		o = strip_pseudo(in, n, out);
		break;
	}
	*olen = o;
	return true;
}

bool xform_apply(struct nfips_engine *e, const struct nfips_xforms *xf, struct nfips_buf *b)
{
	uint32_t k, len;

	for (k = 0; k < xf->n; k++) {
		if (!one(e, &xf->x[k], (int)(k & 1), b->data, b->len, &len))
			return false;
		b->data = e->xbuf[k & 1];
		b->len = len;
	}
	return true;
}
