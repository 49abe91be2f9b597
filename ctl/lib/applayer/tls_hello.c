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
#include <string.h>

#include <openssl/evp.h>

#include "tls_int.h"

enum {
	EXT_SNI = 0, EXT_GROUPS = 10, EXT_POINT_FORMATS = 11,
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

/* Appends "-v" (or "v" first in its field) to the JA3 string @b. */
static int ja3_add(struct bytes *b, bool *first, uint32_t v)
{
	char num[16];
	int k = snprintf(num, sizeof(num), "%s%u", *first ? "" : "-", v);

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
	unsigned int mdlen = 0, i;
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	if (!EVP_Digest(s->str[from].p ? s->str[from].p : (const uint8_t *)"",
			s->str[from].len, md, &mdlen, EVP_md5(), NULL))
		return -1;
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return tls_set(s, to, hex, 2 * mdlen);
}

/* The server_name extension: its first entry, when a host_name. */
static int sni(struct tls_state *s, struct rd r)
{
	struct rd list, name;
	uint32_t len, type;

	if (u16(&r, &len) || sub(&r, len, &list) || u8(&list, &type) ||
	    u16(&list, &len) || sub(&list, len, &name))
		return 1;
	if (type != 0 || s->has[TLS_SNI])
		return 0;
	return tls_set(s, TLS_SNI, name.p, name.n);
}

/*
 * The extensions of a hello: the JA3 extension list into @ja (with
 * @groups and @formats for a client's), the SNI, the negotiated version.
 * 1: malformed.
 */
static int extensions(struct tls_state *s, int dir, struct rd r, struct bytes *ja,
		      struct bytes *groups, struct bytes *formats)
{
	bool first = true;
	uint32_t type, len, v;
	struct rd e, l;
	int ret;

	while (r.n) {
		if (u16(&r, &type) || u16(&r, &len) || sub(&r, len, &e))
			return 1;
		if (!grease(type) && ja3_add(ja, &first, type))
			return -1;
		ret = 0;
		if (!dir && type == EXT_SNI) {
			ret = sni(s, e);
		} else if (!dir && type == EXT_GROUPS) {
			if (u16(&e, &len) || sub(&e, len, &l))
				return 1;
			ret = ja3_list16(groups, l);
		} else if (!dir && type == EXT_POINT_FORMATS) {
			bool f1 = true;

			if (u8(&e, &len) || sub(&e, len, &l))
				return 1;
			while (!ret && !u8(&l, &v))
				ret = ja3_add(formats, &f1, v);
		} else if (!dir && type == EXT_EARLY_DATA) {
			s->early_data = true;
		} else if (dir && type == EXT_SUPPORTED_VERSIONS) {
			if (u16(&e, &v))
				return 1;
			s->version = (uint16_t)v;
		}
		if (ret)
			return ret;
	}
	return 0;
}

int tls_hello(struct tls_state *s, int dir, const uint8_t *d, uint32_t n)
{
	struct bytes ja = { 0 }, groups = { 0 }, formats = { 0 };
	struct rd r = { d, n }, skip, list;
	uint32_t version, len, cipher;
	char num[16];
	int k, ret = 1;

	if (u16(&r, &version) || sub(&r, 32, &skip) || u8(&r, &len) || sub(&r, len, &skip))
		return 0;	/* too short to be a hello: nothing to take */
	s->version = (uint16_t)version;
	k = snprintf(num, sizeof(num), "%u,", version);
	if (bytes_add(&ja, num, (size_t)k))
		goto out;
	if (!dir) {
		if (u16(&r, &len) || sub(&r, len, &list))
			goto out;
		if (ja3_list16(&ja, list) || u8(&r, &len) || sub(&r, len, &skip))
			goto out;
	} else {
		if (u16(&r, &cipher) || u8(&r, &len))	/* cipher, compression */
			goto out;
		k = snprintf(num, sizeof(num), "%u", cipher);
		if (bytes_add(&ja, num, (size_t)k))
			goto out;
	}
	if (bytes_add(&ja, ",", 1))
		goto out;
	if (r.n && (u16(&r, &len) || sub(&r, len, &list) ||
		    extensions(s, dir, list, &ja, &groups, &formats)))
		goto out;
	if (!dir && (bytes_add(&ja, ",", 1) || bytes_add(&ja, groups.p, groups.len) ||
		     bytes_add(&ja, ",", 1) || bytes_add(&ja, formats.p, formats.len)))
		goto out;
	ret = -1;
	if (tls_set(s, dir ? TLS_JA3S : TLS_JA3, ja.p, ja.len) ||
	    md5_hex(s, dir ? TLS_JA3S : TLS_JA3, dir ? TLS_JA3S_HASH : TLS_JA3_HASH))
		goto out;
	ret = 0;
out:
	bytes_free(&ja);
	bytes_free(&groups);
	bytes_free(&formats);
	/* A malformed hello keeps what was decoded before the fault. */
	return ret < 0 ? -1 : 0;
}
