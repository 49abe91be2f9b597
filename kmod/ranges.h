/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A rule's address and port lists (uapi/nfips.h): entries of a low and a
 * high bound, the high one in the second half of the entry. One loop
 * serves the six lists, checked in the packet path (match.c) and for
 * order when a rule arrives (netlink.c); the comparison is inlined.
 */
#ifndef _NFIPS_RANGES_H
#define _NFIPS_RANGES_H

#include <linux/compiler.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/unaligned.h>

typedef int (*nfips_range_cmp)(const void *a, const void *b);

/* IPv4 addresses, network byte order. */
static inline int nfips_cmp_addr4(const void *a, const void *b)
{
	u32 x = get_unaligned_be32(a), y = get_unaligned_be32(b);

	return x < y ? -1 : x > y;
}

/* IPv6 addresses, network byte order: memcmp() orders them as numbers. */
static inline int nfips_cmp_addr6(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/* Ports, host byte order. */
static inline int nfips_cmp_port(const void *a, const void *b)
{
	u16 x = *(const u16 *)a, y = *(const u16 *)b;

	return x < y ? -1 : x > y;
}

/* Whether @key is in one of the @n entries of @size bytes at @r. */
static __always_inline bool nfips_in_ranges(const void *r, u32 n, size_t size,
					    const void *key,
					    nfips_range_cmp cmp)
{
	const u8 *e = r;
	u32 i;

	for (i = 0; i < n; i++, e += size)
		if (cmp(key, e) >= 0 && cmp(key, e + size / 2) <= 0)
			return true;
	return false;
}

/* Whether no entry of the list has its low bound above its high one. */
static __always_inline bool nfips_ranges_ordered(const void *r, u32 n,
						 size_t size,
						 nfips_range_cmp cmp)
{
	const u8 *e = r;
	u32 i;

	for (i = 0; i < n; i++, e += size)
		if (cmp(e, e + size / 2) > 0)
			return false;
	return true;
}

#endif /* _NFIPS_RANGES_H */
