// SPDX-License-Identifier: GPL-2.0
/*
 * The compiled policy's serialised form (compile.h): a writer and a
 * reader that checks everything it reads, since the file may come from
 * another host or be damaged on the way.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ac.h"
#include "compile.h"

static const char magic[8] = "NFIPSCMP";

/* ---- writer -------------------------------------------------------- */

struct wbuf {
	uint8_t *b;
	size_t len, cap;
	bool oom;
};

static void put(struct wbuf *w, const void *p, size_t n)
{
	size_t pad = (4 - n % 4) % 4;

	if (w->oom)
		return;
	if (w->len + n + pad > w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4096;
		uint8_t *b;

		while (cap < w->len + n + pad)
			cap *= 2;
		b = realloc(w->b, cap);
		if (!b) {
			w->oom = true;
			return;
		}
		w->b = b;
		w->cap = cap;
	}
	memcpy(w->b + w->len, p, n);
	memset(w->b + w->len + n, 0, pad);
	w->len += n + pad;
}

static void put32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	put(w, b, 4);
}

static void put_r4(struct wbuf *w, const struct nfips_crange4 *v, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		put32(w, v[i].lo);
		put32(w, v[i].hi);
	}
}

static void put_r6(struct wbuf *w, const struct nfips_crange6 *v, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		put(w, v[i].lo, 16);
		put(w, v[i].hi, 16);
	}
}

int nfips_compiled_write(const struct nfips_compiled *c, uint8_t **buf, size_t *len)
{
	struct wbuf w = { 0 };
	uint32_t i;

	put(&w, magic, sizeof(magic));
	put32(&w, NFIPS_COMPILED_VERSION);
	put32(&w, c->npatterns);
	put32(&w, c->nrules);
	for (i = 0; i < c->npatterns; i++) {
		put32(&w, c->patterns[i].len);
		put32(&w, c->patterns[i].flags);
		put(&w, c->patterns[i].bytes, c->patterns[i].len);
	}
	for (i = 0; i < c->nrules; i++) {
		const struct nfips_crule *r = &c->rules[i];
		uint8_t b[4] = { r->action, r->cls, r->proto, r->dsize_op };
		uint32_t ml = (uint32_t)strlen(r->msg ? r->msg : "");

		put32(&w, r->gid);
		put32(&w, r->sid);
		put32(&w, r->rev);
		put(&w, b, 4);
		put32(&w, r->flags);
		put32(&w, r->pattern);
		put32(&w, r->offset);
		put32(&w, r->depth);
		put32(&w, r->dsize_a);
		put32(&w, r->dsize_b);
		put32(&w, r->nsrc4);
		put32(&w, r->ndst4);
		put32(&w, r->nsrc6);
		put32(&w, r->ndst6);
		put32(&w, r->nsport);
		put32(&w, r->ndport);
		put_r4(&w, r->src4, r->nsrc4);
		put_r4(&w, r->dst4, r->ndst4);
		put_r6(&w, r->src6, r->nsrc6);
		put_r6(&w, r->dst6, r->ndst6);
		put_r4(&w, r->sport, r->nsport);
		put_r4(&w, r->dport, r->ndport);
		put32(&w, ml);
		put(&w, r->msg ? r->msg : "", ml);
	}
	if (w.oom) {
		free(w.b);
		return -ENOMEM;
	}
	*buf = w.b;
	*len = w.len;
	return 0;
}

/* ---- reader -------------------------------------------------------- */

struct rbuf {
	const uint8_t *b;
	size_t len, off;
	char *err;
	size_t errlen;
	bool bad;
};

__attribute__((format(printf, 2, 3)))
static void fail(struct rbuf *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->bad)
		return;
	r->bad = true;
	if (!r->err || !r->errlen)
		return;
	n = snprintf(r->err, r->errlen, "offset %zu: ", r->off);
	if (n < 0 || (size_t)n >= r->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static const uint8_t *get(struct rbuf *r, size_t n, const char *what)
{
	size_t pad = (4 - n % 4) % 4;
	const uint8_t *p;

	if (r->bad)
		return NULL;
	if (n > r->len - r->off || pad > r->len - r->off - n) {
		fail(r, "%s runs past the end", what);
		return NULL;
	}
	p = r->b + r->off;
	r->off += n + pad;
	return p;
}

static uint32_t get32(struct rbuf *r, const char *what)
{
	const uint8_t *p = get(r, 4, what);

	return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		   (uint32_t)p[3] << 24 : 0;
}

/* A count of items of @size bytes that must still fit in the buffer. */
static uint32_t get_count(struct rbuf *r, size_t size, const char *what)
{
	uint32_t n = get32(r, what);

	if (!r->bad && (uint64_t)n * size > r->len - r->off) {
		fail(r, "%s count %u exceeds the data", what, n);
		return 0;
	}
	return n;
}

static struct nfips_crange4 *get_r4(struct rbuf *r, uint32_t n, uint32_t max,
				    const char *what)
{
	struct nfips_crange4 *v;
	uint32_t i;

	if (!n || r->bad)
		return NULL;
	v = calloc(n, sizeof(*v));
	if (!v) {
		fail(r, "out of memory");
		return NULL;
	}
	for (i = 0; i < n && !r->bad; i++) {
		v[i].lo = get32(r, what);
		v[i].hi = get32(r, what);
		if (v[i].lo > v[i].hi || v[i].hi > max || (i && v[i].lo <= v[i - 1].hi))
			fail(r, "%s ranges not sorted and disjoint", what);
	}
	return v;
}

static struct nfips_crange6 *get_r6(struct rbuf *r, uint32_t n, const char *what)
{
	struct nfips_crange6 *v;
	const uint8_t *p;
	uint32_t i;

	if (!n || r->bad)
		return NULL;
	v = calloc(n, sizeof(*v));
	if (!v) {
		fail(r, "out of memory");
		return NULL;
	}
	for (i = 0; i < n && !r->bad; i++) {
		if ((p = get(r, 16, what)))
			memcpy(v[i].lo, p, 16);
		if ((p = get(r, 16, what)))
			memcpy(v[i].hi, p, 16);
		/* Network order compares as bytes. */
		if (!r->bad && (memcmp(v[i].lo, v[i].hi, 16) > 0 ||
				(i && memcmp(v[i].lo, v[i - 1].hi, 16) <= 0)))
			fail(r, "%s ranges not sorted and disjoint", what);
	}
	return v;
}

static void read_rule(struct rbuf *r, struct nfips_compiled *c, struct nfips_crule *cr)
{
	const uint8_t *b;
	uint32_t ml;

	cr->gid = get32(r, "gid");
	cr->sid = get32(r, "sid");
	cr->rev = get32(r, "rev");
	b = get(r, 4, "action");
	if (b) {
		cr->action = b[0];
		cr->cls = b[1];
		cr->proto = b[2];
		cr->dsize_op = b[3];
	}
	cr->flags = get32(r, "flags");
	cr->pattern = get32(r, "pattern");
	cr->offset = get32(r, "offset");
	cr->depth = get32(r, "depth");
	cr->dsize_a = get32(r, "dsize");
	cr->dsize_b = get32(r, "dsize");
	if (r->bad)
		return;
	if (cr->action > NFIPS_ACTION_PASS || (cr->cls != NFIPS_CLASS_KERNEL &&
					       cr->cls != NFIPS_CLASS_SLOW) ||
	    cr->proto > NFIPS_PROTO_TCP_STREAM || cr->dsize_op > NFIPS_CMP_RANGE ||
	    (cr->flags & ~NFIPS_CR_ALL))
		return fail(r, "sid %u: invalid action, class, protocol, dsize or flags", cr->sid);
	if (cr->pattern >= c->npatterns)
		return fail(r, "sid %u: pattern %u of %u", cr->sid, cr->pattern, c->npatterns);
	cr->nsrc4 = get_count(r, 8, "src4");
	cr->ndst4 = get_count(r, 8, "dst4");
	cr->nsrc6 = get_count(r, 32, "src6");
	cr->ndst6 = get_count(r, 32, "dst6");
	cr->nsport = get_count(r, 8, "sport");
	cr->ndport = get_count(r, 8, "dport");
	cr->src4 = get_r4(r, cr->nsrc4, UINT32_MAX, "src4");
	cr->dst4 = get_r4(r, cr->ndst4, UINT32_MAX, "dst4");
	cr->src6 = get_r6(r, cr->nsrc6, "src6");
	cr->dst6 = get_r6(r, cr->ndst6, "dst6");
	cr->sport = get_r4(r, cr->nsport, 65535, "sport");
	cr->dport = get_r4(r, cr->ndport, 65535, "dport");
	ml = get_count(r, 1, "msg");
	b = get(r, ml, "msg");
	if (!b)
		return;
	cr->msg = malloc((size_t)ml + 1);
	if (!cr->msg)
		return fail(r, "out of memory");
	memcpy(cr->msg, b, ml);
	cr->msg[ml] = 0;
	if (strlen(cr->msg) != ml)
		fail(r, "sid %u: NUL in msg", cr->sid);
}

int nfips_compiled_read(const uint8_t *buf, size_t len, struct nfips_compiled **out,
			char *err, size_t errlen)
{
	struct rbuf r = { buf, len, 0, err, errlen, false };
	struct nfips_compiled *c = calloc(1, sizeof(*c));
	const uint8_t *p;
	uint32_t i, n;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	if (!c)
		return -ENOMEM;
	p = get(&r, sizeof(magic), "magic");
	if (p && memcmp(p, magic, sizeof(magic)))
		fail(&r, "not a compiled nfips policy");
	c->version = get32(&r, "version");
	if (!r.bad && c->version != NFIPS_COMPILED_VERSION)
		fail(&r, "version %u, this reader knows %u", c->version, NFIPS_COMPILED_VERSION);
	n = get_count(&r, 8, "pattern");
	c->nrules = 0;
	i = get_count(&r, 64, "rule");
	if (!r.bad) {
		c->patterns = calloc(n ? n : 1, sizeof(*c->patterns));
		c->rules = calloc(i ? i : 1, sizeof(*c->rules));
		if (!c->patterns || !c->rules)
			fail(&r, "out of memory");
	}
	for (c->npatterns = 0; !r.bad && c->npatterns < n; c->npatterns++) {
		struct nfips_cpattern *cp = &c->patterns[c->npatterns];

		cp->len = get32(&r, "pattern length");
		cp->flags = get32(&r, "pattern flags");
		if (!r.bad && (!cp->len || cp->len > NFIPS_AC_MAX_LEN || (cp->flags & ~NFIPS_CP_NOCASE))) {
			fail(&r, "pattern %u: length %u or flags %#x invalid", c->npatterns,
			     cp->len, cp->flags);
			break;
		}
		p = get(&r, cp->len, "pattern");
		if (!p)
			break;
		cp->bytes = malloc(cp->len);
		if (!cp->bytes) {
			fail(&r, "out of memory");
			break;
		}
		memcpy(cp->bytes, p, cp->len);
	}
	for (n = i; !r.bad && c->nrules < n; c->nrules++)
		read_rule(&r, c, &c->rules[c->nrules]);
	if (!r.bad && r.off != len)
		fail(&r, "%zu bytes after the last rule", len - r.off);
	if (r.bad) {
		nfips_compiled_free(c);
		return -EINVAL;
	}
	*out = c;
	return 0;
}
