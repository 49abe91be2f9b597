/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compiled policy: what the kernel module receives (over generic
 * netlink, see wire.c and uapi/nfips.h) and what a daemon can cache. It
 * holds the fast patterns once each and, per rule that has one, the
 * conditions the kernel checks itself: protocol, addresses, ports, the
 * pattern's offset/depth in the L4 payload and dsize. A kernel-decided
 * rule is decided by them; a slow-path rule only uses them to punt.
 * Rules without a fast pattern are not in it (the kernel cannot select
 * them; the daemon evaluates them on what it is given).
 *
 * Serialised form, version NFIPS_COMPILED_VERSION, all integers little
 * endian, every item padded to 4 bytes:
 *
 *   "NFIPSCMP" u32 version u32 npatterns u32 nrules
 *   npatterns x { u32 len, u32 flags (NFIPS_CP_NOCASE), len bytes }
 *   nrules x {
 *     u32 gid sid rev, u8 action class proto dsize_op,
 *     u32 flags (NFIPS_CR_*), u32 pattern, u32 offset depth,
 *     u32 dsize_a dsize_b, u32 n_src4 n_dst4 n_src6 n_dst6 n_sport n_dport,
 *     ranges: v4 lo,hi as u32; v6 lo,hi as 16 bytes network order;
 *     ports lo,hi as u32, u32 msglen, msg bytes
 *   }
 *
 * A reader refuses anything else (other magic or version, a length past
 * the end, a pattern index out of range, unsorted or overlapping ranges,
 * trailing bytes) with a message, so a damaged file never half-loads.
 */
#ifndef NFIPS_COMPILE_H
#define NFIPS_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "rules/rule.h"

#define NFIPS_COMPILED_VERSION	1

#define NFIPS_CP_NOCASE		0x1

struct nfips_cpattern {
	uint8_t *bytes;
	uint32_t len;		/* 1..NFIPS_AC_MAX_LEN */
	uint32_t flags;		/* NFIPS_CP_* */
};

#define NFIPS_CR_BIDIR		0x01	/* <> */
#define NFIPS_CR_SRC		0x02	/* source restricted to src4/src6 */
#define NFIPS_CR_DST		0x04
#define NFIPS_CR_SPORT		0x08
#define NFIPS_CR_DPORT		0x10
#define NFIPS_CR_DSIZE		0x20
#define NFIPS_CR_ALL		0x3f

struct nfips_crange4 {
	uint32_t lo, hi;	/* host order */
};

struct nfips_crange6 {
	uint8_t lo[16], hi[16];	/* network order */
};

struct nfips_crule {
	uint32_t gid, sid, rev;
	uint8_t action;		/* enum nfips_action */
	uint8_t cls;		/* NFIPS_CLASS_KERNEL or NFIPS_CLASS_SLOW */
	uint8_t proto;		/* enum nfips_proto */
	uint8_t dsize_op;	/* enum nfips_cmp */
	uint32_t flags;		/* NFIPS_CR_* */
	uint32_t pattern;	/* index into patterns */
	uint32_t offset, depth;	/* kernel rules: [offset, offset+depth); depth 0 none */
	uint32_t dsize_a, dsize_b;
	struct nfips_crange4 *src4, *dst4;
	struct nfips_crange6 *src6, *dst6;
	struct nfips_crange4 *sport, *dport;
	uint32_t nsrc4, ndst4, nsrc6, ndst6, nsport, ndport;
	char *msg;
};

struct nfips_compiled {
	uint32_t version;
	struct nfips_cpattern *patterns;
	uint32_t npatterns;
	struct nfips_crule *rules;
	uint32_t nrules;
};

/*
 * Compiles the loadable rules among @rules (classified here) that have a
 * fast pattern, in the order given. 0 or -ENOMEM.
 */
int nfips_compile(struct nfips_rule *const *rules, size_t n,
		  struct nfips_compiled **out);
void nfips_compiled_free(struct nfips_compiled *c);

/* Serialises @c into a malloc'd buffer. 0 or -ENOMEM. */
int nfips_compiled_write(const struct nfips_compiled *c, uint8_t **buf, size_t *len);
/* 0, or -EINVAL with @err saying why (-ENOMEM without). */
int nfips_compiled_read(const uint8_t *buf, size_t len, struct nfips_compiled **out,
			char *err, size_t errlen);

#endif /* NFIPS_COMPILE_H */
