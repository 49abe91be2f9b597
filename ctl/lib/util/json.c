// SPDX-License-Identifier: GPL-2.0
/*
 * The growable string and the JSON writer of util.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- growable buffer ------------------------------------------------ */

static bool buf_reserve(struct nfips_sbuf *b, size_t n)
{
	size_t cap;
	char *s;

	if (b->oom)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + n + 1) {
		if (cap > SIZE_MAX / 2)
			goto oom;
		cap *= 2;
	}
	s = realloc(b->s, cap);
	if (!s)
		goto oom;
	b->s = s;
	b->cap = cap;
	return true;
oom:
	b->oom = true;
	return false;
}

void nfips_sbuf_reset(struct nfips_sbuf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->s)
		b->s[0] = '\0';
}

void nfips_sbuf_free(struct nfips_sbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

void nfips_sbuf_add(struct nfips_sbuf *b, const void *p, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void nfips_sbuf_puts(struct nfips_sbuf *b, const char *s)
{
	nfips_sbuf_add(b, s, strlen(s));
}

void nfips_sbuf_printf(struct nfips_sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!buf_reserve(b, 64))
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (!buf_reserve(b, (size_t)n))
			return;
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/* ---- JSON strings --------------------------------------------------- */

/*
 * Length of the valid UTF-8 sequence at @s (at most @n bytes), 0 if the
 * bytes there are not one: overlong forms, surrogates and code points
 * above U+10FFFF are invalid (RFC 3629).
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	unsigned char lo = 0x80, hi = 0xbf;	/* bounds of the second byte */

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void nfips_json_str(struct nfips_sbuf *b, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run, u;
	char esc[6] = { '\\', 'u', '0', '0', 0, 0 };

	nfips_sbuf_add(b, "\"", 1);
	while (i < n) {
		/* Copy the longest run that needs no escaping at once. */
		run = i;
		while (run < n && s[run] >= 0x20 && s[run] < 0x7f &&
		       s[run] != '"' && s[run] != '\\')
			run++;
		if (run > i) {
			nfips_sbuf_add(b, s + i, run - i);
			i = run;
			continue;
		}
		switch (s[i]) {
		case '"':
			nfips_sbuf_add(b, "\\\"", 2);
			i++;
			continue;
		case '\\':
			nfips_sbuf_add(b, "\\\\", 2);
			i++;
			continue;
		case '\n':
			nfips_sbuf_add(b, "\\n", 2);
			i++;
			continue;
		case '\r':
			nfips_sbuf_add(b, "\\r", 2);
			i++;
			continue;
		case '\t':
			nfips_sbuf_add(b, "\\t", 2);
			i++;
			continue;
		case '\b':
			nfips_sbuf_add(b, "\\b", 2);
			i++;
			continue;
		case '\f':
			nfips_sbuf_add(b, "\\f", 2);
			i++;
			continue;
		}
		u = s[i] >= 0x80 ? utf8_len(s + i, n - i) : 0;
		if (u) {
			nfips_sbuf_add(b, s + i, u);
			i += u;
			continue;
		}
		/* A control character, DEL, or a byte of invalid UTF-8. */
		esc[4] = hex[s[i] >> 4];
		esc[5] = hex[s[i] & 15];
		nfips_sbuf_add(b, esc, sizeof(esc));
		i++;
	}
	nfips_sbuf_add(b, "\"", 1);
}

/* ---- writer --------------------------------------------------------- */

void nfips_json_init(struct nfips_json *j, struct nfips_sbuf *b)
{
	j->b = b;
	j->depth = 0;
	j->has_items = 0;
}

/* The comma and key before a value at the current level. */
static void item(struct nfips_json *j, const char *key)
{
	uint32_t bit = 1u << j->depth;

	if (j->has_items & bit)
		nfips_sbuf_add(j->b, ",", 1);
	j->has_items |= bit;
	if (key) {
		nfips_json_str(j->b, key, strlen(key));
		nfips_sbuf_add(j->b, ":", 1);
	}
}

static void open_level(struct nfips_json *j, const char *key, char c)
{
	item(j, key);
	nfips_sbuf_add(j->b, &c, 1);
	if (j->depth + 1 >= NFIPS_JSON_MAX_DEPTH) {
		j->b->oom = true;
		return;
	}
	j->depth++;
	j->has_items &= ~(1u << j->depth);
}

static void close_level(struct nfips_json *j, char c)
{
	if (j->depth)
		j->depth--;
	nfips_sbuf_add(j->b, &c, 1);
}

void nfips_json_obj(struct nfips_json *j, const char *key)
{
	open_level(j, key, '{');
}

void nfips_json_obj_end(struct nfips_json *j)
{
	close_level(j, '}');
}

void nfips_json_arr(struct nfips_json *j, const char *key)
{
	open_level(j, key, '[');
}

void nfips_json_arr_end(struct nfips_json *j)
{
	close_level(j, ']');
}

void nfips_json_kstrn(struct nfips_json *j, const char *key, const char *val,
		      size_t n)
{
	item(j, key);
	nfips_json_str(j->b, val, n);
}

void nfips_json_kstr(struct nfips_json *j, const char *key, const char *val)
{
	nfips_json_kstrn(j, key, val, strlen(val));
}

/*
 * Digits by hand: an alert record has about 18 numbers, and vsnprintf's
 * format parsing cost 1,100 instructions each (callgrind, replay).
 */
static void put_u64(struct nfips_sbuf *b, uint64_t v, bool neg)
{
	char t[21];
	size_t i = sizeof(t);

	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		t[--i] = '-';
	nfips_sbuf_add(b, t + i, sizeof(t) - i);
}

void nfips_json_kuint(struct nfips_json *j, const char *key, uint64_t val)
{
	item(j, key);
	put_u64(j->b, val, false);
}

void nfips_json_kint(struct nfips_json *j, const char *key, int64_t val)
{
	item(j, key);
	/* the magnitude in unsigned arithmetic: INT64_MIN has no positive */
	put_u64(j->b, val < 0 ? 0 - (uint64_t)val : (uint64_t)val, val < 0);
}

void nfips_json_kbool(struct nfips_json *j, const char *key, bool val)
{
	item(j, key);
	nfips_sbuf_puts(j->b, val ? "true" : "false");
}

void nfips_json_knull(struct nfips_json *j, const char *key)
{
	item(j, key);
	nfips_sbuf_puts(j->b, "null");
}
