// SPDX-License-Identifier: GPL-2.0
/*
 * byte_test, byte_jump and the packet header keywords (ttl, tos, id,
 * fragbits, itype, icode, icmp_id, icmp_seq, flags, seq, ack, window,
 * ip_proto). Values and their limits follow Suricata 7's parsers
 * (detect-bytetest.c, detect-bytejump.c, detect-tcp-flags.c, ...), so a
 * rule Suricata refuses is refused here too. A dce option selects the
 * DCERPC stub endianness, which needs the DCERPC parser: a skip reason.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule_int.h"

/* strtoull/strtoll with Suricata's base-0 parsing; the whole word must be used. */
static int num_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

static int num_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;

	if (!*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 0);
	if (errno || *end || *out < min || *out > max)
		return -1;
	return 0;
}

int byte_var(struct pstate *ps, const char *s, size_t off, const char *what,
	     uint32_t *idx)
{
	const struct nfips_rule *r = ps->r;
	uint32_t i;

	/* Suricata: "str[0] != '-' && isalpha(str[0])" names a variable. */
	if (!isalpha((unsigned char)*s))
		return 0;
	/* The first byte_extract of that name (DetectByteExtractRetrieveSMVar). */
	for (i = 0; i < r->nmatches; i++) {
		const struct nfips_match *m = &r->matches[i];

		if (m->type == NFIPS_MATCH_BYTE_EXTRACT && !strcmp(m->u.byteextract.name, s)) {
			*idx = m->u.byteextract.var;
			return 1;
		}
	}
	/* A byte_math result: the rule is skipped for byte_math already. */
	if (ps->byte_math) {
		*idx = 0;
		return 1;
	}
	return perr(ps, off, "%s: unknown byte_extract variable '%s'", what, s);
}

struct fields {
	char *f[16];
	size_t off[16];
	int n;
};

/* Splits at ',' into trimmed fields (in place in @buf, a copy of val). */
static int fields_split(struct pstate *ps, char *buf, size_t voff, struct fields *fl)
{
	char *p = buf, *e;

	fl->n = 0;
	for (;;) {
		if (fl->n == 16)
			return perr(ps, voff, "too many options");
		while (isspace((unsigned char)*p))
			p++;
		e = strchr(p, ',');
		if (e)
			*e = 0;
		fl->f[fl->n] = p;
		fl->off[fl->n] = voff + (size_t)(p - buf);
		for (char *t = p + strlen(p); t > p && isspace((unsigned char)t[-1]); t--)
			t[-1] = 0;
		fl->n++;
		if (!e)
			return 0;
		p = e + 1;
	}
}

/* Options common to byte_test and byte_jump. 1 handled, 0 not, -1 error. */
static int byte_common(struct pstate *ps, const char *f, size_t off,
		       uint32_t *flags, uint8_t *base)
{
	static const struct {
		const char *name;
		uint8_t base;
	} bases[] = { { "dec", 10 }, { "hex", 16 }, { "oct", 8 } };
	unsigned i;

	/* Suricata compares "relative" case-sensitively, the rest not. */
	if (!strcmp(f, "relative")) {
		*flags |= NFIPS_B_RELATIVE;
		return 1;
	}
	if (!strcasecmp(f, "string")) {
		*flags |= NFIPS_B_STRING;
		return 1;
	}
	if (!strcasecmp(f, "big")) {
		*flags &= ~NFIPS_B_LITTLE;
		return 1;
	}
	if (!strcasecmp(f, "little")) {
		*flags |= NFIPS_B_LITTLE;
		return 1;
	}
	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		if (!strcasecmp(f, bases[i].name)) {
			*base = bases[i].base;
			return 1;
		}
	}
	if (!strcasecmp(f, "dce"))
		return pskip(ps, off, "dce") ? -1 : 1;
	return 0;
}

static int byte_nbytes(struct pstate *ps, const char *what, const char *s,
		       size_t off, uint32_t *flags, uint8_t base, uint32_t *n)
{
	int k = byte_var(ps, s, off, what, n);

	if (k < 0)
		return -1;
	if (k) {	/* checked when the rule runs */
		*flags |= NFIPS_B_NBYTES_VAR;
		return 0;
	}
	if (parse_u32(s, 255, n))
		return perr(ps, off, "%s: invalid number of bytes '%s'", what, s);
	/*
	 * Suricata 7 accepts 0 with string: the number is then read from the
	 * rest of the buffer (byte_test; eval.c). byte_jump's is not done.
	 */
	if (!*n && (*flags & NFIPS_B_STRING))
		return strcmp(what, "byte_test") ? pskip(ps, off, "%s of 0 bytes", what) : 0;
	if (!*n)
		return perr(ps, off, "%s: 0 bytes", what);
	if ((*flags & NFIPS_B_STRING) && *n > 23)
		return perr(ps, off, "%s: at most 23 bytes with string", what);
	if (!(*flags & NFIPS_B_STRING) && *n > 8)
		return perr(ps, off, "%s: at most 8 bytes without string", what);
	if (!(*flags & NFIPS_B_STRING) && base)
		return perr(ps, off, "%s: a base needs string", what);
	return 0;
}

static void note_relative(struct pstate *ps, uint32_t flags)
{
	(void)flags;
	/* The relative anchor is whatever moved the position last. */
	ps->last_payload = (int32_t)(ps->r->nmatches - 1);
}

/* byte_test:<n>, [!]<op>, <value>, <offset>[, relative][, big|little][, string, dec|hex|oct][, bitmask <m>][, dce] */
int opt_byte_test(struct pstate *ps, const char *val, size_t voff)
{
	static const struct {
		const char *s;
		enum nfips_bt_op op;
	} ops[] = {
		{ "<", NFIPS_BT_LT }, { ">", NFIPS_BT_GT }, { "=", NFIPS_BT_EQ },
		{ "&", NFIPS_BT_AND }, { "^", NFIPS_BT_XOR }, { ">=", NFIPS_BT_GE },
		{ "<=", NFIPS_BT_LE },
	};
	struct nfips_match *m = match_add(ps, voff, NFIPS_MATCH_BYTE_TEST);
	struct nfips_bytetest *bt;
	struct fields fl;
	char *buf, *op;
	uint32_t n = 0, var;
	int64_t v;
	unsigned i;
	int ret = -1, k;

	if (!m)
		return -1;
	bt = &m->u.bytetest;
	buf = strdup(val);
	if (!buf)
		return perr(ps, voff, "out of memory");
	if (fields_split(ps, buf, voff, &fl))
		goto out;
	if (fl.n < 4) {
		perr(ps, voff, "byte_test: expected <bytes>,<operator>,<value>,<offset>");
		goto out;
	}
	for (i = 4; i < (unsigned)fl.n; i++) {
		k = byte_common(ps, fl.f[i], fl.off[i], &bt->flags, &bt->base);
		if (k < 0)
			goto out;
		if (k)
			continue;
		if (!strncasecmp(fl.f[i], "bitmask", 7) && isspace((unsigned char)fl.f[i][7])) {
			uint64_t mask;
			const char *ms = skip_ws(fl.f[i] + 7);

			if (num_u64(ms, &mask) || mask > UINT32_MAX) {
				perr(ps, fl.off[i], "byte_test: invalid bitmask '%s'", ms);
				goto out;
			}
			bt->flags |= NFIPS_B_BITMASK;
			bt->bitmask = (uint32_t)mask;
			/* The masked value is shifted right past the mask's trailing zeros. */
			for (bt->shift = 0; mask && !(mask & 1); mask >>= 1)
				bt->shift++;
			continue;
		}
		perr(ps, fl.off[i], "byte_test: unknown option '%s'", fl.f[i]);
		goto out;
	}
	if (byte_nbytes(ps, "byte_test", fl.f[0], fl.off[0], &bt->flags, bt->base, &n))
		goto out;
	bt->nbytes = (uint8_t)n;
	op = fl.f[1];
	if (*op == '!') {
		bt->flags |= NFIPS_B_NEGATED;
		op = (char *)skip_ws(op + 1);
	}
	bt->op = NFIPS_BT_EQ;
	if (*op || !(bt->flags & NFIPS_B_NEGATED)) {
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if (!strcmp(op, ops[i].s))
				break;
		if (i == sizeof(ops) / sizeof(ops[0])) {
			perr(ps, fl.off[1], "byte_test: invalid operator '%s'", fl.f[1]);
			goto out;
		}
		bt->op = ops[i].op;
	}
	k = byte_var(ps, fl.f[2], fl.off[2], "byte_test", &var);
	if (k < 0)
		goto out;
	if (k) {
		bt->flags |= NFIPS_B_VALUE_VAR;
		bt->value = var;
	} else if (num_u64(fl.f[2], &bt->value)) {
		perr(ps, fl.off[2], "byte_test: invalid value '%s'", fl.f[2]);
		goto out;
	}
	k = byte_var(ps, fl.f[3], fl.off[3], "byte_test", &var);
	if (k < 0)
		goto out;
	if (k) {
		bt->flags |= NFIPS_B_OFFSET_VAR;
		bt->offset = (int32_t)var;
	} else {
		if (num_i64(fl.f[3], INT32_MIN, INT32_MAX, &v)) {
			perr(ps, fl.off[3], "byte_test: invalid offset '%s'", fl.f[3]);
			goto out;
		}
		bt->offset = (int32_t)v;
	}
	note_relative(ps, bt->flags);
	ret = 0;
out:
	free(buf);
	return ret;
}

/* byte_jump:<n>, <offset>[, relative][, multiplier <m>][, big|little][, string, dec|hex|oct][, align][, from_beginning|from_end][, post_offset <o>][, dce] */
int opt_byte_jump(struct pstate *ps, const char *val, size_t voff)
{
	struct nfips_match *m = match_add(ps, voff, NFIPS_MATCH_BYTE_JUMP);
	struct nfips_bytejump *bj;
	struct fields fl;
	char *buf;
	uint32_t n = 0;
	int64_t v;
	int i, k, ret = -1;

	if (!m)
		return -1;
	bj = &m->u.bytejump;
	bj->multiplier = 1;
	buf = strdup(val);
	if (!buf)
		return perr(ps, voff, "out of memory");
	if (fields_split(ps, buf, voff, &fl))
		goto out;
	if (fl.n < 2) {
		perr(ps, voff, "byte_jump: expected <bytes>,<offset>");
		goto out;
	}
	for (i = 2; i < fl.n; i++) {
		const char *f = fl.f[i];

		k = byte_common(ps, f, fl.off[i], &bj->flags, &bj->base);
		if (k < 0)
			goto out;
		if (k)
			continue;
		if (!strcasecmp(f, "align")) {
			bj->flags |= NFIPS_B_ALIGN;
		} else if (!strcasecmp(f, "from_beginning")) {
			bj->flags |= NFIPS_B_BEGIN;
		} else if (!strcasecmp(f, "from_end")) {
			bj->flags |= NFIPS_B_END;
		} else if (!strncasecmp(f, "multiplier ", 11)) {
			if (num_i64(skip_ws(f + 11), 1, 65535, &v)) {
				perr(ps, fl.off[i], "byte_jump: invalid multiplier '%s'", f + 11);
				goto out;
			}
			bj->multiplier = (uint32_t)v;
		} else if (!strncasecmp(f, "post_offset ", 12)) {
			if (num_i64(skip_ws(f + 12), -65535, 65535, &v)) {
				perr(ps, fl.off[i], "byte_jump: invalid post_offset '%s'", f + 12);
				goto out;
			}
			bj->post_offset = (int32_t)v;
		} else {
			perr(ps, fl.off[i], "byte_jump: unknown option '%s'", f);
			goto out;
		}
	}
	if ((bj->flags & NFIPS_B_BEGIN) && (bj->flags & NFIPS_B_END)) {
		perr(ps, voff, "byte_jump: from_beginning and from_end exclude each other");
		goto out;
	}
	if (byte_nbytes(ps, "byte_jump", fl.f[0], fl.off[0], &bj->flags, bj->base, &n))
		goto out;
	bj->nbytes = (uint8_t)n;
	k = byte_var(ps, fl.f[1], fl.off[1], "byte_jump", &n);
	if (k < 0)
		goto out;
	if (k) {
		bj->flags |= NFIPS_B_OFFSET_VAR;
		bj->offset = (int32_t)n;
	} else {
		if (num_i64(fl.f[1], -65535, 65535, &v)) {
			perr(ps, fl.off[1], "byte_jump: invalid offset '%s'", fl.f[1]);
			goto out;
		}
		bj->offset = (int32_t)v;
	}
	note_relative(ps, bj->flags);
	ret = 0;
out:
	free(buf);
	return ret;
}

/*
 * byte_extract:<n>, <offset>, <name>[, relative][, multiplier <m>][, big|little|dce]
 *              [, string[, hex|dec|oct]][, align 2|4]
 *
 * As Suricata 7's parser (detect-byte-extract.c): at most five option
 * fields after the name, each one or two words; multiplier and align take
 * the next word of their field; keywords are case-sensitive and may not
 * repeat; the base comes after string; string excludes an endianness;
 * at most 8 bytes, or 23 (oct), 20 (dec, the default) or 14 (hex)
 * characters with string.
 */
static int opt_byte_extract(struct pstate *ps, const char *val, size_t voff)
{
	struct nfips_match *m;
	struct nfips_byteextract *be;
	struct fields fl;
	char *buf = NULL;
	bool endian = false;
	uint32_t n;
	int32_t off;
	int i, ret = -1;

	if (ps->nbyte_extract >= NFIPS_MAX_BYTE_VARS)
		return perr(ps, voff, "byte_extract: more than %d in one rule",
			    NFIPS_MAX_BYTE_VARS);
	m = match_add(ps, voff, NFIPS_MATCH_BYTE_EXTRACT);
	if (!m)
		return -1;
	be = &m->u.byteextract;
	be->multiplier = 1;
	buf = strdup(val);
	if (!buf)
		return perr(ps, voff, "out of memory");
	if (fields_split(ps, buf, voff, &fl))
		goto out;
	if (fl.n < 3 || fl.n > 8) {
		perr(ps, voff, "byte_extract: expected <bytes>,<offset>,<name> and at most five options");
		goto out;
	}
	if (!isdigit((unsigned char)*fl.f[0]) || parse_u32(fl.f[0], 255, &n)) {
		perr(ps, fl.off[0], "byte_extract: invalid number of bytes '%s'", fl.f[0]);
		goto out;
	}
	be->nbytes = (uint8_t)n;
	if (parse_i32(fl.f[1], &off) || off < -65535 || off > 65535) {
		perr(ps, fl.off[1], "byte_extract: invalid offset '%s'", fl.f[1]);
		goto out;
	}
	be->offset = off;
	if (!*fl.f[2] || fl.f[2][strcspn(fl.f[2], " \t\r\n\v\f")]) {
		perr(ps, fl.off[2], "byte_extract: invalid variable name '%s'", fl.f[2]);
		goto out;
	}
	be->name = strdup(fl.f[2]);
	if (!be->name) {
		perr(ps, voff, "out of memory");
		goto out;
	}
	for (i = 3; i < fl.n; i++) {
		char *w[3];
		int nw = 0, k;

		for (char *p = fl.f[i]; *p && nw < 3;) {
			w[nw++] = p;
			p += strcspn(p, " \t\r\n\v\f");
			if (*p)
				*p++ = 0;
			while (isspace((unsigned char)*p))
				p++;
		}
		if (!nw || nw > 2 || (nw == 2 && !*w[1])) {
			perr(ps, fl.off[i], "byte_extract: invalid option '%s'", fl.f[i]);
			goto out;
		}
		for (k = 0; k < nw; k++) {
			const char *o = w[k];
			uint32_t bit = 0;

			if (!strcmp(o, "relative")) {
				bit = NFIPS_B_RELATIVE;
			} else if (!strcmp(o, "multiplier") || !strcmp(o, "align")) {
				bool mul = o[0] == 'm';

				bit = mul ? NFIPS_B_MULTIPLIER : NFIPS_B_ALIGN;
				if (be->flags & bit) {
					perr(ps, fl.off[i], "byte_extract: %s given twice", o);
					goto out;
				}
				if (++k >= nw || !isdigit((unsigned char)*w[k]) ||
				    parse_u32(w[k], mul ? 65535 : 255, &n) || (mul && !n) ||
				    (!mul && n != 2 && n != 4)) {
					perr(ps, fl.off[i], mul ?
					     "byte_extract: multiplier must be 1..65535" :
					     "byte_extract: align must be 2 or 4");
					goto out;
				}
				if (mul)
					be->multiplier = n;
				else
					be->align = (uint8_t)n;
				be->flags |= bit;
				continue;
			} else if (!strcmp(o, "big") || !strcmp(o, "little") || !strcmp(o, "dce")) {
				if (endian) {
					perr(ps, fl.off[i], "byte_extract: endianness given twice");
					goto out;
				}
				endian = true;
				if (!strcmp(o, "little"))
					be->flags |= NFIPS_B_LITTLE;
				else if (!strcmp(o, "dce") && pskip(ps, fl.off[i], "dce"))
					goto out;
				continue;
			} else if (!strcmp(o, "string")) {
				if (be->base) {
					perr(ps, fl.off[i], "byte_extract: the base comes after string");
					goto out;
				}
				bit = NFIPS_B_STRING;
			} else if (!strcmp(o, "hex") || !strcmp(o, "dec") || !strcmp(o, "oct")) {
				if (!(be->flags & NFIPS_B_STRING)) {
					perr(ps, fl.off[i], "byte_extract: %s without string", o);
					goto out;
				}
				if (be->base) {
					perr(ps, fl.off[i], "byte_extract: more than one base");
					goto out;
				}
				be->base = o[0] == 'h' ? 16 : o[0] == 'd' ? 10 : 8;
				continue;
			} else {
				perr(ps, fl.off[i], "byte_extract: unknown option '%s'", o);
				goto out;
			}
			if (be->flags & bit) {
				perr(ps, fl.off[i], "byte_extract: %s given twice", o);
				goto out;
			}
			be->flags |= bit;
		}
	}
	if (be->flags & NFIPS_B_STRING) {
		unsigned max;

		if (!be->base)
			be->base = 10;
		if (endian) {
			perr(ps, voff, "byte_extract: string excludes big, little and dce");
			goto out;
		}
		max = be->base == 8 ? 23 : be->base == 10 ? 20 : 14;
		if (be->nbytes > max) {
			perr(ps, fl.off[0], "byte_extract: at most %u characters with string, %s",
			     max, be->base == 8 ? "oct" : be->base == 10 ? "dec" : "hex");
			goto out;
		}
		/* Suricata reads an unterminated string for 0: not exact. */
		if (!be->nbytes && pskip(ps, fl.off[0], "byte_extract of 0 bytes"))
			goto out;
	} else if (be->nbytes > 8) {
		perr(ps, fl.off[0], "byte_extract: at most 8 bytes without string");
		goto out;
	}
	be->var = (uint8_t)ps->nbyte_extract++;
	/* byte_extract moves the relative position past what it read. */
	ps->last_payload = (int32_t)(ps->r->nmatches - 1);
	ret = 0;
out:
	free(buf);
	return ret;
}

/*
 * xbits:<set|unset|isset|isnotset>,<name>,track <ip_src|ip_dst|ip_pair>[,expire <s>]
 *
 * As Suricata 7 (detect-xbits.c): track is required, the expiry defaults
 * to 30 s and must be positive, names and keywords are case-sensitive,
 * and the name runs to the next comma. noalert is not accepted with
 * track, so never. toggle is skipped: toggling a bit whose time ran out
 * depends on whether Suricata's host table already dropped it.
 */
static int opt_xbits(struct pstate *ps, const char *val, size_t voff)
{
	static const char *const cmds[] = {
		[NFIPS_FB_SET] = "set", [NFIPS_FB_ISSET] = "isset",
		[NFIPS_FB_ISNOTSET] = "isnotset", [NFIPS_FB_UNSET] = "unset",
		[NFIPS_FB_TOGGLE] = "toggle",
	};
	struct nfips_rule *r = ps->r;
	struct nfips_xbit *xb;
	const char *p = val, *e, *name, *track;
	size_t cl, nl, tl;
	unsigned i;
	uint32_t expire = 30;

	for (cl = 0; p[cl] >= 'a' && p[cl] <= 'z'; cl++)
		;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cl == strlen(cmds[i]) && !strncmp(p, cmds[i], cl))
			break;
	if (!cl || p[cl] != ',' || i == sizeof(cmds) / sizeof(cmds[0]))
		return perr(ps, voff, "xbits: expected set, unset, isset, isnotset or toggle, "
			    "a name and track");
	name = skip_ws(p + cl + 1);
	nl = strcspn(name, ",");
	if (!nl || name[nl] != ',')
		return perr(ps, voff + (size_t)(name - val), "xbits: expected a name and track");
	e = skip_ws(name + nl + 1);
	if (strncmp(e, "track", 5) || !isspace((unsigned char)e[5]))
		return perr(ps, voff + (size_t)(e - val), "xbits: expected 'track'");
	track = skip_ws(e + 5);
	tl = strcspn(track, ",");
	xb = grow(r->xbits, r->nxbits, sizeof(*xb));
	if (!xb)
		return perr(ps, voff, "out of memory");
	r->xbits = xb;
	xb += r->nxbits++;
	memset(xb, 0, sizeof(*xb));
	xb->cmd = (enum nfips_flowbit_cmd)i;
	if (tl == 6 && !strncmp(track, "ip_src", 6))
		xb->track = NFIPS_XB_IP_SRC;
	else if (tl == 6 && !strncmp(track, "ip_dst", 6))
		xb->track = NFIPS_XB_IP_DST;
	else if (tl == 7 && !strncmp(track, "ip_pair", 7))
		xb->track = NFIPS_XB_IP_PAIR;
	else
		return perr(ps, voff + (size_t)(track - val),
			    "xbits: track must be ip_src, ip_dst or ip_pair");
	xb->name = xstrndup(name, nl);
	if (!xb->name)
		return perr(ps, voff, "out of memory");
	e = track + tl;
	if (*e == ',') {
		const char *x = skip_ws(e + 1);

		/* Anything else after track is ignored, as Suricata's regex does. */
		if (!strncmp(x, "expire", 6) && isspace((unsigned char)x[6])) {
			const char *num = skip_ws(x + 6);
			char nb[16];
			size_t k = strcspn(num, ",");

			snprintf(nb, sizeof(nb), "%.*s", (int)(k < 15 ? k : 15), num);
			if (k > 15 || !isdigit((unsigned char)*nb) ||
			    parse_u32(nb, UINT32_MAX, &expire) || !expire)
				return perr(ps, voff + (size_t)(num - val),
					    "xbits: expire must be 1..4294967295 seconds");
		}
	}
	xb->expire = expire;
	if (xb->cmd == NFIPS_FB_TOGGLE)
		return pskip(ps, voff, "xbits toggle");
	return 0;
}

/* ---- header keywords ---------------------------------------------- */

static struct nfips_pktcheck *pkt_add(struct pstate *ps, size_t off,
				      enum nfips_pkt_kw kw)
{
	struct nfips_rule *r = ps->r;
	struct nfips_pktcheck *c = grow(r->pkt, r->npkt, sizeof(*c));

	if (!c) {
		perr(ps, off, "out of memory");
		return NULL;
	}
	r->pkt = c;
	c += r->npkt++;
	memset(c, 0, sizeof(*c));
	c->kw = kw;
	c->opt = ps->cur_opt;
	return c;
}

/* Suricata's unsigned integer syntax (N, !N, <N, >=N, N-M, N<>M). */
static int pkt_num(struct pstate *ps, const char *val, size_t voff,
		   enum nfips_pkt_kw kw, const char *what, uint32_t max)
{
	struct nfips_pktcheck *c = pkt_add(ps, voff, kw);
	char buf[64];
	size_t n = strlen(val);

	if (!c)
		return -1;
	/* id and tos accept quotes. */
	if (n >= 2 && val[0] == '"' && val[n - 1] == '"' && n - 2 < sizeof(buf)) {
		memcpy(buf, val + 1, n - 2);
		buf[n - 2] = 0;
		val = buf;
	}
	return parse_cmp(ps, val, voff, what, max, &c->cmp);
}

static int opt_ttl(struct pstate *ps, const char *v, size_t o)
{
	return pkt_num(ps, v, o, NFIPS_PK_TTL, "ttl", 255);
}

static int opt_itype(struct pstate *ps, const char *v, size_t o)
{
	return pkt_num(ps, v, o, NFIPS_PK_ITYPE, "itype", 255);
}

static int opt_icode(struct pstate *ps, const char *v, size_t o)
{
	return pkt_num(ps, v, o, NFIPS_PK_ICODE, "icode", 255);
}

static int opt_id(struct pstate *ps, const char *v, size_t o)
{
	return pkt_num(ps, v, o, NFIPS_PK_ID, "id", 65535);
}

static int opt_icmp_id(struct pstate *ps, const char *v, size_t o)
{
	return pkt_num(ps, v, o, NFIPS_PK_ICMP_ID, "icmp_id", 65535);
}

static int opt_icmp_seq(struct pstate *ps, const char *v, size_t o)
{
	return pkt_num(ps, v, o, NFIPS_PK_ICMP_SEQ, "icmp_seq", 65535);
}

static int opt_window(struct pstate *ps, const char *v, size_t o)
{
	return pkt_num(ps, v, o, NFIPS_PK_WINDOW, "window", 65535);
}

static int opt_seq(struct pstate *ps, const char *v, size_t o)
{
	return pkt_num(ps, v, o, NFIPS_PK_SEQ, "seq", UINT32_MAX);
}

static int opt_ack(struct pstate *ps, const char *v, size_t o)
{
	return pkt_num(ps, v, o, NFIPS_PK_ACK, "ack", UINT32_MAX);
}

/* tos:[!]N with N decimal or xHH. */
static int opt_tos(struct pstate *ps, const char *val, size_t voff)
{
	struct nfips_pktcheck *c = pkt_add(ps, voff, NFIPS_PK_TOS);
	const char *p = val;
	char *end;
	unsigned long v;

	if (!c)
		return -1;
	c->cmp.op = NFIPS_CMP_EQ;
	if (*p == '!') {
		c->cmp.op = NFIPS_CMP_NE;
		p = skip_ws(p + 1);
	}
	errno = 0;
	v = (*p == 'x' || *p == 'X') ? strtoul(p + 1, &end, 16) : strtoul(p, &end, 10);
	if (errno || end == p || *end || v > 255)
		return perr(ps, voff, "tos: invalid value '%s'", val);
	c->cmp.a = (uint32_t)v;
	return 0;
}

/*
 * flags:[+*!]<FSRPAUCE120>[+*!][,<ignored>] and fragbits:[+*!]<MDR>.
 * A modifier may come before or after the letters, as in Suricata.
 */
static int bits_parse(struct pstate *ps, const char *val, size_t voff, bool tcp)
{
	static const char tcp_letters[] = "FSRPAUEC";	/* bit order */
	static const char frag_letters[] = "MDR";
	const char *letters = tcp ? tcp_letters : frag_letters;
	const char *what = tcp ? "flags" : "fragbits";
	struct nfips_pktcheck *c = pkt_add(ps, voff, tcp ? NFIPS_PK_FLAGS : NFIPS_PK_FRAGBITS);
	const char *p = val, *comma = strchr(val, ',');
	bool mod_seen = false, zero = false;

	if (!c)
		return -1;
	c->keep = 0xff;
	if (comma && !tcp)
		return perr(ps, voff, "fragbits: no ignore mask");
	for (; *p && p != comma; p++) {
		const char *l;
		char ch = (char)toupper((unsigned char)*p);

		if (isspace((unsigned char)ch))
			continue;
		if (ch == '+' || ch == '*' || ch == '!') {
			if (mod_seen)
				return perr(ps, voff + (size_t)(p - val), "%s: more than one modifier", what);
			mod_seen = true;
			c->mod = ch == '+' ? NFIPS_BITS_PLUS : ch == '*' ? NFIPS_BITS_ANY : NFIPS_BITS_NOT;
			continue;
		}
		if (tcp && ch == '1')
			ch = 'C';	/* old names of CWR and ECE */
		else if (tcp && ch == '2')
			ch = 'E';
		if (tcp && ch == '0') {
			zero = true;
			continue;
		}
		l = strchr(letters, ch);
		if (!ch || !l)
			return perr(ps, voff + (size_t)(p - val), "%s: unknown flag '%c'", what, *p);
		c->bits |= (uint8_t)(1u << (l - letters));
	}
	if (!c->bits && !zero)
		return perr(ps, voff, "%s: no flags given", what);
	if (zero && c->bits)
		return perr(ps, voff, "%s: 0 cannot be combined with other flags", what);
	/* "MDR" is in the header's bit order: M 0x1, D 0x2, R 0x4. */
	if (!tcp)
		return 0;
	for (p = comma ? comma + 1 : NULL; p && *p; p++) {
		const char *l;
		char ch = (char)toupper((unsigned char)*p);

		if (isspace((unsigned char)ch))
			continue;
		if (ch == '1')
			ch = 'C';
		else if (ch == '2')
			ch = 'E';
		l = strchr(tcp_letters, ch);
		if (!l)
			return perr(ps, voff + (size_t)(p - val), "flags: unknown flag '%c' in the mask", *p);
		c->keep &= (uint8_t)~(1u << (l - tcp_letters));
	}
	return 0;
}

static int opt_flags(struct pstate *ps, const char *v, size_t o)
{
	return bits_parse(ps, v, o, true);
}

static int opt_fragbits(struct pstate *ps, const char *v, size_t o)
{
	return bits_parse(ps, v, o, false);
}

/* ip_proto:[!<>]N or a protocol name; it narrows the header's protocol. */
static int opt_ip_proto(struct pstate *ps, const char *val, size_t voff)
{
	static const struct {
		const char *name;
		uint32_t num;
	} names[] = {
		{ "ip", 0 }, { "icmp", 1 }, { "igmp", 2 }, { "tcp", 6 },
		{ "udp", 17 }, { "ipv6", 41 }, { "gre", 47 }, { "esp", 50 },
		{ "ah", 51 }, { "ipv6-icmp", 58 }, { "icmpv6", 58 },
		{ "ospf", 89 }, { "pim", 103 }, { "vrrp", 112 }, { "sctp", 132 },
	};
	struct nfips_rule *r = ps->r;
	const char *p = skip_ws(val);
	char buf[32];
	unsigned i;

	if (r->has_ipproto)
		return perr(ps, voff, "duplicate ip_proto");
	r->has_ipproto = true;
	r->ipproto.op = NFIPS_CMP_EQ;
	if (*p == '!' || *p == '<' || *p == '>') {
		r->ipproto.op = *p == '!' ? NFIPS_CMP_NE : *p == '<' ? NFIPS_CMP_LT : NFIPS_CMP_GT;
		p = skip_ws(p + 1);
	}
	snprintf(buf, sizeof(buf), "%s", p);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcasecmp(buf, names[i].name)) {
			r->ipproto.a = names[i].num;
			return 0;
		}
	}
	if (parse_u32(buf, 255, &r->ipproto.a))
		return perr(ps, voff, "ip_proto: invalid protocol '%s'", val);
	return 0;
}

/* stream_size:<server|client|both|either>,<op>,<n> (detect-stream_size.c). */
static int opt_stream_size(struct pstate *ps, const char *val, size_t voff)
{
	static const char *const which[] = { "server", "client", "both", "either" };
	struct nfips_pktcheck *c = pkt_add(ps, voff, NFIPS_PK_STREAM_SIZE);
	struct fields fl;
	char *buf = strdup(val), op[40];
	unsigned i;
	int ret = -1;

	if (!c || !buf) {
		free(buf);
		return c ? perr(ps, voff, "out of memory") : -1;
	}
	if (fields_split(ps, buf, voff, &fl))
		goto out;
	if (fl.n != 3) {
		perr(ps, voff, "stream_size: expected <side>,<operator>,<bytes>");
		goto out;
	}
	for (i = 0; i < 4 && strcasecmp(fl.f[0], which[i]); i++)
		;
	if (i == 4) {
		perr(ps, fl.off[0], "stream_size: unknown side '%s'", fl.f[0]);
		goto out;
	}
	c->which = (enum nfips_ssize_which)i;
	if (strcmp(fl.f[1], "<") && strcmp(fl.f[1], ">") && strcmp(fl.f[1], "=") &&
	    strcmp(fl.f[1], "!=") && strcmp(fl.f[1], "<=") && strcmp(fl.f[1], ">=")) {
		perr(ps, fl.off[1], "stream_size: invalid operator '%s'", fl.f[1]);
		goto out;
	}
	/* "=N" is N, "!=N" is !N in the integer syntax. */
	snprintf(op, sizeof(op), "%s%s", !strcmp(fl.f[1], "=") ? "" :
		 !strcmp(fl.f[1], "!=") ? "!" : fl.f[1], fl.f[2]);
	ret = parse_cmp(ps, op, fl.off[2], "stream_size", UINT32_MAX, &c->cmp);
out:
	free(buf);
	return ret;
}

static const struct {
	const char *name;
	opt_fn fn;
} pkt_opts[] = {
	{ "stream_size", opt_stream_size },
	{ "byte_test", opt_byte_test }, { "byte_jump", opt_byte_jump },
	{ "byte_extract", opt_byte_extract }, { "xbits", opt_xbits },
	{ "ttl", opt_ttl }, { "tos", opt_tos }, { "id", opt_id },
	{ "fragbits", opt_fragbits }, { "itype", opt_itype },
	{ "icode", opt_icode }, { "icmp_id", opt_icmp_id },
	{ "icmp_seq", opt_icmp_seq }, { "flags", opt_flags },
	{ "tcp.flags", opt_flags }, { "seq", opt_seq }, { "ack", opt_ack },
	{ "window", opt_window }, { "ip_proto", opt_ip_proto },
};

int opt_dispatch_pkt(struct pstate *ps, const char *name, size_t noff,
		     const char *val, size_t voff)
{
	unsigned i;

	for (i = 0; i < sizeof(pkt_opts) / sizeof(pkt_opts[0]); i++) {
		if (strcasecmp(name, pkt_opts[i].name))
			continue;
		if (!val)
			return perr(ps, noff, "'%s' needs a value", name);
		return pkt_opts[i].fn(ps, val, voff);
	}
	return 1;
}
