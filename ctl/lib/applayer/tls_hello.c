// SPDX-License-Identifier: GPL-2.0
/*
 * ClientHello and ServerHello bodies, as Suricata 7 decodes them
 * (app-layer-ssl.c TLSDecodeHSHello*): the SNI (the first host_name of
 * the server_name extension), the JA3 and JA3S strings and their MD5
 * (util-ja3.c: decimal values joined by '-', fields by ',', GREASE values
 * left out of the cipher, extension and group lists), the version a
 * supported_versions extension negotiates. Every length is checked
 * against what is left of the message: a short one refuses the message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "tls_int.h"

enum {
	EXT_SNI = 0, EXT_GROUPS = 10, EXT_POINT_FORMATS = 11, EXT_SIGALGS = 13, EXT_ALPN = 16,
	EXT_EARLY_DATA = 42, EXT_SUPPORTED_VERSIONS = 43,
};

/* A cursor over a message: every read checked against its end. */
struct rd {
	const uint8_t *p;
	uint32_t n;
};

static int u8(struct rd *r, uint32_t *v)
{
	if (r->n < 1)
		return -1;
	*v = r->p[0];
	r->p++;
	r->n--;
	return 0;
}

static int u16(struct rd *r, uint32_t *v)
{
	if (r->n < 2)
		return -1;
	*v = (uint32_t)r->p[0] << 8 | r->p[1];
	r->p += 2;
	r->n -= 2;
	return 0;
}

/* The next @len bytes as their own cursor. */
static int sub(struct rd *r, uint32_t len, struct rd *out)
{
	if (r->n < len)
		return -1;
	out->p = r->p;
	out->n = len;
	r->p += len;
	r->n -= len;
	return 0;
}

/* GREASE (RFC 8701): 0x0a0a, 0x1a1a ... 0xfafa. */
static bool grease(uint32_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/*
 * Digits by hand, not snprintf: every ClientHello's JA3 takes one number
 * per cipher, extension, group and format, and snprintf's parsing of its
 * format made tls_hello 1.7% of a replay's instructions with ET Open.
 */
static const char hexdig[] = "0123456789abcdef";

/* @v in decimal at @out (at least 10 bytes); the number of digits. */
static int put_dec(char *out, uint32_t v)
{
	char t[10];
	int n = 0, i;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = t[n - 1 - i];
	return n;
}

/* @n bytes of @md as lower-case hex at @out, NUL-terminated. */
static void put_hex(char *out, const unsigned char *md, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexdig[md[i] >> 4];
		out[2 * i + 1] = hexdig[md[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/* Appends "-v" (or "v" first in its field) to the JA3 string @b. */
static int ja3_add(struct bytes *b, bool *first, uint32_t v)
{
	char num[16];
	int k = 0;

	if (!*first)
		num[k++] = '-';
	k += put_dec(num + k, v);
	*first = false;
	return bytes_add(b, num, (size_t)k);
}

/* A JA3 field of 16-bit values (GREASE left out). */
static int ja3_list16(struct bytes *b, struct rd r)
{
	bool first = true;
	uint32_t v;

	while (r.n >= 2) {
		u16(&r, &v);
		if (!grease(v) && ja3_add(b, &first, v))
			return -1;
	}
	return r.n ? 1 : 0;
}

static int md5_hex(struct tls_state *s, enum tls_str from, enum tls_str to)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	if (!EVP_Digest(s->str[from].p ? s->str[from].p : (const uint8_t *)"",
			s->str[from].len, md, &mdlen, EVP_md5(), NULL))
		return -1;
	put_hex(hex, md, mdlen);
	return tls_set(s, to, hex, 2 * mdlen);
}

bool tls_version_valid(uint32_t v)
{
	return (v >= 0x0300 && v <= 0x0304) || (v >= 0x7f10 && v <= 0x7f1c) || v == 0x7f01 ||
	       (v >= 0xfb14 && v <= 0xfb17) || v == 0xfb1a;
}

/* Direction @dir's version (struct tls_state's ver). */
static void set_version(struct tls_state *s, int dir, uint32_t v)
{
	if (s->ver[dir] != v)
		s->gen[dir]++;
	s->ver[dir] = (uint16_t)v;
}

/*
 * The server_name extension as TLSDecodeHSHelloExtensionSni reads it:
 * the list length skipped, the first entry taken when a host_name of 1
 * to 255 bytes; the SNI of the first hello that has one. *used: the
 * bytes decoded. 1: not decodable.
 */
static int sni(struct tls_state *s, int dir, struct rd r, uint32_t *used)
{
	uint32_t skip, type, len;
	struct rd name;

	*used = 0;
	if (!r.n)
		return 0;
	if (u16(&r, &skip) || u8(&r, &type) || type != 0 || u16(&r, &len) ||
	    !len || len > 255 || sub(&r, len, &name))
		return 1;
	*used = 5 + len;
	if (dir || s->has[TLS_SNI])
		return 0;	/* a server's SNI is no buffer */
	return tls_set(s, TLS_SNI, name.p, name.n);
}

/* A JA4 list's value, GREASE left out; a list at TLS_JA4_MAX is full. */
static int u16_add(struct bytes *b, uint32_t v)
{
	uint16_t x = (uint16_t)v;

	return grease(v) || b->len + sizeof(x) > TLS_JA4_MAX ? 0 :
	       bytes_add_max(b, &x, sizeof(x), TLS_JA4_MAX);
}

static void ja4_version(struct ja4 *j, uint32_t v)
{
	if (!grease(v) && v > j->version)
		j->version = (uint16_t)v;
}

/* JA4's extension fields (ja4.rs add_extension, set_alpn, signature algorithms). */
static int ja4_ext(struct ja4 *j, uint32_t type, struct rd e)
{
	uint32_t len, v;
	struct rd l, name;

	if (type == EXT_SIGALGS) {
		if (u16(&e, &len) || sub(&e, len, &l))
			return 1;
		while (!u16(&l, &v))
			if (u16_add(&j->sigalgs, v))
				return -1;
	} else if (type == EXT_ALPN) {
		/* ext_decode checked it; a first protocol past the list is none */
		if (u16(&e, &len) || sub(&e, len, &l) || u8(&l, &len) || sub(&l, len, &name))
			return 0;
		/* the first protocol; one byte, or a GREASE pair, leaves "00" */
		if (name.n > 1 && !(name.n == 2 && grease((uint32_t)name.p[0] << 8 | name.p[1]))) {
			j->alpn[0] = (char)name.p[0];
			j->alpn[1] = (char)name.p[name.n - 1];
		}
	} else if (type == EXT_SUPPORTED_VERSIONS) {
		/* the first valid version, as the client's (ext_decode) */
		if (u8(&e, &len) || sub(&e, len, &l))
			return 1;
		while (!u16(&l, &v))
			if (tls_version_valid(v)) {
				ja4_version(j, v);
				break;
			}
	}
	return 0;
}

/* An extension counts; its type is hashed but for SNI and ALPN. */
static int ja4_added(struct ja4 *j, uint32_t type)
{
	if (grease(type))
		return 0;
	j->nexts++;
	if (type == EXT_SNI)
		j->sni = true;
	return type == EXT_SNI || type == EXT_ALPN ? 0 : u16_add(&j->exts, type);
}

static int cmp16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return x < y ? -1 : x > y;
}

/* "%04x" values joined by ','; sorted first when @sort. */
static int hex_list(struct bytes *out, struct bytes *b, bool sort)
{
	uint32_t i, n = b->len / 2;
	uint16_t *v = (uint16_t *)(void *)b->p;
	char h[8];

	if (sort && n)
		qsort(v, n, sizeof(*v), cmp16);
	for (i = 0; i < n; i++) {
		h[0] = ',';
		h[1] = hexdig[v[i] >> 12];
		h[2] = hexdig[v[i] >> 8 & 0xf];
		h[3] = hexdig[v[i] >> 4 & 0xf];
		h[4] = hexdig[v[i] & 0xf];
		if (bytes_add(out, i ? h : h + 1, i ? 5 : 4))
			return -1;
	}
	return 0;
}

/* The first 12 hex digits of the SHA-256 of @b. */
static void sha12(const struct bytes *b, char out[13])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_Digest(b->p ? b->p : (const uint8_t *)"", b->len, md, &n, EVP_sha256(), NULL))
		memset(md, 0, 6);
	put_hex(out, md, 6);
}

/* ja4.rs get_hash: t<version><d|i><ciphers><extensions><alpn>_<b>_<c>. */
static int ja4_set(struct tls_state *s, struct ja4 *j)
{
	static const struct {
		uint16_t v;
		const char *code;
	} codes[] = { { 0x0304, "13" }, { 0x0303, "12" }, { 0x0302, "11" },
		      { 0x0301, "10" }, { 0x0300, "s3" } };
	struct bytes raw = { 0 };
	const char *ver = "00";
	char out[40], b[13], c[13];
	size_t i;
	int ret = -1;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].v == j->version)
			ver = codes[i].code;
	/* sorted in place: JA4 hashes them sorted, their order is no one else's */
	if (hex_list(&raw, &j->ciphers, true))
		goto out;
	sha12(&raw, b);
	raw.len = 0;
	if (hex_list(&raw, &j->exts, true) || bytes_add(&raw, "_", 1) ||
	    hex_list(&raw, &j->sigalgs, false))
		goto out;
	sha12(&raw, c);
	snprintf(out, sizeof(out), "t%s%c%02u%02u%c%c_%s_%s", ver, j->sni ? 'd' : 'i',
		 j->ciphers.len / 2 > 99 ? 99 : j->ciphers.len / 2, j->nexts > 99 ? 99 : j->nexts,
		 j->alpn[0], j->alpn[1], b, c);
	ret = tls_set(s, TLS_JA4, out, strlen(out));
out:
	bytes_free(&raw);
	return ret;
}

/*
 * The JA4 @j differs from what it was (@before, a copy of it before a
 * hello added to it): lists only grow (to TLS_JA4_MAX), counts show
 * up to 99.
 */
static bool ja4_changed(const struct ja4 *before, const struct ja4 *j)
{
	return j->version != before->version || j->ciphers.len != before->ciphers.len ||
	       j->exts.len != before->exts.len || j->sigalgs.len != before->sigalgs.len ||
	       (j->nexts != before->nexts && before->nexts < 99) || j->sni != before->sni ||
	       memcmp(j->alpn, before->alpn, 2);
}

int tls_ja4_update(struct tls_state *s)
{
	if (!s->ja4_dirty)
		return 0;
	s->ja4_dirty = false;
	s->ja4_builds++;
	return ja4_set(s, &s->ja4);
}

/*
 * supported_groups as TLSDecodeHSHelloExtensionEllipticCurves reads it
 * (JA3 on): a client's values two bytes at a time while the list lasts,
 * each pair checked against the extension's end only (an odd list reads
 * one byte past itself); *used: the bytes read.
 */
static int groups_ext(bool sh, struct rd e, struct bytes *groups, uint32_t *used)
{
	uint32_t len, p;
	bool first = !groups->len;

	*used = 0;
	if (!e.n)
		return 0;
	if (u16(&e, &len) || len > e.n)
		return 1;
	for (p = 0; !sh && p < len; p += 2) {
		if (p + 2 > e.n)
			return 1;
		if (!grease((uint32_t)e.p[p] << 8 | e.p[p + 1]) &&
		    ja3_add(groups, &first, (uint32_t)e.p[p] << 8 | e.p[p + 1]))
			return -1;
	}
	*used = 2 + (sh ? len : p);
	return 0;
}

/*
 * An extension's content as Suricata 7.0.10 decodes it; *used: how far
 * its cursor moves, by what was decoded for server_name,
 * supported_groups, ec_point_formats, supported_versions and
 * signature_algorithms, by the extension's length for the others. 1:
 * not decodable (the list ends there).
 */
static int ext_decode(struct tls_state *s, int dir, bool sh, uint32_t type, struct rd e,
		      struct bytes *groups, struct bytes *formats, uint32_t *used)
{
	const uint32_t n = e.n;
	uint32_t len, v, p;
	bool first = !formats->len;

	*used = n;
	if (!n && (type == EXT_SNI || type == EXT_GROUPS || type == EXT_POINT_FORMATS ||
		   type == EXT_SUPPORTED_VERSIONS || type == EXT_SIGALGS)) {
		*used = 0;
		return 0;
	}
	switch (type) {
	case EXT_SNI:
		return sni(s, dir, e, used);
	case EXT_GROUPS:
		return groups_ext(sh, e, groups, used);
	case EXT_POINT_FORMATS:
		if (u8(&e, &len) || len > e.n)
			return 1;
		for (p = 0; !sh && p < len; p++)
			if (ja3_add(formats, &first, e.p[p]))
				return -1;
		*used = 1 + len;
		return 0;
	case EXT_SUPPORTED_VERSIONS:
		if (sh) {
			if (u16(&e, &v))
				return 1;
			if (s->ch_versions && v > 0x0303)
				s->tls13_hello = true;
			set_version(s, dir, v);
			*used = 2;
			return 0;
		}
		if (u8(&e, &len) || len < 2 || len > e.n)
			return 1;
		s->ch_versions = true;
		/* the client's: the first valid one (GREASE and noise skipped) */
		for (p = 0; p + 1 < len; p += 2) {
			v = (uint32_t)e.p[p] << 8 | e.p[p + 1];
			if (tls_version_valid(v)) {
				set_version(s, dir, v);
				break;
			}
		}
		*used = 1 + len;
		return 0;
	case EXT_SIGALGS:
		if (u16(&e, &len) || len % 2 || len > e.n)
			return 1;
		*used = 2 + len;
		return 0;
	case EXT_ALPN:
		/* each protocol must fit the extension; one past the list ends it */
		if (u16(&e, &len) || len > e.n)
			return 1;
		for (p = 0; p < len;) {
			v = e.p[p++];
			if (v > e.n - p)
				return 1;
			if (p + v > len)
				break;
			p += v;
		}
		return 0;
	case EXT_EARLY_DATA:
		if (!sh)
			s->early_data = true;
		return 0;
	}
	return 0;
}

/*
 * The extensions of a hello (TLSDecodeHSHelloExtensions): @r from the
 * first extension to the hello's end, @total the list's length. Each
 * extension's header and content are bounded by the hello's end, not the
 * list's; the cursor moves as ext_decode says while the sum of the
 * extensions' lengths (16 bits, as Suricata's) stays under @total. The
 * JA3 extension list into @ja (with @groups and @formats for a
 * client's), the SNI, early data. An extension overrunning the hello is
 * an invalid length: 1, the JA3 extension fields are not added. One
 * whose content cannot be decoded ends the list there, as if it were
 * the last (it is not in the JA3 list).
 */
static int extensions(struct tls_state *s, int dir, bool sh, struct rd r, uint32_t total,
		      struct bytes *ja, struct bytes *groups, struct bytes *formats,
		      struct ja4 *j)
{
	bool first = true;
	uint32_t type, len, used;
	uint16_t done = 0;
	int ret;

	while (done < total) {
		if (u16(&r, &type) || u16(&r, &len) || len > r.n)
			return 1;
		ret = ext_decode(s, dir, sh, type, (struct rd){ r.p, len }, groups, formats, &used);
		if (!ret && j)
			ret = ja4_ext(j, type, (struct rd){ r.p, len });
		if (ret < 0)
			return -1;
		if (ret)
			return 0;	/* "goto end": the lists so far */
		r.p += used;
		r.n -= used;
		if (!grease(type) && ja3_add(ja, &first, type))
			return -1;
		if (j && ja4_added(j, type))
			return -1;
		done = (uint16_t)(done + len + 4);
	}
	return 0;
}

/*
 * The JA3 (JA3S) string and its hash while the direction has no hash
 * (Suricata 7.0.10 builds JA3 until one hello hashed it): the first
 * hello's, or this one's fields after its version appended to a string
 * an earlier hello left unhashed. @vlen: the length of @ja's version.
 */
static int ja3_set(struct tls_state *s, int dir, const struct bytes *ja, uint32_t vlen,
		   bool hash)
{
	const enum tls_str k = dir ? TLS_JA3S : TLS_JA3;
	const uint32_t room = s->str[k].len < TLS_JA3_MAX ? TLS_JA3_MAX - s->str[k].len : 0;
	uint32_t n = ja->len - vlen;

	if (s->has[dir ? TLS_JA3S_HASH : TLS_JA3_HASH])
		return 0;
	/* an unhashed string stops growing at TLS_JA3_MAX (tls_int.h) */
	if (s->has[k] && n > room)
		n = room;
	if (!s->has[k] ? tls_set(s, k, ja->p, ja->len) :
	    bytes_add_max(&s->str[k], ja->p + vlen, n, TLS_JA3_MAX))
		return -1;
	s->gen[dir]++;
	return hash ? md5_hex(s, k, dir ? TLS_JA3S_HASH : TLS_JA3_HASH) : 0;
}

/*
 * Suricata builds the JA3 string field by field as it decodes (version,
 * then the ciphers, then the extension fields at the end) and hashes it
 * once the extensions are decoded: a hello it fails to decode keeps the
 * string as far as it got ("771" or "771,4865-4866") and has no hash.
 * JA4 is one over every ClientHello of the flow (Suricata's ja4.rs
 * object is the connection's), SNI and JA3 come from the first hello
 * that has them. 1: malformed (what was decoded before stays; not an error of the
 * record: TLSDecodeHandshakeHello returns 0 either way).
 */
/*
 * TLSDecodeHSHelloSessionID: a direction's first non-empty session id is
 * kept; a ServerHello's equal to the client's marks the session resumed.
 */
static void session_id(struct tls_state *s, int dir, bool sh, const uint8_t *id, uint32_t len)
{
	if (!s->sid_len[dir]) {
		s->sid_len[dir] = (uint8_t)len;
		memcpy(s->sid[dir], id, len < 32 ? len : 32);
	}
	if (sh && s->sid_len[0] && s->sid_len[0] == s->sid_len[1] &&
	    !memcmp(s->sid[0], s->sid[1], s->sid_len[0] < 32 ? s->sid_len[0] : 32))
		s->resumed = true;
}

int tls_hello(struct tls_state *s, int dir, bool sh, const uint8_t *d, uint32_t n)
{
	struct bytes ja = { 0 }, groups = { 0 }, formats = { 0 };
	struct ja4 sj4 = { .alpn = { '0', '0' } }, *j4 = sh || dir ? &sj4 : &s->ja4;
	const struct ja4 before = s->ja4;
	struct rd r = { d, n }, skip, list, l4;
	uint32_t version, len, cipher, base, v, vlen;
	char num[16];
	int k, ret = 1;

	if (u16(&r, &version))
		return 1;
	/*
	 * TLSDecodeHSHelloVersion: TLS 1.3 drafts 1 to 15 and a legacy
	 * version of 0x0304 are "TLS 1.3 draft-<16" (0x7f01).
	 */
	set_version(s, dir, (version >= 0x7f01 && version < 0x7f10) || version == 0x0304 ?
			    0x7f01 : version);
	ja4_version(j4, version);
	k = put_dec(num, version);
	vlen = (uint32_t)k;
	if (bytes_add(&ja, num, (size_t)k))
		goto oom;
	/*
	 * A TLS 1.3 draft's ServerHello (a legacy version of 0x0304 or
	 * 0x7fxx, or any once one negotiated TLS 1.3: Suricata's
	 * SSL_AL_FLAG_LOG_WITHOUT_CERT) has no session id nor compression.
	 */
	if (sh && (version == 0x0304 || (version >> 8) == 0x7f))
		s->tls13_hello = true;
	if (sub(&r, 32, &skip))
		goto out;
	if ((!sh || !s->tls13_hello) && (u8(&r, &len) || sub(&r, len, &skip)))
		goto out;
	if ((!sh || !s->tls13_hello) && len)
		session_id(s, dir, sh, skip.p, len);
	if (!sh) {
		if (u16(&r, &len) || sub(&r, len, &list))
			goto out;
		base = ja.len;
		if (bytes_add(&ja, ",", 1))
			goto oom;
		k = ja3_list16(&ja, list);
		if (k < 0)
			goto oom;
		if (k) {	/* odd: invalid before either fingerprint took one */
			ja.len = base;
			goto out;
		}
		for (l4 = list; !u16(&l4, &v);)
			if (u16_add(&j4->ciphers, v))
				goto oom;
		if (u8(&r, &len) || sub(&r, len, &skip))
			goto out;
	} else {
		if (u16(&r, &cipher))
			goto out;
		num[0] = ',';
		k = 1 + put_dec(num + 1, cipher);
		if (bytes_add(&ja, num, (size_t)k))
			goto oom;
		if (!s->tls13_hello && u8(&r, &len))	/* compression */
			goto out;
	}
	base = ja.len;		/* the extension fields never came: as far as here */
	if (bytes_add(&ja, ",", 1))
		goto oom;
	if (r.n) {
		if (u16(&r, &len) || len > r.n) {
			ja.len = base;
			goto out;
		}
		k = extensions(s, dir, sh, r, len, &ja, &groups, &formats, sh || dir ? NULL : j4);
		if (k < 0)
			goto oom;
		if (k) {
			ja.len = base;
			goto out;
		}
	}
	if (!sh && (bytes_add(&ja, ",", 1) || bytes_add(&ja, groups.p, groups.len) ||
		     bytes_add(&ja, ",", 1) || bytes_add(&ja, formats.p, formats.len)))
		goto oom;
	ret = 0;
out:
	if (ret >= 0 && ja3_set(s, dir, &ja, vlen, !ret))
		ret = -1;
	/* JA4 is the fields decoded so far: built by tls_ja4_update() if they changed. */
	if (!sh && !dir && (!s->has[TLS_JA4] || ja4_changed(&before, j4)))
		s->ja4_dirty = true;
	bytes_free(&sj4.ciphers);
	bytes_free(&sj4.exts);
	bytes_free(&sj4.sigalgs);
	bytes_free(&ja);
	bytes_free(&groups);
	bytes_free(&formats);
	return ret;
oom:
	ret = -1;
	goto out;
}
