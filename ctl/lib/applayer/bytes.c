// SPDX-License-Identifier: GPL-2.0
/* A growable byte buffer (bytes.h), shared by the protocol parsers. */
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "applayer.h"

/*
 * What the calling thread's parsers hold in these buffers: each nfipsd
 * worker runs its own pipeline, so this is its parsers' share of memory
 * (held hellos, certificates, bodies), for the daemon's memory budget.
 */
static _Thread_local uint64_t held;

uint64_t nfips_app_held(void)
{
	return held;
}

int bytes_add_max(struct bytes *b, const void *d, size_t n, uint32_t max)
{
	if (!n)
		return 0;
	if ((size_t)b->len + n > UINT32_MAX / 2)
		return -1;
	if (b->len + n > b->cap) {
		uint32_t cap = (uint32_t)(b->len + n) * 2;
		uint8_t *p;

		if (cap > max)
			cap = max > b->len + n ? max : (uint32_t)(b->len + n);
		p = realloc(b->p, cap);
		if (!p)
			return -1;
		held += cap - b->cap;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, d, n);
	b->len += (uint32_t)n;
	return 0;
}

int bytes_reserve(struct bytes *b, size_t n)
{
	uint8_t *p;

	if ((size_t)b->len + n > UINT32_MAX / 2)
		return -1;
	if (b->len + n <= b->cap)
		return 0;
	p = realloc(b->p, b->len + n);
	if (!p)
		return -1;
	held += b->len + n - b->cap;
	b->p = p;
	b->cap = (uint32_t)(b->len + n);
	return 0;
}

int bytes_add(struct bytes *b, const void *d, size_t n)
{
	return bytes_add_max(b, d, n, UINT32_MAX);
}

void bytes_free(struct bytes *b)
{
	held -= b->cap;
	free(b->p);
	memset(b, 0, sizeof(*b));
}
