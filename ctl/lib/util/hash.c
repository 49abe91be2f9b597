// SPDX-License-Identifier: GPL-2.0
/*
 * SipHash-2-4 (Aumasson and Bernstein) for tables keyed by packet data,
 * under a per-table random key (util.h).
 */
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

/*
 * The state in four locals, the message read eight bytes at a time: the
 * flow table hashes every packet's key with this (and the engine's memo
 * small buffers), and a state array with a byte-by-byte load loop was
 * about twice as slow.
 */
#define SIPROUND(v0, v1, v2, v3) do {					\
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
	} while (0)

static inline uint64_t le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

uint64_t nfips_siphash(const struct nfips_hkey *k, const void *data, size_t n)
{
	const uint8_t *p = data;
	uint64_t v0 = k->k0 ^ 0x736f6d6570736575ULL, v1 = k->k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k->k0 ^ 0x6c7967656e657261ULL, v3 = k->k1 ^ 0x7465646279746573ULL;
	uint64_t m, b = (uint64_t)n << 56;
	uint8_t last[8] = { 0 };
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		m = le64(p + i);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	memcpy(last, p + i, n - i);
	b |= le64(last);
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

void nfips_hkey_random(struct nfips_hkey *k)
{
	struct timespec t;

	if (getrandom(k, sizeof(*k), GRND_NONBLOCK) == (ssize_t)sizeof(*k))
		return;
	/* No entropy yet (early boot): still differs per process and run. */
	clock_gettime(CLOCK_MONOTONIC, &t);
	k->k0 ^= (uint64_t)t.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)k;
	k->k1 ^= (uint64_t)t.tv_sec * 0xc2b2ae3d27d4eb4fULL ^ (uint64_t)getpid();
}
