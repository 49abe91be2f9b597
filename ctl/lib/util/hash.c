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

static void sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t nfips_siphash(const struct nfips_hkey *k, const void *data, size_t n)
{
	const uint8_t *p = data;
	uint64_t v[4] = {
		k->k0 ^ 0x736f6d6570736575ULL, k->k1 ^ 0x646f72616e646f6dULL,
		k->k0 ^ 0x6c7967656e657261ULL, k->k1 ^ 0x7465646279746573ULL,
	};
	uint64_t m, b = (uint64_t)n << 56;
	uint8_t last[8] = { 0 };
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		m = le64(p + i);
		v[3] ^= m;
		sipround(v);
		sipround(v);
		v[0] ^= m;
	}
	memcpy(last, p + i, n - i);
	b |= le64(last);
	v[3] ^= b;
	sipround(v);
	sipround(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
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
